//! Caches under `target/witness/cache/` (or `WITNESS_CACHE_DIR`): built components keyed by
//! what went into them ([`build`]), precompiled components keyed by their bytes and the
//! engine ([`compiled`]), and wasmtime's per-function incremental compilation cache
//! ([`incremental`]).
//!
//! A cache never fails a trial: an entry that cannot be read, does not verify, or was written
//! by another wasmtime is rebuilt; a directory that cannot be written is worked around
//! uncached. Each kind of problem is reported once per process on stderr.

pub mod compiled;
pub mod hash;
pub mod incremental;

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Mutex, OnceLock, PoisonError};

use anyhow::{Context, Result};

/// Prints `message` on stderr the first time a problem of kind `what` happens in this process.
pub fn warn_once(what: &str, message: &str) {
    static WARNED: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let mut warned = WARNED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if warned.insert(what.to_string()) {
        eprintln!("witness: {message}");
    }
}

/// Records that the entry whose checksum file is `path` was just used, by setting the
/// file's modification time: the cache's size limit removes the least recently used entries
/// first. A file that cannot be touched (a read-only cache) is left as it is.
pub fn mark_used(path: &Path) {
    let _ = std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|file| file.set_modified(std::time::SystemTime::now()));
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// a reader (another test process) never sees a half-written entry.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("a cache path has no parent")?;
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("failed to create a temporary file in {}", dir.display()))?;
    std::fs::write(tmp.path(), bytes)
        .with_context(|| format!("failed to write {}", tmp.path().display()))?;
    tmp.persist(path)
        .with_context(|| format!("failed to write {}", path.display()))?;
    Ok(())
}
