//! Message-level rules: deleted messages, fields, oneofs, extensions and reserved
//! ranges; required fields; message options.

use prost_reflect::MessageDescriptor;

use super::fields::is_required;
use super::support::{MESSAGE_MAX, MESSAGE_SET_MAX, check_ranges, deleted_at, field_description, nested_message_paths};
use crate::breaking::features::{Feature, message_feature, message_feature_path, value_name};
use crate::breaking::rule::{Findings, at, at_any, sub};
use crate::breaking::{Pairs, file_extensions, file_messages, nested_name};
use crate::breaking_rule;

breaking_rule! {
    /// Messages are not deleted from a file.
    ///
    /// A nested message is reported at the closest enclosing message that still
    /// exists; a top-level one at line 1, column 1 of the head file, as buf does (a
    /// note says where it was in the base).
    pub static MESSAGE_NO_DELETE = "MESSAGE_NO_DELETE", [CSR, FILE] => message_no_delete;
}

fn message_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.files {
        let head_messages = nested_message_paths(head);
        for message in file_messages(&base.desc) {
            let nested = nested_name(message.full_name(), base.package());
            if !head_messages.contains_key(nested) {
                let at = deleted_at(head, base, message.path(), nested, &head_messages);
                out.report(at, Some(head), format!("Previously present message {nested:?} was deleted from file."));
            }
        }
    }
}

breaking_rule! {
    /// Extensions are not deleted from a file.
    pub static EXTENSION_NO_DELETE = "EXTENSION_NO_DELETE", [FILE] => extension_no_delete;
}

fn extension_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.files {
        let head_messages = nested_message_paths(head);
        let head_names: Vec<String> = file_extensions(&head.desc)
            .iter()
            .map(|e| nested_name(e.full_name(), head.package()).to_string())
            .collect();
        for extension in file_extensions(&base.desc) {
            let nested = nested_name(extension.full_name(), base.package());
            if !head_names.iter().any(|n| n == nested) {
                let at = deleted_at(head, base, extension.path(), nested, &head_messages);
                out.report(at, Some(head), format!("Previously present extension {nested:?} was deleted from file."));
            }
        }
    }
}

/// FIELD_NO_DELETE and its looser variants.
fn field_no_delete_with(pairs: &Pairs<'_>, out: &mut Findings, unless_number: bool, unless_name: bool) {
    for (base, head) in &pairs.messages {
        for field in base.fields() {
            if head.get_field(field.number()).is_some() {
                continue;
            }
            let number_reserved = head.reserved_ranges().any(|r| r.contains(&field.number()));
            let name_reserved = head.reserved_names().any(|n| n == field.name());
            if (unless_number && number_reserved) || (unless_name && name_reserved) {
                continue;
            }
            let suffix = if unless_number {
                format!(" without reserving the number \"{}\"", field.number())
            } else if unless_name {
                format!(" without reserving the name {:?}", field.name())
            } else {
                String::new()
            };
            let description = field_description(&field);
            let description = format!("{}{}", description[..1].to_lowercase(), &description[1..]);
            let file = pairs.head_file(&head.parent_file());
            let message = format!("Previously present {description} was deleted{suffix}.");
            out.report(at(file, head.path()), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}

breaking_rule! {
    /// Fields are not deleted from a message.
    pub static FIELD_NO_DELETE = "FIELD_NO_DELETE", [CSR, FILE, PACKAGE] => field_no_delete;
}

fn field_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    field_no_delete_with(pairs, out, false, false);
}

breaking_rule! {
    /// Fields are not deleted from a message unless their number is reserved.
    pub static FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED = "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", [CSR, WIRE_JSON, WIRE] => field_no_delete_unless_number_reserved;
}

fn field_no_delete_unless_number_reserved(pairs: &Pairs<'_>, out: &mut Findings) {
    field_no_delete_with(pairs, out, true, false);
}

breaking_rule! {
    /// Fields are not deleted from a message unless their name is reserved.
    pub static FIELD_NO_DELETE_UNLESS_NAME_RESERVED = "FIELD_NO_DELETE_UNLESS_NAME_RESERVED", [CSR, WIRE_JSON] => field_no_delete_unless_name_reserved;
}

fn field_no_delete_unless_name_reserved(pairs: &Pairs<'_>, out: &mut Findings) {
    field_no_delete_with(pairs, out, false, true);
}

breaking_rule! {
    /// Oneofs are not deleted from a message (synthetic oneofs of proto3 `optional` aside).
    pub static ONEOF_NO_DELETE = "ONEOF_NO_DELETE", [CSR, FILE, PACKAGE] => oneof_no_delete;
}

fn oneof_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.messages {
        for oneof in base.oneofs().filter(|o| !o.is_synthetic()) {
            if !head.oneofs().any(|o| o.name() == oneof.name()) {
                let message =
                    format!("Previously present oneof {:?} on message {:?} was deleted.", oneof.name(), head.name());
                let file = pairs.head_file(&head.parent_file());
                out.report(at(file, head.path()), Some(pairs.base_file(&base.parent_file())), message);
            }
        }
    }
}

breaking_rule! {
    /// Messages do not turn on `no_standard_descriptor_accessor`.
    pub static MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR = "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR", [CSR, FILE, PACKAGE] => message_no_remove_standard_descriptor_accessor;
}

fn message_no_remove_standard_descriptor_accessor(pairs: &Pairs<'_>, out: &mut Findings) {
    let flag = |m: &MessageDescriptor| m.typed_options().is_some_and(|o| o.no_standard_descriptor_accessor());
    for (base, head) in &pairs.messages {
        if !flag(base) && flag(head) {
            let message = "Message option \"no_standard_descriptor_accessor\" changed from \"false\" to \"true\".";
            let file = pairs.head_file(&head.parent_file());
            out.report(
                at(file, &sub(head.path(), &[7, 2])),
                Some(pairs.base_file(&base.parent_file())),
                message.into(),
            );
        }
    }
}

breaking_rule! {
    /// Messages neither gain nor lose required fields.
    pub static MESSAGE_SAME_REQUIRED_FIELDS = "MESSAGE_SAME_REQUIRED_FIELDS", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => message_same_required_fields;
}

fn message_same_required_fields(pairs: &Pairs<'_>, out: &mut Findings) {
    let required = |m: &MessageDescriptor, syntax| -> Vec<u32> {
        m.fields().filter(|f| is_required(f, syntax)).map(|f| f.number()).collect()
    };
    const TAIL: &str = "Required fields must always be sent, so if one side does not know about the required field, this will result in a breakage.";
    for (base, head) in &pairs.messages {
        let file = pairs.head_file(&head.parent_file());
        let base_file = pairs.base_file(&base.parent_file());
        let (b, h) = (required(base, base_file.syntax), required(head, file.syntax));
        for n in b.iter().filter(|n| !h.contains(n)) {
            let message = format!("Message {:?} had required field \"{n}\" deleted. {TAIL}", base.name());
            out.report(at(file, head.path()), Some(base_file), message);
        }
        for n in h.iter().filter(|n| !b.contains(n)) {
            let field = head.get_field(*n).expect("a required field of the message");
            let message = format!("Message {:?} had required field \"{n}\" added. {TAIL}", head.name());
            out.report(at(file, field.path()), Some(base_file), message);
        }
    }
}

breaking_rule! {
    /// Reserved ranges and names are not deleted from a message.
    pub static RESERVED_MESSAGE_NO_DELETE = "RESERVED_MESSAGE_NO_DELETE", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => reserved_message_no_delete;
}

fn message_max(m: &MessageDescriptor) -> i64 {
    let set = m.typed_options().is_some_and(|o| o.message_set_wire_format());
    if set { MESSAGE_SET_MAX } else { MESSAGE_MAX }
}

fn reserved_message_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    let ranges = |m: &MessageDescriptor| -> Vec<(i64, i64)> {
        m.reserved_ranges().map(|r| (i64::from(r.start), i64::from(r.end) - 1)).collect()
    };
    for (base, head) in &pairs.messages {
        let file = pairs.head_file(&head.parent_file());
        let base_file = pairs.base_file(&base.parent_file());
        check_ranges("reserved", "message", head.name(), message_max(head), &ranges(base), &ranges(head), |m| {
            out.report(at(file, head.path()), Some(base_file), m)
        });
        for name in base.reserved_names() {
            if !head.reserved_names().any(|n| n == name) {
                let message =
                    format!("Previously present reserved name {name:?} on message {:?} was deleted.", head.name());
                out.report(at(file, head.path()), Some(base_file), message);
            }
        }
    }
}

breaking_rule! {
    /// Extension ranges are not deleted from a message.
    pub static EXTENSION_MESSAGE_NO_DELETE = "EXTENSION_MESSAGE_NO_DELETE", [CSR, FILE, PACKAGE] => extension_message_no_delete;
}

fn extension_message_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    let ranges = |m: &MessageDescriptor| -> Vec<(i64, i64)> {
        m.extension_ranges().map(|r| (i64::from(r.start), i64::from(r.end) - 1)).collect()
    };
    for (base, head) in &pairs.messages {
        let file = pairs.head_file(&head.parent_file());
        let base_file = pairs.base_file(&base.parent_file());
        check_ranges("extension", "message", head.name(), message_max(head), &ranges(base), &ranges(head), |m| {
            out.report(at(file, head.path()), Some(base_file), m)
        });
    }
}

breaking_rule! {
    /// Messages that supported JSON (`features.json_format = ALLOW`, proto3 and
    /// editions by default) keep supporting it.
    pub static MESSAGE_SAME_JSON_FORMAT = "MESSAGE_SAME_JSON_FORMAT", [CSR, FILE, PACKAGE, WIRE_JSON] => message_same_json_format;
}

fn message_same_json_format(pairs: &Pairs<'_>, out: &mut Findings) {
    const ALLOW: i32 = 1;
    for (base, head) in &pairs.messages {
        let file = pairs.head_file(&head.parent_file());
        let base_file = pairs.base_file(&base.parent_file());
        let b = message_feature(base, base_file.syntax, Feature::JsonFormat);
        let h = message_feature(head, file.syntax, Feature::JsonFormat);
        if b == ALLOW && h != ALLOW {
            let message = format!(
                "Message {:?} JSON format support changed from {} to {}.",
                head.name(),
                value_name(Feature::JsonFormat, b),
                value_name(Feature::JsonFormat, h)
            );
            let paths = vec![message_feature_path(head.path(), Feature::JsonFormat), head.path().to_vec()];
            out.report(at_any(file, paths), Some(base_file), message);
        }
    }
}

breaking_rule! {
    /// Messages keep their `message_set_wire_format` option.
    ///
    /// Deprecated by buf and in no category (enable it by ID); buf 1.75.0 fails when
    /// it is enabled and rejects message sets altogether, so idl's findings have no
    /// buf counterpart.
    pub static MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT = "MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT", [] => message_same_message_set_wire_format;
}

fn message_same_message_set_wire_format(pairs: &Pairs<'_>, out: &mut Findings) {
    let flag = |m: &MessageDescriptor| m.typed_options().is_some_and(|o| o.message_set_wire_format());
    for (base, head) in &pairs.messages {
        let (b, h) = (flag(base), flag(head));
        if b != h {
            let message = format!("Message option \"message_set_wire_format\" changed from \"{b}\" to \"{h}\".");
            let file = pairs.head_file(&head.parent_file());
            let paths = vec![sub(head.path(), &[7, 1]), head.path().to_vec()];
            out.report(at_any(file, paths), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}
