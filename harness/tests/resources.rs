//! Self-tests of resource handles in calls: a handle bound by one call and used by the next
//! passes; a name bound twice, a resource function that does not exist (the error lists the
//! resource's functions), a handle of another resource type, a name never bound, and a
//! handle used after it was dropped or moved into an `own` argument each fail their own
//! trial, naming the call.

mod common;

use common::{Scratch, failure, shared_snapshot};
use witness_harness::error::TrialError;
use witness_harness::runner::TrialStatus;

const WIT: &str = "package selftest:res;\n\ninterface things {\n    \
                   resource counter {\n        constructor(start: u32);\n        \
                   get: func() -> u32;\n    }\n    resource blob {\n        constructor();\n    }\n    \
                   take: func(c: counter) -> u32;\n    boom: func();\n    \
                   sum: func(cs: list<borrow<counter>>) -> u32;\n    \
                   take-some: func(c: option<counter>) -> u32;\n}\n\nworld w {\n    export things;\n}\n";

const GUEST: &str = "use exports::selftest::res::things::{Counter, CounterBorrow, Guest, GuestBlob, GuestCounter};\n\n\
                     struct W;\nstruct C(u32);\nstruct B;\n\n\
                     impl GuestCounter for C {\n    fn new(start: u32) -> Self {\n        C(start)\n    }\n    \
                     fn get(&self) -> u32 {\n        self.0\n    }\n}\n\n\
                     impl GuestBlob for B {\n    fn new() -> Self {\n        B\n    }\n}\n\n\
                     impl Guest for W {\n    type Counter = C;\n    type Blob = B;\n    \
                     fn take(c: Counter) -> u32 {\n        c.get::<C>().0\n    }\n    \
                     fn boom() {\n        panic!(\"boom\")\n    }\n    \
                     fn sum(cs: Vec<CounterBorrow<'_>>) -> u32 {\n        \
                     cs.iter().map(|c| c.get::<C>().0).sum()\n    }\n    \
                     fn take_some(c: Option<Counter>) -> u32 {\n        \
                     c.map_or(0, |c| c.get::<C>().0)\n    }\n}\n\nexport!(W);\n";

/// A call of the `things` interface, with `extra` keys.
fn call(invoke: &str, extra: &str) -> String {
    format!("[[call]]\ninterface = \"selftest:res/things\"\ninvoke = '{invoke}'\n{extra}\n")
}

fn fixture(scratch: &Scratch, name: &str, calls: &[String]) {
    scratch.rust_fixture(name, WIT, GUEST, "w", &calls.concat());
}

fn message(results: &[(String, TrialStatus)], trial: &str) -> String {
    failure(results, trial).error.to_string()
}

#[test]
fn handles_pass_between_calls_and_every_misuse_names_its_call() {
    let scratch = Scratch::new();
    let new = || call("counter.new(3)", "bind = \"c\"");
    fixture(
        &scratch,
        "res-ok",
        &[
            new(),
            call("counter.get(c)", "expect = \"3\""),
            call("drop(c)", ""),
        ],
    );
    shared_snapshot(
        &scratch,
        "res-ok",
        "call selftest:res/things#counter.new(3)\n  result: counter#1\n\
         call selftest:res/things#counter.get(c)\n  result: 3\n\
         call selftest:res/things#drop(c)\n  result: (none)\n",
    );
    // Handles inside a list (borrowed) and an option (owned, so moved).
    let d = || call("counter.new(4)", "bind = \"d\"");
    fixture(
        &scratch,
        "res-nested",
        &[
            new(),
            d(),
            call("sum([c, d])", "expect = \"7\""),
            call("take-some(some(d))", "expect = \"4\""),
            call("take-some(none)", "expect = \"0\""),
        ],
    );
    shared_snapshot(
        &scratch,
        "res-nested",
        "call selftest:res/things#counter.new(3)\n  result: counter#1\n\
         call selftest:res/things#counter.new(4)\n  result: counter#2\n\
         call selftest:res/things#sum([c, d])\n  result: 7\n\
         call selftest:res/things#take-some(some(d))\n  result: 4\n\
         call selftest:res/things#take-some(none)\n  result: 0\n",
    );
    fixture(
        &scratch,
        "res-nested-moved",
        &[new(), call("take-some(some(c))", ""), call("sum([c])", "")],
    );
    fixture(&scratch, "res-bound-twice", &[new(), new()]);
    fixture(
        &scratch,
        "res-no-such",
        &[new(), call("counter.reset(c)", "")],
    );
    fixture(
        &scratch,
        "res-wrong-type",
        &[
            new(),
            call("blob.new()", "bind = \"b\""),
            call("counter.get(b)", ""),
        ],
    );
    fixture(
        &scratch,
        "res-trapped",
        &[new(), call("boom()", ""), call("counter.get(c)", "")],
    );
    fixture(
        &scratch,
        "res-unbound",
        &[new(), call("counter.get(x)", "")],
    );
    fixture(
        &scratch,
        "res-dropped",
        &[new(), call("drop(c)", ""), call("counter.get(c)", "")],
    );
    fixture(&scratch, "res-drop-unbound", &[new(), call("drop(d)", "")]);
    fixture(
        &scratch,
        "res-moved",
        &[new(), call("take(c)", ""), call("counter.get(c)", "")],
    );
    fixture(
        &scratch,
        "res-bind-value",
        &[new(), call("counter.get(c)", "bind = \"n\"")],
    );

    let results = scratch.run();
    let ok = &results.iter().find(|(n, _)| n == "res-ok::rust").unwrap().1;
    assert!(matches!(ok, TrialStatus::Passed), "{ok:?}");

    // The second [[call]] starts on line 7.
    match &failure(&results, "res-bound-twice::rust").error {
        TrialError::BadFixture(e) => assert_eq!(e.line, Some(7), "{e}"),
        other => panic!("{other:?}"),
    }
    let nested = &results
        .iter()
        .find(|(n, _)| n == "res-nested::rust")
        .unwrap()
        .1;
    assert!(matches!(nested, TrialStatus::Passed), "{nested:?}");
    let m = message(&results, "res-nested-moved::rust");
    assert!(
        m.contains("[[call]] #3")
            && m.contains("`c` (counter#1 was moved into `take-some` by [[call]] #2)"),
        "{m}"
    );
    let m = message(&results, "res-bound-twice::rust");
    assert!(
        m.contains("[[call]] #2 `counter.new(3)`: `bind = \"c\"` is bound already (to counter#1)"),
        "{m}"
    );
    match &failure(&results, "res-no-such::rust").error {
        TrialError::Call { call, source, .. } => {
            assert_eq!(*call, 2);
            let text = source.to_string();
            assert!(
                text.contains("exports no `counter.reset`; the functions of `counter` are: ")
                    && text.contains("counter.new")
                    && text.contains("counter.get"),
                "{text}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The guest exports no `drop` of its own: a name that is no handle is named as such.
    let m = message(&results, "res-drop-unbound::rust");
    assert!(
        m.contains("[[call]] #2 `drop(d)`: `d` is not a bound handle"),
        "{m}"
    );
    let m = message(&results, "res-wrong-type::rust");
    assert!(
        m.contains("[[call]] #3") && m.contains("`b` is a blob#1, where a counter is expected"),
        "{m}"
    );
    let m = message(&results, "res-trapped::rust");
    assert!(
        m.contains("[[call]] #3")
            && m.contains("`c` (counter#1 belonged to an instance a trap ended)"),
        "{m}"
    );
    let m = message(&results, "res-unbound::rust");
    assert!(
        m.contains("`x` is not a bound handle; bound so far: c"),
        "{m}"
    );
    let m = message(&results, "res-dropped::rust");
    assert!(
        m.contains("`c` (counter#1 was dropped by [[call]] #2)"),
        "{m}"
    );
    let m = message(&results, "res-moved::rust");
    assert!(
        m.contains("`c` (counter#1 was moved into `take` by [[call]] #2)"),
        "{m}"
    );
    let m = message(&results, "res-bind-value::rust");
    assert!(
        m.contains("[[call]] #2 `counter.get(c)`: `bind = \"n\"` needs a call that returns a resource handle"),
        "{m}"
    );
}

#[test]
fn handles_inside_an_import_argument_show_as_labels_and_owned_ones_go_back_to_the_host() {
    let scratch = Scratch::new();
    let wit = "package selftest:nest;\n\ninterface store {\n    resource blob {\n        \
               constructor();\n    }\n    give: func(items: list<blob>);\n    \
               lend: func(item: option<borrow<blob>>);\n}\n\nworld w {\n    import store;\n    \
               export run: func();\n}\n";
    let guest = "use selftest::nest::store::{Blob, give, lend};\n\nstruct W;\n\n\
                 impl Guest for W {\n    fn run() {\n        let a = Blob::new();\n        \
                 lend(Some(&a));\n        let b = Blob::new();\n        give(vec![a, b]);\n    }\n}\n\n\
                 export!(W);\n";
    scratch.rust_fixture(
        "nested-host-handles",
        wit,
        guest,
        "w",
        "[[call]]\ninvoke = \"run()\"\n",
    );
    // Both blobs are given back as `own` inside a list: neither is reported as never dropped.
    shared_snapshot(
        &scratch,
        "nested-host-handles",
        "call run()\n  result: (none)\n  host: selftest:nest/store.blob.new() -> blob#1\n  \
         host: selftest:nest/store.lend(some(blob#1))\n  \
         host: selftest:nest/store.blob.new() -> blob#2\n  \
         host: selftest:nest/store.give([blob#1, blob#2])\n",
    );
    let results = scratch.run();
    let status = &results[0].1;
    assert!(
        matches!(status, TrialStatus::Passed),
        "{}",
        scratch.rendered(&results, "nested-host-handles::rust")
    );
}
