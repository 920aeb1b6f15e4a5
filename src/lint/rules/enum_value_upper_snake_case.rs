use prost_reflect::EnumValueDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_upper_snake_case;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, name_path};

declare_rule! {
    /// Enum value names must be UPPER_SNAKE_CASE. Digits may follow a letter
    /// directly or after an underscore (`V1` and `V_1` both pass).
    ///
    /// Business-error enums (Kratos `errors.code` options, Ego annotations,
    /// `[errors]` patterns) are exempt when `exempt_error_enums` is on, as in the
    /// `uber-v2` and `google` presets: a value's name is the `reason` clients
    /// receive, and renaming it breaks them. `buf-standard` checks them, as buf does.
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
        options: [
            RuleOption {
                name: crate::errors::lint::EXEMPT_OPTION,
                default: OptionDefault::Bool(false),
                help: crate::errors::lint::EXEMPT_OPTION_HELP,
            },
        ],
    }
}

impl Rule for EnumValueUpperSnakeCase {
    fn check_enum_value(&self, cx: &mut Context<'_>, value: &EnumValueDescriptor) {
        if crate::errors::lint::exempt(cx, value) {
            return;
        }
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
