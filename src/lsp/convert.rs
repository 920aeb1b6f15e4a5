//! Between idl's types and the protocol's: positions (0-based lines, columns in
//! UTF-16 code units, LSP's default encoding), diagnostics, edits and URIs.

use std::path::PathBuf;

use lsp_types as lsp;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "idl";

/// A 1-based idl position as LSP's 0-based, UTF-16 one.
pub fn position(at: crate::source::Position) -> lsp::Position {
    lsp::Position { line: at.line.saturating_sub(1), character: at.column_utf16.saturating_sub(1) }
}

/// The LSP range of a byte range of `file`.
pub fn range(file: &SourceFile, start: usize, end: usize) -> lsp::Range {
    lsp::Range { start: position(file.position(start)), end: position(file.position(end.max(start))) }
}

/// The byte offset of an LSP position in `text`. A line past the end is the end of
/// the text; a column past the end of its line is the end of that line; a column
/// inside a UTF-16 surrogate pair is the start of its character.
pub fn offset(text: &str, at: lsp::Position) -> usize {
    let mut line_start = 0;
    for _ in 0..at.line {
        match text[line_start..].find('\n') {
            Some(newline) => line_start += newline + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..].find('\n').map_or(text.len(), |newline| line_start + newline);
    let line = text[line_start..line_end].strip_suffix('\r').unwrap_or(&text[line_start..line_end]);
    let mut units = 0;
    for (index, ch) in line.char_indices() {
        units += ch.len_utf16() as u32;
        if units > at.character {
            return line_start + index;
        }
    }
    line_start + line.len()
}

fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warn => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// A finding in the document itself. One without a span (about the whole file)
/// sits at the start of the file.
pub fn diagnostic(diag: &Diagnostic) -> lsp::Diagnostic {
    let range = diag
        .span
        .map_or_else(lsp::Range::default, |span| lsp::Range { start: position(span.start), end: position(span.end) });
    lsp_diagnostic(diag, range, message_with_notes(diag))
}

/// A finding in another file (an import, idl.toml) or in none, shown on the
/// document at `anchor` (the import statement that leads to it, else the start of
/// the file) with its location in the message.
pub fn foreign_diagnostic(diag: &Diagnostic, anchor: lsp::Range) -> lsp::Diagnostic {
    let location = match diag.span {
        Some(span) => format!("{}:{}:{}: ", diag.path, span.start.line, span.start.column),
        None if !diag.path.is_empty() => format!("{}: ", diag.path),
        None => String::new(),
    };
    lsp_diagnostic(diag, anchor, format!("{location}{}", message_with_notes(diag)))
}

fn lsp_diagnostic(diag: &Diagnostic, range: lsp::Range, message: String) -> lsp::Diagnostic {
    let unnecessary = diag.rule == crate::lint::rules::UNUSED_IGNORE;
    lsp::Diagnostic {
        range,
        severity: Some(severity(diag.severity)),
        code: Some(lsp::NumberOrString::String(diag.rule.clone())),
        source: Some(SOURCE.to_string()),
        message,
        tags: unnecessary.then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        ..lsp::Diagnostic::default()
    }
}

fn message_with_notes(diag: &Diagnostic) -> String {
    let mut message = diag.message.clone();
    for note in &diag.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    message
}

/// The edits that turn `old` into `new`, one per run of changed lines, so an
/// editor keeps its cursor and marks in the lines formatting left alone.
pub fn text_edits(old: &str, new: &str) -> Vec<lsp::TextEdit> {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut old_offsets = vec![0];
    for line in diff.iter_old_slices() {
        old_offsets.push(old_offsets.last().copied().unwrap_or(0) + line.len());
    }
    let new_lines: Vec<&str> = diff.iter_new_slices().collect();
    let file = SourceFile::new("", "", old.into());
    let mut edits = Vec::new();
    // (old lines, new lines) of the run of changes being collected.
    let mut run: Option<(std::ops::Range<usize>, std::ops::Range<usize>)> = None;
    let mut flush = |run: &mut Option<(std::ops::Range<usize>, std::ops::Range<usize>)>| {
        if let Some((old_lines, new_range)) = run.take() {
            edits.push(lsp::TextEdit {
                range: range(&file, old_offsets[old_lines.start], old_offsets[old_lines.end]),
                new_text: new_lines[new_range].concat(),
            });
        }
    };
    for op in diff.ops() {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            flush(&mut run);
            continue;
        }
        run = Some(match run.take() {
            Some((old_run, new_run)) => (old_run.start..old_range.end, new_run.start..new_range.end),
            None => (old_range, new_range),
        });
    }
    flush(&mut run);
    edits
}

/// The `file:` URI of a local path.
pub fn file_uri(path: &std::path::Path) -> Option<lsp::Uri> {
    url::Url::from_file_path(path).ok()?.as_str().parse().ok()
}

/// The local path of a `file:` URI.
pub fn file_path(uri: &lsp::Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn at(line: u32, character: u32) -> lsp::Position {
        lsp::Position { line, character }
    }

    #[test]
    fn offsets_count_utf16_units() {
        let text = "ab\n// 中文😀x\r\nlast";
        assert_eq!(offset(text, at(0, 1)), 1);
        // `// 中文` is 5 units, 😀 two more.
        assert_eq!(&text[offset(text, at(1, 7))..offset(text, at(1, 8))], "x");
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(&text[offset(text, at(1, 6))..][..4], "😀");
        // Past the end of a line (before its \r\n) and past the last line.
        assert_eq!(offset(text, at(1, 99)), text.find('\r').unwrap());
        assert_eq!(offset(text, at(9, 0)), text.len());
        let file = SourceFile::new("a", "a", text.into());
        let x = text.find('x').unwrap();
        assert_eq!(range(&file, x, x + 1), lsp::Range { start: at(1, 7), end: at(1, 8) });
    }

    #[test]
    fn text_edits_touch_only_changed_lines() {
        let old = "a\nb  \nc\nd\ne\n";
        let new = "a\nb\nc\nd\ne\nf\n";
        let edits = text_edits(old, new);
        assert_eq!(edits.len(), 2, "{edits:?}");
        assert_eq!(edits[0].range, lsp::Range { start: at(1, 0), end: at(2, 0) });
        assert_eq!(edits[0].new_text, "b\n");
        assert_eq!(edits[1].range, lsp::Range { start: at(5, 0), end: at(5, 0) });
        assert_eq!(edits[1].new_text, "f\n");
        // Applied back to front, they give the new text.
        let mut text = old.to_string();
        for edit in edits.iter().rev() {
            let (start, end) = (offset(&text, edit.range.start), offset(&text, edit.range.end));
            text.replace_range(start..end, &edit.new_text);
        }
        assert_eq!(text, new);
        assert!(text_edits(new, new).is_empty());
    }

    #[test]
    fn file_uris_are_decoded() {
        let uri: lsp::Uri = "file:///tmp/a%20b/%E4%B8%AD%E6%96%87.proto".parse().unwrap();
        assert_eq!(file_path(&uri).unwrap(), Path::new("/tmp/a b/中文.proto"));
        assert_eq!(file_path(&"untitled:Untitled-1".parse().unwrap()), None);
    }
}
