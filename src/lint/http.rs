//! What the `HTTP_*` rules share: each method's `google.api.http` bindings, as
//! the API model (`src/api`) resolves them, with where they are written, so a finding can point at the binding's path template or
//! `body` inside the option rather than at the whole option.
//!
//! Source locations stop at the option (`{ get: "..." body: "*" }` is one
//! aggregate value), so the option's text is scanned for its string literals and
//! the key and binding each belongs to.

use std::ops::Range;

use prost_reflect::MethodDescriptor;

use crate::annotations::http::HTTP_EXTENSION_NUMBER;
use crate::api::{Binding, method_bindings};
use crate::compile::CompiledFile;
use crate::lint::rule::child_path;

/// `MethodDescriptorProto.options`.
const METHOD_OPTIONS: i32 = 4;

/// One binding of a method and where its parts are in the file.
#[derive(Debug, Clone)]
pub struct LocatedBinding {
    pub binding: Binding,
    /// The descriptor path of the `google.api.http` option (what ignores attach to).
    pub option_path: Vec<i32>,
    /// The whole option, or the method when the option has no location.
    pub option_range: Range<usize>,
    /// The path template's string literal, quotes included, when found.
    pub path_literal: Option<Range<usize>>,
    /// The `body` string literal, quotes included, when found.
    pub body_literal: Option<Range<usize>>,
    /// The `response_body` string literal, quotes included, when found.
    pub response_body_literal: Option<Range<usize>>,
}

impl LocatedBinding {
    /// Where to report something about the path template.
    pub fn path_range(&self) -> Range<usize> {
        self.path_literal.clone().unwrap_or_else(|| self.option_range.clone())
    }

    /// Where to report something about `body`.
    pub fn body_range(&self) -> Range<usize> {
        self.body_literal.clone().unwrap_or_else(|| self.option_range.clone())
    }

    /// Where to report something about `response_body`.
    pub fn response_body_range(&self) -> Range<usize> {
        self.response_body_literal.clone().unwrap_or_else(|| self.option_range.clone())
    }

    /// The byte range of `offset..offset + len` of the path template in the file,
    /// when the literal holds the template verbatim (no escapes); else the literal.
    pub fn template_range(&self, offset: usize, len: usize) -> Range<usize> {
        match &self.path_literal {
            Some(literal) if literal.len() == self.binding.path.len() + 2 => {
                let start = (literal.start + 1 + offset).min(literal.end - 1);
                start..(start + len.max(1)).min(literal.end)
            }
            _ => self.path_range(),
        }
    }

    /// `GET /v1/...` or `additional_bindings[0] POST /v1/...` for messages.
    pub fn describe(&self) -> String {
        if self.binding.index == 0 {
            format!("{} {}", self.binding.verb, self.binding.path)
        } else {
            format!("{} {} (additional_bindings[{}])", self.binding.verb, self.binding.path, self.binding.index - 1)
        }
    }
}

/// Every binding of `method` (declared in `file`), primary first, located.
pub fn located_bindings(file: &CompiledFile, method: &MethodDescriptor) -> Vec<LocatedBinding> {
    let bindings = method_bindings(method);
    if bindings.is_empty() {
        return Vec::new();
    }
    let option_path = child_path(method.path(), &[METHOD_OPTIONS, HTTP_EXTENSION_NUMBER as i32]);
    let option_range = option_range(file, method.path(), &option_path);
    let text = &file.source.text[option_range.clone()];
    let literals = scan_literals(text);
    bindings
        .into_iter()
        .map(|binding| {
            let path_key = if binding.custom { "path".to_string() } else { binding.verb.to_ascii_lowercase() };
            let find = |key: &str, value: &str| {
                literals
                    .iter()
                    .find(|l| l.binding == binding.index && l.key == key && l.value == value)
                    .map(|l| option_range.start + l.range.start..option_range.start + l.range.end)
            };
            let path_literal = find(&path_key, &binding.path);
            let body_literal = if binding.body.is_empty() { None } else { find("body", &binding.body) };
            let response_body_literal =
                if binding.response_body.is_empty() { None } else { find("response_body", &binding.response_body) };
            LocatedBinding {
                binding,
                option_path: option_path.clone(),
                option_range: option_range.clone(),
                path_literal,
                body_literal,
                response_body_literal,
            }
        })
        .collect()
}

/// The option's span; for `option (google.api.http).get = "..."` statements, which
/// only locate the sub-fields, the span covering them; else the method's span.
fn option_range(file: &CompiledFile, method_path: &[i32], option_path: &[i32]) -> Range<usize> {
    if let Some(location) = file.locations.get(option_path) {
        return location.start as usize..location.end as usize;
    }
    let mut covered: Option<Range<usize>> = None;
    for location in file.locations.iter() {
        if location.path.len() > option_path.len() && location.path.starts_with(option_path) {
            let range = location.start as usize..location.end as usize;
            covered = Some(match covered {
                Some(c) => c.start.min(range.start)..c.end.max(range.end),
                None => range,
            });
        }
    }
    if let Some(range) = covered {
        return range;
    }
    file.locations.get(method_path).map_or(0..0, |l| l.start as usize..l.end as usize)
}

/// A string literal in an option's text.
#[derive(Debug, PartialEq, Eq)]
struct Literal {
    /// The binding it belongs to: 0 outside `additional_bindings`, `n` in the n-th.
    binding: usize,
    /// The field name written before it (`get`, `body`, `path`, ...).
    key: String,
    /// Its value with simple escapes undone.
    value: String,
    /// Byte range in the option text, quotes included.
    range: Range<usize>,
}

/// The string literals of an option's text with their keys and bindings. Nested
/// `additional_bindings` blocks are counted in order; a `custom { kind path }`
/// block stays in its binding.
fn scan_literals(text: &str) -> Vec<Literal> {
    let bytes = text.as_bytes();
    let mut literals = Vec::new();
    let mut additional_seen = 0;
    // Stack of binding indexes, one per open brace.
    let mut stack: Vec<usize> = Vec::new();
    let mut pending_additional = false;
    let mut last_ident = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' => {
                let start = i;
                let mut value = String::new();
                i += 1;
                while i < bytes.len() && bytes[i] != c {
                    if bytes[i] == b'\\' && i + 1 < bytes.len() {
                        value.push(bytes[i + 1] as char);
                        i += 2;
                        continue;
                    }
                    let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
                    value.push(ch);
                    i += ch.len_utf8();
                }
                i = (i + 1).min(bytes.len());
                let binding = stack.last().copied().unwrap_or(0);
                literals.push(Literal { binding, key: last_ident.clone(), value, range: start..i });
                continue;
            }
            b'{' | b'<' => {
                let binding = if pending_additional {
                    additional_seen += 1;
                    additional_seen
                } else {
                    stack.last().copied().unwrap_or(0)
                };
                pending_additional = false;
                stack.push(binding);
            }
            b'}' | b'>' => {
                stack.pop();
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                last_ident = text[start..i].to_string();
                pending_additional = last_ident == "additional_bindings";
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    literals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_know_their_binding_and_key() {
        let text = r#"{
      get: "/v1/{name=a/*}"
      additional_bindings { post: "/v1/{name=a/*}:get" body: "*" }
      additional_bindings: { custom { kind: "HEAD" path: "/v1/{name=a/*}" } }
    }"#;
        let keys: Vec<(usize, String, String)> =
            scan_literals(text).iter().map(|l| (l.binding, l.key.clone(), text[l.range.clone()].to_string())).collect();
        assert_eq!(
            keys,
            [
                (0, "get".into(), "\"/v1/{name=a/*}\"".into()),
                (1, "post".into(), "\"/v1/{name=a/*}:get\"".into()),
                (1, "body".into(), "\"*\"".into()),
                (2, "kind".into(), "\"HEAD\"".into()),
                (2, "path".into(), "\"/v1/{name=a/*}\"".into()),
            ]
        );
    }
}
