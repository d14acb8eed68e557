//! witness run in another project: a temporary directory outside this repository holding
//! only `fixtures/` (one fixture with guests in Rust, JavaScript and Python, and no `wit/`),
//! where the `witness` binary must build and run the fixture in every language from what it
//! carries itself, and write the matrix, a JUnit report that parses as XML, and JSON lines.

use std::path::{Path, PathBuf};
use std::process::Command;

use quick_junit::{NonSuccessKind, Report, TestCaseStatus};
use witness_harness::language::Language;
use witness_harness::paths::ProjectPaths;
use witness_harness::runner::RunOptions;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A project with one fixture, `hello`: the repository's `greeting` fixture under another
/// name, its snapshot renamed with it, and a second fixture whose expectation fails.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = repo().join("fixtures/greeting");
    let to = dir.path().join("fixtures/hello");
    std::fs::create_dir_all(to.join("snapshots")).unwrap();
    for file in ["fixture.toml", "guest.rs", "guest.js", "guest.py"] {
        std::fs::copy(from.join(file), to.join(file)).unwrap();
    }
    std::fs::copy(
        from.join("snapshots/greeting.snap"),
        to.join("snapshots/hello.snap"),
    )
    .unwrap();
    let wrong = dir.path().join("fixtures/wrong");
    std::fs::create_dir_all(&wrong).unwrap();
    std::fs::copy(from.join("guest.rs"), wrong.join("guest.rs")).unwrap();
    std::fs::write(
        wrong.join("fixture.toml"),
        "description = \"an expectation that fails\"\nworld = \"greeter\"\n\n[[call]]\n\
         invoke = 'greeting(\"Ben\")'\nexpect = '\"bye\"'\n",
    )
    .unwrap();
    dir
}

/// Runs the installed-style binary in `project` with `args`: nothing points it at this
/// repository's fixtures or files (no WITNESS_ROOT, its own target directory). It shares
/// this repository's cache directory, as a CI job shares its cache, so the pinned JS and
/// Python toolchains are installed once; `WITNESS_LANGS` is honoured, as in every trial.
fn witness_in(project: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let cache = ProjectPaths::at(repo()).cache;
    let out = Command::new(env!("CARGO_BIN_EXE_witness"))
        .args(args)
        .current_dir(project)
        .env_remove("WITNESS_ROOT")
        .env_remove("CARGO_TARGET_DIR")
        .env("WITNESS_CACHE_DIR", cache)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn witness_runs_a_project_that_has_only_fixtures() {
    let project = project();
    assert!(!project.path().join("wit").exists());
    let options = RunOptions::from_env().unwrap();
    let required = options.required;
    let languages = options.languages.unwrap_or(Language::ALL.to_vec());
    let rust = languages.contains(&Language::Rust);

    let (code, junit, stderr) = witness_in(project.path(), &["run", "--format", "junit"]);
    assert_eq!(
        code,
        Some(if rust { 1 } else { 0 }),
        "only wrong::rust fails:\n{stderr}"
    );
    let report = Report::deserialize_from_str(&junit)
        .unwrap_or_else(|e| panic!("not JUnit XML ({e}):\n{junit}"));
    let suite = &report.test_suites[0];
    let mut names: Vec<&str> = suite.test_cases.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    let mut expected: Vec<String> = languages.iter().map(|l| format!("hello::{l}")).collect();
    if rust {
        expected.push("wrong::rust".into());
    }
    expected.sort();
    assert_eq!(names, expected);
    for case in &suite.test_cases {
        let language: Language = case.name.split("::").nth(1).unwrap().parse().unwrap();
        match (&case.status, case.name.as_str()) {
            (TestCaseStatus::Success { .. }, name) => assert!(name.starts_with("hello::")),
            (TestCaseStatus::Skipped { message, .. }, name) => {
                assert!(
                    !required.contains(&language),
                    "{name} skipped though required: {message:?}"
                );
                eprintln!("{name} skipped: {message:?}");
            }
            (
                TestCaseStatus::NonSuccess {
                    kind: NonSuccessKind::Failure,
                    message,
                    ty,
                    description,
                    ..
                },
                "wrong::rust",
            ) => {
                assert_eq!(ty.as_deref(), Some("expectations"));
                let message = message.as_deref().unwrap_or_default();
                assert!(message.contains("expectations not met"), "{message}");
                let text = description.as_deref().unwrap_or_default();
                assert!(
                    text.contains("expected \"bye\", got \"Greetings Ben!"),
                    "{text}"
                );
                assert!(text.contains("rerun: witness run wrong::rust"), "{text}");
            }
            (other, name) => panic!("{name}: {other:?}\n{stderr}"),
        }
    }

    // The guests were built under the project's own target directory, from the toolchain
    // files witness carries: nothing was read from or written to this repository's guests.
    let out = project.path().join("target/witness");
    for language in &languages {
        assert!(out.join(format!("hello/{language}.wasm")).is_file());
    }
    if !rust {
        return;
    }

    // The same run as a matrix and as JSON lines, now from the caches.
    let (code, matrix, _) = witness_in(project.path(), &["run", "--lang", "rust"]);
    assert_eq!(code, Some(1));
    let hello = matrix.lines().find(|l| l.starts_with("hello")).unwrap();
    assert!(hello.contains("pass"), "{matrix}");
    assert!(matrix.contains("1 passed, 1 failed, 0 skipped"), "{matrix}");
    assert!(matrix.contains("---- wrong::rust FAILED ----"), "{matrix}");
    let pinned = witness_harness::toolchain::pinned(Language::Rust);
    let wit_bindgen = &pinned[0].version;
    assert!(
        matrix.contains(&format!(
            "1 passed, 1 failed, 0 skipped\ntoolchains (pinned): rust wit-bindgen {wit_bindgen}\n"
        )),
        "{matrix}"
    );

    // JSON on stdout, and the same run's HTML and JUnit reports in files.
    let reports = tempfile::tempdir().unwrap();
    let html_file = reports.path().join("report.html");
    let junit_file = reports.path().join("junit.xml");
    let (code, json, _) = witness_in(
        project.path(),
        &[
            "run",
            "--lang",
            "rust",
            "--format",
            "json",
            "--report",
            &format!("html={}", html_file.display()),
            "--report",
            &format!("junit={}", junit_file.display()),
        ],
    );
    assert_eq!(code, Some(1), "the reports do not change the exit status");
    let html = std::fs::read_to_string(&html_file).unwrap();
    assert!(
        html.contains("<td class=\"cell fail\"><a href=\"#trial-wrong--rust\">"),
        "{html}"
    );
    assert!(html.contains("expected &quot;bye&quot;, got &quot;Greetings Ben!"));
    let junit = std::fs::read_to_string(&junit_file).unwrap();
    let report = Report::deserialize_from_str(&junit).unwrap();
    assert_eq!(report.test_suites[0].test_cases.len(), 2, "{junit}");
    assert!(
        junit.contains(&format!(
            "<property name=\"toolchain.rust.wit-bindgen\" value=\"{wit_bindgen}\"/>"
        )),
        "{junit}"
    );
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let wrong = lines.iter().find(|l| l["name"] == "wrong::rust").unwrap();
    assert_eq!(wrong["status"], "failed");
    assert_eq!(wrong["kind"], "expectations");
    let summary = lines.last().unwrap();
    assert_eq!(
        (
            summary["type"].as_str(),
            summary["passed"].as_u64(),
            summary["failed"].as_u64()
        ),
        (Some("summary"), Some(1), Some(1))
    );
    assert_eq!(
        summary["toolchains"],
        serde_json::json!({"channel": "pinned", "rust": {"wit-bindgen": wit_bindgen}})
    );
}
