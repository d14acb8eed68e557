//! `cargo insta review` and `cargo insta accept` find the fixtures' snapshots: cargo-insta
//! looks for pending snapshots only under the roots of the workspace's packages, so
//! `fixtures/` is a package of the workspace (`fixtures/Cargo.toml`). The layout is checked
//! here, and where cargo-insta is installed, the real cargo-insta is run on a copy of it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    witness_harness::paths::this_repository()
}

#[test]
fn fixtures_is_a_package_of_the_workspace() {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(repo().join("Cargo.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixtures = repo().join("fixtures").canonicalize().unwrap();
    let roots: Vec<PathBuf> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["manifest_path"].as_str())
        .filter_map(|m| Path::new(m).parent().map(Path::to_path_buf))
        .collect();
    assert!(
        roots.iter().any(|root| root == &fixtures),
        "no package is rooted at {}: {roots:?}",
        fixtures.display()
    );
}

/// A workspace laid out like this repository's: a virtual manifest with `fixtures/` as a
/// member (its Cargo.toml and lib.rs copied from here), and one fixture with a pending
/// snapshot as the harness writes it.
fn workspace_with_a_pending_snapshot() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"fixtures\"]\n\n[workspace.package]\n\
         version = \"0.1.0\"\nedition = \"2024\"\nlicense = \"MIT\"\n",
    )
    .unwrap();
    let fixtures = dir.path().join("fixtures");
    let snapshots = fixtures.join("demo/snapshots");
    std::fs::create_dir_all(&snapshots).unwrap();
    for file in ["Cargo.toml", "lib.rs"] {
        std::fs::copy(repo().join("fixtures").join(file), fixtures.join(file)).unwrap();
    }
    std::fs::write(
        snapshots.join("demo.snap.new"),
        "---\nsource: harness/src/snapshot.rs\ndescription: a demo\n---\ncall greeting(\"Ben\")\n  \
         result: \"hi Ben\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn the_real_cargo_insta_lists_and_accepts_a_pending_fixture_snapshot() {
    let installed = Command::new(env!("CARGO"))
        .args(["insta", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !installed {
        eprintln!("cargo-insta is not installed (cargo install cargo-insta): not run");
        return;
    }
    let project = workspace_with_a_pending_snapshot();
    let manifest = project.path().join("Cargo.toml");
    let insta = |args: &[&str]| {
        let out = Command::new(env!("CARGO"))
            .arg("insta")
            .args(args)
            .arg("--manifest-path")
            .arg(&manifest)
            .env_remove("CI")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "cargo insta {args:?}: {text}");
        text
    };
    let pending = insta(&["pending-snapshots"]);
    assert!(pending.contains("demo.snap"), "{pending}");

    insta(&["accept"]);
    let snapshots = project.path().join("fixtures/demo/snapshots");
    assert!(!snapshots.join("demo.snap.new").exists());
    let accepted = std::fs::read_to_string(snapshots.join("demo.snap")).unwrap();
    assert!(accepted.contains("result: \"hi Ben\""), "{accepted}");
}

#[test]
fn git_does_not_hide_pending_snapshots_from_cargo_insta() {
    // cargo-insta's walk honours .gitignore: an ignored `.snap.new` is never reviewed.
    let probe = "fixtures/greeting/snapshots/greeting.snap.new";
    let ignored = Command::new("git")
        .arg("-C")
        .arg(repo())
        .args(["check-ignore", "-q", probe])
        .status();
    match ignored {
        Ok(status) if status.code() == Some(0) => {
            panic!("{probe} is ignored by git, so cargo insta review would not see it")
        }
        Ok(_) => {}
        Err(e) => eprintln!("git does not run ({e}): not checked"),
    }
}
