//! Where things are: the project's fixtures, shared WIT, guest toolchains, and the harness's
//! own output under `target/witness/`.

use std::path::{Path, PathBuf};

/// The directories a session works with.
#[derive(Debug, Clone)]
pub struct ProjectPaths {
    /// The repository root.
    pub root: PathBuf,
    /// `fixtures/`: one directory per case.
    pub fixtures: PathBuf,
    /// `wit/`: the shared plugin API.
    pub wit: PathBuf,
    /// `target/witness/`: built components and generated guest projects.
    pub out: PathBuf,
    /// The caches: `target/witness/cache/`, or `WITNESS_CACHE_DIR`.
    pub cache: PathBuf,
}

impl ProjectPaths {
    /// The paths of the repository this harness was built from, unless `WITNESS_ROOT` names
    /// another checkout. The target directory honours `CARGO_TARGET_DIR`.
    pub fn discover() -> Self {
        let root = std::env::var_os("WITNESS_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
        let root = root.canonicalize().unwrap_or(root);
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        Self::new(root, target)
    }

    /// The paths of the checkout at `root`, writing under `target`.
    pub fn new(root: PathBuf, target: PathBuf) -> Self {
        let out = target.join("witness");
        let cache = std::env::var_os("WITNESS_CACHE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| out.join("cache"));
        ProjectPaths {
            fixtures: root.join("fixtures"),
            wit: root.join("wit"),
            cache,
            out,
            root,
        }
    }

    /// The same project with its caches in `cache` (a fresh directory makes a cold run).
    pub fn with_cache(mut self, cache: PathBuf) -> Self {
        self.cache = cache;
        self
    }

    /// The same project with its fixtures read from `fixtures` (the harness's self-tests
    /// run fixtures written to a temporary directory this way).
    pub fn with_fixtures(mut self, fixtures: PathBuf) -> Self {
        self.fixtures = fixtures;
        self
    }

    /// The stable path of a fixture's built component: `target/witness/<fixture>/<lang>.wasm`.
    pub fn artifact(&self, fixture: &str, language: crate::language::Language) -> PathBuf {
        self.out.join(fixture).join(format!("{language}.wasm"))
    }
}
