//! Generated component values: a proptest strategy for every WIT value type, with the edge
//! values where toolchains go wrong weighted in (0, ±1, the type's min and max, 2^31, 2^32−1,
//! 2^63, NaN, ±inf, −0.0, subnormals, `'\u{10ffff}'`, empty and long strings and lists).
//!
//! Inputs come from a seed: the same seed and function give the same inputs in every
//! language and on every machine (proptest's ChaCha generator), so a failure can be replayed
//! and every language of an `[[agree]]` sees the same arguments. Integers shrink by binary
//! search toward zero, lists by dropping and shrinking elements, so a failure is reported
//! with a small input.

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, NewTree, Union, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use wasmtime::component::types::ComponentFunc;
use wasmtime::component::{Type, Val};
use witness_host::cache::hash::Fingerprint;

/// A type values cannot be generated for (a resource handle, a stream, a future).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("values of type {0} cannot be generated")]
pub struct Ungeneratable(pub String);

/// The generator of one function's inputs: `seed` mixed with the function's qualified name,
/// so that two functions of a fixture get different inputs from one seed.
pub fn runner(seed: u64, function: &str) -> TestRunner {
    let digest = Fingerprint::new()
        .text("seed", &seed.to_string())
        .text("function", function)
        .finish();
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&digest[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect();
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// The strategy for the arguments of a function of type `func`, one value per parameter.
pub fn arguments(func: &ComponentFunc) -> Result<BoxedStrategy<Vec<Val>>, Ungeneratable> {
    let params = func
        .params()
        .map(|(_, ty)| value(&ty))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(params.boxed())
}

/// The strategy for values of `ty`.
pub fn value(ty: &Type) -> Result<BoxedStrategy<Val>, Ungeneratable> {
    Ok(match ty {
        Type::Bool => any::<bool>().prop_map(Val::Bool).boxed(),
        Type::S8
        | Type::U8
        | Type::S16
        | Type::U16
        | Type::S32
        | Type::U32
        | Type::S64
        | Type::U64 => Integer::of(ty).boxed(),
        Type::Float32 => prop_oneof![
            3 => any::<f32>(),
            1 => proptest::sample::select(FLOAT32_EDGES.to_vec()),
        ]
        .prop_map(Val::Float32)
        .boxed(),
        Type::Float64 => prop_oneof![
            3 => any::<f64>(),
            1 => proptest::sample::select(FLOAT64_EDGES.to_vec()),
        ]
        .prop_map(Val::Float64)
        .boxed(),
        Type::Char => chars().prop_map(Val::Char).boxed(),
        // Long ones are drawn from 0..1024 chars rather than from 256 up, so that a failing
        // long string can shrink to a short one.
        Type::String => prop_oneof![
            6 => proptest::collection::vec(chars(), 0..12),
            1 => Just(Vec::new()),
            1 => proptest::collection::vec(chars(), 0..1024),
        ]
        .prop_map(|chars| Val::String(chars.into_iter().collect()))
        .boxed(),
        Type::List(list) => {
            let element = list.ty();
            let inner = value(&element)?;
            let lists = if is_scalar(&element) {
                prop_oneof![
                    6 => proptest::collection::vec(inner.clone(), 0..8),
                    1 => proptest::collection::vec(inner, 0..=256),
                ]
                .boxed()
            } else {
                proptest::collection::vec(inner, 0..5).boxed()
            };
            lists.prop_map(Val::List).boxed()
        }
        Type::Record(record) => {
            let names: Vec<String> = record.fields().map(|f| f.name.to_string()).collect();
            let fields = record
                .fields()
                .map(|f| value(&f.ty))
                .collect::<Result<Vec<_>, _>>()?;
            fields
                .prop_map(move |values| Val::Record(names.iter().cloned().zip(values).collect()))
                .boxed()
        }
        Type::Tuple(tuple) => tuple
            .types()
            .map(|t| value(&t))
            .collect::<Result<Vec<_>, _>>()?
            .prop_map(Val::Tuple)
            .boxed(),
        Type::Variant(variant) => {
            let cases = variant
                .cases()
                .map(|case| {
                    let name = case.name.to_string();
                    Ok(match case.ty {
                        Some(ty) => value(&ty)?
                            .prop_map(move |v| Val::Variant(name.clone(), Some(Box::new(v))))
                            .boxed(),
                        None => Just(Val::Variant(name, None)).boxed(),
                    })
                })
                .collect::<Result<Vec<_>, Ungeneratable>>()?;
            Union::new(cases).boxed()
        }
        Type::Enum(names) => {
            let names: Vec<String> = names.names().map(str::to_string).collect();
            proptest::sample::select(names).prop_map(Val::Enum).boxed()
        }
        Type::Flags(flags) => {
            let names: Vec<String> = flags.names().map(str::to_string).collect();
            let count = names.len();
            proptest::collection::vec(any::<bool>(), count..=count)
                .prop_map(move |set| {
                    let members = names.iter().zip(set).filter(|(_, on)| *on);
                    Val::Flags(members.map(|(name, _)| name.clone()).collect())
                })
                .boxed()
        }
        Type::Option(option) => proptest::option::of(value(&option.ty())?)
            .prop_map(|v| Val::Option(v.map(Box::new)))
            .boxed(),
        Type::Result(result) => {
            let payload = |ty: Option<Type>| -> Result<BoxedStrategy<Option<Box<Val>>>, _> {
                Ok(match ty {
                    Some(ty) => value(&ty)?.prop_map(|v| Some(Box::new(v))).boxed(),
                    None => Just(None).boxed(),
                })
            };
            let ok = payload(result.ok())?.prop_map(|v| Val::Result(Ok(v)));
            let err = payload(result.err())?.prop_map(|v| Val::Result(Err(v)));
            prop_oneof![ok, err].boxed()
        }
        other => return Err(Ungeneratable(witness_host::type_name(other))),
    })
}

/// Whether `ty` is a number, a bool or a char: lists of these are also tried long.
fn is_scalar(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Bool
            | Type::S8
            | Type::U8
            | Type::S16
            | Type::U16
            | Type::S32
            | Type::U32
            | Type::S64
            | Type::U64
            | Type::Float32
            | Type::Float64
            | Type::Char
    )
}

/// Floats where encodings go wrong: zeros of both signs, ±1, NaN, infinities, the smallest
/// normal and subnormal numbers, the extremes.
const FLOAT32_EDGES: [f32; 12] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    f32::NAN,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::MIN_POSITIVE,
    1.0e-45, // the smallest subnormal
    -1.0e-45,
    f32::MAX,
    f32::MIN,
];

/// See [`FLOAT32_EDGES`].
const FLOAT64_EDGES: [f64; 12] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MIN_POSITIVE,
    5.0e-324, // the smallest subnormal
    -5.0e-324,
    f64::MAX,
    f64::MIN,
];

/// Chars where UTF-8 and UTF-16 encodings change length or meet the surrogate gap, and the
/// byte-order mark a text decoder may drop.
const CHAR_EDGES: [char; 14] = [
    '\u{feff}',
    '\0',
    'a',
    '\u{7f}',
    '\u{80}',
    'é',
    '\u{7ff}',
    '\u{800}',
    '\u{d7ff}',
    '\u{e000}',
    '\u{fffd}',
    '\u{ffff}',
    '\u{10000}',
    '\u{10ffff}',
];

fn chars() -> BoxedStrategy<char> {
    prop_oneof![
        3 => any::<char>(),
        1 => proptest::sample::select(CHAR_EDGES.to_vec()),
    ]
    .boxed()
}

/// An integer type's values: uniform over its range, or (one time in four) one of its edge
/// values; shrinking is a binary search toward zero, which every integer type holds.
#[derive(Debug, Clone)]
struct Integer {
    ty: Type,
    min: i128,
    max: i128,
    /// [`Integer::edges_of`] the range, once.
    edges: std::sync::Arc<[i128]>,
}

impl Integer {
    fn of(ty: &Type) -> Self {
        let (min, max) = match ty {
            Type::S8 => (i8::MIN.into(), i8::MAX.into()),
            Type::U8 => (0, u8::MAX.into()),
            Type::S16 => (i16::MIN.into(), i16::MAX.into()),
            Type::U16 => (0, u16::MAX.into()),
            Type::S32 => (i32::MIN.into(), i32::MAX.into()),
            Type::U32 => (0, u32::MAX.into()),
            Type::S64 => (i64::MIN.into(), i64::MAX.into()),
            _ => (0, u64::MAX.into()),
        };
        Integer {
            ty: ty.clone(),
            min,
            max,
            edges: Self::edges_of(min, max).into(),
        }
    }

    /// 0, ±1, min, max, min + 1, max − 1, and the powers of two where sign bits and
    /// double-precision integers end (2^7, 2^15, 2^31, 2^32, 2^53, 2^63 and one below each,
    /// with their negatives), those within `min..=max`, each once, so that each is drawn as
    /// often as the others.
    fn edges_of(min: i128, max: i128) -> Vec<i128> {
        let mut edges = vec![0, 1, -1, min, max, min + 1, max - 1];
        for bits in [7, 8, 15, 16, 31, 32, 53, 63] {
            let power: i128 = 1 << bits;
            edges.extend([power, power - 1, -power, -power + 1]);
        }
        edges.retain(|v| (min..=max).contains(v));
        edges.sort_unstable();
        edges.dedup();
        edges
    }

    fn val(&self, v: i128) -> Val {
        // `v` is within the type's range: the binary search moves toward zero only.
        match self.ty {
            Type::S8 => Val::S8(v as i8),
            Type::U8 => Val::U8(v as u8),
            Type::S16 => Val::S16(v as i16),
            Type::U16 => Val::U16(v as u16),
            Type::S32 => Val::S32(v as i32),
            Type::U32 => Val::U32(v as u32),
            Type::S64 => Val::S64(v as i64),
            _ => Val::U64(v as u64),
        }
    }
}

impl Strategy for Integer {
    type Tree = IntegerTree;
    type Value = Val;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        let rng = runner.rng();
        let start = if rng.random_ratio(1, 4) {
            self.edges[rng.random_range(0..self.edges.len())]
        } else {
            rng.random_range(self.min..=self.max)
        };
        Ok(IntegerTree {
            integer: self.clone(),
            search: proptest::num::i128::BinarySearch::new(start),
        })
    }
}

/// The value tree of [`Integer`].
struct IntegerTree {
    integer: Integer,
    search: proptest::num::i128::BinarySearch,
}

impl ValueTree for IntegerTree {
    type Value = Val;

    fn current(&self) -> Val {
        self.integer.val(self.search.current())
    }

    fn simplify(&mut self) -> bool {
        self.search.simplify()
    }

    fn complicate(&mut self) -> bool {
        self.search.complicate()
    }
}

/// The smallest failing input a shrink found, what it did, and how many inputs were tried.
pub struct Shrunk<V, O> {
    /// The input.
    pub value: V,
    /// Its outcome.
    pub outcome: O,
    /// How many simpler inputs were tried.
    pub steps: usize,
}

/// Shrinks a failing input: `tree` holds it (`first`, whose outcome is `outcome`), and
/// `fails` tries a candidate, giving its outcome where it fails too. Each failing candidate
/// is simplified further, each passing one is stepped back toward the last failure, as
/// proptest's runner does; at most `max_steps` candidates are tried.
pub fn shrink<V: std::fmt::Debug, O, E>(
    tree: &mut dyn ValueTree<Value = V>,
    first: V,
    outcome: O,
    max_steps: usize,
    mut fails: impl FnMut(&V) -> Result<Option<O>, E>,
) -> Result<Shrunk<V, O>, E> {
    let mut best = Shrunk {
        value: first,
        outcome,
        steps: 0,
    };
    if !tree.simplify() {
        return Ok(best);
    }
    while best.steps < max_steps {
        best.steps += 1;
        let candidate = tree.current();
        match fails(&candidate)? {
            Some(outcome) => {
                best.value = candidate;
                best.outcome = outcome;
                if !tree.simplify() {
                    break;
                }
            }
            None if !tree.complicate() => break,
            None => {}
        }
    }
    Ok(best)
}

/// The WAVE text of the call `name(args…)`, as `witness call` and `[[call]]` take it.
pub fn call_text(name: &str, args: &[Val]) -> String {
    let args: Vec<String> = args.iter().map(witness_host::value::to_wave).collect();
    format!("{name}({})", args.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(ty: &Type, seed: u64, n: usize) -> Vec<String> {
        let strategy = value(ty).unwrap();
        let mut runner = runner(seed, "f");
        (0..n)
            .map(|_| {
                let v = strategy.new_tree(&mut runner).unwrap().current();
                witness_host::value::to_wave(&v)
            })
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_inputs_and_another_seed_others() {
        for ty in [Type::U32, Type::String, Type::Float64, Type::Char] {
            assert_eq!(draw(&ty, 7, 64), draw(&ty, 7, 64), "{ty:?}");
            assert_ne!(draw(&ty, 7, 64), draw(&ty, 8, 64), "{ty:?}");
        }
    }

    #[test]
    fn integers_cover_their_edges_and_stay_in_range() {
        let u32s = draw(&Type::U32, 1, 512);
        for edge in ["0", "2147483648", "4294967295"] {
            assert!(u32s.iter().any(|v| v == edge), "{edge} never drawn");
        }
        let s8s: Vec<i64> = draw(&Type::S8, 1, 512)
            .iter()
            .map(|v| v.parse().unwrap())
            .collect();
        assert!(s8s.contains(&-128) && s8s.contains(&127) && s8s.contains(&-1));
        assert!(s8s.iter().all(|v| (-128..=127).contains(v)));
    }

    #[test]
    fn each_edge_of_an_integer_type_is_listed_once() {
        let u8s = Integer::of(&Type::U8).edges;
        assert_eq!(*u8s, [0, 1, 127, 128, 254, 255]);
        let s8s = Integer::of(&Type::S8).edges;
        assert_eq!(*s8s, [-128, -127, -1, 0, 1, 126, 127]);
    }

    #[test]
    fn floats_and_chars_cover_their_edges() {
        let floats = draw(&Type::Float32, 2, 512);
        for edge in ["nan", "inf", "-inf", "-0"] {
            assert!(
                floats
                    .iter()
                    .any(|v| v == edge || v == &format!("{edge}.0")),
                "{edge} never drawn: {floats:?}"
            );
        }
        let chars = draw(&Type::Char, 2, 512);
        assert!(chars.iter().any(|c| c == r"'\u{10ffff}'"), "{chars:?}");
    }

    #[test]
    fn a_failing_integer_shrinks_to_the_smallest_failure() {
        let strategy = value(&Type::U32).unwrap();
        let mut runner = runner(3, "f");
        let fails = |v: &Val| -> Result<Option<()>, ()> {
            Ok(matches!(v, Val::U32(x) if *x >= 1000).then_some(()))
        };
        let mut tree = loop {
            let tree = strategy.new_tree(&mut runner).unwrap();
            if fails(&tree.current()).unwrap().is_some() {
                break tree;
            }
        };
        let first = tree.current();
        let shrunk = shrink(&mut tree, first, (), 10_000, fails).unwrap();
        assert_eq!(shrunk.value, Val::U32(1000));
        assert!(shrunk.steps > 0);
    }
}
