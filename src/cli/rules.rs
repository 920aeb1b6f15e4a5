//! `idl rules [ID]`: list the lint and breaking rules (filtered by kind or
//! category), or print one rule's documentation.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::args::{RuleKind, RulesArgs, RulesFormat};
use super::{EXIT_ERROR, write_stdout};
use crate::breaking::rule::{BreakingRule, CATEGORIES};
use crate::lint::rule::{OptionDefault, RuleMeta};
use crate::lint::{all_rules, docs, presets, rules};

pub(super) fn run(args: &RulesArgs) -> i32 {
    let Some(id) = &args.id else {
        return list(args);
    };
    // `enum_pascal_case` and `enum-pascal-case` find ENUM_PASCAL_CASE too.
    let normalized = id.trim().to_ascii_uppercase().replace('-', "_");
    if let Some(rule) = rules::find(&normalized) {
        let meta = rule.meta();
        let output = match args.format {
            RulesFormat::Text => docs::rule_markdown(meta),
            RulesFormat::Json => {
                let mut value = rule_json(meta);
                value["doc"] = Value::String(docs::rule_markdown(meta));
                json_text(&value)
            }
        };
        return write_stdout(output.as_bytes());
    }
    if let Some(rule) = crate::breaking::rules::find(&normalized) {
        let page = crate::breaking::docs::rule_markdown(rule);
        let output = match args.format {
            RulesFormat::Text => page,
            RulesFormat::Json => {
                let mut value = breaking_json(rule);
                value["doc"] = Value::String(page);
                json_text(&value)
            }
        };
        return write_stdout(output.as_bytes());
    }
    let mut message = format!("idl rules: unknown rule `{id}`");
    if let Some(suggestion) = closest(&normalized) {
        message.push_str(&format!("; did you mean `{suggestion}`?"));
    }
    let _ = writeln!(io::stderr(), "{message}\n(`idl rules` lists every rule)");
    EXIT_ERROR
}

/// The listing: lint rules, then breaking rules, as `--kind` and `--category` select.
fn list(args: &RulesArgs) -> i32 {
    let mut kind = args.kind;
    let mut lint: Vec<&RuleMeta> = all_rules().collect();
    let mut breaking: Vec<&BreakingRule> = crate::breaking::rules::RULES.to_vec();
    if let Some(category) = &args.category {
        let upper = category.trim().to_ascii_uppercase().replace('-', "_");
        if let Some(category) = CATEGORIES.iter().find(|c| **c == upper) {
            breaking.retain(|rule| rule.categories.contains(category));
            lint.clear();
            kind = kind.or(Some(RuleKind::Breaking));
        } else if let Some(group) =
            presets::presets().get(category.as_str()).or_else(|| presets::groups().get(category.as_str()))
        {
            lint.retain(|meta| group.rules.iter().any(|id| id == meta.id));
            breaking.clear();
            kind = kind.or(Some(RuleKind::Lint));
        } else {
            let presets: Vec<&str> = presets::presets().keys().copied().collect();
            let _ = writeln!(
                io::stderr(),
                "idl rules: unknown category `{category}`; breaking categories: {}; lint presets: {}; lint groups: {}",
                CATEGORIES.join(", "),
                presets.join(", "),
                presets::groups().keys().map(String::as_str).collect::<Vec<_>>().join(", ")
            );
            return EXIT_ERROR;
        }
    }
    match kind {
        Some(RuleKind::Lint) => breaking.clear(),
        Some(RuleKind::Breaking) => lint.clear(),
        None => {}
    }
    let output = match args.format {
        RulesFormat::Text => {
            let mut text = String::new();
            if !lint.is_empty() {
                text.push_str(&table(&lint));
            }
            if !breaking.is_empty() {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&breaking_table(&breaking));
            }
            text
        }
        RulesFormat::Json => {
            let values = lint.iter().map(|meta| rule_json(meta)).chain(breaking.iter().map(|rule| breaking_json(rule)));
            json_text(&Value::Array(values.collect()))
        }
    };
    write_stdout(output.as_bytes())
}

fn breaking_json(rule: &BreakingRule) -> Value {
    json!({
        "id": rule.id,
        "kind": "breaking",
        "summary": rule.summary(),
        "categories": crate::breaking::docs::categories(rule),
        "default": rule.is_default(),
    })
}

/// One line per breaking rule: ID, categories, on by default, summary.
fn breaking_table(rules: &[&BreakingRule]) -> String {
    let rows: Vec<[String; 4]> = rules
        .iter()
        .map(|rule| {
            [
                rule.id.to_string(),
                crate::breaking::docs::categories(rule).join(","),
                if rule.is_default() { "yes" } else { "no" }.to_string(),
                rule.summary().to_string(),
            ]
        })
        .collect();
    let header = ["BREAKING RULE", "CATEGORIES", "DEFAULT", "SUMMARY"].map(str::to_string);
    aligned(&header, &rows)
}

/// Rows with every column but the last padded to its widest cell.
fn aligned<const N: usize>(header: &[String; N], rows: &[[String; N]]) -> String {
    let mut widths = [0; N];
    for row in std::iter::once(header).chain(rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(header).chain(rows) {
        for (width, cell) in widths.iter().zip(row).take(N - 1) {
            text.push_str(&format!("{cell:<width$}  "));
        }
        text.push_str(&row[N - 1]);
        text.push('\n');
    }
    text
}

fn json_text(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn rule_json(meta: &RuleMeta) -> Value {
    let options: Vec<Value> = meta
        .options
        .iter()
        .map(|option| {
            let default = match option.default {
                OptionDefault::String(text) => Value::String(text.to_string()),
                OptionDefault::Bool(flag) => Value::Bool(flag),
                OptionDefault::Integer(number) => Value::from(number),
                OptionDefault::List(values) => json!(values),
                OptionDefault::Tables => Value::Array(Vec::new()),
            };
            json!({ "name": option.name, "default": default, "help": option.help })
        })
        .collect();
    json!({
        "id": meta.id,
        "kind": "lint",
        "summary": meta.summary,
        "presets": presets::memberships(meta.id),
        "fixable": meta.fixable,
        "default_severity": meta.default_severity.as_str(),
        "options": options,
    })
}

/// One line per lint rule: ID, default severity, fixable, presets and groups, summary.
fn table(rules: &[&RuleMeta]) -> String {
    let rows: Vec<[String; 5]> = rules
        .iter()
        .map(|meta| {
            [
                meta.id.to_string(),
                meta.default_severity.as_str().to_string(),
                if meta.fixable { "yes" } else { "no" }.to_string(),
                presets::memberships(meta.id).join(","),
                meta.summary.to_string(),
            ]
        })
        .collect();
    let header = ["ID", "SEVERITY", "FIX", "PRESETS/GROUPS", "SUMMARY"].map(str::to_string);
    aligned(&header, &rows)
}

/// The rule ID closest to `word` in edits, when it is close enough to be a typo.
fn closest(word: &str) -> Option<&'static str> {
    let max_distance = (word.chars().count() / 3).max(2);
    all_rules()
        .map(|meta| meta.id)
        .chain(crate::breaking::rules::RULES.iter().map(|rule| rule.id))
        .map(|id| (edit_distance(word, id), id))
        .filter(|(distance, _)| *distance <= max_distance)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, id)| id)
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
