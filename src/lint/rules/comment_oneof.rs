use prost_reflect::OneofDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::is_documentation;

declare_rule! {
    /// Every oneof must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation.
    ///
    /// ```proto
    /// // Invalid
    /// message Shape { oneof kind { string circle = 1; } }
    /// // Valid
    /// message Shape {
    ///   // What the shape is.
    ///   oneof kind { string circle = 1; }
    /// }
    /// ```
    pub struct CommentOneof {
        id: "COMMENT_ONEOF",
        summary: "Oneofs have a non-empty leading comment.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for CommentOneof {
    fn check_oneof(&self, cx: &mut Context<'_>, oneof: &OneofDescriptor) {
        // Synthetic oneofs of proto3 `optional` fields are not in the source.
        if oneof.is_synthetic() {
            return;
        }
        let Some(location) = cx.location(oneof.path()) else {
            return;
        };
        if !is_documentation(location.leading()) {
            cx.report(
                oneof.path(),
                format!("Oneof {:?} should have a non-empty comment for documentation.", oneof.name()),
            );
        }
    }
}
