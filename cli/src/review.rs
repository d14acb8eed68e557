//! `witness review`, `witness accept` and `witness reject`: the pending snapshots a run
//! proposed (`.snap.new` beside each fixture's snapshot), shown with their diff and kept or
//! dropped, in any project (no Cargo workspace or cargo-insta needed).

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Result;
use witness_harness::paths::ProjectPaths;
use witness_harness::snapshot::pending::{self, Pending};

/// What to do with every pending snapshot without asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Make each the snapshot.
    Accept,
    /// Delete each.
    Reject,
}

/// Accepts or rejects every pending snapshot of `fixtures` (all when empty), printing each.
pub fn decide_all(
    paths: &ProjectPaths,
    fixtures: &[String],
    decision: Decision,
) -> Result<ExitCode> {
    let all = pending::list(&paths.fixtures, fixtures)?;
    if all.is_empty() {
        println!("no pending snapshots under {}", paths.fixtures.display());
        return Ok(ExitCode::SUCCESS);
    }
    for p in &all {
        match decision {
            Decision::Accept => {
                p.accept()?;
                println!("accepted {}", relative(paths, &p.snapshot));
            }
            Decision::Reject => {
                p.reject()?;
                println!("rejected {}", relative(paths, &p.pending));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Shows each pending snapshot of `fixtures` (all when empty) with its diff and asks what
/// to do with it on `input`: `a` accepts, `r` rejects, `s` (or an empty line) skips, `q`
/// (or the end of the input) stops, leaving the rest pending.
pub fn review(
    paths: &ProjectPaths,
    fixtures: &[String],
    input: &mut dyn BufRead,
    output: &mut dyn Write,
) -> Result<ExitCode> {
    let all = pending::list(&paths.fixtures, fixtures)?;
    if all.is_empty() {
        writeln!(
            output,
            "no pending snapshots under {}",
            paths.fixtures.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let (mut accepted, mut rejected, mut skipped) = (0, 0, 0);
    for (i, p) in all.iter().enumerate() {
        show(paths, p, i + 1, all.len(), output)?;
        let answer = loop {
            write!(output, "a accept, r reject, s skip, q quit [a/r/s/q]: ")?;
            output.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                break Answer::Quit;
            }
            match line.trim() {
                "a" | "accept" => break Answer::Accept,
                "r" | "reject" => break Answer::Reject,
                "" | "s" | "skip" => break Answer::Skip,
                "q" | "quit" => break Answer::Quit,
                other => writeln!(output, "`{other}` is not one of a, r, s, q")?,
            }
        };
        match answer {
            Answer::Skip => skipped += 1,
            Answer::Accept => {
                p.accept()?;
                accepted += 1;
                writeln!(output, "accepted {}", relative(paths, &p.snapshot))?;
            }
            Answer::Reject => {
                p.reject()?;
                rejected += 1;
                writeln!(output, "rejected {}", relative(paths, &p.pending))?;
            }
            Answer::Quit => {
                skipped += all.len() - i;
                break;
            }
        }
    }
    writeln!(
        output,
        "\n{accepted} accepted, {rejected} rejected, {skipped} still pending"
    )?;
    Ok(ExitCode::SUCCESS)
}

/// An answer at the review prompt.
enum Answer {
    Accept,
    Reject,
    Skip,
    Quit,
}

fn show(
    paths: &ProjectPaths,
    p: &Pending,
    n: usize,
    of: usize,
    output: &mut dyn Write,
) -> Result<()> {
    let what = match p.old() {
        Some(_) => "changed",
        None => "new",
    };
    writeln!(
        output,
        "\n[{n}/{of}] fixture `{}`: {} ({what})",
        p.fixture,
        relative(paths, &p.snapshot)
    )?;
    match p.old() {
        Some(_) => write!(output, "{}", p.diff())?,
        None => {
            for line in p.new_text().unwrap_or_default().lines() {
                writeln!(output, "  {line}")?;
            }
        }
    }
    Ok(())
}

fn relative(paths: &ProjectPaths, path: &std::path::Path) -> String {
    path.strip_prefix(&paths.root)
        .unwrap_or(path)
        .display()
        .to_string()
}
