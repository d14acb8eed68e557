//! The plugin host: one wasmtime [`Engine`] per process, one [`Linker`] with WASI preview 2
//! and the plugin API's host imports, and a fresh [`Store`](wasmtime::Store) per instance.
//!
//! Loading ([`Host::load`]), instantiating ([`Host::instantiate`]) and calling
//! ([`PluginInstance::call`]) are the three steps every user of the host goes through; the
//! compiled-code cache, the time limit and the memory limit each belong to one of them.

mod call;
mod imports;
mod instance;
mod output;
mod state;

use std::path::Path;

use anyhow::{Result, bail};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::error::Context as _;
use wasmtime::{Config, Engine, WasmBacktraceDetails};

pub use call::{CallError, ParsedCall, parse_call, signature, type_name};
pub use instance::{CallOutcome, CallRecord, PluginInstance, TrapKind};
pub use state::{HostState, InstanceSettings};

/// Bytes of stdout (and, separately, of stderr) kept per instance.
pub const OUTPUT_CAPACITY: usize = 1 << 20;

/// The engine and linker every plugin of this process runs on.
pub struct Host {
    engine: Engine,
    linker: Linker<HostState>,
}

impl Host {
    /// Creates the engine (Cranelift, component model, detailed backtraces) and a linker that
    /// provides WASI preview 2, `wasi:http` (outgoing requests refused) and the
    /// `witness:plugin/host` imports.
    pub fn new() -> Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.wasm_backtrace_details(WasmBacktraceDetails::Enable);
        let engine = Engine::new(&config).context("failed to create the wasmtime engine")?;

        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
            .context("failed to add WASI preview 2 to the linker")?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker)
            .context("failed to add wasi:http to the linker")?;
        imports::PluginImports::add_to_linker::<HostState, HasSelf<HostState>>(
            &mut linker,
            |state| state,
        )
        .context("failed to add the plugin API's host imports to the linker")?;
        Ok(Host { engine, linker })
    }

    /// The engine shared by every component this host loads.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Reads and compiles the component at `path`. A core module or a file that is not
    /// WebAssembly is refused with a message that says so.
    pub fn load(&self, path: &Path) -> Result<Component> {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("failed to read {}: {e}", path.display()))?;
        check_is_component(&bytes)
            .map_err(|e| anyhow::anyhow!("cannot load {}: {e}", path.display()))?;
        let component = Component::new(&self.engine, &bytes)
            .with_context(|| format!("failed to compile the component {}", path.display()))?;
        Ok(component)
    }

    /// Instantiates `component` in a fresh store configured by `settings`. The error names
    /// any import the linker cannot satisfy.
    pub fn instantiate(
        &self,
        component: &Component,
        settings: &InstanceSettings,
    ) -> Result<PluginInstance> {
        PluginInstance::new(&self.engine, &self.linker, component, settings)
    }
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
}
