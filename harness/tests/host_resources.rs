//! Self-tests of a host resource whose static and method return a new handle: each call makes
//! a new recording object, numbered after the constructor's, with no `[[import]]` entry; the
//! new objects' calls and drops are recorded, one never dropped is reported, and an entry
//! that tries to answer such a function is a bad fixture naming its line.

mod common;

use common::{Scratch, failure, shared_snapshot};
use witness_harness::error::TrialError;
use witness_harness::runner::TrialStatus;

const WIT: &str = "package selftest:store;\n\ninterface blobs {\n    resource blob {\n        \
                   constructor(init: list<u8>);\n        size: func() -> u32;\n        \
                   merge: static func(a: borrow<blob>, b: borrow<blob>) -> blob;\n        \
                   copy: func() -> blob;\n    }\n}\n\nworld w {\n    import blobs;\n    \
                   export run: func() -> u32;\n    export leak: func();\n}\n";

const GUEST: &str = "use selftest::store::blobs::Blob;\n\nstruct W;\n\n\
                     impl Guest for W {\n    fn run() -> u32 {\n        \
                     let a = Blob::new(&[1]);\n        let b = Blob::new(&[2, 3]);\n        \
                     let c = Blob::merge(&a, &b);\n        let d = c.copy();\n        \
                     let size = d.size();\n        drop(d);\n        drop(c);\n        \
                     drop(b);\n        drop(a);\n        size\n    }\n\n    \
                     fn leak() {\n        let a = Blob::new(&[]);\n        \
                     let copy = a.copy();\n        drop(a);\n        \
                     std::mem::forget(copy);\n    }\n}\n\nexport!(W);\n";

const SIZE: &str = "[[import]]\ninterface = \"selftest:store/blobs\"\nfunction = \"blob.size\"\n\
                    returns = \"3\"\n";
const CALLS: &str =
    "[[call]]\ninvoke = \"run()\"\nexpect = \"3\"\n\n[[call]]\ninvoke = \"leak()\"\n";

#[test]
fn functions_returning_a_host_resource_make_new_objects_like_its_constructor() {
    let scratch = Scratch::new();
    scratch.rust_fixture("new-objects", WIT, GUEST, "w", &format!("{SIZE}{CALLS}"));
    shared_snapshot(
        &scratch,
        "new-objects",
        "call run()\n  result: 3\n  \
         host: selftest:store/blobs.blob.new([1]) -> blob#1\n  \
         host: selftest:store/blobs.blob.new([2, 3]) -> blob#2\n  \
         host: selftest:store/blobs.blob.merge(blob#1, blob#2) -> blob#3\n  \
         host: selftest:store/blobs.blob.copy(blob#3) -> blob#4\n  \
         host: selftest:store/blobs.blob.size(blob#4) -> 3\n  \
         host: drop blob#4\n  host: drop blob#3\n  host: drop blob#2\n  host: drop blob#1\n\
         call leak()\n  result: (none)\n  \
         host: selftest:store/blobs.blob.new([]) -> blob#5\n  \
         host: selftest:store/blobs.blob.copy(blob#5) -> blob#6\n  \
         host: drop blob#5\n  \
         host: blob#6 was never dropped (the instance ends)\n",
    );
    // An entry for the static: the host makes its result, so there is nothing to answer.
    let merge = "[[import]]\ninterface = \"selftest:store/blobs\"\nfunction = \"blob.merge\"\n\
                 returns = \"blob#1\"\n";
    scratch.rust_fixture(
        "answers-merge",
        WIT,
        GUEST,
        "w",
        &format!("{SIZE}{merge}{CALLS}"),
    );

    let results = scratch.run();
    let ok = &results
        .iter()
        .find(|(n, _)| n == "new-objects::rust")
        .expect("the trial ran")
        .1;
    assert!(
        matches!(ok, TrialStatus::Passed),
        "{}",
        scratch.rendered(&results, "new-objects::rust")
    );
    match &failure(&results, "answers-merge::rust").error {
        TrialError::BadFixture(e) => {
            // The second [[import]] starts on line 7.
            assert_eq!(e.line, Some(7), "{e}");
            assert_eq!(
                e.message,
                "[[import]] #2 `selftest:store/blobs.blob.merge` returns a new `blob`, which the \
                 host makes itself (a recording object, as for a constructor); remove the \
                 entry: there is nothing for it to answer"
            );
        }
        other => panic!("{other:?}"),
    }
}
