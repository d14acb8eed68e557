//! WAVE function calls (`name(arg, …)`, the syntax of `wasmtime run --invoke`): parsed once,
//! then found among an instance's exports and typed against the function's parameters.

use std::fmt::Write as _;

use wasmtime::component::types::ComponentFunc;
use wasmtime::component::wasm_wave::untyped::UntypedFuncCall;
use wasmtime::component::{Type, Val};

/// Why a call could not be made; each names what the user wrote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The text is not a WAVE function call.
    #[error("`{call}` is not a WAVE function call: {message}")]
    Syntax {
        /// The call as written.
        call: String,
        /// The parser's message.
        message: String,
    },
    /// The named interface is not among the component's exports.
    #[error("the component exports no interface `{interface}`; it exports: {}", list(.available))]
    NoSuchInterface {
        /// The interface asked for.
        interface: String,
        /// What the component does export.
        available: Vec<String>,
    },
    /// The named function is not exported (where it was looked for).
    #[error("{} exports no function `{name}`; it exports: {}", place(.interface), list(.available))]
    NoSuchFunction {
        /// The function asked for.
        name: String,
        /// The interface it was looked for in, if any.
        interface: Option<String>,
        /// What is exported there.
        available: Vec<String>,
    },
    /// The guest called a scripted import more often than its script has answers.
    #[error("{0}")]
    NoAnswerLeft(String),
    /// An argument does not fit its parameter, or the count is wrong.
    #[error("`{call}` does not fit `{name}: {signature}`: {message}")]
    Arguments {
        /// The call as written.
        call: String,
        /// The function's name.
        name: String,
        /// The function's WIT signature.
        signature: String,
        /// Which argument is wrong and why.
        message: String,
    },
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "nothing".to_string()
    } else {
        names.join(", ")
    }
}

fn place(interface: &Option<String>) -> String {
    match interface {
        Some(i) => format!("the interface `{i}`"),
        None => "the component".to_string(),
    }
}

/// A call whose syntax has been checked; its arguments are typed when the function is known.
pub struct ParsedCall {
    call: UntypedFuncCall<'static>,
}

impl std::fmt::Debug for ParsedCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ParsedCall").field(&self.source()).finish()
    }
}

/// Parses `source` as a WAVE function call.
pub fn parse_call(source: &str) -> Result<ParsedCall, CallError> {
    let call = UntypedFuncCall::parse(source).map_err(|e| CallError::Syntax {
        call: source.to_string(),
        message: e.to_string(),
    })?;
    Ok(ParsedCall {
        call: call.into_owned(),
    })
}

impl ParsedCall {
    /// The function's name.
    pub fn name(&self) -> &str {
        self.call.name()
    }

    /// The call as written.
    pub fn source(&self) -> &str {
        self.call.source()
    }

    /// Types the arguments against `ty`. Trailing `option` parameters may be left out and
    /// become `none`, as in `wasmtime run --invoke`.
    pub fn arguments(&self, ty: &ComponentFunc) -> Result<Vec<Val>, CallError> {
        let params: Vec<(&str, Type)> = ty.params().collect();
        let nodes: Vec<_> = match self.call.params_node() {
            Some(node) => node
                .as_tuple()
                .map_err(|e| self.arguments_error(ty, e.to_string()))?
                .collect(),
            None => Vec::new(),
        };
        if nodes.len() > params.len() {
            let message = format!(
                "it takes {} argument(s), {} given",
                params.len(),
                nodes.len()
            );
            return Err(self.arguments_error(ty, message));
        }
        let mut values = Vec::with_capacity(params.len());
        for (i, (name, param_ty)) in params.iter().enumerate() {
            let value = match nodes.get(i) {
                Some(node) => node
                    .to_wasm_value::<Val>(param_ty, self.source())
                    .map_err(|e| {
                        let text = self.source().get(e.span()).unwrap_or_default();
                        let message = format!(
                            "argument `{name}` (expects {}): {} at `{text}`",
                            type_name(param_ty),
                            e.kind()
                        );
                        self.arguments_error(ty, message)
                    })?,
                None if matches!(param_ty, Type::Option(_)) => Val::Option(None),
                None => {
                    let message = format!("argument `{name}` ({}) is missing", type_name(param_ty));
                    return Err(self.arguments_error(ty, message));
                }
            };
            values.push(value);
        }
        Ok(values)
    }

    fn arguments_error(&self, ty: &ComponentFunc, message: String) -> CallError {
        CallError::Arguments {
            call: self.source().to_string(),
            name: self.name().to_string(),
            signature: signature(ty),
            message,
        }
    }
}

/// A function type in WIT syntax: `func(name: string) -> string`.
pub fn signature(ty: &ComponentFunc) -> String {
    let params: Vec<String> = ty
        .params()
        .map(|(name, t)| format!("{name}: {}", type_name(&t)))
        .collect();
    let mut out = format!("func({})", params.join(", "));
    for result in ty.results() {
        let _ = write!(out, " -> {}", type_name(&result));
    }
    out
}

/// A component value type in WIT syntax, with records, variants, enums and flags spelled out
/// (their WIT names are not part of the type).
pub fn type_name(ty: &Type) -> String {
    fn opt(t: Option<Type>) -> String {
        t.map(|t| type_name(&t)).unwrap_or_else(|| "_".to_string())
    }
    match ty {
        Type::Bool => "bool".into(),
        Type::S8 => "s8".into(),
        Type::U8 => "u8".into(),
        Type::S16 => "s16".into(),
        Type::U16 => "u16".into(),
        Type::S32 => "s32".into(),
        Type::U32 => "u32".into(),
        Type::S64 => "s64".into(),
        Type::U64 => "u64".into(),
        Type::Float32 => "f32".into(),
        Type::Float64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::List(l) => format!("list<{}>", type_name(&l.ty())),
        Type::FixedLengthList(l) => format!("list<{}, _>", type_name(&l.ty())),
        Type::Map(m) => format!("map<{}, {}>", type_name(&m.key()), type_name(&m.value())),
        Type::Record(r) => {
            let fields: Vec<String> = r
                .fields()
                .map(|f| format!("{}: {}", f.name, type_name(&f.ty)))
                .collect();
            format!("record {{ {} }}", fields.join(", "))
        }
        Type::Tuple(t) => {
            let types: Vec<String> = t.types().map(|t| type_name(&t)).collect();
            format!("tuple<{}>", types.join(", "))
        }
        Type::Variant(v) => {
            let cases: Vec<String> = v
                .cases()
                .map(|c| match c.ty {
                    Some(t) => format!("{}({})", c.name, type_name(&t)),
                    None => c.name.to_string(),
                })
                .collect();
            format!("variant {{ {} }}", cases.join(", "))
        }
        Type::Enum(e) => format!("enum {{ {} }}", e.names().collect::<Vec<_>>().join(", ")),
        Type::Flags(f) => format!("flags {{ {} }}", f.names().collect::<Vec<_>>().join(", ")),
        Type::Option(o) => format!("option<{}>", type_name(&o.ty())),
        Type::Result(r) => format!("result<{}, {}>", opt(r.ok()), opt(r.err())),
        Type::Own(_) => "own<resource>".into(),
        Type::Borrow(_) => "borrow<resource>".into(),
        Type::Future(_) => "future".into(),
        Type::Stream(_) => "stream".into(),
        Type::ErrorContext => "error-context".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_does_not_parse_is_a_syntax_error() {
        let err = parse_call("greeting(\"Ben\"").unwrap_err();
        assert!(matches!(err, CallError::Syntax { .. }), "{err}");
        assert!(err.to_string().contains("greeting(\"Ben\""), "{err}");
    }

    #[test]
    fn a_parsed_call_keeps_its_name_and_source() {
        let call = parse_call("run(\"greet\", [\"a\", \"b\"])").unwrap();
        assert_eq!(call.name(), "run");
        assert_eq!(call.source(), "run(\"greet\", [\"a\", \"b\"])");
    }
}
