use prost_reflect::EnumValueDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_upper_snake_case;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// Enum value names must be UPPER_SNAKE_CASE. Digits may follow a letter
    /// directly or after an underscore (`V1` and `V_1` both pass).
    ///
    /// ```proto
    /// // Invalid
    /// enum Color { Color_Unspecified = 0; }
    /// // Valid
    /// enum Color { COLOR_UNSPECIFIED = 0; }
    /// ```
    pub struct EnumValueUpperSnakeCase {
        id: "ENUM_VALUE_UPPER_SNAKE_CASE",
        summary: "Enum value names are UPPER_SNAKE_CASE.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for EnumValueUpperSnakeCase {
    fn check_enum_value(&self, cx: &mut Context<'_>, value: &EnumValueDescriptor) {
        let name = value.name();
        let expected = to_upper_snake_case(name);
        if name != expected {
            cx.report(
                &name_path(value.path()),
                format!("Enum value name {name:?} should be UPPER_SNAKE_CASE, such as {expected:?}."),
            );
        }
    }
}
