//! Installed plugins on the command line: each becomes a clap subcommand built at run time,
//! its commands nested subcommands, so `--help`, unknown-command errors and usage behave as
//! clap users expect; built-in commands win over plugin names. A command runs in a fresh
//! store: state does not persist between invocations (each `witness <plugin> <command>` is
//! its own process anyway), so a plugin keeps what must last in its config or a granted
//! directory.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{ArgMatches, Command};
use wasmtime::component::Val;

use super::arguments;
use super::store::{BUILT_IN, Installed, PluginStore};
use witness_host::CallOutcome;
use witness_host::cache::hash::sha256_hex;
use witness_host::terminal::escape_controls;

/// `base` (the built-in command line) with a subcommand for each installed plugin.
pub fn command(base: Command, plugins: &[Installed]) -> Command {
    let mut cmd = base;
    for plugin in plugins {
        let m = &plugin.manifest;
        if BUILT_IN.contains(&m.name.as_str()) {
            continue;
        }
        let mut sub = Command::new(m.name.clone())
            .about(escape_controls(&m.summary).into_owned())
            .subcommand_required(true)
            .arg_required_else_help(true)
            .after_help(format!(
                "Plugin {} {} ({}, witness:plugin@{}), installed in {}",
                m.name,
                escape_controls(&m.version),
                m.language,
                m.world,
                plugin.dir.display()
            ));
        for c in &m.commands {
            let declared = m.takes_invocation().then_some(c.arguments.as_slice());
            sub = sub.subcommand(
                Command::new(c.name.clone())
                    .about(shown(&c.summary))
                    .args(arguments::clap_args(declared)),
            );
        }
        cmd = cmd.subcommand(sub);
    }
    cmd
}

/// Text from a plugin, fit for a terminal.
pub fn shown(text: &str) -> String {
    escape_controls(text).into_owned()
}

/// Runs `command` of the installed `plugin` with the arguments clap parsed into `matches`:
/// a 0.2 plugin gets them as an `invocation`, a 0.1 plugin as a list of words. Prints what
/// the command returns on stdout, its error on stderr, and exits non-zero when it fails.
pub fn run(
    store: &PluginStore,
    plugin: &Installed,
    command: &str,
    matches: &ArgMatches,
    log_level: &str,
) -> Result<ExitCode> {
    let name = &plugin.manifest.name;
    let component = plugin.component();
    let bytes = std::fs::read(&component)
        .with_context(|| format!("failed to read {}", component.display()))?;
    if sha256_hex(&bytes) != plugin.manifest.sha256 {
        bail!(
            "{} changed since it was installed; install the plugin again",
            component.display()
        );
    }
    drop(bytes);
    // The bytes were just checked against the manifest: load by that hash, so a compiled copy
    // in the cache is used without reading and hashing the component a second time.
    let host = store.host()?;
    let loaded = host.load_known(&component, &plugin.manifest.sha256)?;
    let settings = store.settings(name, log_level)?;
    let mut instance = host.instantiate(&loaded, &settings)?;
    let manifest = &plugin.manifest;
    let run_args = if manifest.takes_invocation() {
        let declared = manifest
            .commands
            .iter()
            .find(|c| c.name == command)
            .map(|c| c.arguments.as_slice())
            .unwrap_or_default();
        vec![arguments::invocation(command, declared, matches)]
    } else {
        let words = arguments::words(matches);
        vec![
            Val::String(command.to_string()),
            Val::List(words.into_iter().map(Val::String).collect()),
        ]
    };
    let record = instance.call_with("run", &run_args)?;
    print!("{}", escape_controls(&record.stdout.text));
    eprint!("{}", escape_controls(&record.stderr.text));
    match record.outcome {
        CallOutcome::Returned(Some(Val::Result(Ok(value)))) => {
            if let Some(value) = value
                && let Val::String(text) = *value
            {
                println!("{}", escape_controls(&text));
            }
            Ok(ExitCode::SUCCESS)
        }
        CallOutcome::Returned(Some(Val::Result(Err(value)))) => {
            let message = match value.map(|v| *v) {
                Some(Val::String(text)) => text,
                _ => "failed".to_string(),
            };
            eprintln!("{name} {command}: {}", escape_controls(&message));
            Ok(ExitCode::FAILURE)
        }
        CallOutcome::Returned(other) => {
            bail!("{name} {command}: run() returned {other:?}, not a result")
        }
        CallOutcome::Trapped { kind, .. } => {
            eprintln!("{name} {command}: the plugin failed: {kind}");
            Ok(ExitCode::FAILURE)
        }
    }
}
