use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// A Kratos error code is an HTTP status, so it must be a registered 4xx or 5xx
    /// status. protoc-gen-go-errors panics on a code outside 1..600; an unregistered
    /// status (`460`) confuses proxies and clients; a 1xx–3xx status turns an error
    /// into a success (Kratos maps 200 to gRPC `OK`).
    ///
    /// Part of the `ERRORS` group, which `[errors]` in idl.toml turns on (unless
    /// `[lint] use` names rules); `idl errors` runs the same check. See `docs/errors.md`.
    ///
    /// ```proto
    /// // Invalid
    /// // File: errors/errors.proto
    /// syntax = "proto3";
    /// package errors;
    /// import "google/protobuf/descriptor.proto";
    /// extend google.protobuf.EnumOptions { int32 default_code = 1108; }
    /// extend google.protobuf.EnumValueOptions { int32 code = 1109; }
    /// // File: acme/user/v1/errors.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// import "errors/errors.proto";
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // The user does not exist.
    ///   USER_NOT_FOUND = 1 [(errors.code) = 4040];
    /// }
    /// // Valid
    /// // File: errors/errors.proto
    /// syntax = "proto3";
    /// package errors;
    /// import "google/protobuf/descriptor.proto";
    /// extend google.protobuf.EnumOptions { int32 default_code = 1108; }
    /// extend google.protobuf.EnumValueOptions { int32 code = 1109; }
    /// // File: acme/user/v1/errors.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// import "errors/errors.proto";
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // The user does not exist.
    ///   USER_NOT_FOUND = 1 [(errors.code) = 404];
    /// }
    /// ```
    pub struct ErrorsUnknownHttpStatus {
        id: "ERRORS_UNKNOWN_HTTP_STATUS",
        summary: "A Kratos code is a registered HTTP error status (4xx or 5xx).",
        severity: Error,
        fixable: false,
    }
}

impl Rule for ErrorsUnknownHttpStatus {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
