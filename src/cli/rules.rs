//! `idl rules [ID]`: list every lint rule, or print one rule's documentation.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::args::{RulesArgs, RulesFormat};
use super::{EXIT_ERROR, write_stdout};
use crate::lint::rule::{OptionDefault, RuleMeta};
use crate::lint::{all_rules, docs, presets, rules};

pub(super) fn run(args: &RulesArgs) -> i32 {
    let Some(id) = &args.id else {
        let output = match args.format {
            RulesFormat::Text => table(),
            RulesFormat::Json => json_text(&Value::Array(all_rules().map(rule_json).collect())),
        };
        return write_stdout(output.as_bytes());
    };
    // `enum_pascal_case` and `enum-pascal-case` find ENUM_PASCAL_CASE too.
    let normalized = id.trim().to_ascii_uppercase().replace('-', "_");
    let Some(rule) = rules::find(&normalized) else {
        let mut message = format!("idl rules: unknown rule `{id}`");
        if let Some(suggestion) = closest(&normalized) {
            message.push_str(&format!("; did you mean `{suggestion}`?"));
        }
        let _ = writeln!(io::stderr(), "{message}\n(`idl rules` lists every rule)");
        return EXIT_ERROR;
    };
    let meta = rule.meta();
    let output = match args.format {
        RulesFormat::Text => docs::rule_markdown(meta),
        RulesFormat::Json => {
            let mut value = rule_json(meta);
            value["doc"] = Value::String(docs::rule_markdown(meta));
            json_text(&value)
        }
    };
    write_stdout(output.as_bytes())
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
        "summary": meta.summary,
        "presets": presets::memberships(meta.id),
        "fixable": meta.fixable,
        "default_severity": meta.default_severity.as_str(),
        "options": options,
    })
}

/// One line per rule: ID, default severity, fixable, presets and groups, summary.
fn table() -> String {
    let rows: Vec<[String; 5]> = all_rules()
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
    let mut widths = [0; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter().zip(row) {
            text.push_str(&format!("{cell:<width$}  "));
        }
        text.push_str(&row[4]);
        text.push('\n');
    }
    text
}

/// The rule ID closest to `word` in edits, when it is close enough to be a typo.
fn closest(word: &str) -> Option<&'static str> {
    let max_distance = (word.chars().count() / 3).max(2);
    all_rules()
        .map(|meta| (edit_distance(word, meta.id), meta.id))
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
