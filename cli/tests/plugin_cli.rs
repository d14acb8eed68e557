//! End to end through the real `witness` binary: build the example plugin in each language,
//! install it, list it, call its commands, ask for help, remove it, and every bad input,
//! all in a temporary plugin directory.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::Cli;
use witness_harness::language::Language;
use witness_harness::runner::RunOptions;

/// Writes a Rust plugin project `name` (its guest.rs and, if given, fixture.toml) under
/// `scratch` and builds it with `witness plugin build`.
fn build_rust_project(
    cli: &Cli,
    scratch: &Path,
    name: &str,
    guest: &str,
    fixture_toml: Option<&str>,
) -> PathBuf {
    let project = scratch.join(name);
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join("guest.rs"), guest).unwrap();
    if let Some(toml) = fixture_toml {
        std::fs::write(project.join("fixture.toml"), toml).unwrap();
    }
    let wasm = scratch.join(format!("{name}.wasm"));
    let (ok, _, err) = cli.run(&[
        "plugin",
        "build",
        project.to_str().unwrap(),
        "--lang",
        "rust",
        "-o",
        wasm.to_str().unwrap(),
    ]);
    assert!(ok, "building {name}: {err}");
    wasm
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds the example plugin in `language` into `dir`, or says why it is skipped.
fn build(cli: &Cli, language: Language, dir: &Path) -> Option<PathBuf> {
    let out = dir.join(format!("hello-{language}.wasm"));
    let (ok, _, err) = cli.run(&[
        "plugin",
        "build",
        repo().join("fixtures/hello-plugin").to_str().unwrap(),
        "--lang",
        language.name(),
        "-o",
        out.to_str().unwrap(),
    ]);
    if ok {
        return Some(out);
    }
    let required = RunOptions::from_env().unwrap().required.contains(&language);
    assert!(
        !required && err.contains("toolchain is missing"),
        "building the {language} plugin failed:\n{err}"
    );
    eprintln!("skipping the {language} plugin: {err}");
    None
}

#[test]
fn build_install_list_call_help_and_remove_in_every_language() {
    let cli = Cli::new();
    let scratch = tempfile::tempdir().unwrap();
    let (ok, out, _) = cli.run(&["plugin", "list"]);
    assert!(ok && out.contains("no plugins installed"), "{out}");

    let mut installed_any = false;
    for language in Language::ALL {
        let Some(wasm) = build(&cli, language, scratch.path()) else {
            continue;
        };
        let wasm = wasm.to_str().unwrap();
        let (ok, out, err) = cli.run(&["plugin", "install", "--force", wasm]);
        assert!(ok, "install {language}: {err}");
        assert!(
            out.contains(&format!(
                "installed hello 0.2.0 ({language}) with 3 command(s)"
            )),
            "{out}"
        );
        installed_any = true;

        let (ok, out, _) = cli.run(&["plugin", "list"]);
        assert!(
            ok && out.starts_with(&format!(
                "hello\t0.2.0\t{language}\twitness:plugin@0.2.0\tgreet,count,show\t"
            )),
            "{out}"
        );

        let (ok, out, err) = cli.run(&["hello", "greet", "Ben", "Ada"]);
        assert!(ok, "{language}: {err}");
        assert!(out.contains("Hello, Ben and Ada!"), "{language}: {out}");
        assert!(
            err.contains("[hello] info: greeting 2 people"),
            "{language}: {err}"
        );

        // Arguments are parsed against the command's declaration (plugin API 0.2).
        let (ok, out, err) = cli.run(&["hello", "greet", "--shout", "Ada"]);
        assert!(ok && out.contains("HELLO, ADA!"), "{language}: {out}{err}");
        let (ok, _, err) = cli.run(&["hello", "greet", "--loud", "Ada"]);
        assert!(
            !ok && err.contains("unexpected argument '--loud'"),
            "{language}: {err}"
        );
        let (ok, _, err) = cli.run(&["hello", "show"]);
        assert!(
            !ok && err.contains("the following required arguments were not provided")
                && err.contains("<PATH>"),
            "{language}: {err}"
        );
        let (ok, _, err) = cli.run(&["hello", "show", "note.txt"]);
        assert!(
            !ok && err.contains(
                "hello show: cannot read `note.txt`: no directory is granted to this plugin"
            ),
            "{language}: {err}"
        );

        let (ok, _, err) = cli.run(&["hello", "greet"]);
        assert!(!ok, "a command error exits non-zero");
        assert!(
            err.contains("hello greet: greet needs at least one name"),
            "{language}: {err}"
        );
        assert!(err.contains("[hello] warn"), "{err}");
        let (_, _, err) = cli.run(&["--log-level", "error", "hello", "greet"]);
        assert!(
            !err.contains("[hello] warn"),
            "the level flag filters: {err}"
        );
    }
    assert!(installed_any, "no language could build the example plugin");

    // The plugin's configuration and granted directory come from config.toml in the plugin
    // directory; read-file reads inside the grant only.
    let granted = scratch.path().join("granted");
    std::fs::create_dir_all(&granted).unwrap();
    std::fs::write(granted.join("note.txt"), "from the user").unwrap();
    std::fs::write(
        cli.plugins.path().join("config.toml"),
        format!(
            "[hello.config]\ngreeting = \"Hi\"\n[hello.wasi]\ndir = {:?}\n",
            granted.to_str().unwrap()
        ),
    )
    .unwrap();
    let (ok, out, _) = cli.run(&["hello", "greet", "Ben"]);
    assert!(ok && out.contains("Hi, Ben!"), "{out}");
    let (ok, out, err) = cli.run(&["hello", "show", "note.txt"]);
    assert!(ok && out.contains("from the user"), "{out}{err}");
    let (ok, _, err) = cli.run(&["hello", "show", "../granted/note.txt"]);
    assert!(
        !ok && err.contains("it is outside the granted directory"),
        "{err}"
    );

    // A command's --help shows each declared argument's help.
    let (ok, out, _) = cli.run(&["hello", "greet", "--help"]);
    assert!(ok && out.contains("[NAMES]..."), "{out}");
    assert!(
        out.contains("Who to greet") && out.contains("--shout"),
        "{out}"
    );
    assert!(out.contains("Greets in capitals"), "{out}");

    let (ok, out, _) = cli.run(&["hello", "--help"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("greet  Greets everyone named on the command line"),
        "{out}"
    );
    assert!(
        out.contains("count  Counts the commands this plugin has run"),
        "{out}"
    );
    let (ok, out, _) = cli.run(&["--help"]);
    let listed = out.lines().any(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        words.first() == Some(&"hello") && line.ends_with("Greets people")
    });
    assert!(ok && listed, "{out}");

    let (ok, _, err) = cli.run(&["hello", "dance"]);
    assert!(
        !ok && err.contains("unrecognized subcommand 'dance'"),
        "{err}"
    );
    let (ok, _, err) = cli.run(&["nope", "x"]);
    assert!(
        !ok && err.contains("unrecognized subcommand 'nope'"),
        "{err}"
    );

    // A precompiled artifact that cannot be trusted is recompiled, not loaded.
    for entry in std::fs::read_dir(cli.plugins.path().join(".compiled")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "cwasm") {
            std::fs::write(&path, b"stale").unwrap();
        }
    }
    let (ok, out, err) = cli.run(&["hello", "greet", "Ben"]);
    assert!(ok && out.contains("Hi, Ben!"), "{err}");
    assert!(err.contains("recompiling"), "{err}");

    let (ok, out, _) = cli.run(&["plugin", "remove", "hello"]);
    assert!(ok && out.contains("removed hello"), "{out}");
    let (ok, out, _) = cli.run(&["plugin", "list"]);
    assert!(ok && out.contains("no plugins installed"), "{out}");
    let (ok, _, err) = cli.run(&["hello", "greet"]);
    assert!(
        !ok && err.contains("unrecognized subcommand 'hello'"),
        "{err}"
    );
    let (ok, _, err) = cli.run(&["plugin", "remove", "hello"]);
    assert!(
        !ok && err.contains("no plugin named `hello` is installed"),
        "{err}"
    );
}

#[test]
fn bad_plugins_are_refused_and_nothing_installed_is_lost() {
    let cli = Cli::new();
    let scratch = tempfile::tempdir().unwrap();
    let good = build(&cli, Language::Rust, scratch.path()).expect("Rust is always available");
    let (ok, _, err) = cli.run(&["plugin", "install", good.to_str().unwrap()]);
    assert!(ok, "{err}");

    let garbage = scratch.path().join("notes.txt");
    std::fs::write(&garbage, "not wasm").unwrap();
    let (ok, _, err) = cli.run(&["plugin", "install", garbage.to_str().unwrap()]);
    assert!(!ok && err.contains("not a WebAssembly file"), "{err}");
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");

    let module = scratch.path().join("module.wasm");
    std::fs::write(&module, b"\0asm\x01\0\0\0").unwrap();
    let (ok, _, err) = cli.run(&["plugin", "install", module.to_str().unwrap()]);
    assert!(!ok && err.contains("core WebAssembly module"), "{err}");

    // A component of another world: the greeter exports no `info`.
    let greeter = build_rust_project(
        &cli,
        scratch.path(),
        "greeter",
        &std::fs::read_to_string(repo().join("fixtures/greeting/guest.rs")).unwrap(),
        Some("description = \"d\"\nworld = \"greeter\"\n"),
    );
    let (ok, _, err) = cli.run(&["plugin", "install", greeter.to_str().unwrap()]);
    assert!(
        !ok && err.contains(
            "it imports nothing of witness:plugin and its exports match no version this host \
             runs: this host's witness:plugin@0.2.0 needs export info, which the plugin lacks"
        ),
        "names the missing export: {err}"
    );
    assert!(
        err.contains("this host runs witness:plugin 0.1.x (0.1.0) and 0.2.x (0.2.0)"),
        "{err}"
    );

    // A plugin whose info() traps, and one whose info() never returns (stopped at the
    // default time limit).
    let run_stub =
        "fn run(_: Invocation) -> Result<String, String> {\n        Ok(String::new())\n    }";
    let cases = [
        (
            "broken",
            "panic!(\"no info\")",
            "its info() call failed: unreachable",
        ),
        (
            "stuck",
            "loop {\n            std::hint::black_box(0u8);\n        }",
            "its info() call failed: timed out after 10s",
        ),
    ];
    for (name, body, expected) in cases {
        let guest = format!(
            "struct P;\nimpl Guest for P {{\n    fn info() -> PluginInfo {{\n        {body}\n    }}\n    {run_stub}\n}}\nexport!(P);\n"
        );
        let wasm = build_rust_project(&cli, scratch.path(), name, &guest, None);
        let (ok, _, err) = cli.run(&["plugin", "install", wasm.to_str().unwrap()]);
        assert!(!ok && err.contains(expected), "{name}: {err}");
    }

    // A plugin that imports something the host does not provide: nothing would answer it.
    let nosy_dir = scratch.path().join("nosy");
    std::fs::create_dir_all(nosy_dir.join("wit")).unwrap();
    let plugin_wit = std::fs::read_to_string(repo().join("wit/plugin.wit")).unwrap();
    std::fs::write(
        nosy_dir.join("wit/plugin.wit"),
        format!(
            "{plugin_wit}\nworld nosy {{\n    include plugin;\n    import spy: func() -> u32;\n}}\n"
        ),
    )
    .unwrap();
    let nosy = build_rust_project(
        &cli,
        scratch.path(),
        "nosy",
        &format!(
            "struct P;\nimpl Guest for P {{\n    fn info() -> PluginInfo {{\n        \
             panic!(\"{{}}\", spy())\n    }}\n    {run_stub}\n}}\nexport!(P);\n"
        ),
        Some("description = \"d\"\nworld = \"nosy\"\n"),
    );
    let (ok, _, err) = cli.run(&["plugin", "install", nosy.to_str().unwrap()]);
    assert!(
        !ok && err.contains("it imports `spy`, which the witness host does not provide"),
        "{err}"
    );

    // The plugin installed first still works.
    let (ok, out, err) = cli.run(&["hello", "greet", "Ben"]);
    assert!(ok && out.contains("Hello, Ben!"), "{err}");

    // A plugin whose files were damaged is reported once and skipped; the others still run.
    let damaged = cli.plugins.path().join("damaged");
    std::fs::create_dir_all(&damaged).unwrap();
    std::fs::write(damaged.join("plugin.toml"), "name = ").unwrap();
    let (ok, out, err) = cli.run(&["plugin", "list"]);
    assert!(ok && out.starts_with("hello\t"), "{out}");
    assert!(
        err.contains("skipping the broken plugin") && err.contains("damaged"),
        "{err}"
    );

    // An unreadable plugin directory.
    let file = scratch.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = Command::cargo_bin("witness")
        .unwrap()
        .args(["--plugin-dir", file.to_str().unwrap(), "plugin", "list"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the plugin directory"));
}

#[test]
fn plugin_inputs_that_would_break_the_command_line_are_refused() {
    let cli = Cli::new();
    let scratch = tempfile::tempdir().unwrap();
    let run_stub =
        "fn run(_: Invocation) -> Result<String, String> {\n        Ok(String::new())\n    }";
    let cases = [
        (
            "twice",
            "[\"greet\", \"greet\"]",
            "lists the command `greet` twice",
        ),
        ("helpful", "[\"help\"]", "has a command `help`"),
        (
            "spaced",
            "[\"two words\"]",
            "`two words`, which is not a usable command name",
        ),
    ];
    for (name, commands, expected) in cases {
        let guest = format!(
            "struct P;\nimpl Guest for P {{\n    fn info() -> PluginInfo {{\n        \
             let commands = {commands}.into_iter().map(|c: &str| witness::plugin::types::Command {{ \
             name: c.into(), summary: String::new(), arguments: Vec::new() }}).collect();\n        \
             PluginInfo {{ name: \"{name}\".into(), version: \"1\".into(), summary: String::new(), commands }}\n    \
             }}\n    {run_stub}\n}}\nexport!(P);\n"
        );
        let wasm = build_rust_project(&cli, scratch.path(), name, &guest, None);
        let (ok, _, err) = cli.run(&["plugin", "install", wasm.to_str().unwrap()]);
        assert!(!ok && err.contains(expected), "{name}: {err}");
        assert!(
            !cli.plugins.path().join(name).exists(),
            "{name} was installed"
        );
    }

    // Several installs of one plugin at once: one after the other, none lost, nothing left.
    let good = build(&cli, Language::Rust, scratch.path()).expect("Rust is always available");
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("witness"))
                .args(["--plugin-dir", cli.plugins.path().to_str().unwrap()])
                .args(["plugin", "install", "--force", good.to_str().unwrap()])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let leftovers: Vec<String> = std::fs::read_dir(cli.plugins.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".installing-") || n.starts_with(".replaced-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A copy of an installed plugin under another directory name would be a second `hello`
    // subcommand: it is reported and skipped, and `hello` still runs.
    let copy = cli.plugins.path().join("hello-copy");
    std::fs::create_dir_all(&copy).unwrap();
    for file in ["plugin.wasm", "plugin.toml"] {
        std::fs::copy(cli.plugins.path().join("hello").join(file), copy.join(file)).unwrap();
    }
    let (ok, out, err) = cli.run(&["hello", "greet", "Ben"]);
    assert!(ok && out.contains("Hello, Ben!"), "{err}");
    assert!(
        err.contains("names the plugin `hello`, but it lies in"),
        "{err}"
    );

    // `plugin remove` takes a name, never a path.
    let outside = scratch.path().join("keep-me");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("plugin.toml"), "").unwrap();
    for path in ["../keep-me", outside.to_str().unwrap(), "."] {
        let (ok, _, err) = cli.run(&["plugin", "remove", path]);
        assert!(!ok && err.contains("is not a plugin name"), "{path}: {err}");
    }
    assert!(outside.join("plugin.toml").exists());
    assert!(cli.plugins.path().join("hello/plugin.wasm").exists());
}

#[test]
fn a_failed_rust_build_prints_the_compiler_output_once() {
    let cli = Cli::new();
    let scratch = tempfile::tempdir().unwrap();
    let project = scratch.path().join("broken-build");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("guest.rs"),
        "struct P;\nimpl Guest for P {\n    fn info() -> PluginInfo {\n        1 + \"one\"\n    }\n    \
         fn run(_: Invocation) -> Result<String, String> {\n        Ok(String::new())\n    }\n}\nexport!(P);\n",
    )
    .unwrap();
    let (ok, _, err) = cli.run(&[
        "plugin",
        "build",
        project.to_str().unwrap(),
        "--lang",
        "rust",
        "-o",
        scratch.path().join("broken.wasm").to_str().unwrap(),
    ]);
    assert!(!ok, "a guest that does not compile built: {err}");
    assert!(err.contains("broken-build/guest.rs:4:"), "{err}");
    let diagnostics = err.matches("error[E0277]").count();
    assert_eq!(diagnostics, 1, "cargo's stderr is printed once:\n{err}");
    assert_eq!(
        err.matches("hint: fix the compile error").count(),
        1,
        "{err}"
    );
}

/// The files in the plugin directory's compiled-code cache.
fn compiled_entries(cli: &Cli) -> Vec<String> {
    std::fs::read_dir(cli.plugins.path().join(".compiled"))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn bad_argument_declarations_are_refused_before_anything_is_compiled_into_the_store() {
    let cli = Cli::new();
    let scratch = tempfile::tempdir().unwrap();
    let guest = "struct P;\nimpl Guest for P {\n    fn info() -> PluginInfo {\n        \
                 use witness::plugin::types::{Argument, ArgumentKind, Command};\n        \
                 let who = || Argument { name: \"who\".into(), help: String::new(), kind: ArgumentKind::Positional };\n        \
                 let commands = vec![Command { name: \"greet\".into(), summary: String::new(), arguments: vec![who(), who()] }];\n        \
                 PluginInfo { name: \"twice-who\".into(), version: \"1\".into(), summary: String::new(), commands }\n    \
                 }\n    fn run(_: Invocation) -> Result<String, String> {\n        Ok(String::new())\n    }\n}\nexport!(P);\n";
    let wasm = build_rust_project(&cli, scratch.path(), "twice-who", guest, None);
    let (ok, _, err) = cli.run(&["plugin", "install", wasm.to_str().unwrap()]);
    assert!(
        !ok && err.contains("the command `greet` lists the argument `who` twice"),
        "{err}"
    );
    assert!(
        compiled_entries(&cli).is_empty(),
        "a refused plugin left compiled code: {:?}",
        compiled_entries(&cli)
    );
    let leftovers: Vec<String> = std::fs::read_dir(cli.plugins.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".compiled" && n != ".lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // An accepted plugin's compiled code is kept, and it runs from it.
    let good = build(&cli, Language::Rust, scratch.path()).expect("Rust is always available");
    let (ok, _, err) = cli.run(&["plugin", "install", good.to_str().unwrap()]);
    assert!(ok, "{err}");
    let kept = compiled_entries(&cli);
    assert!(
        kept.iter().any(|n| n.ends_with(".cwasm")) && kept.iter().any(|n| n.ends_with(".blake3")),
        "{kept:?}"
    );
    let (ok, out, err) = cli.run(&["hello", "greet", "Ben"]);
    assert!(ok && out.contains("Hello, Ben!"), "{err}");
    assert!(
        !err.contains("compiled"),
        "compiled again on first run: {err}"
    );
}
