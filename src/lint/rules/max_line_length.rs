use prost_reflect::FileDescriptor;
use unicode_width::UnicodeWidthChar;

use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption};

declare_rule! {
    /// Lines must not be longer than `limit` (80 by default). It enforces the
    /// style guide's "Standard File Formatting": "Keep the line length to 80
    /// characters."
    ///
    /// `unit` says how a line is measured: `"chars"` (the default) counts
    /// Unicode characters, so a Chinese comment of 60 characters is 60 long;
    /// `"width"` counts display columns as a terminal shows them (East Asian
    /// wide and fullwidth characters count 2, combining marks 0, per Unicode's
    /// East Asian Width as the unicode-width crate computes it), which is what
    /// keeps CJK text within an editor's ruler. A tab counts `tab_width` columns
    /// in both units. The finding spans the part of the line past the limit; an
    /// ignore comment on the innermost declaration the line belongs to (a field,
    /// its trailing comment included) suppresses it.
    ///
    /// In `idl.toml`, under `[lint]`:
    ///
    /// ```toml
    /// rules.MAX_LINE_LENGTH = { limit = 120, unit = "width" }
    /// ```
    ///
    /// or as its own table:
    ///
    /// ```toml
    /// [lint.rules.MAX_LINE_LENGTH]
    /// limit = 120
    /// unit = "width"
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// // This comment runs on and on, well past the eighty characters the style guide allows.
    /// // Valid
    /// // This comment stops in time.
    /// ```
    pub struct MaxLineLength {
        id: "MAX_LINE_LENGTH",
        summary: "Lines are at most `limit` characters or display columns long (80).",
        severity: Error,
        fixable: false,
        options: [
            RuleOption {
                name: "limit",
                default: OptionDefault::Integer(80),
                help: "The longest line allowed, in `unit`s.",
            },
            RuleOption {
                name: "unit",
                default: OptionDefault::String("chars"),
                help: "`chars` (Unicode characters) or `width` (display columns: CJK counts 2).",
            },
            RuleOption {
                name: "tab_width",
                default: OptionDefault::Integer(4),
                help: "How many characters or columns a tab counts.",
            },
        ],
    }
}

/// How a line's length is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Chars,
    Width,
}

impl Unit {
    fn parse(text: &str) -> Option<Unit> {
        match text {
            "chars" => Some(Unit::Chars),
            "width" => Some(Unit::Width),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Unit::Chars => "characters",
            Unit::Width => "columns",
        }
    }
}

impl Rule for MaxLineLength {
    fn check_file(&self, cx: &mut Context<'_>, _file: &FileDescriptor) {
        let limit = usize::try_from(cx.option_int("limit")).unwrap_or(usize::MAX);
        let tab_width = usize::try_from(cx.option_int("tab_width")).unwrap_or(usize::MAX);
        // validate_option accepted only the two names.
        let unit = Unit::parse(cx.option_str("unit")).unwrap_or(Unit::Chars);
        let text = cx.file().source.text.clone();
        // (line start, cut, line end, length) of every long line.
        let mut long_lines = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            // A line's byte length bounds its length in both units (a wide character
            // takes 3 or 4 bytes), except for tabs: most lines need no closer look.
            if (content.len() > limit || content.contains('\t'))
                && let Some((cut, length)) = measure(content, limit, unit, tab_width)
            {
                long_lines.push((offset, offset + cut, offset + content.len(), length));
            }
            offset += line.len();
        }
        if long_lines.is_empty() {
            return;
        }
        let declarations = Declarations::new(cx.file());
        for (start, cut, end, length) in long_lines {
            let path = declarations.innermost(start, end).to_vec();
            let message = format!("Line is {length} {} long; the limit is {limit}.", unit.name());
            cx.report_span(&path, cut..end, message, None);
        }
    }

    fn validate_option(&self, name: &str, value: &toml::Value) -> Result<(), String> {
        match (name, value) {
            ("unit", toml::Value::String(text)) if Unit::parse(text).is_none() => {
                Err(format!("unknown unit `{text}`; expected one of: chars, width"))
            }
            ("limit", toml::Value::Integer(0)) => Err("the limit must be at least 1".to_string()),
            _ => Ok(()),
        }
    }
}

/// A file's declarations (paths of (kind, index) pairs; odd lengths are their
/// parts), sorted by start, to find the one a line belongs to.
struct Declarations<'f> {
    spans: Vec<(usize, usize, &'f [i32])>,
}

impl<'f> Declarations<'f> {
    fn new(file: &'f CompiledFile) -> Self {
        let mut spans: Vec<(usize, usize, &[i32])> = file
            .locations
            .iter()
            .filter(|location| !location.path.is_empty() && location.path.len() % 2 == 0)
            .map(|location| (location.start as usize, location.end as usize, &*location.path))
            .collect();
        spans.sort_by_key(|(start, _, _)| *start);
        Declarations { spans }
    }

    /// The path of the innermost declaration overlapping `start..end` (empty when
    /// none does), so that an ignore comment on a field covers its long lines,
    /// trailing comment included. Declarations nest or are disjoint, so the one
    /// starting last among those overlapping is the innermost.
    fn innermost(&self, start: usize, end: usize) -> &'f [i32] {
        let candidates = self.spans.partition_point(|(span_start, _, _)| *span_start <= end);
        self.spans[..candidates]
            .iter()
            .rev()
            .find(|(_, span_end, _)| *span_end >= start)
            .map_or(&[], |(_, _, path)| path)
    }
}

/// The line's length in `unit`s and the byte offset where it passes `limit`,
/// when it is longer than `limit`.
fn measure(line: &str, limit: usize, unit: Unit, tab_width: usize) -> Option<(usize, usize)> {
    let mut length = 0usize;
    let mut cut = None;
    for (index, c) in line.char_indices() {
        let size = match (c, unit) {
            ('\t', _) => tab_width,
            (_, Unit::Chars) => 1,
            (_, Unit::Width) => c.width().unwrap_or(0),
        };
        length = length.saturating_add(size);
        if length > limit && cut.is_none() {
            cut = Some(index);
        }
    }
    cut.map(|cut| (cut, length))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_in_chars_and_width() {
        assert_eq!(measure("abcd", 4, Unit::Chars, 4), None);
        assert_eq!(measure("abcde", 4, Unit::Chars, 4), Some((4, 5)));
        // Three CJK characters: 3 characters, 6 columns.
        assert_eq!(measure("// 中文字", 6, Unit::Chars, 4), None);
        assert_eq!(measure("// 中文字", 6, Unit::Width, 4), Some((6, 9)));
        assert_eq!(measure("\tab", 5, Unit::Chars, 4), Some((2, 6)));
        assert_eq!(measure("e\u{301}", 1, Unit::Width, 4), None);
    }
}
