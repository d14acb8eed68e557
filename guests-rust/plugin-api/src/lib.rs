//! Write a witness plugin in Rust without touching WIT.
//!
//! A plugin is a type that implements [`Plugin`]; [`export!`] turns it into the component
//! exports the host calls. The host's services (logging, configuration, reading a granted
//! file) are plain functions in [`host`].
//!
//! ```ignore
//! use witness_plugin_api::{Args, Argument, Command, Plugin, PluginInfo, host};
//!
//! struct Hello;
//!
//! impl Plugin for Hello {
//!     fn info() -> PluginInfo {
//!         PluginInfo {
//!             name: "hello".into(),
//!             version: "0.2.0".into(),
//!             summary: "Says hello".into(),
//!             commands: vec![Command::new("greet", "Greets someone")
//!                 .with(Argument::rest("names", "Who to greet"))
//!                 .with(Argument::flag("shout", "Greet in capitals"))],
//!         }
//!     }
//!
//!     fn run(command: &str, args: &Args) -> Result<String, String> {
//!         host::log(host::LogLevel::Info, &format!("running {command}"));
//!         match command {
//!             "greet" => Ok(format!("Hello, {}!", args.values("names").join(" "))),
//!             other => Err(format!("unknown command `{other}`")),
//!         }
//!     }
//! }
//!
//! witness_plugin_api::export!(Hello);
//! ```
//!
//! # What changed in 0.2.0 (plugin API `witness:plugin@0.2.0`)
//!
//! - A command declares its arguments ([`Command::with`], [`Argument`]): the host parses the
//!   command line against them, refuses a wrong one with clap's usage message, and shows
//!   their help in `witness <plugin> <command> --help`.
//! - [`Plugin::run`] gets the parsed arguments as [`Args`] (by name) instead of a
//!   `Vec<String>` of words.
//! - [`host::read_file`] reads a file from the directory the user granted the plugin.
//!
//! A plugin built with 0.1 of this crate keeps working: the host runs 0.1.x plugins as they
//! were built. Moving to 0.2 means declaring each command's arguments and reading them from
//! `Args`.
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
        world: "witness:plugin/plugin@0.2.0",
        pub_export_macro: true,
        export_macro_name: "__export_plugin_world",
        default_bindings_module: "witness_plugin_api::bindings",
    });
}

pub use bindings::witness::plugin::types::{
    Argument, ArgumentKind, ArgumentValue, Command, LogLevel, PluginInfo,
};
use bindings::witness::plugin::types::Invocation;

impl Command {
    /// A command that takes no arguments (add them with [`Command::with`]).
    pub fn new(name: &str, summary: &str) -> Self {
        Command {
            name: name.into(),
            summary: summary.into(),
            arguments: Vec::new(),
        }
    }

    /// This command with `argument` after the ones it has.
    pub fn with(mut self, argument: Argument) -> Self {
        self.arguments.push(argument);
        self
    }
}

impl Argument {
    fn of(kind: ArgumentKind, name: &str, help: &str) -> Self {
        Argument {
            name: name.into(),
            help: help.into(),
            kind,
        }
    }

    /// A value by position that must be given: `NAME`.
    pub fn positional(name: &str, help: &str) -> Self {
        Self::of(ArgumentKind::Positional, name, help)
    }

    /// A value by position that may be left out: `[NAME]`.
    pub fn optional(name: &str, help: &str) -> Self {
        Self::of(ArgumentKind::Optional, name, help)
    }

    /// Every remaining value by position: `[NAME]...`. Last, at most one.
    pub fn rest(name: &str, help: &str) -> Self {
        Self::of(ArgumentKind::Rest, name, help)
    }

    /// `--name VALUE`, which may be left out.
    pub fn named(name: &str, help: &str) -> Self {
        Self::of(ArgumentKind::Named, name, help)
    }

    /// `--name`, given or not.
    pub fn flag(name: &str, help: &str) -> Self {
        Self::of(ArgumentKind::Flag, name, help)
    }
}

/// The arguments a command was run with, by the names it declared.
#[derive(Debug, Clone, Default)]
pub struct Args(Vec<ArgumentValue>);

impl Args {
    /// The arguments the host parsed, as the `invocation` holds them.
    pub fn new(given: Vec<ArgumentValue>) -> Self {
        Args(given)
    }

    /// The value of a `positional`, `optional` or `named` argument, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values(name).first().map(String::as_str)
    }

    /// Every value of an argument (a `rest` argument's, in order); none if not given.
    pub fn values(&self, name: &str) -> &[String] {
        self.0
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.values.as_slice())
            .unwrap_or_default()
    }

    /// Whether a `flag` (or any argument) was given.
    pub fn flag(&self, name: &str) -> bool {
        self.0.iter().any(|a| a.name == name)
    }
}

/// What a plugin implements: who it is and how it runs its commands.
pub trait Plugin {
    /// Who the plugin is and which commands it offers; the host calls this before any command.
    fn info() -> PluginInfo;

    /// Runs `command` with the arguments the host parsed against its declaration. `Ok` is the
    /// command's output for its user, `Err` its error message (the host gets
    /// `err(message)`). A panic traps the call and ends the instance; see
    /// [How a command fails](crate#how-a-command-fails).
    fn run(command: &str, args: &Args) -> Result<String, String>;
}

/// The services the host application gives every plugin.
pub mod host {
    pub use crate::bindings::witness::plugin::types::{LogLevel, ReadError};
    use crate::bindings::witness::plugin::host as imports;

    /// Writes `message` to the application's log at `level`, tagged with the plugin's name.
    pub fn log(level: LogLevel, message: &str) {
        imports::log(level, message);
    }

    /// The value of `key` in this plugin's configuration, if the user set one.
    pub fn config(key: &str) -> Option<String> {
        imports::get_config(key)
    }

    /// The bytes of the file at `path`, relative to the directory the user granted this
    /// plugin (`[<plugin>.wasi] dir` in witness's config.toml). A path that leaves the
    /// directory, a plugin without a grant and a file over the host's limit are refused.
    pub fn read_file(path: &str) -> Result<Vec<u8>, ReadError> {
        imports::read_file(path)
    }

    /// The file at `path` (as [`read_file`]) as UTF-8 text; the error is a message for the
    /// command's user, worded as every witness SDK words it
    /// (``cannot read `notes.txt`: no such file in the granted directory``).
    pub fn read_text(path: &str) -> Result<String, String> {
        let bytes = read_file(path).map_err(|e| format!("cannot read `{path}`: {}", reason(&e)))?;
        String::from_utf8(bytes).map_err(|_| format!("cannot read `{path}`: it is not UTF-8 text"))
    }

    /// Why a read failed, in the words every witness SDK uses.
    pub fn reason(error: &ReadError) -> String {
        match error {
            ReadError::NoGrant => "no directory is granted to this plugin".into(),
            ReadError::OutsideGrant(_) => "it is outside the granted directory".into(),
            ReadError::NotFound(_) => "no such file in the granted directory".into(),
            ReadError::TooLarge(limit) => format!("it is larger than {limit} bytes"),
            ReadError::Failed(message) => message.clone(),
        }
    }
}

/// Connects a [`Plugin`] to the generated component exports; used by [`export!`].
#[doc(hidden)]
pub struct Exports<P>(PhantomData<P>);

impl<P: Plugin> bindings::Guest for Exports<P> {
    fn info() -> PluginInfo {
        P::info()
    }

    fn run(invocation: Invocation) -> Result<String, String> {
        P::run(&invocation.command, &Args::new(invocation.arguments))
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
