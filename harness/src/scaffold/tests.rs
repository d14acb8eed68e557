//! `witness new`'s scaffold as a whole: what it writes, and each bad input, which writes
//! nothing.

use std::path::Path;

use super::*;
use crate::scaffold::testing::ALL_KINDS;

/// A project in a temporary directory, the WIT it is given under `given/`.
fn project(wit: &[(&str, &str)]) -> (tempfile::TempDir, ProjectPaths) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in wit {
        let path = dir.path().join("given").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let paths = ProjectPaths::new(dir.path().to_path_buf(), dir.path().join("target"));
    (dir, paths)
}

fn request(paths: &ProjectPaths, name: &str, world: Option<&str>) -> NewFixture {
    NewFixture {
        name: name.into(),
        wit: Some(paths.root.join("given")),
        world: world.map(str::to_string),
    }
}

/// Every path under `dir`, sorted; links listed, not followed.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.symlink_metadata().unwrap().is_dir() {
            found.extend(tree(&path));
        }
        found.push(path);
    }
    found.sort();
    found
}

/// Runs `new_fixture`, which must fail, and checks it wrote nothing.
fn refused(paths: &ProjectPaths, request: &NewFixture) -> ScaffoldError {
    let before = tree(&paths.root);
    let error = new_fixture(paths, request).expect_err("the scaffold is refused");
    assert_eq!(tree(&paths.root), before, "{error} wrote something");
    error
}

#[test]
fn a_scaffold_writes_the_fixture_its_wit_and_three_guests() {
    let (_dir, paths) = project(&[("world.wit", ALL_KINDS)]);
    let done = new_fixture(&paths, &request(&paths, "all-kinds", None)).unwrap();
    let names: Vec<String> = done
        .files
        .iter()
        .map(|f| f.strip_prefix(&done.dir).unwrap().display().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "fixture.toml",
            "guest.js",
            "guest.py",
            "guest.rs",
            "wit/world.wit"
        ]
    );
    assert_eq!(
        (done.world.as_str(), done.package.as_str()),
        ("w", "t:p@1.0.0")
    );
    let fixture = crate::fixture::Fixture::load(&done.dir);
    let file = fixture.file.as_ref().unwrap();
    assert_eq!(file.calls.len(), done.calls);
    // The fixture builds against its own copy of the WIT.
    assert_eq!(fixture.wit_dir(&paths, None).unwrap(), done.dir.join("wit"));
    let rust = std::fs::read_to_string(done.dir.join("guest.rs")).unwrap();
    assert!(rust.contains("unimplemented!(\"counter.add\")"), "{rust}");
    let js = std::fs::read_to_string(done.dir.join("guest.js")).unwrap();
    assert!(
        js.contains("throw new Error(\"not implemented: greet\");"),
        "{js}"
    );
    let py = std::fs::read_to_string(done.dir.join("guest.py")).unwrap();
    assert!(
        py.contains("raise NotImplementedError(\"not implemented: take\")"),
        "{py}"
    );
}

#[test]
fn an_existing_or_clashing_fixture_is_refused() {
    let (_dir, paths) = project(&[("world.wit", ALL_KINDS)]);
    std::fs::create_dir_all(paths.fixtures.join("taken")).unwrap();
    std::fs::create_dir_all(paths.fixtures.join("Greeting_1")).unwrap();
    let error = refused(&paths, &request(&paths, "taken", None));
    assert!(matches!(error, ScaffoldError::Exists { .. }), "{error}");
    assert!(
        error
            .to_string()
            .ends_with("taken exists already; choose another name or remove it"),
        "{error}"
    );
    let error = refused(&paths, &request(&paths, "greeting-1", None));
    match &error {
        ScaffoldError::Clash { existing, .. } => assert_eq!(existing, "Greeting_1"),
        other => panic!("{other}"),
    }
}

#[test]
fn a_name_that_cannot_name_a_fixture_is_refused() {
    let (_dir, paths) = project(&[("world.wit", ALL_KINDS)]);
    let long = "a".repeat(place::MAX_NAME + 1);
    for name in [
        "",
        ".hidden",
        "-dash",
        "a/b",
        "../up",
        "a b",
        "été",
        long.as_str(),
    ] {
        let error = refused(&paths, &request(&paths, name, None));
        assert!(
            matches!(error, ScaffoldError::BadName { .. }),
            "{name}: {error}"
        );
    }
    // No fixtures/ was made for any of them.
    assert!(!paths.fixtures.exists());
}

#[test]
fn wit_that_does_not_parse_is_refused_with_its_file_and_line() {
    let broken = "package t:p;\n\nworld w {\n    export f: func(;\n}\n";
    let (_dir, paths) = project(&[("world.wit", broken)]);
    let error = refused(&paths, &request(&paths, "broken", None));
    let text = error.to_string();
    assert!(matches!(error, ScaffoldError::Wit { .. }), "{text}");
    assert!(text.contains("world.wit:4:"), "{text}");
    let (_dir, paths) = project(&[]);
    let missing = refused(&paths, &request(&paths, "nothing", None));
    assert!(
        missing.to_string().contains("no such file or directory"),
        "{missing}"
    );
}

#[test]
#[cfg(unix)]
fn a_wit_directory_holding_a_link_is_refused() {
    let (_dir, paths) = project(&[("world.wit", ALL_KINDS)]);
    std::os::unix::fs::symlink("/dev/zero", paths.root.join("given/zero.wit")).unwrap();
    let error = refused(&paths, &request(&paths, "linked", None));
    assert!(
        error.to_string().contains("zero.wit is a symbolic link"),
        "{error}"
    );
}

#[test]
fn a_world_that_is_not_there_or_not_named_lists_the_worlds() {
    let two = "package t:p;\nworld one { export f: func(); }\nworld two { export g: func(); }\n";
    let (_dir, paths) = project(&[("world.wit", two)]);
    let error = refused(&paths, &request(&paths, "x", Some("three")));
    assert_eq!(
        error.to_string(),
        "the WIT package t:p has no world `three`; its worlds: one, two"
    );
    let error = refused(&paths, &request(&paths, "x", None));
    assert_eq!(
        error.to_string(),
        "the WIT package t:p has several worlds; name one with --world: one, two"
    );
    let done = new_fixture(&paths, &request(&paths, "x", Some("two"))).unwrap();
    assert_eq!(done.world, "two");
}

#[test]
fn a_world_using_what_a_language_or_witness_cannot_handle_is_refused_naming_it() {
    let cases = [
        (
            "export f: func(s: stream<u8>);",
            "export f: it uses `stream<u8>`, which WAVE calls",
        ),
        (
            "export f: func() -> future<string>;",
            "export f: it uses `future<string>`",
        ),
        ("export f: async func();", "export f: an async function"),
        (
            "export gen: func();",
            "function `gen` (rust): wit-bindgen 0.61.1 writes the name `gen`",
        ),
        (
            "export f: func(self: u32);",
            "export f (python): a parameter named `self`",
        ),
        (
            "import make: func() -> r;",
            "import make: its result `r` holds a resource handle",
        ),
    ];
    for (item, problem) in cases {
        let wit = format!(
            "package t:p;\ninterface i {{ resource r; }}\nworld w {{\n    use i.{{r}};\n    {item}\n}}\n"
        );
        let (_dir, paths) = project(&[("world.wit", wit.as_str())]);
        let error = refused(&paths, &request(&paths, "x", None));
        let text = error.to_string();
        assert!(
            matches!(error, ScaffoldError::Unsupported { .. }),
            "{item}: {text}"
        );
        assert!(text.contains(problem), "{item}: {text}");
    }
}

#[test]
fn without_wit_the_shared_wit_is_used_and_nothing_is_copied_or_cached() {
    let (_dir, paths) = project(&[]);
    let plugin_api = NewFixture {
        name: "p".into(),
        wit: None,
        world: None,
    };
    let error = refused(&paths, &plugin_api);
    assert!(error.to_string().contains("witness:plugin@"), "{error}");
    assert!(
        !paths.out.exists(),
        "the plugin API was written into the project"
    );
    let greeter = NewFixture {
        world: Some("greeter".into()),
        ..plugin_api
    };
    let done = new_fixture(&paths, &greeter).unwrap();
    assert!(!done.dir.join("wit").exists());
    assert_eq!(done.calls, 1);
}
