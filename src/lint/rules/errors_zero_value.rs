use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// An error enum's value 0 must be a "not set" value ending with `_UNSPECIFIED`
    /// (or the suffix of `[errors] zero_value`), left out of the error table: 0 is what
    /// an unset enum field reads as, so a real error numbered 0 is reported whenever a
    /// message forgets to set it. Kratos' own docs number a real error 0; to allow
    /// that, set `zero_value = "error"`.
    ///
    /// Part of the `ERRORS` group, which `[errors]` in idl.toml turns on (unless
    /// `[lint] use` names rules); `idl errors` runs the same check. See `docs/errors.md`.
    ///
    /// ```toml
    /// [errors]
    /// zero_value = "_UNSPECIFIED"   # the default; "error" lets value 0 be an error
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// // @plugins=protoc-gen-go-errors
    /// package acme.user.v1;
    /// enum ErrorReason {
    ///   // The user does not exist.
    ///   // @code=NOT_FOUND
    ///   USER_NOT_FOUND = 0;
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
    pub struct ErrorsZeroValue {
        id: "ERRORS_ZERO_VALUE",
        summary: "An error enum's zero value is `*_UNSPECIFIED`, not an error (`[errors] zero_value`).",
        severity: Warn,
        fixable: false,
    }
}

impl Rule for ErrorsZeroValue {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
