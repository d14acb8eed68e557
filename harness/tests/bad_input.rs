//! The harness tests itself with broken fixtures: each bad input fails its own trial with
//! the typed error that names what is wrong (the file, the line, the call, the tool's own
//! output), while a good fixture in the same session still passes. The rendered text of a
//! few representative failures is snapshotted (`tests/snapshots/`), so its format cannot
//! drift unnoticed.

mod common;

use common::{Scratch, failure, shared_snapshot};
use witness_harness::error::{BuildError, SnapshotError, TrialError};
use witness_harness::language::Language;
use witness_harness::paths::ProjectPaths;
use witness_harness::runner::TrialStatus;
use witness_host::CallError;

const GREETER: &str = "struct G;\nimpl Guest for G {\n    fn greeting(name: String) -> String {\n        \
                       format!(\"hi {name}\")\n    }\n}\nexport!(G);\n";

fn fixture_toml(extra: &str) -> String {
    format!("description = \"a broken case\"\nworld = \"greeter\"\n{extra}")
}

#[test]
fn every_bad_input_fails_its_own_trial_and_the_good_fixture_still_passes() {
    let scratch = Scratch::new();
    let repo_fixtures = ProjectPaths::at(witness_harness::paths::this_repository()).fixtures;
    scratch.copy_fixture(&repo_fixtures.join("greeting"), "selftest-good");

    scratch.write(
        "selftest-wrong-expect",
        "fixture.toml",
        &fixture_toml("[[call]]\ninvoke = 'greeting(\"Ben\")'\nexpect = '\"bye Ben\"'\n"),
    );
    scratch.write("selftest-wrong-expect", "guest.rs", GREETER);

    scratch.write(
        "selftest-compile-error",
        "fixture.toml",
        &fixture_toml("[[call]]\ninvoke = 'greeting(\"Ben\")'\n"),
    );
    scratch.write(
        "selftest-compile-error",
        "guest.rs",
        "struct G;\nimpl Guest for G {\n    fn greeting(name: String) -> String {\n        \
         name + 1\n    }\n}\nexport!(G);\n",
    );

    scratch.write(
        "selftest-unknown-key",
        "fixture.toml",
        &fixture_toml("[[call]]\ninvoke = 'greeting(\"Ben\")'\nexpected = '\"x\"'\n"),
    );
    scratch.write("selftest-unknown-key", "guest.rs", GREETER);

    scratch.write(
        "selftest-bad-wave",
        "fixture.toml",
        &fixture_toml("[[call]]\ninvoke = 'greeting(\"Ben\"'\n"),
    );
    scratch.write("selftest-bad-wave", "guest.rs", GREETER);

    scratch.write(
        "selftest-wrong-argument",
        "fixture.toml",
        &fixture_toml(
            "[[call]]\ninvoke = 'greeting(\"Ben\")'\n[[call]]\ninvoke = 'greeting(42)'\n",
        ),
    );
    scratch.write("selftest-wrong-argument", "guest.rs", GREETER);

    scratch.write(
        "selftest-no-such-function",
        "fixture.toml",
        &fixture_toml("[[call]]\ninvoke = 'greet(\"Ben\")'\n"),
    );
    scratch.write("selftest-no-such-function", "guest.rs", GREETER);

    // A world that imports an interface of its own, which the fixture does not script.
    scratch.write(
        "selftest-unknown-import",
        "fixture.toml",
        "description = \"d\"\nworld = \"needs-more\"\n[[call]]\ninvoke = 'greeting(\"Ben\")'\n",
    );
    scratch.write(
        "selftest-unknown-import",
        "wit/world.wit",
        "package selftest:imports@0.1.0;\ninterface clock {\n    now: func() -> u64;\n}\n\
         world needs-more {\n    import clock;\n    export greeting: func(name: string) -> string;\n}\n",
    );
    scratch.write(
        "selftest-unknown-import",
        "guest.rs",
        "struct G;\nimpl Guest for G {\n    fn greeting(name: String) -> String {\n        \
         format!(\"{name} at {}\", selftest::imports::clock::now())\n    }\n}\nexport!(G);\n",
    );

    scratch.write(
        "selftest-no-such-world",
        "fixture.toml",
        "description = \"d\"\nworld = \"greeterz\"\n",
    );
    scratch.write("selftest-no-such-world", "guest.rs", GREETER);

    let results = scratch.run();
    assert_eq!(results.len(), 9, "{results:?}");

    let good = results
        .iter()
        .find(|(n, _)| n == "selftest-good::rust")
        .unwrap();
    assert!(matches!(good.1, TrialStatus::Passed), "{:?}", good.1);

    let fixtures = scratch.fixtures();
    match &failure(&results, "selftest-wrong-expect::rust").error {
        TrialError::Expectations { mismatches } => {
            assert_eq!(mismatches.len(), 1);
            let m = &mismatches[0];
            assert_eq!((m.call, m.expected.as_str()), (1, "\"bye Ben\""));
            assert_eq!(m.actual, "\"hi Ben\"");
        }
        other => panic!("{other:?}"),
    }

    match &failure(&results, "selftest-compile-error::rust").error {
        TrialError::Build(BuildError::Failed { guest, error }) => {
            assert_eq!(guest, &fixtures.join("selftest-compile-error/guest.rs"));
            let tool = error.to_string();
            assert!(
                tool.contains("error[E0"),
                "the compiler's own output: {tool}"
            );
            assert!(
                tool.contains("selftest-compile-error/guest.rs:4:"),
                "the compiler points at the guest's own line: {tool}"
            );
        }
        other => panic!("{other:?}"),
    }

    match &failure(&results, "selftest-unknown-key::rust").error {
        TrialError::BadFixture(e) => {
            assert_eq!(e.file, fixtures.join("selftest-unknown-key/fixture.toml"));
            assert_eq!(e.line, Some(5));
            assert!(e.message.contains("unknown field `expected`"), "{e}");
        }
        other => panic!("{other:?}"),
    }

    match &failure(&results, "selftest-bad-wave::rust").error {
        TrialError::BadFixture(e) => {
            assert!(e.message.starts_with("[[call]] #1: "), "{e}");
            assert!(e.message.contains("is not a WAVE function call"), "{e}");
        }
        other => panic!("{other:?}"),
    }

    match &failure(&results, "selftest-wrong-argument::rust").error {
        TrialError::Call {
            call: 2, source, ..
        } => match source.as_ref() {
            CallError::Arguments {
                name,
                message,
                value,
                ..
            } => {
                assert_eq!(name, "greeting");
                assert!(
                    message.starts_with("argument `name` (expects string)"),
                    "{message}"
                );
                let value = value.as_deref().expect("the argument's own error");
                assert_eq!((value.fragment(), value.ty.as_str()), ("42", "string"));
                assert_eq!(
                    value.hint.as_deref(),
                    Some("a string is written in double quotes: \"42\"")
                );
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }

    match &failure(&results, "selftest-no-such-function::rust").error {
        TrialError::Call {
            call: 1, source, ..
        } => match source.as_ref() {
            CallError::NoSuchFunction {
                name,
                available,
                suggestion,
                ..
            } => {
                assert_eq!(name, "greet");
                assert_eq!(available, &["greeting"]);
                assert_eq!(suggestion.as_deref(), Some("greeting"));
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }

    match &failure(&results, "selftest-unknown-import::rust").error {
        TrialError::BadFixture(e) => assert_eq!(
            e.message,
            "the component imports `selftest:imports/clock@0.1.0.now: func() -> u64`, which no \
             [[import]] answers; add one with `function` and `returns`"
        ),
        other => panic!("{other:?}"),
    }

    match &failure(&results, "selftest-no-such-world::rust").error {
        TrialError::BadFixture(e) => {
            assert!(e.message.contains("has no world `greeterz`"), "{e}");
            assert!(
                e.message.ends_with("its worlds are: plugin, greeter"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }

    for trial in [
        "selftest-wrong-expect::rust",
        "selftest-unknown-key::rust",
        "selftest-wrong-argument::rust",
        "selftest-no-such-world::rust",
    ] {
        let name = trial.replace("::", "-");
        insta::assert_snapshot!(name, scratch.rendered(&results, trial));
    }
}

#[test]
fn a_language_that_disagrees_with_the_shared_snapshot_fails_with_a_diff() {
    let scratch = Scratch::new();
    let repo_fixtures = ProjectPaths::at(witness_harness::paths::this_repository()).fixtures;
    scratch.copy_fixture(&repo_fixtures.join("greeting"), "selftest-disagree");
    // Same world and result, different stdout: the expect passes, the snapshot does not.
    scratch.write(
        "selftest-disagree",
        "guest.rs",
        "struct G;\nimpl Guest for G {\n    fn greeting(name: String) -> String {\n        \
         println!(\"STDIO WORKS?\");\n        format!(\"Greetings {name}! I'm a WASI plugin!\")\n    \
         }\n}\nexport!(G);\n",
    );
    let pending = scratch
        .fixtures()
        .join("selftest-disagree/snapshots/selftest-disagree.snap.new");
    // Python still matches the snapshot: Rust is the language that changed, and nothing
    // is proposed.
    let results = scratch.run_in(&[Language::Rust, Language::Python]);
    match results
        .iter()
        .find(|(n, _)| n == "selftest-disagree::python")
    {
        Some((_, TrialStatus::Skipped(reason))) => eprintln!("python skipped: {reason}"),
        _ => {
            match &failure(&results, "selftest-disagree::rust").error {
                TrialError::Snapshot(SnapshotError::DisagreesWith { others, diff, .. }) => {
                    assert_eq!(others, &[Language::Python.into()]);
                    assert!(
                        diff.contains("-  stdout| STDIO WORKS!")
                            && diff.contains("+  stdout| STDIO WORKS?"),
                        "{diff}"
                    );
                }
                other => panic!("{other:?}"),
            }
            assert!(
                !pending.exists(),
                "a language that disagrees proposed a snapshot"
            );
        }
    }
    // Rust alone: its new outcome is proposed for review.
    let results = scratch.run();
    match &failure(&results, "selftest-disagree::rust").error {
        TrialError::Snapshot(SnapshotError::Differs { diff, accept, .. }) => {
            assert!(
                diff.contains("-  stdout| STDIO WORKS!")
                    && diff.contains("+  stdout| STDIO WORKS?"),
                "{diff}"
            );
            assert!(
                accept.contains("witness -- review selftest-disagree"),
                "{accept}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(pending.is_file());
    insta::assert_snapshot!(
        "selftest-disagree-rust",
        scratch.rendered(&results, "selftest-disagree::rust")
    );
}

#[test]
fn a_language_with_its_own_snapshot_fails_once_it_agrees_again() {
    let scratch = Scratch::new();
    let repo_fixtures = ProjectPaths::at(witness_harness::paths::this_repository()).fixtures;
    // guest-panic traps in Rust with a panic message on stderr: its own snapshot would hold
    // that stderr, but the language-neutral outcome is the shared snapshot's.
    scratch.copy_fixture(&repo_fixtures.join("guest-panic"), "selftest-own");
    let toml = scratch.fixtures().join("selftest-own/fixture.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        format!("{text}\n[own-snapshot]\nrust = \"once differed\"\n"),
    )
    .unwrap();
    let results = scratch.run();
    match &failure(&results, "selftest-own::rust").error {
        TrialError::Snapshot(SnapshotError::OwnSnapshotAgrees {
            language,
            fixture_file,
            ..
        }) => {
            assert_eq!(*language, Language::Rust);
            assert_eq!(fixture_file, &toml);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn broken_js_and_python_guests_fail_with_the_tools_own_message() {
    let scratch = Scratch::new();
    let toml = fixture_toml("[[call]]\ninvoke = 'greeting(\"Ben\")'\n");
    let cases = [
        (
            "selftest-js-syntax",
            "guest.js",
            "export function greeting(name) {\n  return `hi ${name}`;;\n}}\n",
        ),
        (
            "selftest-js-no-export",
            "guest.js",
            "export function greet(name) {\n  return name;\n}\n",
        ),
        (
            "selftest-py-import",
            "guest.py",
            "import no_such_module\nimport wit_world\n\nclass WitWorld(wit_world.WitWorld):\n    def greeting(self, name):\n        return name\n",
        ),
        (
            "selftest-py-class",
            "guest.py",
            "import wit_world\n\nclass Greeter(wit_world.WitWorld):\n    def greeting(self, name):\n        return name\n",
        ),
    ];
    for (name, file, text) in cases {
        scratch.write(name, "fixture.toml", &toml);
        scratch.write(name, file, text);
    }
    let results = scratch.run_in(&[Language::Js, Language::Python]);
    assert_eq!(results.len(), 4, "{results:?}");
    let expectations = [
        ("selftest-js-syntax::js", "Unexpected token"),
        ("selftest-js-no-export::js", "greeting"),
        (
            "selftest-py-import::python",
            "No module named 'no_such_module'",
        ),
        ("selftest-py-class::python", "has no attribute 'WitWorld'"),
    ];
    for (trial, tool_text) in expectations {
        let status = &results.iter().find(|(n, _)| n == trial).unwrap().1;
        if let TrialStatus::Skipped(reason) = status {
            eprintln!("{trial} skipped (its toolchain is missing and not required): {reason}");
            continue;
        }
        let fixture = trial.split("::").next().unwrap();
        match &failure(&results, trial).error {
            TrialError::Build(BuildError::Failed { guest, error }) => {
                assert_eq!(
                    guest.parent(),
                    Some(scratch.fixtures().join(fixture).as_path())
                );
                let tool = error.to_string();
                assert!(
                    tool.contains(tool_text),
                    "{trial} shows the tool's message ({tool_text}): {tool}"
                );
            }
            other => panic!("{trial}: {other:?}"),
        }
    }
}

/// The error of a trial that must fail with a bad fixture, as text.
fn bad_fixture(results: &[(String, TrialStatus)], trial: &str) -> String {
    match &failure(results, trial).error {
        TrialError::BadFixture(e) => e.to_string(),
        other => panic!("{trial}: {other:?}"),
    }
}

#[test]
fn hostile_fixture_directories_and_config_are_refused_naming_the_file() {
    let scratch = Scratch::new();
    let call = "[[call]]\ninvoke = 'greeting(\"Ben\")'\n";
    let cases = [
        ("selftest-dir-absolute", "[wasi]\ndir = \"/etc\"\n"),
        (
            "selftest-dir-parent",
            "[wasi]\ndir = \"../selftest-dir-link\"\n",
        ),
        ("selftest-dir-link", "[wasi]\ndir = \"files\"\n"),
        ("selftest-dir-through", "[wasi]\ndir = \"etc/.\"\n"),
        (
            "selftest-time-overflow",
            "[limits]\ntime = \"100000000 years\"\n",
        ),
        ("selftest-wit-loop", ""),
        ("selftest-wit-zero", ""),
        ("selftest-same.name", ""),
        ("selftest-Same-Name", ""),
    ];
    for (name, extra) in cases {
        let world = if name.starts_with("selftest-wit-") {
            "description = \"d\"\nworld = \"w\"\n".to_string()
        } else {
            fixture_toml("")
        };
        scratch.write(name, "fixture.toml", &format!("{world}{call}{extra}"));
        scratch.write(name, "guest.rs", GREETER);
    }
    let fixtures = scratch.fixtures();
    // A committed symbolic link to a file outside the fixture.
    std::fs::create_dir_all(fixtures.join("selftest-dir-link/files")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", fixtures.join("selftest-dir-link/files/k")).unwrap();
    // A link on the way to the granted directory.
    std::os::unix::fs::symlink("/etc", fixtures.join("selftest-dir-through/etc")).unwrap();
    // A WIT directory with a loop, and one with a file that never ends.
    scratch.write(
        "selftest-wit-loop",
        "wit/world.wit",
        "package a:b;\nworld w { export greeting: func(name: string) -> string; }\n",
    );
    std::os::unix::fs::symlink(".", fixtures.join("selftest-wit-loop/wit/again")).unwrap();
    std::fs::create_dir_all(fixtures.join("selftest-wit-zero/wit")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", fixtures.join("selftest-wit-zero/wit/zero.wit"))
        .unwrap();

    let results = scratch.run();
    let m = bad_fixture(&results, "selftest-dir-absolute::rust");
    assert!(
        m.contains("[wasi] dir = \"/etc\": name a directory inside the fixture"),
        "{m}"
    );
    let m = bad_fixture(&results, "selftest-dir-parent::rust");
    assert!(m.contains("without `..`"), "{m}");
    let m = bad_fixture(&results, "selftest-dir-link::rust");
    assert!(
        m.contains("selftest-dir-link/files/k is a symbolic link"),
        "{m}"
    );
    let m = bad_fixture(&results, "selftest-dir-through::rust");
    assert!(m.contains("leads outside the fixture, to /etc"), "{m}");
    let m = bad_fixture(&results, "selftest-time-overflow::rust");
    assert!(m.contains("longer than the longest time limit"), "{m}");
    assert!(m.contains("selftest-time-overflow/fixture.toml:6"), "{m}");
    let m = bad_fixture(&results, "selftest-wit-loop::rust");
    assert!(
        m.contains("selftest-wit-loop/wit/again is a symbolic link"),
        "{m}"
    );
    let m = bad_fixture(&results, "selftest-wit-zero::rust");
    assert!(
        m.contains("selftest-wit-zero/wit/zero.wit is a symbolic link"),
        "{m}"
    );
    // Directory order: `selftest-Same-Name` sorts first, `selftest-same.name` clashes with it.
    let m = bad_fixture(&results, "selftest-same.name::rust");
    assert!(m.contains("clashes with `selftest-Same-Name`"), "{m}");
    // The first of the pair runs (it has no snapshot, so it may fail, but not as a clash).
    let first = &results
        .iter()
        .find(|(n, _)| n == "selftest-Same-Name::rust")
        .unwrap()
        .1;
    if let TrialStatus::Failed(f) = first {
        assert!(
            !matches!(f.error, TrialError::BadFixture(_)),
            "{:?}",
            f.error
        );
    }
}

#[test]
fn known_divergences_hold_or_ask_to_be_removed() {
    let scratch = Scratch::new();
    let known = |function: &str| {
        fixture_toml(&format!(
            "[[call]]\ninvoke = 'greeting(\"Ben\")'\nexpect = '\"hello Ben\"'\n\n\
             [[known-divergence]]\nlanguage = \"rust\"\nfunction = \"{function}\"\n\
             reason = \"the test's guest says hi\"\nupstream = \"https://example.com/1\"\n"
        ))
    };
    // The guest says "hi Ben" where the other languages (the snapshot) say "hello Ben".
    for name in [
        "selftest-known-holds",
        "selftest-known-gone",
        "selftest-known-nope",
    ] {
        scratch.write(name, "guest.rs", GREETER);
    }
    scratch.write("selftest-known-holds", "fixture.toml", &known("greeting"));
    shared_snapshot(
        &scratch,
        "selftest-known-holds",
        "call greeting(\"Ben\")\n  result: \"hello Ben\"\n",
    );
    // Here the languages agree: the entry no longer holds.
    scratch.write(
        "selftest-known-gone",
        "fixture.toml",
        &known("greeting").replace("expect = '\"hello Ben\"'", "expect = '\"hi Ben\"'"),
    );
    shared_snapshot(
        &scratch,
        "selftest-known-gone",
        "call greeting(\"Ben\")\n  result: \"hi Ben\"\n",
    );
    scratch.write("selftest-known-nope", "fixture.toml", &known("nope"));

    let results = scratch.run();
    let holds = results
        .iter()
        .find(|(n, _)| n == "selftest-known-holds::rust")
        .unwrap();
    assert!(matches!(holds.1, TrialStatus::Passed), "{:?}", holds.1);

    match &failure(&results, "selftest-known-gone::rust").error {
        TrialError::KnownDivergenceGone { entry, .. } => {
            assert_eq!(
                (entry.language, entry.function.as_str()),
                (Language::Rust, "greeting")
            );
        }
        other => panic!("{other:?}"),
    }
    let m = bad_fixture(&results, "selftest-known-nope::rust");
    assert!(
        m.contains("[[known-divergence]] for rust names `nope`, which world `greeter` does not export; it exports: greeting"),
        "{m}"
    );
}
