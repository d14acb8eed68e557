//! A trial's `expect` values: each call's result compared with its `[[call]]`'s `expect`, as
//! values (flags as sets, floats by value), every call that differs named with its line.

use witness_host::CallOutcome;
use witness_host::value;

use crate::error::Mismatch;
use crate::observation::Ran;

/// Every call of `ran` whose result is not its `expect`.
pub fn mismatches(ran: &Ran) -> Vec<Mismatch> {
    let calls = &ran.plan.file.calls;
    let mut found = Vec::new();
    for (report, &i) in ran.calls.reports.iter().zip(&ran.calls.indices) {
        let Some(spec) = calls.get(i) else { continue };
        let Some(expect) = &spec.expect else { continue };
        let mismatch = |expected: String, actual: String, problem: Option<String>| Mismatch {
            call: i + 1,
            entry: spec.entry + 1,
            line: ran.plan.fixture.entry_line("call", i),
            invoke: spec.invoke.clone(),
            expected,
            actual,
            problem,
        };
        if let Some(transmitted) = &report.record.transmitted {
            // A stream or future is compared as the snapshot shows it: `stream[1, 2]`.
            let shown = transmitted.to_string();
            let squeeze = |text: &str| {
                // Blanks between items go; blanks inside a string stay.
                let mut out = String::new();
                let (mut quoted, mut escaped) = (false, false);
                for c in text.chars() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' if quoted => escaped = true,
                        '"' => quoted = !quoted,
                        c if c.is_whitespace() && !quoted => continue,
                        _ => {}
                    }
                    out.push(c);
                }
                out
            };
            if squeeze(&shown) != squeeze(expect) {
                found.push(mismatch(expect.clone(), shown, None));
            }
            continue;
        }
        match (&report.record.outcome, &report.record.result_type) {
            (CallOutcome::Returned(Some(actual)), Some(ty)) => {
                match value::parse_expected(ty, expect) {
                    Ok(expected) if value::values_equal(&expected, actual) => {}
                    Ok(expected) => found.push(mismatch(
                        value::to_wave(&expected),
                        value::to_wave(actual),
                        None,
                    )),
                    // The error names the result type, where it failed and a hint.
                    Err(e) => found.push(mismatch(
                        expect.clone(),
                        value::to_wave(actual),
                        Some(format!("`expect` is not a value of the result type: {e}")),
                    )),
                }
            }
            (CallOutcome::Returned(_), _) => found.push(mismatch(
                expect.clone(),
                "nothing".into(),
                Some(format!(
                    "expected {expect}, but the function returns nothing"
                )),
            )),
            (CallOutcome::Trapped { kind, .. }, _) => found.push(mismatch(
                expect.clone(),
                format!("trap: {kind}"),
                Some(format!("expected {expect}, but it trapped: {kind}")),
            )),
        }
    }
    found
}
