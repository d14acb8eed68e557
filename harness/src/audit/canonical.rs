//! The canonical text of a value, as the host writes it for what it sends and as the audit
//! guests write it for what they received ([`super::guests`]): a guest whose text differs saw
//! a different value. Integers in decimal, `nan` or a float's bits (`f32:3f800000`), a char
//! and a string as code points (`c65`, `s[104,105]`), `[…]` lists, `some(…)`/`none`,
//! `ok(…)`/`err(…)` (`ok` alone without a payload), `(…)` tuples, `{field: …}` records,
//! variant cases and enum cases by name, flags as `{a, b}` in the order they are declared.

use wasmtime::component::{Type, Val};

/// The canonical text of `value`, a value of `ty`.
pub fn text(value: &Val, ty: &Type) -> String {
    let join = |items: Vec<String>| items.join(", ");
    match value {
        Val::Bool(b) => b.to_string(),
        Val::S8(n) => n.to_string(),
        Val::U8(n) => n.to_string(),
        Val::S16(n) => n.to_string(),
        Val::U16(n) => n.to_string(),
        Val::S32(n) => n.to_string(),
        Val::U32(n) => n.to_string(),
        Val::S64(n) => n.to_string(),
        Val::U64(n) => n.to_string(),
        Val::Float32(f) if f.is_nan() => "nan".into(),
        Val::Float32(f) => format!("f32:{:08x}", f.to_bits()),
        Val::Float64(f) if f.is_nan() => "nan".into(),
        Val::Float64(f) => format!("f64:{:016x}", f.to_bits()),
        Val::Char(c) => format!("c{}", u32::from(*c)),
        Val::String(s) => {
            let points: Vec<String> = s.chars().map(|c| u32::from(c).to_string()).collect();
            format!("s[{}]", points.join(","))
        }
        Val::List(items) => {
            let element = match ty {
                Type::List(list) => Some(list.ty()),
                _ => None,
            };
            format!(
                "[{}]",
                join(items.iter().map(|v| part(v, element.as_ref())).collect())
            )
        }
        Val::Tuple(items) => {
            let parts: Vec<Type> = match ty {
                Type::Tuple(tuple) => tuple.types().collect(),
                _ => Vec::new(),
            };
            format!(
                "({})",
                join(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| part(v, parts.get(i)))
                        .collect()
                )
            )
        }
        Val::Record(fields) => {
            let types: Vec<Type> = match ty {
                Type::Record(record) => record.fields().map(|f| f.ty).collect(),
                _ => Vec::new(),
            };
            format!(
                "{{{}}}",
                join(
                    fields
                        .iter()
                        .enumerate()
                        .map(|(i, (name, v))| format!("{name}: {}", part(v, types.get(i))))
                        .collect()
                )
            )
        }
        Val::Variant(case, payload) => {
            let payload_ty = match ty {
                Type::Variant(variant) => variant
                    .cases()
                    .find(|c| c.name == case.as_str())
                    .and_then(|c| c.ty),
                _ => None,
            };
            match payload {
                Some(v) => format!("{case}({})", part(v, payload_ty.as_ref())),
                None => case.clone(),
            }
        }
        Val::Enum(case) => case.clone(),
        Val::Option(None) => "none".into(),
        Val::Option(Some(v)) => {
            let inner = match ty {
                Type::Option(option) => Some(option.ty()),
                _ => None,
            };
            format!("some({})", part(v, inner.as_ref()))
        }
        Val::Result(result) => {
            let (name, payload, inner) = match (result, ty) {
                (Ok(v), Type::Result(r)) => ("ok", v, r.ok()),
                (Err(v), Type::Result(r)) => ("err", v, r.err()),
                (Ok(v), _) => ("ok", v, None),
                (Err(v), _) => ("err", v, None),
            };
            match payload {
                Some(v) => format!("{name}({})", part(v, inner.as_ref())),
                None => name.to_string(),
            }
        }
        Val::Flags(set) => {
            let declared: Vec<String> = match ty {
                Type::Flags(flags) => flags.names().map(str::to_string).collect(),
                _ => set.clone(),
            };
            let named: Vec<String> = declared
                .into_iter()
                .filter(|name| set.contains(name))
                .collect();
            format!("{{{}}}", join(named))
        }
        other => format!("{other:?}"),
    }
}

fn part(value: &Val, ty: Option<&Type>) -> String {
    match ty {
        Some(ty) => text(value, ty),
        None => text(value, &Type::Bool),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_written_as_every_guest_writes_them() {
        let cases = [
            (Val::S8(-128), "-128"),
            (Val::U64(u64::MAX), "18446744073709551615"),
            (Val::Float32(1.0), "f32:3f800000"),
            (Val::Float64(-0.0), "f64:8000000000000000"),
            (Val::Float32(f32::NAN), "nan"),
            (Val::Char('A'), "c65"),
            (Val::String("\u{feff}hi".into()), "s[65279,104,105]"),
            (Val::String(String::new()), "s[]"),
            (Val::Bool(true), "true"),
            (Val::Option(None), "none"),
            (Val::Result(Ok(None)), "ok"),
            (Val::Result(Err(Some(Box::new(Val::U8(3))))), "err(3)"),
            (Val::Enum("red".into()), "red"),
            (Val::Variant("dot".into(), None), "dot"),
        ];
        for (value, expected) in cases {
            assert_eq!(text(&value, &Type::Bool), expected, "{value:?}");
        }
        let record = Val::Record(vec![
            ("name".into(), Val::String("a".into())),
            ("level".into(), Val::List(vec![Val::U8(1), Val::U8(2)])),
        ]);
        assert_eq!(text(&record, &Type::Bool), "{name: s[97], level: [1, 2]}");
        let tuple = Val::Tuple(vec![
            Val::Option(Some(Box::new(Val::S32(-1)))),
            Val::Char('x'),
        ]);
        assert_eq!(text(&tuple, &Type::Bool), "(some(-1), c120)");
    }
}
