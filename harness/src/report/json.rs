//! JSON lines: one object per trial, then one summary object, each on its own line.
//!
//! ```json
//! {"type":"trial","name":"greeting::js","fixture":"greeting","language":"js","world":"witness:plugin@0.2.0","status":"failed","duration":0.31,"kind":"snapshot-differs","message":"…","failures":[{"kind":"snapshot-differs","message":"…"}],"fixture_file":"…","guest":"…","component":"…","rerun":"…","detail":null}
//! {"type":"summary","passed":26,"failed":1,"skipped":0,"toolchains":{"channel":"pinned","rust":{"wit-bindgen":"0.61.1"},"js":{"componentize-js":"0.23.0","jco":"1.35.0"}}}
//! ```
//!
//! `kind` is one of the stable names of [`TrialError::kind`](crate::error::TrialError::kind)
//! and `message` the human text of the trial's first failure; `failures` lists every failure
//! of the trial (each failing call and property is reported) as `{"kind", "message"}`. The
//! summary's `toolchains` names the channel (`pinned` or `latest`) and, for each language
//! that built, its tools and the versions used; it is left out when nothing was built.

use serde_json::{Value, json};

use crate::runner::{TrialResult, TrialStatus};
use crate::toolchain::channel::Toolchains;

/// The JSON lines of `results`, without the toolchains.
pub fn lines(results: &[TrialResult]) -> String {
    report(results, &Toolchains::default())
}

/// The JSON lines of `results`, the summary naming `toolchains`.
pub fn report(results: &[TrialResult], toolchains: &Toolchains) -> String {
    let mut out = String::new();
    for r in results {
        let mut object = json!({
            "type": "trial",
            "name": r.name(),
            "fixture": r.fixture,
            "language": r.language.name(),
            "provider": r.provider.map(|p| p.name()),
            "world": r.world,
            "duration": r.duration.as_secs_f64(),
        });
        let fields = match &r.status {
            TrialStatus::Passed => json!({
                "status": "passed",
                "known_divergences": r.known.iter().map(|k| json!({
                    "function": k.function,
                    "reason": k.reason,
                    "upstream": k.upstream,
                })).collect::<Vec<_>>(),
            }),
            TrialStatus::Skipped(reason) => json!({"status": "skipped", "reason": reason}),
            TrialStatus::Unsupported(reason) => json!({
                "status": "skipped",
                "unsupported": true,
                "reason": format!("unsupported: {reason}"),
            }),
            TrialStatus::Failed(failure) => {
                let c = &failure.context;
                json!({
                    "status": "failed",
                    "kind": failure.error.kind(),
                    "message": failure.error.to_string(),
                    "failures": failure.errors().map(|e| json!({
                        "kind": e.kind(),
                        "message": e.to_string(),
                    })).collect::<Vec<_>>(),
                    "fixture_file": c.fixture_file,
                    "guest": c.guest,
                    "component": c.component,
                    "rerun": c.rerun,
                    "detail": failure.detail,
                })
            }
        };
        if let (Value::Object(object), Value::Object(fields)) = (&mut object, fields) {
            object.extend(fields);
        }
        out.push_str(&object.to_string());
        out.push('\n');
    }
    let (passed, failed, skipped) = super::counts(results);
    let mut summary =
        json!({"type": "summary", "passed": passed, "failed": failed, "skipped": skipped});
    if !toolchains.is_empty() {
        let mut object = serde_json::Map::new();
        object.insert("channel".into(), toolchains.channel.name().into());
        for (language, tools) in &toolchains.languages {
            let tools: serde_json::Map<String, Value> = tools
                .iter()
                .map(|t| (t.tool.clone(), Value::from(t.version.clone())))
                .collect();
            object.insert(language.name().into(), tools.into());
        }
        summary["toolchains"] = object.into();
    }
    out.push_str(&summary.to_string());
    out.push('\n');
    out
}
