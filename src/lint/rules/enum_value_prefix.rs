use prost_reflect::EnumValueDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_upper_snake_case;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, name_path};

declare_rule! {
    /// Enum value names must start with the enum's name in UPPER_SNAKE_CASE
    /// followed by `_`. Only the enum's own name counts, not the names of the
    /// messages it is nested in. The prefix keeps values unique in C++ and other
    /// languages where enum values share their parent's scope.
    ///
    /// Business-error enums (Kratos `errors.code` options, Ego annotations,
    /// `[errors]` patterns) are exempt when `exempt_error_enums` is on, as in the
    /// `uber-v2` and `google` presets: a value's name is the `reason` clients
    /// receive, and renaming it breaks them. `buf-standard` checks them, as buf does.
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
        options: [
            RuleOption {
                name: crate::errors::lint::EXEMPT_OPTION,
                default: OptionDefault::Bool(false),
                help: crate::errors::lint::EXEMPT_OPTION_HELP,
            },
        ],
    }
}

impl Rule for EnumValuePrefix {
    fn check_enum_value(&self, cx: &mut Context<'_>, value: &EnumValueDescriptor) {
        if crate::errors::lint::exempt(cx, value) {
            return;
        }
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
