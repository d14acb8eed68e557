//! Guest toolchains: one module per language, each turning a fixture's guest file into a
//! component, with the pinned or the newest versions of its tools ([`channel`]). Adding a
//! language is adding a module and one line in [`for_language`] and [`pinned`].

pub mod channel;
pub mod command;
mod js;
mod python;
mod rust;

use std::path::Path;
#[cfg(test)]
use std::path::PathBuf;

use anyhow::Result;

use crate::language::Language;
use crate::paths::ProjectPaths;
use channel::{Channel, ToolVersion};
use witness_host::cache::hash::Fingerprint;

pub use js::JsToolchain;
pub use python::PythonToolchain;
pub use rust::{RustBuilder, RustToolchain};

/// Everything one build needs, borrowed from the fixture and the session.
#[derive(Debug, Clone, Copy)]
pub struct BuildRequest<'a> {
    /// The fixture's name.
    pub fixture: &'a str,
    /// Which of the fixture's guests: its own (`guest.*`), or a composition fixture's
    /// provider (`provider/guest.*`).
    pub side: crate::fixture::Side,
    /// The guest source file.
    pub guest: &'a Path,
    /// The WIT package directory to build against.
    pub wit: &'a Path,
    /// The world the guest implements.
    pub world: &'a str,
    /// Where the built component goes.
    pub output: &'a Path,
}

/// A guest language's toolchain.
pub trait Toolchain: Send + Sync {
    /// A quick look for the tools this language needs; `Err` says what is missing and how to
    /// get it. Runs before trials are listed, so it must not install anything.
    fn probe(&self) -> Result<(), String>;

    /// Adds everything about this toolchain that decides what a build produces (tool
    /// versions, pinned dependencies, SDK files, build flags) to a build-cache key. Must not
    /// install anything: a cached build skips [`Toolchain::prepare`].
    fn fingerprint(&self, key: &mut Fingerprint) -> Result<()>;

    /// Once per session, before the first build: install or check what the builds share.
    fn prepare(&self) -> Result<()>;

    /// Builds one guest into a component at `request.output`.
    fn build(&self, request: &BuildRequest<'_>) -> Result<()>;

    /// The tools that decide what a build produces and the versions builds use: the pins,
    /// or with [`Channel::Latest`] the versions installed (`not installed` before
    /// [`Toolchain::prepare`] installed them). Installs nothing.
    fn versions(&self) -> Vec<ToolVersion>;
}

/// The toolchain of `language`, with the versions `channel` says.
pub fn for_language(
    language: Language,
    paths: &ProjectPaths,
    channel: Channel,
) -> Box<dyn Toolchain> {
    match language {
        Language::Rust => Box::new(RustToolchain::new(paths, channel)),
        Language::Js => Box::new(JsToolchain::new(paths, channel)),
        Language::Python => Box::new(PythonToolchain::new(paths, channel)),
    }
}

/// The tools of `language` with the versions witness pins, read from the files it carries.
pub fn pinned(language: Language) -> Vec<ToolVersion> {
    match language {
        Language::Rust => rust::pinned(),
        Language::Js => js::pinned(),
        Language::Python => python::pinned(),
    }
}

/// What a version reads as when the newest toolchain is not installed yet.
pub const NOT_INSTALLED: &str = "not installed";

/// The version after `prefix` in `text`, up to a quote, a space or the end of the line.
fn pin_after(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)? + prefix.len();
    let version: String = text[start..]
        .chars()
        .take_while(|c| !matches!(c, '"' | '\n' | '\r' | ' '))
        .collect();
    (!version.is_empty()).then_some(version)
}

/// The output of `program args…` (stdout and stderr), for a fingerprint; an empty string
/// when the program does not run.
pub fn version_of(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .map(|out| {
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .unwrap_or_default()
}

/// Puts a freshly built component at its stable path, `to`, unless `to` already holds the
/// same bytes (so an unchanged build leaves the artifact's timestamp alone).
pub fn install_artifact(from: &Path, to: &Path) -> Result<()> {
    use anyhow::Context as _;
    let new = std::fs::read(from).with_context(|| format!("failed to read {}", from.display()))?;
    write_if_changed(to, &new)
}

/// Puts the cached component `from` at the stable path `to` as a hard link to the same file,
/// so a warm run neither copies nor reads it; when `to` already is that file nothing happens.
/// Where a link cannot be made (the cache on another file system) the bytes are copied.
pub fn link_artifact(from: &Path, to: &Path) -> Result<()> {
    use anyhow::Context as _;
    if same_file(from, to) {
        return Ok(());
    }
    let dir = to.parent().context("an artifact path has no parent")?;
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let linked = tempfile::Builder::new()
        .prefix(".link")
        .make_in(dir, |tmp| std::fs::hard_link(from, tmp))
        .map_err(anyhow::Error::from)
        .and_then(|tmp| tmp.persist(to).map_err(|e| anyhow::Error::from(e.error)));
    match linked {
        Ok(_) => Ok(()),
        Err(_) => install_artifact(from, to),
    }
}

/// Whether `a` and `b` name the same file (the same inode on the same device).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// Writes `contents` to `path` only if it differs from what is there, so tools that watch
/// timestamps (cargo) see no change when nothing changed. The write goes through a temporary
/// file and a rename, so a concurrent reader never sees half a file.
pub fn write_if_changed(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    let contents = contents.as_ref();
    if std::fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    witness_host::cache::write_atomically(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_names_its_pinned_tools_with_versions() {
        for language in Language::ALL {
            let tools = pinned(language);
            assert!(!tools.is_empty(), "{language}");
            for tool in tools {
                assert!(
                    tool.version
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_digit()),
                    "{language}: {tool}"
                );
            }
        }
        assert_eq!(pin_after("a==1.2.3\nb", "a=="), Some("1.2.3".into()));
        assert_eq!(
            pin_after("x = \"=0.61.1\"", "x = \"="),
            Some("0.61.1".into())
        );
        assert_eq!(pin_after("x = 1", "y = "), None);
    }

    /// The newest toolchains key their builds apart from the pinned ones (each language's
    /// module checks its install specs). Nothing is installed or downloaded here.
    #[test]
    fn latest_has_build_cache_keys_of_its_own() {
        let target = tempfile::tempdir().unwrap();
        let paths = ProjectPaths::new(PathBuf::from("/project"), target.path().to_path_buf());
        for language in Language::ALL {
            let key = |channel| {
                let mut key = Fingerprint::new();
                for_language(language, &paths, channel)
                    .fingerprint(&mut key)
                    .unwrap();
                key.finish()
            };
            assert_ne!(key(Channel::Pinned), key(Channel::Latest), "{language}");
            assert_eq!(key(Channel::Pinned), key(Channel::Pinned), "{language}");
        }
    }
}
