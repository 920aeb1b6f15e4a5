use prost_reflect::{ExtensionDescriptor, FieldDescriptor};

use crate::declare_rule;
use crate::lint::casing::to_lower_snake_case;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// Field and extension names must be lower_snake_case. Digits may follow a letter
    /// directly or after an underscore (`name1` and `name_1` both pass), as in buf.
    ///
    /// ```proto
    /// // Invalid
    /// message Person { string firstName = 1; }
    /// // Valid
    /// message Person { string first_name = 1; }
    /// ```
    pub struct FieldLowerSnakeCase {
        id: "FIELD_LOWER_SNAKE_CASE",
        summary: "Field names are lower_snake_case.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for FieldLowerSnakeCase {
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        // Map entry fields are synthesized (`key`, `value`), never written by users.
        if field.parent_message().is_map_entry() {
            return;
        }
        check(cx, field.name(), field.path());
    }

    /// Extensions are fields too, as in buf.
    fn check_extension(&self, cx: &mut Context<'_>, extension: &ExtensionDescriptor) {
        check(cx, extension.name(), extension.path());
    }
}

fn check(cx: &mut Context<'_>, name: &str, path: &[i32]) {
    let expected = to_lower_snake_case(name);
    if name != expected {
        cx.report(&name_path(path), format!("Field name {name:?} should be lower_snake_case, such as {expected:?}."));
    }
}
