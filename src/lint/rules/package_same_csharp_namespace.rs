use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::check_package_same_option;

/// `FileOptions.csharp_namespace`.
const OPTION_FIELD: i32 = 37;

declare_rule! {
    /// All files of a package must have the same `csharp_namespace` option, or all leave it
    /// unset. C# code for one package is generated into one place, so files that
    /// disagree end up split or colliding. Every file of the package gets the
    /// finding, at its `csharp_namespace` option when it has one.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option csharp_namespace = "Acme.User.V1";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option csharp_namespace = "Acme.Users.V1";
    /// // Valid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option csharp_namespace = "Acme.User.V1";
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// option csharp_namespace = "Acme.User.V1";
    /// ```
    pub struct PackageSameCsharpNamespace {
        id: "PACKAGE_SAME_CSHARP_NAMESPACE",
        summary: "All files of a package have the same `csharp_namespace`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageSameCsharpNamespace {
    fn check_package(&self, cx: &mut Context<'_>, package: &str, files: &[&CompiledFile]) {
        check_package_same_option(cx, package, files, "csharp_namespace", OPTION_FIELD);
    }
}
