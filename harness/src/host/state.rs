//! What one store holds: the WASI context (granted nothing by default), the `wasi:http`
//! context (every outgoing request refused), the resource table, the plugin's configuration
//! and the host calls the plugin made.

use std::collections::BTreeMap;
use std::future::Future;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{
    RequestOptions, WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView,
};

/// How one instance is set up: what it may see and what the host answers it.
#[derive(Debug, Clone, Default)]
pub struct InstanceSettings {
    /// Answers to the plugin's `get-config` calls.
    pub config: BTreeMap<String, String>,
}

/// The data of one store.
pub struct HostState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    http_hooks: RefuseOutgoingHttp,
    table: ResourceTable,
    pub(super) settings: InstanceSettings,
    host_calls: Vec<String>,
}

impl HostState {
    pub(super) fn new(wasi: WasiCtx, settings: InstanceSettings) -> Self {
        HostState {
            wasi,
            http: WasiHttpCtx::new(),
            http_hooks: RefuseOutgoingHttp,
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

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.http_hooks,
        }
    }
}

/// The response to a plugin's outgoing HTTP request and the future that reports errors
/// while its body is read, as `wasmtime-wasi-http` hands them back.
type SendResult = wasmtime_wasi_http::Result<(
    http::Response<WasiBody>,
    Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
)>;

/// `wasi:http` is linked so that JavaScript plugins built with componentize-js's defaults
/// (which import it) instantiate; no plugin is granted the network, so every outgoing request
/// fails inside the guest with `HTTP-request-denied`.
struct RefuseOutgoingHttp;

impl WasiHttpHooks for RefuseOutgoingHttp {
    fn send_request(
        &mut self,
        _request: http::Request<WasiBody>,
        _options: Option<RequestOptions>,
        _response_errors: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) })
    }
}
