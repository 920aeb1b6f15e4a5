use prost_reflect::EnumDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, child_path};

/// `EnumDescriptorProto.options` (3), `EnumOptions.allow_alias` (2).
const ALLOW_ALIAS_PATH: [i32; 2] = [3, 2];

declare_rule! {
    /// Enums must not set `option allow_alias = true`. Aliases give one number
    /// several names, and the JSON and text formats can only print one of them.
    ///
    /// ```proto
    /// // Invalid
    /// enum Color { option allow_alias = true; COLOR_UNSPECIFIED = 0; COLOR_NONE = 0; }
    /// // Valid
    /// enum Color { COLOR_UNSPECIFIED = 0; }
    /// ```
    pub struct EnumNoAllowAlias {
        id: "ENUM_NO_ALLOW_ALIAS",
        summary: "Enums do not set `allow_alias`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for EnumNoAllowAlias {
    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {
        let allow_alias = enum_.typed_options().and_then(|options| options.allow_alias).unwrap_or(false);
        if allow_alias {
            cx.report(
                &child_path(enum_.path(), &ALLOW_ALIAS_PATH),
                format!("Enum option \"allow_alias\" on enum {:?} must be false.", enum_.name()),
            );
        }
    }
}
