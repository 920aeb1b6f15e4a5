//! What the proto asks beyond protojson: REQUIRED fields (`google.api.field_behavior`
//! and protovalidate's `required`) and protovalidate's standard field rules
//! (`buf.validate.field`), read from the field options of the compiled pool.
//!
//! Checked: `required`; numeric `const`/`lt`/`lte`/`gt`/`gte`/`in`/`not_in` (also on
//! durations); string `const`, `len`, `min_len`, `max_len`, `min_bytes`,
//! `max_bytes`, `pattern`, `prefix`, `suffix`, `contains`, `not_contains`, `in`,
//! `not_in`; bool `const`; enum `const`, `defined_only`, `in`, `not_in`; repeated
//! `min_items`/`max_items` and `items`; map `min_pairs`/`max_pairs`, `keys` and
//! `values`; `ignore = IGNORE_IF_ZERO_VALUE` and `IGNORE_ALWAYS`. Not checked: CEL
//! expressions, the string formats (`email`, `hostname`, `uri`...), timestamp and
//! message-level rules. Rules apply to the values written in the file; a field left
//! out is only checked by `required`.

use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, ReflectMessage, Value as Proto};

use super::check::{Checked, Checker, Path};
use super::yaml::Node;
use super::{REQUIRED_RULE, VALIDATE_RULE};
use crate::annotations::field_behavior::field_behaviors;

const FIELD_RULES_EXTENSION: &str = "buf.validate.field";
/// `buf.validate.Ignore` values.
const IGNORE_IF_ZERO_VALUE: i32 = 1;
const IGNORE_ALWAYS: i32 = 3;

/// A well-formed value, as the rules compare it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Typed {
    Int(i128),
    Float(f64),
    Bool(bool),
    Str(String),
    Enum(i32),
    /// Nanoseconds.
    Duration(i128),
}

impl Typed {
    fn is_zero(&self) -> bool {
        match self {
            Typed::Int(n) | Typed::Duration(n) => *n == 0,
            Typed::Float(n) => *n == 0.0,
            Typed::Bool(flag) => !flag,
            Typed::Str(text) => text.is_empty(),
            Typed::Enum(n) => *n == 0,
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Typed::Int(n) => Some(*n as f64),
            Typed::Float(n) => Some(*n),
            Typed::Enum(n) => Some(f64::from(*n)),
            Typed::Duration(n) => Some(*n as f64),
            _ => None,
        }
    }

    fn shown(&self) -> String {
        match self {
            Typed::Int(n) => n.to_string(),
            Typed::Float(n) => n.to_string(),
            Typed::Bool(flag) => flag.to_string(),
            Typed::Str(text) => format!("\"{text}\""),
            Typed::Enum(n) => n.to_string(),
            Typed::Duration(n) => duration_text(*n),
        }
    }
}

/// `buf.validate.field` of a field, when set.
fn field_rules(field: &FieldDescriptor) -> Option<DynamicMessage> {
    let options = field.options();
    let (_, value) = options.extensions().find(|(ext, _)| ext.full_name() == FIELD_RULES_EXTENSION)?;
    value.as_message().cloned()
}

fn get(message: &DynamicMessage, name: &str) -> Option<Proto> {
    let field = message.descriptor().get_field_by_name(name)?;
    message.has_field(&field).then(|| message.get_field(&field).into_owned())
}

/// Missing required fields of a mapping that was written.
pub(super) fn missing_required(
    checker: &mut Checker<'_>,
    desc: &MessageDescriptor,
    present: &[u32],
    path: &Path,
    owner: &std::ops::Range<usize>,
) {
    for field in desc.fields() {
        if present.contains(&field.number()) {
            continue;
        }
        let behavior = field_behaviors(&field).iter().any(|b| b == "REQUIRED");
        let validate =
            field_rules(&field).and_then(|rules| get(&rules, "required")).and_then(|v| v.as_bool()) == Some(true);
        if !(behavior || validate) {
            continue;
        }
        let source = if behavior { "google.api.field_behavior REQUIRED" } else { "buf.validate required" };
        let message =
            format!("missing required field `{}` {} ({}: {source})", field.name(), path.shown(), desc.full_name());
        checker.error(REQUIRED_RULE, owner, message);
    }
}

/// The protovalidate rules of a field whose value was written and is well-formed.
pub(super) fn field_rules_check(
    checker: &mut Checker<'_>,
    field: &FieldDescriptor,
    node: &Node,
    path: &Path,
    checked: &Checked,
) {
    let Some(rules) = field_rules(field) else { return };
    let ignore = get(&rules, "ignore").and_then(|v| v.as_enum_number()).unwrap_or(0);
    if ignore == IGNORE_ALWAYS {
        return;
    }
    let mut problems = Vec::new();
    match checked {
        Checked::Single(Some(value)) => {
            if ignore == IGNORE_IF_ZERO_VALUE && value.is_zero() {
                return;
            }
            // With implicit presence a written zero is the same as no value.
            if get(&rules, "required").and_then(|v| v.as_bool()) == Some(true)
                && value.is_zero()
                && !field.supports_presence()
            {
                problems.push(("required".to_string(), "value is required".to_string()));
            }
            scalar_rules(&rules, &field.kind(), value, &mut problems);
        }
        Checked::Single(None) => {}
        Checked::List(items) => {
            if let Some(repeated) = get(&rules, "repeated").and_then(|v| v.as_message().cloned()) {
                count_rules(&repeated, "repeated", "items", items.len(), &mut problems);
                if let Some(item_rules) = get(&repeated, "items").and_then(|v| v.as_message().cloned()) {
                    for (index, item) in items.iter().enumerate() {
                        if let Some(item) = item {
                            let mut item_problems = Vec::new();
                            scalar_rules(&item_rules, &field.kind(), item, &mut item_problems);
                            for (id, text) in item_problems {
                                problems.push((format!("repeated.items.{id}"), format!("item {index}: {text}")));
                            }
                        }
                    }
                }
            }
        }
        Checked::Map(pairs) => {
            if let Some(map) = get(&rules, "map").and_then(|v| v.as_message().cloned()) {
                count_rules(&map, "map", "pairs", pairs.len(), &mut problems);
                if let Kind::Message(entry) = field.kind() {
                    for (side, kind, index) in [
                        ("keys", entry.map_entry_key_field().kind(), 0),
                        ("values", entry.map_entry_value_field().kind(), 1),
                    ] {
                        let Some(side_rules) = get(&map, side).and_then(|v| v.as_message().cloned()) else {
                            continue;
                        };
                        for pair in pairs {
                            let value = if index == 0 { &pair.0 } else { &pair.1 };
                            if let Some(value) = value {
                                let mut side_problems = Vec::new();
                                scalar_rules(&side_rules, &kind, value, &mut side_problems);
                                for (id, text) in side_problems {
                                    problems.push((format!("map.{side}.{id}"), text));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    for (id, text) in problems {
        let message = format!("{}{text} (buf.validate {id})", prefix(path));
        checker.error(VALIDATE_RULE, &node.span, message);
    }
}

fn prefix(path: &Path) -> String {
    path.shown().strip_prefix("in ").map_or_else(String::new, |shown| format!("{shown}: "))
}

fn count_rules(rules: &DynamicMessage, group: &str, noun: &str, count: usize, problems: &mut Vec<(String, String)>) {
    let count = count as u64;
    if let Some(min) = get(rules, &format!("min_{noun}")).and_then(|v| v.as_u64())
        && count < min
    {
        problems
            .push((format!("{group}.min_{noun}"), format!("value must contain at least {min} {noun}, found {count}")));
    }
    if let Some(max) = get(rules, &format!("max_{noun}")).and_then(|v| v.as_u64())
        && count > max
    {
        problems.push((
            format!("{group}.max_{noun}"),
            format!("value must contain no more than {max} {noun}, found {count}"),
        ));
    }
}

/// The type rules (`int32`, `string`, `duration`...) that apply to one value.
fn scalar_rules(rules: &DynamicMessage, kind: &Kind, value: &Typed, problems: &mut Vec<(String, String)>) {
    let group = match kind {
        Kind::Message(desc) => match desc.full_name() {
            "google.protobuf.Duration" => "duration",
            "google.protobuf.StringValue" => "string",
            "google.protobuf.BoolValue" => "bool",
            "google.protobuf.Int32Value" => "int32",
            "google.protobuf.Int64Value" => "int64",
            "google.protobuf.UInt32Value" => "uint32",
            "google.protobuf.UInt64Value" => "uint64",
            "google.protobuf.FloatValue" => "float",
            "google.protobuf.DoubleValue" => "double",
            _ => return,
        },
        other => super::check::kind_name(other),
    };
    let Some(type_rules) = get(rules, group).and_then(|v| v.as_message().cloned()) else { return };
    let mut push = |id: &str, text: String| problems.push((format!("{group}.{id}"), text));
    match value {
        Typed::Str(text) => string_rules(&type_rules, text, &mut push),
        Typed::Bool(flag) => {
            if let Some(expected) = get(&type_rules, "const").and_then(|v| v.as_bool())
                && expected != *flag
            {
                push("const", format!("value must equal {expected}"));
            }
        }
        Typed::Enum(number) => {
            if get(&type_rules, "defined_only").and_then(|v| v.as_bool()) == Some(true)
                && let Kind::Enum(desc) = kind
                && desc.get_value(*number).is_none()
            {
                push("defined_only", format!("value must be one of the defined enum values, found {number}"));
            }
            numeric_rules(&type_rules, value, &mut push);
        }
        _ => numeric_rules(&type_rules, value, &mut push),
    }
}

/// A rule's value as a number of the same scale as [`Typed::number`].
fn rule_number(value: &Proto) -> Option<f64> {
    match value {
        Proto::I32(n) => Some(f64::from(*n)),
        Proto::I64(n) => Some(*n as f64),
        Proto::U32(n) => Some(f64::from(*n)),
        Proto::U64(n) => Some(*n as f64),
        Proto::F32(n) => Some(f64::from(*n)),
        Proto::F64(n) => Some(*n),
        Proto::EnumNumber(n) => Some(f64::from(*n)),
        Proto::Message(duration) => {
            let seconds = get(duration, "seconds").and_then(|v| v.as_i64()).unwrap_or(0);
            let nanos = get(duration, "nanos").and_then(|v| v.as_i32()).unwrap_or(0);
            Some(seconds as f64 * 1e9 + f64::from(nanos))
        }
        _ => None,
    }
}

fn rule_text(value: &Proto, duration: bool) -> String {
    match (value, duration) {
        (Proto::Message(_), _) | (_, true) => duration_text(rule_number(value).unwrap_or(0.0) as i128),
        (Proto::F32(n), _) => n.to_string(),
        (Proto::F64(n), _) => n.to_string(),
        (other, _) => rule_number(other).map_or_else(String::new, |n| (n as i128).to_string()),
    }
}

fn duration_text(nanos: i128) -> String {
    if nanos % 1_000_000_000 == 0 {
        format!("{}s", nanos / 1_000_000_000)
    } else {
        let text = format!("{:.9}", nanos as f64 / 1e9);
        format!("{}s", text.trim_end_matches('0'))
    }
}

fn numeric_rules(rules: &DynamicMessage, value: &Typed, push: &mut dyn FnMut(&str, String)) {
    let Some(number) = value.number() else { return };
    let duration = matches!(value, Typed::Duration(_));
    let shown = value.shown();
    if let Some(expected) = get(rules, "const")
        && rule_number(&expected) != Some(number)
    {
        push("const", format!("value must equal {}, found {shown}", rule_text(&expected, duration)));
    }
    let lower = ["gt", "gte"].into_iter().find_map(|id| get(rules, id).map(|v| (id, v)));
    let upper = ["lt", "lte"].into_iter().find_map(|id| get(rules, id).map(|v| (id, v)));
    let describe = |id: &str, bound: &Proto| {
        let text = rule_text(bound, duration);
        match id {
            "gt" => format!("greater than {text}"),
            "gte" => format!("greater than or equal to {text}"),
            "lt" => format!("less than {text}"),
            _ => format!("less than or equal to {text}"),
        }
    };
    let satisfies = |id: &str, bound: &Proto| {
        let limit = rule_number(bound).unwrap_or(0.0);
        match id {
            "gt" => number > limit,
            "gte" => number >= limit,
            "lt" => number < limit,
            _ => number <= limit,
        }
    };
    match (&lower, &upper) {
        (Some((low_id, low)), Some((high_id, high))) => {
            let exclusive = rule_number(high) < rule_number(low);
            let ok = if exclusive {
                satisfies(low_id, low) || satisfies(high_id, high)
            } else {
                satisfies(low_id, low) && satisfies(high_id, high)
            };
            if !ok {
                let joiner = if exclusive { "or" } else { "and" };
                push(
                    &format!("{low_id}_{high_id}{}", if exclusive { "_exclusive" } else { "" }),
                    format!(
                        "value must be {} {joiner} {}, found {shown}",
                        describe(low_id, low),
                        describe(high_id, high)
                    ),
                );
            }
        }
        (Some((id, bound)), None) | (None, Some((id, bound))) => {
            if !satisfies(id, bound) {
                push(id, format!("value must be {}, found {shown}", describe(id, bound)));
            }
        }
        (None, None) => {}
    }
    let listed = |name: &str| -> Vec<Proto> {
        get(rules, name).and_then(|v| v.as_list().map(<[Proto]>::to_vec)).unwrap_or_default()
    };
    let allowed = listed("in");
    if !allowed.is_empty() && !allowed.iter().any(|v| rule_number(v) == Some(number)) {
        let shown_list: Vec<String> = allowed.iter().map(|v| rule_text(v, duration)).collect();
        push("in", format!("value must be in list [{}], found {shown}", shown_list.join(", ")));
    }
    let denied = listed("not_in");
    if denied.iter().any(|v| rule_number(v) == Some(number)) {
        let shown_list: Vec<String> = denied.iter().map(|v| rule_text(v, duration)).collect();
        push("not_in", format!("value must not be in list [{}], found {shown}", shown_list.join(", ")));
    }
}

fn string_rules(rules: &DynamicMessage, text: &str, push: &mut dyn FnMut(&str, String)) {
    let chars = text.chars().count() as u64;
    let bytes = text.len() as u64;
    let string = |name: &str| get(rules, name).and_then(|v| v.as_str().map(str::to_string));
    let number = |name: &str| get(rules, name).and_then(|v| v.as_u64());
    if let Some(expected) = string("const")
        && expected != text
    {
        push("const", format!("value must equal `{expected}`"));
    }
    if let Some(len) = number("len")
        && chars != len
    {
        push("len", format!("value length must be {len} characters, found {chars}"));
    }
    if let Some(min) = number("min_len")
        && chars < min
    {
        push("min_len", format!("value length must be at least {min} characters, found {chars}"));
    }
    if let Some(max) = number("max_len")
        && chars > max
    {
        push("max_len", format!("value length must be at most {max} characters, found {chars}"));
    }
    if let Some(min) = number("min_bytes")
        && bytes < min
    {
        push("min_bytes", format!("value length must be at least {min} bytes, found {bytes}"));
    }
    if let Some(max) = number("max_bytes")
        && bytes > max
    {
        push("max_bytes", format!("value length must be at most {max} bytes, found {bytes}"));
    }
    if let Some(pattern) = string("pattern") {
        match regex::Regex::new(&pattern) {
            Ok(regex) if !regex.is_match(text) => {
                push("pattern", format!("value does not match regex pattern `{pattern}`"));
            }
            _ => {}
        }
    }
    if let Some(prefix) = string("prefix")
        && !text.starts_with(&prefix)
    {
        push("prefix", format!("value does not have prefix `{prefix}`"));
    }
    if let Some(suffix) = string("suffix")
        && !text.ends_with(&suffix)
    {
        push("suffix", format!("value does not have suffix `{suffix}`"));
    }
    if let Some(needle) = string("contains")
        && !text.contains(&needle)
    {
        push("contains", format!("value does not contain substring `{needle}`"));
    }
    if let Some(needle) = string("not_contains")
        && text.contains(&needle)
    {
        push("not_contains", format!("value contains substring `{needle}`"));
    }
    let listed = |name: &str| -> Vec<String> {
        get(rules, name)
            .and_then(|v| {
                v.as_list().map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
            })
            .unwrap_or_default()
    };
    let allowed = listed("in");
    if !allowed.is_empty() && !allowed.iter().any(|a| a == text) {
        push("in", format!("value must be in list [{}]", allowed.join(", ")));
    }
    if listed("not_in").iter().any(|a| a == text) {
        push("not_in", format!("value must not be in list [{}]", listed("not_in").join(", ")));
    }
}
