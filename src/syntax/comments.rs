//! protoc's comment attribution, reproduced exactly.
//!
//! protoc collects comments only when it consumes the token that ends a
//! declaration (`;`, `{`, `}`): the text between that token and the next one is
//! split into a trailing comment for the declaration just ended, detached
//! comments, and the leading comment of the next declaration. This mirrors
//! `Tokenizer::NextWithComments` and its `CommentCollector` (protobuf
//! `src/google/protobuf/io/tokenizer.cc`), because lint locations and
//! documentation must agree with what protoc and buf see.

/// What one call of `NextWithComments` yields.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Collected {
    pub trailing: Option<String>,
    pub detached: Vec<String>,
    pub leading: Option<String>,
}

struct Collector {
    buffer: String,
    has_comment: bool,
    is_line_comment: bool,
    can_attach_to_prev: bool,
    num_comments: usize,
    trailing: String,
    has_trailing: bool,
    detached: Vec<String>,
}

impl Collector {
    fn buffer_for_line_comment(&mut self) {
        if self.has_comment && !self.is_line_comment {
            self.flush();
        }
        self.has_comment = true;
        self.is_line_comment = true;
    }
    fn buffer_for_block_comment(&mut self) {
        if self.has_comment {
            self.flush();
        }
        self.has_comment = true;
        self.is_line_comment = false;
    }
    fn clear_buffer(&mut self) {
        self.buffer.clear();
        self.has_comment = false;
    }
    fn flush(&mut self) {
        if self.has_comment {
            if self.can_attach_to_prev {
                self.trailing.push_str(&self.buffer);
                self.has_trailing = true;
                self.can_attach_to_prev = false;
            } else {
                self.detached.push(std::mem::take(&mut self.buffer));
            }
            self.clear_buffer();
            self.num_comments += 1;
        }
    }
    fn maybe_detach_comment(&mut self, has_prev: bool) {
        let mut count = self.num_comments;
        if self.has_comment {
            count += 1;
        }
        if count == 1 {
            if self.has_trailing && has_prev {
                let trail = std::mem::take(&mut self.trailing);
                self.detached.insert(0, trail);
                self.has_trailing = false;
            }
            self.can_attach_to_prev = false;
            self.flush();
        }
    }
}

struct Scanner<'a> {
    text: &'a str,
    i: usize,
    line: usize,
}

impl Scanner<'_> {
    /// The comment text between two byte offsets. Both are next to ASCII
    /// (`//`, `*`, `/`, a newline, spaces), so the slice is the text's own: no
    /// second UTF-8 check, which was a hundredth of loading googleapis.
    fn slice(&self, from: usize, to: usize) -> std::borrow::Cow<'_, str> {
        match self.text.get(from..to) {
            Some(text) => std::borrow::Cow::Borrowed(text),
            None => String::from_utf8_lossy(&self.text.as_bytes()[from..to]),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.i).copied()
    }
    fn try_consume(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            if c == b'\n' {
                self.line += 1;
            }
            true
        } else {
            false
        }
    }
    fn skip_whitespace_no_newline(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | 0x0b | 0x0c)) {
            self.i += 1;
        }
    }
    fn comment_start(&mut self) -> Option<bool> {
        if self.text.as_bytes()[self.i..].starts_with(b"//") {
            self.i += 2;
            Some(true)
        } else if self.text.as_bytes()[self.i..].starts_with(b"/*") {
            self.i += 2;
            Some(false)
        } else {
            None
        }
    }
    /// After `//`: the rest of the line, newline included.
    fn line_comment(&mut self, out: &mut String) {
        let start = self.i;
        while self.i < self.text.len() && self.text.as_bytes()[self.i] != b'\n' {
            self.i += 1;
        }
        self.try_consume(b'\n');
        out.push_str(&self.slice(start, self.i));
    }
    /// After `/*`: protoc keeps the text but drops each continuation line's
    /// leading whitespace and one `*`.
    fn block_comment(&mut self, out: &mut String) {
        let mut rec = self.i;
        loop {
            while self.i < self.text.len() && !matches!(self.text.as_bytes()[self.i], b'*' | b'/' | b'\n') {
                self.i += 1;
            }
            if self.try_consume(b'\n') {
                out.push_str(&self.slice(rec, self.i));
                self.skip_whitespace_no_newline();
                if self.try_consume(b'*') && self.try_consume(b'/') {
                    return;
                }
                rec = self.i;
            } else if self.try_consume(b'*') {
                if self.try_consume(b'/') {
                    out.push_str(&self.slice(rec, self.i - 2));
                    return;
                }
            } else if self.try_consume(b'/') {
                // `/*` inside a block comment: protoc errors; the lexer reported nothing
                // worse than this, so keep going.
            } else {
                out.push_str(&self.slice(rec, self.i));
                return;
            }
        }
    }
}

/// Splits the trivia between the previous declaration-ending token and the next
/// token. `gap` is the source text between them (only whitespace and comments);
/// `at_start` is true before the first token of the file; `next` is the next
/// token's text (`None` at end of file).
pub fn collect(gap: &str, at_start: bool, next: Option<&str>) -> Collected {
    let mut c = Collector {
        buffer: String::new(),
        has_comment: false,
        is_line_comment: false,
        can_attach_to_prev: true,
        num_comments: 0,
        trailing: String::new(),
        has_trailing: false,
        detached: Vec::new(),
    };
    let mut s = Scanner { text: gap, i: 0, line: 0 };
    let prev_line = 0usize;
    let mut trailing_comment_end_line: Option<usize> = None;
    let has_prev = !at_start;

    let finish = |mut c: Collector| -> Collected {
        let leading = if c.has_comment { Some(std::mem::take(&mut c.buffer)) } else { None };
        Collected {
            trailing: if has_prev && c.has_trailing { Some(c.trailing) } else { None },
            detached: c.detached,
            leading,
        }
    };

    if at_start {
        if gap.starts_with('\u{feff}') {
            s.i = 3;
        }
        c.can_attach_to_prev = false;
    } else {
        s.skip_whitespace_no_newline();
        match s.comment_start() {
            Some(true) => {
                trailing_comment_end_line = Some(s.line);
                c.buffer_for_line_comment();
                let mut buf = std::mem::take(&mut c.buffer);
                s.line_comment(&mut buf);
                c.buffer = buf;
                c.flush();
            }
            Some(false) => {
                c.buffer_for_block_comment();
                let mut buf = std::mem::take(&mut c.buffer);
                s.block_comment(&mut buf);
                c.buffer = buf;
                trailing_comment_end_line = Some(s.line);
                s.skip_whitespace_no_newline();
                if !s.try_consume(b'\n') {
                    c.clear_buffer();
                    return finish(c);
                }
                c.flush();
            }
            None => {
                if !s.try_consume(b'\n') {
                    return finish(c);
                }
            }
        }
    }

    loop {
        s.skip_whitespace_no_newline();
        match s.comment_start() {
            Some(true) => {
                c.buffer_for_line_comment();
                let mut buf = std::mem::take(&mut c.buffer);
                s.line_comment(&mut buf);
                c.buffer = buf;
            }
            Some(false) => {
                c.buffer_for_block_comment();
                let mut buf = std::mem::take(&mut c.buffer);
                s.block_comment(&mut buf);
                c.buffer = buf;
                s.skip_whitespace_no_newline();
                s.try_consume(b'\n');
            }
            None => {
                if s.try_consume(b'\n') {
                    c.flush();
                    c.can_attach_to_prev = false;
                } else {
                    if next.is_none() || matches!(next, Some("}" | "]" | ")")) {
                        c.flush();
                    }
                    if next.is_some() && (prev_line == s.line || trailing_comment_end_line == Some(s.line)) {
                        c.maybe_detach_comment(has_prev);
                    }
                    return finish(c);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_on_same_line_then_leading() {
        let c = collect(" // t\n// lead\n", false, Some("int32"));
        assert_eq!(c.trailing.as_deref(), Some(" t\n"));
        assert_eq!(c.leading.as_deref(), Some(" lead\n"));
        assert!(c.detached.is_empty());
    }

    #[test]
    fn comment_followed_by_blank_line_trails_previous() {
        let c = collect("\n// about a\n\nint", false, Some("int32"));
        assert_eq!(c.trailing.as_deref(), Some(" about a\n"));
    }

    #[test]
    fn detached_after_trailing() {
        let c = collect(" // t\n// d\n\n// lead\n", false, Some("x"));
        assert_eq!(c.trailing.as_deref(), Some(" t\n"));
        assert_eq!(c.detached, vec![" d\n".to_string()]);
        assert_eq!(c.leading.as_deref(), Some(" lead\n"));
    }

    #[test]
    fn block_comment_strips_stars() {
        let c = collect("/* block\n * two */\n", true, Some("message"));
        assert_eq!(c.leading.as_deref(), Some(" block\n two "));
    }

    #[test]
    fn comments_keep_non_ascii_text_whole() {
        // Comment text is sliced from the source at ASCII bytes only: CJK and
        // emoji next to `//`, `*` and newlines come through unchanged.
        let c = collect(" // 尾🙂\n/*块\n * 二🙂*/\n", false, Some("int32"));
        assert_eq!(c.trailing.as_deref(), Some(" 尾🙂\n"));
        assert_eq!(c.leading.as_deref(), Some("块\n 二🙂"));
    }

    #[test]
    fn file_start_is_detached() {
        let c = collect("// file\n\n// lead\n", true, Some("syntax"));
        assert_eq!(c.detached, vec![" file\n".to_string()]);
        assert_eq!(c.leading.as_deref(), Some(" lead\n"));
        assert_eq!(c.trailing, None);
    }

    #[test]
    fn end_of_scope_flushes_to_trailing() {
        let c = collect("\n  // last\n", false, Some("}"));
        assert_eq!(c.trailing.as_deref(), Some(" last\n"));
        assert_eq!(c.leading, None);
    }
}
