//! wasmtime's per-function incremental compilation cache, on disk: Cranelift looks each
//! function up by a key of its body and settings, so components that share code (every JS
//! component carries the same StarlingMonkey engine, every Python one the same CPython)
//! compile the shared functions once.
//!
//! A component has some 20,000 functions, so entries are not files of their own: they are
//! kept in memory, written out together as one pack file per compile ([`IncrementalCache::flush`])
//! and read back, all packs at once, the first time a compile asks for one. Each record carries
//! a BLAKE3 checksum of its key and value; a record that does not verify ends the reading of
//! its pack (everything after it is suspect) and is reported once. When packs pile up, the
//! next flush writes everything as one pack and removes the others.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use wasmtime::CacheStore;

use super::{warn_once, write_atomically};

/// The first bytes of a pack file.
const MAGIC: &[u8] = b"witness incremental cache v1\n";
/// More packs than this are merged into one at the next flush.
const MAX_PACKS: usize = 16;

/// An incremental compilation cache in one directory.
#[derive(Debug)]
pub struct IncrementalCache {
    dir: PathBuf,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Every entry read from the packs or inserted since; `None` until the packs are read.
    entries: Option<HashMap<Vec<u8>, Vec<u8>>>,
    /// The packs `entries` was read from.
    packs: Vec<PathBuf>,
    /// Keys inserted since the last flush.
    pending: Vec<Vec<u8>>,
}

impl IncrementalCache {
    /// The cache in `dir`.
    pub fn new(dir: PathBuf) -> Self {
        IncrementalCache {
            dir,
            state: Mutex::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes the entries inserted since the last flush as one new pack (or, when there are
    /// more than a few packs, everything as one pack in place of them). A directory that
    /// cannot be written is reported once; the entries stay usable in this process.
    pub fn flush(&self) {
        let mut state = self.state();
        if state.pending.is_empty() {
            return;
        }
        let State {
            entries,
            packs,
            pending,
        } = &mut *state;
        let Some(entries) = entries.as_ref() else {
            return;
        };
        let merge = packs.len() >= MAX_PACKS;
        let pack = if merge {
            encode(entries.iter())
        } else {
            encode(pending.iter().filter_map(|k| entries.get_key_value(k)))
        };
        let name = blake3::hash(&pack).to_hex();
        let path = self.dir.join(format!("{}.pack", &name[..32]));
        match write_atomically(&path, &pack) {
            Ok(()) => {
                pending.clear();
                if merge {
                    for old in packs.drain(..) {
                        let _ = std::fs::remove_file(old);
                    }
                }
                packs.push(path);
            }
            Err(err) => warn_once(
                "incremental-cache-unwritable",
                &format!("cannot write the incremental compilation cache ({err:#})"),
            ),
        }
    }
}

impl CacheStore for IncrementalCache {
    fn get(&self, key: &[u8]) -> Option<Cow<'_, [u8]>> {
        let mut state = self.state();
        if state.entries.is_none() {
            let (entries, packs) = read_packs(&self.dir);
            state.entries = Some(entries);
            state.packs = packs;
        }
        let value = state.entries.as_ref()?.get(key)?;
        Some(Cow::Owned(value.clone()))
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> bool {
        let mut state = self.state();
        let State {
            entries, pending, ..
        } = &mut *state;
        // wasmtime asks (`get`) before it inserts, so the packs have been read.
        let Some(entries) = entries.as_mut() else {
            return false;
        };
        if entries.insert(key.to_vec(), value).is_none() {
            pending.push(key.to_vec());
        }
        true
    }
}

/// A pack: the magic bytes, then for each entry its key length and value length (u32, little
/// endian), the BLAKE3 of key and value, the key and the value.
fn encode<'a>(entries: impl Iterator<Item = (&'a Vec<u8>, &'a Vec<u8>)>) -> Vec<u8> {
    let mut pack = MAGIC.to_vec();
    for (key, value) in entries {
        let (Ok(key_len), Ok(value_len)) = (u32::try_from(key.len()), u32::try_from(value.len()))
        else {
            continue;
        };
        pack.extend_from_slice(&key_len.to_le_bytes());
        pack.extend_from_slice(&value_len.to_le_bytes());
        pack.extend_from_slice(record_checksum(key, value).as_bytes());
        pack.extend_from_slice(key);
        pack.extend_from_slice(value);
    }
    pack
}

fn record_checksum(key: &[u8], value: &[u8]) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&(key.len() as u64).to_le_bytes());
    hasher.update(key);
    hasher.update(value);
    hasher.finalize()
}

/// Every entry of every pack in `dir` that verifies, and the packs read.
fn read_packs(dir: &Path) -> (HashMap<Vec<u8>, Vec<u8>>, Vec<PathBuf>) {
    let mut entries = HashMap::new();
    let mut packs = Vec::new();
    let Ok(listing) = std::fs::read_dir(dir) else {
        return (entries, packs);
    };
    for path in listing.flatten().map(|e| e.path()) {
        if path.extension().is_none_or(|e| e != "pack") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        if !decode(&bytes, &mut entries) {
            warn_once(
                "incremental-cache-damaged",
                &format!(
                    "the incremental compilation cache pack {} is damaged; \
                     its functions will be compiled again",
                    path.display()
                ),
            );
        }
        packs.push(path);
    }
    (entries, packs)
}

/// Adds the records of `pack` to `entries`, up to the first one that does not verify;
/// `false` when there was such a record (or the pack is not one).
fn decode(pack: &[u8], entries: &mut HashMap<Vec<u8>, Vec<u8>>) -> bool {
    let Some(mut rest) = pack.strip_prefix(MAGIC) else {
        return false;
    };
    while !rest.is_empty() {
        let Some(record) = Record::split(rest) else {
            return false;
        };
        if record_checksum(record.key, record.value).as_bytes() != record.checksum {
            return false;
        }
        entries.insert(record.key.to_vec(), record.value.to_vec());
        rest = record.rest;
    }
    true
}

/// One record of a pack, borrowed.
struct Record<'a> {
    key: &'a [u8],
    value: &'a [u8],
    checksum: &'a [u8],
    /// The bytes after the record.
    rest: &'a [u8],
}

impl<'a> Record<'a> {
    /// The record at the start of `bytes`; `None` when they end before it does.
    fn split(bytes: &'a [u8]) -> Option<Self> {
        let key_len = u32::from_le_bytes(bytes.get(0..4)?.try_into().ok()?) as usize;
        let value_len = u32::from_le_bytes(bytes.get(4..8)?.try_into().ok()?) as usize;
        let key_end = 40usize.checked_add(key_len)?;
        let value_end = key_end.checked_add(value_len)?;
        Some(Record {
            checksum: bytes.get(8..40)?,
            key: bytes.get(40..key_end)?,
            value: bytes.get(key_end..value_end)?,
            rest: bytes.get(value_end..)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packs_in(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|l| l.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn entries_survive_a_flush_into_another_process() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IncrementalCache::new(dir.path().to_path_buf());
        assert!(cache.get(b"key").is_none());
        assert!(cache.insert(b"key", b"value".to_vec()));
        assert_eq!(cache.get(b"key").as_deref(), Some(&b"value"[..]));
        cache.flush();
        assert_eq!(packs_in(dir.path()).len(), 1);

        let reopened = IncrementalCache::new(dir.path().to_path_buf());
        assert_eq!(reopened.get(b"key").as_deref(), Some(&b"value"[..]));
        assert!(reopened.get(b"other").is_none());
    }

    #[test]
    fn a_damaged_record_ends_its_pack_and_others_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IncrementalCache::new(dir.path().to_path_buf());
        cache.get(b"a");
        cache.insert(b"a", b"first".to_vec());
        cache.flush();
        cache.insert(b"b", b"second".to_vec());
        cache.insert(b"c", b"third".to_vec());
        cache.flush();
        let packs = packs_in(dir.path());
        assert_eq!(packs.len(), 2);
        let second = packs
            .iter()
            .find(|p| std::fs::read(p).unwrap().windows(6).any(|w| w == b"second"))
            .unwrap();
        let mut bytes = std::fs::read(second).unwrap();
        let at = bytes.windows(6).position(|w| w == b"second").unwrap();
        bytes[at] ^= 1;
        std::fs::write(second, &bytes).unwrap();

        let reopened = IncrementalCache::new(dir.path().to_path_buf());
        assert_eq!(reopened.get(b"a").as_deref(), Some(&b"first"[..]));
        assert!(
            reopened.get(b"b").is_none(),
            "the damaged record is not used"
        );
        assert!(
            reopened.get(b"c").is_none(),
            "nor anything after it in its pack"
        );
    }

    #[test]
    fn a_truncated_pack_keeps_its_whole_records() {
        let mut entries = HashMap::new();
        let (k1, v1, k2, v2) = (
            b"k1".to_vec(),
            b"v1".to_vec(),
            b"k2".to_vec(),
            b"v2".to_vec(),
        );
        let pack = encode([(&k1, &v1), (&k2, &v2)].into_iter());
        assert!(!decode(&pack[..pack.len() - 1], &mut entries));
        assert_eq!(entries.len(), 1, "the first record is whole");
        assert!(!decode(b"not a pack", &mut entries));
    }

    #[test]
    fn many_packs_are_merged_into_one() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IncrementalCache::new(dir.path().to_path_buf());
        cache.get(b"");
        for i in 0..=MAX_PACKS {
            cache.insert(format!("key{i}").as_bytes(), vec![i as u8]);
            cache.flush();
        }
        assert_eq!(packs_in(dir.path()).len(), 1);
        let reopened = IncrementalCache::new(dir.path().to_path_buf());
        for i in 0..=MAX_PACKS {
            assert_eq!(
                reopened.get(format!("key{i}").as_bytes()).as_deref(),
                Some(&[i as u8][..])
            );
        }
    }
}
