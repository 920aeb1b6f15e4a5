//! `idl config check`: a service's YAML or JSON configuration against the message
//! that describes it (Kratos' `Bootstrap`), as protojson would decode it at
//! start-up, plus what the proto asks beyond that (REQUIRED fields, protovalidate
//! rules). One entry point, [`check_file`]; [`schema::json_schema`] writes the same
//! mapping as a JSON Schema for editors. See docs/config-check.md.

mod check;
pub mod configmap;
pub mod schema;
mod validate;
pub mod yaml;

use prost_reflect::MessageDescriptor;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

pub const UNKNOWN_KEY_RULE: &str = "CONFIG_UNKNOWN_KEY";
pub const TYPE_RULE: &str = "CONFIG_TYPE";
pub const RANGE_RULE: &str = "CONFIG_RANGE";
pub const ENUM_RULE: &str = "CONFIG_ENUM";
pub const DURATION_RULE: &str = "CONFIG_DURATION";
pub const TIMESTAMP_RULE: &str = "CONFIG_TIMESTAMP";
pub const FIELD_MASK_RULE: &str = "CONFIG_FIELD_MASK";
pub const STRUCT_RULE: &str = "CONFIG_STRUCT";
pub const ONEOF_RULE: &str = "CONFIG_ONEOF";
pub const DUPLICATE_FIELD_RULE: &str = "CONFIG_DUPLICATE_FIELD";
pub const REQUIRED_RULE: &str = "CONFIG_REQUIRED";
pub const VALIDATE_RULE: &str = "CONFIG_VALIDATE";
pub const CONFIGMAP_RULE: &str = "CONFIG_CONFIGMAP";
/// Text that is not YAML or JSON: an input error (exit 2), not a finding.
pub const SYNTAX_RULE: &str = "CONFIG_SYNTAX";

/// Every rule of `idl config check`, with its one-line summary (docs/config-check.md
/// documents each).
pub const RULES: &[(&str, &str)] = &[
    (UNKNOWN_KEY_RULE, "a key that is neither a field's JSON name nor its proto name (with the closest one suggested)"),
    (TYPE_RULE, "a value of the wrong YAML/JSON type for its field"),
    (RANGE_RULE, "a number outside its field's integer or float range"),
    (ENUM_RULE, "a name that is not a value of the field's enum"),
    (DURATION_RULE, "a google.protobuf.Duration string protojson rejects (`1s`, `0.2s`; not `200ms`)"),
    (TIMESTAMP_RULE, "a google.protobuf.Timestamp that is not RFC 3339 with `T` and a zone"),
    (FIELD_MASK_RULE, "a google.protobuf.FieldMask path not in lowerCamelCase JSON form"),
    (STRUCT_RULE, "a Struct, ListValue, Empty or Any in the wrong shape"),
    (ONEOF_RULE, "two fields of one oneof set"),
    (DUPLICATE_FIELD_RULE, "one field set under both its JSON name and its proto name"),
    (REQUIRED_RULE, "a REQUIRED field (google.api.field_behavior or buf.validate required) left out"),
    (VALIDATE_RULE, "a value that breaks a protovalidate (buf.validate.field) rule"),
    (CONFIGMAP_RULE, "a ConfigMap without the data key that holds the config"),
    (SYNTAX_RULE, "text that is not YAML or JSON (duplicate keys included)"),
];

/// The summary of a config-check rule, for reports that describe their rules (SARIF).
pub fn rule_summary(id: &str) -> Option<String> {
    RULES.iter().find(|(rule, _)| *rule == id).map(|(_, summary)| summary.to_string())
}

/// Checks every document of `file` against `message`. A document that is a
/// Kubernetes ConfigMap is checked through its embedded config (`data.<key>`, or
/// its only data entry when `configmap_key` is `None`); other Kubernetes objects in
/// the same stream are skipped. An empty file is an empty config.
pub fn check_file(file: &SourceFile, message: &MessageDescriptor, configmap_key: Option<&str>) -> Vec<Diagnostic> {
    let documents = match yaml::parse(&file.text, &yaml::FileLocator::new(&file.text)) {
        Ok(documents) => documents,
        Err(error) => return vec![Diagnostic::error(SYNTAX_RULE, error.message).with_span(file, error.at, error.at)],
    };
    let mut checker = check::Checker { file, diags: Vec::new() };
    let empty = yaml::Node { span: 0..0, value: yaml::Value::Null };
    if documents.is_empty() {
        checker.message(message, &empty, &check::Path::default(), &(0..0));
    }
    for document in &documents {
        if configmap::is_manifest(document) {
            if !configmap::is_configmap(document) {
                continue;
            }
            match configmap::embedded(file, document, configmap_key) {
                Ok(inner) => {
                    for embedded in &inner {
                        checker.message(message, embedded, &check::Path::default(), &embedded.span.clone());
                    }
                }
                Err(diagnostic) => checker.diags.push(*diagnostic),
            }
            continue;
        }
        let owner = document.span.clone();
        checker.message(message, document, &check::Path::default(), &owner);
    }
    checker.diags
}

/// Whether the findings include input errors (exit 2 rather than 1).
pub fn is_input_error(diagnostic: &Diagnostic) -> bool {
    diagnostic.rule == SYNTAX_RULE
}

/// `${NAME}` or `${NAME:default}` somewhere in the text: Kratos' config loader
/// replaces these from the environment before decoding.
pub fn is_placeholder(text: &str) -> bool {
    text.find("${").is_some_and(|start| text[start + 2..].contains('}'))
}

fn is_well_known(name: &str) -> bool {
    name.starts_with("google.protobuf.")
        && matches!(
            &name["google.protobuf.".len()..],
            "Any"
                | "Duration"
                | "Timestamp"
                | "FieldMask"
                | "Struct"
                | "ListValue"
                | "Value"
                | "Empty"
                | "DoubleValue"
                | "FloatValue"
                | "Int64Value"
                | "UInt64Value"
                | "Int32Value"
                | "UInt32Value"
                | "BoolValue"
                | "StringValue"
                | "BytesValue"
        )
}

/// The candidate nearest to `word` in edits, unless it shares too little with it
/// to be what was meant (more than two thirds of the longer name changed).
pub(crate) fn closest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, candidate)| distance * 3 <= word.chars().count().max(candidate.chars().count()) * 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_suggestions() {
        assert!(is_placeholder("${PORT:8080}") && is_placeholder("tcp://${HOST}:1") && !is_placeholder("$HOME"));
        let fields: Vec<String> = ["network", "addr", "timeout"].map(String::from).to_vec();
        assert_eq!(closest("adress", &fields), Some("addr"));
        assert_eq!(closest("timeuot", &fields), Some("timeout"));
        assert_eq!(closest("zzzzzz", &fields), None);
    }
}
