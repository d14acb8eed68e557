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

/// How one instance is set up: what it may see, what the host answers it, and its limits.
#[derive(Debug, Clone, Default)]
pub struct InstanceSettings {
    /// Answers to the plugin's `get-config` calls.
    pub config: BTreeMap<String, String>,
    /// What the plugin is granted beyond nothing.
    pub grants: Grants,
    /// How far the plugin may go.
    pub limits: Limits,
    /// Where the plugin's log lines go besides the record of host calls.
    pub log: LogOutput,
}

/// Where a plugin's `log` calls are shown.
#[derive(Debug, Clone, Default)]
pub enum LogOutput {
    /// Only recorded as host calls (the harness snapshots them).
    #[default]
    Recorded,
    /// Also written to the host's stderr as `[plugin] level: message`, from `min` up.
    Stderr {
        /// The plugin's name, prefixed to each line.
        plugin: String,
        /// The least severe level shown (`trace` < `debug` < `info` < `warn` < `error`).
        min: u8,
    },
}

/// Capabilities granted to an instance. The default grants nothing: no arguments, no
/// environment, empty stdin, no directory, no network.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    /// Command-line arguments the plugin sees.
    pub args: Vec<String>,
    /// Environment variables the plugin sees.
    pub env: BTreeMap<String, String>,
    /// What the plugin reads from stdin.
    pub stdin: Option<String>,
    /// A host directory preopened for the plugin.
    pub dir: Option<GrantedDir>,
}

/// A host directory a plugin may use.
#[derive(Debug, Clone)]
pub struct GrantedDir {
    /// The directory on the host.
    pub host: std::path::PathBuf,
    /// Where the plugin sees it.
    pub guest: String,
    /// Whether the plugin may change it.
    pub writable: bool,
}

/// Limits of one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time one call (or the instantiation) may take.
    pub time: std::time::Duration,
    /// Bytes of linear memory the instance may grow to, all memories together.
    pub memory: u64,
    /// Bytes of stdout, and separately of stderr, kept per instance.
    pub output: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            time: std::time::Duration::from_secs(10),
            memory: 512 << 20,
            output: 1 << 20,
        }
    }
}

/// Enforces [`Limits::memory`]: a guest that grows past it traps (in every language the
/// same way, rather than each runtime reporting its own out-of-memory error).
pub(super) struct MemoryLimiter {
    limit: u64,
    /// Set when a growth was refused, so the trap can be named.
    pub(super) hit: bool,
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired as u64 > self.limit {
            self.hit = true;
            wasmtime::bail!(
                "memory limit: growing from {current} to {desired} bytes exceeds {} bytes",
                self.limit
            );
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 10_000_000)
    }
}

/// The data of one store.
pub struct HostState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    http_hooks: RefuseOutgoingHttp,
    table: ResourceTable,
    pub(super) settings: InstanceSettings,
    pub(super) limiter: MemoryLimiter,
    host_calls: Vec<String>,
}

impl HostState {
    pub(super) fn new(wasi: WasiCtx, settings: InstanceSettings) -> Self {
        HostState {
            wasi,
            http: WasiHttpCtx::new(),
            http_hooks: RefuseOutgoingHttp::default(),
            table: ResourceTable::new(),
            limiter: MemoryLimiter {
                limit: settings.limits.memory,
                hit: false,
            },
            settings,
            host_calls: Vec::new(),
        }
    }

    /// Records one call the plugin made into the host, as text that does not depend on the
    /// plugin's language.
    pub(super) fn record_host_call(&mut self, call: String) {
        self.host_calls.push(call);
    }

    /// The host calls recorded since the last time this was asked, refused HTTP requests
    /// included.
    pub(super) fn take_host_calls(&mut self) -> Vec<String> {
        let mut calls = std::mem::take(&mut self.host_calls);
        calls.append(&mut self.http_hooks.refused);
        calls
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
/// fails inside the guest with `HTTP-request-denied`, and is recorded as a host call.
#[derive(Default)]
struct RefuseOutgoingHttp {
    refused: Vec<String>,
}

impl WasiHttpHooks for RefuseOutgoingHttp {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        _options: Option<RequestOptions>,
        _response_errors: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        self.refused.push(format!(
            "wasi:http {} {} refused",
            request.method(),
            request.uri()
        ));
        Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) })
    }
}
