//! The host side of the plugin API's imports (`witness:plugin/host`): log lines and
//! configuration lookups, each recorded as a host call so the harness can snapshot it.

use wasmtime::component::Val;

use super::state::{HostState, LogOutput};

wasmtime::component::bindgen!({
    path: "../wit",
    world: "witness:plugin/plugin",
});

pub use self::witness::plugin::types::LogLevel;

/// The generated world, used here only for its `add_to_linker`.
pub use Plugin as PluginImports;

impl self::witness::plugin::types::Host for HostState {}

impl self::witness::plugin::host::Host for HostState {
    fn log(&mut self, level: LogLevel, message: String) {
        if let LogOutput::Stderr { plugin, min } = &self.settings.log
            && level as u8 >= *min
        {
            eprintln!(
                "[{plugin}] {}: {}",
                level_name(level),
                crate::terminal::escape_controls(&message)
            );
        }
        self.record_host_call(format!(
            "log({}, {})",
            level_name(level),
            wave_string(&message)
        ));
    }

    fn get_config(&mut self, key: String) -> Option<String> {
        let value = self.settings.config.get(&key).cloned();
        let shown = match &value {
            Some(v) => format!("some({})", wave_string(v)),
            None => "none".to_string(),
        };
        self.record_host_call(format!("get-config({}) -> {shown}", wave_string(&key)));
        value
    }
}

/// The log levels by name, least severe first; a level's index is its severity.
pub const LOG_LEVELS: [&str; 5] = ["trace", "debug", "info", "warn", "error"];

/// Checks that a component implements the plugin world: every export of `witness:plugin`
/// with the right type, and no import beyond WASI and the plugin API (a fixture scripts
/// those; a plugin has nobody to answer them). The error names the first item that differs.
pub fn check_plugin_world(loaded: &crate::LoadedComponent) -> anyhow::Result<()> {
    if let Some(import) = loaded.scripted_imports().first() {
        anyhow::bail!(
            "it does not implement the witness:plugin/plugin world: it imports `{import}`, which \
             the witness host does not provide"
        );
    }
    PluginPre::new(loaded.pre().clone()).map(drop).map_err(|e| {
        anyhow::Error::from(e).context("it does not implement the witness:plugin/plugin world")
    })
}

/// The WIT name of a log level, as WAVE writes an enum case.
pub fn level_name(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Trace => "trace",
        LogLevel::Debug => "debug",
        LogLevel::Info => "info",
        LogLevel::Warn => "warn",
        LogLevel::Error => "error",
    }
}

/// A string as a WAVE literal (quoted and escaped).
fn wave_string(s: &str) -> String {
    Val::String(s.to_string())
        .to_wave()
        .unwrap_or_else(|_| format!("{s:?}"))
}
