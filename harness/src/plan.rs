//! A trial's plan: what its fixture asks of one lineup, read and checked before anything is
//! built: the guest file (and for a composition fixture the provider's), every `[[call]]`
//! parsed, the WIT package and its worlds, and each `[[known-divergence]]` naming a function
//! the world exports.

use std::path::PathBuf;
use std::sync::Arc;

use witness_host::{ParsedCall, parse_call};

use crate::error::{FixtureFileError, TrialError};
use crate::fixture::{Fixture, FixtureFile};
use crate::language::{Language, Lineup};
use crate::paths::ProjectPaths;

/// One trial's fixture, read for one language and checked.
#[derive(Debug)]
pub struct TrialPlan {
    /// The fixture.
    pub fixture: Arc<Fixture>,
    /// Its fixture.toml, parsed.
    pub file: FixtureFile,
    /// The guest language (the runner's, for a composition fixture).
    pub language: Language,
    /// For a composition fixture: the provider composed into the guest.
    pub provider: Option<ProviderPlan>,
    /// The path of fixture.toml.
    pub fixture_file: PathBuf,
    /// The guest source file.
    pub guest: PathBuf,
    /// Each `[[call]]`'s `invoke`, parsed, in order.
    pub calls: Vec<ParsedCall>,
    /// The WIT package directory the guest builds against.
    pub wit: PathBuf,
    /// The package's name and version (`witness:plugin@0.2.0`).
    pub package: String,
}

/// A composition fixture's provider, for one trial.
#[derive(Debug)]
pub struct ProviderPlan {
    /// Its language.
    pub language: Language,
    /// Its guest source file, `provider/guest.<ext>`.
    pub guest: PathBuf,
    /// The world it implements.
    pub world: String,
    /// What that world exports, as the runner imports it (`witness:compose/values@0.1.0`).
    pub exports: Vec<String>,
}

impl TrialPlan {
    /// The lineup the plan runs.
    pub fn lineup(&self) -> Lineup {
        Lineup {
            runner: self.language,
            provider: self.provider.as_ref().map(|p| p.language),
        }
    }
}

/// The plan of `fixture` in `lineup`. `package` learns the WIT package as soon as it is
/// known, so a failure after that still names it. Every call that does not parse is named,
/// not only the first.
pub fn plan(
    fixture: &Arc<Fixture>,
    lineup: Lineup,
    paths: &ProjectPaths,
    package: &mut Option<String>,
) -> Result<TrialPlan, TrialError> {
    let language = lineup.runner;
    let fixture_file = fixture.dir.join("fixture.toml");
    let file = fixture.file.as_ref().map_err(|e| e.clone())?;
    let guest = fixture.guest_path(language);
    if !guest.is_file() {
        return Err(TrialError::MissingGuest { language, guest });
    }
    if let Some(provider) = lineup.provider {
        let guest = fixture.provider_guest_path(provider);
        if !guest.is_file() {
            return Err(TrialError::MissingGuest {
                language: provider,
                guest,
            });
        }
    }
    let bad = |line: Option<usize>, message: String| FixtureFileError {
        file: fixture_file.clone(),
        line,
        message,
    };
    let mut calls = Vec::new();
    let mut unparsed = Vec::new();
    for (i, call) in file.calls.iter().enumerate() {
        match parse_call(&call.invoke) {
            Ok(parsed) => calls.push(parsed),
            Err(e) => unparsed.push(bad(
                fixture.entry_line("call", i),
                format!("[[call]] #{}: {e}", call.entry + 1),
            )),
        }
    }
    if let Some((first, rest)) = unparsed.split_first() {
        // The first names its line; each other one follows on a line of its own.
        let mut message = first.message.clone();
        for other in rest {
            message.push_str(&format!("\n{other}"));
        }
        return Err(TrialError::BadFixture(FixtureFileError {
            message,
            ..first.clone()
        }));
    }
    let wit = fixture
        .wit_dir(paths, file.world_version.as_deref())
        .map_err(|e| bad(None, format!("{e:#}")))?;
    let checked = crate::wit::check_world(&wit, &file.world)
        .map_err(|e| bad(None, format!("`world`: {e:#}")))?;
    crate::imports::check_against_world(fixture, file, &checked)?;
    let (name, exported) = (checked.package, checked.exports);
    *package = Some(name.clone());
    let provider = match (&file.compose, lineup.provider) {
        (Some(compose), Some(language)) => {
            let exports = crate::wit::world_exports(&wit, &compose.provider).map_err(|e| {
                bad(
                    fixture.entry_line_of_table("compose"),
                    format!("[compose] provider: {e:#}"),
                )
            })?;
            Some(ProviderPlan {
                language,
                guest: fixture.provider_guest_path(language),
                world: compose.provider.clone(),
                exports,
            })
        }
        _ => None,
    };
    if file.compose.is_some() && !file.own_snapshot.is_empty() {
        return Err(bad(
            fixture.entry_line_of_table("own-snapshot"),
            "[own-snapshot] is not for composition fixtures: their nine pairs share one \
             snapshot; write a toolchain's difference down as [[known-divergence]] with `side`"
                .into(),
        )
        .into());
    }
    if file.compose.is_none()
        && let Some(index) = file.known_divergences.iter().position(|k| k.side.is_some())
    {
        return Err(bad(
            fixture.entry_line("known-divergence", index),
            "[[known-divergence]] `side` is for composition fixtures ([compose]): this \
             fixture has one guest per trial"
                .into(),
        )
        .into());
    }
    if let Some((index, entry)) = file
        .known_divergences
        .iter()
        .enumerate()
        .find(|(_, k)| !exported.contains(&k.function))
    {
        return Err(bad(
            fixture.entry_line("known-divergence", index),
            format!(
                "[[known-divergence]] for {} names `{}`, which world `{}` does not export; it \
                 exports: {}",
                entry.language,
                entry.function,
                file.world,
                exported.join(", ")
            ),
        )
        .into());
    }
    Ok(TrialPlan {
        fixture: fixture.clone(),
        file: file.clone(),
        language,
        provider,
        fixture_file,
        guest,
        calls,
        wit,
        package: name,
    })
}
