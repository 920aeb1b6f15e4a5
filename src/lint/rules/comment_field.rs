use prost_reflect::FieldDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::is_documentation;

declare_rule! {
    /// Every field must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation.
    ///
    /// ```proto
    /// // Invalid
    /// message User { string name = 1; }
    /// // Valid
    /// message User {
    ///   // The display name.
    ///   string name = 1;
    /// }
    /// ```
    pub struct CommentField {
        id: "COMMENT_FIELD",
        summary: "Fields have a non-empty leading comment.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for CommentField {
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        // Map entry fields are synthesized, and a group field's comment belongs
        // to the group's message: neither has a comment of its own.
        if field.parent_message().is_map_entry() || field.is_group() {
            return;
        }
        let Some(location) = cx.location(field.path()) else {
            return;
        };
        if !is_documentation(location.leading.as_deref()) {
            cx.report(
                field.path(),
                format!(
                    "Field {:?} should have a non-empty comment for documentation.",
                    field.name()
                ),
            );
        }
    }
}
