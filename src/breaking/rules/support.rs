//! Helpers shared by the rules: buf's element descriptions and where a deleted
//! element is reported.

use std::collections::HashMap;

use prost_reflect::{FieldDescriptor, Kind};

use crate::breaking::features::{Feature, field_feature};
use crate::breaking::rule::{At, at, at_file_start};
use crate::breaking::{SideFile, file_messages, nested_name};
use crate::compile::Syntax;

/// `Field "3" with name "email" on message "User"` (buf's field description).
pub fn field_description(field: &FieldDescriptor) -> String {
    field_description_with_name(field, field.name())
}

/// buf's field description, the name left out when `name` is empty.
pub fn field_description_with_name(field: &FieldDescriptor, name: &str) -> String {
    let name = if name.is_empty() { String::new() } else { format!(" with name {name:?}") };
    format!("Field \"{}\"{name} on message {:?}", field.number(), field.parent_message().name())
}

/// The protoreflect kind name of a field (`group` for group-encoded messages,
/// proto2 groups and editions `message_encoding = DELIMITED` alike).
pub fn kind_name(field: &FieldDescriptor, syntax: Syntax) -> &'static str {
    if field.is_group() {
        return "group";
    }
    if matches!(syntax, Syntax::Editions(_))
        && matches!(field.kind(), Kind::Message(ref m) if !m.is_map_entry())
        && field_feature(field, syntax, Feature::MessageEncoding) == 2
    {
        return "group";
    }
    crate::compile::descriptor::kind_name(&field.kind())
}

/// The kind as buf prints it in a type change: a delimited message outside proto2
/// is not called a group.
pub fn kind_display(field: &FieldDescriptor, syntax: Syntax) -> &'static str {
    match kind_name(field, syntax) {
        "group" if syntax != Syntax::Proto2 => "message (delimited encoding)",
        kind => kind,
    }
}

/// The full name of a field's message or enum type, if it has one.
pub fn type_name(field: &FieldDescriptor) -> Option<String> {
    match field.kind() {
        Kind::Message(m) => Some(m.full_name().to_string()),
        Kind::Enum(e) => Some(e.full_name().to_string()),
        _ => None,
    }
}

/// Where buf reports an element of the base that is gone from a head file: the
/// closest enclosing message that still exists in the head file, else line 1,
/// column 1 of the head file (idl adds where the element was in the base as a note).
pub fn deleted_at<'s, 'a>(
    head: &'s SideFile<'a>,
    base: &'s SideFile<'a>,
    base_path: &[i32],
    nested: &str,
    head_messages: &HashMap<String, Vec<i32>>,
) -> At<'s, 'a> {
    let parts: Vec<&str> = nested.split('.').collect();
    for i in (1..parts.len()).rev() {
        if let Some(path) = head_messages.get(&parts[..i].join(".")) {
            return at(head, path);
        }
    }
    at_file_start(head, base, base_path)
}

/// Nested name → descriptor path of every message of a file.
pub fn nested_message_paths(file: &SideFile<'_>) -> HashMap<String, Vec<i32>> {
    file_messages(&file.desc)
        .into_iter()
        .map(|m| (nested_name(m.full_name(), file.package()).to_string(), m.path().to_vec()))
        .collect()
}

/// Largest field number of a message.
pub const MESSAGE_MAX: i64 = 536_870_911;
/// Largest field number of a message with `message_set_wire_format`.
pub const MESSAGE_SET_MAX: i64 = 2_147_483_646;
/// Largest enum value number.
pub const ENUM_MAX: i64 = 2_147_483_647;

/// An inclusive range as buf prints it: `[5]`, `[9,11]`, `[100,max]`.
pub fn range_string(start: i64, end: i64, max: i64) -> String {
    if start == end {
        format!("[{start}]")
    } else if end == max {
        format!("[{start},max]")
    } else {
        format!("[{start},{end}]")
    }
}

/// The parts of `[start, end]` (inclusive) that `ranges` (inclusive) do not cover.
pub fn missing_ranges(start: i64, end: i64, ranges: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut sorted = ranges.to_vec();
    sorted.sort();
    let mut collapsed: Vec<(i64, i64)> = Vec::new();
    for (s, e) in sorted {
        match collapsed.last_mut() {
            Some(last) if s <= last.1 + 1 => last.1 = last.1.max(e),
            _ => collapsed.push((s, e)),
        }
    }
    let mut missing = Vec::new();
    let mut next = start;
    for (s, e) in collapsed {
        if e < next {
            continue;
        }
        if s > end {
            break;
        }
        if s > next {
            missing.push((next, s - 1));
        }
        next = e + 1;
        if next > end {
            break;
        }
    }
    if next <= end {
        missing.push((next, end));
    }
    missing
}

/// buf's tag-range check: every base range must still be covered; reports once per
/// base range with the values removed.
pub fn check_ranges(
    kind: &str,
    element: &str,
    element_name: &str,
    max: i64,
    base: &[(i64, i64)],
    head: &[(i64, i64)],
    mut report: impl FnMut(String),
) {
    for &(start, end) in base {
        let missing = missing_ranges(start, end, head);
        if !missing.is_empty() {
            let removed: Vec<String> = missing.iter().map(|&(s, e)| range_string(s, e, max)).collect();
            report(format!(
                "Previously present {kind} range {:?} on {element} {element_name:?} is missing values: {} were removed.",
                range_string(start, end, max),
                removed.join(", ")
            ));
        }
    }
}
