//! The walk of a document against a message, with protojson's mapping rules as
//! prost-reflect's deserializer applies them (the test in tests/config_check.rs
//! holds the two to the same verdicts): keys are a field's JSON name or its proto
//! name, 64-bit and 32-bit integers may be numbers or decimal strings, floats
//! numbers or strings (`NaN`, `Infinity`), enums a value name or a number, bytes
//! base64, and the well-known types their JSON forms. `null` leaves a field unset.

use prost_reflect::{EnumDescriptor, FieldDescriptor, Kind, MessageDescriptor};

use super::validate::{self, Typed};
use super::yaml::{Node, Value};
use super::{
    DUPLICATE_FIELD_RULE, DURATION_RULE, ENUM_RULE, FIELD_MASK_RULE, ONEOF_RULE, RANGE_RULE, STRUCT_RULE,
    TIMESTAMP_RULE, TYPE_RULE, UNKNOWN_KEY_RULE, closest, is_placeholder,
};
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// Largest Duration protojson accepts, in seconds (10,000 years), and the
/// Timestamp range (years 1 to 9999), as prost-reflect checks them.
const MAX_DURATION_SECONDS: u64 = 315_576_000_000;
const MIN_TIMESTAMP_SECONDS: i64 = -62_135_596_800;
const MAX_TIMESTAMP_SECONDS: i64 = 253_402_300_799;

pub(super) struct Checker<'a> {
    pub file: &'a SourceFile,
    pub diags: Vec<Diagnostic>,
}

/// Where a value sits, for messages: `server.http.timeout`, `items[2].name`.
#[derive(Clone, Default)]
pub(super) struct Path(String);

impl Path {
    fn key(&self, key: &str) -> Path {
        if self.0.is_empty() { Path(key.to_string()) } else { Path(format!("{}.{key}", self.0)) }
    }

    fn index(&self, index: usize) -> Path {
        Path(format!("{}[{index}]", self.0))
    }

    /// "in `server.http`", or "at the top level".
    pub(super) fn shown(&self) -> String {
        if self.0.is_empty() { "at the top level".to_string() } else { format!("in `{}`", self.0) }
    }

    /// "`server.http.timeout`: " before a message about the value.
    fn prefix(&self) -> String {
        if self.0.is_empty() { String::new() } else { format!("`{}`: ", self.0) }
    }
}

impl Checker<'_> {
    pub(super) fn error(&mut self, rule: &str, span: &std::ops::Range<usize>, message: String) {
        self.diags.push(Diagnostic::error(rule, message).with_span(self.file, span.start, span.end));
    }

    /// A document or a nested mapping against a message; `owner` is where a missing
    /// required field is reported (the key holding the mapping, or the document).
    pub(super) fn message(
        &mut self,
        desc: &MessageDescriptor,
        node: &Node,
        path: &Path,
        owner: &std::ops::Range<usize>,
    ) {
        let entries: &[(Node, Node)] = match &node.value {
            Value::Map(entries) => entries,
            // An empty document is an empty configuration.
            Value::Null if path.0.is_empty() => &[],
            _ => {
                let message =
                    format!("{}expected a mapping ({}), found {}", path.prefix(), desc.full_name(), found(node));
                self.error(TYPE_RULE, &node.span, message);
                return;
            }
        };
        let mut set_oneofs: Vec<(String, String)> = Vec::new();
        let mut present = Vec::new();
        for (key, value) in entries {
            let Some(name) = key.key_text() else {
                self.error(UNKNOWN_KEY_RULE, &key.span, format!("a key {} is not a scalar", path.shown()));
                continue;
            };
            let Some(field) = desc.get_field_by_json_name(&name).or_else(|| desc.get_field_by_name(&name)) else {
                let candidates: Vec<String> =
                    desc.fields().flat_map(|f| [f.json_name().to_string(), f.name().to_string()]).collect();
                let mut message = format!("unknown key `{name}` {} ({})", path.shown(), desc.full_name());
                if let Some(suggestion) = closest(&name, &candidates) {
                    message.push_str(&format!("; did you mean `{suggestion}`?"));
                }
                self.error(UNKNOWN_KEY_RULE, &key.span, message);
                continue;
            };
            let field_path = path.key(&name);
            // `null` leaves a field unset, except that it is a Value's null.
            if matches!(value.value, Value::Null) && !accepts_null(&field) {
                continue;
            }
            // Both spellings of one field: Go's protojson (Kratos) refuses the file.
            if present.contains(&field.number()) && field.containing_oneof().is_none() {
                let message = format!(
                    "{}field `{}` of {} is already set under its other name",
                    field_path.prefix(),
                    field.name(),
                    desc.full_name()
                );
                self.error(DUPLICATE_FIELD_RULE, &key.span, message);
                continue;
            }
            if let Some(oneof) = field.containing_oneof() {
                if let Some((_, other)) = set_oneofs.iter().find(|(o, _)| o == oneof.name()) {
                    let message = format!(
                        "{}`{other}` is already set; both are in oneof `{}` of {}, which takes one",
                        field_path.prefix(),
                        oneof.name(),
                        desc.full_name()
                    );
                    self.error(ONEOF_RULE, &key.span, message);
                    continue;
                }
                set_oneofs.push((oneof.name().to_string(), name.clone()));
            }
            present.push(field.number());
            let checked = self.field(&field, value, &field_path, &key.span);
            if let Some(checked) = checked {
                validate::field_rules_check(self, &field, value, &field_path, &checked);
            }
        }
        validate::missing_required(self, desc, &present, path, owner);
    }

    /// One field's value; what the validation rules need back when it is well-formed.
    fn field(
        &mut self,
        field: &FieldDescriptor,
        node: &Node,
        path: &Path,
        key_span: &std::ops::Range<usize>,
    ) -> Option<Checked> {
        if field.is_list() {
            let Value::List(items) = &node.value else {
                let message =
                    format!("{}expected a list of {}, found {}", path.prefix(), expected(&field.kind()), found(node));
                self.error(TYPE_RULE, &node.span, message);
                return None;
            };
            let mut values = Vec::new();
            let mut ok = true;
            for (index, item) in items.iter().enumerate() {
                let result = self.element(&field.kind(), item, &path.index(index));
                ok &= result.is_some();
                values.push(result.flatten());
            }
            return ok.then_some(Checked::List(values));
        }
        if field.is_map() {
            let Value::Map(entries) = &node.value else {
                let message = format!("{}expected a mapping, found {}", path.prefix(), found(node));
                self.error(TYPE_RULE, &node.span, message);
                return None;
            };
            let Kind::Message(entry) = field.kind() else { return None };
            let key_kind = entry.map_entry_key_field().kind();
            let value_kind = entry.map_entry_value_field().kind();
            let mut ok = true;
            let mut pairs = Vec::new();
            for (key, value) in entries {
                let text = key.key_text().unwrap_or_default();
                let key_path = path.key(&text);
                let key_value = map_key(&key_kind, &text);
                if key_value.is_none() {
                    let message = format!("{}map key `{text}` is not {}", path.prefix(), expected(&key_kind));
                    self.error(TYPE_RULE, &key.span, message);
                    ok = false;
                }
                let result = self.element(&value_kind, value, &key_path);
                ok &= result.is_some();
                pairs.push((key_value, result.flatten()));
            }
            return ok.then_some(Checked::Map(pairs));
        }
        self.singular(&field.kind(), node, path, key_span).map(Checked::Single)
    }

    /// A list element or map value: `null` is not "unset" there.
    fn element(&mut self, kind: &Kind, node: &Node, path: &Path) -> Option<Option<Typed>> {
        if matches!(node.value, Value::Null) && !kind_accepts_null(kind) {
            let message = format!("{}expected {}, found null", path.prefix(), expected(kind));
            self.error(TYPE_RULE, &node.span, message);
            return None;
        }
        let span = node.span.clone();
        self.singular(kind, node, path, &span)
    }

    /// A value of `kind`: `Some(typed value)` when well-formed (`Some(None)` when
    /// there is nothing the validation rules can compare, such as a placeholder).
    fn singular(
        &mut self,
        kind: &Kind,
        node: &Node,
        path: &Path,
        key_span: &std::ops::Range<usize>,
    ) -> Option<Option<Typed>> {
        if let Value::Str(scalar) = &node.value
            && is_placeholder(&scalar.text)
            && placeholder_allowed(kind)
        {
            return Some(None);
        }
        let type_error = |checker: &mut Self| {
            let message = format!("{}expected {}, found {}", path.prefix(), expected(kind), found(node));
            checker.error(TYPE_RULE, &node.span, message);
            None
        };
        match kind {
            Kind::Double | Kind::Float => {
                let single = matches!(kind, Kind::Float);
                let number = match &node.value {
                    Value::Int(number) => *number as f64,
                    Value::Float(number) => {
                        if single && (*number < f32::MIN as f64 || *number > f32::MAX as f64) {
                            let message = format!("{}{number} is out of range for float", path.prefix());
                            self.error(RANGE_RULE, &node.span, message);
                            return None;
                        }
                        *number
                    }
                    Value::Str(scalar) => {
                        let parsed = if single {
                            scalar.text.parse::<f32>().map(f64::from).ok()
                        } else {
                            scalar.text.parse::<f64>().ok()
                        };
                        match parsed {
                            Some(number) => number,
                            None => return type_error(self),
                        }
                    }
                    _ => return type_error(self),
                };
                Some(Some(Typed::Float(number)))
            }
            Kind::Int32
            | Kind::Sint32
            | Kind::Sfixed32
            | Kind::Int64
            | Kind::Sint64
            | Kind::Sfixed64
            | Kind::Uint32
            | Kind::Fixed32
            | Kind::Uint64
            | Kind::Fixed64 => {
                let (min, max) = integer_range(kind);
                let number: i128 = match &node.value {
                    Value::Int(number) => i128::from(*number),
                    Value::Float(number) => {
                        if number.fract() != 0.0 {
                            let message =
                                format!("{}expected {}, found number `{number}`", path.prefix(), expected(kind));
                            self.error(TYPE_RULE, &node.span, message);
                            return None;
                        }
                        if *number < min as f64 || *number > max as f64 {
                            self.range_error(kind, &number.to_string(), &node.span, path);
                            return None;
                        }
                        *number as i128
                    }
                    Value::Str(scalar) => match parse_integer(kind, &scalar.text) {
                        Ok(number) => number,
                        Err(IntegerError::Range) => {
                            self.range_error(kind, &scalar.text, &node.span, path);
                            return None;
                        }
                        Err(IntegerError::Syntax) => return type_error(self),
                    },
                    _ => return type_error(self),
                };
                if number < min || number > max {
                    self.range_error(kind, &number.to_string(), &node.span, path);
                    return None;
                }
                Some(Some(Typed::Int(number)))
            }
            Kind::Bool => match node.value {
                Value::Bool(flag) => Some(Some(Typed::Bool(flag))),
                _ => type_error(self),
            },
            Kind::String => match &node.value {
                Value::Str(scalar) => Some(Some(Typed::Str(scalar.text.clone()))),
                _ => type_error(self),
            },
            Kind::Bytes => match &node.value {
                Value::Str(scalar) if is_base64(&scalar.text) => Some(None),
                _ => type_error(self),
            },
            Kind::Enum(desc) => self.enumeration(desc, node, path, kind),
            Kind::Message(desc) => self.message_value(desc, node, path, key_span, kind),
        }
    }

    fn range_error(&mut self, kind: &Kind, shown: &str, span: &std::ops::Range<usize>, path: &Path) {
        let (min, max) = integer_range(kind);
        let message = format!("{}{shown} is out of range for {} ({min} to {max})", path.prefix(), kind_name(kind));
        self.error(RANGE_RULE, span, message);
    }

    fn enumeration(&mut self, desc: &EnumDescriptor, node: &Node, path: &Path, kind: &Kind) -> Option<Option<Typed>> {
        match &node.value {
            Value::Str(scalar) => {
                if let Some(value) = desc.get_value_by_name(&scalar.text) {
                    return Some(Some(Typed::Enum(value.number())));
                }
                if desc.full_name() == "google.protobuf.NullValue" && scalar.text == "NULL_VALUE" {
                    return Some(Some(Typed::Enum(0)));
                }
                let names: Vec<String> = desc.values().map(|v| v.name().to_string()).collect();
                let mut message = format!(
                    "{}`{}` is not a value of {} (one of {}, or a number)",
                    path.prefix(),
                    scalar.text,
                    desc.full_name(),
                    names.join(", ")
                );
                if let Some(suggestion) = enum_suggestion(&scalar.text, &names) {
                    message.push_str(&format!("; did you mean `{suggestion}`?"));
                }
                self.error(ENUM_RULE, &node.span, message);
                None
            }
            Value::Int(number) => match i32::try_from(*number) {
                Ok(number) => Some(Some(Typed::Enum(number))),
                Err(_) => {
                    self.range_error(&Kind::Int32, &number.to_string(), &node.span, path);
                    None
                }
            },
            Value::Null if desc.full_name() == "google.protobuf.NullValue" => Some(Some(Typed::Enum(0))),
            _ => {
                let message = format!("{}expected {}, found {}", path.prefix(), expected(kind), found(node));
                self.error(TYPE_RULE, &node.span, message);
                None
            }
        }
    }

    fn message_value(
        &mut self,
        desc: &MessageDescriptor,
        node: &Node,
        path: &Path,
        key_span: &std::ops::Range<usize>,
        kind: &Kind,
    ) -> Option<Option<Typed>> {
        let wrong_type = |checker: &mut Self, rule: &str| {
            let message = format!("{}expected {}, found {}", path.prefix(), expected(kind), found(node));
            checker.error(rule, &node.span, message);
            None
        };
        let text = node.as_str();
        match desc.full_name() {
            "google.protobuf.Duration" => {
                let Some(text) = text else { return wrong_type(self, TYPE_RULE) };
                let parsed: Option<prost_types::Duration> = text.parse().ok();
                match parsed {
                    Some(duration) if duration.seconds.unsigned_abs() <= MAX_DURATION_SECONDS => Some(Some(
                        Typed::Duration(i128::from(duration.seconds) * 1_000_000_000 + i128::from(duration.nanos)),
                    )),
                    Some(_) => {
                        let message = format!(
                            "{}duration `{text}` is out of range (at most {MAX_DURATION_SECONDS}s either way)",
                            path.prefix()
                        );
                        self.error(DURATION_RULE, &node.span, message);
                        None
                    }
                    None => {
                        let message = format!(
                            "{}`{text}` is not a protobuf duration: seconds with up to 9 decimals and an `s` suffix, such as \"1.5s\"",
                            path.prefix()
                        );
                        self.error(DURATION_RULE, &node.span, message);
                        None
                    }
                }
            }
            "google.protobuf.Timestamp" => {
                let Some(text) = text else { return wrong_type(self, TYPE_RULE) };
                let parsed: Option<prost_types::Timestamp> =
                    if strict_rfc3339(text) { text.parse().ok() } else { None };
                match parsed {
                    Some(stamp) if (MIN_TIMESTAMP_SECONDS..=MAX_TIMESTAMP_SECONDS).contains(&stamp.seconds) => {
                        Some(None)
                    }
                    Some(_) => {
                        let message = format!("{}timestamp `{text}` is out of range (years 1 to 9999)", path.prefix());
                        self.error(TIMESTAMP_RULE, &node.span, message);
                        None
                    }
                    None => {
                        let message = format!(
                            "{}`{text}` is not an RFC 3339 timestamp with a `T` and a zone, such as \"2024-06-01T12:00:00Z\"",
                            path.prefix()
                        );
                        self.error(TIMESTAMP_RULE, &node.span, message);
                        None
                    }
                }
            }
            "google.protobuf.FieldMask" => {
                let Some(text) = text else { return wrong_type(self, TYPE_RULE) };
                if let Some(bad) = text.split(',').find(|p| p.contains('_')) {
                    let message = format!(
                        "{}field mask path `{bad}` is not in its JSON form (lowerCamelCase, such as `{}`)",
                        path.prefix(),
                        lower_camel(bad)
                    );
                    self.error(FIELD_MASK_RULE, &node.span, message);
                    return None;
                }
                Some(None)
            }
            "google.protobuf.Struct" => match &node.value {
                Value::Map(_) => Some(None),
                _ => wrong_type(self, STRUCT_RULE),
            },
            "google.protobuf.ListValue" => match &node.value {
                Value::List(_) => Some(None),
                _ => wrong_type(self, STRUCT_RULE),
            },
            "google.protobuf.Value" => Some(None),
            "google.protobuf.Empty" => match &node.value {
                Value::Map(entries) if entries.is_empty() => Some(None),
                _ => wrong_type(self, STRUCT_RULE),
            },
            "google.protobuf.Any" => self.any(desc, node, path),
            name if wrapped_kind(name, desc).is_some() => {
                let inner = wrapped_kind(name, desc)?;
                self.singular(&inner, node, path, key_span)
            }
            _ => {
                if !matches!(node.value, Value::Map(_)) {
                    return wrong_type(self, TYPE_RULE);
                }
                self.message(desc, node, path, key_span);
                Some(None)
            }
        }
    }

    /// `{"@type": "type.googleapis.com/pkg.Msg", ...fields}`, or `value` for a
    /// well-known type; the type must be in the compiled workspace.
    fn any(&mut self, desc: &MessageDescriptor, node: &Node, path: &Path) -> Option<Option<Typed>> {
        let Value::Map(entries) = &node.value else {
            let message = format!(
                "{}expected a mapping with `@type` (google.protobuf.Any), found {}",
                path.prefix(),
                found(node)
            );
            self.error(STRUCT_RULE, &node.span, message);
            return None;
        };
        let Some(type_url) = node.get("@type").and_then(Node::as_str) else {
            let message = format!("{}a google.protobuf.Any needs an `@type` string", path.prefix());
            self.error(STRUCT_RULE, &node.span, message);
            return None;
        };
        let name = type_url.rsplit_once('/').map_or(type_url, |(_, name)| name);
        let Some(payload) = desc.parent_pool().get_message_by_name(name) else {
            let message = format!("{}`@type` names `{name}`, which is not a message of the workspace", path.prefix());
            self.error(STRUCT_RULE, &node.span, message);
            return None;
        };
        let rest: Vec<(Node, Node)> =
            entries.iter().filter(|(key, _)| key.key_text().as_deref() != Some("@type")).cloned().collect();
        if super::is_well_known(payload.full_name()) {
            if let Some((key, _)) = rest.iter().find(|(key, _)| key.key_text().as_deref() != Some("value")) {
                let message = format!(
                    "unknown key `{}` {} (google.protobuf.Any)",
                    key.key_text().unwrap_or_default(),
                    path.shown()
                );
                self.error(UNKNOWN_KEY_RULE, &key.span, message);
                return None;
            }
            let Some(value) = node.get("value") else {
                let message = format!("{}a google.protobuf.Any of a well-known type needs a `value`", path.prefix());
                self.error(STRUCT_RULE, &node.span, message);
                return None;
            };
            return self.singular(&Kind::Message(payload), value, &path.key("value"), &node.span);
        }
        let inner = Node { span: node.span.clone(), value: Value::Map(rest) };
        self.message(&payload, &inner, path, &node.span);
        Some(None)
    }
}

/// What a field's value was, for the validation rules.
pub(super) enum Checked {
    Single(Option<Typed>),
    List(Vec<Option<Typed>>),
    Map(Vec<(Option<Typed>, Option<Typed>)>),
}

fn accepts_null(field: &FieldDescriptor) -> bool {
    !field.is_list() && !field.is_map() && kind_accepts_null(&field.kind()) && !matches!(field.kind(), Kind::Enum(_))
}

fn kind_accepts_null(kind: &Kind) -> bool {
    match kind {
        Kind::Message(desc) => desc.full_name() == "google.protobuf.Value",
        Kind::Enum(desc) => desc.full_name() == "google.protobuf.NullValue",
        _ => false,
    }
}

/// Kratos expands `${NAME}` and `${NAME:default}` before decoding; such a value is
/// accepted wherever a string could stand for the value.
fn placeholder_allowed(kind: &Kind) -> bool {
    match kind {
        Kind::Message(desc) => {
            matches!(
                desc.full_name(),
                "google.protobuf.Duration"
                    | "google.protobuf.Timestamp"
                    | "google.protobuf.FieldMask"
                    | "google.protobuf.Value"
            ) || wrapped_kind(desc.full_name(), desc).is_some()
        }
        _ => true,
    }
}

fn wrapped_kind(name: &str, desc: &MessageDescriptor) -> Option<Kind> {
    matches!(
        name,
        "google.protobuf.DoubleValue"
            | "google.protobuf.FloatValue"
            | "google.protobuf.Int64Value"
            | "google.protobuf.UInt64Value"
            | "google.protobuf.Int32Value"
            | "google.protobuf.UInt32Value"
            | "google.protobuf.BoolValue"
            | "google.protobuf.StringValue"
            | "google.protobuf.BytesValue"
    )
    .then(|| desc.get_field(1).map(|f| f.kind()))
    .flatten()
}

pub(super) use crate::compile::descriptor::kind_name;

/// What a value of `kind` looks like, for messages.
pub(super) fn expected(kind: &Kind) -> String {
    match kind {
        Kind::Double | Kind::Float => format!("a number ({})", kind_name(kind)),
        Kind::Bool => "a boolean".to_string(),
        Kind::String => "a string".to_string(),
        Kind::Bytes => "a base64 string (bytes)".to_string(),
        Kind::Enum(desc) => format!("a value of {}", desc.full_name()),
        Kind::Message(desc) => match desc.full_name() {
            "google.protobuf.Duration" => "a duration string such as \"1.5s\" (google.protobuf.Duration)".to_string(),
            "google.protobuf.Timestamp" => "an RFC 3339 timestamp string (google.protobuf.Timestamp)".to_string(),
            "google.protobuf.FieldMask" => "a field mask string (google.protobuf.FieldMask)".to_string(),
            "google.protobuf.Struct" => "a mapping (google.protobuf.Struct)".to_string(),
            "google.protobuf.ListValue" => "a list (google.protobuf.ListValue)".to_string(),
            "google.protobuf.Empty" => "an empty mapping (google.protobuf.Empty)".to_string(),
            name => match wrapped_kind(name, desc) {
                Some(inner) => expected(&inner),
                None => format!("a mapping ({name})"),
            },
        },
        _ => format!("an integer ({})", kind_name(kind)),
    }
}

/// What a value is, for messages: "integer `1`", "a list".
fn found(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => format!("boolean `{flag}`"),
        Value::Int(number) => format!("integer `{number}`"),
        Value::Float(number) => format!("number `{number}`"),
        Value::Str(scalar) => format!("string `{}`", scalar.text),
        Value::List(_) => "a list".to_string(),
        Value::Map(_) => "a mapping".to_string(),
    }
}

fn integer_range(kind: &Kind) -> (i128, i128) {
    match kind {
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => (i128::from(i32::MIN), i128::from(i32::MAX)),
        Kind::Uint32 | Kind::Fixed32 => (0, i128::from(u32::MAX)),
        Kind::Uint64 | Kind::Fixed64 => (0, i128::from(u64::MAX)),
        _ => (i128::from(i64::MIN), i128::from(i64::MAX)),
    }
}

enum IntegerError {
    Range,
    Syntax,
}

/// A decimal string as Rust's `str::parse` (and so prost-reflect) reads it for the
/// kind's Rust type: an optional sign, digits, nothing else.
fn parse_integer(kind: &Kind, text: &str) -> Result<i128, IntegerError> {
    use std::num::IntErrorKind;
    let classify = |error: std::num::ParseIntError| match error.kind() {
        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => IntegerError::Range,
        _ => IntegerError::Syntax,
    };
    match kind {
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => text.parse::<i32>().map(i128::from).map_err(classify),
        Kind::Uint32 | Kind::Fixed32 => text.parse::<u32>().map(i128::from).map_err(classify),
        Kind::Uint64 | Kind::Fixed64 => text.parse::<u64>().map(i128::from).map_err(classify),
        _ => text.parse::<i64>().map(i128::from).map_err(classify),
    }
}

/// A map key's text as the key type (JSON object keys are strings).
fn map_key(kind: &Kind, text: &str) -> Option<Typed> {
    match kind {
        Kind::String => Some(Typed::Str(text.to_string())),
        Kind::Bool => text.parse::<bool>().ok().map(Typed::Bool),
        _ => parse_integer(kind, text).ok().map(Typed::Int),
    }
}

/// Standard or URL-safe base64, padding optional (prost-reflect's decoder).
fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    let url_safe = body.contains(['-', '_']);
    let alphabet_ok = body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || if url_safe { b == b'-' || b == b'_' } else { b == b'+' || b == b'/' });
    alphabet_ok && body.len() % 4 != 1 && (padding == 0 || (body.len() + padding).is_multiple_of(4)) && padding <= 2
}

/// RFC 3339 as protojson requires it: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`,
/// upper-case `T` and `Z`.
fn strict_rfc3339(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits =
        |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|part| part.iter().all(u8::is_ascii_digit));
    let at = |index: usize, expected: u8| bytes.get(index) == Some(&expected);
    if !(digits(0..4) && at(4, b'-') && digits(5..7) && at(7, b'-') && digits(8..10) && at(10, b'T')) {
        return false;
    }
    if !(digits(11..13) && at(13, b':') && digits(14..16) && at(16, b':') && digits(17..19)) {
        return false;
    }
    let mut index = 19;
    if at(index, b'.') {
        index += 1;
        let start = index;
        while bytes.get(index).is_some_and(u8::is_ascii_digit) {
            index += 1;
        }
        if index == start {
            return false;
        }
    }
    match bytes.get(index) {
        Some(b'Z') => index + 1 == bytes.len(),
        Some(b'+' | b'-') => {
            digits(index + 1..index + 3)
                && at(index + 3, b':')
                && digits(index + 4..index + 6)
                && index + 6 == bytes.len()
        }
        _ => false,
    }
}

fn lower_camel(path: &str) -> String {
    let mut result = String::new();
    let mut upper = false;
    for ch in path.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            result.extend(ch.to_uppercase());
            upper = false;
        } else {
            result.push(ch);
        }
    }
    result
}

/// `INFO` for `LEVEL_INFO`: a value whose name ends with the given one (any case),
/// else the closest name.
fn enum_suggestion(given: &str, names: &[String]) -> Option<String> {
    let upper = given.to_ascii_uppercase();
    let by_suffix: Vec<&String> =
        names.iter().filter(|name| **name == upper || name.ends_with(&format!("_{upper}"))).collect();
    if let [only] = by_suffix.as_slice() {
        return Some((*only).clone());
    }
    closest(&upper, names).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_as_protojson_requires_it() {
        for good in ["2024-06-01T12:00:00Z", "1972-06-30T23:59:60Z", "2019-03-26T14:00:00.4999+10:00"] {
            assert!(strict_rfc3339(good), "{good}");
        }
        for bad in
            ["2024-06-01 12:00:00", "2024-06-01t12:00:00Z", "2024-06-01T12:00Z", "2024-06-01T12:00:00.Z", "2024-06-01"]
        {
            assert!(!strict_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn base64_in_both_alphabets() {
        assert!(is_base64("aGVsbG8=") && is_base64("aGVsbG8") && is_base64("-_-_") && is_base64(""));
        assert!(!is_base64("a") && !is_base64("+-ab") && !is_base64("ab*c"));
    }

    #[test]
    fn enum_suggestions_complete_prefixes() {
        let names: Vec<String> = ["LEVEL_UNSPECIFIED", "LEVEL_INFO", "LEVEL_WARN"].map(String::from).to_vec();
        assert_eq!(enum_suggestion("info", &names).as_deref(), Some("LEVEL_INFO"));
        assert_eq!(enum_suggestion("LEVEL_WARNING", &names).as_deref(), Some("LEVEL_WARN"));
        assert_eq!(lower_camel("user_password"), "userPassword");
    }
}
