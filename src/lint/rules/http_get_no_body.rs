use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::http::located_bindings;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// A `GET` binding must not set `body`: HTTP gives a GET body no meaning,
    /// proxies and browsers drop it, and `google/api/http.proto` says GET has none.
    /// Request fields not in the path are read from the query string instead.
    ///
    /// ```proto
    /// // Invalid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc GetBook(GetBookRequest) returns (Book) {
    ///     option (google.api.http) = { get: "/v1/{name=books/*}" body: "*" };
    ///   }
    /// }
    /// message GetBookRequest { string name = 1; }
    /// message Book { string name = 1; }
    /// // Valid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc GetBook(GetBookRequest) returns (Book) {
    ///     option (google.api.http) = { get: "/v1/{name=books/*}" };
    ///   }
    /// }
    /// message GetBookRequest { string name = 1; }
    /// message Book { string name = 1; }
    /// ```
    pub struct HttpGetNoBody {
        id: "HTTP_GET_NO_BODY",
        summary: "`GET` bindings of `google.api.http` have no `body`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for HttpGetNoBody {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        for located in located_bindings(cx.file(), method) {
            if located.binding.verb == "GET" && !located.binding.body.is_empty() {
                cx.report_range(
                    &located.option_path,
                    located.body_range(),
                    format!(
                        "HTTP binding {} of RPC {:?} has body {:?}; a GET request has no body.",
                        located.describe(),
                        method.name(),
                        located.binding.body
                    ),
                );
            }
        }
    }
}
