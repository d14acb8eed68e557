//! `witness new` through the binary: it finds the project as `witness run` does (`--root`,
//! else the nearest directory holding `fixtures/`, else the current one, where it makes
//! `fixtures/`), prints what it wrote, and refuses bad input with exit status 2, writing
//! nothing.

mod common;

use common::Cli;

const WIT: &str = "package demo:words@1.0.0;\n\ninterface text {\n    \
                   word-count: func(text: string) -> u32;\n}\n\nworld counter {\n    \
                   export text;\n    export version: func() -> string;\n}\n";

#[test]
fn new_writes_a_fixture_in_the_project_it_finds_and_refuses_bad_input_with_status_2() {
    let cli = Cli::new();
    let project = tempfile::tempdir().unwrap();
    let wit = project.path().join("words.wit");
    std::fs::write(&wit, WIT).unwrap();
    let nested = project.path().join("src/deep");
    std::fs::create_dir_all(&nested).unwrap();

    // No fixtures/ above: the current directory is the project, and fixtures/ is made.
    let out = cli
        .witness()
        .current_dir(&nested)
        .env_remove("WITNESS_ROOT")
        .args(["new", "words", "--wit"])
        .arg(&wit)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout.starts_with("wrote fixtures/words for world `counter` of demo:words@1.0.0:\n"),
        "{stdout}"
    );
    for file in [
        "fixture.toml",
        "guest.js",
        "guest.py",
        "guest.rs",
        "wit/words.wit",
    ] {
        assert!(
            stdout.contains(&format!("  fixtures/words/{file}\n")),
            "{stdout}"
        );
        assert!(nested.join("fixtures/words").join(file).is_file(), "{file}");
    }
    assert!(stdout.contains("`witness run words`"), "{stdout}");

    // --root names the project; the name is taken there now.
    let (ok, _, stderr) = cli.run(&[
        "new",
        "words",
        "--wit",
        &wit.display().to_string(),
        "--root",
        &nested.display().to_string(),
    ]);
    assert!(!ok);
    assert!(stderr.contains("fixtures/words exists already"), "{stderr}");

    let before = std::fs::read_dir(nested.join("fixtures")).unwrap().count();
    for (args, says) in [
        (
            vec!["new", "other", "--world", "nope"],
            "has no world `nope`; its worlds: counter",
        ),
        (vec!["new", "a b"], "`a b` is not a usable fixture name"),
    ] {
        let out = cli
            .witness()
            .current_dir(&nested)
            .env_remove("WITNESS_ROOT")
            .args(&args)
            .arg("--wit")
            .arg(&wit)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        let after = std::fs::read_dir(nested.join("fixtures")).unwrap().count();
        assert_eq!(after, before, "{args:?} wrote something");
    }
}
