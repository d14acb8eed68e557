//! The plugin host application: installed plugins in one directory ([`store`]), their
//! commands as `witness <plugin> <command>` subcommands ([`dispatch`]) with the arguments
//! each declares ([`arguments`]), and the language a component was written in
//! ([`producers`]).

pub mod arguments;
pub mod dispatch;
pub mod producers;
pub mod store;
