//! A trial's outcome as one normalised text: every call with its result or trap kind, and
//! the stdout, stderr and host calls it produced. This text is what the shared snapshot
//! holds, so it says nothing that depends on the guest's language.

use std::fmt::Write as _;

use witness_host::value::to_wave;
use witness_host::{CallOutcome, CallOutput, CallRecord};

/// One call as written in the fixture and what it did.
#[derive(Debug, Clone)]
pub struct CallReport {
    /// The WAVE call expression from fixture.toml.
    pub invoke: String,
    /// The exported interface the function was looked up in, if any.
    pub interface: Option<String>,
    /// What the call did.
    pub record: CallRecord,
    /// Whether the call ran on a new instance, because the call before it trapped (a trap
    /// ends its instance; one divergence must not hide the calls after it).
    pub new_instance: bool,
    /// The result's text where WAVE cannot write it: resource handles (`counter#1`), a
    /// stream or future the host read (`stream[1, 2]`, `future(4)`).
    pub shown: Option<String>,
    /// How many calls its `[[call]]` ran at once (1 for one), and its place among them.
    pub at_once: (usize, usize),
}

/// The line the snapshot shows before calls run at once; their output and host calls are
/// shown after the last of them.
fn at_once_line(count: usize) -> String {
    format!("(the next {count} calls run at once; their output and host calls follow the last)")
}

/// The line the snapshot shows under a call after which guest tasks were still running.
pub const TASKS_PENDING: &str = "pending: guest tasks still running after the call returned";

/// The line the snapshot shows before a call that runs on a new instance.
pub const NEW_INSTANCE: &str = "(new instance: the trap ended the last one)";

/// Renders the snapshot text of a trial. `with_trap_stderr` adds the stderr of trapping
/// calls, which is language-specific: only a language's own snapshot holds it.
pub fn render(calls: &[CallReport], with_trap_stderr: bool) -> String {
    let mut out = String::new();
    for call in calls {
        if call.new_instance {
            writeln!(out, "{NEW_INSTANCE}").ok();
        }
        if call.at_once.0 > 1 && call.at_once.1 == 0 {
            writeln!(out, "{}", at_once_line(call.at_once.0)).ok();
        }
        match &call.interface {
            Some(iface) => writeln!(out, "call {iface}#{}", call.invoke),
            None => writeln!(out, "call {}", call.invoke),
        }
        .ok();
        match &call.record.outcome {
            CallOutcome::Returned(Some(value)) => {
                let text = call.shown.clone().unwrap_or_else(|| to_wave(value));
                writeln!(out, "  result: {text}")
            }
            CallOutcome::Returned(None) => writeln!(out, "  result: (none)"),
            CallOutcome::Trapped { kind, .. } => writeln!(out, "  trap: {kind}"),
        }
        .ok();
        write_stream(&mut out, "stdout", &call.record.stdout);
        // After a trap, stderr holds the guest runtime's own report (a panic message, a JS
        // or Python traceback): language-specific, so it goes to the failure output only.
        if with_trap_stderr || !matches!(call.record.outcome, CallOutcome::Trapped { .. }) {
            write_stream(&mut out, "stderr", &call.record.stderr);
        }
        for host_call in &call.record.host_calls {
            writeln!(out, "  host: {host_call}").ok();
        }
        if call.record.tasks_pending {
            writeln!(out, "  {TASKS_PENDING}").ok();
        }
    }
    out
}

/// Language-specific detail of a trial, for its failure output: every trap's full error and
/// backtrace and the stderr of trapping calls.
pub fn render_detail(calls: &[CallReport]) -> String {
    let mut out = String::new();
    for call in calls {
        if let CallOutcome::Trapped { detail, .. } = &call.record.outcome {
            writeln!(out, "call {} trapped:\n{}", call.invoke, indent(detail)).ok();
            if !call.record.stderr.text.is_empty() {
                writeln!(out, "  its stderr:\n{}", indent(&call.record.stderr.text)).ok();
            }
        }
    }
    out
}

fn write_stream(out: &mut String, name: &str, output: &CallOutput) {
    let text = normalise_output(&output.text);
    if !text.is_empty() {
        for (line, repeats) in collapse_repeats(&text) {
            // Trailing blanks are not kept: insta's snapshot files do not keep them either.
            writeln!(out, "{}", format!("  {name}| {line}").trim_end()).ok();
            if repeats > 0 {
                writeln!(out, "  {name}| (the line above {repeats} more times)").ok();
            }
        }
        if !text.ends_with('\n') {
            writeln!(out, "  {name}| (no newline at end)").ok();
        }
    }
    if output.dropped > 0 {
        writeln!(
            out,
            "  {name}| (truncated: output past the limit was dropped)"
        )
        .ok();
    }
}

/// The lines of `text` with runs of identical lines folded: each distinct line once, with
/// how many more times it follows itself (a deep recursion's stack trace).
fn collapse_repeats(text: &str) -> Vec<(&str, usize)> {
    let mut lines: Vec<(&str, usize)> = Vec::new();
    for line in text.lines() {
        match lines.last_mut() {
            Some((last, repeats)) if *last == line => *repeats += 1,
            _ => lines.push((line, 0)),
        }
    }
    lines
}

/// Makes guest output comparable across languages and machines: CRLF becomes LF.
pub fn normalise_output(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Indents every line of `text` by four spaces.
pub fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use wasmtime::component::Val;

    use super::*;
    use witness_host::TrapKind;

    fn record(outcome: CallOutcome, stdout: &str, stderr: &str) -> CallRecord {
        let output = |text: &str| CallOutput {
            text: text.into(),
            dropped: 0,
        };
        CallRecord {
            outcome,
            stdout: output(stdout),
            stderr: output(stderr),
            host_calls: vec!["log(info, \"hi\")".into()],
            result_type: None,
            transmitted: None,
            tasks_pending: false,
        }
    }

    #[test]
    fn normalisation_table() {
        let cases = [
            ("a\r\nb\r\n", "a\nb\n"),
            ("plain\n", "plain\n"),
            ("", ""),
            ("no newline", "no newline"),
        ];
        for (before, after) in cases {
            assert_eq!(normalise_output(before), after, "{before:?}");
        }
    }

    #[test]
    fn render_shows_results_output_and_host_calls_but_not_trap_stderr() {
        let calls = vec![
            CallReport {
                invoke: "greeting(\"Ben\")".into(),
                interface: None,
                record: record(
                    CallOutcome::Returned(Some(Val::String("hi".into()))),
                    "one\r\ntwo",
                    "warned\n",
                ),
                new_instance: false,
                shown: None,
                at_once: (1, 0),
            },
            CallReport {
                invoke: "boom()".into(),
                interface: Some("a:b/c".into()),
                record: record(
                    CallOutcome::Trapped {
                        kind: TrapKind::Unreachable,
                        detail: "backtrace".into(),
                    },
                    "",
                    "thread panicked\n",
                ),
                new_instance: false,
                shown: None,
                at_once: (1, 0),
            },
            CallReport {
                invoke: "greeting(\"Ada\")".into(),
                interface: None,
                record: record(CallOutcome::Returned(None), "", ""),
                new_instance: true,
                shown: None,
                at_once: (1, 0),
            },
        ];
        assert!(render(&calls, true).contains("stderr| thread panicked"));
        let text = render(&calls, false);
        assert_eq!(
            text,
            "call greeting(\"Ben\")\n  result: \"hi\"\n  stdout| one\n  stdout| two\n  \
             stdout| (no newline at end)\n  stderr| warned\n  host: log(info, \"hi\")\n\
             call a:b/c#boom()\n  trap: unreachable\n  host: log(info, \"hi\")\n\
             (new instance: the trap ended the last one)\ncall greeting(\"Ada\")\n  \
             result: (none)\n  host: log(info, \"hi\")\n"
        );
        let detail = render_detail(&calls);
        assert!(detail.contains("backtrace") && detail.contains("thread panicked"));
    }
}

#[cfg(test)]
mod truncation_tests {
    use super::*;

    #[test]
    fn repeated_lines_are_folded() {
        assert_eq!(
            collapse_repeats("a\nb\nb\nb\nc\nb\n"),
            [("a", 0), ("b", 2), ("c", 0), ("b", 0)]
        );
    }

    #[test]
    fn dropped_output_shows_a_marker() {
        let mut out = String::new();
        write_stream(
            &mut out,
            "stdout",
            &CallOutput {
                text: "xx\n".into(),
                dropped: 10,
            },
        );
        assert_eq!(
            out,
            "  stdout| xx\n  stdout| (truncated: output past the limit was dropped)\n"
        );
    }
}
