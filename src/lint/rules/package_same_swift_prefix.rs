use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::check_package_same_option;

/// `FileOptions.swift_prefix`.
const OPTION_FIELD: i32 = 39;

declare_rule! {
    /// All files of a package must have the same `swift_prefix` option, or all leave it
    /// unset. Swift code for one package is generated into one place, so files that
    /// disagree end up split or colliding. Every file of the package gets the
    /// finding, at its `swift_prefix` option when it has one.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option swift_prefix = "AU";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option swift_prefix = "AX";
    /// // Valid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option swift_prefix = "AU";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option swift_prefix = "AU";
    /// ```
    pub struct PackageSameSwiftPrefix {
        id: "PACKAGE_SAME_SWIFT_PREFIX",
        summary: "All files of a package have the same `swift_prefix`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageSameSwiftPrefix {
    fn check_package(&self, cx: &mut Context<'_>, package: &str, files: &[&CompiledFile]) {
        check_package_same_option(cx, package, files, "swift_prefix", OPTION_FIELD);
    }
}
