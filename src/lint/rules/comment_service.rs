use prost_reflect::ServiceDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::is_documentation;

declare_rule! {
    /// Every service must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation.
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
    }
}

impl Rule for CommentService {
    fn check_service(&self, cx: &mut Context<'_>, service: &ServiceDescriptor) {
        let Some(location) = cx.location(service.path()) else {
            return;
        };
        if !is_documentation(location.leading()) {
            cx.report(
                service.path(),
                format!("Service {:?} should have a non-empty comment for documentation.", service.name()),
            );
        }
    }
}
