//! The `github` format: GitHub Actions workflow commands, which the runner turns
//! into inline annotations on the pull request.
//!
//! `::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::message`,
//! with `::warning` and `::notice` for the other severities. Unknown properties
//! are left out; columns are given only for single-line spans, as GitHub
//! ignores them on annotations spanning lines.

use std::io::{self, Write};

use super::message_with_notes;
use crate::diagnostic::{Diagnostic, Severity};

pub(super) fn write_github(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    for diag in diags {
        let command = match diag.severity {
            Severity::Error => "error",
            Severity::Warn => "warning",
            Severity::Info => "notice",
        };
        let mut properties: Vec<(&str, String)> = Vec::new();
        if !diag.path.is_empty() {
            properties.push(("file", diag.path.clone()));
        }
        if let Some(span) = diag.span {
            properties.push(("line", span.start.line.to_string()));
            if span.start.line == span.end.line {
                properties.push(("col", span.start.column.to_string()));
            }
            properties.push(("endLine", span.end.line.to_string()));
            if span.start.line == span.end.line {
                properties.push(("endColumn", span.end.column.to_string()));
            }
        }
        properties.push(("title", diag.rule.clone()));
        let properties: Vec<String> =
            properties.iter().map(|(key, value)| format!("{key}={}", escape_property(value))).collect();
        writeln!(out, "::{command} {}::{}", properties.join(","), escape_data(&message_with_notes(diag)))?;
    }
    Ok(())
}

/// Escapes a command's message so the runner reads it back verbatim.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value, where `:` and `,` also delimit.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn render(diags: &[Diagnostic]) -> String {
        let mut out = Vec::new();
        write_github(&mut out, diags).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn github_snapshot() {
        fixture::assert_snapshot("github", &render(&fixture::diagnostics()));
    }

    #[test]
    fn github_escapes_data_and_properties() {
        assert_eq!(escape_data("50%: a,b\r\nc"), "50%25: a,b%0D%0Ac");
        assert_eq!(escape_property("C:\\a,b%\n"), "C%3A\\a%2Cb%25%0A");
        let diag = Diagnostic::error("R", "x: 1%, y").with_path("dir,1/a:b.proto");
        assert_eq!(render(&[diag]), "::error file=dir%2C1/a%3Ab.proto,title=R::x: 1%25, y\n");
    }

    #[test]
    fn github_leaves_out_what_is_unknown() {
        let rendered = render(&fixture::diagnostics());
        let lines: Vec<&str> = rendered.lines().collect();
        assert_eq!(lines.len(), 5, "line breaks inside messages must be escaped");
        assert!(lines[0].starts_with("::error title=CONFIG::"), "{}", lines[0]);
        assert!(lines[3].starts_with("::notice file=foo/v1/a.proto,line=5,col=13,endLine=5,endColumn=17,"));
        assert!(lines[4].starts_with("::error file=foo/v1/b.proto,title=COMPILE::"), "{}", lines[4]);
    }

    #[test]
    fn github_drops_columns_of_multi_line_spans() {
        let sources = fixture::sources();
        let file = sources.get("foo/v1/a.proto").unwrap();
        let diag = Diagnostic::error("R", "m").with_span(file, 0, 30);
        assert_eq!(render(&[diag]), "::error file=foo/v1/a.proto,line=1,endLine=2,title=R::m\n");
    }
}
