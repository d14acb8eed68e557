//! The host imports of `witness:plugin@0.2.0` (`wit/plugin.wit`): 0.1's `log` and
//! `get-config`, and `read-file` from the granted directory.

use crate::state::HostState;

wasmtime::component::bindgen!({
    path: "../wit",
    world: "witness:plugin/plugin@0.2.0",
});

use self::witness::plugin::types::{LogLevel, ReadError};

impl self::witness::plugin::types::Host for HostState {}

impl self::witness::plugin::host::Host for HostState {
    fn log(&mut self, level: LogLevel, message: String) {
        self.plugin_log(level as usize, &message);
    }

    fn get_config(&mut self, key: String) -> Option<String> {
        self.plugin_get_config(&key)
    }

    fn read_file(&mut self, path: String) -> Result<Vec<u8>, ReadError> {
        use super::read_file::Refused;
        let grant = self.settings.grants.dir.as_ref().map(|d| d.host.clone());
        let answer = super::read_file::read(grant.as_deref(), &path);
        let shown = match &answer {
            Ok(bytes) => format!("ok({} bytes)", bytes.len()),
            Err(refused) => format!("err({refused})"),
        };
        self.record_host_call(format!(
            "read-file({}) -> {shown}",
            super::wave_string(&path)
        ));
        answer.map_err(|refused| match refused {
            Refused::NoGrant => ReadError::NoGrant,
            Refused::OutsideGrant(p) => ReadError::OutsideGrant(p),
            Refused::NotFound(p) => ReadError::NotFound(p),
            Refused::TooLarge(limit) => ReadError::TooLarge(limit),
            Refused::Failed(message) => ReadError::Failed(message),
        })
    }
}
