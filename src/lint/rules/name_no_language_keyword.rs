use prost_reflect::{
    EnumDescriptor, EnumValueDescriptor, ExtensionDescriptor, FieldDescriptor, FileDescriptor, MessageDescriptor,
    OneofDescriptor, Value,
};

use crate::declare_rule;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, name_path};
use crate::lint::support::{FILE_OPTIONS_FIELD, PACKAGE_PATH, option_value};

declare_rule! {
    /// Names must not be keywords of the languages code is generated for. It
    /// enforces the Proto Best Practices' "Avoid Using Language Keywords for
    /// Field Names": "If the name of a message, field, enum, or enum value is a
    /// keyword in the language that reads from/writes to that field, then
    /// protobuf may change the field name, and may have different ways to access
    /// them than normal fields." and "You should also avoid using keywords in your
    /// file paths"; and "Don't Use C/C++ Macro Constants for Enum Values": "Avoid
    /// using macro constants such as `NULL`, `NAN`, and `DOMAIN` as enum values."
    ///
    /// Checked, case-sensitively, for the languages in `languages` (`cpp`,
    /// `java`, `python`, `go`):
    /// - field, extension and oneof names against C++, Java and Python keywords
    ///   (Go capitalizes them, so Go keywords cannot clash);
    /// - message and enum names against all four (only Python's `None`, `True`
    ///   and `False` are capitalized);
    /// - enum value names against C/C++ macros of the standard headers (`NULL`,
    ///   `NAN`, `DOMAIN`, `EOF`, `INFINITY`, `OVERFLOW`, `UNDERFLOW`) when `cpp`
    ///   is listed;
    /// - package components against C++, Java and Python, since they become C++
    ///   namespaces and Java and Python packages;
    /// - the Go package name `go_package` gives (after `;`, else its last path
    ///   element) against Go keywords: Go takes its package name from there, and
    ///   a directory named `type` in an import path is fine.
    ///
    /// ```proto
    /// // Invalid
    /// message Route { string from = 1; }
    /// // Valid
    /// message Route { string origin = 1; }
    /// ```
    pub struct NameNoLanguageKeyword {
        id: "NAME_NO_LANGUAGE_KEYWORD",
        summary: "Names are not keywords of C++, Java, Python or Go (option `languages`).",
        severity: Error,
        fixable: false,
        options: [RuleOption {
            name: "languages",
            default: OptionDefault::List(&["cpp", "go", "java", "python"]),
            help: "The languages whose keywords are checked: `cpp`, `go`, `java`, `python`.",
        }],
    }
}

const CPP_KEYWORDS: &[&str] = &[
    "alignas",
    "alignof",
    "and",
    "and_eq",
    "asm",
    "auto",
    "bitand",
    "bitor",
    "bool",
    "break",
    "case",
    "catch",
    "char",
    "char8_t",
    "char16_t",
    "char32_t",
    "class",
    "compl",
    "concept",
    "const",
    "consteval",
    "constexpr",
    "constinit",
    "const_cast",
    "continue",
    "co_await",
    "co_return",
    "co_yield",
    "decltype",
    "default",
    "delete",
    "do",
    "double",
    "dynamic_cast",
    "else",
    "enum",
    "explicit",
    "export",
    "extern",
    "false",
    "float",
    "for",
    "friend",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "mutable",
    "namespace",
    "new",
    "noexcept",
    "not",
    "not_eq",
    "nullptr",
    "operator",
    "or",
    "or_eq",
    "private",
    "protected",
    "public",
    "register",
    "reinterpret_cast",
    "requires",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "static_assert",
    "static_cast",
    "struct",
    "switch",
    "template",
    "this",
    "thread_local",
    "throw",
    "true",
    "try",
    "typedef",
    "typeid",
    "typename",
    "union",
    "unsigned",
    "using",
    "virtual",
    "void",
    "volatile",
    "wchar_t",
    "while",
    "xor",
    "xor_eq",
];

const JAVA_KEYWORDS: &[&str] = &[
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "false",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "true",
    "try",
    "void",
    "volatile",
    "while",
];

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

const GO_KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

/// Macros of the C and C++ standard headers that break enum values of these names.
const CPP_MACROS: &[&str] = &["DOMAIN", "EOF", "INFINITY", "NAN", "NULL", "OVERFLOW", "UNDERFLOW"];

const LANGUAGES: &[(&str, &str, &[&str])] = &[
    ("cpp", "C++", CPP_KEYWORDS),
    ("go", "Go", GO_KEYWORDS),
    ("java", "Java", JAVA_KEYWORDS),
    ("python", "Python", PYTHON_KEYWORDS),
];

/// The selected languages (among `candidates`) that have `name` as a keyword, as
/// "C++ and Java"; `None` when there are none.
fn keyword_languages(cx: &Context<'_>, name: &str, candidates: &[&str]) -> Option<String> {
    let selected = cx.option_list("languages");
    let languages: Vec<&str> = LANGUAGES
        .iter()
        .filter(|(id, _, keywords)| {
            candidates.contains(id) && selected.iter().any(|language| language == id) && keywords.contains(&name)
        })
        .map(|(_, display, _)| *display)
        .collect();
    match languages.as_slice() {
        [] => None,
        [only] => Some((*only).to_string()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

fn check(cx: &mut Context<'_>, kind: &str, name: &str, path: &[i32], candidates: &[&str]) {
    if let Some(languages) = keyword_languages(cx, name, candidates) {
        cx.report(&name_path(path), format!("{kind} name {name:?} is a keyword in {languages}."));
    }
}

const FIELD_LANGUAGES: &[&str] = &["cpp", "java", "python"];
/// Go package names come from `go_package`, checked on its own.
const PACKAGE_LANGUAGES: &[&str] = &["cpp", "java", "python"];
/// `FileOptions.go_package`.
const GO_PACKAGE_FIELD: i32 = 11;
const ALL_LANGUAGES: &[&str] = &["cpp", "go", "java", "python"];

impl Rule for NameNoLanguageKeyword {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let package = file.package_name();
        let found =
            package.split('.').find_map(|part| keyword_languages(cx, part, PACKAGE_LANGUAGES).map(|l| (part, l)));
        if let Some((part, languages)) = found {
            cx.report(&PACKAGE_PATH, format!("Package name {package:?} has {part:?}, a keyword in {languages}."));
        }
        // Go takes its package name from `go_package` (after `;`, else its last
        // element), not from the proto package.
        if let Some(Value::String(go_package)) = option_value(&file.options(), "go_package") {
            let name = go_package
                .rsplit_once(';')
                .map_or_else(|| go_package.rsplit('/').next().unwrap_or(""), |(_, name)| name);
            if keyword_languages(cx, name, &["go"]).is_some() {
                cx.report(
                    &[FILE_OPTIONS_FIELD, GO_PACKAGE_FIELD],
                    format!("Option go_package {go_package:?} names the Go package {name:?}, a keyword in Go."),
                );
            }
        }
    }

    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        if !message.is_map_entry() {
            check(cx, "Message", message.name(), message.path(), ALL_LANGUAGES);
        }
    }

    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        if !field.parent_message().is_map_entry() {
            check(cx, "Field", field.name(), field.path(), FIELD_LANGUAGES);
        }
    }

    fn check_extension(&self, cx: &mut Context<'_>, extension: &ExtensionDescriptor) {
        check(cx, "Extension", extension.name(), extension.path(), FIELD_LANGUAGES);
    }

    fn check_oneof(&self, cx: &mut Context<'_>, oneof: &OneofDescriptor) {
        if !oneof.is_synthetic() {
            check(cx, "Oneof", oneof.name(), oneof.path(), FIELD_LANGUAGES);
        }
    }

    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {
        check(cx, "Enum", enum_.name(), enum_.path(), ALL_LANGUAGES);
    }

    fn check_enum_value(&self, cx: &mut Context<'_>, value: &EnumValueDescriptor) {
        let name = value.name();
        if cx.option_list("languages").iter().any(|language| language == "cpp") && CPP_MACROS.contains(&name) {
            cx.report(
                &name_path(value.path()),
                format!("Enum value name {name:?} is a C/C++ standard macro; prefix it with the enum name."),
            );
        }
    }

    fn validate_option(&self, _name: &str, value: &toml::Value) -> Result<(), String> {
        let unknown = value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
            .find(|language| !LANGUAGES.iter().any(|(id, _, _)| id == language));
        match unknown {
            Some(language) => Err(format!("unknown language `{language}`; expected one of: cpp, go, java, python")),
            None => Ok(()),
        }
    }
}
