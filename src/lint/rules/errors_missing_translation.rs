use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// Every error value needs a translated message (`@i18n.<locale>=`) for each locale
    /// of `[errors] locales`, or, when none are configured, for every locale another
    /// value of its enum uses: a missing one shows users the raw reason instead.
    ///
    /// Part of the `ERRORS` group, which `[errors]` in idl.toml turns on (unless
    /// `[lint] use` names rules); `idl errors` runs the same check. See `docs/errors.md`.
    ///
    /// ```toml
    /// [errors]
    /// locales = ["cn", "en"]   # optional: else the locales the enum uses are required
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// // @plugins=protoc-gen-go-errors
    /// package acme.user.v1;
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // 用户不存在。
    ///   // @code=NOT_FOUND
    ///   // @i18n.cn="用户不存在"
    ///   USER_NOT_FOUND = 1;
    /// }
    /// // Valid
    /// // @plugins=protoc-gen-go-errors
    /// package acme.user.v1;
    /// enum ErrorReason {
    ///   ERROR_REASON_UNSPECIFIED = 0;
    ///   // 用户不存在。
    ///   // @code=NOT_FOUND
    ///   // @i18n.cn="用户不存在"
    ///   // @i18n.en="user not found"
    ///   USER_NOT_FOUND = 1;
    /// }
    /// ```
    pub struct ErrorsMissingTranslation {
        id: "ERRORS_MISSING_TRANSLATION",
        summary: "Every error value has a message for each locale.",
        severity: Warn,
        fixable: false,
    }
}

impl Rule for ErrorsMissingTranslation {
    fn needs_error_facts(&self) -> bool {
        true
    }

    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        crate::errors::lint::report(cx, facts);
    }
}
