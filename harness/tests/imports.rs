//! Self-tests of scripted host imports: a world's own imports (an interface's functions and a
//! function imported directly) are answered from `[[import]]` and every call is recorded; a
//! script that does not fit the world (an entry for something it does not import, an import
//! nobody answers, an answer of the wrong type, answers for a function without a result, an
//! import named twice) is a bad fixture naming the entry, and a call past the last answer fails its trial naming the
//! import and the entry. An entry for an import of the world that a guest never calls (so its
//! component does not import it) is no error, and the entries after it keep their numbers.

mod common;

use common::{Scratch, failure, shared_snapshot};
use witness_harness::error::TrialError;
use witness_harness::runner::TrialStatus;
use witness_host::CallError;

const WIT: &str = "package selftest:imports;\n\ninterface db {\n    \
                   get: func(key: string) -> u32;\n    put: func(key: string, value: u32);\n}\n\n\
                   world w {\n    import db;\n    import now: func() -> u64;\n    \
                   export run: func(key: string) -> u64;\n}\n";

const GUEST: &str = "use selftest::imports::db;\n\nstruct W;\nimpl Guest for W {\n    \
                     fn run(key: String) -> u64 {\n        db::put(&key, 1);\n        \
                     u64::from(db::get(&key)) + now()\n    }\n}\nexport!(W);\n";

const GET: &str = "[[import]]\ninterface = \"selftest:imports/db\"\nfunction = \"get\"\n\
                   returns = \"41\"\n";
const NOW: &str = "[[import]]\nfunction = \"now\"\nreturns = [\"1\"]\n";
const CALL: &str = "[[call]]\ninvoke = 'run(\"k\")'\nexpect = \"42\"\n";

/// A guest that never calls `now`: its component does not import it.
const GUEST_WITHOUT_NOW: &str = "use selftest::imports::db;\n\nstruct W;\nimpl Guest for W {\n    \
                                 fn run(key: String) -> u64 {\n        db::put(&key, 1);\n        \
                                 u64::from(db::get(&key))\n    }\n}\nexport!(W);\n";

fn fixture(scratch: &Scratch, name: &str, toml: &str) {
    scratch.rust_fixture(name, WIT, GUEST, "w", toml);
}

fn bad_fixture_message(results: &[(String, TrialStatus)], trial: &str) -> String {
    match &failure(results, trial).error {
        TrialError::BadFixture(e) => e.message.clone(),
        other => panic!("{trial}: {other:?}"),
    }
}

#[test]
fn scripted_imports_answer_and_record_and_bad_scripts_name_their_entry() {
    let scratch = Scratch::new();
    fixture(&scratch, "imports-ok", &format!("{GET}{NOW}{CALL}"));
    shared_snapshot(
        &scratch,
        "imports-ok",
        "call run(\"k\")\n  result: 42\n  host: selftest:imports/db.put(\"k\", 1)\n  \
         host: selftest:imports/db.get(\"k\") -> 41\n  host: now() -> 1\n",
    );
    fixture(
        &scratch,
        "imports-exhausted",
        &format!("{GET}{NOW}{CALL}[[call]]\ninvoke = 'run(\"j\")'\n"),
    );
    let unknown = "[[import]]\ninterface = \"selftest:imports/db\"\nfunction = \"delete\"\n";
    fixture(
        &scratch,
        "imports-unknown",
        &format!("{GET}{NOW}{unknown}{CALL}"),
    );
    fixture(&scratch, "imports-unanswered", &format!("{NOW}{CALL}"));
    fixture(
        &scratch,
        "imports-wrong-type",
        &format!("{}{NOW}{CALL}", GET.replace("\"41\"", "'\"x\"'")),
    );
    let put = "[[import]]\ninterface = \"selftest:imports/db\"\nfunction = \"put\"\n\
               returns = \"1\"\n";
    fixture(&scratch, "imports-put", &format!("{GET}{NOW}{put}{CALL}"));
    // The directly imported function named twice, the second time with no answers at all.
    let twice = "[[import]]\nfunction = \"now\"\nreturns = []\n";
    fixture(
        &scratch,
        "imports-twice",
        &format!("{GET}{NOW}{twice}{CALL}"),
    );

    scratch.rust_fixture(
        "imports-unused",
        WIT,
        GUEST_WITHOUT_NOW,
        "w",
        &format!("{NOW}{GET}{}", CALL.replace("\"42\"", "\"41\"")),
    );
    shared_snapshot(
        &scratch,
        "imports-unused",
        "call run(\"k\")\n  result: 41\n  host: selftest:imports/db.put(\"k\", 1)\n  \
         host: selftest:imports/db.get(\"k\") -> 41\n",
    );
    scratch.rust_fixture(
        "imports-unused-then-wrong",
        WIT,
        GUEST_WITHOUT_NOW,
        "w",
        &format!("{NOW}{}{CALL}", GET.replace("\"41\"", "'\"x\"'")),
    );

    let results = scratch.run();
    let unused = &results
        .iter()
        .find(|(n, _)| n == "imports-unused::rust")
        .unwrap()
        .1;
    assert!(matches!(unused, TrialStatus::Passed), "{unused:?}");
    // The component is given only the second entry; the error still calls it #2, at line 6.
    match &failure(&results, "imports-unused-then-wrong::rust").error {
        TrialError::BadFixture(e) => {
            assert_eq!(e.line, Some(6), "{e}");
            assert!(
                e.message
                    .starts_with("[[import]] #2 `selftest:imports/db.get`: the answer `\"x\"`"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
    let ok = &results
        .iter()
        .find(|(n, _)| n == "imports-ok::rust")
        .unwrap()
        .1;
    assert!(matches!(ok, TrialStatus::Passed), "{ok:?}");

    match &failure(&results, "imports-exhausted::rust").error {
        TrialError::Call { call, source, .. } => {
            assert_eq!(*call, 2);
            match &**source {
                CallError::NoAnswerLeft(message) => assert_eq!(
                    message,
                    "call 2 of now() has no answer: [[import]] #2 gives 1 answer(s)"
                ),
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
    // The error names the entry's line: the third [[import]] starts on line 10.
    match &failure(&results, "imports-unknown::rust").error {
        TrialError::BadFixture(e) => assert_eq!(e.line, Some(10), "{e}"),
        other => panic!("{other:?}"),
    }
    let m = bad_fixture_message(&results, "imports-unknown::rust");
    assert!(
        m.starts_with(
            "[[import]] #3 names `selftest:imports/db.delete`, which world `w` does not import; \
             it imports: "
        ) && m.contains("selftest:imports/db.get")
            && m.contains("selftest:imports/db.put")
            && m.contains("now"),
        "{m}"
    );
    let m = bad_fixture_message(&results, "imports-unanswered::rust");
    assert_eq!(
        m,
        "the component imports `selftest:imports/db.get: func(key: string) -> u32`, which no \
         [[import]] answers; add one with `function` and `returns`"
    );
    let m = bad_fixture_message(&results, "imports-wrong-type::rust");
    assert!(
        m.starts_with(
            "[[import]] #1 `selftest:imports/db.get`: the answer `\"x\"` is not a value of its \
             result type u32"
        ),
        "{m}"
    );
    let m = bad_fixture_message(&results, "imports-twice::rust");
    assert_eq!(
        m,
        "[[import]] #3 names `now` again; give all its answers in one entry"
    );
    let m = bad_fixture_message(&results, "imports-put::rust");
    assert_eq!(
        m,
        "[[import]] #3 `selftest:imports/db.put` returns nothing, so it takes no `returns`"
    );
}
