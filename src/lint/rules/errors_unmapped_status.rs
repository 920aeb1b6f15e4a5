use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// An error's HTTP status should have a gRPC code in the mapping profile
    /// (`[errors] profile`; `kratos` for Kratos enums): Kratos' `ToGRPCCode` turns any
    /// other status (402, 405, 408, 422, 502, ...) into `UNKNOWN`, which comes back
    /// as 500 after a gRPC hop, so a client of the gRPC API never sees the status the
    /// HTTP API documents. (412 maps to `FAILED_PRECONDITION` and back since kratos#3795.)
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
    ///   // The form has invalid fields.
    ///   FORM_INVALID = 1 [(errors.code) = 422];
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
    ///   // The form has invalid fields.
    ///   FORM_INVALID = 1 [(errors.code) = 400];
    /// }
    /// ```
    pub struct ErrorsUnmappedStatus {
        id: "ERRORS_UNMAPPED_STATUS",
        summary: "An HTTP status has a gRPC code in the mapping profile.",
        severity: Warn,
        fixable: false,
    }
}

impl Rule for ErrorsUnmappedStatus {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
