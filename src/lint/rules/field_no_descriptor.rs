use prost_reflect::{ExtensionDescriptor, FieldDescriptor};

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// A field must not be named `descriptor` in any capitalization, with or
    /// without leading or trailing underscores: the generated Java accessor
    /// `getDescriptor()` would clash with the one every message has. buf has this
    /// rule in v1beta1 configs only; it is in no preset.
    ///
    /// ```proto
    /// // Invalid
    /// message Widget { string descriptor = 1; }
    /// // Valid
    /// message Widget { string widget_descriptor = 1; }
    /// ```
    pub struct FieldNoDescriptor {
        id: "FIELD_NO_DESCRIPTOR",
        summary: "Fields are not named `descriptor`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for FieldNoDescriptor {
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        check(cx, field.name(), field.path());
    }

    /// Extensions are fields too, as in buf.
    fn check_extension(&self, cx: &mut Context<'_>, extension: &ExtensionDescriptor) {
        check(cx, extension.name(), extension.path());
    }
}

fn check(cx: &mut Context<'_>, name: &str, path: &[i32]) {
    if name.trim_matches('_').eq_ignore_ascii_case("descriptor") {
        cx.report(
            &name_path(path),
            format!(
                "Field name {name:?} cannot be any capitalization of \"descriptor\" with any number of prefix or suffix underscores."
            ),
        );
    }
}
