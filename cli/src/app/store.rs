//! The plugin directory: one subdirectory per installed plugin holding its component
//! (`plugin.wasm`) and what `info()` answered at install time (`plugin.toml`), a shared
//! `.compiled/` directory of precompiled components, and `config.toml` with each plugin's
//! settings, limits and grants.
//!
//! ```toml
//! # <plugin dir>/config.toml
//! [hello.config]          # what get-config answers
//! greeting = "Hi"
//! [hello.limits]          # as in fixture.toml
//! time = "5s"
//! [hello.wasi]            # as in fixture.toml, but `dir` is a host path, preopened read-only
//! dir = "/home/me/notes"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use wasmtime::component::Val;

use super::arguments::{self, ArgumentInfo, ArgumentKind};
use super::producers;
use witness_host::cache::hash::sha256_hex;
use witness_host::config::{GrantsFor, LimitOverrides, WasiGrants};
use witness_host::{CallOutcome, Host, HostOptions, InstanceSettings, LOG_LEVELS, LogOutput};

/// Names a plugin cannot take: the application's own subcommands.
pub const BUILT_IN: [&str; 12] = [
    "run",
    "audit",
    "new",
    "call",
    "bench",
    "divergences",
    "plugin",
    "review",
    "accept",
    "reject",
    "help",
    "version",
];

/// What is known about an installed plugin without compiling it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The plugin's name: its subcommand.
    pub name: String,
    /// Its version.
    pub version: String,
    /// One line for `--help`.
    pub summary: String,
    /// `rust`, `js`, `python` or `unknown`, from the component's producers section.
    pub language: String,
    /// SHA-256 of the installed component.
    pub sha256: String,
    /// The plugin API version it was built for (`0.1.0`, `0.2.0`). Plugins installed before
    /// witness recorded it are 0.1.0, the only version there was.
    #[serde(default = "first_world")]
    pub world: String,
    /// Its commands.
    #[serde(rename = "command", default)]
    pub commands: Vec<CommandInfo>,
}

fn first_world() -> String {
    "0.1.0".to_string()
}

impl Manifest {
    /// Whether the plugin's `run` takes an `invocation` (0.2 and later) rather than the
    /// command's name and words (0.1).
    pub fn takes_invocation(&self) -> bool {
        !self.world.starts_with("0.1.")
    }
}

/// One command of a plugin.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CommandInfo {
    /// Its name.
    pub name: String,
    /// One line for `--help`.
    pub summary: String,
    /// The arguments it declares (none for a 0.1 plugin, whose commands take any words).
    #[serde(rename = "argument", default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<ArgumentInfo>,
}

/// One plugin's entry in `config.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PluginConfig {
    #[serde(default)]
    config: BTreeMap<String, String>,
    #[serde(default)]
    limits: LimitOverrides,
    #[serde(default)]
    wasi: WasiGrants,
}

/// An installed plugin.
#[derive(Debug, Clone)]
pub struct Installed {
    /// What `info()` said at install time.
    pub manifest: Manifest,
    /// Its directory.
    pub dir: PathBuf,
}

impl Installed {
    /// The installed component.
    pub fn component(&self) -> PathBuf {
        self.dir.join("plugin.wasm")
    }
}

/// The plugin directory.
#[derive(Debug, Clone)]
pub struct PluginStore {
    dir: PathBuf,
}

impl PluginStore {
    /// The directory `flag` names, else `WITNESS_PLUGIN_DIR`, else the platform's data
    /// directory for witness (`~/.local/share/witness/plugins` on Linux).
    pub fn locate(flag: Option<PathBuf>) -> Result<Self> {
        let dir = match flag.or_else(|| std::env::var_os("WITNESS_PLUGIN_DIR").map(PathBuf::from)) {
            Some(dir) => dir,
            None => directories::ProjectDirs::from("dev", "witness", "witness")
                .context("no home directory to keep plugins in; pass --plugin-dir")?
                .data_dir()
                .join("plugins"),
        };
        Ok(PluginStore { dir })
    }

    /// The directory itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A host whose compiled-code cache is this directory's `.compiled/`, so an installed
    /// plugin is compiled once per wasmtime version and engine.
    pub fn host(&self) -> Result<Host> {
        Host::with_options(&HostOptions {
            compiled_cache: Some(self.dir.join(".compiled")),
            ..HostOptions::default()
        })
    }

    /// Every installed plugin, and a message for each entry that could not be read (the
    /// others are unaffected). A missing directory holds no plugins.
    pub fn list(&self) -> (Vec<Installed>, Vec<String>) {
        let mut plugins = Vec::new();
        let mut problems = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (plugins, problems),
            Err(e) => {
                problems.push(format!(
                    "cannot read the plugin directory {}: {e}",
                    self.dir.display()
                ));
                return (plugins, problems);
            }
        };
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.is_dir()
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        dirs.sort();
        for dir in dirs {
            match read_manifest(&dir) {
                Ok(manifest) => plugins.push(Installed { manifest, dir }),
                Err(e) => problems.push(format!(
                    "skipping the broken plugin in {}: {e:#}",
                    dir.display()
                )),
            }
        }
        (plugins, problems)
    }

    /// Takes the plugin directory's lock, held until the guard is dropped, so that
    /// installs and removals of one directory happen one at a time.
    fn lock(&self) -> Result<std::fs::File> {
        witness_host::files::lock_dir(&self.dir)
    }

    /// Validates the component at `wasm` and installs it: it must be a component of the
    /// plugin world whose `info()` answers within its time limit, with commands and argument
    /// declarations that make a command line. Only then is its compiled code kept in
    /// `.compiled/`: the checks compile it into a scratch cache, whose entries move into
    /// `.compiled/` once the plugin is accepted, so a refused plugin leaves nothing there. An
    /// installed plugin of the same name is replaced only with `force`. Nothing installed is
    /// touched until the new plugin is complete.
    pub fn install(&self, wasm: &Path, force: bool) -> Result<Manifest> {
        // One read: the bytes checked are the bytes installed, whatever happens to the file.
        let bytes =
            std::fs::read(wasm).with_context(|| format!("cannot read {}", wasm.display()))?;
        let store_host = self.host()?;
        let scratch = match store_host.needs_bytes(&sha256_hex(&bytes)) {
            true => Some(self.scratch_dir(".checking-")?),
            // Compiled before (a reinstall): nothing new is written to `.compiled/`.
            false => None,
        };
        let host = match &scratch {
            Some(scratch) => Host::with_options(&HostOptions {
                compiled_cache: Some(scratch.path().to_path_buf()),
                ..HostOptions::default()
            })?,
            None => store_host,
        };
        let loaded = host.load_bytes(wasm, bytes.clone())?;
        let world = loaded
            .plugin_world()
            .with_context(|| format!("cannot install {}", wasm.display()))?;
        let mut instance = host.instantiate(&loaded, &InstanceSettings::default())?;
        let record = instance.call_with("info", &[])?;
        let info = match record.outcome {
            CallOutcome::Returned(Some(value)) => value,
            CallOutcome::Returned(None) => bail!("info() returned nothing"),
            CallOutcome::Trapped { kind, .. } => {
                bail!(
                    "cannot install {}: its info() call failed: {kind}",
                    wasm.display()
                )
            }
        };
        let manifest = manifest_from(
            &info,
            producers::language(&bytes),
            sha256_hex(&bytes),
            world.built_for,
        )?;
        check_manifest(&manifest).with_context(|| format!("cannot install {}", wasm.display()))?;
        if let Some(scratch) = &scratch {
            self.keep_compiled(scratch.path());
        }

        let _lock = self.lock()?;
        let target = self.dir.join(&manifest.name);
        if target.exists() && !force {
            bail!(
                "a plugin named `{}` is already installed in {}; use --force to replace it",
                manifest.name,
                target.display()
            );
        }
        let staging = self.scratch_dir(".installing-")?;
        std::fs::write(staging.path().join("plugin.wasm"), &bytes)?;
        let text = toml::to_string(&manifest)?;
        std::fs::write(staging.path().join("plugin.toml"), text)?;
        // Until the rename succeeds the staging directory is removed on every error.
        let replaced = self.dir.join(format!(".replaced-{}", manifest.name));
        if target.exists() {
            let _ = std::fs::remove_dir_all(&replaced);
            std::fs::rename(&target, &replaced)
                .with_context(|| format!("cannot move {} aside", target.display()))?;
        }
        if let Err(e) = std::fs::rename(staging.path(), &target) {
            if replaced.exists() {
                let _ = std::fs::rename(&replaced, &target);
            }
            return Err(e).with_context(|| format!("cannot install into {}", target.display()));
        }
        let _ = staging.keep();
        let _ = std::fs::remove_dir_all(&replaced);
        Ok(manifest)
    }

    /// A new temporary directory in the plugin directory (created if need be), removed when
    /// dropped.
    fn scratch_dir(&self, prefix: &str) -> Result<tempfile::TempDir> {
        std::fs::create_dir_all(&self.dir)
            .and_then(|()| {
                tempfile::Builder::new()
                    .prefix(prefix)
                    .tempdir_in(&self.dir)
            })
            .with_context(|| {
                format!(
                    "cannot write to the plugin directory {}",
                    self.dir.display()
                )
            })
    }

    /// Moves the compiled-code entries the install's checks wrote in `scratch` into
    /// `.compiled/`. Each move is a rename, so a reader sees an entry whole or not at all; an
    /// entry that cannot be moved is only compiled again when the plugin first runs.
    fn keep_compiled(&self, scratch: &Path) {
        let compiled = self.dir.join(".compiled");
        let Ok(entries) = std::fs::read_dir(scratch) else {
            return;
        };
        if std::fs::create_dir_all(&compiled).is_err() {
            return;
        }
        // Each entry's checksum first: an entry is looked up by its compiled code.
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort_by_key(|p| p.extension().is_some_and(|e| e == "cwasm"));
        for file in files {
            if let Some(name) = file.file_name() {
                let _ = std::fs::rename(&file, compiled.join(name));
            }
        }
    }

    /// Removes the installed plugin `name`.
    /// A plugin whose files are damaged (which `list` skips) can be removed too.
    pub fn remove(&self, name: &str) -> Result<()> {
        if check_name(name).is_err() {
            bail!("`{name}` is not a plugin name; `witness plugin list` shows the installed ones");
        }
        let _lock = self.lock()?;
        let dir = self.dir.join(name);
        if !dir.is_dir() {
            bail!(
                "no plugin named `{name}` is installed in {}",
                self.dir.display()
            );
        }
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))
    }

    /// The settings a plugin runs with: its `config.toml` entry, logging to stderr from
    /// `log_level` up.
    pub fn settings(&self, name: &str, log_level: &str) -> Result<InstanceSettings> {
        let path = self.dir.join("config.toml");
        let mut entries: BTreeMap<String, PluginConfig> = match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => bail!("cannot read {}: {e}", path.display()),
        };
        let entry = entries.remove(name).unwrap_or_default();
        let min = LOG_LEVELS
            .iter()
            .position(|l| *l == log_level)
            .with_context(|| {
                format!(
                    "unknown log level `{log_level}` (use {})",
                    LOG_LEVELS.join(", ")
                )
            })?;
        // A plugin's granted directory is the user's own: preopened read-only, not copied.
        let dir = entry.wasi.dir.as_ref().map(PathBuf::from);
        // An installed plugin does real work: it gets the host's clocks and secure random
        // source unless its config fixes them (`clock = "…"`, `random-seed = N`).
        let grants = entry.wasi.to_grants(dir, GrantsFor::Plugin);
        Ok(InstanceSettings {
            config: entry.config,
            grants,
            limits: entry.limits.apply(),
            log: LogOutput::Stderr {
                plugin: name.to_string(),
                min: min as u8,
            },
            imports: Vec::new(),
        })
    }
}

fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join("plugin.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let manifest: Manifest =
        toml::from_str(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    check_manifest(&manifest).with_context(|| format!("{}", path.display()))?;
    check_world(&manifest.world).with_context(|| format!("{}", path.display()))?;
    let dir_name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    if dir_name.as_deref() != Some(manifest.name.as_str()) {
        bail!(
            "{} names the plugin `{}`, but it lies in {} (a copied directory?); each plugin \
             lives in the directory of its name",
            path.display(),
            manifest.name,
            dir.display()
        );
    }
    if !dir.join("plugin.wasm").is_file() {
        bail!("{} is missing", dir.join("plugin.wasm").display());
    }
    Ok(manifest)
}

/// What `info()` said must make a command line: a usable plugin name, and command names that
/// are usable, unique, and not clap's own `help`.
fn check_manifest(manifest: &Manifest) -> Result<()> {
    check_name(&manifest.name)?;
    let mut seen = std::collections::BTreeSet::new();
    for command in &manifest.commands {
        let name = &command.name;
        if !is_command_name(name) {
            bail!(
                "the plugin has a command `{name}`, which is not a usable command name \
                 (a-z, 0-9, -, _)"
            );
        }
        if name == "help" {
            bail!("the plugin has a command `help`, which witness keeps for the plugin's help");
        }
        if !seen.insert(name.as_str()) {
            bail!("the plugin lists the command `{name}` twice");
        }
        arguments::check(name, &command.arguments)?;
    }
    Ok(())
}

/// The plugin API version a manifest records must be one this witness runs (a plugin
/// directory written by a newer witness may hold others).
fn check_world(version: &str) -> Result<()> {
    if witness_host::plugin_api::compat::world_for(version).is_none() {
        bail!(
            "the plugin is built for witness:plugin@{version}, which this witness does not run \
             (it runs {}); install it again with a witness that does",
            witness_host::plugin_api::compat::supported()
        );
    }
    Ok(())
}

/// Whether `name` can be a subcommand: lowercase ASCII letters, digits, `-` and `_`, not
/// starting with `-`.
fn is_command_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !name.starts_with('-')
}

/// A plugin name must work as a subcommand and not shadow a built-in one.
fn check_name(name: &str) -> Result<()> {
    if !is_command_name(name) {
        bail!(
            "the plugin calls itself `{name}`, which is not a usable command name (a-z, 0-9, -, _)"
        );
    }
    if BUILT_IN.contains(&name) {
        bail!("the plugin calls itself `{name}`, which is a built-in witness command");
    }
    Ok(())
}

/// Reads the `plugin-info` record `info()` returned.
fn manifest_from(info: &Val, language: String, sha256: String, world: String) -> Result<Manifest> {
    let Val::Record(fields) = info else {
        bail!("info() did not return a record");
    };
    let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    let text = |name: &str| match field(name) {
        Some(Val::String(s)) => Ok(s.clone()),
        _ => Err(anyhow!("info() has no string field `{name}`")),
    };
    let mut commands = Vec::new();
    if let Some(Val::List(list)) = field("commands") {
        for item in list {
            let Val::Record(cmd) = item else { continue };
            let mut arguments = Vec::new();
            if let Some(Val::List(declared)) = record_field(cmd, "arguments") {
                for argument in declared {
                    let Val::Record(argument) = argument else {
                        continue;
                    };
                    let kind = match record_field(argument, "kind") {
                        Some(Val::Enum(case)) => ArgumentKind::from_case(case),
                        _ => None,
                    };
                    let name = string_field(argument, "name");
                    let Some(kind) = kind else {
                        bail!("info() gives the argument `{name}` no kind this host knows");
                    };
                    arguments.push(ArgumentInfo {
                        name,
                        help: string_field(argument, "help"),
                        kind,
                    });
                }
            }
            commands.push(CommandInfo {
                name: string_field(cmd, "name"),
                summary: string_field(cmd, "summary"),
                arguments,
            });
        }
    }
    Ok(Manifest {
        name: text("name")?,
        version: text("version")?,
        summary: text("summary")?,
        language,
        sha256,
        world,
        commands,
    })
}

fn record_field<'a>(fields: &'a [(String, Val)], name: &str) -> Option<&'a Val> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
}

fn string_field(fields: &[(String, Val)], name: &str) -> String {
    match record_field(fields, name) {
        Some(Val::String(s)) => s.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_names_must_be_commands_and_not_built_ins() {
        assert!(check_name("hello-world").is_ok());
        assert!(
            check_name("run")
                .unwrap_err()
                .to_string()
                .contains("built-in")
        );
        assert!(check_name("Hello World").is_err());
        assert!(check_name("").is_err());
        assert!(check_name("../elsewhere").is_err());
        assert!(check_name("/tmp").is_err());
    }

    fn manifest(commands: &[&str]) -> Manifest {
        Manifest {
            name: "p".into(),
            version: "1".into(),
            summary: String::new(),
            language: "rust".into(),
            sha256: String::new(),
            world: first_world(),
            commands: commands
                .iter()
                .map(|name| CommandInfo {
                    name: name.to_string(),
                    summary: String::new(),
                    arguments: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_manifest_from_before_plugin_api_versions_is_0_1_0() {
        let old = "name = \"p\"\nversion = \"1\"\nsummary = \"\"\nlanguage = \"rust\"\n\
                   sha256 = \"\"\n[[command]]\nname = \"greet\"\nsummary = \"\"\n";
        let manifest: Manifest = toml::from_str(old).unwrap();
        assert_eq!(manifest.world, "0.1.0");
        assert!(!manifest.takes_invocation());
        assert!(check_world(&manifest.world).is_ok());
        assert!(check_world("0.2.4").is_ok());
        let err = check_world("0.3.0").unwrap_err().to_string();
        assert!(
            err.contains("witness:plugin@0.3.0, which this witness does not run"),
            "{err}"
        );
        let round = toml::to_string(&Manifest {
            world: "0.2.0".into(),
            ..manifest
        })
        .unwrap();
        assert!(round.contains("world = \"0.2.0\""), "{round}");
    }

    #[test]
    fn command_names_must_be_unique_usable_and_not_help() {
        assert!(check_manifest(&manifest(&["greet", "count"])).is_ok());
        let err = |cmds: &[&str]| check_manifest(&manifest(cmds)).unwrap_err().to_string();
        assert!(err(&["greet", "greet"]).contains("`greet` twice"));
        assert!(err(&["help"]).contains("command `help`"));
        assert!(err(&["two words"]).contains("not a usable command name"));
        assert!(err(&[""]).contains("not a usable command name"));
    }
}
