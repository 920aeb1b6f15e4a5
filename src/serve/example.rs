//! Deterministic example messages derived from a schema: the same descriptor gives
//! the same message every time, every field set to a valid value of its type, so a
//! client built against the mock sees realistic shapes (repeated fields with two
//! elements, maps with one entry, well-known types as valid proto3 JSON).

use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value};

/// How deep nested messages are filled; below this, message fields stay unset
/// (which also ends recursive types).
const MAX_DEPTH: usize = 3;
/// Elements of a repeated field.
const REPEATED: usize = 2;

/// An example of `desc`.
pub fn example(desc: &MessageDescriptor) -> DynamicMessage {
    fill(desc, 0)
}

fn fill(desc: &MessageDescriptor, depth: usize) -> DynamicMessage {
    let mut message = DynamicMessage::new(desc.clone());
    if let Some(value) = well_known(desc) {
        return value;
    }
    for field in desc.fields() {
        // One member of each oneof: the first.
        if let Some(oneof) = field.containing_oneof()
            && !oneof.is_synthetic()
            && oneof.fields().next().is_some_and(|first| first.number() != field.number())
        {
            continue;
        }
        if let Some(value) = field_value(&field, depth) {
            message.set_field(&field, value);
        }
    }
    message
}

fn field_value(field: &FieldDescriptor, depth: usize) -> Option<Value> {
    if field.is_map() {
        let Kind::Message(entry) = field.kind() else { return None };
        let key_field = entry.map_entry_key_field();
        let value_field = entry.map_entry_value_field();
        let key = match single(&key_field, depth)? {
            Value::String(s) => MapKey::String(s),
            Value::I32(v) => MapKey::I32(v),
            Value::I64(v) => MapKey::I64(v),
            Value::U32(v) => MapKey::U32(v),
            Value::U64(v) => MapKey::U64(v),
            Value::Bool(v) => MapKey::Bool(v),
            _ => return None,
        };
        let value = single(&value_field, depth)?;
        return Some(Value::Map([(key, value)].into_iter().collect()));
    }
    if field.is_list() {
        let items: Option<Vec<Value>> = (0..REPEATED).map(|i| element(field, depth, i)).collect();
        return items.map(Value::List);
    }
    single(field, depth)
}

/// The `i`th element of a repeated field: strings and numbers differ per element.
fn element(field: &FieldDescriptor, depth: usize, i: usize) -> Option<Value> {
    Some(match single(field, depth)? {
        Value::String(s) => Value::String(format!("{s}-{}", i + 1)),
        Value::I32(v) => Value::I32(v + i as i32),
        Value::I64(v) => Value::I64(v + i as i64),
        Value::U32(v) => Value::U32(v + i as u32),
        Value::U64(v) => Value::U64(v + i as u64),
        other => other,
    })
}

fn single(field: &FieldDescriptor, depth: usize) -> Option<Value> {
    Some(match field.kind() {
        Kind::String => Value::String(field.name().to_string()),
        Kind::Bytes => Value::Bytes(field.name().as_bytes().to_vec().into()),
        Kind::Bool => Value::Bool(true),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(1),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(1),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(1),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(1),
        Kind::Float => Value::F32(1.5),
        Kind::Double => Value::F64(1.5),
        // The first value that is not the zero value, when there is one.
        Kind::Enum(e) => Value::EnumNumber(e.values().map(|v| v.number()).find(|n| *n != 0).unwrap_or(0)),
        Kind::Message(m) => {
            if depth >= MAX_DEPTH && well_known(&m).is_none() {
                return None;
            }
            Value::Message(fill(&m, depth + 1))
        }
    })
}

/// Well-known types with values their JSON forms accept.
fn well_known(desc: &MessageDescriptor) -> Option<DynamicMessage> {
    let mut message = DynamicMessage::new(desc.clone());
    let mut set = |name: &str, value: Value| {
        if let Some(field) = desc.get_field_by_name(name) {
            message.set_field(&field, value);
        }
    };
    match desc.full_name() {
        // 2024-01-01T00:00:00Z
        "google.protobuf.Timestamp" => set("seconds", Value::I64(1_704_067_200)),
        "google.protobuf.Duration" => set("seconds", Value::I64(1)),
        "google.protobuf.FieldMask" => set("paths", Value::List(vec![Value::String("name".into())])),
        "google.protobuf.Empty" => {}
        // Any needs a type URL that resolves; an empty Any is the valid example.
        "google.protobuf.Any" => {}
        "google.protobuf.Value" => set("string_value", Value::String("value".into())),
        "google.protobuf.Struct" => {
            let value = well_known(&desc.parent_pool().get_message_by_name("google.protobuf.Value")?)?;
            set("fields", Value::Map([(MapKey::String("key".into()), Value::Message(value))].into_iter().collect()));
        }
        "google.protobuf.ListValue" => {
            let value = well_known(&desc.parent_pool().get_message_by_name("google.protobuf.Value")?)?;
            set("values", Value::List(vec![Value::Message(value)]));
        }
        "google.protobuf.StringValue" => set("value", Value::String("value".into())),
        "google.protobuf.BytesValue" => set("value", Value::Bytes(b"value".to_vec().into())),
        "google.protobuf.BoolValue" => set("value", Value::Bool(true)),
        "google.protobuf.Int32Value" => set("value", Value::I32(1)),
        "google.protobuf.Int64Value" => set("value", Value::I64(1)),
        "google.protobuf.UInt32Value" => set("value", Value::U32(1)),
        "google.protobuf.UInt64Value" => set("value", Value::U64(1)),
        "google.protobuf.FloatValue" => set("value", Value::F32(1.5)),
        "google.protobuf.DoubleValue" => set("value", Value::F64(1.5)),
        _ => return None,
    }
    Some(message)
}
