//! Cranelift and Winch give the same outcomes: fixtures that return values of every kind,
//! trap, overflow the stack and run into the time and memory limits are built once, run
//! under a host of each compiler in every language, and their outcome texts (the calls, the
//! traps' kinds and stderr, the properties) compared. `WITNESS_COMPILER` only chooses which
//! of the two the matrix uses; this test runs both whatever it says.

use witness_harness::observation::{Observation, Observer};
use witness_harness::paths::{ProjectPaths, this_repository};
use witness_harness::runner::{RunOptions, Session, TrialSpec};
use witness_host::{Compiler, Host, HostOptions};

/// Values of every kind, a guest's trap, a stack overflow, and the time and memory limits.
const FIXTURES: [&str; 5] = [
    "value-types",
    "guest-panic",
    "stack-overflow",
    "limit-time",
    "limit-memory",
];

fn observe(session: &Session, host: &Host, trial: &TrialSpec) -> Observation {
    Observer {
        paths: session.paths(),
        builder: session.builder(),
        host: Ok(host),
        properties: &session.options().properties,
    }
    .observe(trial)
}

#[test]
#[cfg_attr(
    not(target_arch = "x86_64"),
    ignore = "Winch compiles for x86-64 only; elsewhere both hosts would run Cranelift"
)]
fn every_trial_has_the_same_outcome_under_cranelift_and_winch() {
    let mut options = RunOptions::from_env().expect("valid WITNESS_* variables");
    options.fixtures = FIXTURES.iter().map(|f| f.to_string()).collect();
    let session = Session::new(ProjectPaths::at(this_repository()), options);
    let host_of = |compiler| {
        Host::with_options(&HostOptions {
            compiler,
            ..HostOptions::cached_in(&session.paths().cache)
        })
        .expect("a host starts")
    };
    let (cranelift, winch) = (host_of(Compiler::Cranelift), host_of(Compiler::Winch));
    let trials: Vec<TrialSpec> = session
        .trials()
        .expect("the fixtures are found")
        .into_iter()
        .filter(|trial| match session.skip_reason(trial.language) {
            Some(reason) => {
                eprintln!("{} skipped: {reason}", trial.name());
                false
            }
            None => true,
        })
        .collect();
    assert!(
        !trials.is_empty() || std::env::var_os("WITNESS_LANGS").is_some(),
        "no trial of {FIXTURES:?} ran"
    );

    let compared: Vec<Result<String, String>> = std::thread::scope(|scope| {
        let running: Vec<_> = trials
            .iter()
            .map(|trial| {
                let (session, cranelift, winch) = (&session, &cranelift, &winch);
                scope.spawn(move || {
                    let name = trial.name();
                    let by_cranelift = observe(session, cranelift, trial);
                    let by_winch = observe(session, winch, trial);
                    let text = |observation: &Observation, compiler: &str| {
                        observation
                            .outcome
                            .as_ref()
                            .map(|ran| ran.own_text())
                            .map_err(|e| format!("{name} did not run under {compiler}: {e}"))
                    };
                    let (a, b) = (text(&by_cranelift, "Cranelift")?, text(&by_winch, "Winch")?);
                    if a == b {
                        Ok(name)
                    } else {
                        Err(format!(
                            "{name}: the outcomes differ\n--- Cranelift\n{a}\n--- Winch\n{b}"
                        ))
                    }
                })
            })
            .collect();
        running
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|_| Err("a trial panicked".into())))
            .collect()
    });
    let failures: Vec<&String> = compared.iter().filter_map(|c| c.as_ref().err()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    let same: Vec<&String> = compared.iter().filter_map(|c| c.as_ref().ok()).collect();
    eprintln!("the same under both compilers: {same:?}");
}
