//! WAVE text read against a component type, and the one place that turns a failure to read it
//! into a message a user can act on: [`ValueTextError`] names what was wanted, points at where
//! the text went wrong (a caret line under the text) and hints at the usual mistake (a quoted
//! number, a field or case spelled wrong, a bare word where a string is wanted, a number out of
//! range, `some(…)` left out, a char written as a string).
//!
//! An `expect` ([`crate::value::parse_expected`]), a call's arguments (`crate::call`) and an
//! `[[import]]` answer (`crate::scripted`) are all read here. WAVE's own parser decides
//! whether the text is a value; only when it is not does this module look again, first at the
//! syntax (`syntax`), then at the parsed text against the type, part by part
//! (`diagnose`), to say which part is wrong and why.

mod diagnose;
mod spelling;
mod syntax;

use std::fmt;
use std::ops::Range;

use wasmtime::component::wasm_wave::ast::Node;
use wasmtime::component::wasm_wave::parser::ParserError;
use wasmtime::component::wasm_wave::untyped::UntypedValue;
use wasmtime::component::{Type, Val};

use crate::call::type_name;

/// WAVE text that is not a value of the type wanted: the text, the type, where in the text it
/// went wrong, what is wrong, and a hint. `Display` gives the problem, then (when the text is
/// longer than the part at fault) the text with a caret line under that part, then the hint:
///
/// ```text
/// record { text: string, level: u8 } has no field `txt`
///     {txt: "a", level: 1}
///      ^^^
///   hint: did you mean `text`?
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueTextError {
    /// The text as written (for a call's argument, the whole call).
    pub text: String,
    /// The type the text was read as, in WIT syntax (`record { text: string, level: u8 }`).
    pub ty: String,
    /// The byte range of `text` where it went wrong.
    pub position: Range<usize>,
    /// What is wrong, naming the part and the type wanted there.
    pub problem: String,
    /// What the user probably meant, or how a value of the type is written.
    pub hint: Option<String>,
}

impl ValueTextError {
    fn new(text: &str, ty: &Type, found: Found) -> Self {
        ValueTextError {
            text: text.to_string(),
            ty: type_name(ty),
            position: found.span,
            problem: found.problem,
            hint: found.hint,
        }
    }

    /// The part of the text at fault (empty where the text ended too early).
    pub fn fragment(&self) -> &str {
        self.text.get(self.position.clone()).unwrap_or_default()
    }

    /// The 1-based line and column (in characters) of the start of the part at fault, for
    /// a text of several lines.
    pub fn line_and_column(&self) -> (usize, usize) {
        let before = self.text.get(..self.position.start).unwrap_or(&self.text);
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .unwrap_or_default()
            .chars()
            .count()
            + 1;
        (line, column)
    }

    /// The line of the text that holds the part at fault, and a caret line under that part;
    /// `None` when the part is the whole (one-line) text, where the carets would add nothing.
    fn caret_lines(&self) -> Option<(String, String)> {
        let start = self.position.start.min(self.text.len());
        let whole = self.text.trim();
        if whole.is_empty() || (!self.text.contains('\n') && self.fragment().trim() == whole) {
            return None;
        }
        let line_start = self.text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[line_start..]
            .find('\n')
            .map_or(self.text.len(), |i| line_start + i);
        let line = &self.text[line_start..line_end];
        // The caret line repeats the line's tabs, so the carets stay under the part.
        let pad: String = self.text[line_start..start]
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let end = self.position.end.clamp(start, line_end);
        let width = self.text.get(start..end).map_or(0, |s| s.chars().count());
        Some((
            line.to_string(),
            format!("{pad}{}", "^".repeat(width.max(1))),
        ))
    }
}

impl fmt::Display for ValueTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem)?;
        if let Some((line, carets)) = self.caret_lines() {
            write!(f, "\n    {line}\n    {carets}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValueTextError {}

/// What went wrong where, before it is put into a [`ValueTextError`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    span: Range<usize>,
    problem: String,
    hint: Option<String>,
}

impl Found {
    fn new(span: Range<usize>, problem: String, hint: Option<String>) -> Self {
        Found {
            span,
            problem,
            hint,
        }
    }
}

/// Reads `text` as a WAVE value of type `ty`.
pub fn parse_value(ty: &Type, text: &str) -> Result<Val, ValueTextError> {
    let parsed = UntypedValue::parse(text)
        .map_err(|e| ValueTextError::new(text, ty, syntax::explain(&e, text, ty)))?;
    typed_transmitted(parsed.node(), text, ty)
}

/// The value of type `ty` written as `node`, where a `stream<T>` or `future<T>` may stand (an
/// argument, a scripted import's answer). A `stream<T>` is written as the
/// list of its items and a `future<T>` as its value; they are returned as a `list` and a
/// `some` of the payload, which the host turns into a stream and a future it writes when the
/// call is made or the import answered ([`crate::transmit::placeholder_to_transmit`]).
pub(crate) fn typed_transmitted(
    node: &Node,
    source: &str,
    ty: &Type,
) -> Result<Val, ValueTextError> {
    let payload_of = |payload: Option<Type>, what: &str| {
        payload.ok_or_else(|| ValueTextError {
            text: source.to_string(),
            ty: type_name(ty),
            position: node.span(),
            problem: format!("witness cannot pass a {what} of no payload"),
            hint: None,
        })
    };
    match ty {
        Type::Stream(stream) => {
            let payload = payload_of(stream.ty(), "stream")?;
            let items = node.as_list().map_err(|_| ValueTextError {
                text: source.to_string(),
                ty: type_name(ty),
                position: node.span(),
                problem: "not a list: a stream is written as the list of its items".to_string(),
                hint: Some(format!(
                    "write the items the host sends, such as `[{}]`",
                    example_of(&payload)
                )),
            })?;
            let values = items
                .map(|item| typed_node(item, source, &payload))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Val::List(values))
        }
        Type::Future(future) => {
            let payload = payload_of(future.ty(), "future")?;
            let value = typed_node(node, source, &payload)?;
            Ok(Val::Option(Some(Box::new(value))))
        }
        _ => typed_node(node, source, ty),
    }
}

/// A value of `ty` to show in a hint.
fn example_of(ty: &Type) -> &'static str {
    match ty {
        Type::String => "\"a\", \"b\"",
        Type::Char => "'a', 'b'",
        Type::Bool => "true, false",
        Type::Float32 | Type::Float64 => "1.5, 2.5",
        _ => "1, 2",
    }
}

/// Types `node`, parsed from `source`, as a value of `ty`; the error's text is all of
/// `source`.
pub(crate) fn typed_node(node: &Node, source: &str, ty: &Type) -> Result<Val, ValueTextError> {
    node.to_wasm_value::<Val>(ty, source)
        .map_err(|e| ValueTextError::new(source, ty, explain_typed(node, source, ty, &e)))
}

/// Why `node` is not a value of `ty`, which WAVE found it is not (`error`).
fn explain_typed(node: &Node, source: &str, ty: &Type, error: &ParserError) -> Found {
    diagnose::check(node, ty, source)
        .err()
        .unwrap_or_else(|| wave_says(error, source))
}

/// WAVE's own word on an error, where this module has none better.
fn wave_says(error: &ParserError, source: &str) -> Found {
    let span = error.span();
    let at = source.get(span.clone()).unwrap_or_default();
    let cause = std::error::Error::source(error)
        .map(ToString::to_string)
        .or_else(|| error.detail().map(str::to_string));
    let problem = match cause {
        Some(cause) => format!("{}: {cause} at `{}`", error.kind(), spelling::shown(at)),
        None => format!("{} at `{}`", error.kind(), spelling::shown(at)),
    };
    Found::new(span, problem, None)
}

#[cfg(test)]
mod tests;
