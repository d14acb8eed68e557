//! Self-tests of the generated-value properties: a `[[roundtrip]]` over a function that is
//! not the identity fails, shrunk to the smallest failing input and named; one over the
//! identity passes; a known divergence of a roundtrip holds or asks to be removed; an
//! `[[agree]]` finds a language that computes differently and shows the first input where it
//! differs; a property over the wrong kind of function is a bad fixture that names it.

mod common;

use common::{Scratch, failure, shared_snapshot};
use witness_harness::error::{AgreeDiffers, RoundtripFailed, TrialError};
use witness_harness::language::Language;
use witness_harness::property::PropertySettings;
use witness_harness::runner::TrialStatus;

const WIT: &str = "package selftest:numbers;\n\nworld numbers {\n    \
                   export roundtrip-u32: func(x: u32) -> u32;\n    \
                   export double: func(x: u32) -> u64;\n}\n";

/// A Rust guest whose `roundtrip-u32` is `roundtrip` and whose `double` doubles.
fn rust_guest(roundtrip: &str) -> String {
    format!(
        "struct N;\nimpl Guest for N {{\n    fn roundtrip_u32(x: u32) -> u32 {{\n        \
         {roundtrip}\n    }}\n    fn double(x: u32) -> u64 {{\n        u64::from(x) * 2\n    \
         }}\n}}\nexport!(N);\n"
    )
}

fn fixture(scratch: &Scratch, name: &str, guest: &str, toml: &str) {
    scratch.rust_fixture(name, WIT, guest, "numbers", toml);
}

const ROUNDTRIP: &str = "[[roundtrip]]\nfunction = \"roundtrip-u32\"\n";
const HELD: &str = "roundtrip roundtrip-u32: 256 cases, each result identical to its argument\n";

fn status<'a>(results: &'a [(String, TrialStatus)], name: &str) -> &'a TrialStatus {
    &results
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no trial {name} in {results:?}"))
        .1
}

#[test]
fn roundtrips_pass_for_the_identity_and_fail_shrunk_and_named_otherwise() {
    let scratch = Scratch::new();
    let wrong = rust_guest("if x >= 1000 { x - 1 } else { x }");
    fixture(
        &scratch,
        "selftest-roundtrip-right",
        &rust_guest("x"),
        ROUNDTRIP,
    );
    shared_snapshot(&scratch, "selftest-roundtrip-right", HELD);
    fixture(&scratch, "selftest-roundtrip-wrong", &wrong, ROUNDTRIP);
    // A known divergence of the roundtrip holds while the guest is wrong, and asks to be
    // removed once it is right.
    let known = format!(
        "{ROUNDTRIP}[[known-divergence]]\nlanguage = \"rust\"\nfunction = \"roundtrip-u32\"\n\
         reason = \"the test's guest is off by one from 1000\"\nupstream = \"https://example.com/2\"\n"
    );
    fixture(&scratch, "selftest-roundtrip-known", &wrong, &known);
    shared_snapshot(&scratch, "selftest-roundtrip-known", HELD);
    fixture(
        &scratch,
        "selftest-roundtrip-fixed",
        &rust_guest("x"),
        &known,
    );
    shared_snapshot(&scratch, "selftest-roundtrip-fixed", HELD);
    // A roundtrip over a function whose result type is not its parameter's, and one over a
    // function the world lacks.
    let not_identity = "[[roundtrip]]\nfunction = \"double\"\n";
    fixture(
        &scratch,
        "selftest-roundtrip-double",
        &rust_guest("x"),
        not_identity,
    );
    let missing = "[[agree]]\nfunction = \"triple\"\n";
    fixture(
        &scratch,
        "selftest-agree-missing",
        &rust_guest("x"),
        missing,
    );

    let results = scratch.run();
    let right = status(&results, "selftest-roundtrip-right::rust");
    assert!(matches!(right, TrialStatus::Passed), "{right:?}");

    let wrong = failure(&results, "selftest-roundtrip-wrong::rust");
    match &wrong.error {
        TrialError::RoundtripFailed(failed) => {
            let RoundtripFailed {
                function,
                seed,
                cases,
                failure,
                run_it,
                ..
            } = &**failed;
            assert_eq!(
                (function.as_str(), *seed, *cases),
                ("roundtrip-u32", 0, 256)
            );
            // Every u32 from 1000 up fails: the shrink must find the smallest.
            assert_eq!(failure.shrunk.call, "roundtrip-u32(1000)");
            assert_eq!(failure.shrunk.outcome, "999");
            let first: u64 = failure.first.call["roundtrip-u32(".len()..]
                .trim_end_matches(')')
                .parse()
                .unwrap();
            assert!(first >= 1000, "{first}");
            assert!(
                run_it.contains(" call ")
                    && run_it.contains(" 'roundtrip-u32(1000)' --fixture ")
                    && run_it.ends_with("/fixtures/selftest-roundtrip-wrong"),
                "{run_it}"
            );
        }
        other => panic!("{other:?}"),
    }
    let text = wrong.error.to_string();
    assert!(text.contains("WITNESS_SEED=0 cargo test"), "{text}");

    let known = status(&results, "selftest-roundtrip-known::rust");
    assert!(matches!(known, TrialStatus::Passed), "{known:?}");
    match &failure(&results, "selftest-roundtrip-fixed::rust").error {
        TrialError::KnownDivergenceGone { entry, .. } => {
            assert_eq!(entry.function, "roundtrip-u32")
        }
        other => panic!("{other:?}"),
    }
    match &failure(&results, "selftest-roundtrip-double::rust").error {
        TrialError::BadFixture(e) => assert!(
            e.message.contains(
                "[[roundtrip]] #1 `double`: a roundtrip function takes one argument and \
                 returns a value of the same type; this one is `func(x: u32) -> u64`"
            ),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
    match &failure(&results, "selftest-agree-missing::rust").error {
        TrialError::BadFixture(e) => assert!(
            e.message.contains("[[agree]] #1 `triple`")
                && e.message.contains("roundtrip-u32, double"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn agree_finds_a_language_that_computes_differently() {
    let scratch = Scratch::new();
    let agree = "[[agree]]\nfunction = \"double\"\n";
    fixture(&scratch, "selftest-agree", &rust_guest("x"), agree);
    // The Python guest is wrong from 100000 up.
    scratch.write(
        "selftest-agree",
        "guest.py",
        "import wit_world\n\n\nclass WitWorld(wit_world.WitWorld):\n    \
         def roundtrip_u32(self, x):\n        return x\n\n    def double(self, x):\n        \
         return x * 2 if x < 100000 else x * 2 + 1\n",
    );
    // Other inputs than the default (a replay): without a snapshot to check first, the
    // first language to run is the reference the others are compared with case by case.
    let replay = PropertySettings {
        seed: 11,
        cases: Some(64),
    };
    let results = scratch.run_with(&[Language::Rust, Language::Python], replay);
    if let TrialStatus::Skipped(reason) = status(&results, "selftest-agree::python") {
        eprintln!("skipped: {reason}");
        return;
    }
    let rust = status(&results, "selftest-agree::rust");
    assert!(matches!(rust, TrialStatus::Passed), "{rust:?}");
    match &failure(&results, "selftest-agree::python").error {
        TrialError::AgreeDiffers(differs) => {
            let AgreeDiffers {
                function,
                language,
                other,
                call,
                outcome,
                other_outcome,
                ..
            } = &**differs;
            assert_eq!(
                (function.as_str(), *language, *other),
                ("double", Language::Python.into(), Language::Rust.into())
            );
            let x: u64 = call["double(".len()..]
                .trim_end_matches(')')
                .parse()
                .unwrap();
            assert!(x >= 100000, "{call}");
            assert_eq!(other_outcome, &(2 * x).to_string());
            assert_eq!(outcome, &(2 * x + 1).to_string());
            // Shrunk to the smallest input where the two languages still differ.
            let shrunk = differs.shrunk.as_ref().expect("a smaller differing input");
            assert_eq!(shrunk.call, "double(100000)");
            assert_eq!(
                (shrunk.other_outcome.as_str(), shrunk.outcome.as_str()),
                ("200000", "200001")
            );
            assert!(
                differs.run_it.contains("'double(100000)'"),
                "{}",
                differs.run_it
            );
            assert!(
                differs
                    .replay
                    .starts_with("WITNESS_SEED=11 WITNESS_CASES=64 "),
                "{}",
                differs.replay
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn with_other_inputs_the_calls_are_still_compared_with_the_snapshot() {
    let scratch = Scratch::new();
    let toml = format!("[[call]]\ninvoke = \"roundtrip-u32(5)\"\n\n{ROUNDTRIP}");
    fixture(&scratch, "selftest-replay", &rust_guest("x"), &toml);
    // The snapshot was made with the default inputs and says the call returned 6.
    shared_snapshot(
        &scratch,
        "selftest-replay",
        &format!("call roundtrip-u32(5)\n  result: 6\n{HELD}"),
    );
    let replay = PropertySettings {
        seed: 3,
        cases: None,
    };
    let results = scratch.run_with(&[Language::Rust], replay);
    let failed = failure(&results, "selftest-replay::rust");
    assert_eq!(failed.error.kind(), "snapshot-differs", "{}", failed.error);
    assert!(
        failed.error.to_string().contains("+  result: 5"),
        "{}",
        failed.error
    );
}

#[test]
fn every_failing_property_is_reported_and_the_trial_fails_once() {
    let scratch = Scratch::new();
    let wit = "package selftest:two;\n\nworld two {\n    \
               export roundtrip-u32: func(x: u32) -> u32;\n    \
               export roundtrip-s64: func(x: s64) -> s64;\n}\n";
    // Both are wrong: one from 1000 up, the other for every negative number.
    let guest = "struct T;\nimpl Guest for T {\n    fn roundtrip_u32(x: u32) -> u32 {\n        \
                 if x >= 1000 { x - 1 } else { x }\n    }\n    \
                 fn roundtrip_s64(x: i64) -> i64 {\n        x.abs()\n    }\n}\nexport!(T);\n";
    let toml = "[[call]]\ninvoke = \"roundtrip-u32(7)\"\nexpect = \"8\"\n\n\
                [[roundtrip]]\nfunction = \"roundtrip-u32\"\n\n\
                [[roundtrip]]\nfunction = \"roundtrip-s64\"\n";
    scratch.rust_fixture("selftest-two-failures", wit, guest, "two", toml);
    let results = scratch.run();
    let failed = failure(&results, "selftest-two-failures::rust");
    let kinds: Vec<&str> = failed.errors().map(|e| e.kind()).collect();
    assert_eq!(
        kinds,
        ["expectations", "roundtrip-failed", "roundtrip-failed"],
        "{}",
        failed.render("selftest-two-failures", Language::Rust)
    );
    let shrunk: Vec<String> = failed
        .errors()
        .filter_map(|e| match e {
            TrialError::RoundtripFailed(f) => Some(f.failure.shrunk.call.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(shrunk, ["roundtrip-u32(1000)", "roundtrip-s64(-1)"]);
    let text = failed.render("selftest-two-failures", Language::Rust);
    assert!(text.contains("\n3 failures:\n"), "{text}");
    // The call to make by hand is the first that failed: the call whose expect is not met.
    let one_call = failed.context.one_call.as_deref().unwrap_or_default();
    assert!(one_call.contains("'roundtrip-u32(7)'"), "{one_call}");
}
