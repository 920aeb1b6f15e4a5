use prost_reflect::EnumValueDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::is_documentation;

declare_rule! {
    /// Every enum value must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation.
    ///
    /// ```proto
    /// // Invalid
    /// // Color.
    /// enum Color { COLOR_UNSPECIFIED = 0; }
    /// // Valid
    /// // Color.
    /// enum Color {
    ///   // No color given.
    ///   COLOR_UNSPECIFIED = 0;
    /// }
    /// ```
    pub struct CommentEnumValue {
        id: "COMMENT_ENUM_VALUE",
        summary: "Enum values have a non-empty leading comment.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for CommentEnumValue {
    fn check_enum_value(&self, cx: &mut Context<'_>, value: &EnumValueDescriptor) {
        let Some(location) = cx.location(value.path()) else {
            return;
        };
        if !is_documentation(location.leading()) {
            cx.report(
                value.path(),
                format!("Enum value {:?} should have a non-empty comment for documentation.", value.name()),
            );
        }
    }
}
