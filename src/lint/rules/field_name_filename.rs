use prost_reflect::FieldDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// Field names spell `filename` and `filepath` as one word: a name containing
    /// `file_name` or `file_path` is reported with the replacement (prototool's
    /// MESSAGE_FIELD_NAMES_FILENAME and MESSAGE_FIELD_NAMES_FILEPATH, both in the
    /// `uber2` group; like them it matches anywhere in the name, so
    /// `source_file_name` becomes `source_filename`).
    ///
    /// ```proto
    /// // Invalid
    /// message Upload {
    ///   string file_name = 1;
    /// }
    /// // Valid
    /// message Upload {
    ///   string filename = 1;
    ///   string filepath = 2;
    /// }
    /// ```
    pub struct FieldNameFilename {
        id: "FIELD_NAME_FILENAME",
        summary: "Field names use `filename` / `filepath`, not `file_name` / `file_path`.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for FieldNameFilename {
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        if field.parent_message().is_map_entry() {
            return;
        }
        let name = field.name();
        for (split, joined) in [("file_name", "filename"), ("file_path", "filepath")] {
            if name.contains(split) {
                let expected = name.replace(split, joined);
                cx.report(&name_path(field.path()), format!("Field name {name:?} should be {expected:?}."));
            }
        }
    }
}
