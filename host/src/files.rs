//! Walking a directory a plugin author handed over (a fixture's granted directory, a WIT
//! package, files hashed into a cache key) without trusting it: symbolic links and special
//! files are refused by name, never followed (a link could loop, point at `~/.ssh` or at a
//! file that never ends, such as `/dev/zero`), and the walk stops at a bound. Also the lock
//! by which processes take turns at changing one directory.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// How much a walk may find.
#[derive(Debug, Clone, Copy)]
pub struct WalkLimits {
    /// Regular files, at most.
    pub files: usize,
    /// Their bytes together, at most.
    pub bytes: u64,
}

impl WalkLimits {
    /// No bound but the links and special files refused.
    pub const NONE: WalkLimits = WalkLimits {
        files: usize::MAX,
        bytes: u64::MAX,
    };
}

/// One entry under the walked directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its path (under the walked directory).
    pub path: PathBuf,
    /// A directory (else a regular file).
    pub is_dir: bool,
}

/// Every directory and regular file under `dir`, parents before children, each directory's
/// entries in name order. A symbolic link, a special file, or more than `limits` allow is an
/// error that names the path.
pub fn walk(dir: &Path, limits: WalkLimits) -> Result<Vec<Entry>> {
    let mut found = Vec::new();
    let mut files = 0usize;
    let mut bytes = 0u64;
    walk_into(dir, dir, limits, &mut files, &mut bytes, &mut found)?;
    Ok(found)
}

fn walk_into(
    root: &Path,
    dir: &Path,
    limits: WalkLimits,
    files: &mut usize,
    bytes: &mut u64,
    found: &mut Vec<Entry>,
) -> Result<()> {
    let mut entries = std::fs::read_dir(dir)
        .with_context(|| format!("failed to list {}", dir.display()))?
        .collect::<std::io::Result<Vec<_>>>()
        .with_context(|| format!("failed to list {}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let kind = entry
            .file_type()
            .with_context(|| format!("failed to read {}", path.display()))?;
        if kind.is_dir() {
            found.push(Entry {
                path: path.clone(),
                is_dir: true,
            });
            walk_into(root, &path, limits, files, bytes, found)?;
        } else if kind.is_file() {
            let size = entry
                .metadata()
                .with_context(|| format!("failed to read {}", path.display()))?
                .len();
            *files += 1;
            *bytes = bytes.saturating_add(size);
            if *files > limits.files || *bytes > limits.bytes {
                bail!(
                    "{} holds more than {} files or {} bytes",
                    root.display(),
                    limits.files,
                    limits.bytes
                );
            }
            found.push(Entry {
                path,
                is_dir: false,
            });
        } else {
            bail!(
                "{} is a symbolic link or a special file; only directories and regular files \
                 are read",
                path.display()
            );
        }
    }
    Ok(())
}

/// Takes the lock of directory `dir` (its file `.lock`, created with the directory when
/// missing), held until the returned file is dropped: processes that change `dir` take turns.
pub fn lock_dir(dir: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let path = dir.join(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("failed to open {}", path.display()))?;
    file.lock()
        .with_context(|| format!("failed to lock {}", path.display()))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_and_files_come_in_order_and_bounds_hold() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        std::fs::write(dir.path().join("a"), "12345").unwrap();
        std::fs::write(dir.path().join("b/c/d"), "678").unwrap();
        let names: Vec<String> = walk(dir.path(), WalkLimits::NONE)
            .unwrap()
            .iter()
            .map(|e| {
                e.path
                    .strip_prefix(dir.path())
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a", "b", "b/c", "b/c/d"]);
        let tight = WalkLimits { files: 5, bytes: 7 };
        let err = walk(dir.path(), tight).unwrap_err().to_string();
        assert!(err.contains("holds more than 5 files or 7 bytes"), "{err}");
    }

    #[test]
    #[cfg(unix)]
    fn links_are_refused_by_name_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
        let err = walk(dir.path(), WalkLimits::NONE).unwrap_err().to_string();
        assert!(err.contains("loop is a symbolic link"), "{err}");
    }
}
