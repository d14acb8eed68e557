//! `read-file` (plugin API 0.2): a file from the directory the user granted the plugin,
//! read by the host, never outside it, never more than [`MAX_READ_FILE_BYTES`].

use std::fmt;
use std::io::Read;
use std::path::{Component, Path};

/// The largest file `read-file` hands to a plugin: 16 MiB.
pub const MAX_READ_FILE_BYTES: u64 = 16 << 20;

/// Why a read was refused, as the `read-error` variant says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refused {
    NoGrant,
    OutsideGrant(String),
    NotFound(String),
    TooLarge(u64),
    Failed(String),
}

impl fmt::Display for Refused {
    /// As WAVE writes the `read-error` case.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = super::wave_string;
        match self {
            Refused::NoGrant => write!(f, "no-grant"),
            Refused::OutsideGrant(p) => write!(f, "outside-grant({})", quoted(p)),
            Refused::NotFound(p) => write!(f, "not-found({})", quoted(p)),
            Refused::TooLarge(limit) => write!(f, "too-large({limit})"),
            Refused::Failed(m) => write!(f, "failed({})", quoted(m)),
        }
    }
}

/// Reads `path` (relative, `/`-separated) inside `grant`. A path that is absolute or climbs
/// with `..` is refused before anything is looked up; the rest is opened beneath the grant by
/// cap-primitives (wasmtime-wasi's sandbox), which refuses a symbolic link leading out of it
/// whether or not its target exists, and resolves the path once, so it cannot be swapped
/// between a check and the open.
pub(super) fn read(grant: Option<&Path>, path: &str) -> Result<Vec<u8>, Refused> {
    use cap_primitives::fs::OpenOptions;
    let root = grant.ok_or(Refused::NoGrant)?;
    let relative = Path::new(path);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if path.is_empty() || !plain {
        return Err(Refused::OutsideGrant(path.to_string()));
    }
    let root = cap_primitives::fs::open_ambient_dir(root, cap_primitives::ambient_authority())
        .map_err(|e| Refused::Failed(format!("the granted directory: {e}")))?;
    let mut options = OpenOptions::new();
    options.read(true);
    // Opening a FIFO would block the host until a writer came: never wait in open().
    #[cfg(unix)]
    cap_primitives::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = match cap_primitives::fs::open(&root, relative, &options) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Refused::NotFound(path.to_string()));
        }
        // cap-primitives' escape error (a symbolic link out of the grant).
        Err(e) if e.to_string().contains("outside of the filesystem") => {
            return Err(Refused::OutsideGrant(path.to_string()));
        }
        Err(e) => return Err(Refused::Failed(e.to_string())),
    };
    // A device or FIFO is no file to hand over (a device could be endless).
    let metadata = file
        .metadata()
        .map_err(|e| Refused::Failed(e.to_string()))?;
    if !metadata.is_file() {
        return Err(Refused::Failed("it is not a regular file".into()));
    }
    // Read one byte past the limit, so a file that grows after the check is caught too.
    let mut bytes = Vec::new();
    file.take(MAX_READ_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Refused::Failed(e.to_string()))?;
    if bytes.len() as u64 > MAX_READ_FILE_BYTES {
        return Err(Refused::TooLarge(MAX_READ_FILE_BYTES));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inside_the_grant_and_refuses_everything_else() {
        let grant = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir(grant.path().join("sub")).unwrap();
        std::fs::write(grant.path().join("sub/notes.txt"), "hi").unwrap();
        std::fs::write(outside.path().join("secret"), "no").unwrap();
        let g = Some(grant.path());
        assert_eq!(read(g, "sub/notes.txt"), Ok(b"hi".to_vec()));
        assert_eq!(read(g, "./sub/notes.txt"), Ok(b"hi".to_vec()));
        assert_eq!(read(None, "sub/notes.txt"), Err(Refused::NoGrant));
        for escape in ["../secret", "/etc/passwd", "sub/../../x", ""] {
            assert_eq!(
                read(g, escape),
                Err(Refused::OutsideGrant(escape.into())),
                "{escape}"
            );
        }
        assert_eq!(read(g, "missing"), Err(Refused::NotFound("missing".into())));
        assert!(
            matches!(read(g, "sub"), Err(Refused::Failed(m)) if m.contains("not a regular file"))
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path().join("secret"), grant.path().join("link"))
                .unwrap();
            assert_eq!(read(g, "link"), Err(Refused::OutsideGrant("link".into())));
            // Whether the target of a link out of the grant exists is not told.
            std::os::unix::fs::symlink("../../../no/such/file", grant.path().join("gone")).unwrap();
            assert_eq!(read(g, "gone"), Err(Refused::OutsideGrant("gone".into())));
            std::os::unix::fs::symlink("sub/notes.txt", grant.path().join("inside")).unwrap();
            assert_eq!(read(g, "inside"), Ok(b"hi".to_vec()));
            // A FIFO would block the host in open(): refused without opening it.
            let made = std::process::Command::new("mkfifo")
                .arg(grant.path().join("fifo"))
                .status();
            if made.is_ok_and(|s| s.success()) {
                assert!(
                    matches!(read(g, "fifo"), Err(Refused::Failed(m)) if m.contains("not a regular file"))
                );
            }
        }
        let big = std::fs::File::create(grant.path().join("big")).unwrap();
        big.set_len(MAX_READ_FILE_BYTES + 1).unwrap();
        assert_eq!(read(g, "big"), Err(Refused::TooLarge(MAX_READ_FILE_BYTES)));
    }
}
