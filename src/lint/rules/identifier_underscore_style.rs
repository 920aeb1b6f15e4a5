use prost_reflect::{
    EnumDescriptor, EnumValueDescriptor, ExtensionDescriptor, FieldDescriptor, FileDescriptor, MessageDescriptor,
    MethodDescriptor, OneofDescriptor, ServiceDescriptor,
};

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, name_path};
use crate::lint::support::PACKAGE_PATH;

declare_rule! {
    /// Names must use underscores only between words: never as the first or last
    /// character, never two in a row, and never before a digit. It enforces the
    /// style guide's "Underscores in Identifiers": "Don't use underscores as the
    /// initial or final character of a name. Any underscore should always be
    /// followed by a letter (not a number or a second underscore)." Each
    /// language converts names to its own casing, and `DNS2` and `DNS_2` both
    /// become `Dns2`; names that differ only there collide in generated code.
    ///
    /// It checks every package component, message, field, extension, oneof,
    /// enum, enum value, service and method name. Map entries and the oneofs
    /// protoc synthesizes for proto3 `optional` fields are skipped (their names
    /// are derived). The message suggests the name with the offending underscores
    /// removed.
    ///
    /// ```proto
    /// // Invalid
    /// message Song { string song_name_1 = 1; }
    /// // Valid
    /// message Song { string song_name1 = 1; }
    /// ```
    pub struct IdentifierUnderscoreStyle {
        id: "IDENTIFIER_UNDERSCORE_STYLE",
        summary: "Underscores only between words: not first, last, doubled or before a digit.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for IdentifierUnderscoreStyle {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let package = file.package_name();
        if package.split('.').any(|component| problem(component).is_some()) {
            let suggestion = package.split('.').map(suggestion).collect::<Vec<_>>().join(".");
            let reason = package.split('.').find_map(problem).unwrap_or_default();
            cx.report(
                &PACKAGE_PATH,
                format!(
                    "Package name {package:?} {reason}; use underscores only between words, such as {suggestion:?}."
                ),
            );
        }
    }

    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        if !message.is_map_entry() {
            check(cx, "Message", message.name(), message.path());
        }
    }

    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        if !field.parent_message().is_map_entry() {
            check(cx, "Field", field.name(), field.path());
        }
    }

    fn check_extension(&self, cx: &mut Context<'_>, extension: &ExtensionDescriptor) {
        check(cx, "Extension", extension.name(), extension.path());
    }

    fn check_oneof(&self, cx: &mut Context<'_>, oneof: &OneofDescriptor) {
        if !oneof.is_synthetic() {
            check(cx, "Oneof", oneof.name(), oneof.path());
        }
    }

    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {
        check(cx, "Enum", enum_.name(), enum_.path());
    }

    fn check_enum_value(&self, cx: &mut Context<'_>, value: &EnumValueDescriptor) {
        check(cx, "Enum value", value.name(), value.path());
    }

    fn check_service(&self, cx: &mut Context<'_>, service: &ServiceDescriptor) {
        check(cx, "Service", service.name(), service.path());
    }

    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        check(cx, "Method", method.name(), method.path());
    }
}

fn check(cx: &mut Context<'_>, kind: &str, name: &str, path: &[i32]) {
    if let Some(reason) = problem(name) {
        let suggestion = suggestion(name);
        cx.report(
            &name_path(path),
            format!("{kind} name {name:?} {reason}; use underscores only between words, such as {suggestion:?}."),
        );
    }
}

/// What is wrong with the underscores of `name`, if anything (the first problem).
fn problem(name: &str) -> Option<&'static str> {
    if name.starts_with('_') {
        return Some("starts with an underscore");
    }
    if name.ends_with('_') {
        return Some("ends with an underscore");
    }
    let bytes = name.as_bytes();
    for pair in bytes.windows(2) {
        match pair {
            [b'_', b'_'] => return Some("has two underscores in a row"),
            [b'_', next] if next.is_ascii_digit() => return Some("has an underscore before a digit"),
            _ => {}
        }
    }
    None
}

/// `name` without leading, trailing, doubled or digit-preceding underscores.
fn suggestion(name: &str) -> String {
    let trimmed = name.trim_matches('_');
    let chars: Vec<char> = trimmed.chars().collect();
    let mut output = String::with_capacity(trimmed.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            let next = chars.get(i + 1).copied();
            if next.is_none_or(|next| next == '_' || next.is_ascii_digit()) {
                continue;
            }
        }
        output.push(c);
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underscore_problems_and_suggestions() {
        assert_eq!(problem("song_name1"), None);
        assert_eq!(problem("XYZ_V2"), None);
        assert_eq!(problem("song_name_1"), Some("has an underscore before a digit"));
        assert_eq!(problem("_private"), Some("starts with an underscore"));
        assert_eq!(problem("name_"), Some("ends with an underscore"));
        assert_eq!(problem("FOO__BAR"), Some("has two underscores in a row"));
        assert_eq!(suggestion("XYZ_2"), "XYZ2");
        assert_eq!(suggestion("_a__b_1_"), "a_b1");
        assert_eq!(suggestion("XYZ_2V"), "XYZ2V");
    }
}
