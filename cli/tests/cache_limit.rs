//! The cache's size limit end to end: a `witness run` whose cache is over
//! `WITNESS_CACHE_SIZE` removes the least recently used entries at its end and says so,
//! keeping those it used while an older, unused entry goes; the next run builds and compiles
//! again what was removed and still passes; under the default limit nothing is removed.

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
        .env_remove("WITNESS_LANGS")
        .env_remove("WITNESS_TOOLCHAINS")
        .env_remove("WITNESS_ROOT")
        .env_remove("CARGO_TARGET_DIR");
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

/// The bytes of the files in `dirs`.
fn bytes(dirs: &[&Path]) -> u64 {
    dirs.iter()
        .flat_map(|dir| std::fs::read_dir(dir).unwrap().flatten())
        .map(|f| f.metadata().unwrap().len())
        .sum()
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
    let used = bytes(&[&compiled, &build]);

    // An entry no run uses, stored a day ago: over a limit that just holds what the run uses,
    // it is the one that goes.
    let stale = [compiled.join("stale.cwasm"), compiled.join("stale.blake3")];
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
    for file in &stale {
        std::fs::write(file, vec![0u8; 10_000]).unwrap();
        let handle = std::fs::File::options().append(true).open(file).unwrap();
        handle.set_modified(day_ago).unwrap();
    }
    let (code, stderr) = run_greeting(cache.path(), Some(&used.to_string()));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        !stderr.contains("building greeting"),
        "a warm run builds nothing: {stderr}"
    );
    assert!(
        stderr.contains("(WITNESS_CACHE_SIZE): removed 1 least recently used entry (19.5 KiB)"),
        "{stderr}"
    );
    assert!(stale.iter().all(|f| !f.exists()));
    assert_eq!(files(&compiled, "cwasm").len(), 1, "the run's entries stay");
    assert_eq!(files(&build, "wasm").len(), 1, "the run's entries stay");

    let (code, stderr) = run_greeting(cache.path(), Some("1KiB"));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "was over its limit of 1.0 KiB (WITNESS_CACHE_SIZE): removed 2 least recently used \
             entries"
        ),
        "{stderr}"
    );
    for (dir, ext) in [
        (&compiled, "cwasm"),
        (&compiled, "blake3"),
        (&build, "wasm"),
        (&build, "sha256"),
    ] {
        assert!(files(dir, ext).is_empty(), "no .{ext} is left");
    }

    let (code, stderr) = run_greeting(cache.path(), None);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("building greeting::rust"), "{stderr}");
    assert_eq!(files(&compiled, "cwasm").len(), 1, "{stderr}");
}
