//! Reproducers (`witness audit --reproduce DIR`): one fixture per cause, under
//! `DIR/fixtures/<cause>/`, with a WIT of the smallest failing type and the one function the
//! cause shows in (`show-0`, `seen-0`, `echo-0` or `relay-0`), guests in all three languages,
//! a `[[call]]` with the smallest input and `expect` set to it, Rust's outcome as the
//! snapshot, and `REPORT.md`: the toolchain and its version, the WIT, the failing language's
//! guest, the call, what was expected and what came back, ready for an upstream issue.
//! `witness run` in DIR fails the cause's language's trial and passes Rust's.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::guests::{AuditBodies, Numbers};
use super::hazard::{Cause, Direction};
use super::run::{AuditError, AuditReport, AuditedWit};
use super::types::AuditTypes;
use super::wit::{self, Functions};
use crate::language::Language;
use crate::paths::ProjectPaths;
use crate::runner::{RunOptions, Session, TrialStatus};
use crate::scaffold::{self, world::WitWorld};
use crate::snapshot::policy::UpdatePolicy;

/// Refuses a `--reproduce` directory that exists and holds anything, before the audit runs.
pub fn check_target(dir: &Path) -> Result<(), AuditError> {
    match std::fs::read_dir(dir) {
        Ok(entries) => match entries.count() {
            0 => Ok(()),
            _ => Err(AuditError::Usage(format!(
                "--reproduce {}: the directory exists and is not empty; give a new or empty one",
                dir.display()
            ))),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AuditError::Usage(format!(
            "--reproduce {}: {e}",
            dir.display()
        ))),
    }
}

/// Writes a reproducer fixture for each cause of `audits` under `dir/fixtures/`, then runs
/// the Rust trials there to write their snapshots; returns the fixtures' directories.
pub fn write(
    paths: &ProjectPaths,
    dir: &Path,
    audits: &[(&AuditedWit, &AuditReport)],
) -> Result<Vec<PathBuf>, AuditError> {
    check_target(dir)?;
    let fixtures = dir.join("fixtures");
    let mut written = Vec::new();
    for (wit, report) in audits {
        for cause in &report.causes {
            let fixture = fixtures.join(&cause.name);
            if fixture.exists() {
                continue;
            }
            write_one(&fixture, wit, report, cause)?;
            written.push(fixture);
        }
    }
    if written.is_empty() {
        return Ok(written);
    }
    // Rust's outcome is the snapshot every other language is compared with.
    let project = ProjectPaths::new(
        dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()),
        paths
            .out
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dir.join("target")),
    )
    .with_cache(paths.cache.clone());
    let options = RunOptions {
        languages: Some(vec![Language::Rust]),
        update: UpdatePolicy::Always,
        ..RunOptions::default()
    };
    let session = Session::new(project, options);
    let trials = session.trials().map_err(AuditError::Other)?;
    for trial in &trials {
        let result = session.run(trial);
        if let TrialStatus::Failed(failure) = &result.status {
            eprintln!(
                "witness: the Rust trial of the reproducer {} did not pass, so it has no \
                 snapshot:\n{}",
                trial.fixture.name,
                failure.render(&trial.fixture.name, trial.language)
            );
        }
    }
    Ok(written)
}

/// The function a cause shows in, and whether it takes the value (else the host gives it).
fn functions(direction: Direction) -> Functions {
    let mut f = Functions::default();
    match direction {
        Direction::ExportArgument => f.show = true,
        Direction::ImportResult => f.seen = true,
        Direction::ExportResult | Direction::Roundtrip => f.echo = true,
        Direction::ImportArgument | Direction::Relay => f.relay = true,
    }
    f
}

fn write_one(
    fixture: &Path,
    wit: &AuditedWit,
    report: &AuditReport,
    cause: &Cause,
) -> Result<(), AuditError> {
    let io = |e: anyhow::Error| AuditError::Other(e);
    let Some(audited) = report.types.get(cause.n) else {
        return Err(AuditError::Other(anyhow::anyhow!(
            "the cause {} names a type the audit does not have",
            cause.name
        )));
    };
    let types = AuditTypes::of_type(&wit.resolve, &audited.ty);
    let n = types.types.len().saturating_sub(1);
    let wanted = functions(cause.direction);
    let text = wit::write_package(
        &wit.resolve,
        &types,
        &|m| if m == n { wanted } else { Functions::default() },
        &format!(
            "// Written by `witness audit --reproduce` for the cause {}: {} gets {} wrong ({}).",
            cause.name, cause.toolchain, cause.wit_type, cause.direction
        ),
    );
    let wit_dir = fixture.join("wit");
    crate::toolchain::write_if_changed(&wit_dir.join("world.wit"), &text).map_err(io)?;
    let world = WitWorld::load(&wit_dir, Some(wit::WORLD)).map_err(|e| {
        AuditError::Other(anyhow::anyhow!("the reproducer's WIT witness wrote: {e}"))
    })?;
    let numbers = Numbers::of(&world);
    let mut sources = Vec::new();
    for language in Language::ALL {
        let bodies = AuditBodies {
            language,
            numbers: &numbers,
        };
        let header = vec![format!(
            "A reproducer written by `witness audit` for {}: {} gets `{}` wrong ({}, {}).",
            cause.name, cause.toolchain, cause.wit_type, cause.direction, cause.kind
        )];
        let source = scaffold::writer(language).write(&world, &header, &bodies);
        crate::toolchain::write_if_changed(&fixture.join(language.guest_file()), &source)
            .map_err(io)?;
        sources.push((language, source));
    }
    let (call, expect, import) = call_of(cause, n);
    let mut toml = format!(
        "description = {}\nworld = \"{}\"\n\n[[call]]\ninvoke = {}\nexpect = {}\n",
        crate::scaffold::fixture_toml::toml_string(&format!(
            "{} gets {} wrong ({}, {}): the smallest input the audit found",
            cause.toolchain, cause.wit_type, cause.direction, cause.kind
        )),
        wit::WORLD,
        crate::scaffold::fixture_toml::toml_string(&call),
        crate::scaffold::fixture_toml::toml_string(&expect),
    );
    if let Some((function, answer)) = &import {
        write!(
            toml,
            "\n[[import]]\ninterface = \"witness:audit/host\"\nfunction = \"{function}\"\nreturns = {}\n",
            crate::scaffold::fixture_toml::toml_string(answer)
        )
        .ok();
    }
    crate::toolchain::write_if_changed(&fixture.join("fixture.toml"), &toml).map_err(io)?;
    let guest = sources
        .iter()
        .find(|(l, _)| *l == cause.language)
        .map(|(_, s)| s.as_str())
        .unwrap_or_default();
    let lang = match cause.language {
        Language::Rust => "rust",
        Language::Js => "js",
        Language::Python => "python",
    };
    let report_md = format!(
        "# {} gets `{}` wrong ({}, {})\n\n\
         Found by `witness audit` of {} (world {}), with {} generated values per type (seed {}), \
         and shrunk to the smallest input and type that still show it.\n\n\
         - toolchain: {}\n- language: {}\n- type: `{}`\n- path: {} ({})\n\
         - the call: `{call}`\n- expected: `{expect}`\n- got: `{}`\n\n\
         `witness run` in this directory runs the call in Rust, JavaScript and Python; Rust's \
         outcome is the snapshot.\n\n## The WIT\n\n```wit\n{text}```\n\n\
         ## The {} guest\n\n```{lang}\n{guest}```\n",
        cause.toolchain,
        cause.wit_type,
        cause.direction,
        cause.kind,
        report.package,
        report.worlds.join(", "),
        report.cases,
        report.seed,
        cause.toolchain,
        cause.language,
        cause.wit_type,
        cause.direction,
        describe(cause.direction),
        cause.got,
        cause.language,
    );
    crate::toolchain::write_if_changed(&fixture.join("REPORT.md"), &report_md).map_err(io)?;
    Ok(())
}

/// What each path means, for REPORT.md.
fn describe(direction: Direction) -> &'static str {
    match direction {
        Direction::ExportArgument => {
            "the host passes the value to the guest's export, which prints what it got"
        }
        Direction::ExportResult => {
            "the guest's export returns the argument it got, which it saw right"
        }
        Direction::ImportArgument => {
            "the guest passes the value it got on to an import of the host's"
        }
        Direction::ImportResult => {
            "the host's import returns the value to the guest, which prints what it got"
        }
        Direction::Roundtrip => "the guest's export returns the argument it got",
        Direction::Relay => "the guest passes the value to an import and returns its answer",
    }
}

/// The reproducer's call, its `expect`, and the `[[import]]` answer it needs.
type Call = (String, String, Option<(String, String)>);

fn call_of(cause: &Cause, n: usize) -> Call {
    let input = cause.input.clone();
    // The text a guest that sees the value right prints, as WAVE (a string).
    let shown = serde_json::Value::String(cause.input_text.clone()).to_string();
    match cause.direction {
        Direction::ExportArgument => (format!("{}({input})", wit::show(n)), shown, None),
        Direction::ImportResult => (
            format!("{}()", wit::seen(n)),
            shown,
            Some((wit::give(n), input.clone())),
        ),
        Direction::ExportResult | Direction::Roundtrip => {
            (format!("{}({input})", wit::echo(n)), input.clone(), None)
        }
        Direction::ImportArgument | Direction::Relay => (
            format!("{}({input})", wit::relay(n)),
            input.clone(),
            Some((wit::relay(n), input)),
        ),
    }
}
