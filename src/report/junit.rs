//! The `junit` format: JUnit XML in the shape `buf lint --error-format=junit`
//! emits, so CI test-report plugins set up for buf keep working.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites>
//!   <testsuite name="foo/v1/bad" tests="1" failures="1" errors="0">
//!     <testcase name="ENUM_PASCAL_CASE_4_6">
//!       <failure message="foo/v1/bad.proto:4:6:Enum name &#34;color&#34; ..." type="ENUM_PASCAL_CASE"></failure>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! One suite per file, in order of first appearance, named by the path without
//! `.proto` (`<input>` for findings without a path); one test case per finding,
//! named `RULE_LINE_COLUMN` (just `RULE` without a span); every finding is a
//! failure whatever its severity. Unlike buf, the document starts with an XML
//! declaration (some JUnit readers refuse a document without one), a
//! finding without a span has no made-up `1:1` in its failure message, notes
//! become the failure's text, and a clean run still writes an (empty)
//! `<testsuites>` document, where buf writes nothing that a report parser could read.

use std::io::{self, Write};

use super::location;
use crate::diagnostic::Diagnostic;

const NO_PATH_SUITE: &str = "<input>";

pub(super) fn write_junit(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    let mut suites: Vec<(&str, Vec<&Diagnostic>)> = Vec::new();
    for diag in diags {
        match suites.iter_mut().find(|(path, _)| *path == diag.path) {
            Some((_, members)) => members.push(diag),
            None => suites.push((&diag.path, vec![diag])),
        }
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, "<testsuites>")?;
    for (path, members) in suites {
        let name = if path.is_empty() { NO_PATH_SUITE } else { path.strip_suffix(".proto").unwrap_or(path) };
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{n}" failures="{n}" errors="0">"#,
            escape(name),
            n = members.len()
        )?;
        for diag in members {
            let case = match diag.span {
                Some(span) => format!("{}_{}_{}", diag.rule, span.start.line, span.start.column),
                None => diag.rule.clone(),
            };
            let message = match location(diag) {
                Some(location) => format!("{location}:{}", diag.message),
                None => diag.message.clone(),
            };
            writeln!(out, r#"    <testcase name="{}">"#, escape(&case))?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                escape(&message),
                escape(&diag.rule),
                escape(&diag.notes.join("\n"))
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Escapes text for attribute values and element content the way Go's
/// `xml.EscapeText` does (so the output matches buf's byte for byte): line
/// breaks and tabs as character references, which attribute-value
/// normalization would otherwise turn into spaces, and characters XML 1.0
/// cannot carry replaced by U+FFFD.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => escaped.push_str("&#34;"),
            '\'' => escaped.push_str("&#39;"),
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\t' => escaped.push_str("&#x9;"),
            '\n' => escaped.push_str("&#xA;"),
            '\r' => escaped.push_str("&#xD;"),
            '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}' => escaped.push(c),
            _ => escaped.push('\u{FFFD}'),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn render(diags: &[Diagnostic]) -> String {
        let mut out = Vec::new();
        write_junit(&mut out, diags).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn junit_snapshot() {
        fixture::assert_snapshot("junit", &render(&fixture::diagnostics()));
    }

    #[test]
    fn junit_escapes_markup_quotes_breaks_and_invalid_characters() {
        assert_eq!(escape(r#"<a & "b" 'c'>"#), "&lt;a &amp; &#34;b&#34; &#39;c&#39;&gt;");
        assert_eq!(escape("a\tb\r\nc\u{1}\u{FFFE}é𠮷"), "a&#x9;b&#xD;&#xA;c\u{FFFD}\u{FFFD}é𠮷");
    }

    #[test]
    fn junit_groups_by_file_in_order_of_appearance() {
        let diag = |path: &str, rule: &str| Diagnostic::error(rule, "m").with_path(path);
        let rendered = render(&[diag("b.proto", "X"), diag("a.proto", "Y"), diag("b.proto", "Z")]);
        let suites: Vec<&str> = rendered.lines().filter(|l| l.contains("<testsuite ")).collect();
        assert_eq!(
            suites,
            [
                r#"  <testsuite name="b" tests="2" failures="2" errors="0">"#,
                r#"  <testsuite name="a" tests="1" failures="1" errors="0">"#,
            ]
        );
    }

    /// The exact lines `buf lint --error-format=junit` (v1.75.0) printed for one
    /// finding, after the XML declaration buf leaves out.
    #[test]
    fn junit_matches_buf_for_a_plain_finding() {
        let file = crate::source::SourceFile::new(
            "foo/v1/bad.proto",
            "foo/v1/bad.proto",
            "syntax = \"proto3\";\npackage foo.v1;\nmessage bad_name { string FieldA = 1; }\nenum color { RED = 0; }\n"
                .into(),
        );
        let start = file.text.find("color").unwrap();
        let diag =
            Diagnostic::error("ENUM_PASCAL_CASE", "Enum name \"color\" should be PascalCase, such as \"Color\".")
                .with_span(&file, start, start + 5);
        assert_eq!(
            render(&[diag]),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="foo/v1/bad" tests="1" failures="1" errors="0">
    <testcase name="ENUM_PASCAL_CASE_4_6">
      <failure message="foo/v1/bad.proto:4:6:Enum name &#34;color&#34; should be PascalCase, such as &#34;Color&#34;." type="ENUM_PASCAL_CASE"></failure>
    </testcase>
  </testsuite>
</testsuites>
"#
        );
    }
}
