//! JUnit XML: one `testsuite` named `witness`, one `testcase` per trial named
//! `<fixture>::<language>` with the language as its class name; a failure carries the first
//! line of its first error as `message` (with how many more there are), its kind as `type`
//! and the whole human text, every failure of the trial, as its body; a skipped trial
//! carries its reason. The suite's properties name the toolchains used:
//! `toolchains.channel` (`pinned` or `latest`) and `toolchain.<language>.<tool>` with the
//! version, such as `toolchain.js.componentize-js` = `0.23.0`.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::runner::{TrialResult, TrialStatus};
use crate::toolchain::channel::Toolchains;

/// The JUnit XML report of `results`, built with `toolchains`.
pub fn report(results: &[TrialResult], toolchains: &Toolchains) -> String {
    let mut suite = TestSuite::new("witness");
    if !toolchains.is_empty() {
        suite.add_property(("toolchains.channel", toolchains.channel.name()));
        for (language, tools) in &toolchains.languages {
            for tool in tools {
                suite.add_property((
                    format!("toolchain.{language}.{}", tool.tool).as_str(),
                    tool.version.as_str(),
                ));
            }
        }
    }
    for r in results {
        let status = match &r.status {
            TrialStatus::Passed => TestCaseStatus::success(),
            TrialStatus::Failed(failure) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status
                    .set_message(failure.summary())
                    .set_type(failure.error.kind())
                    .set_description(failure.render(&r.fixture, r.lineup()));
                status
            }
            TrialStatus::Skipped(reason) => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(reason.as_str());
                status
            }
            TrialStatus::Unsupported(reason) => {
                let mut status = TestCaseStatus::skipped();
                status
                    .set_message(format!("unsupported: {reason}"))
                    .set_type("unsupported");
                status
            }
        };
        let mut case = TestCase::new(r.name(), status);
        case.set_classname(r.lineup().to_string())
            .set_time(r.duration);
        if !r.known.is_empty() {
            let known: Vec<String> = r
                .known
                .iter()
                .map(|k| format!("known divergence: {k}"))
                .collect();
            case.set_system_out(known.join("\n"));
        }
        suite.add_test_case(case);
    }
    let mut report = Report::new("witness");
    report.add_test_suite(suite);
    // Serialising an in-memory report writes to a String and cannot fail.
    report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- failed to write the JUnit report: {e} -->\n"))
}
