//! One instantiated component in its own store, and calls into it: each call's result or
//! trap, with the stdout, stderr and host calls it produced.
//!
//! The time limit holds wherever the guest is. Instantiation and every call run as futures
//! (`instantiate_async`, `call_async`, WASI linked asynchronously) on the instance's own
//! single-threaded tokio runtime, under a `tokio::time::timeout` of the limit: a guest asleep
//! or blocked in a host call (a WASI `poll`, `time.sleep`) is cancelled there when the limit
//! passes, and a guest spinning in wasm code is stopped by epoch interruption at the same
//! deadline. Either way the call ends as `timed out after …`, and the instance is dead.
//!
//! The API blocks: [`PluginInstance::call`] drives the instance's runtime on the calling
//! thread. An application with a tokio runtime of its own calls it from a blocking thread
//! (`tokio::task::spawn_blocking`), since one runtime cannot be driven inside another.

use std::collections::HashMap;
use std::fmt;

use anyhow::Result;
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::{Component, Func, Instance, InstancePre, ResourceAny, Type, Val};
use wasmtime::error::Context as _;
use wasmtime::{AsContextMut, Engine, Store, Trap};
use wasmtime_wasi::WasiCtxBuilder;

use super::EPOCH_TICK;
use super::call::{CallError, ParsedCall};
use super::deterministic;
use super::output::{CallOutput, CapturedOutput};
use super::scripted::Script;
use super::state::{HostState, InstanceSettings, Limits};
use super::transmit::{self, TransmitError, Transmitted};

/// A component instance ready for calls. Calls run in order and share the instance's state.
pub struct PluginInstance {
    runtime: tokio::runtime::Runtime,
    store: Store<HostState>,
    instance: Instance,
    component: Component,
    stdout: CapturedOutput,
    stderr: CapturedOutput,
    limits: Limits,
    /// Functions already looked up, by (interface, name), with their types.
    funcs: HashMap<(Option<String>, String), (Func, ComponentFunc)>,
}

/// How a call ended.
#[derive(Debug, Clone)]
pub enum CallOutcome {
    /// The function returned; `None` for a function without a result.
    Returned(Option<Val>),
    /// The call trapped or a host function failed.
    Trapped {
        /// What kind of trap, in terms that do not depend on the guest's language.
        kind: TrapKind,
        /// The full error with its WebAssembly backtrace: language-specific detail.
        detail: String,
    },
}

/// The kind of a trap, as the shared snapshot records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrapKind {
    /// A `unreachable` instruction: a Rust panic, an uncaught JS exception, a Python raise.
    Unreachable,
    /// The call stack was exhausted.
    StackOverflow,
    /// The call ran past its time limit (the limit).
    TimeLimit(std::time::Duration),
    /// The instance tried to grow its memory past its limit (the limit in bytes).
    MemoryLimit(u64),
    /// Any other trap code, by wasmtime's description.
    Other(String),
    /// Not a trap: a host function returned an error.
    HostError(String),
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrapKind::Unreachable => f.write_str("unreachable"),
            TrapKind::StackOverflow => f.write_str("stack overflow"),
            TrapKind::TimeLimit(limit) => {
                write!(f, "timed out after {}", humantime::format_duration(*limit))
            }
            TrapKind::MemoryLimit(limit) => {
                write!(
                    f,
                    "memory limit of {} reached",
                    bytesize::ByteSize::b(*limit).display().iec()
                )
            }
            TrapKind::Other(what) => f.write_str(what),
            TrapKind::HostError(message) => write!(f, "host error: {message}"),
        }
    }
}

impl TrapKind {
    fn of(err: &wasmtime::Error, limits: &Limits, memory_limit_hit: bool) -> Self {
        if memory_limit_hit {
            return TrapKind::MemoryLimit(limits.memory);
        }
        match err.downcast_ref::<Trap>() {
            Some(Trap::UnreachableCodeReached) => TrapKind::Unreachable,
            Some(Trap::StackOverflow) => TrapKind::StackOverflow,
            Some(Trap::Interrupt) => TrapKind::TimeLimit(limits.time),
            Some(other) => {
                let text = other.to_string();
                TrapKind::Other(text.trim_start_matches("wasm trap: ").to_string())
            }
            None => TrapKind::HostError(err.root_cause().to_string()),
        }
    }
}

/// One call and everything it produced.
#[derive(Debug, Clone)]
pub struct CallRecord {
    /// How the call ended.
    pub outcome: CallOutcome,
    /// What the guest wrote to stdout during the call.
    pub stdout: CallOutput,
    /// What the guest wrote to stderr during the call.
    pub stderr: CallOutput,
    /// The host imports the guest called, in order.
    pub host_calls: Vec<String>,
    /// The function's result type, for reading an expected value.
    pub result_type: Option<Type>,
    /// What a `stream` or `future` result held, read by the host after the call returned.
    pub transmitted: Option<Transmitted>,
    /// Whether guest tasks were still running once the call returned (an async guest's
    /// background work, which outlives its call): see [`SETTLE_ROUNDS`].
    pub tasks_pending: bool,
}

/// How many turns of an async instance's event loop the host gives the guest's tasks after
/// a call returns (each turn runs the work that is ready) before it reports the tasks still
/// there as pending: enough for a task to finish what it does after returning a value,
/// never enough for one that waits on a timer, on the host or on nothing.
pub const SETTLE_ROUNDS: usize = 64;

/// One call of a group that runs at once on an instance (see [`PluginInstance::call_group`]).
#[derive(Debug, Clone)]
pub struct GroupCall {
    /// The exported function's name, as [`PluginInstance::call_values`] takes it.
    pub name: String,
    /// The exported interface it is in, if any.
    pub interface: Option<String>,
    /// Its arguments, typed against its parameters.
    pub args: Vec<Val>,
}

impl PluginInstance {
    pub(super) fn new(
        engine: &Engine,
        pre: &InstancePre<HostState>,
        component: &Component,
        settings: &InstanceSettings,
    ) -> Result<Self> {
        let limits = settings.limits;
        let stdout = CapturedOutput::new(limits.output);
        let stderr = CapturedOutput::new(limits.output);
        // Nothing is inherited from this process: no env, args, preopens or network, only
        // what `settings.grants` names.
        let mut wasi = WasiCtxBuilder::new();
        wasi.stdout(stdout.stream()).stderr(stderr.stream());
        let grants = &settings.grants;
        wasi.args(&grants.args);
        for (key, value) in &grants.env {
            wasi.env(key, value);
        }
        if let Some(text) = &grants.stdin {
            wasi.stdin(wasmtime_wasi::p2::pipe::MemoryInputPipe::new(
                text.clone().into_bytes(),
            ));
        }
        deterministic::apply(&mut wasi, grants.clock, grants.random);
        if let Some(dir) = &grants.dir {
            let perms = if dir.writable {
                wasmtime_wasi::FsPerms::ReadWrite
            } else {
                wasmtime_wasi::FsPerms::ReadOnly
            };
            wasi.preopened_dir(&dir.host, &dir.guest, perms)
                .with_context(|| format!("failed to preopen {}", dir.host.display()))?;
        }
        let script = Script::prepare(engine, component, &settings.imports)?;
        let state = HostState::new(wasi.build(), settings.clone(), script);
        let mut store = Store::new(engine, state);
        store.limiter(|state| &mut state.limiter);
        store.set_epoch_deadline(epoch_ticks(limits.time));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .context("failed to start the instance's runtime")?;
        let instantiating = pre.instantiate_async(&mut store);
        // The timeout is made inside the runtime: its timer belongs to that runtime.
        let instance = match runtime
            .block_on(async { tokio::time::timeout(limits.time, instantiating).await })
        {
            Ok(instance) => instance.context("failed to instantiate the component")?,
            Err(_) => anyhow::bail!(
                "failed to instantiate the component: {}",
                TrapKind::TimeLimit(limits.time)
            ),
        };
        Ok(PluginInstance {
            runtime,
            store,
            instance,
            component: component.clone(),
            stdout,
            stderr,
            limits,
            funcs: HashMap::new(),
        })
    }

    /// Calls the exported function `call` names (in `interface`, if given) with its typed
    /// arguments. A call that cannot be made is an error; a call that traps is a record.
    pub fn call(
        &mut self,
        call: &ParsedCall,
        interface: Option<&str>,
    ) -> Result<CallRecord, CallError> {
        let (name, ty) = self.resolve(call, interface)?;
        let args = call.arguments(&ty)?;
        self.call_values(&name, interface, &args)
    }

    /// Like [`Self::call`], with `handle` giving the value of each resource argument from
    /// its text (see [`ParsedCall::arguments_with`]).
    pub fn call_with_handles(
        &mut self,
        call: &ParsedCall,
        interface: Option<&str>,
        handle: &mut dyn FnMut(&str, &Type) -> Result<Val, String>,
    ) -> Result<CallRecord, CallError> {
        let (name, ty) = self.resolve(call, interface)?;
        let args = call.arguments_with(&ty, handle)?;
        self.call_values(&name, interface, &args)
    }

    /// The export `call` names (a resource function's constructor, method or static) and
    /// its type. For a resource function that does not exist, the error lists the
    /// resource's functions.
    pub fn resolve(
        &mut self,
        call: &ParsedCall,
        interface: Option<&str>,
    ) -> Result<(String, ComponentFunc), CallError> {
        let candidates = call.export_names();
        let mut first_error = None;
        for name in &candidates {
            match self.lookup(name, interface) {
                Ok((_, ty)) => return Ok((name.clone(), ty)),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match (call.resource_function(), first_error) {
            (Some((resource, function)), Some(CallError::NoSuchFunction { available, .. })) => Err(
                CallError::no_such_resource_function(resource, function, interface, &available),
            ),
            (_, Some(error)) => Err(error),
            (_, None) => Err(CallError::no_such_function(
                &call.name(),
                interface,
                Vec::new(),
            )),
        }
    }

    /// Drops `handle`: the guest's destructor runs (under the time limit) and what it
    /// writes is captured, as for a call.
    pub fn drop_handle(&mut self, handle: ResourceAny) -> CallRecord {
        let limit = self.limits.time;
        self.store.set_epoch_deadline(epoch_ticks(limit));
        let dropping = handle.resource_drop_async(&mut self.store);
        let ended = self
            .runtime
            .block_on(async { tokio::time::timeout(limit, dropping).await });
        let outcome = match ended {
            Ok(Ok(())) => CallOutcome::Returned(None),
            Ok(Err(err)) => CallOutcome::Trapped {
                kind: TrapKind::of(&err, &self.limits, self.store.data().limiter.hit),
                detail: format!("{err:?}"),
            },
            Err(_) => CallOutcome::Trapped {
                kind: TrapKind::TimeLimit(limit),
                detail: "the destructor was still running at the time limit".to_string(),
            },
        };
        CallRecord {
            outcome,
            stdout: self.stdout.take_new(),
            stderr: self.stderr.take_new(),
            host_calls: self.store.data_mut().take_host_calls(),
            result_type: None,
            transmitted: None,
            tasks_pending: false,
        }
    }

    /// The function `name` (in `interface`) and its type, looked up once per instance.
    fn lookup(
        &mut self,
        name: &str,
        interface: Option<&str>,
    ) -> Result<(Func, ComponentFunc), CallError> {
        let key = (interface.map(str::to_string), name.to_string());
        if let Some(found) = self.funcs.get(&key) {
            return Ok(found.clone());
        }
        let func = self.find_func(name, interface)?;
        let ty = func.ty(&self.store);
        self.funcs.insert(key, (func, ty.clone()));
        Ok((func, ty))
    }

    /// Calls the exported function `name` with `args` already typed (the host application
    /// builds them from its command line).
    pub fn call_with(&mut self, name: &str, args: &[Val]) -> Result<CallRecord, CallError> {
        self.call_values(name, None, args)
    }

    /// Calls the exported function `name` (in `interface`, if given) with `args` already
    /// typed against its parameters, such as values generated from [`Self::function_type`].
    pub fn call_values(
        &mut self,
        name: &str,
        interface: Option<&str>,
        args: &[Val],
    ) -> Result<CallRecord, CallError> {
        let (func, ty) = self.lookup(name, interface)?;
        if ty.results().next().is_some_and(|result| transmits(&result)) {
            // A stream or future result is read within the call's concurrent run.
            let group = [GroupCall {
                name: name.to_string(),
                interface: interface.map(str::to_string),
                args: args.to_vec(),
            }];
            let mut records = self.call_group(&group)?;
            return records
                .pop()
                .ok_or_else(|| CallError::no_such_function(name, interface, Vec::new()));
        }
        let args = self.materialize(name, &ty, args)?;
        let record = self.call_func(func, &ty, &args);
        match self.store.data_mut().script.take_exhausted() {
            Some(message) => Err(CallError::NoAnswerLeft(message)),
            None => Ok(record),
        }
    }

    /// `args` with each stream and future argument made: a `stream<T>` argument arrives as
    /// the list of its items and a `future<T>` as `some` of its value (see
    /// [`ParsedCall::arguments`]), and becomes a stream or future the host writes.
    fn materialize(
        &mut self,
        name: &str,
        ty: &ComponentFunc,
        args: &[Val],
    ) -> Result<Vec<Val>, CallError> {
        let mut made = Vec::with_capacity(args.len());
        for ((param, param_ty), arg) in ty.params().zip(args) {
            let store = self.store.as_context_mut();
            let value = transmit::placeholder_to_transmit(store, &param_ty, arg);
            made.push(value.map_err(|e| CallError::Transmit {
                function: name.to_string(),
                param: param.to_string(),
                message: e.to_string(),
            })?);
        }
        Ok(made)
    }

    /// The type of the exported function `name` (in `interface`, if given).
    pub fn function_type(
        &mut self,
        name: &str,
        interface: Option<&str>,
    ) -> Result<ComponentFunc, CallError> {
        self.lookup(name, interface).map(|(_, ty)| ty)
    }

    /// Runs `calls` at once on this instance (each an `async func`, or any export: the
    /// component model lets an instance take a call while another waits), and returns one
    /// record per call, in the order given. The group shares the time limit; what the group
    /// wrote to stdout and stderr and the host calls it made are on its last record, the host
    /// calls sorted, since their interleaving is the guest scheduler's. When a call traps,
    /// the instance is dead: the calls that had not returned end with the same trap.
    ///
    /// A component without component-model async runs on the engine without concurrency
    /// support, where its calls (none of which could wait for another) run one after another
    /// in the order given, recorded the same way.
    pub fn call_group(&mut self, calls: &[GroupCall]) -> Result<Vec<CallRecord>, CallError> {
        let mut funcs = Vec::with_capacity(calls.len());
        let mut arguments = Vec::with_capacity(calls.len());
        for call in calls {
            let (func, ty) = self.lookup(&call.name, call.interface.as_deref())?;
            arguments.push(self.materialize(&call.name, &ty, &call.args)?);
            funcs.push((func, ty));
        }
        if !crate::engines::is_concurrent(self.store.engine()) {
            return self.call_in_turn(&funcs, &arguments);
        }
        let limit = self.limits.time;
        let output_bytes = self.limits.output;
        self.store.set_epoch_deadline(epoch_ticks(limit));
        let finished: Vec<std::sync::Mutex<Option<Finished>>> =
            calls.iter().map(|_| std::sync::Mutex::new(None)).collect();
        let running = self.store.run_concurrent(async |accessor| {
            let each = funcs.iter().zip(&arguments).zip(&finished).map(
                |(((func, ty), args), slot)| async move {
                    let mut results = vec![Val::Bool(false); ty.results().len()];
                    let called = func.call_concurrent(accessor, args, &mut results).await;
                    let done = match called {
                        Ok(()) => {
                            let value = results.pop();
                            let transmitted = match (&value, ty.results().next()) {
                                (Some(value), Some(result_ty)) => {
                                    transmit_result(accessor, value, &result_ty, output_bytes).await
                                }
                                _ => Ok(None),
                            };
                            Finished::Returned(value, transmitted)
                        }
                        Err(error) => Finished::Failed(error),
                    };
                    *slot
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(done);
                },
            );
            futures::future::join_all(each).await;
            tasks_still_running(accessor).await
        });
        let ended = self
            .runtime
            .block_on(async { tokio::time::timeout(limit, running).await });
        let mut tasks_pending = false;
        let every_call_returned = finished.iter().all(|slot| {
            matches!(
                *slot
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
                Some(Finished::Returned(..))
            )
        });
        let group_trap = match ended {
            Ok(Ok(pending)) => {
                tasks_pending = pending;
                None
            }
            // The limit passed while the tasks the calls left were given their turns.
            Err(_) if every_call_returned => {
                tasks_pending = true;
                None
            }
            Ok(Err(err)) => Some(CallOutcome::Trapped {
                kind: TrapKind::of(&err, &self.limits, self.store.data().limiter.hit),
                detail: format!("{err:?}"),
            }),
            Err(_) => Some(CallOutcome::Trapped {
                kind: TrapKind::TimeLimit(limit),
                detail: format!(
                    "the calls were still running after {} and were cancelled",
                    humantime::format_duration(limit)
                ),
            }),
        };
        let mut records = Vec::with_capacity(calls.len());
        for ((_, ty), slot) in funcs.iter().zip(finished) {
            let finished = slot
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let (outcome, transmitted) = match finished {
                Some(Finished::Returned(value, Ok(transmitted))) => {
                    (CallOutcome::Returned(value), transmitted)
                }
                Some(Finished::Returned(_, Err(error))) => (
                    CallOutcome::Trapped {
                        kind: TrapKind::HostError(error.to_string()),
                        detail: error.to_string(),
                    },
                    None,
                ),
                Some(Finished::Failed(err)) => (
                    CallOutcome::Trapped {
                        kind: TrapKind::of(&err, &self.limits, self.store.data().limiter.hit),
                        detail: format!("{err:?}"),
                    },
                    None,
                ),
                None => (
                    group_trap.clone().unwrap_or_else(|| CallOutcome::Trapped {
                        kind: TrapKind::HostError("the call never returned".into()),
                        detail: "the group ended before this call returned".into(),
                    }),
                    None,
                ),
            };
            records.push(CallRecord {
                outcome,
                stdout: CallOutput::default(),
                stderr: CallOutput::default(),
                host_calls: Vec::new(),
                result_type: ty.results().next(),
                transmitted,
                tasks_pending: false,
            });
        }
        if let Some(last) = records.last_mut() {
            last.tasks_pending = tasks_pending;
            // A trap after every call returned (a task left running) ends the last one.
            if let (true, Some(CallOutcome::Trapped { kind, detail })) =
                (every_call_returned, group_trap)
            {
                last.outcome = CallOutcome::Trapped {
                    kind,
                    detail: format!("a guest task trapped after the calls returned: {detail}"),
                };
            }
        }
        self.finish_group(records)
    }

    /// Gives a group's output and host calls (sorted) to its last record.
    fn finish_group(&mut self, mut records: Vec<CallRecord>) -> Result<Vec<CallRecord>, CallError> {
        if let Some(last) = records.last_mut() {
            last.stdout = self.stdout.take_new();
            last.stderr = self.stderr.take_new();
            let mut host_calls = self.store.data_mut().take_host_calls();
            host_calls.sort();
            last.host_calls = host_calls;
        }
        match self.store.data_mut().script.take_exhausted() {
            Some(message) => Err(CallError::NoAnswerLeft(message)),
            None => Ok(records),
        }
    }

    /// The calls of a group, one after another; after a trap the rest end with the same trap.
    fn call_in_turn(
        &mut self,
        funcs: &[(Func, ComponentFunc)],
        arguments: &[Vec<Val>],
    ) -> Result<Vec<CallRecord>, CallError> {
        let mut records: Vec<CallRecord> = Vec::with_capacity(funcs.len());
        // The group shares one time limit.
        let start = std::time::Instant::now();
        for ((func, ty), args) in funcs.iter().zip(arguments) {
            let budget = self.limits.time.saturating_sub(start.elapsed());
            let outcome = match records.last() {
                Some(
                    previous @ CallRecord {
                        outcome: CallOutcome::Trapped { .. },
                        ..
                    },
                ) => previous.outcome.clone(),
                _ if budget.is_zero() => CallOutcome::Trapped {
                    kind: TrapKind::TimeLimit(self.limits.time),
                    detail: "the calls before it in the group used up the time limit".into(),
                },
                _ => self.run_call(*func, ty, args, budget),
            };
            records.push(CallRecord {
                outcome,
                stdout: CallOutput::default(),
                stderr: CallOutput::default(),
                host_calls: Vec::new(),
                result_type: ty.results().next(),
                transmitted: None,
                tasks_pending: false,
            });
        }
        self.finish_group(records)
    }

    fn call_func(&mut self, func: Func, ty: &ComponentFunc, args: &[Val]) -> CallRecord {
        let start = std::time::Instant::now();
        let mut outcome = self.run_call(func, ty, args, self.limits.time);
        let mut tasks_pending = false;
        let concurrent = crate::engines::is_concurrent(self.store.engine());
        if let (CallOutcome::Returned(value), true) = (&outcome, concurrent) {
            if let Some(value) = value {
                // Streams and futures inside a result are not read: their ends are closed.
                transmit::close_all(&mut self.store, value);
            }
            // The call's time limit covers the tasks it leaves running.
            match self.settle(self.limits.time.saturating_sub(start.elapsed())) {
                Ok(pending) => tasks_pending = pending,
                Err(trapped) => outcome = trapped,
            }
        }
        CallRecord {
            outcome,
            stdout: self.stdout.take_new(),
            stderr: self.stderr.take_new(),
            host_calls: self.store.data_mut().take_host_calls(),
            result_type: ty.results().next(),
            transmitted: None,
            tasks_pending,
        }
    }

    /// Gives the guest's tasks [`SETTLE_ROUNDS`] turns of the event loop after a call
    /// returned, within what is left of its time limit (`budget`; the call's epoch deadline
    /// stands). Whether some were still running after them (or at the limit); a trap of the
    /// instance meanwhile is the call's outcome.
    fn settle(&mut self, budget: std::time::Duration) -> Result<bool, CallOutcome> {
        let settling = self
            .store
            .run_concurrent(async |accessor| tasks_still_running(accessor).await);
        let ended = self
            .runtime
            .block_on(async { tokio::time::timeout(budget, settling).await });
        match ended {
            Ok(Ok(pending)) => Ok(pending),
            Ok(Err(err)) => Err(CallOutcome::Trapped {
                kind: TrapKind::of(&err, &self.limits, self.store.data().limiter.hit),
                detail: format!("a guest task trapped after the call returned: {err:?}"),
            }),
            Err(_) => Ok(true),
        }
    }

    /// Makes one call within `budget` (the time limit, or what a group left of it).
    fn run_call(
        &mut self,
        func: Func,
        ty: &ComponentFunc,
        args: &[Val],
        budget: std::time::Duration,
    ) -> CallOutcome {
        let mut results = vec![Val::Bool(false); ty.results().len()];
        let limit = self.limits.time;
        self.store.set_epoch_deadline(epoch_ticks(budget));
        let calling = func.call_async(&mut self.store, args, &mut results);
        let ended = self
            .runtime
            .block_on(async { tokio::time::timeout(budget, calling).await });
        match ended {
            Ok(Ok(())) => CallOutcome::Returned(results.pop()),
            Ok(Err(err)) => CallOutcome::Trapped {
                kind: TrapKind::of(&err, &self.limits, self.store.data().limiter.hit),
                detail: format!("{err:?}"),
            },
            // Cancelled where it waited (a host call, such as a WASI poll): the call future
            // is dropped, and with it the guest's stack.
            Err(_) => CallOutcome::Trapped {
                kind: TrapKind::TimeLimit(limit),
                detail: format!(
                    "the call was still running after {} (waiting in a host call) and was \
                     cancelled",
                    humantime::format_duration(limit)
                ),
            },
        }
    }

    fn find_func(&mut self, name: &str, interface: Option<&str>) -> Result<Func, CallError> {
        let scope = match interface {
            Some(iface) => {
                let interfaces = self.export_names(None, |item| {
                    matches!(item, ComponentItem::ComponentInstance(_))
                });
                let index = super::call::resolve_interface(iface, &interfaces)
                    .and_then(|name| self.instance.get_export_index(&mut self.store, None, name));
                Some(index.ok_or_else(|| CallError::no_such_interface(iface, interfaces.clone()))?)
            }
            None => None,
        };
        self.instance
            .get_export_index(&mut self.store, scope.as_ref(), name)
            .and_then(|index| self.instance.get_func(&mut self.store, index))
            .ok_or_else(|| {
                let available = self.export_names(interface, |item| {
                    matches!(item, ComponentItem::ComponentFunc(_))
                });
                CallError::no_such_function(name, interface, available)
            })
    }

    /// The objects of host resources (the scripted imports' resources) the guest made and
    /// has not dropped, as `blob#2`.
    pub fn undropped_host_resources(&self) -> Vec<String> {
        self.store.data().script.undropped()
    }

    /// The functions the component exports at top level or in `interface`, by their
    /// export names (`[constructor]counter`, `[method]counter.add` for a resource's).
    pub fn exported_functions(&self, interface: Option<&str>) -> Vec<String> {
        self.export_names(interface, |item| {
            matches!(item, ComponentItem::ComponentFunc(_))
        })
    }

    /// The names the component exports (at top level or in `interface`) that `keep` accepts.
    fn export_names(
        &self,
        interface: Option<&str>,
        keep: impl Fn(&ComponentItem) -> bool,
    ) -> Vec<String> {
        let engine = self.store.engine();
        let ty = self.component.component_type();
        let top: Vec<(String, ComponentItem)> = ty
            .exports(engine)
            .map(|(name, item)| (name.to_string(), item.ty))
            .collect();
        let items = match interface {
            None => top,
            Some(iface) => {
                let names: Vec<String> = top.iter().map(|(name, _)| name.clone()).collect();
                let resolved = super::call::resolve_interface(iface, &names);
                match top
                    .into_iter()
                    .find(|(name, _)| Some(name.as_str()) == resolved)
                {
                    Some((_, ComponentItem::ComponentInstance(inst))) => inst
                        .exports(engine)
                        .map(|(name, item)| (name.to_string(), item.ty))
                        .collect(),
                    _ => Vec::new(),
                }
            }
        };
        items
            .into_iter()
            .filter(|(_, item)| keep(item))
            .map(|(name, _)| name)
            .collect()
    }
}

/// How a call of a group ended, as far as it got.
enum Finished {
    /// It returned this value; reading a stream or future in it went as the second says.
    Returned(Option<Val>, Result<Option<Transmitted>, TransmitError>),
    /// It trapped, or a host function it called failed.
    Failed(wasmtime::Error),
}

/// Whether a result of type `ty` is a stream or future the host reads.
fn transmits(ty: &Type) -> bool {
    matches!(ty, Type::Stream(_) | Type::Future(_))
}

/// Whether guest tasks are still running after [`SETTLE_ROUNDS`] turns of the event loop.
async fn tasks_still_running(accessor: &wasmtime::component::Accessor<HostState>) -> bool {
    for _ in 0..SETTLE_ROUNDS {
        let idle = std::future::poll_fn(|cx| {
            std::task::Poll::Ready(accessor.poll_no_interesting_tasks(cx).is_ready())
        })
        .await;
        if idle {
            return false;
        }
        tokio::task::yield_now().await;
    }
    true
}

/// Reads the stream or future `value` (of type `ty`) holds, if it is one.
async fn transmit_result(
    accessor: &wasmtime::component::Accessor<HostState>,
    value: &Val,
    ty: &Type,
    output_bytes: usize,
) -> Result<Option<Transmitted>, TransmitError> {
    let read = match (value, ty) {
        (Val::Stream(stream), Type::Stream(stream_ty)) => match stream_ty.ty() {
            Some(payload) => {
                transmit::read_stream(accessor, stream.clone(), &payload, output_bytes).await
            }
            None => Err(TransmitError::Payload("stream (of nothing)".into())),
        },
        (Val::Future(future), Type::Future(future_ty)) => {
            transmit::read_future(accessor, future.clone(), future_ty.ty().as_ref()).await
        }
        _ => {
            // Streams and futures inside another value are not read: their ends are closed.
            accessor.with(|mut access| transmit::close_all(&mut access, value));
            return Ok(None);
        }
    };
    if read.is_err() {
        // Not read (a payload the host does not read): the guest's writer must not wait.
        accessor.with(|mut access| transmit::close_all(&mut access, value));
    }
    read.map(Some)
}

/// The number of epoch ticks in `time`, at least one, and small enough that the engine's
/// epoch plus it cannot overflow, whatever limit a user wrote.
fn epoch_ticks(time: std::time::Duration) -> u64 {
    let ticks = time.as_nanos() / EPOCH_TICK.as_nanos();
    u64::try_from(ticks)
        .unwrap_or(u64::MAX)
        .clamp(1, u64::MAX / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_ticks_round_down_to_at_least_one_and_never_overflow() {
        assert_eq!(epoch_ticks(std::time::Duration::ZERO), 1);
        assert_eq!(epoch_ticks(std::time::Duration::from_millis(200)), 20);
        assert_eq!(epoch_ticks(std::time::Duration::MAX), u64::MAX / 2);
    }
}
