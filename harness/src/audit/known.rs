//! Causes written down as known (`witness audit --known FILE`): `[[known-divergence]]`
//! entries in the fixture shape, keyed by language and the smallest failing type instead of
//! a function, each with its reason and upstream report:
//!
//! ```toml
//! [[known-divergence]]
//! language = "js"
//! type = "u32"                      # the cause's smallest type, in WIT syntax
//! # direction = "export-result"     # optional: only this path
//! # kind = "wrong-value"            # optional: only this kind
//! reason = "componentize-js 0.23.0 returns a u32 of 2^31 or more wrong"
//! upstream = "https://github.com/bytecodealliance/ComponentizeJS/issues"
//! ```

use std::path::Path;

use serde::Deserialize;

use super::hazard::{Direction, Kind};
use super::run::{AuditError, AuditReport};
use crate::language::Language;

/// The entries of a `--known` file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownCauses {
    /// The entries.
    #[serde(default, rename = "known-divergence")]
    pub entries: Vec<KnownCause>,
}

/// One entry: a cause of `language` at `type` (and `direction`, `kind` where given).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownCause {
    /// The language.
    pub language: Language,
    /// The smallest failing type, in WIT syntax.
    #[serde(rename = "type")]
    pub wit_type: String,
    /// Only this path.
    #[serde(default)]
    pub direction: Option<String>,
    /// Only this kind.
    #[serde(default)]
    pub kind: Option<String>,
    /// What goes wrong, naming the toolchain and its version.
    pub reason: String,
    /// Where the toolchain tracks it.
    pub upstream: String,
}

impl KnownCauses {
    /// Reads `path`; an error names the file and line.
    pub fn read(path: &Path) -> Result<Self, AuditError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AuditError::Usage(format!("--known {}: {e}", path.display())))?;
        let known: KnownCauses = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            AuditError::Usage(format!(
                "--known {}{}: {}",
                path.display(),
                line.map(|l| format!(":{l}")).unwrap_or_default(),
                e.message()
            ))
        })?;
        for (i, entry) in known.entries.iter().enumerate() {
            if let Some(d) = &entry.direction
                && Direction::parse(d).is_none()
            {
                return Err(AuditError::Usage(format!(
                    "--known {}: entry #{}: `{d}` is not a direction (export-argument, \
                     export-result, import-argument, import-result, roundtrip, relay)",
                    path.display(),
                    i + 1
                )));
            }
            if let Some(k) = &entry.kind
                && Kind::parse(k).is_none()
            {
                return Err(AuditError::Usage(format!(
                    "--known {}: entry #{}: `{k}` is not a kind (wrong-value, seen-wrong, trap)",
                    path.display(),
                    i + 1
                )));
            }
        }
        Ok(known)
    }

    /// Marks each cause of `report` an entry writes down as known, with its reason.
    pub fn mark(&self, report: &mut AuditReport) {
        for cause in &mut report.causes {
            let entry = self.entries.iter().find(|e| {
                e.language == cause.language
                    && e.wit_type.replace(' ', "") == cause.wit_type.replace(' ', "")
                    && e.direction
                        .as_deref()
                        .is_none_or(|d| d == cause.direction.name())
                    && e.kind.as_deref().is_none_or(|k| k == cause.kind.name())
            });
            if let Some(entry) = entry {
                cause.known = Some(format!("{} ({})", entry.reason, entry.upstream));
            }
        }
    }
}
