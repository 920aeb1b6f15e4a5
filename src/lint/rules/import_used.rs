use std::collections::HashSet;

use prost_reflect::{DynamicMessage, FileDescriptor, Kind, MapKey, MessageDescriptor, Value};

use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::lint::rule::{Context, Rule};
use crate::lint::text::statement_removal;
use crate::syntax::ast::Sp;

/// `FileDescriptorProto.dependency`.
const DEPENDENCY_FIELD: i32 = 3;

declare_rule! {
    /// Every import must be used: some field, extension, RPC or custom option in the
    /// file must refer to a type or extension the imported file declares (or
    /// re-exports with `import public`). Public imports themselves are not checked,
    /// since they exist for the importers.
    ///
    /// Fix (safe): deletes the import statement, with its line when nothing else
    /// is on it.
    ///
    /// ```proto
    /// // Invalid
    /// import "google/protobuf/timestamp.proto";
    /// message User { string name = 1; }
    /// // Valid
    /// import "google/protobuf/timestamp.proto";
    /// message User { google.protobuf.Timestamp created = 1; }
    /// ```
    pub struct ImportUsed {
        id: "IMPORT_USED",
        summary: "Every import is used.",
        severity: Error,
        fixable: true,
    }
}

impl Rule for ImportUsed {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let used = referenced_files(file);
        for (index, import) in file.dependency_names().iter().enumerate() {
            let index = index as i32;
            if file.public_dependency_indices().contains(&index) {
                continue;
            }
            let Some(imported) = cx.pool().get_file_by_name(import) else {
                continue;
            };
            if !provides_any(&imported, &used) {
                let path = [DEPENDENCY_FIELD, index];
                let message = format!("Import {import:?} is unused.");
                match removal(cx, &path) {
                    Some(fix) => cx.report_with_fix(&path, message, fix),
                    None => cx.report(&path, message),
                }
            }
        }
    }
}

/// Deleting the import statement at `path`.
fn removal(cx: &Context<'_>, path: &[i32]) -> Option<Fix> {
    let location = cx.location(path)?;
    let text: &str = &cx.file().source.text;
    let (start, end) = statement_removal(text, Sp::new(location.start, location.end));
    Some(Fix {
        description: "remove the unused import".to_string(),
        edits: vec![Edit { start, end, replacement: String::new() }],
        safe: true,
    })
}

/// True when `file`, or a file it re-exports through `import public` (transitively),
/// is one of `used`.
fn provides_any(file: &FileDescriptor, used: &HashSet<String>) -> bool {
    let mut stack = vec![file.clone()];
    let mut seen = HashSet::new();
    while let Some(file) = stack.pop() {
        if !seen.insert(file.name().to_string()) {
            continue;
        }
        if used.contains(file.name()) {
            return true;
        }
        stack.extend(file.public_dependencies());
    }
    false
}

/// The files declaring every type and extension `file` refers to.
fn referenced_files(file: &FileDescriptor) -> HashSet<String> {
    let mut used = HashSet::new();
    if file.typed_options().is_some() {
        note_options(&file.options(), &mut used);
    }
    for message in file.messages() {
        note_message(&message, &mut used);
    }
    for enum_ in file.enums() {
        note_enum(&enum_, &mut used);
    }
    for service in file.services() {
        if service.typed_options().is_some() {
            note_options(&service.options(), &mut used);
        }
        for method in service.methods() {
            note_file(&method.input().parent_file(), &mut used);
            note_file(&method.output().parent_file(), &mut used);
            if method.typed_options().is_some() {
                note_options(&method.options(), &mut used);
            }
        }
    }
    for extension in file.extensions() {
        note_extension(&extension, &mut used);
    }
    used
}

// Most elements have no options: their typed descriptor says so without
// decoding the options message, which is most of what this rule costs.
fn note_message(message: &MessageDescriptor, used: &mut HashSet<String>) {
    if message.typed_options().is_some() {
        note_options(&message.options(), used);
    }
    for field in message.fields() {
        note_kind(&field.kind(), used);
        if field.typed_options().is_some() {
            note_options(&field.options(), used);
        }
    }
    for oneof in message.oneofs() {
        if oneof.typed_options().is_some() {
            note_options(&oneof.options(), used);
        }
    }
    for nested in message.child_messages() {
        note_message(&nested, used);
    }
    for enum_ in message.child_enums() {
        note_enum(&enum_, used);
    }
    for extension in message.child_extensions() {
        note_extension(&extension, used);
    }
}

fn note_enum(enum_: &prost_reflect::EnumDescriptor, used: &mut HashSet<String>) {
    if enum_.typed_options().is_some() {
        note_options(&enum_.options(), used);
    }
    for value in enum_.values() {
        if value.typed_options().is_some() {
            note_options(&value.options(), used);
        }
    }
}

fn note_extension(extension: &prost_reflect::ExtensionDescriptor, used: &mut HashSet<String>) {
    note_file(&extension.containing_message().parent_file(), used);
    note_kind(&extension.kind(), used);
    if extension.typed_options().is_some() {
        note_options(&extension.options(), used);
    }
}

/// Notes `file` as used (without allocating when it already is: most of a file's
/// references go to a few files).
fn note_file(file: &FileDescriptor, used: &mut HashSet<String>) {
    if !used.contains(file.name()) {
        used.insert(file.name().to_string());
    }
}

fn note_kind(kind: &Kind, used: &mut HashSet<String>) {
    match kind {
        Kind::Message(message) => {
            note_file(&message.parent_file(), used);
        }
        Kind::Enum(enum_) => {
            note_file(&enum_.parent_file(), used);
        }
        _ => {}
    }
}

/// Custom options (extensions) set in an options message, at any depth.
fn note_options(options: &DynamicMessage, used: &mut HashSet<String>) {
    for (extension, value) in options.extensions() {
        note_file(&extension.parent_file(), used);
        note_value(value, used);
    }
    for (_, value) in options.fields() {
        note_value(value, used);
    }
}

fn note_value(value: &Value, used: &mut HashSet<String>) {
    match value {
        // A message value names only the extensions set inside it; its own type
        // is implied by the option, not written in the file.
        Value::Message(message) => note_options(message, used),
        Value::List(values) => values.iter().for_each(|value| note_value(value, used)),
        Value::Map(entries) => entries.iter().for_each(|(_key, value): (&MapKey, &Value)| note_value(value, used)),
        _ => {}
    }
}
