use prost_reflect::{ExtensionDescriptor, FieldDescriptor};

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::is_documentation;

declare_rule! {
    /// Every field and extension must have a leading comment with some text. Blank comments and
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
        check(cx, field.name(), field.path());
    }

    /// Extensions are fields too, as in buf.
    fn check_extension(&self, cx: &mut Context<'_>, extension: &ExtensionDescriptor) {
        if extension.is_group() {
            return;
        }
        check(cx, extension.name(), extension.path());
    }
}

fn check(cx: &mut Context<'_>, name: &str, path: &[i32]) {
    let Some(location) = cx.location(path) else {
        return;
    };
    if !is_documentation(location.leading()) {
        cx.report(path, format!("Field {name:?} should have a non-empty comment for documentation."));
    }
}
