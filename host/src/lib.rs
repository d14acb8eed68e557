//! The plugin host: two wasmtime engines per process (a plain one, and one with concurrency
//! support for components that use component-model async: see `engines`), each with a linker
//! of WASI and the plugin API's host imports, and a fresh [`Store`](wasmtime::Store) per
//! instance.
//!
//! Loading ([`Host::load`]), instantiating ([`Host::instantiate`]) and calling
//! ([`PluginInstance::call`]) are the three steps every user of the host goes through; the
//! compiled-code cache, the time limit and the memory limit each belong to one of them.

pub mod cache;
mod call;
pub mod compiler;
pub mod config;
mod deterministic;
mod engines;
pub mod files;
mod instance;
mod names;
mod output;
pub mod plugin_api;
mod scripted;
mod state;
pub mod terminal;
#[cfg(test)]
mod test_support;
pub mod transmit;
pub mod value;
mod value_text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use anyhow::{Result, bail};
use wasmtime::component::{Component, InstancePre};
use wasmtime::error::Context as _;

use crate::cache::compiled::Provenance;
use crate::cache::hash::sha256_hex;
use crate::cache::incremental::IncrementalCache;
use crate::engines::Runtime;

pub use call::{
    CallError, ParsedCall, call_name, parse_call, resource_function, signature, type_name,
};
pub use compiler::{COMPILER_VAR, Compiler, UnknownCompiler};
pub use instance::{CallOutcome, CallRecord, GroupCall, PluginInstance, SETTLE_ROUNDS, TrapKind};
pub use output::CallOutput;
pub use plugin_api::LOG_LEVELS;
pub use plugin_api::compat::{IncompatiblePlugin, PluginApi, Problem, World};
pub use scripted::{Answers, ScriptError, ScriptedImport};
pub use state::{
    Clock, DEFAULT_CLOCK, DEFAULT_RANDOM_SEED, GrantedDir, Grants, HOST_CALLS_TRUNCATED, HostState,
    InstanceSettings, Limits, LogOutput, MAX_HOST_CALL_RECORDS, MAX_INSTANCES, MAX_MEMORIES,
    MAX_TABLES, Random, TABLE_ELEMENT_BYTES,
};
pub use value_text::{ValueTextError, parse_value};

/// How often the engine's epoch advances; time limits are counted in these ticks.
pub const EPOCH_TICK: std::time::Duration = std::time::Duration::from_millis(10);

/// How the host compiles: which caches it uses.
#[derive(Debug, Clone, Default)]
pub struct HostOptions {
    /// Where precompiled components are kept; `None` compiles every component every time.
    pub compiled_cache: Option<PathBuf>,
    /// Where wasmtime's per-function incremental compilation cache lives; `None` turns it off.
    pub incremental_cache: Option<PathBuf>,
    /// Use wasmtime's pooling instance allocator instead of allocating on demand.
    pub pooling: bool,
    /// The compiler; Winch has no incremental cache, so `incremental_cache` is unused with it.
    pub compiler: Compiler,
}

impl HostOptions {
    /// Both caches under `cache_dir`.
    pub fn cached_in(cache_dir: &Path) -> Self {
        HostOptions {
            compiled_cache: Some(cache_dir.join("compiled")),
            incremental_cache: Some(cache_dir.join("incremental")),
            pooling: false,
            compiler: Compiler::default(),
        }
    }
}

/// A compiled component with its imports resolved against the host's linker, ready to be
/// instantiated any number of times.
pub struct LoadedComponent {
    /// The compiled component.
    pub component: Component,
    /// Whether it came from the compiled-code cache or was compiled now.
    pub provenance: Provenance,
    pre: InstancePre<HostState>,
    scripted: Vec<String>,
    /// The plugin API version the component imports, checked at load.
    plugin_api: Option<(&'static World, String)>,
}

impl LoadedComponent {
    /// The imports beyond WASI and the plugin API, which each instance's script answers
    /// ([`InstanceSettings::imports`]), as `interface.function` or `function`.
    pub fn scripted_imports(&self) -> &[String] {
        &self.scripted
    }

    /// The type of the function the component exports as `name` at its top level, read
    /// from the component without instantiating it.
    pub fn exported_function(
        &self,
        name: &str,
    ) -> Option<wasmtime::component::types::ComponentFunc> {
        let engine = self.component.engine();
        self.component
            .component_type()
            .exports(engine)
            .find(|(export, _)| *export == name)
            .and_then(|(_, item)| match item.ty {
                wasmtime::component::types::ComponentItem::ComponentFunc(ty) => Some(ty),
                _ => None,
            })
    }

    /// The component with its imports resolved.
    pub fn pre(&self) -> &InstancePre<HostState> {
        &self.pre
    }

    /// Checks that the component is a plugin this host runs and returns its plugin API
    /// version ([`plugin_api::compat::plugin_world`]); a plugin imports nothing beyond WASI
    /// and the plugin API (a fixture scripts other imports; a plugin has nobody to answer
    /// them).
    pub fn plugin_world(&self) -> Result<PluginApi> {
        if let Some(import) = self.scripted.first() {
            bail!(
                "it imports `{import}`, which the witness host does not provide to plugins \
                 (it provides WASI and {} {})",
                plugin_api::compat::PACKAGE,
                plugin_api::compat::supported()
            );
        }
        Ok(plugin_api::compat::plugin_world(
            self.component.engine(),
            &self.component,
            self.plugin_api.clone(),
        )?)
    }
}

/// The engines and linkers every plugin of this process runs on.
pub struct Host {
    options: HostOptions,
    plain: Runtime,
    /// Made the first time a component uses component-model async.
    concurrent: OnceLock<Runtime>,
    incremental: Option<Arc<IncrementalCache>>,
    loaded: Mutex<HashMap<String, Arc<LoadedComponent>>>,
}

impl Host {
    /// A host with no caches: see [`Host::with_options`].
    pub fn new() -> Result<Self> {
        Self::with_options(&HostOptions::default())
    }

    /// Creates the plain engine (the compiler of `options`, component model, detailed
    /// backtraces) and its linker, which provides WASI 0.2, `wasi:http` 0.2 (outgoing requests
    /// refused) and the `witness:plugin/host` imports. The engine for components that use
    /// component-model async, whose linker adds WASI 0.3, is made when one first does.
    pub fn with_options(options: &HostOptions) -> Result<Self> {
        let incremental = options
            .incremental_cache
            .as_ref()
            .filter(|_| options.compiler.supported() == Compiler::Cranelift)
            .map(|dir| Arc::new(IncrementalCache::new(dir.clone())));
        Ok(Host {
            options: options.clone(),
            plain: Runtime::new(options, incremental.as_ref(), false)?,
            concurrent: OnceLock::new(),
            incremental,
            loaded: Mutex::default(),
        })
    }

    /// The engine with concurrency support, made on first need.
    fn concurrent(&self) -> Result<&Runtime> {
        if let Some(runtime) = self.concurrent.get() {
            return Ok(runtime);
        }
        let runtime = Runtime::new(&self.options, self.incremental.as_ref(), true)?;
        // Two threads racing here each make one; the one not kept is dropped with its ticker.
        Ok(self.concurrent.get_or_init(|| runtime))
    }

    /// The engine for the component `bytes`: the concurrent one when it uses component-model
    /// async ([`engines::uses_async`]), else the plain one.
    fn runtime_for(&self, bytes: &[u8]) -> Result<&Runtime> {
        if engines::uses_async(&self.plain.engine, bytes) {
            self.concurrent()
        } else {
            Ok(&self.plain)
        }
    }

    /// Compiles `bytes` on the engine the component needs, bypassing the compiled-code cache
    /// (the incremental cache, when the host has one, is used).
    pub fn compile(&self, bytes: &[u8]) -> Result<Component> {
        Ok(Component::new(&self.runtime_for(bytes)?.engine, bytes)?)
    }

    /// The compiled-code cache's entry for the component with SHA-256 `hash`, from the plain
    /// engine's cache or else the concurrent one's.
    fn cached(&self, hash: &str) -> Option<Component> {
        let plain = self.plain.compiled.as_ref()?;
        plain.get(&self.plain.engine, hash).or_else(|| {
            let concurrent = self.concurrent().ok()?;
            concurrent.compiled.as_ref()?.get(&concurrent.engine, hash)
        })
    }

    /// Reads the component at `path`, compiles it (or loads it from the compiled-code cache)
    /// and resolves its imports. The same bytes loaded again in this process are not compiled
    /// again. A core module or a file that is not WebAssembly is refused with a message that
    /// says so; an import the host does not provide is named.
    pub fn load(&self, path: &Path) -> Result<Arc<LoadedComponent>> {
        let bytes = read_component(path)?;
        let hash = sha256_hex(&bytes);
        self.load_with(path, &hash, Some(bytes))
    }

    /// Like [`Host::load`] for bytes already read from `path` (named in messages): what is
    /// checked is exactly what the caller goes on to use.
    pub fn load_bytes(&self, path: &Path, bytes: Vec<u8>) -> Result<Arc<LoadedComponent>> {
        check_is_component(&bytes)
            .map_err(|e| anyhow::anyhow!("cannot load {}: {e}", path.display()))?;
        let hash = sha256_hex(&bytes);
        self.load_with(path, &hash, Some(bytes))
    }

    /// Like [`Host::load`] for a component whose SHA-256 is known to be `sha256` (a build-cache
    /// entry records it): when this process or the compiled-code cache already has it, `path`
    /// is not read at all; when it must be compiled, its bytes must still hash to `sha256`.
    pub fn load_known(&self, path: &Path, sha256: &str) -> Result<Arc<LoadedComponent>> {
        self.load_with(path, sha256, None)
    }

    /// Whether loading the component with SHA-256 `sha256` needs its bytes: neither this
    /// process nor the compiled-code cache has compiled it.
    pub fn needs_bytes(&self, sha256: &str) -> bool {
        let in_cache = |runtime: &Runtime| {
            runtime
                .compiled
                .as_ref()
                .is_some_and(|c| c.contains(sha256))
        };
        !self.loaded_lock().contains_key(sha256)
            && !in_cache(&self.plain)
            && !self.concurrent().is_ok_and(in_cache)
    }

    fn load_with(
        &self,
        path: &Path,
        hash: &str,
        bytes: Option<Vec<u8>>,
    ) -> Result<Arc<LoadedComponent>> {
        if let Some(loaded) = self.loaded_lock().get(hash) {
            return Ok(loaded.clone());
        }
        let label = path.display().to_string();
        let (component, provenance) = match self.cached(hash) {
            Some(component) => (component, Provenance::Cached),
            None => {
                let bytes = match bytes {
                    Some(bytes) => bytes,
                    None => {
                        let bytes = read_component(path)?;
                        if sha256_hex(&bytes) != hash {
                            return Err(anyhow::Error::new(NotTheExpectedBytes {
                                path: path.to_path_buf(),
                            }));
                        }
                        bytes
                    }
                };
                let compiled = self
                    .runtime_for(&bytes)
                    .and_then(|runtime| runtime.compile(&bytes, hash, &label));
                if let Some(cache) = &self.incremental {
                    cache.flush();
                }
                let component =
                    compiled.map_err(|e| e.context(format!("failed to compile {label}")))?;
                (component, Provenance::Compiled)
            }
        };
        // A component built for a plugin API version this host does not run is named as such,
        // before the linker would refuse it with a message about one of its imports.
        let runtime = if engines::is_concurrent(component.engine()) {
            self.concurrent()?
        } else {
            &self.plain
        };
        let plugin_api = plugin_api::compat::imported_world(&runtime.engine, &component)
            .map_err(|e| anyhow::Error::new(e).context(format!("cannot load {label}")))?;
        // Imports beyond WASI and the plugin API are answered by each instance's script,
        // through functions defined for this component in a copy of the linker.
        let mut linker = runtime.linker.clone();
        let scripted = scripted::define_imports(&runtime.engine, &component, &mut linker)
            .map_err(|e| e.context(format!("cannot link {label}")))?;
        let linker = if scripted.is_empty() {
            &runtime.linker
        } else {
            &linker
        };
        let pre = linker
            .instantiate_pre(&component)
            .with_context(|| format!("cannot link {label}"))?;
        let loaded = Arc::new(LoadedComponent {
            component,
            provenance,
            pre,
            scripted,
            plugin_api,
        });
        self.loaded_lock().insert(hash.to_string(), loaded.clone());
        Ok(loaded)
    }

    fn loaded_lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<LoadedComponent>>> {
        self.loaded.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Instantiates a loaded component in a fresh store configured by `settings`, within the
    /// settings' time limit. Blocks the calling thread (see [`PluginInstance`]).
    pub fn instantiate(
        &self,
        loaded: &LoadedComponent,
        settings: &InstanceSettings,
    ) -> Result<PluginInstance> {
        PluginInstance::new(
            loaded.component.engine(),
            &loaded.pre,
            &loaded.component,
            settings,
        )
    }
}

/// [`Host::load_known`] found other bytes at the path than the hash it was given.
#[derive(Debug, thiserror::Error)]
#[error("{} does not have the bytes recorded for it (a damaged cache entry?)", path.display())]
pub struct NotTheExpectedBytes {
    /// The file that was read.
    pub path: PathBuf,
}

/// Reads the file at `path` and checks that it is a component.
fn read_component(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("failed to read {}: {e}", path.display()))?;
    check_is_component(&bytes)
        .map_err(|e| anyhow::anyhow!("cannot load {}: {e}", path.display()))?;
    Ok(bytes)
}

/// Checks the WebAssembly header: components and core modules share the magic number and
/// differ in the layer field (bytes 6..8: 0 for a core module, 1 for a component).
fn check_is_component(bytes: &[u8]) -> Result<()> {
    if bytes.len() < 8 || &bytes[0..4] != b"\0asm" {
        bail!("not a WebAssembly file (no `\\0asm` header)");
    }
    match bytes[6..8] {
        [1, 0] => Ok(()),
        [0, 0] => bail!(
            "this is a core WebAssembly module, not a component; build it as a component \
             (for Rust: `--target wasm32-wasip2`) or wrap it with `wasm-tools component new`"
        ),
        _ => bail!("unknown WebAssembly layer {:?}", &bytes[6..8]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_check_tells_modules_components_and_other_files_apart() {
        let component = [0, b'a', b's', b'm', 0x0d, 0, 1, 0];
        let module = [0, b'a', b's', b'm', 1, 0, 0, 0];
        assert!(check_is_component(&component).is_ok());
        let err = check_is_component(&module).unwrap_err().to_string();
        assert!(err.contains("core WebAssembly module"), "{err}");
        let err = check_is_component(b"hello world").unwrap_err().to_string();
        assert!(err.contains("not a WebAssembly file"), "{err}");
    }

    #[test]
    fn only_a_component_using_component_model_async_runs_on_the_concurrent_engine() {
        let host = Host::new().expect("a host");
        let plain = wat::parse_str("(component (type (list u8)))").expect("plain WAT");
        let asynchronous = wat::parse_str("(component (type (stream u8)))").expect("async WAT");
        let loaded = host
            .load_bytes(Path::new("plain.wasm"), plain)
            .expect("loads");
        assert!(!engines::is_concurrent(loaded.component.engine()));
        let loaded = host
            .load_bytes(Path::new("async.wasm"), asynchronous)
            .expect("loads");
        assert!(engines::is_concurrent(loaded.component.engine()));
        // A component invalid with or without the async features is the plain engine's to
        // refuse, naming the file and the first thing it finds wrong.
        let broken = wat::parse_str("(component (type (stream u8)) (export \"f\" (func 0)))")
            .expect("broken WAT");
        assert!(!engines::uses_async(&host.plain.engine, &broken));
        let err = host
            .load_bytes(Path::new("broken.wasm"), broken)
            .err()
            .expect("refused");
        let message = format!("{err:#}");
        assert!(message.contains("broken.wasm"), "{message}");
        assert!(
            message.contains("requires the component model async"),
            "{message}"
        );
    }
}
