//! What the `witness` binary's end-to-end tests share: the binary run against a plugin
//! directory of its own.
#![allow(dead_code)] // each test file uses its own part of this

use assert_cmd::Command;

/// The `witness` binary with a temporary plugin directory.
pub struct Cli {
    /// The plugin directory every command gets as `--plugin-dir`.
    pub plugins: tempfile::TempDir,
}

impl Cli {
    pub fn new() -> Self {
        Cli {
            plugins: tempfile::tempdir().unwrap(),
        }
    }

    /// The binary, with `--plugin-dir` set.
    pub fn witness(&self) -> Command {
        let mut cmd = Command::cargo_bin("witness").unwrap();
        cmd.arg("--plugin-dir").arg(self.plugins.path());
        cmd
    }

    /// Runs witness with `args`; returns (success, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (bool, String, String) {
        let out = self.witness().args(args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}
