use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::syntax::lexer::{Token, TokenKind, lex};

/// Spaces per nesting level (both style guides and `idl format`).
const WIDTH: usize = 2;

declare_rule! {
    /// Lines are indented with two spaces per level of nesting and never with
    /// tabs (Uber V2: "use two spaces instead of tabs"; Google's guide; `idl
    /// format` prints it). A line inside brackets (`{`, `[`, `(`, `<`) is
    /// indented two spaces more than the line that opened the innermost of
    /// them (so `[(a) = {` opens one level); a line starting with closers lines
    /// up with the line that opened them. A line continuing a statement (the
    /// line above ends without `;`, `{` or `}`) may be indented deeper by a
    /// multiple of two. One finding per badly indented line; `idl format -w`
    /// fixes them all.
    ///
    /// ```proto
    /// // Invalid
    /// message Trip {
    ///     string id = 1;
    /// }
    /// // Valid
    /// message Trip {
    ///   string id = 1;
    /// }
    /// ```
    pub struct Indent {
        id: "INDENT",
        summary: "Two spaces per nesting level, no tabs.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for Indent {
    fn check_file(&self, cx: &mut Context<'_>, _file: &FileDescriptor) {
        let src: &str = &cx.file().source.text;
        let (tokens, _) = lex(src);
        let is_closer =
            |token: &Token| token.kind == TokenKind::Symbol && matches!(token.text(src), "}" | "]" | ")" | ">");
        // For each open bracket, innermost last, the indentation of the line that
        // opened it and of the line its statement started on: lines inside are
        // indented from either (`rpc A(B)\n    returns (C) {` indents its body
        // from `rpc`; `int32 a = 1\n    [(b) = {` its from `[`).
        let mut open_indents: Vec<[usize; 2]> = Vec::new();
        let mut line_indent = 0usize;
        let mut statement_indent = 0usize;
        // Whether the last code token left a statement open (not `;`, `{`, `}`).
        let mut statement_open = false;
        let mut line_start: Option<usize> = Some(0);
        let mut findings = Vec::new();
        for (index, token) in tokens.iter().enumerate() {
            let text = token.text(src);
            if token.kind == TokenKind::Whitespace {
                if let Some(newline) = text.rfind('\n') {
                    line_start = Some(token.start as usize + newline + 1);
                }
                continue;
            }
            if let Some(start) = line_start.take() {
                let closers = tokens[index..]
                    .iter()
                    .take_while(|t| is_closer(t) || (t.kind == TokenKind::Whitespace && !t.text(src).contains('\n')))
                    .filter(|t| is_closer(t))
                    .count();
                // A line starting with closers lines up with the line that opened
                // the outermost of them; any other line is one level in.
                let expected: [usize; 2] = if closers > 0 {
                    open_indents.len().checked_sub(closers).map_or([0, 0], |at| open_indents[at])
                } else {
                    open_indents.last().map_or([0, 0], |indents| indents.map(|indent| indent + WIDTH))
                };
                let indent = &src[start..token.start as usize];
                let continuation = statement_open && closers == 0 && !token.kind.is_trivia();
                let tabs = indent.contains('\t');
                let ok = !tabs
                    && expected.iter().any(|&expected| {
                        indent.len() == expected
                            || (continuation
                                && indent.len() > expected
                                && (indent.len() - expected).is_multiple_of(WIDTH))
                    });
                if !ok {
                    findings.push((start, token.start as usize, expected[0].min(expected[1]), tabs));
                }
                line_indent = indent.len();
                if !statement_open {
                    statement_indent = line_indent;
                }
            }
            if token.kind.is_trivia() {
                continue;
            }
            if token.kind == TokenKind::Symbol && matches!(text, "{" | "[" | "(" | "<") {
                open_indents.push([line_indent, statement_indent]);
            } else if is_closer(token) {
                open_indents.pop();
            }
            statement_open = !(token.kind == TokenKind::Symbol && matches!(text, ";" | "{" | "}" | "," | "["));
        }
        for (start, end, expected, tabs) in findings {
            let message = if tabs {
                "Indent with spaces, not tabs.".to_string()
            } else {
                format!(
                    "Indentation is {} spaces; expected {expected} (2 more than the line that opened the block).",
                    end - start
                )
            };
            cx.report_span(&[], start..end, message, None);
        }
    }
}
