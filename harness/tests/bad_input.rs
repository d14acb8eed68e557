//! The harness tests itself with broken fixtures: each bad input fails its own trial with a
//! message that names the fixture, the file and what is wrong, while a good fixture in the
//! same session still passes.

use std::path::{Path, PathBuf};

use witness::language::Language;
use witness::paths::ProjectPaths;
use witness::runner::{RunOptions, Session, TrialStatus};

/// A fixtures directory in a temporary folder, holding copies and hand-written cases.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    fn fixtures(&self) -> PathBuf {
        self.dir.path().join("fixtures")
    }

    fn write(&self, fixture: &str, file: &str, text: &str) {
        let path = self.fixtures().join(fixture).join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn copy_fixture(&self, from: &Path, name: &str) {
        for entry in walk(from) {
            let rel = entry.strip_prefix(from).unwrap();
            let to = self.fixtures().join(name).join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &to).unwrap();
        }
        // The snapshot is named after the fixture.
        let snaps = self.fixtures().join(name).join("snapshots");
        let original = from.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::rename(
            snaps.join(format!("{original}.snap")),
            snaps.join(format!("{name}.snap")),
        )
        .unwrap();
    }

    /// Runs every fixture here in Rust and returns (name, status) pairs.
    fn run(&self) -> Vec<(String, TrialStatus)> {
        self.run_in(&[Language::Rust])
    }

    /// Runs every fixture here in `languages`; a missing toolchain skips its trials unless
    /// the environment requires the language (`CI=true`, `WITNESS_REQUIRE`).
    fn run_in(&self, languages: &[Language]) -> Vec<(String, TrialStatus)> {
        let paths = ProjectPaths::discover().with_fixtures(self.fixtures());
        let mut options = RunOptions::from_env().expect("valid WITNESS_* variables");
        options.languages = Some(languages.to_vec());
        if languages == [Language::Rust] {
            options.required = vec![Language::Rust];
        }
        let session = Session::new(paths, options);
        session
            .trials()
            .unwrap()
            .iter()
            .map(|t| (t.name(), session.run(t).status))
            .collect()
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn failure<'a>(results: &'a [(String, TrialStatus)], name: &str) -> &'a str {
    match results.iter().find(|(n, _)| n == name) {
        Some((_, TrialStatus::Failed(message))) => message,
        Some((_, other)) => panic!("{name} should fail, but: {other:?}"),
        None => panic!("no trial {name} in {results:?}"),
    }
}

const GREETER: &str = "struct G;\nimpl Guest for G {\n    fn greeting(name: String) -> String {\n        \
                       format!(\"hi {name}\")\n    }\n}\nexport!(G);\n";

fn fixture_toml(extra: &str) -> String {
    format!("description = \"a broken case\"\nworld = \"greeter\"\n{extra}")
}

#[test]
fn every_bad_input_fails_its_own_trial_and_the_good_fixture_still_passes() {
    let scratch = Scratch::new();
    let repo_fixtures = ProjectPaths::discover().fixtures;
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

    // A component of another world: it imports an interface the host does not provide.
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

    let m = failure(&results, "selftest-wrong-expect::rust");
    assert!(m.contains("selftest-wrong-expect/fixture.toml"), "{m}");
    assert!(m.contains("expected \"bye Ben\", got \"hi Ben\""), "{m}");
    assert!(
        m.contains("cargo test -- --exact selftest-wrong-expect::rust"),
        "{m}"
    );

    let m = failure(&results, "selftest-compile-error::rust");
    assert!(m.contains("selftest-compile-error/guest.rs"), "{m}");
    assert!(m.contains("error[E0"), "the compiler's own output: {m}");

    let m = failure(&results, "selftest-unknown-key::rust");
    assert!(m.contains("selftest-unknown-key/fixture.toml"), "{m}");
    assert!(m.contains("line 5") && m.contains("expected"), "{m}");

    let m = failure(&results, "selftest-bad-wave::rust");
    assert!(m.contains("[[call]] #1"), "{m}");
    assert!(m.contains("is not a WAVE function call"), "{m}");

    let m = failure(&results, "selftest-wrong-argument::rust");
    assert!(m.contains("[[call]] #2"), "{m}");
    assert!(m.contains("argument `name` (expects string)"), "{m}");

    let m = failure(&results, "selftest-no-such-function::rust");
    assert!(
        m.contains("no function `greet`; it exports: greeting"),
        "{m}"
    );

    let m = failure(&results, "selftest-unknown-import::rust");
    assert!(
        m.contains("selftest:imports/clock@0.1.0"),
        "names the missing import: {m}"
    );
    assert!(m.contains("not found in the linker"), "{m}");

    let m = failure(&results, "selftest-no-such-world::rust");
    assert!(m.contains("no world `greeterz`"), "{m}");
    assert!(m.contains("greeter") && m.contains("plugin"), "{m}");
}

#[test]
fn a_language_that_disagrees_with_the_shared_snapshot_fails_with_a_diff() {
    let scratch = Scratch::new();
    let repo_fixtures = ProjectPaths::discover().fixtures;
    scratch.copy_fixture(&repo_fixtures.join("greeting"), "selftest-disagree");
    // Same world and result, different stdout: the expect passes, the snapshot does not.
    scratch.write(
        "selftest-disagree",
        "guest.rs",
        "struct G;\nimpl Guest for G {\n    fn greeting(name: String) -> String {\n        \
         println!(\"STDIO WORKS?\");\n        format!(\"Greetings {name}! I'm a WASI plugin!\")\n    \
         }\n}\nexport!(G);\n",
    );
    // No insta files may be written by this check under CI; keep the scratch dir clean either way.
    let results = scratch.run();
    let m = failure(&results, "selftest-disagree::rust");
    assert!(m.contains("outcome differs from the snapshot"), "{m}");
    assert!(
        m.contains("-  stdout| STDIO WORKS!") && m.contains("+  stdout| STDIO WORKS?"),
        "{m}"
    );
    assert!(m.contains("cargo insta review"), "{m}");
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
        ("selftest-py-class::python", "WitWorld"),
    ];
    for (trial, tool_text) in expectations {
        let status = &results.iter().find(|(n, _)| n == trial).unwrap().1;
        if let TrialStatus::Skipped(reason) = status {
            eprintln!("{trial} skipped (its toolchain is missing and not required): {reason}");
            continue;
        }
        let m = failure(&results, trial);
        let fixture = trial.split("::").next().unwrap();
        assert!(
            m.contains(&format!("{fixture}/guest.")),
            "names the guest file: {m}"
        );
        assert!(
            m.contains(tool_text),
            "{trial} shows the tool's message ({tool_text}): {m}"
        );
    }
}
