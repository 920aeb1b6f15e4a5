use prost_reflect::{Cardinality, DynamicMessage, ExtensionDescriptor, FieldDescriptor, Value};

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, name_path};
use crate::lint::support::option_value;

/// `FeatureSet.FieldPresence.LEGACY_REQUIRED`.
const LEGACY_REQUIRED: i32 = 3;

declare_rule! {
    /// Fields must not be required: no proto2 `required` label and no editions
    /// `features.field_presence = LEGACY_REQUIRED`. A required field can never be
    /// removed or made optional without breaking every reader that still
    /// requires it.
    ///
    /// ```proto
    /// // Invalid
    /// syntax = "proto2";
    /// message User { required string name = 1; }
    /// // Valid
    /// syntax = "proto2";
    /// message User { optional string name = 1; }
    /// ```
    pub struct FieldNotRequired {
        id: "FIELD_NOT_REQUIRED",
        summary: "Fields are not required.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for FieldNotRequired {
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        check(cx, field.name(), field.path(), field.cardinality(), &field.options());
    }

    /// Extensions are fields too, as in buf (protoc rejects required ones, but
    /// descriptor sets from elsewhere may have them).
    fn check_extension(&self, cx: &mut Context<'_>, extension: &ExtensionDescriptor) {
        check(cx, extension.name(), extension.path(), extension.cardinality(), &extension.options());
    }
}

fn check(cx: &mut Context<'_>, name: &str, path: &[i32], cardinality: Cardinality, options: &DynamicMessage) {
    if cardinality == Cardinality::Required || is_legacy_required(options) {
        cx.report(&name_path(path), format!("Field named {name:?} should not be required."));
    }
}

/// Editions mark required fields with a field-level feature.
fn is_legacy_required(options: &DynamicMessage) -> bool {
    let Some(Value::Message(features)) = option_value(options, "features") else {
        return false;
    };
    matches!(option_value(&features, "field_presence"), Some(Value::EnumNumber(LEGACY_REQUIRED)))
}
