use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// Every error value's business code must be unique across the workspace: the
    /// code is what support staff, dashboards and client tables look errors up by. The
    /// finding is on the later of the two values (in file order) and names the first.
    /// Business codes come from `(idl.errors.biz_code)`, or are derived as
    /// `[errors] business_code` says (`"number"`: the enum number; `"scheme"`: the code
    /// scheme); without either there is nothing to compare.
    ///
    /// Part of the `ERRORS` group, which `[errors]` in idl.toml turns on (unless
    /// `[lint] use` names rules); `idl errors` runs the same check. See `docs/errors.md`.
    ///
    /// ```toml
    /// [errors]
    /// business_code = "number"   # the enum number is the business code
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
    ///   USER_NOT_FOUND = 1;
    /// }
    /// message Login {
    ///   enum Error {
    ///     ERROR_UNSPECIFIED = 0;
    ///     // The password is wrong.
    ///     // @code=UNAUTHENTICATED
    ///     PASSWORD_WRONG = 1;
    ///   }
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
    /// message Login {
    ///   enum Error {
    ///     ERROR_UNSPECIFIED = 0;
    ///     // The password is wrong.
    ///     // @code=UNAUTHENTICATED
    ///     PASSWORD_WRONG = 2;
    ///   }
    /// }
    /// ```
    pub struct ErrorsDuplicateCode {
        id: "ERRORS_DUPLICATE_CODE",
        summary: "Two error values share a business code.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for ErrorsDuplicateCode {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
