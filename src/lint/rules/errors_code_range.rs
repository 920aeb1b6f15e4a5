use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// Business codes must follow the code scheme of `[errors.code_scheme]`: a code
    /// is the project's code, then the service code registered for the package, then
    /// the error (`PPPSSSEEE` with the default widths: project 101, service 002,
    /// error 007 is `101002007`, which fits an int32 option). A code whose project or
    /// service segment is not the configured one was copied from another service, and
    /// an error segment outside `error_range` (by default `000` is reserved) or an enum
    /// number too large for the segment derives a code that belongs to someone else.
    /// The rule checks explicit `(idl.errors.biz_code)` options and codes derived from
    /// the scheme (`business_code = "scheme"`), and that every package with errors has
    /// a service code. It does nothing without `[errors.code_scheme]`.
    ///
    /// Part of the `ERRORS` group, which `[errors]` in idl.toml turns on (unless
    /// `[lint] use` names rules); `idl errors` runs the same check. See `docs/errors.md`.
    ///
    /// ```toml
    /// [errors]
    /// business_code = "scheme"   # derive codes: project, service, enum number
    ///
    /// [errors.code_scheme]
    /// project = 101
    /// services = { "acme.user.v1" = 2 }
    /// # service_digits = 3, error_digits = 3, error_range = [1, 999] by default
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// // @plugins=protoc-gen-go-errors
    /// package acme.user.v1;
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // The user does not exist.
    ///   // @code=NOT_FOUND
    ///   USER_NOT_FOUND = 1000;
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
    pub struct ErrorsCodeRange {
        id: "ERRORS_CODE_RANGE",
        summary: "Business codes follow `[errors.code_scheme]`: project, the package's service, an error in range.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for ErrorsCodeRange {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
