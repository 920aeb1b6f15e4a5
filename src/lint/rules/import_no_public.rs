use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};

/// `FileDescriptorProto.dependency`.
const DEPENDENCY_FIELD: i32 = 3;

declare_rule! {
    /// Forbids `import public`. A public import makes every importer of this file depend on the imported
    /// file too, so moving a type between files silently changes what other files
    /// can see. Import the file where it is used instead.
    ///
    /// ```proto
    /// // Invalid
    /// import public "google/protobuf/timestamp.proto";
    /// // Valid
    /// import "google/protobuf/timestamp.proto";
    /// ```
    pub struct ImportNoPublic {
        id: "IMPORT_NO_PUBLIC",
        summary: "Imports are not public.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for ImportNoPublic {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        for &index in file.public_dependency_indices() {
            let Some(import) = file.dependency_names().get(index as usize) else {
                continue;
            };
            cx.report(&[DEPENDENCY_FIELD, index], format!("Import {import:?} must not be public."));
        }
    }
}
