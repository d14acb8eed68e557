//! `witness divergences`: every known divergence of the bundled fixtures by toolchain and
//! pinned version, with reason and upstream link, and each fixture's coverage; in a project
//! of its own, the functions no call or property touches.

use std::path::Path;
use std::process::Command;

fn divergences(root: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_witness"))
        .args(["divergences", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn the_bundled_divergences_are_listed_by_toolchain_with_their_reports() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = divergences(&repo);
    let js = text.find("\njs (componentize-js 0.23.0):\n").expect(&text);
    let python = text
        .find("\npython (componentize-py 0.25.1):\n")
        .expect(&text);
    let coverage = text.find("\nCoverage:").expect(&text);
    assert!(js < python && python < coverage, "{text}");
    // Each entry sits under its toolchain, with its reason and its upstream link.
    let js_part = &text[js..python];
    for entry in [
        "number-edges `negate`",
        "generated-values `roundtrip-u32`",
        "generated-values `show-s64`",
        "upstream: https://github.com/bytecodealliance/ComponentizeJS/issues/343",
    ] {
        assert!(js_part.contains(entry), "{entry} not under js:\n{text}");
    }
    let python_part = &text[python..coverage];
    assert!(
        python_part.contains("generated-values `sum-s8`")
            && python_part.contains("passes a list<s8> to Python as unsigned bytes"),
        "{text}"
    );
    assert!(
        text.contains("  generated-values (world generated): 35 of 35 touched\n"),
        "{text}"
    );
    assert!(
        text.contains("http-denied") && text.contains("no guest in rust, python"),
        "{text}"
    );
}

#[test]
fn untouched_functions_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("fixtures/partial");
    std::fs::create_dir_all(fixture.join("wit")).unwrap();
    std::fs::write(
        fixture.join("wit/w.wit"),
        "package test:partial;\n\nworld w {\n    export called: func() -> u32;\n    \
         export generated: func(x: u32) -> u32;\n    export forgotten: func();\n    \
         export api: interface {\n        also-forgotten: func();\n    }\n}\n",
    )
    .unwrap();
    std::fs::write(
        fixture.join("fixture.toml"),
        "description = \"d\"\nworld = \"w\"\n\n[[call]]\ninvoke = \"called()\"\n\n\
         [[roundtrip]]\nfunction = \"generated\"\n",
    )
    .unwrap();
    std::fs::write(fixture.join("guest.rs"), "").unwrap();
    let text = divergences(dir.path());
    assert!(text.starts_with("Known divergences (0):\n"), "{text}");
    assert!(
        text.contains(
            "  partial (world w): 2 of 4 touched; untouched: forgotten, api#also-forgotten; \
             no guest in js, python\n"
        ),
        "{text}"
    );
}
