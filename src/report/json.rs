//! The `json` format: JSON Lines, the contract editors and scripts build on.
//!
//! One object per finding, one finding per line, keys in this order:
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `path` | string | the path shown to users; `""` when the finding concerns no file |
//! | `start_line`, `start_column` | number | 1-based start; columns count Unicode characters |
//! | `end_line`, `end_column` | number | 1-based end, exclusive (the character after the span) |
//! | `start_utf16`, `end_utf16` | number | the same two columns counted in UTF-16 code units (LSP) |
//! | `rule` | string | rule ID (`ENUM_PASCAL_CASE`), or `COMPILE` / `IO` / `CONFIG` |
//! | `severity` | string | `error`, `warning` or `info` |
//! | `message` | string | one sentence; may contain line breaks |
//! | `notes` | array of strings | extra help; omitted when empty |
//! | `fix` | object | `{description, safe, edits}`; omitted when there is none |
//!
//! The six position keys are omitted together when the finding has no span.
//! Each edit of a fix is `{start_line, start_column, end_line, end_column,
//! start_utf16, end_utf16, replacement}` with the same conventions; a fix whose
//! file is not among the sources cannot be located and is omitted.
//!
//! The field names follow `buf --error-format=json` where the two overlap.
//! Keys may be added in later versions; none will be renamed or removed.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::source::{Position, SourceFile, Sources};

#[derive(Serialize)]
struct Finding<'a> {
    path: &'a str,
    #[serde(flatten)]
    range: Option<Range>,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct Range {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    start_utf16: u32,
    end_utf16: u32,
}

impl Range {
    fn new(start: Position, end: Position) -> Self {
        Range {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
            start_utf16: start.column_utf16,
            end_utf16: end.column_utf16,
        }
    }
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    safe: bool,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(flatten)]
    range: Range,
    replacement: &'a str,
}

impl<'a> JsonFix<'a> {
    fn new(fix: &'a Fix, file: &SourceFile) -> Self {
        let edits = fix
            .edits
            .iter()
            .map(|edit| JsonEdit {
                range: Range::new(file.position(edit.start), file.position(edit.end)),
                replacement: &edit.replacement,
            })
            .collect();
        JsonFix { description: &fix.description, safe: fix.safe, edits }
    }
}

pub(super) fn write_json(out: &mut dyn Write, diags: &[Diagnostic], sources: &Sources) -> io::Result<()> {
    for diag in diags {
        let file = sources.get(&diag.path);
        let finding = Finding {
            path: &diag.path,
            range: diag.span.map(|span| Range::new(span.start, span.end)),
            rule: &diag.rule,
            severity: diag.severity,
            message: &diag.message,
            notes: &diag.notes,
            fix: diag.fix.as_ref().zip(file).map(|(fix, file)| JsonFix::new(fix, file)),
        };
        serde_json::to_writer(&mut *out, &finding)?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::fixture;
    use super::*;

    fn render(diags: &[Diagnostic]) -> String {
        let mut out = Vec::new();
        write_json(&mut out, diags, &fixture::sources()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_snapshot() {
        fixture::assert_snapshot("json", &render(&fixture::diagnostics()));
    }

    #[test]
    fn json_keys_keep_the_documented_order() {
        let rendered = render(&fixture::diagnostics());
        let line = rendered.lines().nth(1).unwrap();
        let keys = [
            "path",
            "start_line",
            "start_column",
            "end_line",
            "end_column",
            "start_utf16",
            "end_utf16",
            "rule",
            "severity",
            "message",
            "notes",
            "fix",
        ];
        let offsets: Vec<usize> = keys.iter().map(|k| line.find(&format!("\"{k}\":")).unwrap()).collect();
        assert!(offsets.is_sorted(), "{line}");
    }

    #[test]
    fn json_columns_count_characters_and_utf16_units() {
        let rendered = render(&fixture::diagnostics());
        let todo: Value = serde_json::from_str(rendered.lines().nth(3).unwrap()).unwrap();
        assert_eq!(todo["rule"], "COMMENT_TODO");
        // `  // 𠮷野家 中文 ` is 12 characters; 𠮷 takes two UTF-16 units.
        assert_eq!((todo["start_column"].as_u64(), todo["start_utf16"].as_u64()), (Some(13), Some(14)));
        assert_eq!((todo["end_column"].as_u64(), todo["end_utf16"].as_u64()), (Some(17), Some(18)));
        assert_eq!(todo["severity"], "info");
    }

    #[test]
    fn json_omits_what_is_unknown() {
        let rendered = render(&fixture::diagnostics());
        let config: Value = serde_json::from_str(rendered.lines().next().unwrap()).unwrap();
        let keys: Vec<&String> = config.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["message", "path", "rule", "severity"]);
        assert_eq!(config["path"], "");
    }

    #[test]
    fn json_fix_edits_use_positions_of_the_file() {
        let rendered = render(&fixture::diagnostics());
        let named: Value = serde_json::from_str(rendered.lines().nth(1).unwrap()).unwrap();
        let edit = &named["fix"]["edits"][0];
        assert_eq!(named["fix"]["safe"], false);
        assert_eq!((edit["start_line"].as_u64(), edit["start_column"].as_u64()), (Some(3), Some(9)));
        assert_eq!((edit["end_line"].as_u64(), edit["end_column"].as_u64()), (Some(3), Some(17)));
        assert_eq!(edit["replacement"], "BadName");
        assert_eq!(named["notes"][0], "PascalCase keeps generated class names idiomatic");
    }
}
