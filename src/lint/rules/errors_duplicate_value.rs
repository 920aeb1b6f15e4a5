use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// Error value names must be unique across a package's error enums. Protobuf
    /// already rejects two top-level enums of a package with the same value name, but
    /// enums nested in messages may repeat one; as errors they would share a reason
    /// (the value name, in the Kratos style) and the helpers generated for them
    /// (`IsUserNotFound`, `ErrorUserNotFound`) in one Go package.
    ///
    /// Part of the `ERRORS` group, which `[errors]` in idl.toml turns on (unless
    /// `[lint] use` names rules); `idl errors` runs the same check. See `docs/errors.md`.
    ///
    /// ```proto
    /// // Invalid
    /// // @plugins=protoc-gen-go-errors
    /// package acme.user.v1;
    /// message Login {
    ///   enum Error {
    ///     ERROR_UNSPECIFIED = 0;
    ///     // Not found.
    ///     // @code=NOT_FOUND
    ///     NOT_FOUND = 1;
    ///   }
    /// }
    /// message Profile {
    ///   enum Error {
    ///     ERROR_UNSPECIFIED = 0;
    ///     // Not found.
    ///     // @code=NOT_FOUND
    ///     NOT_FOUND = 1;
    ///   }
    /// }
    /// // Valid
    /// // @plugins=protoc-gen-go-errors
    /// package acme.user.v1;
    /// message Login {
    ///   enum Error {
    ///     ERROR_UNSPECIFIED = 0;
    ///     // The account does not exist.
    ///     // @code=NOT_FOUND
    ///     ACCOUNT_NOT_FOUND = 1;
    ///   }
    /// }
    /// message Profile {
    ///   enum Error {
    ///     ERROR_UNSPECIFIED = 0;
    ///     // The profile does not exist.
    ///     // @code=NOT_FOUND
    ///     PROFILE_NOT_FOUND = 1;
    ///   }
    /// }
    /// ```
    pub struct ErrorsDuplicateValue {
        id: "ERRORS_DUPLICATE_VALUE",
        summary: "Two error enums of one package declare the same value name.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for ErrorsDuplicateValue {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
