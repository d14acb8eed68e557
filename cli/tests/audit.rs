//! `witness audit` through the real binary: a world holding the types behind the known
//! toolchain divergences yields exactly their causes and none for Rust, and `--known` writes
//! them down; a world every toolchain gets right yields none; a reproducer directory fails
//! the cause's language and passes Rust's, and an audit of its own world finds the cause
//! again; random worlds are audited without a panic; bad input is exit status 2 and writes
//! nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use witness_harness::language::Language;
use witness_harness::paths::ProjectPaths;
use witness_harness::runner::RunOptions;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn wit(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/audit")
        .join(name)
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// The binary, run in `dir` with `args`, the default values (no WITNESS_SEED or
/// WITNESS_CASES) and this repository's caches.
fn witness(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let paths = ProjectPaths::at(repo());
    let out = Command::new(env!("CARGO_BIN_EXE_witness"))
        .args(args)
        .current_dir(dir)
        .env_remove("WITNESS_SEED")
        .env_remove("WITNESS_CASES")
        .env_remove("WITNESS_ROOT")
        .env("WITNESS_CACHE_DIR", &paths.cache)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stdout.contains("panicked"),
        "witness {args:?} panicked:\n{}",
        run.stderr
    );
    run
}

/// The languages this machine audits: all, unless a toolchain is missing and not required.
fn languages() -> Vec<Language> {
    let options = RunOptions::from_env().unwrap();
    let session = witness_harness::runner::Session::new(ProjectPaths::at(repo()), options);
    Language::ALL
        .into_iter()
        .filter(|l| match session.skip_reason(*l) {
            Some(reason) => {
                eprintln!("{l} not audited here: {reason}");
                false
            }
            None => true,
        })
        .collect()
}

fn lang_list(languages: &[Language]) -> String {
    languages
        .iter()
        .map(|l| l.name())
        .collect::<Vec<_>>()
        .join(",")
}

/// The causes of a JSON report, as `language type direction kind`, and its summary.
fn causes(run: &Run) -> (Vec<String>, serde_json::Value) {
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let mut found: Vec<String> = lines
        .iter()
        .filter(|l| l["type"] == "cause")
        .map(|l| {
            format!(
                "{} {} {} {}",
                l["language"].as_str().unwrap(),
                l["wit_type"].as_str().unwrap(),
                l["direction"].as_str().unwrap(),
                l["kind"].as_str().unwrap()
            )
        })
        .collect();
    found.sort();
    let summary = lines.last().cloned().unwrap_or_default();
    assert_eq!(summary["type"], "summary", "{}", run.stdout);
    (found, summary)
}

#[test]
fn the_known_divergences_are_found_by_cause_and_none_in_rust() {
    let languages = languages();
    let list = lang_list(&languages);
    let hazards = wit("hazards.wit");
    let args = [
        "audit",
        hazards.to_str().unwrap(),
        "--format",
        "json",
        "--lang",
        &list,
    ];
    let run = witness(&repo(), &args, &[]);
    let (found, summary) = causes(&run);
    // Exactly the componentize-js and componentize-py defects the bundled fixtures write down.
    let expected_js = [
        "js s64 export-argument seen-wrong",
        "js s64 import-result seen-wrong",
        "js s64 relay trap",
        "js s64 roundtrip trap",
        "js string export-argument seen-wrong",
        "js string import-result seen-wrong",
        "js u32 export-result wrong-value",
        "js u32 import-argument wrong-value",
    ];
    let expected_python = [
        "python list<s8> export-argument seen-wrong",
        "python list<s8> import-result seen-wrong",
    ];
    let mut expected: Vec<&str> = Vec::new();
    if languages.contains(&Language::Js) {
        expected.extend(expected_js);
    }
    if languages.contains(&Language::Python) {
        expected.extend(expected_python);
    }
    assert_eq!(found, expected, "{}", run.stderr);
    assert!(!found.iter().any(|c| c.starts_with("rust ")));
    assert_eq!(run.code, Some(if expected.is_empty() { 0 } else { 1 }));
    assert_eq!(summary["types"], 10);

    // Written down as known, the same findings pass.
    let dir = tempfile::tempdir().unwrap();
    let known = dir.path().join("known.toml");
    let mut entries = String::new();
    for cause in &expected {
        let parts: Vec<&str> = cause.split(' ').collect();
        entries.push_str(&format!(
            "[[known-divergence]]\nlanguage = \"{}\"\ntype = \"{}\"\ndirection = \"{}\"\n\
             reason = \"measured\"\nupstream = \"https://example.com\"\n\n",
            parts[0], parts[1], parts[2]
        ));
    }
    std::fs::write(&known, entries).unwrap();
    let mut args = args.to_vec();
    args.extend(["--known", known.to_str().unwrap()]);
    let again = witness(&repo(), &args, &[]);
    let (_, summary) = causes(&again);
    assert_eq!(again.code, Some(0), "{}", again.stdout);
    assert_eq!(summary["known"], expected.len());
}

#[test]
fn a_world_every_toolchain_gets_right_has_no_hazard() {
    let list = lang_list(&languages());
    let right = wit("right.wit");
    let run = witness(
        &repo(),
        &["audit", right.to_str().unwrap(), "--lang", &list],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("20 type(s), 128 case(s) each (seed 0): 0 cause(s)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("wrong"), "{}", run.stdout);
}

#[test]
fn a_reproducer_fails_its_language_and_passes_rust() {
    let languages = languages();
    if !languages.contains(&Language::Js) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("edge.wit");
    std::fs::write(
        &world,
        "package selftest:edge;\n\nworld edge {\n    export take: func(x: u32) -> u32;\n}\n",
    )
    .unwrap();
    let out = dir.path().join("repro");
    let run = witness(
        &repo(),
        &[
            "audit",
            world.to_str().unwrap(),
            "--lang",
            "rust,js",
            "--reproduce",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    let fixtures = out.join("fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["js-u32-export-result", "js-u32-import-argument"]);
    let fixture = fixtures.join("js-u32-export-result");
    let report = std::fs::read_to_string(fixture.join("REPORT.md")).unwrap();
    for wanted in [
        "componentize-js 0.23.0",
        "echo-0(2147483648)",
        "- expected: `2147483648`",
        "- got: `0`",
        "```wit",
        "export function echo0",
    ] {
        assert!(
            report.contains(wanted),
            "REPORT.md lacks {wanted}:\n{report}"
        );
    }
    assert!(
        fixture
            .join("snapshots/js-u32-export-result.snap")
            .is_file()
    );

    // `witness run` there: JavaScript fails, Rust passes.
    let target = ProjectPaths::at(repo()).out.parent().unwrap().to_path_buf();
    let run = witness(
        &out,
        &["run", "--format", "json"],
        &[
            ("WITNESS_LANGS", "rust,js"),
            ("CARGO_TARGET_DIR", target.to_str().unwrap()),
            ("INSTA_UPDATE", "no"),
        ],
    );
    let trials: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|l: &serde_json::Value| l["type"] == "trial")
        .collect();
    assert_eq!(trials.len(), 4, "{}", run.stdout);
    for trial in &trials {
        let wanted = match trial["language"].as_str() {
            Some("rust") => "passed",
            _ => "failed",
        };
        assert_eq!(trial["status"], wanted, "{trial}");
    }

    // The reproducer's own world, audited, shows the cause again.
    let run = witness(
        &repo(),
        &[
            "audit",
            fixture.join("wit").to_str().unwrap(),
            "--lang",
            "rust,js",
            "--format",
            "json",
        ],
        &[],
    );
    // (Its own audit checks u32 every way, so finds the import argument's cause too.)
    let (found, _) = causes(&run);
    assert!(
        found.contains(&"js u32 export-result wrong-value".to_string()),
        "{found:?}"
    );
    assert!(found.iter().all(|c| c.starts_with("js u32 ")), "{found:?}");
}

#[test]
fn random_worlds_are_audited_without_a_panic() {
    let run = witness(
        &repo(),
        &[
            "audit", "--random", "8", "--seed", "5", "--lang", "rust", "--format", "json",
        ],
        &[],
    );
    let (found, summary) = causes(&run);
    assert_eq!(summary["worlds"], 8, "{}", run.stderr);
    assert!(found.is_empty(), "{found:?}");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn bad_input_is_exit_status_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.wit");
    std::fs::write(
        &broken,
        "package a:b;\nworld w {\n  export f: func(x: nope);\n}\n",
    )
    .unwrap();
    let two = dir.path().join("two.wit");
    std::fs::write(&two, "package a:c;\nworld one {}\nworld other {}\n").unwrap();
    let full = dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("x"), "").unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![empty.to_str().unwrap()], "no WIT here"),
        (vec![broken.to_str().unwrap()], "broken.wit:3"),
        (
            vec![two.to_str().unwrap(), "--world", "three"],
            "its worlds: one, other",
        ),
        (vec!["--random", "0"], "--random 0"),
        (
            vec![two.to_str().unwrap(), "--reproduce", full.to_str().unwrap()],
            "exists and is not empty",
        ),
        (vec![], "give the WIT to audit"),
    ];
    for (args, wanted) in cases {
        let mut all = vec!["audit"];
        all.extend(args.iter().copied());
        let run = witness(dir.path(), &all, &[]);
        assert_eq!(run.code, Some(2), "{all:?}: {}", run.stderr);
        assert!(run.stderr.contains(wanted), "{all:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{all:?}: {}", run.stdout);
    }
    assert!(!dir.path().join("target").exists());
    assert_eq!(std::fs::read_dir(&full).unwrap().count(), 1);
}

/// Whether `place` (a cause's `touches` entry) is a parameter or result of `function`.
fn names_function(place: &str, function: &str) -> bool {
    let name = function.rsplit('#').next().unwrap_or(function);
    [
        format!(" {name}("),
        format!(" {name} result"),
        format!("#{name}("),
        format!("#{name} result"),
    ]
    .iter()
    .any(|p| place.contains(p.as_str()))
}

#[test]
fn each_bundled_known_divergence_is_a_cause_the_audit_finds_in_its_world() {
    let languages = languages();
    let fixtures = witness_harness::fixture::discover(&repo().join("fixtures")).unwrap();
    for fixture in fixtures {
        let Ok(file) = &fixture.file else { continue };
        let known: Vec<_> = file
            .known_divergences
            .iter()
            .filter(|k| languages.contains(&k.language))
            .collect();
        if known.is_empty() || !fixture.dir.join("wit").is_dir() {
            continue;
        }
        let list = lang_list(&languages);
        let wit = fixture.dir.join("wit");
        let run = witness(
            &repo(),
            &[
                "audit",
                wit.to_str().unwrap(),
                "--world",
                &file.world,
                "--lang",
                &list,
                "--format",
                "json",
            ],
            &[("WITNESS_CASES", "64")],
        );
        let causes: Vec<serde_json::Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|l: &serde_json::Value| l["type"] == "cause")
            .collect();
        for entry in known {
            let found = causes.iter().any(|c| {
                c["language"] == entry.language.name()
                    && c["touches"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|t| names_function(t.as_str().unwrap(), &entry.function))
            });
            assert!(
                found,
                "{}: the audit of world `{}` finds no {} cause touching `{}` ({})\n{}",
                fixture.name, file.world, entry.language, entry.function, entry.reason, run.stdout
            );
        }
    }
}
