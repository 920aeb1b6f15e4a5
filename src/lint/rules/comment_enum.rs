use prost_reflect::EnumDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::is_documentation;

declare_rule! {
    /// Every enum must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation.
    ///
    /// ```proto
    /// // Invalid
    /// enum Color { COLOR_UNSPECIFIED = 0; }
    /// // Valid
    /// // The color of a widget.
    /// enum Color { COLOR_UNSPECIFIED = 0; }
    /// ```
    pub struct CommentEnum {
        id: "COMMENT_ENUM",
        summary: "Enums have a non-empty leading comment.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for CommentEnum {
    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {
        let Some(location) = cx.location(enum_.path()) else {
            return;
        };
        if !is_documentation(location.leading()) {
            cx.report(
                enum_.path(),
                format!("Enum {:?} should have a non-empty comment for documentation.", enum_.name()),
            );
        }
    }
}
