//! The plugin API (`witness:plugin`) in every version this host runs: one wasmtime bindgen
//! per version for the host imports ([`v0_1`], [`v0_2`]), what they share (logging and
//! configuration, recorded as host calls), and which version a component was built for
//! ([`compat`]).
//!
//! Imports are linked per version: wasmtime's linker gives an import of
//! `witness:plugin/host@0.2.3` the `@0.2.0` definitions (semver-compatible), and one of
//! `@0.1.0` the 0.1 ones. Exports differ by version, so the host learns a plugin's version
//! from its imports (or, for a plugin importing nothing of the API, from its exports) and
//! calls it the way that version's world says.

pub mod compat;
mod read_file;
mod v0_1;
mod v0_2;

use wasmtime::component::{HasSelf, Linker, Val};

use crate::state::{HostState, LogOutput};

pub use read_file::MAX_READ_FILE_BYTES;

/// The log levels by name, least severe first; a level's index is its severity. Every
/// version of the plugin API has these five.
pub const LOG_LEVELS: [&str; 5] = ["trace", "debug", "info", "warn", "error"];

/// Adds the host imports of every supported plugin API version to `linker`.
pub(crate) fn add_to_linker(linker: &mut Linker<HostState>) -> wasmtime::Result<()> {
    v0_1::Plugin::add_to_linker::<HostState, HasSelf<HostState>>(linker, |state| state)?;
    v0_2::Plugin::add_to_linker::<HostState, HasSelf<HostState>>(linker, |state| state)?;
    Ok(())
}

impl HostState {
    /// `log(level, message)` in any version: shown on stderr from the settings' level up,
    /// and recorded.
    fn plugin_log(&mut self, level: usize, message: &str) {
        let name = LOG_LEVELS.get(level).copied().unwrap_or("error");
        if let LogOutput::Stderr { plugin, min } = &self.settings.log
            && level >= usize::from(*min)
        {
            eprintln!(
                "[{plugin}] {name}: {}",
                crate::terminal::escape_controls(message)
            );
        }
        self.record_host_call(format!("log({name}, {})", wave_string(message)));
    }

    /// `get-config(key)` in any version: the plugin's setting, recorded with its answer.
    fn plugin_get_config(&mut self, key: &str) -> Option<String> {
        let value = self.settings.config.get(key).cloned();
        let shown = match &value {
            Some(v) => format!("some({})", wave_string(v)),
            None => "none".to_string(),
        };
        self.record_host_call(format!("get-config({}) -> {shown}", wave_string(key)));
        value
    }
}

/// A string as a WAVE literal (quoted and escaped).
fn wave_string(s: &str) -> String {
    Val::String(s.to_string())
        .to_wave()
        .unwrap_or_else(|_| format!("{s:?}"))
}
