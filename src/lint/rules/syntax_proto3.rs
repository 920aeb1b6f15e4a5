use prost_reflect::FileDescriptor;

use crate::compile::Syntax;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};

/// `FileDescriptorProto.syntax`: located only when written (`edition = ` too).
const SYNTAX_PATH: [i32; 1] = [12];

declare_rule! {
    /// Every file declares `syntax = "proto3"` (prototool's SYNTAX_PROTO3, in the
    /// `uber2` group: the Uber V2 guide writes proto3 only). A file without a
    /// declaration, a proto2 file and an editions file are each reported; this
    /// rule takes SYNTAX_SPECIFIED's place in the `uber-v2` preset.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/user.proto
    /// syntax = "proto2";
    /// package acme.user.v1;
    /// // Valid
    /// // File: acme/user/v1/user.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// ```
    pub struct SyntaxProto3 {
        id: "SYNTAX_PROTO3",
        summary: "Every file is proto3.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for SyntaxProto3 {
    fn check_file(&self, cx: &mut Context<'_>, _file: &FileDescriptor) {
        let compiled = cx.file();
        let written = |path: &[i32]| compiled.locations.get(path).is_some();
        match compiled.syntax {
            Syntax::Proto3 => {}
            Syntax::Proto2 if !written(&SYNTAX_PATH) => cx.report_file("No syntax declaration found."),
            Syntax::Proto2 => cx.report(&SYNTAX_PATH, "Syntax should be proto3 but was \"proto2\"."),
            Syntax::Editions(_) => {
                let declaration =
                    compiled.locations.get(&SYNTAX_PATH).map_or(0..0, |l| l.start as usize..l.end as usize);
                let edition = compiled.source.text.get(declaration).and_then(|t| t.split('"').nth(1));
                let edition = edition.unwrap_or("editions");
                cx.report(&SYNTAX_PATH, format!("Syntax should be proto3 but was edition {edition:?}."));
            }
        }
    }
}
