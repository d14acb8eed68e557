//! A missing guest toolchain: the language's trials are skipped with the reason, or fail when
//! the language is required (`CI=true`). Shown with `node` taken off `PATH`.

use std::process::Command;

fn witness_run_js(ci: bool) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_witness"));
    cmd.args(["run", "--lang", "js", "greeting"])
        .env("PATH", "/witness-test-empty-path")
        .env_remove("WITNESS_REQUIRE")
        .env_remove("WITNESS_LANGS");
    if ci {
        cmd.env("CI", "true");
    } else {
        cmd.env_remove("CI");
    }
    run(&mut cmd)
}

/// Runs `cmd`; returns whether it succeeded and its stdout followed by its stderr.
fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("witness runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn without_node_the_js_trials_are_skipped_with_the_reason() {
    let (ok, text) = witness_run_js(false);
    assert!(ok, "a skipped language is not a failure:\n{text}");
    assert!(text.contains("0 passed, 0 failed, 1 skipped"), "{text}");
    assert!(
        text.contains("greeting::js skipped: js toolchain missing"),
        "{text}"
    );
    assert!(text.contains("`node` is not installed"), "{text}");
}

#[test]
fn without_node_and_with_ci_the_js_trials_fail() {
    let (ok, text) = witness_run_js(true);
    assert!(
        !ok,
        "CI=true must turn a missing toolchain into a failure:\n{text}"
    );
    assert!(text.contains("0 passed, 1 failed, 0 skipped"), "{text}");
    assert!(
        text.contains("the js toolchain is missing: `node` is not installed")
            && text.contains("(js is required)"),
        "{text}"
    );
}

/// Runs `witness call` and returns (success, stdout + stderr).
fn witness_call(component: &std::path::Path, call: &str) -> (bool, String) {
    run(Command::new(env!("CARGO_BIN_EXE_witness"))
        .arg("call")
        .arg(component)
        .arg(call))
}

#[test]
fn bad_artifacts_get_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.wasm");
    std::fs::write(&garbage, b"this is not wasm").unwrap();
    let (ok, text) = witness_call(&garbage, "f()");
    assert!(!ok && text.contains("not a WebAssembly file"), "{text}");
    assert!(text.contains("garbage.wasm"), "names the file: {text}");

    let module = dir.path().join("module.wasm");
    std::fs::write(&module, b"\0asm\x01\0\0\0").unwrap();
    let (ok, text) = witness_call(&module, "f()");
    assert!(
        !ok && text.contains("core WebAssembly module, not a component"),
        "{text}"
    );

    let truncated = dir.path().join("truncated.wasm");
    std::fs::write(&truncated, b"\0asm\x0d\0\x01\0\x07\x05").unwrap();
    let (ok, text) = witness_call(&truncated, "f()");
    assert!(!ok && text.contains("truncated.wasm"), "{text}");
}
