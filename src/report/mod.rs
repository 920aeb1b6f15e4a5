//! The report layer: renders diagnostics in every output format.
//!
//! Every renderer takes the diagnostics in the order they arrive (callers sort
//! them with [`crate::diagnostic::sort_and_dedup`]) and copes with findings that
//! have no span or no path (configuration and usage problems).

mod github;
mod gitlab;
mod json;
mod junit;
mod sarif;
mod text;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;

/// The output formats of every command that reports findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Rich snippets for people, with a summary line.
    Text,
    /// One `path:line:col: [RULE] message` line per finding.
    Short,
    /// JSON Lines, one object per finding: the editor contract.
    Json,
    /// GitHub Actions workflow commands (inline annotations).
    Github,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// JUnit XML shaped like buf's `--error-format=junit`.
    Junit,
    /// GitLab Code Quality report (JSON), for `artifacts:reports:codequality`.
    Gitlab,
}

/// What the renderers need besides the diagnostics themselves.
pub struct ReportOptions<'a> {
    /// Whether `text` output may use ANSI colors (see [`color_wanted`]).
    pub color: bool,
    pub tool_version: &'a str,
    /// The subcommand that produced the findings (`lint`, `breaking`, ...).
    pub command: &'a str,
    /// One-sentence documentation of a rule, for SARIF's `rules[]`.
    pub rule_summary: &'a dyn Fn(&str) -> Option<String>,
}

/// Writes `diags` to `out` in `format`.
pub fn write_report(
    out: &mut dyn Write,
    format: OutputFormat,
    diags: &[Diagnostic],
    sources: &Sources,
    opts: &ReportOptions,
) -> io::Result<()> {
    match format {
        OutputFormat::Text => text::write_text(out, diags, sources, opts.color),
        OutputFormat::Short => text::write_short(out, diags),
        OutputFormat::Json => json::write_json(out, diags, sources),
        OutputFormat::Github => github::write_github(out, diags),
        OutputFormat::Sarif => sarif::write_sarif(out, diags, sources, opts),
        OutputFormat::Junit => junit::write_junit(out, diags),
        OutputFormat::Gitlab => gitlab::write_gitlab(out, diags),
    }
}

/// Renders a report one path at a time, for the lint cache, which keeps each
/// path's rendering and writes the report as their concatenation
/// (src/lint/incremental/warm.rs). Only the formats whose report is the
/// concatenation of its findings' renderings in sorted order qualify; `text`
/// adds its summary line after them ([`PathRenderer::tail`]).
#[derive(Debug, Clone)]
pub struct PathRenderer {
    format: OutputFormat,
    color: bool,
    /// `--quiet`: only findings that fail the run are shown.
    quiet: bool,
    deny_warnings: bool,
}

/// One path's rendering, and what the whole report needs of it.
#[derive(Debug, Clone, Default)]
pub struct RenderedPath {
    pub bytes: Vec<u8>,
    /// A lint finding (not a compile warning) here fails the run.
    pub fails: bool,
    /// Rendered diagnostics by severity (error, warning, info), for `text`'s summary.
    pub counts: [u32; 3],
}

impl PathRenderer {
    /// `None` for the formats that write one document (SARIF, JUnit, GitLab).
    pub fn new(format: OutputFormat, color: bool, quiet: bool, deny_warnings: bool) -> Option<PathRenderer> {
        matches!(format, OutputFormat::Text | OutputFormat::Short | OutputFormat::Json | OutputFormat::Github)
            .then_some(PathRenderer { format, color: color && format == OutputFormat::Text, quiet, deny_warnings })
    }

    /// What makes two renderings of the same diagnostics differ.
    pub fn variant(&self) -> String {
        format!("{:?} color={} quiet={} deny={}", self.format, self.color, self.quiet, self.deny_warnings)
    }

    /// Whether rendering `diags` reads their file's text: `text` shows snippets,
    /// `json` locates the edits of fixes.
    pub fn needs_source(&self, diags: &[Diagnostic]) -> bool {
        match self.format {
            OutputFormat::Text => !diags.is_empty(),
            OutputFormat::Json => diags.iter().any(|d| d.fix.is_some()),
            _ => false,
        }
    }

    /// Renders the diagnostics of one path: `findings` (lint findings, which
    /// decide the exit code) and `others` (compile warnings), sorted and
    /// deduplicated as a whole report would be.
    pub fn render(&self, findings: Vec<Diagnostic>, others: Vec<Diagnostic>, sources: &Sources) -> RenderedPath {
        let fails = exit_code(&findings, self.deny_warnings) != 0;
        let mut diags = findings;
        diags.extend(others);
        if self.quiet {
            diags.retain(|d| exit_code(std::slice::from_ref(d), self.deny_warnings) != 0);
        }
        crate::diagnostic::sort_and_dedup(&mut diags);
        let mut counts = [0u32; 3];
        for d in &diags {
            counts[severity_index(d.severity)] += 1;
        }
        let mut bytes = Vec::new();
        let rendered = match self.format {
            OutputFormat::Text => text::write_text_findings(&mut bytes, &diags, sources, self.color),
            format => {
                let options = ReportOptions { color: false, tool_version: "", command: "", rule_summary: &|_| None };
                write_report(&mut bytes, format, &diags, sources, &options)
            }
        };
        // Writing to memory fails only when miette cannot render; the whole
        // report would have failed the same way.
        if rendered.is_err() {
            bytes.clear();
        }
        RenderedPath { bytes, fails, counts }
    }

    /// What follows the paths: `text`'s summary line of the counts summed.
    pub fn tail(&self, counts: [u32; 3]) -> Vec<u8> {
        match (self.format, text::summary_of_counts(counts)) {
            (OutputFormat::Text, Some(summary)) => format!("{summary}\n").into_bytes(),
            _ => Vec::new(),
        }
    }
}

fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warn => 1,
        Severity::Info => 2,
    }
}

/// The process exit code for a set of findings: 1 if any is an error (or a
/// warning, with `deny_warnings`), else 0. Info findings never fail a run.
pub fn exit_code(diags: &[Diagnostic], deny_warnings: bool) -> i32 {
    let fails = |d: &Diagnostic| match d.severity {
        Severity::Error => true,
        Severity::Warn => deny_warnings,
        Severity::Info => false,
    };
    i32::from(diags.iter().any(fails))
}

/// Whether to color output written to a stream: only on a terminal, and never
/// when `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
pub fn color_wanted(stream_is_tty: bool) -> bool {
    color_allowed(std::env::var_os("NO_COLOR").as_deref(), stream_is_tty)
}

fn color_allowed(no_color: Option<&std::ffi::OsStr>, stream_is_tty: bool) -> bool {
    stream_is_tty && no_color.is_none_or(|v| v.is_empty())
}

/// `path:line:col`, `path` when there is no span, or `None` when there is no path.
fn location(d: &Diagnostic) -> Option<String> {
    if d.path.is_empty() {
        return None;
    }
    Some(match d.span {
        Some(span) => format!("{}:{}:{}", d.path, span.start.line, span.start.column),
        None => d.path.clone(),
    })
}

/// The message followed by its notes, one per line: for formats whose viewers
/// show a single text per finding (GitHub annotations, SARIF).
fn message_with_notes(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    for note in &d.notes {
        text.push('\n');
        text.push_str(note);
    }
    text
}

/// The diagnostics every renderer's snapshot test shares: every awkward case
/// once (no path, no span, CJK and astral characters before a span, a tab,
/// notes and a fix, characters that need escaping in some format).
#[cfg(test)]
mod fixture {
    use std::sync::Arc;

    use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
    use crate::source::{SourceFile, Sources};

    use super::ReportOptions;

    pub const A_PROTO: &str = "syntax = \"proto3\";\npackage foo.v1;\nmessage bad_name {\n\tstring FieldA = 1;\n  // 𠮷野家 中文 TODO: fix\n}\n";

    pub fn sources() -> Sources {
        let mut sources = Sources::default();
        sources.insert(SourceFile::new("foo/v1/a.proto", "foo/v1/a.proto", Arc::from(A_PROTO)));
        sources
    }

    fn span_of(needle: &str) -> (usize, usize) {
        let start = A_PROTO.find(needle).expect("needle in fixture");
        (start, start + needle.len())
    }

    pub fn diagnostics() -> Vec<Diagnostic> {
        let sources = sources();
        let a = sources.get("foo/v1/a.proto").unwrap();
        let (name_start, name_end) = span_of("bad_name");
        let (field_start, field_end) = span_of("FieldA");
        let (todo_start, todo_end) = span_of("TODO");
        vec![
            Diagnostic::error("CONFIG", "unknown rule \"FOO\" in [lint] use, remove it"),
            Diagnostic::error(
                "MESSAGE_PASCAL_CASE",
                "Message name \"bad_name\" should be PascalCase, such as \"BadName\".",
            )
            .with_span(a, name_start, name_end)
            .with_note("PascalCase keeps generated class names idiomatic")
            .with_fix(Fix {
                description: "rename to BadName".into(),
                edits: vec![Edit { start: name_start, end: name_end, replacement: "BadName".into() }],
                safe: false,
            }),
            Diagnostic::new(
                "FIELD_LOWER_SNAKE_CASE",
                Severity::Warn,
                "Field name \"FieldA\" should be lower_snake_case: 100% of fields, e.g. \"field_a\".",
            )
            .with_span(a, field_start, field_end),
            Diagnostic::new("COMMENT_TODO", Severity::Info, "TODO left in <comment> & \"unresolved\"")
                .with_span(a, todo_start, todo_end),
            Diagnostic::error("COMPILE", "syntax error:\nexpected \";\", found \"}\"").with_path("foo/v1/b.proto"),
        ]
    }

    fn rule_summary(rule: &str) -> Option<String> {
        (rule == "MESSAGE_PASCAL_CASE").then(|| "Message names are PascalCase.".to_string())
    }

    pub fn options() -> ReportOptions<'static> {
        ReportOptions { color: false, tool_version: "0.1.0", command: "lint", rule_summary: &rule_summary }
    }

    /// Snapshots live in `testdata/report/snapshots`, next to the other report test data.
    pub fn assert_snapshot(name: &str, rendered: &str) {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("../../testdata/report/snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(name, rendered));
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use clap::ValueEnum;

    use super::*;

    #[test]
    fn exit_code_fails_on_errors_and_optionally_warnings() {
        let warn = Diagnostic::new("R", Severity::Warn, "w");
        let info = Diagnostic::new("R", Severity::Info, "i");
        let error = Diagnostic::error("R", "e");
        let warn_and_info = [warn, info];
        assert_eq!(exit_code(&[], true), 0);
        assert_eq!(exit_code(&warn_and_info[1..], true), 0);
        assert_eq!(exit_code(&warn_and_info, false), 0);
        assert_eq!(exit_code(&warn_and_info, true), 1);
        assert_eq!(exit_code(&[error], false), 1);
    }

    #[test]
    fn color_needs_a_tty_and_no_non_empty_no_color() {
        assert!(color_allowed(None, true));
        assert!(color_allowed(Some(OsStr::new("")), true));
        assert!(!color_allowed(Some(OsStr::new("1")), true));
        assert!(!color_allowed(None, false));
    }

    #[test]
    fn every_format_accepts_no_findings() {
        let sources = Sources::default();
        for &format in OutputFormat::value_variants() {
            let mut out = Vec::new();
            write_report(&mut out, format, &[], &sources, &fixture::options()).unwrap();
            // SARIF, JUnit and GitLab consumers expect a document even when nothing was found.
            let writes_a_document = matches!(format, OutputFormat::Sarif | OutputFormat::Junit | OutputFormat::Gitlab);
            assert_eq!(out.is_empty(), !writes_a_document, "{format:?}: {}", String::from_utf8_lossy(&out));
        }
    }
}
