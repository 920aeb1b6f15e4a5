use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};

/// `FileDescriptorProto.dependency`.
const DEPENDENCY_FIELD: i32 = 3;

declare_rule! {
    /// Forbids `import weak`. Weak imports are a deprecated protoc feature that only some runtimes
    /// support, and buf has deprecated this rule along with them. It is in no preset.
    ///
    /// ```proto
    /// // Invalid
    /// import weak "google/protobuf/timestamp.proto";
    /// // Valid
    /// import "google/protobuf/timestamp.proto";
    /// ```
    pub struct ImportNoWeak {
        id: "IMPORT_NO_WEAK",
        summary: "Imports are not weak.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for ImportNoWeak {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        for &index in file.weak_dependency_indices() {
            let Some(import) = file.dependency_names().get(index as usize) else {
                continue;
            };
            cx.report(&[DEPENDENCY_FIELD, index], format!("Import {import:?} must not be weak."));
        }
    }
}
