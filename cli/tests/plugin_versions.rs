//! Plugins across versions of the plugin API, through the real `witness` binary: the
//! witness:plugin@0.1.0 plugins kept in `tests/plugins/0.1.0/` (built in every language by
//! the witness of that version; `rebuild.sh` there makes them again) install and run on
//! today's host, and components built for a version or shape the host does not run are
//! refused with a message naming their version, the supported ones and the first item that
//! does not fit.

mod common;

use std::path::{Path, PathBuf};

use common::Cli;
use witness_harness::language::Language;

/// The kept 0.1.0 plugin of `language`, decompressed into `dir`.
fn old_plugin(language: Language, dir: &Path) -> PathBuf {
    let kept = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/plugins/0.1.0")
        .join(format!("hello-{language}.wasm.zst"));
    let compressed = std::fs::read(&kept).unwrap_or_else(|e| panic!("{}: {e}", kept.display()));
    let bytes = zstd::decode_all(compressed.as_slice()).unwrap();
    let out = dir.join(format!("hello-{language}-0.1.0.wasm"));
    std::fs::write(&out, bytes).unwrap();
    out
}

#[test]
fn plugins_built_for_0_1_0_install_and_run_in_every_language() {
    let scratch = tempfile::tempdir().unwrap();
    for language in Language::ALL {
        let cli = Cli::new();
        let wasm = old_plugin(language, scratch.path());
        let (ok, out, err) = cli.run(&["plugin", "install", wasm.to_str().unwrap()]);
        assert!(ok, "install {language}: {err}");
        assert!(
            out.contains(&format!(
                "installed hello 0.1.0 ({language}) with 2 command(s)"
            )),
            "{out}"
        );
        let (ok, out, _) = cli.run(&["plugin", "list"]);
        assert!(
            ok && out.starts_with(&format!(
                "hello\t0.1.0\t{language}\twitness:plugin@0.1.0\tgreet,count\t"
            )),
            "{language}: {out}"
        );

        // 0.1's run gets the command's words, whatever they look like.
        let (ok, out, err) = cli.run(&["hello", "greet", "Ben", "--fast", "Ada"]);
        assert!(ok, "{language}: {err}");
        assert!(
            out.contains("Hello, Ben and --fast and Ada!"),
            "{language}: {out}"
        );
        assert!(
            err.contains("[hello] info: greeting 3 people"),
            "{language}: {err}"
        );
        let (ok, _, err) = cli.run(&["hello", "greet"]);
        assert!(
            !ok && err.contains("hello greet: greet needs at least one name"),
            "{language}: {err}"
        );
        let (ok, out, _) = cli.run(&["hello", "count"]);
        assert!(ok && out.trim() == "1", "{language}: {out}");

        // A 0.1 command declares no arguments: its help shows the words it takes.
        let (ok, out, _) = cli.run(&["hello", "greet", "--help"]);
        assert!(ok && out.contains("[ARGS]..."), "{language}: {out}");
        let (ok, out, _) = cli.run(&["hello", "--help"]);
        assert!(
            ok && out.contains(&format!("({language}, witness:plugin@0.1.0)")),
            "{language}: {out}"
        );

        std::fs::write(
            cli.plugins.path().join("config.toml"),
            "[hello.config]\ngreeting = \"Hi\"\n",
        )
        .unwrap();
        let (ok, out, err) = cli.run(&["hello", "greet", "Ben"]);
        assert!(ok && out.contains("Hi, Ben!"), "{language}: {out}{err}");
    }
}

/// A component importing one instance of `functions` (WAT function types) as `name`.
fn importing(imports: &[(&str, &str)]) -> Vec<u8> {
    let mut text = String::from("(component\n");
    for (name, functions) in imports {
        text.push_str(&format!("  (import \"{name}\" (instance {functions}))\n"));
    }
    text.push(')');
    wat::parse_str(&text).unwrap()
}

#[test]
fn plugins_the_host_does_not_run_are_refused_with_their_version_and_first_item() {
    const LOG: &str = r#"(export "log" (func (param "level" u8) (param "message" string)))"#;
    const GET_CONFIG: &str =
        r#"(export "get-config" (func (param "key" string) (result (option string))))"#;
    // Importing nothing of the API, exporting an `info` of another type.
    let changed_export = wat::parse_str(
        r#"(component
            (core module $m (func (export "info") (result i32) i32.const 7))
            (core instance $i (instantiate $m))
            (func (export "info") (result u32) (canon lift (core func $i "info"))))"#,
    )
    .unwrap();
    let cases: [(&str, Vec<u8>, &str); 8] = [
        (
            // A newer patch of a version the host runs, calling a function it added.
            "newer-patch",
            importing(&[(
                "witness:plugin/host@0.2.3",
                r#"(export "watch-file" (func (param "path" string)))"#,
            )]),
            "it is built for witness:plugin@0.2.3, but this host's witness:plugin@0.2.0 has no \
             import witness:plugin/host@0.2.3.watch-file",
        ),
        (
            "unversioned",
            importing(&[("witness:plugin/host", GET_CONFIG)]),
            "it imports witness:plugin without a version (import witness:plugin/host), which \
             this host does not run",
        ),
        (
            "changed-export",
            changed_export,
            "it imports nothing of witness:plugin and its exports match no version this host \
             runs: this host's witness:plugin@0.2.0 has export info: func() -> record { name: \
             string, version: string, summary: string, commands: list<record { name: string, \
             summary: string, arguments: list<record { name: string, help: string, kind: enum \
             { positional, optional, rest, named, flag } }> }> }, where the plugin has func() -> \
             u32",
        ),
        (
            "future-major",
            importing(&[("witness:plugin/host@1.0.0", GET_CONFIG)]),
            "it is built for witness:plugin@1.0.0, a version this host does not run (first \
             item of it: import witness:plugin/host@1.0.0)",
        ),
        (
            "next-minor",
            importing(&[("witness:plugin/host@0.3.0", GET_CONFIG)]),
            "it is built for witness:plugin@0.3.0, a version this host does not run",
        ),
        (
            "changed-signature",
            importing(&[(
                "witness:plugin/host@0.2.0",
                r#"(export "get-config" (func (param "key" string) (result string)))"#,
            )]),
            "it is built for witness:plugin@0.2.0, but this host's witness:plugin@0.2.0 has \
             import witness:plugin/host@0.2.0.get-config: func(key: string) -> option<string>, \
             where the plugin has func(key: string) -> string",
        ),
        (
            "removed-function",
            importing(&[(
                "witness:plugin/host@0.1.0",
                r#"(export "read-file" (func (param "path" string) (result string)))"#,
            )]),
            "it is built for witness:plugin@0.1.0, but this host's witness:plugin@0.1.0 has no \
             import witness:plugin/host@0.1.0.read-file",
        ),
        (
            "two-versions",
            importing(&[
                ("witness:plugin/host@0.1.0", GET_CONFIG),
                ("witness:plugin/host@0.2.0", LOG),
            ]),
            "it imports two versions of witness:plugin at once: 0.1.0 and 0.2.0 (first item of \
             the second: import witness:plugin/host@0.2.0); a plugin is built for one",
        ),
    ];
    let cli = Cli::new();
    let scratch = tempfile::tempdir().unwrap();
    for (name, bytes, expected) in cases {
        let wasm = scratch.path().join(format!("{name}.wasm"));
        std::fs::write(&wasm, bytes).unwrap();
        let (ok, _, err) = cli.run(&["plugin", "install", wasm.to_str().unwrap()]);
        assert!(!ok, "{name} was installed");
        assert!(err.contains(expected), "{name}: {err}");
        assert!(
            err.contains("this host runs witness:plugin 0.1.x (0.1.0) and 0.2.x (0.2.0)"),
            "{name}: {err}"
        );
        assert!(
            !err.contains("matching implementation was not found in the linker"),
            "{name}: a linker error instead of the named one: {err}"
        );
    }
    let (ok, out, _) = cli.run(&["plugin", "list"]);
    assert!(ok && out.contains("no plugins installed"), "{out}");
}
