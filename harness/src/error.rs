//! Why a trial failed, as types a reporter can branch on: [`TrialError`] names the step that
//! failed and carries what a user needs to act on it (the file, the call, both sides of a
//! difference, the error chain); [`TrialFailure`] adds where to look and the
//! language-specific detail that stays out of the shared snapshot.
//!
//! The human text of every error is its `Display` (with `{:#}` for the whole chain, as
//! [`TrialFailure::render`] prints it); the JSON and JUnit reporters use [`TrialError::kind`]
//! and the same text.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::language::{Language, Lineup};

/// An error several trials share (one toolchain set-up failing fails every trial of that
/// language), kept with its chain.
#[derive(Debug, Clone)]
pub struct SharedError(pub Arc<anyhow::Error>);

impl fmt::Display for SharedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for SharedError {}

impl From<anyhow::Error> for SharedError {
    fn from(err: anyhow::Error) -> Self {
        SharedError(Arc::new(err))
    }
}

/// A fixture.toml (or another fixture file) that is wrong: the file, the line where known,
/// and what is wrong.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}{}: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct FixtureFileError {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line, where the problem has one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// Why a guest could not be built.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BuildError {
    /// The language's toolchain is not installed (for a trial: and the language is
    /// required, or the trial would have been skipped).
    #[error("the {language} toolchain is missing: {reason}")]
    ToolchainMissing {
        /// The language.
        language: Language,
        /// What is missing and how to get it.
        reason: String,
    },
    /// The language's toolchain could not be installed or checked.
    ///
    /// The message holds the whole error, so it is not also the error's `source()`: a
    /// caller printing the chain (`{:#}`) would show the tool's output twice.
    #[error("failed to prepare the {language} toolchain: {error}")]
    ToolchainSetup {
        /// The language.
        language: Language,
        /// What went wrong.
        error: SharedError,
    },
    /// The toolchain ran and failed: the guest does not compile, or does not fit its world.
    /// As for `ToolchainSetup`, the tool's error is part of the message, not a `source()`.
    #[error("failed to build {}: {error}", guest.display())]
    Failed {
        /// The guest source file.
        guest: PathBuf,
        /// The tool's error, with its command line and output.
        error: SharedError,
    },
    /// The build cache or the artifact directory failed in a way that cannot be worked
    /// around.
    #[error("{0}")]
    Io(SharedError),
}

/// One call whose result is not the fixture's `expect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The call's 1-based position among the fixture's calls (an `invoke` list holds
    /// several); what blame and known divergences go by.
    pub call: usize,
    /// The 1-based number of its `[[call]]` entry, as messages name it.
    pub entry: usize,
    /// The line of fixture.toml where the call's table begins.
    pub line: Option<usize>,
    /// The WAVE call expression.
    pub invoke: String,
    /// The `expect` text, as WAVE (normalised where it parsed).
    pub expected: String,
    /// What happened instead: a WAVE value, `nothing`, or `trap: <kind>`.
    pub actual: String,
    /// Why the two could not be compared, where they could not (an `expect` that is not a
    /// value of the result type).
    pub problem: Option<String>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "fixture.toml:{line}: ")?;
        }
        write!(f, "[[call]] #{} `{}`: ", self.entry, self.invoke)?;
        match &self.problem {
            Some(problem) => write!(f, "{problem}"),
            None => write!(f, "expected {}, got {}", self.expected, self.actual),
        }
    }
}

/// How an outcome disagrees with a snapshot.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SnapshotError {
    /// The outcome differs from the stored snapshot.
    #[error("outcome differs from the snapshot {}:\n{diff}\n{accept}", path.display())]
    Differs {
        /// The snapshot file.
        path: PathBuf,
        /// A unified diff, snapshot first.
        diff: String,
        /// Who gave the new outcome, what was written, and how to accept it (or why
        /// nothing is proposed).
        accept: String,
    },
    /// There is no snapshot yet; the languages of this run that write the shared snapshot
    /// agree on the outcome (or it is a language's own snapshot).
    #[error(
        "no snapshot yet at {}; {} the outcome:\n{}\n{accept}",
        path.display(),
        agreed_on(agreed),
        crate::outcome::indent(outcome)
    )]
    Missing {
        /// Where the snapshot goes.
        path: PathBuf,
        /// The outcome text.
        outcome: String,
        /// The lineups of this run that gave it.
        agreed: Vec<Lineup>,
        /// What was written, and the commands that accept it.
        accept: String,
    },
    /// This language's outcome differs from the snapshot, and other languages of this run
    /// match the snapshot: this language is the one that changed.
    #[error(
        "{language} differs from the snapshot {}, which {} in this run:\n{diff}\nfix the \
         guest, or write the difference down ([[known-divergence]] for a toolchain's bug, \
         [own-snapshot] for a language's own wording)",
        path.display(),
        match others.len() { 1 => format!("{} matches", list_languages(others)), _ => format!("{} match", list_languages(others)) }
    )]
    DisagreesWith {
        /// This trial's lineup.
        language: Lineup,
        /// The lineups that match the snapshot.
        others: Vec<Lineup>,
        /// The snapshot file.
        path: PathBuf,
        /// A unified diff, the snapshot first.
        diff: String,
    },
    /// The languages of this run give different outcomes, and none matches a snapshot:
    /// nothing is proposed until they agree.
    #[error(
        "{}, and the languages of this run disagree ({}), so nothing was written; {language} \
         against {against}:\n{diff}\nfix the guest that is wrong, or write the difference down \
         ([[known-divergence]] or [own-snapshot]), then run the fixture again",
        match stored {
            true => format!("the outcome differs from the snapshot {}, which no language of this run matches", path.display()),
            false => format!("there is no snapshot yet at {}", path.display()),
        },
        groups.iter().map(|g| format!("{} {}", list_languages(g), if g.len() == 1 { "gives one outcome" } else { "give one outcome" })).collect::<Vec<_>>().join("; ")
    )]
    LanguagesDisagree {
        /// This trial's lineup.
        language: Lineup,
        /// The lineups by the outcome they gave, this lineup's group first.
        groups: Vec<Vec<Lineup>>,
        /// The lineup this one is shown against.
        against: Lineup,
        /// The snapshot file.
        path: PathBuf,
        /// Whether a snapshot exists (which none of them matches).
        stored: bool,
        /// A unified diff, the other language first.
        diff: String,
    },
    /// A language with known divergences is compared with the shared snapshot, which does
    /// not exist yet (the languages without divergences write it).
    #[error(
        "{language} is compared call by call with the snapshot {} (it has known divergences, \
         or WITNESS_SEED or WITNESS_CASES is set), which does not exist yet: accept the outcome \
         of the other languages first",
        path.display()
    )]
    NoSharedSnapshot {
        /// This trial's lineup.
        language: Lineup,
        /// The shared snapshot.
        path: PathBuf,
    },
    /// A snapshot (or its pending proposal) could not be written or removed.
    #[error("failed to write {}: {message}", path.display())]
    Unwritable {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A language with its own snapshot gives the shared outcome again.
    #[error(
        "{language} now agrees with the shared snapshot {}; remove `{language} = ...` from \
         [own-snapshot] in {}",
        shared.display(),
        fixture_file.display()
    )]
    OwnSnapshotAgrees {
        /// The language.
        language: Language,
        /// The shared snapshot it agrees with.
        shared: PathBuf,
        /// The fixture.toml that lists it.
        fixture_file: PathBuf,
    },
}

/// `rust`, `rust and js`, `rust, js and python` (or lineups: `python+rust and rust+rust`).
pub fn list_languages<T: fmt::Display>(languages: &[T]) -> String {
    let names: Vec<String> = languages.iter().map(ToString::to_string).collect();
    match names.split_last() {
        None => "no language".to_string(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// `rust gives`, `rust and js agree on`: who gave an outcome.
fn agreed_on(languages: &[Lineup]) -> String {
    match languages.len() {
        0 | 1 => format!("{} gives", list_languages(languages)),
        _ => format!("{} agree on", list_languages(languages)),
    }
}

/// Why a trial failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TrialError {
    /// The fixture is wrong: its fixture.toml, its world, a call that does not parse.
    #[error(transparent)]
    BadFixture(#[from] FixtureFileError),
    /// The fixture lists a language whose guest file is not there.
    #[error(
        "{} is missing (fixture.toml lists {language}, or the fixture has no guest file)",
        guest.display()
    )]
    MissingGuest {
        /// The language.
        language: Language,
        /// The guest file that should exist.
        guest: PathBuf,
    },
    /// The guest was not built.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// A composition fixture's runner and provider could not be composed.
    #[error(transparent)]
    Compose(#[from] crate::compose::ComposeError),
    /// The host could not be started, or could not load or instantiate the component (not
    /// a component, another world, a trap in its start-up).
    #[error("{step}: {source}")]
    Host {
        /// What was being done, such as `failed to load target/witness/x/js.wasm`.
        step: String,
        /// The host's error.
        source: SharedError,
    },
    /// A call could not be made (no such export, arguments that do not fit its signature).
    /// A call that traps is not this: a trap is an outcome, recorded in the snapshot.
    #[error(
        "fixture.toml{} [[call]] #{entry} `{invoke}`: {source}",
        line.map(|l| format!(":{l}")).unwrap_or_default()
    )]
    Call {
        /// The call's 1-based position among the fixture's calls.
        call: usize,
        /// The 1-based number of its `[[call]]` entry, as the message names it.
        entry: usize,
        /// The line of fixture.toml where the call's table begins.
        line: Option<usize>,
        /// The WAVE call expression.
        invoke: String,
        /// Why the host could not make it (boxed: it is the largest of these errors).
        source: Box<witness_host::CallError>,
    },
    /// Results that are not what `expect` says.
    #[error(
        "fixture.toml expectations not met:\n  {}",
        mismatches.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  ")
    )]
    Expectations {
        /// Every call that differs.
        mismatches: Vec<Mismatch>,
    },
    /// The outcome disagrees with the snapshot.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// A function listed under `[[known-divergence]]` for this language gave the shared
    /// outcome: the toolchain was fixed, and the entry should go.
    #[error(
        "{} now agrees on `{}`, which [[known-divergence]] in {} lists ({}; {}): remove the \
         entry",
        entry.language,
        entry.function,
        fixture_file.display(),
        entry.reason,
        entry.upstream
    )]
    KnownDivergenceGone {
        /// The entry that no longer holds.
        entry: crate::fixture::KnownDivergence,
        /// The fixture.toml that lists it.
        fixture_file: PathBuf,
    },
    /// A language listed under `[unsupported]` built its guest: the toolchain can build the
    /// fixture now, and the entry should go.
    #[error(
        "{language} built this fixture's guest, which [unsupported] in {} says it cannot \
         ({reason}): remove `{language}` from [unsupported] so the trial runs",
        fixture_file.display()
    )]
    UnsupportedBuilds {
        /// The language listed.
        language: crate::language::Language,
        /// The reason the entry gives.
        reason: String,
        /// The fixture.toml that lists it.
        fixture_file: PathBuf,
    },
    /// A `[[roundtrip]]` got back something other than its argument.
    #[error(transparent)]
    RoundtripFailed(Box<RoundtripFailed>),
    /// An `[[agree]]` computed something else than another language of this run.
    #[error(transparent)]
    AgreeDiffers(Box<AgreeDiffers>),
    /// The trial panicked: a bug in witness, reported instead of taking the run down.
    #[error("the trial panicked (a bug in witness): {0}")]
    Panicked(String),
}

impl TrialError {
    /// A stable name of the kind of failure, for machine-readable reports.
    pub fn kind(&self) -> &'static str {
        match self {
            TrialError::BadFixture(_) => "bad-fixture",
            TrialError::MissingGuest { .. } => "missing-guest",
            TrialError::Build(BuildError::ToolchainMissing { .. }) => "toolchain-missing",
            TrialError::Build(BuildError::ToolchainSetup { .. }) => "toolchain-setup",
            TrialError::Build(BuildError::Failed { .. }) => "build-failed",
            TrialError::Build(BuildError::Io(_)) => "io",
            TrialError::Compose(crate::compose::ComposeError::Failed { .. }) => "compose-failed",
            TrialError::Compose(crate::compose::ComposeError::Unplugged { .. }) => {
                "unplugged-import"
            }
            TrialError::Host { .. } => "host",
            TrialError::Call { .. } => "call",
            TrialError::Expectations { .. } => "expectations",
            TrialError::Snapshot(SnapshotError::Differs { .. }) => "snapshot-differs",
            TrialError::Snapshot(SnapshotError::Missing { .. }) => "snapshot-missing",
            TrialError::Snapshot(SnapshotError::DisagreesWith { .. }) => "languages-disagree",
            TrialError::Snapshot(SnapshotError::LanguagesDisagree { .. }) => "languages-disagree",
            TrialError::Snapshot(SnapshotError::OwnSnapshotAgrees { .. }) => "own-snapshot-agrees",
            TrialError::Snapshot(SnapshotError::NoSharedSnapshot { .. }) => "no-shared-snapshot",
            TrialError::Snapshot(SnapshotError::Unwritable { .. }) => "io",
            TrialError::KnownDivergenceGone { .. } => "known-divergence-gone",
            TrialError::UnsupportedBuilds { .. } => "unsupported-builds",
            TrialError::RoundtripFailed(_) => "roundtrip-failed",
            TrialError::AgreeDiffers(_) => "agree-differs",
            TrialError::Panicked(_) => "panicked",
        }
    }

    /// The error of a host step, such as loading or instantiating.
    pub fn host(step: impl Into<String>, source: anyhow::Error) -> Self {
        TrialError::Host {
            step: step.into(),
            source: source.into(),
        }
    }

    /// The first line of the message: a summary for a JUnit `message` attribute.
    pub fn summary(&self) -> String {
        self.to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end_matches(':')
            .to_string()
    }
}

/// A `[[roundtrip]]` got back something other than its argument: the first failing case,
/// shrunk to a small input.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "[[roundtrip]] `{function}` returned something other than its argument, at case {} of \
     {cases} (seed {seed}):\n  shrunk ({} steps) to: {}\n  first failing case: {}\n  run it: \
     {run_it}\n  replay the inputs: {replay}",
    failure.case,
    failure.steps,
    failure.shrunk.line(),
    failure.first.line()
)]
pub struct RoundtripFailed {
    /// The function, qualified.
    pub function: String,
    /// How many cases the property runs.
    pub cases: u32,
    /// The seed of the inputs.
    pub seed: u64,
    /// The failing case and its shrunk form.
    pub failure: crate::property::RoundtripFailure,
    /// The `witness call` line that makes the shrunk call.
    pub run_it: String,
    /// The command that reruns the trial with the same inputs.
    pub replay: String,
}

/// An `[[agree]]` computed something else than another language of this run, for the same
/// generated input.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "[[agree]] `{function}`: {language} differs from {other}, first at case {case} of {cases} \
     (seed {seed}):\n{}  first differing case: {call}\n    {other}: {other_outcome}\n    \
     {language}: {outcome}\n  run it: {run_it}\n  replay the inputs: {replay}",
    shrunk.as_ref().map(|s| format!(
        "  shrunk ({} steps) to: {}\n    {other}: {}\n    {language}: {}\n",
        s.steps, s.call, s.other_outcome, s.outcome
    )).unwrap_or_default()
)]
pub struct AgreeDiffers {
    /// The function, qualified.
    pub function: String,
    /// This trial's lineup.
    pub language: Lineup,
    /// The lineup it was compared with.
    pub other: Lineup,
    /// The first case that differs (1-based).
    pub case: usize,
    /// How many cases the property runs.
    pub cases: u32,
    /// The seed of the inputs.
    pub seed: u64,
    /// The call, as WAVE.
    pub call: String,
    /// This language's outcome.
    pub outcome: String,
    /// The other language's outcome.
    pub other_outcome: String,
    /// The smallest input found where the two still differ, when shrinking found a smaller
    /// one than the first.
    pub shrunk: Option<ShrunkDisagreement>,
    /// The `witness call` line that makes the smallest differing call.
    pub run_it: String,
    /// The command that reruns the trial with the same inputs.
    pub replay: String,
}

/// The smallest input where two languages' outcomes of an `[[agree]]` still differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShrunkDisagreement {
    /// The call, as WAVE.
    pub call: String,
    /// This language's outcome.
    pub outcome: String,
    /// The other language's outcome.
    pub other_outcome: String,
    /// How many simpler inputs the shrink tried.
    pub steps: usize,
}

/// Where to look when a trial failed: the files involved and the commands that rerun it.
#[derive(Debug, Clone, Default)]
pub struct FailureContext {
    /// The fixture's fixture.toml.
    pub fixture_file: PathBuf,
    /// The guest source file (the runner's, for a composition fixture).
    pub guest: PathBuf,
    /// The provider's guest source file, for a composition fixture.
    pub provider_guest: Option<PathBuf>,
    /// The built component, where one was built.
    pub component: Option<PathBuf>,
    /// The command that reruns just this trial.
    pub rerun: String,
    /// A `witness call` line that runs the failing call by hand (the fixture's first call
    /// when no one call is to blame), where this run built a component.
    pub one_call: Option<String>,
}

/// A failed trial: what went wrong, where to look, and the language-specific detail (traps'
/// backtraces and their stderr) that the shared snapshot leaves out.
#[derive(Debug, Clone)]
pub struct TrialFailure {
    /// What went wrong (the first failure).
    pub error: TrialError,
    /// Every other failure of the trial: each failing call and property is reported, and
    /// the trial fails once.
    pub more: Vec<TrialError>,
    /// Where to look.
    pub context: FailureContext,
    /// The language-specific detail of the calls that ran, if there is any.
    pub detail: Option<String>,
}

impl TrialFailure {
    /// A failure of `errors` (the first is [`TrialFailure::error`]); `None` when there is
    /// none.
    pub fn of(
        mut errors: Vec<TrialError>,
        context: FailureContext,
        detail: Option<String>,
    ) -> Option<Self> {
        if errors.is_empty() {
            return None;
        }
        let error = errors.remove(0);
        Some(TrialFailure {
            error,
            more: errors,
            context,
            detail,
        })
    }

    /// The first line of the first failure, and how many more there are: a summary for a
    /// JUnit `message` attribute.
    pub fn summary(&self) -> String {
        match self.more.len() {
            0 => self.error.summary(),
            n => format!("{} (and {n} more)", self.error.summary()),
        }
    }

    /// Every failure, the first first.
    pub fn errors(&self) -> impl Iterator<Item = &TrialError> {
        std::iter::once(&self.error).chain(&self.more)
    }

    /// The human text: the trial, where to look, each failure, then the detail.
    pub fn render(&self, fixture: &str, lineup: impl Into<crate::language::Lineup>) -> String {
        use std::fmt::Write as _;
        let lineup = lineup.into();
        let c = &self.context;
        let mut text = String::new();
        match lineup.provider {
            Some(provider) => writeln!(
                text,
                "fixture `{fixture}`: a {} runner composed with a {provider} provider",
                lineup.runner
            ),
            None => writeln!(text, "fixture `{fixture}` in {}", lineup.runner),
        }
        .ok();
        writeln!(text, "  fixture file: {}", c.fixture_file.display()).ok();
        writeln!(text, "  guest: {}", c.guest.display()).ok();
        if let Some(provider) = &c.provider_guest {
            writeln!(text, "  provider guest: {}", provider.display()).ok();
        }
        if let Some(component) = &c.component {
            writeln!(text, "  component: {}", component.display()).ok();
        }
        writeln!(text, "  rerun: {}", c.rerun).ok();
        if let Some(one_call) = &c.one_call {
            writeln!(text, "  one call: {one_call}").ok();
        }
        let count = 1 + self.more.len();
        if count > 1 {
            writeln!(text, "\n{count} failures:").ok();
        }
        for (i, error) in self.errors().enumerate() {
            match count {
                1 => writeln!(text, "\n{error}"),
                _ => writeln!(text, "\n{}. {error}", i + 1),
            }
            .ok();
        }
        if let Some(detail) = &self.detail {
            writeln!(
                text,
                "language-specific detail:\n{}",
                crate::outcome::indent(detail)
            )
            .ok();
        }
        // The error and the detail quote the guest (its output, its messages).
        witness_host::terminal::escape_controls(&text).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_error_printed_with_its_chain_shows_the_tool_output_once() {
        let tool = || {
            SharedError::from(anyhow::anyhow!(
                "`cargo build` failed (exit status: 101)\n  stderr:\n    error[E0308]: mismatched types"
            ))
        };
        let errors = [
            BuildError::Failed {
                guest: PathBuf::from("fixtures/x/guest.rs"),
                error: tool(),
            },
            BuildError::ToolchainSetup {
                language: Language::Rust,
                error: tool(),
            },
        ];
        for error in errors {
            // How the `witness` binary prints an error: the whole chain.
            let text = format!("{:#}", anyhow::Error::new(TrialError::Build(error)));
            assert_eq!(text.matches("error[E0308]").count(), 1, "{text}");
            assert_eq!(text.matches("`cargo build` failed").count(), 1, "{text}");
        }
    }
}
