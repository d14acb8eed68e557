//! Python guests: `guest.py` is built with componentize-py, pinned in
//! `guests-python/requirements.txt` and installed on first use into a virtualenv beside
//! witness's copy of that file under the cache (`<cache>/bundled/python-<hash>/venv/`).
//!
//! componentize-py writes `__pycache__/` into the directories it builds from, whatever
//! `PYTHONDONTWRITEBYTECODE` says, so each build runs in a scratch copy of the guest and the
//! SDK (`guests-python/witness_plugin.py`); nothing is written into `fixtures/`.
//!
//! With the newest toolchains (`WITNESS_TOOLCHAINS=latest`) the requirements name
//! componentize-py without a version, and pip installs the newest into a virtualenv of its
//! own (`bundled/python-latest-<hash>/venv/`) when it first runs.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::channel::{Channel, ToolVersion};
use super::command::{self, probe};
use super::{BuildRequest, NOT_INSTALLED, Toolchain, install_artifact, pin_after};
use crate::bundled::{self, Group};
use crate::paths::ProjectPaths;
use witness_host::cache::hash::Fingerprint;

/// The tool, as its version is reported and as pip names it.
const TOOL: &str = "componentize-py";

/// The componentize-py version `guests-python/requirements.txt` pins.
pub(super) fn pinned() -> Vec<ToolVersion> {
    let version = bundled::PYTHON
        .file("requirements.txt")
        .and_then(|text| pin_after(text, "componentize-py=="))
        .unwrap_or_else(|| "(unpinned)".into());
    vec![ToolVersion::new(TOOL, version)]
}

/// `requirements.txt` for the newest toolchain: each `componentize-py==<version>` line
/// without its version.
fn newest_requirements(pinned: &str) -> String {
    pinned
        .lines()
        .map(|line| match line.trim().strip_prefix("componentize-py==") {
            Some(_) => TOOL,
            None => line,
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The Python guest toolchain.
pub struct PythonToolchain {
    files: Group,
    dir: PathBuf,
    venv: PathBuf,
    cache: PathBuf,
    channel: Channel,
}

impl PythonToolchain {
    /// The toolchain of `channel` (the one pinned in witness's `guests-python/`, or its
    /// newest variant), written under the cache of `paths` with its virtualenv beside it.
    pub fn new(paths: &ProjectPaths, channel: Channel) -> Self {
        let files = match channel {
            Channel::Pinned => bundled::PYTHON.group(),
            Channel::Latest => bundled::PYTHON.latest(|path, contents| match path {
                "requirements.txt" => Some(newest_requirements(contents)),
                _ => Some(contents.to_string()),
            }),
        };
        let dir = files.dir(&paths.cache);
        PythonToolchain {
            files,
            venv: dir.join("venv"),
            dir,
            cache: paths.cache.clone(),
            channel,
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

    /// Creates the virtualenv if need be and installs `requirements.txt` into it.
    fn install(&self) -> Result<()> {
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
        Ok(())
    }

    /// The newest componentize-py: installed once, when pip resolves it; kept after that.
    fn prepare_newest(&self) -> Result<()> {
        if self.installed_version().is_some() {
            return Ok(());
        }
        eprintln!(
            "witness: installing the newest Python toolchain (componentize-py) into {}",
            self.venv.display()
        );
        self.install()?;
        match self.installed_version() {
            Some(version) => {
                eprintln!("witness: the newest Python toolchain: {TOOL} {version}");
                Ok(())
            }
            None => bail!(
                "after installing, {} does not run",
                self.componentize_py().display()
            ),
        }
    }
}

impl Toolchain for PythonToolchain {
    fn probe(&self) -> Result<(), String> {
        probe("python3", &["--version"])
            .map(drop)
            .map_err(|e| format!("{e}; install Python 3.10 or newer"))
    }

    fn fingerprint(&self, key: &mut Fingerprint) -> Result<()> {
        for (path, contents) in self.files.entries() {
            key.text(path, contents);
        }
        if self.channel == Channel::Latest {
            for tool in self.versions() {
                key.text(&tool.tool, &tool.version);
            }
        }
        Ok(())
    }

    fn prepare(&self) -> Result<()> {
        self.files.materialise(&self.cache)?;
        if self.channel == Channel::Latest {
            return self.prepare_newest();
        }
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
        self.install()?;
        match self.installed_version() {
            Some(version) if version == pinned => Ok(()),
            other => bail!(
                "after installing, componentize-py reports version {other:?}, not the pinned {pinned}"
            ),
        }
    }

    fn versions(&self) -> Vec<ToolVersion> {
        match self.channel {
            Channel::Pinned => pinned(),
            Channel::Latest => vec![ToolVersion::new(
                TOOL,
                self.installed_version()
                    .unwrap_or_else(|| NOT_INSTALLED.to_string()),
            )],
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_installs_apart_from_the_pins_with_unpinned_specs() {
        let target = tempfile::tempdir().unwrap();
        let paths = ProjectPaths::new(PathBuf::from("/project"), target.path().to_path_buf());
        let pinned = PythonToolchain::new(&paths, Channel::Pinned);
        let latest = PythonToolchain::new(&paths, Channel::Latest);
        assert_ne!(pinned.venv, latest.venv);
        let pinned_requirements = pinned.files.file("requirements.txt").unwrap();
        let requirements = latest.files.file("requirements.txt").unwrap();
        assert!(pinned_requirements.contains("componentize-py=="));
        assert!(!requirements.contains("=="), "{requirements}");
        assert!(
            requirements.lines().any(|l| l == "componentize-py"),
            "{requirements}"
        );
        assert_eq!(latest.versions()[0].version, NOT_INSTALLED);
        assert_eq!(pinned.versions(), super::pinned());
        assert_eq!(
            newest_requirements("# c\ncomponentize-py==0.25.1\n"),
            "# c\ncomponentize-py\n"
        );
    }
}
