//! Scaffolds: the fixture `witness new` writes for a WIT world, and the guest-source
//! generator behind it.
//!
//! [`new_fixture`] reads the world ([`world::WitWorld`], from wit-parser), refuses what
//! cannot be scaffolded ([`check`], and each language's own limits), and writes
//! `fixtures/<name>/` at once or not at all ([`place`]): a `fixture.toml` whose calls and
//! import answers are placeholders that type-check ([`fixture_toml`], [`wave`]), the
//! world's WIT when it came from elsewhere, and one guest per language ([`rust`], [`js`],
//! [`python`]) whose every export fails naming itself.
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
#[cfg(test)]
mod testing;
mod text;
pub mod wave;
pub mod world;

use std::path::PathBuf;

use crate::language::Language;
use crate::paths::ProjectPaths;
pub use check::Unsupported;
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
        let header = stub_header(&world, language);
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

/// Bodies that fail naming their function (`not implemented: word-count`): a Rust
/// `unimplemented!` (a panic, which traps), a JavaScript `throw new Error`, a Python
/// `raise NotImplementedError` (any exception but `Err` traps, even where the function
/// returns a `result`). componentize-js takes whatever a function returning `result` throws
/// as its err value, an `Error` among them, so such a JavaScript stub throws an object whose
/// `payload` getter throws the `Error` instead: it escapes the bindings, and the call traps.
#[derive(Debug, Clone, Copy)]
pub struct Stubs(pub Language);

impl Stubs {
    /// The message a stub fails with: `not implemented: <function>`, the function named as
    /// a `[[call]]` names it.
    pub fn message(function: &WorldFunction<'_>) -> String {
        format!("not implemented: {}", function.call_name())
    }
}

/// The JavaScript helper a stub of a function returning `result` throws the result of.
const JS_NOT_IMPLEMENTED: &str = "\
// componentize-js 0.23.0 takes what a function returning `result` throws as its err value
// (an object's `payload`, else the thrown value itself, an Error too), so throwing an Error
// there need not trap. A stub of such a function throws this object instead: reading its
// `payload` throws the Error outside the bindings' try/catch, and the call traps.
function notImplemented(message) {
  return {
    get payload() {
      throw new Error(message);
    },
  };
}";

impl Bodies for Stubs {
    fn prelude(&self, world: &WitWorld) -> Vec<String> {
        let results = world.exports().iter().any(|f| world.returns_result(f));
        match (self.0, results) {
            (Language::Js, true) => JS_NOT_IMPLEMENTED.lines().map(str::to_string).collect(),
            _ => Vec::new(),
        }
    }

    fn body(&self, world: &WitWorld, function: &WorldFunction<'_>) -> Vec<String> {
        let message = Stubs::message(function);
        vec![match self.0 {
            // `unimplemented!` puts "not implemented: " before its argument.
            Language::Rust => format!("unimplemented!({:?})", function.call_name()),
            Language::Js if world.returns_result(function) => {
                format!("throw notImplemented({});", js::string(&message))
            }
            Language::Js => format!("throw new Error({});", js::string(&message)),
            Language::Python => format!("raise NotImplementedError({})", python::string(&message)),
        }]
    }
}

/// The first paragraphs of a stub guest's header: what the file is and how it fails.
fn stub_header(world: &WitWorld, language: Language) -> Vec<String> {
    let results = world.exports().iter().any(|f| world.returns_result(f));
    let how = match (language, results) {
        (Language::Rust, _) => "`unimplemented!` (a panic, so the call traps)",
        (Language::Js, false) => "`throw new Error(...)` (an uncaught Error, so the call traps)",
        (Language::Js, true) => {
            "`throw new Error(...)` (an uncaught Error, so the call traps; one that returns a \
             `result` throws `notImplemented(...)`, see below)"
        }
        (Language::Python, _) => "`raise NotImplementedError(...)` (so the call traps)",
    };
    vec![format!(
        "The {} guest of world `{}` ({}), written by `witness new`. Every export fails with {how} \
         and the message `not implemented: <function>` until you write it.",
        language_title(language),
        world.name(),
        world.package_name(),
    )]
}

fn language_title(language: Language) -> &'static str {
    match language {
        Language::Rust => "Rust",
        Language::Js => "JavaScript",
        Language::Python => "Python",
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scaffold::testing::ALL_KINDS;

    /// A project in a temporary directory, the WIT it is given under `given/`.
    fn project(wit: &[(&str, &str)]) -> (tempfile::TempDir, ProjectPaths) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in wit {
            let path = dir.path().join("given").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let paths = ProjectPaths::new(dir.path().to_path_buf(), dir.path().join("target"));
        (dir, paths)
    }

    fn request(paths: &ProjectPaths, name: &str, world: Option<&str>) -> NewFixture {
        NewFixture {
            name: name.into(),
            wit: Some(paths.root.join("given")),
            world: world.map(str::to_string),
        }
    }

    /// Every path under `dir`, sorted; links listed, not followed.
    fn tree(dir: &Path) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.symlink_metadata().unwrap().is_dir() {
                found.extend(tree(&path));
            }
            found.push(path);
        }
        found.sort();
        found
    }

    /// Runs `new_fixture`, which must fail, and checks it wrote nothing.
    fn refused(paths: &ProjectPaths, request: &NewFixture) -> ScaffoldError {
        let before = tree(&paths.root);
        let error = new_fixture(paths, request).expect_err("the scaffold is refused");
        assert_eq!(tree(&paths.root), before, "{error} wrote something");
        error
    }

    #[test]
    fn a_scaffold_writes_the_fixture_its_wit_and_three_guests() {
        let (_dir, paths) = project(&[("world.wit", ALL_KINDS)]);
        let done = new_fixture(&paths, &request(&paths, "all-kinds", None)).unwrap();
        let names: Vec<String> = done
            .files
            .iter()
            .map(|f| f.strip_prefix(&done.dir).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "fixture.toml",
                "guest.js",
                "guest.py",
                "guest.rs",
                "wit/world.wit"
            ]
        );
        assert_eq!(
            (done.world.as_str(), done.package.as_str()),
            ("w", "t:p@1.0.0")
        );
        let fixture = crate::fixture::Fixture::load(&done.dir);
        let file = fixture.file.as_ref().unwrap();
        assert_eq!(file.calls.len(), done.calls);
        // The fixture builds against its own copy of the WIT.
        assert_eq!(fixture.wit_dir(&paths, None).unwrap(), done.dir.join("wit"));
        let rust = std::fs::read_to_string(done.dir.join("guest.rs")).unwrap();
        assert!(rust.contains("unimplemented!(\"counter.add\")"), "{rust}");
        let js = std::fs::read_to_string(done.dir.join("guest.js")).unwrap();
        assert!(
            js.contains("throw new Error(\"not implemented: greet\");"),
            "{js}"
        );
        let py = std::fs::read_to_string(done.dir.join("guest.py")).unwrap();
        assert!(
            py.contains("raise NotImplementedError(\"not implemented: take\")"),
            "{py}"
        );
    }

    #[test]
    fn an_existing_or_clashing_fixture_is_refused() {
        let (_dir, paths) = project(&[("world.wit", ALL_KINDS)]);
        std::fs::create_dir_all(paths.fixtures.join("taken")).unwrap();
        std::fs::create_dir_all(paths.fixtures.join("Greeting_1")).unwrap();
        let error = refused(&paths, &request(&paths, "taken", None));
        assert!(matches!(error, ScaffoldError::Exists { .. }), "{error}");
        assert!(
            error
                .to_string()
                .ends_with("taken exists already; choose another name or remove it"),
            "{error}"
        );
        let error = refused(&paths, &request(&paths, "greeting-1", None));
        match &error {
            ScaffoldError::Clash { existing, .. } => assert_eq!(existing, "Greeting_1"),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn a_name_that_cannot_name_a_fixture_is_refused() {
        let (_dir, paths) = project(&[("world.wit", ALL_KINDS)]);
        let long = "a".repeat(place::MAX_NAME + 1);
        for name in [
            "",
            ".hidden",
            "-dash",
            "a/b",
            "../up",
            "a b",
            "été",
            long.as_str(),
        ] {
            let error = refused(&paths, &request(&paths, name, None));
            assert!(
                matches!(error, ScaffoldError::BadName { .. }),
                "{name}: {error}"
            );
        }
        // No fixtures/ was made for any of them.
        assert!(!paths.fixtures.exists());
    }

    #[test]
    fn wit_that_does_not_parse_is_refused_with_its_file_and_line() {
        let broken = "package t:p;\n\nworld w {\n    export f: func(;\n}\n";
        let (_dir, paths) = project(&[("world.wit", broken)]);
        let error = refused(&paths, &request(&paths, "broken", None));
        let text = error.to_string();
        assert!(matches!(error, ScaffoldError::Wit { .. }), "{text}");
        assert!(text.contains("world.wit:4:"), "{text}");
        let (_dir, paths) = project(&[]);
        let missing = refused(&paths, &request(&paths, "nothing", None));
        assert!(
            missing.to_string().contains("no such file or directory"),
            "{missing}"
        );
    }

    #[test]
    #[cfg(unix)]
    fn a_wit_directory_holding_a_link_is_refused() {
        let (_dir, paths) = project(&[("world.wit", ALL_KINDS)]);
        std::os::unix::fs::symlink("/dev/zero", paths.root.join("given/zero.wit")).unwrap();
        let error = refused(&paths, &request(&paths, "linked", None));
        assert!(
            error.to_string().contains("zero.wit is a symbolic link"),
            "{error}"
        );
    }

    #[test]
    fn a_world_that_is_not_there_or_not_named_lists_the_worlds() {
        let two =
            "package t:p;\nworld one { export f: func(); }\nworld two { export g: func(); }\n";
        let (_dir, paths) = project(&[("world.wit", two)]);
        let error = refused(&paths, &request(&paths, "x", Some("three")));
        assert_eq!(
            error.to_string(),
            "the WIT package t:p has no world `three`; its worlds: one, two"
        );
        let error = refused(&paths, &request(&paths, "x", None));
        assert_eq!(
            error.to_string(),
            "the WIT package t:p has several worlds; name one with --world: one, two"
        );
        let done = new_fixture(&paths, &request(&paths, "x", Some("two"))).unwrap();
        assert_eq!(done.world, "two");
    }

    #[test]
    fn a_world_using_what_a_language_or_witness_cannot_handle_is_refused_naming_it() {
        let cases = [
            (
                "export f: func(s: stream<u8>);",
                "export f: it uses `stream<u8>`, which WAVE calls",
            ),
            (
                "export f: func() -> future<string>;",
                "export f: it uses `future<string>`",
            ),
            ("export f: async func();", "export f: an async function"),
            (
                "export gen: func();",
                "function `gen` (rust): wit-bindgen 0.61.1 writes the name `gen`",
            ),
            (
                "export f: func(self: u32);",
                "export f (python): a parameter named `self`",
            ),
            (
                "import make: func() -> r;",
                "import make: its result `r` holds a resource handle",
            ),
        ];
        for (item, problem) in cases {
            let wit = format!(
                "package t:p;\ninterface i {{ resource r; }}\nworld w {{\n    use i.{{r}};\n    {item}\n}}\n"
            );
            let (_dir, paths) = project(&[("world.wit", wit.as_str())]);
            let error = refused(&paths, &request(&paths, "x", None));
            let text = error.to_string();
            assert!(
                matches!(error, ScaffoldError::Unsupported { .. }),
                "{item}: {text}"
            );
            assert!(text.contains(problem), "{item}: {text}");
        }
    }

    #[test]
    fn without_wit_the_shared_wit_is_used_and_nothing_is_copied_or_cached() {
        let (_dir, paths) = project(&[]);
        let plugin_api = NewFixture {
            name: "p".into(),
            wit: None,
            world: None,
        };
        let error = refused(&paths, &plugin_api);
        assert!(error.to_string().contains("witness:plugin@"), "{error}");
        assert!(
            !paths.out.exists(),
            "the plugin API was written into the project"
        );
        let greeter = NewFixture {
            world: Some("greeter".into()),
            ..plugin_api
        };
        let done = new_fixture(&paths, &greeter).unwrap();
        assert!(!done.dir.join("wit").exists());
        assert_eq!(done.calls, 1);
    }
}
