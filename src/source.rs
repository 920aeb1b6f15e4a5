//! Source files as read from disk (or a git tree), kept for every later stage.
//!
//! A file is read exactly once; its text is shared (`Arc<str>`) by the parser, the
//! compiler, lint rules, the formatter and the report layer. Positions are byte
//! offsets internally; [`SourceFile::position`] turns them into the 1-based
//! line/character columns users see.

use std::sync::Arc;

/// One `.proto` file: its import name, where it came from, and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The import path, relative to its root (`google/api/http.proto`).
    pub name: String,
    /// The path shown to users (relative to the working directory when possible).
    pub display_path: String,
    pub text: Arc<str>,
    line_starts: Arc<[u32]>,
}

/// A 1-based line and column; `column` counts Unicode scalar values, `column_utf16`
/// counts UTF-16 code units (what LSP clients expect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub column_utf16: u32,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, display_path: impl Into<String>, text: Arc<str>) -> Self {
        let mut starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i as u32 + 1);
            }
        }
        SourceFile { name: name.into(), display_path: display_path.into(), text, line_starts: starts.into() }
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line_index: usize) -> usize {
        self.line_starts[line_index] as usize
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of a 0-based line, without its line terminator.
    pub fn line_text(&self, line_index: usize) -> &str {
        let start = self.line_start(line_index);
        let end = if line_index + 1 < self.line_starts.len() {
            self.line_starts[line_index + 1] as usize
        } else {
            self.text.len()
        };
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// 1-based line and column (in characters and in UTF-16 units) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_index(offset);
        let prefix = &self.text[self.line_start(line)..offset];
        Position {
            line: line as u32 + 1,
            column: prefix.chars().count() as u32 + 1,
            column_utf16: prefix.encode_utf16().count() as u32 + 1,
        }
    }

    /// protoc's 0-based (line, column) for SourceCodeInfo: columns count bytes and a
    /// tab advances to the next multiple of 8, as protoc's tokenizer does.
    pub fn protoc_line_column(&self, offset: usize) -> (i32, i32) {
        let line = self.line_index(offset);
        let mut col = 0i32;
        for b in self.text.as_bytes()[self.line_start(line)..offset].iter() {
            if *b == b'\t' {
                col += 8 - col % 8;
            } else {
                col += 1;
            }
        }
        (line as i32, col)
    }

    /// Byte offset of a 1-based line and character column (clamped to the text).
    pub fn offset_of(&self, line: u32, column: u32) -> usize {
        let li = (line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        let start = self.line_start(li);
        let text = self.line_text(li);
        let skip = column.max(1) as usize - 1;
        start + text.char_indices().nth(skip).map(|(i, _)| i).unwrap_or(text.len())
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_utf16() {
        let f = SourceFile::new("a.proto", "a.proto", Arc::from("ab\n// 中文😀x\n"));
        assert_eq!(f.position(0), Position { line: 1, column: 1, column_utf16: 1 });
        let x = f.text.find('x').unwrap();
        let p = f.position(x);
        assert_eq!((p.line, p.column, p.column_utf16), (2, 7, 8));
        assert_eq!(f.offset_of(2, 7), x);
        assert_eq!(f.line_text(1), "// 中文😀x");
    }

    #[test]
    fn protoc_columns_expand_tabs() {
        let f = SourceFile::new("a.proto", "a.proto", Arc::from("\tx\n  \ty"));
        assert_eq!(f.protoc_line_column(1), (0, 8));
        assert_eq!(f.protoc_line_column(6), (1, 8));
    }
}

/// Every source file of a run, by display path: what the report layer needs to show
/// snippets and compute fingerprints.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    by_display_path: std::collections::HashMap<String, SourceFile>,
}

impl Sources {
    pub fn insert(&mut self, file: SourceFile) {
        self.by_display_path.insert(file.display_path.clone(), file);
    }

    pub fn get(&self, display_path: &str) -> Option<&SourceFile> {
        self.by_display_path.get(display_path)
    }
}
