//! The conformance matrix of this repository's `fixtures/` under `cargo test`: see
//! [`witness_harness::libtest`].

fn main() -> std::process::ExitCode {
    let paths = witness_harness::paths::ProjectPaths::at(witness_harness::paths::this_repository());
    witness_harness::libtest::main(paths)
}
