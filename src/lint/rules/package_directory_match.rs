use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::directory;

/// `FileDescriptorProto.package`.
const PACKAGE_PATH: [i32; 1] = [2];

declare_rule! {
    /// A file's directory, relative to its root, must be its package with `.`
    /// replaced by `/`: `package acme.user.v1;` lives in `acme/user/v1/`. Files
    /// without a package are not checked (see PACKAGE_DEFINED).
    ///
    /// ```proto
    /// // Invalid
    /// // File: user/user.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// // Valid
    /// // File: acme/user/v1/user.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// ```
    pub struct PackageDirectoryMatch {
        id: "PACKAGE_DIRECTORY_MATCH",
        summary: "A file's directory matches its package.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageDirectoryMatch {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let package = file.package_name();
        if package.is_empty() {
            return;
        }
        let expected = package.replace('.', "/");
        let actual = directory(file.name());
        if actual != expected {
            cx.report(
                &PACKAGE_PATH,
                format!(
                    "Files with package {package:?} must be within a directory \"{expected}\" relative to root but were in directory \"{actual}\"."
                ),
            );
        }
    }
}
