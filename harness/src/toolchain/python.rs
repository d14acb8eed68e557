//! Python guests: `guest.py` is built with componentize-py, pinned in
//! `guests-python/requirements.txt` and installed on first use into a virtualenv beside
//! witness's copy of that file under the cache (`<cache>/bundled/python-<hash>/venv/`).
//!
//! componentize-py writes `__pycache__/` into the directories it builds from, whatever
//! `PYTHONDONTWRITEBYTECODE` says, so each build runs in a scratch copy of the guest and the
//! SDK (`guests-python/witness_plugin.py`); nothing is written into `fixtures/`.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::command::{self, probe};
use super::{BuildRequest, Toolchain, install_artifact};
use crate::bundled;
use crate::paths::ProjectPaths;
use witness_host::cache::hash::Fingerprint;

/// The Python guest toolchain.
pub struct PythonToolchain {
    dir: PathBuf,
    venv: PathBuf,
    cache: PathBuf,
}

impl PythonToolchain {
    /// The toolchain pinned in witness's `guests-python/`, written under the cache of
    /// `paths` with its virtualenv beside it.
    pub fn new(paths: &ProjectPaths) -> Self {
        let dir = bundled::PYTHON.dir(&paths.cache);
        PythonToolchain {
            venv: dir.join("venv"),
            dir,
            cache: paths.cache.clone(),
        }
    }

    fn requirements(&self) -> PathBuf {
        self.dir.join("requirements.txt")
    }

    fn componentize_py(&self) -> PathBuf {
        self.venv.join("bin").join("componentize-py")
    }

    /// The componentize-py version `requirements.txt` pins (`componentize-py==X`).
    fn pinned_version(&self) -> Result<String> {
        let path = self.requirements();
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("failed to read {}", path.display()))?;
        text.lines()
            .find_map(|line| line.trim().strip_prefix("componentize-py=="))
            .map(|v| v.trim().to_string())
            .with_context(|| format!("{} does not pin componentize-py==<version>", path.display()))
    }

    /// The version of componentize-py in the virtualenv, if it runs.
    fn installed_version(&self) -> Option<String> {
        let out = Command::new(self.componentize_py())
            .arg("--version")
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        out.status.success().then(|| {
            text.split_whitespace()
                .last()
                .unwrap_or_default()
                .to_string()
        })
    }
}

impl Toolchain for PythonToolchain {
    fn probe(&self) -> Result<(), String> {
        probe("python3", &["--version"])
            .map(drop)
            .map_err(|e| format!("{e}; install Python 3.10 or newer"))
    }

    fn fingerprint(&self, key: &mut Fingerprint) -> Result<()> {
        for (path, contents) in bundled::PYTHON.files {
            key.text(path, contents);
        }
        Ok(())
    }

    fn prepare(&self) -> Result<()> {
        bundled::PYTHON.materialise(&self.cache)?;
        let pinned = self.pinned_version()?;
        match self.installed_version() {
            Some(version) if version == pinned => return Ok(()),
            Some(version) => eprintln!(
                "witness: componentize-py {version} in {} is not the pinned {pinned}; reinstalling",
                self.venv.display()
            ),
            None => eprintln!(
                "witness: installing the pinned Python toolchain (componentize-py {pinned}) into {}",
                self.venv.display()
            ),
        }
        if !self.venv.join("bin").join("pip").is_file() {
            command::run(
                Command::new("python3").arg("-m").arg("venv").arg(&self.venv),
                "python3 needs its venv module (on Debian and Ubuntu: apt-get install python3-venv)",
            )
            .context("failed to create the Python virtualenv")?;
        }
        command::run(
            Command::new(self.venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
                .arg(self.requirements()),
            "pip needs PyPI; check the network or proxy settings",
        )
        .context("failed to install componentize-py")?;
        match self.installed_version() {
            Some(version) if version == pinned => Ok(()),
            other => bail!(
                "after installing, componentize-py reports version {other:?}, not the pinned {pinned}"
            ),
        }
    }

    fn build(&self, request: &BuildRequest<'_>) -> Result<()> {
        let scratch = tempfile::tempdir().context("failed to create a scratch directory")?;
        for (from, name) in [
            (request.guest.to_path_buf(), "guest.py"),
            (self.dir.join("witness_plugin.py"), "witness_plugin.py"),
        ] {
            std::fs::copy(&from, scratch.path().join(name))
                .with_context(|| format!("failed to copy {}", from.display()))?;
        }
        let built = scratch.path().join("guest.wasm");
        command::run(
            Command::new(self.componentize_py())
                .arg("-d")
                .arg(request.wit)
                .arg("-w")
                .arg(request.world)
                .arg("componentize")
                .arg("guest")
                .arg("-p")
                .arg(scratch.path())
                .arg("-o")
                .arg(&built)
                .current_dir(scratch.path())
                // componentize-py is Rust inside: keep its errors free of Rust backtraces.
                .env_remove("RUST_BACKTRACE")
                .env_remove("RUST_LIB_BACKTRACE"),
            &format!(
                "check {}: it must define `class WitWorld(wit_world.WitWorld)` with every export \
                 of world `{}` (the file was built from a scratch copy named guest.py)",
                request.guest.display(),
                request.world
            ),
        )?;
        install_artifact(&built, request.output)
    }
}
