//! witness: a wasmtime plugin host, and the conformance harness that builds one plugin from
//! Rust, JavaScript and Python and checks that all of them behave the same through it.
//!
//! The `witness` binary ([`cli`]) and the `conformance` test target are thin layers over
//! this library: both build a [`runner::Session`] and run its trials.

pub mod app;
pub mod bench;
pub mod cache;
pub mod cli;
pub mod fixture;
pub mod host;
pub mod language;
pub mod outcome;
pub mod paths;
pub mod report;
pub mod runner;
pub mod snapshot;
pub mod toolchain;
pub mod value;
pub mod wit;
