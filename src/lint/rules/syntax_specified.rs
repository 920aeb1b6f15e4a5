use prost_reflect::FileDescriptor;

use crate::compile::Syntax;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};

/// `FileDescriptorProto.syntax` and `.edition`: located only when written.
const SYNTAX_PATH: [i32; 1] = [12];
const EDITION_PATH: [i32; 1] = [14];

declare_rule! {
    /// Every file must start with a `syntax` or `edition` declaration. A file
    /// without one is proto2, which readers rarely expect.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/user.proto
    /// package acme.user.v1;
    /// // Valid
    /// // File: acme/user/v1/user.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// ```
    pub struct SyntaxSpecified {
        id: "SYNTAX_SPECIFIED",
        summary: "Every file declares its syntax or edition.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for SyntaxSpecified {
    fn check_file(&self, cx: &mut Context<'_>, _file: &FileDescriptor) {
        let compiled = cx.file();
        // protoc leaves `syntax` empty for proto2 whether or not it was written, so
        // the declaration's source location is what tells them apart.
        let declared = compiled.syntax != Syntax::Proto2
            || compiled.locations.get(&SYNTAX_PATH).is_some()
            || compiled.locations.get(&EDITION_PATH).is_some();
        if !declared {
            cx.report_file(
                "Files must have a syntax explicitly specified. If no syntax is specified, the file defaults to \"proto2\".",
            );
        }
    }
}
