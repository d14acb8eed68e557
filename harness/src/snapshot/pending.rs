//! Pending snapshots: the `.snap.new` files a run proposed beside the fixtures' snapshots,
//! listed, accepted (renamed over the snapshot) or rejected (deleted). This is what
//! `witness review`, `witness accept` and `witness reject` do, in any project, with or without
//! a Cargo workspace; the files stay insta's, so `cargo insta review` works where there is one.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{diff, file};

/// One pending snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The fixture it belongs to (its directory's name).
    pub fixture: String,
    /// The snapshot it would replace or create.
    pub snapshot: PathBuf,
    /// The pending file, `<snapshot>.new`.
    pub pending: PathBuf,
}

impl Pending {
    /// The stored outcome, if there is one.
    pub fn old(&self) -> Option<String> {
        file::read(&self.snapshot)
    }

    /// The proposed outcome; `None` when the file cannot be read as a snapshot.
    pub fn new_text(&self) -> Option<String> {
        file::read(&self.pending)
    }

    /// A unified diff from the stored outcome (empty when there is none) to the proposed
    /// one.
    pub fn diff(&self) -> String {
        let old = self.old().unwrap_or_default();
        let new = self.new_text().unwrap_or_default();
        let name = |p: &Path| p.display().to_string();
        diff(&old, &new, &name(&self.snapshot), &name(&self.pending))
    }

    /// Makes the proposed outcome the snapshot.
    pub fn accept(&self) -> Result<()> {
        if self.new_text().is_none() {
            anyhow::bail!(
                "{} is not a snapshot witness or insta can read; reject it",
                self.pending.display()
            );
        }
        std::fs::rename(&self.pending, &self.snapshot).with_context(|| {
            format!(
                "failed to move {} to {}",
                self.pending.display(),
                self.snapshot.display()
            )
        })
    }

    /// Deletes the proposal.
    pub fn reject(&self) -> Result<()> {
        std::fs::remove_file(&self.pending)
            .with_context(|| format!("failed to delete {}", self.pending.display()))
    }
}

/// Every pending snapshot under `fixtures_dir` (in `<fixture>/snapshots/`), sorted by path;
/// with `only` non-empty, those of the fixtures it names (an unknown name is an error).
pub fn list(fixtures_dir: &Path, only: &[String]) -> Result<Vec<Pending>> {
    let fixtures = crate::fixture::discover(fixtures_dir)?;
    for name in only {
        if !fixtures.iter().any(|f| &f.name == name) {
            anyhow::bail!("no fixture `{name}` in {}", fixtures_dir.display());
        }
    }
    let mut pending = Vec::new();
    for fixture in fixtures {
        if !only.is_empty() && !only.contains(&fixture.name) {
            continue;
        }
        let dir = fixture.snapshot_dir();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let entry = entry.with_context(|| format!("failed to list {}", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !entry.path().is_file() {
                continue;
            }
            if let Some(stem) = name.strip_suffix(".snap.new") {
                pending.push(Pending {
                    fixture: fixture.name.clone(),
                    snapshot: dir.join(format!("{stem}.snap")),
                    pending: entry.path(),
                });
            }
        }
    }
    pending.sort_by(|a, b| a.pending.cmp(&b.pending));
    Ok(pending)
}

/// The pending file of `snapshot`: `<snapshot>.new`.
pub fn pending_path(snapshot: &Path) -> PathBuf {
    let mut name = snapshot.as_os_str().to_owned();
    name.push(".new");
    PathBuf::from(name)
}

/// Removes the pending file of `snapshot`, if there is one: a run whose outcome matched the
/// snapshot makes any earlier proposal stale.
pub fn remove_stale(snapshot: &Path) -> Result<bool> {
    let pending = pending_path(snapshot);
    match std::fs::remove_file(&pending) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("failed to delete {}", pending.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::file::Header;

    fn header() -> Header {
        Header {
            source: "fixtures/a/fixture.toml".into(),
            description: "d".into(),
        }
    }

    #[test]
    fn pending_snapshots_are_listed_accepted_and_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = dir.path().join("fixtures");
        for name in ["a", "b"] {
            std::fs::create_dir_all(fixtures.join(name)).unwrap();
        }
        let snaps = fixtures.join("a/snapshots");
        file::write(&snaps.join("a.snap"), &header(), "call f()\n  result: 1\n").unwrap();
        file::write(
            &snaps.join("a.snap.new"),
            &header(),
            "call f()\n  result: 2\n",
        )
        .unwrap();
        file::write(&snaps.join("a@js.snap.new"), &header(), "call f()\n").unwrap();
        std::fs::write(snaps.join(".a.snap.new.1.0.tmp"), "half").unwrap();

        let all = list(&fixtures, &[]).unwrap();
        let names: Vec<_> = all.iter().map(|p| p.pending.clone()).collect();
        assert_eq!(
            names,
            [snaps.join("a.snap.new"), snaps.join("a@js.snap.new")]
        );
        assert_eq!(all[1].snapshot, snaps.join("a@js.snap"));
        assert!(
            all[0].diff().contains("-  result: 1\n+  result: 2\n"),
            "{}",
            all[0].diff()
        );
        assert!(list(&fixtures, &["b".into()]).unwrap().is_empty());
        let unknown = list(&fixtures, &["c".into()]).unwrap_err().to_string();
        assert!(unknown.contains("no fixture `c`"), "{unknown}");

        all[0].accept().unwrap();
        assert_eq!(
            file::read(&snaps.join("a.snap")).unwrap(),
            "call f()\n  result: 2\n"
        );
        all[1].reject().unwrap();
        assert!(list(&fixtures, &[]).unwrap().is_empty());
        assert!(!remove_stale(&snaps.join("a.snap")).unwrap());
    }

    #[test]
    fn a_damaged_proposal_is_not_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let snaps = dir.path().join("fixtures/a/snapshots");
        std::fs::create_dir_all(&snaps).unwrap();
        std::fs::write(snaps.join("a.snap.new"), [0xff, 0xfe, 0]).unwrap();
        let all = list(&dir.path().join("fixtures"), &[]).unwrap();
        let err = all[0].accept().unwrap_err().to_string();
        assert!(err.contains("reject it"), "{err}");
        assert!(!snaps.join("a.snap").exists());
    }
}
