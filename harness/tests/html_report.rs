//! The HTML report as a person sees it: a few hand-made results (a pass, a pass with known
//! divergences, a failure whose guest printed `<script>` and whose snapshot differs, a skip)
//! rendered, then opened in headless Chromium, which takes a screenshot and dumps the DOM
//! it built. The page must show every trial, the failure's diff lines, colour, and no
//! script from the guest.
//!
//! Without Chromium the browser half says so and returns, unless `CI=true`, where it fails
//! (`.ci/run` installs Debian's `chromium`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use witness_harness::error::{FailureContext, Mismatch, SnapshotError, TrialError, TrialFailure};
use witness_harness::fixture::KnownDivergence;
use witness_harness::language::Language;
use witness_harness::report::Format;
use witness_harness::runner::{TrialResult, TrialStatus};
use witness_harness::toolchain::channel::{Channel, ToolVersion, Toolchains};

/// What a guest printed, which the page must show as text.
const GUEST_SCRIPT: &str = "<script>document.title='pwned'</script>";

fn result(fixture: &str, language: Language, status: TrialStatus) -> TrialResult {
    TrialResult {
        fixture: fixture.into(),
        language,
        status,
        duration: Duration::from_millis(300),
        known: Vec::new(),
        world: Some("witness:plugin@0.2.0".into()),
        provider: None,
    }
}

fn known(function: &str) -> KnownDivergence {
    KnownDivergence {
        language: Language::Js,
        function: function.into(),
        reason: format!("componentize-js 0.23.0 gets `{function}` wrong"),
        upstream: "https://github.com/bytecodealliance/ComponentizeJS/issues/343".into(),
        side: None,
    }
}

fn failure() -> TrialFailure {
    let diff = format!(
        "--- snapshot\n+++ js\n@@ -1,3 +1,3 @@\n call greeting(\"Ben\")\n   result: \"hi\"\n-  stdout| \
         hello\n+  stdout| {GUEST_SCRIPT}\n"
    );
    TrialFailure {
        error: TrialError::Snapshot(SnapshotError::DisagreesWith {
            language: Language::Js.into(),
            others: vec![Language::Rust.into()],
            path: PathBuf::from("fixtures/greeting/snapshots/greeting.snap"),
            diff,
        }),
        more: vec![TrialError::Expectations {
            mismatches: vec![Mismatch {
                call: 2,
                entry: 2,
                line: Some(9),
                invoke: "greeting(\"Ann\")".into(),
                expected: "\"hi Ann\"".into(),
                actual: "\"<b>bold</b>\"".into(),
                problem: None,
            }],
        }],
        context: FailureContext {
            fixture_file: PathBuf::from("fixtures/greeting/fixture.toml"),
            guest: PathBuf::from("fixtures/greeting/guest.js"),
            provider_guest: None,
            component: Some(PathBuf::from("target/witness/greeting/js.wasm")),
            rerun: "witness run greeting --lang js".into(),
            one_call: Some(
                "witness call target/witness/greeting/js.wasm 'greeting(\"Ben\")'".into(),
            ),
        },
        detail: Some(format!(
            "call greeting(\"Ben\")\n  stderr| {GUEST_SCRIPT}\n  stderr| \u{1b}[31mred\u{1b}[0m"
        )),
    }
}

fn results() -> Vec<TrialResult> {
    let mut with_known = result("number-edges", Language::Js, TrialStatus::Passed);
    with_known.known = vec![known("negate"), known("roundtrip-u32")];
    vec![
        result("greeting", Language::Rust, TrialStatus::Passed),
        result(
            "greeting",
            Language::Js,
            TrialStatus::Failed(Arc::new(failure())),
        ),
        result(
            "greeting",
            Language::Python,
            TrialStatus::Skipped("python toolchain missing: `python3` is not installed".into()),
        ),
        result("number-edges", Language::Rust, TrialStatus::Passed),
        with_known,
    ]
}

fn toolchains() -> Toolchains {
    Toolchains {
        channel: Channel::Pinned,
        languages: vec![
            (
                Language::Rust,
                vec![ToolVersion::new("wit-bindgen", "0.61.1")],
            ),
            (
                Language::Js,
                vec![
                    ToolVersion::new("componentize-js", "0.23.0"),
                    ToolVersion::new("jco", "1.35.0"),
                ],
            ),
        ],
    }
}

const TRIALS: [&str; 5] = [
    "greeting::rust",
    "greeting::js",
    "greeting::python",
    "number-edges::rust",
    "number-edges::js",
];

#[test]
fn the_page_is_self_contained_escaped_and_links_every_cell() {
    let html = Format::Html.render(&results(), &toolchains());
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    // Nothing is loaded from anywhere, and there is no script at all.
    for loads in [
        "<script", "src=", "<link", "url(", "@import", "<img", "<iframe",
    ] {
        assert!(!html.contains(loads), "the page holds `{loads}`");
    }
    assert!(!html.contains('\u{1b}'), "an ANSI escape got through");
    assert!(
        html.contains("\\u{1b}[31mred"),
        "the escape is shown as text"
    );
    assert!(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"));
    for (id, class) in [
        ("trial-greeting--rust", "pass"),
        ("trial-greeting--js", "fail"),
        ("trial-greeting--python", "skip"),
        ("trial-number-edges--js", "known"),
    ] {
        assert!(
            html.contains(&format!("<td class=\"cell {class}\"><a href=\"#{id}\">")),
            "the {id} cell is a {class} link"
        );
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} has a section");
    }
    assert!(html.contains("<span class=\"add\">+  stdout| &lt;script&gt;"));
    assert!(html.contains("<span class=\"del\">-  stdout| hello</span>"));
    for replay in [
        "witness run greeting --lang js",
        "target/witness/greeting/js.wasm",
        "fixtures/greeting/fixture.toml",
        "fixtures/greeting/guest.js",
    ] {
        assert!(html.contains(replay), "{replay}");
    }
    assert!(html.contains("<h3>js (componentize-js 0.23.0, jco 1.35.0)</h3>"));
    assert!(html.contains("python toolchain missing: `python3` is not installed"));
}

#[test]
fn chromium_shows_every_trial_the_diff_in_colour_and_no_guest_script() {
    let Some(chromium) = chromium() else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "Chromium is required under CI=true (.ci/run installs it: apt-get install -y chromium)"
        );
        eprintln!(
            "skipping the browser check: Chromium is not installed (apt-get install chromium)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, Format::Html.render(&results(), &toolchains())).unwrap();
    let url = format!("file://{}", page.display());

    let dom = browse(&chromium, dir.path(), &["--dump-dom", &url]);
    for trial in TRIALS {
        assert!(dom.contains(trial), "the page names {trial}");
    }
    assert!(
        dom.contains("<span class=\"add\">+  stdout| &lt;script&gt;document.title='pwned'&lt;/script&gt;</span>"),
        "the added line, as text: {dom}"
    );
    assert!(dom.contains("<span class=\"del\">-  stdout| hello</span>"));
    assert!(
        !dom.contains("<script"),
        "a script element was built: {dom}"
    );
    assert!(
        dom.contains("<title>witness: 3 passed, 1 failed, 1 skipped</title>"),
        "the guest's script did not run (it would rename the page)"
    );

    let screenshot = dir.path().join("report.png");
    browse(
        &chromium,
        dir.path(),
        &[
            &format!("--screenshot={}", screenshot.display()),
            "--window-size=1200,900",
            &url,
        ],
    );
    let (width, height, pixels) = decode(&screenshot);
    let colours: std::collections::HashSet<[u8; 3]> = pixels.iter().copied().collect();
    let not_white = pixels.iter().filter(|p| **p != [255, 255, 255]).count();
    assert!(
        colours.len() > 20,
        "{} colours: a blank page?",
        colours.len()
    );
    assert!(
        not_white * 50 > pixels.len(),
        "{not_white} of {width}x{height} pixels are not white"
    );
    // The matrix is coloured by outcome: the cells' backgrounds are on the screen.
    for (outcome, rgb) in [
        ("pass", [0xc8, 0xef, 0xc8]),
        ("fail", [0xf5, 0xb5, 0xb5]),
        ("known", [0xff, 0xe7, 0xa3]),
        ("skip", [0xde, 0xde, 0xde]),
    ] {
        let count = pixels.iter().filter(|p| **p == rgb).count();
        assert!(count > 200, "{count} pixels of the {outcome} colour");
    }
}

/// The Chromium binary, if one is installed.
fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|out| out.status.success())
        })
        .map(str::to_string)
}

/// Runs headless Chromium with `args` and a fresh profile under `scratch`, with the flags it
/// needs as root on a machine without a network; returns its stdout.
fn browse(chromium: &str, scratch: &Path, args: &[&str]) -> String {
    let profile = tempfile::tempdir_in(scratch).unwrap();
    let mut command = Command::new(chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args);
    let out = witness_harness::toolchain::command::run_within(
        &mut command,
        "Chromium must start headless: see /usr/bin/chromium",
        Duration::from_secs(120),
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The screenshot's size and its pixels as RGB.
fn decode(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut decoder = png::Decoder::new(file);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| match channels {
            1 | 2 => [p[0], p[0], p[0]],
            _ => [p[0], p[1], p[2]],
        })
        .collect();
    (info.width, info.height, pixels)
}
