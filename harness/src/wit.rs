//! Reading the WIT a fixture builds against, to catch a wrong world name before any
//! toolchain runs and to say which worlds there are.

use std::path::Path;

use anyhow::{Context, Result, bail};
use wit_parser::{Resolve, Type, TypeDefKind, TypeId, WorldItem};
use witness_host::files::{WalkLimits, walk};

/// The most a WIT directory may hold before it is parsed: a fixture's WIT is small, and the
/// parser reads whatever it is given.
pub const MAX_WIT_BYTES: u64 = 4 << 20;
/// See [`MAX_WIT_BYTES`].
pub const MAX_WIT_FILES: usize = 1000;
/// [`MAX_WIT_FILES`] and [`MAX_WIT_BYTES`] as the bounds of a walk.
pub const LIMITS: WalkLimits = WalkLimits {
    files: MAX_WIT_FILES,
    bytes: MAX_WIT_BYTES,
};

/// Checks that `dir` holds only directories and regular files (no symbolic link, which
/// could loop or lead to a file that never ends, such as `/dev/zero`), and no more than
/// [`MAX_WIT_FILES`] files and [`MAX_WIT_BYTES`] bytes.
pub fn check_tree(dir: &Path) -> Result<()> {
    walk(dir, LIMITS)
        .map(drop)
        .with_context(|| format!("cannot use the WIT in {}", dir.display()))
}

/// A function's name as a `[[call]]` writes it (`counter.add` for `[method]counter.add`).
pub use witness_host::call_name;

/// Whether the host answers the functions of the imported interface `name` itself (WASI and
/// witness's plugin API), so that no fixture scripts them: the host's rule for its scripted
/// imports (`witness_host::scripted`).
pub fn host_provided(name: &str) -> bool {
    name.starts_with("wasi:") || name.starts_with("witness:plugin/")
}

/// What [`check_world`] learns of a world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedWorld {
    /// The package's name with its version (`witness:plugin@0.2.0`).
    pub package: String,
    /// The functions the world exports, each as `name`, or `<interface>#<name>` for a
    /// function of an exported interface.
    pub exports: Vec<String>,
    /// The functions the world imports that a fixture's `[[import]]` scripts (WASI and the
    /// plugin API, which the host provides, left out), each as its interface (as the world
    /// names it, with its version) and its name as a call writes it; `None` for a function
    /// the world imports directly.
    pub imports: Vec<(Option<String>, String)>,
}

/// Checks that the WIT package in `dir` is safe to read ([`check_tree`]), parses, and has a
/// world `world`; returns the package's name with its version and the functions the world
/// exports and imports.
pub fn check_world(dir: &Path, world: &str) -> Result<CheckedWorld> {
    let (resolve, package, id) = load_world(dir, world)?;
    {
        let mut exports = Vec::new();
        for (key, item) in &resolve.worlds[id].exports {
            match item {
                WorldItem::Function(f) => exports.push(f.name.clone()),
                WorldItem::Interface { id, .. } => {
                    let interface = resolve.name_world_key(key);
                    for name in resolve.interfaces[*id].functions.keys() {
                        exports.push(format!("{interface}#{}", call_name(name)));
                    }
                }
                WorldItem::Type { .. } => {}
            }
        }
        let mut imports = Vec::new();
        for (key, item) in &resolve.worlds[id].imports {
            match item {
                WorldItem::Function(f) => imports.push((None, call_name(&f.name))),
                WorldItem::Interface { id, .. } => {
                    let interface = resolve.name_world_key(key);
                    if host_provided(&interface) {
                        continue;
                    }
                    for name in resolve.interfaces[*id].functions.keys() {
                        imports.push((Some(interface.clone()), call_name(name)));
                    }
                }
                WorldItem::Type { .. } => {}
            }
        }
        Ok(CheckedWorld {
            package: resolve.packages[package].name.to_string(),
            exports,
            imports,
        })
    }
}

/// The WIT package in `dir`, checked to be safe to read ([`check_tree`]) and parsed, with
/// its world `world`; an error lists the worlds it has.
fn load_world(
    dir: &Path,
    world: &str,
) -> Result<(Resolve, wit_parser::PackageId, wit_parser::WorldId)> {
    check_tree(dir)?;
    let mut resolve = Resolve::default();
    let (package, _) = resolve
        .push_dir(dir)
        .with_context(|| format!("failed to parse the WIT package in {}", dir.display()))?;
    match resolve.select_world(&[package], Some(world)) {
        Ok(id) => Ok((resolve, package, id)),
        Err(_) => {
            let worlds: Vec<&str> = resolve.packages[package]
                .worlds
                .keys()
                .map(String::as_str)
                .collect();
            bail!(
                "the WIT package {} in {} has no world `{world}`; its worlds are: {}",
                resolve.packages[package].name,
                dir.display(),
                worlds.join(", ")
            )
        }
    }
}

/// The names under which a component implementing `world` of the WIT package in `dir`
/// exports its items, as a component importing them names its imports: an interface as
/// `<package>/<name>@<version>`, a function by its name.
pub fn world_exports(dir: &Path, world: &str) -> Result<Vec<String>> {
    let (resolve, _, id) = load_world(dir, world)?;
    Ok(resolve.worlds[id]
        .exports
        .iter()
        .filter_map(|(key, item)| match item {
            WorldItem::Function(f) => Some(f.name.clone()),
            WorldItem::Interface { id, .. } => Some(
                resolve
                    .id_of(*id)
                    .unwrap_or_else(|| resolve.name_world_key(key)),
            ),
            WorldItem::Type { .. } => None,
        })
        .collect())
}

/// `ty` written as WIT (`list<u8>`, `option<point>`, `result<_, string>`): a named type as
/// `name` gives it, else by its own name.
pub fn type_text(resolve: &Resolve, ty: &Type, name: &dyn Fn(TypeId) -> Option<String>) -> String {
    let id = match ty {
        Type::Bool => return "bool".into(),
        Type::U8 => return "u8".into(),
        Type::U16 => return "u16".into(),
        Type::U32 => return "u32".into(),
        Type::U64 => return "u64".into(),
        Type::S8 => return "s8".into(),
        Type::S16 => return "s16".into(),
        Type::S32 => return "s32".into(),
        Type::S64 => return "s64".into(),
        Type::F32 => return "f32".into(),
        Type::F64 => return "f64".into(),
        Type::Char => return "char".into(),
        Type::String => return "string".into(),
        Type::ErrorContext => return "error-context".into(),
        Type::Id(id) => *id,
    };
    if let Some(named) = name(id) {
        return named;
    }
    let typedef = &resolve.types[id];
    if let Some(own) = &typedef.name {
        return own.clone();
    }
    let inner = |ty: &Type| type_text(resolve, ty, name);
    let optional = |ty: &Option<Type>| ty.as_ref().map_or_else(|| "_".to_string(), inner);
    match &typedef.kind {
        TypeDefKind::List(t) => format!("list<{}>", inner(t)),
        TypeDefKind::FixedLengthList(t, n) => format!("list<{}, {n}>", inner(t)),
        TypeDefKind::Map(k, v) => format!("map<{}, {}>", inner(k), inner(v)),
        TypeDefKind::Option(t) => format!("option<{}>", inner(t)),
        TypeDefKind::Result(r) => match (&r.ok, &r.err) {
            (None, None) => "result".into(),
            (ok, None) => format!("result<{}>", optional(ok)),
            (ok, err) => format!("result<{}, {}>", optional(ok), optional(err)),
        },
        TypeDefKind::Tuple(t) => {
            let items: Vec<String> = t.types.iter().map(inner).collect();
            format!("tuple<{}>", items.join(", "))
        }
        TypeDefKind::Handle(wit_parser::Handle::Own(r)) => inner(&Type::Id(*r)),
        TypeDefKind::Handle(wit_parser::Handle::Borrow(r)) => {
            format!("borrow<{}>", inner(&Type::Id(*r)))
        }
        TypeDefKind::Future(t) => match t {
            Some(t) => format!("future<{}>", inner(t)),
            None => "future".into(),
        },
        TypeDefKind::Stream(t) => match t {
            Some(t) => format!("stream<{}>", inner(t)),
            None => "stream".into(),
        },
        TypeDefKind::Type(t) => inner(t),
        other => other.as_str().to_string(),
    }
}
