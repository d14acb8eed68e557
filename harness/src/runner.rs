//! Running trials: one per (fixture, language). A session discovers the fixtures, prepares
//! each toolchain once, builds each guest, runs its calls on one instance through the host,
//! and checks the outcome against the `expect` values and the shared snapshot.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::cache::build::BuildCache;
use crate::cache::hash::Fingerprint;
use crate::fixture::{self, Fixture, FixtureFile};
use crate::host::{CallOutcome, Host, HostOptions, NotTheExpectedBytes, parse_call};
use crate::language::{self, Language};
use crate::outcome::{self, CallReport};
use crate::paths::ProjectPaths;
use crate::snapshot::SnapshotBook;
use crate::toolchain::{self, BuildRequest, Toolchain, install_artifact, link_artifact};
use crate::value;

/// What a session runs and how strict it is; shared by the CLI and the test runner.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Only these languages (from `--lang` or `WITNESS_LANGS`); `None` is all.
    pub languages: Option<Vec<Language>>,
    /// Languages whose missing toolchain fails their trials instead of skipping them.
    pub required: Vec<Language>,
    /// Only fixtures with these names; empty is all.
    pub fixtures: Vec<String>,
}

impl RunOptions {
    /// Options from the environment: `WITNESS_LANGS` picks languages, `WITNESS_REQUIRE`
    /// names languages that must not be skipped, and `CI=true` requires every language run.
    pub fn from_env() -> Result<Self> {
        let languages = match std::env::var("WITNESS_LANGS") {
            Ok(list) if !list.trim().is_empty() => Some(
                language::parse_list(&list).map_err(|e| anyhow!("WITNESS_LANGS={list}: {e}"))?,
            ),
            _ => None,
        };
        let mut required = match std::env::var("WITNESS_REQUIRE") {
            Ok(list) => {
                language::parse_list(&list).map_err(|e| anyhow!("WITNESS_REQUIRE={list}: {e}"))?
            }
            Err(_) => Vec::new(),
        };
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            required = Language::ALL.to_vec();
        }
        Ok(RunOptions {
            languages,
            required,
            fixtures: Vec::new(),
        })
    }
}

/// One (fixture, language) pair to run.
#[derive(Debug, Clone)]
pub struct TrialSpec {
    /// The fixture.
    pub fixture: Arc<Fixture>,
    /// The guest language.
    pub language: Language,
}

impl TrialSpec {
    /// The trial's name: `<fixture>::<language>`.
    pub fn name(&self) -> String {
        format!("{}::{}", self.fixture.name, self.language)
    }
}

/// How a trial ended.
#[derive(Debug, Clone)]
pub enum TrialStatus {
    /// Built, ran, matched every `expect` and the snapshot.
    Passed,
    /// Did not; the message says where to look and what differed.
    Failed(String),
    /// Not run, and why (a missing toolchain that is not required).
    Skipped(String),
}

/// The result of one trial.
#[derive(Debug, Clone)]
pub struct TrialResult {
    /// The fixture's name.
    pub fixture: String,
    /// The guest language.
    pub language: Language,
    /// How it ended.
    pub status: TrialStatus,
    /// How long it took, build included.
    pub duration: Duration,
}

struct LanguageSlot {
    toolchain: Box<dyn Toolchain>,
    probe: OnceLock<Result<(), String>>,
    fingerprint: OnceLock<Result<Fingerprint, String>>,
    prepared: OnceLock<Result<(), String>>,
}

impl LanguageSlot {
    /// Whether the toolchain is there, looked at once and only for a language in use (a
    /// probe spawns `npm --version` and the like).
    fn probed(&self) -> &Result<(), String> {
        self.probe.get_or_init(|| self.toolchain.probe())
    }
}

/// Everything trials share: paths, the host, the toolchains and the snapshot book.
pub struct Session {
    paths: ProjectPaths,
    options: RunOptions,
    host: OnceLock<Result<Host, String>>,
    languages: BTreeMap<Language, LanguageSlot>,
    snapshots: SnapshotBook,
    builds: BuildCache,
    build_times: Mutex<Vec<(String, Language, Duration)>>,
}

impl Session {
    /// A session over the project at `paths`. Each toolchain is probed on first use.
    pub fn new(paths: ProjectPaths, options: RunOptions) -> Self {
        let languages = Language::ALL
            .into_iter()
            .map(|language| {
                let toolchain = toolchain::for_language(language, &paths);
                let slot = LanguageSlot {
                    toolchain,
                    probe: OnceLock::new(),
                    fingerprint: OnceLock::new(),
                    prepared: OnceLock::new(),
                };
                (language, slot)
            })
            .collect();
        Session {
            builds: BuildCache::new(paths.cache.join("build")),
            build_times: Mutex::default(),
            paths,
            options,
            host: OnceLock::new(),
            languages,
            snapshots: SnapshotBook::default(),
        }
    }

    /// Each guest build of this session (cache hits are not builds): the trial's name, its
    /// language and how long the build took.
    pub fn build_times(&self) -> Vec<(String, Language, Duration)> {
        self.build_times
            .lock()
            .map(|t| t.clone())
            .unwrap_or_default()
    }

    /// Runs `trials` on every core and returns their results in the order given.
    pub fn run_all(&self, trials: &[TrialSpec]) -> Vec<TrialResult> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Mutex<Vec<Option<TrialResult>>> = Mutex::new(vec![None; trials.len()]);
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        std::thread::scope(|scope| {
            for _ in 0..workers.min(trials.len()) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(trial) = trials.get(i) else { break };
                        let result = self.run(trial);
                        if let Ok(mut results) = results.lock() {
                            results[i] = Some(result);
                        }
                    }
                });
            }
        });
        results
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .collect()
    }

    /// Every trial the options select, in fixture order then language order.
    pub fn trials(&self) -> Result<Vec<TrialSpec>> {
        let fixtures = fixture::discover(&self.paths.fixtures)?;
        for name in &self.options.fixtures {
            if !fixtures.iter().any(|f| &f.name == name) {
                bail!("no fixture `{name}` in {}", self.paths.fixtures.display());
            }
        }
        let mut trials = Vec::new();
        for fixture in fixtures {
            if !self.options.fixtures.is_empty() && !self.options.fixtures.contains(&fixture.name) {
                continue;
            }
            let fixture = Arc::new(fixture);
            for language in fixture.languages() {
                if self
                    .options
                    .languages
                    .as_ref()
                    .is_some_and(|wanted| !wanted.contains(&language))
                {
                    continue;
                }
                trials.push(TrialSpec {
                    fixture: fixture.clone(),
                    language,
                });
            }
        }
        Ok(trials)
    }

    /// Runs one trial to its result; never panics on bad input.
    pub fn run(&self, trial: &TrialSpec) -> TrialResult {
        let start = Instant::now();
        let status = match self.skip_reason(trial.language) {
            Some(reason) => TrialStatus::Skipped(reason),
            None => match self.run_checked(trial) {
                Ok(()) => TrialStatus::Passed,
                Err(err) => TrialStatus::Failed(self.failure_message(trial, &err)),
            },
        };
        TrialResult {
            fixture: trial.fixture.name.clone(),
            language: trial.language,
            status,
            duration: start.elapsed(),
        }
    }

    /// Why `language`'s trials are skipped, if they are: its toolchain is missing and the
    /// language is not required.
    pub fn skip_reason(&self, language: Language) -> Option<String> {
        let slot = &self.languages[&language];
        match slot.probed() {
            Err(reason) if !self.options.required.contains(&language) => Some(format!(
                "{language} toolchain missing: {reason} (set WITNESS_REQUIRE={language} or CI=true \
                 to make this a failure)"
            )),
            _ => None,
        }
    }

    fn host(&self) -> Result<&Host> {
        self.host
            .get_or_init(|| {
                Host::with_options(&HostOptions::cached_in(&self.paths.cache))
                    .map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| anyhow!("{e}"))
    }

    fn prepare(&self, language: Language) -> Result<&dyn Toolchain> {
        let slot = &self.languages[&language];
        if let Err(reason) = slot.probed() {
            bail!("the {language} toolchain is missing and {language} is required: {reason}");
        }
        slot.prepared
            .get_or_init(|| slot.toolchain.prepare().map_err(|e| format!("{e:#}")))
            .as_ref()
            .map_err(|e| anyhow!("failed to prepare the {language} toolchain: {e}"))?;
        Ok(slot.toolchain.as_ref())
    }

    fn run_checked(&self, trial: &TrialSpec) -> Result<()> {
        let fixture = &trial.fixture;
        let language = trial.language;
        let file = fixture.file.as_ref().map_err(|e| anyhow!("{e}"))?;
        let guest = fixture.guest_path(language);
        if !guest.is_file() {
            bail!(
                "{} is missing (fixture.toml lists {language}, or the fixture has no guest file)",
                guest.display()
            );
        }
        let calls = file
            .calls
            .iter()
            .enumerate()
            .map(|(i, call)| {
                parse_call(&call.invoke)
                    .with_context(|| format!("fixture.toml [[call]] #{}", i + 1))
            })
            .collect::<Result<Vec<_>>>()?;
        let wit = fixture.wit_dir(&self.paths.wit);
        crate::wit::check_world(&wit, &file.world).context("fixture.toml `world`")?;

        let output = self.paths.artifact(&fixture.name, language);
        let request = BuildRequest {
            fixture: &fixture.name,
            guest: &guest,
            wit: &wit,
            world: &file.world,
            output: &output,
        };
        let host = self.host()?;
        let sha256 = self.build_through_cache(&trial.name(), language, &request, Some(host))?;
        let component = match host.load_known(&output, &sha256) {
            Err(err) if err.is::<NotTheExpectedBytes>() => {
                // The compiled entry and the build entry were both damaged: build afresh.
                self.builds.forget(&self.build_key(language, &request)?);
                let sha256 =
                    self.build_through_cache(&trial.name(), language, &request, Some(host))?;
                host.load_known(&output, &sha256)?
            }
            loaded => loaded?,
        };
        let scratch = tempfile::tempdir().context("failed to create a scratch directory")?;
        let settings = fixture.settings(file, scratch.path())?;
        let mut instance = host.instantiate(&component, &settings)?;
        let mut reports = Vec::new();
        for (i, (spec, call)) in file.calls.iter().zip(&calls).enumerate() {
            let record = instance
                .call(call, spec.interface.as_deref())
                .with_context(|| format!("fixture.toml [[call]] #{}", i + 1))?;
            reports.push(CallReport {
                invoke: spec.invoke.clone(),
                interface: spec.interface.clone(),
                record,
            });
        }
        let own_reason = file.own_snapshot.get(&language).map(String::as_str);
        let text = outcome::render(&reports, own_reason.is_some());
        let detail = outcome::render_detail(&reports);
        let with_detail = |message: String| {
            if detail.is_empty() {
                anyhow!("{message}")
            } else {
                anyhow!(
                    "{message}\nlanguage-specific detail:\n{}",
                    outcome::indent(&detail)
                )
            }
        };
        check_expectations(file, &reports).map_err(with_detail)?;
        self.snapshots
            .check(fixture, language, own_reason, &file.description, &text)
            .map_err(with_detail)
    }

    /// Builds one guest (named `name` in progress lines) in `language` through the build
    /// cache, copies it to `request.output` and returns its SHA-256; `witness plugin build`
    /// uses this. A cache hit skips the toolchain entirely.
    pub fn build_guest(
        &self,
        name: &str,
        language: Language,
        request: &BuildRequest<'_>,
    ) -> Result<String> {
        self.build_through_cache(name, language, request, None)
    }

    /// Builds a guest through the build cache. With a `host`, `request.output` becomes a hard
    /// link to the cache entry and the entry's bytes are checked only when the host has no
    /// compiled copy of them (whose own checksum is checked instead); without one, the entry
    /// is checked and copied.
    fn build_through_cache(
        &self,
        name: &str,
        language: Language,
        request: &BuildRequest<'_>,
        host: Option<&Host>,
    ) -> Result<String> {
        if let Some(reason) = self.skip_reason(language) {
            bail!("{reason}");
        }
        let key = self.build_key(language, request)?;
        if let Some(cached) = self.builds.get(&key)
            && (host.is_some_and(|h| !h.needs_bytes(&cached.sha256)) || self.builds.verify(&cached))
        {
            match host {
                Some(_) => link_artifact(&cached.path, request.output)?,
                None => install_artifact(&cached.path, request.output)?,
            }
            return Ok(cached.sha256);
        }
        let toolchain = self.prepare(language)?;
        let start = Instant::now();
        eprintln!("witness: building {name} ...");
        toolchain.build(request)?;
        let took = start.elapsed();
        eprintln!("witness: built {name} in {:.1}s", took.as_secs_f64());
        if let Ok(mut times) = self.build_times.lock() {
            times.push((name.to_string(), language, took));
        }
        self.builds.put(&key, request.output)
    }

    /// The build-cache key of one guest: its source, the WIT package, the world, and the
    /// toolchain's own fingerprint.
    fn build_key(&self, language: Language, request: &BuildRequest<'_>) -> Result<String> {
        let slot = &self.languages[&language];
        let toolchain_key = slot
            .fingerprint
            .get_or_init(|| {
                let mut key = Fingerprint::new();
                slot.toolchain
                    .fingerprint(&mut key)
                    .map(|_| key)
                    .map_err(|e| format!("{e:#}"))
            })
            .as_ref()
            .map_err(|e| anyhow!("failed to fingerprint the {language} toolchain: {e}"))?;
        let mut key = toolchain_key.clone();
        key.text("language", language.name())
            .text("world", request.world)
            .file(request.guest)?
            .dir(request.wit)?;
        Ok(key.finish())
    }

    fn failure_message(&self, trial: &TrialSpec, err: &anyhow::Error) -> String {
        let fixture = &trial.fixture;
        let mut text = String::new();
        writeln!(text, "fixture `{}` in {}", fixture.name, trial.language).ok();
        writeln!(
            text,
            "  fixture file: {}",
            fixture.dir.join("fixture.toml").display()
        )
        .ok();
        writeln!(
            text,
            "  guest: {}",
            fixture.guest_path(trial.language).display()
        )
        .ok();
        let artifact = self.paths.artifact(&fixture.name, trial.language);
        if artifact.is_file() {
            writeln!(text, "  component: {}", artifact.display()).ok();
        }
        writeln!(text, "  rerun: cargo test -- --exact {}", trial.name()).ok();
        if let (true, Ok(file)) = (artifact.is_file(), &fixture.file)
            && let Some(first) = file.calls.first()
        {
            writeln!(
                text,
                "  one call: cargo run -q -p witness -- call {} '{}'",
                artifact.display(),
                first.invoke
            )
            .ok();
        }
        writeln!(text, "\n{err:#}").ok();
        text
    }
}

/// Compares each call's result with its `expect`, as values.
fn check_expectations(file: &FixtureFile, reports: &[CallReport]) -> Result<(), String> {
    let mut problems = Vec::new();
    for (i, (spec, report)) in file.calls.iter().zip(reports).enumerate() {
        let Some(expect) = &spec.expect else { continue };
        let where_ = format!("[[call]] #{} `{}`", i + 1, spec.invoke);
        match (&report.record.outcome, &report.record.result_type) {
            (CallOutcome::Returned(Some(actual)), Some(ty)) => {
                match value::parse_expected(ty, expect) {
                    Ok(expected) if value::values_equal(&expected, actual) => {}
                    Ok(expected) => problems.push(format!(
                        "{where_}: expected {}, got {}",
                        value::to_wave(&expected),
                        value::to_wave(actual)
                    )),
                    Err(e) => problems.push(format!(
                        "{where_}: expect `{expect}` is not a value of the result type {}: {e}",
                        crate::host::type_name(ty)
                    )),
                }
            }
            (CallOutcome::Returned(_), _) => problems.push(format!(
                "{where_}: expected {expect}, but the function returns nothing"
            )),
            (CallOutcome::Trapped { kind, .. }, _) => problems.push(format!(
                "{where_}: expected {expect}, but it trapped: {kind}"
            )),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "fixture.toml expectations not met:\n  {}",
            problems.join("\n  ")
        ))
    }
}
