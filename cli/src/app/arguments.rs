//! A plugin command's arguments (plugin API 0.2): what `info()` declares for each command,
//! the checks that make it a usable command line, the clap arguments built from it, and the
//! `invocation` a parsed command line becomes. A 0.1 plugin declares none: its commands
//! take `[ARGS]...`, passed on as a list of strings.

use anyhow::{Result, bail};
use clap::{Arg, ArgAction, ArgMatches};
use serde::{Deserialize, Serialize};
use wasmtime::component::Val;

/// How an argument is written, as the WIT enum `argument-kind` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArgumentKind {
    /// A value by position that must be given.
    Positional,
    /// A value by position that may be left out.
    Optional,
    /// Every remaining positional value.
    Rest,
    /// `--name VALUE`.
    Named,
    /// `--name`.
    Flag,
}

impl ArgumentKind {
    /// The kind a WIT enum case names.
    pub fn from_case(case: &str) -> Option<Self> {
        Some(match case {
            "positional" => ArgumentKind::Positional,
            "optional" => ArgumentKind::Optional,
            "rest" => ArgumentKind::Rest,
            "named" => ArgumentKind::Named,
            "flag" => ArgumentKind::Flag,
            _ => return None,
        })
    }

    fn by_position(self) -> bool {
        matches!(
            self,
            ArgumentKind::Positional | ArgumentKind::Optional | ArgumentKind::Rest
        )
    }
}

/// One argument a command declares.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ArgumentInfo {
    /// Its name: placeholder or long option.
    pub name: String,
    /// One line for `--help`.
    pub help: String,
    /// How it is written.
    pub kind: ArgumentKind,
}

/// Argument names a plugin cannot declare: clap's `--help` and witness's global options,
/// which every plugin command also takes.
pub const RESERVED: [&str; 3] = ["help", "log-level", "plugin-dir"];

/// Checks that `arguments` make one command line: usable unique names (not `help`), no
/// required positional after one that may be left out, and at most one `rest`, last among
/// the positionals.
pub fn check(command: &str, arguments: &[ArgumentInfo]) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    let mut optional_seen = false;
    let mut rest_seen = false;
    for argument in arguments {
        let name = &argument.name;
        let usable = !name.is_empty()
            && !name.starts_with('-')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !usable {
            bail!(
                "the command `{command}` has an argument `{name}`, which is not a usable \
                 argument name (a-z, 0-9, -)"
            );
        }
        if RESERVED.contains(&name.as_str()) {
            bail!(
                "the command `{command}` has an argument `{name}`, a name witness keeps for its \
                 own options ({})",
                RESERVED.join(", ")
            );
        }
        if !seen.insert(name.as_str()) {
            bail!("the command `{command}` lists the argument `{name}` twice");
        }
        if !argument.kind.by_position() {
            continue;
        }
        if rest_seen {
            bail!(
                "the command `{command}` has the positional argument `{name}` after its \
                 `rest` argument, which takes every remaining value"
            );
        }
        match argument.kind {
            ArgumentKind::Positional if optional_seen => bail!(
                "the command `{command}` has the required argument `{name}` after one that \
                 may be left out"
            ),
            ArgumentKind::Optional => optional_seen = true,
            ArgumentKind::Rest => rest_seen = true,
            _ => {}
        }
    }
    Ok(())
}

/// The clap arguments of a command: its declared ones, or `[ARGS]...` for a command of a
/// plugin that declares none (0.1).
pub fn clap_args(declared: Option<&[ArgumentInfo]>) -> Vec<Arg> {
    let Some(declared) = declared else {
        return vec![
            Arg::new("args")
                .value_name("ARGS")
                .num_args(0..)
                .trailing_var_arg(true)
                .allow_hyphen_values(true),
        ];
    };
    declared
        .iter()
        .map(|a| {
            let arg = Arg::new(a.name.clone()).help(crate::app::dispatch::shown(&a.help));
            let placeholder = a.name.to_ascii_uppercase();
            match a.kind {
                ArgumentKind::Positional => arg.value_name(placeholder).required(true),
                ArgumentKind::Optional => arg.value_name(placeholder),
                ArgumentKind::Rest => arg.value_name(placeholder).num_args(0..),
                ArgumentKind::Named => arg.long(a.name.clone()).value_name("VALUE"),
                ArgumentKind::Flag => arg.long(a.name.clone()).action(ArgAction::SetTrue),
            }
        })
        .collect()
}

/// What a 0.1 plugin's `run` gets: the command line's words after the command.
pub fn words(matches: &ArgMatches) -> Vec<String> {
    matches
        .get_many::<String>("args")
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}

/// The `invocation` record a 0.2 plugin's `run` gets: the command and each declared argument
/// the user gave, in declared order.
pub fn invocation(command: &str, declared: &[ArgumentInfo], matches: &ArgMatches) -> Val {
    let mut given = Vec::new();
    for a in declared {
        let values: Option<Vec<String>> = match a.kind {
            ArgumentKind::Flag => matches.get_flag(&a.name).then(Vec::new),
            _ => matches
                .get_many::<String>(&a.name)
                .map(|v| v.cloned().collect()),
        };
        if let Some(values) = values {
            given.push(Val::Record(vec![
                ("name".into(), Val::String(a.name.clone())),
                (
                    "values".into(),
                    Val::List(values.into_iter().map(Val::String).collect()),
                ),
            ]));
        }
    }
    Val::Record(vec![
        ("command".into(), Val::String(command.to_string())),
        ("arguments".into(), Val::List(given)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(name: &str, kind: ArgumentKind) -> ArgumentInfo {
        ArgumentInfo {
            name: name.into(),
            help: String::new(),
            kind,
        }
    }

    #[test]
    fn declared_arguments_must_make_one_command_line() {
        use ArgumentKind::*;
        assert!(
            check(
                "c",
                &[
                    arg("a", Positional),
                    arg("b", Optional),
                    arg("r", Rest),
                    arg("x", Flag)
                ]
            )
            .is_ok()
        );
        let err = |args: &[ArgumentInfo]| check("c", args).unwrap_err().to_string();
        assert!(err(&[arg("a", Optional), arg("b", Positional)]).contains("required argument `b`"));
        assert!(err(&[arg("r", Rest), arg("b", Optional)]).contains("after its `rest`"));
        assert!(err(&[arg("a", Flag), arg("a", Named)]).contains("`a` twice"));
        assert!(err(&[arg("help", Flag)]).contains("witness keeps for its own options"));
        assert!(err(&[arg("log-level", Named)]).contains("`log-level`, a name witness keeps"));
        assert!(err(&[arg("Two Words", Named)]).contains("not a usable"));
    }

    #[test]
    fn a_parsed_command_line_becomes_an_invocation_in_declared_order() {
        use ArgumentKind::*;
        let declared = [
            arg("who", Positional),
            arg("rest", Rest),
            arg("loud", Flag),
            arg("by", Named),
        ];
        let cmd = clap::Command::new("greet").args(clap_args(Some(&declared)));
        let matches = cmd
            .try_get_matches_from(["greet", "--by", "me", "Ada", "Ben", "Cy"])
            .unwrap();
        let Val::Record(fields) = invocation("greet", &declared, &matches) else {
            panic!()
        };
        let text = format!("{fields:?}");
        assert!(text.contains("String(\"greet\")"), "{text}");
        let Val::List(given) = &fields[1].1 else {
            panic!()
        };
        let names: Vec<String> = given
            .iter()
            .map(|v| match v {
                Val::Record(f) => format!("{:?}", f),
                _ => String::new(),
            })
            .collect();
        assert_eq!(names.len(), 3, "the flag was not given: {names:?}");
        assert!(names[0].contains("\"who\"") && names[0].contains("\"Ada\""));
        assert!(names[1].contains("\"Ben\"") && names[1].contains("\"Cy\""));
        assert!(names[2].contains("\"by\"") && names[2].contains("\"me\""));
    }
}
