use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::package_version_stability;

/// `FileDescriptorProto.package`.
const PACKAGE_PATH: [i32; 1] = [2];

declare_rule! {
    /// The last component of the package must be a version: `v1`, `v1beta1`,
    /// `v2alpha`, `v1p1beta1`, `v1test` or `v1testfoo`, with every number at least 1.
    /// A package of one component (`package v1;`) has no version.
    ///
    /// ```proto
    /// // Invalid
    /// package acme.user;
    /// // Valid
    /// package acme.user.v1;
    /// ```
    pub struct PackageVersionSuffix {
        id: "PACKAGE_VERSION_SUFFIX",
        summary: "The last package component is a version such as v1 or v1beta1.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageVersionSuffix {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let package = file.package_name();
        if package.is_empty() || package_version_stability(package).is_some() {
            return;
        }
        cx.report(
            &PACKAGE_PATH,
            format!(
                "Package name {package:?} should be suffixed with a correctly formed version, such as {:?}.",
                format!("{package}.v1")
            ),
        );
    }
}
