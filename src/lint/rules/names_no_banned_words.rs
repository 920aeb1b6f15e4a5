use prost_reflect::{
    EnumDescriptor, EnumValueDescriptor, FieldDescriptor, FileDescriptor, MessageDescriptor, MethodDescriptor,
    OneofDescriptor, ServiceDescriptor,
};

use crate::declare_rule;
use crate::lint::casing::to_lower_snake_case;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, name_path};
use crate::lint::support::PACKAGE_PATH;

declare_rule! {
    /// No package, message, field, oneof, enum, enum value, service or RPC name
    /// may contain a banned word: by default the Uber V2 guide's `common` (say
    /// what the things have in common), `data` (every message is data; use
    /// `info` or a precise word) and `uuid` (use `id`). Names are split into
    /// words at `_`, `.` and case changes, so `metadata` is not `data`;
    /// prototool matched any substring, which `substrings = true` restores.
    ///
    /// ```toml
    /// [lint.rules.NAMES_NO_BANNED_WORDS]
    /// words = ["common", "data", "uuid", "misc"]
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// message TripData {}
    /// // Valid
    /// message TripInfo {}
    /// ```
    pub struct NamesNoBannedWords {
        id: "NAMES_NO_BANNED_WORDS",
        summary: "Names avoid banned words (`common`, `data`, `uuid`; option `words`).",
        severity: Error,
        fixable: false,
        options: [RuleOption {
            name: "words",
            default: OptionDefault::List(&["common", "data", "uuid"]),
            help: "The banned words, lower case.",
        }, RuleOption {
            name: "substrings",
            default: OptionDefault::Bool(false),
            help: "Match the words anywhere in a name, not only as whole words (prototool's behaviour).",
        }],
    }
}

impl NamesNoBannedWords {
    fn check(cx: &mut Context<'_>, path: &[i32], kind: &str, name: &str) {
        let words = cx.option_list("words");
        let lower = to_lower_snake_case(name);
        let found = if cx.option_bool("substrings") {
            let name = name.to_lowercase();
            words.iter().find(|banned| name.contains(&banned.to_lowercase())).map(String::as_str)
        } else {
            lower.split(['_', '.']).find(|word| words.iter().any(|banned| banned.eq_ignore_ascii_case(word)))
        };
        if let Some(word) = found {
            cx.report(path, format!("{kind} name {name:?} contains the banned word {word:?}."));
        }
    }
}

impl Rule for NamesNoBannedWords {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        if !file.package_name().is_empty() {
            Self::check(cx, &PACKAGE_PATH, "Package", file.package_name());
        }
    }
    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        if !message.is_map_entry() {
            Self::check(cx, &name_path(message.path()), "Message", message.name());
        }
    }
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        if !field.parent_message().is_map_entry() {
            Self::check(cx, &name_path(field.path()), "Field", field.name());
        }
    }
    fn check_oneof(&self, cx: &mut Context<'_>, oneof: &OneofDescriptor) {
        if !oneof.is_synthetic() {
            Self::check(cx, &name_path(oneof.path()), "Oneof", oneof.name());
        }
    }
    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {
        Self::check(cx, &name_path(enum_.path()), "Enum", enum_.name());
    }
    fn check_enum_value(&self, cx: &mut Context<'_>, value: &EnumValueDescriptor) {
        Self::check(cx, &name_path(value.path()), "Enum value", value.name());
    }
    fn check_service(&self, cx: &mut Context<'_>, service: &ServiceDescriptor) {
        Self::check(cx, &name_path(service.path()), "Service", service.name());
    }
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        Self::check(cx, &name_path(method.path()), "RPC", method.name());
    }
}
