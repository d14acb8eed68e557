//! Random worlds (`witness audit --random N --seed S`): N WIT packages drawn from a seed, each
//! an exported interface of named types (records, variants, enums, flags of at most 32
//! members, each using only those before it) and functions whose parameters and results are
//! drawn from the primitives, those named types, and lists, options, results and tuples of
//! them, three levels deep at most: what all three toolchains can build.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;

use super::run::{AuditError, AuditedWit};
use crate::generate;

const PRIMITIVES: [&str; 13] = [
    "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char", "string",
];

/// A type expression of a random world.
#[derive(Debug, Clone)]
enum Shape {
    Prim(&'static str),
    Named(usize),
    List(Box<Shape>),
    Option(Box<Shape>),
    Result(Option<Box<Shape>>, Option<Box<Shape>>),
    Tuple(Vec<Shape>),
}

impl Shape {
    fn wit(&self) -> String {
        match self {
            Shape::Prim(p) => p.to_string(),
            Shape::Named(i) => format!("t{i}"),
            Shape::List(t) => format!("list<{}>", t.wit()),
            Shape::Option(t) => format!("option<{}>", t.wit()),
            Shape::Result(None, None) => "result".into(),
            Shape::Result(Some(ok), None) => format!("result<{}>", ok.wit()),
            Shape::Result(None, Some(err)) => format!("result<_, {}>", err.wit()),
            Shape::Result(Some(ok), Some(err)) => format!("result<{}, {}>", ok.wit(), err.wit()),
            Shape::Tuple(parts) => format!(
                "tuple<{}>",
                parts.iter().map(Shape::wit).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// A named type of a random world.
#[derive(Debug, Clone)]
enum Named {
    Record(Vec<Shape>),
    Variant(Vec<Option<Shape>>),
    Enum(usize),
    Flags(usize),
}

/// Type expressions that may name the named types before `named`.
fn shape(named: usize) -> BoxedStrategy<Shape> {
    let prims = select(PRIMITIVES.to_vec()).prop_map(Shape::Prim);
    let leaf = match named {
        0 => prims.boxed(),
        _ => prop_oneof![4 => prims, 1 => (0..named).prop_map(Shape::Named)].boxed(),
    };
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Shape::List(Box::new(t))),
            inner.clone().prop_map(|t| Shape::Option(Box::new(t))),
            (option::of(inner.clone()), option::of(inner.clone()))
                .prop_map(|(ok, err)| Shape::Result(ok.map(Box::new), err.map(Box::new))),
            vec(inner, 1..4).prop_map(Shape::Tuple),
        ]
    })
    .boxed()
}

fn named(index: usize) -> BoxedStrategy<Named> {
    prop_oneof![
        vec(shape(index), 1..5).prop_map(Named::Record),
        vec(option::of(shape(index)), 1..6).prop_map(Named::Variant),
        (1usize..8).prop_map(Named::Enum),
        (1usize..=32).prop_map(Named::Flags),
    ]
    .boxed()
}

/// The shape of one world: its named types and its functions (parameters, result).
type WorldShape = (Vec<Named>, Vec<(Vec<Shape>, Option<Shape>)>);

fn world() -> impl Strategy<Value = WorldShape> {
    (0usize..4).prop_flat_map(|count| {
        let types: Vec<BoxedStrategy<Named>> = (0..count).map(named).collect();
        let functions = vec((vec(shape(count), 0..3), option::of(shape(count))), 1..4);
        (types, functions)
    })
}

/// One random world: its number (1-based) and its WIT.
#[derive(Debug, Clone)]
pub struct RandomWorld {
    /// Its number among the worlds drawn.
    pub number: u32,
    /// The WIT text.
    pub text: String,
}

impl RandomWorld {
    /// The world read as an audit reads a WIT.
    pub fn load(&self) -> Result<AuditedWit, AuditError> {
        AuditedWit::from_text(&format!("random-world-{}.wit", self.number), &self.text)
    }
}

/// `count` random worlds from `seed`: the same worlds for the same seed, on every machine.
pub fn worlds(count: u32, seed: u64) -> Vec<RandomWorld> {
    let mut runner = generate::runner(seed, "audit:random-worlds");
    let strategy = world();
    let mut found = Vec::new();
    for number in 1..=count {
        let Ok(tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        found.push(RandomWorld {
            number,
            text: text(number, &tree.current()),
        });
    }
    found
}

fn text(number: u32, (types, functions): &WorldShape) -> String {
    let mut out = format!(
        "// A random world of `witness audit --random`.\npackage witness:random-w{number}@0.1.0;\n\n\
         interface api {{\n"
    );
    for (i, ty) in types.iter().enumerate() {
        let line = match ty {
            Named::Record(fields) => format!(
                "    record t{i} {{ {} }}\n",
                fields
                    .iter()
                    .enumerate()
                    .map(|(f, s)| format!("f{f}: {}", s.wit()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Named::Variant(cases) => format!(
                "    variant t{i} {{ {} }}\n",
                cases
                    .iter()
                    .enumerate()
                    .map(|(c, s)| match s {
                        Some(s) => format!("c{c}({})", s.wit()),
                        None => format!("c{c}"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Named::Enum(n) => format!(
                "    enum t{i} {{ {} }}\n",
                (0..*n)
                    .map(|c| format!("e{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Named::Flags(n) => format!(
                "    flags t{i} {{ {} }}\n",
                (0..*n)
                    .map(|c| format!("g{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push_str(&line);
    }
    for (f, (params, result)) in functions.iter().enumerate() {
        let params: Vec<String> = params
            .iter()
            .enumerate()
            .map(|(p, s)| format!("p{p}: {}", s.wit()))
            .collect();
        let result = result
            .as_ref()
            .map(|r| format!(" -> {}", r.wit()))
            .unwrap_or_default();
        out.push_str(&format!("    f{f}: func({}){result};\n", params.join(", ")));
    }
    out.push_str("}\n\nworld w {\n    export api;\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_worlds_parse_and_are_the_same_for_a_seed() {
        let first = worlds(25, 7);
        assert_eq!(first.len(), 25);
        for world in &first {
            let loaded = world.load();
            assert!(loaded.is_ok(), "{}\n{:?}", world.text, loaded.err());
        }
        let again = worlds(25, 7);
        assert!(first.iter().zip(&again).all(|(a, b)| a.text == b.text));
        assert_ne!(worlds(1, 8)[0].text, first[0].text);
    }
}
