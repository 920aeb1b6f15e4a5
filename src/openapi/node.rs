//! The document as an ordered tree: OpenAPI readers do not care about key order,
//! people reading a diff do, so keys stay in the order the renderer inserts them
//! (gnostic's order). Written as YAML through saphyr's emitter or as JSON through
//! serde_json.

use std::borrow::Cow;

use saphyr::{Mapping, Scalar, Yaml, YamlEmitter};
use serde::ser::{SerializeMap, SerializeSeq};

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn map() -> Node {
        Node::Map(Vec::new())
    }

    pub fn str(text: impl Into<String>) -> Node {
        Node::Str(text.into())
    }

    /// Sets `key` (replacing an existing value in place, else appending).
    pub fn set(&mut self, key: &str, value: Node) {
        if let Node::Map(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key.to_string(), value)),
            }
        }
    }

    /// `set` for a builder chain.
    pub fn with(mut self, key: &str, value: Node) -> Node {
        self.set(key, value);
        self
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match self {
            Node::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        match self {
            Node::Map(entries) => {
                let at = entries.iter().position(|(k, _)| k == key)?;
                Some(entries.remove(at).1)
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Merges `other` into `self` as protobuf's `proto.Merge` does for the
    /// OpenAPI messages gnostic annotations carry: scalars replace, lists append,
    /// maps merge key by key.
    pub fn merge(&mut self, other: Node) {
        match (self, other) {
            (Node::Map(mine), Node::Map(theirs)) => {
                for (key, value) in theirs {
                    match mine.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, existing)) => existing.merge(value),
                        None => mine.push((key, value)),
                    }
                }
            }
            (Node::Seq(mine), Node::Seq(theirs)) => mine.extend(theirs),
            (slot, value) => *slot = value,
        }
    }

    fn to_yaml(&self) -> Yaml<'_> {
        match self {
            Node::Null => Yaml::Value(Scalar::Null),
            Node::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
            Node::Int(n) => Yaml::Value(Scalar::Integer(*n)),
            Node::Float(f) => Yaml::Value(Scalar::FloatingPoint((*f).into())),
            Node::Str(s) => Yaml::Value(Scalar::String(Cow::Borrowed(s))),
            Node::Seq(items) => Yaml::Sequence(items.iter().map(Node::to_yaml).collect()),
            Node::Map(entries) => {
                let mut mapping = Mapping::new();
                for (key, value) in entries {
                    mapping.insert(Yaml::Value(Scalar::String(Cow::Borrowed(key))), value.to_yaml());
                }
                Yaml::Mapping(mapping)
            }
        }
    }

    /// YAML, block style, multi-line strings as literal blocks, after `header`
    /// (comment lines).
    pub fn to_yaml_string(&self, header: &str) -> String {
        let mut out = String::new();
        let yaml = self.to_yaml();
        let mut emitter = YamlEmitter::new(&mut out);
        emitter.multiline(true);
        // Writing into a String cannot fail.
        let _ = emitter.dump(&yaml);
        let body = out.strip_prefix("---\n").unwrap_or(&out);
        let mut text = String::new();
        for line in header.lines() {
            text.push_str("# ");
            text.push_str(line);
            text.push('\n');
        }
        if !header.is_empty() {
            text.push('\n');
        }
        text.push_str(body);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text
    }

    pub fn to_json_string(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

impl serde::Serialize for Node {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Int(n) => serializer.serialize_i64(*n),
            Node::Float(f) => serializer.serialize_f64(*f),
            Node::Str(s) => serializer.serialize_str(s),
            Node::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// A YAML text (an `openapi.v3` `Any`'s `yaml`, a parsed document) as a node.
pub fn from_yaml_text(text: &str) -> Option<Node> {
    use saphyr::LoadableYamlNode;
    let docs = Yaml::load_from_str(text).ok()?;
    Some(docs.first().map_or(Node::Null, from_yaml))
}

fn from_yaml(yaml: &Yaml) -> Node {
    match yaml {
        Yaml::Value(Scalar::Null) => Node::Null,
        Yaml::Value(Scalar::Boolean(b)) => Node::Bool(*b),
        Yaml::Value(Scalar::Integer(n)) => Node::Int(*n),
        Yaml::Value(Scalar::FloatingPoint(f)) => Node::Float(f.into_inner()),
        Yaml::Value(Scalar::String(s)) => Node::Str(s.to_string()),
        Yaml::Representation(text, _, _) => Node::Str(text.to_string()),
        Yaml::Sequence(items) => Node::Seq(items.iter().map(from_yaml).collect()),
        Yaml::Mapping(mapping) => Node::Map(
            mapping
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Yaml::Value(Scalar::String(s)) => s.to_string(),
                        Yaml::Value(Scalar::Integer(n)) => n.to_string(),
                        Yaml::Value(Scalar::Boolean(b)) => b.to_string(),
                        other => format!("{other:?}"),
                    };
                    (key, from_yaml(v))
                })
                .collect(),
        ),
        _ => Node::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_yaml_in_order() {
        let doc = Node::map()
            .with("openapi", Node::str("3.0.3"))
            .with("info", Node::map().with("title", Node::str("A: b")).with("description", Node::str("one\n two")))
            .with("paths", Node::map().with("/v1/{name}", Node::map()))
            .with("n", Node::Int(200))
            .with("200", Node::str("200"));
        let text = doc.to_yaml_string("Generated");
        assert!(text.starts_with("# Generated\n\nopenapi: 3.0.3\n"), "{text}");
        assert_eq!(from_yaml_text(&text), Some(doc));
    }
}
