//! The `sarif` format: one SARIF 2.1.0 log with one run, for GitHub code
//! scanning and other SARIF viewers.
//!
//! Paths become URIs relative to `%SRCROOT%` (the directory idl ran in), so
//! uploads from the repository root line up with the repository's files.
//! Columns count Unicode code points, as `columnKind` says. Each result carries
//! a `partialFingerprints["idl/v1"]` that survives unrelated edits moving it to
//! another line, so code scanning keeps tracking the same alert.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{ReportOptions, message_with_notes};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
const FINGERPRINT_KEY: &str = "idl/v1";

pub(super) fn write_sarif(
    out: &mut dyn Write,
    diags: &[Diagnostic],
    sources: &Sources,
    opts: &ReportOptions,
) -> io::Result<()> {
    let rule_ids: Vec<&str> = diags.iter().map(|d| d.rule.as_str()).collect::<BTreeSet<_>>().into_iter().collect();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|&id| {
            let summary = (opts.rule_summary)(id).unwrap_or_else(|| id.to_string());
            json!({ "id": id, "shortDescription": { "text": summary } })
        })
        .collect();
    let mut driver = json!({ "name": "idl", "version": opts.tool_version, "rules": rules });
    // Cargo leaves these empty until the manifest sets them; SARIF wants a URI or nothing.
    if let Some(uri) = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")].into_iter().find(|u| !u.is_empty()) {
        driver["informationUri"] = json!(uri);
    }
    let results: Vec<Value> = diags
        .iter()
        .map(|diag| {
            let rule_index = rule_ids.binary_search(&diag.rule.as_str()).expect("every rule is listed");
            result(diag, rule_index, sources)
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            // GitHub takes everything up to the last `/` as the analysis category.
            "automationDetails": { "id": format!("idl/{}/", opts.command) },
            "originalUriBaseIds": {
                SRCROOT: { "description": { "text": "The directory idl ran in." } }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn result(diag: &Diagnostic, rule_index: usize, sources: &Sources) -> Value {
    let level = match diag.severity {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    };
    let mut result = json!({
        "ruleId": diag.rule,
        "ruleIndex": rule_index,
        "level": level,
        "message": { "text": message_with_notes(diag) },
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint(diag, sources) },
    });
    if !diag.path.is_empty() {
        let mut location = json!({ "artifactLocation": artifact_location(&diag.path) });
        if let Some(span) = diag.span {
            location["region"] = json!({
                "startLine": span.start.line,
                "startColumn": span.start.column,
                "endLine": span.end.line,
                "endColumn": span.end.column,
            });
        }
        result["locations"] = json!([{ "physicalLocation": location }]);
    }
    result
}

/// The path with `/` separators, as written in URIs and hashed in fingerprints.
fn portable_path(path: &str) -> String {
    path.replace(std::path::MAIN_SEPARATOR, "/")
}

/// A URI relative to `%SRCROOT%`, or a `file:` URI for an absolute path.
fn artifact_location(path: &str) -> Value {
    let path = portable_path(path);
    let drive = path.get(..2).filter(|d| d.ends_with(':') && d.starts_with(|c: char| c.is_ascii_alphabetic()));
    match (path.strip_prefix('/'), drive) {
        (Some(rest), _) => json!({ "uri": format!("file:///{}", percent_encode(rest)) }),
        (None, Some(drive)) => {
            json!({ "uri": format!("file:///{drive}{}", percent_encode(&path[2..])) })
        }
        (None, None) => json!({ "uri": percent_encode(&path), "uriBaseId": SRCROOT }),
    }
}

/// Percent-encodes every byte but RFC 3986's unreserved characters and `/`.
fn percent_encode(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(char::from(byte))
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// SHA-256 (hex) of the rule, the portable path, the message and the trimmed
/// text of the span's first line, each followed by a NUL byte. Line numbers are
/// left out on purpose: a finding keeps its fingerprint when lines above it move.
fn fingerprint(diag: &Diagnostic, sources: &Sources) -> String {
    let line_text = diag
        .span
        .zip(sources.get(&diag.path))
        .filter(|(span, file)| (span.start.line as usize) <= file.line_count())
        .map_or("", |(span, file)| file.line_text(span.start.line as usize - 1).trim());
    let mut hasher = Sha256::new();
    for part in [diag.rule.as_str(), &portable_path(&diag.path), &diag.message, line_text] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn render(diags: &[Diagnostic]) -> Value {
        let mut out = Vec::new();
        write_sarif(&mut out, diags, &fixture::sources(), &fixture::options()).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn sarif_snapshot() {
        let mut out = Vec::new();
        write_sarif(&mut out, &fixture::diagnostics(), &fixture::sources(), &fixture::options()).unwrap();
        fixture::assert_snapshot("sarif", &String::from_utf8(out).unwrap());
    }

    /// The schema is the OASIS one, vendored unmodified (see `testdata/report/README.md`).
    #[test]
    fn sarif_validates_against_the_2_1_0_schema() {
        // The published `language` patterns have a stray `]` that JavaScript reads as a literal
        // but strict ECMA-262 (and so the validator) rejects; escaping it keeps JavaScript's meaning.
        let published = include_str!("../../testdata/report/sarif-schema-2.1.0.json");
        let stray_bracket = r#"-[a-zA-Z]{2}]?$""#;
        assert_eq!(published.matches(stray_bracket).count(), 2);
        let schema: Value = serde_json::from_str(&published.replace(stray_bracket, r#"-[a-zA-Z]{2}\\]?$""#)).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        for diags in [fixture::diagnostics(), Vec::new()] {
            let log = render(&diags);
            let errors: Vec<String> =
                validator.iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
            assert!(errors.is_empty(), "{errors:#?}");
        }
        // The validator must be able to fail, or the test above proves nothing.
        let mut broken = render(&fixture::diagnostics());
        broken["runs"][0]["results"][1]["level"] = json!("fatal");
        assert!(!validator.is_valid(&broken));
    }

    #[test]
    fn sarif_lists_each_rule_once_sorted_and_indexes_it() {
        let log = render(&fixture::diagnostics());
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["COMMENT_TODO", "COMPILE", "CONFIG", "FIELD_LOWER_SNAKE_CASE", "MESSAGE_PASCAL_CASE"]);
        assert_eq!(rules[4]["shortDescription"]["text"], "Message names are PascalCase.");
        assert_eq!(rules[0]["shortDescription"]["text"], "COMMENT_TODO");
        for result in run["results"].as_array().unwrap() {
            assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"], result["ruleId"]);
        }
        assert_eq!(run["automationDetails"]["id"], "idl/lint/");
    }

    #[test]
    fn sarif_locations_follow_what_is_known() {
        let log = render(&fixture::diagnostics());
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert!(results[0].get("locations").is_none(), "no path, no location");
        let compile = &results[4]["locations"][0]["physicalLocation"];
        assert_eq!(compile["artifactLocation"]["uri"], "foo/v1/b.proto");
        assert!(compile.get("region").is_none());
        let todo = &results[3]["locations"][0]["physicalLocation"];
        assert_eq!(todo["region"], json!({ "startLine": 5, "startColumn": 13, "endLine": 5, "endColumn": 17 }));
        assert_eq!(todo["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(results[3]["level"], "note");
    }

    #[test]
    fn sarif_uris_are_percent_encoded() {
        assert_eq!(artifact_location("a b/中.proto")["uri"], "a%20b/%E4%B8%AD.proto");
        assert_eq!(artifact_location("/abs/x#1.proto"), json!({ "uri": "file:///abs/x%231.proto" }));
        assert_eq!(artifact_location("C:/p/x.proto"), json!({ "uri": "file:///C:/p/x.proto" }));
    }

    #[test]
    fn sarif_fingerprints_survive_line_shifts_but_not_other_changes() {
        let diag = fixture::diagnostics().remove(1);
        let sources = fixture::sources();
        let before = fingerprint(&diag, &sources);

        let shifted_text = format!("// new first line\n{}", fixture::A_PROTO);
        let shifted_file =
            crate::source::SourceFile::new("foo/v1/a.proto", "foo/v1/a.proto", shifted_text.as_str().into());
        let start = shifted_text.find("bad_name").unwrap();
        let mut shifted_sources = Sources::default();
        shifted_sources.insert(shifted_file.clone());
        let mut shifted = diag.clone();
        shifted.span = Some(crate::diagnostic::Span::new(&shifted_file, start, start + 8));
        assert_eq!(fingerprint(&shifted, &shifted_sources), before);

        let mut other_message = diag.clone();
        other_message.message.push('!');
        assert_ne!(fingerprint(&other_message, &sources), before);
        // Pinned: a change of hash input or algorithm must be deliberate (bump `idl/v1`).
        assert_eq!(before, "4c2e6d4a3241a5c95ef8f482a570eba6d6438e0a4e6a504f9135c283044861c3");
    }
}
