use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// An Ego error value's `@code=` annotation must name one of the 17 canonical
    /// gRPC codes (`OK`, `CANCELLED`, `UNKNOWN`, `INVALID_ARGUMENT`, ...,
    /// `UNAUTHENTICATED`) in upper snake case; Ego's protoc-gen-go-errors stops with an
    /// error on anything else.
    ///
    /// Part of the `ERRORS` group, which `[errors]` in idl.toml turns on (unless
    /// `[lint] use` names rules); `idl errors` runs the same check. See `docs/errors.md`.
    ///
    /// ```proto
    /// // Invalid
    /// // @plugins=protoc-gen-go-errors
    /// package acme.user.v1;
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // The user does not exist.
    ///   // @code=NOTFOUND
    ///   USER_NOT_FOUND = 1;
    /// }
    /// // Valid
    /// // @plugins=protoc-gen-go-errors
    /// package acme.user.v1;
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // The user does not exist.
    ///   // @code=NOT_FOUND
    ///   USER_NOT_FOUND = 1;
    /// }
    /// ```
    pub struct ErrorsInvalidGrpcCode {
        id: "ERRORS_INVALID_GRPC_CODE",
        summary: "An Ego `@code=` is one of the 17 canonical gRPC code names.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for ErrorsInvalidGrpcCode {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
