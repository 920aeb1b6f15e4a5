use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::http::located_bindings;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// A `DELETE` binding should not set `body`. HTTP leaves a DELETE body without
    /// defined meaning and some proxies drop it; AIP-135 says Delete has no body, so
    /// identify the resource by the path and pass the rest (`etag`, `force`) as query
    /// parameters. A warning, since some APIs do send one on purpose.
    ///
    /// ```proto
    /// // Invalid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc DeleteBook(DeleteBookRequest) returns (DeleteBookResponse) {
    ///     option (google.api.http) = { delete: "/v1/{name=books/*}" body: "*" };
    ///   }
    /// }
    /// message DeleteBookRequest { string name = 1; }
    /// message DeleteBookResponse {}
    /// // Valid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc DeleteBook(DeleteBookRequest) returns (DeleteBookResponse) {
    ///     option (google.api.http) = { delete: "/v1/{name=books/*}" };
    ///   }
    /// }
    /// message DeleteBookRequest { string name = 1; }
    /// message DeleteBookResponse {}
    /// ```
    pub struct HttpDeleteNoBody {
        id: "HTTP_DELETE_NO_BODY",
        summary: "`DELETE` bindings of `google.api.http` have no `body`.",
        severity: Warn,
        fixable: false,
    }
}

impl Rule for HttpDeleteNoBody {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        for located in located_bindings(cx.file(), method) {
            if located.binding.verb == "DELETE" && !located.binding.body.is_empty() {
                cx.report_range(
                    &located.option_path,
                    located.body_range(),
                    format!(
                        "HTTP binding {} of RPC {:?} has body {:?}; a DELETE request should carry none (AIP-135).",
                        located.describe(),
                        method.name(),
                        located.binding.body
                    ),
                );
            }
        }
    }
}
