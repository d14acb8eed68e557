//! `world-version` in fixture.toml: a fixture on witness's plugin API builds against the
//! version it names (the matrix and JSON report show it), and a version the host does not run,
//! or one named beside a fixture's own `wit/`, fails that fixture's trial as a bad fixture.

mod common;

use common::{Scratch, failure};
use witness_harness::error::TrialError;
use witness_harness::paths::ProjectPaths;
use witness_harness::runner::TrialStatus;

#[test]
fn a_fixture_builds_against_the_plugin_api_version_it_names_and_bad_versions_are_named() {
    let scratch = Scratch::new();
    let repo_fixtures = ProjectPaths::at(witness_harness::paths::this_repository()).fixtures;
    scratch.copy_fixture(&repo_fixtures.join("plugin-api-0.1"), "selftest-old-api");

    let old_guest = std::fs::read_to_string(repo_fixtures.join("plugin-api-0.1/guest.rs")).unwrap();
    scratch.write(
        "selftest-unknown-version",
        "fixture.toml",
        "description = \"d\"\nworld = \"plugin\"\nworld-version = \"0.9.0\"\n[[call]]\ninvoke = \"info()\"\n",
    );
    scratch.write("selftest-unknown-version", "guest.rs", &old_guest);

    scratch.write(
        "selftest-version-and-own-wit",
        "fixture.toml",
        "description = \"d\"\nworld = \"greeter\"\nworld-version = \"0.1.0\"\n",
    );
    scratch.write(
        "selftest-version-and-own-wit",
        "wit/world.wit",
        "package selftest:own;\nworld greeter {\n    export greeting: func(name: string) -> string;\n}\n",
    );
    scratch.write("selftest-version-and-own-wit", "guest.rs", "");

    let results = scratch.run();
    let status = |name: &str| {
        &results
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no trial {name}: {results:?}"))
            .1
    };
    assert!(
        matches!(status("selftest-old-api::rust"), TrialStatus::Passed),
        "a 0.1.0 plugin built today runs: {:?}",
        status("selftest-old-api::rust")
    );
    match &failure(&results, "selftest-unknown-version::rust").error {
        TrialError::BadFixture(e) => {
            let text = e.to_string();
            assert!(
                text.contains("`world-version`")
                    && text.contains(
                        "witness's plugin API has no version 0.9.0; this witness has 0.1.0, 0.2.0"
                    ),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    match &failure(&results, "selftest-version-and-own-wit::rust").error {
        TrialError::BadFixture(e) => assert!(
            e.to_string()
                .contains("this fixture builds against its own wit/"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_report_names_each_fixtures_package_and_version() {
    use witness_harness::runner::{RunOptions, Session};
    let paths = ProjectPaths::at(witness_harness::paths::this_repository());
    let mut options = RunOptions::from_env().unwrap();
    options.languages = Some(vec![witness_harness::language::Language::Rust]);
    options.required = vec![witness_harness::language::Language::Rust];
    let session = Session::new(paths.clone(), options);
    let trials: Vec<_> = session
        .trials()
        .unwrap()
        .into_iter()
        .filter(|t| {
            ["plugin-api-0.1", "hello-plugin", "greeting"].contains(&t.fixture.name.as_str())
        })
        .collect();
    let results = session.run_all(&trials);
    let world = |fixture: &str| {
        results
            .iter()
            .find(|r| r.fixture == fixture)
            .and_then(|r| r.world.clone())
    };
    assert_eq!(
        world("plugin-api-0.1").as_deref(),
        Some("witness:plugin@0.1.0")
    );
    assert_eq!(
        world("hello-plugin").as_deref(),
        Some("witness:plugin@0.2.0")
    );
    assert_eq!(world("greeting").as_deref(), Some("witness:plugin@0.2.0"));
    let matrix = witness_harness::report::matrix(&results);
    assert!(
        matrix
            .lines()
            .any(|l| l.starts_with("plugin-api-0.1") && l.contains("witness:plugin@0.1.0")),
        "{matrix}"
    );
    let json = witness_harness::report::json::lines(&results);
    let old_api_line = json
        .lines()
        .find(|l| l.contains("\"fixture\":\"plugin-api-0.1\""))
        .unwrap_or_else(|| panic!("{json}"));
    assert!(
        old_api_line.contains("\"world\":\"witness:plugin@0.1.0\""),
        "{old_api_line}"
    );
}
