use prost_reflect::FieldDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, child_path};

/// `FieldDescriptorProto.json_name`.
const JSON_NAME_FIELD: i32 = 10;

declare_rule! {
    /// Fields must not set `json_name` (Uber V2, prototool's
    /// MESSAGE_FIELDS_NO_JSON_NAME): the JSON name derived from the field name is
    /// what every language and tool expects.
    ///
    /// ```proto
    /// // Invalid
    /// message Trip { string trip_id = 1 [json_name = "id"]; }
    /// // Valid
    /// message Trip { string trip_id = 1; }
    /// ```
    pub struct FieldNoJsonName {
        id: "FIELD_NO_JSON_NAME",
        summary: "Fields do not set `json_name`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for FieldNoJsonName {
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        if field.json_name_proto().is_none() || field.parent_message().is_map_entry() {
            return;
        }
        // The compiler fills in json_name for every field; only a written one
        // has a source location.
        let path = child_path(field.path(), &[JSON_NAME_FIELD]);
        if cx.location(&path).is_some() {
            cx.report(&path, format!("Field {:?} should not set json_name.", field.name()));
        }
    }
}
