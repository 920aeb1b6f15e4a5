//! `google.api.field_behavior` (FieldOptions extension 1052, a repeated enum).

use prost_reflect::{FieldDescriptor, Kind, Value};

pub const FIELD_BEHAVIOR_EXTENSION: &str = "google.api.field_behavior";
pub const FIELD_BEHAVIOR_EXTENSION_NUMBER: u32 = 1052;

/// `google.api.FieldBehavior` names by number, for extensions whose enum type the
/// pool does not describe under its usual name.
const NAMES: &[&str] = &[
    "FIELD_BEHAVIOR_UNSPECIFIED",
    "OPTIONAL",
    "REQUIRED",
    "OUTPUT_ONLY",
    "INPUT_ONLY",
    "IMMUTABLE",
    "UNORDERED_LIST",
    "NON_EMPTY_DEFAULT",
    "IDENTIFIER",
];

/// The behaviours of `field` by enum value name (`REQUIRED`, `OUTPUT_ONLY`, ...),
/// in declaration order; empty when it has none.
pub fn field_behaviors(field: &FieldDescriptor) -> Vec<String> {
    let options = field.options();
    let Some((extension, value)) = options.extensions().find(|(ext, _)| {
        ext.full_name() == FIELD_BEHAVIOR_EXTENSION || ext.number() == FIELD_BEHAVIOR_EXTENSION_NUMBER
    }) else {
        return Vec::new();
    };
    let name_of = |number: i32| -> String {
        if let Kind::Enum(enum_type) = extension.kind()
            && let Some(value) = enum_type.get_value(number)
        {
            return value.name().to_string();
        }
        usize::try_from(number).ok().and_then(|n| NAMES.get(n)).map_or_else(|| number.to_string(), |s| s.to_string())
    };
    match value {
        Value::List(values) => values.iter().filter_map(Value::as_enum_number).map(name_of).collect(),
        Value::EnumNumber(number) => vec![name_of(*number)],
        _ => Vec::new(),
    }
}
