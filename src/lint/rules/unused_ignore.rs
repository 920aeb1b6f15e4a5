use crate::declare_rule;
use crate::lint::rule::Rule;

declare_rule! {
    /// An ignore comment (`// buf:lint:ignore RULE_ID` or `// idl:lint:ignore RULE_ID`)
    /// that suppresses no finding is reported, so stale ignores do not pile up and
    /// hide the next real finding (as ruff's `RUF100`). An ignore naming a rule that
    /// does not exist is reported too, always as an error: it is a typo that
    /// suppresses nothing.
    ///
    /// Only ignores of rules enabled in the run are checked, so a file can carry
    /// ignores for rules another configuration enables. The engine checks this rule
    /// itself: it is on in every preset unless `except = ["UNUSED_IGNORE"]` turns it
    /// off. It has no buf equivalent.
    ///
    /// ```proto
    /// // Invalid
    /// // A user.
    /// // buf:lint:ignore MESAGE_PASCAL_CASE
    /// message User {}
    /// // Valid
    /// // A user.
    /// message User {}
    /// ```
    pub struct UnusedIgnore {
        id: "UNUSED_IGNORE",
        summary: "Ignore comments suppress a finding and name a known rule.",
        severity: Warn,
        fixable: false,
    }
}

/// The engine reports this rule from the ignore directives it saw (see `lint::run`).
impl Rule for UnusedIgnore {}
