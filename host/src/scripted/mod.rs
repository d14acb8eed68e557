//! Scripted host imports: functions a component imports beyond WASI and the plugin API
//! (`witness:plugin/*`), linked dynamically (`LinkerInstance::func_new`) and answered from a
//! script, each call recorded as a host call with its arguments and answer, such as
//! `test:host/db.lookup("key") -> "alpha"`. An imported resource is a recording object of the
//! host's (`ResourceType::host_dynamic`): a function whose result is a new object of it (its
//! constructor, or a static or method returning `own<blob>`) makes one (`blob#1`), its
//! other methods and statics answer from the script, and each drop is recorded.
//!
//! A script names each import that returns a value, with one answer for every call or one
//! per call in order, as WAVE text. The answers are typed against the import when an
//! instance is made, so a wrong one is refused before the guest runs; an import the script
//! does not answer, an entry for something the component does not import or for a function
//! the host answers itself, a result that holds a handle inside another value, and a call
//! with no answer left are each an error that names the import and the entry.
//!
//! This module links the imports and answers their calls; `imports` finds them in a
//! component, `script` types the entries and gives the answers, `objects` numbers the
//! recording objects, and `error` says why a script does not fit.

mod error;
mod imports;
mod objects;
mod script;

use std::fmt::Write as _;

use anyhow::Result;
use wasmtime::component::types::ComponentFunc;
use wasmtime::component::{Component, Linker, ResourceDynamic, ResourceType, Val};
use wasmtime::{AsContextMut, Engine, StoreContextMut};

pub use error::ScriptError;
use imports::{Imports, Returns, import_name};
use script::ImportKey;
pub(crate) use script::Script;

use crate::state::HostState;

/// One scripted import: the function, where it lives, and what it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedImport {
    /// The function's name.
    pub function: String,
    /// The imported interface that holds it (`test:host/db`, with or without its version);
    /// `None` for a function the world imports directly.
    pub interface: Option<String>,
    /// What it returns, as WAVE; `None` for a function without a result.
    pub returns: Option<Answers>,
}

/// What a scripted import returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answers {
    /// The same answer to every call.
    Always(String),
    /// One answer per call, in order; a call past the last is an error.
    InOrder(Vec<String>),
    /// Each call answered with its own argument: for an import of one parameter whose type
    /// is its result's (`relay: func(x: T) -> T`), so the guest gets back what it lowered.
    Echo,
}

/// Defines every scriptable import of `component` in `linker` (a copy of the host's), each
/// answered from the instance's script. Returns their names.
pub(crate) fn define_imports(
    engine: &Engine,
    component: &Component,
    linker: &mut Linker<HostState>,
) -> Result<Vec<String>> {
    let imports = Imports::of(engine, component)?;
    for (id, resource) in imports.resources.iter().enumerate() {
        let id = u32::try_from(id)?;
        linker.instance(&resource.interface)?.resource(
            &resource.name,
            ResourceType::host_dynamic(id),
            move |mut store: StoreContextMut<'_, HostState>, rep| {
                let label = store.data_mut().script.objects.dropped(id, rep);
                store.data_mut().record_host_call(format!("drop {label}"));
                Ok(())
            },
        )?;
    }
    for func in &imports.funcs {
        let key = ImportKey::of(func);
        let new_object = match func.result {
            Returns::NewObject(id) => Some(id),
            _ => None,
        };
        let mut scope = match &func.interface {
            Some(interface) => linker.instance(interface)?,
            None => linker.root(),
        };
        if func.ty.async_() {
            // An `async func` import is answered at once, as a synchronous one is.
            scope.func_new_concurrent(&func.function, move |accessor, ty, params, results| {
                let answered = accessor.with(|mut access| {
                    let mut store = access.as_context_mut();
                    answer_import(&mut store, &key, new_object, &ty, params, results)
                });
                Box::pin(std::future::ready(answered))
            })?;
        } else {
            // Asynchronous, though answered at once: under concurrency support a synchronous
            // host function that lifts a borrowed handle fails in wasmtime 50 ("deferred host
            // scope has no call context").
            scope.func_new_async(&func.function, move |mut store, ty, params, results| {
                let answered = answer_import(&mut store, &key, new_object, &ty, params, results);
                Box::new(std::future::ready(answered))
            })?;
        }
    }
    Ok(imports.names())
}

/// Answers a call of a scripted import and records it: a function that returns a new
/// object of host resource `new_object` (a constructor, `blob.merge`) makes one, anything
/// else answers from the script; handles among the arguments show as `blob#1`.
fn answer_import(
    store: &mut StoreContextMut<'_, HostState>,
    key: &ImportKey,
    new_object: Option<u32>,
    ty: &ComponentFunc,
    params: &[Val],
    results: &mut [Val],
) -> wasmtime::Result<()> {
    let mut args = Vec::with_capacity(params.len());
    for param in params {
        args.push(show_argument(store, param)?);
        // A stream or future the guest passes is recorded as `stream` or `future` and its
        // end closed: the script has nothing to read it with.
        crate::transmit::close_all(store, param);
    }
    let (record, answered) = match new_object {
        Some(id) => {
            let mut record = import_name(key.interface.as_deref(), &key.function);
            write!(record, "({})", args.join(", ")).ok();
            match store.data_mut().script.objects.make(id) {
                Some((rep, label)) => {
                    let handle =
                        ResourceDynamic::new_own(rep, id).try_into_resource_any(&mut *store)?;
                    if let Some(slot) = results.first_mut() {
                        *slot = Val::Resource(handle);
                    }
                    write!(record, " -> {label}").ok();
                    (record, Ok(()))
                }
                None => {
                    let message = format!("{record}: the host knows no resource #{id}");
                    (record, Err(wasmtime::Error::msg(message)))
                }
            }
        }
        None => {
            let result_ty = ty.results().next();
            let (record, answered) =
                store
                    .data_mut()
                    .script
                    .answer(key, &args, params, results, result_ty.as_ref());
            // A stream or future answer is written as its items or value: the host makes it.
            let made = match (answered, result_ty, results.first()) {
                (Ok(()), Some(result_ty), Some(value)) => crate::transmit::placeholder_to_transmit(
                    store.as_context_mut(),
                    &result_ty,
                    value,
                )
                .map(|value| results[0] = value)
                .map_err(|e| wasmtime::Error::msg(format!("{record}: {e}"))),
                (answered, _, _) => answered,
            };
            (record, made)
        }
    };
    store.data_mut().record_host_call(record);
    answered
}

/// An argument of a scripted import as the record shows it: WAVE, with each handle of a
/// host resource as its label. A handle the guest passes back as `own` is the host's again,
/// and counts as dropped.
fn show_argument(
    store: &mut StoreContextMut<'_, HostState>,
    value: &Val,
) -> wasmtime::Result<String> {
    let mut labels = Vec::new();
    for handle in crate::value::handles_in(value) {
        let dynamic = handle.try_into_resource_dynamic(&mut *store)?;
        let objects = &mut store.data_mut().script.objects;
        labels.push((handle, objects.label(dynamic.ty(), dynamic.rep())));
        if handle.owned() {
            objects.dropped(dynamic.ty(), dynamic.rep());
        }
    }
    Ok(crate::value::to_wave_with(value, &|handle| {
        labels
            .iter()
            .find(|(known, _)| known == handle)
            .map_or_else(|| "resource#?".to_string(), |(_, label)| label.clone())
    }))
}

#[cfg(test)]
mod tests;
