//! WAVE text that parsed, looked at against the type it should be a value of, part by part:
//! the first part that is not what its type wants, with a hint at the usual mistake. It
//! follows WAVE's own reading (an option or a result may leave out `some(…)` or `ok(…)` around
//! a value that is neither an option nor a result; a record may leave out its option fields),
//! so that what it finds is what made WAVE refuse the text.

use std::ops::Range;

use wasmtime::component::Type;
use wasmtime::component::types::{Enum, Flags, OptionType, Record, ResultType, Tuple, Variant};
use wasmtime::component::wasm_wave::ast::{Node, NodeType};

use super::Found;
use super::spelling::{a, quoted, reads_as, shown, written};
use crate::call::type_name;
use crate::names::nearest;

/// The first part of `node` (parsed from `src`) that is not a value of its part of `ty`.
pub(super) fn check(node: &Node, ty: &Type, src: &str) -> Result<(), Found> {
    match ty {
        Type::Bool => match node.ty() {
            NodeType::BoolTrue | NodeType::BoolFalse => Ok(()),
            _ => Err(wrong_kind(node, ty, src)),
        },
        Type::S8 => integer(node, ty, src, i8::MIN.into(), i8::MAX.into()),
        Type::S16 => integer(node, ty, src, i16::MIN.into(), i16::MAX.into()),
        Type::S32 => integer(node, ty, src, i32::MIN.into(), i32::MAX.into()),
        Type::S64 => integer(node, ty, src, i64::MIN.into(), i64::MAX.into()),
        Type::U8 => integer(node, ty, src, 0, u8::MAX.into()),
        Type::U16 => integer(node, ty, src, 0, u16::MAX.into()),
        Type::U32 => integer(node, ty, src, 0, u32::MAX.into()),
        Type::U64 => integer(node, ty, src, 0, u64::MAX.into()),
        Type::Float32 | Type::Float64 => match node.ty() {
            NodeType::Number => Ok(()),
            _ => Err(wrong_kind(node, ty, src)),
        },
        Type::Char => match node.ty() {
            NodeType::Char => node
                .as_char(src)
                .map(drop)
                .map_err(|_| bad_escape(node, src)),
            _ => Err(wrong_kind(node, ty, src)),
        },
        Type::String => match node.ty() {
            NodeType::String | NodeType::MultilineString => node
                .as_str(src)
                .map(drop)
                .map_err(|_| bad_escape(node, src)),
            _ => Err(wrong_kind(node, ty, src)),
        },
        Type::List(list) => match node.as_list() {
            Ok(mut items) => items.try_for_each(|item| check(item, &list.ty(), src)),
            Err(_) => Err(wrong_kind(node, ty, src)),
        },
        Type::Record(record) => self::record(node, ty, record, src),
        Type::Tuple(tuple) => self::tuple(node, ty, tuple, src),
        Type::Variant(variant) => self::variant(node, ty, variant, src),
        Type::Enum(cases) => self::enumeration(node, ty, cases, src),
        Type::Flags(flags) => self::flags(node, ty, flags, src),
        Type::Option(option) => self::option(node, ty, option, src),
        Type::Result(result) => self::result(node, ty, result, src),
        Type::Own(_) | Type::Borrow(_) => Err(Found::new(
            node.span(),
            format!(
                "`{}` stands where a handle is wanted, and WAVE writes no handles",
                shown(text(node, src))
            ),
            None,
        )),
        // Types this module does not look into: WAVE's own message stands.
        Type::Map(_)
        | Type::FixedLengthList(_)
        | Type::Future(_)
        | Type::Stream(_)
        | Type::ErrorContext => Ok(()),
    }
}

/// The text of `node`.
fn text<'s>(node: &Node, src: &'s str) -> &'s str {
    src.get(node.span()).unwrap_or_default()
}

/// `node` is not even the kind of thing `ty` wants: `"3"` where a u32 is wanted.
fn wrong_kind(node: &Node, ty: &Type, src: &str) -> Found {
    let problem = format!(
        "`{}` is {}, not {}",
        shown(text(node, src)),
        reads_as(node),
        a(ty)
    );
    Found::new(node.span(), problem, Some(kind_hint(node, ty, src)))
}

/// The usual mistake behind a value of the wrong kind, or how a value of `ty` is written.
fn kind_hint(node: &Node, ty: &Type, src: &str) -> String {
    let written_text = text(node, src);
    let quoted_inside = match node.ty() {
        NodeType::String => node.as_str(src).ok().map(|s| s.into_owned()),
        _ => None,
    };
    let is_number = |s: &str| {
        let s = s.trim();
        !s.is_empty() && s.parse::<f64>().is_ok() && !s.contains(char::is_alphabetic)
    };
    let lonely_char = |s: &str| {
        let mut chars = s.chars();
        chars.next().filter(|_| chars.next().is_none())
    };
    let number_type = matches!(
        ty,
        Type::S8
            | Type::S16
            | Type::S32
            | Type::S64
            | Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::Float32
            | Type::Float64
    );
    match (ty, node.ty(), quoted_inside.as_deref()) {
        (_, NodeType::String, Some(inside)) if number_type && is_number(inside) => format!(
            "`{written_text}` is a string; {} is written {}",
            a(ty),
            inside.trim()
        ),
        (Type::Bool, NodeType::String, Some(inside @ ("true" | "false"))) => {
            format!("`{written_text}` is a string; a bool is written {inside}")
        }
        (Type::Char, NodeType::String, Some(inside)) => match lonely_char(inside) {
            Some(c) => format!(
                "`{written_text}` is a string; a char is written in single quotes: '{}'",
                c.escape_default()
            ),
            None => "a char holds one character, written in single quotes: 'a'".to_string(),
        },
        (Type::String, NodeType::Char, _) => {
            let inside = written_text.trim_matches('\'');
            format!(
                "`{written_text}` is a char; a string is written in double quotes: \"{inside}\""
            )
        }
        (
            Type::String,
            NodeType::Label | NodeType::Number | NodeType::BoolTrue | NodeType::BoolFalse,
            _,
        ) => format!(
            "a string is written in double quotes: {}",
            quoted(written_text)
        ),
        (Type::Enum(_) | Type::Variant(_), NodeType::String, Some(inside))
            if case_names(ty).iter().any(|c| c == inside) =>
        {
            format!("`{written_text}` is a string; a case is written without quotes: {inside}")
        }
        (Type::Flags(flags), NodeType::Label, _)
            if flags
                .names()
                .any(|f| f == written_text.trim_start_matches('%')) =>
        {
            format!("flags are written in braces, even one: {{{written_text}}}")
        }
        (Type::Record(record), NodeType::Flags, _) if record.fields().len() == 0 => {
            "a record without fields is written {:}".to_string()
        }
        (Type::Option(_), _, _) => format!("{}: here some({})", written(ty), shown(written_text)),
        _ => written(ty),
    }
}

/// The case names of an enum or variant.
fn case_names(ty: &Type) -> Vec<String> {
    match ty {
        Type::Enum(e) => e.names().map(str::to_string).collect(),
        Type::Variant(v) => v.cases().map(|c| c.name.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// A char or string whose escape WAVE does not know.
fn bad_escape(node: &Node, src: &str) -> Found {
    Found::new(
        node.span(),
        format!(
            "`{}` holds an escape WAVE does not know",
            shown(text(node, src))
        ),
        Some(
            "WAVE's escapes are \\n, \\t, \\r, \\', \\\", \\\\ and \\u{…} (a code point in hex)"
                .to_string(),
        ),
    )
}

/// An integer of `ty`, from `min` to `max`.
fn integer(node: &Node, ty: &Type, src: &str, min: i128, max: i128) -> Result<(), Found> {
    if node.ty() != NodeType::Number {
        return Err(wrong_kind(node, ty, src));
    }
    let number = text(node, src);
    let range = format!("{} holds {min} to {max}", a(ty));
    match number.parse::<i128>() {
        Ok(value) if (min..=max).contains(&value) => Ok(()),
        Ok(_) => Err(Found::new(
            node.span(),
            format!("`{number}` is out of range for {}", type_name(ty)),
            Some(range),
        )),
        // Digits alone that do not fit even an i128 are out of range too.
        Err(_)
            if number
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit()) =>
        {
            Err(Found::new(
                node.span(),
                format!("`{}` is out of range for {}", shown(number), type_name(ty)),
                Some(range),
            ))
        }
        Err(_) => Err(Found::new(
            node.span(),
            format!("`{number}` is not a whole number, and {} is", a(ty)),
            Some(format!("{range}, written in digits")),
        )),
    }
}

/// `ty`'s names as a hint: the one `wanted` most likely means, or the list of them all.
fn names_hint(what: &str, wanted: &str, names: &[&str]) -> String {
    match nearest(wanted, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("its {what} are: {}", names.join(", ")),
    }
}

/// Where `name` is written inside `within` of `src` (a label: a record's field, a flag),
/// or all of `within` where it cannot be found.
fn label_span(src: &str, within: Range<usize>, name: &str, from_end: bool) -> Range<usize> {
    let Some(part) = src.get(within.clone()) else {
        return within;
    };
    let found = if from_end {
        part.rfind(name)
    } else {
        part.find(name)
    };
    match found {
        Some(at) => within.start + at..within.start + at + name.len(),
        None => within,
    }
}

fn record(node: &Node, ty: &Type, record: &Record, src: &str) -> Result<(), Found> {
    let Ok(given) = node.as_record(src) else {
        return Err(wrong_kind(node, ty, src));
    };
    let given: Vec<(&str, &Node)> = given.collect();
    let fields: Vec<_> = record.fields().collect();
    let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
    for (name, value) in &given {
        if !names.contains(name) {
            // The label stands between the previous value and this one.
            let span = label_span(src, node.span().start..value.span().start, name, true);
            return Err(Found::new(
                span,
                format!("{} has no field `{name}`", type_name(ty)),
                Some(names_hint("fields", name, &names)),
            ));
        }
    }
    for field in &fields {
        if let Some((_, value)) = given.iter().find(|(name, _)| *name == field.name) {
            check(value, &field.ty, src)?;
        }
    }
    let missing: Vec<&str> = fields
        .iter()
        .filter(|f| !matches!(f.ty, Type::Option(_)))
        .filter(|f| !given.iter().any(|(name, _)| *name == f.name))
        .map(|f| f.name)
        .collect();
    if let Some(first) = missing.first() {
        let field_ty = fields
            .iter()
            .find(|f| f.name == *first)
            .map(|f| a(&f.ty))
            .unwrap_or_default();
        let end = node.span().end;
        let problem = if missing.len() == 1 {
            format!("field `{first}` ({field_ty}) is missing")
        } else {
            format!("fields {} are missing", ticked(&missing))
        };
        return Err(Found::new(
            end.saturating_sub(1)..end,
            problem,
            Some(format!(
                "{} needs every field that is not an option: add `{first}: …`",
                type_name(ty)
            )),
        ));
    }
    Ok(())
}

/// Names as a list of code: `a`, `b`.
fn ticked(names: &[&str]) -> String {
    let ticked: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    ticked.join(", ")
}

fn tuple(node: &Node, ty: &Type, tuple: &Tuple, src: &str) -> Result<(), Found> {
    let Ok(items) = node.as_tuple() else {
        return Err(wrong_kind(node, ty, src));
    };
    let items: Vec<&Node> = items.collect();
    let types: Vec<Type> = tuple.types().collect();
    if items.len() != types.len() {
        return Err(Found::new(
            node.span(),
            format!(
                "`{}` has {} item(s), and {} has {}",
                shown(text(node, src)),
                items.len(),
                type_name(ty),
                types.len()
            ),
            None,
        ));
    }
    items
        .iter()
        .zip(&types)
        .try_for_each(|(item, ty)| check(item, ty, src))
}

fn variant(node: &Node, ty: &Type, variant: &Variant, src: &str) -> Result<(), Found> {
    let Ok((label, payload)) = node.as_variant(src) else {
        return Err(wrong_kind(node, ty, src));
    };
    let cases: Vec<_> = variant.cases().collect();
    let names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    let Some(case) = cases.iter().find(|c| c.name == label) else {
        return Err(Found::new(
            label_span(src, node.span(), label, false),
            format!("`{label}` is not a case of {}", type_name(ty)),
            Some(names_hint("cases", label, &names)),
        ));
    };
    payload_of(node, label, case.ty.as_ref(), payload, src)
}

/// The payload of case `label` of `node`: there when the case carries a value of `ty`, and
/// of that type; absent when it carries nothing.
fn payload_of(
    node: &Node,
    label: &str,
    ty: Option<&Type>,
    payload: Option<&Node>,
    src: &str,
) -> Result<(), Found> {
    match (ty, payload) {
        (Some(ty), Some(payload)) => check(payload, ty, src),
        (None, None) => Ok(()),
        (Some(ty), None) => Err(Found::new(
            node.span(),
            format!("case `{label}` carries {}, and none is given", a(ty)),
            Some(format!("write {label}(…)")),
        )),
        (None, Some(_)) => Err(Found::new(
            node.span(),
            format!("case `{label}` carries nothing, and a value is given"),
            Some(format!("write {label} alone")),
        )),
    }
}

fn enumeration(node: &Node, ty: &Type, cases: &Enum, src: &str) -> Result<(), Found> {
    if node.ty() != NodeType::Label {
        return Err(wrong_kind(node, ty, src));
    }
    let label = text(node, src).trim_start_matches('%');
    let names: Vec<&str> = cases.names().collect();
    if names.contains(&label) {
        return Ok(());
    }
    Err(Found::new(
        node.span(),
        format!("`{label}` is not a case of {}", type_name(ty)),
        Some(names_hint("cases", label, &names)),
    ))
}

fn flags(node: &Node, ty: &Type, flags: &Flags, src: &str) -> Result<(), Found> {
    let Ok(given) = node.as_flags(src) else {
        return Err(wrong_kind(node, ty, src));
    };
    let names: Vec<&str> = flags.names().collect();
    for flag in given {
        let flag = flag.trim_start_matches('%');
        if !names.contains(&flag) {
            return Err(Found::new(
                label_span(src, node.span(), flag, false),
                format!("`{flag}` is not a flag of {}", type_name(ty)),
                Some(names_hint("flags", flag, &names)),
            ));
        }
    }
    Ok(())
}

/// The words other languages use for "no value".
const NOTHING: [&str; 5] = ["null", "nil", "None", "undefined", "nothing"];

fn option(node: &Node, ty: &Type, option: &OptionType, src: &str) -> Result<(), Found> {
    let inner = option.ty();
    match node.ty() {
        NodeType::OptionNone => Ok(()),
        NodeType::OptionSome => match node.as_option() {
            Ok(Some(payload)) => check(payload, &inner, src),
            _ => Ok(()),
        },
        NodeType::Label if NOTHING.contains(&text(node, src)) => Err(Found::new(
            node.span(),
            format!("`{}` is not a WAVE word", text(node, src)),
            Some(format!("{} without a value is written none", a(ty))),
        )),
        // WAVE reads a value that is neither an option nor a result as `some(…)`.
        _ if !matches!(inner, Type::Option(_) | Type::Result(_)) => check(node, &inner, src),
        _ => Err(wrong_kind(node, ty, src)),
    }
}

fn result(node: &Node, ty: &Type, result: &ResultType, src: &str) -> Result<(), Found> {
    let (ok, err) = (result.ok(), result.err());
    match node.ty() {
        NodeType::ResultOk | NodeType::ResultErr => {
            let (label, case_ty) = match node.ty() {
                NodeType::ResultOk => ("ok", ok.as_ref()),
                _ => ("err", err.as_ref()),
            };
            let payload = match node.as_result() {
                Ok(Ok(payload) | Err(payload)) => payload,
                Err(_) => None,
            };
            payload_of(node, label, case_ty, payload, src)
        }
        // WAVE reads a value that is neither an option nor a result as `ok(…)`.
        _ => match &ok {
            Some(ok_ty) if !matches!(ok_ty, Type::Option(_) | Type::Result(_)) => {
                check(node, ok_ty, src).map_err(|mut found| {
                    let as_error = err.as_ref().is_some_and(|e| check(node, e, src).is_ok());
                    if as_error && found.span == node.span() {
                        found.hint = Some(format!(
                            "a bare value means ok(…); an error is written err({})",
                            shown(text(node, src))
                        ));
                    }
                    found
                })
            }
            _ => Err(wrong_kind(node, ty, src)),
        },
    }
}
