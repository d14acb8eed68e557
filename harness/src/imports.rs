//! A fixture's `[[import]]` entries, held against its world and against each language's
//! component. Every entry must name a function the world imports (checked against the WIT
//! before anything is built). Each component is then scripted with the entries for what it
//! imports itself: a toolchain leaves out the imports a guest never calls (a Rust guest that
//! calls no `now` imports none, a Python guest imports every one), so one entry can be
//! unused in one language and needed in another. The host's errors about the entries it was
//! given are renumbered to the entries' places in fixture.toml.

use witness_host::{ScriptError, ScriptedImport};

use crate::error::FixtureFileError;
use crate::fixture::{Fixture, FixtureFile, ImportSpec};
use crate::wit::CheckedWorld;

/// Checks that every `[[import]]` of `file` names a function `world` imports; the error
/// names the first that does not, its line, and what the world imports.
pub fn check_against_world(
    fixture: &Fixture,
    file: &FixtureFile,
    world: &CheckedWorld,
) -> Result<(), FixtureFileError> {
    let imported = |entry: &ImportSpec| {
        world
            .imports
            .iter()
            .any(|(interface, function)| entry.names(interface.as_deref(), function))
    };
    let Some((index, entry)) = file.imports.iter().enumerate().find(|(_, e)| !imported(e)) else {
        return Ok(());
    };
    let available: Vec<String> = world
        .imports
        .iter()
        .map(|(interface, function)| match interface {
            Some(interface) => format!("{interface}.{function}"),
            None => function.clone(),
        })
        .collect();
    let named = match &entry.interface {
        Some(interface) => format!("{interface}.{}", entry.function),
        None => entry.function.clone(),
    };
    Err(FixtureFileError {
        file: fixture.dir.join("fixture.toml"),
        line: fixture.entry_line("import", index),
        message: format!(
            "[[import]] #{} names `{named}`, which world `{}` does not import; it imports: {}",
            index + 1,
            file.world,
            match available.is_empty() {
                true => "nothing scriptable".to_string(),
                false => available.join(", "),
            }
        ),
    })
}

/// The script one component is given: the entries for what it imports, and where each
/// stands among the fixture's `[[import]]`s.
#[derive(Debug, Clone)]
pub struct ComponentScript {
    /// The entries, as the host takes them.
    pub imports: Vec<ScriptedImport>,
    /// For each of them, its 0-based position among the fixture's entries.
    positions: Vec<usize>,
}

/// The entries of `entries` that a component whose scripted imports are `scripted` (as
/// [`witness_host::LoadedComponent::scripted_imports`] lists them) imports.
pub fn for_component(entries: &[ImportSpec], scripted: &[String]) -> ComponentScript {
    let (imports, positions) = entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.imported_by(scripted))
        .map(|(i, entry)| (entry.to_script(), i))
        .unzip();
    ComponentScript { imports, positions }
}

impl ComponentScript {
    /// `error`, which numbers the entries as this script does, with the entry's number in
    /// fixture.toml instead; and that entry's 0-based position there.
    pub fn renumber(&self, error: &ScriptError) -> (ScriptError, Option<usize>) {
        let mut error = error.clone();
        let position = error
            .entry()
            .and_then(|entry| self.positions.get(entry.wrapping_sub(1)).copied());
        if let Some(position) = position {
            match &mut error {
                ScriptError::NotImported { entry, .. }
                | ScriptError::WrongType { entry, .. }
                | ScriptError::ReturnsNothing { entry, .. }
                | ScriptError::NoReturns { entry, .. }
                | ScriptError::Repeated { entry, .. }
                | ScriptError::NotEchoable { entry, .. } => *entry = position + 1,
                _ => {}
            }
        }
        (error, position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(interface: Option<&str>, function: &str) -> ImportSpec {
        ImportSpec {
            function: function.into(),
            interface: interface.map(str::to_string),
            returns: None,
        }
    }

    #[test]
    fn a_component_gets_the_entries_it_imports_and_errors_keep_their_numbers() {
        let entries = [
            entry(None, "now"),
            entry(Some("a:b/db"), "get"),
            entry(Some("a:b/blobs@1.0.0"), "blob.size"),
        ];
        let scripted = [
            "a:b/db@0.1.0.get".to_string(),
            "a:b/blobs@1.0.0.blob.size".into(),
        ];
        let script = for_component(&entries, &scripted);
        let kept: Vec<&str> = script.imports.iter().map(|s| s.function.as_str()).collect();
        assert_eq!(kept, ["get", "blob.size"]);
        let error = ScriptError::ReturnsNothing {
            entry: 2,
            import: "a:b/blobs@1.0.0.blob.size".into(),
        };
        let (renumbered, position) = script.renumber(&error);
        assert_eq!(position, Some(2));
        assert!(
            renumbered.to_string().starts_with("[[import]] #3 "),
            "{renumbered}"
        );
        assert!(for_component(&entries, &[]).imports.is_empty());
    }
}
