//! What a newcomer and a CI read while a fixture goes from new to accepted, through the real
//! binary, in a project with no Cargo workspace: `--format json` and `--format junit` stay
//! parseable with a new, a changed and a disagreeing snapshot, and nothing says `panicked`;
//! languages that disagree on a new fixture fail and nothing is written, languages that agree
//! get a proposal; `witness accept`, `witness reject` and `witness review` work without cargo;
//! a passing trial removes a stale `.snap.new`; under `CI=true` nothing is written.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use quick_junit::Report;
use witness_harness::paths::ProjectPaths;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A project holding only `fixtures/`: `agreed` (the greeting guests of this repository in
/// Rust and Python) and `split`, whose Rust guest prints another line than its Python one.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = repo().join("fixtures/greeting");
    for name in ["agreed", "split"] {
        let to = dir.path().join("fixtures").join(name);
        std::fs::create_dir_all(&to).unwrap();
        std::fs::copy(from.join("guest.py"), to.join("guest.py")).unwrap();
        std::fs::write(
            to.join("fixture.toml"),
            format!(
                "description = \"{name}\"\nworld = \"greeter\"\n\n[[call]]\n\
                 invoke = 'greeting(\"Ben\")'\n"
            ),
        )
        .unwrap();
    }
    std::fs::copy(
        from.join("guest.rs"),
        dir.path().join("fixtures/agreed/guest.rs"),
    )
    .unwrap();
    let rust = std::fs::read_to_string(from.join("guest.rs"))
        .unwrap()
        .replace("STDIO WORKS!", "STDIO WORKS, SAYS RUST!");
    std::fs::write(dir.path().join("fixtures/split/guest.rs"), rust).unwrap();
    dir
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary in `project` as a user would there (its own target directory, sharing
/// this repository's cache so the pinned Python toolchain is installed once), with `env`.
fn witness(project: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let cache = ProjectPaths::at(repo()).cache;
    let mut command = Command::new(env!("CARGO_BIN_EXE_witness"));
    command
        .args(args)
        .current_dir(project)
        .env_remove("WITNESS_ROOT")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CI")
        .env_remove("INSTA_UPDATE")
        .env_remove("WITNESS_SEED")
        .env_remove("WITNESS_CASES")
        .env("WITNESS_LANGS", "rust,python")
        .env("WITNESS_CACHE_DIR", cache)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
            "witness {args:?} printed a panic:\n{text}"
        );
        assert!(
            !text.contains("cargo insta"),
            "witness {args:?} points at cargo insta:\n{text}"
        );
    }
    run
}

/// The JSON lines of a run, each parsed; the trial objects by name.
fn json(run: &Run) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {line}\n{}", run.stdout))
        })
        .collect()
}

fn trial<'a>(lines: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    lines
        .iter()
        .find(|l| l["name"] == name)
        .unwrap_or_else(|| panic!("no trial {name} in {lines:?}"))
}

fn junit(run: &Run) -> Report {
    Report::deserialize_from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JUnit XML ({e}):\n{}", run.stdout))
}

fn snapshots(project: &Path, fixture: &str) -> PathBuf {
    project.join("fixtures").join(fixture).join("snapshots")
}

/// Whether the Python toolchain can run here; without it (and not required) this test has
/// nothing to compare.
fn python_runs(project: &Path) -> bool {
    let run = witness(
        project,
        &["run", "--format", "json", "agreed"],
        &[("INSTA_UPDATE", "no")],
        "",
    );
    let lines = json(&run);
    let python = trial(&lines, "agreed::python");
    if python["status"] == "skipped" {
        let required = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!required, "python is required here: {python}");
        eprintln!("python skipped: {}; nothing to compare", python["reason"]);
        return false;
    }
    true
}

#[test]
fn a_fixture_goes_from_new_to_accepted_with_reports_a_ci_can_parse() {
    let project = project();
    let root = project.path();
    assert!(!root.join("Cargo.toml").exists());
    if !python_runs(root) {
        return;
    }
    let pending = |fixture: &str| snapshots(root, fixture).join(format!("{fixture}.snap.new"));
    let stored = |fixture: &str| snapshots(root, fixture).join(format!("{fixture}.snap"));

    // Under CI=true a new outcome is reported, and nothing is written.
    let ci = witness(root, &["run", "--format", "junit"], &[("CI", "true")], "");
    assert_eq!(ci.code, Some(1), "{}", ci.stderr);
    let report = junit(&ci);
    assert_eq!(report.tests, 4, "{}", ci.stdout);
    assert!(!pending("agreed").exists() && !pending("split").exists());
    assert!(
        ci.stdout.contains("nothing was written (CI is set"),
        "{}",
        ci.stdout
    );

    // A new fixture: the languages are compared before anything is written.
    let first = witness(root, &["run", "--format", "json"], &[], "");
    assert_eq!(first.code, Some(1));
    let lines = json(&first);
    for language in ["rust", "python"] {
        let agreed = trial(&lines, &format!("agreed::{language}"));
        assert_eq!(agreed["kind"], "snapshot-missing", "{agreed}");
        let message = agreed["message"].as_str().unwrap();
        assert!(
            message.contains("rust and python agree on the outcome"),
            "{message}"
        );
        assert!(message.contains("witness accept agreed"), "{message}");
        let split = trial(&lines, &format!("split::{language}"));
        assert_eq!(split["kind"], "languages-disagree", "{split}");
        let message = split["message"].as_str().unwrap();
        assert!(message.contains("nothing was written"), "{message}");
        assert!(message.contains("SAYS RUST"), "{message}");
    }
    assert!(pending("agreed").is_file());
    assert!(!pending("split").exists() && !stored("split").exists());
    let summary = lines.last().unwrap();
    assert_eq!(
        (summary["passed"].as_u64(), summary["failed"].as_u64()),
        (Some(0), Some(4))
    );

    // Accepted without cargo: the proposal becomes the snapshot, and the fixture passes.
    let accepted = witness(root, &["accept"], &[], "");
    assert_eq!(accepted.code, Some(0), "{}", accepted.stderr);
    assert!(
        accepted
            .stdout
            .contains("accepted fixtures/agreed/snapshots/agreed.snap"),
        "{}",
        accepted.stdout
    );
    assert!(stored("agreed").is_file() && !pending("agreed").exists());
    let second = witness(root, &["run", "--format", "junit", "agreed"], &[], "");
    assert_eq!(second.code, Some(0), "{}", second.stdout);
    assert_eq!((junit(&second).tests, junit(&second).failures), (2, 0));

    // A changed outcome: every language gives it, so it is proposed; the JSON still parses.
    let toml = root.join("fixtures/agreed/fixture.toml");
    let original = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        format!("{original}\n[[call]]\ninvoke = 'greeting(\"Ada\")'\n"),
    )
    .unwrap();
    let changed = witness(root, &["run", "--format", "json", "agreed"], &[], "");
    let lines = json(&changed);
    for language in ["rust", "python"] {
        let t = trial(&lines, &format!("agreed::{language}"));
        assert_eq!(t["kind"], "snapshot-differs", "{t}");
        assert!(
            t["message"]
                .as_str()
                .unwrap()
                .contains("+call greeting(\"Ada\")"),
            "{t}"
        );
    }
    assert!(
        std::fs::read_to_string(pending("agreed"))
            .unwrap()
            .contains("greeting(\"Ada\")")
    );

    // Reviewed: shown with its diff, rejected at the prompt.
    let review = witness(root, &["review"], &[], "r\n");
    assert_eq!(review.code, Some(0), "{}", review.stderr);
    assert!(
        review.stdout.contains("fixture `agreed`"),
        "{}",
        review.stdout
    );
    assert!(
        review.stdout.contains("+call greeting(\"Ada\")"),
        "{}",
        review.stdout
    );
    assert!(
        review
            .stdout
            .contains("0 accepted, 1 rejected, 0 still pending"),
        "{}",
        review.stdout
    );
    assert!(!pending("agreed").exists());

    // A stale proposal (a broken outcome left by an earlier run) goes when the fixture passes.
    std::fs::write(&toml, original).unwrap();
    std::fs::copy(stored("agreed"), pending("agreed")).unwrap();
    let broken = std::fs::read_to_string(pending("agreed"))
        .unwrap()
        .replace("Greetings", "Broken");
    std::fs::write(pending("agreed"), broken).unwrap();
    let third = witness(root, &["run", "--format", "json", "agreed"], &[], "");
    assert_eq!(third.code, Some(0), "{}", third.stdout);
    assert!(
        !pending("agreed").exists(),
        "the stale .snap.new is still there"
    );

    // `witness reject` drops what is pending; with nothing pending it says so.
    let rejected = witness(root, &["reject"], &[], "");
    assert!(
        rejected.stdout.contains("no pending snapshots"),
        "{}",
        rejected.stdout
    );
}
