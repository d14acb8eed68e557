//! Names of things in WIT syntax, as messages and records show them: a value type
//! (`record { text: string, level: u8 }`), a function's signature, and a resource function's
//! export name as a call writes it (`[method]counter.add` as `counter.add`).

use std::fmt::Write as _;

use wasmtime::component::types::ComponentFunc;
use wasmtime::component::{ResourceType, Type};

/// A function's name as a call writes it: a resource's constructor, method or static
/// (`[constructor]counter`, `[method]counter.add`, `[static]counter.make`) as
/// `counter.new`, `counter.add`, `counter.make`; any other name as it is.
pub fn call_name(export: &str) -> String {
    match resource_function(export) {
        Some((resource, function)) => format!("{resource}.{function}"),
        None => export.to_string(),
    }
}

/// The resource and function a resource function's export name names: `("counter",
/// "new")` for `[constructor]counter`, `("counter", "add")` for `[method]counter.add` or
/// `[static]counter.add`; `None` for any other export.
pub fn resource_function(export: &str) -> Option<(&str, &str)> {
    if let Some(resource) = export.strip_prefix("[constructor]") {
        return Some((resource, "new"));
    }
    ["[method]", "[static]"]
        .iter()
        .find_map(|kind| export.strip_prefix(kind))
        .and_then(|rest| rest.split_once('.'))
}

/// A function type in WIT syntax: `func(name: string) -> string`.
pub fn signature(ty: &ComponentFunc) -> String {
    signature_with(ty, &|_| None)
}

/// Like [`signature`], with each resource named as `resource` names it (`own<blob>`).
pub(crate) fn signature_with(ty: &ComponentFunc, resource: &ResourceNames<'_>) -> String {
    let params: Vec<String> = ty
        .params()
        .map(|(name, t)| format!("{name}: {}", type_name_with(&t, resource)))
        .collect();
    let mut out = format!("func({})", params.join(", "));
    for result in ty.results() {
        let _ = write!(out, " -> {}", type_name_with(&result, resource));
    }
    out
}

/// The name of a resource type, where the caller knows it.
pub(crate) type ResourceNames<'a> = dyn Fn(&ResourceType) -> Option<String> + 'a;

/// A component value type in WIT syntax, with records, variants, enums and flags spelled out
/// (their WIT names are not part of the type).
pub fn type_name(ty: &Type) -> String {
    type_name_with(ty, &|_| None)
}

/// Like [`type_name`], with each resource named as `resource` names it (`borrow<blob>`),
/// or as `resource` where it does not.
pub(crate) fn type_name_with(ty: &Type, resource: &ResourceNames<'_>) -> String {
    let name = |t: &Type| type_name_with(t, resource);
    let opt = |t: Option<Type>| t.map(|t| name(&t)).unwrap_or_else(|| "_".to_string());
    let handle = |r: &ResourceType| resource(r).unwrap_or_else(|| "resource".to_string());
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
        Type::List(l) => format!("list<{}>", name(&l.ty())),
        Type::FixedLengthList(l) => format!("list<{}, _>", name(&l.ty())),
        Type::Map(m) => format!("map<{}, {}>", name(&m.key()), name(&m.value())),
        Type::Record(r) => {
            let fields: Vec<String> = r
                .fields()
                .map(|f| format!("{}: {}", f.name, name(&f.ty)))
                .collect();
            format!("record {{ {} }}", fields.join(", "))
        }
        Type::Tuple(t) => {
            let types: Vec<String> = t.types().map(|t| name(&t)).collect();
            format!("tuple<{}>", types.join(", "))
        }
        Type::Variant(v) => {
            let cases: Vec<String> = v
                .cases()
                .map(|c| match c.ty {
                    Some(t) => format!("{}({})", c.name, name(&t)),
                    None => c.name.to_string(),
                })
                .collect();
            format!("variant {{ {} }}", cases.join(", "))
        }
        Type::Enum(e) => format!("enum {{ {} }}", e.names().collect::<Vec<_>>().join(", ")),
        Type::Flags(f) => format!("flags {{ {} }}", f.names().collect::<Vec<_>>().join(", ")),
        Type::Option(o) => format!("option<{}>", name(&o.ty())),
        Type::Result(r) => format!("result<{}, {}>", opt(r.ok()), opt(r.err())),
        Type::Own(r) => format!("own<{}>", handle(r)),
        Type::Borrow(r) => format!("borrow<{}>", handle(r)),
        Type::Future(f) => match f.ty() {
            Some(payload) => format!("future<{}>", name(&payload)),
            None => "future".into(),
        },
        Type::Stream(s) => match s.ty() {
            Some(payload) => format!("stream<{}>", name(&payload)),
            None => "stream".into(),
        },
        Type::ErrorContext => "error-context".into(),
    }
}
