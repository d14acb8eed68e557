//! `[[agree]]` across languages: where a language's outcomes differ from another language's
//! for the same generated inputs, the first case that differs, shrunk to the smallest input
//! where the two still differ (both components are called with each candidate).

use witness_host::Host;

use crate::error::{AgreeDiffers, TrialError};
use crate::fixture::PropertyKind;
use crate::lane::InstanceLane;
use crate::language::Lineup;
use crate::observation::Ran;
use crate::property::{self, CaseOutcome, PropertyOutcome, PropertyReport, PropertySettings};

/// What a comparison needs besides the two observations.
pub struct Comparing<'a> {
    /// The host that runs both components.
    pub host: &'a Host,
    /// Where the inputs came from.
    pub settings: &'a PropertySettings,
    /// The `witness call` line of a call of `function` on this language's component.
    pub run_it: &'a dyn Fn(&str, &str) -> String,
    /// The command that replays the inputs.
    pub replay: &'a str,
}

/// The agree of `this` (in `language`) at `index` against the same agree of `other` (in
/// `other_language`): `None` when they agree.
pub fn compare(
    comparing: &Comparing<'_>,
    index: usize,
    (this, language): (&Ran, Lineup),
    (other, other_language): (&Ran, Lineup),
) -> Result<Option<AgreeDiffers>, TrialError> {
    let (Some((report, mine)), Some((_, theirs))) =
        (agree_outcomes(this, index), agree_outcomes(other, index))
    else {
        return Ok(None);
    };
    let Some(at) = first_difference(&mine, &theirs) else {
        return Ok(None);
    };
    let shown = |case: Option<&CaseOutcome>| match case {
        Some(case) => case.outcome.clone(),
        None => "(no such case)".to_string(),
    };
    let call = mine
        .get(at)
        .or(theirs.get(at))
        .map(|case| case.call.clone())
        .unwrap_or_default();
    let Some(spec) = this.plan.file.agrees.get(index) else {
        return Ok(None);
    };
    let shrunk = {
        let (mut mine_lane, mut their_lane) =
            (lane(comparing.host, this), lane(comparing.host, other));
        property::shrink_disagreement(
            spec,
            at + 1,
            comparing.settings,
            &mut mine_lane,
            &mut their_lane,
        )?
        .filter(|shrunk| shrunk.call != call)
    };
    let smallest = shrunk.as_ref().map_or(call.as_str(), |s| s.call.as_str());
    Ok(Some(AgreeDiffers {
        function: report.function.clone(),
        language,
        other: other_language,
        case: at + 1,
        cases: report.cases,
        seed: report.seed,
        run_it: (comparing.run_it)(smallest, &report.function),
        call,
        outcome: shown(mine.get(at)),
        other_outcome: shown(theirs.get(at)),
        shrunk,
        replay: comparing.replay.to_string(),
    }))
}

/// The report and outcomes of the agree at `index` of `ran`, where it ran.
fn agree_outcomes(ran: &Ran, index: usize) -> Option<(&PropertyReport, Vec<CaseOutcome>)> {
    ran.properties
        .iter()
        .find(|p| p.kind == PropertyKind::Agree && p.index == index)
        .and_then(|p| match &p.outcome {
            PropertyOutcome::Outcomes(outcomes) => Some((p, outcomes.clone())),
            _ => None,
        })
}

/// A fresh instance lane over `ran`'s component.
fn lane<'a>(host: &'a Host, ran: &'a Ran) -> InstanceLane<'a> {
    InstanceLane::new(
        host,
        ran.loaded(),
        &ran.plan.fixture,
        &ran.plan.file,
        &ran.plan.fixture_file,
        &ran.component.artifact,
    )
}

/// The first case (0-based) where two lists of outcomes differ, or where one ends.
pub fn first_difference(mine: &[CaseOutcome], theirs: &[CaseOutcome]) -> Option<usize> {
    let count = mine.len().max(theirs.len());
    (0..count).find(|&i| mine.get(i) != theirs.get(i))
}
