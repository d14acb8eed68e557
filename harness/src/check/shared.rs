//! A trial's outcome against its snapshot, and against the other languages of the run.
//!
//! A trial's lineup is its language, or a runner's composed with a provider's.
//!
//! - A lineup that writes the shared snapshot passes when its outcome is the snapshot's
//!   (and removes a stale `.snap.new`). Otherwise the other lineups of the run are observed
//!   too: if one of them matches the snapshot, this lineup is the one that differs; if they
//!   all agree on a new outcome, it is proposed (`.snap.new`, or the snapshot itself under
//!   `INSTA_UPDATE=always`); if they disagree, nothing is written and each disagreeing
//!   lineup is shown against another.
//! - A language with its own snapshot (`[own-snapshot]`) is compared with that one alone.
//! - A lineup with known divergences is compared with the shared snapshot call by call:
//!   only calls of listed functions may differ; it never writes.
//! - With other generated inputs than the snapshots' (`WITNESS_SEED`, `WITNESS_CASES`), only
//!   the calls are compared with the snapshot, and each `[[agree]]` with the first lineup
//!   of the run (in language order) that has no divergence listed for it.

use std::sync::Arc;

use super::{Verdict, agree, expectations, writes_shared};
use crate::error::{SnapshotError, TrialError, list_languages};
use crate::fixture::PropertyKind;
use crate::language::{Language, Lineup};
use crate::observation::{Observation, Ran};
use crate::property::PropertyOutcome;
use crate::runner::Session;
use crate::snapshot::file::{self, Header};
use crate::snapshot::policy::Destination;
use crate::snapshot::{
    call_blocks, diff, is_property_block, pending, snapshot_file, without_new_instance,
};

/// Compares `ran` (in `lineup`) with its snapshot, adding each failure to `verdict`.
/// Returns the functions listed as known divergences whose outcome differed, or `None` when
/// a known divergence that did not show cannot be judged gone (other inputs than the
/// snapshot's).
pub fn compare(
    session: &Session,
    ran: &Ran,
    lineup: Lineup,
    listed: &dyn Fn(&str) -> bool,
    verdict: &mut Verdict,
) -> Option<Vec<String>> {
    let file = &ran.plan.file;
    let own = lineup.provider.is_none() && file.own_snapshot.contains_key(&lineup.runner);
    let has_known = file.known_divergences.iter().any(|k| k.applies_to(lineup));
    if session.options().properties.overridden() {
        let own = own.then_some(lineup.runner);
        if !ran.calls.reports.is_empty() {
            call_by_call(session, ran, lineup, own, true, listed, verdict);
        }
        agree_with_the_first(session, ran, lineup, listed, verdict);
        return None;
    }
    if has_known {
        return Some(call_by_call(
            session, ran, lineup, None, false, listed, verdict,
        ));
    }
    if own {
        own_snapshot(session, ran, lineup, verdict);
    } else {
        shared_snapshot(session, ran, lineup, verdict);
    }
    Some(Vec::new())
}

/// A peer of the run: another lineup's observation that ran.
struct Peer {
    lineup: Lineup,
    observation: Arc<Observation>,
}

impl Peer {
    fn ran(&self) -> Option<&Ran> {
        self.observation.outcome.as_ref().ok()
    }
}

/// The other languages of the run whose outcome the shared snapshot compares: they write
/// the shared snapshot, ran every call and property, and met every `expect` and roundtrip.
fn shared_peers(session: &Session, ran: &Ran, lineup: Lineup) -> Vec<Peer> {
    session
        .peers(&ran.plan.fixture, lineup)
        .into_iter()
        .map(|observation| Peer {
            lineup: observation.lineup,
            observation,
        })
        .filter(|peer| {
            peer.ran().is_some_and(|theirs| {
                writes_shared(&theirs.plan.file, peer.lineup)
                    && theirs.complete()
                    && expectations::mismatches(theirs).is_empty()
                    && !theirs
                        .properties
                        .iter()
                        .any(|p| matches!(p.outcome, PropertyOutcome::Failed(_)))
            })
        })
        .collect()
}

fn shared_snapshot(session: &Session, ran: &Ran, lineup: Lineup, verdict: &mut Verdict) {
    let path = snapshot_file(&ran.plan.fixture, None);
    let text = ran.shared_text();
    let stored = file::read(&path);
    if stored.as_deref() == Some(text.as_str()) {
        remove_stale(&path, verdict);
        return;
    }
    if !verdict.errors.is_empty() {
        // The trial fails for its own reasons: nothing is proposed, and only differences
        // those reasons do not explain are shown.
        if let Some(stored) = &stored {
            unexplained_difference(session, ran, lineup, &path, stored, &text, verdict);
        }
        return;
    }
    let peers = shared_peers(session, ran, lineup);
    let text_of = |peer: &Peer| peer.ran().map(Ran::shared_text).unwrap_or_default();
    if let Some(stored) = &stored {
        let matching: Vec<&Peer> = peers.iter().filter(|p| text_of(p) == *stored).collect();
        if let Some(first) = matching.first() {
            blame_first_difference(ran, stored, &text, verdict);
            verdict.errors.push(
                SnapshotError::DisagreesWith {
                    language: lineup,
                    others: matching.iter().map(|p| p.lineup).collect(),
                    diff: diff(stored, &text, "snapshot", &lineup.to_string()),
                    path,
                }
                .into(),
            );
            agree_details(session, ran, lineup, first, verdict);
            return;
        }
    }
    // Group the outcomes: this lineup's group first, the others in lineup order.
    let mut groups: Vec<(String, Vec<Lineup>)> = vec![(text.clone(), vec![lineup])];
    for peer in &peers {
        let theirs = text_of(peer);
        match groups.iter_mut().find(|(t, _)| *t == theirs) {
            Some((_, languages)) => languages.push(peer.lineup),
            None => groups.push((theirs, vec![peer.lineup])),
        }
    }
    for (_, languages) in &mut groups {
        languages.sort();
    }
    if groups.len() == 1 {
        let agreed = groups.remove(0).1;
        propose(
            session,
            ran,
            &path,
            &text,
            stored.as_deref(),
            &agreed,
            verdict,
        );
        return;
    }
    // Shown against the largest other group (the first of equals).
    let Some((their_text, against)) = groups[1..]
        .iter()
        .rev()
        .max_by_key(|(_, languages)| languages.len())
        .map(|(t, languages)| (t.clone(), languages[0]))
    else {
        return;
    };
    if let Some(stored) = &stored {
        blame_first_difference(ran, stored, &text, verdict);
    } else {
        blame_first_difference(ran, &their_text, &text, verdict);
    }
    verdict.errors.push(
        SnapshotError::LanguagesDisagree {
            language: lineup,
            groups: groups.into_iter().map(|(_, languages)| languages).collect(),
            against,
            stored: stored.is_some(),
            diff: diff(
                &their_text,
                &text,
                &against.to_string(),
                &lineup.to_string(),
            ),
            path,
        }
        .into(),
    );
    if let Some(peer) = peers.iter().find(|p| p.lineup == against) {
        agree_details(session, ran, lineup, peer, verdict);
    }
}

/// A snapshot difference of a trial that fails for other reasons too: reported only where
/// a call or property differs that has no failure of its own (a failed `expect` or
/// roundtrip explains its own block).
fn unexplained_difference(
    session: &Session,
    ran: &Ran,
    lineup: Lineup,
    path: &std::path::Path,
    stored: &str,
    text: &str,
    verdict: &mut Verdict,
) {
    let explained: Vec<String> = verdict
        .errors
        .iter()
        .flat_map(|error| match error {
            TrialError::Expectations { mismatches } => mismatches
                .iter()
                .filter_map(|m| {
                    let position = ran.calls.indices.iter().position(|&i| i + 1 == m.call)?;
                    Some(ran.calls.reports.get(position)?.invoke.clone())
                })
                .map(|invoke| format!("call {invoke}"))
                .collect::<Vec<_>>(),
            TrialError::RoundtripFailed(failed) => vec![format!("roundtrip {}", failed.function)],
            _ => Vec::new(),
        })
        .collect();
    let expected = call_blocks(stored);
    let actual = ran.blocks(false);
    let unexplained = expected.len() != actual.len()
        || expected.iter().zip(&actual).any(|(e, a)| {
            without_new_instance(e) != without_new_instance(a)
                && !explained.iter().any(|head| {
                    let first = without_new_instance(a).lines().next().unwrap_or_default();
                    first == head || first.starts_with(&format!("{head}:"))
                })
        });
    if unexplained {
        let w = session.witness_command();
        verdict.errors.push(
            SnapshotError::Differs {
                path: path.to_path_buf(),
                diff: diff(stored, text, "snapshot", &lineup.to_string()),
                accept: format!(
                    "nothing was proposed, because the trial fails for the reasons above; once \
                     they are fixed, a new outcome is proposed for `{w} review`"
                ),
            }
            .into(),
        );
    }
}

fn own_snapshot(session: &Session, ran: &Ran, lineup: Lineup, verdict: &mut Verdict) {
    let fixture = &ran.plan.fixture;
    let shared_path = snapshot_file(fixture, None);
    if file::read(&shared_path).as_deref() == Some(ran.shared_text().as_str()) {
        // An own snapshot is kept only while the language-neutral outcome differs from the
        // shared one; the own text (with its stderr) always would.
        verdict.errors.push(
            SnapshotError::OwnSnapshotAgrees {
                language: lineup.runner,
                shared: shared_path,
                fixture_file: ran.plan.fixture_file.clone(),
            }
            .into(),
        );
        return;
    }
    let path = snapshot_file(fixture, Some(lineup.runner));
    let text = ran.own_text();
    let stored = file::read(&path);
    if stored.as_deref() == Some(text.as_str()) {
        remove_stale(&path, verdict);
        return;
    }
    if verdict.errors.is_empty() {
        propose(
            session,
            ran,
            &path,
            &text,
            stored.as_deref(),
            &[lineup],
            verdict,
        );
    } else if let Some(stored) = &stored {
        unexplained_difference(session, ran, lineup, &path, stored, &text, verdict);
    }
}

/// Writes (or proposes) `text` as the snapshot at `path`, as the run's update policy says,
/// for the languages that `agreed` on it; a failure unless it went straight to the
/// snapshot.
fn propose(
    session: &Session,
    ran: &Ran,
    path: &std::path::Path,
    text: &str,
    stored: Option<&str>,
    agreed: &[Lineup],
    verdict: &mut Verdict,
) {
    let fixture = &ran.plan.fixture;
    let header = Header {
        source: session.relative(&ran.plan.fixture_file),
        description: ran.plan.file.description.clone(),
    };
    let w = session.witness_command();
    let name = &fixture.name;
    let rerun = session.options().invocation.rerun(name, ran.plan.lineup());
    let who = match agreed.len() {
        1 => format!("{} gives it", list_languages(agreed)),
        _ => format!("{} agree on it", list_languages(agreed)),
    };
    let accept = match session.options().update.destination(stored.is_some()) {
        Destination::Snapshot => {
            match session.write_snapshot(path, &header, text) {
                Ok(()) => remove_stale(path, verdict),
                Err(error) => verdict.errors.push(error),
            }
            return;
        }
        Destination::Pending => {
            let pending = pending::pending_path(path);
            if let Err(error) = session.write_snapshot(&pending, &header, text) {
                verdict.errors.push(error);
                return;
            }
            format!(
                "{who}; it is proposed in {}: `{w} review {name}` shows it, `{w} accept {name}` \
                 takes it (or run `INSTA_UPDATE=always {rerun}`)",
                pending.display()
            )
        }
        Destination::Nowhere => format!(
            "{who}; nothing was written (CI is set, or INSTA_UPDATE=no): where the outcome is \
             meant to change, run `{w} run {name}`, then `{w} accept {name}`"
        ),
    };
    let error = match stored {
        Some(old) => {
            blame_first_difference(ran, old, text, verdict);
            SnapshotError::Differs {
                path: path.to_path_buf(),
                diff: diff(old, text, "snapshot", &list_languages(agreed)),
                accept,
            }
        }
        None => SnapshotError::Missing {
            path: path.to_path_buf(),
            outcome: text.to_string(),
            agreed: agreed.to_vec(),
            accept,
        },
    };
    verdict.errors.push(error.into());
}

/// Compares a lineup with known divergences (or any lineup, with other inputs than
/// the snapshot's: `calls_only`) with the snapshot, call by call: a call of a `listed`
/// function may differ, and its function is returned; any other difference is a failure
/// with the diff. Nothing is written: a lineup with divergences never makes the shared
/// snapshot. `own` names the language whose own snapshot to compare with instead.
fn call_by_call(
    session: &Session,
    ran: &Ran,
    lineup: Lineup,
    own: Option<Language>,
    calls_only: bool,
    listed: &dyn Fn(&str) -> bool,
    verdict: &mut Verdict,
) -> Vec<String> {
    let path = snapshot_file(&ran.plan.fixture, own);
    let Some(stored) = file::read(&path) else {
        verdict.errors.push(
            SnapshotError::NoSharedSnapshot {
                language: lineup,
                path,
            }
            .into(),
        );
        return Vec::new();
    };
    let mut expected = call_blocks(&stored);
    let mut actual = ran.blocks(own.is_some());
    if calls_only {
        expected.retain(|b| !is_property_block(b));
        actual.truncate(ran.calls.reports.len());
    }
    let functions = ran.block_functions();
    let mut differing = Vec::new();
    let mut unexplained =
        (expected.len() != actual.len()).then_some(expected.len().min(actual.len()));
    for (i, (a, e)) in actual.iter().zip(&expected).enumerate() {
        // A new-instance line follows from a trap of the call before, which is that
        // call's difference, not this one's.
        if without_new_instance(a) == without_new_instance(e) {
            continue;
        }
        match functions.get(i) {
            Some(function) if listed(function) => differing.push(function.clone()),
            _ => {
                unexplained.get_or_insert(i);
            }
        }
    }
    let Some(first) = unexplained else {
        return differing;
    };
    if let Some(&index) = ran.calls.indices.get(first) {
        verdict.blame_call(ran, index);
    }
    let peers = match own {
        Some(_) => Vec::new(),
        None => shared_peers(session, ran, lineup),
    };
    let matching: Vec<Lineup> = peers
        .iter()
        .filter(|p| p.ran().is_some_and(|r| r.shared_text() == stored))
        .map(|p| p.lineup)
        .collect();
    let w = session.witness_command();
    let name = &ran.plan.fixture.name;
    let listed_only = format!(
        "only the calls of functions listed under [[known-divergence]] for {lineup} may differ"
    );
    let accept = if !matching.is_empty() {
        format!(
            "{listed_only}, and {} {} the snapshot: fix the guest, or list the function with \
             its reason",
            list_languages(&matching),
            if matching.len() == 1 {
                "matches"
            } else {
                "match"
            }
        )
    } else if !peers.is_empty() && !calls_only {
        let others: Vec<Lineup> = peers.iter().map(|p| p.lineup).collect();
        format!(
            "the snapshot itself looks out of date: {} {} from it too. Accept their new outcome \
             first (`{w} review {name}`), then run this trial again",
            list_languages(&others),
            if others.len() == 1 {
                "differs"
            } else {
                "differ"
            }
        )
    } else {
        format!(
            "{listed_only}: fix the guest, or list the function with its reason; if the \
             fixture changed, accept the other languages' new outcome first (`{w} review {name}`)"
        )
    };
    let actual_text = actual.concat();
    let expected_text = match calls_only {
        true => expected.concat(),
        false => stored.clone(),
    };
    verdict.errors.push(
        SnapshotError::Differs {
            diff: diff(
                &expected_text,
                &actual_text,
                "snapshot",
                &lineup.to_string(),
            ),
            path,
            accept,
        }
        .into(),
    );
    if !calls_only && let Some(peer) = peers.iter().find(|p| matching.contains(&p.lineup)) {
        agree_details(session, ran, lineup, peer, verdict);
    }
    differing
}

/// With other inputs than the snapshot's: each `[[agree]]` of `ran` against the first
/// lineup of the run (in lineup order) that ran it with no divergence listed for it.
fn agree_with_the_first(
    session: &Session,
    ran: &Ran,
    lineup: Lineup,
    listed: &dyn Fn(&str) -> bool,
    verdict: &mut Verdict,
) {
    let agrees: Vec<_> = ran
        .properties
        .iter()
        .filter(|p| p.kind == PropertyKind::Agree)
        .collect();
    if agrees.is_empty() {
        return;
    }
    let peers = session.peers(&ran.plan.fixture, lineup);
    for report in agrees {
        // This lineup and every peer that ran the agree with no divergence listed for it, in
        // lineup order: the first is the reference.
        let mut candidates: Vec<(Lineup, Option<&Ran>)> = peers
            .iter()
            .filter_map(|peer| {
                let theirs = peer.outcome.as_ref().ok()?;
                let their_listed = theirs
                    .plan
                    .file
                    .known_divergences
                    .iter()
                    .any(|k| k.applies_to(peer.lineup) && k.function == report.function);
                (theirs.complete() && !their_listed).then_some((peer.lineup, Some(theirs)))
            })
            .collect();
        candidates.push((lineup, None));
        candidates.sort_by_key(|(candidate, _)| *candidate);
        let Some(&(reference_lineup, Some(theirs))) = candidates.first() else {
            continue;
        };
        let reference = (theirs, reference_lineup);
        match compare_agree(session, ran, lineup, reference, report.index) {
            Ok(Some(differs)) if listed(&report.function) => drop(differs),
            Ok(Some(differs)) => {
                let interface = report.function.split_once('#').map(|(i, _)| i);
                let call = differs.shrunk.as_ref().map_or(&differs.call, |s| &s.call);
                verdict.blame(call, interface);
                verdict
                    .errors
                    .push(TrialError::AgreeDiffers(Box::new(differs)));
            }
            Ok(None) => {}
            Err(error) => verdict.errors.push(error),
        }
    }
}

/// The case-level detail of a snapshot difference: each `[[agree]]` of `ran` that differs
/// from `peer`'s, as its first differing case, shrunk.
fn agree_details(session: &Session, ran: &Ran, lineup: Lineup, peer: &Peer, verdict: &mut Verdict) {
    let Some(theirs) = peer.ran() else { return };
    let listed = |function: &str| {
        ran.plan
            .file
            .known_divergences
            .iter()
            .any(|k| k.applies_to(lineup) && k.function == function)
    };
    for report in ran
        .properties
        .iter()
        .filter(|p| p.kind == PropertyKind::Agree)
    {
        if listed(&report.function) {
            continue;
        }
        match compare_agree(session, ran, lineup, (theirs, peer.lineup), report.index) {
            Ok(Some(differs)) => verdict
                .errors
                .push(TrialError::AgreeDiffers(Box::new(differs))),
            Ok(None) => {}
            Err(error) => verdict.errors.push(error),
        }
    }
}

fn compare_agree(
    session: &Session,
    ran: &Ran,
    lineup: Lineup,
    (theirs, their_language): (&Ran, Lineup),
    index: usize,
) -> Result<Option<crate::error::AgreeDiffers>, TrialError> {
    let host = session.host_ref()?;
    let rerun = session
        .options()
        .invocation
        .rerun(&ran.plan.fixture.name, lineup);
    let replay = session.options().properties.replay(&rerun);
    let run_it = |call: &str, function: &str| session.call_command_for(ran, call, function);
    let comparing = agree::Comparing {
        host,
        settings: &session.options().properties,
        run_it: &run_it,
        replay: &replay,
    };
    agree::compare(&comparing, index, (ran, lineup), (theirs, their_language))
}

/// Blames the first call whose block differs between two outcome texts.
fn blame_first_difference(ran: &Ran, expected: &str, actual: &str, verdict: &mut Verdict) {
    let expected = call_blocks(expected);
    let actual = call_blocks(actual);
    let first = (0..expected.len().max(actual.len())).find(|&i| {
        expected.get(i).map(|b| without_new_instance(b))
            != actual.get(i).map(|b| without_new_instance(b))
    });
    if let Some(index) = first.and_then(|i| ran.calls.indices.get(i)) {
        verdict.blame_call(ran, *index);
    }
}

/// Removes a `.snap.new` left beside `path` by an earlier run: this outcome matched.
fn remove_stale(path: &std::path::Path, verdict: &mut Verdict) {
    if let Err(e) = pending::remove_stale(path) {
        verdict.errors.push(
            SnapshotError::Unwritable {
                path: pending::pending_path(path),
                message: format!("{e:#}"),
            }
            .into(),
        );
    }
}
