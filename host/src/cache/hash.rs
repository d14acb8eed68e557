//! Content hashes: SHA-256 (as hex) of everything a cache key depends on, and BLAKE3
//! checksums of large cache entries that are verified on every load (BLAKE3 hashes several
//! times faster than SHA-256, and a file is hashed through a memory map instead of a copy).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// Accumulates labelled inputs into one hash. Labels keep `("a", "bc")` apart from
/// `("ab", "c")`.
#[derive(Clone, Default)]
pub struct Fingerprint {
    hasher: Sha256,
}

impl Fingerprint {
    /// An empty fingerprint.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `bytes` under `label`.
    pub fn bytes(&mut self, label: &str, bytes: &[u8]) -> &mut Self {
        self.hasher.update((label.len() as u64).to_le_bytes());
        self.hasher.update(label.as_bytes());
        self.hasher.update((bytes.len() as u64).to_le_bytes());
        self.hasher.update(bytes);
        self
    }

    /// Adds a string under `label`.
    pub fn text(&mut self, label: &str, text: &str) -> &mut Self {
        self.bytes(label, text.as_bytes())
    }

    /// Adds the contents of the file at `path`.
    pub fn file(&mut self, path: &Path) -> Result<&mut Self> {
        let bytes =
            std::fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
        Ok(self.bytes(&path.to_string_lossy(), &bytes))
    }

    /// Adds every file under `dir`, by path relative to `dir` and contents, in sorted order.
    /// A symbolic link, a special file, or more than `limits` allow is an error
    /// ([`crate::files::walk`]).
    pub fn dir(&mut self, dir: &Path, limits: crate::files::WalkLimits) -> Result<&mut Self> {
        for entry in crate::files::walk(dir, limits)? {
            if entry.is_dir {
                continue;
            }
            let bytes = std::fs::read(&entry.path)
                .with_context(|| format!("failed to read {}", entry.path.display()))?;
            let rel = entry.path.strip_prefix(dir).unwrap_or(&entry.path);
            self.bytes(&rel.to_string_lossy(), &bytes);
        }
        Ok(self)
    }

    /// The hash so far, as 64 hex digits.
    pub fn finish(&self) -> String {
        hex(&self.hasher.clone().finalize())
    }
}

/// The SHA-256 of `bytes` as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        write!(s, "{b:02x}").ok();
        s
    })
}

/// The BLAKE3 checksum of `bytes` as hex.
pub fn checksum(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// The BLAKE3 checksum of the file at `path` as hex, read through a memory map.
pub fn file_checksum(path: &Path) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_mmap(path)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Feeds a `std::hash::Hash` value (such as wasmtime's engine compatibility hash) into
/// SHA-256, for a value that is the same in every process.
pub struct Sha256Hasher(Sha256);

impl Sha256Hasher {
    /// Hashes `value`.
    pub fn hex_of(value: &impl std::hash::Hash) -> String {
        let mut hasher = Sha256Hasher(Sha256::new());
        value.hash(&mut hasher);
        hex(&hasher.0.finalize())
    }
}

impl std::hash::Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(digest[..8].try_into().unwrap_or_default())
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_checksum_is_the_checksum_of_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("entry");
        std::fs::write(&file, b"compiled code").unwrap();
        assert_eq!(file_checksum(&file).unwrap(), checksum(b"compiled code"));
        assert_ne!(checksum(b"compiled code"), checksum(b"compiled cod"));
    }

    #[test]
    fn labels_separate_inputs_and_order_matters() {
        let a = Fingerprint::new().text("a", "bc").finish();
        let b = Fingerprint::new().text("ab", "c").finish();
        assert_ne!(a, b);
        assert_eq!(a, Fingerprint::new().text("a", "bc").finish());
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn a_directory_hash_follows_contents_not_listing_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.wit"), "b").unwrap();
        std::fs::create_dir(dir.path().join("deps")).unwrap();
        std::fs::write(dir.path().join("deps/a.wit"), "a").unwrap();
        let none = crate::files::WalkLimits::NONE;
        let first = Fingerprint::new().dir(dir.path(), none).unwrap().finish();
        assert_eq!(
            first,
            Fingerprint::new().dir(dir.path(), none).unwrap().finish()
        );
        std::fs::write(dir.path().join("deps/a.wit"), "changed").unwrap();
        assert_ne!(
            first,
            Fingerprint::new().dir(dir.path(), none).unwrap().finish()
        );
    }
}
