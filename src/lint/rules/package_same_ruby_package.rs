use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::check_package_same_option;

/// `FileOptions.ruby_package`.
const OPTION_FIELD: i32 = 45;

declare_rule! {
    /// All files of a package must have the same `ruby_package` option, or all leave it
    /// unset. Ruby code for one package is generated into one place, so files that
    /// disagree end up split or colliding. Every file of the package gets the
    /// finding, at its `ruby_package` option when it has one.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option ruby_package = "Acme::User::V1";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option ruby_package = "Acme::Users::V1";
    /// // Valid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option ruby_package = "Acme::User::V1";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option ruby_package = "Acme::User::V1";
    /// ```
    pub struct PackageSameRubyPackage {
        id: "PACKAGE_SAME_RUBY_PACKAGE",
        summary: "All files of a package have the same `ruby_package`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageSameRubyPackage {
    fn check_package(&self, cx: &mut Context<'_>, package: &str, files: &[&CompiledFile]) {
        check_package_same_option(cx, package, files, "ruby_package", OPTION_FIELD);
    }
}
