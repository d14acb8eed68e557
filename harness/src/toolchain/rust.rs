//! Rust guests: each fixture's `guest.rs` becomes a member of one generated cargo workspace
//! under `target/witness/rust-guests/`, so `wit-bindgen` and the plugin API crate compile once
//! for every fixture. The member's `lib.rs` (from `guests-rust/template/`) generates the
//! bindings for the fixture's world and `include!`s the guest, so compiler errors point at
//! the fixture's own file.
//!
//! The default builder is `cargo build --release --target wasm32-wasip2`, which emits a
//! component directly and needs only the rustup target (installed here when missing).
//! `WITNESS_RUST_BUILDER=cargo-component` selects `cargo component build` where
//! cargo-component is installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use anyhow::{Context, Result, bail};

use super::command::{self, probe};
use super::{BuildRequest, Toolchain, install_artifact, version_of, write_if_changed};
use crate::bundled;
use crate::fixture::Side;
use crate::paths::ProjectPaths;
use witness_host::cache::hash::Fingerprint;

const TEMPLATE_CARGO: &str = include_str!("../../../guests-rust/template/Cargo.toml");
const TEMPLATE_LIB: &str = include_str!("../../../guests-rust/template/lib.rs");
const TEMPLATE_WORKSPACE: &str = include_str!("../../../guests-rust/template/workspace.toml");

/// How Rust guests are turned into components.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RustBuilder {
    /// `cargo build --target wasm32-wasip2`: a component straight from the linker.
    Wasip2,
    /// `cargo component build`: wasm32-wasip1 plus the preview 1 adapter.
    CargoComponent,
}

impl RustBuilder {
    /// The builder `WITNESS_RUST_BUILDER` names (`wasip2`, the default, or `cargo-component`).
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("WITNESS_RUST_BUILDER").as_deref() {
            Err(_) | Ok("") | Ok("wasip2") => Ok(RustBuilder::Wasip2),
            Ok("cargo-component") => Ok(RustBuilder::CargoComponent),
            Ok(other) => Err(format!(
                "WITNESS_RUST_BUILDER={other} is not a Rust builder (use wasip2 or cargo-component)"
            )),
        }
    }

    fn target(self) -> &'static str {
        match self {
            RustBuilder::Wasip2 => "wasm32-wasip2",
            RustBuilder::CargoComponent => "wasm32-wasip1",
        }
    }
}

/// The Rust guest toolchain.
pub struct RustToolchain {
    workspace: PathBuf,
    plugin_api: PathBuf,
    lock_seed: PathBuf,
    out: PathBuf,
}

/// Held while a member is written, built and its artifact copied out: cargo serialises builds
/// of one target directory anyway, and this keeps a member from changing under a running
/// build when several sessions of one process build the same fixture.
static BUILDING: Mutex<()> = Mutex::new(());

impl RustToolchain {
    /// The toolchain for the project at `paths`: guests build in its
    /// `target/witness/rust-guests/`, against the plugin-api crate witness carries, written
    /// beside it (`target/witness/bundled/rust-sdk-<hash>/`). Not under the cache: every
    /// member of the guest workspace names that path, and a cache may be a temporary
    /// directory that is gone before the workspace's next build.
    pub fn new(paths: &ProjectPaths) -> Self {
        let sdk = bundled::RUST_SDK.dir(&paths.out).join("guests-rust");
        RustToolchain {
            workspace: paths.out.join("rust-guests"),
            plugin_api: sdk.join("plugin-api"),
            lock_seed: sdk.join("Cargo.lock"),
            out: paths.out.clone(),
        }
    }

    fn builder(&self) -> Result<RustBuilder> {
        RustBuilder::from_env().map_err(anyhow::Error::msg)
    }

    /// A cargo command for the generated workspace, cleared of the variables the outer cargo
    /// (running `cargo test`) sets for its own build.
    fn cargo(&self) -> Command {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&self.workspace);
        for var in [
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET",
            "CARGO_BUILD_TARGET_DIR",
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_MAKEFLAGS",
            "MAKEFLAGS",
            "MFLAGS",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    fn ensure_target(&self, target: &str) -> Result<()> {
        let libdir = Command::new("rustc")
            .args(["--print", "target-libdir", "--target", target])
            .output()
            .context("failed to run `rustc --print target-libdir`")?;
        let dir = PathBuf::from(String::from_utf8_lossy(&libdir.stdout).trim());
        if libdir.status.success() && dir.is_dir() {
            return Ok(());
        }
        eprintln!(
            "witness: the Rust target {target} is missing; running `rustup target add {target}`"
        );
        command::run(
            Command::new("rustup").args(["target", "add", target]),
            "install rustup (https://rustup.rs) or add the target by hand",
        )?;
        Ok(())
    }

    fn write_workspace(&self) -> Result<()> {
        self.prune_stale_members()?;
        // cargo refuses a member glob that matches nothing: `providers/*` is listed once a
        // composition fixture's provider has a member there.
        let has_providers = std::fs::read_dir(self.workspace.join(member_dir(Side::Provider)))
            .is_ok_and(|mut entries| {
                entries.any(|e| e.is_ok_and(|e| e.path().join("Cargo.toml").is_file()))
            });
        let members = match has_providers {
            true => r#""members/*", "providers/*""#,
            false => r#""members/*""#,
        };
        let manifest = TEMPLATE_WORKSPACE.replace("{members}", members);
        write_if_changed(&self.workspace.join("Cargo.toml"), &manifest)?;
        let lock = self.workspace.join("Cargo.lock");
        if !lock.exists() && self.lock_seed.exists() {
            std::fs::copy(&self.lock_seed, &lock).with_context(|| {
                format!(
                    "failed to copy {} to {}",
                    self.lock_seed.display(),
                    lock.display()
                )
            })?;
        }
        Ok(())
    }

    /// Takes the guest workspace's file lock, held until the returned file is dropped: other
    /// processes (another test binary, nextest, a second project sharing the target
    /// directory) write members and build one at a time, as this process's threads do.
    fn lock_workspace(&self) -> Result<std::fs::File> {
        witness_host::files::lock_dir(&self.workspace)
    }

    /// Removes every member that does not build against this witness's plugin-api crate
    /// (one written by another witness, or by a checkout that shared this target directory):
    /// cargo reads every member's manifest for any build, so one naming a path that is gone
    /// would fail them all. A removed member is written again when its fixture is built.
    fn prune_stale_members(&self) -> Result<()> {
        let current = toml_path(&self.plugin_api);
        let sides = [Side::Runner, Side::Provider];
        let dirs = sides.map(|side| self.workspace.join(member_dir(side)));
        for entry in dirs
            .iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flatten()
            .flatten()
        {
            let manifest = entry.path().join("Cargo.toml");
            // A member without a manifest is not read by cargo.
            let Ok(text) = std::fs::read_to_string(&manifest) else {
                continue;
            };
            if !text.contains(&current) {
                std::fs::remove_dir_all(entry.path()).with_context(|| {
                    format!(
                        "failed to remove the stale guest crate {}",
                        entry.path().display()
                    )
                })?;
            }
        }
        Ok(())
    }

    fn write_member(&self, request: &BuildRequest<'_>, package: &str) -> Result<()> {
        let dir = self
            .workspace
            .join(member_dir(request.side))
            .join(request.fixture);
        let cargo_toml = TEMPLATE_CARGO
            .replace("{package}", package)
            .replace("{plugin_api}", &toml_path(&self.plugin_api));
        let lib = TEMPLATE_LIB
            .replace("{wit_path}", &rust_str(&request.wit.to_string_lossy()))
            .replace("{world}", &rust_str(request.world))
            .replace("{guest_path}", &rust_str(&request.guest.to_string_lossy()));
        // lib.rs first: a Cargo.toml never names a file that is not there yet.
        write_if_changed(&dir.join("lib.rs"), &lib)?;
        write_if_changed(&dir.join("Cargo.toml"), &cargo_toml)
    }
}

impl Toolchain for RustToolchain {
    fn probe(&self) -> Result<(), String> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        probe(&cargo, &["--version"])?;
        if RustBuilder::from_env()? == RustBuilder::CargoComponent {
            probe(&cargo, &["component", "--version"]).map_err(|e| {
                format!("{e}; WITNESS_RUST_BUILDER=cargo-component needs `cargo install cargo-component`")
            })?;
        }
        Ok(())
    }

    fn fingerprint(&self, key: &mut Fingerprint) -> Result<()> {
        let builder = self.builder()?;
        key.text("rustc", &version_of("rustc", &["-vV"]))
            .text("builder", &format!("{builder:?}"))
            .text("template-cargo", TEMPLATE_CARGO)
            .text("template-lib", TEMPLATE_LIB)
            .text("template-workspace", TEMPLATE_WORKSPACE);
        for (path, contents) in bundled::RUST_SDK.files {
            key.text(path, contents);
        }
        Ok(())
    }

    fn prepare(&self) -> Result<()> {
        bundled::RUST_SDK.materialise(&self.out)?;
        self.ensure_target(self.builder()?.target())?;
        let _lock = self.lock_workspace()?;
        self.write_workspace()
    }

    fn build(&self, request: &BuildRequest<'_>) -> Result<()> {
        let builder = self.builder()?;
        let package = package_name(request);
        let _guard = BUILDING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _lock = self.lock_workspace()?;
        self.write_member(request, &package)?;
        if request.side == Side::Provider {
            self.write_workspace()?;
        }
        let mut cmd = self.cargo();
        match builder {
            RustBuilder::Wasip2 => cmd.args(["build", "--target", "wasm32-wasip2"]),
            RustBuilder::CargoComponent => cmd.args(["component", "build"]),
        };
        cmd.args(["--release", "--color", "never", "--quiet", "-p", &package]);
        command::run(
            &mut cmd,
            &format!("fix the compile error in {}", request.guest.display()),
        )?;

        let built = self
            .workspace
            .join("target")
            .join(builder.target())
            .join("release")
            .join(format!("{}.wasm", package.replace('-', "_")));
        if !built.is_file() {
            bail!("cargo succeeded but {} is missing", built.display());
        }
        install_artifact(&built, request.output)
    }
}

/// The directory of the guest workspace that holds the members of one side: `members/` for
/// the fixtures' own guests, `providers/` for composition fixtures' providers.
fn member_dir(side: Side) -> &'static str {
    match side {
        Side::Runner => "members",
        Side::Provider => "providers",
    }
}

/// The cargo package of a guest: `witness-guest-<fixture>`, or `witness-provider-<fixture>`
/// for a provider, so no fixture's name can clash with another's provider.
fn package_name(request: &BuildRequest<'_>) -> String {
    let prefix = match request.side {
        Side::Runner => "guest",
        Side::Provider => "provider",
    };
    format!("witness-{prefix}-{}", crate_name(request.fixture))
}

/// A fixture name as a cargo package name: lowercase letters, digits and `-`.
fn crate_name(fixture: &str) -> String {
    crate::fixture::normalized_name(fixture)
}

/// A Rust string literal holding `s`.
fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

/// A path as a TOML basic string.
fn toml_path(p: &Path) -> String {
    p.to_string_lossy()
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_that_name_another_plugin_api_are_pruned() {
        let target = tempfile::tempdir().unwrap();
        let paths = ProjectPaths::new(PathBuf::from("/project"), target.path().to_path_buf());
        let toolchain = RustToolchain::new(&paths);
        let members = toolchain.workspace.join("members");
        // Left by a checkout that is gone: cargo would fail every build on its missing path.
        let stale = members.join("stale");
        std::fs::create_dir_all(&stale).unwrap();
        std::fs::write(
            stale.join("Cargo.toml"),
            "[dependencies]\nwitness-plugin-api = { path = \"/gone/guests-rust/plugin-api\" }\n",
        )
        .unwrap();
        let fresh = members.join("fresh");
        std::fs::create_dir_all(&fresh).unwrap();
        let manifest = TEMPLATE_CARGO
            .replace("{package}", "witness-guest-fresh")
            .replace("{plugin_api}", &toml_path(&toolchain.plugin_api));
        std::fs::write(fresh.join("Cargo.toml"), manifest).unwrap();

        toolchain.write_workspace().unwrap();
        assert!(!stale.exists());
        assert!(fresh.join("Cargo.toml").exists());
    }

    #[test]
    fn fixture_names_become_package_names() {
        assert_eq!(crate_name("Greeting_2"), "greeting-2");
        assert_eq!(crate_name("a.b c"), "a-b-c");
    }
}
