use prost_reflect::EnumDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::{COMMENT_STYLE_OPTION, check_comment_style};

declare_rule! {
    /// Every enum must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation. The `style` option asks for more: a complete
    /// sentence (Uber V2) or a comment starting with the name (Go style).
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
        options: [COMMENT_STYLE_OPTION],
    }
}

impl Rule for CommentEnum {
    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {
        check_comment_style(cx, enum_.path(), "Enum", enum_.name());
    }
}
