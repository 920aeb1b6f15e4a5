//! Matching a URL path against a binding's template, as a transcoder routes: a
//! literal matches itself, `*` one segment, `**` the rest, a variable what its
//! segments match (its value is those segments joined by `/`), and a `:verb`
//! suffix the last segment's tail.

use super::{Binding, Method, Service};
use crate::annotations::http::{PathTemplate, Segment};

/// A request matched to a method.
#[derive(Debug, Clone)]
pub struct RouteMatch<'m> {
    pub service: &'m Service,
    pub method: &'m Method,
    pub binding: &'m Binding,
    /// Each path variable's field path (`book.name`) and the URL's value for it,
    /// percent-decoding left to the caller.
    pub values: Vec<(String, String)>,
}

/// The variables' values when `path` matches `template`, else `None`.
pub fn match_path(template: &PathTemplate, path: &str) -> Option<Vec<(String, String)>> {
    let path = path.strip_prefix('/')?;
    let path = match &template.verb {
        Some(verb) => path.strip_suffix(verb.as_str())?.strip_suffix(':')?,
        None => path,
    };
    let segments: Vec<&str> = if path.is_empty() { Vec::new() } else { path.split('/').collect() };
    let mut values = Vec::new();
    let used = match_segments(&template.segments, &segments, &mut values, true)?;
    (used == segments.len()).then_some(values)
}

/// Matches `pattern` at the start of `segments`; the number of segments used.
fn match_segments(
    pattern: &[Segment],
    segments: &[&str],
    values: &mut Vec<(String, String)>,
    last: bool,
) -> Option<usize> {
    let mut at = 0;
    for (i, part) in pattern.iter().enumerate() {
        let is_last = last && i + 1 == pattern.len();
        match part {
            Segment::Literal(text) => {
                if segments.get(at) != Some(&text.as_str()) {
                    return None;
                }
                at += 1;
            }
            Segment::Wildcard => {
                if segments.get(at).is_none_or(|s| s.is_empty()) {
                    return None;
                }
                at += 1;
            }
            Segment::DoubleWildcard => {
                // `**` takes what the rest of the pattern leaves over.
                let rest = &pattern[i + 1..];
                let needed = rest.len();
                if segments.len() < at + needed {
                    return None;
                }
                let take = if is_last { segments.len() - at } else { segments.len() - at - needed };
                at += take;
            }
            Segment::Variable(variable) => {
                let start = at;
                let trailing = if is_last { 0 } else { pattern.len() - i - 1 };
                let available = segments.len().checked_sub(trailing)?;
                let used = match_segments(&variable.segments, &segments[start..available], &mut Vec::new(), true)?;
                at += used;
                values.push((variable.field_path_str(), segments[start..at].join("/")));
            }
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(template: &str, path: &str) -> Option<Vec<(String, String)>> {
        match_path(&PathTemplate::parse(template).unwrap(), path)
    }

    #[test]
    fn matches_like_a_transcoder() {
        assert_eq!(values("/v1/{name=shelves/*}", "/v1/shelves/s1"), Some(vec![("name".into(), "shelves/s1".into())]));
        assert_eq!(
            values("/v1/shelves/{shelf}/books/{book.id}", "/v1/shelves/1/books/2"),
            Some(vec![("shelf".into(), "1".into()), ("book.id".into(), "2".into())])
        );
        assert_eq!(values("/v1/{name=**}", "/v1/a/b/c"), Some(vec![("name".into(), "a/b/c".into())]));
        assert_eq!(
            values("/v1/{name=shelves/*}:get", "/v1/shelves/s1:get"),
            Some(vec![("name".into(), "shelves/s1".into())])
        );
        assert_eq!(values("/v1/{name=shelves/*}", "/v1/shelves/s1/books"), None);
        assert_eq!(values("/v1/{name=shelves/*}", "/v1/books/s1"), None);
        assert_eq!(values("/v1/{name=shelves/*}:get", "/v1/shelves/s1"), None);
        assert_eq!(values("/helloworld/{name}", "/helloworld/kratos"), Some(vec![("name".into(), "kratos".into())]));
    }
}
