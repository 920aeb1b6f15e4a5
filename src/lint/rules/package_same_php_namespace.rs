use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::check_package_same_option;

/// `FileOptions.php_namespace`.
const OPTION_FIELD: i32 = 41;

declare_rule! {
    /// All files of a package must have the same `php_namespace` option, or all leave it
    /// unset. PHP code for one package is generated into one place, so files that
    /// disagree end up split or colliding. Every file of the package gets the
    /// finding, at its `php_namespace` option when it has one.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option php_namespace = "Acme\\User\\V1";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option php_namespace = "Acme\\Users\\V1";
    /// // Valid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option php_namespace = "Acme\\User\\V1";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option php_namespace = "Acme\\User\\V1";
    /// ```
    pub struct PackageSamePhpNamespace {
        id: "PACKAGE_SAME_PHP_NAMESPACE",
        summary: "All files of a package have the same `php_namespace`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageSamePhpNamespace {
    fn check_package(&self, cx: &mut Context<'_>, package: &str, files: &[&CompiledFile]) {
        check_package_same_option(cx, package, files, "php_namespace", OPTION_FIELD);
    }
}
