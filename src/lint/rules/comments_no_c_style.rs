use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::lint::rule::{Context, Rule};
use crate::lint::text::{indentation, is_blank, line_end, line_start};
use crate::syntax::lexer::{Token, TokenKind, lex};

declare_rule! {
    /// Comments must be `//` line comments, never `/* ... */` blocks (Uber V2:
    /// "only use `//` comments"). Each block comment is a finding.
    ///
    /// Fix (safe): rewrites the block as `//` lines at its indentation, dropping
    /// the `*` that doc-style blocks put at each line's start; offered when
    /// nothing but whitespace follows the block on its last line (a `//` comment
    /// would swallow that code).
    ///
    /// ```proto
    /// // Invalid
    /// /* A trip. */
    /// message Trip {}
    /// // Valid
    /// // A trip.
    /// message Trip {}
    /// ```
    pub struct CommentsNoCStyle {
        id: "COMMENTS_NO_C_STYLE",
        summary: "Comments use `//`, not `/* */`.",
        severity: Error,
        fixable: true,
    }
}

impl Rule for CommentsNoCStyle {
    fn check_file(&self, cx: &mut Context<'_>, _file: &FileDescriptor) {
        let src: &str = &cx.file().source.text;
        let (tokens, _) = lex(src);
        for token in tokens.iter().filter(|token| token.kind == TokenKind::BlockComment) {
            let fix = line_comments(src, token).map(|replacement| Fix {
                description: "rewrite as // comments".to_string(),
                edits: vec![Edit { start: token.start as usize, end: token.end as usize, replacement }],
                safe: true,
            });
            let span = token.start as usize..token.end as usize;
            cx.report_span(&[], span, "Use // comments, not /* */ comments.", fix);
        }
    }
}

/// The block comment `token` as `//` lines, or `None` when code follows it on
/// its last line or it is not terminated.
fn line_comments(src: &str, token: &Token) -> Option<String> {
    let (start, end) = (token.start as usize, token.end as usize);
    let text = src[start..end].strip_prefix("/*")?.strip_suffix("*/")?;
    let rest_end = line_end(src, end);
    if !src[end..rest_end].trim().is_empty() {
        return None;
    }
    // Continuation lines align with the comment when it starts its line, else
    // with the line's own indentation.
    let indent = if is_blank(src, line_start(src, start), start) {
        src[line_start(src, start)..start].to_string()
    } else {
        indentation(src, start).to_string()
    };
    let mut lines: Vec<String> = text
        .split('\n')
        .enumerate()
        .map(|(index, line)| {
            let line = line.trim_end_matches('\r');
            let mut content = if index == 0 { line.trim_start_matches('*') } else { line.trim_start() };
            if index > 0 && content.starts_with('*') {
                content = &content[1..];
            }
            let content = content.strip_prefix(' ').unwrap_or(content).trim_end();
            content.to_string()
        })
        .collect();
    while lines.first().is_some_and(String::is_empty) && lines.len() > 1 {
        lines.remove(0);
    }
    while lines.last().is_some_and(String::is_empty) && lines.len() > 1 {
        lines.pop();
    }
    let rendered: Vec<String> =
        lines.iter().map(|line| if line.is_empty() { "//".to_string() } else { format!("// {line}") }).collect();
    Some(rendered.join(&format!("\n{indent}")))
}
