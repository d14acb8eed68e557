//! The fixtures' snapshots: one per fixture shared by all languages,
//! `fixtures/<name>/snapshots/<name>.snap`, and `<name>@<language>.snap` for a language listed
//! under `[own-snapshot]` (with its reason), which fails once it agrees with the shared
//! snapshot again, asking for the line to be removed.
//!
//! The files are insta's ([`file`]), written by witness itself under the run's update policy
//! ([`policy`]: `INSTA_UPDATE`, `CI`), so stdout stays the report's and a difference is a
//! trial failure, never a panic. What is proposed waits in `.snap.new` files ([`pending`])
//! for `witness review`, `witness accept` or `witness reject` (or `cargo insta review`).
//! How an outcome is compared with its snapshot and with the other languages is
//! [`crate::check`]'s.

pub mod file;
pub mod pending;
pub mod policy;

use std::path::PathBuf;

use crate::fixture::{Fixture, PropertyKind};
use crate::language::Language;
use crate::outcome::NEW_INSTANCE;

/// A snapshot's text cut into one block per call or property: a block starts at a `call`
/// line, at the new-instance line that comes before a call, or at a `roundtrip` or `agree`
/// line.
pub fn call_blocks(text: &str) -> Vec<String> {
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
pub fn without_new_instance(block: &str) -> &str {
    block
        .strip_prefix(NEW_INSTANCE)
        .and_then(|rest| rest.strip_prefix('\n'))
        .unwrap_or(block)
}

/// Whether a snapshot block (or line) is a property's: it starts `roundtrip ` or `agree `.
pub fn is_property_block(block: &str) -> bool {
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
