//! Scripted host imports: functions a component imports beyond WASI and the plugin API
//! (`witness:plugin/*`), linked dynamically (`LinkerInstance::func_new`) and answered from a
//! script, each call recorded as a host call with its arguments and answer, such as
//! `test:host/db.lookup("key") -> "alpha"`. An imported resource is a recording object of the
//! host's (`ResourceType::host_dynamic`): its constructor makes a new object (`blob#1`),
//! its methods answer from the script, and each drop is recorded.
//!
//! A script names each import that returns something, with one answer for every call or one
//! per call in order, as WAVE text. The answers are typed against the import when an
//! instance is made, so a wrong one is refused before the guest runs; an import the script
//! does not answer, an entry for something the component does not import, and a call with
//! no answer left are each an error that names the import and the entry.

use std::collections::HashMap;
use std::fmt::Write as _;

use anyhow::Result;
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{Component, Linker, ResourceDynamic, ResourceType, Type, Val};
use wasmtime::{Engine, StoreContextMut};

use crate::state::HostState;
use crate::value::to_wave;
use crate::value_text::ValueTextError;

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
}

/// Why a script does not fit a component. `entry` is the 1-based position of the script
/// entry concerned, as a fixture numbers its `[[import]]` tables.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    /// An entry names a function the component does not import.
    #[error(
        "[[import]] #{entry} names `{import}`, which the component does not import; it \
         imports: {}",
        list(.available)
    )]
    NotImported {
        /// The entry.
        entry: usize,
        /// What it names.
        import: String,
        /// The scriptable functions the component does import.
        available: Vec<String>,
    },
    /// An answer is not a value of the import's result type.
    #[error(
        "[[import]] #{entry} `{import}`: the answer `{}` is not a value of its result type \
         {}: {error}",
        .error.text,
        .error.ty
    )]
    WrongType {
        /// The entry.
        entry: usize,
        /// The import.
        import: String,
        /// Why the answer (`error.text`) is not a value of the result type (`error.ty`).
        error: Box<ValueTextError>,
    },
    /// An entry gives answers to a function that returns nothing.
    #[error("[[import]] #{entry} `{import}` returns nothing, so it takes no `returns`")]
    ReturnsNothing {
        /// The entry.
        entry: usize,
        /// The import.
        import: String,
    },
    /// An entry for a function that returns something gives no answers.
    #[error("[[import]] #{entry} `{import}: {signature}` needs `returns`: its answer, as WAVE")]
    NoReturns {
        /// The entry.
        entry: usize,
        /// The import.
        import: String,
        /// Its signature.
        signature: String,
    },
    /// Two entries name the same import.
    #[error("[[import]] #{entry} names `{import}` again; give all its answers in one entry")]
    Repeated {
        /// The second entry.
        entry: usize,
        /// The import.
        import: String,
    },
    /// An import that returns something has no entry.
    #[error(
        "the component imports `{import}: {signature}`, which no [[import]] answers; add one \
         with `function` and `returns`"
    )]
    Unanswered {
        /// The import.
        import: String,
        /// Its signature.
        signature: String,
    },
    /// The component imports something that cannot be scripted (a resource).
    #[error("the component imports {what} `{import}`, which witness cannot script yet")]
    Unsupported {
        /// What kind of item it is.
        what: String,
        /// The import.
        import: String,
    },
}

impl ScriptError {
    /// The 1-based position of the `[[import]]` entry the error is about, where it is one.
    pub fn entry(&self) -> Option<usize> {
        match self {
            ScriptError::NotImported { entry, .. }
            | ScriptError::WrongType { entry, .. }
            | ScriptError::ReturnsNothing { entry, .. }
            | ScriptError::NoReturns { entry, .. }
            | ScriptError::Repeated { entry, .. } => Some(*entry),
            ScriptError::Unanswered { .. } | ScriptError::Unsupported { .. } => None,
        }
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "nothing scriptable".to_string()
    } else {
        names.join(", ")
    }
}

/// An import's name: the function, qualified by its interface as the component names it.
fn import_name(interface: Option<&str>, function: &str) -> String {
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

/// A function the component imports that the host does not provide.
#[derive(Debug, Clone)]
struct ImportedFunc {
    interface: Option<String>,
    function: String,
    ty: ComponentFunc,
}

/// A resource the component imports from an interface the host does not provide: the host
/// implements it as a recording object.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ImportedResource {
    interface: String,
    name: String,
}

/// Every function and resource `component` imports outside WASI and the plugin API.
fn scriptable_imports(
    engine: &Engine,
    component: &Component,
) -> Result<(Vec<ImportedFunc>, Vec<ImportedResource>), ScriptError> {
    let mut funcs = Vec::new();
    let mut resources = Vec::new();
    for (name, item) in component.component_type().imports(engine) {
        match item.ty {
            ComponentItem::ComponentFunc(ty) => funcs.push(ImportedFunc {
                interface: None,
                function: name.to_string(),
                ty,
            }),
            ComponentItem::ComponentInstance(_) if provided_by_host(name) => {}
            ComponentItem::ComponentInstance(instance) => {
                for (export, item) in instance.exports(engine) {
                    match item.ty {
                        ComponentItem::ComponentFunc(ty) => funcs.push(ImportedFunc {
                            interface: Some(name.to_string()),
                            function: export.to_string(),
                            ty,
                        }),
                        ComponentItem::Resource(_) => resources.push(ImportedResource {
                            interface: name.to_string(),
                            name: export.to_string(),
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
    Ok((funcs, resources))
}

/// Defines every scriptable import of `component` in `linker` (a copy of the host's), each
/// answered from the instance's script. Returns their names.
pub(crate) fn define_imports(
    engine: &Engine,
    component: &Component,
    linker: &mut Linker<HostState>,
) -> Result<Vec<String>> {
    let (funcs, resources) = scriptable_imports(engine, component)?;
    for (id, resource) in resources.iter().enumerate() {
        let id = u32::try_from(id)?;
        linker.instance(&resource.interface)?.resource(
            &resource.name,
            ResourceType::host_dynamic(id),
            move |mut store: StoreContextMut<'_, HostState>, rep| {
                let label = store.data_mut().script.dropped(id, rep);
                store.data_mut().record_host_call(format!("drop {label}"));
                Ok(())
            },
        )?;
    }
    for func in &funcs {
        let key = ImportKey {
            interface: func.interface.clone(),
            function: func.function.clone(),
        };
        let answer = move |mut store: StoreContextMut<'_, HostState>,
                           _: ComponentFunc,
                           params: &[Val],
                           results: &mut [Val]|
              -> wasmtime::Result<()> {
            answer_import(&mut store, &key, params, results)
        };
        match &func.interface {
            Some(interface) => linker
                .instance(interface)?
                .func_new(&func.function, answer)?,
            None => linker.root().func_new(&func.function, answer)?,
        }
    }
    let names = funcs
        .iter()
        .map(|f| import_name(f.interface.as_deref(), &f.function))
        .chain(
            resources
                .iter()
                .map(|r| format!("{}.{}", r.interface, r.name)),
        );
    Ok(names.collect())
}

/// Answers a call of a scripted import and records it: a resource's constructor makes a new
/// handle of the host's recording object, anything else answers from the script; handles
/// among the arguments show as `blob#1`.
fn answer_import(
    store: &mut StoreContextMut<'_, HostState>,
    key: &ImportKey,
    params: &[Val],
    results: &mut [Val],
) -> wasmtime::Result<()> {
    let mut args = Vec::with_capacity(params.len());
    for param in params {
        args.push(show_argument(store, param)?);
    }
    let (record, answered) = match key.function.strip_prefix("[constructor]") {
        Some(resource) => {
            let state = store.data_mut();
            let made = state.script.construct(&key.interface, resource);
            let mut record = import_name(key.interface.as_deref(), &key.function);
            write!(record, "({})", args.join(", ")).ok();
            match made {
                Some((id, rep, label)) => {
                    let handle =
                        ResourceDynamic::new_own(rep, id).try_into_resource_any(&mut *store)?;
                    if let Some(slot) = results.first_mut() {
                        *slot = Val::Resource(handle);
                    }
                    write!(record, " -> {label}").ok();
                    (record, Ok(()))
                }
                None => {
                    let message = format!("{record}: the host knows no resource `{resource}`");
                    (record, Err(wasmtime::Error::msg(message)))
                }
            }
        }
        None => store.data_mut().script.answer(key, &args, results),
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
        let script = &mut store.data_mut().script;
        labels.push((handle, script.label(dynamic.ty(), dynamic.rep())));
        if handle.owned() {
            script.dropped(dynamic.ty(), dynamic.rep());
        }
    }
    Ok(crate::value::to_wave_with(value, &|handle| {
        labels
            .iter()
            .find(|(known, _)| known == handle)
            .map_or_else(|| "resource#?".to_string(), |(_, label)| label.clone())
    }))
}

/// Which import a call is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ImportKey {
    interface: Option<String>,
    function: String,
}

/// One import's typed answers, for one instance.
#[derive(Debug, Clone)]
struct Answering {
    entry: usize,
    answers: TypedAnswers,
    calls: usize,
}

#[derive(Debug, Clone)]
enum TypedAnswers {
    None,
    Always(Val),
    InOrder(Vec<Val>),
}

/// The script of one instance, typed against its component's imports.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    answering: HashMap<ImportKey, Answering>,
    /// Set when a call found no answer left: the fixture's fault, not the guest's.
    exhausted: Option<String>,
    /// The host resources the component imports, by id (as `ResourceType::host_dynamic`).
    resources: Vec<ImportedResource>,
    /// How many objects of each resource were made, by id.
    made: Vec<u32>,
    /// The objects alive now, as (id, rep).
    live: Vec<(u32, u32)>,
}

impl Script {
    /// Types `script` against the imports of `component`: every entry must name an import,
    /// every answer must fit its result type, and every import that returns something must
    /// have an entry.
    pub(crate) fn prepare(
        engine: &Engine,
        component: &Component,
        script: &[ScriptedImport],
    ) -> Result<Script, ScriptError> {
        let (funcs, resources) = scriptable_imports(engine, component)?;
        let mut answering = HashMap::new();
        let mut answered = vec![false; funcs.len()];
        for (i, entry) in script.iter().enumerate() {
            let number = i + 1;
            let found = funcs.iter().position(|f| {
                (f.function == entry.function || crate::call_name(&f.function) == entry.function)
                    && match (&entry.interface, &f.interface) {
                        (None, None) => true,
                        (Some(script), Some(import)) => {
                            crate::call::names_interface(script, import)
                        }
                        _ => false,
                    }
            });
            let Some(index) = found else {
                return Err(ScriptError::NotImported {
                    entry: number,
                    import: import_name(entry.interface.as_deref(), &entry.function),
                    available: funcs
                        .iter()
                        .map(|f| import_name(f.interface.as_deref(), &f.function))
                        .collect(),
                });
            };
            let func = &funcs[index];
            let name = import_name(func.interface.as_deref(), &func.function);
            if answered[index] {
                return Err(ScriptError::Repeated {
                    entry: number,
                    import: name,
                });
            }
            answered[index] = true;
            if entry.returns == Some(Answers::InOrder(Vec::new())) {
                return Err(ScriptError::NoReturns {
                    entry: number,
                    import: name,
                    signature: crate::signature(&func.ty),
                });
            }
            let answers = match (func.ty.results().next(), &entry.returns) {
                (None, None) => TypedAnswers::None,
                (None, Some(_)) => {
                    return Err(ScriptError::ReturnsNothing {
                        entry: number,
                        import: name,
                    });
                }
                (Some(_), None) => {
                    return Err(ScriptError::NoReturns {
                        entry: number,
                        import: name,
                        signature: crate::signature(&func.ty),
                    });
                }
                (Some(result), Some(returns)) => {
                    let typed = |answer: &String| typed_answer(number, &name, &result, answer);
                    match returns {
                        Answers::Always(answer) => TypedAnswers::Always(typed(answer)?),
                        Answers::InOrder(list) => {
                            TypedAnswers::InOrder(list.iter().map(typed).collect::<Result<_, _>>()?)
                        }
                    }
                }
            };
            let key = ImportKey {
                interface: func.interface.clone(),
                function: func.function.clone(),
            };
            answering.insert(
                key,
                Answering {
                    entry: number,
                    answers,
                    calls: 0,
                },
            );
        }
        for (func, answered) in funcs.iter().zip(answered) {
            // A constructor needs no answer: the host makes the object.
            let constructor = func.function.starts_with("[constructor]");
            if answered && !constructor {
                continue;
            }
            if func.ty.results().next().is_some() && !constructor {
                return Err(ScriptError::Unanswered {
                    import: import_name(func.interface.as_deref(), &func.function),
                    signature: crate::signature(&func.ty),
                });
            }
            let key = ImportKey {
                interface: func.interface.clone(),
                function: func.function.clone(),
            };
            let none = Answering {
                entry: 0,
                answers: TypedAnswers::None,
                calls: 0,
            };
            answering.insert(key, none);
        }
        let made = vec![0; resources.len()];
        Ok(Script {
            answering,
            exhausted: None,
            resources,
            made,
            live: Vec::new(),
        })
    }

    /// The answer to a call of `key` with `params`, and the record of the call.
    fn answer(
        &mut self,
        key: &ImportKey,
        args: &[String],
        results: &mut [Val],
    ) -> (String, wasmtime::Result<()>) {
        let mut record = import_name(key.interface.as_deref(), &key.function);
        write!(record, "({})", args.join(", ")).ok();
        let Some(answering) = self.answering.get_mut(key) else {
            let message = format!("{record}: the host has no script for this import");
            return (record, Err(wasmtime::Error::msg(message)));
        };
        answering.calls += 1;
        let answer = match &answering.answers {
            TypedAnswers::None => None,
            TypedAnswers::Always(value) => Some(value.clone()),
            TypedAnswers::InOrder(list) => match list.get(answering.calls - 1) {
                Some(value) => Some(value.clone()),
                None => {
                    let message = format!(
                        "call {} of {record} has no answer: [[import]] #{} gives {} answer(s)",
                        answering.calls,
                        answering.entry,
                        list.len()
                    );
                    self.exhausted = Some(message.clone());
                    return (record, Err(wasmtime::Error::msg(message)));
                }
            },
        };
        if let (Some(value), Some(slot)) = (answer, results.first_mut()) {
            write!(record, " -> {}", to_wave(&value)).ok();
            *slot = value;
        }
        (record, Ok(()))
    }
}

impl Script {
    /// Makes a new object of `resource` (of `interface`): its id, rep and label.
    fn construct(
        &mut self,
        interface: &Option<String>,
        resource: &str,
    ) -> Option<(u32, u32, String)> {
        let index = self
            .resources
            .iter()
            .position(|r| Some(&r.interface) == interface.as_ref() && r.name == resource)?;
        let id = u32::try_from(index).ok()?;
        self.made[index] += 1;
        let rep = self.made[index];
        self.live.push((id, rep));
        Some((id, rep, self.label(id, rep)))
    }

    /// The label of object `rep` of resource `id`: `blob#1`.
    fn label(&self, id: u32, rep: u32) -> String {
        let name = usize::try_from(id)
            .ok()
            .and_then(|i| self.resources.get(i))
            .map_or("resource", |r| r.name.as_str());
        format!("{name}#{rep}")
    }

    /// Object `rep` of resource `id` was dropped: its label.
    fn dropped(&mut self, id: u32, rep: u32) -> String {
        self.live.retain(|&(i, r)| (i, r) != (id, rep));
        self.label(id, rep)
    }

    /// The labels of the objects the guest never dropped.
    pub(crate) fn undropped(&self) -> Vec<String> {
        self.live
            .iter()
            .map(|&(id, rep)| self.label(id, rep))
            .collect()
    }

    /// The message of a call that found no answer left, once.
    pub(crate) fn take_exhausted(&mut self) -> Option<String> {
        self.exhausted.take()
    }
}

fn typed_answer(entry: usize, import: &str, ty: &Type, answer: &str) -> Result<Val, ScriptError> {
    crate::value_text::parse_value(ty, answer).map_err(|error| ScriptError::WrongType {
        entry,
        import: import.to_string(),
        error: Box::new(error),
    })
}
