//! Warnings about bindings the document describes otherwise than a transcoder
//! serves them, located at the binding as the `HTTP_*` lint rules locate theirs.
//! The document itself stays gnostic's (a team switching from the plugin gets
//! the same file); the warning says where it and the wire part:
//!
//! - `OPENAPI_RESPONSE_BODY`: gnostic's generator never reads
//!   `response_body`, so the 200 response is the whole response message while
//!   the HTTP body is only the named field's value (for a scalar, list or map
//!   field a bare JSON value that no schema of the document describes).
//! - `OPENAPI_QUERY_DEPTH`: gnostic expands message fields into `a.b.c` query
//!   parameters, counting the expansions of each field over the walk of one
//!   request field and stopping at `depth`; a recursive message (or one met
//!   more than `depth` times side by side) loses the parameters past that.

use prost_reflect::{FieldDescriptor, Kind, MethodDescriptor};

use super::Options;
use super::v3::Unfaithful;
use crate::api::Model;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::http::{LocatedBinding, located_bindings};

pub const RESPONSE_BODY_RULE: &str = "OPENAPI_RESPONSE_BODY";
pub const QUERY_DEPTH_RULE: &str = "OPENAPI_QUERY_DEPTH";

/// The located warning for one unfaithful binding.
pub(super) fn diagnostic(model: &Model<'_>, options: &Options, unfaithful: &Unfaithful) -> Option<Diagnostic> {
    Some(match unfaithful {
        Unfaithful::ResponseBody { method, binding, field } => {
            let located = locate(model, method, *binding);
            let message = format!(
                "response_body {:?} of RPC {:?}{} is not described: the document's 200 response is the whole {} \
                 message, as protoc-gen-openapi writes it (it ignores response_body), while the HTTP body is only \
                 the field's value ({})",
                field.name(),
                method.name(),
                located.as_ref().map(|l| format!(" ({})", l.describe())).unwrap_or_default(),
                method.output().full_name(),
                type_text(field),
            );
            let mut diagnostic = Diagnostic::new(RESPONSE_BODY_RULE, Severity::Warn, message);
            if !matches!(field.kind(), Kind::Message(_)) || field.is_list() || field.is_map() {
                diagnostic = diagnostic.with_note(
                    "a non-message response_body makes the body a bare JSON value, which no schema of the document describes",
                );
            }
            with_location(model, method, located.as_ref().map(LocatedBinding::response_body_range), diagnostic)
        }
        Unfaithful::QueryDepth { method, binding, parameter, more, field, recursive } => {
            let located = locate(model, method, *binding);
            let why = if *recursive {
                format!("message {} contains itself", field.parent_message().full_name())
            } else {
                format!("field {} is met more than {} times under one request field", field.full_name(), options.depth)
            };
            let others = match more {
                0 => String::new(),
                1 => " and 1 more".to_string(),
                n => format!(" and {n} more"),
            };
            let message = format!(
                "query parameters of RPC {:?}{} stop at depth={} ({why}): {parameter:?}{others} left out, though a \
                 transcoder accepts them; a larger --opt depth describes more",
                method.name(),
                located.as_ref().map(|l| format!(" ({})", l.describe())).unwrap_or_default(),
                options.depth,
            );
            let diagnostic = Diagnostic::new(QUERY_DEPTH_RULE, Severity::Warn, message).with_note(
                "protoc-gen-openapi's depth counts the expansions of each field over the walk of one request field",
            );
            with_location(model, method, located.as_ref().map(LocatedBinding::path_range), diagnostic)
        }
    })
}

fn locate(model: &Model<'_>, method: &MethodDescriptor, binding: usize) -> Option<LocatedBinding> {
    let file = model.file(method.parent_file().name())?;
    located_bindings(file, method).into_iter().find(|l| l.binding.index == binding)
}

fn with_location(
    model: &Model<'_>,
    method: &MethodDescriptor,
    range: Option<std::ops::Range<usize>>,
    diagnostic: Diagnostic,
) -> Diagnostic {
    match (model.file(method.parent_file().name()), range) {
        (Some(file), Some(range)) => diagnostic.with_span(&file.source, range.start, range.end),
        (Some(file), None) => diagnostic.with_path(&file.source.display_path),
        _ => diagnostic,
    }
}

/// The field's type as written in a `.proto` file: `repeated string`,
/// `map<string, int64>`, `acme.v1.Book`.
fn type_text(field: &FieldDescriptor) -> String {
    fn kind_text(kind: &Kind) -> String {
        match kind {
            Kind::Message(message) => message.full_name().to_string(),
            Kind::Enum(enumeration) => enumeration.full_name().to_string(),
            other => format!("{other:?}").to_ascii_lowercase(),
        }
    }
    match field.kind() {
        Kind::Message(entry) if field.is_map() => format!(
            "map<{}, {}>",
            kind_text(&entry.map_entry_key_field().kind()),
            kind_text(&entry.map_entry_value_field().kind())
        ),
        kind if field.is_list() => format!("repeated {}", kind_text(&kind)),
        kind => kind_text(&kind),
    }
}
