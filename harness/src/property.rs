//! Properties over generated inputs: `[[roundtrip]]` (the result is identical to the one
//! argument) and `[[agree]]` (every language gives the same outcome for the same inputs).
//!
//! A property calls its function `cases` times (default 256) with arguments generated from
//! its parameter types ([`crate::generate`]), from a seed that is the same for every language
//! (`WITNESS_SEED` replays another; `WITNESS_CASES` overrides every `cases`). A roundtrip that
//! fails is shrunk to a small failing input, printed as a WAVE call `witness call` runs as is.
//! An agree records every outcome: its snapshot block holds a digest of them all and the first
//! few, and languages of one run are compared case by case, so a language that computes
//! differently is shown the first input where it differs.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use proptest::strategy::{Strategy, ValueTree};
use wasmtime::component::Val;
use wasmtime::component::types::ComponentFunc;
use witness_host::cache::hash::Fingerprint;
use witness_host::value::{to_wave, values_identical};
use witness_host::{CallOutcome, CallRecord};

use crate::error::{FixtureFileError, ShrunkDisagreement, TrialError};
use crate::fixture::{PropertyKind, PropertySpec};
use crate::generate::{self, call_text};

/// How many inputs a property tries when neither `cases` nor `WITNESS_CASES` says.
pub const DEFAULT_CASES: u32 = 256;
/// The seed inputs come from when `WITNESS_SEED` does not name another.
pub const DEFAULT_SEED: u64 = 0;
/// The most simpler inputs a failing roundtrip tries while shrinking.
pub const MAX_SHRINK_STEPS: usize = 4096;
/// How many outcomes of an `[[agree]]` its snapshot block shows beside the digest.
pub const AGREE_SHOWN: usize = 4;
/// The longest outcome line a snapshot block shows; longer ones end in `…`.
pub const SHOWN_LINE: usize = 160;

/// Where generated inputs come from, for every property of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertySettings {
    /// The seed.
    pub seed: u64,
    /// Cases for every property, overriding each `cases`.
    pub cases: Option<u32>,
}

impl Default for PropertySettings {
    fn default() -> Self {
        PropertySettings {
            seed: DEFAULT_SEED,
            cases: None,
        }
    }
}

impl PropertySettings {
    /// The settings `WITNESS_SEED` and `WITNESS_CASES` ask for.
    pub fn from_env() -> Result<Self> {
        let read = |name: &str| match std::env::var(name) {
            Ok(text) if !text.trim().is_empty() => Some(text),
            _ => None,
        };
        let seed = match read("WITNESS_SEED") {
            Some(text) => text
                .trim()
                .parse()
                .map_err(|e| anyhow!("WITNESS_SEED={text}: not a seed (a number): {e}"))?,
            None => DEFAULT_SEED,
        };
        let cases = match read("WITNESS_CASES") {
            Some(text) => Some(
                text.trim()
                    .parse()
                    .map_err(|e| anyhow!("WITNESS_CASES={text}: not a count: {e}"))?,
            ),
            None => None,
        };
        Ok(PropertySettings { seed, cases })
    }

    /// Whether inputs differ from those the snapshots were made with (another seed or
    /// count): then languages are compared with each other in the run, not with the files.
    pub fn overridden(&self) -> bool {
        *self != PropertySettings::default()
    }

    /// `rerun` with the environment that gives the same inputs again.
    pub fn replay(&self, rerun: &str) -> String {
        match self.cases {
            Some(cases) => format!("WITNESS_SEED={} WITNESS_CASES={cases} {rerun}", self.seed),
            None => format!("WITNESS_SEED={} {rerun}", self.seed),
        }
    }

    /// The cases `spec` runs.
    pub fn cases(&self, spec: &PropertySpec) -> u32 {
        self.cases.or(spec.cases).unwrap_or(DEFAULT_CASES)
    }
}

/// Where a property's calls go: the trial's instance, renewed after a trap.
pub trait Lane {
    /// The file the properties come from, for the errors that name an entry.
    fn fixture_file(&self) -> &std::path::Path;
    /// The line of that file where its `index`-th `[[table]]` entry begins.
    fn entry_line(&self, table: &str, index: usize) -> Option<usize>;
    /// Starts the next calls on a new instance, so that a property sees no state left by
    /// the calls before it.
    fn renew(&mut self);
    /// The type of the exported function `name` (in `interface`); the inner error when the
    /// component exports no such function.
    fn function_type(
        &mut self,
        name: &str,
        interface: Option<&str>,
    ) -> Result<Result<ComponentFunc, witness_host::CallError>, TrialError>;
    /// Calls it with `args`; a trap is a record, and the next call runs on a new instance.
    fn call(
        &mut self,
        name: &str,
        interface: Option<&str>,
        args: &[Val],
    ) -> Result<CallRecord, TrialError>;
}

/// One generated call and what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOutcome {
    /// The call as WAVE.
    pub call: String,
    /// The result as WAVE, `(none)`, or `trap: <kind>`, then `| host: <call>` for each host
    /// import it called.
    pub outcome: String,
}

impl CaseOutcome {
    /// `call -> outcome`, as failures show it.
    pub fn line(&self) -> String {
        format!("{} -> {}", self.call, self.outcome)
    }

    /// `call -> outcome` as snapshots show it: the call and the outcome each cut at
    /// [`SHOWN_LINE`] characters, so that the outcome is always seen.
    pub fn shown(&self) -> String {
        format!("{} -> {}", shown(&self.call), shown(&self.outcome))
    }
}

/// A roundtrip that did not hold: the first failing case and its shrunk form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundtripFailure {
    /// Which case failed first (1-based).
    pub case: u32,
    /// That case.
    pub first: CaseOutcome,
    /// The smallest failing input the shrink found.
    pub shrunk: CaseOutcome,
    /// How many simpler inputs the shrink tried.
    pub steps: usize,
}

/// What a property found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropertyOutcome {
    /// Every roundtrip returned its argument.
    Held,
    /// A roundtrip did not.
    Failed(RoundtripFailure),
    /// Every outcome of an `[[agree]]`, in order.
    Outcomes(Vec<CaseOutcome>),
}

/// One property of a trial and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyReport {
    /// Roundtrip or agree.
    pub kind: PropertyKind,
    /// The entry's position among the fixture's entries of its kind (0-based).
    pub index: usize,
    /// The function, qualified as `[[known-divergence]]` names it.
    pub function: String,
    /// How many cases ran.
    pub cases: u32,
    /// The seed the inputs came from.
    pub seed: u64,
    /// What it found.
    pub outcome: PropertyOutcome,
}

impl PropertyReport {
    /// The property's block of the snapshot: a line saying what held (for an agree, a digest
    /// of every outcome), then an agree's first outcomes. It does not name the seed, which a
    /// replay changes; an agree's digest does depend on it.
    pub fn block(&self) -> String {
        let mut out = format!("{} {}: ", self.kind.table(), self.function);
        match &self.outcome {
            PropertyOutcome::Held => {
                writeln!(
                    out,
                    "{} cases, each result identical to its argument",
                    self.cases
                )
            }
            PropertyOutcome::Failed(failure) => {
                writeln!(out, "fails at {}", failure.shrunk.shown())
            }
            PropertyOutcome::Outcomes(outcomes) => {
                writeln!(out, "{} cases, digest {}", self.cases, digest(outcomes)).ok();
                for case in outcomes.iter().take(AGREE_SHOWN) {
                    writeln!(out, "  {}", case.shown()).ok();
                }
                Ok(())
            }
        }
        .ok();
        out
    }
}

/// The first 16 hex digits of a SHA-256 of every outcome.
pub fn digest(outcomes: &[CaseOutcome]) -> String {
    let mut print = Fingerprint::new();
    for case in outcomes {
        print
            .text("call", &case.call)
            .text("outcome", &case.outcome);
    }
    print.finish()[..16].to_string()
}

/// `line`, cut at [`SHOWN_LINE`] characters.
fn shown(line: &str) -> String {
    match line.char_indices().nth(SHOWN_LINE) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

/// The outcome text of a record: its result as WAVE, `(none)`, or `trap: <kind>`, then each
/// host import it called as `| host: <call>` (how the guest lowered what it passed).
fn outcome_text(record: &CallRecord) -> String {
    let mut text = match &record.outcome {
        CallOutcome::Returned(Some(value)) => to_wave(value),
        CallOutcome::Returned(None) => "(none)".to_string(),
        CallOutcome::Trapped { kind, .. } => format!("trap: {kind}"),
    };
    for call in &record.host_calls {
        write!(text, " | host: {call}").ok();
    }
    text
}

/// Runs property `index` (0-based) of `kind` through `lane`, on a new instance. A fixture
/// problem (no such function, a roundtrip whose result type is not its parameter's, a type
/// that cannot be generated, no cases) is a bad-fixture error naming the entry.
pub fn run(
    kind: PropertyKind,
    index: usize,
    spec: &PropertySpec,
    settings: &PropertySettings,
    lane: &mut dyn Lane,
) -> Result<PropertyReport, TrialError> {
    let name = spec.function.as_str();
    let interface = spec.interface.as_deref();
    let file = lane.fixture_file().to_path_buf();
    let line = lane.entry_line(kind.table(), index);
    let bad = |message: String| {
        TrialError::BadFixture(FixtureFileError {
            file: file.clone(),
            line,
            message: format!(
                "[[{}]] #{} `{}`: {message}",
                kind.table(),
                index + 1,
                spec.qualified()
            ),
        })
    };
    lane.renew();
    let ty = lane
        .function_type(name, interface)?
        .map_err(|e| bad(e.to_string()))?;
    if kind == PropertyKind::Roundtrip {
        let params: Vec<_> = ty.params().map(|(_, t)| t).collect();
        let results: Vec<_> = ty.results().collect();
        if params.len() != 1 || results.len() != 1 || params[0] != results[0] {
            return Err(bad(format!(
                "a roundtrip function takes one argument and returns a value of the same type; \
                 this one is `{}`",
                witness_host::signature(&ty)
            )));
        }
    }
    let strategy = generate::arguments(&ty).map_err(|e| bad(e.to_string()))?;
    let cases = settings.cases(spec);
    if cases == 0 {
        return Err(bad("`cases` must be at least 1".into()));
    }
    let function = spec.qualified();
    let mut runner = generate::runner(settings.seed, &function);
    let report = |outcome| PropertyReport {
        kind,
        index,
        function: function.clone(),
        cases,
        seed: settings.seed,
        outcome,
    };
    let mut outcomes = Vec::new();
    for case in 1..=cases {
        let mut tree = strategy
            .new_tree(&mut runner)
            .map_err(|reason| bad(format!("no input could be generated: {reason}")))?;
        let args = tree.current();
        let record = lane.call(name, interface, &args)?;
        // A passing roundtrip case is not shown anywhere: its text is made only when needed.
        if kind == PropertyKind::Roundtrip && returns_its_argument(&args, &record) {
            continue;
        }
        let outcome = CaseOutcome {
            call: call_text(name, &args),
            outcome: outcome_text(&record),
        };
        if kind == PropertyKind::Agree {
            outcomes.push(outcome);
            continue;
        }
        let shrunk = generate::shrink(
            &mut *tree,
            args,
            outcome.clone(),
            MAX_SHRINK_STEPS,
            |candidate: &Vec<Val>| {
                let record = lane.call(name, interface, candidate)?;
                Ok::<_, TrialError>((!returns_its_argument(candidate, &record)).then(|| {
                    CaseOutcome {
                        call: call_text(name, candidate),
                        outcome: outcome_text(&record),
                    }
                }))
            },
        );
        let shrunk = shrunk?;
        return Ok(report(PropertyOutcome::Failed(RoundtripFailure {
            case,
            first: outcome,
            shrunk: shrunk.outcome,
            steps: shrunk.steps,
        })));
    }
    Ok(report(match kind {
        PropertyKind::Roundtrip => PropertyOutcome::Held,
        PropertyKind::Agree => PropertyOutcome::Outcomes(outcomes),
    }))
}

/// The smallest input where `this` and `other` (two languages' instance lanes) still give
/// different outcomes for `[[agree]]` entry `spec`, starting from case `case` (1-based) of
/// the inputs `settings` draws, which is where they first differed. `None` when the case
/// no longer differs (a function with state between calls).
pub fn shrink_disagreement(
    spec: &PropertySpec,
    case: usize,
    settings: &PropertySettings,
    this: &mut dyn Lane,
    other: &mut dyn Lane,
) -> Result<Option<ShrunkDisagreement>, TrialError> {
    let name = spec.function.as_str();
    let interface = spec.interface.as_deref();
    this.renew();
    other.renew();
    let Ok(ty) = this.function_type(name, interface)? else {
        return Ok(None);
    };
    let Ok(strategy) = generate::arguments(&ty) else {
        return Ok(None);
    };
    // The inputs are drawn again, in order, up to the case that differed.
    let mut runner = generate::runner(settings.seed, &spec.qualified());
    let mut tree = None;
    for _ in 0..case {
        tree = strategy.new_tree(&mut runner).ok();
    }
    let Some(mut tree) = tree else {
        return Ok(None);
    };
    let mut differ = |args: &Vec<Val>| -> Result<Option<ShrunkDisagreement>, TrialError> {
        let mine = outcome_text(&this.call(name, interface, args)?);
        let theirs = outcome_text(&other.call(name, interface, args)?);
        Ok((mine != theirs).then(|| ShrunkDisagreement {
            call: call_text(name, args),
            outcome: mine,
            other_outcome: theirs,
            steps: 0,
        }))
    };
    let first = tree.current();
    let Some(found) = differ(&first)? else {
        return Ok(None);
    };
    let shrunk = generate::shrink(&mut *tree, first, found, MAX_SHRINK_STEPS, differ)?;
    Ok(Some(ShrunkDisagreement {
        steps: shrunk.steps,
        ..shrunk.outcome
    }))
}

/// Whether a roundtrip call returned a value identical to its one argument.
fn returns_its_argument(args: &[Val], record: &CallRecord) -> bool {
    match (&record.outcome, args) {
        (CallOutcome::Returned(Some(result)), [arg]) => values_identical(arg, result),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(call: &str, outcome: &str) -> CaseOutcome {
        CaseOutcome {
            call: call.into(),
            outcome: outcome.into(),
        }
    }

    #[test]
    fn blocks_say_what_held_without_the_seed() {
        let mut report = PropertyReport {
            kind: PropertyKind::Roundtrip,
            index: 0,
            function: "roundtrip-u32".into(),
            cases: 256,
            seed: 9,
            outcome: PropertyOutcome::Held,
        };
        assert_eq!(
            report.block(),
            "roundtrip roundtrip-u32: 256 cases, each result identical to its argument\n"
        );
        report.outcome = PropertyOutcome::Failed(RoundtripFailure {
            case: 3,
            first: case("roundtrip-u32(3000000000)", "852516352"),
            shrunk: case("roundtrip-u32(2147483648)", "0"),
            steps: 40,
        });
        assert_eq!(
            report.block(),
            "roundtrip roundtrip-u32: fails at roundtrip-u32(2147483648) -> 0\n"
        );
        let outcomes: Vec<_> = (0..6)
            .map(|i| case(&format!("f({i})"), &i.to_string()))
            .collect();
        let agree = PropertyReport {
            kind: PropertyKind::Agree,
            index: 0,
            function: "f".into(),
            cases: 6,
            seed: 0,
            outcome: PropertyOutcome::Outcomes(outcomes.clone()),
        };
        let block = agree.block();
        assert!(block.starts_with(&format!("agree f: 6 cases, digest {}\n", digest(&outcomes))));
        assert!(
            block.ends_with("  f(3) -> 3\n") && !block.contains("f(4)"),
            "{block}"
        );
        let mut other = outcomes.clone();
        other[5].outcome = "trap: unreachable".into();
        assert_ne!(digest(&outcomes), digest(&other));
    }

    #[test]
    fn long_calls_are_cut_but_their_outcome_shows() {
        let long = "x".repeat(SHOWN_LINE + 10);
        assert_eq!(shown(&long).chars().count(), SHOWN_LINE + 1);
        assert_eq!(shown("short"), "short");
        let case = case(&format!("f({long})"), "\"+zero\"");
        assert!(case.shown().ends_with("… -> \"+zero\""), "{}", case.shown());
    }
}
