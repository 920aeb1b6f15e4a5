use prost_reflect::EnumValueDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, name_path};

declare_rule! {
    /// The enum value numbered zero must end with a suffix, `_UNSPECIFIED` unless
    /// the `suffix` option says otherwise. The zero value is what a reader sees
    /// when a field is unset, so its name should say "not set".
    ///
    /// ```toml
    /// [lint.rules.ENUM_ZERO_VALUE_SUFFIX]
    /// suffix = "_NONE"
    /// also_allowed = ["_UNKNOWN"]
    /// ```
    ///
    /// `also_allowed` lists further suffixes that are accepted; the `google`
    /// preset accepts `_UNKNOWN`, as the style guide does ("the suffix of either
    /// `_UNSPECIFIED` or `_UNKNOWN`"). Findings always name `suffix`.
    ///
    /// Business-error enums (Kratos `errors.code` options, Ego annotations,
    /// `[errors]` patterns) are exempt when `exempt_error_enums` is on, as in the
    /// `uber-v2` and `google` presets: a value's name is the `reason` clients
    /// receive, and renaming it breaks them. `buf-standard` checks them, as buf does.
    ///
    /// ```proto
    /// // Invalid
    /// enum Color { COLOR_RED = 0; }
    /// // Valid
    /// enum Color { COLOR_UNSPECIFIED = 0; }
    /// ```
    pub struct EnumZeroValueSuffix {
        id: "ENUM_ZERO_VALUE_SUFFIX",
        summary: "The zero enum value ends with `_UNSPECIFIED` (option `suffix`).",
        severity: Error,
        fixable: false,
        options: [
            RuleOption {
                name: "suffix",
                default: OptionDefault::String("_UNSPECIFIED"),
                help: "The suffix the zero value's name must end with (buf's `enum_zero_value_suffix`).",
            },
            RuleOption {
                name: "also_allowed",
                default: OptionDefault::List(&[]),
                help: "Further suffixes accepted besides `suffix` (the `google` preset: `_UNKNOWN`).",
            },
            RuleOption {
                name: crate::errors::lint::EXEMPT_OPTION,
                default: OptionDefault::Bool(false),
                help: crate::errors::lint::EXEMPT_OPTION_HELP,
            },
        ],
    }
}

impl Rule for EnumZeroValueSuffix {
    fn check_enum_value(&self, cx: &mut Context<'_>, value: &EnumValueDescriptor) {
        if value.number() != 0 || crate::errors::lint::exempt(cx, value) {
            return;
        }
        let name = value.name();
        let suffix = cx.option_str("suffix").to_string();
        if !name.ends_with(&suffix)
            && !cx.option_list("also_allowed").iter().any(|other| name.ends_with(other.as_str()))
        {
            cx.report(
                &name_path(value.path()),
                format!("Enum zero value name {name:?} should be suffixed with {suffix:?}."),
            );
        }
    }
}
