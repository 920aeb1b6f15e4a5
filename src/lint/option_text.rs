//! Spans inside an option's message literal (`(ext) = { a: { b: 1 } }`).
//!
//! protoc's source info locates an option as a whole; buf's compiler also locates
//! the fields written inside its message literal, and buf reports findings there.
//! This finds the same spans by reading the literal's text: for a field path, the
//! `name: value` entry it names, or for a message value its first scalar entry.

use std::ops::Range;

/// The span, within `text` (an option statement or value), of the entry reached by
/// following `names` into the message literal after the first top-level `=` (or
/// from the start when there is none). `None` when an entry is missing.
pub fn entry_span(text: &str, names: &[&str]) -> Option<Range<usize>> {
    let mut scanner = Scanner { bytes: text.as_bytes(), pos: 0 };
    scanner.skip_to_value();
    scanner.skip_trivia();
    if !scanner.eat_open() {
        return None;
    }
    scanner.find_in_message(names)
}

/// The span of the `n`-th (from 0) entry named `name` at the top level of the
/// message literal in `text`; in the list form (`name: [{...}, {...}]`) each element
/// counts and its span is the element's.
pub fn nth_entry_span(text: &str, name: &str, n: usize) -> Option<Range<usize>> {
    nth_entry(text, name, n, false)
}

/// [`nth_entry_span`], except that an element of the list form is located as the
/// whole `name: [...]` entry (where buf locates a `cel` rule written that way).
pub fn nth_entry_or_list_span(text: &str, name: &str, n: usize) -> Option<Range<usize>> {
    nth_entry(text, name, n, true)
}

fn nth_entry(text: &str, name: &str, n: usize, whole_list: bool) -> Option<Range<usize>> {
    let mut scanner = Scanner { bytes: text.as_bytes(), pos: 0 };
    scanner.skip_to_value();
    scanner.skip_trivia();
    if !scanner.eat_open() {
        return None;
    }
    let mut seen = 0;
    loop {
        scanner.skip_trivia();
        if scanner.at_close() {
            return None;
        }
        let start = scanner.pos;
        let entry_name = scanner.name()?;
        scanner.skip_trivia_no_separators();
        if scanner.peek() == Some(b':') {
            scanner.pos += 1;
        }
        scanner.skip_trivia_no_separators();
        if entry_name != name {
            scanner.skip_value();
            continue;
        }
        if scanner.peek() == Some(b'[') {
            scanner.pos += 1;
            loop {
                scanner.skip_trivia();
                if matches!(scanner.peek(), Some(b']') | None) {
                    scanner.pos += 1;
                    break;
                }
                let element = scanner.pos;
                scanner.skip_value();
                if seen == n && !whole_list {
                    return Some(element..scanner.pos);
                }
                seen += 1;
            }
            if whole_list && seen > n {
                return Some(start..scanner.pos);
            }
            continue;
        }
        scanner.skip_value();
        if seen == n {
            return Some(start..scanner.pos);
        }
        seen += 1;
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Moves past the first `=` outside parentheses and brackets, if any.
    fn skip_to_value(&mut self) {
        let mut depth = 0i32;
        let mut i = 0;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b'"' | b'\'' => i = self.string_end(i) - 1,
                b'{' if depth == 0 => return,
                b'=' if depth == 0 => {
                    self.pos = i + 1;
                    return;
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// The offset after the string literal starting at `start`.
    fn string_end(&self, start: usize) -> usize {
        let quote = self.bytes[start];
        let mut i = start + 1;
        while i < self.bytes.len() && self.bytes[i] != quote {
            i += if self.bytes[i] == b'\\' { 2 } else { 1 };
        }
        (i + 1).min(self.bytes.len())
    }

    fn skip_trivia(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_ascii_whitespace() || c == b',' || c == b';' {
                self.pos += 1;
            } else if c == b'/' && self.bytes.get(self.pos + 1) == Some(&b'/') {
                while self.peek().is_some_and(|c| c != b'\n') {
                    self.pos += 1;
                }
            } else if c == b'/' && self.bytes.get(self.pos + 1) == Some(&b'*') {
                self.pos += 2;
                while self.pos < self.bytes.len() && !self.bytes[self.pos..].starts_with(b"*/") {
                    self.pos += 1;
                }
                self.pos = (self.pos + 2).min(self.bytes.len());
            } else {
                break;
            }
        }
    }

    fn eat_open(&mut self) -> bool {
        if matches!(self.peek(), Some(b'{' | b'<')) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn at_close(&self) -> bool {
        matches!(self.peek(), Some(b'}' | b'>') | None)
    }

    /// The field name (or `[extension]`) at the cursor.
    fn name(&mut self) -> Option<String> {
        let start = self.pos;
        if self.peek() == Some(b'[') {
            while self.peek().is_some_and(|c| c != b']') {
                self.pos += 1;
            }
            self.pos = (self.pos + 1).min(self.bytes.len());
        } else {
            while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
                self.pos += 1;
            }
        }
        (self.pos > start).then(|| String::from_utf8_lossy(&self.bytes[start..self.pos]).into_owned())
    }

    /// Skips one value: a message, a list or a scalar token (adjacent strings too).
    fn skip_value(&mut self) {
        self.skip_trivia();
        match self.peek() {
            Some(b'{' | b'<') => {
                self.pos += 1;
                self.skip_trivia();
                while !self.at_close() {
                    let before = self.pos;
                    self.skip_entry();
                    if self.pos == before {
                        self.pos += 1;
                    }
                    self.skip_trivia();
                }
                self.pos = (self.pos + 1).min(self.bytes.len());
            }
            Some(b'[') => {
                self.pos += 1;
                self.skip_trivia();
                while self.peek().is_some_and(|c| c != b']') {
                    let before = self.pos;
                    self.skip_value();
                    self.skip_trivia();
                    if self.pos == before {
                        self.pos += 1;
                    }
                }
                self.pos = (self.pos + 1).min(self.bytes.len());
            }
            Some(b'"' | b'\'') => {
                while matches!(self.peek(), Some(b'"' | b'\'')) {
                    self.pos = self.string_end(self.pos);
                    let after = self.pos;
                    self.skip_trivia_no_separators();
                    if !matches!(self.peek(), Some(b'"' | b'\'')) {
                        self.pos = after;
                    }
                }
            }
            _ => {
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'+' | b'.')) {
                    self.pos += 1;
                }
            }
        }
    }

    fn skip_trivia_no_separators(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// Skips `name [:] value`.
    fn skip_entry(&mut self) {
        self.name();
        self.skip_trivia_no_separators();
        if self.peek() == Some(b':') {
            self.pos += 1;
        }
        self.skip_value();
    }

    /// Inside a message literal (after its `{`): the span of the entry `names[0]`,
    /// descending for the rest of `names`, then into its first entry while the
    /// value is a message.
    fn find_in_message(&mut self, names: &[&str]) -> Option<Range<usize>> {
        loop {
            self.skip_trivia();
            if self.at_close() {
                return None;
            }
            let start = self.pos;
            let name = self.name()?;
            self.skip_trivia_no_separators();
            if self.peek() == Some(b':') {
                self.pos += 1;
            }
            self.skip_trivia_no_separators();
            let wanted = names.first().is_none_or(|wanted| *wanted == name);
            if !wanted {
                self.skip_value();
                continue;
            }
            if matches!(self.peek(), Some(b'{' | b'<')) {
                self.pos += 1;
                return self.find_in_message(names.get(1..).unwrap_or(&[]));
            }
            if names.len() > 1 {
                return None;
            }
            self.skip_value();
            return Some(start..self.pos);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(text: &'a str, names: &[&str]) -> Option<&'a str> {
        entry_span(text, names).map(|range| &text[range])
    }

    #[test]
    fn finds_entries_like_bufs_compiler() {
        let text = "(buf.validate.field).timestamp = {\n    gt: {seconds: 10}\n    lt: {seconds: 10}\n  }";
        assert_eq!(entry(text, &["gt"]), Some("seconds: 10"));
        assert_eq!(entry(text, &["lt", "seconds"]), Some("seconds: 10"));
        assert_eq!(entry(text, &["lte"]), None);
        let text = r#"(buf.validate.field) = {string: {min_len: 3, max_len: 3} bytes <prefix: "a" "b">}"#;
        assert_eq!(entry(text, &["string", "max_len"]), Some("max_len: 3"));
        assert_eq!(entry(text, &["string"]), Some("min_len: 3"));
        assert_eq!(entry(text, &["bytes", "prefix"]), Some(r#"prefix: "a" "b""#));
        let text = r#"(x) = { in: ["a", "b"] // c
          not_in: ["b"] }"#;
        assert_eq!(entry(text, &["not_in"]), Some(r#"not_in: ["b"]"#));
        let text = r#"(m) = { oneof: {fields: ["x"]} other: 1 oneof: [{fields: "y"}, {fields: "z"}] }"#;
        let nth = |n| nth_entry_span(text, "oneof", n).map(|range| &text[range]);
        assert_eq!(nth(0), Some(r#"oneof: {fields: ["x"]}"#));
        assert_eq!(nth(2), Some(r#"{fields: "z"}"#));
        assert_eq!(nth(3), None);
    }
}
