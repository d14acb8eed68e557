//! The audit world: a WIT package witness derives from the types of the audited world, in
//! which every type `T` numbered `n` gets four exports and two imports:
//!
//! ```wit
//! export echo-<n>: func(x: T) -> T;         // the identity
//! export relay-<n>: func(x: T) -> T;        // passes x to the import relay-<n>, returns its answer
//! export show-<n>: func(x: T) -> string;    // prints x as the guest sees it
//! export seen-<n>: func() -> string;        // prints what the import give-<n> returns
//! import host.relay-<n>: func(x: T) -> T;   // the host answers with its argument
//! import host.give-<n>: func() -> T;        // the host answers with the case's value
//! ```
//!
//! The world's named types (records, variants, enums, flags) are declared again, with their
//! names and their fields' and cases' names, in the interface `types`.

use std::collections::HashMap;
use std::fmt::Write as _;

use wit_parser::{Resolve, Type, TypeDefKind, TypeId};

use super::types::{AuditTypes, dealias};

/// The audit package's name.
pub const PACKAGE: &str = "witness:audit@0.1.0";
/// The interface of the host's imports.
pub const HOST: &str = "witness:audit/host@0.1.0";
/// The audit world's name.
pub const WORLD: &str = "audit";

/// The four exports of type `n`.
pub fn echo(n: usize) -> String {
    format!("echo-{n}")
}
/// See [`echo`].
pub fn relay(n: usize) -> String {
    format!("relay-{n}")
}
/// See [`echo`].
pub fn show(n: usize) -> String {
    format!("show-{n}")
}
/// See [`echo`].
pub fn seen(n: usize) -> String {
    format!("seen-{n}")
}
/// The import `seen-<n>` calls.
pub fn give(n: usize) -> String {
    format!("give-{n}")
}

/// The text of the audit package for `types` of `resolve`: every function of every type.
pub fn package(resolve: &Resolve, types: &AuditTypes) -> String {
    let all = Functions::all();
    write_package(
        resolve,
        types,
        &|_| all,
        "// Written by `witness audit`: every type of the audited world, echoed, relayed and\n\
         // shown both ways.",
    )
}

/// Which of a type's functions a package has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Functions {
    /// `echo-<n>`.
    pub echo: bool,
    /// `relay-<n>` and the import `relay-<n>`.
    pub relay: bool,
    /// `show-<n>`.
    pub show: bool,
    /// `seen-<n>` and the import `give-<n>`.
    pub seen: bool,
}

impl Functions {
    /// All four.
    pub fn all() -> Self {
        Functions {
            echo: true,
            relay: true,
            show: true,
            seen: true,
        }
    }
}

/// The text of a package with `functions(n)` of each type of `types`, `comment` first.
pub fn write_package(
    resolve: &Resolve,
    types: &AuditTypes,
    functions: &dyn Fn(usize) -> Functions,
    comment: &str,
) -> String {
    let names = Names::of(resolve, types);
    let mut declared = String::new();
    for (id, name) in &names.order {
        declared.push_str(&names.declaration(resolve, *id, name));
    }
    let used: Vec<String> = names.order.iter().map(|(_, n)| escape(n)).collect();
    let uses = match used.is_empty() {
        true => String::new(),
        false => format!("    use types.{{{}}};\n", used.join(", ")),
    };
    let mut host = String::new();
    let mut exports = String::new();
    for t in &types.types {
        let ty = names.expr(resolve, &t.ty);
        let n = t.index;
        let f = functions(n);
        if f.relay {
            writeln!(host, "    {}: func(x: {ty}) -> {ty};", relay(n)).ok();
        }
        if f.seen {
            writeln!(host, "    {}: func() -> {ty};", give(n)).ok();
        }
        if f == Functions::default() {
            continue;
        }
        writeln!(exports, "    /// {}", t.wit).ok();
        if f.echo {
            writeln!(exports, "    export {}: func(x: {ty}) -> {ty};", echo(n)).ok();
        }
        if f.relay {
            writeln!(exports, "    export {}: func(x: {ty}) -> {ty};", relay(n)).ok();
        }
        if f.show {
            writeln!(exports, "    export {}: func(x: {ty}) -> string;", show(n)).ok();
        }
        if f.seen {
            writeln!(exports, "    export {}: func() -> string;", seen(n)).ok();
        }
    }
    let (host_interface, import) = match host.is_empty() {
        true => (String::new(), String::new()),
        false => (
            format!("interface host {{\n{uses}{host}}}\n\n"),
            "    import host;\n\n".to_string(),
        ),
    };
    format!(
        "{comment}\npackage {PACKAGE};\n\ninterface types {{\n{declared}}}\n\n\
         {host_interface}world {WORLD} {{\n{uses}{import}{exports}}}\n"
    )
}

/// The audit's names of the world's named types: their own, made unique (two interfaces may
/// each have a `point`).
struct Names {
    of: HashMap<TypeId, String>,
    order: Vec<(TypeId, String)>,
}

impl Names {
    fn of(resolve: &Resolve, types: &AuditTypes) -> Self {
        let mut names = Names {
            of: HashMap::new(),
            order: Vec::new(),
        };
        for t in &types.types {
            let Type::Id(id) = t.ty else { continue };
            let Some(name) = resolve.types[id].name.as_deref() else {
                continue;
            };
            let mut unique = name.to_string();
            let mut n = 2;
            while names.order.iter().any(|(_, taken)| *taken == unique) {
                unique = format!("{name}-{n}");
                n += 1;
            }
            names.of.insert(id, unique.clone());
            names.order.push((id, unique));
        }
        names
    }

    /// `ty` as the audit package writes it: named types by their audit names, aliases
    /// followed.
    fn expr(&self, resolve: &Resolve, ty: &Type) -> String {
        let ty = dealias(resolve, *ty);
        crate::wit::type_text(resolve, &ty, &|id| match &resolve.types[id].kind {
            TypeDefKind::Type(target) => Some(self.expr(resolve, target)),
            _ => self.of.get(&id).map(|name| escape(name)),
        })
    }

    /// The declaration of the named type `id` as `name`.
    fn declaration(&self, resolve: &Resolve, id: TypeId, name: &str) -> String {
        let list = |items: Vec<String>| items.join(", ");
        let name = escape(name);
        match &resolve.types[id].kind {
            TypeDefKind::Record(r) => format!(
                "    record {name} {{ {} }}\n",
                list(
                    r.fields
                        .iter()
                        .map(|f| format!("{}: {}", escape(&f.name), self.expr(resolve, &f.ty)))
                        .collect()
                )
            ),
            TypeDefKind::Variant(v) => format!(
                "    variant {name} {{ {} }}\n",
                list(
                    v.cases
                        .iter()
                        .map(|c| match &c.ty {
                            Some(t) => format!("{}({})", escape(&c.name), self.expr(resolve, t)),
                            None => escape(&c.name),
                        })
                        .collect()
                )
            ),
            TypeDefKind::Enum(e) => format!(
                "    enum {name} {{ {} }}\n",
                list(e.cases.iter().map(|c| escape(&c.name)).collect())
            ),
            TypeDefKind::Flags(f) => format!(
                "    flags {name} {{ {} }}\n",
                list(f.flags.iter().map(|c| escape(&c.name)).collect())
            ),
            // A named list, option, result or tuple (`type a = list<u8>` is followed as an
            // alias; these are named anonymous shapes wit-parser may keep).
            _ => format!("    type {name} = {};\n", self.expr_unnamed(resolve, id)),
        }
    }

    fn expr_unnamed(&self, resolve: &Resolve, id: TypeId) -> String {
        let mut inner = Names {
            of: self.of.clone(),
            order: Vec::new(),
        };
        inner.of.remove(&id);
        inner.expr(resolve, &Type::Id(id))
    }
}

/// A WIT identifier, with `%` before one that is a keyword.
pub fn escape(name: &str) -> String {
    const KEYWORDS: [&str; 45] = [
        "as",
        "async",
        "bool",
        "borrow",
        "char",
        "constructor",
        "enum",
        "error-context",
        "export",
        "f32",
        "f64",
        "flags",
        "from",
        "func",
        "future",
        "import",
        "include",
        "interface",
        "list",
        "option",
        "own",
        "package",
        "record",
        "resource",
        "result",
        "s16",
        "s32",
        "s64",
        "s8",
        "static",
        "stream",
        "string",
        "tuple",
        "type",
        "u16",
        "u32",
        "u64",
        "u8",
        "use",
        "variant",
        "with",
        "world",
        "_",
        "map",
        "include",
    ];
    match KEYWORDS.contains(&name) {
        true => format!("%{name}"),
        false => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_package_parses_and_keeps_the_names() {
        let mut resolve = Resolve::default();
        let user = resolve
            .push_str(
                "user.wit",
                "package t:a;\ninterface i {\n  record asset { name: string, %type: u32 }\n  \
                 variant shape { circle(f64), dot }\n  enum color { red, green }\n  \
                 flags perms { read, write }\n  \
                 f: func(a: asset, s: shape, c: color, p: perms) -> result<list<s8>, string>;\n}\n\
                 interface j {\n  record asset { n: u8 }\n  g: func(a: asset) -> tuple<u8, char>;\n}\n\
                 world w {\n  import i;\n  export j;\n}\n",
            )
            .unwrap();
        let worlds: Vec<_> = resolve.packages[user].worlds.values().copied().collect();
        let types = AuditTypes::collect(&resolve, &worlds);
        let text = super::package(&resolve, &types);
        assert!(
            text.contains("record asset { name: string, %type: u32 }"),
            "{text}"
        );
        assert!(text.contains("record asset-2 { n: u8 }"), "{text}");
        assert!(
            text.contains("variant shape { circle(f64), dot }"),
            "{text}"
        );
        let mut audit = Resolve::default();
        let parsed = audit.push_str("audit.wit", &text);
        assert!(parsed.is_ok(), "{text}\n{parsed:?}");
        let world = audit.select_world(&[parsed.unwrap()], Some(WORLD)).unwrap();
        let exports = audit.worlds[world].exports.len();
        assert_eq!(exports, 4 * types.types.len());
    }
}
