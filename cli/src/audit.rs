//! `witness audit`: a WIT world checked in every language with guests witness writes itself,
//! the hazards found grouped by cause; exit status 0 when nothing new was found, 1 when a new
//! cause was, 2 for bad input or a toolchain missing under `CI=true`.

use std::path::PathBuf;
use std::process::ExitCode;

use witness_harness::audit::known::KnownCauses;
use witness_harness::audit::report;
use witness_harness::audit::run::{self, AuditError, AuditOptions, AuditReport, AuditedWit};
use witness_harness::language::Language;
use witness_harness::paths::ProjectPaths;
use witness_harness::runner::RunOptions;

/// `witness audit`'s arguments.
#[derive(Debug, Clone)]
pub struct AuditArgs {
    /// The WIT file or directory.
    pub path: Option<PathBuf>,
    /// One world of it; every world when none.
    pub world: Option<String>,
    /// The languages (default: WITNESS_LANGS, else all).
    pub languages: Vec<Language>,
    /// JSON lines instead of the table.
    pub json: bool,
    /// Causes written down as known.
    pub known: Option<PathBuf>,
    /// Where to write one reproducer fixture per cause.
    pub reproduce: Option<PathBuf>,
    /// How many random worlds to audit instead of PATH.
    pub random: Option<u32>,
    /// The seed of the random worlds.
    pub seed: u64,
}

/// Runs the audit and prints its report; the exit status says what it found.
pub fn run(args: AuditArgs) -> ExitCode {
    match audit(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("witness audit: {e}");
            ExitCode::from(2)
        }
    }
}

fn audit(args: AuditArgs) -> Result<ExitCode, AuditError> {
    let env = RunOptions::from_env().map_err(|e| AuditError::Usage(format!("{e:#}")))?;
    let cache_limit = env.cache_limit;
    let languages = match (&args.languages[..], env.languages) {
        ([], Some(env)) => env,
        ([], None) => Language::ALL.to_vec(),
        (chosen, _) => chosen.to_vec(),
    };
    let known = match &args.known {
        Some(path) => KnownCauses::read(path)?,
        None => KnownCauses::default(),
    };
    if let Some(dir) = &args.reproduce {
        witness_harness::audit::reproduce::check_target(dir)?;
    }
    let options = AuditOptions {
        languages,
        required: env.required,
        settings: env.properties,
        compiler: env.compiler,
    };
    let paths = ProjectPaths::discover();
    let mut audited: Vec<(AuditedWit, AuditReport)> = Vec::new();
    match (args.random, &args.path) {
        (Some(0), _) => {
            return Err(AuditError::Usage(
                "--random 0 audits nothing: give how many random worlds to audit".into(),
            ));
        }
        (Some(count), None) => {
            for world in witness_harness::audit::random::worlds(count, args.seed) {
                let wit = world.load()?;
                eprintln!("witness: auditing random world {} of {count}", world.number);
                let report = run::audit(&paths, &wit, &options)?;
                audited.push((wit, report));
            }
        }
        (Some(_), Some(_)) => {
            return Err(AuditError::Usage(
                "give a WIT path or --random N, not both".into(),
            ));
        }
        (None, Some(path)) => {
            let wit = AuditedWit::load(path, args.world.as_deref())?;
            let report = run::audit(&paths, &wit, &options)?;
            audited.push((wit, report));
        }
        (None, None) => {
            return Err(AuditError::Usage(
                "give the WIT to audit (a .wit file or a package directory), or --random N".into(),
            ));
        }
    }
    for (_, report) in &mut audited {
        known.mark(report);
    }
    let reports: Vec<AuditReport> = audited.iter().map(|(_, r)| r.clone()).collect();
    match args.json {
        true => print!("{}", report::json(&reports)),
        false => print!("{}", report::human(&reports)),
    }
    if let Some(dir) = &args.reproduce {
        let pairs: Vec<(&AuditedWit, &AuditReport)> = audited.iter().map(|(w, r)| (w, r)).collect();
        let written = witness_harness::audit::reproduce::write(&paths, dir, &pairs)?;
        eprintln!(
            "witness: wrote {} reproducer fixture(s) under {}",
            written.len(),
            dir.join("fixtures").display()
        );
    }
    witness_harness::cache_limit::keep_within(&paths.cache, cache_limit);
    let built_nothing = args.random.is_none()
        && reports.iter().any(|r| {
            r.languages
                .iter()
                .any(|(_, s)| matches!(s, run::LanguageStatus::BuildFailed(_)))
        });
    let new = reports
        .iter()
        .flat_map(|r| &r.causes)
        .any(|c| c.known.is_none());
    Ok(if built_nothing {
        ExitCode::from(2)
    } else if new {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
