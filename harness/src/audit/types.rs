//! The types an audit checks: every distinct value type a world uses, in parameters, results,
//! record fields, variant payloads, list elements and so on, each once, with the places of
//! the world that hold it. Resources, `async` types and the unstable ones are listed as not
//! audited, with the reason, and so is any type that holds one.

use std::collections::HashMap;

use wit_parser::{Function, Resolve, Type, TypeDefKind, TypeId, WorldId, WorldItem};

/// One type of the audit.
#[derive(Debug, Clone)]
pub struct AuditType {
    /// Its number: the `<n>` of `echo-<n>`, `show-<n>`, `relay-<n>`, `seen-<n>`.
    pub index: usize,
    /// The type, in the audited world's resolve (aliases followed).
    pub ty: Type,
    /// The type in WIT syntax, as the world names it: `u32`, `list<s8>`, `asset`.
    pub wit: String,
    /// The types it is made of (fields, payloads, elements), by number, in order.
    pub children: Vec<usize>,
    /// The places of the world that hold it: `export describe(text)`, `record asset.level`.
    pub touches: Vec<String>,
}

/// An item of the world the audit does not check, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAudited {
    /// The item: a type in WIT syntax, with where it is used.
    pub item: String,
    /// Why.
    pub reason: String,
}

/// What an audit checks of one or more worlds.
#[derive(Debug, Clone, Default)]
pub struct AuditTypes {
    /// The types, numbered in the order they were found (a type's parts before it).
    pub types: Vec<AuditType>,
    /// What is not checked.
    pub not_audited: Vec<NotAudited>,
}

impl AuditTypes {
    /// The types of `worlds` (of one resolve), each once.
    pub fn collect(resolve: &Resolve, worlds: &[WorldId]) -> Self {
        let mut collector = Collector {
            resolve,
            found: AuditTypes::default(),
            index: HashMap::new(),
        };
        for &world in worlds {
            let world = &resolve.worlds[world];
            let items = world
                .imports
                .iter()
                .map(|item| ("import", item))
                .chain(world.exports.iter().map(|item| ("export", item)));
            for (direction, (key, item)) in items {
                match item {
                    WorldItem::Function(function) => {
                        collector.function(direction, None, function);
                    }
                    WorldItem::Interface { id, .. } => {
                        let name = resolve.name_world_key(key);
                        if crate::wit::host_provided(&name) {
                            continue;
                        }
                        for function in resolve.interfaces[*id].functions.values() {
                            collector.function(direction, Some(&name), function);
                        }
                    }
                    WorldItem::Type { .. } => {}
                }
            }
        }
        collector.found
    }

    /// The type `ty` of `resolve` alone, with its parts: the parts first, `ty` last.
    pub fn of_type(resolve: &Resolve, ty: &Type) -> Self {
        let mut collector = Collector {
            resolve,
            found: AuditTypes::default(),
            index: HashMap::new(),
        };
        collector.visit(ty, "the reproducer");
        collector.found
    }

    /// The places of the world that hold type `n`: its own, then those of every type that
    /// holds it (a function taking `option<option<u32>>` holds a `u32`), the places inside
    /// a type (`in list<u32>`) left out.
    pub fn holders(&self, n: usize) -> Vec<String> {
        let mut holding = vec![n];
        let mut i = 0;
        while let Some(&m) = holding.get(i) {
            for t in &self.types {
                if t.children.contains(&m) && !holding.contains(&t.index) {
                    holding.push(t.index);
                }
            }
            i += 1;
        }
        let mut places: Vec<String> = Vec::new();
        for m in holding {
            for place in &self.types[m].touches {
                if !place.starts_with("in ") && !place.contains(">.") && !places.contains(place) {
                    places.push(place.clone());
                }
            }
        }
        places
    }

    /// The type numbered `index`.
    pub fn get(&self, index: usize) -> Option<&AuditType> {
        self.types.get(index)
    }
}

struct Collector<'a> {
    resolve: &'a Resolve,
    found: AuditTypes,
    /// Each type's key (its identity) and number.
    index: HashMap<String, usize>,
}

impl Collector<'_> {
    fn function(&mut self, direction: &str, interface: Option<&str>, function: &Function) {
        let name = match interface {
            Some(interface) => format!("{interface}#{}", crate::wit::call_name(&function.name)),
            None => crate::wit::call_name(&function.name),
        };
        if function.kind.is_async() {
            self.not(
                format!("{direction} {name}"),
                "an `async` function: the audit calls functions synchronously",
            );
            return;
        }
        for param in &function.params {
            if param.name == "self" && function.kind.resource().is_some() {
                continue;
            }
            let place = format!("{direction} {name}({})", param.name);
            self.visit(&param.ty, &place);
        }
        if let Some(result) = &function.result {
            self.visit(result, &format!("{direction} {name} result"));
        }
    }

    fn not(&mut self, item: String, reason: &str) {
        let entry = NotAudited {
            item,
            reason: reason.to_string(),
        };
        if !self.found.not_audited.contains(&entry) {
            self.found.not_audited.push(entry);
        }
    }

    /// Numbers `ty` (and its parts) if it can be audited; returns its number.
    fn visit(&mut self, ty: &Type, place: &str) -> Option<usize> {
        let ty = dealias(self.resolve, *ty);
        if let Some(reason) = self.unaudited(&ty) {
            let wit = wit_type(self.resolve, &ty);
            self.not(format!("{wit} (at {place})"), reason);
            // Its parts that can be audited still are.
            for (part, part_place) in self.parts(&ty, &wit) {
                self.visit(&part, &part_place);
            }
            return None;
        }
        let key = self.key(&ty);
        if let Some(&index) = self.index.get(&key) {
            let touches = &mut self.found.types[index].touches;
            if !touches.iter().any(|t| t == place) {
                touches.push(place.to_string());
            }
            return Some(index);
        }
        let wit = wit_type(self.resolve, &ty);
        let mut children = Vec::new();
        for (part, part_place) in self.parts(&ty, &wit) {
            if let Some(child) = self.visit(&part, &part_place) {
                children.push(child);
            }
        }
        let index = self.found.types.len();
        self.index.insert(key, index);
        self.found.types.push(AuditType {
            index,
            ty,
            wit,
            children,
            touches: vec![place.to_string()],
        });
        Some(index)
    }

    /// The parts of `ty` with the place each is at.
    fn parts(&self, ty: &Type, wit: &str) -> Vec<(Type, String)> {
        let Type::Id(id) = ty else {
            return Vec::new();
        };
        let typedef = &self.resolve.types[*id];
        let name = typedef.name.as_deref().unwrap_or(wit);
        match &typedef.kind {
            TypeDefKind::Record(record) => record
                .fields
                .iter()
                .map(|f| (f.ty, format!("record {name}.{}", f.name)))
                .collect(),
            TypeDefKind::Variant(variant) => variant
                .cases
                .iter()
                .filter_map(|c| c.ty.map(|t| (t, format!("variant {name}.{}", c.name))))
                .collect(),
            TypeDefKind::Tuple(tuple) => tuple
                .types
                .iter()
                .enumerate()
                .map(|(i, t)| (*t, format!("{wit}.{i}")))
                .collect(),
            TypeDefKind::List(t) | TypeDefKind::Option(t) => vec![(*t, format!("in {wit}"))],
            TypeDefKind::Result(r) => {
                r.ok.iter()
                    .chain(r.err.iter())
                    .map(|t| (*t, format!("in {wit}")))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Why `ty` cannot be audited, if it cannot: it is or holds a resource, an async type or
    /// an unstable one.
    fn unaudited(&self, ty: &Type) -> Option<&'static str> {
        let Type::Id(id) = ty else {
            return (*ty == Type::ErrorContext)
                .then_some("`error-context` belongs to async, which the audit does not call");
        };
        let typedef = &self.resolve.types[*id];
        let own = match &typedef.kind {
            TypeDefKind::Resource | TypeDefKind::Handle(_) => Some(
                "a resource handle: an echo cannot make one, and the resource's own functions \
                 are the fixture's to call",
            ),
            TypeDefKind::Future(_) | TypeDefKind::Stream(_) => {
                Some("an `async` type (future or stream), which the audit does not call")
            }
            TypeDefKind::Map(..) | TypeDefKind::FixedLengthList(..) => {
                Some("an unstable type (map or fixed-length list) the toolchains do not all build")
            }
            TypeDefKind::Unknown => Some("a type wit-parser could not resolve"),
            _ => None,
        };
        if own.is_some() {
            return own;
        }
        let parts: Vec<Type> = self.parts(ty, "").into_iter().map(|(t, _)| t).collect();
        parts
            .iter()
            .find_map(|t| self.unaudited(&dealias(self.resolve, *t)))
            .map(|_| "it holds a type the audit does not check (a resource, an async or an unstable type)")
    }

    fn key(&self, ty: &Type) -> String {
        type_key(self.resolve, ty)
    }
}

/// A key that is equal for the same type of `resolve`: a named type's identity, else its
/// structure (aliases followed).
pub fn type_key(resolve: &Resolve, ty: &Type) -> String {
    let ty = dealias(resolve, *ty);
    Keyer { resolve }.key(&ty)
}

struct Keyer<'a> {
    resolve: &'a Resolve,
}

impl Keyer<'_> {
    fn key(&self, ty: &Type) -> String {
        match ty {
            Type::Id(id) if self.resolve.types[*id].name.is_some() => format!("#{}", id.index()),
            Type::Id(id) => {
                let typedef = &self.resolve.types[*id];
                let part = |t: &Type| self.key(&dealias(self.resolve, *t));
                let optional = |t: &Option<Type>| t.as_ref().map_or_else(|| "_".into(), part);
                match &typedef.kind {
                    TypeDefKind::List(t) => format!("list<{}>", part(t)),
                    TypeDefKind::Option(t) => format!("option<{}>", part(t)),
                    TypeDefKind::Result(r) => {
                        format!("result<{},{}>", optional(&r.ok), optional(&r.err))
                    }
                    TypeDefKind::Tuple(t) => format!(
                        "tuple<{}>",
                        t.types.iter().map(part).collect::<Vec<_>>().join(",")
                    ),
                    _ => format!("#{}", id.index()),
                }
            }
            other => wit_type(self.resolve, other),
        }
    }
}

/// `ty` with type aliases (`type a = b`) followed to what they name.
pub fn dealias(resolve: &Resolve, ty: Type) -> Type {
    let mut ty = ty;
    while let Type::Id(id) = ty {
        match resolve.types[id].kind {
            TypeDefKind::Type(inner) => ty = inner,
            _ => break,
        }
    }
    ty
}

/// `ty` in WIT syntax: a named type by its name, an anonymous one spelt out.
pub fn wit_type(resolve: &Resolve, ty: &Type) -> String {
    crate::wit::type_text(resolve, ty, &|_| None)
}

/// The id of a named type `ty`, if it is one.
pub fn named(resolve: &Resolve, ty: &Type) -> Option<TypeId> {
    match ty {
        Type::Id(id) if resolve.types[*id].name.is_some() => Some(*id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(wit: &str) -> AuditTypes {
        let mut resolve = Resolve::default();
        let package = resolve.push_str("audit-test.wit", wit).unwrap();
        let worlds: Vec<WorldId> = resolve.packages[package].worlds.values().copied().collect();
        AuditTypes::collect(&resolve, &worlds)
    }

    #[test]
    fn each_type_is_found_once_after_its_parts_with_its_places() {
        let found = collect(
            "package t:a;\ninterface i {\n  record asset { name: string, level: u32 }\n  \
             type level = u32;\n  describe: func(a: asset, l: level) -> list<asset>;\n}\n\
             world w {\n  import i;\n  export pick: func(xs: list<u32>) -> option<u32>;\n}\n",
        );
        let wits: Vec<&str> = found.types.iter().map(|t| t.wit.as_str()).collect();
        assert_eq!(
            wits,
            [
                "string",
                "u32",
                "asset",
                "list<asset>",
                "list<u32>",
                "option<u32>"
            ]
        );
        let asset = &found.types[2];
        assert_eq!(asset.children, [0, 1]);
        let u32 = &found.types[1];
        assert!(
            u32.touches.contains(&"record asset.level".to_string())
                && u32
                    .touches
                    .contains(&"import t:a/i#describe(l)".to_string())
                && u32.touches.contains(&"in list<u32>".to_string()),
            "{:?}",
            u32.touches
        );
        assert!(found.not_audited.is_empty());
    }

    #[test]
    fn resources_async_and_what_holds_them_are_not_audited() {
        let found = collect(
            "package t:b;\ninterface i {\n  resource blob;\n  record r { b: blob, n: u8 }\n  \
             take: func(x: r, s: stream<u8>);\n}\nworld w {\n  import i;\n}\n",
        );
        // The record's plain field is audited on its own.
        let wits: Vec<&str> = found.types.iter().map(|t| t.wit.as_str()).collect();
        assert_eq!(wits, ["u8"], "{:?}", found.types);
        let items: Vec<&str> = found.not_audited.iter().map(|n| n.item.as_str()).collect();
        assert_eq!(
            items,
            [
                "r (at import t:b/i#take(x))",
                "blob (at record r.b)",
                "stream<u8> (at import t:b/i#take(s))"
            ]
        );
    }
}
