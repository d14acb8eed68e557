//! Running trials: one per (fixture, language). A session discovers the fixtures, prepares
//! each toolchain once, builds each guest, runs its calls on one instance through the host,
//! and checks the outcome against the `expect` values and the shared snapshot.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use witness_host::{
    CallOutcome, CallRecord, Host, HostOptions, NotTheExpectedBytes, ParsedCall, PluginInstance,
    ScriptError, parse_call,
};

use crate::builder::{GuestBuilder, Placement};
use crate::error::{
    AgreeDiffers, FailureContext, FixtureFileError, Mismatch, RoundtripFailed, SharedError,
    TrialError, TrialFailure,
};
use crate::fixture::{self, Fixture, FixtureFile, KnownDivergence};
use crate::handles::Handles;
use crate::language::{self, Language};
use crate::outcome::{self, CallReport};
use crate::paths::ProjectPaths;
use crate::property::{self, PropertyOutcome, PropertyReport, PropertySettings};
use crate::snapshot::{AgreeKey, SnapshotBook};
use crate::toolchain::BuildRequest;
use witness_host::value;

/// What a session runs and how strict it is; shared by the CLI and the test runner.
#[derive(Debug, Clone, Default)]
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
}

/// How trials were started, for the commands a failure suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Invocation {
    /// From `cargo test` (the conformance test target): `cargo test -- --exact <trial>`.
    #[default]
    CargoTest,
    /// From the `witness` binary: `witness run <fixture> --lang <language>`.
    Witness,
}

impl Invocation {
    /// The command that runs `trial` (`<fixture>::<language>`) alone.
    pub fn rerun(self, fixture: &str, language: Language) -> String {
        match self {
            Invocation::CargoTest => {
                format!("cargo test -- --exact {}", trial_name(fixture, language))
            }
            Invocation::Witness => format!("witness run {fixture} --lang {language}"),
        }
    }

    /// The command that makes one call of `component` by hand (`cargo run -p witness` in
    /// witness's own repository, the installed `witness` elsewhere), the call shell-quoted.
    pub fn one_call(self, paths: &ProjectPaths, component: &std::path::Path, call: &str) -> String {
        let own_repository = crate::paths::this_repository()
            .canonicalize()
            .is_ok_and(|repo| repo == paths.root);
        let witness = match self {
            Invocation::CargoTest if own_repository => "cargo run -q -p witness --",
            _ => "witness",
        };
        let quoted = call.replace('\'', r"'\''");
        format!("{witness} call {} '{quoted}'", component.display())
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
            invocation: Invocation::default(),
            properties: PropertySettings::from_env()?,
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

impl TrialResult {
    /// The trial's name: `<fixture>::<language>`.
    pub fn name(&self) -> String {
        trial_name(&self.fixture, self.language)
    }
}

impl TrialSpec {
    /// The trial's name: `<fixture>::<language>`.
    pub fn name(&self) -> String {
        trial_name(&self.fixture.name, self.language)
    }
}

/// The name of the trial of `fixture` in `language`: `<fixture>::<language>`, as libtest,
/// the matrix and every report show it.
pub fn trial_name(fixture: &str, language: Language) -> String {
    format!("{fixture}::{language}")
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
    /// The known divergences of this language that held in a passing trial.
    pub known: Vec<KnownDivergence>,
    /// The WIT package the fixture's guests build against, with its version
    /// (`witness:plugin@0.1.0`); `None` when the trial did not read it (skipped, or a bad
    /// fixture).
    pub world: Option<String>,
}

/// What a trial learns on its way besides its status: the language-specific detail of a
/// failure, and the WIT package its fixture builds against.
#[derive(Debug, Default)]
struct TrialNotes {
    detail: Option<String>,
    world: Option<String>,
}

/// Everything trials share: paths, the host, the guest builder and the snapshot book.
pub struct Session {
    paths: ProjectPaths,
    options: RunOptions,
    host: OnceLock<Result<Host, SharedError>>,
    builder: GuestBuilder,
    snapshots: SnapshotBook,
}

impl Session {
    /// A session over the project at `paths`. Each toolchain is probed on first use.
    pub fn new(paths: ProjectPaths, options: RunOptions) -> Self {
        Session {
            builder: GuestBuilder::new(&paths, options.required.clone()),
            paths,
            options,
            host: OnceLock::new(),
            snapshots: SnapshotBook::default(),
        }
    }

    /// The guest builder: toolchains and the build cache.
    pub fn builder(&self) -> &GuestBuilder {
        &self.builder
    }

    /// Each guest build of this session (cache hits are not builds): the trial's name, its
    /// language and how long the build took.
    pub fn build_times(&self) -> Vec<(String, Language, Duration)> {
        self.builder.build_times()
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
                    status: TrialStatus::Failed(Arc::new(TrialFailure {
                        error: TrialError::Panicked("the trial's worker stopped".into()),
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

    /// Runs one trial to its result. Bad input fails the trial; a panic inside witness is
    /// caught and fails only this trial.
    pub fn run(&self, trial: &TrialSpec) -> TrialResult {
        let start = Instant::now();
        let mut known = Vec::new();
        let mut notes = TrialNotes::default();
        let status = match self.skip_reason(trial.language) {
            Some(reason) => TrialStatus::Skipped(reason),
            None => {
                let ran = catch_unwind(AssertUnwindSafe(|| self.run_checked(trial, &mut notes)))
                    .unwrap_or_else(|panic| Err(TrialError::Panicked(panic_text(&panic))));
                match ran {
                    Ok(held) => {
                        known = held;
                        TrialStatus::Passed
                    }
                    Err(error) => TrialStatus::Failed(Arc::new(TrialFailure {
                        error,
                        context: self.failure_context(trial),
                        detail: notes.detail.take(),
                    })),
                }
            }
        };
        TrialResult {
            fixture: trial.fixture.name.clone(),
            language: trial.language,
            status,
            duration: start.elapsed(),
            known,
            world: notes.world,
        }
    }

    /// Why `language`'s trials are skipped, if they are: its toolchain is missing and the
    /// language is not required.
    pub fn skip_reason(&self, language: Language) -> Option<String> {
        self.builder.skip_reason(language)
    }

    fn host(&self) -> Result<&Host, TrialError> {
        self.host
            .get_or_init(|| {
                Host::with_options(&HostOptions::cached_in(&self.paths.cache))
                    .map_err(SharedError::from)
            })
            .as_ref()
            .map_err(|e| TrialError::Host {
                step: "failed to start the host".into(),
                source: e.clone(),
            })
    }

    /// Runs one trial; on success, the known divergences that held in it.
    fn run_checked(
        &self,
        trial: &TrialSpec,
        notes: &mut TrialNotes,
    ) -> Result<Vec<KnownDivergence>, TrialError> {
        let fixture = &trial.fixture;
        let language = trial.language;
        let fixture_file = fixture.dir.join("fixture.toml");
        let file = fixture.file.as_ref().map_err(|e| e.clone())?;
        let guest = fixture.guest_path(language);
        if !guest.is_file() {
            return Err(TrialError::MissingGuest { language, guest });
        }
        let calls = file
            .calls
            .iter()
            .enumerate()
            .map(|(i, call)| {
                parse_call(&call.invoke).map_err(|e| FixtureFileError {
                    file: fixture_file.clone(),
                    line: fixture.entry_line("call", i),
                    message: format!("[[call]] #{}: {e}", i + 1),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let wit = fixture
            .wit_dir(&self.paths, file.world_version.as_deref())
            .map_err(|e| FixtureFileError {
                file: fixture_file.clone(),
                line: None,
                message: format!("{e:#}"),
            })?;
        let checked = crate::wit::check_world(&wit, &file.world).map_err(|e| FixtureFileError {
            file: fixture_file.clone(),
            line: None,
            message: format!("`world`: {e:#}"),
        })?;
        crate::imports::check_against_world(fixture, file, &checked)?;
        notes.world = Some(checked.package);
        let exported = checked.exports;
        if let Some((index, entry)) = file
            .known_divergences
            .iter()
            .enumerate()
            .find(|(_, k)| !exported.contains(&k.function))
        {
            return Err(FixtureFileError {
                file: fixture_file.clone(),
                line: fixture.entry_line("known-divergence", index),
                message: format!(
                    "[[known-divergence]] for {} names `{}`, which world `{}` does not export; it \
                     exports: {}",
                    entry.language,
                    entry.function,
                    file.world,
                    exported.join(", ")
                ),
            }
            .into());
        }

        let output = self.paths.artifact(&fixture.name, language);
        let request = BuildRequest {
            fixture: &fixture.name,
            guest: &guest,
            wit: &wit,
            world: &file.world,
            output: &output,
        };
        let host = self.host()?;
        let build = || {
            self.builder.build(
                &trial.name(),
                language,
                &request,
                Placement::Link,
                &|sha256| host.needs_bytes(sha256),
            )
        };
        let loading = || format!("failed to load {}", output.display());
        let sha256 = build()?;
        let component = match host.load_known(&output, &sha256) {
            Err(err) if err.is::<NotTheExpectedBytes>() => {
                // The compiled entry and the build entry were both damaged: build afresh.
                self.builder.forget(language, &request);
                let sha256 = build()?;
                host.load_known(&output, &sha256)
                    .map_err(|e| TrialError::host(loading(), e))?
            }
            loaded => loaded.map_err(|e| TrialError::host(loading(), e))?,
        };
        let mut lane = InstanceLane {
            host,
            component: &component,
            fixture,
            file,
            fixture_file: &fixture_file,
            output: &output,
            scratches: Vec::new(),
            current: None,
        };
        lane.instance()?;
        let mut reports: Vec<CallReport> = Vec::new();
        let mut handles = Handles::default();
        for (i, (spec, call)) in file.calls.iter().zip(&calls).enumerate() {
            // A trap ends its instance: the calls after it run on a new one.
            let new_instance = lane.current.is_none();
            if new_instance && i > 0 {
                handles.instance_ended();
            }
            let interface = spec.interface.as_deref();
            let call_error = |e| TrialError::Call {
                call: i + 1,
                line: fixture.entry_line("call", i),
                invoke: spec.invoke.clone(),
                source: Box::new(e),
            };
            let by = format!("[[call]] #{}", i + 1);
            let instance = lane.instance()?;
            handles.learn(instance, interface);
            // `drop(name)` drops a bound handle; it is the guest's own `drop` only where the
            // guest exports one and the name is no handle, so a misspelt name is named.
            let dropped = drop_target(call).filter(|name| {
                handles.is_bound(name)
                    || !instance
                        .exported_functions(interface)
                        .iter()
                        .any(|f| f == "drop")
            });
            let record = match dropped {
                Some(name) => {
                    let handle = handles
                        .take_for_drop(&name, &by)
                        .map_err(|message| bad_call(fixture, i, spec, message))?;
                    instance.drop_handle(handle)
                }
                None => instance
                    .call_with_handles(call, interface, &mut |text, ty| {
                        let into = format!("`{}` by {by}", call.name());
                        handles.argument(text, ty, &into)
                    })
                    .map_err(call_error)?,
            };
            let result = match &record.outcome {
                CallOutcome::Returned(value) => value.as_ref(),
                CallOutcome::Trapped { .. } => None,
            };
            let shown = result.and_then(|value| handles.show(value));
            if let Some(name) = &spec.bind
                && !matches!(record.outcome, CallOutcome::Trapped { .. })
            {
                handles
                    .bind(name, result)
                    .map_err(|message| bad_call(fixture, i, spec, message))?;
            }
            lane.after(&record);
            reports.push(CallReport {
                invoke: spec.invoke.clone(),
                interface: spec.interface.clone(),
                record,
                new_instance,
                shown,
            });
        }
        // The host's objects the guest never dropped, as its instance ends (an instance a
        // trap ended is not asked: its objects went with it).
        if let (Some(instance), Some(last)) = (lane.current.as_ref(), reports.last_mut()) {
            for label in instance.undropped_host_resources() {
                let line = format!("{label} was never dropped (the instance ends)");
                last.record.host_calls.push(line);
            }
        }
        let detail = outcome::render_detail(&reports);
        notes.detail = (!detail.is_empty()).then_some(detail);
        let mut properties = Vec::new();
        for (kind, index, spec) in file.properties() {
            let settings = &self.options.properties;
            properties.push(property::run(kind, index, spec, settings, &mut lane)?);
        }
        self.check_outcome(fixture, file, language, &reports, &calls, &properties)
    }

    /// Checks what the calls did: every `expect`, then the shared snapshot, or, for a
    /// language with known divergences, the snapshot call by call and each listed function
    /// still diverging. Returns the known divergences that held.
    fn check_outcome(
        &self,
        fixture: &Fixture,
        file: &FixtureFile,
        language: Language,
        reports: &[CallReport],
        calls: &[ParsedCall],
        properties: &[PropertyReport],
    ) -> Result<Vec<KnownDivergence>, TrialError> {
        let functions: Vec<String> = reports
            .iter()
            .zip(calls)
            .map(|(report, call)| fixture::qualified(report.interface.as_deref(), &call.name()))
            .chain(properties.iter().map(|p| p.function.clone()))
            .collect();
        let known: Vec<&KnownDivergence> = file
            .known_divergences
            .iter()
            .filter(|k| k.language == language)
            .collect();
        let listed = |function: &str| known.iter().any(|k| k.function == function);
        // Functions whose calls differed, where a known divergence allows it.
        let mut diverged: Vec<&str> = Vec::new();
        let mut mismatches = check_expectations(file, reports);
        mismatches.retain(|m| {
            let function = &functions[m.call - 1];
            if listed(function) {
                diverged.push(function);
            }
            !listed(function)
        });
        if !mismatches.is_empty() {
            return Err(TrialError::Expectations { mismatches });
        }
        let component = self.paths.artifact(&fixture.name, language);
        let run_it = |call: &str, function: &str| {
            let interface = function.split_once('#').map(|(interface, _)| interface);
            self.call_command(fixture, &component, call, interface)
        };
        let rerun = self.options.invocation.rerun(&fixture.name, language);
        let settings = &self.options.properties;
        let replay = settings.replay(&rerun);
        let overridden = settings.overridden();
        // The outcomes this language may make the reference of its agrees: those of
        // functions it has no divergence listed for, once its snapshot check has passed.
        let mut to_record = Vec::new();
        for (position, report) in properties.iter().enumerate() {
            let function = report.function.as_str();
            let error = match &report.outcome {
                PropertyOutcome::Held => continue,
                PropertyOutcome::Failed(failure) => {
                    TrialError::RoundtripFailed(Box::new(RoundtripFailed {
                        function: function.to_string(),
                        cases: report.cases,
                        seed: report.seed,
                        failure: failure.clone(),
                        run_it: run_it(&failure.shrunk.call, function),
                        replay: replay.clone(),
                    }))
                }
                PropertyOutcome::Outcomes(outcomes) => {
                    let key = AgreeKey {
                        fixture: fixture.dir.clone(),
                        position,
                    };
                    // Other inputs than the snapshot's: no snapshot check can come first, so
                    // the first language without a listed divergence is the reference.
                    let record_now = overridden && !listed(function);
                    if !overridden && !listed(function) {
                        to_record.push((key.clone(), outcomes));
                    }
                    let found = self
                        .snapshots
                        .agreement(&key, language, outcomes, record_now);
                    let Some(differs) = found else { continue };
                    TrialError::AgreeDiffers(Box::new(AgreeDiffers {
                        function: function.to_string(),
                        language,
                        other: differs.other,
                        case: differs.index + 1,
                        cases: report.cases,
                        seed: report.seed,
                        run_it: run_it(&differs.call, function),
                        call: differs.call,
                        outcome: differs.this,
                        other_outcome: differs.theirs,
                        replay: replay.clone(),
                    }))
                }
            };
            if !listed(function) {
                return Err(error);
            }
            diverged.push(function);
        }
        let own_reason = file.own_snapshot.get(&language).map(String::as_str);
        if overridden {
            // The properties' inputs are not those the snapshots were made with: the
            // languages of this run were compared with each other above, the calls are
            // compared with the snapshot here, and a known divergence that does not show
            // with these inputs is not reported as gone.
            let blocks: Vec<String> = reports
                .iter()
                .map(|r| outcome::render(std::slice::from_ref(r), own_reason.is_some()))
                .collect();
            let own = own_reason.map(|_| language);
            let calls = &functions[..reports.len()];
            if !blocks.is_empty() {
                let compared = self
                    .snapshots
                    .known_differences(fixture, language, own, &blocks, calls, &listed)?;
                diverged.extend(compared.into_iter().map(|i| calls[i].as_str()));
            }
            return Ok(known
                .into_iter()
                .filter(|k| diverged.contains(&k.function.as_str()))
                .cloned()
                .collect());
        }
        if !known.is_empty() {
            let blocks: Vec<String> = reports
                .iter()
                .map(|r| outcome::render(std::slice::from_ref(r), false))
                .chain(properties.iter().map(PropertyReport::block))
                .collect();
            for i in self
                .snapshots
                .known_differences(fixture, language, None, &blocks, &functions, &listed)?
            {
                diverged.push(&functions[i]);
            }
            if let Some(gone) = known
                .iter()
                .find(|k| !diverged.contains(&k.function.as_str()))
            {
                return Err(TrialError::KnownDivergenceGone {
                    entry: (*gone).clone(),
                    fixture_file: fixture.dir.join("fixture.toml"),
                });
            }
            self.snapshots.record_agreements(language, to_record);
            return Ok(known.into_iter().cloned().collect());
        }
        let property_blocks: String = properties.iter().map(PropertyReport::block).collect();
        let shared_text = outcome::render(reports, false) + &property_blocks;
        let own_text = own_reason.map(|_| outcome::render(reports, true) + &property_blocks);
        self.snapshots.check(
            fixture,
            &rerun,
            language,
            own_reason,
            &file.description,
            &shared_text,
            own_text.as_deref(),
        )?;
        self.snapshots.record_agreements(language, to_record);
        Ok(Vec::new())
    }

    /// The `witness call` line that makes `call` (of `interface`) on `component` by hand, as
    /// the fixture's trials make it (`--fixture`: its answers, config, grants, clock and seed).
    fn call_command(
        &self,
        fixture: &Fixture,
        component: &std::path::Path,
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

    /// Where to look when `trial` failed.
    fn failure_context(&self, trial: &TrialSpec) -> FailureContext {
        let fixture = &trial.fixture;
        let artifact = self.paths.artifact(&fixture.name, trial.language);
        let component = artifact.is_file().then_some(artifact);
        let one_call = match (&component, &fixture.file) {
            (Some(component), Ok(file)) => file.calls.first().map(|first| {
                let interface = first.interface.as_deref();
                self.call_command(fixture, component, &first.invoke, interface)
            }),
            _ => None,
        };
        FailureContext {
            fixture_file: fixture.dir.join("fixture.toml"),
            guest: fixture.guest_path(trial.language),
            component,
            rerun: self.options.invocation.rerun(&fixture.name, trial.language),
            one_call,
        }
    }
}

/// The instance a trial's calls and properties run on, made on first use and again after
/// each trap (a trap ends its instance). Each instance gets its own scratch directory (a
/// granted directory is copied into it), which lives as long as the trial.
struct InstanceLane<'a> {
    host: &'a Host,
    component: &'a witness_host::LoadedComponent,
    fixture: &'a Fixture,
    file: &'a FixtureFile,
    fixture_file: &'a std::path::Path,
    output: &'a std::path::Path,
    scratches: Vec<tempfile::TempDir>,
    /// The live instance; `None` before the first and after a trap.
    current: Option<PluginInstance>,
}

impl InstanceLane<'_> {
    /// The live instance, made now if there is none.
    fn instance(&mut self) -> Result<&mut PluginInstance, TrialError> {
        if self.current.is_none() {
            let scratch = tempfile::tempdir()
                .map_err(|e| TrialError::host("failed to create a scratch directory", e.into()))?;
            let mut settings = self
                .fixture
                .settings(self.file, scratch.path())
                .map_err(|e| FixtureFileError {
                    file: self.fixture_file.to_path_buf(),
                    line: None,
                    message: format!("{e:#}"),
                })?;
            self.scratches.push(scratch);
            // Only the entries for what this component imports (a toolchain leaves out the
            // imports its guest never calls).
            let script = crate::imports::for_component(
                &self.file.imports,
                self.component.scripted_imports(),
            );
            settings.imports = script.imports.clone();
            let instance = self
                .host
                .instantiate(self.component, &settings)
                .map_err(|e| match e.downcast_ref::<ScriptError>() {
                    // The fixture's [[import]] tables do not fit the component's imports.
                    Some(error) => {
                        let (error, position) = script.renumber(error);
                        TrialError::BadFixture(FixtureFileError {
                            file: self.fixture_file.to_path_buf(),
                            line: position
                                .and_then(|index| self.fixture.entry_line("import", index)),
                            message: error.to_string(),
                        })
                    }
                    None => {
                        let step = format!("failed to instantiate {}", self.output.display());
                        TrialError::host(step, e)
                    }
                })?;
            self.current = Some(instance);
        }
        // Made above if it was missing.
        self.current
            .as_mut()
            .ok_or_else(|| TrialError::Panicked("no instance after instantiating".into()))
    }

    /// Ends the instance if `record` trapped.
    fn after(&mut self, record: &CallRecord) {
        if matches!(record.outcome, CallOutcome::Trapped { .. }) {
            self.end();
        }
    }

    /// Ends the instance; the next call makes a new one. Its scratch directory goes with it.
    fn end(&mut self) {
        self.current = None;
        self.scratches.clear();
    }
}

impl property::Lane for InstanceLane<'_> {
    fn fixture_file(&self) -> &std::path::Path {
        self.fixture_file
    }

    fn entry_line(&self, table: &str, index: usize) -> Option<usize> {
        self.fixture.entry_line(table, index)
    }

    fn renew(&mut self) {
        self.end();
    }

    fn function_type(
        &mut self,
        name: &str,
        interface: Option<&str>,
    ) -> Result<
        Result<wasmtime::component::types::ComponentFunc, witness_host::CallError>,
        TrialError,
    > {
        Ok(self.instance()?.function_type(name, interface))
    }

    fn call(
        &mut self,
        name: &str,
        interface: Option<&str>,
        args: &[wasmtime::component::Val],
    ) -> Result<CallRecord, TrialError> {
        let record = self
            .instance()?
            .call_values(name, interface, args)
            .map_err(|e| TrialError::host(format!("failed to call `{name}`"), e.into()))?;
        self.after(&record);
        Ok(record)
    }
}

/// The name `drop(<name>)` drops, where `call` is one.
fn drop_target(call: &ParsedCall) -> Option<String> {
    if call.resource_function().is_some() || call.name() != "drop" {
        return None;
    }
    let source = call.source().trim();
    let inner = source.strip_prefix("drop(")?.strip_suffix(')')?.trim();
    let word = !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    word.then(|| inner.to_string())
}

/// A fixture error about `[[call]]` #`index` (0-based), naming its line.
fn bad_call(
    fixture: &Fixture,
    index: usize,
    spec: &fixture::CallSpec,
    message: String,
) -> TrialError {
    TrialError::BadFixture(FixtureFileError {
        file: fixture.dir.join("fixture.toml"),
        line: fixture.entry_line("call", index),
        message: format!("[[call]] #{} `{}`: {message}", index + 1, spec.invoke),
    })
}

/// The message of a caught panic.
fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic without a message".to_string())
}

/// Compares each call's result with its `expect`, as values; every call that differs.
fn check_expectations(file: &FixtureFile, reports: &[CallReport]) -> Vec<Mismatch> {
    let mut mismatches = Vec::new();
    for (i, (spec, report)) in file.calls.iter().zip(reports).enumerate() {
        let Some(expect) = &spec.expect else { continue };
        let mismatch = |expected: String, actual: String, problem: Option<String>| Mismatch {
            call: i + 1,
            invoke: spec.invoke.clone(),
            expected,
            actual,
            problem,
        };
        match (&report.record.outcome, &report.record.result_type) {
            (CallOutcome::Returned(Some(actual)), Some(ty)) => {
                match value::parse_expected(ty, expect) {
                    Ok(expected) if value::values_equal(&expected, actual) => {}
                    Ok(expected) => mismatches.push(mismatch(
                        value::to_wave(&expected),
                        value::to_wave(actual),
                        None,
                    )),
                    Err(e) => mismatches.push(mismatch(
                        expect.clone(),
                        value::to_wave(actual),
                        Some(format!(
                            "expect `{expect}` is not a value of the result type {}: {e}",
                            witness_host::type_name(ty)
                        )),
                    )),
                }
            }
            (CallOutcome::Returned(_), _) => mismatches.push(mismatch(
                expect.clone(),
                "nothing".into(),
                Some(format!(
                    "expected {expect}, but the function returns nothing"
                )),
            )),
            (CallOutcome::Trapped { kind, .. }, _) => mismatches.push(mismatch(
                expect.clone(),
                format!("trap: {kind}"),
                Some(format!("expected {expect}, but it trapped: {kind}")),
            )),
        }
    }
    mismatches
}
