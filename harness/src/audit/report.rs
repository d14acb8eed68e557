//! An audit's reports: the human one (a table of type × language, each cell `ok` or the
//! short names of its causes, then each cause in full) and JSON lines (one object per cause,
//! then a summary), over the same [`AuditReport`].

use std::fmt::Write as _;

use serde_json::json;

use super::run::{AuditReport, LanguageStatus};
use crate::language::Language;

/// The human report.
pub fn human(reports: &[AuditReport]) -> String {
    let mut out = String::new();
    for report in reports {
        table(&mut out, report);
    }
    let causes: Vec<_> = reports.iter().flat_map(|r| &r.causes).collect();
    let new = causes.iter().filter(|c| c.known.is_none()).count();
    writeln!(
        out,
        "\n{} type(s), {} case(s) each (seed {}): {} cause(s), {} of them new",
        reports.iter().map(|r| r.types.types.len()).sum::<usize>(),
        reports.first().map_or(0, |r| r.cases),
        reports.first().map_or(0, |r| r.seed),
        causes.len(),
        new
    )
    .ok();
    out
}

fn table(out: &mut String, report: &AuditReport) {
    writeln!(
        out,
        "audit of {} (world {})",
        report.package,
        report.worlds.join(", ")
    )
    .ok();
    let languages: Vec<Language> = report.languages.iter().map(|(l, _)| *l).collect();
    let cell = |n: usize, language: Language| -> String {
        match report.languages.iter().find(|(l, _)| *l == language) {
            Some((_, LanguageStatus::Skipped(_))) => "skipped".into(),
            Some((_, LanguageStatus::BuildFailed(_))) => "build failed".into(),
            _ => match report.cells.get(&(n, language)) {
                Some(causes) if !causes.is_empty() => causes.join(", "),
                _ => "ok".into(),
            },
        }
    };
    let type_width = report
        .types
        .types
        .iter()
        .map(|t| t.wit.len())
        .max()
        .unwrap_or(0)
        .max("type".len());
    let widths: Vec<usize> = languages
        .iter()
        .map(|&l| {
            report
                .types
                .types
                .iter()
                .map(|t| cell(t.index, l).len())
                .max()
                .unwrap_or(0)
                .max(l.name().len())
        })
        .collect();
    write!(out, "\n{:type_width$}", "type").ok();
    for (l, w) in languages.iter().zip(&widths) {
        write!(out, "  {:w$}", l.name()).ok();
    }
    writeln!(out).ok();
    for t in &report.types.types {
        write!(out, "{:type_width$}", t.wit).ok();
        for (l, w) in languages.iter().zip(&widths) {
            write!(out, "  {:w$}", cell(t.index, *l)).ok();
        }
        writeln!(out).ok();
    }
    for (language, status) in &report.languages {
        match status {
            LanguageStatus::Skipped(reason) => {
                writeln!(out, "\n{language} skipped: {reason}").ok();
            }
            LanguageStatus::BuildFailed(message) => {
                writeln!(
                    out,
                    "\n{language}: {} could not build the audit guest, so nothing was checked \
                     in {language}:\n{}",
                    crate::divergences::toolchain(*language),
                    crate::outcome::indent(message)
                )
                .ok();
            }
            LanguageStatus::Audited => {}
        }
    }
    if !report.types.not_audited.is_empty() {
        writeln!(out, "\nnot audited:").ok();
        for item in &report.types.not_audited {
            writeln!(out, "  {}: {}", item.item, item.reason).ok();
        }
    }
    for cause in &report.causes {
        writeln!(
            out,
            "\n{}: {} gets {} wrong ({}, {}){}",
            cause.name,
            cause.toolchain,
            cause.wit_type,
            cause.direction,
            cause.kind,
            match &cause.known {
                Some(reason) => format!(" — known: {reason}"),
                None => String::new(),
            }
        )
        .ok();
        writeln!(out, "  smallest input: {}", cause.input).ok();
        writeln!(out, "  got: {}", cause.got).ok();
        writeln!(out, "  found in: {}", cause.found_in.join(", ")).ok();
        writeln!(out, "  touches: {}", cause.touches.join("; ")).ok();
    }
    writeln!(
        out,
        "\nthe audit world and its guests: {}",
        report.dir.display()
    )
    .ok();
}

/// JSON lines: one object per cause, one per build failure, then a summary.
pub fn json(reports: &[AuditReport]) -> String {
    let mut out = String::new();
    let mut causes = 0;
    let mut known = 0;
    let mut failures = 0;
    for report in reports {
        for cause in &report.causes {
            causes += 1;
            known += usize::from(cause.known.is_some());
            let (toolchain, version) = cause
                .toolchain
                .rsplit_once(' ')
                .map_or((cause.toolchain.as_str(), ""), |(t, v)| (t, v));
            let object = json!({
                "type": "cause",
                "name": cause.name,
                "language": cause.language.name(),
                "toolchain": {"name": toolchain, "version": version},
                "wit_type": cause.wit_type,
                "direction": cause.direction.name(),
                "kind": cause.kind.name(),
                "input": cause.input,
                "got": cause.got,
                "touches": cause.touches,
                "found_in": cause.found_in,
                "hazards": cause.hazards,
                "known": cause.known,
                "package": report.package,
                "worlds": report.worlds,
            });
            writeln!(out, "{object}").ok();
        }
        for (language, status) in &report.languages {
            if let LanguageStatus::BuildFailed(message) = status {
                failures += 1;
                let object = json!({
                    "type": "build-failure",
                    "language": language.name(),
                    "toolchain": crate::divergences::toolchain(*language),
                    "package": report.package,
                    "message": message,
                });
                writeln!(out, "{object}").ok();
            }
        }
    }
    let summary = json!({
        "type": "summary",
        "worlds": reports.iter().map(|r| r.worlds.len()).sum::<usize>(),
        "types": reports.iter().map(|r| r.types.types.len()).sum::<usize>(),
        "cases": reports.first().map_or(0, |r| r.cases),
        "seed": reports.first().map_or(0, |r| r.seed),
        "causes": causes,
        "known": known,
        "build_failures": failures,
        "not_audited": reports.iter().map(|r| r.types.not_audited.len()).sum::<usize>(),
    });
    writeln!(out, "{summary}").ok();
    out
}
