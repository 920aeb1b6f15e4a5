//! The `gitlab` format: a GitLab Code Quality report (a JSON array in the
//! CodeClimate shape GitLab reads from `artifacts:reports:codequality`), so
//! findings show in merge-request widgets and diffs.
//!
//! ```json
//! [{"description": "[ENUM_PASCAL_CASE] Enum name ...", "check_name": "ENUM_PASCAL_CASE",
//!   "fingerprint": "…", "severity": "major",
//!   "location": {"path": "foo/v1/bad.proto", "lines": {"begin": 4, "end": 4}}}]
//! ```
//!
//! GitLab matches findings between the base and head pipelines by `fingerprint`,
//! so it leaves out the line (a finding that only moved is not new): it hashes the
//! rule, path and message, plus an occurrence number for identical findings.
//! Severities: error → `major`, warning → `minor`, info → `info`. GitLab needs a
//! line, so a finding without a span is placed on line 1 of its path.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::json;
use sha2::{Digest, Sha256};

use super::message_with_notes;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn write_gitlab(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let issues: Vec<serde_json::Value> = diags
        .iter()
        .map(|diag| {
            let occurrence = seen.entry((&diag.rule, &diag.path, &diag.message)).or_insert(0);
            *occurrence += 1;
            let mut hasher = Sha256::new();
            for part in [diag.rule.as_str(), diag.path.as_str(), diag.message.as_str(), &occurrence.to_string()] {
                hasher.update(part.as_bytes());
                hasher.update([0]);
            }
            let fingerprint: String = hasher.finalize().iter().take(16).map(|byte| format!("{byte:02x}")).collect();
            let (begin, end) = diag.span.map_or((1, 1), |span| (span.start.line, span.end.line));
            json!({
                "description": format!("[{}] {}", diag.rule, message_with_notes(diag)),
                "check_name": diag.rule,
                "fingerprint": fingerprint,
                "severity": match diag.severity {
                    Severity::Error => "major",
                    Severity::Warn => "minor",
                    Severity::Info => "info",
                },
                "location": { "path": diag.path, "lines": { "begin": begin, "end": end } },
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn render(diags: &[Diagnostic]) -> String {
        let mut out = Vec::new();
        write_gitlab(&mut out, diags).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn gitlab_snapshot() {
        fixture::assert_snapshot("gitlab", &render(&fixture::diagnostics()));
    }

    #[test]
    fn identical_findings_get_distinct_fingerprints_that_ignore_the_line() {
        let a = Diagnostic::error("R", "same").with_path("a.proto");
        let rendered: serde_json::Value = serde_json::from_str(&render(&[a.clone(), a.clone()])).unwrap();
        assert_ne!(rendered[0]["fingerprint"], rendered[1]["fingerprint"]);
        let again: serde_json::Value = serde_json::from_str(&render(&[a])).unwrap();
        assert_eq!(again[0]["fingerprint"], rendered[0]["fingerprint"]);
        assert_eq!(render(&[]), "[]\n");
    }
}
