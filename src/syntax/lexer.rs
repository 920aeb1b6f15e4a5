//! A lossless lexer for the protobuf language.
//!
//! Every byte of the input belongs to exactly one token, trivia (whitespace and
//! comments) included, so concatenating the tokens' text gives the input back.
//! Malformed input yields `Error` tokens plus a message; the lexer never fails.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Spaces, tabs, newlines (CR/LF), vertical tab, form feed; a leading BOM too.
    Whitespace,
    /// `// ...` up to (not including) the newline.
    LineComment,
    /// `/* ... */`, possibly unterminated (then an error is recorded).
    BlockComment,
    Ident,
    Int,
    Float,
    /// A quoted string literal, quotes and escapes included.
    String,
    /// One punctuation character: `{ } [ ] ( ) < > ; , . = - + : /` and any other.
    Symbol,
    /// Bytes that cannot start any token (control characters, stray non-ASCII).
    Error,
}

impl TokenKind {
    pub fn is_trivia(self) -> bool {
        matches!(self, TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: u32,
    pub end: u32,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start as usize..self.end as usize]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub start: u32,
    pub end: u32,
    pub message: String,
}

/// Splits `src` into tokens. Offsets are `u32`: the caller rejects inputs over 4 GiB.
pub fn lex(src: &str) -> (Vec<Token>, Vec<LexError>) {
    let bytes = src.as_bytes();
    let mut tokens = Vec::with_capacity(src.len() / 4);
    let mut errors = Vec::new();
    let mut i = 0usize;
    if src.starts_with('\u{feff}') {
        tokens.push(Token { kind: TokenKind::Whitespace, start: 0, end: 3 });
        i = 3;
    }
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        let kind = match b {
            b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c => {
                while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c) {
                    i += 1;
                }
                TokenKind::Whitespace
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                // A CR before LF belongs to the line break, not to the comment.
                if i > start + 2 && bytes[i - 1] == b'\r' && i < bytes.len() {
                    i -= 1;
                }
                TokenKind::LineComment
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                loop {
                    if i + 1 >= bytes.len() {
                        i = bytes.len();
                        errors.push(LexError {
                            start: start as u32,
                            end: (start + 2) as u32,
                            message: "End-of-file inside block comment.".into(),
                        });
                        break;
                    }
                    if bytes[i] == b'*' && bytes[i + 1] == b'/' {
                        i += 2;
                        break;
                    }
                    i += 1;
                }
                TokenKind::BlockComment
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                TokenKind::Ident
            }
            b'0'..=b'9' => lex_number(bytes, &mut i, &mut errors),
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => lex_number(bytes, &mut i, &mut errors),
            b'"' | b'\'' => {
                i += 1;
                let mut closed = false;
                while i < bytes.len() {
                    match bytes[i] {
                        q if q == b => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        b'\\' if i + 1 < bytes.len() && bytes[i + 1] != b'\n' => i += 2,
                        b'\n' => break,
                        _ => i += 1,
                    }
                }
                if !closed {
                    errors.push(LexError {
                        start: start as u32,
                        end: i as u32,
                        message: if i < bytes.len() {
                            "String literals cannot cross line boundaries.".into()
                        } else {
                            "Unexpected end of string.".into()
                        },
                    });
                }
                TokenKind::String
            }
            0x21..=0x7e => {
                i += 1;
                TokenKind::Symbol
            }
            _ => {
                // A whole UTF-8 sequence (or control byte) that cannot start a token;
                // adjacent non-ASCII characters (`名前` in an identifier) are one
                // mistake, so one error.
                let ch = src[i..].chars().next().map_or(1, char::len_utf8);
                i += ch;
                if b >= 0x80 {
                    while let Some(next) = src[i..].chars().next().filter(|c| !c.is_ascii() && !c.is_whitespace()) {
                        i += next.len_utf8();
                    }
                }
                let text = &src[start..i];
                errors.push(LexError {
                    start: start as u32,
                    end: i as u32,
                    message: if b < 0x80 {
                        "Invalid control characters encountered in text.".into()
                    } else if text.chars().count() == 1 {
                        format!("Unexpected character {text:?} outside a string or comment.")
                    } else {
                        format!("Unexpected characters {text:?} outside a string or comment.")
                    },
                });
                TokenKind::Error
            }
        };
        tokens.push(Token { kind, start: start as u32, end: i as u32 });
    }
    (tokens, errors)
}

fn lex_number(bytes: &[u8], i: &mut usize, errors: &mut Vec<LexError>) -> TokenKind {
    let start = *i;
    let mut kind = TokenKind::Int;
    if bytes[*i] == b'0' && matches!(bytes.get(*i + 1), Some(b'x' | b'X')) {
        *i += 2;
        let digits = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_hexdigit() {
            *i += 1;
        }
        if *i == digits {
            errors.push(LexError {
                start: start as u32,
                end: *i as u32,
                message: "\"0x\" must be followed by hex digits.".into(),
            });
        }
    } else {
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i < bytes.len() && bytes[*i] == b'.' {
            kind = TokenKind::Float;
            *i += 1;
            while *i < bytes.len() && bytes[*i].is_ascii_digit() {
                *i += 1;
            }
        }
        if *i < bytes.len() && matches!(bytes[*i], b'e' | b'E') {
            let save = *i;
            *i += 1;
            if *i < bytes.len() && matches!(bytes[*i], b'+' | b'-') {
                *i += 1;
            }
            if *i < bytes.len() && bytes[*i].is_ascii_digit() {
                while *i < bytes.len() && bytes[*i].is_ascii_digit() {
                    *i += 1;
                }
                kind = TokenKind::Float;
            } else {
                *i = save + 1;
                errors.push(LexError {
                    start: start as u32,
                    end: *i as u32,
                    message: "\"e\" must be followed by exponent.".into(),
                });
                kind = TokenKind::Float;
            }
        }
        if kind == TokenKind::Int
            && bytes[start] == b'0'
            && *i - start > 1
            && bytes[start + 1..*i].iter().any(|b| *b > b'7')
        {
            errors.push(LexError {
                start: start as u32,
                end: *i as u32,
                message: "Numbers starting with leading zero must be in octal.".into(),
            });
        }
    }
    if *i < bytes.len() && (bytes[*i].is_ascii_alphabetic() || bytes[*i] == b'_') {
        let s = *i;
        while *i < bytes.len() && (bytes[*i].is_ascii_alphanumeric() || bytes[*i] == b'_') {
            *i += 1;
        }
        errors.push(LexError {
            start: s as u32,
            end: *i as u32,
            message: "Need space between number and identifier.".into(),
        });
    }
    kind
}

/// Decodes a string literal token (with quotes) into bytes, as protoc does.
/// Returns the bytes and, on a bad escape, an error message.
pub fn unescape_string(token_text: &str) -> (Vec<u8>, Option<String>) {
    let b = token_text.as_bytes();
    if b.len() < 2 {
        return (Vec::new(), Some("Unexpected end of string.".into()));
    }
    let inner = &b[1..b.len() - 1];
    let mut out = Vec::with_capacity(inner.len());
    let mut err = None;
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let Some(&e) = inner.get(i) else { break };
        i += 1;
        match e {
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'\\' | b'?' | b'\'' | b'"' => out.push(e),
            b'0'..=b'7' => {
                let mut v = (e - b'0') as u32;
                let mut n = 1;
                while n < 3 && i < inner.len() && (b'0'..=b'7').contains(&inner[i]) {
                    v = v * 8 + (inner[i] - b'0') as u32;
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
            }
            b'x' | b'X' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 && i < inner.len() && inner[i].is_ascii_hexdigit() {
                    v = v * 16 + (inner[i] as char).to_digit(16).unwrap();
                    i += 1;
                    n += 1;
                }
                if n == 0 {
                    err.get_or_insert_with(|| "Expected hex digits for escape sequence.".to_string());
                }
                out.push(v as u8);
            }
            b'u' | b'U' => {
                let want = if e == b'u' { 4 } else { 8 };
                let digits = &inner[i..(i + want).min(inner.len())];
                if digits.len() == want && digits.iter().all(u8::is_ascii_hexdigit) {
                    let v = u32::from_str_radix(std::str::from_utf8(digits).unwrap(), 16).unwrap();
                    i += want;
                    match char::from_u32(v) {
                        Some(ch) => {
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        None => {
                            err.get_or_insert_with(|| "Invalid unicode escape sequence.".to_string());
                        }
                    }
                } else {
                    err.get_or_insert_with(|| "Expected four hex digits for \\u escape sequence.".to_string());
                }
            }
            _ => {
                err.get_or_insert_with(|| "Invalid escape sequence in string literal.".to_string());
                out.push(e);
            }
        }
    }
    (out, err)
}

/// Parses an integer token (decimal, octal with leading 0, or hex) into a u64;
/// `None` on overflow.
pub fn parse_int(text: &str) -> Option<u64> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else if text.len() > 1 && text.starts_with('0') {
        u64::from_str_radix(&text[1..], 8).ok()
    } else {
        text.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        lex(src).0.iter().map(|t| (t.kind, t.text(src))).collect()
    }

    #[test]
    fn lossless_round_trip() {
        let src = "\u{feff}syntax = \"proto3\";\r\n// c\r\nmessage A { int32 x = 0x1F; /* b */ }\n'\\x41' 1.5e3 .5 中";
        let (toks, _) = lex(src);
        let joined: String = toks.iter().map(|t| t.text(src)).collect();
        assert_eq!(joined, src);
    }

    #[test]
    fn classifies_tokens() {
        assert_eq!(
            kinds("a1 12 1.5 \"s\" ; // x\n"),
            vec![
                (TokenKind::Ident, "a1"),
                (TokenKind::Whitespace, " "),
                (TokenKind::Int, "12"),
                (TokenKind::Whitespace, " "),
                (TokenKind::Float, "1.5"),
                (TokenKind::Whitespace, " "),
                (TokenKind::String, "\"s\""),
                (TokenKind::Whitespace, " "),
                (TokenKind::Symbol, ";"),
                (TokenKind::Whitespace, " "),
                (TokenKind::LineComment, "// x"),
                (TokenKind::Whitespace, "\n"),
            ]
        );
    }

    #[test]
    fn reports_errors_without_failing() {
        let (_, errs) = lex("\"abc\n /* x");
        assert_eq!(errs.len(), 2);
        let (_, errs) = lex("\u{1}");
        assert_eq!(errs.len(), 1);
    }

    #[test]
    fn unescapes_like_protoc() {
        assert_eq!(unescape_string(r#""a\n\x41\101\u00e9\'""#).0, b"a\nAA\xc3\xa9'".to_vec());
        assert!(unescape_string(r#""\q""#).1.is_some());
    }

    #[test]
    fn parses_ints() {
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("017"), Some(15));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("18446744073709551616"), None);
    }
}
