//! The `witness` command line: `run` prints the conformance matrix, `call` runs one WAVE
//! call against a component through the host.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use crate::host::{CallOutcome, Host, HostOptions, InstanceSettings, parse_call};
use crate::language::Language;
use crate::paths::ProjectPaths;
use crate::report;
use crate::runner::{RunOptions, Session};
use crate::value::to_wave;

/// witness: a WebAssembly plugin host and its cross-language conformance harness.
#[derive(Debug, Parser)]
#[command(name = "witness", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: CliCommand,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Build every fixture in every language, run it, and print the matrix.
    Run {
        /// Only these languages, comma-separated (rust, js, python). Default: WITNESS_LANGS,
        /// else all.
        #[arg(long, value_delimiter = ',', value_parser = parse_language)]
        lang: Vec<Language>,
        /// The checkout whose fixtures/ to run (default: the one witness was built from).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Only these fixtures, by directory name.
        fixtures: Vec<String>,
    },
    /// Measure cold and warm runs of the matrix, compile, instantiate and call times, and
    /// print the figures.
    Bench {
        /// Only these languages, comma-separated.
        #[arg(long, value_delimiter = ',', value_parser = parse_language)]
        lang: Vec<Language>,
    },
    /// Run one WAVE call (`name(args…)`) against a component and print its result and output.
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
    },
}

fn parse_language(s: &str) -> Result<Language, String> {
    s.parse()
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("`{s}` is not KEY=VALUE"))
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("witness: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        CliCommand::Run {
            lang,
            root,
            fixtures,
        } => run_matrix(lang, root, fixtures),
        CliCommand::Bench { lang } => {
            let mut options = RunOptions::from_env()?;
            if !lang.is_empty() {
                options.languages = Some(lang);
            }
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
        } => call_once(&component, &call, interface.as_deref(), config),
    }
}

fn run_matrix(
    lang: Vec<Language>,
    root: Option<PathBuf>,
    fixtures: Vec<String>,
) -> Result<ExitCode> {
    let mut options = RunOptions::from_env()?;
    if !lang.is_empty() {
        options.languages = Some(lang);
    }
    options.fixtures = fixtures;
    let paths = match root {
        Some(root) => {
            let root = root
                .canonicalize()
                .with_context(|| format!("no checkout at {}", root.display()))?;
            ProjectPaths::new(root.clone(), root.join("target"))
        }
        None => ProjectPaths::discover(),
    };
    let session = Session::new(paths, options);
    let trials = session.trials()?;
    let results = session.run_all(&trials);
    print!("{}", report::matrix(&results));
    let (_, failed, _) = report::counts(&results);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn call_once(
    component: &Path,
    call: &str,
    interface: Option<&str>,
    config: Vec<(String, String)>,
) -> Result<ExitCode> {
    let call = parse_call(call)?;
    let host = Host::with_options(&HostOptions::cached_in(&ProjectPaths::discover().cache))?;
    let loaded = host.load(component)?;
    let settings = InstanceSettings {
        config: config.into_iter().collect(),
        ..InstanceSettings::default()
    };
    let mut instance = host.instantiate(&loaded, &settings)?;
    let record = instance.call(&call, interface)?;
    for line in &record.host_calls {
        eprintln!("host: {line}");
    }
    print!("{}", record.stdout.text);
    eprint!("{}", record.stderr.text);
    match record.outcome {
        CallOutcome::Returned(Some(value)) => {
            println!("{}", to_wave(&value));
            Ok(ExitCode::SUCCESS)
        }
        CallOutcome::Returned(None) => Ok(ExitCode::SUCCESS),
        CallOutcome::Trapped { kind, detail } => {
            eprintln!("trap: {kind}\n{detail}");
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
}
