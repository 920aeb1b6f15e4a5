//! Helpers for rules that look at a file's text rather than its descriptors:
//! comment prose (CJK aware), the top-level statements, line arithmetic for fixes.

use crate::diagnostic::{Edit, Fix};
use crate::syntax::ast::Sp;
use crate::syntax::lexer::TokenKind;

/// True for characters of scripts written without spaces between words and
/// without a Latin capital: CJK ideographs, kana, Hangul, CJK punctuation and
/// full-width forms. A comment with any of them is prose in such a script.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F      // CJK symbols and punctuation (。、「」)
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3100..=0x312F    // Bopomofo
        | 0x3130..=0x318F    // Hangul compatibility jamo
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF00..=0xFFEF    // Half-width and full-width forms (！？，)
        | 0x20000..=0x2FA1F) // CJK extensions B-F, compatibility supplement
}

/// Sentence-ending punctuation, Latin and CJK (full-width and ideographic).
const TERMINATORS: &[char] = &['.', '!', '?', '。', '！', '？', '．'];

/// The prose of a comment: its lines trimmed, blank and ignore-directive lines
/// dropped, joined by spaces.
pub fn comment_prose(comment: &str) -> String {
    comment
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .filter(|line| !crate::lint::ignore::IGNORE_PREFIXES.iter().any(|prefix| line.starts_with(prefix)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a comment holds at least one complete sentence. Latin prose must
/// start with a capital letter or a digit (as prototool's check) and contain a
/// sentence terminator; prose with CJK characters is a sentence as written,
/// since those scripts have no capitals and a comment of them often ends
/// without punctuation.
pub fn is_sentence(comment: &str) -> bool {
    let prose = comment_prose(comment);
    let Some(first) = prose.chars().next() else { return false };
    if prose.chars().any(is_cjk) {
        return true;
    }
    (first.is_uppercase() || first.is_ascii_digit()) && prose.contains(TERMINATORS)
}

/// Whether a comment starts with the element's name (the Go doc convention),
/// optionally after an article; a comment in a CJK script needs no name.
pub fn starts_with_name(comment: &str, name: &str) -> bool {
    let prose = comment_prose(comment);
    if prose.chars().any(is_cjk) {
        return true;
    }
    let rest = ["A ", "An ", "The "].iter().find_map(|article| prose.strip_prefix(article)).unwrap_or(&prose);
    rest.strip_prefix(name)
        .is_some_and(|after| after.is_empty() || !after.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
}

pub use crate::syntax::statements::{TopDecl, TopKind};

/// The byte offset where the line holding `offset` starts.
pub fn line_start(src: &str, offset: usize) -> usize {
    src[..offset].rfind('\n').map_or(0, |at| at + 1)
}

/// The byte offset just past the line end (`\n`) of the line holding `offset`,
/// or the end of the text.
pub fn line_end(src: &str, offset: usize) -> usize {
    src[offset..].find('\n').map_or(src.len(), |at| offset + at + 1)
}

/// Whether `src[start..end]` is only spaces and tabs.
pub fn is_blank(src: &str, start: usize, end: usize) -> bool {
    src[start..end].bytes().all(|b| b == b' ' || b == b'\t')
}

/// The range that removes the statement at `span` whole: its lines too when
/// nothing else is on them (and one of the blank lines around them, when it was
/// alone between two), else just the statement.
pub fn statement_removal(src: &str, span: Sp) -> (usize, usize) {
    let (start, end) = (span.start as usize, span.end as usize);
    let (line_start, line_end) = (line_start(src, start), line_end(src, end));
    let rest_end = if src[..line_end].ends_with('\n') { line_end - 1 } else { line_end };
    let rest_end = if src[..rest_end].ends_with('\r') { rest_end - 1 } else { rest_end };
    if is_blank(src, line_start, start) && is_blank(src, end, rest_end) {
        let blank_before =
            line_start == 0 || src[..line_start].ends_with("\n\n") || src[..line_start].ends_with("\n\r\n");
        let blank_after = ["\n", "\r\n"].iter().find(|newline| src[line_end..].starts_with(**newline));
        match blank_after {
            Some(newline) if blank_before => (line_start, line_end + newline.len()),
            _ => (line_start, line_end),
        }
    } else {
        (start, end)
    }
}

/// The indentation (spaces and tabs) of the line holding `offset`.
pub fn indentation(src: &str, offset: usize) -> &str {
    let start = line_start(src, offset);
    let width = src[start..].bytes().take_while(|b| *b == b' ' || *b == b'\t').count();
    &src[start..start + width]
}

/// The first statement of `decls` whose key sorts before the one of a statement
/// above it, with that statement.
pub fn first_unsorted<'a>(decls: &[&'a TopDecl]) -> Option<(&'a TopDecl, &'a TopDecl)> {
    let mut greatest: Option<&TopDecl> = None;
    for decl in decls {
        match greatest {
            Some(above) if decl.sort_key < above.sort_key => return Some((decl, above)),
            Some(above) if decl.sort_key <= above.sort_key => {}
            _ => greatest = Some(decl),
        }
    }
    None
}

/// A fix putting `decls` (statements of one kind, in file order) in key order:
/// each statement's slot gets the text of the statement that sorts there. None
/// when a comment sits between two of them (it would end up describing another
/// statement).
pub fn sort_fix(src: &str, decls: &[&TopDecl], description: &str) -> Option<Fix> {
    for pair in decls.windows(2) {
        let gap = &src[pair[0].span.end as usize..pair[1].span.start as usize];
        let (tokens, _) = crate::syntax::lexer::lex(gap);
        if tokens.iter().any(|t| matches!(t.kind, TokenKind::LineComment | TokenKind::BlockComment)) {
            return None;
        }
    }
    let mut sorted: Vec<&TopDecl> = decls.to_vec();
    sorted.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
    let edits = decls
        .iter()
        .zip(&sorted)
        .filter(|(slot, decl)| slot.span != decl.span)
        .map(|(slot, decl)| Edit {
            start: slot.span.start as usize,
            end: slot.span.end as usize,
            replacement: decl.span.text(src).to_string(),
        })
        .collect();
    Some(Fix { description: description.to_string(), edits, safe: true })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        assert!(is_sentence(" Trip is a trip.\n"));
        assert!(is_sentence(" 2 trips at most.\n"));
        assert!(!is_sentence(" trip is a trip.\n"));
        assert!(!is_sentence(" Trip\n"));
        assert!(is_sentence(" 行程信息\n"), "CJK prose needs no capital or period");
        assert!(is_sentence(" Trip 的行程。\n"));
        assert!(is_sentence(" Ends in Chinese punctuation！\n"));
        assert!(!is_sentence(" buf:lint:ignore COMMENT_MESSAGE\n"));
        assert!(!is_sentence(""));
    }

    #[test]
    fn names() {
        assert!(starts_with_name(" Trip is a trip.", "Trip"));
        assert!(starts_with_name(" A Trip is a trip.", "Trip"));
        assert!(!starts_with_name(" Trips are trips.", "Trip"));
        assert!(starts_with_name(" 行程。", "Trip"));
    }

    #[test]
    fn removal_takes_whole_lines_only_when_alone() {
        let src = "a;\n  import \"x\";\nb;";
        let span = Sp::new(5, 16);
        assert_eq!(&src[span.start as usize..span.end as usize], "import \"x\";");
        assert_eq!(statement_removal(src, span), (3, 17));
        let src = "a; import \"x\"; b;";
        assert_eq!(statement_removal(src, Sp::new(3, 14)), (3, 14));
        // Alone between blank lines: one blank line goes too.
        let src = "a;\n\nimport \"x\";\n\nb;";
        assert_eq!(statement_removal(src, Sp::new(4, 15)), (4, 17));
    }
}
