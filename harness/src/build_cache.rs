//! Built components, reused while nothing that went into them changed: each entry is keyed
//! by a fingerprint of the guest source, the WIT it was built against, the toolchain's version
//! and its build flags, and carries the SHA-256 of the component so a damaged entry is
//! noticed and rebuilt instead of used.
//!
//! Looking an entry up reads only its recorded hash; reading and hashing the component (12 to
//! 18 MB for JS and Python) is left to [`BuildCache::verify`], which a caller needs only when
//! it is about to compile the bytes (a precompiled component keyed by the same hash carries a
//! checksum of its own).

use std::path::{Path, PathBuf};

use anyhow::Result;

use witness_host::cache::hash::sha256_hex;
use witness_host::cache::{warn_once, write_atomically};

/// The build cache in one directory.
#[derive(Debug, Clone)]
pub struct BuildCache {
    dir: PathBuf,
}

/// An entry of the build cache: the component and the SHA-256 recorded when it was stored.
#[derive(Debug, Clone)]
pub struct CachedBuild {
    /// The cached component.
    pub path: PathBuf,
    /// The SHA-256 of its bytes when it was stored, as hex.
    pub sha256: String,
    sum: PathBuf,
}

impl BuildCache {
    /// A build cache stored in `dir` (created when first written).
    pub fn new(dir: PathBuf) -> Self {
        BuildCache { dir }
    }

    fn entry(&self, key: &str) -> (PathBuf, PathBuf) {
        (
            self.dir.join(format!("{key}.wasm")),
            self.dir.join(format!("{key}.sha256")),
        )
    }

    /// The entry for `key`, if there is one; its contents are not read (see
    /// [`BuildCache::verify`]).
    pub fn get(&self, key: &str) -> Option<CachedBuild> {
        let (path, sum) = self.entry(key);
        let sha256 = std::fs::read_to_string(&sum).ok()?.trim().to_string();
        if !path.is_file() {
            return None;
        }
        witness_host::cache::mark_used(&sum);
        Some(CachedBuild { path, sha256, sum })
    }

    /// Whether `entry`'s component still has the bytes it was stored with; a damaged entry is
    /// reported once, removed, and `false`.
    pub fn verify(&self, entry: &CachedBuild) -> bool {
        match std::fs::read(&entry.path) {
            Ok(bytes) if sha256_hex(&bytes) == entry.sha256 => return true,
            // Removed since it was found (another process keeping the cache within its limit).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return false,
            _ => {}
        }
        warn_once(
            "build-cache-damaged",
            &format!(
                "the cached build {} does not match its checksum; rebuilding it",
                entry.path.display()
            ),
        );
        let _ = std::fs::remove_file(&entry.path);
        let _ = std::fs::remove_file(&entry.sum);
        false
    }

    /// Drops the entry for `key`, if there is one.
    pub fn forget(&self, key: &str) {
        let (wasm, sum) = self.entry(key);
        let _ = std::fs::remove_file(wasm);
        let _ = std::fs::remove_file(sum);
    }

    /// Records `component` as the build for `key` and returns its SHA-256. A cache that
    /// cannot be written is reported once and otherwise ignored.
    pub fn put(&self, key: &str, component: &Path) -> Result<String> {
        let bytes = std::fs::read(component).map_err(|e| {
            anyhow::anyhow!("failed to read the built {}: {e}", component.display())
        })?;
        let sha256 = sha256_hex(&bytes);
        let (wasm, sum) = self.entry(key);
        let stored = write_atomically(&wasm, &bytes)
            .and_then(|()| write_atomically(&sum, sha256.as_bytes()));
        if let Err(err) = stored {
            warn_once(
                "build-cache-unwritable",
                &format!("cannot write the build cache ({err:#}); building without it"),
            );
        }
        Ok(sha256)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_round_trips_and_a_damaged_one_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BuildCache::new(dir.path().join("build"));
        let built = dir.path().join("built.wasm");
        std::fs::write(&built, b"\0asm component bytes").unwrap();
        assert!(cache.get("k").is_none());
        let sha256 = cache.put("k", &built).unwrap();
        let hit = cache.get("k").expect("a fresh entry is found");
        assert_eq!(hit.sha256, sha256);
        assert!(cache.verify(&hit), "and verifies");
        assert_eq!(std::fs::read(&hit.path).unwrap(), b"\0asm component bytes");

        std::fs::write(&hit.path, b"\0asm compo").unwrap(); // truncated
        let found = cache.get("k").expect("a damaged entry is still found");
        assert!(!cache.verify(&found), "but does not verify");
        assert!(!hit.path.exists(), "and is removed");
        assert!(cache.get("k").is_none());
    }

    #[test]
    fn finding_an_entry_marks_it_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BuildCache::new(dir.path().join("build"));
        let built = dir.path().join("built.wasm");
        std::fs::write(&built, b"\0asm").unwrap();
        cache.put("k", &built).unwrap();
        let sum = dir.path().join("build/k.sha256");
        let long_ago = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30);
        let file = std::fs::File::options().append(true).open(&sum).unwrap();
        file.set_modified(long_ago).unwrap();
        drop(file);
        assert!(cache.get("k").is_some());
        let used = std::fs::metadata(&sum).unwrap().modified().unwrap();
        assert!(
            used > long_ago,
            "the checksum file's time is the time of use"
        );
    }

    #[test]
    fn an_entry_removed_after_it_was_found_is_a_quiet_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = BuildCache::new(dir.path().join("build"));
        let built = dir.path().join("built.wasm");
        std::fs::write(&built, b"\0asm").unwrap();
        cache.put("k", &built).unwrap();
        let hit = cache.get("k").unwrap();
        std::fs::remove_file(&hit.path).unwrap();
        assert!(!cache.verify(&hit));
        assert!(
            hit.sum.exists(),
            "a missing component is not called damaged"
        );
    }

    #[test]
    fn an_unwritable_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, "").unwrap();
        let cache = BuildCache::new(file.join("build"));
        let built = dir.path().join("built.wasm");
        std::fs::write(&built, b"x").unwrap();
        assert_eq!(cache.put("k", &built).unwrap(), sha256_hex(b"x"));
        assert!(cache.get("k").is_none());
    }
}
