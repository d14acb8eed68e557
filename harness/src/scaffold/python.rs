//! Python guests, named as componentize-py 0.25.1 names a world: the bindings are the package
//! `wit_world`; the world's own exports are methods of a class `WitWorld`, an exported
//! interface's are methods of a class named after it (`Geometry(exports.Geometry)`), an
//! exported resource is a class componentize-py finds in a module named after its interface
//! (which guest.py registers itself as), and an imported interface is the module
//! `wit_world.imports.<interface>`. The naming follows componentize-py's (`summary.rs`:
//! heck's cases, a Python keyword with `_` after it, an interface's short name unless two
//! packages or versions share it).

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use wit_parser::{Handle, Type, TypeDefKind, TypeId, TypeOwner, WorldKey};

use super::check::{self, Unsupported};
use super::text::{comment, indent};
use super::world::{Direction, InterfaceSite, WitWorld, WorldFunction};
use super::{Bodies, GuestWriter};
use crate::language::Language;

/// Writes Python guests.
#[derive(Debug, Clone, Copy)]
pub struct PythonWriter;

/// `name` with `_` after it where it is a Python keyword, as componentize-py escapes names.
pub fn escape(name: String) -> String {
    const KEYWORDS: [&str; 35] = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    match KEYWORDS.contains(&name.as_str()) {
        true => format!("{name}_"),
        false => name,
    }
}

/// A WIT name as a Python function, parameter or field: snake_case, escaped.
pub fn snake(name: &str) -> String {
    escape(name.to_snake_case())
}

/// A WIT name as a Python class: PascalCase, escaped.
pub fn class(name: &str) -> String {
    escape(name.to_upper_camel_case())
}

/// A WIT enum case or flag as its Python member: SCREAMING_SNAKE_CASE.
pub fn member(name: &str) -> String {
    name.to_shouty_snake_case()
}

/// A Python string literal holding `text`.
pub fn string(text: &str) -> String {
    // JSON's escapes are Python's, for the characters a message holds.
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.escape_default()))
}

/// componentize-py's name of `site` before its case is set: the interface's name, or
/// `<namespace>-<package>-<name>` where two packages of the world share that name, with the
/// version after it where two versions of one package do.
fn interface_base(world: &WitWorld, site: &InterfaceSite<'_>) -> String {
    let id = match site.key {
        WorldKey::Name(name) => return name.clone(),
        WorldKey::Interface(id) => *id,
    };
    let interface = &world.resolve.interfaces[id];
    let name = interface.name.clone().unwrap_or_default();
    let Some(package) = interface.package else {
        return name;
    };
    let package = &world.resolve.packages[package].name;
    let all: Vec<&wit_parser::PackageName> = world
        .imported_interfaces()
        .iter()
        .chain(&world.exported_interfaces())
        .filter_map(|other| match other.key {
            WorldKey::Interface(other) => Some(&world.resolve.interfaces[*other]),
            WorldKey::Name(_) => None,
        })
        .filter(|other| other.name.as_deref() == Some(name.as_str()))
        .filter_map(|other| other.package.map(|p| &world.resolve.packages[p].name))
        .collect();
    let packages: BTreeSet<(&str, &str)> = all
        .iter()
        .map(|p| (p.namespace.as_str(), p.name.as_str()))
        .collect();
    let versions = all
        .iter()
        .filter(|p| p.namespace == package.namespace && p.name == package.name)
        .count();
    let (namespace, package_name) = (&package.namespace, &package.name);
    match &package.version {
        Some(version) if versions > 1 => format!(
            "{namespace}-{package_name}-{name}-{}",
            version.to_string().replace('.', "-")
        ),
        _ if packages.len() > 1 => format!("{namespace}-{package_name}-{name}"),
        _ => name,
    }
}

/// The module of `site`'s bindings under `wit_world.imports` or `wit_world.exports`, and the
/// module componentize-py looks an exported resource's class up in: `geometry`.
pub fn interface_module(world: &WitWorld, site: &InterfaceSite<'_>) -> String {
    snake(&interface_base(world, site))
}

/// The class of an exported interface's functions: `Geometry`, a subclass of
/// `wit_world.exports.Geometry`.
pub fn interface_class(world: &WitWorld, site: &InterfaceSite<'_>) -> String {
    class(&interface_base(world, site))
}

/// The `wit_world` package that holds `site`'s module: `wit_world.imports.host`.
pub fn interface_path(world: &WitWorld, site: &InterfaceSite<'_>) -> String {
    let side = match site.direction {
        Direction::Import => "imports",
        Direction::Export => "exports",
    };
    format!("wit_world.{side}.{}", interface_module(world, site))
}

/// How a guest calls the imported `function`, its interface's module named `module`:
/// `host.lookup(key)`, `wit_world.now()`, `host.Blob(init)`, `blob.size()`.
pub fn import_call(world: &WitWorld, function: &WorldFunction<'_>, module: &str) -> String {
    let args: Vec<String> = function.params().iter().map(|p| snake(&p.name)).collect();
    let args = args.join(", ");
    let name = snake(function.function.item_name());
    match function.resource() {
        Some(r) if function.is_constructor() => {
            format!("{module}.{}({args})", class(resource_name(world, r)))
        }
        Some(r) if function.is_method() => {
            format!("{}.{name}({args})", snake(resource_name(world, r)))
        }
        Some(r) => format!("{module}.{}.{name}({args})", class(resource_name(world, r))),
        None => format!("{module}.{name}({args})"),
    }
}

fn resource_name(world: &WitWorld, resource: TypeId) -> &str {
    world.resolve.types[resource]
        .name
        .as_deref()
        .unwrap_or_default()
}

/// The modules a guest file imports (for its classes' bases and its annotations), each
/// interface's module under a name of its own.
#[derive(Debug, Default)]
pub struct Modules {
    /// `(full path, local name)` of each interface module used.
    used: Vec<(String, String)>,
    /// Whether `wit_world` itself is named.
    wit_world: bool,
    /// Whether `wit_world.exports` is named, as `exports`.
    exports: bool,
    /// Whether `componentize_py_types` is named.
    types: bool,
}

impl Modules {
    /// `wit_world`, imported.
    fn wit_world(&mut self) -> &'static str {
        self.wit_world = true;
        "wit_world"
    }

    /// `exports` (`from wit_world import exports`), imported.
    fn exports(&mut self) -> &'static str {
        self.exports = true;
        "exports"
    }

    /// `componentize_py_types`, imported.
    fn types(&mut self) -> &'static str {
        self.types = true;
        "componentize_py_types"
    }

    /// The local name of the module at `path` (`wit_world.exports.geometry`), imported as
    /// `name` where that is free.
    fn local(&mut self, path: &str) -> String {
        if let Some((_, local)) = self.used.iter().find(|(p, _)| p == path) {
            return local.clone();
        }
        let (parent, name) = path.rsplit_once('.').unwrap_or(("", path));
        let side = parent.rsplit('.').next().unwrap_or_default();
        let taken = |n: &str| {
            [
                "sys",
                "wit_world",
                "exports",
                "componentize_py_types",
                "annotations",
            ]
            .contains(&n)
                || self.used.iter().any(|(_, local)| local == n)
        };
        let mut local = name.to_string();
        if taken(&local) {
            local = format!("{name}_{side}");
        }
        let mut n = 2;
        while taken(&local) {
            local = format!("{name}_{side}{n}");
            n += 1;
        }
        self.used.push((path.to_string(), local.clone()));
        local
    }

    /// The import lines: `import wit_world`, `from wit_world.exports import geometry`.
    fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.wit_world {
            lines.push("import wit_world".to_string());
        }
        if self.types {
            lines.push("import componentize_py_types".to_string());
        }
        if self.exports {
            lines.push("from wit_world import exports".to_string());
        }
        lines.extend(self.used.iter().map(|(path, local)| {
            let (parent, name) = path.rsplit_once('.').unwrap_or(("", path));
            match name == local {
                true => format!("from {parent} import {name}"),
                false => format!("from {parent} import {name} as {local}"),
            }
        }));
        lines
    }
}

/// `ty` as a Python annotation, the modules it names added to `modules`: `int`, `str`,
/// `bytes`, `list[str]`, `int | None`, `tuple[int, str]`,
/// `componentize_py_types.Result[int, str]`, `geometry.Point`.
pub fn type_expr(world: &WitWorld, ty: &Type, modules: &mut Modules) -> String {
    let id = match ty {
        Type::Bool => return "bool".into(),
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => return "int".into(),
        Type::S8 | Type::S16 | Type::S32 | Type::S64 => return "int".into(),
        Type::F32 | Type::F64 => return "float".into(),
        Type::Char | Type::String => return "str".into(),
        Type::ErrorContext => return format!("{}.ErrorContext", modules.types()),
        Type::Id(id) => *id,
    };
    let typedef = &world.resolve.types[id];
    match &typedef.kind {
        TypeDefKind::Type(t) => return type_expr(world, t, modules),
        TypeDefKind::Record(_)
        | TypeDefKind::Variant(_)
        | TypeDefKind::Enum(_)
        | TypeDefKind::Flags(_)
        | TypeDefKind::Resource => return named(world, id, modules),
        _ => {}
    }
    if let TypeDefKind::Option(t) = &typedef.kind {
        let nested = matches!(t, Type::Id(i) if matches!(world.resolve.types[world.dealias(*i)].kind, TypeDefKind::Option(_)));
        let inner = type_expr(world, t, modules);
        return match nested {
            true => format!("{}.Some[{inner}] | None", modules.types()),
            false => format!("{inner} | None"),
        };
    }
    if let TypeDefKind::Result(r) = &typedef.kind {
        let ok =
            r.ok.as_ref()
                .map_or_else(|| "None".to_string(), |t| type_expr(world, t, modules));
        let err = r
            .err
            .as_ref()
            .map_or_else(|| "None".to_string(), |t| type_expr(world, t, modules));
        return format!("{}.Result[{ok}, {err}]", modules.types());
    }
    let mut inner = |ty: &Type| type_expr(world, ty, modules);
    match &typedef.kind {
        TypeDefKind::List(Type::U8) => "bytes".into(),
        TypeDefKind::List(t) => format!("list[{}]", inner(t)),
        TypeDefKind::Tuple(t) => {
            let items: Vec<String> = t.types.iter().map(inner).collect();
            format!("tuple[{}]", items.join(", "))
        }
        TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => named(world, *r, modules),
        other => other.as_str().to_string(),
    }
}

/// The class of the named type `id` (aliases followed to the definition, as componentize-py
/// annotates them): `geometry.Point`, `types.Heading`, `wit_world.Extra` for a type the world
/// defines itself.
fn named(world: &WitWorld, id: TypeId, modules: &mut Modules) -> String {
    let id = world.dealias(id);
    let typedef = &world.resolve.types[id];
    let name = class(typedef.name.as_deref().unwrap_or_default());
    match typedef.owner {
        TypeOwner::Interface(i) => match world.site(i) {
            Some(site) => format!("{}.{name}", modules.local(&interface_path(world, &site))),
            None => name,
        },
        _ => format!("{}.{name}", modules.wit_world()),
    }
}

/// The annotation of what the exported `function` returns: for a `result`, its ok type
/// (`None` without one), since err is raised.
fn result_expr(world: &WitWorld, function: &WorldFunction<'_>, modules: &mut Modules) -> String {
    let Some(ty) = &function.function.result else {
        return "None".into();
    };
    if let Type::Id(id) = ty
        && let TypeDefKind::Result(r) = &world.resolve.types[*id].kind
    {
        return r
            .ok
            .as_ref()
            .map_or_else(|| "None".into(), |ok| type_expr(world, ok, modules));
    }
    type_expr(world, ty, modules)
}

/// The classes guest.py defines, each with what needs it: `WitWorld` for the world's own
/// exports, one per exported interface with functions, one per exported resource.
fn classes(world: &WitWorld) -> Vec<(String, String)> {
    let exports = world.exports();
    let mut classes = Vec::new();
    if exports.iter().any(|f| f.interface.is_none()) {
        classes.push((
            "WitWorld".to_string(),
            "the world's own exports".to_string(),
        ));
    }
    for site in world.exported_interfaces() {
        let name = world.interface_name(&site);
        if exports
            .iter()
            .any(|f| f.interface.is_some_and(|s| s.id == site.id) && f.resource().is_none())
        {
            classes.push((interface_class(world, &site), format!("interface `{name}`")));
        }
        for resource in world.resources(site.id) {
            classes.push((
                class(resource_name(world, resource)),
                format!("resource `{}` of `{name}`", resource_name(world, resource)),
            ));
        }
    }
    classes
}

impl GuestWriter for PythonWriter {
    fn language(&self) -> Language {
        Language::Python
    }

    fn unsupported(&self, world: &WitWorld) -> Vec<Unsupported> {
        let mut found = Vec::new();
        let classes = classes(world);
        for (i, (name, what)) in classes.iter().enumerate() {
            if let Some((_, first)) = classes[..i].iter().find(|(other, _)| other == name) {
                found.push(Unsupported {
                    item: what.clone(),
                    language: Some(Language::Python),
                    problem: format!(
                        "its class would be `{name}`, as {first}'s is; componentize-py 0.25.1 \
                         looks both up by that name in the one guest module"
                    ),
                });
            }
        }
        for function in world.exports() {
            let receiver = !function.is_static();
            if receiver && function.params().iter().any(|p| snake(&p.name) == "self") {
                found.push(Unsupported {
                    item: check::item(world, &function),
                    language: Some(Language::Python),
                    problem: "a parameter named `self`, which is the Python method's own \
                              receiver"
                        .into(),
                });
            }
        }
        found
    }

    fn notes(&self, world: &WitWorld) -> Vec<String> {
        notes(world)
    }

    fn write(&self, world: &WitWorld, header: &[String], bodies: &dyn Bodies) -> String {
        let mut modules = Modules::default();
        let exports = world.exports();
        let def = |f: &WorldFunction<'_>, modules: &mut Modules| {
            let mut params: Vec<String> = Vec::new();
            if !f.is_static() {
                params.push("self".into());
            }
            for p in f.params() {
                params.push(format!(
                    "{}: {}",
                    snake(&p.name),
                    type_expr(world, &p.ty, modules)
                ));
            }
            let (name, result) = match f.is_constructor() {
                true => ("__init__".to_string(), "None".to_string()),
                false => (
                    snake(f.function.item_name()),
                    result_expr(world, f, modules),
                ),
            };
            let decorator = match f.is_static() {
                true => "@staticmethod\n",
                false => "",
            };
            let body = indent(&bodies.body(world, f), "    ");
            // Within its class, the `def` line stands four columns in.
            let one_line = format!("def {name}({}) -> {result}:", params.join(", "));
            let head = match one_line.len() + 4 <= super::text::WIDTH {
                true => one_line,
                false => {
                    let params: String = params.iter().map(|p| format!("    {p},\n")).collect();
                    format!("def {name}(\n{params}) -> {result}:")
                }
            };
            format!("{decorator}{head}\n{body}")
        };
        let mut sections = Vec::new();
        let own: Vec<&WorldFunction<'_>> =
            exports.iter().filter(|f| f.interface.is_none()).collect();
        if !own.is_empty() {
            let methods: Vec<String> = own.iter().map(|f| def(f, &mut modules)).collect();
            let base = format!("{}.WitWorld", modules.wit_world());
            sections.push(format!(
                "class WitWorld({base}):\n{}",
                methods_block(&methods)
            ));
        }
        let mut registered = Vec::new();
        for site in world.exported_interfaces() {
            let functions: Vec<&WorldFunction<'_>> = exports
                .iter()
                .filter(|f| f.interface.is_some_and(|s| s.id == site.id))
                .collect();
            let resources = world.resources(site.id);
            if !resources.is_empty() {
                registered.push(interface_module(world, &site));
            }
            for resource in resources {
                let base = named(world, resource, &mut modules);
                let methods: Vec<String> = functions
                    .iter()
                    .filter(|f| f.resource() == Some(resource))
                    .map(|f| def(f, &mut modules))
                    .collect();
                let methods = match methods.is_empty() {
                    true => vec!["pass\n".to_string()],
                    false => methods,
                };
                sections.push(format!(
                    "class {}({base}):\n{}",
                    class(resource_name(world, resource)),
                    methods_block(&methods)
                ));
            }
            let free: Vec<String> = functions
                .iter()
                .filter(|f| f.resource().is_none())
                .map(|f| def(f, &mut modules))
                .collect();
            if !free.is_empty() {
                let name = interface_class(world, &site);
                let exports = modules.exports();
                sections.push(format!(
                    "class {name}({exports}.{name}):\n{}",
                    methods_block(&free)
                ));
            }
        }

        let mut paragraphs = header.to_vec();
        paragraphs.push(String::new());
        paragraphs.extend(self.notes(world));
        let mut out = comment("#", &paragraphs);
        out.push_str("\nfrom __future__ import annotations\n\n");
        if !registered.is_empty() {
            out.push_str("import sys\n\n");
        }
        let imports = modules.lines();
        if !imports.is_empty() {
            out.push_str(&indent(&imports, ""));
        }
        let prelude = bodies.prelude(world);
        if !prelude.is_empty() {
            out.push('\n');
            out.push_str(&indent(&prelude, ""));
        }
        if !registered.is_empty() {
            out.push_str(
                "\n# componentize-py looks an exported resource's class up in a module named after \
                 its\n# interface: this file registers itself under that name.\n",
            );
            for module in &registered {
                out.push_str(&format!(
                    "sys.modules[{}] = sys.modules[__name__]\n",
                    string(module)
                ));
            }
        }
        for section in sections {
            out.push_str("\n\n");
            out.push_str(&section);
        }
        out
    }
}

/// Class members, indented, a blank line between them.
fn methods_block(items: &[String]) -> String {
    let lines: Vec<String> = items.join("\n").lines().map(str::to_string).collect();
    indent(&lines, "    ")
}

/// The header notes of a Python guest of `world`.
fn notes(world: &WitWorld) -> Vec<String> {
    let mut notes = vec![
        "How componentize-py 0.25.1 names this world: its bindings are the package `wit_world`, \
         and this file is built as the module `guest`."
            .to_string(),
    ];
    let exports = world.exports();
    if exports.iter().any(|f| f.interface.is_none()) {
        notes.push(
            "- The world's own exports: methods of the class `WitWorld(wit_world.WitWorld)`."
                .into(),
        );
    }
    for site in world.exported_interfaces() {
        let class = interface_class(world, &site);
        let has_functions = exports
            .iter()
            .any(|f| f.interface.is_some_and(|s| s.id == site.id) && f.resource().is_none());
        let functions = match has_functions {
            true => format!(
                "its functions are methods of a class `{class}(exports.{class})` (`from \
                 wit_world import exports`); "
            ),
            false => String::new(),
        };
        notes.push(format!(
            "- Exported interface `{}`: {functions}its types are in `{}`.",
            world.interface_name(&site),
            interface_path(world, &site)
        ));
        let module = interface_module(world, &site);
        for resource in world.resources(site.id) {
            let name = resource_name(world, resource);
            let class = self::class(name);
            notes.push(format!(
                "- Its resource `{name}`: a class `{class}({module}.{class})` with `__init__`, \
                 methods and `@staticmethod`s. componentize-py 0.25.1 looks it up as \
                 `{module}.{class}` in a module named `{module}`, so this file registers itself \
                 under that name (`sys.modules[\"{module}\"] = sys.modules[__name__]`). Return \
                 `{class}(…)` where a function returns one; a handle passed in arrives as your \
                 instance."
            ));
        }
    }
    let imports = world.imports();
    let own: Vec<String> = imports
        .iter()
        .filter(|f| f.interface.is_none())
        .map(|f| format!("`{}`", import_call(world, f, "wit_world")))
        .collect();
    if !own.is_empty() {
        notes.push(format!(
            "- Functions the world imports itself, in `wit_world` (`import wit_world`): {}.",
            own.join(", ")
        ));
    }
    for site in world.imported_interfaces() {
        let module = interface_module(world, &site);
        let calls: Vec<String> = imports
            .iter()
            .filter(|f| f.interface.is_some_and(|s| s.id == site.id))
            .map(|f| format!("`{}`", import_call(world, f, &module)))
            .collect();
        let provided = match world.host_provided(&site) {
            true => " (the host provides it)",
            false => "",
        };
        let what = match calls.is_empty() {
            true => "types only".to_string(),
            false => format!("then {}", calls.join(", ")),
        };
        notes.push(format!(
            "- Imported interface `{}`{provided}: `from wit_world.imports import {module}`, {what}.",
            world.interface_name(&site)
        ));
        if let Some(resource) = world
            .resources(site.id)
            .into_iter()
            .find(|r| !world.is_exported_resource(*r))
        {
            let name = resource_name(world, resource);
            notes.push(format!(
                "- A resource the host provides is a class; a handle is dropped when its `with` \
                 block ends (`with {module}.{}(…) as {}:`).",
                class(name),
                snake(name)
            ));
        }
    }
    let mut modules = Modules::default();
    // Python names a type by its definition, whatever `use`s it: each definition once.
    let mut definitions: Vec<TypeId> = Vec::new();
    for id in world.named_types() {
        let id = world.dealias(id);
        if !definitions.contains(&id) {
            definitions.push(id);
        }
    }
    let types: Vec<String> = definitions
        .into_iter()
        .filter_map(|id| describe_type(world, id, &mut modules))
        .collect();
    if !types.is_empty() {
        notes.push("Types:".into());
        notes.extend(types);
    }
    notes.push(
        "Names: kebab-case WIT names become snake_case functions, parameters and fields, \
         PascalCase classes and SCREAMING_SNAKE_CASE enum cases and flags (`first-name` → \
         `first_name`, `plugin-info` → `PluginInfo`, `log-level.warn` → `LogLevel.WARN`); a \
         Python keyword gets `_` after it (`from` → `from_`)."
            .into(),
    );
    notes.push(
        "Values: integers are `int` (`u64`/`s64` too), floats `float`, `char` a one-character \
         `str`; `list<u8>` is `bytes`, other lists `list`, tuples `tuple`; `option<T>` is `None` \
         or the value (an option inside an option wraps some in `componentize_py_types.Some`); \
         for `result<T, E>` return the ok value and `raise componentize_py_types.Err(e)` for err \
         (any other exception traps); an import returning a result raises `Err` with the err \
         value as `.value`."
            .into(),
    );
    notes
}

/// One line of the types list: a named type's class and how its values look in Python.
fn describe_type(world: &WitWorld, id: TypeId, modules: &mut Modules) -> Option<String> {
    let typedef = &world.resolve.types[id];
    let name = typedef.name.as_deref()?;
    let target = world.dealias(id);
    let target_def = &world.resolve.types[target];
    let target_name = class(target_def.name.as_deref().unwrap_or(name));
    let path = named(world, target, modules);
    let place = match target_def.owner {
        TypeOwner::Interface(i) => world
            .site(i)
            .map(|site| format!(", in `{}`", interface_path(world, &site)))
            .unwrap_or_default(),
        _ => ", in `wit_world`".to_string(),
    };
    let what = match &target_def.kind {
        TypeDefKind::Record(r) => {
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|f| format!("{}=…", snake(&f.name)))
                .collect();
            format!("a dataclass: `{target_name}({})`", fields.join(", "))
        }
        TypeDefKind::Variant(v) => {
            let cases: Vec<String> = v
                .cases
                .iter()
                .map(|c| match c.ty {
                    Some(_) => format!("`{target_name}_{}(value)`", class(&c.name)),
                    None => format!("`{target_name}_{}()`", class(&c.name)),
                })
                .collect();
            format!(
                "one dataclass per case, told apart with `isinstance`: {}",
                cases.join(", ")
            )
        }
        TypeDefKind::Enum(e) => {
            let cases: Vec<String> = e
                .cases
                .iter()
                .map(|c| format!("`{target_name}.{}`", member(&c.name)))
                .collect();
            format!("an `Enum`: {}", cases.join(", "))
        }
        TypeDefKind::Flags(f) => {
            let flags: Vec<String> = f
                .flags
                .iter()
                .map(|flag| format!("`{target_name}.{}`", member(&flag.name)))
                .collect();
            format!(
                "a `Flag`: {} (combine with `|`; none is `{target_name}(0)`)",
                flags.join(", ")
            )
        }
        TypeDefKind::Resource if world.is_exported_resource(target) => return None,
        TypeDefKind::Resource => "a class the host provides".into(),
        _ => format!("`{}`", type_expr(world, &Type::Id(target), modules)),
    };
    Some(format!(
        "- {} `{name}`: `{path}`{place}; {what}.",
        target_def.kind.as_str()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::testing::{all_kinds, function, world_from};

    #[test]
    fn names_are_snake_or_pascal_case_and_keywords_get_an_underscore() {
        assert_eq!(snake("word-count"), "word_count");
        assert_eq!(snake("from"), "from_");
        assert_eq!(snake("get-HTTP-status"), "get_http_status");
        assert_eq!(class("plugin-info"), "PluginInfo");
        assert_eq!(member("log-level"), "LOG_LEVEL");
        assert_eq!(escape("None".into()), "None_");
    }

    #[test]
    fn every_kind_of_type_has_its_annotation_and_module() {
        let (_dir, world) = all_kinds();
        let take = function(&world, "take");
        let mut modules = Modules::default();
        let types: Vec<String> = take
            .params()
            .iter()
            .map(|p| type_expr(&world, &p.ty, &mut modules))
            .collect();
        let result = |ok: &str, err: &str| format!("componentize_py_types.Result[{ok}, {err}]");
        let expected = [
            "int".to_string(),
            "int".into(),
            "int".into(),
            "str".into(),
            "str".into(),
            "bool".into(),
            "float".into(),
            "bytes".into(),
            "list[str]".into(),
            "int | None".into(),
            "componentize_py_types.Some[int | None] | None".into(),
            result("None", "None"),
            result("int", "None"),
            result("None", "str"),
            result("int", "str"),
            "tuple[int, str]".into(),
            "tuple[int]".into(),
            "api.Point".into(),
            // A `use`d type is named by its definition, as componentize-py annotates it.
            "types.Heading".into(),
            "types.Align".into(),
            "api.Shape".into(),
            "api.Perms".into(),
            "api.Counter".into(),
            "api.Counter".into(),
            "host.Blob".into(),
            "host.Blob".into(),
        ];
        assert_eq!(types, expected);
        assert_eq!(
            modules.lines(),
            [
                "import componentize_py_types",
                "from wit_world.exports import api",
                "from wit_world.imports import types",
                "from wit_world.imports import host",
            ]
        );
        let greet = function(&world, "greet");
        assert_eq!(result_expr(&world, &greet, &mut modules), "str");
        let lookup = function(&world, "lookup");
        assert_eq!(
            result_expr(&world, &lookup, &mut modules),
            "types.Heading",
            "a result's ok type: err is raised"
        );
    }

    #[test]
    fn interfaces_resources_and_imports_are_named_as_componentize_py_names_them() {
        let (_dir, world) = all_kinds();
        let api = world.exported_interfaces()[0];
        assert_eq!(interface_module(&world, &api), "api");
        assert_eq!(interface_class(&world, &api), "Api");
        assert_eq!(interface_path(&world, &api), "wit_world.exports.api");
        let calls: Vec<String> = ["lookup", "blob.new", "blob.size"]
            .iter()
            .map(|name| import_call(&world, &function(&world, name), "host"))
            .collect();
        assert_eq!(
            calls,
            ["host.lookup(key)", "host.Blob(init)", "blob.size()"]
        );
        assert_eq!(
            import_call(&world, &function(&world, "now"), "wit_world"),
            "wit_world.now()"
        );
    }

    #[test]
    fn interfaces_sharing_a_name_are_named_after_their_package_and_version() {
        let (_dir, world) = world_from(
            &[
                (
                    "world.wit",
                    "package t:main;\nworld w {\n    import t:dep/i@1.0.0;\n    \
                     import t:dep/i@2.0.0;\n    import t:other/i;\n}\n",
                ),
                (
                    "deps/one/i.wit",
                    "package t:dep@1.0.0;\ninterface i { f: func(); }\n",
                ),
                (
                    "deps/two/i.wit",
                    "package t:dep@2.0.0;\ninterface i { f: func(); }\n",
                ),
                (
                    "deps/three/i.wit",
                    "package t:other;\ninterface i { f: func(); }\n",
                ),
            ],
            None,
        );
        let modules: Vec<String> = world
            .imported_interfaces()
            .iter()
            .map(|site| interface_module(&world, site))
            .collect();
        assert_eq!(modules, ["t_dep_i_1_0_0", "t_dep_i_2_0_0", "t_other_i"]);
    }

    #[test]
    fn classes_python_cannot_tell_apart_and_a_self_parameter_are_refused() {
        let (_dir, world) = world_from(
            &[(
                "world.wit",
                "package t:p;\ninterface counter {\n    resource counter { get: func() -> u32; }\n    \
                 total: func() -> u32;\n}\nworld w {\n    export counter;\n    \
                 export f: func(self: u32);\n}\n",
            )],
            None,
        );
        let problems: Vec<String> = PythonWriter
            .unsupported(&world)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "resource `counter` of `t:p/counter` (python): its class would be `Counter`"
            ),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("export f (python): a parameter named `self`"),
            "{problems:?}"
        );
    }
}
