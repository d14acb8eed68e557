//! The cache directory's size limit. Built guests (`build/`) and compiled components
//! (`compiled/`) are kept while they fit in the limit (`WITNESS_CACHE_SIZE`, 10 GiB unless
//! set); at the end of a run the least recently used entries are removed until the rest fit.
//!
//! Each entry is a component and its checksum file; finding an entry sets the checksum
//! file's modification time ([`witness_host::cache::mark_used`]), so that time says when the
//! entry was last used. Without a limit every edited guest would leave a 12–100 MB entry
//! behind for good, and a CI cache restored and saved on every commit would only grow.
//! Installed toolchains (`bundled/`) and Cranelift's incremental cache are not counted.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Result, anyhow};
use bytesize::ByteSize;

/// The environment variable that sets the limit.
pub const VARIABLE: &str = "WITNESS_CACHE_SIZE";

/// The cache directories the limit covers, each with the extensions of an entry's
/// component and of its checksum file.
const KINDS: [(&str, &str, &str); 2] =
    [("compiled", "cwasm", "blake3"), ("build", "wasm", "sha256")];

/// How large the built and compiled components of the cache may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheLimit(pub u64);

impl Default for CacheLimit {
    /// 10 GiB: a full run of witness's own tests leaves some 6 GiB, Winch's code for a JS
    /// component being 50–100 MB.
    fn default() -> Self {
        CacheLimit(10 << 30)
    }
}

impl CacheLimit {
    /// `WITNESS_CACHE_SIZE` (a size such as `4GiB` or `500 MB`), else the default; a value
    /// that is not a size is an error naming the variable.
    pub fn from_env() -> Result<Self> {
        match std::env::var(VARIABLE) {
            Ok(text) if !text.trim().is_empty() => {
                Self::parse(&text).map_err(|e| anyhow!("{VARIABLE}={text}: {e}"))
            }
            _ => Ok(Self::default()),
        }
    }

    /// A size such as `10GiB`, `500 MB` or a number of bytes, more than zero (a limit of 0
    /// would empty the cache after every run).
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().parse::<ByteSize>() {
            Ok(size) if size.as_u64() > 0 => Ok(CacheLimit(size.as_u64())),
            Ok(_) => Err(anyhow!(
                "a limit of 0 would empty the cache after every run; give a size such as \
                 \"10GiB\", or unset the variable for the default"
            )),
            Err(_) => Err(anyhow!("not a size such as \"10GiB\" or \"500MB\"")),
        }
    }
}

/// What [`keep_within`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trimmed {
    /// Entries removed.
    pub removed: usize,
    /// Their bytes.
    pub freed: u64,
    /// The bytes of the entries kept.
    pub kept: u64,
}

/// One entry: its files with their sizes, component first, and when it was last used.
#[derive(Debug)]
struct Entry {
    files: Vec<(PathBuf, u64)>,
    used: SystemTime,
}

impl Entry {
    fn bytes(&self) -> u64 {
        self.files.iter().map(|(_, bytes)| bytes).sum()
    }
}

/// A temporary file of [`witness_host::cache::write_atomically`] older than this was left by
/// a process that stopped while writing, and is removed.
const STALE_TEMPORARY: Duration = Duration::from_secs(24 * 60 * 60);

/// Removes the least recently used entries of the cache in `cache` until the rest fit in
/// `limit`, and says on stderr what it removed. Files it cannot read or remove are left as
/// they are: the limit never fails a run. A file another process removed first counts as
/// removed, so two runs ending together do not remove twice what is needed.
pub fn keep_within(cache: &Path, limit: CacheLimit) -> Trimmed {
    let entries: Vec<Entry> = KINDS
        .iter()
        .flat_map(|(dir, component, checksum)| entries_in(&cache.join(dir), component, checksum))
        .collect();
    let trimmed = remove_least_recently_used(entries, limit);
    if trimmed.removed > 0 {
        eprintln!(
            "witness: the cache ({}) was over its limit of {} ({VARIABLE}): removed {} least \
             recently used {} ({})",
            cache.display(),
            ByteSize::b(limit.0).display().iec(),
            trimmed.removed,
            if trimmed.removed == 1 {
                "entry"
            } else {
                "entries"
            },
            ByteSize::b(trimmed.freed).display().iec(),
        );
    }
    trimmed
}

/// Removes entries of `entries`, least recently used first, until the rest fit in `limit`.
fn remove_least_recently_used(mut entries: Vec<Entry>, limit: CacheLimit) -> Trimmed {
    let mut total: u64 = entries.iter().map(Entry::bytes).sum();
    entries.sort_by_key(|e| e.used);
    let mut trimmed = Trimmed::default();
    for entry in entries {
        if total <= limit.0 {
            break;
        }
        // The component goes first: an entry left with only its checksum file is never used.
        let mut whole = true;
        for (file, bytes) in &entry.files {
            match std::fs::remove_file(file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    whole = false;
                    break;
                }
                _ => {
                    total -= bytes;
                    trimmed.freed += bytes;
                }
            }
        }
        if whole {
            trimmed.removed += 1;
        }
    }
    trimmed.kept = total;
    trimmed
}

/// The entries in `dir`: files named `<key>.<component>` and `<key>.<checksum>`, grouped by
/// key, the component first. Stale temporary files are removed on the way.
fn entries_in(dir: &Path, component: &str, checksum: &str) -> Vec<Entry> {
    let Ok(listing) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut by_key: HashMap<String, Entry> = HashMap::new();
    for file in listing.flatten() {
        let Ok(meta) = file.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let path = file.path();
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        if file.file_name().to_string_lossy().starts_with(".tmp") {
            if modified.elapsed().is_ok_and(|age| age > STALE_TEMPORARY) {
                let _ = std::fs::remove_file(&path);
            }
            continue;
        }
        let (Some(key), Some(ext)) = (
            path.file_stem().and_then(OsStr::to_str),
            path.extension().and_then(OsStr::to_str),
        ) else {
            continue;
        };
        if ext != component && ext != checksum {
            continue;
        }
        let entry = by_key.entry(key.to_string()).or_insert(Entry {
            files: Vec::new(),
            used: SystemTime::UNIX_EPOCH,
        });
        // The checksum file is written after the component and touched on every use, so the
        // later of the two times is the last use.
        entry.used = entry.used.max(modified);
        match ext == checksum {
            true => entry.files.push((path, meta.len())),
            false => entry.files.insert(0, (path, meta.len())),
        }
    }
    by_key.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes an entry of `bytes` bytes under `dir` last used `age` seconds ago.
    fn entry(dir: &Path, key: &str, (component, checksum): (&str, &str), bytes: usize, age: u64) {
        std::fs::create_dir_all(dir).unwrap();
        let main = dir.join(format!("{key}.{component}"));
        let sum = dir.join(format!("{key}.{checksum}"));
        std::fs::write(&main, vec![0u8; bytes]).unwrap();
        std::fs::write(&sum, "0123456789").unwrap();
        let when = SystemTime::now() - Duration::from_secs(age);
        for file in [&main, &sum] {
            std::fs::File::options()
                .append(true)
                .open(file)
                .unwrap()
                .set_modified(when)
                .unwrap();
        }
    }

    fn present(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_least_recently_used_entries_go_first_across_both_kinds() {
        let cache = tempfile::tempdir().unwrap();
        let compiled = cache.path().join("compiled");
        let build = cache.path().join("build");
        entry(&compiled, "old", ("cwasm", "blake3"), 1000, 300);
        entry(&build, "older", ("wasm", "sha256"), 1000, 400);
        entry(&compiled, "new", ("cwasm", "blake3"), 1000, 10);
        entry(&build, "newer", ("wasm", "sha256"), 1000, 5);
        std::fs::write(compiled.join(".tmpAbCd"), vec![0u8; 5000]).unwrap();
        let stale = compiled.join(".tmpStale");
        std::fs::write(&stale, vec![0u8; 5000]).unwrap();
        let two_days_ago = SystemTime::now() - 2 * STALE_TEMPORARY;
        let file = std::fs::File::options().append(true).open(&stale).unwrap();
        file.set_modified(two_days_ago).unwrap();
        drop(file);

        let trimmed = keep_within(cache.path(), CacheLimit(2100));

        assert_eq!(trimmed.removed, 2);
        assert_eq!(trimmed.freed, 2020);
        assert_eq!(trimmed.kept, 2020);
        // A temporary file being written is left alone; one from a day ago is removed.
        assert_eq!(present(&compiled), [".tmpAbCd", "new.blake3", "new.cwasm"]);
        assert_eq!(present(&build), ["newer.sha256", "newer.wasm"]);
    }

    #[test]
    fn a_cache_within_its_limit_is_left_alone() {
        let cache = tempfile::tempdir().unwrap();
        let compiled = cache.path().join("compiled");
        entry(&compiled, "a", ("cwasm", "blake3"), 1000, 100);
        entry(&compiled, "b", ("cwasm", "blake3"), 1000, 50);
        assert_eq!(
            keep_within(cache.path(), CacheLimit(2020)),
            Trimmed {
                removed: 0,
                freed: 0,
                kept: 2020
            }
        );
        assert_eq!(present(&compiled).len(), 4);
        assert_eq!(
            keep_within(&cache.path().join("absent"), CacheLimit(0)).kept,
            0
        );
    }

    #[test]
    fn using_an_entry_keeps_it_over_an_entry_stored_later() {
        let cache = tempfile::tempdir().unwrap();
        let build = cache.path().join("build");
        entry(&build, "used", ("wasm", "sha256"), 1000, 500);
        entry(&build, "stored", ("wasm", "sha256"), 1000, 100);
        witness_host::cache::mark_used(&build.join("used.sha256"));
        keep_within(cache.path(), CacheLimit(1500));
        assert_eq!(present(&build), ["used.sha256", "used.wasm"]);
    }

    #[test]
    fn a_file_another_process_removed_first_counts_as_removed() {
        let cache = tempfile::tempdir().unwrap();
        let build = cache.path().join("build");
        entry(&build, "old", ("wasm", "sha256"), 1000, 300);
        entry(&build, "new", ("wasm", "sha256"), 1000, 10);
        let entries = entries_in(&build, "wasm", "sha256");
        assert_eq!(entries.iter().map(Entry::bytes).sum::<u64>(), 2020);
        // Another process removes `old` after this one listed the cache.
        std::fs::remove_file(build.join("old.wasm")).unwrap();
        std::fs::remove_file(build.join("old.sha256")).unwrap();
        let trimmed = remove_least_recently_used(entries, CacheLimit(1010));
        assert_eq!(trimmed.removed, 1);
        assert_eq!(trimmed.kept, 1010);
        assert_eq!(present(&build), ["new.sha256", "new.wasm"], "`new` is kept");
    }

    #[test]
    fn sizes_parse_in_either_unit_and_nonsense_is_refused() {
        assert_eq!(CacheLimit::parse("4GiB").unwrap(), CacheLimit(4 << 30));
        assert_eq!(
            CacheLimit::parse(" 500 MB ").unwrap(),
            CacheLimit(500_000_000)
        );
        assert_eq!(CacheLimit::parse("123").unwrap(), CacheLimit(123));
        for nonsense in ["lots", "-1KiB", ""] {
            let err = CacheLimit::parse(nonsense).unwrap_err().to_string();
            assert_eq!(
                err, "not a size such as \"10GiB\" or \"500MB\"",
                "{nonsense:?}"
            );
        }
        let err = CacheLimit::parse("0B").unwrap_err().to_string();
        assert!(err.contains("a limit of 0 would empty the cache"), "{err}");
    }
}
