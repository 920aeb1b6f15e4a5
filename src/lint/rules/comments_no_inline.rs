use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::syntax::lexer::{TokenKind, lex};

declare_rule! {
    /// Comments go on their own lines, above what they describe, never after
    /// code on the same line (Uber V2: no trailing comments; prototool's
    /// COMMENTS_NO_INLINE). Each comment that follows code on its line is a
    /// finding.
    ///
    /// ```proto
    /// // Invalid
    /// message Trip {
    ///   string id = 1; // The trip's ID.
    /// }
    /// // Valid
    /// message Trip {
    ///   // The trip's ID.
    ///   string id = 1;
    /// }
    /// ```
    pub struct CommentsNoInline {
        id: "COMMENTS_NO_INLINE",
        summary: "No comments after code on the same line.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for CommentsNoInline {
    fn check_file(&self, cx: &mut Context<'_>, _file: &FileDescriptor) {
        let src: &str = &cx.file().source.text;
        let (tokens, _) = lex(src);
        let mut code_on_line = false;
        for token in &tokens {
            match token.kind {
                TokenKind::Whitespace => {
                    if token.text(src).contains('\n') {
                        code_on_line = false;
                    }
                }
                TokenKind::LineComment | TokenKind::BlockComment => {
                    if code_on_line {
                        let span = token.start as usize..token.end as usize;
                        cx.report_span(&[], span, "Put comments on their own line above the code, not after it.", None);
                    }
                    if token.text(src).contains('\n') {
                        code_on_line = false;
                    }
                }
                _ => code_on_line = true,
            }
        }
    }
}
