//! Hazards and their causes. A hazard is a value that does not come back equal, that the
//! guest sees differently from what was sent, or a trap, on one of four paths; which path it
//! is ([`Direction`]) is told from the four probes of the same value: what `show` sees is the
//! export's argument, what `seen` sees the import's result, what the host receives from
//! `relay` the import's argument, and `echo` adds the export's result. Each hazard is shrunk
//! in value (as roundtrips are) and in type (a record retried field by field, a list or an
//! option by its elements, …), and hazards with the same language, smallest type, direction
//! and kind are one cause.

use std::fmt;

use proptest::strategy::ValueTree;
use wasmtime::component::{Type, Val};
use witness_host::value::to_wave;

use super::probe::{Probed, Prober, Relayed};
use crate::generate;
use crate::language::Language;

/// The most simpler inputs one hazard tries while shrinking.
pub const SHRINK_STEPS: usize = 1024;

/// The path of a value on which it went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// Host → guest, as an export's argument: `show` sees it wrong.
    ExportArgument,
    /// Guest → host, as an export's result: `echo` returns it wrong, `show` sees it right.
    ExportResult,
    /// Guest → host, as an import's argument: the host receives it wrong from `relay`.
    ImportArgument,
    /// Host → guest, as an import's result: `seen` sees it wrong.
    ImportResult,
    /// Through `echo`, where the probes cannot tell the path.
    Roundtrip,
    /// Through `relay` and back, where the probes cannot tell the path.
    Relay,
}

impl Direction {
    /// The name in reports: `export-argument`, …
    pub fn name(self) -> &'static str {
        match self {
            Direction::ExportArgument => "export-argument",
            Direction::ExportResult => "export-result",
            Direction::ImportArgument => "import-argument",
            Direction::ImportResult => "import-result",
            Direction::Roundtrip => "roundtrip",
            Direction::Relay => "relay",
        }
    }

    /// The direction named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Direction::ExportArgument,
            Direction::ExportResult,
            Direction::ImportArgument,
            Direction::ImportResult,
            Direction::Roundtrip,
            Direction::Relay,
        ]
        .into_iter()
        .find(|d| d.name() == name)
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How it went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Another value came back.
    WrongValue,
    /// The guest saw another value than was sent.
    SeenWrong,
    /// The call trapped.
    Trap,
}

impl Kind {
    /// The name in reports: `wrong-value`, `seen-wrong`, `trap`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::WrongValue => "wrong-value",
            Kind::SeenWrong => "seen-wrong",
            Kind::Trap => "trap",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [Kind::WrongValue, Kind::SeenWrong, Kind::Trap]
            .into_iter()
            .find(|k| k.name() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One value that went wrong on one path.
#[derive(Debug, Clone)]
pub struct Hazard {
    /// The language.
    pub language: Language,
    /// The type's number.
    pub n: usize,
    /// The path.
    pub direction: Direction,
    /// How.
    pub kind: Kind,
    /// The value sent.
    pub input: Val,
    /// What came back or was seen (WAVE or canonical text), or the trap's kind.
    pub got: String,
}

/// The four probes of one value.
pub struct Probes {
    /// `echo`.
    pub echo: Probed,
    /// `show`.
    pub show: Probed,
    /// `relay`.
    pub relay: Relayed,
    /// `seen`.
    pub seen: Probed,
}

/// The hazards the four probes of one value show, each on the path they tell. What a
/// wrong argument explains is not counted again: a wrong `echo` or a wrong import argument
/// of a value `show` already saw wrong. A trap is never explained so: a guest that saw a
/// value wrong and then traps returning it, or passing it on, is reported on the path it
/// can be told apart on, else as `roundtrip` or `relay`.
pub fn classify(probes: &Probes) -> Vec<(Direction, Kind, String)> {
    let mut found = Vec::new();
    let of = |probed: &Probed, wrong: Kind| match probed {
        Probed::Right => None,
        Probed::Wrong(got) => Some((wrong, got.clone())),
        Probed::Trapped(kind) => Some((Kind::Trap, format!("trap: {kind}"))),
    };
    let argument_right = probes.show.right();
    if let Some((kind, got)) = of(&probes.show, Kind::SeenWrong) {
        found.push((Direction::ExportArgument, kind, got));
    }
    if let Some((kind, got)) = of(&probes.seen, Kind::SeenWrong) {
        found.push((Direction::ImportResult, kind, got));
    }
    match (of(&probes.relay.argument, Kind::WrongValue), argument_right) {
        (Some((kind, got)), true) => found.push((Direction::ImportArgument, kind, got)),
        (Some((Kind::Trap, got)), false) => found.push((Direction::Relay, Kind::Trap, got)),
        _ => {}
    }
    match (of(&probes.echo, Kind::WrongValue), argument_right) {
        (Some((kind, got)), true) => found.push((Direction::ExportResult, kind, got)),
        (Some((Kind::Trap, got)), false) => found.push((Direction::Roundtrip, Kind::Trap, got)),
        _ => {}
    }
    if probes.relay.argument.right()
        && argument_right
        && probes.echo.right()
        && probes.seen.right()
        && let Some((kind, got)) = of(&probes.relay.result, Kind::WrongValue)
    {
        found.push((Direction::Relay, kind, got));
    }
    found
}

/// Runs the probe of `direction` on `value` of type `n`: the hazard's `(kind, got)` if it
/// still shows.
pub fn recheck(
    prober: &mut Prober<'_>,
    n: usize,
    value: &Val,
    direction: Direction,
) -> anyhow::Result<Option<(Kind, String)>> {
    let Some(ty) = prober.value_type(n) else {
        return Ok(None);
    };
    let probes = Probes {
        show: prober.show(n, value, &ty)?,
        echo: match direction {
            Direction::ExportResult | Direction::Relay | Direction::Roundtrip => {
                prober.echo(n, value)?
            }
            _ => Probed::Right,
        },
        relay: match direction {
            Direction::ImportArgument | Direction::Relay => prober.relay(n, value)?,
            _ => Relayed {
                argument: Probed::Right,
                result: Probed::Right,
            },
        },
        seen: match direction {
            Direction::ImportResult | Direction::Relay => prober
                .seen(n, std::slice::from_ref(value), &ty)?
                .pop()
                .unwrap_or(Probed::Right),
            _ => Probed::Right,
        },
    };
    Ok(classify(&probes)
        .into_iter()
        .find(|(d, _, _)| *d == direction)
        .map(|(_, kind, got)| (kind, got)))
}

/// A hazard shrunk: the smallest value (and, where a part of it fails alone, the smallest
/// type) that still shows it.
#[derive(Debug, Clone)]
pub struct Shrunk {
    /// The smallest type's number.
    pub n: usize,
    /// The value of it.
    pub input: Val,
    /// What came back or was seen.
    pub got: String,
    /// The hazard's kind there.
    pub kind: Kind,
    /// How many simpler inputs and parts were tried.
    pub steps: usize,
}

/// Shrinks `hazard`, found at case `case` (1-based) of the inputs `seed` draws for type
/// `wit` (`strategy`): first in value, then in type.
pub fn shrink(
    prober: &mut Prober<'_>,
    hazard: &Hazard,
    case: usize,
    seed: u64,
    wit: &str,
) -> anyhow::Result<Shrunk> {
    let mut best = Shrunk {
        n: hazard.n,
        input: hazard.input.clone(),
        got: hazard.got.clone(),
        kind: hazard.kind,
        steps: 0,
    };
    if let Some(ty) = prober.value_type(hazard.n)
        && let Ok(strategy) = generate::value(&ty)
    {
        let mut runner = generate::runner(seed, &stream_name(wit));
        let mut tree = None;
        for _ in 0..case {
            tree = proptest::strategy::Strategy::new_tree(&strategy, &mut runner).ok();
        }
        if let Some(mut tree) = tree
            && tree.current() == hazard.input
        {
            let (direction, kind) = (hazard.direction, hazard.kind);
            let found =
                generate::shrink(
                    &mut tree,
                    hazard.input.clone(),
                    (hazard.kind, hazard.got.clone()),
                    SHRINK_STEPS,
                    |candidate: &Val| -> anyhow::Result<Option<(Kind, String)>> {
                        Ok(recheck(prober, hazard.n, candidate, direction)?
                            .filter(|(k, _)| *k == kind))
                    },
                )?;
            best.input = found.value;
            best.kind = found.outcome.0;
            best.got = found.outcome.1;
            best.steps = found.steps;
        }
    }
    // Floats shrink poorly (to odd tiny numbers): try the plainest ones in their place.
    let floats = float_paths(&best.input);
    for path in floats {
        for plain in [0.0, -0.0, 1.0, -1.0] {
            let candidate = with_float(&best.input, &path, plain);
            if candidate == best.input {
                break;
            }
            best.steps += 1;
            if let Some((kind, got)) = recheck(prober, best.n, &candidate, hazard.direction)?
                && kind == best.kind
            {
                best.input = candidate;
                best.got = got;
                break;
            }
        }
    }
    // In type: a part that fails alone, the same way, is where the hazard is.
    'deeper: while let Some(ty) = prober.value_type(best.n) {
        for (part_ty, part) in parts(&best.input, &ty) {
            let Some(m) = prober.number_of(&part_ty) else {
                continue;
            };
            best.steps += 1;
            if let Some((kind, got)) = recheck(prober, m, &part, hazard.direction)?
                && kind == best.kind
            {
                best = Shrunk {
                    n: m,
                    input: part,
                    got,
                    kind,
                    steps: best.steps,
                };
                continue 'deeper;
            }
        }
        break;
    }
    Ok(best)
}

/// Where the floats of `value` are: a path of child positions to each.
fn float_paths(value: &Val) -> Vec<Vec<usize>> {
    let mut found = Vec::new();
    walk_floats(value, &mut Vec::new(), &mut found);
    found
}

fn walk_floats(value: &Val, at: &mut Vec<usize>, found: &mut Vec<Vec<usize>>) {
    match value {
        Val::Float32(_) | Val::Float64(_) => found.push(at.clone()),
        other => {
            for (i, child) in children(other).into_iter().enumerate() {
                at.push(i);
                walk_floats(child, at, found);
                at.pop();
            }
        }
    }
}

/// The values directly inside `value`, in order.
fn children(value: &Val) -> Vec<&Val> {
    match value {
        Val::List(items) | Val::Tuple(items) => items.iter().collect(),
        Val::Record(fields) => fields.iter().map(|(_, v)| v).collect(),
        Val::Option(Some(v)) | Val::Variant(_, Some(v)) => vec![v],
        Val::Result(Ok(Some(v)) | Err(Some(v))) => vec![v],
        _ => Vec::new(),
    }
}

/// `value` with the float at `path` set to `plain`.
fn with_float(value: &Val, path: &[usize], plain: f64) -> Val {
    let Some((&first, rest)) = path.split_first() else {
        return match value {
            Val::Float32(_) => Val::Float32(plain as f32),
            Val::Float64(_) => Val::Float64(plain),
            other => other.clone(),
        };
    };
    let mut value = value.clone();
    let child: Option<&mut Val> = match &mut value {
        Val::List(items) | Val::Tuple(items) => items.get_mut(first),
        Val::Record(fields) => fields.get_mut(first).map(|(_, v)| v),
        Val::Option(Some(v)) | Val::Variant(_, Some(v)) => Some(&mut **v),
        Val::Result(Ok(Some(v)) | Err(Some(v))) => Some(&mut **v),
        _ => None,
    };
    if let Some(child) = child {
        *child = with_float(child, rest, plain);
    }
    value
}

/// The name the inputs of type `wit` are drawn under: the same in every language.
pub fn stream_name(wit: &str) -> String {
    format!("audit:{wit}")
}

/// The parts of `value` (of `ty`) with their types: fields, a variant's payload, elements,
/// an option's or a result's payload.
pub fn parts(value: &Val, ty: &Type) -> Vec<(Type, Val)> {
    match (value, ty) {
        (Val::Record(fields), Type::Record(record)) => record
            .fields()
            .zip(fields)
            .map(|(field, (_, v))| (field.ty, v.clone()))
            .collect(),
        (Val::Tuple(items), Type::Tuple(tuple)) => {
            tuple.types().zip(items.iter().cloned()).collect()
        }
        (Val::List(items), Type::List(list)) => {
            items.iter().map(|v| (list.ty(), v.clone())).collect()
        }
        (Val::Option(Some(v)), Type::Option(option)) => vec![(option.ty(), (**v).clone())],
        (Val::Result(Ok(Some(v))), Type::Result(r)) => {
            r.ok().map(|t| vec![(t, (**v).clone())]).unwrap_or_default()
        }
        (Val::Result(Err(Some(v))), Type::Result(r)) => r
            .err()
            .map(|t| vec![(t, (**v).clone())])
            .unwrap_or_default(),
        (Val::Variant(case, Some(v)), Type::Variant(variant)) => variant
            .cases()
            .find(|c| c.name == case.as_str())
            .and_then(|c| c.ty)
            .map(|t| vec![(t, (**v).clone())])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A cause: hazards with the same language, smallest type, direction and kind.
#[derive(Debug, Clone)]
pub struct Cause {
    /// A short name: `js-u32-export-result`.
    pub name: String,
    /// The language.
    pub language: Language,
    /// Its toolchain, with the version: `componentize-js 0.23.0`.
    pub toolchain: String,
    /// The smallest failing type, in WIT syntax.
    pub wit_type: String,
    /// Its number in the audit.
    pub n: usize,
    /// The path.
    pub direction: Direction,
    /// How.
    pub kind: Kind,
    /// The smallest input, as WAVE.
    pub input: String,
    /// The same input's canonical text: what a guest that sees it right prints.
    pub input_text: String,
    /// What came back or was seen there.
    pub got: String,
    /// The world's functions and fields that hold the type.
    pub touches: Vec<String>,
    /// The types whose values showed it (each failing type, in WIT syntax).
    pub found_in: Vec<String>,
    /// How many hazards it explains.
    pub hazards: usize,
    /// The `[[known-divergence]]` entry that writes it down, if one does.
    pub known: Option<String>,
}

impl Cause {
    /// The short name of a cause: language, type and direction, e.g. `js-u32-export-result`.
    pub fn short_name(language: Language, wit_type: &str, direction: Direction) -> String {
        let ty: String = wit_type
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let ty = ty
            .split('-')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        format!("{language}-{ty}-{direction}")
    }
}

/// The WAVE of `value`, for reports.
pub fn wave(value: &Val) -> String {
    to_wave(value)
}
