//! The divergence report (`witness divergences`): every `[[known-divergence]]` of a
//! project's fixtures, grouped by the toolchain (and its pinned version) that gets it wrong,
//! with the reason and the upstream report; and the coverage of each fixture's world: the
//! exported functions that no `[[call]]`, `[[roundtrip]]` or `[[agree]]` touches, and the
//! languages a fixture does not run in.

use std::fmt;

use anyhow::Result;

use crate::fixture::{self, Fixture, KnownDivergence};
use crate::language::Language;
use crate::paths::ProjectPaths;

/// The toolchain that builds `language`'s guests, with the version witness pins:
/// `componentize-js 0.23.0`.
pub fn toolchain(language: Language) -> String {
    crate::toolchain::pinned(language)
        .first()
        .map_or_else(|| "(unpinned)".to_string(), ToString::to_string)
}

/// The known divergences of one language, and the toolchain they are known for.
#[derive(Debug, Clone)]
pub struct ToolchainGroup<'a> {
    /// The language.
    pub language: Language,
    /// Its toolchain and version, such as `componentize-js 0.23.0`.
    pub toolchain: String,
    /// Its entries, in the order listed.
    pub entries: Vec<&'a Listed>,
}

/// `listed` grouped by the language whose toolchain diverges, in the order of
/// [`Language::ALL`], each group named by `toolchain_of` (such as [`toolchain`], the pinned
/// one); languages without entries are left out.
pub fn by_toolchain(
    listed: &[Listed],
    toolchain_of: impl Fn(Language) -> String,
) -> Vec<ToolchainGroup<'_>> {
    Language::ALL
        .into_iter()
        .filter_map(|language| {
            let entries: Vec<&Listed> = listed
                .iter()
                .filter(|l| l.entry.language == language)
                .collect();
            (!entries.is_empty()).then(|| ToolchainGroup {
                language,
                toolchain: toolchain_of(language),
                entries,
            })
        })
        .collect()
}

/// One known divergence and the fixture that lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The fixture.
    pub fixture: String,
    /// The entry.
    pub entry: KnownDivergence,
}

/// What one fixture's calls and properties leave untouched.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The fixture.
    pub fixture: String,
    /// Its world.
    pub world: String,
    /// The functions the world exports that nothing calls (qualified).
    pub untouched: Vec<String>,
    /// How many functions the world exports.
    pub exported: usize,
    /// The languages the fixture does not run in.
    pub missing_languages: Vec<Language>,
    /// Why the fixture could not be read, if it could not.
    pub problem: Option<String>,
}

/// The known divergences of every fixture, and every fixture's coverage.
#[derive(Debug, Clone, Default)]
pub struct DivergenceReport {
    /// Every `[[known-divergence]]`, in fixture order.
    pub known: Vec<Listed>,
    /// Every fixture's coverage, in fixture order.
    pub coverage: Vec<Coverage>,
}

/// The report over the fixtures of the project at `paths`.
pub fn report(paths: &ProjectPaths) -> Result<DivergenceReport> {
    let mut report = DivergenceReport::default();
    for fixture in fixture::discover(&paths.fixtures)? {
        report.coverage.push(coverage(&fixture, paths));
        if let Ok(file) = &fixture.file {
            report
                .known
                .extend(file.known_divergences.iter().map(|entry| Listed {
                    fixture: fixture.name.clone(),
                    entry: entry.clone(),
                }));
        }
    }
    Ok(report)
}

fn coverage(fixture: &Fixture, paths: &ProjectPaths) -> Coverage {
    let mut coverage = Coverage {
        fixture: fixture.name.clone(),
        world: String::new(),
        untouched: Vec::new(),
        exported: 0,
        missing_languages: Vec::new(),
        problem: None,
    };
    let file = match &fixture.file {
        Ok(file) => file,
        Err(e) => {
            coverage.problem = Some(e.to_string());
            return coverage;
        }
    };
    coverage.world = file.world.clone();
    let languages = fixture.languages();
    coverage.missing_languages = Language::ALL
        .into_iter()
        .filter(|l| !languages.contains(l))
        .collect();
    let wit = fixture.wit_dir(paths, file.world_version.as_deref());
    let exported = match wit.and_then(|wit| crate::wit::check_world(&wit, &file.world)) {
        Ok(checked) => checked.exports,
        Err(e) => {
            coverage.problem = Some(format!("{e:#}"));
            return coverage;
        }
    };
    let mut touched: Vec<String> = file.properties().map(|(_, _, p)| p.qualified()).collect();
    for call in &file.calls {
        // A call that does not parse touches nothing; its trial reports it.
        if let Ok(parsed) = witness_host::parse_call(&call.invoke) {
            touched.push(fixture::qualified(
                call.interface.as_deref(),
                &parsed.name(),
            ));
        }
    }
    coverage.exported = exported.len();
    coverage.untouched = exported
        .into_iter()
        .filter(|f| !touched.contains(f))
        .collect();
    coverage
}

impl fmt::Display for DivergenceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Known divergences ({}):", self.known.len())?;
        for group in by_toolchain(&self.known, toolchain) {
            writeln!(f, "\n{} ({}):", group.language, group.toolchain)?;
            for l in group.entries {
                writeln!(f, "  {} `{}`", l.fixture, l.entry.function)?;
                writeln!(f, "    {}", l.entry.reason)?;
                writeln!(f, "    upstream: {}", l.entry.upstream)?;
            }
        }
        writeln!(
            f,
            "\nCoverage: exported functions that no call or property touches"
        )?;
        for c in &self.coverage {
            if let Some(problem) = &c.problem {
                writeln!(f, "  {}: cannot be read: {problem}", c.fixture)?;
                continue;
            }
            let touched = c.exported - c.untouched.len();
            write!(
                f,
                "  {} (world {}): {touched} of {} touched",
                c.fixture, c.world, c.exported
            )?;
            if !c.untouched.is_empty() {
                write!(f, "; untouched: {}", c.untouched.join(", "))?;
            }
            if !c.missing_languages.is_empty() {
                let names: Vec<&str> = c.missing_languages.iter().map(|l| l.name()).collect();
                write!(f, "; no guest in {}", names.join(", "))?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_toolchains_are_named_with_their_versions() {
        assert!(toolchain(Language::Js).starts_with("componentize-js "));
        for language in Language::ALL {
            let label = toolchain(language);
            assert!(!label.contains("unpinned"), "{label}");
            assert!(
                label
                    .rsplit(' ')
                    .next()
                    .is_some_and(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit())),
                "{label}"
            );
        }
    }

    #[test]
    fn divergences_are_grouped_by_language_in_matrix_order() {
        let listed = |language, function: &str| Listed {
            fixture: "f".into(),
            entry: KnownDivergence {
                language,
                function: function.into(),
                reason: "r".into(),
                upstream: "u".into(),
                side: None,
            },
        };
        let known = [
            listed(Language::Python, "a"),
            listed(Language::Js, "b"),
            listed(Language::Python, "c"),
        ];
        let groups = by_toolchain(&known, |l| format!("tool of {l}"));
        let shape: Vec<(Language, &str, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                let functions = g.entries.iter().map(|l| l.entry.function.as_str());
                (g.language, g.toolchain.as_str(), functions.collect())
            })
            .collect();
        assert_eq!(
            shape,
            [
                (Language::Js, "tool of js", vec!["b"]),
                (Language::Python, "tool of python", vec!["a", "c"]),
            ]
        );
    }
}
