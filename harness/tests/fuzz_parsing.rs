//! Property tests (a fuzzer that runs under `cargo test`) over what users type: fixture.toml
//! text, WAVE calls and expected values, and the value comparison behind `expect`.
//!
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz_parsing` runs them longer.

use proptest::prelude::*;
use wasmtime::component::{Type, Val};
use witness_harness::fixture::parse_fixture_file;
use witness_host::parse_call;
use witness_host::value::{parse_expected, to_wave, values_equal};

/// Text that looks like a fixture.toml more often than random bytes would.
fn fixture_like() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("description".to_string()),
        Just("world".to_string()),
        Just("languages".to_string()),
        Just("[[call]]".to_string()),
        Just("invoke".to_string()),
        Just("expect".to_string()),
        Just("interface".to_string()),
        Just("[config]".to_string()),
        Just("[own-snapshot]".to_string()),
        Just("[wasi]".to_string()),
        Just("[limits]".to_string()),
        Just("time".to_string()),
        Just("memory".to_string()),
        Just("output".to_string()),
        Just("dir".to_string()),
        Just("env".to_string()),
        "[a-z-]{1,8}",
    ];
    let value = prop_oneof![
        Just("\"x\"".to_string()),
        Just("[\"rust\", \"js\"]".to_string()),
        Just("\"2s\"".to_string()),
        Just("\"64 MiB\"".to_string()),
        Just("{ A = \"b\" }".to_string()),
        "\"[^\"\\\\]{0,12}\"",
        "[0-9]{1,4}",
        any::<String>(),
    ];
    prop::collection::vec((key, value), 0..8).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| {
                if k.starts_with('[') {
                    format!("{k}\n")
                } else {
                    format!("{k} = {v}\n")
                }
            })
            .collect()
    })
}

/// Values of the primitive types, with their type.
fn primitive() -> impl Strategy<Value = (Type, Val)> {
    prop_oneof![
        any::<bool>().prop_map(|v| (Type::Bool, Val::Bool(v))),
        any::<i8>().prop_map(|v| (Type::S8, Val::S8(v))),
        any::<u8>().prop_map(|v| (Type::U8, Val::U8(v))),
        any::<i32>().prop_map(|v| (Type::S32, Val::S32(v))),
        any::<u32>().prop_map(|v| (Type::U32, Val::U32(v))),
        any::<i64>().prop_map(|v| (Type::S64, Val::S64(v))),
        any::<u64>().prop_map(|v| (Type::U64, Val::U64(v))),
        any::<f32>().prop_map(|v| (Type::Float32, Val::Float32(v))),
        any::<f64>().prop_map(|v| (Type::Float64, Val::Float64(v))),
        any::<char>().prop_map(|v| (Type::Char, Val::Char(v))),
        any::<String>().prop_map(|v| (Type::String, Val::String(v))),
    ]
}

proptest! {
    #[test]
    fn fixture_files_parse_or_fail_without_panicking(text in fixture_like()) {
        let _ = parse_fixture_file(&text);
    }

    #[test]
    fn arbitrary_text_never_panics_the_fixture_parser(text in any::<String>()) {
        let _ = parse_fixture_file(&text);
    }

    #[test]
    fn wave_calls_parse_or_fail_without_panicking(
        name in "[a-z][a-z-]{0,8}",
        args in "[-a-z0-9\"'(){}\\[\\], .:#%\\\\]{0,40}",
    ) {
        let _ = parse_call(&format!("{name}({args})"));
        let _ = parse_call(&args);
    }

    #[test]
    fn a_value_written_as_wave_reads_back_equal((ty, value) in primitive()) {
        let text = to_wave(&value);
        let back = parse_expected(&ty, &text).expect("WAVE written by wasmtime reads back");
        prop_assert!(values_equal(&value, &back), "{value:?} -> {text} -> {back:?}");
    }

    #[test]
    fn value_equality_is_reflexive_and_symmetric((_, a) in primitive(), (_, b) in primitive()) {
        prop_assert!(values_equal(&a, &a));
        prop_assert_eq!(values_equal(&a, &b), values_equal(&b, &a));
    }

    #[test]
    fn expected_text_of_any_shape_is_checked_without_panicking(
        (ty, _) in primitive(),
        text in any::<String>(),
    ) {
        let _ = parse_expected(&ty, &text);
    }
}
