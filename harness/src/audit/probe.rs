//! Probing one language's audit component: each value of a type sent through `echo-<n>`,
//! `show-<n>`, `relay-<n>` (the host answering the import with what it received) and
//! `seen-<n>` (the host answering `give-<n>` with the value), each outcome compared with
//! what was sent. A trap ends its instance; the next probe makes a new one.

use anyhow::Result;
use wasmtime::component::types::ComponentFunc;
use wasmtime::component::{Type, Val};
use witness_host::value::{to_wave, values_identical};
use witness_host::{
    Answers, CallOutcome, CallRecord, Host, InstanceSettings, LoadedComponent, PluginInstance,
    ScriptedImport,
};

use super::canonical;
use super::wit;

/// What one probe of one value found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probed {
    /// It came back, or was seen, as sent.
    Right,
    /// It came back as another value (WAVE), or was seen as another text.
    Wrong(String),
    /// The call trapped (its kind).
    Trapped(String),
}

impl Probed {
    /// Whether the probe found nothing wrong.
    pub fn right(&self) -> bool {
        *self == Probed::Right
    }
}

/// What relaying one value found: the argument the host received, and what came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relayed {
    /// The host received the value as sent (`Right`), another one (`Wrong`, as WAVE), or the
    /// guest trapped before calling the import (`Trapped`).
    pub argument: Probed,
    /// What the export returned.
    pub result: Probed,
}

/// The instances of one audit component, and the types of its exports.
pub struct Prober<'a> {
    host: &'a Host,
    component: &'a LoadedComponent,
    /// Each type's `echo-<n>` signature.
    echo_types: Vec<ComponentFunc>,
    /// A value of each type, as WAVE, that `give-<n>` answers when nothing else is asked.
    placeholders: Vec<String>,
    current: Option<PluginInstance>,
    /// Calls made on the current instance.
    calls: usize,
}

/// The most calls one instance takes before the next is made: its record of host calls
/// (which tells what `relay` passed on) is bounded.
const CALLS_PER_INSTANCE: usize = 1000;

impl<'a> Prober<'a> {
    /// A prober of `component`, whose `count` types are numbered from 0; `placeholders`
    /// give a value of each.
    pub fn new(
        host: &'a Host,
        component: &'a LoadedComponent,
        echo_types: Vec<ComponentFunc>,
        placeholders: Vec<String>,
    ) -> Self {
        Prober {
            host,
            component,
            echo_types,
            placeholders,
            current: None,
            calls: 0,
        }
    }

    /// The type of the values of type number `n`.
    pub fn value_type(&self, n: usize) -> Option<Type> {
        self.echo_types.get(n)?.params().next().map(|(_, ty)| ty)
    }

    /// The number of the type `ty`, if the audit has it.
    pub fn number_of(&self, ty: &Type) -> Option<usize> {
        (0..self.echo_types.len()).find(|&n| self.value_type(n).as_ref() == Some(ty))
    }

    /// The instance's settings: every `relay-<n>` answered with its argument, every
    /// `give-<n>` with its placeholder, but `give` (type `n`) with `answers` in order.
    fn settings(&self, give: Option<(usize, Vec<String>)>) -> InstanceSettings {
        let mut imports = Vec::new();
        for n in 0..self.echo_types.len() {
            imports.push(ScriptedImport {
                function: wit::relay(n),
                interface: Some(wit::HOST.to_string()),
                returns: Some(Answers::Echo),
            });
            let returns = match &give {
                Some((m, answers)) if *m == n => Answers::InOrder(answers.clone()),
                _ => Answers::Always(self.placeholders.get(n).cloned().unwrap_or_default()),
            };
            imports.push(ScriptedImport {
                function: wit::give(n),
                interface: Some(wit::HOST.to_string()),
                returns: Some(returns),
            });
        }
        // Only what the component imports (a Rust guest leaves out what it never calls).
        let imported = self.component.scripted_imports();
        imports.retain(|i| {
            imported
                .iter()
                .any(|name| name.ends_with(&format!(".{}", i.function)) || *name == i.function)
        });
        let mut settings = InstanceSettings {
            imports,
            ..InstanceSettings::default()
        };
        // Relayed values are recorded as text: long lists and strings need room.
        settings.limits.output = 64 << 20;
        settings
    }

    fn call(&mut self, name: &str, args: &[Val]) -> Result<CallRecord> {
        if self.calls >= CALLS_PER_INSTANCE {
            self.current = None;
        }
        if self.current.is_none() {
            self.calls = 0;
            let settings = self.settings(None);
            self.current = Some(self.host.instantiate(self.component, &settings)?);
        }
        let instance = match self.current.as_mut() {
            Some(instance) => instance,
            None => anyhow::bail!("no instance"),
        };
        let record = instance.call_values(name, None, args)?;
        self.calls += 1;
        if matches!(record.outcome, CallOutcome::Trapped { .. }) {
            self.current = None;
        }
        Ok(record)
    }

    /// `echo-<n>(value)`: does it come back identical?
    pub fn echo(&mut self, n: usize, value: &Val) -> Result<Probed> {
        let record = self.call(&wit::echo(n), std::slice::from_ref(value))?;
        Ok(same_value(value, &record))
    }

    /// `show-<n>(value)`: does the guest see it as sent?
    pub fn show(&mut self, n: usize, value: &Val, ty: &Type) -> Result<Probed> {
        let record = self.call(&wit::show(n), std::slice::from_ref(value))?;
        Ok(same_text(value, ty, &record))
    }

    /// `relay-<n>(value)`: does the host receive it as sent, and does it come back?
    pub fn relay(&mut self, n: usize, value: &Val) -> Result<Relayed> {
        let record = self.call(&wit::relay(n), std::slice::from_ref(value))?;
        let sent = to_wave(value);
        let marker = format!("{}.{}(", wit::HOST, wit::relay(n));
        let argument = match record.host_calls.iter().find(|c| c.starts_with(&marker)) {
            // The host answers with what it received: `relay-<n>(ARG) -> ARG`.
            Some(call) => match call.rsplit_once(" -> ") {
                Some((_, received)) if received == sent => Probed::Right,
                Some((_, received)) => Probed::Wrong(received.to_string()),
                None => Probed::Wrong(call.clone()),
            },
            None => match &record.outcome {
                CallOutcome::Trapped { kind, .. } => Probed::Trapped(kind.to_string()),
                CallOutcome::Returned(_) => Probed::Wrong("(the import was not called)".into()),
            },
        };
        Ok(Relayed {
            argument,
            result: same_value(value, &record),
        })
    }

    /// `seen-<n>()` for each of `values` in turn, the host's `give-<n>` answering each:
    /// does the guest see each as sent? An instance a trap ends is made again with the
    /// values left.
    pub fn seen(&mut self, n: usize, values: &[Val], ty: &Type) -> Result<Vec<Probed>> {
        let mut found = Vec::with_capacity(values.len());
        while found.len() < values.len() {
            let left: Vec<String> = values[found.len()..].iter().map(to_wave).collect();
            let settings = self.settings(Some((n, left)));
            let mut instance = self.host.instantiate(self.component, &settings)?;
            for value in &values[found.len()..] {
                let record = instance.call_values(&wit::seen(n), None, &[])?;
                let trapped = matches!(record.outcome, CallOutcome::Trapped { .. });
                found.push(same_text(value, ty, &record));
                if trapped {
                    break;
                }
            }
        }
        Ok(found)
    }
}

fn same_value(sent: &Val, record: &CallRecord) -> Probed {
    match &record.outcome {
        CallOutcome::Returned(Some(got)) if values_identical(sent, got) => Probed::Right,
        CallOutcome::Returned(Some(got)) => Probed::Wrong(to_wave(got)),
        CallOutcome::Returned(None) => Probed::Wrong("(nothing)".into()),
        CallOutcome::Trapped { kind, .. } => Probed::Trapped(kind.to_string()),
    }
}

fn same_text(sent: &Val, ty: &Type, record: &CallRecord) -> Probed {
    let expected = canonical::text(sent, ty);
    match &record.outcome {
        CallOutcome::Returned(Some(Val::String(seen))) if *seen == expected => Probed::Right,
        CallOutcome::Returned(Some(Val::String(seen))) => Probed::Wrong(seen.clone()),
        CallOutcome::Returned(other) => Probed::Wrong(format!("{other:?}")),
        CallOutcome::Trapped { kind, .. } => Probed::Trapped(kind.to_string()),
    }
}
