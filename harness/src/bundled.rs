//! The files witness carries inside itself, so that an installed `witness` builds guests in
//! any project: the plugin API's WIT, the Rust plugin-api crate and its lock file, the
//! pinned JavaScript toolchain (package files, bundler, SDK) and the pinned Python toolchain
//! (requirements, SDK). Each group is written on first use to
//! `<base>/bundled/<group>-<hash>/` (the base is the cache, or `target/witness/` for the
//! Rust SDK), named by a hash of its contents, so a new witness never uses an older copy and
//! an unchanged one is written once.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use witness_host::cache::hash::Fingerprint;

/// A group of files written together, each `(relative path, contents)`.
pub struct Bundle {
    /// The group's name, the start of its directory's name.
    pub name: &'static str,
    /// Its files.
    pub files: &'static [(&'static str, &'static str)],
}

/// The plugin API (`wit/`) and the Rust SDK (`guests-rust/`), laid out as in the witness
/// repository: the plugin-api crate finds the WIT at `../../wit`.
pub const RUST_SDK: Bundle = Bundle {
    name: "rust-sdk",
    files: &[
        ("wit/plugin.wit", include_str!("../../wit/plugin.wit")),
        (
            "guests-rust/Cargo.lock",
            include_str!("../../guests-rust/Cargo.lock"),
        ),
        (
            "guests-rust/plugin-api/Cargo.toml",
            include_str!("../../guests-rust/plugin-api/Cargo.toml"),
        ),
        (
            "guests-rust/plugin-api/src/lib.rs",
            include_str!("../../guests-rust/plugin-api/src/lib.rs"),
        ),
    ],
};

/// The plugin API alone: the WIT a project without its own `wit/` builds against.
pub const PLUGIN_WIT: Bundle = Bundle {
    name: "wit",
    files: &[("plugin.wit", include_str!("../../wit/plugin.wit"))],
};

/// Each older version of the plugin API the host still runs, by version: the WIT a fixture
/// naming `world-version` builds against. The newest version is [`PLUGIN_WIT`].
pub const OLDER_PLUGIN_WITS: &[(&str, Bundle)] = &[(
    "0.1.0",
    Bundle {
        name: "wit-0.1.0",
        files: &[("plugin.wit", include_str!("../../wit/0.1.0/plugin.wit"))],
    },
)];

/// The pinned JavaScript toolchain and SDK (`guests-js/`); `npm ci` installs it in place.
pub const JS: Bundle = Bundle {
    name: "js",
    files: &[
        ("package.json", include_str!("../../guests-js/package.json")),
        (
            "package-lock.json",
            include_str!("../../guests-js/package-lock.json"),
        ),
        ("bundle.mjs", include_str!("../../guests-js/bundle.mjs")),
        (
            "witness-plugin.js",
            include_str!("../../guests-js/witness-plugin.js"),
        ),
    ],
};

/// The pinned Python toolchain and SDK (`guests-python/`).
pub const PYTHON: Bundle = Bundle {
    name: "python",
    files: &[
        (
            "requirements.txt",
            include_str!("../../guests-python/requirements.txt"),
        ),
        (
            "witness_plugin.py",
            include_str!("../../guests-python/witness_plugin.py"),
        ),
    ],
};

impl Bundle {
    /// Where this group lives under `base`: `bundled/<name>-<hash of its files>`.
    pub fn dir(&self, base: &Path) -> PathBuf {
        dir_of(self.name, self.files.iter().copied(), base)
    }

    /// Writes the group under `base` unless it is there already, and returns its
    /// directory. The files are written to a temporary directory and renamed into place, so
    /// a concurrent reader sees all of them or none.
    pub fn materialise(&self, base: &Path) -> Result<PathBuf> {
        materialise(&self.dir(base), self.files.iter().copied())
    }

    /// The contents of the file at `path` in this group, if it has one.
    pub fn file(&self, path: &str) -> Option<&'static str> {
        self.files
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, contents)| *contents)
    }

    /// This bundle's files as they are: the same directory as [`Bundle::dir`].
    pub fn group(&self) -> Group {
        Group {
            name: self.name.to_string(),
            files: self
                .files
                .iter()
                .map(|(path, contents)| (*path, contents.to_string()))
                .collect(),
        }
    }

    /// This group changed for the newest toolchains (`WITNESS_TOOLCHAINS=latest`), named
    /// `<name>-latest`: `edit` is given each file's path and contents and returns the
    /// contents to write, or `None` to leave the file out (a lock file that would pin).
    pub fn latest(&self, edit: impl Fn(&str, &str) -> Option<String>) -> Group {
        Group {
            name: format!("{}-latest", self.name),
            files: self
                .files
                .iter()
                .filter_map(|(path, contents)| edit(path, contents).map(|c| (*path, c)))
                .collect(),
        }
    }
}

/// A bundle's files as a toolchain writes them: the bundle's own ([`Bundle::group`]), or its
/// variant for the newest toolchains ([`Bundle::latest`]), in a directory of its own
/// (`bundled/<name>-<hash>/`, the hash of its own files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The group's name, the start of its directory's name.
    pub name: String,
    /// Its files, `(relative path, contents)`.
    pub files: Vec<(&'static str, String)>,
}

impl Group {
    /// Where this group lives under `base`.
    pub fn dir(&self, base: &Path) -> PathBuf {
        dir_of(&self.name, self.entries(), base)
    }

    /// Writes the group under `base` unless it is there already, as
    /// [`Bundle::materialise`] does, and returns its directory.
    pub fn materialise(&self, base: &Path) -> Result<PathBuf> {
        materialise(&self.dir(base), self.entries())
    }

    /// The contents of the file at `path`, if the group has one.
    pub fn file(&self, path: &str) -> Option<&str> {
        self.entries().find(|(p, _)| *p == path).map(|(_, c)| c)
    }

    /// Each file as `(path, contents)`.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(path, c)| (*path, c.as_str()))
    }
}

/// `<base>/bundled/<name>-<hash of the files>`.
fn dir_of<'a>(name: &str, files: impl Iterator<Item = (&'a str, &'a str)>, base: &Path) -> PathBuf {
    let mut key = Fingerprint::new();
    for (path, contents) in files {
        key.text(path, contents);
    }
    let hash = key.finish();
    base.join("bundled").join(format!("{name}-{}", &hash[..16]))
}

/// Writes `files` into `dir` unless it exists, through a temporary directory renamed into
/// place.
fn materialise<'a>(dir: &Path, files: impl Iterator<Item = (&'a str, &'a str)>) -> Result<PathBuf> {
    if dir.is_dir() {
        return Ok(dir.to_path_buf());
    }
    let parent = dir.parent().context("a bundle directory has no parent")?;
    std::fs::create_dir_all(parent)
        .with_context(|| format!("failed to create {}", parent.display()))?;
    let scratch = tempfile::Builder::new()
        .prefix(".writing-")
        .tempdir_in(parent)
        .with_context(|| format!("failed to create a directory in {}", parent.display()))?;
    for (path, contents) in files {
        let file = scratch.path().join(path);
        if let Some(folder) = file.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("failed to create {}", folder.display()))?;
        }
        std::fs::write(&file, contents)
            .with_context(|| format!("failed to write {}", file.display()))?;
    }
    let written = scratch.keep();
    if let Err(err) = std::fs::rename(&written, dir) {
        let _ = std::fs::remove_dir_all(&written);
        // Another process wrote the same files first: theirs are as good as ours.
        if !dir.is_dir() {
            return Err(err).with_context(|| format!("failed to write {}", dir.display()));
        }
    }
    Ok(dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_is_written_once_with_every_file() {
        let cache = tempfile::tempdir().unwrap();
        let dir = JS.materialise(cache.path()).unwrap();
        for (path, contents) in JS.files {
            assert_eq!(std::fs::read_to_string(dir.join(path)).unwrap(), *contents);
        }
        std::fs::write(dir.join("marker"), "kept").unwrap();
        assert_eq!(JS.materialise(cache.path()).unwrap(), dir);
        assert!(
            dir.join("marker").is_file(),
            "an existing bundle is not rewritten"
        );
    }

    #[test]
    fn bundles_with_other_contents_live_apart() {
        let cache = Path::new("/cache");
        assert_ne!(JS.dir(cache), PYTHON.dir(cache));
        let changed = Bundle {
            name: "js",
            files: &[("package.json", "{}")],
        };
        assert_ne!(JS.dir(cache), changed.dir(cache));
    }

    #[test]
    fn a_latest_variant_lives_apart_from_its_bundle() {
        let cache = Path::new("/cache");
        assert_eq!(PYTHON.group().dir(cache), PYTHON.dir(cache));
        let same = PYTHON.latest(|_, contents| Some(contents.to_string()));
        assert_eq!(same.name, "python-latest");
        assert_ne!(
            same.dir(cache),
            PYTHON.dir(cache),
            "the name alone sets it apart"
        );
        let unpinned = PYTHON.latest(|path, contents| match path {
            "requirements.txt" => Some("componentize-py\n".to_string()),
            _ => Some(contents.to_string()),
        });
        assert_ne!(unpinned.dir(cache), same.dir(cache));
        let without_lock =
            JS.latest(|path, contents| (path != "package-lock.json").then(|| contents.to_string()));
        assert_eq!(without_lock.file("package-lock.json"), None);
        assert_eq!(without_lock.file("bundle.mjs"), JS.file("bundle.mjs"));
        let dir = tempfile::tempdir().unwrap();
        let written = unpinned.materialise(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(written.join("requirements.txt")).unwrap(),
            "componentize-py\n"
        );
    }

    #[test]
    fn the_rust_sdk_finds_the_wit_where_the_crate_expects_it() {
        let lib = RUST_SDK
            .files
            .iter()
            .find(|(path, _)| *path == "guests-rust/plugin-api/src/lib.rs")
            .map(|(_, text)| *text)
            .unwrap();
        assert!(lib.contains(r#"path: "../../wit""#));
        assert!(
            RUST_SDK
                .files
                .iter()
                .any(|(path, _)| *path == "wit/plugin.wit")
        );
    }

    #[test]
    fn every_plugin_api_version_the_host_runs_has_its_wit_here() {
        let versions: Vec<String> = witness_host::plugin_api::compat::worlds()
            .iter()
            .map(|w| w.version.to_string())
            .collect();
        let (newest, older) = versions.split_last().expect("at least one version");
        assert!(
            PLUGIN_WIT.files[0]
                .1
                .contains(&format!("package witness:plugin@{newest};"))
        );
        let bundled: Vec<&str> = OLDER_PLUGIN_WITS.iter().map(|(v, _)| *v).collect();
        assert_eq!(bundled, older);
        for (version, bundle) in OLDER_PLUGIN_WITS {
            assert!(
                bundle.files[0]
                    .1
                    .contains(&format!("package witness:plugin@{version};"))
            );
        }
    }
}
