//! The `witness` command line: `run` prints the conformance matrix, `call` runs one WAVE
//! call against a component through the host.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::app::dispatch;
use crate::app::store::PluginStore;
use witness_harness::builder::{GuestBuilder, Placement};
use witness_harness::cache_limit::CacheLimit;
use witness_harness::language::Language;
use witness_harness::paths::ProjectPaths;
use witness_harness::report::{self, Format};
use witness_harness::runner::{Invocation, RunOptions, Session};
use witness_harness::scaffold::{self, NewFixture, ScaffoldError};
use witness_harness::toolchain::channel::Channel;
use witness_host::terminal::escape_controls;
use witness_host::value::to_wave;
use witness_host::{CallOutcome, Host, HostOptions, InstanceSettings, parse_call};

/// witness: a WebAssembly plugin host and its cross-language conformance harness.
///
/// Installed plugins appear as subcommands: `witness <plugin> <command> [args…]`.
#[derive(Debug, Parser)]
#[command(name = "witness", version, about)]
pub struct Cli {
    /// The plugin directory (default: WITNESS_PLUGIN_DIR, else the platform's data directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub plugin_dir: Option<PathBuf>,
    /// The least severe plugin log lines shown: trace, debug, info, warn or error.
    #[arg(long, global = true, default_value = "info", value_name = "LEVEL")]
    pub log_level: String,
    /// What to do.
    #[command(subcommand)]
    pub command: CliCommand,
}

/// `witness plugin …`: managing installed plugins.
#[derive(Debug, Subcommand)]
pub enum PluginAction {
    /// Build a plugin project (a directory with guest.rs, guest.js or guest.py) into a component.
    Build {
        /// The project directory, such as fixtures/hello-plugin.
        dir: PathBuf,
        /// The language to build.
        #[arg(long, value_parser = language_parser())]
        lang: Language,
        /// Where to write the component (default: target/witness/plugins/<dir>/<lang>.wasm).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Check a component against the plugin world and install it.
    Install {
        /// The component (.wasm).
        component: PathBuf,
        /// Replace an installed plugin of the same name.
        #[arg(long)]
        force: bool,
    },
    /// List installed plugins.
    List,
    /// Remove an installed plugin.
    Remove {
        /// The plugin's name.
        name: String,
    },
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Build every fixture in every language, run it, and print the matrix.
    Run {
        /// Only these languages, comma-separated (rust, js, python). Default: WITNESS_LANGS,
        /// else all.
        #[arg(long, value_delimiter = ',', value_parser = language_parser())]
        lang: Vec<Language>,
        /// The project whose fixtures/ to run (default: WITNESS_ROOT, else the nearest
        /// directory at or above the current one that holds fixtures/).
        #[arg(long)]
        root: Option<PathBuf>,
        /// How to print the results on stdout: human (the matrix and each failure), junit
        /// (JUnit XML), json (one JSON object per trial, then a summary) or html (one
        /// self-contained page).
        #[arg(long, default_value = "human", value_parser = format_parser())]
        format: Format,
        /// Also write the results to FILE in FORMAT (such as `junit=junit.xml`); repeatable,
        /// so one run writes several reports. Written whether the run passed or not.
        #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
        reports: Vec<(Format, PathBuf)>,
        /// Only these fixtures (by directory name) or trials (`greeting::js`,
        /// `stats::python+rust` for a composition fixture's runner and provider).
        fixtures: Vec<String>,
    },
    /// List the fixtures' known divergences by toolchain, and what no call or property
    /// touches.
    ///
    /// Each known divergence is shown with its fixture, function, reason and upstream
    /// report; each fixture with the functions of its world that nothing calls.
    Divergences {
        /// The project whose fixtures/ to read (default: as for `run`).
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Audit a WIT world in every language, with guests witness writes itself: every type
    /// the world uses is echoed, relayed through the host and shown as the guest sees it,
    /// in both directions, with generated values.
    ///
    /// Hazards (a value that comes back or is seen wrong, a trap) are shrunk and grouped by
    /// cause. Exit status: 0 when nothing new was found, 1 when a new cause was, 2 for bad
    /// input or a toolchain that cannot run.
    Audit {
        /// The WIT to audit: a .wit file or a package directory.
        path: Option<PathBuf>,
        /// Only this world of the package (default: every world).
        #[arg(long)]
        world: Option<String>,
        /// Only these languages, comma-separated (default: WITNESS_LANGS, else all).
        #[arg(long, value_delimiter = ',', value_parser = language_parser())]
        lang: Vec<Language>,
        /// How to print the findings: human (a table of type × language, then each cause) or
        /// json (one object per cause, then a summary).
        #[arg(long, default_value = "human", value_parser = ["human", "json"])]
        format: String,
        /// Causes written down as known ([[known-divergence]] entries keyed by language and
        /// type): found again, they do not fail the audit.
        #[arg(long, value_name = "FILE")]
        known: Option<PathBuf>,
        /// Write one reproducer fixture per cause under DIR/fixtures/ (DIR must be new or
        /// empty), with a REPORT.md ready for an upstream issue.
        #[arg(long, value_name = "DIR")]
        reproduce: Option<PathBuf>,
        /// Audit N random worlds instead of PATH.
        #[arg(long, value_name = "N")]
        random: Option<u32>,
        /// The seed of the random worlds.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Show each pending snapshot (a `.snap.new` a run proposed) with its diff, and accept,
    /// reject or skip it.
    ///
    /// Works in any project, with or without a Cargo workspace; reads the answers from
    /// stdin (a accept, r reject, s skip, q quit).
    Review {
        /// The project whose fixtures/ to review (default: as for `run`).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Only these fixtures, by directory name.
        fixtures: Vec<String>,
    },
    /// Accept every pending snapshot: each `.snap.new` becomes the fixture's snapshot.
    Accept {
        /// The project whose fixtures/ to accept (default: as for `run`).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Only these fixtures, by directory name.
        fixtures: Vec<String>,
    },
    /// Reject every pending snapshot: each `.snap.new` is deleted.
    Reject {
        /// The project whose fixtures/ to reject (default: as for `run`).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Only these fixtures, by directory name.
        fixtures: Vec<String>,
    },
    /// Write a new fixture for a WIT world: a fixture.toml with a placeholder call for each
    /// exported function and an answer for each import, and a guest in Rust, JavaScript
    /// and Python whose every function fails with `not implemented: <function>`.
    ///
    /// Each guest's header says how its language names this world: where the generated
    /// types are, how to call each import, and how each kind of WIT value looks.
    New {
        /// The fixture's name: its directory under fixtures/.
        name: String,
        /// The WIT (a .wit file or a package directory) to copy into the fixture's wit/
        /// (default: the project's wit/, else witness's plugin API, not copied).
        #[arg(long, value_name = "PATH")]
        wit: Option<PathBuf>,
        /// The world (default: the package's only world).
        #[arg(long)]
        world: Option<String>,
        /// The project to add the fixture to (default: WITNESS_ROOT, else the nearest
        /// directory at or above the current one that holds fixtures/, else the current one).
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Measure cold and warm runs of the matrix, compile, instantiate and call times, and
    /// print the figures.
    Bench {
        /// Only these fixtures in the matrix (all when none is named); the per-language
        /// figures use hello-plugin, so name it too.
        fixtures: Vec<String>,
        /// Only these languages, comma-separated.
        #[arg(long, value_delimiter = ',', value_parser = language_parser())]
        lang: Vec<Language>,
    },
    /// Build, install, list and remove plugins.
    Plugin {
        /// What to do with plugins.
        #[command(subcommand)]
        action: PluginAction,
    },
    /// Run one WAVE call (`name(args…)`) against a component and print its result and output.
    ///
    /// With `--fixture DIR`, the call is made as that fixture's trials make it: its
    /// [[import]] answers, [config], [wasi] grants and [limits].
    Call {
        /// The component (.wasm).
        component: PathBuf,
        /// The call, such as 'greeting("Ben")'.
        call: String,
        /// The exported interface that holds the function, such as `my:pkg/iface`.
        #[arg(long)]
        interface: Option<String>,
        /// A configuration value for the plugin's get-config calls, as KEY=VALUE.
        #[arg(long = "config", value_parser = parse_key_value)]
        config: Vec<(String, String)>,
        /// Run the call as the trials of this fixture directory do: with its [[import]]
        /// answers, [config], [wasi] grants and [limits] (`--config` adds to its [config]).
        #[arg(long, value_name = "DIR")]
        fixture: Option<PathBuf>,
    },
}

/// `--lang`'s parser: one of the languages' names, which `--help` lists.
fn language_parser() -> impl clap::builder::TypedValueParser<Value = Language> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Language::ALL.map(Language::name))
        .try_map(|name| name.parse::<Language>())
}

/// `--format`'s parser: one of the report formats' names, which `--help` lists.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser as _;
    let formats = [Format::Human, Format::Junit, Format::Json, Format::Html];
    clap::builder::PossibleValuesParser::new(formats.map(Format::name))
        .try_map(|name| name.parse::<Format>())
}

/// A `--report FORMAT=FILE`.
fn parse_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, file) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not FORMAT=FILE (such as junit=junit.xml)"))?;
    if file.is_empty() {
        return Err(format!("`{s}` names no file"));
    }
    Ok((format.parse()?, PathBuf::from(file)))
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("`{s}` is not KEY=VALUE"))
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    match main_with(std::env::args_os().collect()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("witness: {err:#}");
            // Bad input is exit status 2, whichever command met it; anything else is 1.
            match err.downcast_ref::<BadInput>() {
                Some(_) => ExitCode::from(2),
                None => ExitCode::FAILURE,
            }
        }
    }
}

/// Bad input found before anything runs: a `WITNESS_*` variable holding a value witness
/// cannot use, or `witness run` naming a fixture or trial the project does not have. Exit
/// status 2.
#[derive(Debug)]
struct BadInput(anyhow::Error);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for BadInput {}

/// The run options the `WITNESS_*` variables give, or [`BadInput`].
fn env_options() -> Result<RunOptions> {
    RunOptions::from_env().map_err(|e| BadInput(e).into())
}

/// The plugin directory named by `--plugin-dir` in `args`, read before clap parses them
/// (the installed plugins decide which subcommands clap knows).
fn plugin_dir_flag(args: &[std::ffi::OsString]) -> Option<PathBuf> {
    let mut iter = args.iter().map(|a| a.to_string_lossy().into_owned());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if arg == "--plugin-dir" {
            return iter.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.strip_prefix("--plugin-dir=") {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

fn main_with(args: Vec<std::ffi::OsString>) -> Result<ExitCode> {
    let store = PluginStore::locate(plugin_dir_flag(&args))?;
    let (plugins, problems) = store.list();
    for problem in problems {
        eprintln!("witness: {problem}");
    }
    let matches = dispatch::command(Cli::command(), &plugins).get_matches_from(args);
    if let Some((name, sub)) = matches.subcommand()
        && let Some(plugin) = plugins.iter().find(|p| p.manifest.name == name)
        && let Some((command, cmd_matches)) = sub.subcommand()
    {
        let log_level = matches
            .get_one::<String>("log_level")
            .cloned()
            .unwrap_or_else(|| "info".into());
        return dispatch::run(&store, plugin, command, cmd_matches, &log_level);
    }
    let cli = Cli::from_arg_matches(&matches).map_err(|e| anyhow::anyhow!("{e}"))?;
    execute(cli, &store)
}

fn execute(cli: Cli, store: &PluginStore) -> Result<ExitCode> {
    match cli.command {
        CliCommand::Plugin { action } => plugin_action(action, store),
        CliCommand::Run {
            lang,
            root,
            format,
            reports,
            fixtures,
        } => run_matrix(lang, root, format, &reports, fixtures),
        CliCommand::Audit {
            path,
            world,
            lang,
            format,
            known,
            reproduce,
            random,
            seed,
        } => Ok(crate::audit::run(crate::audit::AuditArgs {
            path,
            world,
            languages: lang,
            json: format == "json",
            known,
            reproduce,
            random,
            seed,
        })),
        CliCommand::Review { root, fixtures } => {
            let stdin = std::io::stdin();
            crate::review::review(
                &project_paths(root)?,
                &fixtures,
                &mut stdin.lock(),
                &mut std::io::stdout(),
            )
        }
        CliCommand::Accept { root, fixtures } => crate::review::decide_all(
            &project_paths(root)?,
            &fixtures,
            crate::review::Decision::Accept,
        ),
        CliCommand::Reject { root, fixtures } => crate::review::decide_all(
            &project_paths(root)?,
            &fixtures,
            crate::review::Decision::Reject,
        ),
        CliCommand::Divergences { root } => {
            let paths = project_paths(root)?;
            print!("{}", witness_harness::divergences::report(&paths)?);
            Ok(ExitCode::SUCCESS)
        }
        CliCommand::New {
            name,
            wit,
            world,
            root,
        } => new_fixture(NewFixture { name, wit, world }, root),
        CliCommand::Bench { fixtures, lang } => {
            let mut options = env_options()?;
            if !lang.is_empty() {
                options.languages = Some(lang);
            }
            options.fixtures = fixtures;
            print!(
                "{}",
                crate::bench::run(&ProjectPaths::discover(), &options)?
            );
            Ok(ExitCode::SUCCESS)
        }
        CliCommand::Call {
            component,
            call,
            interface,
            config,
            fixture,
        } => call_once(
            &component,
            &call,
            interface.as_deref(),
            config,
            fixture.as_deref(),
        ),
    }
}

fn plugin_action(action: PluginAction, store: &PluginStore) -> Result<ExitCode> {
    match action {
        PluginAction::Build { dir, lang, output } => {
            let output = build_plugin(&dir, lang, output)?;
            println!("{}", output.display());
        }
        PluginAction::Install { component, force } => {
            let m = store.install(&component, force)?;
            println!(
                "installed {} {} ({}) with {} command(s) in {}",
                m.name,
                m.version,
                m.language,
                m.commands.len(),
                store.dir().join(&m.name).display()
            );
        }
        PluginAction::List => {
            let dir = store.dir();
            if dir.exists() && std::fs::read_dir(dir).is_err() {
                anyhow::bail!("cannot read the plugin directory {}", dir.display());
            }
            let (plugins, _) = store.list();
            if plugins.is_empty() {
                println!("no plugins installed in {}", store.dir().display());
            }
            for p in plugins {
                let m = &p.manifest;
                let commands: Vec<&str> = m.commands.iter().map(|c| c.name.as_str()).collect();
                println!(
                    "{}\t{}\t{}\twitness:plugin@{}\t{}\t{}",
                    m.name,
                    escape_controls(&m.version),
                    m.language,
                    m.world,
                    commands.join(","),
                    p.dir.display()
                );
            }
        }
        PluginAction::Remove { name } => {
            store.remove(&name)?;
            println!("removed {name}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The project at `root` (`--root`), else the one [`ProjectPaths::discover`] finds.
fn project_paths(root: Option<PathBuf>) -> Result<ProjectPaths> {
    Ok(match root {
        Some(root) => {
            let root = root
                .canonicalize()
                .with_context(|| format!("no project at {}", root.display()))?;
            ProjectPaths::at(root)
        }
        None => ProjectPaths::discover(),
    })
}

/// Builds the plugin project in `dir` (its `guest.<ext>`, against its own `wit/` or the
/// shared plugin API, world `plugin` unless a fixture.toml names another) through the same
/// toolchains and build cache as the harness.
fn build_plugin(dir: &Path, lang: Language, output: Option<PathBuf>) -> Result<PathBuf> {
    let dir = dir
        .canonicalize()
        .with_context(|| format!("no plugin project at {}", dir.display()))?;
    let fixture = witness_harness::fixture::Fixture::load(&dir);
    let (world, world_version) = match &fixture.file {
        Ok(file) => (file.world.clone(), file.world_version.clone()),
        Err(_) if !dir.join("fixture.toml").exists() => ("plugin".to_string(), None),
        Err(e) => anyhow::bail!("{e}"),
    };
    let guest = fixture.guest_path(lang);
    if !guest.is_file() {
        anyhow::bail!("{} has no {}", dir.display(), lang.guest_file());
    }
    let paths = ProjectPaths::discover();
    let wit = fixture.wit_dir(&paths, world_version.as_deref())?;
    let output = output.unwrap_or_else(|| {
        paths
            .out
            .join("plugins")
            .join(&fixture.name)
            .join(format!("{lang}.wasm"))
    });
    let builder = GuestBuilder::new(&paths, vec![lang]);
    builder.build(
        &format!("{}::{lang}", fixture.name),
        lang,
        &witness_harness::toolchain::BuildRequest {
            fixture: &fixture.name,
            side: witness_harness::fixture::Side::Runner,
            guest: &guest,
            wit: &wit,
            world: &world,
            output: &output,
        },
        Placement::Copy,
        &|_| true,
    )?;
    Ok(output)
}

/// Writes a new fixture and prints what it wrote; bad input (the name, the WIT, the world)
/// exits with 2 and writes nothing.
fn new_fixture(request: NewFixture, root: Option<PathBuf>) -> Result<ExitCode> {
    let paths = project_paths(root)?;
    let done = match scaffold::new_fixture(&paths, &request) {
        Ok(done) => done,
        Err(ScaffoldError::Io(e)) => return Err(e),
        Err(e) => {
            eprintln!("witness: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let shown = |path: &Path| {
        path.strip_prefix(&paths.root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    println!(
        "wrote {} for world `{}` of {}:",
        shown(&done.dir),
        done.world,
        done.package
    );
    for file in &done.files {
        println!("  {}", shown(file));
    }
    println!(
        "next: `witness run {}` builds its guests and runs its {} call(s), each of which traps \
         until you write its function; each guest's header says how its language names this \
         world",
        request.name, done.calls
    );
    Ok(ExitCode::SUCCESS)
}

fn run_matrix(
    lang: Vec<Language>,
    root: Option<PathBuf>,
    format: Format,
    reports: &[(Format, PathBuf)],
    fixtures: Vec<String>,
) -> Result<ExitCode> {
    let mut options = env_options()?;
    if !lang.is_empty() {
        options.languages = Some(lang);
    }
    options.fixtures = fixtures;
    options.invocation = Invocation::Witness;
    let channel = Channel::from_env().map_err(|e| BadInput(anyhow::Error::msg(e)))?;
    if channel == Channel::Latest {
        eprintln!("witness: building with the newest toolchains (WITNESS_TOOLCHAINS=latest)");
    }
    let session = Session::new(project_paths(root)?, options);
    let trials = session.trials().map_err(BadInput)?;
    let results = session.run_all(&trials);
    session.trim_cache();
    let toolchains = session.builder().toolchains();
    if let Some(line) = toolchains.line() {
        eprintln!("witness: {line}");
    }
    print!("{}", format.render(&results, &toolchains));
    for (format, file) in reports {
        std::fs::write(file, format.render(&results, &toolchains)).with_context(|| {
            format!(
                "failed to write the {} report to {}",
                format.name(),
                file.display()
            )
        })?;
    }
    let (_, failed, _) = report::counts(&results);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Where `witness call` keeps compiled components: the project's cache inside a project (or
/// `WITNESS_CACHE_DIR`), else the user's cache directory, so a call made anywhere else
/// writes no `target/` where it was made.
fn call_cache() -> PathBuf {
    let paths = ProjectPaths::discover();
    if paths.fixtures.is_dir() || std::env::var_os("WITNESS_CACHE_DIR").is_some() {
        return paths.cache;
    }
    directories::ProjectDirs::from("dev", "witness", "witness")
        .map(|dirs| dirs.cache_dir().to_path_buf())
        .unwrap_or(paths.cache)
}

fn call_once(
    component: &Path,
    call: &str,
    interface: Option<&str>,
    config: Vec<(String, String)>,
    fixture: Option<&Path>,
) -> Result<ExitCode> {
    let call = parse_call(call)?;
    // The trials' compiler, so a call a failed trial suggests runs the code that trial ran.
    let compiler = witness_host::Compiler::from_env(witness_harness::runner::DEFAULT_COMPILER)
        .map_err(|e| BadInput(e.into()))?;
    let cache_limit = CacheLimit::from_env().map_err(BadInput)?;
    let cache = call_cache();
    let host = Host::with_options(&HostOptions {
        compiler,
        ..HostOptions::cached_in(&cache)
    })?;
    let loaded = host.load(component)?;
    witness_harness::cache_limit::keep_within(&cache, cache_limit);
    // A granted directory is copied here, as for a trial; it lives until the call ends.
    let scratch = tempfile::tempdir().context("failed to create a scratch directory")?;
    let mut settings = match fixture {
        Some(dir) => {
            let fixture = witness_harness::fixture::Fixture::load(dir);
            let file = fixture.file.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut settings = fixture.settings(file, scratch.path())?;
            // Only the entries for what this component imports, as in a trial.
            settings.imports =
                witness_harness::imports::for_component(&file.imports, loaded.scripted_imports())
                    .imports;
            settings
        }
        None => InstanceSettings::default(),
    };
    settings.config.extend(config);
    let mut instance = host.instantiate(&loaded, &settings).map_err(|e| {
        let unanswered = matches!(
            e.downcast_ref::<witness_host::ScriptError>(),
            Some(witness_host::ScriptError::Unanswered { .. })
        );
        match (unanswered, fixture) {
            (true, None) => e.context(
                "this component imports functions that a fixture's [[import]] tables answer: \
                 pass `--fixture DIR` to make the call as that fixture's trials do",
            ),
            _ => e,
        }
    })?;
    let record = instance.call(&call, interface)?;
    for line in &record.host_calls {
        eprintln!("host: {}", escape_controls(line));
    }
    if record.tasks_pending {
        eprintln!("{}", witness_harness::outcome::TASKS_PENDING);
    }
    print!("{}", escape_controls(&record.stdout.text));
    eprint!("{}", escape_controls(&record.stderr.text));
    match record.outcome {
        CallOutcome::Returned(Some(value)) => {
            // A stream or future result shows what the host read from it.
            let text = match &record.transmitted {
                Some(transmitted) => transmitted.to_string(),
                None => to_wave(&value),
            };
            println!("{}", escape_controls(&text));
            Ok(ExitCode::SUCCESS)
        }
        CallOutcome::Returned(None) => Ok(ExitCode::SUCCESS),
        CallOutcome::Trapped { kind, detail } => {
            eprintln!("trap: {kind}\n{}", escape_controls(&detail));
            Ok(ExitCode::FAILURE)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_global_option_is_a_name_plugin_arguments_cannot_take() {
        let command = Cli::command();
        for arg in command.get_arguments().filter(|a| a.is_global_set()) {
            let long = arg.get_long().expect("global options are long options");
            assert!(
                crate::app::arguments::RESERVED.contains(&long),
                "--{long} is global but plugin commands may declare it"
            );
        }
    }

    #[test]
    fn every_built_in_subcommand_is_a_name_plugins_cannot_take() {
        for command in Cli::command().get_subcommands() {
            let name = command.get_name();
            assert!(
                crate::app::store::BUILT_IN.contains(&name),
                "`{name}` is missing from BUILT_IN"
            );
        }
    }

    #[test]
    fn run_takes_languages_and_fixtures() {
        let cli =
            Cli::try_parse_from(["witness", "run", "--lang", "rust,python", "greeting"]).unwrap();
        match cli.command {
            CliCommand::Run { lang, fixtures, .. } => {
                assert_eq!(lang, [Language::Rust, Language::Python]);
                assert_eq!(fixtures, ["greeting"]);
            }
            other => panic!("parsed as {other:?}"),
        }
        assert!(Cli::try_parse_from(["witness", "run", "--lang", "go"]).is_err());
    }

    #[test]
    fn run_writes_reports_in_any_format_to_files() {
        let cli = Cli::try_parse_from([
            "witness",
            "run",
            "--format",
            "html",
            "--report",
            "junit=out/junit.xml",
            "--report",
            "html=report.html",
        ])
        .unwrap();
        match cli.command {
            CliCommand::Run {
                format, reports, ..
            } => {
                assert_eq!(format, Format::Html);
                assert_eq!(
                    reports,
                    [
                        (Format::Junit, PathBuf::from("out/junit.xml")),
                        (Format::Html, PathBuf::from("report.html"))
                    ]
                );
            }
            other => panic!("parsed as {other:?}"),
        }
        for bad in ["junit", "xml=a.xml", "junit="] {
            assert!(
                Cli::try_parse_from(["witness", "run", "--report", bad]).is_err(),
                "{bad}"
            );
        }
        let mut command = Cli::command();
        let run = command.find_subcommand_mut("run").unwrap();
        let help = run.render_long_help().to_string();
        assert!(
            help.contains("[possible values: human, junit, json, html]"),
            "{help}"
        );
    }

    #[test]
    fn lang_options_list_the_languages_in_their_help() {
        let mut command = Cli::command();
        let plugin = command.find_subcommand_mut("plugin").unwrap();
        let build = plugin.find_subcommand_mut("build").unwrap();
        let help = build.render_long_help().to_string();
        assert!(
            help.contains("[possible values: rust, js, python]"),
            "plugin build --help:\n{help}"
        );
        let run = command.find_subcommand_mut("run").unwrap();
        let help = run.render_long_help().to_string();
        assert!(
            help.contains("[possible values: rust, js, python]"),
            "{help}"
        );
        let cli =
            Cli::try_parse_from(["witness", "plugin", "build", "dir", "--lang", "python"]).unwrap();
        assert!(matches!(
            cli.command,
            CliCommand::Plugin {
                action: PluginAction::Build {
                    lang: Language::Python,
                    ..
                }
            }
        ));
        let err = Cli::try_parse_from(["witness", "plugin", "build", "dir", "--lang", "go"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("[possible values: rust, js, python]"), "{err}");
    }
}
