use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// Every file must declare a package. Without one, its types live in the
    /// global namespace and collide with any other file's.
    ///
    /// ```proto
    /// // Invalid
    /// // File: user.proto
    /// syntax = "proto3";
    /// message User {}
    /// // Valid
    /// // File: acme/user/v1/user.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// message User {}
    /// ```
    pub struct PackageDefined {
        id: "PACKAGE_DEFINED",
        summary: "Every file declares a package.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageDefined {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        if file.package_name().is_empty() {
            cx.report_file("Files must have a package defined.");
        }
    }
}
