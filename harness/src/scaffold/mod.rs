//! Scaffolds: the fixture `witness new` writes for a WIT world, and the guest-source
//! generator behind it.
//!
//! [`new_fixture`] reads the world ([`world::WitWorld`], from wit-parser), refuses what
//! cannot be scaffolded ([`check`], and each language's own limits), and writes
//! `fixtures/<name>/` at once or not at all ([`place`]): a `fixture.toml` whose calls and
//! import answers are placeholders that type-check ([`fixture_toml`], [`wave`]), the
//! world's WIT when it came from elsewhere, and one guest per language ([`rust`], [`js`],
//! [`python`]) whose every export fails naming itself ([`Stubs`]).
//!
//! A guest file is written by a [`GuestWriter`] (one per language: where the generated
//! types live, how each import is called, the signatures of every export) with bodies from a
//! [`Bodies`], so the same writers give guests with real bodies (identity functions, relays
//! to an import) as well as the failing stubs of [`Stubs`].

pub mod check;
pub mod fixture_toml;
pub mod js;
pub mod place;
pub mod python;
pub mod rust;
mod stubs;
#[cfg(test)]
mod testing;
mod text;
pub mod wave;
pub mod world;

use std::path::PathBuf;

use crate::language::Language;
use crate::paths::ProjectPaths;
pub use check::Unsupported;
pub use stubs::Stubs;
pub use world::{Direction, InterfaceSite, WitWorld, WorldFunction};

/// Why `witness new` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The fixture's directory is there already.
    #[error("{} exists already; choose another name or remove it", dir.display())]
    Exists {
        /// The directory.
        dir: PathBuf,
    },
    /// The name cannot name a fixture.
    #[error("`{name}` is not a usable fixture name: {reason}")]
    BadName {
        /// The name given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The name differs from an existing fixture's only in case or punctuation.
    #[error(
        "the fixture name `{name}` clashes with the fixture `{existing}` (names that differ only \
         in case or punctuation share a guest crate and an artifact path); choose another name"
    )]
    Clash {
        /// The name given.
        name: String,
        /// The existing fixture.
        existing: String,
    },
    /// The WIT could not be read or does not parse.
    #[error("cannot use the WIT at {}: {message}", path.display())]
    Wit {
        /// The file or directory given.
        path: PathBuf,
        /// wit-parser's message, with the file and line where it has them.
        message: String,
    },
    /// The package has no world of that name.
    #[error(
        "the WIT package {package} has no world `{world}`; its worlds: {}",
        list(worlds)
    )]
    NoSuchWorld {
        /// The package.
        package: String,
        /// The world asked for.
        world: String,
        /// The worlds it has.
        worlds: Vec<String>,
    },
    /// The package has several worlds and none was named.
    #[error(
        "the WIT package {package} has several worlds; name one with --world: {}",
        list(worlds)
    )]
    ChooseWorld {
        /// The package.
        package: String,
        /// Its worlds.
        worlds: Vec<String>,
    },
    /// The package has no world at all.
    #[error("the WIT package {package} has no world to scaffold")]
    NoWorlds {
        /// The package.
        package: String,
    },
    /// The world uses what a language, or witness, cannot handle.
    #[error(
        "world `{world}` uses what `witness new` cannot write working guests for:\n  {}",
        items.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  ")
    )]
    Unsupported {
        /// The world.
        world: String,
        /// Each item and what is wrong with it.
        items: Vec<Unsupported>,
    },
    /// Writing failed (nothing of the fixture was left behind).
    #[error("{0:#}")]
    Io(anyhow::Error),
}

fn list(names: &[String]) -> String {
    match names.is_empty() {
        true => "none".into(),
        false => names.join(", "),
    }
}

/// What `witness new` is asked for.
#[derive(Debug, Clone)]
pub struct NewFixture {
    /// The fixture's name: its directory under `fixtures/`.
    pub name: String,
    /// The WIT to scaffold (a `.wit` file or a package directory), copied into the fixture's
    /// `wit/`; `None` for the project's shared WIT ([`ProjectPaths::shared_wit`]), which is
    /// not copied.
    pub wit: Option<PathBuf>,
    /// The world; `None` for the package's only world.
    pub world: Option<String>,
}

/// What [`new_fixture`] wrote.
#[derive(Debug, Clone)]
pub struct Scaffolded {
    /// The fixture's directory.
    pub dir: PathBuf,
    /// Every file written, under `dir`.
    pub files: Vec<PathBuf>,
    /// The world scaffolded.
    pub world: String,
    /// The WIT package, with its version.
    pub package: String,
    /// How many `[[call]]`s run as written (the rest, which need a resource handle, are
    /// commented out).
    pub calls: usize,
}

/// Writes `fixtures/<name>/` in the project at `paths`: fixture.toml, a failing stub guest
/// per language, and the WIT when `request.wit` names one. Bad input is an error that
/// leaves nothing written.
pub fn new_fixture(
    paths: &ProjectPaths,
    request: &NewFixture,
) -> Result<Scaffolded, ScaffoldError> {
    place::check_name(&paths.fixtures, &request.name)?;
    // witness's own plugin API is written to a scratch cache, not the project's: bad input
    // writes nothing into the project.
    let scratch = tempfile::tempdir().map_err(|e| {
        ScaffoldError::Io(anyhow::Error::new(e).context("failed to create a scratch directory"))
    })?;
    let wit = match &request.wit {
        Some(path) => path.clone(),
        None => paths
            .clone()
            .with_cache(scratch.path().to_path_buf())
            .shared_wit()
            .map_err(ScaffoldError::Io)?,
    };
    let world = WitWorld::load(&wit, request.world.as_deref())?;
    let mut items = check::unsupported(&world);
    for language in Language::ALL {
        items.extend(writer(language).unsupported(&world));
    }
    if !items.is_empty() {
        return Err(ScaffoldError::Unsupported {
            world: world.name().to_string(),
            items,
        });
    }
    let toml = fixture_toml::write(&world);
    let mut files = vec![("fixture.toml".to_string(), toml.text)];
    for language in Language::ALL {
        let header = stubs::stub_header(&world, language);
        let source = writer(language).write(&world, &header, &Stubs(language));
        files.push((language.guest_file().to_string(), source));
    }
    let dir = place::write(
        &paths.fixtures,
        &request.name,
        &files,
        request.wit.as_deref(),
    )?;
    Ok(Scaffolded {
        files: place::files_under(&dir),
        dir,
        world: world.name().to_string(),
        package: world.package_name(),
        calls: toml.calls,
    })
}

/// The writer of `language`'s guest files.
pub fn writer(language: Language) -> Box<dyn GuestWriter> {
    match language {
        Language::Rust => Box::new(rust::RustWriter),
        Language::Js => Box::new(js::JsWriter),
        Language::Python => Box::new(python::PythonWriter),
    }
}

/// Writes one language's guest files for a world.
pub trait GuestWriter {
    /// The language written.
    fn language(&self) -> Language;

    /// What `world` uses that this language cannot express in one guest file.
    fn unsupported(&self, world: &WitWorld) -> Vec<Unsupported>;

    /// How this language names `world`: where its generated types are, how each import is
    /// called, the case rules and how each kind of WIT value looks, as paragraphs for the
    /// file's header comment (a paragraph starting with `- ` is a list item).
    fn notes(&self, world: &WitWorld) -> Vec<String>;

    /// The whole guest file: `header` and [`GuestWriter::notes`] as its first comment, then
    /// every export of `world` (its functions, each exported interface's, each exported
    /// resource's constructor, methods and statics) with the body `bodies` gives it.
    fn write(&self, world: &WitWorld, header: &[String], bodies: &dyn Bodies) -> String;
}

/// The statements of generated functions, in one language.
pub trait Bodies {
    /// Lines the guest file needs before its exports (imports, helpers); none by default.
    fn prelude(&self, _world: &WitWorld) -> Vec<String> {
        Vec::new()
    }

    /// The body of the exported `function`, one statement per line, not indented. It may
    /// name the function's parameters by the names the writer gives them.
    fn body(&self, world: &WitWorld, function: &WorldFunction<'_>) -> Vec<String>;
}

#[cfg(test)]
mod tests;
