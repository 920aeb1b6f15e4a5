use prost_reflect::{Kind, MethodDescriptor};

use crate::annotations::http::{FieldPathError, resolve_field_path};
use crate::declare_rule;
use crate::lint::http::located_bindings;
use crate::lint::rule::{Context, Rule};

/// Messages a path variable may name: the well-known wrappers, which both
/// grpc-gateway and Envoy's gRPC-JSON transcoder fill from a path segment as if
/// they were the scalar they wrap.
const WRAPPERS: &[&str] = &[
    "google.protobuf.BoolValue",
    "google.protobuf.BytesValue",
    "google.protobuf.DoubleValue",
    "google.protobuf.FloatValue",
    "google.protobuf.Int32Value",
    "google.protobuf.Int64Value",
    "google.protobuf.StringValue",
    "google.protobuf.UInt32Value",
    "google.protobuf.UInt64Value",
];

declare_rule! {
    /// Every variable of a `google.api.http` path template (`{name}`,
    /// `{book.name=shelves/*/books/*}`) must name a field of the request message:
    /// each part but the last a singular message field, the last a singular scalar or
    /// enum field. A path segment is one string, so it cannot fill a repeated field, a
    /// map or a message. The well-known wrappers (`google.protobuf.StringValue`, ...)
    /// are accepted, as grpc-gateway and Envoy's transcoder unwrap them; other
    /// messages (`Timestamp`, `Duration`, `FieldMask`) are not, as only grpc-gateway
    /// parses those from a path. The finding points at the variable.
    ///
    /// ```proto
    /// // Invalid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc GetBook(GetBookRequest) returns (Book) {
    ///     option (google.api.http) = { get: "/v1/{book_name=shelves/*/books/*}" };
    ///   }
    /// }
    /// message GetBookRequest { string name = 1; }
    /// message Book { string name = 1; }
    /// // Valid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc GetBook(GetBookRequest) returns (Book) {
    ///     option (google.api.http) = { get: "/v1/{name=shelves/*/books/*}" };
    ///   }
    /// }
    /// message GetBookRequest { string name = 1; }
    /// message Book { string name = 1; }
    /// ```
    pub struct HttpPathVariableField {
        id: "HTTP_PATH_VARIABLE_FIELD",
        summary: "`google.api.http` path variables name singular scalar fields of the request.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for HttpPathVariableField {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        let request = method.input();
        for located in located_bindings(cx.file(), method) {
            let Ok(template) = located.binding.template() else { continue };
            for variable in template.variables() {
                let field_path = variable.field_path_str();
                let problem = match resolve_field_path(&request, &variable.field_path) {
                    Err(FieldPathError::NoSuchField { index, message }) => {
                        format!("{:?} is not a field of {message}", variable.field_path[index])
                    }
                    Err(FieldPathError::NotAMessage { index }) => format!(
                        "{:?} is not a singular message field, so it cannot be followed by \".{}\"",
                        variable.field_path[..=index].join("."),
                        variable.field_path[index + 1]
                    ),
                    Ok(fields) => {
                        let Some(field) = fields.last() else { continue };
                        if field.is_map() {
                            "it is a map field".to_string()
                        } else if field.is_list() {
                            "it is a repeated field".to_string()
                        } else if let Kind::Message(message) = field.kind()
                            && !WRAPPERS.contains(&message.full_name())
                        {
                            format!("it is a message field ({})", message.full_name())
                        } else {
                            continue;
                        }
                    }
                };
                cx.report_range(
                    &located.option_path,
                    located.template_range(variable.start, variable.end - variable.start),
                    format!(
                        "Path variable {:?} of RPC {:?} cannot be bound to request {}: {problem}.",
                        field_path,
                        method.name(),
                        request.full_name()
                    ),
                );
            }
        }
    }
}
