use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// The metadata keys an error documents with `(idl.errors.metadata_keys)` (from the
    /// `idl/errors.proto` that `idl errors --init` writes) must be valid
    /// `google.rpc.ErrorInfo` metadata keys: `[a-zA-Z0-9-_]+`, at most 64 characters.
    /// Units belong in the key (`retry_after_seconds`), not in the value.
    ///
    /// Part of the `ERRORS` group, which `[errors]` in idl.toml turns on (unless
    /// `[lint] use` names rules); `idl errors` runs the same check. See `docs/errors.md`.
    ///
    /// ```proto
    /// // Invalid
    /// // File: idl/errors.proto
    /// syntax = "proto3";
    /// package idl.errors;
    /// import "google/protobuf/descriptor.proto";
    /// extend google.protobuf.EnumValueOptions { repeated string metadata_keys = 50702; }
    /// // File: acme/user/v1/errors.proto
    /// // @plugins=protoc-gen-go-errors
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// import "idl/errors.proto";
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // Too many requests.
    ///   // @code=RESOURCE_EXHAUSTED
    ///   RATE_LIMITED = 1 [(idl.errors.metadata_keys) = "retry after"];
    /// }
    /// // Valid
    /// // File: idl/errors.proto
    /// syntax = "proto3";
    /// package idl.errors;
    /// import "google/protobuf/descriptor.proto";
    /// extend google.protobuf.EnumValueOptions { repeated string metadata_keys = 50702; }
    /// // File: acme/user/v1/errors.proto
    /// // @plugins=protoc-gen-go-errors
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// import "idl/errors.proto";
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // Too many requests.
    ///   // @code=RESOURCE_EXHAUSTED
    ///   RATE_LIMITED = 1 [(idl.errors.metadata_keys) = "retry_after_seconds"];
    /// }
    /// ```
    pub struct ErrorsMetadataKey {
        id: "ERRORS_METADATA_KEY",
        summary: "Documented metadata keys match `[a-zA-Z0-9-_]+` and have at most 64 characters.",
        severity: Warn,
        fixable: false,
    }
}

impl Rule for ErrorsMetadataKey {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
