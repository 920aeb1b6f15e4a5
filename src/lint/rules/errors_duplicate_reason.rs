use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// A reason must be unique within its domain: `google.rpc.ErrorInfo` identifies an
    /// error by (domain, reason), and Kratos' generated `Is<Value>()` compares only the
    /// reason and the HTTP status, so two packages in one domain that both return
    /// `USER_NOT_FOUND` cannot be told apart by clients. The domain is
    /// `(idl.errors.domain)` on the enum, else `[errors] domains` for the package, else
    /// the package itself. Values of one package with the same name are
    /// ERRORS_DUPLICATE_VALUE's concern.
    ///
    /// Part of the `ERRORS` group, which `[errors]` in idl.toml turns on (unless
    /// `[lint] use` names rules); `idl errors` runs the same check. See `docs/errors.md`.
    ///
    /// ```toml
    /// [errors]
    /// reason_style = "short"   # the reason is the value name, as in Kratos
    /// domains = { "acme.user.v1" = "acme.com", "acme.order.v1" = "acme.com" }
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/errors.proto
    /// // @plugins=protoc-gen-go-errors
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // Not found.
    ///   // @code=NOT_FOUND
    ///   NOT_FOUND = 1;
    /// }
    /// // File: acme/order/v1/errors.proto
    /// // @plugins=protoc-gen-go-errors
    /// syntax = "proto3";
    /// package acme.order.v1;
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // Not found.
    ///   // @code=NOT_FOUND
    ///   NOT_FOUND = 1;
    /// }
    /// // Valid
    /// // File: acme/user/v1/errors.proto
    /// // @plugins=protoc-gen-go-errors
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // The user does not exist.
    ///   // @code=NOT_FOUND
    ///   USER_NOT_FOUND = 1;
    /// }
    /// // File: acme/order/v1/errors.proto
    /// // @plugins=protoc-gen-go-errors
    /// syntax = "proto3";
    /// package acme.order.v1;
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // The order does not exist.
    ///   // @code=NOT_FOUND
    ///   ORDER_NOT_FOUND = 1;
    /// }
    /// ```
    pub struct ErrorsDuplicateReason {
        id: "ERRORS_DUPLICATE_REASON",
        summary: "Two error values of different packages share a reason within one domain.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for ErrorsDuplicateReason {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
