//! The one finding type every checker emits and the report layer renders.

use std::cmp::Ordering;

use serde::Serialize;

use crate::source::{Position, SourceFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    #[serde(rename = "warning")]
    Warn,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warn => "warning",
            Severity::Info => "info",
        }
    }
}

/// Where a finding is: byte offsets into the file plus the derived positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub start_offset: usize,
    pub end_offset: usize,
    pub start: Position,
    pub end: Position,
}

impl Span {
    pub fn new(file: &SourceFile, start_offset: usize, end_offset: usize) -> Span {
        let end_offset = end_offset.max(start_offset);
        Span { start_offset, end_offset, start: file.position(start_offset), end: file.position(end_offset) }
    }
}

/// One replacement of a byte range of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

/// A fix is a set of non-overlapping edits in the diagnostic's file. `safe` fixes
/// change no wire, JSON or generated-code name and are applied by `--fix`;
/// the others need `--unsafe-fixes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
    pub safe: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Rule ID (`ENUM_PASCAL_CASE`), or `COMPILE` / `IO` / `CONFIG` for input problems.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// The path shown to users; empty when the finding concerns no file.
    pub path: String,
    pub span: Option<Span>,
    pub notes: Vec<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(rule: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: rule.into(),
            severity,
            message: message.into(),
            path: String::new(),
            span: None,
            notes: Vec::new(),
            fix: None,
        }
    }

    pub fn error(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Error, message)
    }

    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    pub fn with_span(mut self, file: &SourceFile, start: usize, end: usize) -> Self {
        self.path = file.display_path.clone();
        self.span = Some(Span::new(file, start, end));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Stable order for output: path, position, rule, message.
    pub fn sort_key_cmp(&self, other: &Self) -> Ordering {
        let pos = |d: &Diagnostic| d.span.map(|s| (s.start.line, s.start.column, s.end.line, s.end.column));
        self.path
            .cmp(&other.path)
            .then_with(|| pos(self).cmp(&pos(other)))
            .then_with(|| self.rule.cmp(&other.rule))
            .then_with(|| self.message.cmp(&other.message))
    }
}

/// Sorts diagnostics into their stable output order and drops exact duplicates.
pub fn sort_and_dedup(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| a.sort_key_cmp(b));
    diags.dedup_by(|a, b| a.sort_key_cmp(b) == Ordering::Equal);
}
