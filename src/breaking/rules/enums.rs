//! Enum rules: deleted enums and values, value names, open/closed, reserved ranges.

use std::collections::BTreeMap;

use prost_reflect::EnumDescriptor;

use super::support::{ENUM_MAX, check_ranges, deleted_at, nested_message_paths};
use crate::breaking::features::{Feature, enum_feature, enum_feature_path, value_name};
use crate::breaking::rule::{Findings, at, at_any, sub};
use crate::breaking::{Pairs, file_enums, nested_name};
use crate::breaking_rule;

breaking_rule! {
    /// Enums are not deleted from a file.
    ///
    /// A nested enum is reported at the closest enclosing message that still exists;
    /// a top-level one at line 1, column 1 of the head file, as buf does (a note says
    /// where it was in the base).
    pub static ENUM_NO_DELETE = "ENUM_NO_DELETE", [CSR, FILE] => enum_no_delete;
}

fn enum_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.files {
        let head_messages = nested_message_paths(head);
        let head_enums: Vec<String> =
            file_enums(&head.desc).iter().map(|e| nested_name(e.full_name(), head.package()).to_string()).collect();
        for e in file_enums(&base.desc) {
            let nested = nested_name(e.full_name(), base.package());
            if !head_enums.iter().any(|n| n == nested) {
                let at = deleted_at(head, base, e.path(), nested, &head_messages);
                out.report(at, Some(head), format!("Previously present enum {nested:?} was deleted from file."));
            }
        }
    }
}

/// Value number → names, sorted.
fn numbers(e: &EnumDescriptor) -> BTreeMap<i32, Vec<String>> {
    let mut map: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for v in e.values() {
        map.entry(v.number()).or_default().push(v.name().to_string());
    }
    for names in map.values_mut() {
        names.sort();
    }
    map
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
}

fn enum_value_no_delete_with(pairs: &Pairs<'_>, out: &mut Findings, unless_number: bool, unless_name: bool) {
    for (base, head) in &pairs.enums {
        let head_numbers = numbers(head);
        for (number, names) in numbers(base) {
            if head_numbers.contains_key(&number) {
                continue;
            }
            let number_reserved = head.reserved_ranges().any(|r| r.contains(&number));
            let name_reserved = names.iter().all(|n| head.reserved_names().any(|r| r == n));
            if (unless_number && number_reserved) || (unless_name && name_reserved) {
                continue;
            }
            let suffix = if unless_number {
                format!(" without reserving the number \"{number}\"")
            } else if unless_name {
                let s = if names.len() > 1 { "s" } else { "" };
                format!(" without reserving the name{s} {}", quoted(&names))
            } else {
                String::new()
            };
            let message =
                format!("Previously present enum value \"{number}\" on enum {:?} was deleted{suffix}.", head.name());
            let file = pairs.head_file(&head.parent_file());
            out.report(at(file, head.path()), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}

breaking_rule! {
    /// Enum values are not deleted from an enum.
    pub static ENUM_VALUE_NO_DELETE = "ENUM_VALUE_NO_DELETE", [CSR, FILE, PACKAGE] => enum_value_no_delete;
}

fn enum_value_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    enum_value_no_delete_with(pairs, out, false, false);
}

breaking_rule! {
    /// Enum values are not deleted unless their number is reserved.
    pub static ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED = "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", [CSR, WIRE_JSON, WIRE] => enum_value_no_delete_unless_number_reserved;
}

fn enum_value_no_delete_unless_number_reserved(pairs: &Pairs<'_>, out: &mut Findings) {
    enum_value_no_delete_with(pairs, out, true, false);
}

breaking_rule! {
    /// Enum values are not deleted unless their name is reserved.
    pub static ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED = "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", [CSR, WIRE_JSON] => enum_value_no_delete_unless_name_reserved;
}

fn enum_value_no_delete_unless_name_reserved(pairs: &Pairs<'_>, out: &mut Findings) {
    enum_value_no_delete_with(pairs, out, false, true);
}

breaking_rule! {
    /// Enum values keep their names: every previous name of a number is still one of
    /// its names (new aliases may be added beside them).
    pub static ENUM_VALUE_SAME_NAME = "ENUM_VALUE_SAME_NAME", [CSR, FILE, PACKAGE, WIRE_JSON] => enum_value_same_name;
}

fn enum_value_same_name(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.enums {
        let base_numbers = numbers(base);
        let file = pairs.head_file(&head.parent_file());
        let base_file = pairs.base_file(&base.parent_file());
        for (number, names) in numbers(head) {
            let Some(previous) = base_numbers.get(&number) else { continue };
            // Only a name of the number that is gone is a change: a new alias
            // beside the old name (allow_alias) is not, as buf judges it.
            if previous.iter().all(|n| names.contains(n)) {
                continue;
            }
            let s = if previous.len() > 1 && names.len() > 1 { "s" } else { "" };
            for value in head.values().filter(|v| v.number() == number) {
                let message = format!(
                    "Enum value \"{number}\" on enum {:?} changed name{s} from {} to {}.",
                    head.name(),
                    quoted(previous),
                    quoted(&names)
                );
                out.report(at(file, &sub(value.path(), &[2])), Some(base_file), message);
            }
        }
    }
}

breaking_rule! {
    /// Enums stay open or closed.
    pub static ENUM_SAME_TYPE = "ENUM_SAME_TYPE", [FILE, PACKAGE] => enum_same_type;
}

fn enum_same_type(pairs: &Pairs<'_>, out: &mut Findings) {
    const CLOSED: i32 = 2;
    for (base, head) in &pairs.enums {
        let file = pairs.head_file(&head.parent_file());
        let base_file = pairs.base_file(&base.parent_file());
        let b = enum_feature(base, base_file.syntax, Feature::EnumType) == CLOSED;
        let h = enum_feature(head, file.syntax, Feature::EnumType) == CLOSED;
        if b != h {
            let (from, to) = if h { ("open", "closed") } else { ("closed", "open") };
            let paths = vec![enum_feature_path(head.path(), Feature::EnumType), head.path().to_vec()];
            let message = format!("Enum {:?} changed from {from} to {to}.", head.name());
            out.report(at_any(file, paths), Some(base_file), message);
        }
    }
}

breaking_rule! {
    /// Reserved ranges and names are not deleted from an enum.
    pub static RESERVED_ENUM_NO_DELETE = "RESERVED_ENUM_NO_DELETE", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => reserved_enum_no_delete;
}

fn reserved_enum_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    let ranges = |e: &EnumDescriptor| -> Vec<(i64, i64)> {
        e.reserved_ranges().map(|r| (i64::from(*r.start()), i64::from(*r.end()))).collect()
    };
    for (base, head) in &pairs.enums {
        let file = pairs.head_file(&head.parent_file());
        let base_file = pairs.base_file(&base.parent_file());
        check_ranges("reserved", "enum", head.name(), ENUM_MAX, &ranges(base), &ranges(head), |m| {
            out.report(at(file, head.path()), Some(base_file), m)
        });
        for name in base.reserved_names() {
            if !head.reserved_names().any(|n| n == name) {
                let message =
                    format!("Previously present reserved name {name:?} on enum {:?} was deleted.", head.name());
                out.report(at(file, head.path()), Some(base_file), message);
            }
        }
    }
}

breaking_rule! {
    /// Enums that supported JSON (`features.json_format = ALLOW`, proto3 and
    /// editions by default) keep supporting it.
    pub static ENUM_SAME_JSON_FORMAT = "ENUM_SAME_JSON_FORMAT", [CSR, FILE, PACKAGE, WIRE_JSON] => enum_same_json_format;
}

fn enum_same_json_format(pairs: &Pairs<'_>, out: &mut Findings) {
    const ALLOW: i32 = 1;
    for (base, head) in &pairs.enums {
        let file = pairs.head_file(&head.parent_file());
        let base_file = pairs.base_file(&base.parent_file());
        let b = enum_feature(base, base_file.syntax, Feature::JsonFormat);
        let h = enum_feature(head, file.syntax, Feature::JsonFormat);
        if b == ALLOW && h != ALLOW {
            let message = format!(
                "Enum {:?} JSON format support changed from {} to {}.",
                head.name(),
                value_name(Feature::JsonFormat, b),
                value_name(Feature::JsonFormat, h)
            );
            let paths = vec![enum_feature_path(head.path(), Feature::JsonFormat), head.path().to_vec()];
            out.report(at_any(file, paths), Some(base_file), message);
        }
    }
}
