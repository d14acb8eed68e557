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
//!
//! With the newest toolchains (`WITNESS_TOOLCHAINS=latest`) the package files name
//! componentize-js and jco as `latest`, without the lock file and the pinned overrides (one
//! override remains: jco builds with the newest componentize-js, not the one it depends on),
//! and `npm install` resolves them when it first runs, in a directory of their own
//! (`bundled/js-latest-<hash>/`). A newest jco that fails as 1.35.0 does without the
//! preview2-shim override fails its builds, named as the newest toolchain's.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde_json::Value;

use super::channel::{self, Channel, ToolVersion};
use super::command::{self, probe};
use super::{BuildRequest, NOT_INSTALLED, Toolchain, install_artifact, version_of};
use crate::bundled::{self, Group};
use crate::paths::ProjectPaths;
use witness_host::cache::hash::Fingerprint;

/// The npm packages that are the JavaScript toolchain, by the name a version is reported
/// under: the ones `latest` lets float.
const TOOLS: [(&str, &str); 2] = [
    ("componentize-js", "@bytecodealliance/componentize-js"),
    ("jco", "@bytecodealliance/jco"),
];

/// The tools' versions `guests-js/package.json` pins.
pub(super) fn pinned() -> Vec<ToolVersion> {
    let package: Value = bundled::JS
        .file("package.json")
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    TOOLS
        .iter()
        .map(|(tool, package_name)| {
            let version = ["dependencies", "devDependencies"]
                .iter()
                .find_map(|section| package[section][package_name].as_str())
                .unwrap_or("(unpinned)");
            ToolVersion::new(*tool, version)
        })
        .collect()
}

/// `package.json` for the newest toolchain: the pinned one with each tool at `latest`, and
/// instead of the pinned `overrides` one that makes jco build with the newest
/// componentize-js too (npm's `$` names the version of the direct dependency).
fn newest_package_json(pinned: &str) -> String {
    let mut package: Value = serde_json::from_str(pinned).unwrap_or_default();
    if !package.is_object() {
        package = serde_json::json!({"private": true, "type": "module"});
    }
    package["name"] = Value::from("witness-guests-js-latest");
    if let Some(object) = package.as_object_mut() {
        object.remove("overrides");
    }
    if !package["dependencies"].is_object() {
        package["dependencies"] = serde_json::json!({});
    }
    for (_, package_name) in TOOLS {
        package["dependencies"][package_name] = Value::from("latest");
    }
    let componentize_js = TOOLS[0].1;
    package["overrides"] = serde_json::json!({ componentize_js: format!("${componentize_js}") });
    format!("{package:#}\n")
}

/// The JavaScript guest toolchain.
pub struct JsToolchain {
    files: Group,
    dir: PathBuf,
    cache: PathBuf,
    channel: Channel,
}

impl JsToolchain {
    /// The toolchain of `channel`, written under the cache of `paths`: the one pinned in
    /// witness's `guests-js/`, or its newest variant.
    pub fn new(paths: &ProjectPaths, channel: Channel) -> Self {
        let files = match channel {
            Channel::Pinned => bundled::JS.group(),
            Channel::Latest => bundled::JS.latest(|path, contents| match path {
                "package-lock.json" => None,
                "package.json" => Some(newest_package_json(contents)),
                _ => Some(contents.to_string()),
            }),
        };
        JsToolchain {
            dir: files.dir(&paths.cache),
            files,
            cache: paths.cache.clone(),
            channel,
        }
    }

    fn node_modules(&self) -> PathBuf {
        self.dir.join("node_modules")
    }

    /// Whether `node_modules` holds the toolchain. npm writes its own copy of the lock file
    /// there: a pinned install that is missing or older than `package-lock.json` is stale;
    /// the newest toolchain is installed once, when it is resolved.
    fn installed(&self) -> bool {
        let installed = self.node_modules().join(".package-lock.json");
        if self.channel == Channel::Latest {
            return installed.is_file();
        }
        let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        match (
            modified(&installed),
            modified(&self.dir.join("package-lock.json")),
        ) {
            (Some(installed), Some(lock)) => installed >= lock,
            _ => false,
        }
    }

    /// The npm command that installs the toolchain: `npm ci` of the lock file, or for the
    /// newest toolchain `npm install`, which resolves `latest`.
    fn install_args(&self) -> [&'static str; 3] {
        match self.channel {
            Channel::Pinned => ["ci", "--no-audit", "--no-fund"],
            Channel::Latest => ["install", "--no-audit", "--no-fund"],
        }
    }

    /// The installed version of `package_name`: the copy jco resolves (its own, if it has
    /// one, else the top-level one).
    fn installed_version(&self, package_name: &str) -> Option<String> {
        let modules = self.node_modules();
        let nested = modules
            .join("@bytecodealliance/jco/node_modules")
            .join(package_name);
        [nested, modules.join(package_name)]
            .iter()
            .find_map(|dir| package_version(&dir.join("package.json")))
    }
}

/// The `version` of the package.json at `path`.
fn package_version(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let package: Value = serde_json::from_str(&text).ok()?;
    package["version"].as_str().map(str::to_string)
}

impl Toolchain for JsToolchain {
    fn probe(&self) -> Result<(), String> {
        probe("node", &["--version"]).map_err(|e| format!("{e}; install Node.js 18 or newer"))?;
        probe("npm", &["--version"]).map_err(|e| format!("{e}; install npm"))?;
        Ok(())
    }

    fn fingerprint(&self, key: &mut Fingerprint) -> Result<()> {
        key.text("node", &version_of("node", &["--version"]));
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
        if self.installed() {
            return Ok(());
        }
        let [verb, ..] = self.install_args();
        eprintln!(
            "witness: installing the {} JavaScript toolchain (npm {verb} in {})",
            match self.channel {
                Channel::Pinned => "pinned",
                Channel::Latest => "newest",
            },
            self.dir.display()
        );
        command::run(
            Command::new("npm")
                .args(self.install_args())
                .current_dir(&self.dir),
            &format!(
                "npm {verb} needs the npm registry; check the network or proxy settings, or run \
                 `npm {verb}` there by hand"
            ),
        )
        .context("failed to install the JavaScript toolchain")?;
        if self.channel == Channel::Latest {
            eprintln!(
                "witness: the newest JavaScript toolchain: {}",
                channel::label(&self.versions())
            );
        }
        Ok(())
    }

    fn versions(&self) -> Vec<ToolVersion> {
        match self.channel {
            Channel::Pinned => pinned(),
            Channel::Latest => TOOLS
                .iter()
                .map(|(tool, package_name)| {
                    let version = self.installed_version(package_name);
                    ToolVersion::new(*tool, version.as_deref().unwrap_or(NOT_INSTALLED))
                })
                .collect(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pins_are_read_from_the_package_file() {
        let tools = pinned();
        assert_eq!(tools[0].tool, "componentize-js");
        assert_eq!(tools[1].tool, "jco");
        assert!(tools.iter().all(|t| t.version != "(unpinned)"), "{tools:?}");
    }

    #[test]
    fn latest_installs_apart_from_the_pins_with_unpinned_specs() {
        let target = tempfile::tempdir().unwrap();
        let paths = ProjectPaths::new(PathBuf::from("/project"), target.path().to_path_buf());
        let pinned = JsToolchain::new(&paths, Channel::Pinned);
        let latest = JsToolchain::new(&paths, Channel::Latest);
        assert_ne!(pinned.dir, latest.dir);
        assert_eq!(pinned.install_args()[0], "ci");
        assert_eq!(latest.install_args()[0], "install");
        assert!(pinned.files.file("package-lock.json").is_some());
        assert_eq!(latest.files.file("package-lock.json"), None);
        let package: Value =
            serde_json::from_str(latest.files.file("package.json").unwrap()).unwrap();
        for (_, package_name) in TOOLS {
            assert_eq!(package["dependencies"][package_name], "latest", "{package}");
        }
        assert_eq!(
            package["overrides"],
            serde_json::json!({"@bytecodealliance/componentize-js": "$@bytecodealliance/componentize-js"}),
            "no pinned override is left, and jco takes the newest componentize-js"
        );
        let pinned_package: Value =
            serde_json::from_str(bundled::JS.file("package.json").unwrap()).unwrap();
        assert_eq!(
            package["dependencies"]["rolldown"], pinned_package["dependencies"]["rolldown"],
            "the bundler stays pinned"
        );
        // Nothing is installed yet: the newest versions are unknown, the pins are not.
        assert!(latest.versions().iter().all(|t| t.version == NOT_INSTALLED));
        assert_eq!(pinned.versions(), super::pinned());
    }
}
