use prost_reflect::{
    EnumDescriptor, EnumValueDescriptor, FieldDescriptor, FileDescriptor, MessageDescriptor, MethodDescriptor,
    OneofDescriptor, ServiceDescriptor,
};

use crate::declare_rule;
use crate::lint::casing::to_lower_snake_case;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, child_path, name_path};
use crate::lint::support::PACKAGE_PATH;

/// `DescriptorProto.reserved_name` and `EnumDescriptorProto.reserved_name`.
const RESERVED_NAME_OF_MESSAGE: i32 = 10;
const RESERVED_NAME_OF_ENUM: i32 = 5;

declare_rule! {
    /// No package, message, field, oneof, enum, enum value, service or RPC name
    /// may contain a banned word: by default the Uber V2 guide's `common` (say
    /// what the things have in common), `data` (every message is data; use
    /// `info` or a precise word) and `uuid` (use `id`). Names are split into
    /// words at `_`, `.` and case changes, so `metadata` is not `data`; an
    /// acronym run in a mixed-case name is searched inside (`FooUUIDAPI` has
    /// `uuid`, as prototool finds it), and reserved names are checked too
    /// (`reserved "foo_data"`, as prototool does). prototool matched any
    /// substring, which `substrings = true` restores.
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
            let whole =
                lower.split(['_', '.']).find(|word| words.iter().any(|banned| banned.eq_ignore_ascii_case(word)));
            // An acronym run in a mixed-case name (`FooUUIDAPI`) is searched
            // inside, as prototool finds `uuid` there; UPPER_SNAKE names are not
            // runs, so `METADATA` keeps `data` apart.
            whole.or_else(|| {
                acronym_runs(name).into_iter().find_map(|run| {
                    let run = run.to_lowercase();
                    words.iter().find(|banned| run.contains(&banned.to_lowercase())).map(String::as_str)
                })
            })
        };
        if let Some(word) = found {
            cx.report(path, format!("{kind} name {name:?} contains the banned word {word:?}."));
        }
    }
}

/// Runs of two or more upper-case letters (digits included) in a name that
/// also has lower-case letters.
fn acronym_runs(name: &str) -> Vec<&str> {
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        return Vec::new();
    }
    let mut runs = Vec::new();
    let mut start = None;
    for (i, c) in name.char_indices().chain(std::iter::once((name.len(), '_'))) {
        let upper = c.is_ascii_uppercase() || (start.is_some() && c.is_ascii_digit());
        match (upper, start) {
            (true, None) => start = Some(i),
            (false, Some(from)) => {
                if name[from..i].chars().filter(char::is_ascii_uppercase).count() >= 2 {
                    runs.push(&name[from..i]);
                }
                start = None;
            }
            _ => {}
        }
    }
    runs
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
            // prototool checks reserved names too: they are names a field had.
            for (i, reserved) in message.reserved_names().enumerate() {
                let path = child_path(message.path(), &[RESERVED_NAME_OF_MESSAGE, i as i32]);
                Self::check(cx, &path, "Reserved", reserved);
            }
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
        for (i, reserved) in enum_.reserved_names().enumerate() {
            let path = child_path(enum_.path(), &[RESERVED_NAME_OF_ENUM, i as i32]);
            Self::check(cx, &path, "Reserved", reserved);
        }
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
