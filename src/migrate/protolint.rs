//! `.protolint.yaml` and `prototool.yaml`: their rules under buf's names.
//!
//! protolint's and prototool's style rules mostly have a buf rule checking the same
//! thing (`MESSAGE_NAMES_UPPER_CAMEL_CASE` is `MESSAGE_PASCAL_CASE`); the layout
//! rules (indentation, quotes, import order) are what `idl format` does, so they
//! become `FORMATTED`. Rules with no counterpart are named as not carried over.

use std::collections::BTreeSet;
use std::ops::Range;

use super::yaml::Node;
use super::{Draft, Reader, join_path};

/// protolint rule → idl rule. protolint's default set is marked `true` (observed
/// with protolint 0.58: the rules reporting on a file breaking every rule, no config).
const PROTOLINT_RULES: &[(&str, Option<&str>, bool)] = &[
    ("ENUM_FIELD_NAMES_PREFIX", Some("ENUM_VALUE_PREFIX"), true),
    ("ENUM_FIELD_NAMES_UPPER_SNAKE_CASE", Some("ENUM_VALUE_UPPER_SNAKE_CASE"), true),
    ("ENUM_FIELD_NAMES_ZERO_VALUE_END_WITH", Some("ENUM_ZERO_VALUE_SUFFIX"), true),
    ("ENUM_FIELDS_HAVE_COMMENT", Some("COMMENT_ENUM_VALUE"), false),
    ("ENUM_NAMES_UPPER_CAMEL_CASE", Some("ENUM_PASCAL_CASE"), true),
    ("ENUMS_HAVE_COMMENT", Some("COMMENT_ENUM"), false),
    ("FIELD_NAMES_EXCLUDE_PREPOSITIONS", None, false),
    ("FIELD_NAMES_LOWER_SNAKE_CASE", Some("FIELD_LOWER_SNAKE_CASE"), true),
    ("FIELD_NUMBERS_ORDER_ASCENDING", None, false),
    ("FIELDS_HAVE_COMMENT", Some("COMMENT_FIELD"), false),
    ("FILE_HAS_COMMENT", None, false),
    ("FILE_NAMES_LOWER_SNAKE_CASE", Some("FILE_LOWER_SNAKE_CASE"), true),
    ("IMPORTS_SORTED", Some("FORMATTED"), true),
    ("INDENT", Some("FORMATTED"), true),
    ("MAX_LINE_LENGTH", None, true),
    ("MESSAGE_NAMES_EXCLUDE_PREPOSITIONS", None, false),
    ("MESSAGE_NAMES_UPPER_CAMEL_CASE", Some("MESSAGE_PASCAL_CASE"), true),
    ("MESSAGES_HAVE_COMMENT", Some("COMMENT_MESSAGE"), false),
    ("ORDER", Some("FORMATTED"), true),
    ("PACKAGE_NAME_LOWER_CASE", Some("PACKAGE_LOWER_SNAKE_CASE"), true),
    ("PROTO3_FIELDS_AVOID_REQUIRED", Some("FIELD_NOT_REQUIRED"), true),
    ("PROTO3_GROUPS_AVOID", None, true),
    ("QUOTE_CONSISTENT", Some("FORMATTED"), true),
    ("REPEATED_FIELD_NAMES_PLURALIZED", None, true),
    ("RPC_NAMES_CASE", None, false),
    ("RPC_NAMES_UPPER_CAMEL_CASE", Some("RPC_PASCAL_CASE"), true),
    ("RPCS_HAVE_COMMENT", Some("COMMENT_RPC"), false),
    ("SERVICE_NAMES_END_WITH", Some("SERVICE_SUFFIX"), false),
    ("SERVICE_NAMES_UPPER_CAMEL_CASE", Some("SERVICE_PASCAL_CASE"), true),
    ("SERVICES_HAVE_COMMENT", Some("COMMENT_SERVICE"), false),
    ("SYNTAX_CONSISTENT", None, false),
];

/// prototool rule → idl rule (prototool's groups have no idl preset; see below).
const PROTOTOOL_RULES: &[(&str, &str)] = &[
    ("ENUM_FIELD_NAMES_UPPER_SNAKE_CASE", "ENUM_VALUE_UPPER_SNAKE_CASE"),
    ("ENUM_FIELD_PREFIXES", "ENUM_VALUE_PREFIX"),
    ("ENUM_NAMES_CAMEL_CASE", "ENUM_PASCAL_CASE"),
    ("ENUM_NAMES_CAPITALIZED", "ENUM_PASCAL_CASE"),
    ("ENUMS_HAVE_COMMENTS", "COMMENT_ENUM"),
    ("FIELD_NAMES_LOWER_SNAKE_CASE", "FIELD_LOWER_SNAKE_CASE"),
    ("FILE_NAMES_LOWER_SNAKE_CASE", "FILE_LOWER_SNAKE_CASE"),
    ("IMPORTS_NOT_PUBLIC", "IMPORT_NO_PUBLIC"),
    ("MESSAGE_NAMES_CAMEL_CASE", "MESSAGE_PASCAL_CASE"),
    ("MESSAGE_NAMES_CAPITALIZED", "MESSAGE_PASCAL_CASE"),
    ("MESSAGES_HAVE_COMMENTS", "COMMENT_MESSAGE"),
    ("PACKAGE_IS_DECLARED", "PACKAGE_DEFINED"),
    ("PACKAGE_LOWER_SNAKE_CASE", "PACKAGE_LOWER_SNAKE_CASE"),
    ("PACKAGE_MAJOR_BETA_VERSIONED", "PACKAGE_VERSION_SUFFIX"),
    ("REQUEST_RESPONSE_TYPES_UNIQUE", "RPC_REQUEST_RESPONSE_UNIQUE"),
    ("RPC_NAMES_CAMEL_CASE", "RPC_PASCAL_CASE"),
    ("RPC_NAMES_CAPITALIZED", "RPC_PASCAL_CASE"),
    ("RPCS_HAVE_COMMENTS", "COMMENT_RPC"),
    ("SERVICE_NAMES_CAMEL_CASE", "SERVICE_PASCAL_CASE"),
    ("SERVICE_NAMES_CAPITALIZED", "SERVICE_PASCAL_CASE"),
    ("SERVICES_HAVE_COMMENTS", "COMMENT_SERVICE"),
];

fn protolint_rule(name: &str) -> Option<&'static str> {
    PROTOLINT_RULES.iter().find(|(id, _, _)| *id == name).and_then(|(_, idl, _)| *idl)
}

fn prototool_rule(name: &str) -> Option<&'static str> {
    PROTOTOOL_RULES.iter().find(|(id, _)| *id == name).map(|(_, idl)| *idl)
}

/// The idl rules for `names` of another tool; names without one are dropped.
fn map_rules(
    reader: &mut Reader,
    names: &[(String, Range<usize>)],
    map: fn(&str) -> Option<&'static str>,
    tool: &str,
) -> BTreeSet<String> {
    let mut rules = BTreeSet::new();
    for (name, span) in names {
        match map(name).filter(|id| crate::lint::rules::find(id).is_some()) {
            Some(id) => {
                rules.insert(id.to_string());
            }
            None => reader.drop(span.clone(), format!("{tool} rule `{name}` has no idl equivalent"), true),
        }
    }
    rules
}

pub(super) fn from_protolint(reader: &mut Reader, root: &Node) -> Draft {
    let mut draft = Draft::default();
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let mut no_default = false;
    let mut all_default = false;
    for (key, value) in root.entries() {
        if key.as_str() != Some("lint") {
            let name = key.as_str().unwrap_or_default().to_string();
            reader.drop(key.span.clone(), format!("`{name}` is not a lint setting; ignored"), false);
            continue;
        }
        for (lint_key, lint_value) in value.entries() {
            match lint_key.as_str().unwrap_or_default() {
                "ignores" => protolint_ignores(reader, lint_value, &mut draft),
                "files" | "directories" => {
                    for (exclude_key, excludes) in lint_value.entries() {
                        if exclude_key.as_str() == Some("exclude") {
                            for (path, _) in reader.strings("exclude", excludes) {
                                draft.excludes.push(join_path("", &path));
                            }
                        } else {
                            reader.drop(exclude_key.span.clone(), "only `exclude` is carried over", true);
                        }
                    }
                }
                "rules" => {
                    for (rules_key, rules_value) in lint_value.entries() {
                        match rules_key.as_str().unwrap_or_default() {
                            "no_default" => no_default = rules_value.as_bool() == Some(true),
                            "all_default" => all_default = rules_value.as_bool() == Some(true),
                            "add" => added = reader.strings("add", rules_value),
                            "remove" => removed = reader.strings("remove", rules_value),
                            other => reader.drop(
                                rules_key.span.clone(),
                                format!("`lint.rules.{other}` is not supported"),
                                true,
                            ),
                        }
                    }
                }
                "rules_option" => protolint_options(reader, lint_value, &mut draft),
                other => reader.drop(lint_key.span.clone(), format!("`lint.{other}` is not supported"), true),
            }
        }
    }
    // The base set, then `add`, minus `remove`; mapping each to idl's name.
    let mut base: Vec<(String, Range<usize>)> = PROTOLINT_RULES
        .iter()
        .filter(|(_, _, default)| all_default || (*default && !no_default))
        .map(|(id, _, _)| (id.to_string(), 0..0))
        .collect();
    base.retain(|(id, _)| !removed.iter().any(|(name, _)| name == id));
    base.extend(added.iter().filter(|(name, _)| !removed.iter().any(|(r, _)| r == name)).cloned());
    // Rules of the default set without an equivalent are named once, at the top.
    let (located, implicit): (Vec<_>, Vec<_>) = base.into_iter().partition(|(_, span)| span.end > 0);
    let mut rules = map_rules(reader, &located, protolint_rule, "protolint");
    for (name, _) in implicit {
        match protolint_rule(&name).filter(|id| crate::lint::rules::find(id).is_some()) {
            Some(id) => {
                rules.insert(id.to_string());
            }
            None => reader.drop(0..0, format!("protolint default rule `{name}` has no idl equivalent"), true),
        }
    }
    draft.lint.r#use = rules.into_iter().collect();
    draft
}

fn protolint_ignores(reader: &mut Reader, node: &Node, draft: &mut Draft) {
    let items: &[Node] = match &node.value {
        super::yaml::Value::List(items) => items,
        _ => &[],
    };
    for item in items {
        let id = item.get("id").and_then(Node::as_str).unwrap_or_default();
        let files = item.get("files").map(|files| reader.strings("files", files)).unwrap_or_default();
        match protolint_rule(id) {
            Some(rule) => {
                let paths: Vec<String> = files.iter().map(|(path, _)| join_path("", path)).collect();
                draft.lint.ignore_only.entry(rule.to_string()).or_default().extend(paths);
            }
            None => reader.drop(item.span.clone(), format!("ignore of `{id}`, which has no idl equivalent"), false),
        }
    }
}

fn protolint_options(reader: &mut Reader, node: &Node, draft: &mut Draft) {
    for (key, value) in node.entries() {
        let carried = match key.as_str().unwrap_or_default() {
            "service_names_end_with" => value.get("text").and_then(Node::as_str).map(|text| ("SERVICE_SUFFIX", text)),
            "enum_field_names_zero_value_end_with" => {
                value.get("suffix").and_then(Node::as_str).map(|suffix| ("ENUM_ZERO_VALUE_SUFFIX", suffix))
            }
            _ => None,
        };
        match carried {
            Some((rule, text)) => {
                // protolint's suffixes exclude the underscore buf's include.
                let suffix = if rule == "ENUM_ZERO_VALUE_SUFFIX" { format!("_{text}") } else { text.to_string() };
                let options = draft.lint.rules.entry(rule.to_string()).or_default();
                options.insert("suffix".to_string(), toml::Value::String(suffix));
            }
            None => {
                let name = key.as_str().unwrap_or_default();
                reader.drop(key.span.clone(), format!("rule option `{name}` is not carried over"), true);
            }
        }
    }
}

pub(super) fn from_prototool(reader: &mut Reader, root: &Node) -> Draft {
    let mut draft = Draft::default();
    // prototool skips beta packages unless `break_check.include_beta` says otherwise.
    draft.breaking.ignore_unstable_packages = true;
    let mut group_default = true;
    let mut rules: BTreeSet<String> = BTreeSet::new();
    let mut removed = BTreeSet::new();
    for (key, value) in root.entries() {
        match key.as_str().unwrap_or_default() {
            "excludes" => {
                for (path, _) in reader.strings("excludes", value) {
                    draft.excludes.push(join_path("", &path));
                }
            }
            "protoc" => {
                for (protoc_key, protoc_value) in value.entries() {
                    match protoc_key.as_str().unwrap_or_default() {
                        "includes" => {
                            for (path, _) in reader.strings("includes", protoc_value) {
                                draft.import_paths.push(join_path("", &path));
                            }
                        }
                        "version" => {}
                        other => {
                            reader.drop(protoc_key.span.clone(), format!("`protoc.{other}` is not supported"), true)
                        }
                    }
                }
            }
            "lint" => {
                for (lint_key, lint_value) in value.entries() {
                    match lint_key.as_str().unwrap_or_default() {
                        "group" => {
                            let group = lint_value.as_str().unwrap_or_default();
                            let message = format!(
                                "lint group `{group}`: idl has no preset for it; `buf-standard` is used, with the \
                                 group's added and removed rules"
                            );
                            reader.drop(lint_value.span.clone(), message, true);
                        }
                        "ignores" => {
                            let items: &[Node] = match &lint_value.value {
                                super::yaml::Value::List(items) => items,
                                _ => &[],
                            };
                            for item in items {
                                let id = item.get("id").and_then(Node::as_str).unwrap_or_default();
                                let files = item.get("files").map(|f| reader.strings("files", f)).unwrap_or_default();
                                match prototool_rule(id) {
                                    Some(rule) => draft
                                        .lint
                                        .ignore_only
                                        .entry(rule.to_string())
                                        .or_default()
                                        .extend(files.iter().map(|(path, _)| join_path("", path))),
                                    None => reader.drop(
                                        item.span.clone(),
                                        format!("ignore of `{id}` not carried over"),
                                        false,
                                    ),
                                }
                            }
                        }
                        "rules" => {
                            for (rules_key, rules_value) in lint_value.entries() {
                                match rules_key.as_str().unwrap_or_default() {
                                    "no_default" => group_default = rules_value.as_bool() != Some(true),
                                    "add" => {
                                        let added = reader.strings("add", rules_value);
                                        rules.extend(map_rules(reader, &added, prototool_rule, "prototool"));
                                    }
                                    "remove" => {
                                        let names = reader.strings("remove", rules_value);
                                        removed.extend(names.iter().filter_map(|(name, _)| prototool_rule(name)));
                                    }
                                    other => reader.drop(
                                        rules_key.span.clone(),
                                        format!("`lint.rules.{other}` is not supported"),
                                        true,
                                    ),
                                }
                            }
                        }
                        other => reader.drop(lint_key.span.clone(), format!("`lint.{other}` is not supported"), true),
                    }
                }
            }
            "break_check" => {
                for (break_key, break_value) in value.entries() {
                    match break_key.as_str().unwrap_or_default() {
                        "include_beta" => draft.breaking.ignore_unstable_packages = break_value.as_bool() != Some(true),
                        other => {
                            reader.drop(break_key.span.clone(), format!("`break_check.{other}` is not supported"), true)
                        }
                    }
                }
            }
            other => {
                reader.drop(key.span.clone(), format!("`{other}` is not a lint or breaking setting; ignored"), false)
            }
        }
    }
    let mut uses: Vec<String> = Vec::new();
    if group_default {
        uses.push("STANDARD".to_string());
    }
    uses.extend(rules.into_iter().filter(|rule| !removed.contains(rule.as_str())));
    draft.lint.r#use = uses;
    draft.lint.except = removed.into_iter().map(str::to_string).collect();
    draft
}
