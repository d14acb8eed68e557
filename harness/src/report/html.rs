//! A self-contained HTML page (`witness run --format html > report.html`): the fixture ×
//! language matrix coloured by outcome, each cell linking to its trial; every failure of a
//! failed trial with its diff (added and removed lines coloured) and the lines that replay
//! it; each skip's reason; the known divergences that held, grouped by toolchain (as
//! [`crate::divergences::by_toolchain`] groups them); the counts and the toolchains used.
//!
//! The page loads nothing: its style is inline and it has no script. Every text it shows,
//! guest output included, is HTML-escaped, with control characters written out as
//! `\u{…}` first, so neither markup nor terminal escapes from a plugin get through.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::divergences::{self, Listed};
use crate::error::{SnapshotError, TrialError, TrialFailure};
use crate::language::Language;
use crate::runner::{TrialResult, TrialStatus};
use crate::toolchain::channel::{self, Toolchains};

const STYLE: &str = "
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
code, pre { font: 12.5px/1.4 ui-monospace, monospace; }
pre { background: #f6f6f6; padding: 0.6em 0.8em; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
td.cell { min-width: 9em; }
td.cell a { display: block; color: inherit; text-decoration: none; }
.pass { background: #c8efc8; }
.known { background: #ffe7a3; }
.fail { background: #f5b5b5; font-weight: bold; }
.skip, .unsupported { background: #dedede; color: #555; }
.none { color: #999; }
.summary span { padding: 0.1em 0.5em; border-radius: 3px; }
section.trial { margin: 1.2em 0; padding: 0.4em 1em; border-left: 6px solid #bbb; }
section.trial.fail { border-left-color: #d03030; background: none; font-weight: normal; }
section.trial.skip { border-left-color: #999; background: none; }
section.trial.known { border-left-color: #d9a400; background: none; }
dl.where { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; }
dl.where dt { color: #555; }
dl.where dd { margin: 0; }
ol.failures > li { margin-bottom: 1em; }
.kind { color: #a01010; font-weight: bold; }
pre.diff span { display: block; }
pre.diff .add { background: #d7f7d7; color: #0a5a0a; }
pre.diff .del { background: #fbd9d9; color: #8a1010; }
pre.diff .hunk { color: #5a32a3; }
pre.diff .head { color: #555; font-weight: bold; }
";

/// The HTML report of `results`, built with `toolchains`.
pub fn report(results: &[TrialResult], toolchains: &Toolchains) -> String {
    let (passed, failed, skipped) = super::counts(results);
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    writeln!(
        out,
        "<title>witness: {passed} passed, {failed} failed, {skipped} skipped</title>"
    )
    .ok();
    writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>").ok();
    out.push_str("<h1>witness conformance report</h1>\n");
    writeln!(
        out,
        "<p class=\"summary\" id=\"summary\"><span class=\"pass\">{passed} passed</span> \
         <span class=\"fail\">{failed} failed</span> <span class=\"skip\">{skipped} \
         skipped</span></p>"
    )
    .ok();
    if let Some(line) = toolchains.line() {
        writeln!(out, "<p class=\"toolchains\">{}</p>", escape(&line)).ok();
    }
    matrix(&mut out, results);
    failures(&mut out, results);
    skips(&mut out, results);
    known(&mut out, results, toolchains);
    passes(&mut out, results);
    out.push_str("</body>\n</html>\n");
    out
}

/// The table: a row per fixture, a column per language that ran; each cell coloured by its
/// outcome and linking to its trial.
fn matrix(out: &mut String, results: &[TrialResult]) {
    // A composition fixture has a row per runner language, its cells under the providers.
    let column = |r: &TrialResult| r.provider.unwrap_or(r.language);
    let languages: Vec<Language> = Language::ALL
        .into_iter()
        .filter(|l| results.iter().any(|r| column(r) == *l))
        .collect();
    let mut rows: BTreeMap<String, BTreeMap<Language, &TrialResult>> = BTreeMap::new();
    for r in results {
        let row = match r.provider {
            Some(_) => format!("{} ({} runner)", r.fixture, r.language),
            None => r.fixture.clone(),
        };
        rows.entry(row).or_default().insert(column(r), r);
    }
    out.push_str("<table class=\"matrix\">\n<thead><tr><th>fixture</th><th>world</th>");
    for l in &languages {
        write!(out, "<th>{l}</th>").ok();
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (fixture, cells) in &rows {
        let world = cells
            .values()
            .find_map(|r| r.world.as_deref())
            .unwrap_or("-");
        write!(
            out,
            "<tr><th>{}</th><td><code>{}</code></td>",
            escape(fixture),
            escape(world)
        )
        .ok();
        for l in &languages {
            match cells.get(l) {
                Some(r) => write!(
                    out,
                    "<td class=\"cell {}\"><a href=\"#{}\">{}</a></td>",
                    class(r),
                    anchor(r),
                    escape(&cell_text(r))
                ),
                None => write!(out, "<td class=\"cell none\">-</td>"),
            }
            .ok();
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// `pass`, `known` (a pass with known divergences), `fail` or `skip`.
fn class(r: &TrialResult) -> &'static str {
    match &r.status {
        TrialStatus::Passed if r.known.is_empty() => "pass",
        TrialStatus::Passed => "known",
        TrialStatus::Failed(_) => "fail",
        TrialStatus::Skipped(_) => "skip",
        TrialStatus::Unsupported(_) => "unsupported",
    }
}

/// What a matrix cell says: `pass 0.3s`, `pass 0.3s, 2 known`, `FAIL 1.2s`, `skip`.
fn cell_text(r: &TrialResult) -> String {
    let seconds = r.duration.as_secs_f64();
    match &r.status {
        TrialStatus::Passed if r.known.is_empty() => format!("pass {seconds:.1}s"),
        TrialStatus::Passed => format!("pass {seconds:.1}s, {} known", r.known.len()),
        TrialStatus::Failed(failure) => match failure.more.len() {
            0 => format!("FAIL {seconds:.1}s"),
            n => format!("FAIL {seconds:.1}s ({} failures)", n + 1),
        },
        TrialStatus::Skipped(_) => "skip".to_string(),
        TrialStatus::Unsupported(_) => "unsupported".to_string(),
    }
}

/// Every failed trial: where to look, each of its failures (diffs coloured), the
/// language-specific detail. A failure a fixture's languages share is shown in full once.
fn failures(out: &mut String, results: &[TrialResult]) {
    let failed: Vec<(&TrialResult, &TrialFailure)> = results
        .iter()
        .filter_map(|r| match &r.status {
            TrialStatus::Failed(failure) => Some((r, failure.as_ref())),
            _ => None,
        })
        .collect();
    if failed.is_empty() {
        return;
    }
    writeln!(out, "<h2 id=\"failures\">Failures ({})</h2>", failed.len()).ok();
    let mut shown: Vec<(&str, Vec<String>, &TrialResult)> = Vec::new();
    for (r, failure) in failed {
        writeln!(
            out,
            "<section class=\"trial fail\" id=\"{}\">\n<h3>{} FAILED</h3>",
            anchor(r),
            escape(&r.name())
        )
        .ok();
        let texts: Vec<String> = failure.errors().map(ToString::to_string).collect();
        let same = shown
            .iter()
            .find(|(fixture, earlier, _)| *fixture == r.fixture && *earlier == texts);
        match same {
            Some((_, _, first)) => {
                writeln!(
                    out,
                    "<p>The same failure as <a href=\"#{}\">{}</a>: {}</p>",
                    anchor(first),
                    escape(&first.name()),
                    escape(&failure.summary())
                )
                .ok();
            }
            None => {
                shown.push((&r.fixture, texts, r));
                failure_body(out, failure);
            }
        }
        out.push_str("</section>\n");
    }
}

/// Where to look, every failure, the detail.
fn failure_body(out: &mut String, failure: &TrialFailure) {
    let c = &failure.context;
    out.push_str("<dl class=\"where\">\n");
    let mut row = |name: &str, value: &str| {
        writeln!(
            out,
            "<dt>{name}</dt><dd><code>{}</code></dd>",
            escape(value)
        )
        .ok();
    };
    row("fixture file", &c.fixture_file.display().to_string());
    row("guest", &c.guest.display().to_string());
    if let Some(component) = &c.component {
        row("component", &component.display().to_string());
    }
    row("rerun", &c.rerun);
    if let Some(one_call) = &c.one_call {
        row("one call", one_call);
    }
    out.push_str("</dl>\n<ol class=\"failures\">\n");
    for error in failure.errors() {
        writeln!(
            out,
            "<li><span class=\"kind\">{}</span>",
            escape(error.kind())
        )
        .ok();
        error_text(out, error);
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
    if let Some(detail) = &failure.detail {
        writeln!(
            out,
            "<details open><summary>language-specific detail</summary><pre>{}</pre></details>",
            escape(detail)
        )
        .ok();
    }
}

/// One failure's text, its unified diff (if it has one) shown line by line.
fn error_text(out: &mut String, error: &TrialError) {
    let text = error.to_string();
    let split = diff_of(error).and_then(|diff| {
        let start = text.find(diff)?;
        Some((&text[..start], diff, &text[start + diff.len()..]))
    });
    let Some((before, diff, after)) = split else {
        writeln!(out, "<pre>{}</pre>", escape(&text)).ok();
        return;
    };
    if !before.trim().is_empty() {
        writeln!(out, "<pre>{}</pre>", escape(before.trim_end())).ok();
    }
    out.push_str("<pre class=\"diff\">");
    for line in diff.lines() {
        let class = if line.starts_with("+++") || line.starts_with("---") {
            "head"
        } else if line.starts_with("@@") {
            "hunk"
        } else if line.starts_with('+') {
            "add"
        } else if line.starts_with('-') {
            "del"
        } else {
            "same"
        };
        write!(out, "<span class=\"{class}\">{}</span>", escape(line)).ok();
    }
    out.push_str("</pre>\n");
    if !after.trim().is_empty() {
        writeln!(out, "<pre>{}</pre>", escape(after.trim())).ok();
    }
}

/// The unified diff a failure carries, if it carries one.
fn diff_of(error: &TrialError) -> Option<&str> {
    match error {
        TrialError::Snapshot(
            SnapshotError::Differs { diff, .. }
            | SnapshotError::DisagreesWith { diff, .. }
            | SnapshotError::LanguagesDisagree { diff, .. },
        ) => Some(diff),
        _ => None,
    }
}

/// Every skipped trial with its reason.
fn skips(out: &mut String, results: &[TrialResult]) {
    let skipped: Vec<(&TrialResult, String)> = results
        .iter()
        .filter_map(|r| match &r.status {
            TrialStatus::Skipped(reason) => Some((r, reason.clone())),
            TrialStatus::Unsupported(reason) => Some((r, format!("unsupported: {reason}"))),
            _ => None,
        })
        .collect();
    if skipped.is_empty() {
        return;
    }
    writeln!(out, "<h2 id=\"skipped\">Skipped ({})</h2>", skipped.len()).ok();
    for (r, reason) in skipped {
        writeln!(
            out,
            "<section class=\"trial skip\" id=\"{}\"><h3>{} skipped</h3><p>{}</p></section>",
            anchor(r),
            escape(&r.name()),
            escape(&reason)
        )
        .ok();
    }
}

/// The known divergences that held, grouped by the toolchain that gets them wrong (named
/// with the version this run used), then each passing trial that has some.
fn known(out: &mut String, results: &[TrialResult], toolchains: &Toolchains) {
    let listed: Vec<Listed> = results
        .iter()
        .filter(|r| matches!(r.status, TrialStatus::Passed))
        .flat_map(|r| {
            r.known.iter().map(|entry| Listed {
                fixture: r.fixture.clone(),
                entry: entry.clone(),
            })
        })
        .collect();
    if listed.is_empty() {
        return;
    }
    writeln!(
        out,
        "<h2 id=\"known\">Known divergences that held ({})</h2>",
        listed.len()
    )
    .ok();
    let toolchain_of = |language| match toolchains.of(language) {
        Some(tools) => channel::label(tools),
        None => divergences::toolchain(language),
    };
    for group in divergences::by_toolchain(&listed, toolchain_of) {
        writeln!(
            out,
            "<h3>{} ({})</h3>\n<table class=\"divergences\">\n<thead><tr><th>fixture</th>\
             <th>function</th><th>reason</th><th>upstream</th></tr></thead>\n<tbody>",
            group.language,
            escape(&group.toolchain)
        )
        .ok();
        for l in group.entries {
            writeln!(
                out,
                "<tr><td><a href=\"#{}\">{}</a></td><td><code>{}</code></td><td>{}</td>\
                 <td>{}</td></tr>",
                anchor_of(&l.fixture, l.entry.language),
                escape(&l.fixture),
                escape(&l.entry.function),
                escape(&l.entry.reason),
                upstream(&l.entry.upstream)
            )
            .ok();
        }
        out.push_str("</tbody>\n</table>\n");
    }
    for r in results
        .iter()
        .filter(|r| matches!(r.status, TrialStatus::Passed) && !r.known.is_empty())
    {
        writeln!(
            out,
            "<section class=\"trial known\" id=\"{}\"><h3>{} passed, {} known</h3><ul>",
            anchor(r),
            escape(&r.name()),
            r.known.len()
        )
        .ok();
        for k in &r.known {
            writeln!(
                out,
                "<li><code>{}</code>: {}</li>",
                escape(&k.function),
                escape(&k.reason)
            )
            .ok();
        }
        out.push_str("</ul></section>\n");
    }
}

/// The trials that passed with nothing to say, each with its anchor.
fn passes(out: &mut String, results: &[TrialResult]) {
    let clean: Vec<&TrialResult> = results
        .iter()
        .filter(|r| matches!(r.status, TrialStatus::Passed) && r.known.is_empty())
        .collect();
    if clean.is_empty() {
        return;
    }
    writeln!(
        out,
        "<h2 id=\"passed\">Passed ({})</h2>\n<ul class=\"passed\">",
        clean.len()
    )
    .ok();
    for r in clean {
        writeln!(
            out,
            "<li id=\"{}\">{} <span class=\"pass\">{}</span></li>",
            anchor(r),
            escape(&r.name()),
            escape(&cell_text(r))
        )
        .ok();
    }
    out.push_str("</ul>\n");
}

/// An upstream report: a link when it is a web address, else its text.
fn upstream(text: &str) -> String {
    let link = (text.starts_with("https://") || text.starts_with("http://"))
        && !text.chars().any(char::is_whitespace);
    match link {
        true => format!("<a href=\"{0}\">{0}</a>", escape(text)),
        false => escape(text),
    }
}

/// The id of a trial's section.
fn anchor(r: &TrialResult) -> String {
    anchor_of(&r.fixture, r.lineup())
}

/// `trial-<fixture>-<language>`, with every character other than an ASCII letter, digit,
/// `-` or `_` written as `.<hex>.`, so that different fixtures never share an id.
fn anchor_of(fixture: &str, lineup: impl Into<crate::language::Lineup>) -> String {
    let lineup = lineup.into();
    let mut id = String::from("trial-");
    for c in fixture.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' => id.push(c),
            other => {
                write!(id, ".{:x}.", other as u32).ok();
            }
        }
    }
    write!(id, "--{}", lineup.to_string().replace('+', "-with-")).ok();
    id
}

/// `text` as HTML text or attribute value: control characters written out as `\u{…}`,
/// then `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(text: &str) -> String {
    let text = witness_host::terminal::escape_controls(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html_and_has_no_control_characters() {
        assert_eq!(
            escape("<script>alert('x') && \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp;&amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(
            escape("\u{1b}[31mred\u{1b}[0m\n"),
            "\\u{1b}[31mred\\u{1b}[0m\n"
        );
    }

    #[test]
    fn anchors_are_distinct_and_safe() {
        assert_eq!(anchor_of("greeting", Language::Js), "trial-greeting--js");
        assert_ne!(
            anchor_of("a.b", Language::Js),
            anchor_of("a-b", Language::Js)
        );
        let odd = anchor_of("x\"><b>", Language::Rust);
        assert!(
            odd.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "{odd}"
        );
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            upstream("https://example.com/issues/1"),
            "<a href=\"https://example.com/issues/1\">https://example.com/issues/1</a>"
        );
        assert_eq!(upstream("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(upstream("none found"), "none found");
    }
}
