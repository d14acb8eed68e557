//! Self-test of `witness new`'s scaffold: a fixture for a world holding every kind of WIT
//! value (a record, a variant, an enum, flags, options, results with and without payloads,
//! lists, a tuple, 64-bit integers, a char), a function of the world itself, an exported
//! interface with a resource (constructor, method, static), a type `use`d from an interface
//! and an imported function returning a result. Its three stub guests build with the real
//! toolchains; one call in each language, made through the host, traps naming its function;
//! and the fixture run by the harness fails in each language only because the stubs trap and
//! there is no snapshot yet: its calls and import answers parse and fit the world.

mod common;

use common::Scratch;
use witness_harness::builder::{GuestBuilder, Placement};
use witness_harness::error::{SnapshotError, TrialError};
use witness_harness::fixture::Fixture;
use witness_harness::language::Language;
use witness_harness::paths::ProjectPaths;
use witness_harness::runner::{RunOptions, TrialStatus};
use witness_harness::scaffold::{NewFixture, new_fixture};
use witness_harness::toolchain::BuildRequest;
use witness_host::{CallOutcome, Host, HostOptions, parse_call};

const WIT: &str = "package selftest:scaffold@0.1.0;

interface types {
    record heading { level: u8, text: string }
}

interface host {
    use types.{heading};
    lookup: func(key: string) -> result<heading, string>;
}

interface shapes {
    variant shape { circle(f64), dot }
    enum color { red, green }
    flags perms { read, write }
    resource counter {
        constructor(start: u64);
        add: func(n: s64) -> u64;
        make: static func(first: char) -> counter;
    }
    area: func(s: shape, c: color, p: perms, tags: list<string>, pair: tuple<u8, char>)
        -> option<f64>;
}

world filter {
    use types.{heading};
    import host;
    export shapes;
    export word-count: func(h: heading, text: string) -> result<u64, string>;
    export check: func(strict: option<bool>) -> result;
}
";

const NAME: &str = "scaffolded";
const SHAPES: &str = "selftest:scaffold/shapes@0.1.0";

/// The calls the scaffold writes to run as they are, and the function each names.
const RUNNABLE: [(&str, &str); 5] = [
    ("word-count", "word-count({level: 0, text: \"\"}, \"\")"),
    ("check", "check(none)"),
    ("counter.new", "counter.new(0)"),
    ("counter.make", "counter.make('a')"),
    ("area", "area(circle(0.0), red, {}, [], (0, 'a'))"),
];

/// One call in each language, made by hand through the host: a world function, one
/// returning `result` without payloads (JavaScript fails those differently), and a
/// resource's constructor.
fn one_call(language: Language) -> (Option<&'static str>, &'static str, &'static str) {
    match language {
        Language::Rust => (
            None,
            "word-count({level: 0, text: \"\"}, \"\")",
            "word-count",
        ),
        Language::Js => (None, "check(none)", "check"),
        Language::Python => (Some(SHAPES), "counter.new(0)", "counter.new"),
    }
}

#[test]
fn scaffolded_stubs_build_trap_naming_their_function_and_their_fixture_fits_the_world() {
    let scratch = Scratch::new();
    let given = scratch.fixtures().with_file_name("given");
    std::fs::create_dir_all(&given).unwrap();
    std::fs::write(given.join("filter.wit"), WIT).unwrap();
    let paths = ProjectPaths::at(witness_harness::paths::this_repository())
        .with_fixtures(scratch.fixtures());
    let done = new_fixture(
        &paths,
        &NewFixture {
            name: NAME.into(),
            wit: Some(given),
            world: None,
        },
    )
    .expect("the world is scaffolded");
    assert_eq!(done.calls, RUNNABLE.len());
    let fixture = Fixture::load(&done.dir);
    let file = fixture.file.as_ref().expect("the fixture.toml parses");
    let invoked: Vec<&str> = file.calls.iter().map(|c| c.invoke.as_str()).collect();
    let expected: Vec<&str> = RUNNABLE.iter().map(|(_, call)| *call).collect();
    assert_eq!(invoked, expected);
    assert_eq!(file.imports.len(), 1, "lookup, the import with a result");

    let required = RunOptions::from_env()
        .expect("valid WITNESS_* variables")
        .required;
    let builder = GuestBuilder::new(&paths, required);
    let host = Host::with_options(&HostOptions::cached_in(&paths.cache)).unwrap();
    let wit = fixture.wit_dir(&paths, None).unwrap();
    let mut built = Vec::new();
    for language in Language::ALL {
        if let Some(reason) = builder.skip_reason(language) {
            eprintln!("skipping {language}: {reason}");
            continue;
        }
        let guest = fixture.guest_path(language);
        let output = paths.artifact(NAME, language);
        let request = BuildRequest {
            fixture: NAME,
            side: witness_harness::fixture::Side::Runner,
            guest: &guest,
            wit: &wit,
            world: &file.world,
            output: &output,
        };
        let name = format!("{NAME}::{language}");
        builder
            .build(&name, language, &request, Placement::Link, &|_| true)
            .unwrap_or_else(|e| panic!("the {language} stub does not build: {e}"));
        let component = host.load(&output).unwrap();
        let scratch_dir = tempfile::tempdir().unwrap();
        let mut settings = fixture.settings(file, scratch_dir.path()).unwrap();
        settings.imports =
            witness_harness::imports::for_component(&file.imports, component.scripted_imports())
                .imports;
        let mut instance = host.instantiate(&component, &settings).unwrap();
        let (interface, call, function) = one_call(language);
        let record = instance
            .call(&parse_call(call).unwrap(), interface)
            .unwrap_or_else(|e| panic!("{language}: `{call}` cannot be made: {e}"));
        let CallOutcome::Trapped { detail, .. } = &record.outcome else {
            panic!("{language}: `{call}` did not trap: {:?}", record.outcome);
        };
        let said = format!("{detail}\n{}", record.stderr.text);
        assert!(
            said.contains(&format!("not implemented: {function}")),
            "{language}: `{call}` trapped without naming {function}:\n{said}"
        );
        built.push(language);
    }

    let results = scratch.run_in(&Language::ALL);
    for (trial, status) in &results {
        let language: Language = trial.rsplit("::").next().unwrap().parse().unwrap();
        let failure = match status {
            TrialStatus::Skipped(_) if !built.contains(&language) => continue,
            TrialStatus::Failed(failure) => failure,
            other => panic!("{trial}: {other:?}"),
        };
        let outcome = match &failure.error {
            TrialError::Snapshot(SnapshotError::Missing { outcome, .. }) => outcome,
            other => panic!("{trial} fails for another reason than a missing snapshot: {other}"),
        };
        assert_eq!(
            outcome.matches("  trap: unreachable\n").count(),
            RUNNABLE.len(),
            "{trial}: every call traps:\n{outcome}"
        );
        let detail = failure.detail.as_deref().unwrap_or_default();
        for (function, _) in RUNNABLE {
            assert!(
                detail.contains(&format!("not implemented: {function}")),
                "{trial}: the trap of {function} does not name it:\n{detail}"
            );
        }
    }
    assert_eq!(
        results.len(),
        Language::ALL.len(),
        "a trial per language: {results:?}"
    );
}
