//! Resource handles in a trial's calls: a call's result bound to a name (`bind = "c"`), the
//! name passed as a `borrow` or `own` argument (`counter.add(c, 2)`), and `drop(c)`. Handles
//! show in snapshots as `counter#1`, `counter#2`, numbered per instance in the order they
//! appeared, so the text is the same in every language.
//!
//! A name is live until it is dropped, moved into an `own` parameter, or its instance ends
//! (a trap ends it); using it after that, or a name never bound, or a handle of another
//! resource type, is an error naming the name and what became of it.

use std::collections::BTreeMap;

use wasmtime::component::{ResourceAny, ResourceType, Type, Val};
use witness_host::PluginInstance;
use witness_host::value::{handles_in, to_wave_with};

/// What became of a bound name.
#[derive(Debug, Clone)]
enum Binding {
    /// It holds this handle of the current instance.
    Live(ResourceAny),
    /// It is gone, and this says how (`dropped by [[call]] #4`).
    Gone(String),
}

/// The handles of one trial.
#[derive(Debug, Default)]
pub struct Handles {
    /// Bound names, with their label (`counter#1`) and state.
    bound: BTreeMap<String, (String, Binding)>,
    /// Every handle of the current instance, in order of appearance, with its label.
    labels: Vec<(ResourceAny, String)>,
    /// The resource types of the current instance's exports, by name.
    resources: Vec<(ResourceType, String)>,
    /// How many handles of each resource the current instance has shown.
    counts: BTreeMap<String, usize>,
    /// The interfaces whose resources are learnt, for the current instance.
    learnt: Vec<Option<String>>,
}

impl Handles {
    /// The current instance ended (a trap): its handles are gone, and numbering starts again.
    pub fn instance_ended(&mut self) {
        for (label, binding) in self.bound.values_mut() {
            if matches!(binding, Binding::Live(_)) {
                *binding = Binding::Gone(format!("{label} belonged to an instance a trap ended"));
            }
        }
        self.labels.clear();
        self.resources.clear();
        self.counts.clear();
        self.learnt.clear();
    }

    /// Learns the resource types `instance` exports in `interface` (from each resource's
    /// constructor result and methods' `self`), to name the handles it returns.
    pub fn learn(&mut self, instance: &mut PluginInstance, interface: Option<&str>) {
        let key = interface.map(str::to_string);
        if self.learnt.contains(&key) {
            return;
        }
        self.learnt.push(key);
        for export in instance.exported_functions(interface) {
            let Some((resource, _)) = witness_host::resource_function(&export) else {
                continue;
            };
            let Ok(ty) = instance.function_type(&export, interface) else {
                continue;
            };
            let own = if export.starts_with("[constructor]") {
                ty.results().next()
            } else if export.starts_with("[method]") {
                ty.params().map(|(_, t)| t).next()
            } else {
                None
            };
            if let Some(Type::Own(rt) | Type::Borrow(rt)) = own
                && !self.resources.iter().any(|(known, _)| *known == rt)
            {
                self.resources.push((rt, resource.to_string()));
            }
        }
    }

    /// The value of argument `text` for a parameter of type `ty`: the live handle bound to
    /// that name. An `own` parameter takes the handle over (`by` says which call).
    pub fn argument(&mut self, text: &str, ty: &Type, by: &str) -> Result<Val, String> {
        let (Type::Own(expected) | Type::Borrow(expected)) = ty else {
            return Err(format!(
                "`{text}` is not a value of {}",
                witness_host::type_name(ty)
            ));
        };
        let Some((label, binding)) = self.bound.get_mut(text) else {
            let names: Vec<&str> = self.bound.keys().map(String::as_str).collect();
            return Err(format!(
                "`{text}` is not a bound handle; bound so far: {}",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ));
        };
        let handle = match binding {
            Binding::Live(handle) => *handle,
            Binding::Gone(how) => return Err(format!("`{text}` ({how})")),
        };
        if handle.ty() != *expected {
            let wanted = self
                .resources
                .iter()
                .find(|(rt, _)| rt == expected)
                .map_or("another resource", |(_, name)| name.as_str());
            return Err(format!(
                "`{text}` is a {label}, where a {wanted} is expected"
            ));
        }
        if matches!(ty, Type::Own(_)) {
            *binding = Binding::Gone(format!("{label} was moved into {by}"));
        }
        Ok(Val::Resource(handle))
    }

    /// The handle `text` names, for `drop`; it is gone afterwards (`by` says which call).
    pub fn take_for_drop(&mut self, text: &str, by: &str) -> Result<ResourceAny, String> {
        let Some((label, binding)) = self.bound.get_mut(text) else {
            return Err(format!("`{text}` is not a bound handle"));
        };
        match binding {
            Binding::Live(handle) => {
                let handle = *handle;
                *binding = Binding::Gone(format!("{label} was dropped by {by}"));
                Ok(handle)
            }
            Binding::Gone(how) => Err(format!("`{text}` ({how})")),
        }
    }

    /// Whether `text` is a bound name (`drop(c)` drops it).
    pub fn is_bound(&self, text: &str) -> bool {
        self.bound.contains_key(text)
    }

    /// Numbers the handles in `value` that are new, and returns its text with each handle
    /// shown as its label, or `None` where it holds no handle (WAVE shows it as it is).
    pub fn show(&mut self, value: &Val) -> Option<String> {
        let handles = handles_in(value);
        if handles.is_empty() {
            return None;
        }
        for handle in handles {
            self.label(handle);
        }
        Some(self.text(value))
    }

    /// Binds `name` to the handle `value` is; the error says why it cannot.
    pub fn bind(&mut self, name: &str, value: Option<&Val>) -> Result<(), String> {
        if let Some((label, _)) = self.bound.get(name) {
            return Err(format!("`bind = \"{name}\"` is bound already (to {label})"));
        }
        let Some(Val::Resource(handle)) = value else {
            return Err(format!(
                "`bind = \"{name}\"` needs a call that returns a resource handle"
            ));
        };
        let label = self.label(*handle);
        self.bound
            .insert(name.to_string(), (label, Binding::Live(*handle)));
        Ok(())
    }

    /// The label of `handle`, numbering it if it is new.
    fn label(&mut self, handle: ResourceAny) -> String {
        if let Some((_, label)) = self.labels.iter().find(|(known, _)| *known == handle) {
            return label.clone();
        }
        let name = self
            .resources
            .iter()
            .find(|(rt, _)| *rt == handle.ty())
            .map_or_else(|| "resource".to_string(), |(_, name)| name.clone());
        let count = self.counts.entry(name.clone()).or_default();
        *count += 1;
        let label = format!("{name}#{count}");
        self.labels.push((handle, label.clone()));
        label
    }

    /// `value` as WAVE, with each handle as its label.
    fn text(&self, value: &Val) -> String {
        let label = |handle: &ResourceAny| {
            self.labels
                .iter()
                .find(|(known, _)| known == handle)
                .map_or_else(|| "resource#?".to_string(), |(_, label)| label.clone())
        };
        to_wave_with(value, &label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_without_handles_show_as_wave() {
        let value = Val::Tuple(vec![Val::U32(1), Val::String("a".into())]);
        assert_eq!(to_wave_with(&value, &|_| unreachable!()), "(1, \"a\")");
        let mut handles = Handles::default();
        assert_eq!(handles.show(&value), None);
        assert!(handles.bind("c", Some(&Val::U32(1))).is_err());
        let err = handles.argument("c", &Type::U32, "x").unwrap_err();
        assert!(err.contains("not a value of u32"), "{err}");
    }
}
