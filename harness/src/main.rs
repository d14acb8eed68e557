//! The `witness` binary: see [`witness::cli`].

fn main() -> std::process::ExitCode {
    witness::cli::main()
}
