//! Where a scaffold goes and how it gets there. The name is checked first: a usable directory
//! name, no fixture of that name yet, and none whose name differs only in case or
//! punctuation (the clash rule of [`crate::fixture`]). The files are then written into a
//! hidden staging directory beside the fixtures (`fixtures/.<name>.new-…`, which fixture
//! discovery skips) and renamed into place, so a failure leaves nothing behind. A WIT given
//! on the command line is copied into the fixture's `wit/`: directories and regular files
//! only (a symbolic link is refused, never followed), within the bounds the harness puts on
//! every WIT it reads.

use std::path::{Path, PathBuf};

use anyhow::Context;
use witness_host::files::walk;

use super::ScaffoldError;
use crate::fixture::normalized_name;

/// The longest fixture name `witness new` accepts.
pub const MAX_NAME: usize = 64;

/// Checks that `name` can name a new fixture in `fixtures`.
pub fn check_name(fixtures: &Path, name: &str) -> Result<(), ScaffoldError> {
    let bad = |reason: &str| ScaffoldError::BadName {
        name: name.to_string(),
        reason: reason.to_string(),
    };
    if name.is_empty() {
        return Err(bad("it is empty"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(bad(&format!("it is longer than {MAX_NAME} characters")));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(bad(
            "use ASCII letters, digits, `-`, `_` and `.` (it names a directory, a Rust crate \
             and trials such as `<name>::rust`)",
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(bad("start it with a letter or a digit"));
    }
    let dir = fixtures.join(name);
    if dir.symlink_metadata().is_ok() {
        return Err(ScaffoldError::Exists { dir });
    }
    let Ok(entries) = std::fs::read_dir(fixtures) else {
        return Ok(());
    };
    let wanted = normalized_name(name);
    for entry in entries.flatten() {
        let existing = entry.file_name().to_string_lossy().into_owned();
        let fixture = entry.path().is_dir() && !existing.starts_with('.');
        if fixture && normalized_name(&existing) == wanted {
            return Err(ScaffoldError::Clash {
                name: name.to_string(),
                existing,
            });
        }
    }
    Ok(())
}

/// Writes `files` (each a path under the fixture and its text) and, where `wit` names one,
/// a copy of the WIT as `wit/`, into `fixtures/<name>/`, all at once; returns the directory.
/// On failure nothing is left: not the staging directory, nor `fixtures/` if it was made
/// here.
pub fn write(
    fixtures: &Path,
    name: &str,
    files: &[(String, String)],
    wit: Option<&Path>,
) -> Result<PathBuf, ScaffoldError> {
    let made_fixtures = !fixtures.is_dir();
    let written = stage_and_rename(fixtures, name, files, wit);
    if written.is_err() && made_fixtures {
        // Only if empty: a concurrent writer's fixture stays.
        let _ = std::fs::remove_dir(fixtures);
    }
    written.map_err(ScaffoldError::Io)
}

fn stage_and_rename(
    fixtures: &Path,
    name: &str,
    files: &[(String, String)],
    wit: Option<&Path>,
) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(fixtures)
        .with_context(|| format!("failed to create {}", fixtures.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.new-"))
        .tempdir_in(fixtures)
        .with_context(|| {
            format!(
                "failed to create a staging directory in {}",
                fixtures.display()
            )
        })?;
    for (path, text) in files {
        let to = staging.path().join(path);
        std::fs::write(&to, text).with_context(|| format!("failed to write {}", to.display()))?;
    }
    if let Some(wit) = wit {
        copy_wit(wit, &staging.path().join("wit"))?;
    }
    let dir = fixtures.join(name);
    if dir.symlink_metadata().is_ok() {
        anyhow::bail!("{} appeared while the fixture was written", dir.display());
    }
    std::fs::rename(staging.path(), &dir).with_context(|| {
        format!(
            "failed to move {} to {}",
            staging.path().display(),
            dir.display()
        )
    })?;
    // Renamed away: nothing is left for the guard to remove.
    let _ = staging.keep();
    Ok(dir)
}

/// Copies the WIT at `from` (a file, or a package directory with its `deps/`) to the
/// directory `to`: regular files and directories only, within [`crate::wit::LIMITS`].
fn copy_wit(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("failed to create {}", to.display()))?;
    if from.is_file() {
        let name = from.file_name().context("a WIT file has no name")?;
        let target = to.join(name);
        std::fs::copy(from, &target).with_context(|| {
            format!("failed to copy {} to {}", from.display(), target.display())
        })?;
        return Ok(());
    }
    let entries = walk(from, crate::wit::LIMITS)
        .with_context(|| format!("cannot copy the WIT in {}", from.display()))?;
    for entry in entries {
        let target = to.join(entry.path.strip_prefix(from)?);
        if entry.is_dir {
            std::fs::create_dir_all(&target)
                .with_context(|| format!("failed to create {}", target.display()))?;
        } else {
            std::fs::copy(&entry.path, &target)
                .with_context(|| format!("failed to copy {}", entry.path.display()))?;
        }
    }
    Ok(())
}

/// Every regular file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    walk(dir, witness_host::files::WalkLimits::NONE)
        .map(|entries| {
            entries
                .into_iter()
                .filter(|e| !e.is_dir)
                .map(|e| e.path)
                .collect()
        })
        .unwrap_or_default()
}
