//! How messages look in proto3 JSON: every field's JSON name and value type,
//! with the well-known types' special forms, and the field behaviours that
//! say who writes a field. Renderers (OpenAPI, docs) and a mock server read
//! these instead of deciding the mapping themselves.

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};
use serde::Serialize;

use crate::annotations::field_behavior::field_behaviors;

/// The JSON form of a value of one type (a field's element type for lists and
/// the value type for maps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum JsonType {
    /// `int32`, `sint32`, `uint32`, `fixed32`, `sfixed32`: a JSON number.
    Integer {
        format: &'static str,
    },
    /// 64-bit integers: a JSON string of decimal digits (numbers are accepted on input).
    Int64 {
        format: &'static str,
    },
    /// `float`, `double`: a JSON number (or `"NaN"`, `"Infinity"`).
    Number {
        format: &'static str,
    },
    Bool,
    String,
    /// base64.
    Bytes,
    /// An enum by full name: its value name as a string (numbers accepted on input).
    Enum {
        name: String,
    },
    /// A message by full name, as a JSON object.
    Message {
        name: String,
    },
    /// A well-known type with its own JSON form.
    WellKnown {
        wkt: WellKnown,
    },
}

/// The well-known types whose JSON form is not an object of their fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WellKnown {
    /// RFC 3339 string.
    Timestamp,
    /// `"1.5s"`.
    Duration,
    /// `"a.b,c"`.
    FieldMask,
    /// Any JSON object.
    Struct,
    /// Any JSON value.
    Value,
    /// A JSON array.
    ListValue,
    /// `null`.
    NullValue,
    /// `{"@type": "...", ...fields}`.
    Any,
    /// `{}`.
    Empty,
    /// A wrapper: the wrapped scalar's form (`Int64Value` is a string).
    Wrapper(&'static str),
}

/// The wrapper types and the scalar they wrap.
const WRAPPERS: &[(&str, &str)] = &[
    ("google.protobuf.BoolValue", "bool"),
    ("google.protobuf.BytesValue", "bytes"),
    ("google.protobuf.DoubleValue", "double"),
    ("google.protobuf.FloatValue", "float"),
    ("google.protobuf.Int32Value", "int32"),
    ("google.protobuf.Int64Value", "int64"),
    ("google.protobuf.StringValue", "string"),
    ("google.protobuf.UInt32Value", "uint32"),
    ("google.protobuf.UInt64Value", "uint64"),
];

/// The well-known type a message is, by full name.
pub fn well_known(full_name: &str) -> Option<WellKnown> {
    Some(match full_name {
        "google.protobuf.Timestamp" => WellKnown::Timestamp,
        "google.protobuf.Duration" => WellKnown::Duration,
        "google.protobuf.FieldMask" => WellKnown::FieldMask,
        "google.protobuf.Struct" => WellKnown::Struct,
        "google.protobuf.Value" => WellKnown::Value,
        "google.protobuf.ListValue" => WellKnown::ListValue,
        "google.protobuf.Any" => WellKnown::Any,
        "google.protobuf.Empty" => WellKnown::Empty,
        other => return WRAPPERS.iter().find(|(name, _)| *name == other).map(|(_, s)| WellKnown::Wrapper(s)),
    })
}

/// Whether a message is written as one JSON scalar (so a query parameter or a
/// path segment can carry it): Timestamp, Duration, FieldMask, the wrappers.
pub fn is_scalar_like(full_name: &str) -> bool {
    matches!(
        well_known(full_name),
        Some(
            WellKnown::Timestamp
                | WellKnown::Duration
                | WellKnown::FieldMask
                | WellKnown::Wrapper(_)
                | WellKnown::Value
        )
    )
}

/// The JSON type of a value of `kind`.
pub fn json_type(kind: &Kind) -> JsonType {
    match kind {
        Kind::Int32 => JsonType::Integer { format: "int32" },
        Kind::Sint32 => JsonType::Integer { format: "sint32" },
        Kind::Uint32 => JsonType::Integer { format: "uint32" },
        Kind::Fixed32 => JsonType::Integer { format: "fixed32" },
        Kind::Sfixed32 => JsonType::Integer { format: "sfixed32" },
        Kind::Int64 => JsonType::Int64 { format: "int64" },
        Kind::Sint64 => JsonType::Int64 { format: "sint64" },
        Kind::Uint64 => JsonType::Int64 { format: "uint64" },
        Kind::Fixed64 => JsonType::Int64 { format: "fixed64" },
        Kind::Sfixed64 => JsonType::Int64 { format: "sfixed64" },
        Kind::Float => JsonType::Number { format: "float" },
        Kind::Double => JsonType::Number { format: "double" },
        Kind::Bool => JsonType::Bool,
        Kind::String => JsonType::String,
        Kind::Bytes => JsonType::Bytes,
        Kind::Enum(e) if e.full_name() == "google.protobuf.NullValue" => {
            JsonType::WellKnown { wkt: WellKnown::NullValue }
        }
        Kind::Enum(e) => JsonType::Enum { name: e.full_name().to_string() },
        Kind::Message(m) => match well_known(m.full_name()) {
            Some(wkt) => JsonType::WellKnown { wkt },
            None => JsonType::Message { name: m.full_name().to_string() },
        },
    }
}

/// One field of a message as it appears in JSON.
#[derive(Debug, Clone, Serialize)]
pub struct JsonField {
    pub name: String,
    pub json_name: String,
    /// The element type (lists) or value type (maps).
    #[serde(rename = "type")]
    pub ty: JsonType,
    pub repeated: bool,
    /// The key's JSON type for maps (always written as a string key).
    pub map_key: Option<JsonType>,
    /// `google.api.field_behavior`: REQUIRED, OUTPUT_ONLY, INPUT_ONLY, ...
    pub behaviors: Vec<String>,
    /// The oneof it belongs to (never a proto3 `optional`'s synthetic one).
    pub oneof: Option<String>,
    pub deprecated: bool,
    #[serde(skip)]
    pub descriptor: FieldDescriptor,
}

impl JsonField {
    pub fn required(&self) -> bool {
        self.behaviors.iter().any(|b| b == "REQUIRED")
    }
    pub fn output_only(&self) -> bool {
        self.behaviors.iter().any(|b| b == "OUTPUT_ONLY")
    }
    pub fn input_only(&self) -> bool {
        self.behaviors.iter().any(|b| b == "INPUT_ONLY")
    }
}

/// The JSON fields of `message`, in declaration order.
pub fn fields(message: &MessageDescriptor) -> Vec<JsonField> {
    // In declaration order, as protoc's plugins (protogen) list them and gnostic
    // writes properties and parameters (prost-reflect's `fields()` goes by number).
    message.declared_fields().map(|field| json_field(&field)).collect()
}

pub fn json_field(field: &FieldDescriptor) -> JsonField {
    let (ty, map_key) = match field.kind() {
        Kind::Message(entry) if field.is_map() => {
            (json_type(&entry.map_entry_value_field().kind()), Some(json_type(&entry.map_entry_key_field().kind())))
        }
        kind => (json_type(&kind), None),
    };
    JsonField {
        name: field.name().to_string(),
        json_name: field.json_name().to_string(),
        ty,
        repeated: field.is_list(),
        map_key,
        behaviors: field_behaviors(field),
        oneof: field.containing_oneof().filter(|o| !o.is_synthetic()).map(|o| o.name().to_string()),
        deprecated: field.typed_options().is_some_and(|o| o.deprecated()),
        descriptor: field.clone(),
    }
}
