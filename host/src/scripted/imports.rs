//! What a component imports that the host scripts: every function and resource it imports
//! beyond WASI and the plugin API, and for each function, what the host does with its result
//! (nothing to answer, an answer from the script, or a new object the host makes itself).

use wasmtime::Engine;
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{Component, ResourceType, Type};

use super::ScriptError;
use crate::call::{holds_resource, signature_with};

/// A function the component imports that the host does not provide.
#[derive(Debug, Clone)]
pub(super) struct ImportedFunc {
    /// The imported interface that holds it; `None` for a function the world imports.
    pub(super) interface: Option<String>,
    /// Its name as the component imports it (`[static]blob.merge`).
    pub(super) function: String,
    /// Its type.
    pub(super) ty: ComponentFunc,
    /// What its result is to the host.
    pub(super) result: Returns,
}

impl ImportedFunc {
    /// Its name as records and messages show it: `witness:store/blobs@0.1.0.blob.merge`.
    pub(super) fn name(&self) -> String {
        import_name(self.interface.as_deref(), &self.function)
    }
}

/// What an imported function's result is to the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Returns {
    /// Nothing: the function has no result.
    Nothing,
    /// A value, which the script gives.
    Value(Type),
    /// A new object of the host resource with this id (`own<blob>`, as a constructor
    /// returns), which the host makes on each call.
    NewObject(u32),
    /// A value that holds a handle inside it (`option<blob>`), which nothing can answer.
    HandleInside,
    /// A handle of a resource the host does not implement.
    ForeignHandle,
}

/// A resource the component imports from an interface the host does not provide: the host
/// implements it as a recording object. Its id is its position among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ImportedResource {
    /// The interface that holds it.
    pub(super) interface: String,
    /// Its name (`blob`).
    pub(super) name: String,
    /// Its type as the component's imports refer to it.
    pub(super) ty: ResourceType,
}

/// A component's scriptable imports.
#[derive(Debug, Clone, Default)]
pub(super) struct Imports {
    /// The functions.
    pub(super) funcs: Vec<ImportedFunc>,
    /// The resources, by id.
    pub(super) resources: Vec<ImportedResource>,
}

impl Imports {
    /// Every function and resource `component` imports outside WASI and the plugin API.
    pub(super) fn of(engine: &Engine, component: &Component) -> Result<Imports, ScriptError> {
        let mut found = Vec::new();
        let mut resources = Vec::new();
        for (name, item) in component.component_type().imports(engine) {
            match item.ty {
                ComponentItem::ComponentFunc(ty) => found.push((None, name.to_string(), ty)),
                ComponentItem::ComponentInstance(_) if provided_by_host(name) => {}
                ComponentItem::ComponentInstance(instance) => {
                    for (export, item) in instance.exports(engine) {
                        match item.ty {
                            ComponentItem::ComponentFunc(ty) => {
                                found.push((Some(name.to_string()), export.to_string(), ty))
                            }
                            ComponentItem::Resource(ty) => resources.push(ImportedResource {
                                interface: name.to_string(),
                                name: export.to_string(),
                                ty,
                            }),
                            ComponentItem::Type(_) => {}
                            _ => {
                                return Err(ScriptError::Unsupported {
                                    what: "the item".into(),
                                    import: import_name(Some(name), export),
                                });
                            }
                        }
                    }
                }
                ComponentItem::Type(_) => {}
                _ => {
                    return Err(ScriptError::Unsupported {
                        what: "the item".into(),
                        import: name.to_string(),
                    });
                }
            }
        }
        let funcs = found
            .into_iter()
            .map(|(interface, function, ty)| ImportedFunc {
                result: returns(&ty, &resources),
                interface,
                function,
                ty,
            })
            .collect();
        Ok(Imports { funcs, resources })
    }

    /// `func`'s signature, with the host resources by name: `func(a: borrow<blob>) ->
    /// own<blob>`.
    pub(super) fn signature(&self, func: &ImportedFunc) -> String {
        signature_with(&func.ty, &|ty| {
            self.resources
                .iter()
                .find(|r| r.ty == *ty)
                .map(|r| r.name.clone())
        })
    }

    /// Every scriptable import's name, the functions' then the resources'.
    pub(super) fn names(&self) -> Vec<String> {
        let funcs = self.funcs.iter().map(ImportedFunc::name);
        let resources = self
            .resources
            .iter()
            .map(|r| format!("{}.{}", r.interface, r.name));
        funcs.chain(resources).collect()
    }
}

/// What the result of a function of type `ty` is to the host, given the host `resources`.
fn returns(ty: &ComponentFunc, resources: &[ImportedResource]) -> Returns {
    match ty.results().next() {
        None => Returns::Nothing,
        Some(Type::Own(resource)) => resources
            .iter()
            .position(|r| r.ty == resource)
            .and_then(|id| u32::try_from(id).ok())
            .map_or(Returns::ForeignHandle, Returns::NewObject),
        Some(result) if holds_resource(&result) => Returns::HandleInside,
        Some(result) => Returns::Value(result),
    }
}

/// An import's name: the function, qualified by its interface as the component names it.
pub(super) fn import_name(interface: Option<&str>, function: &str) -> String {
    let function = crate::call_name(function);
    match interface {
        Some(interface) => format!("{interface}.{function}"),
        None => function,
    }
}

/// Whether an interface import is one the host provides itself: WASI and the plugin API.
fn provided_by_host(interface: &str) -> bool {
    interface.starts_with("wasi:") || interface.starts_with("witness:plugin/")
}
