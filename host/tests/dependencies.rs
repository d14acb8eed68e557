//! An application that embeds the host gets no test harness with it: the host's normal
//! dependencies name none of the crates the conformance harness and the CLI use.

use std::process::Command;

#[test]
fn the_host_depends_on_no_test_harness_crate() {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "witness-host",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args([
            "--manifest-path",
            concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
        ])
        .output()
        .expect("cargo runs");
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(tree.starts_with("witness-host "), "{tree}");
    for crate_name in [
        "insta",
        "similar",
        "clap",
        "libtest-mimic",
        "proptest",
        "quick-junit",
        "witness-harness",
    ] {
        assert!(
            !tree
                .lines()
                .any(|l| l.starts_with(&format!("{crate_name} "))),
            "witness-host depends on {crate_name}:\n{tree}"
        );
    }
}
