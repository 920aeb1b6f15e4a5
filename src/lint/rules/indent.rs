use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::syntax::lexer::{TokenKind, lex};

/// Spaces per nesting level (both style guides and `idl format`).
const WIDTH: usize = 2;

declare_rule! {
    /// Lines are indented with two spaces per level of nesting and never with
    /// tabs (Uber V2 and Google's guide; `idl format` prints it). The level of
    /// a line is the number of brackets (`{`, `[`, `(`, `<`) open where it starts,
    /// less one when it starts by closing one. A line continuing a statement
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
        let mut depth: usize = 0;
        // Whether the last code token ended a statement or opened/closed a block.
        let mut statement_open = false;
        let mut at_line_start = true;
        let mut line_indent = (0usize, 0usize);
        let mut findings = Vec::new();
        for token in &tokens {
            let text = token.text(src);
            if token.kind == TokenKind::Whitespace {
                if let Some(newline) = text.rfind('\n') {
                    at_line_start = true;
                    line_indent = (token.start as usize + newline + 1, token.end as usize);
                } else if token.start == 0 {
                    line_indent = (0, token.end as usize);
                }
                continue;
            }
            // A block comment's inner lines and a string's are not indentation.
            if at_line_start {
                at_line_start = false;
                let closes = token.kind == TokenKind::Symbol && matches!(text, "}" | "]" | ")" | ">");
                let level = if closes { depth.saturating_sub(1) } else { depth };
                let expected = level * WIDTH;
                let indent = &src[line_indent.0..line_indent.1.min(token.start as usize)];
                let indent = if line_indent.1 == token.start as usize { indent } else { "" };
                let continuation = statement_open && !token.kind.is_trivia();
                let ok = !indent.contains('\t')
                    && (indent.len() == expected
                        || (continuation && indent.len() > expected && indent.len() % WIDTH == 0));
                if !ok {
                    findings.push((token.start as usize, indent.len(), expected, indent.contains('\t')));
                }
            }
            if token.kind.is_trivia() {
                continue;
            }
            match (token.kind, text) {
                (TokenKind::Symbol, "{" | "[" | "(" | "<") => depth += 1,
                (TokenKind::Symbol, "}" | "]" | ")" | ">") => depth = depth.saturating_sub(1),
                _ => {}
            }
            statement_open = !(token.kind == TokenKind::Symbol && matches!(text, ";" | "{" | "}"));
        }
        for (start, actual, expected, tabs) in findings {
            let message = if tabs {
                "Indent with spaces, not tabs.".to_string()
            } else {
                format!("Indentation is {actual} spaces; expected {expected} (2 per nesting level).")
            };
            let line_start = start - actual.min(start);
            cx.report_span(&[], line_start..start, message, None);
        }
    }
}
