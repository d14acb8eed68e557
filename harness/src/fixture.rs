//! Fixtures: one directory per case under `fixtures/`, described by its `fixture.toml`.
//!
//! ```toml
//! description = "one sentence: what this case checks"
//! world = "greeter"                 # a world of the fixture's wit/ (or of the shared wit/)
//! # languages = ["rust", "js", "python"]   # default: every language whose guest file exists
//!
//! [[call]]                          # calls run in order against ONE instance per language
//! invoke = 'greeting("Ben")'        # WAVE call expression
//! expect = '"Greetings Ben!"'       # optional WAVE value, compared as a value
//! # interface = "my:pkg/iface"      # optional: the function lives in this exported interface
//!
//! [config]                          # optional: answers to the plugin's get-config calls
//! greeting = "Hello"
//!
//! [own-snapshot]                    # optional: a language that keeps its own snapshot, and why
//! python = "CPython reports this error with its own wording"
//!
//! [wasi]                            # optional grants; by default a plugin gets none of these
//! args = ["plugin", "--flag"]
//! env = { NAME = "value" }
//! stdin = "text the plugin reads"
//! dir = "files"                     # copied into a fresh temp dir, preopened at /data
//!
//! [limits]                          # optional; defaults: 10s, 512 MiB, 1 MiB
//! time = "2s"                       # per call (and for instantiation)
//! memory = "64 MiB"                 # linear memory of the instance
//! output = "4 KiB"                  # stdout and stderr each, per instance
//! ```
//!
//! Unknown keys are errors, reported with the file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::host::{GrantedDir, Grants, InstanceSettings, Limits, LogOutput};
use crate::language::Language;

/// The parsed contents of a `fixture.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FixtureFile {
    /// One sentence: what this case checks.
    pub description: String,
    /// The world the guests implement.
    pub world: String,
    /// The languages to run; default: every language whose guest file exists.
    #[serde(default)]
    pub languages: Option<Vec<Language>>,
    /// The calls, run in order against one instance.
    #[serde(default, rename = "call")]
    pub calls: Vec<CallSpec>,
    /// Answers to the plugin's `get-config` host calls.
    #[serde(default)]
    pub config: BTreeMap<String, String>,
    /// Languages that keep a snapshot of their own, each with the reason.
    #[serde(default)]
    pub own_snapshot: BTreeMap<Language, String>,
    /// Capabilities granted to the plugin.
    #[serde(default)]
    pub wasi: WasiGrants,
    /// Limits that differ from the defaults.
    #[serde(default)]
    pub limits: LimitOverrides,
}

/// The `[wasi]` table: what a fixture grants its plugin.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WasiGrants {
    /// Command-line arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// Environment variables.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Text on stdin.
    #[serde(default)]
    pub stdin: Option<String>,
    /// A directory of the fixture, copied into a fresh temporary directory and preopened at
    /// [`GUEST_DIR`].
    #[serde(default)]
    pub dir: Option<String>,
}

/// Where a granted directory appears inside the plugin.
pub const GUEST_DIR: &str = "/data";

/// The `[limits]` table.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitOverrides {
    /// Time per call, such as `"2s"` or `"500ms"`.
    #[serde(default, deserialize_with = "duration")]
    pub time: Option<std::time::Duration>,
    /// Linear memory, such as `"64 MiB"`.
    #[serde(default, deserialize_with = "size")]
    pub memory: Option<u64>,
    /// Captured stdout and stderr, each, such as `"4 KiB"`.
    #[serde(default, deserialize_with = "size")]
    pub output: Option<u64>,
}

impl LimitOverrides {
    /// The default limits with these overrides applied.
    pub fn apply(&self) -> Limits {
        let mut limits = Limits::default();
        if let Some(time) = self.time {
            limits.time = time;
        }
        if let Some(memory) = self.memory {
            limits.memory = memory;
        }
        if let Some(output) = self.output {
            limits.output = usize::try_from(output).unwrap_or(usize::MAX);
        }
        limits
    }
}

fn duration<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<std::time::Duration>, D::Error> {
    let text = String::deserialize(d)?;
    humantime::parse_duration(&text).map(Some).map_err(|e| {
        serde::de::Error::custom(format!("`{text}` is not a duration like \"2s\": {e}"))
    })
}

fn size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let text = String::deserialize(d)?;
    text.parse::<bytesize::ByteSize>()
        .map(|size| Some(size.as_u64()))
        .map_err(|e| {
            serde::de::Error::custom(format!("`{text}` is not a size like \"64 MiB\": {e}"))
        })
}

/// One `[[call]]` of a fixture.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CallSpec {
    /// A WAVE call expression, such as `greeting("Ben")`.
    pub invoke: String,
    /// The expected result as a WAVE value, compared as a value.
    #[serde(default)]
    pub expect: Option<String>,
    /// The exported interface that holds the function, such as `my:pkg/iface`.
    #[serde(default)]
    pub interface: Option<String>,
}

/// One fixture directory. A `fixture.toml` that cannot be read is kept as an error so the
/// fixture's trials fail with it instead of disappearing.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The directory name, used in trial names.
    pub name: String,
    /// The fixture's directory.
    pub dir: PathBuf,
    /// The parsed fixture.toml, or the message saying why it could not be used.
    pub file: Result<FixtureFile, String>,
}

impl Fixture {
    /// Reads the fixture in `dir`.
    pub fn load(dir: &Path) -> Fixture {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Fixture {
            name,
            dir: dir.to_path_buf(),
            file: read_fixture_file(&dir.join("fixture.toml")),
        }
    }

    /// The path of this fixture's guest file in `language`.
    pub fn guest_path(&self, language: Language) -> PathBuf {
        self.dir.join(language.guest_file())
    }

    /// The languages this fixture runs in: those `languages` names, or else every language
    /// whose guest file exists, or else (nothing to go on) every language, so that the
    /// fixture's trials exist and say what is missing.
    pub fn languages(&self) -> Vec<Language> {
        if let Ok(FixtureFile {
            languages: Some(list),
            ..
        }) = &self.file
        {
            return list.clone();
        }
        let present: Vec<Language> = Language::ALL
            .into_iter()
            .filter(|l| self.guest_path(*l).is_file())
            .collect();
        if present.is_empty() {
            Language::ALL.to_vec()
        } else {
            present
        }
    }

    /// The WIT package directory the guests are built against: the fixture's own `wit/`,
    /// or else the shared one.
    pub fn wit_dir(&self, shared_wit: &Path) -> PathBuf {
        let own = self.dir.join("wit");
        if own.is_dir() {
            own
        } else {
            shared_wit.to_path_buf()
        }
    }

    /// The instance settings this fixture asks for. A granted directory is copied into
    /// `scratch`, which must outlive the instance.
    pub fn settings(&self, file: &FixtureFile, scratch: &Path) -> Result<InstanceSettings> {
        let grants = &file.wasi;
        let dir = match &grants.dir {
            None => None,
            Some(rel) => {
                let from = self.dir.join(rel);
                let to = scratch.join("data");
                copy_dir(&from, &to).with_context(|| {
                    format!("fixture.toml [wasi] dir: failed to copy {}", from.display())
                })?;
                Some(GrantedDir {
                    host: to,
                    guest: GUEST_DIR.to_string(),
                    writable: true,
                })
            }
        };
        Ok(InstanceSettings {
            config: file.config.clone(),
            grants: Grants {
                args: grants.args.clone(),
                env: grants.env.clone(),
                stdin: grants.stdin.clone(),
                dir,
            },
            limits: file.limits.apply(),
            log: LogOutput::Recorded,
        })
    }

    /// The directory holding this fixture's insta snapshots.
    pub fn snapshot_dir(&self) -> PathBuf {
        self.dir.join("snapshots")
    }
}

/// Copies the directory `from` to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("failed to create {}", to.display()))?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("failed to list {}", from.display()))?
    {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("failed to copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Parses a fixture.toml; the error names the file and, for TOML errors, the line.
pub fn read_fixture_file(path: &Path) -> Result<FixtureFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("failed to read {}: {e}", path.display()))?;
    parse_fixture_file(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses the text of a fixture.toml.
pub fn parse_fixture_file(text: &str) -> Result<FixtureFile, toml::de::Error> {
    toml::from_str(text)
}

/// Every fixture directory under `fixtures_dir`, sorted by name. Hidden directories are
/// skipped.
pub fn discover(fixtures_dir: &Path) -> Result<Vec<Fixture>> {
    let entries = std::fs::read_dir(fixtures_dir)
        .with_context(|| format!("failed to list fixtures in {}", fixtures_dir.display()))?;
    let mut dirs = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("failed to list {}", fixtures_dir.display()))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if entry.path().is_dir() && !hidden {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    Ok(dirs.iter().map(|d| Fixture::load(d)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_fixture_file_parses() {
        let file = parse_fixture_file(
            r#"
            description = "d"
            world = "greeter"
            languages = ["rust", "python"]
            [[call]]
            invoke = 'greeting("Ben")'
            expect = '"hi"'
            [[call]]
            invoke = "f()"
            interface = "a:b/c"
            [config]
            key = "value"
            [own-snapshot]
            python = "why"
            "#,
        )
        .unwrap();
        assert_eq!(file.world, "greeter");
        assert_eq!(file.languages, Some(vec![Language::Rust, Language::Python]));
        assert_eq!(file.calls.len(), 2);
        assert_eq!(file.calls[1].interface.as_deref(), Some("a:b/c"));
        assert_eq!(file.config["key"], "value");
        assert_eq!(file.own_snapshot[&Language::Python], "why");
    }

    #[test]
    fn an_unknown_key_is_an_error_with_its_line() {
        let err = parse_fixture_file("description = \"d\"\nworld = \"w\"\nwrold = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("wrold"), "{err}");
    }

    #[test]
    fn an_unknown_key_in_a_call_is_an_error() {
        let err = parse_fixture_file(
            "description = \"d\"\nworld = \"w\"\n[[call]]\ninvoke = \"f()\"\nexpected = \"1\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 5"), "{err}");
        assert!(err.contains("expected"), "{err}");
    }

    #[test]
    fn limits_and_grants_parse_and_bad_values_name_the_line() {
        let file = parse_fixture_file(
            "description = \"d\"\nworld = \"w\"\n[limits]\ntime = \"1500ms\"\nmemory = \"64 MiB\"\n\
             [wasi]\nargs = [\"a\"]\nenv = { K = \"v\" }\n",
        )
        .unwrap();
        let limits = file.limits.apply();
        assert_eq!(limits.time, std::time::Duration::from_millis(1500));
        assert_eq!(limits.memory, 64 << 20);
        assert_eq!(limits.output, Limits::default().output);
        assert_eq!(file.wasi.args, ["a"]);
        assert_eq!(file.wasi.env["K"], "v");
        let err =
            parse_fixture_file("description = \"d\"\nworld = \"w\"\n[limits]\ntime = \"soon\"\n")
                .unwrap_err()
                .to_string();
        assert!(
            err.contains("line 4") && err.contains("not a duration"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_language_is_an_error() {
        let err = parse_fixture_file("description = \"d\"\nworld = \"w\"\nlanguages = [\"go\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("go"), "{err}");
    }
}
