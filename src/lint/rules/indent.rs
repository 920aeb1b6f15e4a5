use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::syntax::lexer::{Token, TokenKind, lex};

/// Spaces per nesting level (both style guides and `idl format`).
const WIDTH: usize = 2;

declare_rule! {
    /// Lines are indented with two spaces per level of nesting and never with
    /// tabs (Uber V2 and Google's guide; `idl format` prints it). The level of
    /// a line is the number of lines that opened a bracket (`{`, `[`, `(`, `<`)
    /// still open where it starts (`[(a) = {` opens one level), less those its
    /// leading closers close. A line continuing a statement
    /// (the line above ends without `;`, `{` or `}`) may be indented deeper. One
    /// finding per badly indented line; `idl format -w` fixes them all.
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
        // The line of each open bracket, innermost last: brackets opened on one
        // line (`[(a) = {`) make one level.
        let mut open_lines: Vec<usize> = Vec::new();
        let mut line = 0usize;
        // Whether the last code token left a statement open (not `;`, `{`, `}`).
        let mut statement_open = false;
        let mut line_start: Option<usize> = Some(0);
        let mut findings = Vec::new();
        for (index, token) in tokens.iter().enumerate() {
            let text = token.text(src);
            if token.kind == TokenKind::Whitespace {
                if let Some(newline) = text.rfind('\n') {
                    line += text.matches('\n').count();
                    line_start = Some(token.start as usize + newline + 1);
                }
                continue;
            }
            if let Some(start) = line_start.take() {
                // A line starting with closers is indented as the level they close to.
                let closers = tokens[index..]
                    .iter()
                    .take_while(|t| is_closer(t) || (t.kind == TokenKind::Whitespace && !t.text(src).contains('\n')))
                    .filter(|t| is_closer(t))
                    .count();
                let remaining = &open_lines[..open_lines.len().saturating_sub(closers)];
                let mut levels: Vec<usize> = remaining.to_vec();
                levels.dedup();
                let expected = levels.len() * WIDTH;
                let indent = &src[start..token.start as usize];
                let continuation = statement_open && !token.kind.is_trivia();
                let tabs = indent.contains('\t');
                let ok = !tabs
                    && (indent.len() == expected
                        || (continuation && indent.len() > expected && indent.len() % WIDTH == 0));
                if !ok {
                    findings.push((start, token.start as usize, expected, tabs));
                }
            }
            if token.kind.is_trivia() {
                line += text.matches('\n').count();
                continue;
            }
            if token.kind == TokenKind::Symbol && matches!(text, "{" | "[" | "(" | "<") {
                open_lines.push(line);
            } else if is_closer(token) {
                open_lines.pop();
            }
            statement_open = !(token.kind == TokenKind::Symbol && matches!(text, ";" | "{" | "}"));
        }
        for (start, end, expected, tabs) in findings {
            let message = if tabs {
                "Indent with spaces, not tabs.".to_string()
            } else {
                format!("Indentation is {} spaces; expected {expected} (2 per nesting level).", end - start)
            };
            cx.report_span(&[], start..end, message, None);
        }
    }
}
