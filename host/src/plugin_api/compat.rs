//! Which version of the plugin API a component was built for, and whether this host runs
//! it: the versions the host supports ([`WORLDS`]), a component's version read from what it
//! imports of `witness:plugin` (or, importing nothing of it, from the world its exports
//! match), and the first item that does not fit, as [`IncompatiblePlugin`].
//!
//! Two versions are compatible as wasmtime's linker decides it: the same major version, and
//! for 0.x the same minor one (0.2.3 runs as 0.2.0; 0.3.0 and 1.0.0 are other APIs). Within a
//! compatible version every imported function must exist with the same types, and every
//! function the world exports must be exported with the same types (parameter names aside);
//! a plugin may export more than its world.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use semver::Version;
use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime::component::types::{ComponentFunc, ComponentItem};

use crate::call::{signature, type_name};

/// The WIT of each plugin API version this host runs, oldest first.
const WIT: [&str; 2] = [
    include_str!("../../../wit/0.1.0/plugin.wit"),
    include_str!("../../../wit/plugin.wit"),
];

/// The package every version of the plugin API belongs to.
pub const PACKAGE: &str = "witness:plugin";

/// One version of the plugin API, as the host knows it: its `plugin` world's imports and
/// exports, each function by name with its signature in [`signature`]'s syntax.
#[derive(Debug)]
pub struct World {
    /// The package's version.
    pub version: Version,
    /// For each interface the world imports (`host`), its functions.
    imports: BTreeMap<String, Vec<Function>>,
    /// The functions the world exports.
    exports: Vec<Function>,
}

/// A function of a world: its name, its signature, and its types alone (what must match).
#[derive(Debug, Clone)]
struct Function {
    name: String,
    signature: String,
    types: Vec<String>,
}

impl World {
    /// Whether a component built for `version` runs as this world: the same version, or a
    /// release of the same major (for 0.x the same minor; 0.0.x only itself).
    pub fn accepts(&self, version: &Version) -> bool {
        if *version == self.version {
            return true;
        }
        let same_line = match (version.major, version.minor) {
            (0, 0) => false,
            (0, minor) => self.version.major == 0 && self.version.minor == minor,
            (major, _) => self.version.major == major,
        };
        same_line && version.pre.is_empty() && self.version.pre.is_empty()
    }
}

/// Every plugin API version this host runs, oldest first.
pub fn worlds() -> &'static [World] {
    static WORLDS: OnceLock<Vec<World>> = OnceLock::new();
    WORLDS.get_or_init(|| {
        WIT.iter()
            .map(|text| read_world(text).expect("the plugin API's own WIT parses"))
            .collect()
    })
}

/// The world this host runs a plugin built for `version` as, if it runs it.
pub fn world_for(version: &str) -> Option<&'static World> {
    let version = Version::parse(version).ok()?;
    worlds().iter().rev().find(|w| w.accepts(&version))
}

/// The supported versions for a message: `0.1.x (0.1.0) and 0.2.x (0.2.0)`.
pub fn supported() -> String {
    let each: Vec<String> = worlds()
        .iter()
        .map(|w| {
            let v = &w.version;
            let range = if v.major == 0 {
                format!("0.{}.x", v.minor)
            } else {
                format!("{}.x", v.major)
            };
            format!("{range} ({v})")
        })
        .collect();
    match each.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A component that is not a plugin of any version this host runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct IncompatiblePlugin {
    /// The version of `witness:plugin` the component imports, if it imports any (empty for an
    /// import without a version).
    pub version: Option<String>,
    /// The supported version checked against, when the component's version chose one or
    /// it imports nothing of the API.
    pub world: Option<String>,
    /// The first item that does not fit: `import witness:plugin/host@0.2.0.read-file`,
    /// `export run`.
    pub item: String,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What is wrong with an [`IncompatiblePlugin`]'s item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The version is one this host does not run (a future major, an unknown minor).
    UnsupportedVersion,
    /// The component imports these versions of the API at once.
    MixedVersions(Vec<String>),
    /// The version's world has no such item.
    NotInWorld,
    /// The world has the item and the component does not.
    Missing,
    /// The item's types differ.
    WrongType {
        /// Its signature in the component.
        found: String,
        /// Its signature in the world.
        expected: String,
    },
}

impl fmt::Display for IncompatiblePlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let item = &self.item;
        let host_world = |f: &mut fmt::Formatter<'_>| match &self.world {
            Some(world) => write!(f, "this host's {PACKAGE}@{world}"),
            None => write!(f, "this host's {PACKAGE}"),
        };
        match (&self.version, &self.problem) {
            (Some(v), Problem::UnsupportedVersion) if v.is_empty() => write!(
                f,
                "it imports {PACKAGE} without a version ({item}), which this host does not run"
            )?,
            (Some(v), Problem::UnsupportedVersion) => write!(
                f,
                "it is built for {PACKAGE}@{v}, a version this host does not run (first item \
                 of it: {item})"
            )?,
            (version, Problem::MixedVersions(others)) => write!(
                f,
                "it imports two versions of {PACKAGE} at once: {} and {} (first item of the \
                 second: {item}); a plugin is built for one",
                version.as_deref().unwrap_or("?"),
                others.join(", ")
            )?,
            (version, problem) => {
                match version {
                    Some(v) => write!(f, "it is built for {PACKAGE}@{v}, but ")?,
                    None => write!(
                        f,
                        "it imports nothing of {PACKAGE} and its exports match no version this \
                         host runs: "
                    )?,
                }
                host_world(f)?;
                match problem {
                    Problem::NotInWorld => write!(f, " has no {item}")?,
                    Problem::Missing => write!(f, " needs {item}, which the plugin lacks")?,
                    Problem::WrongType { found, expected } => {
                        write!(f, " has {item}: {expected}, where the plugin has {found}")?
                    }
                    Problem::UnsupportedVersion | Problem::MixedVersions(_) => {}
                }
            }
        }
        write!(f, "; this host runs {PACKAGE} {}", supported())
    }
}

/// The plugin API version `component` imports, checked item by item: `None` when it imports
/// nothing of the API (a component of another world, or a plugin that calls no host
/// function).
pub fn imported_world(
    engine: &Engine,
    component: &Component,
) -> Result<Option<(&'static World, String)>, IncompatiblePlugin> {
    let ty = component.component_type();
    let mut api_imports = Vec::new();
    for (name, item) in ty.imports(engine) {
        if let Some(rest) = name.strip_prefix(PACKAGE).and_then(|r| r.strip_prefix('/')) {
            let (interface, version) = match rest.split_once('@') {
                Some((interface, version)) => (interface, Some(version)),
                None => (rest, None),
            };
            api_imports.push((
                name.to_string(),
                interface.to_string(),
                version.unwrap_or("").to_string(),
                item.ty,
            ));
        }
    }
    let Some((first_name, _, version, _)) = api_imports.first() else {
        return Ok(None);
    };
    let version = version.clone();
    let shown = |v: &str| {
        if v.is_empty() {
            "no version".to_string()
        } else {
            v.to_string()
        }
    };
    if let Some((name, ..)) = api_imports.iter().find(|(_, _, v, _)| *v != version) {
        let mut versions: Vec<String> = Vec::new();
        for (_, _, v, _) in &api_imports {
            if *v != version && !versions.contains(&shown(v)) {
                versions.push(shown(v));
            }
        }
        return Err(IncompatiblePlugin {
            version: Some(shown(&version)),
            world: None,
            item: format!("import {name}"),
            problem: Problem::MixedVersions(versions),
        });
    }
    let Some(world) = world_for(&version) else {
        return Err(IncompatiblePlugin {
            version: Some(version.clone()),
            world: None,
            item: format!("import {first_name}"),
            problem: Problem::UnsupportedVersion,
        });
    };
    for (name, interface, _, item) in &api_imports {
        let incompatible = |item: String, problem| IncompatiblePlugin {
            version: Some(version.clone()),
            world: Some(world.version.to_string()),
            item,
            problem,
        };
        let Some(functions) = world.imports.get(interface) else {
            return Err(incompatible(format!("import {name}"), Problem::NotInWorld));
        };
        let ComponentItem::ComponentInstance(instance) = item else {
            return Err(incompatible(format!("import {name}"), Problem::NotInWorld));
        };
        for (function, export) in instance.exports(engine) {
            let ComponentItem::ComponentFunc(found) = export.ty else {
                continue;
            };
            let item = format!("import {name}.{function}");
            match functions.iter().find(|f| f.name == function) {
                None => return Err(incompatible(item, Problem::NotInWorld)),
                Some(expected) if expected.types != types_of(&found) => {
                    return Err(incompatible(
                        item,
                        Problem::WrongType {
                            found: signature(&found),
                            expected: expected.signature.clone(),
                        },
                    ));
                }
                Some(_) => {}
            }
        }
    }
    Ok(Some((world, version)))
}

/// A plugin's version of the plugin API: the world the host runs it as, and the version it
/// was built for (the one it imports, else the world's).
#[derive(Debug, Clone)]
pub struct PluginApi {
    /// The supported world it runs as.
    pub world: &'static World,
    /// The version it was built for (`0.2.3` runs as the world 0.2.0).
    pub built_for: String,
}

/// The plugin API version `component` implements, given what [`imported_world`] found: the
/// version it imports, whose exports it must have, or, importing nothing of the API, the
/// newest whose exports it has. The error names the first item that does not fit (against
/// the newest world, when none fits).
pub fn plugin_world(
    engine: &Engine,
    component: &Component,
    imported: Option<(&'static World, String)>,
) -> Result<PluginApi, IncompatiblePlugin> {
    let exports: BTreeMap<String, ComponentFunc> = component
        .component_type()
        .exports(engine)
        .filter_map(|(name, item)| match item.ty {
            ComponentItem::ComponentFunc(f) => Some((name.to_string(), f)),
            _ => None,
        })
        .collect();
    let candidates: Vec<&World> = match &imported {
        Some((world, _)) => vec![world],
        None => worlds().iter().rev().collect(),
    };
    let version = imported.map(|(_, version)| version);
    let mut first_problem = None;
    for world in candidates {
        match missing_export(world, &exports, version.clone()) {
            None => {
                return Ok(PluginApi {
                    world,
                    built_for: version.unwrap_or_else(|| world.version.to_string()),
                });
            }
            Some(problem) => {
                first_problem.get_or_insert(problem);
            }
        }
    }
    Err(first_problem.unwrap_or_else(|| IncompatiblePlugin {
        version: None,
        world: None,
        item: "its exports".into(),
        problem: Problem::Missing,
    }))
}

/// The first export of `world` that `exports` lacks or types differently.
fn missing_export(
    world: &World,
    exports: &BTreeMap<String, ComponentFunc>,
    version: Option<String>,
) -> Option<IncompatiblePlugin> {
    for expected in &world.exports {
        let item = format!("export {}", expected.name);
        let problem = match exports.get(&expected.name) {
            None => Problem::Missing,
            Some(found) if types_of(found) != expected.types => Problem::WrongType {
                found: signature(found),
                expected: expected.signature.clone(),
            },
            Some(_) => continue,
        };
        return Some(IncompatiblePlugin {
            version,
            world: Some(world.version.to_string()),
            item,
            problem,
        });
    }
    None
}

/// A function's parameter and result types, without parameter names.
fn types_of(func: &ComponentFunc) -> Vec<String> {
    func.params()
        .map(|(_, t)| type_name(&t))
        .chain(func.results().map(|t| format!("-> {}", type_name(&t))))
        .collect()
}

/// The `plugin` world of one version's WIT.
fn read_world(text: &str) -> anyhow::Result<World> {
    use wit_parser::{Resolve, WorldItem, WorldKey};
    let mut resolve = Resolve::default();
    let package = resolve.push_str("plugin.wit", text)?;
    let world_id = resolve.select_world(&[package], Some("plugin"))?;
    let version = resolve.packages[package]
        .name
        .version
        .clone()
        .ok_or_else(|| anyhow::anyhow!("the plugin API has no version"))?;
    let world = &resolve.worlds[world_id];
    let function = |f: &wit_parser::Function| {
        let params: Vec<(String, String)> = f
            .params
            .iter()
            .map(|p| (p.name.clone(), wit_type_name(&resolve, &p.ty)))
            .collect();
        let result = f.result.as_ref().map(|t| wit_type_name(&resolve, t));
        let shown: Vec<String> = params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let mut signature = format!("func({})", shown.join(", "));
        let mut types: Vec<String> = params.into_iter().map(|(_, t)| t).collect();
        if let Some(result) = result {
            signature.push_str(&format!(" -> {result}"));
            types.push(format!("-> {result}"));
        }
        Function {
            name: f.name.clone(),
            signature,
            types,
        }
    };
    let mut imports = BTreeMap::new();
    for (key, item) in &world.imports {
        if let (WorldKey::Interface(id), WorldItem::Interface { .. }) = (key, item) {
            let interface = &resolve.interfaces[*id];
            // A types-only interface (`types`) has no functions; a component imports it for
            // the types of its exports.
            let name = interface.name.clone().unwrap_or_default();
            imports.insert(name, interface.functions.values().map(function).collect());
        }
    }
    let exports = world
        .exports
        .values()
        .filter_map(|item| match item {
            WorldItem::Function(f) => Some(function(f)),
            _ => None,
        })
        .collect();
    Ok(World {
        version,
        imports,
        exports,
    })
}

/// A WIT type in [`type_name`]'s syntax, so that a world's types and a component's compare
/// as text.
fn wit_type_name(resolve: &wit_parser::Resolve, ty: &wit_parser::Type) -> String {
    use wit_parser::{Handle, Type, TypeDefKind};
    let name = |t: &Type| wit_type_name(resolve, t);
    let opt = |t: &Option<Type>| t.as_ref().map(name).unwrap_or_else(|| "_".to_string());
    match ty {
        Type::Bool => "bool".into(),
        Type::U8 => "u8".into(),
        Type::U16 => "u16".into(),
        Type::U32 => "u32".into(),
        Type::U64 => "u64".into(),
        Type::S8 => "s8".into(),
        Type::S16 => "s16".into(),
        Type::S32 => "s32".into(),
        Type::S64 => "s64".into(),
        Type::F32 => "f32".into(),
        Type::F64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::ErrorContext => "error-context".into(),
        Type::Id(id) => match &resolve.types[*id].kind {
            TypeDefKind::Record(r) => {
                let fields: Vec<String> = r
                    .fields
                    .iter()
                    .map(|f| format!("{}: {}", f.name, name(&f.ty)))
                    .collect();
                format!("record {{ {} }}", fields.join(", "))
            }
            TypeDefKind::Tuple(t) => {
                let types: Vec<String> = t.types.iter().map(name).collect();
                format!("tuple<{}>", types.join(", "))
            }
            TypeDefKind::Variant(v) => {
                let cases: Vec<String> = v
                    .cases
                    .iter()
                    .map(|c| match &c.ty {
                        Some(t) => format!("{}({})", c.name, name(t)),
                        None => c.name.clone(),
                    })
                    .collect();
                format!("variant {{ {} }}", cases.join(", "))
            }
            TypeDefKind::Enum(e) => {
                let cases: Vec<&str> = e.cases.iter().map(|c| c.name.as_str()).collect();
                format!("enum {{ {} }}", cases.join(", "))
            }
            TypeDefKind::Flags(f) => {
                let flags: Vec<&str> = f.flags.iter().map(|c| c.name.as_str()).collect();
                format!("flags {{ {} }}", flags.join(", "))
            }
            TypeDefKind::Option(t) => format!("option<{}>", name(t)),
            TypeDefKind::Result(r) => format!("result<{}, {}>", opt(&r.ok), opt(&r.err)),
            TypeDefKind::List(t) => format!("list<{}>", name(t)),
            TypeDefKind::FixedLengthList(t, _) => format!("list<{}, _>", name(t)),
            TypeDefKind::Map(k, v) => format!("map<{}, {}>", name(k), name(v)),
            TypeDefKind::Handle(Handle::Own(_)) => "own<resource>".into(),
            TypeDefKind::Handle(Handle::Borrow(_)) => "borrow<resource>".into(),
            TypeDefKind::Future(_) => "future".into(),
            TypeDefKind::Stream(_) => "stream".into(),
            TypeDefKind::Type(t) => name(t),
            TypeDefKind::Resource | TypeDefKind::Unknown => "resource".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_reads_and_compatibility_follows_semver() {
        let versions: Vec<String> = worlds().iter().map(|w| w.version.to_string()).collect();
        assert_eq!(versions, ["0.1.0", "0.2.0"]);
        let [v1, v2] = worlds() else { panic!() };
        let names: Vec<&str> = v1.exports.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["info", "run"]);
        assert!(v2.accepts(&Version::new(0, 2, 7)));
        assert!(!v2.accepts(&Version::new(0, 3, 0)));
        assert!(!v1.accepts(&Version::new(0, 2, 0)));
        assert!(!v2.accepts(&Version::new(1, 0, 0)));
        assert!(!v2.accepts(&Version::parse("0.2.1-rc.1").unwrap()));
        let v0 = |s: &str| World {
            version: Version::parse(s).unwrap(),
            imports: BTreeMap::new(),
            exports: Vec::new(),
        };
        assert!(v0("0.3.0-rc.1").accepts(&Version::parse("0.3.0-rc.1").unwrap()));
        assert!(!v0("0.0.1").accepts(&Version::new(0, 0, 2)));
        assert!(v0("1.2.0").accepts(&Version::new(1, 5, 0)));
        assert_eq!(supported(), "0.1.x (0.1.0) and 0.2.x (0.2.0)");
        let run = |w: &World| {
            w.exports
                .iter()
                .find(|f| f.name == "run")
                .map(|f| f.signature.clone())
        };
        assert_eq!(
            run(v1).as_deref(),
            Some("func(command: string, args: list<string>) -> result<string, string>")
        );
        assert!(run(v2).is_some_and(|s| s.starts_with("func(invocation: record { command")));
        assert!(v2.imports["host"].iter().any(|f| f.name == "read-file"));
        assert!(!v1.imports["host"].iter().any(|f| f.name == "read-file"));
    }
}
