//! Running an audit: the audited world read, its audit world and guests written under
//! `target/witness/audit/<hash>/`, each language's guest built (through the same toolchains
//! and build cache as fixtures) and loaded, every type probed with the same generated values
//! in every language, and each hazard shrunk and grouped into its cause.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::strategy::{Strategy, ValueTree};
use wasmtime::component::Val;
use wit_parser::{Resolve, WorldId};
use witness_host::cache::hash::Fingerprint;
use witness_host::value::to_wave;
use witness_host::{Compiler, Host, HostOptions, LoadedComponent};

use super::guests::{AuditBodies, Numbers};
use super::hazard::{self, Cause, Hazard, Probes};
use super::probe::Prober;
use super::types::AuditTypes;
use super::wit;
use crate::builder::{GuestBuilder, Placement};
use crate::error::BuildError;
use crate::fixture::Side;
use crate::generate;
use crate::language::Language;
use crate::paths::ProjectPaths;
use crate::property::PropertySettings;
use crate::scaffold::{self, world::WitWorld};
use crate::toolchain::BuildRequest;

/// Why an audit could not run: bad input, or the machinery failing. Each is exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The path holds no WIT, or it does not parse, or the world is not there.
    #[error("{0}")]
    Wit(String),
    /// A command-line value is unusable.
    #[error("{0}")]
    Usage(String),
    /// A language's toolchain is missing and the language is required.
    #[error("{0}")]
    Toolchain(String),
    /// Anything else.
    #[error("{0:#}")]
    Other(anyhow::Error),
}

impl From<anyhow::Error> for AuditError {
    fn from(e: anyhow::Error) -> Self {
        AuditError::Other(e)
    }
}

/// What to audit and how.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// The languages to audit.
    pub languages: Vec<Language>,
    /// Languages whose missing toolchain is an error rather than a skip (`CI=true`).
    pub required: Vec<Language>,
    /// The seed and case count of the values (`WITNESS_SEED`, `WITNESS_CASES`).
    pub settings: PropertySettings,
    /// The compiler of the audit's host (`WITNESS_COMPILER`).
    pub compiler: Compiler,
}

/// The WIT of an audit: a resolve and the worlds of it to audit.
pub struct AuditedWit {
    /// Everything parsed.
    pub resolve: Resolve,
    /// The worlds audited.
    pub worlds: Vec<WorldId>,
    /// The package's name (`demo:shapes@1.0.0`).
    pub package: String,
}

impl AuditedWit {
    /// Reads the WIT at `path` (a `.wit` file or a package directory) and selects `world`,
    /// or every world of the package.
    pub fn load(path: &Path, world: Option<&str>) -> Result<Self, AuditError> {
        let wit_error = |message: String| AuditError::Wit(format!("{}: {message}", path.display()));
        if path.is_dir() {
            witness_host::files::walk(path, crate::wit::LIMITS)
                .map_err(|e| wit_error(format!("{e:#}")))?;
            let has_wit = std::fs::read_dir(path)
                .map(|entries| {
                    entries
                        .flatten()
                        .any(|e| e.path().extension().is_some_and(|x| x == "wit"))
                })
                .unwrap_or(false);
            if !has_wit {
                return Err(wit_error(
                    "no WIT here (no *.wit file in the directory)".into(),
                ));
            }
        } else if !path.is_file() {
            return Err(wit_error("no such file or directory".into()));
        } else if path.extension().is_none_or(|x| x != "wit") {
            return Err(wit_error(
                "give a WIT file (`*.wit`) or a WIT package directory".into(),
            ));
        }
        let mut resolve = Resolve::default();
        let (package, _) = resolve
            .push_path(path)
            .map_err(|e| wit_error(resolve.render_error(&e)))?;
        let name = resolve.packages[package].name.to_string();
        let all: Vec<(String, WorldId)> = resolve.packages[package]
            .worlds
            .iter()
            .map(|(n, id)| (n.clone(), *id))
            .collect();
        let worlds = match world {
            Some(wanted) => match all.iter().find(|(n, _)| n == wanted) {
                Some((_, id)) => vec![*id],
                None => {
                    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(AuditError::Wit(format!(
                        "the WIT package {name} has no world `{wanted}`; its worlds: {}",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    )));
                }
            },
            None if all.is_empty() => {
                return Err(AuditError::Wit(format!(
                    "the WIT package {name} has no world"
                )));
            }
            None => all.iter().map(|(_, id)| *id).collect(),
        };
        Ok(AuditedWit {
            resolve,
            worlds,
            package: name,
        })
    }

    /// The WIT `text` (named `name` in messages), every world of it.
    pub fn from_text(name: &str, text: &str) -> Result<Self, AuditError> {
        let mut resolve = Resolve::default();
        let package = resolve
            .push_str(name, text)
            .map_err(|e| AuditError::Wit(format!("{name}: {}", resolve.render_error(&e))))?;
        let worlds: Vec<WorldId> = resolve.packages[package].worlds.values().copied().collect();
        Ok(AuditedWit {
            package: resolve.packages[package].name.to_string(),
            resolve,
            worlds,
        })
    }

    /// The names of the worlds audited.
    pub fn world_names(&self) -> Vec<String> {
        self.worlds
            .iter()
            .map(|w| self.resolve.worlds[*w].name.clone())
            .collect()
    }
}

/// How one language's audit went.
#[derive(Debug, Clone)]
pub enum LanguageStatus {
    /// Its guest was built and probed.
    Audited,
    /// Its toolchain could not build the audit guest: the toolchain's failure, named.
    BuildFailed(String),
    /// Its toolchain is missing (and the language is not required).
    Skipped(String),
}

/// The outcome of an audit of one WIT.
#[derive(Debug, Clone)]
pub struct AuditReport {
    /// The package audited.
    pub package: String,
    /// Its worlds audited.
    pub worlds: Vec<String>,
    /// The types, with what is not audited.
    pub types: AuditTypes,
    /// Each language and how its audit went.
    pub languages: Vec<(Language, LanguageStatus)>,
    /// For each type and language, the causes of the hazards its values showed (empty: ok).
    pub cells: BTreeMap<(usize, Language), Vec<String>>,
    /// The causes, by language, then type, then direction.
    pub causes: Vec<Cause>,
    /// How many values each type got.
    pub cases: u32,
    /// The seed of the values.
    pub seed: u64,
    /// Where the audit world and its guests were written.
    pub dir: PathBuf,
}

/// The default number of values per type.
pub const DEFAULT_CASES: u32 = 128;

/// Audits `wit` in the languages of `options`, building under `paths`.
pub fn audit(
    paths: &ProjectPaths,
    wit: &AuditedWit,
    options: &AuditOptions,
) -> Result<AuditReport, AuditError> {
    let types = AuditTypes::collect(&wit.resolve, &wit.worlds);
    let text = wit::package(&wit.resolve, &types);
    let hash = Fingerprint::new().text("audit", &text).finish();
    let dir = paths.out.join("audit").join(&hash[..16]);
    let wit_dir = dir.join("wit");
    crate::toolchain::write_if_changed(&wit_dir.join("audit.wit"), &text)?;
    let cases = options.settings.cases.unwrap_or(DEFAULT_CASES);
    let mut report = AuditReport {
        package: wit.package.clone(),
        worlds: wit.world_names(),
        types,
        languages: Vec::new(),
        cells: BTreeMap::new(),
        causes: Vec::new(),
        cases,
        seed: options.settings.seed,
        dir: dir.clone(),
    };
    if report.types.types.is_empty() {
        report.languages = options
            .languages
            .iter()
            .map(|l| (*l, LanguageStatus::Audited))
            .collect();
        return Ok(report);
    }
    let audit_world = WitWorld::load(&wit_dir, Some(wit::WORLD))
        .map_err(|e| AuditError::Other(anyhow::anyhow!("the audit world witness wrote: {e}")))?;
    let numbers = Numbers::of(&audit_world);
    let builder = GuestBuilder::new(paths, options.required.clone());
    let host = Host::with_options(&HostOptions {
        compiler: options.compiler,
        ..HostOptions::cached_in(&paths.cache)
    })?;
    for &language in &options.languages {
        if let Some(reason) = builder.skip_reason(language) {
            report
                .languages
                .push((language, LanguageStatus::Skipped(reason)));
            continue;
        }
        let bodies = AuditBodies {
            language,
            numbers: &numbers,
        };
        let header = vec![format!(
            "The {language} guest of `witness audit` for {} ({}): every type of the world, \
             echoed, relayed through the host and shown as this guest sees it.",
            wit.package,
            report.worlds.join(", ")
        )];
        let source = scaffold::writer(language).write(&audit_world, &header, &bodies);
        let guest = dir.join(language.guest_file());
        crate::toolchain::write_if_changed(&guest, &source)?;
        let output = dir.join(format!("{language}.wasm"));
        let request = BuildRequest {
            fixture: &format!("audit-{}", &hash[..12]),
            side: Side::Runner,
            guest: &guest,
            wit: &wit_dir,
            world: wit::WORLD,
            output: &output,
        };
        let name = format!("audit::{language}");
        match builder.build(&name, language, &request, Placement::Link, &|_| true) {
            Ok(_) => {}
            Err(BuildError::ToolchainMissing { reason, .. }) => {
                return Err(AuditError::Toolchain(format!(
                    "the {language} toolchain is missing: {reason}"
                )));
            }
            Err(e) => {
                report
                    .languages
                    .push((language, LanguageStatus::BuildFailed(format!("{e:#}"))));
                continue;
            }
        }
        let loaded = host.load(&output)?;
        let found = probe_language(&host, &loaded, language, &report)?;
        for (n, cause_names) in found.cells {
            report.cells.insert((n, language), cause_names);
        }
        report.causes.extend(found.causes);
        report.languages.push((language, LanguageStatus::Audited));
    }
    report.causes.sort_by(|a, b| {
        (a.language, &a.wit_type, a.direction, a.kind).cmp(&(
            b.language,
            &b.wit_type,
            b.direction,
            b.kind,
        ))
    });
    Ok(report)
}

/// What one language's probes found.
struct LanguageFindings {
    cells: BTreeMap<usize, Vec<String>>,
    causes: Vec<Cause>,
}

/// Probes every type of `report` in `language`'s component.
fn probe_language(
    host: &Host,
    loaded: &LoadedComponent,
    language: Language,
    report: &AuditReport,
) -> Result<LanguageFindings, AuditError> {
    let types = &report.types.types;
    let echo_types: Vec<_> = (0..types.len())
        .map(|n| {
            loaded
                .exported_function(&wit::echo(n))
                .ok_or_else(|| anyhow::anyhow!("the audit guest lacks {}", wit::echo(n)))
        })
        .collect::<anyhow::Result<_>>()?;
    // The same values in every language: drawn from the type's structure and its WIT name.
    let mut values: Vec<Vec<Val>> = Vec::with_capacity(types.len());
    for (n, t) in types.iter().enumerate() {
        let ty = echo_types[n]
            .params()
            .next()
            .map(|(_, ty)| ty)
            .ok_or_else(|| anyhow::anyhow!("{} takes no argument", wit::echo(n)))?;
        let strategy = generate::value(&ty)
            .map_err(|e| anyhow::anyhow!("values of {} cannot be generated: {e}", t.wit))?;
        let mut runner = generate::runner(report.seed, &hazard::stream_name(&t.wit));
        let mut drawn = Vec::with_capacity(report.cases as usize);
        for _ in 0..report.cases {
            let tree = strategy
                .new_tree(&mut runner)
                .map_err(|e| anyhow::anyhow!("no value of {} could be drawn: {e}", t.wit))?;
            drawn.push(tree.current());
        }
        values.push(drawn);
    }
    let placeholders: Vec<String> = values
        .iter()
        .map(|v| v.first().map(to_wave).unwrap_or_default())
        .collect();
    let mut prober = Prober::new(host, loaded, echo_types, placeholders);
    let toolchain = crate::divergences::toolchain(language);
    let mut cells: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut causes: BTreeMap<(usize, hazard::Direction, hazard::Kind), Cause> = BTreeMap::new();
    for (n, t) in types.iter().enumerate() {
        let Some(ty) = prober.value_type(n) else {
            continue;
        };
        let seen = prober.seen(n, &values[n], &ty)?;
        // The first hazard of each path and kind at this type, with its case.
        let mut firsts: BTreeMap<(hazard::Direction, hazard::Kind), (usize, Hazard, usize)> =
            BTreeMap::new();
        for (i, value) in values[n].iter().enumerate() {
            let probes = Probes {
                echo: prober.echo(n, value)?,
                show: prober.show(n, value, &ty)?,
                relay: prober.relay(n, value)?,
                seen: seen.get(i).cloned().unwrap_or(super::probe::Probed::Right),
            };
            for (direction, kind, got) in hazard::classify(&probes) {
                let entry = firsts.entry((direction, kind)).or_insert_with(|| {
                    (
                        i + 1,
                        Hazard {
                            language,
                            n,
                            direction,
                            kind,
                            input: value.clone(),
                            got,
                        },
                        0,
                    )
                });
                entry.2 += 1;
            }
        }
        for (_, (case, first, count)) in firsts {
            let shrunk = hazard::shrink(&mut prober, &first, case, report.seed, &t.wit)?;
            let smallest = &types[shrunk.n];
            let key = (shrunk.n, first.direction, shrunk.kind);
            let name = Cause::short_name(language, &smallest.wit, first.direction);
            let cause = causes.entry(key).or_insert_with(|| Cause {
                name: name.clone(),
                language,
                toolchain: toolchain.clone(),
                wit_type: smallest.wit.clone(),
                n: shrunk.n,
                direction: first.direction,
                kind: shrunk.kind,
                input: to_wave(&shrunk.input),
                input_text: prober
                    .value_type(shrunk.n)
                    .map(|ty| super::canonical::text(&shrunk.input, &ty))
                    .unwrap_or_default(),
                got: shrunk.got.clone(),
                touches: report.types.holders(shrunk.n),
                found_in: Vec::new(),
                hazards: 0,
                known: None,
            });
            cause.hazards += count;
            if !cause.found_in.contains(&t.wit) {
                cause.found_in.push(t.wit.clone());
            }
            let cell = cells.entry(n).or_default();
            if !cell.contains(&name) {
                cell.push(name);
            }
        }
        cells.entry(n).or_default();
    }
    Ok(LanguageFindings {
        cells,
        causes: causes.into_values().collect(),
    })
}
