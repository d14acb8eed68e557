//! What a scaffold refuses, before anything is written: a world using something the guests
//! could not be built with or witness could not run. Async functions (the host links
//! components without the component model's async support), `future`, `stream` and
//! `error-context` (WAVE has no such values), the unstable `map` and fixed-length lists, and
//! an import whose answer holds a resource handle (a fixture scripts answers in WAVE, which
//! has no handles). Each language adds what it alone cannot express (see
//! [`super::GuestWriter::unsupported`]).

use std::fmt;

use wit_parser::{Type, TypeDefKind};

use super::world::{Direction, WitWorld, WorldFunction};
use crate::language::Language;

/// One thing a world uses that a scaffold cannot be written for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// The item: `export demo:x/y#f`, `import now`.
    pub item: String,
    /// The language that cannot express it; `None` where witness itself cannot run it.
    pub language: Option<Language>,
    /// What it uses and why that does not work.
    pub problem: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.language {
            Some(language) => write!(f, "{} ({language}): {}", self.item, self.problem),
            None => write!(f, "{}: {}", self.item, self.problem),
        }
    }
}

/// The item `function` is, as [`Unsupported::item`] names it: `export word-count`,
/// `import demo:shapes/host@1.0.0#lookup`.
pub fn item(world: &WitWorld, function: &WorldFunction<'_>) -> String {
    let direction = match function.direction {
        Direction::Import => "import",
        Direction::Export => "export",
    };
    match &function.interface {
        Some(site) => format!(
            "{direction} {}#{}",
            world.interface_name(site),
            function.call_name()
        ),
        None => format!("{direction} {}", function.call_name()),
    }
}

/// Everything in `world` that no guest language could be scaffolded for.
pub fn unsupported(world: &WitWorld) -> Vec<Unsupported> {
    let mut found = Vec::new();
    let imports = world
        .imports()
        .into_iter()
        .filter(|f| f.interface.is_none_or(|site| !world.host_provided(&site)));
    for function in world.exports().into_iter().chain(imports) {
        let item = item(world, &function);
        if function.function.kind.is_async() {
            found.push(Unsupported {
                item: item.clone(),
                language: None,
                problem: "an async function; the witness host calls functions synchronously \
                          (wasmtime without the component model's async support)"
                    .into(),
            });
        }
        let types = function.function.params.iter().map(|p| p.ty);
        for ty in types.chain(function.function.result) {
            if let Some(problem) = unrunnable(world, &ty) {
                found.push(Unsupported {
                    item: item.clone(),
                    language: None,
                    problem,
                });
            }
        }
        let answered = function.direction == Direction::Import && !function.is_constructor();
        if let (true, Some(result)) = (answered, function.function.result)
            && holds_handle(world, &result)
        {
            found.push(Unsupported {
                item: item.clone(),
                language: None,
                problem: format!(
                    "its result `{}` holds a resource handle, and a fixture's [[import]] answers \
                     in WAVE, which has no handles",
                    wit_type(world, &result)
                ),
            });
        }
    }
    found.dedup();
    found
}

/// Why a value of `ty` cannot pass through a WAVE call, if it cannot.
fn unrunnable(world: &WitWorld, ty: &Type) -> Option<String> {
    let Type::Id(id) = ty else {
        return matches!(ty, Type::ErrorContext).then(|| {
            "it uses `error-context`, which WAVE calls cannot pass or return".to_string()
        });
    };
    let kind = &world.resolve.types[*id].kind;
    let problem = match kind {
        TypeDefKind::Future(_) | TypeDefKind::Stream(_) => Some(format!(
            "it uses `{}`, which WAVE calls cannot pass or return",
            wit_type(world, ty)
        )),
        TypeDefKind::Map(..) => Some(format!(
            "it uses `{}`, an unstable WIT type the pinned toolchains do not all support",
            wit_type(world, ty)
        )),
        TypeDefKind::FixedLengthList(..) => Some(format!(
            "it uses `{}`, an unstable WIT type the pinned toolchains do not all support",
            wit_type(world, ty)
        )),
        _ => None,
    };
    problem.or_else(|| {
        super::world::inner_types(kind)
            .iter()
            .find_map(|inner| unrunnable(world, inner))
    })
}

/// Whether a value of `ty` holds a resource handle anywhere.
pub fn holds_handle(world: &WitWorld, ty: &Type) -> bool {
    let Type::Id(id) = ty else { return false };
    match &world.resolve.types[*id].kind {
        TypeDefKind::Handle(_) | TypeDefKind::Resource => true,
        kind => super::world::inner_types(kind)
            .iter()
            .any(|inner| holds_handle(world, inner)),
    }
}

/// `ty` written as WIT: `list<u8>`, `option<point>`, `stream<string>`.
pub fn wit_type(world: &WitWorld, ty: &Type) -> String {
    crate::wit::type_text(&world.resolve, ty, &|_| None)
}
