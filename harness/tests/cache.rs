//! The caches: a second run rebuilds nothing, editing one guest rebuilds only it, and a
//! damaged entry, an entry of another engine configuration or an unwritable cache directory
//! never fails a trial and is never trusted.

use std::path::{Path, PathBuf};

use witness_harness::language::Language;
use witness_harness::paths::ProjectPaths;
use witness_harness::runner::{RunOptions, Session, TrialStatus};
use witness_host::cache::compiled::Provenance;
use witness_host::{Host, HostOptions, InstanceSettings, parse_call};

const GUEST: &str = "struct G;\nimpl Guest for G {\n    fn greeting(name: String) -> String {\n        \
                     format!(\"cached {name}\")\n    }\n}\nexport!(G);\n";
const TOML: &str = "description = \"cache test\"\nworld = \"greeter\"\n[[call]]\n\
                    invoke = 'greeting(\"Ben\")'\nexpect = '\"cached Ben\"'\n";

struct Project {
    dir: tempfile::TempDir,
    tag: String,
}

impl Project {
    /// Two Rust fixtures, `cachetest-<tag>-a` and `-b`, with their snapshots, in a temporary
    /// fixtures directory. Tests run in parallel, so each uses its own names.
    fn new(tag: &str) -> Self {
        let project = Project {
            dir: tempfile::tempdir().unwrap(),
            tag: tag.to_string(),
        };
        for name in [project.name("a"), project.name("b")] {
            let name = name.as_str();
            project.write(name, "fixture.toml", TOML);
            project.write(name, "guest.rs", GUEST);
            project.write(
                name,
                &format!("snapshots/{name}.snap"),
                "---\nsource: harness/src/snapshot.rs\n---\ncall greeting(\"Ben\")\n  result: \"cached Ben\"\n",
            );
        }
        project
    }

    fn name(&self, which: &str) -> String {
        format!("cachetest-{}-{which}", self.tag)
    }

    fn write(&self, fixture: &str, file: &str, text: &str) {
        let path = self.dir.path().join("fixtures").join(fixture).join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    fn session(&self, cache: &Path) -> Session {
        let paths = ProjectPaths::at(witness_harness::paths::this_repository())
            .with_fixtures(self.dir.path().join("fixtures"))
            .with_cache(cache.to_path_buf());
        let options = RunOptions {
            languages: Some(vec![Language::Rust]),
            required: vec![Language::Rust],
            ..RunOptions::default()
        };
        Session::new(paths, options)
    }

    /// Runs every trial; returns the names of the trials that were built (not cached).
    fn run(&self, cache: &Path) -> Vec<String> {
        let session = self.session(cache);
        let results = session.run_all(&session.trials().unwrap());
        for r in &results {
            assert!(matches!(r.status, TrialStatus::Passed), "{r:?}");
        }
        let mut built: Vec<String> = session
            .build_times()
            .into_iter()
            .map(|(n, _, _)| n)
            .collect();
        built.sort();
        built
    }
}

#[test]
fn a_second_run_rebuilds_nothing_and_an_edit_rebuilds_only_that_guest() {
    let project = Project::new("edit");
    let cache = project.cache();
    assert_eq!(
        project.run(&cache),
        ["cachetest-edit-a::rust", "cachetest-edit-b::rust"]
    );
    assert!(
        project.run(&cache).is_empty(),
        "nothing changed, nothing is built"
    );
    project.write(
        "cachetest-edit-b",
        "guest.rs",
        &format!("// an edit\n{GUEST}"),
    );
    assert_eq!(project.run(&cache), ["cachetest-edit-b::rust"]);
}

#[test]
fn a_damaged_build_entry_is_rebuilt_when_its_bytes_are_needed() {
    let project = Project::new("build-damaged");
    let cache = project.cache();
    assert_eq!(project.run(&cache).len(), 2);
    let truncate_build_entries = || {
        for entry in cached_files(&cache.join("build"), "wasm") {
            let bytes = std::fs::read(&entry).unwrap();
            std::fs::write(&entry, &bytes[..bytes.len() / 2]).unwrap();
        }
    };
    // The compiled code is intact and checked on its own: the damaged components are not
    // needed, and not rebuilt.
    truncate_build_entries();
    assert!(project.run(&cache).is_empty());
    // Without compiled code the components must be compiled: the damage is noticed, both are
    // rebuilt, and the trials pass.
    truncate_build_entries();
    std::fs::remove_dir_all(cache.join("compiled")).unwrap();
    assert_eq!(project.run(&cache).len(), 2);
    assert!(project.run(&cache).is_empty(), "and cached again");
    // Both damaged at once: the compiled entries fail their checksum, the components theirs.
    truncate_build_entries();
    for entry in cached_files(&cache.join("compiled"), "cwasm") {
        std::fs::write(&entry, b"not compiled code").unwrap();
    }
    assert_eq!(project.run(&cache).len(), 2);
}

#[test]
fn an_unwritable_cache_directory_runs_uncached() {
    let project = Project::new("unwritable");
    let file = project.dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let cache = file.join("cache");
    assert_eq!(project.run(&cache).len(), 2);
    assert_eq!(project.run(&cache).len(), 2, "nothing could be cached");
}

/// Builds the fixtures once and returns one built component.
fn built_component(project: &Project) -> PathBuf {
    project.run(&project.cache());
    ProjectPaths::at(witness_harness::paths::this_repository())
        .artifact(&project.name("a"), Language::Rust)
}

fn cached_files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect()
}

fn load_and_call(options: &HostOptions, component: &Path) -> Provenance {
    let host = Host::with_options(options).unwrap();
    let loaded = host.load(component).unwrap();
    let mut instance = host
        .instantiate(&loaded, &InstanceSettings::default())
        .unwrap();
    let record = instance
        .call(&parse_call("greeting(\"Ada\")").unwrap(), None)
        .unwrap();
    assert!(
        format!("{:?}", record.outcome).contains("cached Ada"),
        "{record:?}"
    );
    loaded.provenance
}

/// A built component and host options whose compiled-code cache is a fresh directory.
fn compiled_cache_setup(tag: &str) -> (Project, PathBuf, PathBuf, HostOptions) {
    let project = Project::new(tag);
    let component = built_component(&project);
    let dir = project.dir.path().join("compiled");
    let options = HostOptions {
        compiled_cache: Some(dir.clone()),
        ..HostOptions::default()
    };
    (project, component, dir, options)
}

#[test]
fn a_damaged_compiled_entry_is_recompiled_not_loaded() {
    let (_project, component, dir, options) = compiled_cache_setup("damaged");
    assert_eq!(load_and_call(&options, &component), Provenance::Compiled);
    assert_eq!(load_and_call(&options, &component), Provenance::Cached);

    let entry = &cached_files(&dir, "cwasm")[0];
    let bytes = std::fs::read(entry).unwrap();
    std::fs::write(entry, &bytes[..bytes.len() / 2]).unwrap(); // truncated
    assert_eq!(load_and_call(&options, &component), Provenance::Compiled);
    assert_eq!(
        load_and_call(&options, &component),
        Provenance::Cached,
        "and stored again"
    );
}

#[test]
fn an_entry_of_another_engine_configuration_is_not_used() {
    let (_project, component, dir, options) = compiled_cache_setup("foreign");
    assert_eq!(load_and_call(&options, &component), Provenance::Compiled);

    // Replace the entry with the same component compiled by a differently configured engine
    // (as another wasmtime version would have written it), checksum and all. The host
    // interrupts calls by epoch; this engine does not.
    let mut config = wasmtime::Config::new();
    config.epoch_interruption(false);
    let other = wasmtime::Engine::new(&config).unwrap();
    let foreign = other
        .precompile_component(&std::fs::read(&component).unwrap())
        .unwrap();
    let entry = &cached_files(&dir, "cwasm")[0];
    std::fs::write(entry, &foreign).unwrap();
    std::fs::write(
        entry.with_extension("blake3"),
        witness_host::cache::hash::checksum(&foreign),
    )
    .unwrap();
    assert_eq!(load_and_call(&options, &component), Provenance::Compiled);
}
