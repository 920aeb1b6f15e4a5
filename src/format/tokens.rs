//! Significant tokens with the comments and whitespace around them, attributed
//! the way buf's parser (protocompile) does: every comment belongs to the next
//! token as a leading comment, except that the first comment after a token,
//! starting on that token's line, is its trailing comment when it is a line
//! comment, or is followed by more comments, or ends before the next token's line.

use crate::syntax::lexer::{Token, TokenKind};

#[derive(Debug, Clone, Copy)]
pub struct Comment {
    pub start: u32,
    pub end: u32,
    /// Start of the whitespace just before the comment (its "leading whitespace").
    pub ws_start: u32,
}

#[derive(Debug, Clone)]
pub struct Tok {
    pub start: u32,
    pub end: u32,
    pub kind: TokenKind,
    /// Start of the whitespace just before the token (after any comment).
    pub ws_start: u32,
    pub leading: Vec<Comment>,
    pub trailing: Vec<Comment>,
}

/// The significant tokens of `src` (a BOM already stripped), plus a final EOF
/// token (empty, `kind == Error`) that owns the comments after the last token.
pub fn attribute(src: &str, tokens: &[Token]) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(tokens.len() / 2 + 1);
    let mut line: u32 = 0;
    let mut prev_end_line: Option<u32> = None;
    // (comment, start line, end line)
    let mut pending: Vec<(Comment, u32, u32)> = Vec::new();
    let mut ws_start = 0u32;
    let bytes = src.as_bytes();
    let count_nl = |s: u32, e: u32| bytes[s as usize..e as usize].iter().filter(|&&b| b == b'\n').count() as u32;

    let finish = |out: &mut Vec<Tok>,
                  pending: &mut Vec<(Comment, u32, u32)>,
                  prev_end_line: Option<u32>,
                  tok: Tok,
                  start_line: u32,
                  is_eof: bool| {
        let mut comments = std::mem::take(pending);
        if let (Some(prev_end), false) = (prev_end_line, comments.is_empty()) {
            let mut n_start = start_line;
            if is_eof && n_start == prev_end {
                n_start += 1;
            }
            let (c, c_start, c_end) = comments[0];
            if n_start > prev_end && c_start == prev_end {
                let is_line = bytes[c.start as usize + 1] == b'/';
                if is_line || comments.len() > 1 || c_end < n_start {
                    out.last_mut().unwrap().trailing.push(c);
                    comments.remove(0);
                }
            }
        }
        let mut tok = tok;
        tok.leading = comments.into_iter().map(|(c, _, _)| c).collect();
        out.push(tok);
    };

    for t in tokens {
        match t.kind {
            TokenKind::Whitespace => {
                line += count_nl(t.start, t.end);
            }
            TokenKind::LineComment | TokenKind::BlockComment => {
                let start_line = line;
                if t.kind == TokenKind::BlockComment {
                    line += count_nl(t.start, t.end);
                }
                pending.push((Comment { start: t.start, end: t.end, ws_start }, start_line, line));
                ws_start = t.end;
            }
            _ => {
                let tok = Tok {
                    start: t.start,
                    end: t.end,
                    kind: t.kind,
                    ws_start,
                    leading: Vec::new(),
                    trailing: Vec::new(),
                };
                finish(&mut out, &mut pending, prev_end_line, tok, line, false);
                // Tokens other than comments and whitespace never span lines.
                prev_end_line = Some(line);
                ws_start = t.end;
            }
        }
    }
    let end = src.len() as u32;
    let eof = Tok { start: end, end, kind: TokenKind::Error, ws_start, leading: Vec::new(), trailing: Vec::new() };
    finish(&mut out, &mut pending, prev_end_line, eof, line, true);
    out
}
