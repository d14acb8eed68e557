//! Checking one trial's observation, after it ran: each call's `expect`, each property, then
//! the snapshot (shared, own, or call by call for a language with known divergences), and
//! each known divergence still holding. Every failure is collected, so one failing call or
//! property does not hide the next; the trial fails once with all of them.
//!
//! A language's outcome that differs from the shared snapshot (or finds none) is compared
//! with the other languages of the run before anything is written ([`shared`]).

mod agree;
mod expectations;
mod shared;

use std::collections::BTreeSet;

use crate::error::{RoundtripFailed, TrialError};
use crate::fixture::{FixtureFile, KnownDivergence};
use crate::language::Lineup;
use crate::observation::{Observation, Ran};
use crate::property::PropertyOutcome;
use crate::runner::Session;

pub use agree::first_difference;

/// What the checks of one trial found.
#[derive(Debug, Default)]
pub struct Verdict {
    /// The known divergences that held.
    pub known: Vec<KnownDivergence>,
    /// Every failure, in the order found.
    pub errors: Vec<TrialError>,
    /// The call to blame first, for the `one call:` line: its `invoke` and interface.
    pub failing_call: Option<(String, Option<String>)>,
}

impl Verdict {
    fn blame(&mut self, invoke: &str, interface: Option<&str>) {
        if self.failing_call.is_none() {
            self.failing_call = Some((invoke.to_string(), interface.map(str::to_string)));
        }
    }

    /// Blames the `index`-th (0-based) `[[call]]` of `ran`.
    fn blame_call(&mut self, ran: &Ran, index: usize) {
        if let Some(spec) = ran.plan.file.calls.get(index) {
            self.blame(&spec.invoke, spec.interface.as_deref());
        }
    }
}

/// Whether a trial of `lineup` writes and is checked against the fixture's shared
/// snapshot: its language has no snapshot of its own, and no known divergence applies to it.
pub fn writes_shared(file: &FixtureFile, lineup: Lineup) -> bool {
    (lineup.provider.is_some() || !file.own_snapshot.contains_key(&lineup.runner))
        && !file.known_divergences.iter().any(|k| k.applies_to(lineup))
}

/// Checks `observation`, one trial of `session`.
pub fn check(session: &Session, observation: &Observation) -> Verdict {
    let mut verdict = Verdict::default();
    let ran = match &observation.outcome {
        Ok(ran) => ran,
        Err(error) => {
            verdict.errors.push(error.clone());
            return verdict;
        }
    };
    let lineup = observation.lineup;
    let file = &ran.plan.file;
    let known: Vec<&KnownDivergence> = file
        .known_divergences
        .iter()
        .filter(|k| k.applies_to(lineup))
        .collect();
    let listed = |function: &str| known.iter().any(|k| k.function == function);
    // Functions whose outcome differed, where a known divergence allows it.
    let mut diverged: BTreeSet<String> = BTreeSet::new();

    for error in &ran.calls.errors {
        if let TrialError::Call { call, .. } = error {
            verdict.blame_call(ran, call - 1);
        }
        verdict.errors.push(error.clone());
    }
    verdict.errors.extend(ran.property_errors.iter().cloned());

    let functions = ran.block_functions();
    let mut unlisted = Vec::new();
    for mismatch in expectations::mismatches(ran) {
        let position = ran
            .calls
            .indices
            .iter()
            .position(|&i| i + 1 == mismatch.call);
        let function = position.and_then(|p| functions.get(p));
        match function {
            Some(function) if listed(function) => {
                diverged.insert(function.clone());
            }
            _ => {
                verdict.blame_call(ran, mismatch.call - 1);
                unlisted.push(mismatch);
            }
        }
    }
    if !unlisted.is_empty() {
        verdict.errors.push(TrialError::Expectations {
            mismatches: unlisted,
        });
    }

    let rerun = session
        .options()
        .invocation
        .rerun(&ran.plan.fixture.name, lineup);
    let replay = session.options().properties.replay(&rerun);
    for report in &ran.properties {
        let PropertyOutcome::Failed(failure) = &report.outcome else {
            continue;
        };
        if listed(&report.function) {
            diverged.insert(report.function.clone());
            continue;
        }
        let interface = report.function.split_once('#').map(|(i, _)| i);
        verdict.blame(&failure.shrunk.call, interface);
        verdict
            .errors
            .push(TrialError::RoundtripFailed(Box::new(RoundtripFailed {
                function: report.function.clone(),
                cases: report.cases,
                seed: report.seed,
                failure: failure.clone(),
                run_it: session.call_command_for(ran, &failure.shrunk.call, &report.function),
                replay: replay.clone(),
            })));
    }

    // Only a complete outcome is comparable with a snapshot.
    if !ran.complete() {
        return verdict;
    }
    let compared = shared::compare(session, ran, lineup, &listed, &mut verdict);
    if let Some(differing) = compared {
        diverged.extend(differing);
        for entry in &known {
            if !diverged.contains(&entry.function) {
                verdict.errors.push(TrialError::KnownDivergenceGone {
                    entry: (*entry).clone(),
                    fixture_file: ran.plan.fixture_file.clone(),
                });
            }
        }
    }
    verdict.known = known
        .into_iter()
        .filter(|k| diverged.contains(&k.function))
        .cloned()
        .collect();
    verdict
}
