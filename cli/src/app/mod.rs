//! The plugin host application: installed plugins in one directory ([`store`]), their
//! commands as `witness <plugin> <command>` subcommands ([`dispatch`]), and the language a
//! component was written in ([`producers`]).

pub mod dispatch;
pub mod producers;
pub mod store;
