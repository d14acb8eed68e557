//! A session of trials, one per (fixture, lineup), and the pipeline each trial goes
//! through: its fixture is planned ([`crate::plan`]), its guest built and loaded
//! ([`crate::component`]), its calls and properties run on an instance lane
//! ([`crate::lane`], [`crate::calls`], [`crate::property`]) into an observation
//! ([`crate::observation`]), which is checked ([`crate::check`]) into the result the
//! reporters print ([`crate::report`]).
//!
//! A lineup is a language (`<fixture>::<language>`), or for a composition fixture a runner
//! language composed with a provider language (`<fixture>::<runner>+<provider>`). Each
//! (fixture, lineup) is observed once per session; the checks of a fixture's lineups may
//! read each other's observations (observing one on demand), so languages are compared with
//! each other before a snapshot is written.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use witness_host::{Compiler, Host, HostOptions};

use crate::builder::GuestBuilder;
use crate::cache_limit::{self, CacheLimit, Trimmed};
use crate::check;
use crate::cores;
use crate::error::{FailureContext, SharedError, SnapshotError, TrialError, TrialFailure};
use crate::fixture::{self, Fixture, KnownDivergence};
use crate::language::{self, Language, Lineup};
use crate::observation::{Observation, Observer, Ran};
use crate::paths::ProjectPaths;
use crate::property::PropertySettings;
use crate::snapshot::file::Header;
use crate::snapshot::policy::UpdatePolicy;
use crate::unsupported;

/// What a session runs and how strict it is; shared by the CLI and the test runner.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Only these languages (from `--lang` or `WITNESS_LANGS`); `None` is all.
    pub languages: Option<Vec<Language>>,
    /// Languages whose missing toolchain fails their trials instead of skipping them.
    pub required: Vec<Language>,
    /// Only fixtures with these names; empty is all.
    pub fixtures: Vec<String>,
    /// How the user ran the trials, so failures say how to run one again.
    pub invocation: Invocation,
    /// The seed and case count of generated inputs (`WITNESS_SEED`, `WITNESS_CASES`).
    pub properties: PropertySettings,
    /// Where new and changed outcomes go (`INSTA_UPDATE`; nowhere under `CI=true`).
    pub update: UpdatePolicy,
    /// The compiler of the session's host (`WITNESS_COMPILER`, else [`DEFAULT_COMPILER`]).
    pub compiler: Compiler,
    /// How large the cache's built and compiled components may grow (`WITNESS_CACHE_SIZE`).
    pub cache_limit: CacheLimit,
}

/// The compiler trials use unless `WITNESS_COMPILER` says otherwise: Winch, which compiles
/// the JS and Python components several times faster than Cranelift, and a conformance run
/// makes few calls per compiled component (the README's bench table has the figures).
pub const DEFAULT_COMPILER: Compiler = Compiler::Winch;

/// How trials were started, for the commands a failure suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Invocation {
    /// From `cargo test` (the conformance test target): `cargo test -- --exact <trial>`.
    #[default]
    CargoTest,
    /// From the `witness` binary: `witness run <fixture>::<lineup>`.
    Witness,
}

impl Invocation {
    /// The command that runs the trial of `fixture` in `lineup` alone.
    pub fn rerun(self, fixture: &str, lineup: Lineup) -> String {
        let trial = trial_name(fixture, lineup);
        match self {
            Invocation::CargoTest => format!("cargo test -- --exact {trial}"),
            Invocation::Witness => format!("witness run {trial}"),
        }
    }

    /// The command that makes one call of `component` by hand, the call shell-quoted.
    pub fn one_call(self, paths: &ProjectPaths, component: &std::path::Path, call: &str) -> String {
        let quoted = call.replace('\'', r"'\''");
        format!(
            "{} call {} '{quoted}'",
            self.witness(paths),
            component.display()
        )
    }

    /// How to run the `witness` binary: `cargo run -q -p witness --` from `cargo test` in
    /// witness's own repository, the installed `witness` elsewhere.
    pub fn witness(self, paths: &ProjectPaths) -> &'static str {
        let own_repository = crate::paths::this_repository()
            .canonicalize()
            .is_ok_and(|repo| repo == paths.root);
        match self {
            Invocation::CargoTest if own_repository => "cargo run -q -p witness --",
            _ => "witness",
        }
    }
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
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        let mut required = match std::env::var("WITNESS_REQUIRE") {
            Ok(list) => {
                language::parse_list(&list).map_err(|e| anyhow!("WITNESS_REQUIRE={list}: {e}"))?
            }
            Err(_) => Vec::new(),
        };
        if ci {
            required = Language::ALL.to_vec();
        }
        Ok(RunOptions {
            languages,
            required,
            fixtures: Vec::new(),
            invocation: Invocation::default(),
            properties: PropertySettings::from_env()?,
            update: UpdatePolicy::from_env(ci),
            compiler: Compiler::from_env(DEFAULT_COMPILER)?,
            cache_limit: CacheLimit::from_env()?,
        })
    }
}

impl Default for RunOptions {
    /// Every language, none required, the default inputs, proposals as `.snap.new`.
    fn default() -> Self {
        RunOptions {
            languages: None,
            required: Vec::new(),
            fixtures: Vec::new(),
            invocation: Invocation::default(),
            properties: PropertySettings::default(),
            update: UpdatePolicy::Pending,
            compiler: DEFAULT_COMPILER,
            cache_limit: CacheLimit::default(),
        }
    }
}

/// One trial to run: a fixture in one lineup.
#[derive(Debug, Clone)]
pub struct TrialSpec {
    /// The fixture.
    pub fixture: Arc<Fixture>,
    /// The guest language (the runner's, for a composition fixture).
    pub language: Language,
    /// For a composition fixture: the provider's language.
    pub provider: Option<Language>,
}

impl TrialResult {
    /// The trial's name: `<fixture>::<language>` or `<fixture>::<runner>+<provider>`.
    pub fn name(&self) -> String {
        trial_name(&self.fixture, self.lineup())
    }

    /// The trial's lineup.
    pub fn lineup(&self) -> Lineup {
        Lineup {
            runner: self.language,
            provider: self.provider,
        }
    }
}

impl TrialSpec {
    /// The trial's name: `<fixture>::<language>` or `<fixture>::<runner>+<provider>`.
    pub fn name(&self) -> String {
        trial_name(&self.fixture.name, self.lineup())
    }

    /// The trial's lineup.
    pub fn lineup(&self) -> Lineup {
        Lineup {
            runner: self.language,
            provider: self.provider,
        }
    }
}

/// The name of the trial of `fixture` in `lineup`: `<fixture>::<language>`, or
/// `<fixture>::<runner>+<provider>` for a composition fixture, as libtest, the matrix and
/// every report show it.
pub fn trial_name(fixture: &str, lineup: Lineup) -> String {
    format!("{fixture}::{lineup}")
}

/// How a trial ended.
#[derive(Debug, Clone)]
pub enum TrialStatus {
    /// Built, ran, matched every `expect` and the snapshot.
    Passed,
    /// Did not: what went wrong and where to look.
    Failed(Arc<TrialFailure>),
    /// Not run, and why (a missing toolchain that is not required).
    Skipped(String),
    /// Its guest failed to build, as the fixture's `[unsupported]` entry for the language
    /// says it does: the entry's reason.
    Unsupported(String),
}

/// The result of one trial.
#[derive(Debug, Clone)]
pub struct TrialResult {
    /// The fixture's name.
    pub fixture: String,
    /// The guest language (the runner's, for a composition fixture).
    pub language: Language,
    /// For a composition fixture: the provider's language.
    pub provider: Option<Language>,
    /// How it ended.
    pub status: TrialStatus,
    /// How long it took, build included.
    pub duration: Duration,
    /// The known divergences of this language that held in a passing trial.
    pub known: Vec<KnownDivergence>,
    /// The WIT package the fixture's guests build against, with its version
    /// (`witness:plugin@0.1.0`); `None` when the trial did not read it (skipped, or a bad
    /// fixture).
    pub world: Option<String>,
}

/// One (fixture, lineup)'s observation, made once per session by whichever thread needs it
/// first.
type ObservationCell = Arc<OnceLock<Arc<Observation>>>;

thread_local! {
    /// Time this thread spent observing other trials on demand, which a trial's own duration
    /// leaves out.
    static OBSERVING_OTHERS: Cell<Duration> = const { Cell::new(Duration::ZERO) };
}

/// Everything trials share: paths, the host, the guest builder, the observations made so far
/// and the snapshots written.
pub struct Session {
    paths: ProjectPaths,
    options: RunOptions,
    host: OnceLock<Result<Host, SharedError>>,
    builder: GuestBuilder,
    observations: Mutex<HashMap<(PathBuf, Lineup), ObservationCell>>,
    written: Mutex<HashSet<PathBuf>>,
}

impl Session {
    /// A session over the project at `paths`. Each toolchain is probed on first use.
    pub fn new(paths: ProjectPaths, options: RunOptions) -> Self {
        Session {
            builder: GuestBuilder::new(&paths, options.required.clone()),
            paths,
            options,
            host: OnceLock::new(),
            observations: Mutex::new(HashMap::new()),
            written: Mutex::new(HashSet::new()),
        }
    }

    /// The guest builder: toolchains and the build cache.
    pub fn builder(&self) -> &GuestBuilder {
        &self.builder
    }

    /// The session's options.
    pub fn options(&self) -> &RunOptions {
        &self.options
    }

    /// The project.
    pub fn paths(&self) -> &ProjectPaths {
        &self.paths
    }

    /// Brings the cache within the session's [`RunOptions::cache_limit`], least recently used
    /// entries first; a run calls it once its trials are done.
    pub fn trim_cache(&self) -> Trimmed {
        cache_limit::keep_within(&self.paths.cache, self.options.cache_limit)
    }

    /// Each guest build of this session (cache hits are not builds): the trial's name, its
    /// language and how long the build took.
    pub fn build_times(&self) -> Vec<(String, Language, Duration)> {
        self.builder.build_times()
    }

    /// Runs `trials` on [`cores::trial_threads`] threads (each builds holding one of the
    /// machine's cores) and returns their results in the order given.
    pub fn run_all(&self, trials: &[TrialSpec]) -> Vec<TrialResult> {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results: Mutex<Vec<Option<TrialResult>>> = Mutex::new(vec![None; trials.len()]);
        let workers = cores::trial_threads();
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
        // Every index was filled: each worker stores its result before taking the next.
        results
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .into_iter()
            .zip(trials)
            .map(|(result, trial)| {
                result.unwrap_or_else(|| TrialResult {
                    fixture: trial.fixture.name.clone(),
                    language: trial.language,
                    provider: trial.provider,
                    status: TrialStatus::Failed(Arc::new(TrialFailure {
                        error: TrialError::Panicked("the trial's worker stopped".into()),
                        more: Vec::new(),
                        context: FailureContext::default(),
                        detail: None,
                    })),
                    duration: Duration::ZERO,
                    known: Vec::new(),
                    world: None,
                })
            })
            .collect()
    }

    /// Every trial the options select, in fixture order then lineup order. `fixtures` names
    /// fixtures (`greeting`) or single trials (`greeting::js`, `stats::python+rust`).
    pub fn trials(&self) -> Result<Vec<TrialSpec>> {
        let fixtures = fixture::discover(&self.paths.fixtures)?;
        let mut wanted: Vec<(String, Option<Lineup>)> = Vec::new();
        for name in &self.options.fixtures {
            let (fixture, lineup) = match name.split_once("::") {
                Some((fixture, lineup)) => {
                    let lineup: Lineup = lineup
                        .parse()
                        .map_err(|e| anyhow!("`{name}` is not a trial name: {e}"))?;
                    (fixture.to_string(), Some(lineup))
                }
                None => (name.clone(), None),
            };
            if !fixtures.iter().any(|f| f.name == fixture) {
                bail!(
                    "no fixture `{fixture}` in {}",
                    self.paths.fixtures.display()
                );
            }
            wanted.push((fixture, lineup));
        }
        let mut trials = Vec::new();
        for fixture in fixtures {
            let fixture = Arc::new(fixture);
            for lineup in self.lineups_of(&fixture) {
                let selected = wanted.is_empty()
                    || wanted
                        .iter()
                        .any(|(f, l)| *f == fixture.name && l.is_none_or(|l| l == lineup));
                if selected {
                    trials.push(TrialSpec {
                        fixture: fixture.clone(),
                        language: lineup.runner,
                        provider: lineup.provider,
                    });
                }
            }
        }
        Ok(trials)
    }

    /// The lineups of `fixture` this session runs: each of its languages (narrowed by
    /// `--lang` or `WITNESS_LANGS`), or for a composition fixture each pair of them, runner
    /// then provider.
    fn lineups_of(&self, fixture: &Fixture) -> Vec<Lineup> {
        let languages: Vec<Language> = fixture
            .languages()
            .into_iter()
            .filter(|language| {
                self.options
                    .languages
                    .as_ref()
                    .is_none_or(|wanted| wanted.contains(language))
            })
            .collect();
        if !fixture.composes() {
            return languages.into_iter().map(Lineup::from).collect();
        }
        languages
            .iter()
            .flat_map(|&runner| {
                languages.iter().map(move |&provider| Lineup {
                    runner,
                    provider: Some(provider),
                })
            })
            .collect()
    }

    /// Runs one trial to its result: observed (or read from an earlier observation), then
    /// checked. Bad input fails the trial; a panic inside witness is caught and fails only
    /// this trial.
    pub fn run(&self, trial: &TrialSpec) -> TrialResult {
        let start = Instant::now();
        let mut world = None;
        let mut known = Vec::new();
        let status = match self.lineup_skip_reason(trial.lineup()) {
            Some(reason) => TrialStatus::Skipped(reason),
            None => {
                let observation = self.observe(trial);
                world = observation.package.clone();
                let before = OBSERVING_OTHERS.with(Cell::get);
                let decision =
                    unsupported::decide(&trial.fixture, trial.lineup(), &observation.outcome);
                let verdict = match decision {
                    unsupported::Decision::Unsupported(reason) => {
                        return TrialResult {
                            fixture: trial.fixture.name.clone(),
                            language: trial.language,
                            provider: trial.provider,
                            status: TrialStatus::Unsupported(reason),
                            duration: start.elapsed(),
                            known,
                            world,
                        };
                    }
                    unsupported::Decision::Builds(error) => check::Verdict {
                        errors: vec![error],
                        ..check::Verdict::default()
                    },
                    unsupported::Decision::NotListed | unsupported::Decision::FailsOtherwise => {
                        catch_unwind(AssertUnwindSafe(|| check::check(self, &observation)))
                            .unwrap_or_else(|panic| check::Verdict {
                                errors: vec![TrialError::Panicked(panic_text(&panic))],
                                ..check::Verdict::default()
                            })
                    }
                };
                let others = OBSERVING_OTHERS.with(Cell::get).saturating_sub(before);
                let context = self.failure_context(trial, &observation, &verdict);
                let detail = observation
                    .outcome
                    .as_ref()
                    .ok()
                    .and_then(|ran| ran.detail.clone());
                let took = start.elapsed().saturating_sub(others);
                known = verdict.known;
                return TrialResult {
                    fixture: trial.fixture.name.clone(),
                    language: trial.language,
                    provider: trial.provider,
                    status: match TrialFailure::of(verdict.errors, context, detail) {
                        Some(failure) => {
                            known.clear();
                            TrialStatus::Failed(Arc::new(failure))
                        }
                        None => TrialStatus::Passed,
                    },
                    duration: took,
                    known,
                    world,
                };
            }
        };
        TrialResult {
            fixture: trial.fixture.name.clone(),
            language: trial.language,
            provider: trial.provider,
            status,
            duration: start.elapsed(),
            known,
            world,
        }
    }

    /// Why `language`'s trials are skipped, if they are: its toolchain is missing and the
    /// language is not required.
    pub fn skip_reason(&self, language: Language) -> Option<String> {
        self.builder.skip_reason(language)
    }

    /// Why a trial of `lineup` is skipped, if it is: one of its languages is.
    pub fn lineup_skip_reason(&self, lineup: Lineup) -> Option<String> {
        lineup.languages().find_map(|l| self.skip_reason(l))
    }

    /// The observation of `trial`, made now if this session has none yet (or waiting for
    /// the thread making it).
    pub(crate) fn observe(&self, trial: &TrialSpec) -> Arc<Observation> {
        let key = (trial.fixture.dir.clone(), trial.lineup());
        let cell = self
            .observations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key)
            .or_default()
            .clone();
        cell.get_or_init(|| {
            let start = Instant::now();
            let observer = Observer {
                paths: &self.paths,
                builder: &self.builder,
                host: self.host_ref(),
                properties: &self.options.properties,
            };
            let observation = catch_unwind(AssertUnwindSafe(|| observer.observe(trial)))
                .unwrap_or_else(|panic| Observation {
                    lineup: trial.lineup(),
                    package: None,
                    duration: start.elapsed(),
                    outcome: Err(TrialError::Panicked(panic_text(&panic))),
                });
            Arc::new(observation)
        })
        .clone()
    }

    /// The observations of the other lineups this session runs `fixture` in (those not
    /// skipped), made now where they are not made yet.
    pub(crate) fn peers(&self, fixture: &Arc<Fixture>, except: Lineup) -> Vec<Arc<Observation>> {
        self.lineups_of(fixture)
            .into_iter()
            .filter(|&lineup| lineup != except && self.lineup_skip_reason(lineup).is_none())
            .map(|lineup| {
                let start = Instant::now();
                let observation = self.observe(&TrialSpec {
                    fixture: fixture.clone(),
                    language: lineup.runner,
                    provider: lineup.provider,
                });
                let took = start.elapsed();
                OBSERVING_OTHERS.with(|spent| spent.set(spent.get() + took));
                observation
            })
            .collect()
    }

    /// The host, started on first use.
    pub(crate) fn host_ref(&self) -> Result<&Host, TrialError> {
        self.host
            .get_or_init(|| {
                Host::with_options(&HostOptions {
                    compiler: self.options.compiler,
                    ..HostOptions::cached_in(&self.paths.cache)
                })
                .map_err(SharedError::from)
            })
            .as_ref()
            .map_err(|e| TrialError::Host {
                step: "failed to start the host".into(),
                source: e.clone(),
            })
    }

    /// How to run the `witness` binary in the commands failures suggest.
    pub(crate) fn witness_command(&self) -> &'static str {
        self.options.invocation.witness(&self.paths)
    }

    /// `path` relative to the project's root where it lies inside it.
    pub(crate) fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.paths.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Writes a snapshot file once per session (every language that agreed on it would).
    pub(crate) fn write_snapshot(
        &self,
        path: &Path,
        header: &Header,
        text: &str,
    ) -> Result<(), TrialError> {
        let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        if written.contains(path) {
            return Ok(());
        }
        crate::snapshot::file::write(path, header, text).map_err(|e| {
            TrialError::Snapshot(SnapshotError::Unwritable {
                path: path.to_path_buf(),
                message: format!("{e:#}"),
            })
        })?;
        written.insert(path.to_path_buf());
        Ok(())
    }

    /// The `witness call` line that makes `call` of `function` (qualified, as
    /// `[[known-divergence]]` names it) on `ran`'s component.
    pub(crate) fn call_command_for(&self, ran: &Ran, call: &str, function: &str) -> String {
        let interface = function.split_once('#').map(|(interface, _)| interface);
        self.call_command(&ran.plan.fixture, &ran.component.artifact, call, interface)
    }

    /// The `witness call` line that makes `call` (of `interface`) on `component` by hand, as
    /// the fixture's trials make it (`--fixture`: its answers, config, grants, clock and seed).
    fn call_command(
        &self,
        fixture: &Fixture,
        component: &Path,
        call: &str,
        interface: Option<&str>,
    ) -> String {
        let mut command = self
            .options
            .invocation
            .one_call(&self.paths, component, call);
        if let Some(interface) = interface {
            command.push_str(&format!(" --interface {interface}"));
        }
        command.push_str(&format!(" --fixture {}", fixture.dir.display()));
        command
    }

    /// Where to look when `trial` failed: the component only where this session built it,
    /// and the call to blame (else the fixture's first).
    fn failure_context(
        &self,
        trial: &TrialSpec,
        observation: &Observation,
        verdict: &check::Verdict,
    ) -> FailureContext {
        let fixture = &trial.fixture;
        let ran = observation.outcome.as_ref().ok();
        let component = ran.map(|ran| ran.component.artifact.clone());
        let blamed = verdict.failing_call.clone().or_else(|| {
            let first = ran?.plan.file.calls.first()?;
            Some((first.invoke.clone(), first.interface.clone()))
        });
        let one_call = match (&component, blamed) {
            (Some(component), Some((invoke, interface))) => {
                Some(self.call_command(fixture, component, &invoke, interface.as_deref()))
            }
            _ => None,
        };
        FailureContext {
            fixture_file: fixture.dir.join("fixture.toml"),
            guest: fixture.guest_path(trial.language),
            provider_guest: trial.provider.map(|p| fixture.provider_guest_path(p)),
            component,
            rerun: self.options.invocation.rerun(&fixture.name, trial.lineup()),
            one_call,
        }
    }
}

/// The message of a caught panic.
fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".to_string())
}
