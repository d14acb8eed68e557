//! Fixtures: one directory per case under `fixtures/`, described by its `fixture.toml`.
//!
//! ```toml
//! description = "one sentence: what this case checks"
//! world = "greeter"                 # a world of the fixture's wit/ (or of the shared wit/)
//! # world-version = "0.1.0"         # optional, for a fixture without its own wit/: build
//! #                                 # against this version of witness's plugin API
//! #                                 # (witness:plugin), one the host supports
//! # languages = ["rust", "js", "python"]   # default: every language whose guest file exists
//!
//! [[call]]                          # calls run in order against ONE instance per language
//! invoke = 'greeting("Ben")'        # WAVE call expression
//! expect = '"Greetings Ben!"'       # optional WAVE value, compared as a value
//! # interface = "my:pkg/iface"      # optional: the function lives in this exported interface
//! # bind = "c"                      # optional: names the resource handle the call returns;
//! #                                 # `counter.add(c, 2)` passes it, `drop(c)` drops it
//!
//! [[call]]                          # several calls at once on the instance (async exports):
//! invoke = ['slow(1)', 'slow(2)']   # outcomes recorded in the order written
//! # expect = ['2', '4']             # optional, one per call
//!
//! [config]                          # optional: answers to the plugin's get-config calls
//! greeting = "Hello"
//!
//! [own-snapshot]                    # optional: a language that keeps its own snapshot, and why
//! python = "CPython reports this error with its own wording"
//!
//! [unsupported]                     # optional: a language whose toolchain cannot build the
//! js = "componentize-js 0.23.0 cannot build async exports (https://…/issues/335)"  # guest, and why
//!
//! [[known-divergence]]              # optional: a function a language's toolchain gets wrong
//! language = "js"
//! function = "negate"               # `<interface>#<name>` for a function of an interface
//! reason = "componentize-js 0.23.0 traps when an export returns a negative s64"
//! upstream = "https://github.com/bytecodealliance/ComponentizeJS/issues/343"
//! # side = "provider"               # composition fixtures: the runner's or the provider's
//!
//! [[roundtrip]]                     # optional: the result must equal the one argument,
//! function = "roundtrip-u32"        # for `cases` generated arguments (default 256)
//! # interface = "my:pkg/iface"      # optional, as in [[call]]
//! # cases = 256
//!
//! [[agree]]                         # optional: every language gives the same outcome for the
//! function = "sum-s8"               # same generated arguments (compared through the snapshot)
//!
//! [compose]                         # optional: the guests import what a provider exports;
//! provider = "provider"             # provider/guest.* implement this world, and every runner
//!                                   # language is composed with every provider language
//!
//! [wasi]                            # optional grants; by default a plugin gets none of these
//! args = ["plugin", "--flag"]
//! env = { NAME = "value" }
//! stdin = "text the plugin reads"
//! dir = "files"                     # copied into a fresh temp dir, preopened at /data
//! clock = "2026-01-01T00:00:00Z"    # the wall clock's fixed instant (default), or "real"
//! random-seed = 0                   # the seed of wasi:random (default 0), or "real"
//!
//! [limits]                          # optional; defaults: 10s, 512 MiB, 1 MiB
//! time = "2s"                       # per call (and for instantiation), at most 24h
//! memory = "64 MiB"                 # all linear memories and tables of the instance
//! output = "4 KiB"                  # stdout and stderr each, and host-call records, per instance
//! ```
//!
//! Unknown keys are errors, reported with the file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::error::FixtureFileError;
use crate::language::Language;
use crate::paths::ProjectPaths;
pub use witness_host::config::{LimitOverrides, WasiGrants};
use witness_host::files::{WalkLimits, walk};
use witness_host::{InstanceSettings, LogOutput};

/// The parsed contents of a `fixture.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FixtureFile {
    /// One sentence: what this case checks.
    pub description: String,
    /// The world the guests implement.
    pub world: String,
    /// The version of witness's plugin API (`witness:plugin`) the guests build against, for
    /// a fixture without its own `wit/`; default: the newest.
    #[serde(default)]
    pub world_version: Option<String>,
    /// The languages to run; default: every language whose guest file exists.
    #[serde(default)]
    pub languages: Option<Vec<Language>>,
    /// The calls, run in order against one instance: one per `[[call]]`, or several for a
    /// `[[call]]` whose `invoke` is a list (run at once).
    #[serde(default, rename = "call", deserialize_with = "calls")]
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
    /// Languages whose toolchain cannot build this fixture's guest, each with the reason
    /// (and its upstream issue): their trials show `unsupported` while the build fails, and
    /// fail once it succeeds.
    #[serde(default)]
    pub unsupported: BTreeMap<Language, String>,
    /// Functions a language's toolchain is known to get wrong.
    #[serde(default, rename = "known-divergence")]
    pub known_divergences: Vec<KnownDivergence>,
    /// Answers of the host imports the world declares beyond WASI and the plugin API.
    #[serde(default, rename = "import")]
    pub imports: Vec<ImportSpec>,
    /// Functions that must return their argument, for generated arguments.
    #[serde(default, rename = "roundtrip")]
    pub roundtrips: Vec<PropertySpec>,
    /// Functions every language must compute the same outcome of, for generated arguments.
    #[serde(default, rename = "agree")]
    pub agrees: Vec<PropertySpec>,
    /// For a composition fixture: the world of the guests composed into each runner.
    #[serde(default)]
    pub compose: Option<ComposeSpec>,
}

/// `[compose]`: the fixture's guests (the runners, `guest.*`) import what a provider guest
/// (`provider/guest.*`) exports; every runner language is composed with every provider
/// language into one component, and the calls go to the composition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ComposeSpec {
    /// The world the provider guests implement, in the fixture's WIT.
    pub provider: String,
}

/// Which guest of a composed trial a `[[known-divergence]]` is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The runner: the guest the calls go to.
    Runner,
    /// The provider: the guest composed into the runner.
    Provider,
}

impl FixtureFile {
    /// Every property of the fixture: the `[[roundtrip]]` entries, then the `[[agree]]`
    /// entries, each with its kind and its position among the entries of that kind.
    pub fn properties(&self) -> impl Iterator<Item = (PropertyKind, usize, &PropertySpec)> {
        let roundtrips = self.roundtrips.iter().enumerate();
        let agrees = self.agrees.iter().enumerate();
        (roundtrips.map(|(i, p)| (PropertyKind::Roundtrip, i, p)))
            .chain(agrees.map(|(i, p)| (PropertyKind::Agree, i, p)))
    }
}

/// One `[[import]]`: what a host import the world declares answers, each call recorded in
/// the snapshot with its arguments and answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ImportSpec {
    /// The imported function's name.
    pub function: String,
    /// The imported interface that holds it, such as `test:host/db`; none for a function
    /// the world imports directly.
    #[serde(default)]
    pub interface: Option<String>,
    /// The answer to every call (`returns = '"alpha"'`), or one per call in order
    /// (`returns = ['"a"', '"b"']`), as WAVE; none for a function without a result.
    #[serde(default)]
    pub returns: Option<Returns>,
}

/// An `[[import]]`'s `returns`: one answer, or one per call.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Returns {
    /// The answer to every call.
    Always(String),
    /// One answer per call, in order.
    InOrder(Vec<String>),
}

impl ImportSpec {
    /// Whether this entry names the import `function` (as a call writes it: `lookup`,
    /// `blob.size`) of `interface` (as the world names it, with its version; `None` for a
    /// function the world imports directly). An entry's interface may leave the version out.
    pub fn names(&self, interface: Option<&str>, function: &str) -> bool {
        let same_function = crate::wit::call_name(&self.function) == function;
        same_function
            && match (&self.interface, interface) {
                (None, None) => true,
                (Some(wanted), Some(actual)) => names_interface(wanted, actual),
                _ => false,
            }
    }

    /// Whether a component whose scripted imports are `scripted` (as
    /// [`witness_host::LoadedComponent::scripted_imports`] lists them: `interface.function`
    /// or `function`) imports what this entry names.
    pub fn imported_by(&self, scripted: &[String]) -> bool {
        let function = crate::wit::call_name(&self.function);
        scripted.iter().any(|name| match &self.interface {
            None => *name == function,
            Some(wanted) => name
                .strip_suffix(&format!(".{function}"))
                .is_some_and(|actual| names_interface(wanted, actual)),
        })
    }

    /// The host's script entry for this import.
    pub fn to_script(&self) -> witness_host::ScriptedImport {
        witness_host::ScriptedImport {
            function: self.function.clone(),
            interface: self.interface.clone(),
            returns: self.returns.as_ref().map(|returns| match returns {
                Returns::Always(answer) => witness_host::Answers::Always(answer.clone()),
                Returns::InOrder(list) => witness_host::Answers::InOrder(list.clone()),
            }),
        }
    }
}

/// Whether `wanted`, an interface as a fixture writes it, names `actual`, one a world or a
/// component imports: the same name, or `actual` with the version `wanted` leaves out
/// (`my:pkg/db` names `my:pkg/db@1.2.3`), the host's rule for scripted imports.
fn names_interface(wanted: &str, actual: &str) -> bool {
    wanted == actual
        || actual
            .split_once('@')
            .is_some_and(|(unversioned, _)| unversioned == wanted)
}

/// Which property a `[[roundtrip]]` or `[[agree]]` entry checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyKind {
    /// `[[roundtrip]]`: the function's result equals its one argument.
    Roundtrip,
    /// `[[agree]]`: every language gives the same outcome for the same arguments.
    Agree,
}

impl PropertyKind {
    /// The table's name in fixture.toml, and the first word of the property's snapshot block.
    pub fn table(self) -> &'static str {
        match self {
            PropertyKind::Roundtrip => "roundtrip",
            PropertyKind::Agree => "agree",
        }
    }
}

/// One `[[roundtrip]]` or `[[agree]]`: a function called with generated arguments.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PropertySpec {
    /// The function's name.
    pub function: String,
    /// The exported interface that holds the function, such as `my:pkg/iface`.
    #[serde(default)]
    pub interface: Option<String>,
    /// How many generated inputs to try (default 256; `WITNESS_CASES` overrides it).
    #[serde(default)]
    pub cases: Option<u32>,
}

impl PropertySpec {
    /// The function as `[[known-divergence]]` names it: `name`, or `<interface>#<name>`.
    pub fn qualified(&self) -> String {
        qualified(self.interface.as_deref(), &self.function)
    }
}

/// A function as `[[known-divergence]]` and the coverage report name it: `name`, or
/// `<interface>#<name>` for a function of an exported interface.
pub fn qualified(interface: Option<&str>, function: &str) -> String {
    match interface {
        Some(interface) => format!("{interface}#{function}"),
        None => function.to_string(),
    }
}

/// One `[[known-divergence]]`: a language's toolchain gets a function wrong, with the reason
/// and where upstream tracks it. The language's trial passes while every difference (from an
/// `expect`, from the shared snapshot) lies in calls of listed functions, and fails once a
/// listed function agrees again, asking for the entry to be removed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct KnownDivergence {
    /// The language whose toolchain diverges.
    pub language: Language,
    /// The function: its name, or `<interface>#<name>` for a function of an exported
    /// interface.
    pub function: String,
    /// What goes wrong, naming the toolchain and its version.
    pub reason: String,
    /// Where the toolchain tracks it (an issue's address).
    pub upstream: String,
    /// For a composition fixture: the side whose language it is about (default: either).
    #[serde(default)]
    pub side: Option<Side>,
}

impl KnownDivergence {
    /// Whether the entry is about a trial of `lineup`: its language is the runner's (side
    /// `runner`), the provider's (side `provider`), or either (no side).
    pub fn applies_to(&self, lineup: crate::language::Lineup) -> bool {
        match self.side {
            Some(Side::Runner) => lineup.runner == self.language,
            Some(Side::Provider) => lineup.provider == Some(self.language),
            None => lineup.has(self.language),
        }
    }
}

impl std::fmt::Display for KnownDivergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let side = match self.side {
            Some(Side::Runner) => " (runner)",
            Some(Side::Provider) => " (provider)",
            None => "",
        };
        write!(
            f,
            "{}{side} `{}`: {} ({})",
            self.language, self.function, self.reason, self.upstream
        )
    }
}

/// One call of a fixture: a `[[call]]`, or one of the calls of a `[[call]]` that runs
/// several at once.
#[derive(Debug, Clone, Default)]
pub struct CallSpec {
    /// A WAVE call expression, such as `greeting("Ben")`.
    pub invoke: String,
    /// The expected result as a WAVE value, compared as a value.
    pub expect: Option<String>,
    /// The exported interface that holds the function, such as `my:pkg/iface`.
    pub interface: Option<String>,
    /// A name for the resource handle the call returns; later calls pass it as an argument
    /// (`counter.add(c, 2)`) or drop it (`drop(c)`).
    pub bind: Option<String>,
    /// The `[[call]]` (0-based among them) this call is written in.
    pub entry: usize,
    /// How many calls its `[[call]]` runs at once (1 for a `[[call]]` of one call), and
    /// this call's place among them.
    pub at_once: (usize, usize),
}

impl CallSpec {
    /// Whether this call is the first of several its `[[call]]` runs at once.
    pub fn starts_group(&self) -> bool {
        self.at_once.0 > 1 && self.at_once.1 == 0
    }
}

/// A `[[call]]` as written: `invoke` (and `expect`) one text, or a list of them for calls
/// run at once on the instance, their outcomes recorded in the order written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CallEntry {
    invoke: OneOrMany,
    #[serde(default)]
    expect: Option<OneOrMany>,
    #[serde(default)]
    interface: Option<String>,
    #[serde(default)]
    bind: Option<String>,
}

/// A text, or a list of texts.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The calls of the `[[call]]` entries, those with a list of `invoke`s expanded.
fn calls<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<CallSpec>, D::Error> {
    use serde::de::Error as _;
    let entries = Vec::<CallEntry>::deserialize(d)?;
    let mut calls = Vec::new();
    for (entry, written) in entries.into_iter().enumerate() {
        let number = entry + 1;
        match written.invoke {
            OneOrMany::One(invoke) => {
                let expect = match written.expect {
                    None => None,
                    Some(OneOrMany::One(expect)) => Some(expect),
                    Some(OneOrMany::Many(_)) => {
                        return Err(D::Error::custom(format!(
                            "[[call]] #{number}: `expect` is a list, but `invoke` is one call"
                        )));
                    }
                };
                calls.push(CallSpec {
                    invoke,
                    expect,
                    interface: written.interface,
                    bind: written.bind,
                    entry,
                    at_once: (1, 0),
                });
            }
            OneOrMany::Many(invokes) => {
                if invokes.len() < 2 {
                    return Err(D::Error::custom(format!(
                        "[[call]] #{number}: a list of `invoke`s runs several calls at once; \
                         give at least two, or one call as a text"
                    )));
                }
                if written.bind.is_some() {
                    return Err(D::Error::custom(format!(
                        "[[call]] #{number}: `bind` names the handle of one call, not of calls \
                         run at once"
                    )));
                }
                let expects: Vec<Option<String>> = match written.expect {
                    None => vec![None; invokes.len()],
                    Some(OneOrMany::Many(expects)) if expects.len() == invokes.len() => {
                        expects.into_iter().map(Some).collect()
                    }
                    Some(_) => {
                        return Err(D::Error::custom(format!(
                            "[[call]] #{number}: `expect` must be a list of {} values, one per \
                             `invoke`",
                            invokes.len()
                        )));
                    }
                };
                let count = invokes.len();
                for (place, (invoke, expect)) in invokes.into_iter().zip(expects).enumerate() {
                    calls.push(CallSpec {
                        invoke,
                        expect,
                        interface: written.interface.clone(),
                        bind: None,
                        entry,
                        at_once: (count, place),
                    });
                }
            }
        }
    }
    Ok(calls)
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
    pub file: Result<FixtureFile, FixtureFileError>,
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

    /// The line (1-based) of fixture.toml where its `index`-th (0-based) `[[table]]` entry
    /// begins, such as the third `[[call]]`, for errors about that entry.
    pub fn entry_line(&self, table: &str, index: usize) -> Option<usize> {
        let text = std::fs::read_to_string(self.dir.join("fixture.toml")).ok()?;
        // A `[[call]]` may hold several calls: the index is a call's, the line its entry's.
        let index = match (&self.file, table) {
            (Ok(file), "call") => file.calls.get(index).map_or(index, |call| call.entry),
            _ => index,
        };
        entry_line(&text, table, index)
    }

    /// The line (1-based) of fixture.toml where its `[table]` header stands, such as
    /// `[compose]`.
    pub fn entry_line_of_table(&self, table: &str) -> Option<usize> {
        let text = std::fs::read_to_string(self.dir.join("fixture.toml")).ok()?;
        let header = format!("[{table}]");
        text.lines()
            .position(|line| {
                line.trim_start()
                    .strip_prefix(header.as_str())
                    .is_some_and(|rest| {
                        rest.trim().is_empty() || rest.trim_start().starts_with('#')
                    })
            })
            .map(|i| i + 1)
    }

    /// The path of this fixture's guest file in `language`.
    pub fn guest_path(&self, language: Language) -> PathBuf {
        self.dir.join(language.guest_file())
    }

    /// The path of this composition fixture's provider guest in `language`:
    /// `provider/guest.<ext>`.
    pub fn provider_guest_path(&self, language: Language) -> PathBuf {
        self.dir.join("provider").join(language.guest_file())
    }

    /// Whether this is a composition fixture (`[compose]`).
    pub fn composes(&self) -> bool {
        matches!(&self.file, Ok(file) if file.compose.is_some())
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
    /// else witness's plugin API at `world_version` (the fixture's `world-version`), else
    /// the project's shared WIT ([`ProjectPaths::shared_wit`]). A `world-version` beside an
    /// own `wit/`, or one the host does not run, is an error.
    pub fn wit_dir(&self, paths: &ProjectPaths, world_version: Option<&str>) -> Result<PathBuf> {
        let own = self.dir.join("wit");
        match world_version {
            Some(_) if own.is_dir() => anyhow::bail!(
                "`world-version` names a version of witness's plugin API, but this fixture \
                 builds against its own wit/"
            ),
            Some(version) => paths.plugin_wit(version).context("`world-version`"),
            None if own.is_dir() => Ok(own),
            None => paths.shared_wit(),
        }
    }

    /// The instance settings this fixture asks for. A granted directory is copied into
    /// `scratch`, which must outlive the instance.
    pub fn settings(&self, file: &FixtureFile, scratch: &Path) -> Result<InstanceSettings> {
        let grants = &file.wasi;
        let dir = match &grants.dir {
            None => None,
            Some(rel) => {
                let from = self.granted_dir(rel)?;
                let to = scratch.join("data");
                copy_dir(&from, &to).with_context(|| {
                    format!("fixture.toml [wasi] dir: failed to copy {}", from.display())
                })?;
                Some(to)
            }
        };
        Ok(InstanceSettings {
            config: file.config.clone(),
            // The copy is the plugin's to change; it is discarded with the instance.
            grants: grants.to_grants(dir, witness_host::config::GrantsFor::Fixture),
            limits: file.limits.apply(),
            log: LogOutput::Recorded,
            imports: file.imports.iter().map(ImportSpec::to_script).collect(),
        })
    }

    /// The directory holding this fixture's insta snapshots.
    pub fn snapshot_dir(&self) -> PathBuf {
        self.dir.join("snapshots")
    }
}

/// The most a granted directory may hold: it is copied for every instance.
pub const MAX_GRANTED_BYTES: u64 = 64 << 20;
/// See [`MAX_GRANTED_BYTES`].
pub const MAX_GRANTED_FILES: usize = 10_000;

impl Fixture {
    /// The fixture's directory that `[wasi] dir` names: a path inside the fixture, with no
    /// `..` and not absolute, so nothing outside the fixture can be granted.
    fn granted_dir(&self, rel: &str) -> Result<PathBuf> {
        let path = Path::new(rel);
        let inside = path.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        });
        if !inside || rel.is_empty() {
            anyhow::bail!(
                "fixture.toml [wasi] dir = {rel:?}: name a directory inside the fixture (a \
                 relative path without `..`)"
            );
        }
        // A symbolic link on the way (`dir = "link/."`) must not lead out of the fixture.
        let real = self.dir.join(path).canonicalize().with_context(|| {
            format!("fixture.toml [wasi] dir = {rel:?}: no such directory in the fixture")
        })?;
        let base = self.dir.canonicalize()?;
        if !real.starts_with(&base) {
            anyhow::bail!(
                "fixture.toml [wasi] dir = {rel:?} leads outside the fixture, to {} (through a \
                 symbolic link)",
                real.display()
            );
        }
        Ok(real)
    }
}

/// Copies the directory `from` to `to`: directories and regular files only (a symbolic
/// link could point anywhere on the host), at most [`MAX_GRANTED_FILES`] files and
/// [`MAX_GRANTED_BYTES`] bytes.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    let limits = WalkLimits {
        files: MAX_GRANTED_FILES,
        bytes: MAX_GRANTED_BYTES,
    };
    std::fs::create_dir_all(to).with_context(|| format!("failed to create {}", to.display()))?;
    for entry in walk(from, limits)? {
        let target = to.join(entry.path.strip_prefix(from)?);
        if entry.is_dir {
            std::fs::create_dir_all(&target)
                .with_context(|| format!("failed to create {}", target.display()))?;
        } else {
            std::fs::copy(&entry.path, &target)
                .with_context(|| format!("failed to copy {}", entry.path.display()))?;
        }
    }
    Ok(())
}

/// The line (1-based) of `text` where its `index`-th (0-based) `[[table]]` header stands.
pub fn entry_line(text: &str, table: &str, index: usize) -> Option<usize> {
    let header = format!("[[{table}]]");
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim_start();
            line.strip_prefix(header.as_str())
                .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'))
        })
        .nth(index)
        .map(|(number, _)| number + 1)
}

/// Parses a fixture.toml; the error names the file and, for TOML errors, the line.
pub fn read_fixture_file(path: &Path) -> Result<FixtureFile, FixtureFileError> {
    let text = std::fs::read_to_string(path).map_err(|e| FixtureFileError {
        file: path.to_path_buf(),
        line: None,
        message: format!("failed to read it: {e}"),
    })?;
    parse_fixture_file(&text).map_err(|e| FixtureFileError {
        file: path.to_path_buf(),
        line: e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1),
        message: e.to_string(),
    })
}

/// A fixture's name in lowercase ASCII letters, digits and `-` (every other character
/// becomes `-`): the name of its Rust guest crate, and what two fixtures must not share.
pub fn normalized_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// Two fixtures whose names differ only in case or punctuation would share a Rust crate
/// of the guest workspace (and an artifact path on a case-insensitive file system): the
/// second of each such pair fails with a message naming the first.
fn refuse_clashing_names(fixtures: &mut [Fixture]) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for fixture in fixtures {
        let key = normalized_name(&fixture.name);
        match seen.get(&key) {
            Some(first) => {
                fixture.file = Err(FixtureFileError {
                    file: fixture.dir.clone(),
                    line: None,
                    message: format!(
                        "the fixture name `{}` clashes with `{first}` (names that differ only \
                         in case or punctuation share a guest crate and an artifact path); \
                         rename one",
                        fixture.name
                    ),
                });
            }
            None => {
                seen.insert(key, fixture.name.clone());
            }
        }
    }
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
    let mut fixtures: Vec<Fixture> = dirs.iter().map(|d| Fixture::load(d)).collect();
    refuse_clashing_names(&mut fixtures);
    Ok(fixtures)
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
    fn a_list_of_invokes_is_calls_run_at_once_and_unsupported_names_languages() {
        let file = parse_fixture_file(
            r#"
            description = "d"
            world = "w"
            [unsupported]
            js = "componentize-js cannot build it"
            [[call]]
            invoke = "first()"
            [[call]]
            invoke = ["a(1)", "b(2)", "c(3)"]
            expect = ["1", "2", "3"]
            interface = "x:y/z"
            [[call]]
            invoke = "last()"
            "#,
        )
        .unwrap();
        assert_eq!(
            file.unsupported[&Language::Js],
            "componentize-js cannot build it"
        );
        type Seen<'a> = (&'a str, Option<&'a str>, usize, (usize, usize));
        let calls: Vec<Seen> = file
            .calls
            .iter()
            .map(|c| (c.invoke.as_str(), c.expect.as_deref(), c.entry, c.at_once))
            .collect();
        assert_eq!(
            calls,
            [
                ("first()", None, 0, (1, 0)),
                ("a(1)", Some("1"), 1, (3, 0)),
                ("b(2)", Some("2"), 1, (3, 1)),
                ("c(3)", Some("3"), 1, (3, 2)),
                ("last()", None, 2, (1, 0)),
            ]
        );
        assert!(file.calls[1].starts_group() && !file.calls[2].starts_group());
        assert_eq!(file.calls[3].interface.as_deref(), Some("x:y/z"));
        for (text, wanted) in [
            ("invoke = [\"a()\"]", "give at least two"),
            (
                "invoke = [\"a()\", \"b()\"]\nbind = \"h\"",
                "`bind` names the handle of one call",
            ),
            (
                "invoke = \"a()\"\nexpect = [\"1\"]",
                "`expect` is a list, but `invoke` is one call",
            ),
            (
                "invoke = [\"a()\", \"b()\"]\nexpect = \"1\"",
                "must be a list of 2 values",
            ),
        ] {
            let toml = format!("description = \"d\"\nworld = \"w\"\n[[call]]\n{text}\n");
            let error = parse_fixture_file(&toml).unwrap_err().to_string();
            assert!(error.contains(wanted), "{text}: {error}");
        }
    }

    #[test]
    fn an_entry_is_found_by_its_table_and_position() {
        let text = "world = \"w\"\n[[call]]\ninvoke = \"a()\"\n\n[[import]]\nfunction = \"f\"\n\
                    [[call]] # the second\ninvoke = \"b()\"\n[[callx]]\n";
        assert_eq!(entry_line(text, "call", 0), Some(2));
        assert_eq!(entry_line(text, "call", 1), Some(7));
        assert_eq!(entry_line(text, "import", 0), Some(5));
        assert_eq!(entry_line(text, "call", 2), None);
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
        assert_eq!(limits.output, witness_host::Limits::default().output);
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
