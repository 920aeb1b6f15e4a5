use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_lower_snake_case;
use crate::lint::rule::{Context, Rule};

/// `FileDescriptorProto.package`.
const PACKAGE_PATH: [i32; 1] = [2];

declare_rule! {
    /// Every component of the package must be lower_snake_case.
    ///
    /// ```proto
    /// // Invalid
    /// package Acme.UserService.v1;
    /// // Valid
    /// package acme.user_service.v1;
    /// ```
    pub struct PackageLowerSnakeCase {
        id: "PACKAGE_LOWER_SNAKE_CASE",
        summary: "Package components are lower_snake_case.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageLowerSnakeCase {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let package = file.package_name();
        if package.is_empty() {
            return;
        }
        let expected = package.split('.').map(to_lower_snake_case).collect::<Vec<_>>().join(".");
        if package != expected {
            cx.report(
                &PACKAGE_PATH,
                format!("Package name {package:?} should be lower_snake.case, such as {expected:?}."),
            );
        }
    }
}
