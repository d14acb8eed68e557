//! Component values as the harness compares them: `expect` against what a call returned,
//! as values rather than as text (flags as sets, floats by value, NaN equal to NaN).

use wasmtime::component::{ResourceAny, Type, Val};

use crate::value_text::ValueTextError;

/// A value's WAVE text; values WAVE cannot write (resources, streams) as their debug form,
/// also inside a list, record or other value ([`to_wave_with`] names handles better).
pub fn to_wave(value: &Val) -> String {
    to_wave_with(value, &|handle| format!("{handle:?}"))
}

/// WAVE's own text of a value, or its debug form where WAVE cannot write it.
fn plain_wave(value: &Val) -> String {
    value.to_wave().unwrap_or_else(|_| format!("{value:?}"))
}

/// Whether `value` holds a stream, future or error-context anywhere, which WAVE cannot write.
fn holds_async(value: &Val) -> bool {
    match value {
        Val::Stream(_) | Val::Future(_) | Val::ErrorContext(_) => true,
        Val::List(items) | Val::Tuple(items) | Val::FixedLengthList(items) => {
            items.iter().any(holds_async)
        }
        Val::Record(fields) => fields.iter().any(|(_, v)| holds_async(v)),
        Val::Variant(_, Some(v)) | Val::Option(Some(v)) => holds_async(v),
        Val::Result(Ok(Some(v)) | Err(Some(v))) => holds_async(v),
        _ => false,
    }
}

/// Every resource handle in `value`, at any depth, in order.
pub fn handles_in(value: &Val) -> Vec<ResourceAny> {
    fn collect(value: &Val, out: &mut Vec<ResourceAny>) {
        match value {
            Val::Resource(handle) => out.push(*handle),
            Val::List(items) | Val::Tuple(items) | Val::FixedLengthList(items) => {
                items.iter().for_each(|v| collect(v, out))
            }
            Val::Record(fields) => fields.iter().for_each(|(_, v)| collect(v, out)),
            Val::Variant(_, Some(v)) | Val::Option(Some(v)) => collect(v, out),
            Val::Result(Ok(Some(v)) | Err(Some(v))) => collect(v, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    collect(value, &mut out);
    out
}

/// `value` as WAVE, with each resource handle, at any depth, as `label` says (WAVE itself
/// has no handles: its writer panics on one).
pub fn to_wave_with(value: &Val, label: &dyn Fn(&ResourceAny) -> String) -> String {
    // WAVE writes a value without handles itself; only the way down to a handle is written
    // here.
    if handles_in(value).is_empty() && !holds_async(value) {
        return plain_wave(value);
    }
    let list = |items: &[Val]| {
        let shown: Vec<String> = items.iter().map(|v| to_wave_with(v, label)).collect();
        shown.join(", ")
    };
    match value {
        Val::Resource(handle) => label(handle),
        // WAVE has no text for these (wasm-wave panics on them); the host reads a stream or
        // future result and shows what it held instead (`crate::transmit`).
        Val::Stream(_) => "stream".to_string(),
        Val::Future(_) => "future".to_string(),
        Val::ErrorContext(_) => "error-context".to_string(),
        Val::List(items) | Val::FixedLengthList(items) => format!("[{}]", list(items)),
        Val::Tuple(items) => format!("({})", list(items)),
        Val::Record(fields) => {
            let shown: Vec<String> = fields
                .iter()
                .map(|(name, v)| format!("{name}: {}", to_wave_with(v, label)))
                .collect();
            format!("{{{}}}", shown.join(", "))
        }
        Val::Variant(name, Some(v)) => format!("{name}({})", to_wave_with(v, label)),
        Val::Option(Some(v)) => format!("some({})", to_wave_with(v, label)),
        Val::Result(Ok(Some(v))) => format!("ok({})", to_wave_with(v, label)),
        Val::Result(Err(Some(v))) => format!("err({})", to_wave_with(v, label)),
        other => plain_wave(other),
    }
}

/// Parses `expect` as a WAVE value of type `ty`; an error says what was wanted, where the
/// text went wrong and what to try.
pub fn parse_expected(ty: &Type, expect: &str) -> Result<Val, ValueTextError> {
    crate::value_text::parse_value(ty, expect)
}

/// Whether two values of the same type are equal as values (`0.0` equals `-0.0`, NaN equals
/// NaN).
pub fn values_equal(a: &Val, b: &Val) -> bool {
    equal(a, b, Floats::ByValue)
}

/// Whether two values of the same type are the same value: as [`values_equal`], except that
/// `-0.0` and `0.0` differ (a round trip must keep a zero's sign). NaN still equals NaN: a
/// NaN's payload is not part of what the component model promises to keep.
pub fn values_identical(a: &Val, b: &Val) -> bool {
    equal(a, b, Floats::SignOfZero)
}

/// How floats compare.
#[derive(Clone, Copy)]
enum Floats {
    ByValue,
    SignOfZero,
}

impl Floats {
    fn equal(self, x: f64, y: f64) -> bool {
        match self {
            Floats::ByValue => x == y || (x.is_nan() && y.is_nan()),
            Floats::SignOfZero => {
                (x == y && x.is_sign_negative() == y.is_sign_negative())
                    || (x.is_nan() && y.is_nan())
            }
        }
    }
}

fn equal(a: &Val, b: &Val, floats: Floats) -> bool {
    let values_equal = |a: &Val, b: &Val| equal(a, b, floats);
    let all_equal = |x: &[Val], y: &[Val]| {
        x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b, floats))
    };
    let payloads_equal = |x: &Option<Box<Val>>, y: &Option<Box<Val>>| match (x, y) {
        (None, None) => true,
        (Some(a), Some(b)) => equal(a, b, floats),
        _ => false,
    };
    match (a, b) {
        (Val::Float32(x), Val::Float32(y)) => floats.equal(f64::from(*x), f64::from(*y)),
        (Val::Float64(x), Val::Float64(y)) => floats.equal(*x, *y),
        (Val::Flags(x), Val::Flags(y)) => {
            let mut x = x.clone();
            let mut y = y.clone();
            x.sort();
            y.sort();
            x == y
        }
        (Val::List(x), Val::List(y))
        | (Val::Tuple(x), Val::Tuple(y))
        | (Val::FixedLengthList(x), Val::FixedLengthList(y)) => all_equal(x, y),
        (Val::Record(x), Val::Record(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((n1, v1), (n2, v2))| n1 == n2 && values_equal(v1, v2))
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| values_equal(k1, k2) && values_equal(v1, v2))
        }
        (Val::Variant(n1, p1), Val::Variant(n2, p2)) => n1 == n2 && payloads_equal(p1, p2),
        (Val::Option(x), Val::Option(y)) => payloads_equal(x, y),
        (Val::Result(Ok(x)), Val::Result(Ok(y))) | (Val::Result(Err(x)), Val::Result(Err(y))) => {
            payloads_equal(x, y)
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Val {
        Val::String(text.into())
    }

    #[test]
    fn flags_compare_as_sets() {
        let a = Val::Flags(vec!["write".into(), "exec".into()]);
        let b = Val::Flags(vec!["exec".into(), "write".into()]);
        assert!(values_equal(&a, &b));
        assert!(!values_equal(&a, &Val::Flags(vec!["exec".into()])));
    }

    #[test]
    fn floats_compare_by_value_and_nan_equals_nan() {
        assert!(values_equal(&Val::Float64(0.5), &Val::Float64(0.5)));
        assert!(values_equal(
            &Val::Float32(f32::NAN),
            &Val::Float32(f32::NAN)
        ));
        assert!(!values_equal(&Val::Float64(0.5), &Val::Float64(0.25)));
    }

    #[test]
    fn identical_values_keep_the_sign_of_zero() {
        assert!(values_equal(&Val::Float64(0.0), &Val::Float64(-0.0)));
        assert!(!values_identical(&Val::Float64(0.0), &Val::Float64(-0.0)));
        assert!(!values_identical(
            &Val::List(vec![Val::Float32(-0.0)]),
            &Val::List(vec![Val::Float32(0.0)])
        ));
        assert!(values_identical(
            &Val::Float32(f32::NAN),
            &Val::Float32(-f32::NAN)
        ));
        assert!(values_identical(&Val::Float64(-0.0), &Val::Float64(-0.0)));
    }

    #[test]
    fn nested_values_compare_deeply() {
        let flags = |v: &[&str]| Val::Flags(v.iter().map(|s| s.to_string()).collect());
        let a = Val::Record(vec![
            ("name".into(), s("x")),
            ("mode".into(), flags(&["a", "b"])),
        ]);
        let b = Val::Record(vec![
            ("name".into(), s("x")),
            ("mode".into(), flags(&["b", "a"])),
        ]);
        let c = Val::Record(vec![
            ("name".into(), s("y")),
            ("mode".into(), flags(&["a"])),
        ]);
        assert!(values_equal(&a, &b));
        assert!(!values_equal(&a, &c));
        let ok = |v| Val::Result(Ok(Some(Box::new(v))));
        assert!(values_equal(&ok(s("1")), &ok(s("1"))));
        assert!(!values_equal(
            &ok(s("1")),
            &Val::Result(Err(Some(Box::new(s("1")))))
        ));
    }

    #[test]
    fn expected_values_parse_against_their_type() {
        assert_eq!(parse_expected(&Type::U32, "42").unwrap(), Val::U32(42));
        let e = parse_expected(&Type::U32, "\"x\"").unwrap_err();
        assert_eq!(e.ty, "u32");
        assert!(e.problem.contains("is a string, not a u32"), "{e}");
    }
}
