//! Reading the WIT a fixture builds against, to catch a wrong world name before any
//! toolchain runs and to say which worlds there are.

use std::path::Path;

use anyhow::{Context, Result, bail};
use wit_parser::Resolve;

/// Checks that the WIT package in `dir` parses and has a world `world`.
pub fn check_world(dir: &Path, world: &str) -> Result<()> {
    let mut resolve = Resolve::default();
    let (package, _) = resolve
        .push_dir(dir)
        .with_context(|| format!("failed to parse the WIT package in {}", dir.display()))?;
    if resolve.select_world(&[package], Some(world)).is_ok() {
        return Ok(());
    }
    let worlds: Vec<&str> = resolve.packages[package]
        .worlds
        .keys()
        .map(String::as_str)
        .collect();
    bail!(
        "the WIT package {} in {} has no world `{world}`; its worlds are: {}",
        resolve.packages[package].name,
        dir.display(),
        worlds.join(", ")
    )
}
