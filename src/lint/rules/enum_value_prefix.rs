use prost_reflect::EnumValueDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_upper_snake_case;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// Enum value names must start with the enum's name in UPPER_SNAKE_CASE
    /// followed by `_`. Only the enum's own name counts, not the names of the
    /// messages it is nested in. The prefix keeps values unique in C++ and other
    /// languages where enum values share their parent's scope.
    ///
    /// ```proto
    /// // Invalid
    /// enum Color { UNSPECIFIED = 0; }
    /// // Valid
    /// enum Color { COLOR_UNSPECIFIED = 0; }
    /// ```
    pub struct EnumValuePrefix {
        id: "ENUM_VALUE_PREFIX",
        summary: "Enum value names start with the enum's name in UPPER_SNAKE_CASE.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for EnumValuePrefix {
    fn check_enum_value(&self, cx: &mut Context<'_>, value: &EnumValueDescriptor) {
        let name = value.name();
        let expected_prefix = format!("{}_", to_upper_snake_case(value.parent_enum().name()));
        if !name.starts_with(&expected_prefix) {
            cx.report(
                &name_path(value.path()),
                format!("Enum value name {name:?} should be prefixed with {expected_prefix:?}."),
            );
        }
    }
}
