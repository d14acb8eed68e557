//! Where things are: the project's fixtures and its WIT, and the harness's own output under
//! `target/witness/`. A project is any directory holding `fixtures/`; witness's own files
//! (SDKs, toolchain pins, the plugin API) come from [`crate::bundled`], not from the project.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::bundled;
use crate::language::{Language, Lineup};

/// The directories a session works with.
#[derive(Debug, Clone)]
pub struct ProjectPaths {
    /// The project root.
    pub root: PathBuf,
    /// `fixtures/`: one directory per case.
    pub fixtures: PathBuf,
    /// `target/witness/`: built components and generated guest projects.
    pub out: PathBuf,
    /// The caches: `target/witness/cache/`, or `WITNESS_CACHE_DIR`.
    pub cache: PathBuf,
}

impl ProjectPaths {
    /// The project witness is run in: `WITNESS_ROOT`, else the nearest directory at or above
    /// the current one that holds `fixtures/`, else the current directory. The target
    /// directory honours `CARGO_TARGET_DIR`.
    pub fn discover() -> Self {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let root = match std::env::var_os("WITNESS_ROOT") {
            Some(root) => PathBuf::from(root),
            None => cwd
                .ancestors()
                .find(|dir| dir.join("fixtures").is_dir())
                .unwrap_or(&cwd)
                .to_path_buf(),
        };
        Self::at(root)
    }

    /// The project at `root`, writing under `CARGO_TARGET_DIR` or else `root/target`.
    pub fn at(root: PathBuf) -> Self {
        let root = root.canonicalize().unwrap_or(root);
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        Self::new(root, target)
    }

    /// The project at `root`, writing under `target`.
    pub fn new(root: PathBuf, target: PathBuf) -> Self {
        let out = target.join("witness");
        let cache = std::env::var_os("WITNESS_CACHE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| out.join("cache"));
        ProjectPaths {
            fixtures: root.join("fixtures"),
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

    /// The WIT a fixture without its own `wit/` builds against: the project's `wit/`, or
    /// else witness's plugin API (written under the cache on first use).
    pub fn shared_wit(&self) -> Result<PathBuf> {
        let own = self.root.join("wit");
        if own.is_dir() {
            return Ok(own);
        }
        bundled::PLUGIN_WIT.materialise(&self.cache)
    }

    /// The WIT of witness's plugin API at `version` (one the host runs, exactly as
    /// [`witness_host::plugin_api::compat::worlds`] names it), written under the cache on
    /// first use; an unknown version is an error listing the known ones.
    pub fn plugin_wit(&self, version: &str) -> Result<PathBuf> {
        let newest = witness_host::plugin_api::compat::worlds()
            .last()
            .map(|w| w.version.to_string());
        if newest.as_deref() == Some(version) {
            return bundled::PLUGIN_WIT.materialise(&self.cache);
        }
        match bundled::OLDER_PLUGIN_WITS
            .iter()
            .find(|(v, _)| *v == version)
        {
            Some((_, bundle)) => bundle.materialise(&self.cache),
            None => {
                let known: Vec<String> = witness_host::plugin_api::compat::worlds()
                    .iter()
                    .map(|w| w.version.to_string())
                    .collect();
                anyhow::bail!(
                    "witness's plugin API has no version {version}; this witness has {}",
                    known.join(", ")
                )
            }
        }
    }

    /// The stable path of a fixture's built component: `target/witness/<fixture>/<lang>.wasm`.
    pub fn artifact(&self, fixture: &str, language: Language) -> PathBuf {
        self.out.join(fixture).join(format!("{language}.wasm"))
    }

    /// The stable path of a composition fixture's provider component:
    /// `target/witness/<fixture>/provider/<lang>.wasm`.
    pub fn provider_artifact(&self, fixture: &str, language: Language) -> PathBuf {
        self.out
            .join(fixture)
            .join("provider")
            .join(format!("{language}.wasm"))
    }

    /// The component a trial of `lineup` runs: the guest's own ([`ProjectPaths::artifact`]),
    /// or the composition of a runner and a provider,
    /// `target/witness/<fixture>/<runner>+<provider>.wasm`.
    pub fn lineup_artifact(&self, fixture: &str, lineup: Lineup) -> PathBuf {
        match lineup.provider {
            None => self.artifact(fixture, lineup.runner),
            Some(_) => self.out.join(fixture).join(format!("{lineup}.wasm")),
        }
    }
}

/// The witness repository this crate was built in, for its own tests and benchmarks (not
/// for other projects: see [`ProjectPaths::discover`]).
#[doc(hidden)]
pub fn this_repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
