//! The configuration reference: `docs/configuration.md` and `docs/idl.schema.json`
//! are generated from the `idl.toml` schema (the serde structs of `config` and
//! their `///` comments, through schemars), so the reference cannot drift from
//! what idl accepts; a test fails when the files are stale (`IDL_BLESS=1` rewrites
//! them).

use std::fmt::Write;

use serde_json::{Map, Value};

use crate::config::Config;

/// The JSON Schema of `idl.toml`, for editors (taplo / Even Better TOML) and for
/// the Markdown reference. TOML has no null: optional keys are simply absent.
pub fn json_schema() -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Config)).unwrap_or(Value::Null);
    drop_nulls(&mut schema);
    schema
}

fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.get("default") == Some(&Value::Null) {
                object.remove("default");
            }
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|kind| kind != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    object.insert("type".into(), only);
                }
            }
            // `anyOf: [X, {type: null}]` (an optional enum) is just X.
            if let Some(Value::Array(choices)) = object.get_mut("anyOf") {
                choices.retain(|choice| choice.get("type") != Some(&Value::String("null".into())));
                if choices.len() == 1 {
                    let only = choices.remove(0);
                    object.remove("anyOf");
                    if let Value::Object(inner) = only {
                        object.extend(inner);
                    }
                }
            }
            object.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// docs/configuration.md.
pub fn reference_markdown() -> String {
    let schema = json_schema();
    let defs = schema.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut page = String::from(
        "# Configuration reference: `idl.toml`\n\n\
         Generated from the schema in `src/config.rs` (`IDL_BLESS=1 cargo test` rewrites it); do not edit.\n\
         The same schema as JSON Schema: [idl.schema.json](idl.schema.json); editors with a TOML language\n\
         server (taplo, Even Better TOML) complete and check `idl.toml` with it, e.g. with a first line\n\
         `#:schema ./docs/idl.schema.json` or a taplo `[[rule]]`.\n\n\
         idl uses the `idl.toml` nearest to the first PATH argument, else the one in the working\n\
         directory or above (or `--config FILE`). Without one, a `buf.work.yaml` or `buf.yaml` found\n\
         the same way is converted and used (see [migrating.md](migrating.md)); without any, the\n\
         working directory is the only root and the defaults below apply. Paths are relative to the\n\
         config's directory. Unknown keys and wrong types are errors reported at `idl.toml:line:column`.\n",
    );
    let properties = schema.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
    let (tables, keys): (Vec<_>, Vec<_>) =
        properties.iter().partition(|(_, property)| resolve(property, &defs).get("type") == Some(&"object".into()));
    page.push_str("\n## Top-level keys\n\n");
    if let Some(description) = schema.get("description").and_then(Value::as_str) {
        let _ = writeln!(page, "{}\n", one_line(description));
    }
    key_table(&mut page, keys.into_iter(), &defs);
    // The tables in the order a config usually has them.
    let order = ["lint", "breaking", "format", "docs", "errors"];
    let mut tables: Vec<_> = tables.into_iter().collect();
    tables.sort_by_key(|(name, _)| order.iter().position(|known| known == name).unwrap_or(order.len()));
    for (name, property) in tables {
        table_section(&mut page, name, property, &defs);
    }
    page
}

/// A `## [name]` section: its description and a table of its keys; map-valued
/// keys whose values are tables get their own `[name.key.<KEY>]` section.
fn table_section(page: &mut String, name: &str, property: &Value, defs: &Map<String, Value>) {
    let target = resolve(property, defs);
    let _ = writeln!(page, "\n## `[{name}]`\n");
    let description = property.get("description").or_else(|| target.get("description"));
    if let Some(description) = description.and_then(Value::as_str) {
        let _ = writeln!(page, "{}\n", one_line(description));
    }
    let Some(keys) = target.get("properties").and_then(Value::as_object) else {
        if target.get("additionalProperties") == Some(&Value::Bool(false)) {
            page.push_str("No keys yet.\n");
            return;
        }
        page.push_str("Free-form for now: its keys are checked by the command that reads them.\n");
        return;
    };
    let mut nested = Vec::new();
    for (key, value) in keys {
        let values = value.get("additionalProperties").map(|inner| resolve(inner, defs));
        if let Some(inner) = values.filter(|inner| inner.get("properties").is_some()) {
            nested.push((key.clone(), value.clone(), inner.clone()));
        }
    }
    // Arrays of tables (`[[mock.responses]]`) get their own section too.
    let mut arrays = Vec::new();
    for (key, value) in keys {
        let items = value.get("items").map(|inner| resolve(inner, defs));
        if let Some(inner) = items.filter(|inner| inner.get("properties").is_some()) {
            arrays.push((key.clone(), inner.clone()));
        }
    }
    key_table(page, keys.iter().filter(|(key, _)| !nested.iter().any(|(n, _, _)| n == *key)), defs);
    for (key, inner) in arrays {
        let _ = writeln!(page, "\n### `[[{name}.{key}]]`\n");
        if let Some(description) = inner.get("description").and_then(Value::as_str) {
            let _ = writeln!(page, "{}\n", one_line(description));
        }
        if let Some(keys) = inner.get("properties").and_then(Value::as_object) {
            key_table(page, keys.iter(), defs);
        }
    }
    for (key, value, inner) in nested {
        let _ = writeln!(page, "\n### `[{name}.{key}.<ID>]`\n");
        if let Some(description) = value.get("description").and_then(Value::as_str) {
            let _ = writeln!(page, "{}\n", one_line(description));
        }
        if let Some(description) = inner.get("description").and_then(Value::as_str) {
            let _ = writeln!(page, "{}\n", one_line(description));
        }
        if let Some(keys) = inner.get("properties").and_then(Value::as_object) {
            key_table(page, keys.iter(), defs);
        }
        if inner.get("additionalProperties") != Some(&Value::Bool(false)) {
            page.push_str("\nAny other key is an option of the rule, checked against the rule's declared options.\n");
        }
    }
}

fn key_table<'a>(page: &mut String, keys: impl Iterator<Item = (&'a String, &'a Value)>, defs: &Map<String, Value>) {
    page.push_str("| key | type | default | meaning |\n|---|---|---|---|\n");
    for (key, value) in keys {
        let description = value.get("description").and_then(Value::as_str).map(one_line).unwrap_or_default();
        let default = value.get("default").map(|d| format!("`{}`", toml_value(d))).unwrap_or_default();
        let _ = writeln!(
            page,
            "| `{key}` | {} | {default} | {} |",
            type_name(value, defs),
            description.replace('|', "\\|")
        );
    }
}

/// The schema a `$ref` points at (or the value itself).
fn resolve<'a>(value: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/$defs/"))
        .and_then(|name| defs.get(name))
        .unwrap_or(value)
}

fn type_name(value: &Value, defs: &Map<String, Value>) -> String {
    let value = resolve(value, defs);
    if let Some(choices) = value.get("enum").and_then(Value::as_array) {
        let choices: Vec<String> = choices.iter().map(|choice| format!("`{}`", toml_value(choice))).collect();
        return format!("one of {}", choices.join(", "));
    }
    match value.get("type").and_then(Value::as_str) {
        Some("array") => match value.get("items") {
            Some(items) => format!("list of {}s", type_name(items, defs)),
            None => "list".to_string(),
        },
        Some("object") => match value.get("additionalProperties") {
            Some(Value::Bool(true)) | None => "table".to_string(),
            Some(Value::Bool(false)) => "table".to_string(),
            Some(values) => format!("table (key → {})", type_name(values, defs)),
        },
        Some("integer") => match (value.get("minimum"), value.get("maximum")) {
            (Some(min), Some(max)) => format!("integer, {min} to {max}"),
            _ => "integer".to_string(),
        },
        Some(kind) => kind.to_string(),
        None => "any".to_string(),
    }
}

fn toml_value(value: &Value) -> String {
    match value {
        Value::String(text) => format!("\"{text}\""),
        Value::Array(items) => format!("[{}]", items.iter().map(toml_value).collect::<Vec<_>>().join(", ")),
        Value::Object(entries) if entries.is_empty() => "{}".to_string(),
        other => other.to_string(),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/configuration.md and docs/idl.schema.json are what the schema generates.
    #[test]
    fn generated_reference_is_current() {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        let schema = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
        let files = [("configuration.md", reference_markdown()), ("idl.schema.json", schema)];
        let bless = std::env::var_os("IDL_BLESS").is_some();
        for (name, generated) in files {
            let path = docs.join(name);
            if bless {
                std::fs::write(&path, &generated).unwrap();
                continue;
            }
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(on_disk == generated, "docs/{name} is stale (run IDL_BLESS=1 cargo test --lib config_reference)");
        }
    }

    #[test]
    fn the_schema_accepts_what_idl_accepts_and_nothing_else() {
        let schema = json_schema();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let valid = "roots = [\"proto\"]\n[lint]\npreset = \"minimal\"\nignore_only = { COMMENTS = [\"a\"] }\n\
                     [lint.rules.SERVICE_SUFFIX]\nseverity = \"warn\"\nsuffix = \"API\"\n\
                     [format]\nindent_width = 4\n[errors]\nprofile = \"ego\"\nbusiness_code = \"scheme\"\nzero_value = \"error\"\n\
                     [errors.code_scheme]\nproject = 101\nservices = { \"a.v1\" = 1 }\nerror_range = [0, 999]\n";
        let document: toml::Value = toml::from_str(valid).unwrap();
        let instance = serde_json::to_value(&document).unwrap();
        assert!(validator.is_valid(&instance), "{:?}", validator.iter_errors(&instance).next());
        crate::config::Config::parse(&crate::source::SourceFile::new("idl.toml", "idl.toml", valid.into())).unwrap();
        for invalid in ["rots = []", "[lint]\npreset = 3", "[format]\nindent_width = 9", "[errors]\nprofile = \"x\""] {
            let instance = serde_json::to_value(toml::from_str::<toml::Value>(invalid).unwrap()).unwrap();
            assert!(!validator.is_valid(&instance), "{invalid}");
        }
    }

    /// The `[errors]` and `[format]` schemas describe exactly the keys their readers accept.
    #[test]
    fn section_schemas_name_the_keys_their_readers_accept() {
        let schema = json_schema();
        let keys = |def: &str| -> Vec<String> {
            let mut keys: Vec<String> =
                schema["$defs"][def]["properties"].as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        let mut errors_keys: Vec<String> = crate::errors::config::KEYS.iter().map(|key| key.to_string()).collect();
        errors_keys.sort();
        assert_eq!(keys("ErrorsSection"), errors_keys);
        let mut scheme_keys: Vec<String> =
            crate::errors::config::SCHEME_KEYS.iter().map(|key| key.to_string()).collect();
        scheme_keys.sort();
        assert_eq!(keys("CodeSchemeSection"), scheme_keys);
        // The formatter names the keys it knows when given one it does not.
        let mut table = toml::Table::new();
        table.insert("no_such_key".into(), toml::Value::Integer(4));
        let error = crate::cli::format_options_from_config(&table).unwrap_err();
        let known = error.message.split("(known: ").nth(1).unwrap().trim_end_matches(')');
        let mut known: Vec<&str> = known.split(", ").collect();
        known.sort();
        assert_eq!(keys("FormatSection"), known);
    }
}
