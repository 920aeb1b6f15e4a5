use prost_reflect::ServiceDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::{COMMENT_STYLE_OPTION, check_comment_style};

declare_rule! {
    /// Every service must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation. The `style` option asks for more: a complete
    /// sentence (Uber V2) or a comment starting with the name (Go style).
    ///
    /// ```proto
    /// // Invalid
    /// service UserService {}
    /// // Valid
    /// // Manages users.
    /// service UserService {}
    /// ```
    pub struct CommentService {
        id: "COMMENT_SERVICE",
        summary: "Services have a non-empty leading comment.",
        severity: Error,
        fixable: false,
        options: [COMMENT_STYLE_OPTION],
    }
}

impl Rule for CommentService {
    fn check_service(&self, cx: &mut Context<'_>, service: &ServiceDescriptor) {
        check_comment_style(cx, service.path(), "Service", service.name());
    }
}
