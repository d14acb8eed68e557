//! Built components, reused while nothing that went into them changed: each entry is keyed
//! by a fingerprint of the guest source, the WIT it was built against, the toolchain's version
//! and its build flags, and carries the SHA-256 of the component so a damaged entry is
//! noticed and rebuilt instead of used.

use std::path::{Path, PathBuf};

use super::hash::sha256_hex;
use super::{warn_once, write_atomically};

/// The build cache in one directory.
#[derive(Debug, Clone)]
pub struct BuildCache {
    dir: PathBuf,
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

    /// The component built for `key`, if there is one and it is intact.
    pub fn get(&self, key: &str) -> Option<PathBuf> {
        let (wasm, sum) = self.entry(key);
        let expected = std::fs::read_to_string(&sum).ok()?;
        let bytes = std::fs::read(&wasm).ok()?;
        if sha256_hex(&bytes) == expected.trim() {
            return Some(wasm);
        }
        warn_once(
            "build-cache-damaged",
            &format!(
                "the cached build {} does not match its checksum; rebuilding it",
                wasm.display()
            ),
        );
        let _ = std::fs::remove_file(&wasm);
        let _ = std::fs::remove_file(&sum);
        None
    }

    /// Records `component` as the build for `key`. A cache that cannot be written is reported
    /// once and otherwise ignored.
    pub fn put(&self, key: &str, component: &Path) {
        let (wasm, sum) = self.entry(key);
        let stored = std::fs::read(component)
            .map_err(anyhow::Error::from)
            .and_then(|bytes| {
                write_atomically(&wasm, &bytes)?;
                write_atomically(&sum, sha256_hex(&bytes).as_bytes())
            });
        if let Err(err) = stored {
            warn_once(
                "build-cache-unwritable",
                &format!("cannot write the build cache ({err:#}); building without it"),
            );
        }
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
        cache.put("k", &built);
        let hit = cache.get("k").expect("a fresh entry is used");
        assert_eq!(std::fs::read(&hit).unwrap(), b"\0asm component bytes");

        std::fs::write(&hit, b"\0asm compo").unwrap(); // truncated
        assert!(cache.get("k").is_none(), "a truncated entry is not used");
        assert!(!hit.exists(), "and it is removed");
    }

    #[test]
    fn an_unwritable_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, "").unwrap();
        let cache = BuildCache::new(file.join("build"));
        let built = dir.path().join("built.wasm");
        std::fs::write(&built, b"x").unwrap();
        cache.put("k", &built);
        assert!(cache.get("k").is_none());
    }
}
