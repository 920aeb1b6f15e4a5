use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::http::located_bindings;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// A `**` (any number of segments) may only be the last segment of a path
    /// template: `google/api/http.proto`'s grammar says so, and a `**` in the middle
    /// (`/v1/{parent=**}/sessions`) makes routing ambiguous. ESP accepts it and
    /// googleapis has a few, so this is a warning.
    ///
    /// ```proto
    /// // Invalid
    /// import "google/api/annotations.proto";
    /// service SessionService {
    ///   rpc ListSessions(ListSessionsRequest) returns (ListSessionsResponse) {
    ///     option (google.api.http) = { get: "/v1/{parent=**}/sessions" };
    ///   }
    /// }
    /// message ListSessionsRequest { string parent = 1; }
    /// message ListSessionsResponse {}
    /// // Valid
    /// import "google/api/annotations.proto";
    /// service SessionService {
    ///   rpc ListSessions(ListSessionsRequest) returns (ListSessionsResponse) {
    ///     option (google.api.http) = { get: "/v1/{parent=projects/*}/sessions" };
    ///   }
    /// }
    /// message ListSessionsRequest { string parent = 1; }
    /// message ListSessionsResponse {}
    /// ```
    pub struct HttpPathDoubleWildcardLast {
        id: "HTTP_PATH_DOUBLE_WILDCARD_LAST",
        summary: "A `**` in a `google.api.http` path template is its last segment.",
        severity: Warn,
        fixable: false,
    }
}

impl Rule for HttpPathDoubleWildcardLast {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        for located in located_bindings(cx.file(), method) {
            let Ok(template) = located.binding.template() else { continue };
            if template.has_inner_double_wildcard() {
                let offset = located.binding.path.find("**").unwrap_or(0);
                cx.report_range(
                    &located.option_path,
                    located.template_range(offset, 2),
                    format!(
                        "HTTP path template {:?} of RPC {:?} has \"**\" before its last segment; only the last segment may match several.",
                        located.binding.path,
                        method.name()
                    ),
                );
            }
        }
    }
}
