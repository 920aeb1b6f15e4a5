use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// An error's reason must be a valid `google.rpc.ErrorInfo` reason: upper snake
    /// case (`[A-Z0-9_]+`) and at most 63 characters. In the qualified reason style
    /// (`acme.user.v1.USER_NOT_FOUND`, Ego's) the rule applies to the value name.
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
    ///   // @code=NOT_FOUND
    ///   UserNotFound = 1;
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
    pub struct ErrorsReasonFormat {
        id: "ERRORS_REASON_FORMAT",
        summary: "A reason matches `[A-Z0-9_]+` and has at most 63 characters.",
        severity: Warn,
        fixable: false,
    }
}

impl Rule for ErrorsReasonFormat {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
