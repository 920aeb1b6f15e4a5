//! `google.api.http` (MethodOptions extension 72295728): a method's HTTP bindings
//! and the path template grammar of `google/api/http.proto`:
//!
//! ```text
//! Template = "/" Segments [ Verb ] ;
//! Segments = Segment { "/" Segment } ;
//! Segment  = "*" | "**" | LITERAL | Variable ;
//! Variable = "{" FieldPath [ "=" Segments ] "}" ;
//! FieldPath = IDENT { "." IDENT } ;
//! Verb     = ":" LITERAL ;
//! ```

use std::fmt;

use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, MethodDescriptor, Value};

/// Full name of the extension.
pub const HTTP_EXTENSION: &str = "google.api.http";
/// Its field number in `google.protobuf.MethodOptions`.
pub const HTTP_EXTENSION_NUMBER: u32 = 72295728;

/// One HTTP binding of a method: the primary rule or one of its
/// `additional_bindings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBinding {
    /// `GET`, `PUT`, `POST`, `DELETE`, `PATCH`, or a custom verb as written.
    pub verb: String,
    /// Whether the verb came from `custom { kind: ... }`.
    pub custom: bool,
    /// The path template as written.
    pub path: String,
    /// `body`: empty when unset, `*` for the whole request, else a field name.
    pub body: String,
    /// `response_body`: empty when unset.
    pub response_body: String,
    /// 0 for the primary rule, `n` for `additional_bindings[n - 1]`.
    pub index: usize,
}

impl HttpBinding {
    /// The parsed path template.
    pub fn template(&self) -> Result<PathTemplate, TemplateError> {
        PathTemplate::parse(&self.path)
    }
}

/// Every HTTP binding of `method`, primary first; empty when it has none.
pub fn http_bindings(method: &MethodDescriptor) -> Vec<HttpBinding> {
    let options = method.options();
    let Some(Value::Message(rule)) = super::extension_value(&options, HTTP_EXTENSION, HTTP_EXTENSION_NUMBER) else {
        return Vec::new();
    };
    let mut bindings = Vec::new();
    if let Some(binding) = binding_of(rule, 0) {
        bindings.push(binding);
    }
    if let Some(Value::List(additional)) = rule.get_field_by_name("additional_bindings").as_deref() {
        for (n, value) in additional.iter().enumerate() {
            // Nested additional_bindings are not allowed by the API; their own
            // `additional_bindings` are ignored, as gRPC transcoders do.
            if let Value::Message(nested) = value
                && let Some(binding) = binding_of(nested, n + 1)
            {
                bindings.push(binding);
            }
        }
    }
    bindings
}

fn string_field(message: &DynamicMessage, name: &str) -> Option<String> {
    if !message.has_field_by_name(name) {
        return None;
    }
    message.get_field_by_name(name).and_then(|v| v.as_str().map(str::to_string))
}

fn binding_of(rule: &DynamicMessage, index: usize) -> Option<HttpBinding> {
    let body = string_field(rule, "body").unwrap_or_default();
    let response_body = string_field(rule, "response_body").unwrap_or_default();
    let make = |verb: String, custom: bool, path: String| HttpBinding {
        verb,
        custom,
        path,
        body: body.clone(),
        response_body: response_body.clone(),
        index,
    };
    for verb in ["get", "put", "post", "delete", "patch"] {
        if let Some(path) = string_field(rule, verb) {
            return Some(make(verb.to_ascii_uppercase(), false, path));
        }
    }
    if rule.has_field_by_name("custom")
        && let Some(Value::Message(custom)) = rule.get_field_by_name("custom").as_deref()
    {
        let kind = string_field(custom, "kind").unwrap_or_default();
        let path = string_field(custom, "path").unwrap_or_default();
        return Some(make(kind, true, path));
    }
    None
}

/// A parsed path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    pub segments: Vec<Segment>,
    /// The `:verb` suffix, without the colon.
    pub verb: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// `*`: one path segment.
    Wildcard,
    /// `**`: any number of segments, only last.
    DoubleWildcard,
    Variable(Variable),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// `a.b.c` as `["a", "b", "c"]`.
    pub field_path: Vec<String>,
    /// The segments the variable matches; `{x}` means `{x=*}`.
    pub segments: Vec<Segment>,
    /// Byte offsets of the variable (`{` to `}` inclusive) in the template.
    pub start: usize,
    pub end: usize,
}

impl Variable {
    /// `a.b.c`.
    pub fn field_path_str(&self) -> String {
        self.field_path.join(".")
    }
}

/// Why a template does not parse, at a byte offset of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl PathTemplate {
    pub fn parse(text: &str) -> Result<PathTemplate, TemplateError> {
        let mut parser = TemplateParser { text, pos: 0 };
        parser.expect('/')?;
        let segments = parser.segments(false)?;
        let verb = if parser.eat(':') {
            let verb = parser.literal();
            if verb.is_empty() {
                return Err(parser.error("expected a verb after `:`"));
            }
            Some(verb.to_string())
        } else {
            None
        };
        if parser.pos < text.len() {
            return Err(parser.error(&format!("unexpected {:?}", parser.peek().unwrap_or(' '))));
        }
        Ok(PathTemplate { segments, verb })
    }

    /// Every variable, in order of appearance.
    pub fn variables(&self) -> Vec<&Variable> {
        self.segments
            .iter()
            .filter_map(|s| match s {
                Segment::Variable(v) => Some(v),
                _ => None,
            })
            .collect()
    }

    /// The route with variables replaced by what they match, so two templates
    /// that accept the same URLs compare equal: `/v1/{name=shelves/*}` and
    /// `/v1/{parent=shelves/*}` both give `/v1/shelves/*`; `{id}` gives `*`.
    pub fn route(&self) -> String {
        let mut out = String::new();
        write_segments(&mut out, &self.segments, true);
        if let Some(verb) = &self.verb {
            out.push(':');
            out.push_str(verb);
        }
        out
    }

    /// Whether a `**` comes before the last segment. The grammar forbids it, but
    /// googleapis uses it (`/v1/{parent=**}/botSessions`) and ESP accepts it, so
    /// the parser does too and leaves the judgement to lint.
    pub fn has_inner_double_wildcard(&self) -> bool {
        let mut flat = Vec::new();
        flatten(&self.segments, &mut flat);
        flat.iter().position(|s| matches!(s, Segment::DoubleWildcard)).is_some_and(|p| p + 1 != flat.len())
    }
}

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_segments(&mut out, &self.segments, false);
        if let Some(verb) = &self.verb {
            out.push(':');
            out.push_str(verb);
        }
        f.write_str(&out)
    }
}

fn flatten<'a>(segments: &'a [Segment], out: &mut Vec<&'a Segment>) {
    for segment in segments {
        match segment {
            Segment::Variable(v) => flatten(&v.segments, out),
            other => out.push(other),
        }
    }
}

fn write_segments(out: &mut String, segments: &[Segment], expand_variables: bool) {
    for segment in segments {
        match segment {
            Segment::Variable(v) if expand_variables => write_segments(out, &v.segments, true),
            _ => out.push('/'),
        }
        match segment {
            Segment::Literal(text) => out.push_str(text),
            Segment::Wildcard => out.push('*'),
            Segment::DoubleWildcard => out.push_str("**"),
            Segment::Variable(_) if expand_variables => {}
            Segment::Variable(v) => {
                out.push('{');
                out.push_str(&v.field_path_str());
                if v.segments != [Segment::Wildcard] {
                    out.push('=');
                    let mut inner = String::new();
                    write_segments(&mut inner, &v.segments, false);
                    out.push_str(&inner[1..]);
                }
                out.push('}');
            }
        }
    }
}

struct TemplateParser<'a> {
    text: &'a str,
    pos: usize,
}

impl TemplateParser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), TemplateError> {
        if self.eat(c) { Ok(()) } else { Err(self.error(&format!("expected `{c}`"))) }
    }

    fn error(&self, message: &str) -> TemplateError {
        TemplateError { offset: self.pos, message: message.to_string() }
    }

    /// Characters up to the next `/`, `{`, `}`, `:`, `=` or `*`.
    fn literal(&mut self) -> &str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if matches!(c, '/' | '{' | '}' | ':' | '=' | '*') {
                break;
            }
            self.pos += c.len_utf8();
        }
        &self.text[start..self.pos]
    }

    fn segments(&mut self, in_variable: bool) -> Result<Vec<Segment>, TemplateError> {
        let mut segments = vec![self.segment(in_variable)?];
        while self.eat('/') {
            segments.push(self.segment(in_variable)?);
        }
        Ok(segments)
    }

    fn segment(&mut self, in_variable: bool) -> Result<Segment, TemplateError> {
        if self.eat('*') {
            return Ok(if self.eat('*') { Segment::DoubleWildcard } else { Segment::Wildcard });
        }
        if self.peek() == Some('{') {
            if in_variable {
                return Err(self.error("variables cannot be nested"));
            }
            return self.variable().map(Segment::Variable);
        }
        let literal = self.literal();
        if literal.is_empty() {
            return Err(self.error("expected a path segment"));
        }
        Ok(Segment::Literal(literal.to_string()))
    }

    fn variable(&mut self) -> Result<Variable, TemplateError> {
        let start = self.pos;
        self.expect('{')?;
        let mut field_path = Vec::new();
        loop {
            let ident_start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                self.pos += 1;
            }
            if ident_start == self.pos {
                return Err(self.error("expected a field name"));
            }
            field_path.push(self.text[ident_start..self.pos].to_string());
            if !self.eat('.') {
                break;
            }
        }
        let segments = if self.eat('=') { self.segments(true)? } else { vec![Segment::Wildcard] };
        self.expect('}')?;
        Ok(Variable { field_path, segments, start, end: self.pos })
    }
}

/// Why a field path does not resolve in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldPathError {
    /// `path[index]` is not a field of the message reached so far (its full name).
    NoSuchField { index: usize, message: String },
    /// `path[index]` is not a message field, yet the path goes on.
    NotAMessage { index: usize },
}

/// The fields `path` walks through from `message`, last one last.
pub fn resolve_field_path(
    message: &MessageDescriptor,
    path: &[String],
) -> Result<Vec<FieldDescriptor>, FieldPathError> {
    let mut current = message.clone();
    let mut fields = Vec::with_capacity(path.len());
    for (index, name) in path.iter().enumerate() {
        let Some(field) = current.get_field_by_name(name) else {
            return Err(FieldPathError::NoSuchField { index, message: current.full_name().to_string() });
        };
        if index + 1 < path.len() {
            match field.kind() {
                Kind::Message(next) if !field.is_list() && !field.is_map() => current = next,
                _ => return Err(FieldPathError::NotAMessage { index }),
            }
        }
        fields.push(field);
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> PathTemplate {
        PathTemplate::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_googleapis_shapes() {
        let t = parse("/v1/{name=projects/*/locations/*}:cancel");
        assert_eq!(t.verb.as_deref(), Some("cancel"));
        let vars = t.variables();
        assert_eq!(vars.len(), 1);
        assert_eq!(vars[0].field_path, ["name"]);
        assert_eq!(t.route(), "/v1/projects/*/locations/*:cancel");
        assert_eq!(t.to_string(), "/v1/{name=projects/*/locations/*}:cancel");

        let t = parse("/v1/shelves/{shelf}/books/{book.id}");
        assert_eq!(t.route(), "/v1/shelves/*/books/*");
        assert_eq!(t.variables()[1].field_path, ["book", "id"]);
        assert_eq!(t.to_string(), "/v1/shelves/{shelf}/books/{book.id}");

        let t = parse("/v1/{name=**}");
        assert_eq!(t.route(), "/v1/**");
        assert_eq!(parse("/v1:batchGet").verb.as_deref(), Some("batchGet"));
    }

    #[test]
    fn same_route_with_different_variable_names() {
        assert_eq!(parse("/v1/{name=shelves/*}").route(), parse("/v1/{parent=shelves/*}").route());
        assert_ne!(parse("/v1/{name=shelves/*}").route(), parse("/v1/{name=shelves/*}:get").route());
    }

    #[test]
    fn rejects_malformed_templates() {
        for (text, offset) in [
            ("v1/x", 0),
            ("/v1/{name", 9),
            ("/v1/{}", 5),
            ("/v1/{a={b}}", 7),
            ("/v1//x", 4),
            ("/v1/x:", 6),
            ("/v1/x}", 5),
        ] {
            let error = PathTemplate::parse(text).expect_err(text);
            assert_eq!(error.offset, offset, "{text}: {error}");
        }
        assert!(parse("/v1/{parent=**}/botSessions").has_inner_double_wildcard());
        assert!(!parse("/v1/{name=**}").has_inner_double_wildcard());
    }
}
