//! Write a witness plugin in Rust without touching WIT.
//!
//! A plugin is a type that implements [`Plugin`]; [`export!`] turns it into the component
//! exports the host calls. The host's services (logging, configuration) are plain functions
//! in [`host`].
//!
//! ```ignore
//! use witness_plugin_api::{Command, Plugin, PluginInfo, host};
//!
//! struct Hello;
//!
//! impl Plugin for Hello {
//!     fn info() -> PluginInfo {
//!         PluginInfo {
//!             name: "hello".into(),
//!             version: "0.1.0".into(),
//!             summary: "Says hello".into(),
//!             commands: vec![Command { name: "greet".into(), summary: "Greets someone".into() }],
//!         }
//!     }
//!
//!     fn run(command: &str, args: Vec<String>) -> Result<String, String> {
//!         host::log(host::LogLevel::Info, &format!("running {command}"));
//!         match command {
//!             "greet" => Ok(format!("Hello, {}!", args.join(" "))),
//!             other => Err(format!("unknown command `{other}`")),
//!         }
//!     }
//! }
//!
//! witness_plugin_api::export!(Hello);
//! ```
//!
//! Build it with `cargo build --release --target wasm32-wasip2`: the `.wasm` under
//! `target/wasm32-wasip2/release/` is the component the host installs.
//!
//! # How a command fails
//!
//! The same rule holds in every witness SDK (in JS and Python, raising `PluginError` is the
//! `Err`, and any other exception is the panic):
//!
//! - returning `Err(message)` fails the command normally: the host gets `err(message)` and the
//!   plugin goes on running commands.
//! - a panic is a bug: it cannot be caught (panics abort on wasm), so the call traps, the host
//!   reports `trap: unreachable` with the panic message on stderr, and the instance is dead.
//!   Turn expected failures (bad arguments, a parse error) into `Err` instead of unwrapping.
//! - an unknown command should be ``Err(format!("unknown command `{command}`"))``, which is
//!   what the JS and Python SDKs answer for one.
//!
//! `fixtures/plugin-failure` shows all three in each language.

use std::marker::PhantomData;

#[doc(hidden)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "witness:plugin/plugin",
        pub_export_macro: true,
        export_macro_name: "__export_plugin_world",
        default_bindings_module: "witness_plugin_api::bindings",
    });
}

pub use bindings::witness::plugin::types::{Command, LogLevel, PluginInfo};

/// What a plugin implements: who it is and how it runs its commands.
pub trait Plugin {
    /// Who the plugin is and which commands it offers; the host calls this before any command.
    fn info() -> PluginInfo;

    /// Runs `command` with `args`. `Ok` is the command's output for its user, `Err` its error
    /// message (the host gets `err(message)`). A panic traps the call and ends the instance;
    /// see [How a command fails](crate#how-a-command-fails).
    fn run(command: &str, args: Vec<String>) -> Result<String, String>;
}

/// The services the host application gives every plugin.
pub mod host {
    pub use crate::bindings::witness::plugin::types::LogLevel;
    use crate::bindings::witness::plugin::host as imports;

    /// Writes `message` to the application's log at `level`, tagged with the plugin's name.
    pub fn log(level: LogLevel, message: &str) {
        imports::log(level, message);
    }

    /// The value of `key` in this plugin's configuration, if the user set one.
    pub fn config(key: &str) -> Option<String> {
        imports::get_config(key)
    }
}

/// Connects a [`Plugin`] to the generated component exports; used by [`export!`].
#[doc(hidden)]
pub struct Exports<P>(PhantomData<P>);

impl<P: Plugin> bindings::Guest for Exports<P> {
    fn info() -> PluginInfo {
        P::info()
    }

    fn run(command: String, args: Vec<String>) -> Result<String, String> {
        P::run(&command, args)
    }
}

/// Makes a type that implements [`Plugin`] the plugin this component exports.
///
/// Call it once, at the top level of the plugin crate: `witness_plugin_api::export!(MyPlugin);`
#[macro_export]
macro_rules! export {
    ($plugin:ty) => {
        type __WitnessPluginExports = $crate::Exports<$plugin>;
        $crate::bindings::__export_plugin_world!(
            __WitnessPluginExports with_types_in $crate::bindings
        );
    };
}
