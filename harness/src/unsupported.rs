//! `[unsupported]`: languages whose toolchain cannot build a fixture's guest. Such a trial
//! still builds its guest: while the build fails it is `unsupported` (with the entry's
//! reason), and once it succeeds the trial fails asking for the entry to be removed, so an
//! entry never outlives the toolchain defect it names.

use std::path::Path;

use crate::error::{BuildError, TrialError};
use crate::fixture::Fixture;
use crate::language::{Language, Lineup};
use crate::observation::Ran;

/// What `[unsupported]` makes of a trial's observation.
#[derive(Debug)]
pub enum Decision {
    /// No language of the lineup is listed: the trial is checked as any other.
    NotListed,
    /// A listed language's guest failed to build, as the entry says it does: the entry's
    /// reason, prefixed with the language.
    Unsupported(String),
    /// A listed language's guest built: the trial fails with this error.
    Builds(TrialError),
    /// A listed language's trial failed before or beside its build (a bad fixture, a
    /// missing guest or toolchain, another guest's build): it fails as any other.
    FailsOtherwise,
}

/// Decides what `[unsupported]` of `fixture` makes of the trial of `lineup` whose
/// observation ended in `outcome`.
pub fn decide(fixture: &Fixture, lineup: Lineup, outcome: &Result<Ran, TrialError>) -> Decision {
    let Ok(file) = &fixture.file else {
        return Decision::NotListed;
    };
    let listed: Vec<(Language, &String)> = lineup
        .languages()
        .filter_map(|language| file.unsupported.get(&language).map(|r| (language, r)))
        .collect();
    let Some(&(first, first_reason)) = listed.first() else {
        return Decision::NotListed;
    };
    match outcome {
        Err(TrialError::Build(BuildError::Failed { guest, .. })) => {
            match listed
                .iter()
                .find(|(language, _)| is_guest_of(guest, *language))
            {
                Some((language, reason)) => Decision::Unsupported(format!("{language}: {reason}")),
                None => Decision::FailsOtherwise,
            }
        }
        // Built: it ran, or failed in what follows a build (composing, calling).
        Ok(_) | Err(TrialError::Compose(_) | TrialError::Call { .. }) => {
            Decision::Builds(TrialError::UnsupportedBuilds {
                language: first,
                reason: first_reason.clone(),
                fixture_file: fixture.dir.join("fixture.toml"),
            })
        }
        Err(_) => Decision::FailsOtherwise,
    }
}

/// Whether `guest` is a guest source of `language` (`guest.js`, `provider/guest.js`).
fn is_guest_of(guest: &Path, language: Language) -> bool {
    guest.file_name().and_then(|name| name.to_str()) == Some(language.guest_file())
}
