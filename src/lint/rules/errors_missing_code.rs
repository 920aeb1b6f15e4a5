use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// Every error value needs a code. In Kratos that is `(errors.code)` on the value
    /// or `(errors.default_code)` on its enum: protoc-gen-go-errors silently drops a
    /// value whose code resolves to 0, so its `Is`/`Error` helpers never exist. In Ego
    /// it is the `@code=` annotation. Enums named by `[errors] enums` follow the Kratos
    /// convention outside Ego files, so their values need codes too.
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
    ///   USER_NOT_FOUND = 1 [(errors.code) = 404];
    ///   // The request is malformed.
    ///   BAD_REQUEST = 2;
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
    ///   option (errors.default_code) = 500;
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // The user does not exist.
    ///   USER_NOT_FOUND = 1 [(errors.code) = 404];
    ///   // The request is malformed.
    ///   BAD_REQUEST = 2 [(errors.code) = 400];
    /// }
    /// ```
    pub struct ErrorsMissingCode {
        id: "ERRORS_MISSING_CODE",
        summary: "Every error value has a code (Kratos `code` or `default_code`; Ego `@code=`).",
        severity: Warn,
        fixable: false,
    }
}

impl Rule for ErrorsMissingCode {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
