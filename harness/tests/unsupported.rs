//! Self-tests of `[unsupported]`: a listed language whose guest fails to build is
//! `unsupported` with the entry's reason (not a failure, not a silent skip); once its guest
//! builds, the trial fails asking for the entry to go; a language not listed fails its build
//! as before; and a list of `invoke`s in one `[[call]]` runs its calls at once.

mod common;

use common::{Scratch, failure};
use witness_harness::runner::TrialStatus;

const WIT: &str = "package selftest:unsupported;\n\nworld adder {\n    \
                   export add: func(a: u32, b: u32) -> u32;\n}\n";

const GUEST: &str = "struct G;\n\nimpl Guest for G {\n    fn add(a: u32, b: u32) -> u32 {\n        \
                     a + b\n    }\n}\n\nexport!(G);\n";

/// A guest that does not compile, as a toolchain that cannot build a feature fails.
const BROKEN: &str = "struct G;\n\nimpl Guest for G {\n    fn add(a: u32, b: u32) -> u32 {\n        \
                      a + b + not_a_function()\n    }\n}\n\nexport!(G);\n";

const REASON: &str = "rustc cannot build this (https://example.com/issues/1)";

#[test]
fn a_listed_language_is_unsupported_while_its_build_fails_and_fails_once_it_builds() {
    let scratch = Scratch::new();
    let unsupported =
        format!("\n[unsupported]\nrust = \"{REASON}\"\n\n[[call]]\ninvoke = \"add(1, 2)\"\n");
    scratch.rust_fixture(
        "selftest-still-unsupported",
        WIT,
        BROKEN,
        "adder",
        &unsupported,
    );
    scratch.rust_fixture("selftest-builds-now", WIT, GUEST, "adder", &unsupported);
    let not_listed = "\n[[call]]\ninvoke = \"add(1, 2)\"\n";
    scratch.rust_fixture("selftest-not-listed", WIT, BROKEN, "adder", not_listed);
    let results = scratch.run();

    let still = results
        .iter()
        .find(|(name, _)| name == "selftest-still-unsupported::rust")
        .map(|(_, status)| status);
    match still {
        Some(TrialStatus::Unsupported(reason)) => assert_eq!(reason, &format!("rust: {REASON}")),
        other => panic!("the broken guest should be unsupported, but: {other:?}"),
    }

    let builds = failure(&results, "selftest-builds-now::rust");
    assert_eq!(
        builds.error.kind(),
        "unsupported-builds",
        "{}",
        builds.error
    );
    let text = builds.error.to_string();
    assert!(
        text.contains("remove `rust` from [unsupported]") && text.contains(REASON),
        "{text}"
    );
    // Nothing but the entry is blamed: the trial did not go on to compare snapshots.
    assert_eq!(builds.errors().count(), 1, "{text}");

    let not_listed = failure(&results, "selftest-not-listed::rust");
    assert_eq!(
        not_listed.error.kind(),
        "build-failed",
        "{}",
        not_listed.error
    );
}

#[test]
fn calls_in_one_call_entry_run_at_once_with_their_outcomes_in_the_order_written() {
    let scratch = Scratch::new();
    let body = |second: &str| {
        format!(
            "\n[[call]]\ninvoke = ['add(1, 2)', 'add(3, 4)']\nexpect = ['3', '{second}']\n\n\
             [[call]]\ninvoke = 'add(5, 6)'\nexpect = '11'\n"
        )
    };
    scratch.rust_fixture("selftest-at-once", WIT, GUEST, "adder", &body("7"));
    scratch.rust_fixture("selftest-at-once-wrong", WIT, GUEST, "adder", &body("8"));
    let results = scratch.run();

    // Every expect held: the only failure is the missing snapshot, which shows the group.
    let failed = failure(&results, "selftest-at-once::rust");
    let text = failed.error.to_string();
    let kinds: Vec<&str> = failed.errors().map(|e| e.kind()).collect();
    assert_eq!(kinds, ["snapshot-missing"], "{text}");
    assert!(
        text.contains(
            "(the next 2 calls run at once; their output and host calls follow the last)\n    \
             call add(1, 2)\n      result: 3\n    call add(3, 4)\n      result: 7\n    \
             call add(5, 6)\n      result: 11"
        ),
        "{text}"
    );

    // `add(3, 4)` is 7, not the 8 written: the mismatch names that call and its line.
    let wrong = failure(&results, "selftest-at-once-wrong::rust");
    let text = wrong.error.to_string();
    assert_eq!(wrong.error.kind(), "expectations", "{text}");
    assert!(
        text.contains("fixture.toml:4: [[call]] #1 `add(3, 4)`: expected 8, got 7"),
        "{text}"
    );
}

#[test]
fn a_trap_in_calls_at_once_on_a_plain_component_ends_the_calls_after_it() {
    // No async feature: the calls run one after another, and the trap ends the instance.
    let wit = "package selftest:unsupported;\n\nworld failing {\n    \
               export boom: func() -> u32;\n    export add: func(a: u32, b: u32) -> u32;\n}\n";
    let guest = "struct G;\n\nimpl Guest for G {\n    fn boom() -> u32 {\n        \
                 panic!(\"boom\")\n    }\n    fn add(a: u32, b: u32) -> u32 {\n        \
                 a + b\n    }\n}\n\nexport!(G);\n";
    let body = "\n[[call]]\ninvoke = ['add(1, 2)', 'boom()', 'add(3, 4)']\n\n\
                [[call]]\ninvoke = 'add(5, 6)'\n";
    let scratch = Scratch::new();
    scratch.rust_fixture("selftest-at-once-trap", wit, guest, "failing", body);
    let results = scratch.run();
    let failed = failure(&results, "selftest-at-once-trap::rust");
    let text = failed.error.to_string();
    assert!(
        text.contains(
            "call add(1, 2)\n      result: 3\n    call boom()\n      trap: unreachable\n    \
             call add(3, 4)\n      trap: unreachable\n    \
             (new instance: the trap ended the last one)\n    call add(5, 6)\n      result: 11"
        ),
        "{text}"
    );
}

#[test]
fn a_list_of_expects_must_match_the_list_of_invokes() {
    let scratch = Scratch::new();
    let body = "\n[[call]]\ninvoke = ['add(1, 2)', 'add(3, 4)']\nexpect = ['3']\n";
    scratch.rust_fixture("selftest-expects", WIT, GUEST, "adder", body);
    let results = scratch.run();
    let failed = failure(&results, "selftest-expects::rust");
    assert_eq!(failed.error.kind(), "bad-fixture", "{}", failed.error);
    let text = failed.error.to_string();
    assert!(
        text.contains("`expect` must be a list of 2 values, one per `invoke`")
            && text.contains("fixture.toml"),
        "{text}"
    );
}

#[test]
fn a_stream_argument_of_the_wrong_type_names_the_call_and_its_line() {
    let scratch = Scratch::new();
    let from = witness_harness::paths::this_repository().join("fixtures/async-streams");
    scratch.copy_fixture(&from, "selftest-streams");
    // The fixture as it is, then a stream of u32 given strings, and one given no list.
    let toml = std::fs::read_to_string(from.join("fixture.toml")).unwrap()
        + "\n[[call]]\ninvoke = 'sum([\"one\"])'\n\n[[call]]\ninvoke = 'sum(7)'\n";
    scratch.write("selftest-streams", "fixture.toml", &toml);
    let results = scratch.run();
    let failed = failure(&results, "selftest-streams::rust");
    let texts: Vec<String> = failed.errors().map(ToString::to_string).collect();
    let text = texts.join("\n");
    assert!(
        texts
            .iter()
            .any(|t| t.contains("sum([\"one\"])") && t.contains("expects stream<u32>")),
        "{text}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("sum(7)")
                && t.contains("a stream is written as the list of its items")),
        "{text}"
    );
    // The calls written as they should be still ran, and the stream the guest returned was
    // read: the fixture's own outcome is the snapshot's.
    assert!(failed.errors().all(|e| e.kind() == "call"), "{text}");
}
