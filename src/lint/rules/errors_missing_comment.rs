use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// Every error value needs a leading (or trailing) comment: its first sentence is
    /// the message column of the error table and the documentation of the generated
    /// helpers. Ego annotation lines (`@code=`, `@i18n.*=`) do not count.
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
    ///   // @code=NOT_FOUND
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
    pub struct ErrorsMissingComment {
        id: "ERRORS_MISSING_COMMENT",
        summary: "Every error value has a comment to show as its message.",
        severity: Warn,
        fixable: false,
    }
}

impl Rule for ErrorsMissingComment {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
