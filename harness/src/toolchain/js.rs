//! JavaScript guests: `guest.js` is bundled with the witness JS SDK (`guests-js/bundle.mjs`,
//! rolldown), then built into a component with `jco componentize`, all from the toolchain
//! pinned in `guests-js/package-lock.json` and installed there with `npm ci` on first use.
//!
//! Why jco 1.35.0 works here: `jco componentize` 1.35.0 failed with "failed to get path
//! metadata: No such file or directory (os error 44)". jco parses WIT with wasm-tools compiled
//! to WebAssembly and run on `@bytecodealliance/preview2-shim`; shim 0.26 stopped preopening
//! `/` for that module, so every absolute path it stats is missing (errno 44 is WASI's
//! ENOENT). `guests-js/package.json` therefore overrides the shim to 0.25.0, and jco's own
//! componentize-js to the pinned 0.23.0.
//!
//! Components are built with the tool's defaults, so they import `wasi:http` (and export the
//! fetch-event handler); the host links `wasi:http` with every outgoing request refused, so a
//! JS plugin built by a user with default flags runs the same way.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use super::command::{self, probe};
use super::{BuildRequest, Toolchain, install_artifact, version_of};
use crate::bundled;
use crate::paths::ProjectPaths;
use witness_host::cache::hash::Fingerprint;

/// The JavaScript guest toolchain.
pub struct JsToolchain {
    dir: PathBuf,
    cache: PathBuf,
}

impl JsToolchain {
    /// The toolchain pinned in witness's `guests-js/`, written under the cache of `paths`.
    pub fn new(paths: &ProjectPaths) -> Self {
        JsToolchain {
            dir: bundled::JS.dir(&paths.cache),
            cache: paths.cache.clone(),
        }
    }

    fn node_modules(&self) -> PathBuf {
        self.dir.join("node_modules")
    }

    /// Whether `node_modules` holds what `package-lock.json` pins: npm writes its own copy of
    /// the lock file there, so an install that is missing or older than the lock is stale.
    fn installed(&self) -> bool {
        let installed = self.node_modules().join(".package-lock.json");
        let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        match (
            modified(&installed),
            modified(&self.dir.join("package-lock.json")),
        ) {
            (Some(installed), Some(lock)) => installed >= lock,
            _ => false,
        }
    }
}

impl Toolchain for JsToolchain {
    fn probe(&self) -> Result<(), String> {
        probe("node", &["--version"]).map_err(|e| format!("{e}; install Node.js 18 or newer"))?;
        probe("npm", &["--version"]).map_err(|e| format!("{e}; install npm"))?;
        Ok(())
    }

    fn fingerprint(&self, key: &mut Fingerprint) -> Result<()> {
        key.text("node", &version_of("node", &["--version"]));
        for (path, contents) in bundled::JS.files {
            key.text(path, contents);
        }
        Ok(())
    }

    fn prepare(&self) -> Result<()> {
        bundled::JS.materialise(&self.cache)?;
        if self.installed() {
            return Ok(());
        }
        eprintln!(
            "witness: installing the pinned JavaScript toolchain (npm ci in {})",
            self.dir.display()
        );
        command::run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&self.dir),
            "npm ci needs the npm registry; check the network or proxy settings, or run \
             `npm ci` there by hand",
        )
        .context("failed to install the JavaScript toolchain")?;
        Ok(())
    }

    fn build(&self, request: &BuildRequest<'_>) -> Result<()> {
        let scratch = tempfile::tempdir().context("failed to create a scratch directory")?;
        let bundle = scratch.path().join("guest.bundle.js");
        command::run(
            Command::new("node")
                .arg(self.dir.join("bundle.mjs"))
                .arg(request.guest)
                .arg(&bundle),
            &format!("fix the JavaScript in {}", request.guest.display()),
        )
        .with_context(|| format!("failed to bundle {}", request.guest.display()))?;

        let built = scratch.path().join("guest.wasm");
        command::run(
            Command::new("node")
                .arg(
                    self.node_modules()
                        .join("@bytecodealliance/jco/dist/jco.js"),
                )
                .arg("componentize")
                .arg(&bundle)
                .arg("--wit")
                .arg(request.wit)
                .arg("--world-name")
                .arg(request.world)
                .arg("-o")
                .arg(&built),
            &format!(
                "check that {} exports every function of world `{}`",
                request.guest.display(),
                request.world
            ),
        )?;
        install_artifact(&built, request.output)
    }
}
