//! witness-harness: the conformance harness that builds one plugin from Rust, JavaScript and
//! Python and checks that all of them behave the same through the witness host
//! ([`witness_host`]).
//!
//! The `witness` binary and the `conformance` test target are thin layers over this library:
//! both build a [`runner::Session`] and run its trials. Another project runs the harness over
//! its own `fixtures/` from its own `cargo test` the same way (see the README).

pub mod audit;
pub mod build_cache;
pub mod builder;
pub mod bundled;
pub mod cache_limit;
pub mod calls;
pub mod check;
pub mod component;
pub mod compose;
pub mod cores;
pub mod divergences;
pub mod error;
pub mod fixture;
pub mod generate;
pub mod handles;
pub mod imports;
pub mod lane;
pub mod language;
pub mod libtest;
pub mod observation;
pub mod outcome;
pub mod paths;
pub mod plan;
pub mod property;
pub mod report;
pub mod runner;
pub mod scaffold;
pub mod snapshot;
pub mod toolchain;
pub mod unsupported;
pub mod wit;
