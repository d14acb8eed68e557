//! WAVE function calls (`name(arg, …)`, the syntax of `wasmtime run --invoke`): parsed once,
//! then found among an instance's exports and typed against the function's parameters.
//! Why a call cannot be made is `error`'s; the WIT names of types and functions that
//! messages show are `wit_names`'.

mod error;
mod wit_names;

use wasmtime::component::types::ComponentFunc;
use wasmtime::component::wasm_wave::ast::Node;
use wasmtime::component::wasm_wave::untyped::UntypedFuncCall;
use wasmtime::component::{Type, Val};

pub use error::CallError;
pub(crate) use wit_names::signature_with;
pub use wit_names::{call_name, resource_function, signature, type_name};

use crate::value_text::{self, ValueTextError};

/// A call whose syntax has been checked; its arguments are typed when the function is known.
/// The name may be a resource's function, `counter.new` (its constructor), `counter.add` (a
/// method, the handle first) or `counter.doubled` (a static function).
pub struct ParsedCall {
    call: UntypedFuncCall<'static>,
    /// The name as written, where it is a resource's (`counter.add`); WAVE's own parser
    /// reads the call with a plain placeholder name in its place.
    resource_name: Option<(String, String)>,
    /// The call as written.
    written: String,
}

/// The name WAVE parses in place of a resource function's dotted name.
const PLACEHOLDER: &str = "resource-function";

impl std::fmt::Debug for ParsedCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ParsedCall").field(&self.source()).finish()
    }
}

/// Parses `source` as a WAVE function call; the name may also be `<resource>.<function>`.
pub fn parse_call(source: &str) -> Result<ParsedCall, CallError> {
    let syntax = |message: String| CallError::Syntax {
        call: source.to_string(),
        message,
    };
    let trimmed = source.trim_start();
    let dotted = trimmed
        .split_once('(')
        .and_then(|(name, _)| name.trim_end().split_once('.'))
        .map(|(resource, function)| (resource.to_string(), function.to_string()));
    let text = match &dotted {
        Some((resource, function)) => {
            let valid = |word: &str| {
                word.starts_with(|c: char| c.is_ascii_lowercase())
                    && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            };
            if !valid(resource) || !valid(function) {
                return Err(syntax(format!(
                    "`{resource}.{function}` is not a resource function's name \
                     (`<resource>.<function>`, each a WIT name)"
                )));
            }
            let args = &trimmed[trimmed.find('(').unwrap_or(trimmed.len())..];
            format!("{PLACEHOLDER}{args}")
        }
        None => source.to_string(),
    };
    let call = UntypedFuncCall::parse(&text).map_err(|e| syntax(e.to_string()))?;
    Ok(ParsedCall {
        call: call.into_owned(),
        resource_name: dotted,
        written: source.to_string(),
    })
}

impl ParsedCall {
    /// The function's name as written: `greeting`, or `counter.add` for a resource's.
    pub fn name(&self) -> String {
        match &self.resource_name {
            Some((resource, function)) => format!("{resource}.{function}"),
            None => self.call.name().to_string(),
        }
    }

    /// The resource and function a dotted name names, such as `("counter", "add")`.
    pub fn resource_function(&self) -> Option<(&str, &str)> {
        self.resource_name
            .as_ref()
            .map(|(resource, function)| (resource.as_str(), function.as_str()))
    }

    /// The names of the exports this call may mean, in the order they are tried: the name
    /// itself, or for `counter.new` the constructor `[constructor]counter`, and for
    /// `counter.f` the method `[method]counter.f`, then the static `[static]counter.f`.
    pub fn export_names(&self) -> Vec<String> {
        match &self.resource_name {
            None => vec![self.call.name().to_string()],
            Some((resource, function)) if function == "new" => {
                vec![format!("[constructor]{resource}")]
            }
            Some((resource, function)) => vec![
                format!("[method]{resource}.{function}"),
                format!("[static]{resource}.{function}"),
            ],
        }
    }

    /// The call as written.
    pub fn source(&self) -> &str {
        &self.written
    }

    /// Types the arguments against `ty`. Trailing `option` parameters may be left out and
    /// become `none`, as in `wasmtime run --invoke`.
    pub fn arguments(&self, ty: &ComponentFunc) -> Result<Vec<Val>, CallError> {
        self.arguments_with(ty, &mut |text, _| {
            Err(format!(
                "`{text}` is not a handle this call knows (bind a resource to a name first)"
            ))
        })
    }

    /// Like [`Self::arguments`], with `handle` giving the value of each argument whose
    /// parameter is a resource (`own` or `borrow`), from the argument's text (a bound name,
    /// such as `c`), or saying why it cannot.
    pub fn arguments_with(
        &self,
        ty: &ComponentFunc,
        handle: &mut dyn FnMut(&str, &Type) -> Result<Val, String>,
    ) -> Result<Vec<Val>, CallError> {
        let params: Vec<(&str, Type)> = ty.params().collect();
        let nodes: Vec<_> = match self.call.params_node() {
            Some(node) => node
                .as_tuple()
                .map_err(|e| self.arguments_error(ty, e.to_string(), None))?
                .collect(),
            None => Vec::new(),
        };
        if nodes.len() > params.len() {
            let message = format!(
                "it takes {} argument(s), {} given",
                params.len(),
                nodes.len()
            );
            return Err(self.arguments_error(ty, message, None));
        }
        let mut values = Vec::with_capacity(params.len());
        let source = self.call.source();
        let explain = |node: &Node, ty: &Type| match value_text::typed_node(node, source, ty) {
            Err(e) => self.as_written(e),
            // Not reached: WAVE refused the node, so it is not a value of the type.
            Ok(_) => self.as_written(value_text::ValueTextError {
                text: source.to_string(),
                ty: type_name(ty),
                position: node.span(),
                problem: "not a value of this type".to_string(),
                hint: None,
            }),
        };
        for (i, (name, param_ty)) in params.iter().enumerate() {
            let wanted = format!("argument `{name}` (expects {})", type_name(param_ty));
            let value = match nodes.get(i) {
                Some(node) if holds_resource(param_ty) => typed_with_handles(
                    node, param_ty, source, handle, &explain,
                )
                .map_err(|error| match error {
                    ArgumentError::Message(message) => {
                        let message = format!("argument `{name}`: {message}");
                        self.arguments_error(ty, message, None)
                    }
                    ArgumentError::Value(e) => {
                        let message = format!("{wanted}: {e}");
                        self.arguments_error(ty, message, Some(e))
                    }
                })?,
                Some(node) => {
                    value_text::typed_transmitted(node, source, param_ty).map_err(|e| {
                        let e = self.as_written(e);
                        self.arguments_error(ty, format!("{wanted}: {e}"), Some(e))
                    })?
                }
                None if matches!(param_ty, Type::Option(_)) => Val::Option(None),
                None => {
                    let message = format!("argument `{name}` ({}) is missing", type_name(param_ty));
                    return Err(self.arguments_error(ty, message, None));
                }
            };
            values.push(value);
        }
        Ok(values)
    }

    /// `error`, about the text WAVE parsed, placed in the call as written: a resource
    /// function's dotted name is parsed as a placeholder of another length, and the
    /// arguments after it are the same text.
    fn as_written(&self, error: ValueTextError) -> ValueTextError {
        let parsed = self.call.source().len();
        let written = self.written.len();
        let place = |at: usize| (at + written).saturating_sub(parsed).min(written);
        let position = place(error.position.start)..place(error.position.end);
        ValueTextError {
            text: self.written.clone(),
            position,
            ..error
        }
    }

    fn arguments_error(
        &self,
        ty: &ComponentFunc,
        message: String,
        value: Option<ValueTextError>,
    ) -> CallError {
        CallError::Arguments {
            call: self.source().to_string(),
            name: self.name(),
            signature: signature(ty),
            message,
            value: value.map(Box::new),
        }
    }
}

/// Whether a value of `ty` holds a resource handle anywhere.
pub(crate) fn holds_resource(ty: &Type) -> bool {
    match ty {
        Type::Own(_) | Type::Borrow(_) => true,
        Type::List(l) => holds_resource(&l.ty()),
        Type::Option(o) => holds_resource(&o.ty()),
        Type::Result(r) => {
            r.ok().is_some_and(|t| holds_resource(&t))
                || r.err().is_some_and(|t| holds_resource(&t))
        }
        Type::Tuple(t) => t.types().any(|t| holds_resource(&t)),
        Type::Record(r) => r.fields().any(|f| holds_resource(&f.ty)),
        Type::Variant(v) => v.cases().any(|c| c.ty.is_some_and(|t| holds_resource(&t))),
        _ => false,
    }
}

/// Why an argument that holds handles could not be typed.
enum ArgumentError {
    /// A handle that cannot be given (an unbound name), or a part missing around one.
    Message(String),
    /// The text around the handles is not a value of its type.
    Value(ValueTextError),
}

/// Types `node` against `ty`, which holds resource handles: each handle's text (a bound
/// name) is given to `handle`, everything else is typed as WAVE types it, and `explain`
/// says why a part of the text is not a value of its type.
fn typed_with_handles(
    node: &Node,
    ty: &Type,
    source: &str,
    handle: &mut dyn FnMut(&str, &Type) -> Result<Val, String>,
    explain: &dyn Fn(&Node, &Type) -> ValueTextError,
) -> Result<Val, ArgumentError> {
    let text = |node: &Node| {
        source
            .get(node.span())
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let not_a = |node: &Node, ty: &Type| ArgumentError::Value(explain(node, ty));
    if !holds_resource(ty) {
        return value_text::typed_node(node, source, ty).map_err(|_| not_a(node, ty));
    }
    let mut typed = |node: &Node, ty: &Type| typed_with_handles(node, ty, source, handle, explain);
    Ok(match ty {
        Type::Own(_) | Type::Borrow(_) => {
            return handle(&text(node), ty).map_err(ArgumentError::Message);
        }
        Type::List(list) => {
            let element = list.ty();
            let items = node.as_list().map_err(|_| not_a(node, ty))?;
            Val::List(
                items
                    .map(|n| typed(n, &element))
                    .collect::<Result<_, _>>()?,
            )
        }
        Type::Tuple(tuple) => {
            let items: Vec<&Node> = node.as_tuple().map_err(|_| not_a(node, ty))?.collect();
            let types: Vec<Type> = tuple.types().collect();
            if items.len() != types.len() {
                return Err(not_a(node, ty));
            }
            let values = items.iter().zip(&types).map(|(n, t)| typed(n, t));
            Val::Tuple(values.collect::<Result<_, _>>()?)
        }
        Type::Record(record) => {
            let given: Vec<(&str, &Node)> = node
                .as_record(source)
                .map_err(|_| not_a(node, ty))?
                .collect();
            let mut fields = Vec::new();
            for field in record.fields() {
                let value = match given.iter().find(|(name, _)| *name == field.name) {
                    Some((_, n)) => typed(n, &field.ty)?,
                    None if matches!(field.ty, Type::Option(_)) => Val::Option(None),
                    None => {
                        return Err(ArgumentError::Message(format!(
                            "`{}` lacks field `{}`",
                            text(node),
                            field.name
                        )));
                    }
                };
                fields.push((field.name.to_string(), value));
            }
            Val::Record(fields)
        }
        Type::Option(option) => match node.as_option().map_err(|_| not_a(node, ty))? {
            Some(n) => Val::Option(Some(Box::new(typed(n, &option.ty())?))),
            None => Val::Option(None),
        },
        Type::Result(result) => {
            let payload = |n: Option<&Node>,
                           t: Option<Type>,
                           typed: &mut dyn FnMut(&Node, &Type) -> Result<Val, ArgumentError>|
             -> Result<Option<Box<Val>>, ArgumentError> {
                match (n, t) {
                    (Some(n), Some(t)) => Ok(Some(Box::new(typed(n, &t)?))),
                    _ => Ok(None),
                }
            };
            match node.as_result().map_err(|_| not_a(node, ty))? {
                Ok(n) => Val::Result(Ok(payload(n, result.ok(), &mut typed)?)),
                Err(n) => Val::Result(Err(payload(n, result.err(), &mut typed)?)),
            }
        }
        Type::Variant(variant) => {
            let (label, payload) = node.as_variant(source).map_err(|_| not_a(node, ty))?;
            let case = variant
                .cases()
                .find(|c| c.name == label)
                .ok_or_else(|| not_a(node, ty))?;
            let value = match (payload, case.ty) {
                (Some(n), Some(t)) => Some(Box::new(typed(n, &t)?)),
                _ => None,
            };
            Val::Variant(label.to_string(), value)
        }
        _ => value_text::typed_node(node, source, ty).map_err(|_| not_a(node, ty))?,
    })
}

/// Whether `wanted`, an interface as a fixture or a call writes it, names `actual`, one the
/// component exports or imports: the same name, or `actual` with a version `wanted` leaves
/// out (`my:pkg/iface` names `my:pkg/iface@1.2.3`).
pub(crate) fn names_interface(wanted: &str, actual: &str) -> bool {
    wanted == actual
        || actual
            .split_once('@')
            .is_some_and(|(unversioned, _)| unversioned == wanted)
}

/// The one of `available` that `wanted` names: itself, or else its only version (two
/// versions of it make an unversioned name ambiguous).
pub(crate) fn resolve_interface<'a>(wanted: &str, available: &'a [String]) -> Option<&'a str> {
    if let Some(exact) = available.iter().find(|name| *name == wanted) {
        return Some(exact);
    }
    let mut versions = available
        .iter()
        .filter(|name| names_interface(wanted, name));
    match (versions.next(), versions.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unversioned_interface_names_its_only_version() {
        let one = ["a:b/c@0.1.0".to_string(), "a:b/d".to_string()];
        assert_eq!(resolve_interface("a:b/c", &one), Some("a:b/c@0.1.0"));
        assert_eq!(resolve_interface("a:b/d", &one), Some("a:b/d"));
        assert_eq!(resolve_interface("a:b/e", &one), None);
        let two = ["a:b/c@0.1.0".to_string(), "a:b/c@0.2.0".to_string()];
        assert_eq!(resolve_interface("a:b/c", &two), None);
        assert_eq!(resolve_interface("a:b/c@0.2.0", &two), Some("a:b/c@0.2.0"));
        assert!(!names_interface("a:b/c", "a:b/cd@1"));
    }

    #[test]
    fn a_call_that_does_not_parse_is_a_syntax_error() {
        let err = parse_call("greeting(\"Ben\"").unwrap_err();
        assert!(matches!(err, CallError::Syntax { .. }), "{err}");
        assert!(err.to_string().contains("greeting(\"Ben\""), "{err}");
    }

    #[test]
    fn export_names_of_resource_functions_read_as_calls_write_them() {
        assert_eq!(
            resource_function("[constructor]counter"),
            Some(("counter", "new"))
        );
        assert_eq!(
            resource_function("[method]counter.add"),
            Some(("counter", "add"))
        );
        assert_eq!(
            resource_function("[static]blob.make"),
            Some(("blob", "make"))
        );
        assert_eq!(resource_function("peek"), None);
        assert_eq!(call_name("[method]counter.add"), "counter.add");
        assert_eq!(call_name("peek"), "peek");
    }

    #[test]
    fn a_resource_function_names_its_constructor_method_or_static() {
        let new = parse_call("counter.new(5)").unwrap();
        assert_eq!(new.name(), "counter.new");
        assert_eq!(new.export_names(), ["[constructor]counter"]);
        let add = parse_call("counter.add(c, 2)").unwrap();
        assert_eq!(add.resource_function(), Some(("counter", "add")));
        assert_eq!(
            add.export_names(),
            ["[method]counter.add", "[static]counter.add"]
        );
        assert_eq!(add.source(), "counter.add(c, 2)");
        let err = parse_call("Counter.new(5)").unwrap_err();
        assert!(matches!(err, CallError::Syntax { .. }), "{err}");
        assert_eq!(parse_call("drop(c)").unwrap().export_names(), ["drop"]);
    }

    /// A component importing `greeting: func(name: string, level: u8)` and a resource
    /// `counter` with a method `add: func(n: u32)`.
    const FUNCS: &str = r#"(component
        (import "greeting" (func (param "name" string) (param "level" u8)))
        (import "counter" (type $c (sub resource)))
        (import "[method]counter.add" (func (param "self" (borrow $c)) (param "n" u32)))
    )"#;

    #[test]
    fn a_wrong_argument_names_the_parameter_and_points_into_the_call() {
        let ty = crate::test_support::imported_func(FUNCS, "greeting");
        let err = parse_call("greeting(42, 1)")
            .unwrap()
            .arguments(&ty)
            .unwrap_err();
        let CallError::Arguments { message, value, .. } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(
            message,
            "argument `name` (expects string): `42` is a number, not a string\n    \
             greeting(42, 1)\n             ^^\n  hint: a string is written in double quotes: \"42\""
        );
        let value = value.as_deref().expect("the argument's error");
        assert_eq!((value.fragment(), value.ty.as_str()), ("42", "string"));
        let err = parse_call(r#"greeting("a", 256)"#)
            .unwrap()
            .arguments(&ty)
            .unwrap_err();
        assert!(
            err.to_string().contains("`256` is out of range for u8"),
            "{err}"
        );
    }

    #[test]
    fn a_wrong_argument_of_a_resource_function_points_into_the_call_as_written() {
        let ty = crate::test_support::imported_func(FUNCS, "[method]counter.add");
        let call = parse_call(r#"counter.add(c, "2")"#).unwrap();
        let err = call
            .arguments_with(&ty, &mut |_, _| Ok(Val::Bool(true)))
            .unwrap_err();
        let CallError::Arguments { value, .. } = &err else {
            panic!("{err:?}");
        };
        let value = value.as_deref().expect("the argument's error");
        assert_eq!(value.text, r#"counter.add(c, "2")"#);
        assert_eq!(value.fragment(), r#""2""#);
        assert!(
            err.to_string()
                .contains("`\"2\"` is a string; a u32 is written 2"),
            "{err}"
        );
    }

    #[test]
    fn a_parsed_call_keeps_its_name_and_source() {
        let call = parse_call("run(\"greet\", [\"a\", \"b\"])").unwrap();
        assert_eq!(call.name(), "run");
        assert_eq!(call.source(), "run(\"greet\", [\"a\", \"b\"])");
    }
}
