use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::PACKAGE_PATH;

declare_rule! {
    /// The package name may hold only `a-z`, `0-9` and periods: lower case and,
    /// unlike PACKAGE_LOWER_SNAKE_CASE, no underscores (prototool's
    /// PACKAGE_LOWER_CASE, which the Uber V2 guide's `uber2` group runs: "Packages
    /// should only contain characters in the range a-z0-9 and periods").
    ///
    /// ```proto
    /// // Invalid
    /// package acme.user_service.v1;
    /// // Valid
    /// package acme.userservice.v1;
    /// ```
    pub struct PackageLowerCase {
        id: "PACKAGE_LOWER_CASE",
        summary: "Package names hold only a-z, 0-9 and periods (no underscores).",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageLowerCase {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let package = file.package_name();
        if package.is_empty() {
            return;
        }
        if !package.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.') {
            cx.report(
                &PACKAGE_PATH,
                format!("Packages should only contain characters in the range a-z0-9 and periods but was {package:?}."),
            );
        }
    }
}
