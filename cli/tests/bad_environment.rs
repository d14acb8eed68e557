//! A `WITNESS_*` variable holding a value witness cannot use, or a fixture name the project
//! does not have, is bad input: `witness run` exits with status 2, says which, prints nothing
//! on stdout, runs nothing and writes no report; `witness call` and `witness bench` refuse
//! such a variable with 2 too.

mod common;

use common::Cli;

#[test]
fn a_bad_witness_variable_is_exit_status_2_and_runs_nothing() {
    let cli = Cli::new();
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(project.path().join("fixtures")).unwrap();
    let report = project.path().join("report.xml");
    for (variable, value, says) in [
        (
            "WITNESS_COMPILER",
            "bogus",
            "the values allowed are `cranelift` and `winch`",
        ),
        ("WITNESS_LANGS", "go", "WITNESS_LANGS=go"),
        ("WITNESS_TOOLCHAINS", "newest", "WITNESS_TOOLCHAINS"),
        (
            "WITNESS_CACHE_SIZE",
            "lots",
            "WITNESS_CACHE_SIZE=lots: not a size",
        ),
    ] {
        let out = cli
            .witness()
            .current_dir(project.path())
            .env(variable, value)
            .args(["run", "--format", "json", "--report"])
            .arg(format!("junit={}", report.display()))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{variable}={value}: {out:?}");
        assert!(stderr.contains(says), "{variable}={value}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(out.stdout.is_empty(), "{variable}={value}: {out:?}");
        assert!(!report.exists(), "{variable}={value} wrote a report");
    }
}

#[test]
fn call_and_bench_refuse_a_bad_witness_variable_with_exit_status_2() {
    let cli = Cli::new();
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(project.path().join("fixtures")).unwrap();
    let component = project.path().join("missing.wasm");
    let commands: [Vec<std::ffi::OsString>; 2] = [
        vec!["call".into(), component.into_os_string(), "f()".into()],
        vec!["bench".into(), "no-such-fixture".into()],
    ];
    for args in &commands {
        for (variable, value) in [
            ("WITNESS_COMPILER", "bogus"),
            ("WITNESS_CACHE_SIZE", "lots"),
        ] {
            let out = cli
                .witness()
                .current_dir(project.path())
                .env(variable, value)
                .args(args)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{variable} {args:?}: {out:?}");
            assert!(stderr.contains(variable), "{args:?}: {stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
}

#[test]
fn a_fixture_or_trial_the_project_lacks_is_exit_status_2_and_runs_nothing() {
    let cli = Cli::new();
    let project = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(project.path().join("fixtures")).unwrap();
    let report = project.path().join("report.xml");
    for (name, says) in [
        ("nosuch", "no fixture `nosuch`"),
        ("nosuch::rust", "no fixture `nosuch`"),
    ] {
        let out = cli
            .witness()
            .current_dir(project.path())
            .args(["run", name, "--format", "json", "--report"])
            .arg(format!("junit={}", report.display()))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {out:?}");
        assert!(stderr.contains(says), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: {out:?}");
        assert!(!report.exists(), "{name} wrote a report");
    }
}
