//! The human formats: `text` (miette snippets plus a summary line) and `short`
//! (one grep- and editor-friendly line per finding).

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::location;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;

/// One finding as miette sees it.
struct Report<'a> {
    diag: &'a Diagnostic,
    /// The headline: the message, prefixed with its location when no snippet shows it.
    headline: String,
    snippet: Option<(NamedSource<Arc<str>>, LabeledSpan)>,
    help: Option<String>,
}

impl<'a> Report<'a> {
    fn new(diag: &'a Diagnostic, sources: &Sources) -> Self {
        let snippet = diag.span.and_then(|span| {
            let file = sources.get(&diag.path)?;
            // A span from a stale or different text would make miette panic or lie.
            (span.end_offset <= file.text.len()
                && file.text.is_char_boundary(span.start_offset)
                && file.text.is_char_boundary(span.end_offset))
            .then(|| {
                // miette would count the header's column in bytes; name the source with ours.
                let name = format!("{}:{}:{}", diag.path, span.start.line, span.start.column);
                let source = NamedSource::new(name, file.text.clone());
                let len = span.end_offset - span.start_offset;
                (source, LabeledSpan::new(None, span.start_offset, len))
            })
        });
        let headline = match (&snippet, location(diag)) {
            (None, Some(location)) => format!("{location}: {}", diag.message),
            _ => diag.message.clone(),
        };
        let fix = diag.fix.as_ref().map(|fix| match fix.safe {
            true => format!("fix available (--fix): {}", fix.description),
            false => format!("unsafe fix available (--unsafe-fixes): {}", fix.description),
        });
        let help: Vec<String> = diag.notes.iter().cloned().chain(fix).collect();
        Report { diag, headline, snippet, help: (!help.is_empty()).then(|| help.join("\n")) }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.diag.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warn => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.as_ref().map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|(source, _)| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, label) = self.snippet.as_ref()?;
        Some(Box::new(std::iter::once(label.clone())))
    }
}

/// Renders every finding with miette, then a summary line when there are any.
pub(super) fn write_text(out: &mut dyn Write, diags: &[Diagnostic], sources: &Sources, color: bool) -> io::Result<()> {
    write_text_findings(out, diags, sources, color)?;
    if let Some(summary) = summary(diags) {
        writeln!(out, "{summary}")?;
    }
    Ok(())
}

/// The findings of [`write_text`] without its summary line.
pub(super) fn write_text_findings(
    out: &mut dyn Write,
    diags: &[Diagnostic],
    sources: &Sources,
    color: bool,
) -> io::Result<()> {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).without_primary_span_start();
    for diag in diags {
        let mut rendered = String::new();
        handler
            .render_report(&mut rendered, &Report::new(diag, sources))
            .map_err(|_| io::Error::other("rendering a diagnostic failed"))?;
        writeln!(out, "{}", rendered.trim_end())?;
        writeln!(out)?;
    }
    Ok(())
}

/// `3 errors, 1 warning, 2 info`, leaving out severities with no findings.
fn summary(diags: &[Diagnostic]) -> Option<String> {
    let count = |severity| diags.iter().filter(|d| d.severity == severity).count() as u32;
    summary_of_counts([count(Severity::Error), count(Severity::Warn), count(Severity::Info)])
}

/// The summary of this many errors, warnings and info findings.
pub(super) fn summary_of_counts([errors, warnings, info]: [u32; 3]) -> Option<String> {
    let parts: Vec<String> = [(errors, "error", "errors"), (warnings, "warning", "warnings"), (info, "info", "info")]
        .into_iter()
        .filter(|&(n, _, _)| n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `path:line:col: [RULE] message`, one line per finding: line breaks inside a
/// message become spaces so that every line stays one finding.
pub(super) fn write_short(out: &mut dyn Write, diags: &[Diagnostic]) -> io::Result<()> {
    for diag in diags {
        let message = diag.message.replace("\r\n", " ").replace(['\n', '\r'], " ");
        match location(diag) {
            Some(location) => writeln!(out, "{location}: [{}] {message}", diag.rule)?,
            None => writeln!(out, "[{}] {message}", diag.rule)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn render_text(diags: &[Diagnostic], color: bool) -> String {
        let mut out = Vec::new();
        write_text(&mut out, diags, &fixture::sources(), color).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_snapshot() {
        fixture::assert_snapshot("text", &render_text(&fixture::diagnostics(), false));
    }

    #[test]
    fn short_snapshot() {
        let mut out = Vec::new();
        write_short(&mut out, &fixture::diagnostics()).unwrap();
        fixture::assert_snapshot("short", &String::from_utf8(out).unwrap());
    }

    #[test]
    fn text_colors_only_when_asked() {
        let diags = fixture::diagnostics();
        assert!(!render_text(&diags, false).contains('\x1b'));
        assert!(render_text(&diags, true).contains("\x1b["));
    }

    /// The underline must sit under the span however wide the characters before it are.
    #[test]
    fn text_underlines_after_wide_characters_and_tabs() {
        let diags = fixture::diagnostics();
        let rendered = render_text(&diags, false);
        for (needle, width) in [("TODO", 4), ("FieldA", 6)] {
            let lines: Vec<&str> = rendered.lines().collect();
            let at = lines.iter().position(|l| l.contains(needle) && l.contains('│')).unwrap();
            let (code_line, underline) = (lines[at], lines[at + 1]);
            let prefix = &code_line[..code_line.find(needle).unwrap()];
            let column = miette_width(prefix);
            let marks: String = underline.chars().skip(column).take(width).collect();
            assert!(marks.chars().all(|c| "─┬".contains(c)), "{needle}:\n{code_line}\n{underline}");
        }
    }

    #[test]
    fn text_header_counts_columns_in_characters() {
        let rendered = render_text(&fixture::diagnostics(), false);
        assert!(rendered.contains("╭─[foo/v1/a.proto:5:13]"), "{rendered}");
    }

    #[test]
    fn text_renders_empty_spans_at_the_end_of_a_file() {
        let sources = fixture::sources();
        let file = sources.get("foo/v1/a.proto").unwrap();
        let end = fixture::A_PROTO.len();
        let rendered = render_text(&[Diagnostic::error("R", "at the end").with_span(file, end, end)], false);
        assert!(rendered.contains("╭─[foo/v1/a.proto:7:1]"), "{rendered}");
    }

    fn miette_width(s: &str) -> usize {
        s.chars().map(|c| if "𠮷野家中文".contains(c) { 2 } else { 1 }).sum()
    }

    #[test]
    fn text_without_source_shows_location_in_headline() {
        let mut diag = fixture::diagnostics().remove(1);
        diag.path = "elsewhere.proto".into();
        let rendered = render_text(&[diag], false);
        assert!(rendered.contains("elsewhere.proto:3:9: Message name"), "{rendered}");
        assert!(rendered.ends_with("\n1 error\n"), "{rendered}");
    }

    #[test]
    fn summary_counts_each_severity() {
        assert_eq!(summary(&fixture::diagnostics()).unwrap(), "3 errors, 1 warning, 1 info");
        assert_eq!(summary(&[]), None);
    }
}
