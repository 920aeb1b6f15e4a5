use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Span};
use crate::lint::rule::{Context, Finding, Rule};

declare_rule! {
    /// Files must be formatted as `idl format` (buf's style) prints them. The
    /// finding is on the first line that formatting would change; `idl format
    /// -w` fixes the file. Not in any preset: enable it with `use`.
    ///
    /// ```proto
    /// // Invalid
    /// syntax = "proto3";
    /// message Foo { string bar=1; }
    /// // Valid
    /// syntax = "proto3";
    ///
    /// message Foo {
    ///   string bar = 1;
    /// }
    /// ```
    pub struct Formatted {
        id: "FORMATTED",
        summary: "Files are formatted as idl format prints them.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for Formatted {
    fn check_file(&self, cx: &mut Context<'_>, _file: &FileDescriptor) {
        let file = cx.file();
        let text: &str = &file.source.text;
        // A file the formatter leaves alone (it does not parse, or uses a
        // construct the printer does not cover) is not reported.
        let Ok(formatted) = crate::format::format(text) else { return };
        if formatted == text {
            return;
        }
        let (start, end) = first_difference(text, &formatted);
        let mut diagnostic = Diagnostic::new(cx.rule.id, cx.severity, "File is not formatted; run \"idl format -w\".");
        diagnostic.path = file.source.display_path.clone();
        diagnostic.span = Some(Span::new(&file.source, start, end));
        cx.findings.push(Finding { diagnostic, file_name: Some(file.source.name.clone()), path: Vec::new() });
    }
}

/// The byte span (without its line end) of the first line of `text` that
/// differs from `formatted`; the end of `text` when `text` is a prefix.
fn first_difference(text: &str, formatted: &str) -> (usize, usize) {
    let mut offset = 0;
    let mut expected = formatted.split_inclusive('\n');
    for line in text.split_inclusive('\n') {
        if expected.next() != Some(line) {
            let content = line.trim_end_matches(['\n', '\r']);
            return (offset, offset + content.len());
        }
        offset += line.len();
    }
    (text.len(), text.len())
}
