use prost_reflect::EnumDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_pascal_case;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// Enum names must be PascalCase: `enum Status`, not `enum status` or
    /// `enum STATUS_CODE`. The message suggests the PascalCase spelling.
    ///
    /// ```proto
    /// // Invalid
    /// enum status_code { STATUS_CODE_UNSPECIFIED = 0; }
    /// // Valid
    /// enum StatusCode { STATUS_CODE_UNSPECIFIED = 0; }
    /// ```
    pub struct EnumPascalCase {
        id: "ENUM_PASCAL_CASE",
        summary: "Enum names are PascalCase.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for EnumPascalCase {
    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {
        let name = enum_.name();
        let expected = to_pascal_case(name);
        if name != expected {
            cx.report(
                &name_path(enum_.path()),
                format!("Enum name {name:?} should be PascalCase, such as {expected:?}."),
            );
        }
    }
}
