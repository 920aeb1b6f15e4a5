use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::http::located_bindings;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// Every path template of a `google.api.http` binding (the primary rule and each
    /// of its `additional_bindings`) must follow the grammar of `google/api/http.proto`:
    /// a leading `/`, segments that are literals, `*`, `**` or `{field.path=segments}`
    /// variables (not nested), and an optional `:verb`. A template that does not parse
    /// is rejected by gRPC transcoders (ESP, Envoy, grpc-gateway) when they load the
    /// service, long after the proto compiled. The finding points at the character
    /// where parsing stopped.
    ///
    /// ```proto
    /// // Invalid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc GetBook(GetBookRequest) returns (Book) {
    ///     option (google.api.http) = { get: "/v1/{name=shelves/*/books/*" };
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
    pub struct HttpPathTemplateValid {
        id: "HTTP_PATH_TEMPLATE_VALID",
        summary: "`google.api.http` path templates follow the http.proto grammar.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for HttpPathTemplateValid {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        for located in located_bindings(cx.file(), method) {
            if located.binding.path.is_empty() {
                cx.report_range(
                    &located.option_path,
                    located.path_range(),
                    format!(
                        "HTTP {} binding of RPC {:?} has an empty path template.",
                        located.binding.verb,
                        method.name()
                    ),
                );
                continue;
            }
            if let Err(error) = located.binding.template() {
                cx.report_range(
                    &located.option_path,
                    located.template_range(error.offset, 1),
                    format!(
                        "HTTP path template {:?} of RPC {:?} does not parse: {} at character {}.",
                        located.binding.path,
                        method.name(),
                        error.message,
                        located.binding.path[..error.offset].chars().count() + 1
                    ),
                );
            }
        }
    }
}
