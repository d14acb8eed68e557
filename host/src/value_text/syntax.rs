//! WAVE text that does not even parse: WAVE's syntax error (a token it did not expect, text
//! after the value, a bracket left open) said in words, with a hint that takes the type wanted
//! into account (a bare word where a string is wanted is a string without its quotes).

use wasmtime::component::Type;
use wasmtime::component::wasm_wave::parser::{ParserError, ParserErrorKind};

use super::Found;
use super::spelling::{a, quoted, shown, written};

/// Why `text` is not WAVE, from WAVE's error, for a value of `ty`.
pub(super) fn explain(error: &ParserError, text: &str, ty: &Type) -> Found {
    let span = error.span();
    let at = text.get(span.clone()).unwrap_or_default();
    let whole = text.trim();
    // A string written without its quotes fails in many ways; the hint is the same.
    let quote_it = (matches!(ty, Type::String) && !whole.starts_with('"')).then(|| {
        format!(
            "a string is written in double quotes: {}",
            quoted(unquoted(whole))
        )
    });
    let found = |span, problem: String, hint: Option<String>| Found::new(span, problem, hint);
    match error.kind() {
        ParserErrorKind::UnexpectedEnd if whole.is_empty() => found(
            0..text.len(),
            format!("the text is empty, and {} is wanted", a(ty)),
            Some(written(ty)),
        ),
        ParserErrorKind::UnexpectedEnd => found(
            text.len()..text.len(),
            "the text ends before the value does".to_string(),
            Some("is a bracket, a parenthesis or a quote left open?".to_string()),
        ),
        ParserErrorKind::TrailingCharacters => {
            let rest = text.get(span.start..).unwrap_or_default().trim_end();
            let value = text.get(..span.start).unwrap_or_default().trim();
            found(
                span.start..span.start + rest.len(),
                format!("`{}` follows the value `{}`", shown(rest), shown(value)),
                quote_it.or_else(|| {
                    Some(if rest.starts_with('_') {
                        format!("WAVE names are kebab-case: {}", crate::names::kebab(whole))
                    } else {
                        "the text holds one value; a list is written [a, b]".to_string()
                    })
                }),
            )
        }
        ParserErrorKind::UnexpectedToken => found(
            span,
            format!("`{}` is not expected here", shown(at)),
            quote_it.or_else(|| Some(written(ty))),
        ),
        ParserErrorKind::InvalidToken if single_quoted(whole) && !matches!(ty, Type::Char) => {
            found(
                0..text.len(),
                format!(
                    "`{}` is in single quotes, which WAVE keeps for a char (one character)",
                    shown(whole)
                ),
                quote_it.or_else(|| Some(written(ty))),
            )
        }
        ParserErrorKind::InvalidToken => invalid_token(span, at, ty, quote_it),
        ParserErrorKind::EmptyTuple => found(
            span,
            "`()` is an empty tuple, which WAVE does not have".to_string(),
            Some(written(ty)),
        ),
        ParserErrorKind::DuplicateField => {
            found(span, format!("field `{}` is given twice", shown(at)), None)
        }
        ParserErrorKind::DuplicateFlag => {
            found(span, format!("flag `{}` is given twice", shown(at)), None)
        }
        ParserErrorKind::NestingTooDeep => found(
            span,
            "the value nests deeper than WAVE reads (100 levels)".to_string(),
            None,
        ),
        ParserErrorKind::InvalidMultilineString => found(
            span,
            "a multi-line string's `\"\"\"` must end its line".to_string(),
            None,
        ),
        ParserErrorKind::InvalidEscape => found(
            span,
            format!("`{}` holds an escape WAVE does not know", shown(at)),
            None,
        ),
        _ => super::wave_says(error, text),
    }
}

/// Text WAVE cannot split into tokens: a char of more than one character, a string left
/// open, a name with `_` or capitals.
fn invalid_token(
    span: std::ops::Range<usize>,
    at: &str,
    ty: &Type,
    quote_it: Option<String>,
) -> Found {
    let (problem, hint) = if at.starts_with('\'') {
        let problem = match at.len() {
            1 => "`'` starts a char that does not end on this line".to_string(),
            _ => format!("`{}` holds more than one character", shown(at)),
        };
        let hint = match ty {
            Type::Char => "a char holds one character: 'a'".to_string(),
            _ => quote_it.unwrap_or_else(|| "a string is written in double quotes".to_string()),
        };
        (problem, hint)
    } else if at.starts_with('"') {
        (
            format!("the string `{}` does not end on its line", shown(at)),
            "a string ends with `\"`; a quote inside it is written \\\"".to_string(),
        )
    } else if at.contains(|c: char| c == '_' || c.is_uppercase()) {
        (
            format!("`{}` is not a WAVE name", shown(at)),
            quote_it.unwrap_or_else(|| {
                format!(
                    "WAVE names are kebab-case: {}",
                    crate::names::kebab(at.trim_start_matches('%'))
                )
            }),
        )
    } else {
        (
            format!("WAVE does not read `{}`", shown(at)),
            quote_it.unwrap_or_else(|| written(ty)),
        )
    };
    Found::new(span, problem, Some(hint))
}

/// Whether `text` is in single quotes.
fn single_quoted(text: &str) -> bool {
    text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'')
}

/// `text` without the single quotes a string was wrongly written in.
fn unquoted(text: &str) -> &str {
    if single_quoted(text) {
        &text[1..text.len() - 1]
    } else {
        text
    }
}
