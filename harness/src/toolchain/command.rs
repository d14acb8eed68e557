//! Running a toolchain's commands: the command line, its exit status and its output in every
//! error, with a hint for the usual cause.

use std::fmt::Write as _;
use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::outcome::indent;

/// How long one toolchain command may run before it is stopped: `WITNESS_BUILD_TIMEOUT`
/// (such as `20m`), else ten minutes.
pub fn build_timeout() -> Result<Duration> {
    match std::env::var("WITNESS_BUILD_TIMEOUT") {
        Ok(text) if !text.trim().is_empty() => humantime::parse_duration(text.trim())
            .map_err(|e| anyhow::anyhow!("WITNESS_BUILD_TIMEOUT={text}: {e}")),
        _ => Ok(Duration::from_secs(600)),
    }
}

/// Runs `command` to completion, capturing its output. A failure to start, a non-zero exit
/// or a command still running after [`build_timeout`] (stopped, with everything it started)
/// is an error that shows the command line, the status, both outputs and `hint`.
pub fn run(command: &mut Command, hint: &str) -> Result<Output> {
    run_within(command, hint, build_timeout()?)
}

/// [`run`] with an explicit time limit.
pub fn run_within(command: &mut Command, hint: &str, limit: Duration) -> Result<Output> {
    let line = command_line(command);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        // Its own process group, so a timeout stops what it started too (cargo's rustc).
        use std::os::unix::process::CommandExt as _;
        command.process_group(0);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => bail!("failed to start `{line}`: {e}\nhint: {hint}"),
    };
    let stdout = read_in_background(child.stdout.take());
    let stderr = read_in_background(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(20)),
            Ok(None) => break None,
            Err(e) => bail!("failed to wait for `{line}`: {e}"),
        }
    };
    let Some(status) = status else {
        stop(&mut child);
        return Err(CommandFailed {
            line,
            status: child.wait()?,
            stdout: stdout.taken(),
            stderr: stderr.taken(),
            hint: hint.to_string(),
            stopped_after: Some(limit),
        }
        .into());
    };
    let output = Output {
        status,
        stdout: stdout.finish(),
        stderr: stderr.finish(),
    };
    if !output.status.success() {
        return Err(CommandFailed {
            line,
            status: output.status,
            stdout: output.stdout,
            stderr: output.stderr,
            hint: hint.to_string(),
            stopped_after: None,
        }
        .into());
    }
    Ok(output)
}

/// A toolchain command that ran and failed, or was stopped at its time limit: what a user
/// needs to see to act on it.
#[derive(Debug, thiserror::Error)]
pub struct CommandFailed {
    /// The command as a person would type it.
    pub line: String,
    /// How it ended.
    pub status: std::process::ExitStatus,
    /// What it wrote to stdout (until it was stopped).
    pub stdout: Vec<u8>,
    /// What it wrote to stderr (until it was stopped).
    pub stderr: Vec<u8>,
    /// The usual cause and what to do.
    pub hint: String,
    /// The time limit it ran past, when it was stopped.
    pub stopped_after: Option<Duration>,
}

impl std::fmt::Display for CommandFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.stopped_after {
            Some(limit) => write!(
                f,
                "`{}` was stopped after {} (WITNESS_BUILD_TIMEOUT) ({})",
                self.line,
                humantime::format_duration(limit),
                self.status
            )?,
            None => write!(f, "`{}` failed ({})", self.line, self.status)?,
        }
        for (name, bytes) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            let s = String::from_utf8_lossy(bytes);
            if !s.trim().is_empty() {
                write!(f, "\n  {name}:\n{}", indent(s.trim_end()))?;
            }
        }
        if !self.hint.is_empty() {
            write!(f, "\nhint: {}", self.hint)?;
        }
        Ok(())
    }
}

/// A pipe read to its end on another thread.
struct Reader {
    bytes: Arc<Mutex<Vec<u8>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Reader {
    /// Everything read, once the pipe has closed.
    fn finish(mut self) -> Vec<u8> {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.taken()
    }

    /// Everything read so far, without waiting for the pipe to close (a stopped command's
    /// descendants may still hold it open).
    fn taken(&self) -> Vec<u8> {
        self.bytes.lock().map(|b| b.clone()).unwrap_or_default()
    }
}

fn read_in_background(pipe: Option<impl Read + Send + 'static>) -> Reader {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let sink = bytes.clone();
    let thread = pipe.map(|mut pipe| {
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut sink) = sink.lock() {
                    sink.extend_from_slice(&buf[..n]);
                }
            }
        })
    });
    Reader { bytes, thread }
}

/// Stops `child` and, on Unix, every process of its group.
fn stop(child: &mut Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
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
    fn a_command_that_runs_past_its_limit_is_stopped_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        // The shell starts a sleep of its own and says which: stopping the group stops both.
        let script = format!(
            "echo started; sleep 30 & echo $! > '{}'; wait",
            pid_file.display()
        );
        let err = run_within(
            Command::new("sh").args(["-c", &script]),
            "",
            Duration::from_millis(300),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("was stopped after 300ms"), "{err}");
        assert!(err.contains("started"), "the output so far: {err}");
        let sleeper = std::fs::read_to_string(&pid_file).unwrap();
        let alive = || {
            Command::new("kill")
                .args(["-0", sleeper.trim()])
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        // Killed at once; reaped by init a moment later.
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            !alive(),
            "the command's own child {} still runs",
            sleeper.trim()
        );
    }

    #[test]
    fn a_missing_program_says_so() {
        let err = probe("witness-no-such-program", &["--version"]).unwrap_err();
        assert!(err.contains("not installed"), "{err}");
    }
}
