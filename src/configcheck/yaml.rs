//! YAML (and JSON, which YAML 1.2 reads too) into a typed tree whose every node
//! knows where it came from.
//!
//! Built from saphyr-parser's events rather than saphyr's own tree because a
//! config check needs what that tree drops: duplicate keys (Kratos' YAML library
//! rejects them at start-up), YAML merge keys (`<<: *defaults`, which go-yaml
//! applies and saphyr does not) and the style of a scalar (a `|` block whose
//! contents are a ConfigMap's embedded config). Scalars are resolved with the YAML
//! 1.2 core schema, as saphyr resolves them: `8080` is an integer, `"8080"` and
//! `1s` are strings, `true` a boolean, `~` and an empty value null.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use saphyr::{ScalarOwned, ScalarStyle, Tag};
use saphyr_parser::{Event, Marker, Parser, Span};

/// Alias expansion budget (nodes), against "billion laughs" documents.
const ALIAS_NODE_LIMIT: usize = 100_000;

#[derive(Debug, Clone)]
pub struct Node {
    /// Byte range in the file shown to the user (for an embedded document, the
    /// manifest). Collections span their first character only: saphyr's end
    /// markers of block collections point past trailing comments.
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Scalar),
    List(Vec<Node>),
    /// In file order, merge keys applied, no duplicate keys.
    Map(Vec<(Node, Node)>),
}

/// A string scalar and how it was written.
#[derive(Debug, Clone)]
pub struct Scalar {
    pub text: String,
    pub style: ScalarStyle,
}

impl Node {
    /// The text of a scalar used as a mapping key (`8080:` is the key "8080", as
    /// Kratos' decoder turns keys into strings); `None` for a collection.
    pub fn key_text(&self) -> Option<String> {
        Some(match &self.value {
            Value::Null => "null".to_string(),
            Value::Bool(flag) => flag.to_string(),
            Value::Int(number) => number.to_string(),
            Value::Float(number) => number.to_string(),
            Value::Str(scalar) => scalar.text.clone(),
            Value::List(_) | Value::Map(_) => return None,
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(scalar) => Some(&scalar.text),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => {
                entries.iter().find(|(k, _)| k.key_text().as_deref() == Some(key)).map(|(_, value)| value)
            }
            _ => None,
        }
    }
}

/// A problem reading the text, at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: usize,
    pub message: String,
}

/// Maps parser positions to byte offsets of the shown file.
pub trait Locator {
    fn offset(&self, marker: &Marker) -> usize;
}

/// Positions in a file read on its own: saphyr counts characters.
pub struct FileLocator {
    char_to_byte: Vec<usize>,
}

impl FileLocator {
    pub fn new(text: &str) -> FileLocator {
        FileLocator { char_to_byte: text.char_indices().map(|(offset, _)| offset).chain([text.len()]).collect() }
    }
}

impl Locator for FileLocator {
    fn offset(&self, marker: &Marker) -> usize {
        let last = self.char_to_byte.last().copied().unwrap_or(0);
        self.char_to_byte.get(marker.index()).copied().unwrap_or(last)
    }
}

/// Every document of `text` (none for an empty stream).
pub fn parse(text: &str, locator: &dyn Locator) -> Result<Vec<Node>, SyntaxError> {
    let mut builder = Builder { locator, stack: Vec::new(), anchors: HashMap::new(), documents: Vec::new(), budget: 0 };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| SyntaxError {
            at: locator.offset(error.marker()),
            message: format!("invalid YAML: {}", error.info()),
        })?;
        builder.event(event, span)?;
    }
    Ok(builder.documents)
}

enum Frame {
    Document,
    List { start: usize, anchor: usize, items: Vec<Node> },
    Map { start: usize, anchor: usize, entries: Vec<(Node, Node)>, key: Option<Node> },
}

struct Builder<'a> {
    locator: &'a dyn Locator,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    documents: Vec<Node>,
    budget: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), SyntaxError> {
        let start = self.locator.offset(&span.start);
        match event {
            Event::DocumentStart(_) => self.stack.push(Frame::Document),
            Event::DocumentEnd => {
                if let Some(Frame::Document) = self.stack.last() {
                    // A document with no content (`---` alone) is null.
                    self.stack.pop();
                    self.documents.push(Node { span: start..start, value: Value::Null });
                }
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::List { start, anchor, items: Vec::new() }),
            Event::MappingStart(anchor, _) => {
                self.stack.push(Frame::Map { start, anchor, entries: Vec::new(), key: None })
            }
            Event::SequenceEnd => {
                if let Some(Frame::List { start, anchor, items }) = self.stack.pop() {
                    self.finish(Node { span: start..start + 1, value: Value::List(items) }, anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map { start, anchor, entries, .. }) = self.stack.pop() {
                    let entries = merge_keys(entries)?;
                    self.finish(Node { span: start..start + 1, value: Value::Map(entries) }, anchor)?;
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let end = self.locator.offset(&span.end).max(start);
                let value = resolve_scalar(text, style, tag).ok_or_else(|| SyntaxError {
                    at: start,
                    message: "invalid YAML: the scalar does not match its tag".to_string(),
                })?;
                self.finish(Node { span: start..end, value }, anchor)?;
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(SyntaxError { at: start, message: "invalid YAML: unknown anchor".to_string() });
                };
                self.budget += count_nodes(target);
                if self.budget > ALIAS_NODE_LIMIT {
                    return Err(SyntaxError {
                        at: start,
                        message: format!("invalid YAML: aliases expand to more than {ALIAS_NODE_LIMIT} nodes"),
                    });
                }
                let mut node = target.clone();
                let end = self.locator.offset(&span.end).max(start);
                node.span = start..end;
                self.finish(node, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// Hands a complete node to its parent (or ends the document).
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            Some(Frame::List { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(key_node) => {
                    if let Some(text) = key_node.key_text()
                        && !is_merge_key(&key_node)
                        && entries.iter().any(|(k, _)| !is_merge_key(k) && k.key_text().as_deref() == Some(&text))
                    {
                        return Err(SyntaxError {
                            at: key_node.span.start,
                            message: format!("invalid YAML: duplicate key `{text}`"),
                        });
                    }
                    entries.push((key_node, node));
                }
            },
            Some(Frame::Document) => {
                self.stack.pop();
                self.documents.push(node);
            }
            None => self.documents.push(node),
        }
        Ok(())
    }
}

fn is_merge_key(node: &Node) -> bool {
    matches!(&node.value, Value::Str(Scalar { text, style: ScalarStyle::Plain }) if text == "<<")
}

/// Applies YAML merge keys (`<<: *base` or `<<: [*a, *b]`) as go-yaml does: keys
/// written in the mapping win over merged ones, earlier merged mappings over later.
fn merge_keys(entries: Vec<(Node, Node)>) -> Result<Vec<(Node, Node)>, SyntaxError> {
    if !entries.iter().any(|(key, _)| is_merge_key(key)) {
        return Ok(entries);
    }
    let mut own = Vec::new();
    let mut merged = Vec::new();
    for (key, value) in entries {
        if !is_merge_key(&key) {
            own.push((key, value));
            continue;
        }
        let sources = match value.value {
            Value::Map(_) => vec![value],
            Value::List(items) => items,
            _ => {
                return Err(SyntaxError {
                    at: key.span.start,
                    message: "invalid YAML: a merge key (`<<`) takes a mapping or a list of mappings".to_string(),
                });
            }
        };
        for source in sources {
            let Value::Map(source_entries) = source.value else {
                return Err(SyntaxError {
                    at: source.span.start,
                    message: "invalid YAML: a merge key (`<<`) takes a mapping or a list of mappings".to_string(),
                });
            };
            merged.extend(source_entries);
        }
    }
    let mut seen: Vec<String> = own.iter().filter_map(|(key, _)| key.key_text()).collect();
    for (key, value) in merged {
        let text = key.key_text();
        if text.as_ref().is_some_and(|text| seen.contains(text)) {
            continue;
        }
        seen.extend(text);
        own.push((key, value));
    }
    Ok(own)
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::List(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries.iter().map(|(key, value)| count_nodes(key) + count_nodes(value)).sum(),
        _ => 0,
    }
}

fn resolve_scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<Cow<'_, Tag>>) -> Option<Value> {
    let owned = text.to_string();
    Some(match ScalarOwned::parse_from_cow_and_metadata(text, style, tag.as_ref())? {
        ScalarOwned::Null => Value::Null,
        ScalarOwned::Boolean(flag) => Value::Bool(flag),
        ScalarOwned::Integer(number) => Value::Int(number),
        ScalarOwned::FloatingPoint(number) => Value::Float(number.into_inner()),
        ScalarOwned::String(text) => Value::Str(Scalar { text, style }),
    })
    .map(|value| match value {
        // A plain integer too large for i64 is still a number to a JSON decoder.
        Value::Str(Scalar { style: ScalarStyle::Plain, .. }) if looks_like_integer(&owned) => {
            owned.parse::<f64>().map(Value::Float).unwrap_or(value)
        }
        other => other,
    })
}

fn looks_like_integer(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documents(text: &str) -> Vec<Node> {
        parse(text, &FileLocator::new(text)).unwrap()
    }

    #[test]
    fn scalars_resolve_with_the_core_schema_and_keep_byte_spans() {
        let text =
            "# 注释\nserver:\n  port: 8080\n  quoted: \"8080\"\n  timeout: 1s\n  ratio: 0.5\n  on: true\n  none: ~\n";
        let root = documents(text).remove(0);
        let server = root.get("server").unwrap();
        assert!(matches!(server.get("port").unwrap().value, Value::Int(8080)));
        assert_eq!(server.get("quoted").unwrap().as_str(), Some("8080"));
        let timeout = server.get("timeout").unwrap();
        assert_eq!(&text[timeout.span.clone()], "1s");
        assert!(matches!(server.get("ratio").unwrap().value, Value::Float(r) if r == 0.5));
        assert!(matches!(server.get("on").unwrap().value, Value::Bool(true)));
        assert!(matches!(server.get("none").unwrap().value, Value::Null));
        let Value::Map(entries) = &server.value else { panic!() };
        assert_eq!(&text[entries[0].0.span.clone()], "port");
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let text = "base: &base\n  addr: a\n  timeout: 1s\nhttp:\n  <<: *base\n  addr: b\ngrpc: *base\n";
        let root = documents(text).remove(0);
        let http = root.get("http").unwrap();
        assert_eq!(http.get("addr").unwrap().as_str(), Some("b"));
        assert_eq!(http.get("timeout").unwrap().as_str(), Some("1s"));
        let grpc = root.get("grpc").unwrap();
        assert_eq!(&text[grpc.span.clone()], "*base");
        assert_eq!(grpc.get("addr").unwrap().as_str(), Some("a"));
    }

    #[test]
    fn multi_document_streams_and_json() {
        assert_eq!(documents("a: 1\n---\nb: 2\n").len(), 2);
        assert_eq!(documents("").len(), 0);
        let json = "{\"server\": {\"port\": 1, \"addr\": \"x\"}}";
        let root = documents(json).remove(0);
        assert!(matches!(root.get("server").unwrap().get("port").unwrap().value, Value::Int(1)));
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_are_located() {
        let text = "a: 1\nb: 2\na: 3\n";
        let error = parse(text, &FileLocator::new(text)).unwrap_err();
        assert_eq!((error.at, error.message.as_str()), (10, "invalid YAML: duplicate key `a`"));
        let text = "a: [1\n";
        assert!(parse(text, &FileLocator::new(text)).unwrap_err().message.starts_with("invalid YAML"));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        // saphyr-parser's recursion limit keeps the tree (whose checks and drop
        // recurse) shallow.
        let text = "[".repeat(100_000);
        let error = parse(&text, &FileLocator::new(&text)).unwrap_err();
        assert_eq!((error.at, error.message.as_str()), (255, "invalid YAML: recursion limit exceeded"));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
        }
        let error = parse(&text, &FileLocator::new(&text)).unwrap_err();
        assert!(error.message.contains("aliases expand"), "{}", error.message);
    }
}
