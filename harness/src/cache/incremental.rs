//! wasmtime's per-function incremental compilation cache, on disk: Cranelift looks each
//! function up by a key of its body and settings, so components that share code (every JS
//! component carries the same StarlingMonkey engine, every Python one the same CPython)
//! compile the shared functions once. Each entry starts with the SHA-256 of its value, and an
//! entry that does not verify is a miss.

use std::borrow::Cow;
use std::path::PathBuf;

use sha2::{Digest, Sha256};
use wasmtime::CacheStore;

use super::hash::sha256_hex;
use super::{warn_once, write_atomically};

/// An incremental compilation cache in one directory.
#[derive(Debug)]
pub struct IncrementalCache {
    dir: PathBuf,
}

impl IncrementalCache {
    /// The cache in `dir`.
    pub fn new(dir: PathBuf) -> Self {
        IncrementalCache { dir }
    }

    fn path(&self, key: &[u8]) -> PathBuf {
        let name = sha256_hex(key);
        self.dir.join(&name[..2]).join(&name[2..])
    }
}

impl CacheStore for IncrementalCache {
    fn get(&self, key: &[u8]) -> Option<Cow<'_, [u8]>> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        if bytes.len() < 32 {
            return None;
        }
        let (sum, value) = bytes.split_at(32);
        if Sha256::digest(value).as_slice() != sum {
            warn_once(
                "incremental-cache-damaged",
                "an incremental compilation cache entry is damaged; recompiling that function",
            );
            return None;
        }
        Some(Cow::Owned(value.to_vec()))
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> bool {
        let mut entry = Sha256::digest(&value).to_vec();
        entry.extend_from_slice(&value);
        match write_atomically(&self.path(key), &entry) {
            Ok(()) => true,
            Err(err) => {
                warn_once(
                    "incremental-cache-unwritable",
                    &format!("cannot write the incremental compilation cache ({err:#})"),
                );
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_damaged_ones_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IncrementalCache::new(dir.path().to_path_buf());
        assert!(cache.get(b"key").is_none());
        assert!(cache.insert(b"key", b"value".to_vec()));
        assert_eq!(cache.get(b"key").as_deref(), Some(&b"value"[..]));
        let path = cache.path(b"key");
        let mut bytes = std::fs::read(&path).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(cache.get(b"key").is_none());
    }
}
