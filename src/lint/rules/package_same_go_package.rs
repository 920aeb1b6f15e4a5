use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::check_package_same_option;

/// `FileOptions.go_package`.
const OPTION_FIELD: i32 = 11;

declare_rule! {
    /// All files of a package must have the same `go_package` option, or all leave it
    /// unset. Go code for one package is generated into one place, so files that
    /// disagree end up split or colliding. Every file of the package gets the
    /// finding, at its `go_package` option when it has one.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option go_package = "acme.dev/user/v1;userv1";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option go_package = "acme.dev/users/v1;usersv1";
    /// // Valid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option go_package = "acme.dev/user/v1;userv1";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option go_package = "acme.dev/user/v1;userv1";
    /// ```
    pub struct PackageSameGoPackage {
        id: "PACKAGE_SAME_GO_PACKAGE",
        summary: "All files of a package have the same `go_package`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageSameGoPackage {
    fn check_package(&self, cx: &mut Context<'_>, package: &str, files: &[&CompiledFile]) {
        check_package_same_option(cx, package, files, "go_package", OPTION_FIELD);
    }
}
