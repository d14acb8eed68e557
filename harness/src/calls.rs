//! A trial's `[[call]]`s, run in order on its instance lane: resource handles bound, passed
//! and dropped by name ([`crate::handles`]), each call's record kept for the checks. A call
//! that cannot be made (no such function, an argument that does not fit, a misused handle)
//! is a failure of its own: the calls after it still run, so every one is reported.

use wasmtime::component::Val;
use witness_host::{CallError, CallOutcome, CallRecord, GroupCall, ParsedCall};

use crate::error::{FixtureFileError, TrialError};
use crate::fixture::CallSpec;
use crate::handles::Handles;
use crate::lane::InstanceLane;
use crate::outcome::CallReport;
use crate::plan::TrialPlan;

/// What the calls did: a report per call that was made, in order, and the failures of those
/// that could not be made.
#[derive(Debug, Default)]
pub struct CallsRun {
    /// The calls that were made.
    pub reports: Vec<CallReport>,
    /// The index (0-based) in the fixture's `[[call]]`s of each report.
    pub indices: Vec<usize>,
    /// Why each other call could not be made.
    pub errors: Vec<TrialError>,
}

/// Runs every call of `plan` on `lane`. An error that stops the lane itself (the instance
/// cannot be made) ends the run with it.
pub fn run(plan: &TrialPlan, lane: &mut InstanceLane<'_>) -> Result<CallsRun, TrialError> {
    let mut run = CallsRun::default();
    let mut handles = Handles::default();
    lane.instance()?;
    for (i, (spec, call)) in plan.file.calls.iter().zip(&plan.calls).enumerate() {
        if spec.at_once.0 > 1 {
            if spec.starts_group() {
                run_group(plan, lane, &mut handles, &mut run, i)?;
            }
            continue;
        }
        // A trap ends its instance: the calls after it run on a new one.
        let new_instance = !lane.is_live();
        if new_instance && i > 0 {
            handles.instance_ended();
        }
        let interface = spec.interface.as_deref();
        let by = format!("[[call]] #{}", spec.entry + 1);
        let instance = lane.instance()?;
        handles.learn(instance, interface);
        // `drop(name)` drops a bound handle; it is the guest's own `drop` only where the
        // guest exports one and the name is no handle, so a misspelt name is named.
        let dropped = drop_target(call).filter(|name| {
            handles.is_bound(name)
                || !instance
                    .exported_functions(interface)
                    .iter()
                    .any(|f| f == "drop")
        });
        let record = match dropped {
            Some(name) => match handles.take_for_drop(&name, &by) {
                Ok(handle) => instance.drop_handle(handle),
                Err(message) => {
                    run.errors.push(bad_call(plan, i, spec, message));
                    continue;
                }
            },
            None => {
                let made = instance.call_with_handles(call, interface, &mut |text, ty| {
                    let into = format!("`{}` by {by}", call.name());
                    handles.argument(text, ty, &into)
                });
                match made {
                    Ok(record) => record,
                    Err(e) => {
                        run.errors.push(call_error(plan, i, e));
                        continue;
                    }
                }
            }
        };
        let result = match &record.outcome {
            CallOutcome::Returned(value) => value.as_ref(),
            CallOutcome::Trapped { .. } => None,
        };
        let shown = shown(&record, result, &mut handles);
        if let Some(name) = &spec.bind
            && !matches!(record.outcome, CallOutcome::Trapped { .. })
            && let Err(message) = handles.bind(name, result)
        {
            run.errors.push(bad_call(plan, i, spec, message));
        }
        lane.after(&record);
        run.reports.push(CallReport {
            invoke: spec.invoke.clone(),
            interface: spec.interface.clone(),
            record,
            new_instance,
            shown,
            at_once: spec.at_once,
        });
        run.indices.push(i);
    }
    // The host's objects the guest never dropped, as its instance ends (an instance a trap
    // ended is not asked: its objects went with it).
    if let (Some(instance), Some(last)) = (lane.live(), run.reports.last_mut()) {
        for label in instance.undropped_host_resources() {
            let line = format!("{label} was never dropped (the instance ends)");
            last.record.host_calls.push(line);
        }
    }
    Ok(run)
}

/// Runs the calls of the `[[call]]` whose calls start at `first` at once. A call of the
/// group that cannot be made fails the trial and the group does not run.
fn run_group(
    plan: &TrialPlan,
    lane: &mut InstanceLane<'_>,
    handles: &mut Handles,
    run: &mut CallsRun,
    first: usize,
) -> Result<(), TrialError> {
    let count = plan.file.calls[first].at_once.0;
    let indices = first..(first + count).min(plan.calls.len());
    let new_instance = !lane.is_live();
    if new_instance && first > 0 {
        handles.instance_ended();
    }
    let instance = lane.instance()?;
    let mut group = Vec::with_capacity(count);
    for i in indices.clone() {
        let (spec, call) = (&plan.file.calls[i], &plan.calls[i]);
        let interface = spec.interface.as_deref();
        handles.learn(instance, interface);
        let by = format!("[[call]] #{}", spec.entry + 1);
        let made = instance.resolve(call, interface).and_then(|(name, ty)| {
            let args = call.arguments_with(&ty, &mut |text, ty| {
                let into = format!("`{}` by {by}", call.name());
                handles.argument(text, ty, &into)
            })?;
            Ok(GroupCall {
                name,
                interface: spec.interface.clone(),
                args,
            })
        });
        match made {
            Ok(made) => group.push(made),
            Err(e) => {
                run.errors.push(call_error(plan, i, e));
                return Ok(());
            }
        }
    }
    let records = match instance.call_group(&group) {
        Ok(records) => records,
        Err(e) => {
            run.errors.push(call_error(plan, first, e));
            return Ok(());
        }
    };
    for (i, record) in indices.zip(records) {
        let spec = &plan.file.calls[i];
        let result = match &record.outcome {
            CallOutcome::Returned(value) => value.as_ref(),
            CallOutcome::Trapped { .. } => None,
        };
        let shown = shown(&record, result, handles);
        lane.after(&record);
        run.reports.push(CallReport {
            invoke: spec.invoke.clone(),
            interface: spec.interface.clone(),
            record,
            new_instance: new_instance && i == first,
            shown,
            at_once: spec.at_once,
        });
        run.indices.push(i);
    }
    Ok(())
}

/// The text a result is shown as where WAVE cannot write it: a stream or future the host
/// read, or a value holding resource handles.
fn shown(record: &CallRecord, result: Option<&Val>, handles: &mut Handles) -> Option<String> {
    match &record.transmitted {
        Some(transmitted) => Some(transmitted.to_string()),
        None => result.and_then(|value| handles.show(value)),
    }
}

/// The failure of call `index` (0-based among the fixture's calls), which could not be made.
fn call_error(plan: &TrialPlan, index: usize, error: CallError) -> TrialError {
    let spec = &plan.file.calls[index];
    // `call` is the call's position (the checks blame by it); `line` is its entry's.
    TrialError::Call {
        call: index + 1,
        entry: spec.entry + 1,
        line: plan.fixture.entry_line("call", index),
        invoke: spec.invoke.clone(),
        source: Box::new(error),
    }
}

/// The name `drop(<name>)` drops, where `call` is one.
fn drop_target(call: &ParsedCall) -> Option<String> {
    if call.resource_function().is_some() || call.name() != "drop" {
        return None;
    }
    let source = call.source().trim();
    let inner = source.strip_prefix("drop(")?.strip_suffix(')')?.trim();
    let word = !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    word.then(|| inner.to_string())
}

/// A fixture error about call `index` (0-based among the fixture's calls), naming its
/// `[[call]]` entry and that entry's line.
fn bad_call(plan: &TrialPlan, index: usize, spec: &CallSpec, message: String) -> TrialError {
    TrialError::BadFixture(FixtureFileError {
        file: plan.fixture_file.clone(),
        line: plan.fixture.entry_line("call", index),
        message: format!("[[call]] #{} `{}`: {message}", spec.entry + 1, spec.invoke),
    })
}
