use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_lower_snake_case;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// File names must be lower_snake_case: `user_service.proto`, not
    /// `UserService.proto` or `user-service.proto`. The finding is on the file's
    /// first position, since the name is not in its text.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/UserService.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// // Valid
    /// // File: acme/user/v1/user_service.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// ```
    pub struct FileLowerSnakeCase {
        id: "FILE_LOWER_SNAKE_CASE",
        summary: "File names are lower_snake_case.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for FileLowerSnakeCase {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let base = file.name().rsplit('/').next().unwrap_or_default();
        // The extension is everything from the last dot of the base name, as in Go's path.Ext.
        let (stem, extension) = match base.rfind('.') {
            Some(dot) => base.split_at(dot),
            None => (base, ""),
        };
        let expected = to_lower_snake_case(stem);
        if stem != expected {
            cx.report_file(format!(
                "Filename {base:?} should be lower_snake_case{extension}, such as \"{expected}{extension}\"."
            ));
        }
    }
}
