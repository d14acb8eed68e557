//! The world a scaffold is written for, read with wit-parser: its package, the functions it
//! exports (of the world itself, of each exported interface, and each exported resource's
//! constructor, methods and statics), the functions it imports, and where each interface sits
//! in the world (imported or exported, under which key). The language modules name things
//! from this; nothing here knows a language.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use wit_parser::{
    Function, FunctionKind, InterfaceId, PackageId, Param, Resolve, Type, TypeDefKind, TypeId,
    TypeOwner, WorldId, WorldItem, WorldKey,
};

use witness_host::files::walk;

use super::ScaffoldError;

/// Whether a world imports or exports an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The guest calls it; the host provides it.
    Import,
    /// The guest provides it; the host calls it.
    Export,
}

/// An interface as it sits in a world: the key it is imported or exported under, and which.
#[derive(Debug, Clone, Copy)]
pub struct InterfaceSite<'a> {
    /// Its key in the world (`WorldKey::Interface` for `import pkg:ns/iface;`,
    /// `WorldKey::Name` for an interface written inline in the world).
    pub key: &'a WorldKey,
    /// The interface.
    pub id: InterfaceId,
    /// Imported or exported.
    pub direction: Direction,
}

/// A function of the world, with where it lives.
#[derive(Debug, Clone, Copy)]
pub struct WorldFunction<'a> {
    /// The interface that holds it; `None` for a function of the world itself.
    pub interface: Option<InterfaceSite<'a>>,
    /// The function.
    pub function: &'a Function,
    /// Imported or exported.
    pub direction: Direction,
}

impl WorldFunction<'_> {
    /// The name a `[[call]]` or `[[import]]` gives it: `word-count`, or `counter.new`,
    /// `counter.add` for a resource's constructor, method or static.
    pub fn call_name(&self) -> String {
        crate::wit::call_name(&self.function.name)
    }

    /// The resource whose constructor, method or static this is.
    pub fn resource(&self) -> Option<TypeId> {
        self.function.kind.resource()
    }

    /// The parameters a caller passes besides the resource itself (a method's `self` left
    /// out).
    pub fn params(&self) -> &[Param] {
        match self.function.kind {
            FunctionKind::Method(_) | FunctionKind::AsyncMethod(_) => {
                self.function.params.get(1..).unwrap_or_default()
            }
            _ => &self.function.params,
        }
    }

    /// Whether it is a resource's method (it takes the resource as `self`).
    pub fn is_method(&self) -> bool {
        matches!(
            self.function.kind,
            FunctionKind::Method(_) | FunctionKind::AsyncMethod(_)
        )
    }

    /// Whether it is a resource's constructor.
    pub fn is_constructor(&self) -> bool {
        matches!(self.function.kind, FunctionKind::Constructor(_))
    }

    /// Whether it is a resource's static function.
    pub fn is_static(&self) -> bool {
        matches!(
            self.function.kind,
            FunctionKind::Static(_) | FunctionKind::AsyncStatic(_)
        )
    }
}

/// A WIT package read from disk and the world of it a scaffold is for.
#[derive(Debug)]
pub struct WitWorld {
    /// Everything parsed: the package and its dependencies.
    pub resolve: Resolve,
    /// The chosen world.
    pub world: WorldId,
    /// The package the world belongs to.
    pub package: PackageId,
    /// The file or directory the WIT was read from.
    pub source: PathBuf,
    /// Where each interface of the world sits.
    sites: HashMap<InterfaceId, (WorldKey, Direction)>,
}

impl WitWorld {
    /// Reads the WIT at `path` (a `.wit` file, or a package directory with an optional
    /// `deps/`, as wit-parser's `Resolve::push_path` reads them) and selects `world`, or the
    /// package's only world. A directory is walked first, as the harness walks every WIT it
    /// reads ([`crate::wit::check_tree`]): no links, at most [`crate::wit::LIMITS`].
    pub fn load(path: &Path, world: Option<&str>) -> Result<Self, ScaffoldError> {
        let wit_error = |message: String| ScaffoldError::Wit {
            path: path.to_path_buf(),
            message,
        };
        if path.is_dir() {
            walk(path, crate::wit::LIMITS).map_err(|e| wit_error(format!("{e:#}")))?;
        } else if path.is_file() {
            if path.extension().is_none_or(|ext| ext != "wit") {
                return Err(wit_error(
                    "give a WIT file (`*.wit`) or a WIT package directory".into(),
                ));
            }
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            if size > crate::wit::MAX_WIT_BYTES {
                return Err(wit_error(format!(
                    "it holds more than {} bytes",
                    crate::wit::MAX_WIT_BYTES
                )));
            }
        } else {
            return Err(wit_error("no such file or directory".into()));
        }
        let mut resolve = Resolve::default();
        let (package, _) = resolve
            .push_path(path)
            .map_err(|e| wit_error(resolve.render_error(&e)))?;
        let package_name = resolve.packages[package].name.to_string();
        let worlds: Vec<String> = resolve.packages[package].worlds.keys().cloned().collect();
        let id = match world {
            Some(wanted) => *resolve.packages[package]
                .worlds
                .get(wanted)
                .ok_or_else(|| ScaffoldError::NoSuchWorld {
                    package: package_name.clone(),
                    world: wanted.to_string(),
                    worlds: worlds.clone(),
                })?,
            None => match resolve.packages[package]
                .worlds
                .values()
                .collect::<Vec<_>>()[..]
            {
                [only] => *only,
                [] => {
                    return Err(ScaffoldError::NoWorlds {
                        package: package_name,
                    });
                }
                _ => {
                    return Err(ScaffoldError::ChooseWorld {
                        package: package_name,
                        worlds,
                    });
                }
            },
        };
        let mut sites = HashMap::new();
        let w = &resolve.worlds[id];
        for (items, direction) in [
            (&w.imports, Direction::Import),
            (&w.exports, Direction::Export),
        ] {
            for (key, item) in items {
                if let WorldItem::Interface { id, .. } = item {
                    sites.insert(*id, (key.clone(), direction));
                }
            }
        }
        Ok(WitWorld {
            resolve,
            world: id,
            package,
            source: path.to_path_buf(),
            sites,
        })
    }

    /// The world's name.
    pub fn name(&self) -> &str {
        &self.resolve.worlds[self.world].name
    }

    /// The package's name with its version, such as `demo:shapes@1.0.0`.
    pub fn package_name(&self) -> String {
        self.resolve.packages[self.package].name.to_string()
    }

    /// The interfaces the world imports (those it names and those they depend on), in the
    /// world's order.
    pub fn imported_interfaces(&self) -> Vec<InterfaceSite<'_>> {
        self.interfaces(Direction::Import)
    }

    /// The interfaces the world exports, in the world's order.
    pub fn exported_interfaces(&self) -> Vec<InterfaceSite<'_>> {
        self.interfaces(Direction::Export)
    }

    fn interfaces(&self, direction: Direction) -> Vec<InterfaceSite<'_>> {
        let world = &self.resolve.worlds[self.world];
        let items = match direction {
            Direction::Import => &world.imports,
            Direction::Export => &world.exports,
        };
        items
            .iter()
            .filter_map(|(key, item)| match item {
                WorldItem::Interface { id, .. } => Some(InterfaceSite {
                    key,
                    id: *id,
                    direction,
                }),
                _ => None,
            })
            .collect()
    }

    /// Where interface `id` sits in the world, if it is there.
    pub fn site(&self, id: InterfaceId) -> Option<InterfaceSite<'_>> {
        self.sites.get(&id).map(|(key, direction)| InterfaceSite {
            key,
            id,
            direction: *direction,
        })
    }

    /// The name of `site` as the component model names it: `demo:shapes/geometry@1.0.0`, or
    /// the plain name of an interface written inline in the world.
    pub fn interface_name(&self, site: &InterfaceSite<'_>) -> String {
        self.resolve.name_world_key(site.key)
    }

    /// Every function the world exports: its own functions first, then each exported
    /// interface's functions (resource functions among them), in the order of the WIT.
    pub fn exports(&self) -> Vec<WorldFunction<'_>> {
        self.functions(Direction::Export)
    }

    /// Every function the world imports: its own, then each imported interface's, the WASI
    /// and plugin API interfaces the host provides among them (see [`Self::host_provided`]).
    pub fn imports(&self) -> Vec<WorldFunction<'_>> {
        self.functions(Direction::Import)
    }

    fn functions(&self, direction: Direction) -> Vec<WorldFunction<'_>> {
        let world = &self.resolve.worlds[self.world];
        let items = match direction {
            Direction::Import => &world.imports,
            Direction::Export => &world.exports,
        };
        let mut found: Vec<WorldFunction<'_>> = items
            .values()
            .filter_map(|item| match item {
                WorldItem::Function(function) => Some(WorldFunction {
                    interface: None,
                    function,
                    direction,
                }),
                _ => None,
            })
            .collect();
        for site in self.interfaces(direction) {
            for function in self.resolve.interfaces[site.id].functions.values() {
                found.push(WorldFunction {
                    interface: Some(site),
                    function,
                    direction,
                });
            }
        }
        found
    }

    /// The resources an interface defines (not those it `use`s), in the order of the WIT.
    pub fn resources(&self, interface: InterfaceId) -> Vec<TypeId> {
        self.resolve.interfaces[interface]
            .types
            .values()
            .copied()
            .filter(|id| matches!(self.resolve.types[*id].kind, TypeDefKind::Resource))
            .collect()
    }

    /// Whether the host answers `site`'s functions itself (WASI and witness's plugin API), so
    /// a fixture scripts none of them ([`crate::wit::host_provided`]).
    pub fn host_provided(&self, site: &InterfaceSite<'_>) -> bool {
        crate::wit::host_provided(&self.interface_name(site))
    }

    /// `id` with every alias (`use`, `type x = y`) followed to the type it names.
    pub fn dealias(&self, mut id: TypeId) -> TypeId {
        while let TypeDefKind::Type(Type::Id(next)) = self.resolve.types[id].kind {
            id = next;
        }
        id
    }

    /// Whether `function` returns a `result` (through aliases too).
    pub fn returns_result(&self, function: &WorldFunction<'_>) -> bool {
        match function.function.result {
            Some(Type::Id(id)) => matches!(
                self.resolve.types[self.dealias(id)].kind,
                TypeDefKind::Result(_)
            ),
            _ => false,
        }
    }

    /// The interface that defines `resource` (aliases followed), as it sits in the world.
    pub fn resource_site(&self, resource: TypeId) -> Option<InterfaceSite<'_>> {
        match self.resolve.types[self.dealias(resource)].owner {
            TypeOwner::Interface(id) => self.site(id),
            _ => None,
        }
    }

    /// Whether `resource` (possibly an alias of it) is defined by an interface the world
    /// exports: the guest implements it.
    pub fn is_exported_resource(&self, resource: TypeId) -> bool {
        match self.resolve.types[self.dealias(resource)].owner {
            TypeOwner::Interface(id) => self
                .site(id)
                .is_some_and(|site| site.direction == Direction::Export),
            _ => false,
        }
    }

    /// Every named type the world's functions (exported and imported, the host's own
    /// interfaces left out) reach through their parameters and results, each once, in the
    /// order first reached; aliases come before the types they name.
    pub fn named_types(&self) -> Vec<TypeId> {
        let mut found = Vec::new();
        let functions = self.exports().into_iter().chain(
            self.imports()
                .into_iter()
                .filter(|f| f.interface.is_none_or(|site| !self.host_provided(&site))),
        );
        for f in functions {
            let types = f
                .function
                .params
                .iter()
                .map(|p| p.ty)
                .chain(f.function.result);
            for ty in types {
                self.collect_named(&ty, &mut found);
            }
        }
        found
    }

    fn collect_named(&self, ty: &Type, found: &mut Vec<TypeId>) {
        let Type::Id(id) = ty else { return };
        let typedef = &self.resolve.types[*id];
        if typedef.name.is_some() {
            if found.contains(id) {
                return;
            }
            found.push(*id);
        }
        for inner in inner_types(&typedef.kind) {
            self.collect_named(&inner, found);
        }
    }
}

/// The types directly inside a type definition (a record's fields, a list's element, a
/// handle's resource, ...).
pub fn inner_types(kind: &TypeDefKind) -> Vec<Type> {
    match kind {
        TypeDefKind::Record(r) => r.fields.iter().map(|f| f.ty).collect(),
        TypeDefKind::Tuple(t) => t.types.clone(),
        TypeDefKind::Variant(v) => v.cases.iter().filter_map(|c| c.ty).collect(),
        TypeDefKind::Option(t) | TypeDefKind::List(t) | TypeDefKind::Type(t) => vec![*t],
        TypeDefKind::FixedLengthList(t, _) => vec![*t],
        TypeDefKind::Map(k, v) => vec![*k, *v],
        TypeDefKind::Result(r) => r.ok.iter().chain(&r.err).copied().collect(),
        TypeDefKind::Handle(wit_parser::Handle::Own(r) | wit_parser::Handle::Borrow(r)) => {
            vec![Type::Id(*r)]
        }
        TypeDefKind::Future(t) | TypeDefKind::Stream(t) => t.iter().copied().collect(),
        TypeDefKind::Resource
        | TypeDefKind::Flags(_)
        | TypeDefKind::Enum(_)
        | TypeDefKind::Unknown => Vec::new(),
    }
}
