//! Self-tests of composition fixtures (`[compose]`): a Rust runner composed with a Rust
//! provider runs as one component, the host answering what neither guest provides; a runner
//! import that the provider does not export and no `[[import]]` answers fails its trial naming
//! the import; a provider world that is not there, an `[own-snapshot]`, a `side` on a fixture
//! without `[compose]`, and a missing provider guest each fail as they should.

mod common;

use common::{Scratch, failure};
use witness_harness::error::TrialError;

const WIT: &str = "package selftest:pair;\n\n\
                   interface values {\n    double: func(x: u32) -> u32;\n}\n\n\
                   interface extra {\n    now: func() -> u64;\n}\n\n\
                   world provider {\n    export values;\n}\n\n\
                   world runner {\n    import values;\n    import extra;\n    \
                   export run: func(x: u32) -> u64;\n}\n";

const RUNNER: &str = "use selftest::pair::{extra, values};\n\nstruct R;\n\n\
                      impl Guest for R {\n    fn run(x: u32) -> u64 {\n        \
                      u64::from(values::double(x)) + extra::now()\n    }\n}\n\nexport!(R);\n";

const PROVIDER: &str = "use exports::selftest::pair::values::Guest;\n\nstruct P;\n\n\
                        impl Guest for P {\n    fn double(x: u32) -> u32 {\n        \
                        x.wrapping_mul(2)\n    }\n}\n\nexport!(P);\n";

/// A composition fixture `name` in Rust: the runner and provider above, and `body` after the
/// fixture.toml's description, world and `[compose]`.
fn composition(scratch: &Scratch, name: &str, body: &str) {
    let toml = format!("[compose]\nprovider = \"provider\"\n\n{body}");
    scratch.rust_fixture(name, WIT, RUNNER, "runner", &toml);
    scratch.write(name, "provider/guest.rs", PROVIDER);
}

#[test]
fn a_composed_pair_runs_and_an_unplugged_import_is_named() {
    let scratch = Scratch::new();
    let call = "[[call]]\ninvoke = \"run(2)\"\nexpect = \"14\"\n";
    let answered = format!(
        "{call}\n[[import]]\ninterface = \"selftest:pair/extra\"\nfunction = \"now\"\nreturns = \"10\"\n"
    );
    composition(&scratch, "selftest-composed", &answered);
    composition(&scratch, "selftest-unplugged", call);
    let results = scratch.run();

    // The provider doubled 2, the host answered `now`: the only failure is the missing
    // snapshot, whose outcome shows the host's call the runner made.
    let composed = failure(&results, "selftest-composed::rust+rust");
    let kinds: Vec<&str> = composed.errors().map(|e| e.kind()).collect();
    assert_eq!(kinds, ["snapshot-missing"], "{}", composed.error);
    let text = composed.error.to_string();
    assert!(text.contains("result: 14"), "{text}");
    assert!(
        text.contains("host: selftest:pair/extra.now() -> 10"),
        "{text}"
    );
    let component = composed.context.component.as_ref().unwrap();
    assert!(
        component.ends_with("selftest-composed/rust+rust.wasm"),
        "{component:?}"
    );
    let rendered = composed.render(
        "selftest-composed",
        "rust+rust"
            .parse::<witness_harness::language::Lineup>()
            .unwrap(),
    );
    assert!(
        rendered.contains("a rust runner composed with a rust provider")
            && rendered.contains("provider guest: ")
            && rendered.contains("--exact selftest-composed::rust+rust"),
        "{rendered}"
    );

    // Nothing provides `extra` here: the trial names the runner's import.
    let unplugged = failure(&results, "selftest-unplugged::rust+rust");
    assert_eq!(
        unplugged.error.kind(),
        "unplugged-import",
        "{}",
        unplugged.error
    );
    let message = unplugged.error.to_string();
    assert!(
        message.contains("selftest:pair/extra.now: func() -> u64")
            && message.contains("the rust (")
            && message.contains("provider does not export"),
        "{message}"
    );
}

#[test]
fn bad_composition_fixtures_fail_naming_what_is_wrong() {
    let scratch = Scratch::new();
    let call = "[[call]]\ninvoke = \"run(2)\"\n";
    // A provider world the WIT does not have.
    scratch.rust_fixture(
        "selftest-no-provider-world",
        WIT,
        RUNNER,
        "runner",
        &format!("[compose]\nprovider = \"supplier\"\n\n{call}"),
    );
    scratch.write("selftest-no-provider-world", "provider/guest.rs", PROVIDER);
    // No provider guest at all: the pair is missing its guest.
    scratch.rust_fixture(
        "selftest-no-provider-guest",
        WIT,
        RUNNER,
        "runner",
        &format!("[compose]\nprovider = \"provider\"\n\n{call}"),
    );
    // A language's own snapshot: the nine pairs share one.
    composition(
        &scratch,
        "selftest-own-composed",
        &format!("{call}\n[own-snapshot]\nrust = \"why\"\n"),
    );
    // `side` where nothing is composed.
    scratch.rust_fixture(
        "selftest-side-alone",
        "package selftest:one;\n\nworld one {\n    export run: func(x: u32) -> u64;\n}\n",
        "struct O;\nimpl Guest for O {\n    fn run(x: u32) -> u64 {\n        u64::from(x)\n    }\n}\nexport!(O);\n",
        "one",
        &format!(
            "{call}\n[[known-divergence]]\nlanguage = \"rust\"\nside = \"provider\"\nfunction = \"run\"\n\
             reason = \"r\"\nupstream = \"https://example.com\"\n"
        ),
    );
    let results = scratch.run();
    let bad = |trial: &str| match &failure(&results, trial).error {
        TrialError::BadFixture(e) => e.to_string(),
        other => panic!("{trial}: {other:?}"),
    };
    let text = bad("selftest-no-provider-world::rust+rust");
    assert!(
        text.contains("[compose] provider")
            && text.contains("no world `supplier`")
            && text.contains("provider, runner"),
        "{text}"
    );
    match &failure(&results, "selftest-no-provider-guest::rust+rust").error {
        TrialError::MissingGuest { guest, .. } => {
            assert!(
                guest.ends_with("selftest-no-provider-guest/provider/guest.rs"),
                "{guest:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    let text = bad("selftest-own-composed::rust+rust");
    assert!(
        text.contains("[own-snapshot] is not for composition fixtures"),
        "{text}"
    );
    let text = bad("selftest-side-alone::rust");
    assert!(
        text.contains("`side` is for composition fixtures"),
        "{text}"
    );
}
