//! Running a toolchain's commands: the command line, its exit status and its output in every
//! error, with a hint for the usual cause.

use std::fmt::Write as _;
use std::process::{Command, Output};

use anyhow::{Result, bail};

use crate::outcome::indent;

/// Runs `command` to completion, capturing its output. A failure to start or a non-zero exit
/// is an error that shows the command line, the status, both outputs and `hint`.
pub fn run(command: &mut Command, hint: &str) -> Result<Output> {
    let line = command_line(command);
    let output = match command.output() {
        Ok(output) => output,
        Err(e) => bail!("failed to start `{line}`: {e}\nhint: {hint}"),
    };
    if !output.status.success() {
        bail!("{}", failure_text(&line, &output, hint));
    }
    Ok(output)
}

/// The message of a command that ran and failed.
pub fn failure_text(line: &str, output: &Output, hint: &str) -> String {
    let mut text = format!("`{line}` failed ({})", output.status);
    for (name, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let s = String::from_utf8_lossy(bytes);
        if !s.trim().is_empty() {
            write!(text, "\n  {name}:\n{}", indent(&indent_more(&s))).ok();
        }
    }
    if !hint.is_empty() {
        write!(text, "\nhint: {hint}").ok();
    }
    text
}

fn indent_more(s: &str) -> String {
    s.trim_end().to_string()
}

/// A command as a person would type it.
pub fn command_line(command: &Command) -> String {
    let mut line = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        let arg = arg.to_string_lossy();
        if arg.contains(' ') || arg.is_empty() {
            write!(line, " '{arg}'").ok();
        } else {
            write!(line, " {arg}").ok();
        }
    }
    line
}

/// Whether `program --version` (or the given probe args) runs and succeeds.
pub fn probe(program: &str, args: &[&str]) -> Result<String, String> {
    match Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
        Ok(out) => Err(format!(
            "`{program} {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Err(format!("`{program}` is not installed or not on PATH ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_command_shows_its_line_status_output_and_hint() {
        let err = run(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            "try again",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("`sh -c 'echo out; echo err >&2; exit 3'`"),
            "{err}"
        );
        assert!(err.contains("exit status: 3"), "{err}");
        assert!(err.contains("    out") && err.contains("    err"), "{err}");
        assert!(err.contains("hint: try again"), "{err}");
    }

    #[test]
    fn a_missing_program_says_so() {
        let err = probe("witness-no-such-program", &["--version"]).unwrap_err();
        assert!(err.contains("not installed"), "{err}");
    }
}
