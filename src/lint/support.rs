//! Helpers shared by several rules.

use prost_reflect::{DynamicMessage, FileDescriptor, ReflectMessage, Value};

use crate::compile::CompiledFile;
use crate::lint::ignore::IGNORE_PREFIXES;
use crate::lint::rule::Context;

/// How stable a package version suffix says a package is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stability {
    Stable,
    Alpha,
    Beta,
    Test,
}

/// The stability of a package's version suffix, or `None` when the package has no
/// well-formed version: at least two components, the last `vN`, `vNtest…`,
/// `vN(alpha|beta)[M]` or `vNpP(alpha|beta)[M]`, every number at least 1 (buf's grammar).
pub fn package_version_stability(package: &str) -> Option<Stability> {
    let (rest, last) = package.rsplit_once('.')?;
    if rest.is_empty() {
        return None;
    }
    let version = last.strip_prefix('v').filter(|version| !version.is_empty())?;
    if let Some((major, _suffix)) = version.split_once("test") {
        positive_number(major)?;
        return Some(Stability::Test);
    }
    let stability = match (version.contains("alpha"), version.contains("beta")) {
        (false, false) => {
            positive_number(version)?;
            return Some(Stability::Stable);
        }
        (true, false) => Stability::Alpha,
        (false, true) => Stability::Beta,
        (true, true) => return None,
    };
    let marker = if stability == Stability::Alpha { "alpha" } else { "beta" };
    let (major_patch, minor) = version.split_once(marker)?;
    if !minor.is_empty() {
        positive_number(minor)?;
    }
    match major_patch.split_once('p') {
        Some((major, patch)) => {
            positive_number(major)?;
            positive_number(patch)?;
        }
        None => {
            positive_number(major_patch)?;
        }
    }
    Some(stability)
}

/// A decimal number in 1..=i32::MAX (an optional sign is accepted, as Go's ParseInt does).
fn positive_number(text: &str) -> Option<i32> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i32>().ok().filter(|n| *n >= 1)
}

/// True when a leading comment has a line that is neither blank nor an ignore
/// directive: ignore comments never count as documentation.
pub fn is_documentation(comment: Option<&str>) -> bool {
    comment.is_some_and(|comment| {
        comment
            .lines()
            .map(str::trim)
            .any(|line| !line.is_empty() && !IGNORE_PREFIXES.iter().any(|prefix| line.starts_with(prefix)))
    })
}

/// The `style` option of the COMMENT_* rules that have one.
pub const COMMENT_STYLE_OPTION: crate::lint::rule::RuleOption = crate::lint::rule::RuleOption {
    name: "style",
    default: crate::lint::rule::OptionDefault::String("non_empty"),
    help: "What the comment must be: `non_empty` (buf), `sentence` (a complete sentence: capital first \
           letter and a final `.`/`!`/`?`, Uber V2; CJK prose counts as written) or `starts_with_name` \
           (starts with the element's name, Go style; CJK prose needs no name).",
};

/// The shared check of the COMMENT_* rules with a `style` option: reports at
/// `path` when the leading comment there does not meet the style. `kind` is
/// "Message", "Enum", "Service" or "RPC".
pub fn check_comment_style(cx: &mut Context<'_>, path: &[i32], kind: &str, name: &str) {
    let Some(location) = cx.location(path) else {
        return;
    };
    let leading = location.leading();
    let message = if !is_documentation(leading) {
        format!("{kind} {name:?} should have a non-empty comment for documentation.")
    } else {
        let comment = leading.unwrap_or_default();
        match cx.option_str("style") {
            "sentence" if !crate::lint::text::is_sentence(comment) => format!(
                "{kind} {name:?} should have a comment with a complete sentence (a capital first letter and a final period)."
            ),
            "starts_with_name" if !crate::lint::text::starts_with_name(comment, name) => {
                format!("{kind} {name:?} should have a comment that starts with {name:?}.")
            }
            _ => return,
        }
    };
    cx.report(path, message);
}

/// The file's descriptor in the compilation's pool.
pub fn descriptor(cx: &Context<'_>, file: &CompiledFile) -> Option<FileDescriptor> {
    cx.pool().get_file_by_name(&file.source.name)
}

/// A set option of an options message, by field name; `None` when unset.
pub fn option_value(options: &DynamicMessage, name: &str) -> Option<Value> {
    let field = options.descriptor().get_field_by_name(name)?;
    options.has_field(&field).then(|| options.get_field(&field).into_owned())
}

/// The directory of an import path (`.` for files at the root), as buf prints it.
pub fn directory(path: &str) -> &str {
    path.rsplit_once('/').map_or(".", |(dir, _)| dir)
}

/// The shared check of the PACKAGE_SAME_* option rules: when the files of a package
/// do not all have the same value of a file option (unset counts as a value),
/// every file of the package gets a finding at its option (or its start).
pub fn check_package_same_option(
    cx: &mut Context<'_>,
    package: &str,
    files: &[&CompiledFile],
    option_name: &str,
    option_field: i32,
) {
    let values: Vec<String> = files
        .iter()
        .map(|file| {
            let Some(descriptor) = descriptor(cx, file) else {
                return String::new();
            };
            // The typed copy of the file's options answers without decoding
            // them again (every PACKAGE_SAME_* rule reads every file).
            let typed = descriptor.typed_options();
            let text = |value: Option<&String>| value.cloned().unwrap_or_default();
            match option_name {
                "go_package" => text(typed.and_then(|o| o.go_package.as_ref())),
                "java_package" => text(typed.and_then(|o| o.java_package.as_ref())),
                "ruby_package" => text(typed.and_then(|o| o.ruby_package.as_ref())),
                "swift_prefix" => text(typed.and_then(|o| o.swift_prefix.as_ref())),
                "php_namespace" => text(typed.and_then(|o| o.php_namespace.as_ref())),
                "csharp_namespace" => text(typed.and_then(|o| o.csharp_namespace.as_ref())),
                "java_multiple_files" => {
                    typed.and_then(|o| o.java_multiple_files).map(|flag| flag.to_string()).unwrap_or_default()
                }
                _ => match option_value(&descriptor.options(), option_name) {
                    Some(Value::String(text)) => text,
                    Some(Value::Bool(flag)) => flag.to_string(),
                    _ => String::new(),
                },
            }
        })
        .collect();
    let mut distinct: Vec<&str> = values.iter().map(String::as_str).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 2 {
        return;
    }
    let has_unset = distinct.first() == Some(&"");
    let set_values = distinct.iter().filter(|value| !value.is_empty()).copied().collect::<Vec<_>>().join(",");
    let message = if has_unset {
        format!(
            "Files in package {package:?} have both values {set_values:?} and no value for option {option_name:?} and all values must be equal."
        )
    } else {
        format!(
            "Files in package {package:?} have multiple values {set_values:?} for option {option_name:?} and all values must be equal."
        )
    };
    for file in files {
        cx.report_in(file, Some(&[FILE_OPTIONS_FIELD, option_field]), message.clone());
    }
}

/// `FileDescriptorProto.options`.
pub const FILE_OPTIONS_FIELD: i32 = 8;
/// `FileDescriptorProto.package`.
pub const PACKAGE_PATH: [i32; 1] = [2];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_versions() {
        assert_eq!(package_version_stability("foo.v1"), Some(Stability::Stable));
        assert_eq!(package_version_stability("foo.v1beta1"), Some(Stability::Beta));
        assert_eq!(package_version_stability("foo.v2alpha"), Some(Stability::Alpha));
        assert_eq!(package_version_stability("foo.v1p1alpha1"), Some(Stability::Alpha));
        assert_eq!(package_version_stability("foo.v1testfoo"), Some(Stability::Test));
        assert_eq!(package_version_stability("v1"), None);
        assert_eq!(package_version_stability("foo.v0"), None);
        assert_eq!(package_version_stability("foo.bar"), None);
        assert_eq!(package_version_stability("foo.v1alphabeta"), None);
        assert_eq!(package_version_stability("foo.v"), None);
    }

    #[test]
    fn documentation_comments() {
        assert!(is_documentation(Some(" Does things.\n")));
        assert!(!is_documentation(Some(" buf:lint:ignore COMMENT_MESSAGE\n")));
        assert!(!is_documentation(Some("  \n\n")));
        assert!(!is_documentation(None));
    }
}
