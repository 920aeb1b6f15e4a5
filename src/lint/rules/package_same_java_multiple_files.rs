use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::check_package_same_option;

/// `FileOptions.java_multiple_files`.
const OPTION_FIELD: i32 = 10;

declare_rule! {
    /// All files of a package must have the same `java_multiple_files` option, or all leave it
    /// unset. Java code for one package is generated into one place, so files that
    /// disagree end up split or colliding. Every file of the package gets the
    /// finding, at its `java_multiple_files` option when it has one.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option java_multiple_files = true;
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option java_multiple_files = false;
    /// // Valid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option java_multiple_files = true;
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option java_multiple_files = true;
    /// ```
    pub struct PackageSameJavaMultipleFiles {
        id: "PACKAGE_SAME_JAVA_MULTIPLE_FILES",
        summary: "All files of a package have the same `java_multiple_files`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageSameJavaMultipleFiles {
    fn check_package(&self, cx: &mut Context<'_>, package: &str, files: &[&CompiledFile]) {
        check_package_same_option(cx, package, files, "java_multiple_files", OPTION_FIELD);
    }
}
