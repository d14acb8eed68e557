//! What one store holds: the WASI context (granted nothing by default), its resource table,
//! the plugin's configuration and the host calls the plugin made.

use std::collections::BTreeMap;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// How one instance is set up: what it may see and what the host answers it.
#[derive(Debug, Clone, Default)]
pub struct InstanceSettings {
    /// Answers to the plugin's `get-config` calls.
    pub config: BTreeMap<String, String>,
}

/// The data of one store.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(super) settings: InstanceSettings,
    host_calls: Vec<String>,
}

impl HostState {
    pub(super) fn new(wasi: WasiCtx, settings: InstanceSettings) -> Self {
        HostState {
            wasi,
            table: ResourceTable::new(),
            settings,
            host_calls: Vec::new(),
        }
    }

    /// Records one call the plugin made into the host, as text that does not depend on the
    /// plugin's language.
    pub(super) fn record_host_call(&mut self, call: String) {
        self.host_calls.push(call);
    }

    /// The host calls recorded since the last time this was asked.
    pub(super) fn take_host_calls(&mut self) -> Vec<String> {
        std::mem::take(&mut self.host_calls)
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}
