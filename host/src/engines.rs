//! The host's two wasmtime engines, each with its linker and compiled-code cache, and which
//! of them a component runs on.
//!
//! Component-model async (`async func`, `stream<T>`, `future<T>`, WASI 0.3) needs an engine
//! with concurrency support, and under wasmtime 50 that support breaks a synchronous guest
//! that passes a borrowed handle to a host import ("deferred host scope has no call
//! context"). So a component that uses no async feature runs on the *plain* engine, without
//! concurrency support, as every plugin did before; a component that does ([`uses_async`]:
//! valid with the async features, refused without them) is compiled by the *concurrent*
//! engine, made on first need, whose linker adds WASI 0.3.

use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use wasmtime::component::{Component, Linker};
use wasmtime::error::Context as _;
use wasmtime::{Config, Engine, WasmBacktraceDetails, WasmFeatures};

use crate::cache::compiled::CompiledCache;
use crate::cache::incremental::IncrementalCache;
use crate::state::HostState;
use crate::{EPOCH_TICK, HostOptions, plugin_api};

/// One engine with the linker and compiled-code cache of its components.
pub(crate) struct Runtime {
    /// The engine.
    pub engine: Engine,
    /// WASI (0.3 too on the concurrent engine), `wasi:http` and the plugin API's imports.
    pub linker: Linker<HostState>,
    /// The compiled-code cache of this engine's components.
    pub compiled: Option<CompiledCache>,
}

impl Runtime {
    /// The engine of `options` (concurrency support and the component-model async features
    /// when `concurrent`), its epoch ticker and its linker.
    pub fn new(
        options: &HostOptions,
        incremental: Option<&Arc<IncrementalCache>>,
        concurrent: bool,
    ) -> Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.wasm_backtrace_details(WasmBacktraceDetails::Enable);
        config.epoch_interruption(true);
        if concurrent {
            // `async func`, `stream<T>`, `future<T>` and the builtins their toolchains emit.
            config.wasm_component_model_async(true);
            config.wasm_component_model_more_async_builtins(true);
            config.wasm_component_model_async_stackful(true);
            config.wasm_component_model_error_context(true);
        } else {
            config.concurrency_support(false);
        }
        let compiler = options.compiler.supported();
        config.strategy(compiler.strategy());
        if let Some(cache) = incremental {
            config.enable_incremental_compilation(cache.clone())?;
        }
        if options.pooling {
            let mut pool = wasmtime::PoolingAllocationConfig::default();
            pool.total_component_instances(64)
                .total_core_instances(256)
                .total_memories(128)
                .total_tables(256)
                .max_memory_size(1 << 30);
            config.allocation_strategy(pool);
        }
        let engine = Engine::new(&config).context("failed to create the wasmtime engine")?;
        start_epoch_ticker(&engine)?;
        let compiled = options.compiled_cache.as_deref().map(|dir: &Path| {
            let kind = if concurrent { "async" } else { "plain" };
            CompiledCache::new(dir.to_path_buf(), &engine, compiler, kind)
        });

        let mut linker = Linker::new(&engine);
        // Asynchronous WASI: a guest blocked in a `poll` is a pending future, which the time
        // limit can cancel (a synchronous poll would block the thread past any limit).
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .context("failed to add WASI preview 2 to the linker")?;
        if concurrent {
            wasmtime_wasi::p3::add_to_linker(&mut linker)
                .context("failed to add WASI 0.3 to the linker")?;
        }
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)
            .context("failed to add wasi:http to the linker")?;
        plugin_api::add_to_linker(&mut linker)
            .context("failed to add the plugin API's host imports to the linker")?;
        Ok(Runtime {
            engine,
            linker,
            compiled,
        })
    }

    /// Compiles `bytes` (SHA-256 `hash`, `label` in messages) through the compiled-code cache
    /// when there is one.
    pub fn compile(&self, bytes: &[u8], hash: &str, label: &str) -> Result<Component> {
        match &self.compiled {
            Some(cache) => cache.compile(&self.engine, bytes, hash, label),
            None => Component::new(&self.engine, bytes).map_err(anyhow::Error::from),
        }
    }
}

/// The features the concurrent engine adds to the plain one's.
const ASYNC_FEATURES: WasmFeatures = WasmFeatures::CM_ASYNC
    .union(WasmFeatures::CM_MORE_ASYNC_BUILTINS)
    .union(WasmFeatures::CM_ASYNC_STACKFUL)
    .union(WasmFeatures::CM_ERROR_CONTEXT);

/// Whether the component `bytes` uses component-model async: a validator with `plain`'s
/// features refuses it where one with the async features added accepts it. Only the
/// structure is validated (function bodies are the compiler's to check), so this reads the
/// component once without compiling it. A component invalid either way is not async: the
/// plain engine reports what is wrong with it.
pub(crate) fn uses_async(plain: &Engine, bytes: &[u8]) -> bool {
    let features = plain.get_wasm_features();
    let mut without = wasmparser::Validator::new_with_features(features);
    let mut with = wasmparser::Validator::new_with_features(features | ASYNC_FEATURES);
    let mut refused_without = false;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let Ok(payload) = payload else {
            return false;
        };
        if with.payload(&payload).is_err() {
            return false;
        }
        // Once refused, the plain validator is not asked again: its state is spoiled.
        refused_without = refused_without || without.payload(&payload).is_err();
    }
    refused_without
}

/// Whether `engine` has concurrency support (it is the concurrent engine of a host).
pub(crate) fn is_concurrent(engine: &Engine) -> bool {
    engine.get_concurrency_support()
}

/// Advances `engine`'s epoch every [`EPOCH_TICK`] on a background thread, for as long as the
/// engine lives; a call whose deadline passes traps with [`wasmtime::Trap::Interrupt`].
/// Without the thread there would be no time limit, so failing to start it is an error.
fn start_epoch_ticker(engine: &Engine) -> Result<()> {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("witness-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })
        .map(drop)
        .map_err(|e| anyhow::anyhow!("failed to start the thread that enforces time limits: {e}"))
}
