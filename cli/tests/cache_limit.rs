//! The cache's size limit end to end: a `witness run` whose `WITNESS_CACHE_SIZE` is smaller
//! than what it stored removes the least recently used entries at its end and says so, the
//! next run builds and compiles again and still passes, and under the default limit nothing
//! is removed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `witness run --lang rust greeting` in this repository with its own cache directory and
/// `WITNESS_CACHE_SIZE` set to `limit` (unset for `None`); returns (exit code, stderr).
fn run_greeting(cache: &Path, limit: Option<&str>) -> (Option<i32>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_witness"));
    cmd.args(["run", "--lang", "rust", "greeting"])
        .current_dir(repo())
        .env("WITNESS_CACHE_DIR", cache)
        .env_remove("WITNESS_CACHE_SIZE")
        .env_remove("WITNESS_LANGS");
    if let Some(limit) = limit {
        cmd.env("WITNESS_CACHE_SIZE", limit);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The names of the files in `dir` with extension `ext`.
fn files(dir: &Path, ext: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|listing| {
            listing
                .flatten()
                .map(|f| f.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(&format!(".{ext}")))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_run_keeps_its_cache_within_witness_cache_size() {
    let cache = tempfile::tempdir().unwrap();
    let compiled = cache.path().join("compiled");
    let build = cache.path().join("build");

    let (code, stderr) = run_greeting(cache.path(), None);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("building greeting::rust"), "{stderr}");
    assert!(!stderr.contains("over its limit"), "{stderr}");
    assert_eq!(files(&compiled, "cwasm").len(), 1, "{stderr}");
    assert_eq!(files(&build, "wasm").len(), 1, "{stderr}");

    let (code, stderr) = run_greeting(cache.path(), Some("1KiB"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !stderr.contains("building"),
        "the second run builds nothing: {stderr}"
    );
    assert!(
        stderr.contains("was over its limit of 1.0 KiB (WITNESS_CACHE_SIZE): removed the 2 least recently used entries"),
        "{stderr}"
    );
    assert!(files(&compiled, "cwasm").is_empty());
    assert!(files(&compiled, "blake3").is_empty());
    assert!(files(&build, "wasm").is_empty());
    assert!(files(&build, "sha256").is_empty());

    let (code, stderr) = run_greeting(cache.path(), None);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("building greeting::rust"), "{stderr}");
    assert_eq!(files(&compiled, "cwasm").len(), 1, "{stderr}");
}
