//! Requests checked against their schema beyond decoding: REQUIRED fields
//! (`google.api.field_behavior`), protovalidate's standard field rules
//! (`buf.validate.field`), and, for JSON that does not decode, a message that
//! names the field. The checks are `idl config check`'s ([`crate::configcheck`]),
//! which already walk proto3 JSON against a message with these rules, so a
//! request and a config file are held to the same reading of the schema.

use std::collections::HashSet;
use std::sync::Arc;

use prost_reflect::{DynamicMessage, Kind, MessageDescriptor, ReflectMessage};

use super::status::{Code, Status};
use crate::annotations::field_behavior::field_behaviors;
use crate::diagnostic::Severity;
use crate::source::SourceFile;

const FIELD_RULES_EXTENSION: &str = "buf.validate.field";

/// Whether `desc` or a message below it has a REQUIRED field or a protovalidate
/// rule: requests of other types need no check beyond decoding.
pub fn has_rules(desc: &MessageDescriptor) -> bool {
    fn walk(desc: &MessageDescriptor, seen: &mut HashSet<String>) -> bool {
        if !seen.insert(desc.full_name().to_string()) {
            return false;
        }
        desc.fields().any(|field| {
            let ruled = field_behaviors(&field).iter().any(|b| b == "REQUIRED")
                || field.options().extensions().any(|(ext, _)| ext.full_name() == FIELD_RULES_EXTENSION);
            ruled || matches!(field.kind(), Kind::Message(inner) if walk(&inner, seen))
        })
    }
    walk(desc, &mut HashSet::new())
}

/// The first rule `message` breaks, as INVALID_ARGUMENT naming the field. A
/// field left at its default value is only checked by REQUIRED (proto3 JSON
/// leaves it out).
pub fn check(message: &DynamicMessage) -> Result<(), Status> {
    let desc = message.descriptor();
    let text = serde_json::to_string(message).unwrap_or_default();
    match first_problem(&desc, &text) {
        Some(problem) => {
            Err(Status::new(Code::InvalidArgument, format!("invalid {} request: {problem}", desc.full_name())))
        }
        None => Ok(()),
    }
}

/// Why `text` is not a valid proto3 JSON `desc`, naming the field, with its
/// `line:column` in `text` when `located`.
pub fn explain_json(desc: &MessageDescriptor, text: &str, located: bool) -> Option<String> {
    let file = SourceFile::new("request", "request", Arc::from(text));
    let diagnostic =
        crate::configcheck::check_file(&file, desc, None).into_iter().find(|d| d.severity == Severity::Error)?;
    match (&diagnostic.span, located) {
        (Some(span), true) => {
            Some(format!("{} at line {} column {}", diagnostic.message, span.start.line, span.start.column))
        }
        _ => Some(diagnostic.message),
    }
}

fn first_problem(desc: &MessageDescriptor, text: &str) -> Option<String> {
    explain_json(desc, text, false)
}
