use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::text::{TopDecl, TopKind, first_unsorted, sort_fix};

declare_rule! {
    /// File options must be sorted by name, as the Uber V2 style guide lays a
    /// file out (and `prototool format` printed it). Custom options sort by their
    /// written name, parentheses included, so they come after the built-in ones
    /// written in lower case. One finding per file, at the first option that
    /// sorts before one above it.
    ///
    /// Fix (safe): puts the option statements in name order; offered when no
    /// comment sits between two options.
    ///
    /// ```proto
    /// // Invalid
    /// option java_package = "com.acme.example.v1";
    /// option go_package = "examplev1";
    /// // Valid
    /// option go_package = "examplev1";
    /// option java_package = "com.acme.example.v1";
    /// ```
    pub struct FileOptionsSorted {
        id: "FILE_OPTIONS_SORTED",
        summary: "File options are sorted by name.",
        severity: Error,
        fixable: true,
    }
}

impl Rule for FileOptionsSorted {
    fn check_file(&self, cx: &mut Context<'_>, _file: &FileDescriptor) {
        let src: &str = &cx.file().source.text;
        let decls = &cx.file().top_level;
        let options: Vec<&TopDecl> = decls.iter().filter(|decl| decl.kind == TopKind::Option).collect();
        let Some((misplaced, above)) = first_unsorted(&options) else { return };
        let message = format!(
            "File option {:?} should come before {:?} (file options sorted by name).",
            misplaced.sort_key, above.sort_key
        );
        let fix = sort_fix(src, &options, "sort the file options by name");
        let span = misplaced.span.start as usize..misplaced.span.end as usize;
        cx.report_span(&[], span, message, fix);
    }
}
