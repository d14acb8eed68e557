//! Checks a trial's outcome text against the fixture's insta snapshot.
//!
//! All languages of a fixture share one snapshot, `fixtures/<name>/snapshots/<name>.snap`, so
//! a language that disagrees fails. A language listed under `[own-snapshot]` in fixture.toml
//! (with its reason) uses `<name>@<language>.snap` instead, and fails once it agrees with the
//! shared snapshot again, asking for the line to be removed.
//!
//! insta writes new and changed snapshots: as `.snap.new` files for `cargo insta review`, or
//! straight to `.snap` with `INSTA_UPDATE=always`. Because the languages of one fixture run
//! concurrently, the first outcome accepted in a run is remembered, and a language that
//! disagrees with it fails without overwriting it.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::error::SnapshotError;
use crate::fixture::{Fixture, PropertyKind};
use crate::language::Language;
use crate::outcome::NEW_INSTANCE;
use crate::property::CaseOutcome;

/// Outcomes accepted so far in this process, per snapshot file, with the language that gave
/// each; shared by every trial of a run.
#[derive(Default)]
pub struct SnapshotBook {
    accepted: Mutex<HashMap<PathBuf, (Language, String)>>,
    /// Every outcome of each `[[agree]]`, from the first language whose outcome passed its
    /// snapshot check (or, with other inputs than the snapshots', the first to run it).
    agreements: Mutex<HashMap<AgreeKey, (Language, Vec<CaseOutcome>)>>,
}

/// One `[[agree]]` of a fixture: the fixture's directory and the property's position among
/// the fixture's properties (two entries may name one function).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AgreeKey {
    /// The fixture's directory.
    pub fixture: PathBuf,
    /// The property's position.
    pub position: usize,
}

/// Where a language's `[[agree]]` outcomes first differ from another language's in this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// The other language.
    pub other: Language,
    /// The case (0-based).
    pub index: usize,
    /// The call there, as WAVE.
    pub call: String,
    /// This language's outcome there (`(no such case)` past its last).
    pub this: String,
    /// The other language's outcome there.
    pub theirs: String,
}

impl SnapshotBook {
    /// Compares the outcomes of an `[[agree]]` in `language` with those of the reference
    /// language of this process, if there is one yet; the first case where they differ.
    /// With `record`, a language that finds no reference becomes it.
    pub fn agreement(
        &self,
        key: &AgreeKey,
        language: Language,
        outcomes: &[CaseOutcome],
        record: bool,
    ) -> Option<Disagreement> {
        let mut book = self
            .agreements
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some((other, theirs)) = book.get(key) else {
            if record {
                book.insert(key.clone(), (language, outcomes.to_vec()));
            }
            return None;
        };
        let count = theirs.len().max(outcomes.len());
        let index = (0..count).find(|&i| theirs.get(i) != outcomes.get(i))?;
        let outcome = |case: Option<&CaseOutcome>| match case {
            Some(case) => case.outcome.clone(),
            None => "(no such case)".to_string(),
        };
        let call = theirs
            .get(index)
            .or(outcomes.get(index))
            .map(|case| case.call.clone())
            .unwrap_or_default();
        Some(Disagreement {
            other: *other,
            index,
            call,
            this: outcome(outcomes.get(index)),
            theirs: outcome(theirs.get(index)),
        })
    }

    /// Makes `language`'s outcomes the reference of each agree that has none yet: called
    /// once its outcome passed the snapshot check, so a language the snapshot shows wrong
    /// never becomes the one the others are blamed against.
    pub fn record_agreements(
        &self,
        language: Language,
        agrees: Vec<(AgreeKey, &Vec<CaseOutcome>)>,
    ) {
        let mut book = self
            .agreements
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        for (key, outcomes) in agrees {
            book.entry(key)
                .or_insert_with(|| (language, outcomes.clone()));
        }
    }

    /// Compares a language with known divergences with the shared snapshot, call by call:
    /// `blocks` are its calls' outcome texts, `functions` the function each call made. A call
    /// of a `listed` function may differ, and its index is returned; any other difference is
    /// an error with the diff. Nothing is written: a language with divergences never makes
    /// the shared snapshot.
    ///
    /// `own` names the language whose own snapshot to compare with instead of the shared
    /// one. `blocks` may hold the calls alone (inputs other than the snapshot's make the
    /// properties' blocks incomparable): then only the snapshot's call blocks are compared.
    pub fn known_differences(
        &self,
        fixture: &Fixture,
        language: Language,
        own: Option<Language>,
        blocks: &[String],
        functions: &[String],
        listed: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<usize>, SnapshotError> {
        let path = snapshot_file(fixture, own);
        let accepted = self
            .accepted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&path)
            .map(|(_, text)| text.clone());
        let Some(expected) = accepted.or_else(|| read_snapshot(&path)) else {
            return Err(SnapshotError::NoSharedSnapshot { language, path });
        };
        let mut expected_blocks = call_blocks(&expected);
        let has_properties = blocks.iter().any(|b| is_property_block(b));
        if !has_properties {
            expected_blocks.retain(|b| !is_property_block(b));
        }
        let mut differing = Vec::new();
        let mut unexplained = expected_blocks.len() != blocks.len();
        for (i, (actual, expected)) in blocks.iter().zip(&expected_blocks).enumerate() {
            // A new-instance line follows from a trap of the call before, which is that
            // call's difference, not this one's.
            if without_new_instance(actual) != without_new_instance(expected) {
                match listed(&functions[i]) {
                    true => differing.push(i),
                    false => unexplained = true,
                }
            }
        }
        if unexplained {
            let actual = blocks.concat();
            return Err(SnapshotError::Differs {
                diff: diff(&expected, &actual, "snapshot", language.name()),
                path,
                accept: "only the calls of functions listed under [[known-divergence]] for this \
                         language may differ; fix the guest, or list the function with its \
                         reason"
                    .to_string(),
            });
        }
        Ok(differing)
    }

    /// Checks the outcome of `fixture` in `language` against its snapshot: `shared` is the
    /// language-neutral text, `own` the text with the language-specific stderr of traps,
    /// given when the fixture keeps an own snapshot for this language (`own_reason`).
    /// `rerun` is the command that runs this trial alone.
    #[allow(clippy::too_many_arguments)]
    pub fn check(
        &self,
        fixture: &Fixture,
        rerun: &str,
        language: Language,
        own_reason: Option<&str>,
        description: &str,
        shared: &str,
        own: Option<&str>,
    ) -> Result<(), SnapshotError> {
        let shared_path = snapshot_file(fixture, None);
        // An own snapshot is kept only while the language-neutral outcome differs from the
        // shared one; the own text (with its stderr) always would.
        if own_reason.is_some() && read_snapshot(&shared_path).as_deref() == Some(shared) {
            return Err(SnapshotError::OwnSnapshotAgrees {
                language,
                shared: shared_path,
                fixture_file: fixture.dir.join("fixture.toml"),
            });
        }
        let suffix = own_reason.map(|_| language);
        let actual = match (suffix, own) {
            (Some(_), Some(own)) => own,
            _ => shared,
        };
        let path = snapshot_file(fixture, suffix);

        // One fixture's languages check one at a time, so that the file and the book agree.
        let mut accepted = self.accepted.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((other, text)) = accepted.get(&path) {
            if text == actual {
                return Ok(());
            }
            return Err(SnapshotError::DisagreesWith {
                language,
                other: *other,
                diff: diff(text, actual, other.name(), language.name()),
                path,
            });
        }
        let stored = read_snapshot(&path);
        if stored.as_deref() == Some(actual) {
            accepted.insert(path, (language, actual.to_string()));
            return Ok(());
        }
        let updated = run_insta(fixture, suffix, description, actual);
        if updated && read_snapshot(&path).as_deref() == Some(actual) {
            accepted.insert(path, (language, actual.to_string()));
            return Ok(());
        }
        let accept = format!("`cargo insta review`, or `INSTA_UPDATE=always {rerun}`");
        Err(match stored {
            Some(expected) => SnapshotError::Differs {
                diff: diff(&expected, actual, "snapshot", language.name()),
                path,
                accept,
            },
            None => SnapshotError::Missing {
                path,
                outcome: actual.to_string(),
                accept,
            },
        })
    }
}

/// A snapshot's text cut into one block per call or property: a block starts at a `call`
/// line, at the new-instance line that comes before a call, or at a `roundtrip` or `agree`
/// line.
fn call_blocks(text: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut after_marker = false;
    for line in text.lines() {
        let property = is_property_block(line);
        let starts =
            line == NEW_INSTANCE || (line.starts_with("call ") && !after_marker) || property;
        after_marker = line == NEW_INSTANCE;
        match blocks.last_mut() {
            Some(block) if !starts => {
                block.push_str(line);
                block.push('\n');
            }
            _ => blocks.push(format!("{line}\n")),
        }
    }
    blocks
}

/// A call's block without the new-instance line that may open it.
fn without_new_instance(block: &str) -> &str {
    block
        .strip_prefix(NEW_INSTANCE)
        .and_then(|rest| rest.strip_prefix('\n'))
        .unwrap_or(block)
}

/// Whether a snapshot block (or line) is a property's: it starts `roundtrip ` or `agree `.
fn is_property_block(block: &str) -> bool {
    [PropertyKind::Roundtrip, PropertyKind::Agree]
        .iter()
        .any(|kind| block.starts_with(&format!("{} ", kind.table())))
}

/// The snapshot file of `fixture`: the shared one, or a language's own.
pub fn snapshot_file(fixture: &Fixture, language: Option<Language>) -> PathBuf {
    let name = match language {
        Some(l) => format!("{}@{l}.snap", fixture.name),
        None => format!("{}.snap", fixture.name),
    };
    fixture.snapshot_dir().join(name)
}

/// The body of a snapshot file, if it exists and is a text snapshot.
fn read_snapshot(path: &Path) -> Option<String> {
    if !path.is_file() {
        return None;
    }
    let snapshot = insta::Snapshot::from_file(path).ok()?;
    let text = snapshot.contents().as_text()?.to_string();
    Some(with_final_newline(text))
}

/// insta trims the final newline of a snapshot; outcomes always end with one.
fn with_final_newline(mut text: String) -> String {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Hands the outcome to insta, which writes `.snap.new` (or `.snap` under
/// `INSTA_UPDATE=always`) as its settings say. Returns whether insta accepted it.
fn run_insta(
    fixture: &Fixture,
    language: Option<Language>,
    description: &str,
    actual: &str,
) -> bool {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(fixture.snapshot_dir());
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(description);
    settings.set_input_file(fixture.dir.join("fixture.toml"));
    if let Some(language) = language {
        settings.set_snapshot_suffix(language.name());
    }
    let name = fixture.name.clone();
    let text = actual.to_string();
    catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, text));
    }))
    .is_ok()
}

/// How long a diff may search for the smallest difference; past it, the diff is correct but
/// coarser. Outcomes are bounded (`[limits] output`), but two large, very different ones would
/// otherwise take quadratic time.
pub const DIFF_DEADLINE: std::time::Duration = std::time::Duration::from_secs(1);

/// A unified diff of two outcome texts.
pub fn diff(expected: &str, actual: &str, expected_name: &str, actual_name: &str) -> String {
    similar::TextDiff::configure()
        .timeout(DIFF_DEADLINE)
        .diff_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(expected_name, actual_name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_instance_line_is_not_the_next_calls_difference() {
        let opened = format!("{NEW_INSTANCE}\ncall c()\n  result: 2\n");
        assert_eq!(without_new_instance(&opened), "call c()\n  result: 2\n");
        assert_eq!(without_new_instance("call c()\n"), "call c()\n");
    }

    #[test]
    fn a_snapshot_is_cut_into_one_block_per_call() {
        let text = "call a()\n  result: 1\ncall b()\n  trap: unreachable\n\
                    (new instance: the trap ended the last one)\ncall c()\n  result: 2\n\
                    roundtrip d: 256 cases, each result identical to its argument\n\
                    agree e: 2 cases, digest 00\n  e(1) -> 1\n  e(2) -> 2\n";
        assert_eq!(
            call_blocks(text),
            [
                "call a()\n  result: 1\n",
                "call b()\n  trap: unreachable\n",
                "(new instance: the trap ended the last one)\ncall c()\n  result: 2\n",
                "roundtrip d: 256 cases, each result identical to its argument\n",
                "agree e: 2 cases, digest 00\n  e(1) -> 1\n  e(2) -> 2\n",
            ]
        );
    }
}
