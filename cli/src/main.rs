//! The `witness` binary: the conformance matrix, reviewing its snapshots, one-off calls, the
//! plugin application and benchmarks, over the [`witness_harness`] and [`witness_host`] libraries.

mod app;
mod audit;
mod bench;
mod cli;
mod review;

fn main() -> std::process::ExitCode {
    cli::main()
}
