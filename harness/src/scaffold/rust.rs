//! Rust guests, named as wit-bindgen 0.61.1 names a world: the harness generates the
//! bindings with `wit_bindgen::generate!` at the guest crate's root and `include!`s guest.rs
//! there (`guests-rust/template/lib.rs`), so every generated name is a path from the crate
//! root: the world's own exports are the trait `Guest`, an exported interface's are
//! `exports::<namespace>::<package>::<interface>::Guest`, an imported interface is the module
//! `<namespace>::<package>::<interface>`, and a type the world itself `use`s is at the root.
//!
//! The naming functions ([`ident`], [`type_path`], [`type_expr`], [`import_call`]) follow
//! wit-bindgen's own (`to_rust_ident`, `compute_module_path`, `name_package_module`,
//! `type_path_with_name`), for parameters and results of exported functions, which are owned.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use wit_parser::{Handle, Type, TypeDefKind, TypeId, TypeOwner, WorldKey};

use super::check::Unsupported;
use super::text::{comment, indent};
use super::world::{Direction, InterfaceSite, WitWorld, WorldFunction};
use super::{Bodies, GuestWriter};
use crate::language::Language;

/// Writes Rust guests.
#[derive(Debug, Clone, Copy)]
pub struct RustWriter;

/// A WIT name as a Rust identifier, as wit-bindgen makes one: snake_case, and a Rust keyword
/// with `_` after it (`type` → `type_`).
pub fn ident(name: &str) -> String {
    const KEYWORDS: [&str; 50] = [
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
        "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
        "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
    ];
    match KEYWORDS.contains(&name) {
        true => format!("{name}_"),
        false => name.to_snake_case(),
    }
}

/// A WIT type name as a Rust type name: PascalCase; `guest` becomes `Guest_`, since `Guest`
/// is the name of the generated traits.
pub fn type_ident(name: &str) -> String {
    match name {
        "guest" => "Guest_".into(),
        other => other.to_upper_camel_case(),
    }
}

/// The module of `site`'s bindings, from the crate root: `demo::shapes::host`, or
/// `exports::demo::shapes::geometry` for an exported interface; the package gets its
/// version (`shapes0_1_0`) where the WIT holds two versions of it.
pub fn module_path(world: &WitWorld, site: &InterfaceSite<'_>) -> String {
    let mut path = Vec::new();
    if site.direction == Direction::Export {
        path.push("exports".to_string());
    }
    match site.key {
        WorldKey::Name(name) => path.push(ident(name)),
        WorldKey::Interface(id) => {
            let interface = &world.resolve.interfaces[*id];
            if let Some(package) = interface.package {
                let name = &world.resolve.packages[package].name;
                path.push(ident(&name.namespace));
                path.push(package_module(world, package));
            }
            path.push(ident(interface.name.as_deref().unwrap_or_default()));
        }
    }
    path.join("::")
}

fn package_module(world: &WitWorld, package: wit_parser::PackageId) -> String {
    let name = &world.resolve.packages[package].name;
    let versions = world
        .resolve
        .packages
        .iter()
        .filter(|(_, p)| p.name.namespace == name.namespace && p.name.name == name.name)
        .count();
    let base = name.name.to_snake_case();
    match (&name.version, versions) {
        (Some(version), 2..) => {
            let version = version.to_string().replace(['.', '-', '+'], "_");
            format!("{base}{}", version.to_snake_case())
        }
        _ => base,
    }
}

/// The path of the named type `id` from the crate root: `Heading` for a type of the world
/// itself (a `use`d one among them), `exports::demo::shapes::geometry::Point` for one of an
/// exported interface, `demo::shapes::types::Align` for one of an imported interface.
pub fn type_path(world: &WitWorld, id: TypeId) -> String {
    type_path_named(world, id, &type_ident(type_name(world, id)))
}

fn type_name(world: &WitWorld, id: TypeId) -> &str {
    world.resolve.types[id].name.as_deref().unwrap_or_default()
}

/// The path of `name` beside the type `id`: in its interface's module, or at the root.
fn type_path_named(world: &WitWorld, id: TypeId, name: &str) -> String {
    match world.resolve.types[id].owner {
        TypeOwner::Interface(interface) => match world.site(interface) {
            Some(site) => format!("{}::{name}", module_path(world, &site)),
            None => name.to_string(),
        },
        _ => name.to_string(),
    }
}

/// `ty` as a Rust type in an exported function's signature, where values are owned:
/// `String`, `Vec<u8>`, `Option<u64>`, `Result<(), String>`, `(u8, String)`, a named
/// type's path; an exported resource's handle as its handle type (`…::Counter`), a
/// borrowed one as `…::CounterBorrow<'_>`, an imported resource's borrowed handle as
/// `&…::Blob`.
pub fn type_expr(world: &WitWorld, ty: &Type) -> String {
    let id = match ty {
        Type::Bool => return "bool".into(),
        Type::U8 => return "u8".into(),
        Type::U16 => return "u16".into(),
        Type::U32 => return "u32".into(),
        Type::U64 => return "u64".into(),
        Type::S8 => return "i8".into(),
        Type::S16 => return "i16".into(),
        Type::S32 => return "i32".into(),
        Type::S64 => return "i64".into(),
        Type::F32 => return "f32".into(),
        Type::F64 => return "f64".into(),
        Type::Char => return "char".into(),
        Type::String => return "String".into(),
        Type::ErrorContext => return "wit_bindgen::ErrorContext".into(),
        Type::Id(id) => *id,
    };
    let typedef = &world.resolve.types[id];
    if typedef.name.is_some() {
        return type_path(world, id);
    }
    let inner = |ty: &Type| type_expr(world, ty);
    let optional = |ty: &Option<Type>| ty.as_ref().map_or_else(|| "()".to_string(), inner);
    match &typedef.kind {
        TypeDefKind::List(t) => format!("Vec<{}>", inner(t)),
        TypeDefKind::FixedLengthList(t, n) => format!("[{}; {n}]", inner(t)),
        TypeDefKind::Map(k, v) => format!("wit_bindgen::rt::Map<{}, {}>", inner(k), inner(v)),
        TypeDefKind::Option(t) => format!("Option<{}>", inner(t)),
        TypeDefKind::Result(r) => format!("Result<{}, {}>", optional(&r.ok), optional(&r.err)),
        TypeDefKind::Tuple(t) => match &t.types[..] {
            [one] => format!("({},)", inner(one)),
            many => format!(
                "({})",
                many.iter().map(inner).collect::<Vec<_>>().join(", ")
            ),
        },
        TypeDefKind::Handle(Handle::Own(r)) => type_path(world, *r),
        TypeDefKind::Handle(Handle::Borrow(r)) if world.is_exported_resource(*r) => {
            let name = format!("{}Borrow", type_name(world, *r).to_upper_camel_case());
            format!("{}<'_>", type_path_named(world, *r, &name))
        }
        TypeDefKind::Handle(Handle::Borrow(r)) => format!("&{}", type_path(world, *r)),
        TypeDefKind::Future(t) => format!("wit_bindgen::FutureReader<{}>", optional(t)),
        TypeDefKind::Stream(t) => format!("wit_bindgen::StreamReader<{}>", optional(t)),
        TypeDefKind::Type(t) => inner(t),
        other => other.as_str().to_string(),
    }
}

/// The name of `function` in its trait or module: snake_case, `new` for a constructor.
pub fn function_ident(function: &WorldFunction<'_>) -> String {
    match function.is_constructor() {
        true => "new".into(),
        false => ident(function.function.item_name()),
    }
}

/// How a guest calls the imported `function`, with its parameters' names:
/// `demo::shapes::host::lookup(key)`, `now()` for a function the world imports itself,
/// `demo::shapes::host::Blob::new(init)` for a constructor, `blob.size()` for a method.
pub fn import_call(world: &WitWorld, function: &WorldFunction<'_>) -> String {
    let args: Vec<String> = function.params().iter().map(|p| ident(&p.name)).collect();
    let args = args.join(", ");
    let module = function
        .interface
        .map(|site| format!("{}::", module_path(world, &site)))
        .unwrap_or_default();
    match function.resource() {
        Some(resource) if function.is_method() => {
            format!(
                "{}.{}({args})",
                ident(type_name(world, resource)),
                function_ident(function)
            )
        }
        Some(resource) => format!(
            "{module}{}::{}({args})",
            type_ident(type_name(world, resource)),
            function_ident(function)
        ),
        None => format!("{module}{}({args})", function_ident(function)),
    }
}

/// The signature of the exported `function` in its trait implementation:
/// `fn add(&self, n: u32) -> u32`; a constructor returns `Self`.
pub fn signature(world: &WitWorld, function: &WorldFunction<'_>) -> String {
    let mut params: Vec<String> = Vec::new();
    if function.is_method() {
        params.push("&self".into());
    }
    for param in function.params() {
        params.push(format!(
            "{}: {}",
            ident(&param.name),
            type_expr(world, &param.ty)
        ));
    }
    let result = match (function.is_constructor(), &function.function.result) {
        (true, _) => " -> Self".to_string(),
        (false, Some(ty)) => format!(" -> {}", type_expr(world, ty)),
        (false, None) => String::new(),
    };
    let name = function_ident(function);
    let one_line = format!("fn {name}({}){result}", params.join(", "));
    if one_line.len() + 4 <= super::text::WIDTH {
        return one_line;
    }
    let params: String = params.iter().map(|p| format!("    {p},\n")).collect();
    format!("fn {name}(\n{params}){result}")
}

/// Names the stub types take: `Stub` for the guest, `Stub<Resource>` for each exported
/// resource, each made unique against the types the bindings put at the crate root.
struct StubNames {
    taken: Vec<String>,
}

impl StubNames {
    fn new(world: &WitWorld) -> Self {
        let mut taken: Vec<String> = world
            .resolve
            .types
            .iter()
            .filter(|(_, t)| matches!(t.owner, TypeOwner::World(w) if w == world.world))
            .filter_map(|(_, t)| t.name.as_deref().map(type_ident))
            .collect();
        taken.push("Guest".into());
        StubNames { taken }
    }

    fn unique(&mut self, wanted: String) -> String {
        let mut name = wanted.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        self.taken.push(name.clone());
        name
    }
}

impl GuestWriter for RustWriter {
    fn language(&self) -> Language {
        Language::Rust
    }

    fn unsupported(&self, world: &WitWorld) -> Vec<Unsupported> {
        reserved_names(world)
            .into_iter()
            .map(|item| Unsupported {
                item,
                language: Some(Language::Rust),
                problem: "wit-bindgen 0.61.1 writes the name `gen` as it is, and `gen` is a \
                          reserved keyword in Rust 2024, the guest crate's edition"
                    .into(),
            })
            .collect()
    }

    fn notes(&self, world: &WitWorld) -> Vec<String> {
        notes(world)
    }

    fn write(&self, world: &WitWorld, header: &[String], bodies: &dyn Bodies) -> String {
        let mut paragraphs = header.to_vec();
        paragraphs.push(String::new());
        paragraphs.extend(self.notes(world));
        let mut out = comment("//", &paragraphs);
        let prelude = bodies.prelude(world);
        if !prelude.is_empty() {
            out.push('\n');
            out.push_str(&indent(&prelude, ""));
        }
        let exports = world.exports();
        if exports.is_empty() && world.exported_interfaces().is_empty() {
            return out;
        }
        let mut names = StubNames::new(world);
        let guest = names.unique("Stub".into());
        out.push_str(&format!("\nstruct {guest};\n"));
        let function = |f: &WorldFunction<'_>| {
            let body = bodies.body(world, f);
            let signature = signature(world, f);
            format!("{} {{\n{}}}\n", signature, indent(&body, "    "))
        };
        let own: Vec<&WorldFunction<'_>> =
            exports.iter().filter(|f| f.interface.is_none()).collect();
        if !own.is_empty() {
            let items: Vec<String> = own.iter().map(|f| function(f)).collect();
            out.push_str(&format!(
                "\nimpl Guest for {guest} {{\n{}}}\n",
                block(&items)
            ));
        }
        for site in world.exported_interfaces() {
            let module = module_path(world, &site);
            let functions: Vec<&WorldFunction<'_>> = exports
                .iter()
                .filter(|f| f.interface.is_some_and(|s| s.id == site.id))
                .collect();
            let resources = world.resources(site.id);
            let mut items = Vec::new();
            let mut resource_impls = String::new();
            for resource in &resources {
                let camel = type_name(world, *resource).to_upper_camel_case();
                let stub = names.unique(format!("{guest}{camel}"));
                items.push(format!("type {camel} = {stub};\n"));
                let methods: Vec<String> = functions
                    .iter()
                    .filter(|f| f.resource() == Some(*resource))
                    .map(|f| function(f))
                    .collect();
                resource_impls.push_str(&format!(
                    "\nstruct {stub};\n\nimpl {module}::Guest{camel} for {stub} {{\n{}}}\n",
                    block(&methods)
                ));
            }
            items.extend(
                functions
                    .iter()
                    .filter(|f| f.resource().is_none())
                    .map(|f| function(f)),
            );
            if !items.is_empty() {
                out.push_str(&format!(
                    "\nimpl {module}::Guest for {guest} {{\n{}}}\n",
                    block(&items)
                ));
            }
            out.push_str(&resource_impls);
        }
        out.push_str(&format!("\nexport!({guest});\n"));
        out
    }
}

/// The items whose Rust name would be `gen`, which wit-bindgen does not escape: functions,
/// parameters, record fields and interfaces of the world, as `function f`, `parameter gen
/// of f`, `field gen of record r`, `interface gen`.
fn reserved_names(world: &WitWorld) -> Vec<String> {
    let reserved = |name: &str| ident(name) == "gen";
    let mut found = Vec::new();
    let sites = world
        .imported_interfaces()
        .into_iter()
        .chain(world.exported_interfaces());
    for site in sites {
        let interface = &world.resolve.interfaces[site.id];
        if interface.name.as_deref().is_some_and(reserved) {
            found.push(format!("interface `{}`", world.interface_name(&site)));
        }
        for id in interface.types.values() {
            let typedef = &world.resolve.types[*id];
            if let TypeDefKind::Record(record) = &typedef.kind {
                for field in record.fields.iter().filter(|f| reserved(&f.name)) {
                    found.push(format!(
                        "field `{}` of record `{}`",
                        field.name,
                        typedef.name.as_deref().unwrap_or_default()
                    ));
                }
            }
        }
    }
    for function in world.exports().into_iter().chain(world.imports()) {
        let name = function.call_name();
        if reserved(function.function.item_name()) {
            found.push(format!("function `{name}`"));
        }
        for param in function.params().iter().filter(|p| reserved(&p.name)) {
            found.push(format!("parameter `{}` of `{name}`", param.name));
        }
    }
    found.dedup();
    found
}

/// Trait items, indented, a blank line between them.
fn block(items: &[String]) -> String {
    let lines: Vec<String> = items.join("\n").lines().map(str::to_string).collect();
    indent(&lines, "    ")
}

/// The header notes of a Rust guest of `world`.
fn notes(world: &WitWorld) -> Vec<String> {
    let mut notes = vec![format!(
        "How wit-bindgen 0.61.1 names this world: the harness generates the bindings with \
         `wit_bindgen::generate!` at the root of the guest crate and include!s this file there, \
         so every path below starts at the crate root. {}",
        root_names(world)
    )];
    let exports = world.exports();
    if exports.iter().any(|f| f.interface.is_none()) {
        notes.push(
            "- The world's own exports: the trait `Guest`, implemented below; `export!(…)` at \
             the end exports the implementation."
                .into(),
        );
    }
    for site in world.exported_interfaces() {
        let module = module_path(world, &site);
        notes.push(format!(
            "- Exported interface `{}`: the trait `{module}::Guest`.",
            world.interface_name(&site)
        ));
        for resource in world.resources(site.id) {
            let camel = type_name(world, resource).to_upper_camel_case();
            notes.push(format!(
                "- Its resource `{}`: implement the trait `{module}::Guest{camel}` on a type of \
                 yours and name it in `Guest` with `type {camel} = YourType;`. A handle to return \
                 is `{module}::{camel}::new(YourType {{ .. }})`; `.get::<YourType>()` on a \
                 handle or on a borrowed one (`{module}::{camel}Borrow<'_>`) gives yours back.",
                type_name(world, resource)
            ));
        }
    }
    let imports = world.imports();
    let own: Vec<String> = imports
        .iter()
        .filter(|f| f.interface.is_none())
        .map(|f| format!("`{}`", import_call(world, f)))
        .collect();
    if !own.is_empty() {
        notes.push(format!(
            "- Functions the world imports itself, at the crate root: {}.",
            own.join(", ")
        ));
    }
    for site in world.imported_interfaces() {
        let calls: Vec<String> = imports
            .iter()
            .filter(|f| f.interface.is_some_and(|s| s.id == site.id))
            .map(|f| match &f.function.result {
                Some(ty) if !f.is_constructor() => {
                    format!("`{} -> {}`", import_call(world, f), type_expr(world, ty))
                }
                _ => format!("`{}`", import_call(world, f)),
            })
            .collect();
        let provided = match world.host_provided(&site) {
            true => " (the host provides it)",
            false => "",
        };
        let what = match calls.is_empty() {
            true => format!("types only, in `{}`", module_path(world, &site)),
            false => format!("call {}", calls.join(", ")),
        };
        notes.push(format!(
            "- Imported interface `{}`{provided}: {what}.",
            world.interface_name(&site)
        ));
        if world
            .resources(site.id)
            .iter()
            .any(|r| !world.is_exported_resource(*r))
        {
            notes.push(
                "- A resource the host provides is a type with methods; a handle is dropped with \
                 `drop(handle)`."
                    .into(),
            );
        }
    }
    let types: Vec<String> = world
        .named_types()
        .into_iter()
        .filter_map(|id| describe_type(world, id))
        .collect();
    if !types.is_empty() {
        notes.push("Types:".into());
        notes.extend(types);
    }
    notes.push(
        "Names: kebab-case WIT names become snake_case functions, parameters and fields, and \
         PascalCase types, enum cases and variant cases, SCREAMING_SNAKE_CASE flags (`first-name` → `first_name`, \
         `plugin-info` → `PluginInfo`); a Rust keyword gets `_` after it (`type` → `type_`)."
            .into(),
    );
    notes.push(
        "Values: `u64`/`s64` are `u64`/`i64` (s8…s32: i8…i32); `char` is `char`; `string` is \
         `String` (an import takes `&str`); `list<T>` is `Vec<T>` (an import takes `&[T]`); \
         `tuple<A, B>` is `(A, B)`; `option<T>` is `Option<T>`; `result<T, E>` is `Result<T, E>` \
         (return `Err(e)` for err; `result` without payloads is `Result<(), ()>`); a record or \
         variant holding a string or list is passed to an import by reference."
            .into(),
    );
    notes
}

/// What the bindings put at the crate root, which guest.rs must not `use` again (E0255).
fn root_names(world: &WitWorld) -> String {
    let mut names: Vec<String> = world
        .resolve
        .types
        .iter()
        .filter(|(_, t)| matches!(t.owner, TypeOwner::World(w) if w == world.world))
        .filter_map(|(_, t)| t.name.as_deref().map(|n| format!("`{}`", type_ident(n))))
        .collect();
    if world.exports().iter().any(|f| f.interface.is_none()) {
        names.push("`Guest`".into());
    }
    let mut modules: Vec<String> = Vec::new();
    for site in world
        .imported_interfaces()
        .iter()
        .chain(&world.exported_interfaces())
    {
        let path = module_path(world, site);
        let first = path.split("::").next().unwrap_or_default().to_string();
        let first = format!("`{first}`");
        if !modules.contains(&first) {
            modules.push(first);
        }
    }
    names.extend(modules);
    format!(
        "The root already holds {} and the macro `export!`: `use` one of them again (such as \
         `use …::types::Heading` for a type the world `use`s) and rustc reports E0255.",
        names.join(", ")
    )
}

/// One line of the types list: a named type's path and what it is in Rust.
fn describe_type(world: &WitWorld, id: TypeId) -> Option<String> {
    let typedef = &world.resolve.types[id];
    let name = typedef.name.as_deref()?;
    let path = type_path(world, id);
    if let TypeDefKind::Type(Type::Id(target)) = typedef.kind {
        let target = world.dealias(target);
        if world.is_exported_resource(target) {
            return None;
        }
        let target_def = &world.resolve.types[target];
        let user = match typedef.owner {
            TypeOwner::World(_) => "the world itself, so it is at the crate root".to_string(),
            TypeOwner::Interface(i) => match world.site(i) {
                Some(site) => format!("`{}`", world.interface_name(&site)),
                None => "an interface".to_string(),
            },
            TypeOwner::None => "the WIT".to_string(),
        };
        return Some(format!(
            "- `{path}`: {} `{}`, `use`d by {user}; the same type as `{}`.",
            target_def.kind.as_str(),
            target_def.name.as_deref().unwrap_or(name),
            type_path(world, target)
        ));
    }
    let what = match &typedef.kind {
        TypeDefKind::Record(r) => {
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|f| format!("`{}`", ident(&f.name)))
                .collect();
            format!("a struct with pub fields {}", fields.join(", "))
        }
        TypeDefKind::Variant(v) => {
            let cases: Vec<String> = v
                .cases
                .iter()
                .map(|c| match &c.ty {
                    Some(ty) => format!(
                        "`{}::{}({})`",
                        type_ident(name),
                        c.name.to_upper_camel_case(),
                        type_expr(world, ty)
                    ),
                    None => format!("`{}::{}`", type_ident(name), c.name.to_upper_camel_case()),
                })
                .collect();
            format!("an enum: {}", cases.join(", "))
        }
        TypeDefKind::Enum(e) => {
            let cases: Vec<String> = e
                .cases
                .iter()
                .map(|c| format!("`{}::{}`", type_ident(name), c.name.to_upper_camel_case()))
                .collect();
            format!("an enum: {}", cases.join(", "))
        }
        TypeDefKind::Flags(f) => {
            let flags: Vec<String> = f
                .flags
                .iter()
                .map(|flag| {
                    format!(
                        "`{}::{}`",
                        type_ident(name),
                        flag.name.to_shouty_snake_case()
                    )
                })
                .collect();
            format!(
                "bitflags: {} (combine with `|`; none is `{}::empty()`; test with `.contains(…)`)",
                flags.join(", "),
                type_ident(name)
            )
        }
        TypeDefKind::Resource if world.is_exported_resource(id) => return None,
        TypeDefKind::Resource => "a resource the host provides".into(),
        TypeDefKind::Type(ty) => format!("`{}`", type_expr(world, ty)),
        _ => format!("`{}`", type_expr(world, &Type::Id(id))),
    };
    let place = match typedef.owner {
        TypeOwner::World(_) => ", a type of the world itself, so at the crate root",
        _ => "",
    };
    Some(format!(
        "- `{path}`: {} `{name}`{place}, {what}.",
        typedef.kind.as_str()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::testing::{all_kinds, function};

    #[test]
    fn identifiers_are_snake_case_and_keywords_get_an_underscore() {
        assert_eq!(ident("word-count"), "word_count");
        assert_eq!(ident("type"), "type_");
        assert_eq!(ident("self"), "self_");
        assert_eq!(ident("get-HTTP-status"), "get_http_status");
        assert_eq!(type_ident("plugin-info"), "PluginInfo");
        assert_eq!(type_ident("guest"), "Guest_");
    }

    #[test]
    fn every_kind_of_type_has_its_rust_type_at_its_generated_path() {
        let (_dir, world) = all_kinds();
        let take = function(&world, "take");
        let types: Vec<(String, String)> = take
            .params()
            .iter()
            .map(|p| (p.name.clone(), type_expr(&world, &p.ty)))
            .collect();
        let expected = [
            ("a-u64", "u64"),
            ("a-s64", "i64"),
            ("a-s8", "i8"),
            ("a-char", "char"),
            ("a-string", "String"),
            ("a-bool", "bool"),
            ("a-f32", "f32"),
            ("bytes", "Vec<u8>"),
            ("words", "Vec<String>"),
            ("maybe", "Option<u32>"),
            ("nested", "Option<Option<i64>>"),
            ("bare", "Result<(), ()>"),
            ("ok-only", "Result<u32, ()>"),
            ("err-only", "Result<(), String>"),
            ("both", "Result<u32, String>"),
            ("pair", "(u8, String)"),
            ("single", "(u8,)"),
            ("point", "exports::t::p::api::Point"),
            // `use`d by the exported interface: wit-bindgen's alias in its module.
            ("heading", "exports::t::p::api::Heading"),
            ("align", "exports::t::p::api::Align"),
            ("shape", "exports::t::p::api::Shape"),
            ("perms", "exports::t::p::api::Perms"),
            ("own-counter", "exports::t::p::api::Counter"),
            ("lent-counter", "exports::t::p::api::CounterBorrow<'_>"),
            ("own-blob", "exports::t::p::api::Blob"),
            ("lent-blob", "&exports::t::p::api::Blob"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        assert_eq!(types, expected);
        // `use`d by the world itself: at the crate root.
        let greet = function(&world, "greet");
        assert_eq!(type_expr(&world, &greet.params()[0].ty), "Heading");
        assert_eq!(signature(&world, &greet), "fn greet(h: Heading) -> String");
        let lookup = function(&world, "lookup");
        assert_eq!(
            type_expr(&world, lookup.function.result.as_ref().unwrap()),
            "Result<t::p::host::Heading, String>"
        );
    }

    #[test]
    fn resource_functions_and_imports_are_named_as_the_bindings_name_them() {
        let (_dir, world) = all_kinds();
        let new = function(&world, "counter.new");
        assert_eq!(signature(&world, &new), "fn new(start: u32) -> Self");
        let add = function(&world, "counter.add");
        assert_eq!(signature(&world, &add), "fn add(&self, n: u32) -> u32");
        let make = function(&world, "counter.make");
        assert_eq!(
            signature(&world, &make),
            "fn make() -> exports::t::p::api::Counter"
        );
        let calls: Vec<String> = ["lookup", "blob.new", "blob.size", "now"]
            .iter()
            .map(|name| import_call(&world, &function(&world, name)))
            .collect();
        assert_eq!(
            calls,
            [
                "t::p::host::lookup(key)",
                "t::p::host::Blob::new(init)",
                "blob.size()",
                "now()"
            ]
        );
        let site = world.exported_interfaces()[0];
        assert_eq!(module_path(&world, &site), "exports::t::p::api");
    }

    #[test]
    fn two_versions_of_a_package_put_the_version_in_its_module() {
        let (_dir, world) = crate::scaffold::testing::world_from(
            &[
                (
                    "world.wit",
                    "package t:main;\nworld w {\n    import t:dep/i@1.0.0;\n    \
                     import t:dep/i@2.0.0;\n}\n",
                ),
                (
                    "deps/one/i.wit",
                    "package t:dep@1.0.0;\ninterface i { f: func(); }\n",
                ),
                (
                    "deps/two/i.wit",
                    "package t:dep@2.0.0;\ninterface i { f: func(); }\n",
                ),
            ],
            None,
        );
        let paths: Vec<String> = world
            .imported_interfaces()
            .iter()
            .map(|site| module_path(&world, site))
            .collect();
        assert_eq!(paths, ["t::dep1_0_0::i", "t::dep2_0_0::i"]);
    }
}
