//! Scripts typed against a component that imports a host resource whose functions return
//! handles: a new object needs no entry and takes none; a handle inside another value is
//! refused, saying why, with the resource named in the signature.

use super::{Answers, Script, ScriptError, ScriptedImport};
use crate::test_support::component;

/// A component importing `test:store/blobs` with a resource `blob`, its constructor, a
/// static and a method returning a new blob, and a method returning a u32; `find` (a
/// method returning `option<blob>`) when `with_find`.
fn blobs(with_find: bool) -> String {
    let find = if with_find {
        r#"(export "[method]blob.find" (func (param "self" (borrow $blob))
               (result (option (own $blob)))))"#
    } else {
        ""
    };
    format!(
        r#"(component
        (import "test:store/blobs" (instance
            (export "blob" (type $blob (sub resource)))
            (export "[constructor]blob" (func (result (own $blob))))
            (export "[static]blob.merge" (func (param "a" (borrow $blob))
                (param "b" (borrow $blob)) (result (own $blob))))
            (export "[method]blob.copy" (func (param "self" (borrow $blob))
                (result (own $blob))))
            (export "[method]blob.size" (func (param "self" (borrow $blob)) (result u32)))
            {find}
        ))
    )"#
    )
}

fn entry(function: &str, returns: Option<&str>) -> ScriptedImport {
    ScriptedImport {
        function: function.to_string(),
        interface: Some("test:store/blobs".to_string()),
        returns: returns.map(|r| Answers::Always(r.to_string())),
    }
}

fn prepare(wat: &str, script: &[ScriptedImport]) -> Result<Script, ScriptError> {
    let (engine, component) = component(wat);
    Script::prepare(&engine, &component, script)
}

#[test]
fn a_function_returning_a_new_object_needs_no_entry() {
    let script = prepare(&blobs(false), &[entry("blob.size", Some("4"))]);
    assert!(script.is_ok(), "{script:?}");
}

#[test]
fn an_entry_for_a_function_returning_a_new_object_is_refused() {
    for function in ["blob.merge", "blob.copy", "blob.new"] {
        let err = prepare(&blobs(false), &[entry(function, Some("x"))]).unwrap_err();
        assert_eq!(err.entry(), Some(1));
        assert_eq!(
            err.to_string(),
            format!(
                "[[import]] #1 `test:store/blobs.{function}` returns a new `blob`, which the \
                 host makes itself (a recording object, as for a constructor); remove the \
                 entry: there is nothing for it to answer"
            )
        );
    }
}

#[test]
fn a_handle_inside_a_result_is_refused_saying_what_is_supported() {
    let err = prepare(&blobs(true), &[entry("blob.size", Some("4"))]).unwrap_err();
    assert_eq!(err.entry(), None);
    assert_eq!(
        err.to_string(),
        "the component imports `test:store/blobs.blob.find: func(self: borrow<blob>) -> \
         option<own<blob>>`, whose result holds a handle inside another value; the host \
         answers a handle only as the whole result (`-> blob`, where it makes a new object on \
         each call), not inside an option, result, list, tuple, record or variant, which WAVE \
         cannot write"
    );
    let script = [
        entry("blob.size", Some("4")),
        entry("blob.find", Some("none")),
    ];
    let err = prepare(&blobs(true), &script).unwrap_err();
    assert!(
        matches!(err, ScriptError::HandleInside { entry: Some(2), .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("[[import]] #2: the component imports"),
        "{err}"
    );
}

#[test]
fn a_wrong_answer_says_what_was_wanted() {
    let err = prepare(&blobs(false), &[entry("blob.size", Some("\"4\""))]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "[[import]] #1 `test:store/blobs.blob.size`: the answer `\"4\"` is not a value of its \
         result type u32: `\"4\"` is a string, not a u32\n  hint: `\"4\"` is a string; a u32 \
         is written 4"
    );
}
