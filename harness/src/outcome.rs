//! A trial's outcome as one normalised text: every call with its result or trap kind, and
//! the stdout, stderr and host calls it produced. This text is what the shared snapshot
//! holds, so it says nothing that depends on the guest's language.

use std::fmt::Write as _;

use crate::host::{CallOutcome, CallRecord};
use crate::value::to_wave;

/// One call as written in the fixture and what it did.
#[derive(Debug, Clone)]
pub struct CallReport {
    /// The WAVE call expression from fixture.toml.
    pub invoke: String,
    /// The exported interface the function was looked up in, if any.
    pub interface: Option<String>,
    /// What the call did.
    pub record: CallRecord,
}

/// Renders the shared-snapshot text of a trial.
pub fn render(calls: &[CallReport]) -> String {
    let mut out = String::new();
    for call in calls {
        match &call.interface {
            Some(iface) => writeln!(out, "call {iface}#{}", call.invoke),
            None => writeln!(out, "call {}", call.invoke),
        }
        .ok();
        match &call.record.outcome {
            CallOutcome::Returned(Some(value)) => writeln!(out, "  result: {}", to_wave(value)),
            CallOutcome::Returned(None) => writeln!(out, "  result: (none)"),
            CallOutcome::Trapped { kind, .. } => writeln!(out, "  trap: {kind}"),
        }
        .ok();
        write_stream(&mut out, "stdout", &call.record.stdout);
        // After a trap, stderr holds the guest runtime's own report (a panic message, a JS
        // or Python traceback): language-specific, so it goes to the failure output only.
        if !matches!(call.record.outcome, CallOutcome::Trapped { .. }) {
            write_stream(&mut out, "stderr", &call.record.stderr);
        }
        for host_call in &call.record.host_calls {
            writeln!(out, "  host: {host_call}").ok();
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
            if !call.record.stderr.is_empty() {
                writeln!(out, "  its stderr:\n{}", indent(&call.record.stderr)).ok();
            }
        }
    }
    out
}

fn write_stream(out: &mut String, name: &str, text: &str) {
    let text = normalise_output(text);
    if text.is_empty() {
        return;
    }
    let ends_with_newline = text.ends_with('\n');
    for line in text.lines() {
        writeln!(out, "  {name}| {line}").ok();
    }
    if !ends_with_newline {
        writeln!(out, "  {name}| (no newline at end)").ok();
    }
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
    use crate::host::TrapKind;

    fn record(outcome: CallOutcome, stdout: &str, stderr: &str) -> CallRecord {
        CallRecord {
            outcome,
            stdout: stdout.into(),
            stderr: stderr.into(),
            host_calls: vec!["log(info, \"hi\")".into()],
            result_type: None,
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
            },
        ];
        let text = render(&calls);
        assert_eq!(
            text,
            "call greeting(\"Ben\")\n  result: \"hi\"\n  stdout| one\n  stdout| two\n  \
             stdout| (no newline at end)\n  stderr| warned\n  host: log(info, \"hi\")\n\
             call a:b/c#boom()\n  trap: unreachable\n  host: log(info, \"hi\")\n"
        );
        let detail = render_detail(&calls);
        assert!(detail.contains("backtrace") && detail.contains("thread panicked"));
    }
}
