//! A small owned YAML tree with byte spans, read with saphyr.
//!
//! The migration code only needs mappings, sequences and scalars, each with the
//! place it came from (so a setting that cannot be carried over is named at
//! `buf.yaml:line:column`). saphyr gives character-indexed markers; they are turned
//! into byte offsets of the [`SourceFile`] here once.

use std::ops::Range;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use crate::config::CONFIG_RULE;
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

#[derive(Debug, Clone)]
pub struct Node {
    /// Byte range in the file's text (the start of the node; saphyr's end markers of
    /// block collections are not reliable, so collections span their first character).
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    /// Integers, floats and strings, as written (`version: v1` and `max: 80` alike).
    Scalar(String),
    List(Vec<Node>),
    /// In file order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    /// The entries of a mapping (none for anything else).
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries().iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, value)| value)
    }

    /// The key node of `key` in a mapping (for locating messages about the key).
    pub fn key(&self, key: &str) -> Option<&Node> {
        self.entries().iter().find(|(k, _)| k.as_str() == Some(key)).map(|(k, _)| k)
    }

    /// A list of strings, or a message saying what was there instead.
    pub fn strings(&self) -> Result<Vec<(String, Range<usize>)>, String> {
        match &self.value {
            Value::Null => Ok(Vec::new()),
            Value::List(items) => items
                .iter()
                .map(|item| item.as_str().map(|text| (text.to_string(), item.span.clone())))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| "expected a list of strings".to_string()),
            Value::Scalar(text) => Ok(vec![(text.clone(), self.span.clone())]),
            _ => Err("expected a list of strings".to_string()),
        }
    }
}

/// Parses `file` (one YAML document; an empty file is an empty mapping).
pub fn parse(file: &SourceFile) -> Result<Node, Vec<Diagnostic>> {
    let byte_offsets: Vec<usize> =
        file.text.char_indices().map(|(offset, _)| offset).chain([file.text.len()]).collect();
    let to_byte = |char_index: usize| byte_offsets.get(char_index).copied().unwrap_or(file.text.len());
    let documents = MarkedYaml::load_from_str(&file.text).map_err(|error| {
        let at = to_byte(error.marker().index());
        vec![Diagnostic::error(CONFIG_RULE, format!("invalid YAML: {}", error.info())).with_span(file, at, at)]
    })?;
    match documents.into_iter().next() {
        None => Ok(Node { span: 0..0, value: Value::Map(Vec::new()) }),
        Some(document) => Ok(convert(&document, &to_byte)),
    }
}

fn convert(node: &MarkedYaml<'_>, to_byte: &dyn Fn(usize) -> usize) -> Node {
    let start = to_byte(node.span.start.index());
    let end = to_byte(node.span.end.index()).max(start);
    let scalar_span = start..end;
    let value = match &node.data {
        YamlData::Value(Scalar::Null) => Value::Null,
        YamlData::Value(Scalar::Boolean(flag)) => Value::Bool(*flag),
        YamlData::Value(Scalar::Integer(number)) => Value::Scalar(number.to_string()),
        YamlData::Value(Scalar::FloatingPoint(number)) => Value::Scalar(number.to_string()),
        YamlData::Value(Scalar::String(text)) => Value::Scalar(text.to_string()),
        YamlData::Representation(text, _, _) => Value::Scalar(text.to_string()),
        YamlData::Sequence(items) => Value::List(items.iter().map(|item| convert(item, to_byte)).collect()),
        YamlData::Mapping(entries) => {
            Value::Map(entries.iter().map(|(key, value)| (convert(key, to_byte), convert(value, to_byte))).collect())
        }
        YamlData::Tagged(_, inner) => return convert(inner, to_byte),
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    // A collection is located at its first character (a whole mapping would
    // underline the rest of the file); its end is that character's end, which
    // is not `start + 1` when the character is wider than a byte.
    let span = match value {
        Value::List(_) | Value::Map(_) => start..to_byte(node.span.start.index() + 1),
        _ => scalar_span,
    };
    Node { span, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("buf.yaml", "buf.yaml", text.into())
    }

    #[test]
    fn a_mapping_that_starts_with_a_wide_character_is_located_on_that_character() {
        let text = "é: 1\n";
        let root = parse(&file(text)).unwrap();
        assert_eq!(&text[root.span.clone()], "é");
        let text = "[ü]";
        let root = parse(&file(text)).unwrap();
        assert_eq!(&text[root.span.clone()], "[");
    }

    #[test]
    fn keeps_structure_and_byte_spans() {
        let text = "version: v2\n# 注释\nlint:\n  use: [STANDARD]\n  except:\n    - ENUM_VALUE_PREFIX\n  allow: true\n";
        let source = file(text);
        let root = parse(&source).unwrap();
        assert_eq!(root.get("version").and_then(Node::as_str), Some("v2"));
        let lint = root.get("lint").unwrap();
        let except = lint.get("except").unwrap().strings().unwrap();
        assert_eq!(except[0].0, "ENUM_VALUE_PREFIX");
        assert_eq!(&text[except[0].1.clone()], "ENUM_VALUE_PREFIX");
        assert_eq!(lint.get("allow").and_then(Node::as_bool), Some(true));
        let key = lint.key("use").unwrap();
        assert_eq!(&text[key.span.clone()], "use");
    }

    #[test]
    fn aliases_read_as_the_anchored_value() {
        // buf.yaml files share rule lists through anchors; an alias must carry
        // the list over, not read as nothing.
        let text =
            "lint:\n  except: &shared [ENUM_VALUE_PREFIX, FIELD_LOWER_SNAKE_CASE]\nbreaking:\n  except: *shared\n";
        let root = parse(&file(text)).unwrap();
        let names = |section: &str| -> Vec<String> {
            root.get(section).unwrap().get("except").unwrap().strings().unwrap().into_iter().map(|(n, _)| n).collect()
        };
        assert_eq!(names("lint"), ["ENUM_VALUE_PREFIX", "FIELD_LOWER_SNAKE_CASE"]);
        assert_eq!(names("breaking"), names("lint"));
    }

    #[test]
    fn an_alias_of_an_unknown_anchor_is_an_error_not_a_null() {
        let source = file("lint:\n  except: *nowhere\n");
        let result = parse(&source);
        assert!(result.is_err(), "{:?}", result.map(|root| root.value));
    }

    #[test]
    fn syntax_errors_have_a_location() {
        let source = file("lint:\n  use: [A\n");
        let error = parse(&source).unwrap_err().remove(0);
        assert!(error.message.starts_with("invalid YAML"), "{}", error.message);
        assert!(error.span.is_some());
    }
}
