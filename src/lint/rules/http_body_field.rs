use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::http::located_bindings;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// A `google.api.http` binding's `body` must be `*` (the whole request) or the
    /// name of a top-level field of the request message, and that field must not
    /// itself be a path variable (a value cannot come from both the path and the
    /// body). A path variable inside the body field is fine: AIP-134's
    /// `patch: "/v1/{book.name=books/*}" body: "book"` fills `book` from the body
    /// and `book.name` from the path. Likewise `response_body` must name a top-level field of the response.
    /// Transcoders reject these bindings when they load the service.
    ///
    /// ```proto
    /// // Invalid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc CreateBook(CreateBookRequest) returns (Book) {
    ///     option (google.api.http) = { post: "/v1/{parent=shelves/*}/books" body: "books" };
    ///   }
    /// }
    /// message CreateBookRequest { string parent = 1; Book book = 2; }
    /// message Book { string name = 1; }
    /// // Valid
    /// import "google/api/annotations.proto";
    /// service BookService {
    ///   rpc CreateBook(CreateBookRequest) returns (Book) {
    ///     option (google.api.http) = { post: "/v1/{parent=shelves/*}/books" body: "book" };
    ///   }
    /// }
    /// message CreateBookRequest { string parent = 1; Book book = 2; }
    /// message Book { string name = 1; }
    /// ```
    pub struct HttpBodyField {
        id: "HTTP_BODY_FIELD",
        summary: "`google.api.http` `body` is `*` or a request field not bound by the path.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for HttpBodyField {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        let request = method.input();
        let response = method.output();
        for located in located_bindings(cx.file(), method) {
            let binding = &located.binding;
            if !binding.body.is_empty() && binding.body != "*" {
                if request.get_field_by_name(&binding.body).is_none() {
                    cx.report_range(
                        &located.option_path,
                        located.body_range(),
                        format!(
                            "HTTP body {:?} of RPC {:?} is not a field of request {}; use \"*\" or a top-level field name.",
                            binding.body,
                            method.name(),
                            request.full_name()
                        ),
                    );
                } else if let Ok(template) = binding.template()
                    && let Some(variable) =
                        template.variables().into_iter().find(|v| v.field_path == [binding.body.clone()])
                {
                    cx.report_range(
                        &located.option_path,
                        located.body_range(),
                        format!(
                            "HTTP body {:?} of RPC {:?} is also bound by path variable {:?}; a field comes from the path or the body, not both.",
                            binding.body,
                            method.name(),
                            variable.field_path_str()
                        ),
                    );
                }
            }
            if !binding.response_body.is_empty() && response.get_field_by_name(&binding.response_body).is_none() {
                cx.report_range(
                    &located.option_path,
                    located.option_range.clone(),
                    format!(
                        "HTTP response_body {:?} of RPC {:?} is not a field of response {}.",
                        binding.response_body,
                        method.name(),
                        response.full_name()
                    ),
                );
            }
        }
    }
}
