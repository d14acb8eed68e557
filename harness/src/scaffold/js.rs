//! JavaScript guests, named as componentize-js 0.23.0 (through jco 1.35.0) names a world: an
//! ES module whose exported functions are the world's own exports (camelCase), with one
//! exported object per exported interface (named after the interface in camelCase, or by the
//! interface's full name where that short name is taken) holding its functions and its
//! resources' classes; imports come from the interface's full name as module specifier
//! (`import { log } from 'demo:shapes/host@1.0.0'`).

use heck::{ToLowerCamelCase, ToUpperCamelCase};
use wit_parser::{Handle, Type, TypeDefKind, TypeId, WorldKey};

use super::check::Unsupported;
use super::text::{comment, indent};
use super::world::{InterfaceSite, WitWorld, WorldFunction};
use super::{Bodies, GuestWriter};
use crate::language::Language;

/// Writes JavaScript guests.
#[derive(Debug, Clone, Copy)]
pub struct JsWriter;

/// Words a JavaScript module cannot use as a binding's name.
const RESERVED: [&str; 47] = [
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "let",
    "static",
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
    "arguments",
];

/// A WIT name as componentize-js names a function, parameter, record field or flag:
/// camelCase (`word-count` → `wordCount`).
pub fn camel(name: &str) -> String {
    name.to_lower_camel_case()
}

/// A WIT resource name as its class is named: PascalCase (`blob-store` → `BlobStore`).
pub fn class_name(name: &str) -> String {
    name.to_upper_camel_case()
}

/// `name` as a binding of the module (a parameter, a local), `_` after a reserved word.
pub fn binding(name: &str) -> String {
    let camel = camel(name);
    match RESERVED.contains(&camel.as_str()) || camel == "eval" {
        true => format!("{camel}_"),
        false => camel,
    }
}

/// A JavaScript string literal holding `text`.
pub fn string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.escape_default()))
}

/// The module specifier an import of `site` comes from: the interface's full name, such as
/// `demo:shapes/host@1.0.0`.
pub fn specifier(world: &WitWorld, site: &InterfaceSite<'_>) -> String {
    world.interface_name(site)
}

/// How the module exports the object of an exported interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterfaceExport {
    /// By the interface's name in camelCase: `export const geometry = { … }`.
    Alias(String),
    /// By the interface's full name, where the short one is taken by another export:
    /// `export { geometry as 'demo:shapes/geometry@1.0.0' }`.
    Qualified(String),
}

/// The name the module exports `site`'s object by. componentize-js looks the object up by
/// the interface's full name first, then by its camelCase name where no other export has
/// that name.
pub fn interface_export(world: &WitWorld, site: &InterfaceSite<'_>) -> InterfaceExport {
    let own = |site: &InterfaceSite<'_>| match site.key {
        WorldKey::Name(name) => camel(name),
        WorldKey::Interface(id) => camel(
            world.resolve.interfaces[*id]
                .name
                .as_deref()
                .unwrap_or_default(),
        ),
    };
    let alias = own(site);
    if matches!(site.key, WorldKey::Name(_)) {
        return InterfaceExport::Alias(alias);
    }
    let taken_by_function = world
        .exports()
        .iter()
        .any(|f| f.interface.is_none() && camel(&f.function.name) == alias);
    let taken_by_interface = world
        .exported_interfaces()
        .iter()
        .any(|other| other.id != site.id && own(other) == alias);
    match taken_by_function || taken_by_interface {
        true => InterfaceExport::Qualified(world.interface_name(site)),
        false => InterfaceExport::Alias(alias),
    }
}

/// How a guest calls the imported `function`: `lookup(key)`, `new Blob(init)`,
/// `blob.size()`, `Blob.make(…)`.
pub fn import_call(world: &WitWorld, function: &WorldFunction<'_>) -> String {
    let args: Vec<String> = function.params().iter().map(|p| binding(&p.name)).collect();
    let args = args.join(", ");
    let name = camel(function.function.item_name());
    match function.resource() {
        Some(r) if function.is_constructor() => {
            format!("new {}({args})", class_name(resource_name(world, r)))
        }
        Some(r) if function.is_method() => {
            format!("{}.{name}({args})", binding(resource_name(world, r)))
        }
        Some(r) => format!("{}.{name}({args})", class_name(resource_name(world, r))),
        None => format!("{name}({args})"),
    }
}

fn resource_name(world: &WitWorld, resource: TypeId) -> &str {
    world.resolve.types[resource]
        .name
        .as_deref()
        .unwrap_or_default()
}

/// Local names of the module, each used once.
struct Locals {
    taken: Vec<String>,
}

impl Locals {
    fn unique(&mut self, wanted: &str) -> String {
        let base = match RESERVED.contains(&wanted) || wanted == "eval" {
            true => format!("{wanted}_"),
            false => wanted.to_string(),
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.push(name.clone());
        name
    }
}

impl GuestWriter for JsWriter {
    fn language(&self) -> Language {
        Language::Js
    }

    fn unsupported(&self, _world: &WitWorld) -> Vec<Unsupported> {
        // Every name has a form: reserved words are exported under another local name.
        Vec::new()
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
        let body = |f: &WorldFunction<'_>| indent(&bodies.body(world, f), "  ");
        let params = |f: &WorldFunction<'_>| {
            let names: Vec<String> = f.params().iter().map(|p| binding(&p.name)).collect();
            names.join(", ")
        };
        let mut locals = Locals { taken: Vec::new() };
        for f in exports.iter().filter(|f| f.interface.is_none()) {
            let name = camel(&f.function.name);
            let local = locals.unique(&name);
            let head = match local == name {
                true => format!("export function {name}"),
                false => format!("function {local}"),
            };
            out.push_str(&format!("\n{head}({}) {{\n{}}}\n", params(f), body(f)));
            if local != name {
                out.push_str(&format!("export {{ {local} as {name} }};\n"));
            }
        }
        for site in world.exported_interfaces() {
            let functions: Vec<&WorldFunction<'_>> = exports
                .iter()
                .filter(|f| f.interface.is_some_and(|s| s.id == site.id))
                .collect();
            let mut members = Vec::new();
            for resource in world.resources(site.id) {
                let class = class_name(resource_name(world, resource));
                let local = locals.unique(&class);
                let mut items = Vec::new();
                for f in functions.iter().filter(|f| f.resource() == Some(resource)) {
                    let head = match (f.is_constructor(), f.is_static()) {
                        (true, _) => "constructor".to_string(),
                        (false, true) => format!("static {}", camel(f.function.item_name())),
                        (false, false) => camel(f.function.item_name()),
                    };
                    items.push(format!("{head}({}) {{\n{}}}\n", params(f), body(f)));
                }
                out.push_str(&format!(
                    "\nclass {local} {{\n{}}}\n",
                    members_block(&items)
                ));
                members.push(match local == class {
                    true => format!("{class},\n"),
                    false => format!("{class}: {local},\n"),
                });
            }
            for f in functions.iter().filter(|f| f.resource().is_none()) {
                let name = camel(&f.function.name);
                members.push(format!("{name}({}) {{\n{}}},\n", params(f), body(f)));
            }
            let object = members_block(&members);
            match interface_export(world, &site) {
                InterfaceExport::Alias(alias) => {
                    let local = locals.unique(&alias);
                    match local == alias {
                        true => {
                            out.push_str(&format!("\nexport const {alias} = {{\n{object}}};\n"))
                        }
                        false => out.push_str(&format!(
                            "\nconst {local} = {{\n{object}}};\nexport {{ {local} as {alias} }};\n"
                        )),
                    }
                }
                InterfaceExport::Qualified(name) => {
                    let short = match site.key {
                        WorldKey::Name(n) => camel(n),
                        WorldKey::Interface(id) => camel(
                            world.resolve.interfaces[*id]
                                .name
                                .as_deref()
                                .unwrap_or_default(),
                        ),
                    };
                    let local = locals.unique(&short);
                    out.push_str(&format!(
                        "\nconst {local} = {{\n{object}}};\nexport {{ {local} as '{name}' }};\n"
                    ));
                }
            }
        }
        out
    }
}

/// Class or object members, indented, a blank line between them.
fn members_block(items: &[String]) -> String {
    let lines: Vec<String> = items.join("\n").lines().map(str::to_string).collect();
    indent(&lines, "  ")
}

/// The header notes of a JavaScript guest of `world`.
fn notes(world: &WitWorld) -> Vec<String> {
    let mut notes = vec![
        "How componentize-js 0.23.0 (through jco 1.35.0) names this world. This file is an ES \
         module; witness bundles it with its JS SDK before componentize-js builds it."
            .to_string(),
    ];
    let exports = world.exports();
    let own: Vec<String> = exports
        .iter()
        .filter(|f| f.interface.is_none())
        .map(|f| format!("`{}`", camel(&f.function.name)))
        .collect();
    if !own.is_empty() {
        notes.push(format!(
            "- The world's own exports are exported functions: {}.",
            own.join(", ")
        ));
    }
    for site in world.exported_interfaces() {
        let how = match interface_export(world, &site) {
            InterfaceExport::Alias(alias) => format!("the exported object `{alias}`"),
            InterfaceExport::Qualified(name) => format!(
                "an object exported by its full name (`export {{ obj as '{name}' }}`), as its \
                 short name is taken"
            ),
        };
        let functions: Vec<String> = exports
            .iter()
            .filter(|f| f.interface.is_some_and(|s| s.id == site.id) && f.resource().is_none())
            .map(|f| format!("`{}`", camel(&f.function.name)))
            .collect();
        let holding = match functions.is_empty() {
            true => String::new(),
            false => format!(", holding its functions {}", functions.join(", ")),
        };
        notes.push(format!(
            "- Exported interface `{}`: {how}{holding}.",
            world.interface_name(&site)
        ));
        for resource in world.resources(site.id) {
            let class = class_name(resource_name(world, resource));
            notes.push(format!(
                "- Its resource `{}`: a class `{class}` in that object, with a `constructor`, \
                 methods, and `static` methods for its static functions; return `new \
                 {class}(…)` where a function returns one, and a handle passed in arrives as the \
                 class's instance.",
                resource_name(world, resource)
            ));
        }
    }
    let imports = world.imports();
    let own: Vec<String> = imports
        .iter()
        .filter(|f| f.interface.is_none())
        .map(|f| {
            format!(
                "`import {} from '{}';`, then `{}`",
                binding(&f.function.name),
                f.function.name,
                import_call(world, f)
            )
        })
        .collect();
    if !own.is_empty() {
        notes.push(format!(
            "- Functions the world imports itself are each the default export of a module named \
             after it: {}.",
            own.join("; ")
        ));
    }
    for site in world.imported_interfaces() {
        let mut names: Vec<String> = Vec::new();
        let mut calls: Vec<String> = Vec::new();
        for f in imports
            .iter()
            .filter(|f| f.interface.is_some_and(|s| s.id == site.id))
        {
            let name = match f.resource() {
                Some(r) => class_name(resource_name(world, r)),
                None => camel(&f.function.name),
            };
            if !names.contains(&name) {
                names.push(name);
            }
            calls.push(format!("`{}`", import_call(world, f)));
        }
        let provided = match world.host_provided(&site) {
            true => " (the host provides it)",
            false => "",
        };
        match names.is_empty() {
            true => notes.push(format!(
                "- Imported interface `{}`{provided}: types only.",
                world.interface_name(&site)
            )),
            false => notes.push(format!(
                "- Imported interface `{}`{provided}: `import {{ {} }} from '{}';`, then {}.",
                world.interface_name(&site),
                names.join(", "),
                specifier(world, &site),
                calls.join(", ")
            )),
        }
        if world
            .resources(site.id)
            .iter()
            .any(|r| !world.is_exported_resource(*r))
        {
            notes.push(
                "- A resource the host provides is a class; drop a handle with \
                 `handle[Symbol.dispose]()`."
                    .into(),
            );
        }
    }
    // Values are shaped alike whatever their type's name: each definition once.
    let mut definitions: Vec<TypeId> = Vec::new();
    for id in world.named_types() {
        let id = world.dealias(id);
        if !definitions.contains(&id) {
            definitions.push(id);
        }
    }
    let types: Vec<String> = definitions
        .into_iter()
        .filter_map(|id| describe_type(world, id))
        .collect();
    if !types.is_empty() {
        notes.push("Types:".into());
        notes.extend(types);
    }
    notes.push(
        "Names: kebab-case WIT names become camelCase functions, parameters, record fields and \
         flags (`first-name` → `firstName`) and PascalCase resource classes; enum cases and \
         variant tags stay the WIT's kebab-case strings."
            .into(),
    );
    notes.push(
        "Values: `u64`/`s64` are BigInt (`0n`, `BigInt(x)`), other numbers Number; `char` is a \
         one-character string; `list<u8>` is a Uint8Array, other lists and tuples arrays; \
         `option<T>` is `undefined` (or `null`) for none and the value itself for some (an \
         option inside an option is `{ tag: 'some', val }` or `{ tag: 'none' }`); for \
         `result<T, E>` return the ok value and `throw` the err value (whatever such a function \
         throws becomes its err value, an `Error` too: to trap, throw as `notImplemented` \
         does); an import returning a result throws on err, with the err value as the thrown \
         error's `payload`."
            .into(),
    );
    notes
}

/// One line of the types list: a named type and how its values look in JavaScript.
fn describe_type(world: &WitWorld, id: TypeId) -> Option<String> {
    let typedef = &world.resolve.types[id];
    let name = typedef.name.as_deref()?;
    let target = &world.resolve.types[world.dealias(id)];
    let what = match &target.kind {
        TypeDefKind::Record(r) => {
            let fields: Vec<String> = r.fields.iter().map(|f| camel(&f.name)).collect();
            format!("a plain object `{{ {} }}`", fields.join(", "))
        }
        TypeDefKind::Variant(v) => {
            let cases: Vec<String> = v
                .cases
                .iter()
                .map(|c| match &c.ty {
                    Some(_) => format!("`{{ tag: '{}', val }}`", c.name),
                    None => format!("`{{ tag: '{}' }}`", c.name),
                })
                .collect();
            format!("one of {}", cases.join(", "))
        }
        TypeDefKind::Enum(e) => {
            let cases: Vec<String> = e.cases.iter().map(|c| format!("`'{}'`", c.name)).collect();
            format!("one of the strings {}", cases.join(", "))
        }
        TypeDefKind::Flags(f) => {
            let flags: Vec<String> = f.flags.iter().map(|flag| camel(&flag.name)).collect();
            format!(
                "an object of booleans `{{ {} }}` (a missing one is false)",
                flags.join(", ")
            )
        }
        TypeDefKind::Resource if world.is_exported_resource(id) => return None,
        TypeDefKind::Resource => format!("the class `{}`", class_name(name)),
        _ => format!("`{}`", shape(world, &Type::Id(world.dealias(id)))),
    };
    let place = match typedef.owner {
        wit_parser::TypeOwner::Interface(i) => world
            .site(i)
            .map(|site| format!(" of `{}`", world.interface_name(&site)))
            .unwrap_or_default(),
        _ => " of the world".to_string(),
    };
    Some(format!(
        "- {} `{name}`{place}: {what}.",
        typedef.kind.as_str()
    ))
}

/// How a value of an anonymous type looks: `Array<number>`, `[bigint, string]`.
fn shape(world: &WitWorld, ty: &Type) -> String {
    let id = match ty {
        Type::Bool => return "boolean".into(),
        Type::U64 | Type::S64 => return "bigint".into(),
        Type::Char | Type::String => return "string".into(),
        Type::Id(id) => *id,
        _ => return "number".into(),
    };
    let typedef = &world.resolve.types[id];
    if let Some(name) = &typedef.name {
        return name.clone();
    }
    let inner = |ty: &Type| shape(world, ty);
    match &typedef.kind {
        TypeDefKind::List(Type::U8) => "Uint8Array".into(),
        TypeDefKind::List(t) => format!("Array<{}>", inner(t)),
        TypeDefKind::Option(t) => match t {
            // An option inside an option: the outer one is tagged.
            Type::Id(i)
                if matches!(
                    world.resolve.types[world.dealias(*i)].kind,
                    TypeDefKind::Option(_)
                ) =>
            {
                format!("{{ tag: 'some', val: {} }} | {{ tag: 'none' }}", inner(t))
            }
            _ => format!("{} | undefined", inner(t)),
        },
        TypeDefKind::Result(r) => format!(
            "{} (err thrown: {})",
            r.ok.as_ref().map_or_else(|| "undefined".into(), inner),
            r.err.as_ref().map_or_else(|| "undefined".into(), inner)
        ),
        TypeDefKind::Tuple(t) => {
            let items: Vec<String> = t.types.iter().map(inner).collect();
            format!("[{}]", items.join(", "))
        }
        TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
            class_name(resource_name(world, *r))
        }
        TypeDefKind::Type(t) => inner(t),
        other => other.as_str().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::testing::{all_kinds, function, world_from};

    #[test]
    fn names_are_camel_case_and_reserved_bindings_get_an_underscore() {
        assert_eq!(camel("word-count"), "wordCount");
        assert_eq!(camel("get-HTTP-status"), "getHttpStatus");
        assert_eq!(class_name("blob-store"), "BlobStore");
        assert_eq!(binding("new"), "new_");
        assert_eq!(binding("in"), "in_");
        assert_eq!(binding("max-size"), "maxSize");
        assert_eq!(
            string("not implemented: a\"b"),
            "\"not implemented: a\\\"b\""
        );
    }

    #[test]
    fn every_kind_of_value_has_its_javascript_shape() {
        let (_dir, world) = all_kinds();
        let take = function(&world, "take");
        let shapes: Vec<String> = take.params().iter().map(|p| shape(&world, &p.ty)).collect();
        assert_eq!(
            shapes[..17],
            [
                "bigint",
                "bigint",
                "number",
                "string",
                "string",
                "boolean",
                "number",
                "Uint8Array",
                "Array<string>",
                "number | undefined",
                "{ tag: 'some', val: bigint | undefined } | { tag: 'none' }",
                "undefined (err thrown: undefined)",
                "number (err thrown: undefined)",
                "undefined (err thrown: string)",
                "number (err thrown: string)",
                "[number, string]",
                "[number]",
            ]
        );
        let types: Vec<String> = world
            .named_types()
            .into_iter()
            .filter(|id| world.dealias(*id) == *id)
            .filter_map(|id| describe_type(&world, id))
            .collect();
        assert!(
            types.contains(
                &"- record `point` of `t:p/api@1.0.0`: a plain object `{ x, label }`.".to_string()
            ),
            "{types:?}"
        );
        assert!(
            types.contains(
                &"- enum `align` of `t:p/types@1.0.0`: one of the strings `'none'`, `'left'`."
                    .to_string()
            ),
            "{types:?}"
        );
        assert!(types.contains(&"- variant `shape` of `t:p/api@1.0.0`: one of `{ tag: 'circle', val }`, `{ tag: 'dot' }`.".to_string()), "{types:?}");
        assert!(types.contains(&"- flags `perms` of `t:p/api@1.0.0`: an object of booleans `{ read, write }` (a missing one is false).".to_string()), "{types:?}");
    }

    #[test]
    fn exports_and_imports_are_named_as_componentize_js_names_them() {
        let (_dir, world) = all_kinds();
        let api = world.exported_interfaces()[0];
        assert_eq!(
            interface_export(&world, &api),
            InterfaceExport::Alias("api".into())
        );
        let host = world.imported_interfaces()[1];
        assert_eq!(specifier(&world, &host), "t:p/host@1.0.0");
        let calls: Vec<String> = ["lookup", "blob.new", "blob.size", "now"]
            .iter()
            .map(|name| import_call(&world, &function(&world, name)))
            .collect();
        assert_eq!(
            calls,
            ["lookup(key)", "new Blob(init)", "blob.size()", "now()"]
        );
    }

    #[test]
    fn an_interface_whose_short_name_is_taken_is_exported_by_its_full_name() {
        let (_dir, world) = world_from(
            &[(
                "world.wit",
                "package t:p;\ninterface shapes { area: func() -> f64; }\nworld w {\n    \
                 export shapes: func();\n    export shapes;\n}\n",
            )],
            None,
        );
        let site = world.exported_interfaces()[0];
        assert_eq!(
            interface_export(&world, &site),
            InterfaceExport::Qualified("t:p/shapes".into())
        );
        let source = JsWriter.write(&world, &[], &crate::scaffold::Stubs(Language::Js));
        assert!(source.contains("\nexport function shapes() {"), "{source}");
        assert!(source.contains("\nconst shapes2 = {"), "{source}");
        assert!(
            source.contains("export { shapes2 as 't:p/shapes' };"),
            "{source}"
        );
    }
}
