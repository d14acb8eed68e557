//! The conformance matrix under `cargo test`: one libtest trial per (fixture, language),
//! named `<fixture>::<language>`, so `cargo test greeting`, `cargo test -- --list` and
//! `cargo nextest run` select trials as usual. A trial whose toolchain is missing is
//! reported as ignored with the reason, unless the language is required (`CI=true`,
//! `WITNESS_REQUIRE`), in which case it fails.

use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use witness::paths::ProjectPaths;
use witness::runner::{RunOptions, Session, TrialStatus};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let options = match RunOptions::from_env() {
        Ok(options) => options,
        Err(err) => {
            eprintln!("conformance: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let session = Arc::new(Session::new(ProjectPaths::discover(), options));
    let specs = match session.trials() {
        Ok(specs) => specs,
        Err(err) => {
            eprintln!("conformance: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let trials = specs
        .into_iter()
        .map(|spec| {
            let session = session.clone();
            Trial::ignorable_test(spec.name(), move || match session.run(&spec).status {
                TrialStatus::Passed => Ok(Completion::Completed),
                TrialStatus::Skipped(reason) => Ok(Completion::ignored_with(reason)),
                TrialStatus::Failed(message) => Err(Failed::from(message)),
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}
