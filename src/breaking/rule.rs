//! The shape of a breaking rule: its declaration (metadata carrying the rule's
//! documentation and buf's categories) and the check function the engine calls
//! with every (base, head) pair it has matched.

use crate::diagnostic::{Diagnostic, Severity};

use super::{Pairs, SideFile};

/// The categories, strictest first: a change that breaks WIRE breaks every one.
/// CSR is buf's Confluent Schema Registry set; API (idl's own, off by default) is
/// for changes that break API clients without touching the encoding; ERRORS
/// (idl's own, off by default) for error values' reasons and codes.
pub const CATEGORIES: [&str; 7] = ["FILE", "PACKAGE", "WIRE_JSON", "WIRE", "CSR", "API", "ERRORS"];

/// Everything about a rule except its behaviour.
pub struct BreakingRule {
    /// buf's rule ID.
    pub id: &'static str,
    /// buf's categories for the rule (v2 config).
    pub categories: &'static [&'static str],
    /// The rule's documentation: the `///` lines of its declaration.
    pub doc: &'static str,
    pub check: fn(&Pairs<'_>, &mut Findings),
}

impl BreakingRule {
    /// One sentence, shown by `idl rules`: the first paragraph of the documentation.
    pub fn summary(&self) -> String {
        let lines = self.doc.lines().map(str::trim).take_while(|line| !line.is_empty());
        lines.collect::<Vec<_>>().join(" ")
    }

    /// Whether the rule runs without configuration (it is in FILE).
    pub fn is_default(&self) -> bool {
        self.categories.contains(&"FILE")
    }
}

impl std::fmt::Debug for BreakingRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BreakingRule").field("id", &self.id).finish()
    }
}

/// Declares a breaking rule; the `///` lines are its documentation, the first one
/// its summary.
#[macro_export]
macro_rules! breaking_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = $id:expr, [$($category:ident),* $(,)?] => $check:path;
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::breaking::rule::BreakingRule = $crate::breaking::rule::BreakingRule {
            id: $id,
            categories: &[$(stringify!($category)),*],
            doc: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
}

/// Where a finding points: a location of a file on one side, tried path by path
/// (buf's "backup locations"), or the file itself.
pub struct At<'s, 'a> {
    pub file: &'s SideFile<'a>,
    /// Descriptor paths tried in order; the file without a position when none is found.
    pub paths: Vec<Vec<i32>>,
    /// Where the element was (`base:path:line:column`), said in a note.
    pub was_at: Option<String>,
}

/// A finding before config ignores: the diagnostic and the files it concerns
/// (for `ignore` paths and unstable packages).
pub struct Finding {
    pub diagnostic: Diagnostic,
    /// Import names and packages of the files the finding is about (head and/or base).
    pub files: Vec<(String, String)>,
}

/// Collects one rule's findings.
pub struct Findings {
    pub(super) rule: &'static str,
    pub(super) list: Vec<Finding>,
}

impl Findings {
    /// Reports at a location; `also` names the file of the other side (buf checks
    /// ignores against both).
    pub fn report(&mut self, at: At<'_, '_>, also: Option<&SideFile<'_>>, message: String) {
        let file = at.file;
        let mut diagnostic = Diagnostic::new(self.rule, Severity::Error, message).with_path(file.display_path());
        if let (Some(source), Some(locations)) = (file.source, file.locations)
            && let Some(loc) = at.paths.iter().find_map(|p| locations.get(p))
        {
            diagnostic = diagnostic.with_span(source, loc.start as usize, loc.end as usize);
        } else if let Some(source) = file.source {
            // buf's fallback when an element has no location (an option that is
            // gone, a deleted element without a surviving parent): line 1, column 1.
            diagnostic = diagnostic.with_span(source, 0, 0);
        }
        if let Some(was_at) = at.was_at {
            diagnostic = diagnostic.with_note(format!("it was at {was_at}"));
        }
        let mut files = vec![(file.name().to_string(), file.package().to_string())];
        if let Some(other) = also {
            files.push((other.name().to_string(), other.package().to_string()));
        }
        self.list.push(Finding { diagnostic, files });
    }

    /// Reports at a byte range of a side file's text.
    pub fn report_span(
        &mut self,
        file: &SideFile<'_>,
        (start, end): (usize, usize),
        also: Option<&SideFile<'_>>,
        message: String,
    ) {
        let mut diagnostic = Diagnostic::new(self.rule, Severity::Error, message).with_path(file.display_path());
        if let Some(source) = file.source {
            diagnostic = diagnostic.with_span(source, start, end);
        }
        let mut files = vec![(file.name().to_string(), file.package().to_string())];
        if let Some(other) = also {
            files.push((other.name().to_string(), other.package().to_string()));
        }
        self.list.push(Finding { diagnostic, files });
    }

    /// Reports about a file as a whole (no position).
    pub fn report_file(&mut self, file: &SideFile<'_>, message: String) {
        let diagnostic = Diagnostic::new(self.rule, Severity::Error, message).with_path(file.display_path());
        let files = vec![(file.name().to_string(), file.package().to_string())];
        self.list.push(Finding { diagnostic, files });
    }
}

/// Shorthand for a location at one path.
pub fn at<'s, 'a>(file: &'s SideFile<'a>, path: &[i32]) -> At<'s, 'a> {
    At { file, paths: vec![path.to_vec()], was_at: None }
}

/// Shorthand for a location tried at several paths in order.
pub fn at_any<'s, 'a>(file: &'s SideFile<'a>, paths: Vec<Vec<i32>>) -> At<'s, 'a> {
    At { file, paths, was_at: None }
}

/// Line 1, column 1 of `file`, with where the deleted element was in `base` (at
/// `base_path`) as a note.
pub fn at_file_start<'s, 'a>(file: &'s SideFile<'a>, base: &SideFile<'_>, base_path: &[i32]) -> At<'s, 'a> {
    let was_at = match (base.source, base.locations.and_then(|locations| locations.get(base_path))) {
        (Some(source), Some(loc)) => {
            let position = source.position(loc.start as usize);
            Some(format!("{}:{}:{}", base.display_path(), position.line, position.column))
        }
        _ => None,
    };
    At { file, paths: Vec::new(), was_at }
}

/// A descriptor path extended by more components.
pub fn sub(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = path.to_vec();
    p.extend_from_slice(more);
    p
}
