//! How WAVE spells things, for messages: a type with its article (`a u32`, `an s8`), what a
//! piece of text reads as (`a string`, `a bare word`), how a value of a type is written
//! (`a bool is written true or false`), and a fragment short enough to quote.

use wasmtime::component::Type;
use wasmtime::component::wasm_wave::ast::{Node, NodeType};

use crate::call::type_name;

/// `ty` in WIT syntax with its article: `a u32`, `an s8`, `an option<string>`.
pub(super) fn a(ty: &Type) -> String {
    let name = type_name(ty);
    match article(&name) {
        "" => name,
        article => format!("{article} {name}"),
    }
}

/// The article of a WIT type's name: `an` before a vowel's sound (`an s8`, `an f32`, `an
/// enum`), none before a plural (`flags { … }`), `a` otherwise (`a u8`, `a list<…>`).
fn article(name: &str) -> &'static str {
    if name.starts_with("flags") {
        return "";
    }
    let mut chars = name.chars();
    let first = chars.next();
    let second = chars.next();
    match (first, second) {
        (Some('a' | 'e' | 'i' | 'o'), _) => "an",
        (Some('s' | 'f'), Some(d)) if d.is_ascii_digit() => "an",
        _ => "a",
    }
}

/// What a parsed piece of text is: `a string`, `a number`, `a bare word`.
pub(super) fn reads_as(node: &Node) -> &'static str {
    match node.ty() {
        NodeType::BoolTrue | NodeType::BoolFalse => "a bool",
        NodeType::Number => "a number",
        NodeType::Char => "a char",
        NodeType::String | NodeType::MultilineString => "a string",
        NodeType::Tuple => "a tuple",
        NodeType::List => "a list",
        NodeType::Record => "a record",
        NodeType::Label => "a bare word",
        NodeType::VariantWithPayload => "a case with a payload",
        NodeType::OptionSome | NodeType::OptionNone => "an option",
        NodeType::ResultOk | NodeType::ResultErr => "a result",
        NodeType::Flags => "a set of flags",
    }
}

/// How a value of `ty` is written, as a hint: `a u32 is written in digits, without quotes:
/// 42`.
pub(super) fn written(ty: &Type) -> String {
    let how = match ty {
        Type::Bool => "true or false".to_string(),
        Type::S8 | Type::S16 | Type::S32 | Type::S64 => {
            "in digits, without quotes: 42 or -7".to_string()
        }
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => "in digits, without quotes: 42".to_string(),
        Type::Float32 | Type::Float64 => "as a number: 1.5, -2, 1e-3, nan, inf or -inf".to_string(),
        Type::Char => "in single quotes: 'a'".to_string(),
        Type::String => "in double quotes: \"text\"".to_string(),
        Type::List(_) | Type::FixedLengthList(_) => "in square brackets: [a, b]".to_string(),
        Type::Record(record) => {
            let fields: Vec<String> = record.fields().map(|f| format!("{}: …", f.name)).collect();
            if fields.is_empty() {
                "{:}".to_string()
            } else {
                format!(
                    "in braces, each field with its value: {{{}}}",
                    fields.join(", ")
                )
            }
        }
        Type::Tuple(_) => "in parentheses: (a, b)".to_string(),
        Type::Variant(variant) => {
            let cases: Vec<String> = variant
                .cases()
                .map(|c| match c.ty {
                    Some(_) => format!("{}(…)", c.name),
                    None => c.name.to_string(),
                })
                .collect();
            format!("as one of its cases, without quotes: {}", cases.join(", "))
        }
        Type::Enum(e) => format!(
            "as one of its cases, without quotes: {}",
            e.names().collect::<Vec<_>>().join(", ")
        ),
        Type::Flags(_) => return "flags are written in braces: {a, b}, or {} for none".to_string(),
        Type::Option(_) => "some(…) or none".to_string(),
        Type::Result(_) => "ok(…) or err(…)".to_string(),
        Type::Map(_) => "as a map".to_string(),
        Type::Own(_) | Type::Borrow(_) => "as a name bound to a handle".to_string(),
        Type::Future(_) | Type::Stream(_) | Type::ErrorContext => {
            return format!("{} cannot be written in WAVE", a(ty));
        }
    };
    format!("{} is written {how}", a(ty))
}

/// `text` short enough to quote in a message: at most 40 characters, the rest as `…`.
pub(super) fn shown(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX - 1).collect();
        format!("{head}…")
    }
}

/// `text` as a WAVE string: in double quotes, with `"` and `\` escaped.
pub(super) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_takes_the_article_of_its_sound() {
        assert_eq!(a(&Type::U32), "a u32");
        assert_eq!(a(&Type::S8), "an s8");
        assert_eq!(a(&Type::Float64), "an f64");
        assert_eq!(a(&Type::String), "a string");
        assert_eq!(article("option<u8>"), "an");
        assert_eq!(article("enum { a }"), "an");
        assert_eq!(article("list<u8>"), "a");
        assert_eq!(article("flags { read }"), "");
    }

    #[test]
    fn long_fragments_are_cut_and_strings_are_escaped() {
        assert_eq!(shown("short"), "short");
        let long = "x".repeat(50);
        assert_eq!(shown(&long).chars().count(), 40);
        assert!(shown(&long).ends_with('…'));
        assert_eq!(quoted("say \"hi\""), "\"say \\\"hi\\\"\"");
    }
}
