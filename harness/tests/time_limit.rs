//! The time limit holds for a plugin blocked in a host call: `fixtures/limit-sleep` asks an
//! instance to sleep for an hour under a one-second limit, in Rust and Python, and the call
//! ends within the limit plus half a second (measured on a second run of the trial, with its
//! guest built and compiled by the first).

use std::time::Duration;

use witness_harness::paths::{ProjectPaths, this_repository};
use witness_harness::runner::{RunOptions, Session, TrialStatus};

const LIMIT: Duration = Duration::from_secs(1);
const MARGIN: Duration = Duration::from_millis(500);

#[test]
fn a_plugin_asleep_in_a_host_call_is_stopped_at_its_limit() {
    let mut options = RunOptions::from_env().expect("valid WITNESS_* variables");
    options.fixtures = vec!["limit-sleep".into()];
    let session = Session::new(ProjectPaths::at(this_repository()), options);
    let trials = session.trials().unwrap();
    if trials.is_empty() {
        eprintln!("limit-sleep has no trial in the languages selected (WITNESS_LANGS)");
        return;
    }
    for trial in &trials {
        let first = session.run(trial);
        if let TrialStatus::Skipped(reason) = &first.status {
            eprintln!("{} skipped: {reason}", trial.name());
            continue;
        }
        let again = session.run(trial);
        assert!(
            matches!(again.status, TrialStatus::Passed),
            "{}: {:?}",
            trial.name(),
            again.status
        );
        eprintln!(
            "{} took {:?} under a {LIMIT:?} limit",
            trial.name(),
            again.duration
        );
        assert!(
            again.duration < LIMIT + MARGIN,
            "{} took {:?}: more than {LIMIT:?} + {MARGIN:?}",
            trial.name(),
            again.duration
        );
    }
}
