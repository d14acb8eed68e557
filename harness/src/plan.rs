//! A trial's plan: what its fixture asks of one language, read and checked before anything
//! is built: the guest file, every `[[call]]` parsed, the WIT package and its world, and each
//! `[[known-divergence]]` naming a function the world exports.

use std::path::PathBuf;
use std::sync::Arc;

use witness_host::{ParsedCall, parse_call};

use crate::error::{FixtureFileError, TrialError};
use crate::fixture::{Fixture, FixtureFile};
use crate::language::Language;
use crate::paths::ProjectPaths;

/// One trial's fixture, read for one language and checked.
#[derive(Debug)]
pub struct TrialPlan {
    /// The fixture.
    pub fixture: Arc<Fixture>,
    /// Its fixture.toml, parsed.
    pub file: FixtureFile,
    /// The guest language.
    pub language: Language,
    /// The path of fixture.toml.
    pub fixture_file: PathBuf,
    /// The guest source file.
    pub guest: PathBuf,
    /// Each `[[call]]`'s `invoke`, parsed, in order.
    pub calls: Vec<ParsedCall>,
    /// The WIT package directory the guest builds against.
    pub wit: PathBuf,
    /// The package's name and version (`witness:plugin@0.2.0`).
    pub package: String,
}

/// The plan of `fixture` in `language`. `package` learns the WIT package as soon as it is
/// known, so a failure after that still names it. Every call that does not parse is named,
/// not only the first.
pub fn plan(
    fixture: &Arc<Fixture>,
    language: Language,
    paths: &ProjectPaths,
    package: &mut Option<String>,
) -> Result<TrialPlan, TrialError> {
    let fixture_file = fixture.dir.join("fixture.toml");
    let file = fixture.file.as_ref().map_err(|e| e.clone())?;
    let guest = fixture.guest_path(language);
    if !guest.is_file() {
        return Err(TrialError::MissingGuest { language, guest });
    }
    let bad = |line: Option<usize>, message: String| FixtureFileError {
        file: fixture_file.clone(),
        line,
        message,
    };
    let mut calls = Vec::new();
    let mut unparsed = Vec::new();
    for (i, call) in file.calls.iter().enumerate() {
        match parse_call(&call.invoke) {
            Ok(parsed) => calls.push(parsed),
            Err(e) => unparsed.push(bad(
                fixture.entry_line("call", i),
                format!("[[call]] #{}: {e}", i + 1),
            )),
        }
    }
    if let Some((first, rest)) = unparsed.split_first() {
        // The first names its line; each other one follows on a line of its own.
        let mut message = first.message.clone();
        for other in rest {
            message.push_str(&format!("\n{other}"));
        }
        return Err(TrialError::BadFixture(FixtureFileError {
            message,
            ..first.clone()
        }));
    }
    let wit = fixture
        .wit_dir(paths, file.world_version.as_deref())
        .map_err(|e| bad(None, format!("{e:#}")))?;
    let (name, exported) = crate::wit::check_world(&wit, &file.world)
        .map_err(|e| bad(None, format!("`world`: {e:#}")))?;
    *package = Some(name.clone());
    if let Some((index, entry)) = file
        .known_divergences
        .iter()
        .enumerate()
        .find(|(_, k)| !exported.contains(&k.function))
    {
        return Err(bad(
            fixture.entry_line("known-divergence", index),
            format!(
                "[[known-divergence]] for {} names `{}`, which world `{}` does not export; it \
                 exports: {}",
                entry.language,
                entry.function,
                file.world,
                exported.join(", ")
            ),
        )
        .into());
    }
    Ok(TrialPlan {
        fixture: fixture.clone(),
        file: file.clone(),
        language,
        fixture_file,
        guest,
        calls,
        wit,
        package: name,
    })
}
