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
    /// The answers of imports beyond WASI and the plugin API (a fixture's `[[import]]`).
    pub imports: Vec<crate::scripted::ScriptedImport>,
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
/// environment, empty stdin, no directory, no network, a fixed clock and seeded randomness.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    /// What the plugin's wall clock says.
    pub clock: Clock,
    /// Where the plugin's random numbers come from.
    pub random: Random,
    /// Command-line arguments the plugin sees.
    pub args: Vec<String>,
    /// Environment variables the plugin sees.
    pub env: BTreeMap<String, String>,
    /// What the plugin reads from stdin.
    pub stdin: Option<String>,
    /// A host directory preopened for the plugin.
    pub dir: Option<GrantedDir>,
}

/// The instant a plugin's wall clock shows by default: 2026-01-01T00:00:00Z.
pub const DEFAULT_CLOCK: std::time::Duration = std::time::Duration::from_secs(1_767_225_600);

/// The seed of a plugin's random numbers by default.
pub const DEFAULT_RANDOM_SEED: u64 = 0;

/// What a plugin's clocks say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The wall clock stands still at this time since the Unix epoch, and the monotonic clock
    /// starts at zero and steps a millisecond per reading: a plugin that reads the time does
    /// the same on every run (sleeping still takes real time).
    Fixed(std::time::Duration),
    /// The host's clocks.
    Real,
}

impl Default for Clock {
    fn default() -> Self {
        Clock::Fixed(DEFAULT_CLOCK)
    }
}

/// Where a plugin's random numbers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Random {
    /// A generator seeded with this number (ChaCha12): the same numbers on every run, and
    /// so nothing a secret may be made of.
    Seeded(u64),
    /// The host's secure random source.
    Real,
}

impl Default for Random {
    fn default() -> Self {
        Random::Seeded(DEFAULT_RANDOM_SEED)
    }
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
    /// Bytes the instance may allocate: all its linear memories together, and its tables'
    /// elements at [`TABLE_ELEMENT_BYTES`] each.
    pub memory: u64,
    /// Bytes of stdout, and separately of stderr, kept per instance; also the bytes of its
    /// record of host calls.
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

/// How many core instances, linear memories and tables one plugin instance may create.
/// wasmtime's defaults (10,000 each) would let a component reserve address space for
/// thousands of memories; a real guest needs a handful (a componentize-py component, the
/// largest here, creates about a dozen instances and two memories).
pub const MAX_INSTANCES: usize = 256;
/// See [`MAX_INSTANCES`].
pub const MAX_MEMORIES: usize = 32;
/// See [`MAX_INSTANCES`].
pub const MAX_TABLES: usize = 256;

/// The bytes one table element occupies in the host (a function reference is a pointer).
pub const TABLE_ELEMENT_BYTES: u64 = 8;

/// Enforces [`Limits::memory`] over everything one plugin instance allocates: every linear
/// memory of every core instance in its store, and every table element at its size in the
/// host. A guest that grows past it traps (in every language the same way, rather than each
/// runtime reporting its own out-of-memory error). Also caps the number of instances,
/// memories and tables.
pub(super) struct MemoryLimiter {
    limit: u64,
    /// Bytes of linear memory and table elements allocated so far in this store.
    used: u64,
    /// Set when a growth was refused, so the trap can be named.
    pub(super) hit: bool,
}

impl MemoryLimiter {
    pub(super) fn new(limit: u64) -> Self {
        MemoryLimiter {
            limit,
            used: 0,
            hit: false,
        }
    }

    /// Accounts for growing `what` from `current` to `desired` units of `unit_bytes` each, or
    /// refuses it when the budget would be exceeded. A growth past the item's own `maximum`
    /// fails anyway (`memory.grow` returns -1) and uses no budget.
    fn grow(
        &mut self,
        what: &str,
        (current, desired, maximum): (usize, usize, Option<usize>),
        unit_bytes: u64,
    ) -> wasmtime::Result<bool> {
        if maximum.is_some_and(|max| desired > max) {
            return Ok(false);
        }
        let more = (desired as u64)
            .saturating_sub(current as u64)
            .saturating_mul(unit_bytes);
        let wanted = self.used.saturating_add(more);
        if wanted > self.limit {
            self.hit = true;
            wasmtime::bail!(
                "memory limit: growing {what} would bring the instance to {wanted} bytes, past \
                 its {} bytes",
                self.limit
            );
        }
        self.used = wanted;
        Ok(true)
    }
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.grow("a linear memory", (current, desired, maximum), 1)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.grow("a table", (current, desired, maximum), TABLE_ELEMENT_BYTES)
    }

    fn instances(&self) -> usize {
        MAX_INSTANCES
    }

    fn memories(&self) -> usize {
        MAX_MEMORIES
    }

    fn tables(&self) -> usize {
        MAX_TABLES
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
    /// Host calls recorded over the instance's life, and their bytes: bounded like output.
    recorded_calls: usize,
    recorded_bytes: usize,
    records_dropped: bool,
    /// The typed answers of the instance's scripted imports.
    pub(crate) script: crate::scripted::Script,
}

/// How many host calls one instance's record keeps, whatever their size.
pub const MAX_HOST_CALL_RECORDS: usize = 10_000;

/// The line that stands for the host calls an instance made past its record's bounds.
pub const HOST_CALLS_TRUNCATED: &str = "(truncated: host calls past the limit were not recorded)";

impl HostState {
    pub(super) fn new(
        wasi: WasiCtx,
        settings: InstanceSettings,
        script: crate::scripted::Script,
    ) -> Self {
        HostState {
            wasi,
            http: WasiHttpCtx::new(),
            http_hooks: RefuseOutgoingHttp::default(),
            table: ResourceTable::new(),
            limiter: MemoryLimiter::new(settings.limits.memory),
            settings,
            host_calls: Vec::new(),
            recorded_calls: 0,
            recorded_bytes: 0,
            records_dropped: false,
            script,
        }
    }

    /// Records one call the plugin made into the host, as text that does not depend on the
    /// plugin's language.
    /// The record keeps at most [`MAX_HOST_CALL_RECORDS`] calls and `[limits] output` bytes
    /// of them per instance; past that, one [`HOST_CALLS_TRUNCATED`] line stands for the rest,
    /// so a plugin that logs in a loop cannot grow the host's memory without bound.
    pub(super) fn record_host_call(&mut self, call: String) {
        if self.records_dropped {
            return;
        }
        let bytes = self.recorded_bytes.saturating_add(call.len());
        if self.recorded_calls >= MAX_HOST_CALL_RECORDS || bytes > self.settings.limits.output {
            self.records_dropped = true;
            self.host_calls.push(HOST_CALLS_TRUNCATED.to_string());
            return;
        }
        self.recorded_calls += 1;
        self.recorded_bytes = bytes;
        self.host_calls.push(call);
    }

    /// The host calls recorded since the last time this was asked, refused HTTP requests
    /// included.
    pub(super) fn take_host_calls(&mut self) -> Vec<String> {
        for refused in std::mem::take(&mut self.http_hooks.refused) {
            self.record_host_call(refused);
        }
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
        // Bounded like every record of host calls (a request line is short).
        if self.refused.len() < MAX_HOST_CALL_RECORDS {
            self.refused.push(format!(
                "wasi:http {} {} refused",
                request.method(),
                request.uri()
            ));
        }
        Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) })
    }
}

#[cfg(test)]
mod tests {
    use wasmtime::ResourceLimiter as _;

    use super::*;

    #[test]
    fn every_memory_and_table_counts_against_one_budget() {
        let mut limiter = MemoryLimiter::new(1000);
        assert!(limiter.memory_growing(0, 400, None).unwrap());
        assert!(limiter.memory_growing(0, 400, None).unwrap());
        assert!(limiter.memory_growing(400, 500, None).unwrap());
        assert!(!limiter.hit);
        // 900 used: a third memory of 200 bytes does not fit, though it alone is small.
        assert!(limiter.memory_growing(0, 200, None).is_err());
        assert!(limiter.hit);
        // A growth past the memory's own maximum fails without using budget.
        let mut limiter = MemoryLimiter::new(1000);
        assert!(!limiter.memory_growing(0, 900, Some(800)).unwrap());
        assert!(limiter.memory_growing(0, 1000, None).unwrap());
        // Table elements count at their size: 12 elements are 96 bytes, 13 are 104.
        let mut limiter = MemoryLimiter::new(100);
        assert!(limiter.table_growing(0, 12, None).unwrap());
        assert!(limiter.table_growing(12, 13, None).is_err());
    }

    #[test]
    fn sizes_near_the_top_of_the_range_do_not_overflow() {
        let mut limiter = MemoryLimiter::new(u64::MAX);
        assert!(limiter.memory_growing(0, usize::MAX, None).unwrap());
        assert!(limiter.table_growing(0, usize::MAX, None).unwrap());
    }

    fn state_with_output(output: usize) -> HostState {
        let settings = InstanceSettings {
            limits: Limits {
                output,
                ..Limits::default()
            },
            ..InstanceSettings::default()
        };
        HostState::new(
            wasmtime_wasi::WasiCtxBuilder::new().build(),
            settings,
            crate::scripted::Script::default(),
        )
    }

    #[test]
    fn host_call_records_stop_at_their_count_and_their_bytes() {
        let mut state = state_with_output(usize::MAX);
        for i in 0..MAX_HOST_CALL_RECORDS + 5 {
            state.record_host_call(format!("log(info, \"{i}\")"));
        }
        let calls = state.take_host_calls();
        assert_eq!(calls.len(), MAX_HOST_CALL_RECORDS + 1);
        assert_eq!(calls.last().map(String::as_str), Some(HOST_CALLS_TRUNCATED));
        state.record_host_call("later".into());
        assert!(
            state.take_host_calls().is_empty(),
            "nothing after the marker"
        );

        let mut state = state_with_output(10);
        state.record_host_call("12345".into());
        state.record_host_call("678901".into());
        assert_eq!(state.take_host_calls(), ["12345", HOST_CALLS_TRUNCATED]);
    }
}
