//! The audit's guests, one per language, written with the scaffold's writers
//! ([`crate::scaffold::GuestWriter`]) and these bodies: `echo-<n>` returns its argument,
//! `relay-<n>` passes it to the import `relay-<n>` and returns the answer, `show-<n>` prints
//! it, `seen-<n>` prints what the import `give-<n>` returns. Printing is generated from each
//! type's structure, into one canonical text every language and the host write the same way
//! ([`super::canonical`]): integers in decimal, `nan` or a float's bit pattern (`f32:3f800000`),
//! a char and a string as code points (`c65`, `s[104,105]`), lists, options, results,
//! tuples, records (`{name: …}`), variants, enums and flags by their WIT names.

use std::collections::HashMap;

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use wit_parser::{Resolve, Type, TypeDefKind};

use super::types::{dealias, type_key};
use super::wit;
use crate::language::Language;
use crate::scaffold::world::{WitWorld, WorldFunction};
use crate::scaffold::{Bodies, js, python, rust};

/// The number of every type of the audit world, by its key.
pub struct Numbers {
    by_key: HashMap<String, usize>,
    /// Each type, by number, in the audit world's resolve.
    types: Vec<Type>,
}

impl Numbers {
    /// The numbers of `world`'s types: each function's own number (`echo-3` takes type 3,
    /// `give-3` returns it), then a number for each part of them that has none (a record's
    /// field type in a world that checks only the record), so each gets a show function.
    pub fn of(world: &WitWorld) -> Self {
        let resolve = &world.resolve;
        let mut numbered: Vec<(usize, Type)> = Vec::new();
        let functions = world.exports().into_iter().chain(world.imports());
        for f in functions {
            let name = &f.function.name;
            let Some((_, n)) = name.rsplit_once('-') else {
                continue;
            };
            let Ok(n) = n.parse::<usize>() else { continue };
            let ty = match (f.function.params.first(), &f.function.result) {
                (Some(param), _) => param.ty,
                (None, Some(result)) if name.starts_with("give-") => *result,
                _ => continue,
            };
            if !numbered.iter().any(|(m, _)| *m == n) {
                numbered.push((n, ty));
            }
        }
        numbered.sort_by_key(|(n, _)| *n);
        let mut numbers = Numbers {
            by_key: HashMap::new(),
            types: Vec::new(),
        };
        let count = numbered.last().map_or(0, |(n, _)| n + 1);
        numbers.types = vec![Type::Bool; count];
        for (n, ty) in &numbered {
            numbers.types[*n] = *ty;
            numbers.by_key.insert(type_key(resolve, ty), *n);
        }
        for (_, ty) in numbered {
            numbers.number_parts(resolve, &ty);
        }
        numbers
    }

    /// Gives every part of `ty` a number, if it has none.
    fn number_parts(&mut self, resolve: &Resolve, ty: &Type) {
        let ty = dealias(resolve, *ty);
        let Type::Id(id) = ty else {
            self.number(resolve, ty);
            return;
        };
        let parts: Vec<Type> = match &resolve.types[id].kind {
            TypeDefKind::List(t) | TypeDefKind::Option(t) => vec![*t],
            TypeDefKind::Result(r) => r.ok.iter().chain(r.err.iter()).copied().collect(),
            TypeDefKind::Tuple(t) => t.types.clone(),
            TypeDefKind::Record(r) => r.fields.iter().map(|f| f.ty).collect(),
            TypeDefKind::Variant(v) => v.cases.iter().filter_map(|c| c.ty).collect(),
            _ => Vec::new(),
        };
        for part in parts {
            self.number(resolve, part);
            self.number_parts(resolve, &part);
        }
    }

    fn number(&mut self, resolve: &Resolve, ty: Type) {
        let key = type_key(resolve, &ty);
        if !self.by_key.contains_key(&key) {
            self.by_key.insert(key, self.types.len());
            self.types.push(ty);
        }
    }

    fn of_type(&self, resolve: &Resolve, ty: &Type) -> usize {
        // Every part of an audited type is audited, so has a number.
        self.by_key
            .get(&type_key(resolve, ty))
            .copied()
            .unwrap_or(usize::MAX)
    }
}

/// The bodies of the audit guest in `language`.
pub struct AuditBodies<'a> {
    /// The language.
    pub language: Language,
    /// The audit world's types.
    pub numbers: &'a Numbers,
}

/// What an audit export does.
enum Role {
    Echo,
    Relay,
    Show,
    Seen,
}

fn role(function: &WorldFunction<'_>) -> Option<(Role, usize)> {
    let (prefix, n) = function.function.name.rsplit_once('-')?;
    let n = n.parse().ok()?;
    let role = match prefix {
        "echo" => Role::Echo,
        "relay" => Role::Relay,
        "show" => Role::Show,
        "seen" => Role::Seen,
        _ => return None,
    };
    Some((role, n))
}

impl Bodies for AuditBodies<'_> {
    fn prelude(&self, world: &WitWorld) -> Vec<String> {
        let resolve = &world.resolve;
        let mut lines = match self.language {
            Language::Rust => Vec::new(),
            Language::Js => js_prelude(world),
            Language::Python => {
                let mut lines: Vec<String> = vec![
                    "import math".into(),
                    "import struct".into(),
                    "from componentize_py_types import Err, Ok, Some".into(),
                ];
                if !host_imports(world).is_empty() {
                    lines.push("from wit_world.imports import host".into());
                }
                lines.push(String::new());
                lines
            }
        };
        for (n, ty) in self.numbers.types.iter().enumerate() {
            let shower = Shower {
                resolve,
                world,
                numbers: self.numbers,
            };
            lines.extend(match self.language {
                Language::Rust => shower.rust(n, ty),
                Language::Js => shower.js(n, ty),
                Language::Python => shower.python(n, ty),
            });
            lines.push(String::new());
        }
        lines
    }

    fn body(&self, world: &WitWorld, function: &WorldFunction<'_>) -> Vec<String> {
        let Some((role, n)) = role(function) else {
            return vec![match self.language {
                Language::Rust => "unreachable!()".into(),
                Language::Js => "throw new Error(\"not an audit function\");".into(),
                Language::Python => "raise NotImplementedError()".into(),
            }];
        };
        let resolve = &world.resolve;
        let ty = self.numbers.types.get(n).copied().unwrap_or(Type::Bool);
        let is_result = matches!(
            dealias(resolve, ty),
            Type::Id(id) if matches!(resolve.types[id].kind, TypeDefKind::Result(_))
        );
        let host = host_module(world);
        match self.language {
            Language::Rust => vec![match role {
                Role::Echo => "x".into(),
                Role::Relay => format!("{host}::relay_{n}({})", lend(resolve, "x", &ty, false)),
                Role::Show => format!("show_{n}(&x)"),
                Role::Seen => format!("show_{n}(&{host}::give_{n}())"),
            }],
            Language::Js => match (role, is_result) {
                // A function returning `result` returns the ok value and throws the err one.
                (Role::Echo, true) => vec![
                    "if (x.tag === \"err\") throw x.val;".into(),
                    "return x.val;".into(),
                ],
                (Role::Echo, false) => vec!["return x;".into()],
                (Role::Relay, _) => vec![format!("return hostRelay{n}(x);")],
                (Role::Show, _) => vec![format!("return text{n}(x);")],
                // An import returning `result` throws an error whose payload is the err value.
                (Role::Seen, true) => vec![
                    "let got;".into(),
                    format!("try {{ got = {{ tag: \"ok\", val: hostGive{n}() }}; }}"),
                    "catch (e) { got = { tag: \"err\", val: e.payload }; }".into(),
                    format!("return text{n}(got);"),
                ],
                (Role::Seen, false) => vec![format!("return text{n}(hostGive{n}());")],
            },
            Language::Python => match (role, is_result) {
                // A function returning `result` returns the ok value and raises Err.
                (Role::Echo, true) => vec![
                    "if isinstance(x, Err):".into(),
                    "    raise x".into(),
                    "return x.value".into(),
                ],
                (Role::Echo, false) => vec!["return x".into()],
                (Role::Relay, _) => vec![format!("return host.relay_{n}(x)")],
                (Role::Show, _) => vec![format!("return show_{n}(x)")],
                (Role::Seen, true) => vec![
                    "try:".into(),
                    format!("    got = Ok(host.give_{n}())"),
                    "except Err as e:".into(),
                    "    got = e".into(),
                    format!("return show_{n}(got)"),
                ],
                (Role::Seen, false) => vec![format!("return show_{n}(host.give_{n}())")],
            },
        }
    }
}

/// The Rust module of the host's imports.
fn host_module(world: &WitWorld) -> String {
    world
        .imported_interfaces()
        .iter()
        .find(|site| world.interface_name(site) == wit::HOST)
        .map(|site| rust::module_path(world, site))
        .unwrap_or_else(|| "witness::audit::host".into())
}

/// The host's functions the world imports, by name (`relay-0`, `give-0`).
fn host_imports(world: &WitWorld) -> Vec<String> {
    world
        .imports()
        .iter()
        .filter(|f| {
            f.interface
                .is_some_and(|site| world.interface_name(&site) == wit::HOST)
        })
        .map(|f| f.function.name.clone())
        .collect()
}

/// The JavaScript module's imports and helpers.
fn js_prelude(world: &WitWorld) -> Vec<String> {
    // Aliased: the module's own exports are named `relay0`, `show0`, ….
    let names: Vec<String> = host_imports(world)
        .iter()
        .map(|name| {
            let camel = js::camel(name);
            let alias = match name.strip_prefix("relay-") {
                Some(n) => format!("hostRelay{n}"),
                None => format!("hostGive{}", name.trim_start_matches("give-")),
            };
            format!("{camel} as {alias}")
        })
        .collect();
    let mut lines = Vec::new();
    if !names.is_empty() {
        lines.push(format!(
            "import {{ {} }} from {};",
            names.join(", "),
            js::string(wit::HOST)
        ));
    }
    lines.extend(
        [
            "",
            "function f32bits(v) {",
            "  const view = new DataView(new ArrayBuffer(4));",
            "  view.setFloat32(0, v);",
            "  return view.getUint32(0).toString(16).padStart(8, \"0\");",
            "}",
            "",
            "function f64bits(v) {",
            "  const view = new DataView(new ArrayBuffer(8));",
            "  view.setFloat64(0, v);",
            "  const hex = (i) => view.getUint32(i).toString(16).padStart(8, \"0\");",
            "  return hex(0) + hex(4);",
            "}",
            "",
        ]
        .map(str::to_string),
    );
    lines
}

/// `expr` (an owned value, or with `by_ref` a reference to one) of type `ty` as an
/// argument of an imported function, as wit-bindgen 0.61.1 (ownership `Owning`) types it:
/// a string is `&str`, a list `&[T]`, a named type holding a list `&T`; an option, result or
/// tuple holding a list keeps its shape with the borrow pushed inside, where every named
/// type becomes `&T` and every string `&str` (`Result<&Access, &str>`, `(u32, &str)`).
fn lend(resolve: &Resolve, expr: &str, ty: &Type, by_ref: bool) -> String {
    lend_in(resolve, expr, ty, by_ref, false)
}

/// [`lend`], `inside` an option, result or tuple that holds a list.
fn lend_in(resolve: &Resolve, expr: &str, ty: &Type, by_ref: bool, inside: bool) -> String {
    let ty = dealias(resolve, *ty);
    let owned = || match (by_ref, copy(resolve, &ty)) {
        (false, _) => expr.to_string(),
        (true, true) => format!("*{expr}"),
        (true, false) => format!("{expr}.clone()"),
    };
    let reference = || match by_ref {
        true => expr.to_string(),
        false => format!("&{expr}"),
    };
    if !inside && !has_list(resolve, &ty) {
        return owned();
    }
    let Type::Id(id) = ty else {
        return match ty {
            // `&str` (a `&String` is not one inside an option or a result).
            Type::String => format!("{}.as_str()", paren(expr)),
            _ => owned(),
        };
    };
    let typedef = &resolve.types[id];
    if typedef.name.is_some() {
        return reference();
    }
    match &typedef.kind {
        TypeDefKind::List(_) => format!("{}.as_slice()", paren(expr)),
        TypeDefKind::Option(inner) => format!(
            "{}.as_ref().map(|v| {})",
            paren(expr),
            lend_in(resolve, "v", inner, true, true)
        ),
        TypeDefKind::Result(r) => {
            let side = |t: &Option<Type>| match t {
                Some(t) => lend_in(resolve, "v", t, true, true),
                None => "()".into(),
            };
            format!(
                "{}.as_ref().map(|v| {}).map_err(|v| {})",
                paren(expr),
                side(&r.ok),
                side(&r.err)
            )
        }
        TypeDefKind::Tuple(t) => {
            let items: Vec<String> = t
                .types
                .iter()
                .enumerate()
                .map(|(i, part)| {
                    let field = format!("{}.{i}", paren(expr));
                    match by_ref {
                        true => lend_in(resolve, &format!("&{field}"), part, true, true),
                        false => lend_in(resolve, &field, part, false, true),
                    }
                })
                .collect();
            match items.len() {
                1 => format!("({},)", items[0]),
                _ => format!("({})", items.join(", ")),
            }
        }
        _ => reference(),
    }
}

fn paren(expr: &str) -> String {
    match expr.starts_with('*') || expr.starts_with('&') {
        true => format!("({expr})"),
        false => expr.to_string(),
    }
}

/// Whether a value of `ty` holds a string or a list anywhere (wit-bindgen's `has_list`).
fn has_list(resolve: &Resolve, ty: &Type) -> bool {
    let ty = dealias(resolve, *ty);
    let Type::Id(id) = ty else {
        return ty == Type::String;
    };
    let any = |types: Vec<&Type>| types.into_iter().any(|t| has_list(resolve, t));
    match &resolve.types[id].kind {
        TypeDefKind::List(_) => true,
        TypeDefKind::Option(t) => has_list(resolve, t),
        TypeDefKind::Result(r) => any(r.ok.iter().chain(r.err.iter()).collect()),
        TypeDefKind::Tuple(t) => any(t.types.iter().collect()),
        TypeDefKind::Record(r) => any(r.fields.iter().map(|f| &f.ty).collect()),
        TypeDefKind::Variant(v) => any(v.cases.iter().filter_map(|c| c.ty.as_ref()).collect()),
        _ => false,
    }
}

/// Whether wit-bindgen's Rust type for `ty` is `Copy` (numbers, bool, char, enums, flags).
fn copy(resolve: &Resolve, ty: &Type) -> bool {
    match dealias(resolve, *ty) {
        Type::Id(id) => matches!(
            resolve.types[id].kind,
            TypeDefKind::Enum(_) | TypeDefKind::Flags(_)
        ),
        Type::String | Type::ErrorContext => false,
        _ => true,
    }
}

/// Writes each type's show function.
struct Shower<'a> {
    resolve: &'a Resolve,
    world: &'a WitWorld,
    numbers: &'a Numbers,
}

impl Shower<'_> {
    fn n(&self, ty: &Type) -> usize {
        self.numbers.of_type(self.resolve, ty)
    }

    fn is_option(&self, ty: &Type) -> bool {
        matches!(dealias(self.resolve, *ty), Type::Id(id)
            if matches!(self.resolve.types[id].kind, TypeDefKind::Option(_)))
    }

    fn rust(&self, n: usize, ty: &Type) -> Vec<String> {
        let t = rust::type_expr(self.world, ty);
        let body: Vec<String> = match self.kind(ty) {
            Kind::Prim(Type::F32) => vec![
                "if x.is_nan() { return \"nan\".to_string(); }".into(),
                "format!(\"f32:{:08x}\", x.to_bits())".into(),
            ],
            Kind::Prim(Type::F64) => vec![
                "if x.is_nan() { return \"nan\".to_string(); }".into(),
                "format!(\"f64:{:016x}\", x.to_bits())".into(),
            ],
            Kind::Prim(Type::Char) => vec!["format!(\"c{}\", u32::from(*x))".into()],
            Kind::Prim(Type::String) => vec![
                "let points: Vec<String> = x.chars().map(|c| u32::from(c).to_string()).collect();"
                    .into(),
                "format!(\"s[{}]\", points.join(\",\"))".into(),
            ],
            Kind::Prim(_) => vec!["x.to_string()".into()],
            Kind::List(e) => vec![
                format!(
                    "let items: Vec<String> = x.iter().map(show_{}).collect();",
                    self.n(&e)
                ),
                "format!(\"[{}]\", items.join(\", \"))".into(),
            ],
            Kind::Option(e) => vec![
                "match x {".into(),
                format!(
                    "    Some(v) => format!(\"some({{}})\", show_{}(v)),",
                    self.n(&e)
                ),
                "    None => \"none\".to_string(),".into(),
                "}".into(),
            ],
            Kind::Result(ok, err) => {
                let side = |name: &str, t: &Option<Type>| match t {
                    Some(t) => format!(
                        "    {}(v) => format!(\"{}({{}})\", show_{}(v)),",
                        name.to_upper_camel_case(),
                        name,
                        self.n(t)
                    ),
                    None => format!(
                        "    {}(_) => \"{name}\".to_string(),",
                        name.to_upper_camel_case()
                    ),
                };
                vec![
                    "match x {".into(),
                    side("ok", &ok),
                    side("err", &err),
                    "}".into(),
                ]
            }
            Kind::Tuple(parts) => {
                let items: Vec<String> = parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| format!("show_{}(&x.{i})", self.n(p)))
                    .collect();
                vec![format!(
                    "format!(\"({{}})\", [{}].join(\", \"))",
                    items.join(", ")
                )]
            }
            Kind::Record(fields) => {
                let items: Vec<String> = fields
                    .iter()
                    .map(|(name, t)| {
                        format!(
                            "format!(\"{name}: {{}}\", show_{}(&x.{}))",
                            self.n(t),
                            rust::ident(name)
                        )
                    })
                    .collect();
                vec![format!(
                    "format!(\"{{{{{{}}}}}}\", [{}].join(\", \"))",
                    items.join(", ")
                )]
            }
            Kind::Variant(path, cases) => {
                let mut lines = vec!["match x {".to_string()];
                for (name, t) in cases {
                    let case = name.to_upper_camel_case();
                    lines.push(match t {
                        Some(t) => format!(
                            "    {path}::{case}(v) => format!(\"{name}({{}})\", show_{}(v)),",
                            self.n(&t)
                        ),
                        None => format!("    {path}::{case} => \"{name}\".to_string(),"),
                    });
                }
                lines.push("}".into());
                lines
            }
            Kind::Enum(path, cases) => {
                let mut lines = vec!["match x {".to_string()];
                for name in cases {
                    let case = name.to_upper_camel_case();
                    lines.push(format!("    {path}::{case} => \"{name}\".to_string(),"));
                }
                lines.push("}".into());
                lines
            }
            Kind::Flags(path, flags) => {
                let mut lines = vec!["let mut set: Vec<&str> = Vec::new();".to_string()];
                for name in flags {
                    lines.push(format!(
                        "if x.contains({path}::{}) {{ set.push(\"{name}\"); }}",
                        name.to_shouty_snake_case()
                    ));
                }
                lines.push("format!(\"{{{}}}\", set.join(\", \"))".into());
                lines
            }
        };
        let mut lines = vec![format!("fn show_{n}(x: &{t}) -> String {{")];
        lines.extend(body.into_iter().map(|l| format!("    {l}")));
        lines.push("}".into());
        lines
    }

    fn js(&self, n: usize, ty: &Type) -> Vec<String> {
        let body: Vec<String> = match self.kind(ty) {
            Kind::Prim(Type::F32) => {
                vec!["return Number.isNaN(x) ? \"nan\" : \"f32:\" + f32bits(x);".into()]
            }
            Kind::Prim(Type::F64) => {
                vec!["return Number.isNaN(x) ? \"nan\" : \"f64:\" + f64bits(x);".into()]
            }
            Kind::Prim(Type::Char) => vec!["return \"c\" + x.codePointAt(0);".into()],
            Kind::Prim(Type::String) => vec![
                "return \"s[\" + Array.from(x, (c) => c.codePointAt(0)).join(\",\") + \"]\";"
                    .into(),
            ],
            Kind::Prim(_) => vec!["return String(x);".into()],
            Kind::List(e) => vec![format!(
                "return \"[\" + Array.from(x, (e) => text{}(e)).join(\", \") + \"]\";",
                self.n(&e)
            )],
            Kind::Option(e) => {
                // An option inside an option is `{ tag: "some", val }`.
                let inner = match self.is_option(&e) {
                    true => "x.val",
                    false => "x",
                };
                // The outer option of a nested one is `{ tag: "some", val }` or
                // `{ tag: "none" }`.
                let none = match self.is_option(&e) {
                    true => "x === undefined || x === null || x.tag === \"none\"",
                    false => "x === undefined || x === null",
                };
                vec![
                    format!("if ({none}) return \"none\";"),
                    format!("return \"some(\" + text{}({inner}) + \")\";", self.n(&e)),
                ]
            }
            Kind::Result(ok, err) => {
                let side = |name: &str, t: &Option<Type>| match t {
                    Some(t) => format!("\"{name}(\" + text{}(x.val) + \")\"", self.n(t)),
                    None => format!("\"{name}\""),
                };
                vec![format!(
                    "return x.tag === \"ok\" ? {} : {};",
                    side("ok", &ok),
                    side("err", &err)
                )]
            }
            Kind::Tuple(parts) => {
                let items: Vec<String> = parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| format!("text{}(x[{i}])", self.n(p)))
                    .collect();
                vec![format!(
                    "return \"(\" + [{}].join(\", \") + \")\";",
                    items.join(", ")
                )]
            }
            Kind::Record(fields) => {
                let items: Vec<String> = fields
                    .iter()
                    .map(|(name, t)| {
                        format!("\"{name}: \" + text{}(x.{})", self.n(t), js::camel(name))
                    })
                    .collect();
                vec![format!(
                    "return \"{{\" + [{}].join(\", \") + \"}}\";",
                    items.join(", ")
                )]
            }
            Kind::Variant(_, cases) => {
                let mut lines = vec!["switch (x.tag) {".to_string()];
                for (name, t) in cases {
                    lines.push(match t {
                        Some(t) => format!(
                            "  case \"{name}\": return \"{name}(\" + text{}(x.val) + \")\";",
                            self.n(&t)
                        ),
                        None => format!("  case \"{name}\": return \"{name}\";"),
                    });
                }
                lines.push("}".into());
                lines.push("return \"?\" + String(x.tag);".into());
                lines
            }
            Kind::Enum(_, _) => vec!["return String(x);".into()],
            Kind::Flags(_, flags) => {
                let pairs: Vec<String> = flags
                    .iter()
                    .map(|name| format!("[\"{}\", \"{name}\"]", js::camel(name)))
                    .collect();
                vec![
                    format!("const names = [{}];", pairs.join(", ")),
                    "return \"{\" + names.filter(([k]) => x[k]).map(([, n]) => n).join(\", \") + \"}\";"
                        .into(),
                ]
            }
        };
        let mut lines = vec![format!("function text{n}(x) {{")];
        lines.extend(body.into_iter().map(|l| format!("  {l}")));
        lines.push("}".into());
        lines
    }

    fn python(&self, n: usize, ty: &Type) -> Vec<String> {
        let body: Vec<String> = match self.kind(ty) {
            Kind::Prim(Type::Bool) => vec!["return \"true\" if x else \"false\"".into()],
            Kind::Prim(Type::F32) => vec![
                "if math.isnan(x):".into(),
                "    return \"nan\"".into(),
                "return \"f32:%08x\" % struct.unpack(\"<I\", struct.pack(\"<f\", x))[0]".into(),
            ],
            Kind::Prim(Type::F64) => vec![
                "if math.isnan(x):".into(),
                "    return \"nan\"".into(),
                "return \"f64:%016x\" % struct.unpack(\"<Q\", struct.pack(\"<d\", x))[0]".into(),
            ],
            Kind::Prim(Type::Char) => vec!["return \"c\" + str(ord(x))".into()],
            Kind::Prim(Type::String) => {
                vec!["return \"s[\" + \",\".join(str(ord(c)) for c in x) + \"]\"".into()]
            }
            Kind::Prim(_) => vec!["return str(x)".into()],
            Kind::List(e) => vec![format!(
                "return \"[\" + \", \".join(show_{}(e) for e in x) + \"]\"",
                self.n(&e)
            )],
            Kind::Option(e) => {
                // An option inside an option wraps `some` in `Some`.
                let inner = match self.is_option(&e) {
                    true => "x.value",
                    false => "x",
                };
                vec![
                    "if x is None:".into(),
                    "    return \"none\"".into(),
                    format!("return \"some(\" + show_{}({inner}) + \")\"", self.n(&e)),
                ]
            }
            Kind::Result(ok, err) => {
                let side = |name: &str, t: &Option<Type>| match t {
                    Some(t) => format!("\"{name}(\" + show_{}(x.value) + \")\"", self.n(t)),
                    None => format!("\"{name}\""),
                };
                vec![format!(
                    "return {} if isinstance(x, Ok) else {}",
                    side("ok", &ok),
                    side("err", &err)
                )]
            }
            Kind::Tuple(parts) => {
                let items: Vec<String> = parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| format!("show_{}(x[{i}])", self.n(p)))
                    .collect();
                vec![format!(
                    "return \"(\" + \", \".join([{}]) + \")\"",
                    items.join(", ")
                )]
            }
            Kind::Record(fields) => {
                let items: Vec<String> = fields
                    .iter()
                    .map(|(name, t)| {
                        format!(
                            "\"{name}: \" + show_{}(x.{})",
                            self.n(t),
                            python::snake(name)
                        )
                    })
                    .collect();
                vec![format!(
                    "return \"{{\" + \", \".join([{}]) + \"}}\"",
                    items.join(", ")
                )]
            }
            Kind::Variant(path, cases) => {
                // Each case is a class `<Type>_<Case>` holding its payload as `value`.
                let class = path.rsplit("::").next().unwrap_or_default().to_string();
                let mut lines = vec!["case = type(x).__name__".to_string()];
                for (name, t) in cases {
                    let expected = format!("{class}_{}", name.to_upper_camel_case());
                    lines.push(format!("if case == \"{expected}\":"));
                    lines.push(match t {
                        Some(t) => format!(
                            "    return \"{name}(\" + show_{}(x.value) + \")\"",
                            self.n(&t)
                        ),
                        None => format!("    return \"{name}\""),
                    });
                }
                lines.push("return \"?\" + case".into());
                lines
            }
            Kind::Enum(_, cases) => {
                let pairs: Vec<String> = cases
                    .iter()
                    .map(|name| format!("\"{}\": \"{name}\"", python::member(name)))
                    .collect();
                vec![format!(
                    "return {{{}}}.get(x.name, \"?\" + str(x.name))",
                    pairs.join(", ")
                )]
            }
            Kind::Flags(_, flags) => {
                // Flag `i` of the declaration is the bit `1 << i`.
                let names: Vec<String> = flags.iter().map(|f| format!("\"{f}\"")).collect();
                vec![
                    format!("names = [{}]", names.join(", ")),
                    "bits = x.value".into(),
                    "return \"{\" + \", \".join(n for i, n in enumerate(names) if bits >> i & 1) + \"}\""
                        .into(),
                ]
            }
        };
        let mut lines = vec![format!("def show_{n}(x) -> str:")];
        lines.extend(body.into_iter().map(|l| format!("    {l}")));
        lines
    }

    /// What kind of value `ty` holds, with what the show functions need of it.
    fn kind(&self, ty: &Type) -> Kind {
        let ty = dealias(self.resolve, *ty);
        let Type::Id(id) = ty else {
            return Kind::Prim(ty);
        };
        let typedef = &self.resolve.types[id];
        let path = || rust::type_path(self.world, id);
        match &typedef.kind {
            TypeDefKind::List(e) => Kind::List(*e),
            TypeDefKind::Option(e) => Kind::Option(*e),
            TypeDefKind::Result(r) => Kind::Result(r.ok, r.err),
            TypeDefKind::Tuple(t) => Kind::Tuple(t.types.clone()),
            TypeDefKind::Record(r) => {
                Kind::Record(r.fields.iter().map(|f| (f.name.clone(), f.ty)).collect())
            }
            TypeDefKind::Variant(v) => Kind::Variant(
                path(),
                v.cases.iter().map(|c| (c.name.clone(), c.ty)).collect(),
            ),
            TypeDefKind::Enum(e) => {
                Kind::Enum(path(), e.cases.iter().map(|c| c.name.clone()).collect())
            }
            TypeDefKind::Flags(f) => {
                Kind::Flags(path(), f.flags.iter().map(|c| c.name.clone()).collect())
            }
            _ => Kind::Prim(Type::Bool),
        }
    }
}

/// The shape of a value, for its show function.
enum Kind {
    Prim(Type),
    List(Type),
    Option(Type),
    Result(Option<Type>, Option<Type>),
    Tuple(Vec<Type>),
    Record(Vec<(String, Type)>),
    Variant(String, Vec<(String, Option<Type>)>),
    Enum(String, Vec<String>),
    Flags(String, Vec<String>),
}
