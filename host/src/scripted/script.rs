//! The script of one instance: the `[[import]]` entries typed against the component's
//! imports when the instance is made, so a wrong one is refused before the guest runs; then
//! each call's answer, in order, and the host's recording objects.

use std::collections::HashMap;
use std::fmt::Write as _;

use wasmtime::Engine;
use wasmtime::component::{Component, Type, Val};

use super::imports::{ImportedFunc, Imports, Returns, import_name};
use super::objects::Objects;
use super::{Answers, ScriptError, ScriptedImport};
use crate::value::to_wave;

/// Which import a call is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ImportKey {
    /// The interface that holds it, if any.
    pub(super) interface: Option<String>,
    /// Its name as the component imports it.
    pub(super) function: String,
}

impl ImportKey {
    /// The key of `func`.
    pub(super) fn of(func: &ImportedFunc) -> Self {
        ImportKey {
            interface: func.interface.clone(),
            function: func.function.clone(),
        }
    }
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
    Echo,
}

/// The script of one instance, typed against its component's imports.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    answering: HashMap<ImportKey, Answering>,
    /// Set when a call found no answer left: the fixture's fault, not the guest's.
    exhausted: Option<String>,
    /// The objects of the host resources the component imports.
    pub(super) objects: Objects,
}

impl Script {
    /// Types `script` against the imports of `component`: every entry must name an import
    /// the script can answer, every answer must fit its result type, and every import that
    /// returns a value must have an entry. A function that returns a new object of a host
    /// resource (a constructor, or any function whose result is `own<R>` of one) needs none:
    /// the host makes the object.
    pub(crate) fn prepare(
        engine: &Engine,
        component: &Component,
        script: &[ScriptedImport],
    ) -> Result<Script, ScriptError> {
        let imports = Imports::of(engine, component)?;
        let funcs = &imports.funcs;
        let mut answering = HashMap::new();
        let mut answered = vec![false; funcs.len()];
        for (i, entry) in script.iter().enumerate() {
            let number = i + 1;
            let Some(index) = funcs.iter().position(|f| names(entry, f)) else {
                return Err(ScriptError::NotImported {
                    entry: number,
                    import: import_name(entry.interface.as_deref(), &entry.function),
                    available: funcs.iter().map(ImportedFunc::name).collect(),
                });
            };
            let func = &funcs[index];
            if answered[index] {
                return Err(ScriptError::Repeated {
                    entry: number,
                    import: func.name(),
                });
            }
            answered[index] = true;
            let answers = typed_entry(&imports, func, number, entry.returns.as_ref())?;
            answering.insert(
                ImportKey::of(func),
                Answering {
                    entry: number,
                    answers,
                    calls: 0,
                },
            );
        }
        for (func, answered) in funcs.iter().zip(answered) {
            if answered {
                continue;
            }
            match &func.result {
                Returns::Nothing => {
                    let none = Answering {
                        entry: 0,
                        answers: TypedAnswers::None,
                        calls: 0,
                    };
                    answering.insert(ImportKey::of(func), none);
                }
                Returns::NewObject(_) => {}
                Returns::Value(_) => {
                    return Err(ScriptError::Unanswered {
                        import: func.name(),
                        signature: imports.signature(func),
                    });
                }
                Returns::HandleInside | Returns::ForeignHandle => {
                    return Err(unanswerable(&imports, func, None));
                }
            }
        }
        let names = imports.resources.iter().map(|r| r.name.clone()).collect();
        Ok(Script {
            answering,
            exhausted: None,
            objects: Objects::new(names),
        })
    }

    /// The answer to a call of `key` with `args` (as the record shows them), and the record
    /// of the call.
    pub(super) fn answer(
        &mut self,
        key: &ImportKey,
        args: &[String],
        params: &[Val],
        results: &mut [Val],
        result_ty: Option<&Type>,
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
            TypedAnswers::Echo => params.first().cloned(),
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
            let shown = match result_ty {
                Some(ty) => crate::transmit::placeholder_text(ty, &value),
                None => to_wave(&value),
            };
            write!(record, " -> {shown}").ok();
            *slot = value;
        }
        (record, Ok(()))
    }

    /// The labels of the objects the guest never dropped.
    pub(crate) fn undropped(&self) -> Vec<String> {
        self.objects.undropped()
    }

    /// The message of a call that found no answer left, once.
    pub(crate) fn take_exhausted(&mut self) -> Option<String> {
        self.exhausted.take()
    }
}

/// Whether script `entry` names `func`: by its name as the component imports it or as a
/// call writes it (`blob.size`), in the interface named with or without its version.
fn names(entry: &ScriptedImport, func: &ImportedFunc) -> bool {
    (func.function == entry.function || crate::call_name(&func.function) == entry.function)
        && match (&entry.interface, &func.interface) {
            (None, None) => true,
            (Some(script), Some(import)) => crate::call::names_interface(script, import),
            _ => false,
        }
}

/// The answers entry `number` gives `func`, typed against its result.
fn typed_entry(
    imports: &Imports,
    func: &ImportedFunc,
    number: usize,
    returns: Option<&Answers>,
) -> Result<TypedAnswers, ScriptError> {
    let name = func.name();
    let result = match &func.result {
        Returns::NewObject(id) => {
            let resource = usize::try_from(*id)
                .ok()
                .and_then(|id| imports.resources.get(id))
                .map_or_else(|| "resource".to_string(), |r| r.name.clone());
            return Err(ScriptError::MakesObject {
                entry: number,
                import: name,
                resource,
            });
        }
        Returns::HandleInside | Returns::ForeignHandle => {
            return Err(unanswerable(imports, func, Some(number)));
        }
        Returns::Nothing => None,
        Returns::Value(result) => Some(result),
    };
    let no_returns = || ScriptError::NoReturns {
        entry: number,
        import: name.clone(),
        signature: imports.signature(func),
    };
    match (result, returns) {
        (None, None) => Ok(TypedAnswers::None),
        (None, Some(_)) => Err(ScriptError::ReturnsNothing {
            entry: number,
            import: name.clone(),
        }),
        (Some(_), None) => Err(no_returns()),
        (Some(_), Some(Answers::InOrder(list))) if list.is_empty() => Err(no_returns()),
        (Some(result), Some(Answers::Echo)) => {
            let params: Vec<_> = func.ty.params().map(|(_, ty)| ty).collect();
            match params.as_slice() {
                [only] if only == result => Ok(TypedAnswers::Echo),
                _ => Err(ScriptError::NotEchoable {
                    entry: number,
                    import: name.clone(),
                    signature: imports.signature(func),
                }),
            }
        }
        (Some(result), Some(Answers::Always(answer))) => Ok(TypedAnswers::Always(typed_answer(
            number, &name, result, answer,
        )?)),
        (Some(result), Some(Answers::InOrder(list))) => Ok(TypedAnswers::InOrder(
            list.iter()
                .map(|answer| typed_answer(number, &name, result, answer))
                .collect::<Result<_, _>>()?,
        )),
    }
}

/// The error for `func`, whose result holds a handle the script cannot give.
fn unanswerable(imports: &Imports, func: &ImportedFunc, entry: Option<usize>) -> ScriptError {
    let (import, signature) = (func.name(), imports.signature(func));
    match func.result {
        Returns::ForeignHandle => ScriptError::ForeignHandle {
            entry,
            import,
            signature,
        },
        _ => ScriptError::HandleInside {
            entry,
            import,
            signature,
        },
    }
}

fn typed_answer(entry: usize, import: &str, ty: &Type, answer: &str) -> Result<Val, ScriptError> {
    crate::value_text::parse_value(ty, answer).map_err(|error| ScriptError::WrongType {
        entry,
        import: import.to_string(),
        error: Box::new(error),
    })
}
