//! The host imports of `witness:plugin@0.1.0` (the frozen `wit/0.1.0/plugin.wit`): `log` and
//! `get-config`.

use crate::state::HostState;

wasmtime::component::bindgen!({
    path: "../wit/0.1.0",
    world: "witness:plugin/plugin@0.1.0",
});

use self::witness::plugin::types::LogLevel;

impl self::witness::plugin::types::Host for HostState {}

impl self::witness::plugin::host::Host for HostState {
    fn log(&mut self, level: LogLevel, message: String) {
        self.plugin_log(level as usize, &message);
    }

    fn get_config(&mut self, key: String) -> Option<String> {
        self.plugin_get_config(&key)
    }
}
