//! The conformance matrix as a `cargo test` target: one libtest trial per (fixture,
//! lineup), named `<fixture>::<language>` (`<fixture>::<runner>+<provider>` for a composition
//! fixture), so `cargo test greeting`, `cargo test -- --list`
//! and `cargo nextest run` select trials as usual. A trial whose toolchain is missing is
//! reported as ignored with the reason, unless the language is required (`CI=true`,
//! `WITNESS_REQUIRE`), in which case it fails.
//!
//! Another project uses it from a test file declared with `harness = false`:
//!
//! ```no_run
//! // tests/conformance.rs; in Cargo.toml: [[test]] name = "conformance", harness = false
//! fn main() -> std::process::ExitCode {
//!     let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
//!     witness_harness::libtest::main(witness_harness::paths::ProjectPaths::at(root))
//! }
//! ```

use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

use crate::paths::ProjectPaths;
use crate::runner::{RunOptions, Session, TrialStatus};

/// Runs the fixtures of the project at `paths` as libtest trials, with options from the
/// command line (`cargo test -- …`) and the environment ([`RunOptions::from_env`]).
pub fn main(paths: ProjectPaths) -> ExitCode {
    let mut args = Arguments::from_args();
    // More trials than cores: each holds a core only while it builds (`crate::cores`).
    args.test_threads
        .get_or_insert_with(crate::cores::trial_threads);
    let options = match RunOptions::from_env() {
        Ok(options) => options,
        Err(err) => {
            eprintln!("conformance: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let session = Arc::new(Session::new(paths, options));
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
            Trial::ignorable_test(spec.name(), move || {
                let result = session.run(&spec);
                let lineup = result.lineup();
                match result.status {
                    TrialStatus::Passed => Ok(Completion::Completed),
                    TrialStatus::Skipped(reason) => Ok(Completion::ignored_with(reason)),
                    TrialStatus::Unsupported(reason) => {
                        Ok(Completion::ignored_with(format!("unsupported: {reason}")))
                    }
                    TrialStatus::Failed(failure) => {
                        Err(Failed::from(failure.render(&result.fixture, lineup)))
                    }
                }
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    session.trim_cache();
    if let Some(line) = session.builder().toolchains().line() {
        eprintln!("conformance: {line}");
    }
    conclusion.exit_code()
}
