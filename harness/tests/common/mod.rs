//! What the harness's self-tests share: a scratch fixtures directory run through a real
//! session, and the failure of one trial.
#![allow(dead_code)] // each test file uses its own part of this

use std::path::{Path, PathBuf};

use witness_harness::error::TrialFailure;
use witness_harness::language::Language;
use witness_harness::paths::ProjectPaths;
use witness_harness::property::PropertySettings;
use witness_harness::runner::{RunOptions, Session, TrialStatus};

/// A fixtures directory in a temporary folder, holding copies and hand-written cases.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn fixtures(&self) -> PathBuf {
        self.dir.path().join("fixtures")
    }

    pub fn write(&self, fixture: &str, file: &str, text: &str) {
        let path = self.fixtures().join(fixture).join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn copy_fixture(&self, from: &Path, name: &str) {
        for entry in walk(from) {
            let rel = entry.strip_prefix(from).unwrap();
            let to = self.fixtures().join(name).join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &to).unwrap();
        }
        // The snapshot is named after the fixture.
        let snaps = self.fixtures().join(name).join("snapshots");
        let original = from.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::rename(
            snaps.join(format!("{original}.snap")),
            snaps.join(format!("{name}.snap")),
        )
        .unwrap();
    }

    /// Writes a Rust fixture `name`: its own WIT package (one file), its guest, and a
    /// fixture.toml for `world` with `body` after the description and world.
    pub fn rust_fixture(&self, name: &str, wit: &str, guest: &str, world: &str, body: &str) {
        self.write(name, "wit/world.wit", wit);
        self.write(name, "guest.rs", guest);
        let toml = format!("description = \"a self-test case\"\nworld = \"{world}\"\n{body}");
        self.write(name, "fixture.toml", &toml);
    }

    /// Runs every fixture here in Rust and returns (name, status) pairs.
    pub fn run(&self) -> Vec<(String, TrialStatus)> {
        self.run_in(&[Language::Rust])
    }

    /// The rendered failure of `trial`, with this scratch directory, the harness's output
    /// directory and the repository replaced by `$DIR`, `$OUT` and `$REPO`, so the text is the
    /// same in every checkout.
    pub fn rendered(&self, results: &[(String, TrialStatus)], trial: &str) -> String {
        let (fixture, language) = trial.split_once("::").unwrap();
        let lineup: witness_harness::language::Lineup = language.parse().unwrap();
        let text = failure(results, trial).render(fixture, lineup);
        let paths = ProjectPaths::at(witness_harness::paths::this_repository());
        text.replace(&self.dir.path().display().to_string(), "$DIR")
            .replace(&paths.out.display().to_string(), "$OUT")
            .replace(&paths.root.display().to_string(), "$REPO")
    }

    /// Runs every fixture here in `languages`; a missing toolchain skips its trials unless
    /// the environment requires the language (`CI=true`, `WITNESS_REQUIRE`).
    pub fn run_in(&self, languages: &[Language]) -> Vec<(String, TrialStatus)> {
        // The self-tests assert what the default inputs give, whatever WITNESS_SEED says.
        self.run_with(languages, PropertySettings::default())
    }

    /// Runs every fixture here in `languages`, one trial after another, with generated
    /// inputs from `properties`.
    pub fn run_with(
        &self,
        languages: &[Language],
        properties: PropertySettings,
    ) -> Vec<(String, TrialStatus)> {
        let paths = ProjectPaths::at(witness_harness::paths::this_repository())
            .with_fixtures(self.fixtures());
        let mut options = RunOptions::from_env().expect("valid WITNESS_* variables");
        options.properties = properties;
        // Proposals go to `.snap.new` in the scratch directory, whatever CI says, so the
        // rendered failures are the same everywhere.
        options.update = witness_harness::snapshot::policy::UpdatePolicy::Pending;
        options.languages = Some(languages.to_vec());
        if languages == [Language::Rust] {
            options.required = vec![Language::Rust];
        }
        let session = Session::new(paths, options);
        session
            .trials()
            .unwrap()
            .iter()
            .map(|t| (t.name(), session.run(t).status))
            .collect()
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

pub fn failure<'a>(results: &'a [(String, TrialStatus)], name: &str) -> &'a TrialFailure {
    match results.iter().find(|(n, _)| n == name) {
        Some((_, TrialStatus::Failed(failure))) => failure,
        Some((_, other)) => panic!("{name} should fail, but: {other:?}"),
        None => panic!("no trial {name} in {results:?}"),
    }
}

/// A shared snapshot written by hand, as another language would have left it.
pub fn shared_snapshot(scratch: &Scratch, fixture: &str, body: &str) {
    scratch.write(
        fixture,
        &format!("snapshots/{fixture}.snap"),
        &format!("---\nsource: harness/src/snapshot.rs\ndescription: a broken case\n---\n{body}"),
    );
}
