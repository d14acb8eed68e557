//! Placeholder WAVE values for the calls and answers a scaffolded fixture.toml starts with:
//! the zero or empty value of each WIT type (`0`, `""`, `[]`, `none`, `{}` for flags, a
//! record of placeholders, an enum's or variant's first case), so every generated
//! `[[call]]` and `[[import]]` type-checks before anyone has edited it. A resource handle has
//! no placeholder: it is written as the name a call binds it to, and reported, since such a
//! call only runs once a handle has been made.

use wit_parser::{Handle, Type, TypeDefKind, TypeId};

use super::world::{WitWorld, WorldFunction};

/// A placeholder value or call, and the resources whose handles it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The WAVE text.
    pub text: String,
    /// The resources (their definitions, aliases followed) a handle of which stands in the
    /// text; empty when the text runs as it is.
    pub handles: Vec<TypeId>,
}

/// The placeholder value of `ty`; a handle of resource `r` is written as `bound(r)`.
pub fn value(world: &WitWorld, ty: &Type, bound: &dyn Fn(TypeId) -> String) -> Placeholder {
    let mut handles = Vec::new();
    let text = write(world, ty, bound, &mut handles);
    Placeholder { text, handles }
}

/// The placeholder call of `function` as a `[[call]]` writes it: `word-count("")`,
/// `counter.new(0)`, `counter.add(counter, 0)` (a method's handle first).
pub fn call(
    world: &WitWorld,
    function: &WorldFunction<'_>,
    bound: &dyn Fn(TypeId) -> String,
) -> Placeholder {
    let mut handles = Vec::new();
    let mut args = Vec::new();
    if let (true, Some(resource)) = (function.is_method(), function.resource()) {
        let resource = world.dealias(resource);
        handles.push(resource);
        args.push(bound(resource));
    }
    for param in function.params() {
        args.push(write(world, &param.ty, bound, &mut handles));
    }
    Placeholder {
        text: format!("{}({})", function.call_name(), args.join(", ")),
        handles,
    }
}

/// A WAVE label (a case, a field) as WAVE writes it: a keyword (`none`, `ok`, `inf`, ...)
/// gets a `%` before it.
pub fn label(name: &str) -> String {
    const KEYWORDS: [&str; 8] = ["true", "false", "some", "none", "ok", "err", "inf", "nan"];
    if KEYWORDS.contains(&name) {
        format!("%{name}")
    } else {
        name.to_string()
    }
}

fn write(
    world: &WitWorld,
    ty: &Type,
    bound: &dyn Fn(TypeId) -> String,
    handles: &mut Vec<TypeId>,
) -> String {
    let id = match ty {
        Type::Bool => return "false".into(),
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => return "0".into(),
        Type::S8 | Type::S16 | Type::S32 | Type::S64 => return "0".into(),
        Type::F32 | Type::F64 => return "0.0".into(),
        Type::Char => return "'a'".into(),
        Type::String => return "\"\"".into(),
        // Refused before anything is written (see `check`); WAVE has no such value.
        Type::ErrorContext => return "error-context".into(),
        Type::Id(id) => *id,
    };
    let mut inner = |ty: &Type| write(world, ty, bound, handles);
    match &world.resolve.types[id].kind {
        TypeDefKind::Type(ty) => inner(ty),
        TypeDefKind::Record(record) => {
            let fields: Vec<String> = record
                .fields
                .iter()
                .map(|f| format!("{}: {}", label(&f.name), inner(&f.ty)))
                .collect();
            match fields.is_empty() {
                true => "{:}".into(),
                false => format!("{{{}}}", fields.join(", ")),
            }
        }
        TypeDefKind::Flags(_) => "{}".into(),
        TypeDefKind::Enum(e) => e.cases.first().map_or_else(String::new, |c| label(&c.name)),
        TypeDefKind::Variant(v) => match v.cases.first() {
            Some(case) => match &case.ty {
                Some(ty) => format!("{}({})", label(&case.name), inner(ty)),
                None => label(&case.name),
            },
            None => String::new(),
        },
        TypeDefKind::Tuple(t) => {
            let items: Vec<String> = t.types.iter().map(inner).collect();
            format!("({})", items.join(", "))
        }
        TypeDefKind::Option(_) => "none".into(),
        TypeDefKind::Result(r) => match &r.ok {
            Some(ty) => format!("ok({})", inner(ty)),
            None => "ok".into(),
        },
        TypeDefKind::List(_) | TypeDefKind::Map(..) => "[]".into(),
        TypeDefKind::FixedLengthList(ty, n) => {
            let items: Vec<String> = (0..*n).map(|_| inner(ty)).collect();
            format!("[{}]", items.join(", "))
        }
        TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
            let resource = world.dealias(*r);
            if !handles.contains(&resource) {
                handles.push(resource);
            }
            bound(resource)
        }
        TypeDefKind::Resource => {
            let resource = world.dealias(id);
            if !handles.contains(&resource) {
                handles.push(resource);
            }
            bound(resource)
        }
        TypeDefKind::Future(_) | TypeDefKind::Stream(_) | TypeDefKind::Unknown => {
            world.resolve.types[id].kind.as_str().to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::testing::{all_kinds, function};

    #[test]
    fn every_kind_of_type_has_a_placeholder_and_handles_are_named() {
        let (_dir, world) = all_kinds();
        let bound = |r: TypeId| world.resolve.types[r].name.clone().unwrap_or_default();
        let take = call(&world, &function(&world, "take"), &bound);
        assert_eq!(
            take.text,
            "take(0, 0, 0, 'a', \"\", false, 0.0, [], [], none, none, ok, ok(0), ok, ok(0), \
             (0, \"\"), (0), {x: 0, label: \"\"}, {level: 0, text: \"\"}, %none, circle(0.0), \
             {}, counter, counter, blob, blob)"
        );
        let names: Vec<String> = take.handles.iter().map(|r| bound(*r)).collect();
        assert_eq!(names, ["counter", "blob"]);
        // A method's handle comes first; a constructor or a static needs none.
        let add = call(&world, &function(&world, "counter.add"), &bound);
        assert_eq!(add.text, "counter.add(counter, 0)");
        assert_eq!(add.handles.len(), 1);
        for name in ["counter.new", "counter.make"] {
            let placeholder = call(&world, &function(&world, name), &bound);
            assert!(placeholder.handles.is_empty(), "{placeholder:?}");
        }
        let lookup = function(&world, "lookup");
        let answer = value(&world, lookup.function.result.as_ref().unwrap(), &bound);
        assert_eq!(answer.text, "ok({level: 0, text: \"\"})");
        assert_eq!(label("ok"), "%ok");
        assert_eq!(label("okay"), "okay");
    }
}
