use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::text::{TopDecl, TopKind, first_unsorted, sort_fix};

/// `FileDescriptorProto.dependency`.
const DEPENDENCY_FIELD: i32 = 3;

declare_rule! {
    /// Imports must be sorted by path, as the Uber V2 style guide asks ("imports
    /// alphabetized") and as protolint's IMPORTS_SORTED checks. One finding per
    /// file, at the first import that sorts before one above it.
    ///
    /// Fix (safe): puts the import statements in path order, each keeping its
    /// `public` or `weak`; offered when no comment sits between two imports.
    ///
    /// ```proto
    /// // Invalid
    /// import "google/protobuf/timestamp.proto";
    /// import "google/protobuf/duration.proto";
    /// message Trip {
    ///   google.protobuf.Timestamp start_time = 1;
    ///   google.protobuf.Duration duration = 2;
    /// }
    /// // Valid
    /// import "google/protobuf/duration.proto";
    /// import "google/protobuf/timestamp.proto";
    /// message Trip {
    ///   google.protobuf.Timestamp start_time = 1;
    ///   google.protobuf.Duration duration = 2;
    /// }
    /// ```
    pub struct ImportsSorted {
        id: "IMPORTS_SORTED",
        summary: "Imports are sorted by path.",
        severity: Error,
        fixable: true,
    }
}

impl Rule for ImportsSorted {
    fn check_file(&self, cx: &mut Context<'_>, _file: &FileDescriptor) {
        let src: &str = &cx.file().source.text;
        let decls = &cx.file().top_level;
        let imports: Vec<&TopDecl> = decls.iter().filter(|decl| decl.kind == TopKind::Import).collect();
        let Some((misplaced, above)) = first_unsorted(&imports) else { return };
        let index = imports.iter().position(|decl| std::ptr::eq(*decl, misplaced)).unwrap_or(0) as i32;
        let message = format!(
            "Import {:?} should come before {:?} (imports sorted by path).",
            misplaced.sort_key, above.sort_key
        );
        let fix = sort_fix(src, &imports, "sort the imports by path");
        let span = misplaced.span.start as usize..misplaced.span.end as usize;
        cx.report_span(&[DEPENDENCY_FIELD, index], span, message, fix);
    }
}
