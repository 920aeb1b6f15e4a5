use prost_reflect::OneofDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_lower_snake_case;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// Oneof names must be lower_snake_case. The synthetic oneofs of proto3
    /// `optional` fields are not checked.
    ///
    /// ```proto
    /// // Invalid
    /// message Shape { oneof Kind { string circle = 1; } }
    /// // Valid
    /// message Shape { oneof kind { string circle = 1; } }
    /// ```
    pub struct OneofLowerSnakeCase {
        id: "ONEOF_LOWER_SNAKE_CASE",
        summary: "Oneof names are lower_snake_case.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for OneofLowerSnakeCase {
    fn check_oneof(&self, cx: &mut Context<'_>, oneof: &OneofDescriptor) {
        // The oneof protoc synthesizes for a proto3 `optional` field is named
        // after the field (`_fooBar`); the field name rule covers it.
        if oneof.is_synthetic() {
            return;
        }
        let name = oneof.name();
        let expected = to_lower_snake_case(name);
        if name != expected {
            cx.report(
                &name_path(oneof.path()),
                format!("Oneof name {name:?} should be lower_snake_case, such as {expected:?}."),
            );
        }
    }
}
