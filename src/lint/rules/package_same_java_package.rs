use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::check_package_same_option;

/// `FileOptions.java_package`.
const OPTION_FIELD: i32 = 1;

declare_rule! {
    /// All files of a package must have the same `java_package` option, or all leave it
    /// unset. Java code for one package is generated into one place, so files that
    /// disagree end up split or colliding. Every file of the package gets the
    /// finding, at its `java_package` option when it has one.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option java_package = "com.acme.user.v1";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option java_package = "com.acme.users.v1";
    /// // Valid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option java_package = "com.acme.user.v1";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option java_package = "com.acme.user.v1";
    /// ```
    pub struct PackageSameJavaPackage {
        id: "PACKAGE_SAME_JAVA_PACKAGE",
        summary: "All files of a package have the same `java_package`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageSameJavaPackage {
    fn check_package(&self, cx: &mut Context<'_>, package: &str, files: &[&CompiledFile]) {
        check_package_same_option(cx, package, files, "java_package", OPTION_FIELD);
    }
}
