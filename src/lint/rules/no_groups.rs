use prost_reflect::{ExtensionDescriptor, FieldDescriptor, FileDescriptor};

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// Proto2 files must not declare groups. It enforces the style guide's
    /// "Things to Avoid": "Groups is an alternate syntax and wire format for
    /// nested messages. Groups are considered deprecated in proto2, were removed
    /// from proto3 ... You can use a nested message definition and field of that
    /// type instead of using the group syntax".
    ///
    /// Proto3 has no groups (the compiler rejects them), and in editions a
    /// field with `features.message_encoding = DELIMITED` is the migration path
    /// the guide recommends for wire compatibility, so neither is reported.
    ///
    /// ```proto
    /// // Invalid
    /// syntax = "proto2";
    /// message Song { optional group Credits = 1 { optional string composer = 2; } }
    /// // Valid
    /// syntax = "proto2";
    /// message Song {
    ///   message Credits { optional string composer = 1; }
    ///   optional Credits credits = 1;
    /// }
    /// ```
    pub struct NoGroups {
        id: "NO_GROUPS",
        summary: "Proto2 files declare no groups.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for NoGroups {
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        if field.is_group() && is_proto2(&field.parent_file()) {
            report(cx, field.name(), field.path());
        }
    }

    fn check_extension(&self, cx: &mut Context<'_>, extension: &ExtensionDescriptor) {
        if extension.is_group() && is_proto2(&extension.parent_file()) {
            report(cx, extension.name(), extension.path());
        }
    }
}

/// Files without `syntax` are proto2; editions files say `editions`.
fn is_proto2(file: &FileDescriptor) -> bool {
    matches!(file.syntax_name(), "" | "proto2")
}

fn report(cx: &mut Context<'_>, name: &str, path: &[i32]) {
    cx.report(&name_path(path), format!("Field {name:?} is a group; declare a nested message and a field of it."));
}
