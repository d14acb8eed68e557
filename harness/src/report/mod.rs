//! Reporting trial results apart from running them, one reporter per format over the same
//! [`TrialResult`]s and the [`Toolchains`] they were built with: the fixture × language
//! matrix that `witness run` prints with each failure's message (here), JUnit XML
//! ([`junit`]), JSON lines ([`json`]) and a self-contained HTML page ([`html`]).

pub mod html;
pub mod json;
pub mod junit;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::language::Language;
use crate::runner::{TrialResult, TrialStatus};
use crate::toolchain::channel::Toolchains;

/// The formats `witness run --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// The matrix and each failure in full, for people.
    #[default]
    Human,
    /// JUnit XML: one `testcase` per trial, for CI systems.
    Junit,
    /// One JSON object per trial and a summary line, for tools.
    Json,
    /// One self-contained HTML page, for people reading a CI run's artifacts.
    Html,
}

impl Format {
    /// The report of `results`, built with `toolchains`, in this format.
    pub fn render(self, results: &[TrialResult], toolchains: &Toolchains) -> String {
        match self {
            Format::Human => human(results, toolchains),
            Format::Junit => junit::report(results, toolchains),
            Format::Json => json::report(results, toolchains),
            Format::Html => html::report(results, toolchains),
        }
    }

    /// The format's name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Junit => "junit",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "human" => Ok(Format::Human),
            "junit" => Ok(Format::Junit),
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            other => Err(format!(
                "`{other}` is not a report format (human, junit, json, html)"
            )),
        }
    }
}

/// The matrix of `results` (as [`human`] prints it, without the toolchains line).
pub fn matrix(results: &[TrialResult]) -> String {
    human(results, &Toolchains::default())
}

/// The matrix of `results`: one row per fixture with the WIT package and version it builds
/// against (`witness:plugin@0.1.0`), one column per language that ran, each cell `pass`,
/// `FAIL` or `skip` with its time (and `, N known` for a pass with known divergences); a
/// composition fixture has one row per runner language (`stats (python runner)`), its cells
/// in the columns of the provider languages. Then the counts and the toolchains used, and
/// the failures, skip reasons and known divergences in full.
pub fn human(results: &[TrialResult], toolchains: &Toolchains) -> String {
    let column = |r: &TrialResult| r.provider.unwrap_or(r.language);
    let languages: Vec<Language> = Language::ALL
        .into_iter()
        .filter(|l| results.iter().any(|r| column(r) == *l))
        .collect();
    let row_name = |r: &TrialResult| match r.provider {
        Some(_) => format!("{} ({} runner)", r.fixture, r.language),
        None => r.fixture.clone(),
    };
    let mut rows: BTreeMap<String, BTreeMap<Language, &TrialResult>> = BTreeMap::new();
    let mut worlds: BTreeMap<String, &str> = BTreeMap::new();
    for r in results {
        rows.entry(row_name(r)).or_default().insert(column(r), r);
        if let Some(world) = &r.world {
            worlds.insert(row_name(r), world);
        }
    }
    let world_width = worlds
        .values()
        .map(|w| w.len())
        .max()
        .unwrap_or(0)
        .max("world".len());
    let width = rows
        .keys()
        .map(|k| k.len())
        .max()
        .unwrap_or(0)
        .max("fixture".len());
    let cell = |r: &TrialResult| {
        let mut cell = format!(
            "{} {:.1}s",
            status_word(&r.status),
            r.duration.as_secs_f64()
        );
        if !r.known.is_empty() {
            write!(cell, ", {} known", r.known.len()).ok();
        }
        cell
    };
    let cell_width = results
        .iter()
        .map(|r| cell(r).len())
        .max()
        .unwrap_or(0)
        .max(12);
    let mut out = String::new();
    write!(out, "{:width$}  {:world_width$}", "fixture", "world").ok();
    for l in &languages {
        write!(out, "  {:cell_width$}", l.name()).ok();
    }
    writeln!(out).ok();
    for (fixture, cells) in &rows {
        let world = worlds.get(fixture.as_str()).copied().unwrap_or("-");
        write!(out, "{fixture:width$}  {world:world_width$}").ok();
        for l in &languages {
            let text = cells.get(l).map_or_else(|| "-".to_string(), |r| cell(r));
            write!(out, "  {text:cell_width$}").ok();
        }
        writeln!(out).ok();
    }
    let (passed, failed, skipped) = counts(results);
    writeln!(out, "\n{passed} passed, {failed} failed, {skipped} skipped").ok();
    if let Some(line) = toolchains.line() {
        writeln!(out, "{line}").ok();
    }
    // A failure a fixture's languages share (a bad fixture.toml) is printed in full once.
    let mut printed: Vec<(&str, Vec<String>, String)> = Vec::new();
    for r in results {
        match &r.status {
            TrialStatus::Failed(failure) => {
                let texts: Vec<String> = failure.errors().map(ToString::to_string).collect();
                let same = printed
                    .iter()
                    .find(|(fixture, earlier, _)| *fixture == r.fixture && *earlier == texts);
                match same {
                    Some((_, _, first)) => writeln!(
                        out,
                        "\n---- {} FAILED ---- the same failure as {first} above: {}",
                        r.name(),
                        failure.summary()
                    ),
                    None => {
                        printed.push((&r.fixture, texts, r.name()));
                        writeln!(
                            out,
                            "\n---- {} FAILED ----\n{}",
                            r.name(),
                            failure.render(&r.fixture, r.lineup())
                        )
                    }
                }
                .ok();
            }
            TrialStatus::Skipped(reason) => {
                writeln!(out, "\n---- {} skipped: {reason}", r.name()).ok();
            }
            TrialStatus::Unsupported(reason) => {
                writeln!(out, "\n---- {} unsupported: {reason}", r.name()).ok();
            }
            TrialStatus::Passed => {
                for known in &r.known {
                    writeln!(out, "\n---- {} known divergence: {known}", r.name()).ok();
                }
            }
        }
    }
    out
}

fn status_word(status: &TrialStatus) -> &'static str {
    match status {
        TrialStatus::Passed => "pass",
        TrialStatus::Failed(_) => "FAIL",
        TrialStatus::Skipped(_) => "skip",
        TrialStatus::Unsupported(_) => "unsupported",
    }
}

/// How many results passed, failed and were skipped (unsupported ones among the skipped).
pub fn counts(results: &[TrialResult]) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for r in results {
        match r.status {
            TrialStatus::Passed => c.0 += 1,
            TrialStatus::Failed(_) => c.1 += 1,
            TrialStatus::Skipped(_) | TrialStatus::Unsupported(_) => c.2 += 1,
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn result(fixture: &str, language: Language, status: TrialStatus) -> TrialResult {
        TrialResult {
            fixture: fixture.into(),
            language,
            status,
            duration: Duration::from_millis(1500),
            known: Vec::new(),
            world: Some("witness:plugin@0.1.0".into()),
            provider: None,
        }
    }

    #[test]
    fn the_matrix_has_a_cell_per_trial_and_lists_failures() {
        let text = matrix(&[
            result("greeting", Language::Rust, TrialStatus::Passed),
            result(
                "greeting",
                Language::Python,
                TrialStatus::Skipped("no python3".into()),
            ),
            result(
                "plugin",
                Language::Rust,
                TrialStatus::Failed(std::sync::Arc::new(crate::error::TrialFailure {
                    error: crate::error::TrialError::Panicked("it broke".into()),
                    more: Vec::new(),
                    context: Default::default(),
                    detail: None,
                })),
            ),
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["fixture", "world", "rust", "python"]
        );
        assert!(lines[1].starts_with("greeting") && lines[1].contains("pass 1.5s"));
        assert!(lines[1].contains(" witness:plugin@0.1.0 "), "{}", lines[1]);
        assert!(lines[1].contains("skip 1.5s"));
        assert!(lines[2].contains("FAIL 1.5s") && lines[2].contains(" - "));
        assert!(text.contains("1 passed, 1 failed, 1 skipped"));
        assert!(text.contains("plugin::rust FAILED ----\nfixture `plugin` in rust\n"));
        assert!(text.contains("\nthe trial panicked (a bug in witness): it broke\n"));
        assert!(text.contains("greeting::python skipped: no python3"));
        assert!(!text.contains("toolchains ("), "no toolchains were given");
    }

    #[test]
    fn every_format_names_the_toolchains_used() {
        use crate::toolchain::channel::{Channel, ToolVersion};
        let toolchains = Toolchains {
            channel: Channel::Latest,
            languages: vec![
                (
                    Language::Rust,
                    vec![ToolVersion::new("wit-bindgen", "0.62.0")],
                ),
                (
                    Language::Js,
                    vec![
                        ToolVersion::new("componentize-js", "0.24.0"),
                        ToolVersion::new("jco", "1.36.0"),
                    ],
                ),
            ],
        };
        let results = [result("greeting", Language::Rust, TrialStatus::Passed)];

        let human = Format::Human.render(&results, &toolchains);
        assert!(
            human.contains(
                "1 passed, 0 failed, 0 skipped\ntoolchains (latest): rust wit-bindgen 0.62.0; \
                 js componentize-js 0.24.0, jco 1.36.0\n"
            ),
            "{human}"
        );

        let json = Format::Json.render(&results, &toolchains);
        let summary: serde_json::Value =
            serde_json::from_str(json.lines().last().unwrap()).unwrap();
        assert_eq!(
            summary["toolchains"],
            serde_json::json!({
                "channel": "latest",
                "rust": {"wit-bindgen": "0.62.0"},
                "js": {"componentize-js": "0.24.0", "jco": "1.36.0"},
            })
        );
        let bare: serde_json::Value =
            serde_json::from_str(json::lines(&results).lines().last().unwrap()).unwrap();
        assert!(bare.get("toolchains").is_none(), "{bare}");

        let junit = Format::Junit.render(&results, &toolchains);
        for property in [
            r#"<property name="toolchains.channel" value="latest"/>"#,
            r#"<property name="toolchain.rust.wit-bindgen" value="0.62.0"/>"#,
            r#"<property name="toolchain.js.jco" value="1.36.0"/>"#,
        ] {
            assert!(junit.contains(property), "{property} in {junit}");
        }

        let html = Format::Html.render(&results, &toolchains);
        assert!(
            html.contains(
                "<p class=\"toolchains\">toolchains (latest): rust wit-bindgen 0.62.0; js \
                 componentize-js 0.24.0, jco 1.36.0</p>"
            ),
            "{html}"
        );
    }

    #[test]
    fn formats_parse_from_their_names() {
        for format in [Format::Human, Format::Junit, Format::Json, Format::Html] {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
        }
        assert!("xml".parse::<Format>().unwrap_err().contains("html"));
    }
}
