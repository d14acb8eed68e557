//! Snapshot files in insta's format, read and written by witness itself: a YAML header
//! between two `---` lines (`source`, `description`, `input_file`), then the outcome text.
//! insta reads them back (`insta::Snapshot::from_file`, used here to read), so `cargo insta
//! review` keeps working where a project has a Cargo workspace; witness writes them without
//! insta's assertion macro, which prints to stdout and panics on a mismatch.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The header of a snapshot file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Where the case is defined: the fixture's `fixture.toml`, relative to the project.
    pub source: String,
    /// The fixture's description.
    pub description: String,
}

/// The outcome text of the snapshot at `path`, ending in a newline, if the file exists and
/// holds a text snapshot insta can read.
pub fn read(path: &Path) -> Option<String> {
    if !path.is_file() {
        return None;
    }
    let snapshot = insta::Snapshot::from_file(path).ok()?;
    let text = snapshot.contents().as_text()?.to_string();
    Some(with_final_newline(text))
}

/// Writes `body` under `header` to `path` (creating its directory), through a temporary
/// file renamed into place, so a reader never sees half a snapshot.
pub fn write(path: &Path, header: &Header, body: &str) -> Result<()> {
    let dir = path
        .parent()
        .with_context(|| format!("{} has no parent directory", path.display()))?;
    std::fs::create_dir_all(dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let text = format!(
        "---\nsource: {}\ndescription: {}\ninput_file: {}\n---\n{}\n",
        yaml_scalar(&header.source),
        yaml_scalar(&header.description),
        yaml_scalar(&header.source),
        body.trim_end()
    );
    let staging = temporary_beside(path);
    std::fs::write(&staging, text)
        .with_context(|| format!("failed to write {}", staging.display()))?;
    std::fs::rename(&staging, path).with_context(|| {
        let _ = std::fs::remove_file(&staging);
        format!("failed to write {}", path.display())
    })
}

/// A file name beside `path` that no other writer of this process or another uses.
fn temporary_beside(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// `text` as a YAML scalar: plain where that is unambiguous (as insta writes paths), else
/// double-quoted, whose escapes are JSON's.
fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | '@' | '+' | ' ')
        })
        && !text.starts_with([' ', '-', '@'])
        && !text.ends_with(' ');
    match plain {
        true => text.to_string(),
        false => serde_json::Value::String(text.to_string()).to_string(),
    }
}

/// insta trims the final newline of a snapshot; outcomes always end with one.
fn with_final_newline(mut text: String) -> String {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_insta_reads_back_with_its_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snapshots/x.snap.new");
        let awkward = [
            "plain words",
            "with: a colon, \"quotes\" and a 'single' one",
            "- a leading dash",
            "a \\ backslash\tand a tab\nand a newline",
            "ümlaut and 😀",
            "",
        ];
        for description in awkward {
            let header = Header {
                source: "fixtures/x/fixture.toml".into(),
                description: description.into(),
            };
            let body = "call f()\n  result: \"---\"\n  stdout| a: b\n";
            write(&path, &header, body).unwrap();
            assert_eq!(read(&path).as_deref(), Some(body), "{description:?}");
            let snapshot = insta::Snapshot::from_file(&path).unwrap();
            let metadata = snapshot.metadata();
            let expected = (!description.is_empty()).then_some(description);
            assert_eq!(metadata.description(), expected, "{description:?}");
            assert_eq!(metadata.source(), Some("fixtures/x/fixture.toml"));
            assert_eq!(metadata.input_file(), Some("fixtures/x/fixture.toml"));
        }
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["x.snap.new"], "no temporary file is left");
    }

    #[test]
    fn a_missing_or_unreadable_file_has_no_text() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(&dir.path().join("none.snap")), None);
        assert_eq!(read(dir.path()), None);
    }
}
