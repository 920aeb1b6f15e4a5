//! The autofix engine behind `idl lint --fix`: apply the fixes findings carry,
//! recompile, re-lint, until nothing changes.
//!
//! Each pass takes every applicable fix (safe ones, or all with `--unsafe-fixes`),
//! keeps per file those whose edits overlap no fix kept before it (in position
//! order; the rest wait for the next pass, where they are recomputed on the new
//! text), applies them in memory and recompiles. A pass whose result does not
//! compile is dropped whole, so fixing never turns a compiling workspace into one
//! that does not. Files are written by the caller, once, at the end.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::compile::{Compilation, FileProvider, MemoryFiles, compile_from};
use crate::diagnostic::{Diagnostic, Edit, Fix};

/// At most this many fix-and-relint passes; fixes that keep producing new fixes
/// (a rule bug) stop here instead of looping.
pub const MAX_PASSES: usize = 10;

/// What `--fix` did.
pub struct FixRun {
    /// The compilation of the fixed texts (the input's when nothing applied).
    pub compilation: Compilation,
    /// The findings left in it.
    pub findings: Vec<Diagnostic>,
    /// Import name → (display path, fixed text) of every file a fix changed.
    pub changed: BTreeMap<String, (String, Arc<str>)>,
    /// Rule ID → fixes applied.
    pub applied: BTreeMap<String, usize>,
    /// Passes that changed something.
    pub passes: usize,
    /// Why fixing stopped early, when it did (a pass broke compilation, or the
    /// pass limit was reached).
    pub stopped: Option<String>,
}

/// Whether `fix` is applied by a run with or without `--unsafe-fixes`.
pub fn applicable(fix: &Fix, unsafe_fixes: bool) -> bool {
    (fix.safe || unsafe_fixes) && !fix.edits.is_empty()
}

/// Applies to `text` the fixes that do not overlap one applied before them, in
/// order of their first edit; returns the new text and the indices (into
/// `fixes`) of the fixes applied. Insertions at one offset do not overlap: they
/// go in in the order of `fixes`.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&index| fixes[index].edits.iter().map(|edit| (edit.start, edit.end)).min());
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut applied = Vec::new();
    let mut edits: Vec<&Edit> = Vec::new();
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    for index in order {
        let fix = fixes[index];
        let ranges: Vec<(usize, usize)> = fix.edits.iter().map(|edit| (edit.start, edit.end)).collect();
        let in_bounds = ranges.iter().all(|&(start, end)| {
            start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end)
        });
        let self_overlap = ranges.iter().enumerate().any(|(i, a)| ranges[i + 1..].iter().any(|b| overlaps(*a, *b)));
        if !in_bounds || self_overlap || ranges.iter().any(|a| taken.iter().any(|b| overlaps(*a, *b))) {
            continue;
        }
        taken.extend(ranges);
        edits.extend(&fix.edits);
        applied.push(index);
    }
    // Stable: insertions at one offset keep the order of their fixes.
    edits.sort_by_key(|edit| (edit.start, edit.end));
    let mut fixed = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        fixed.push_str(&text[at..edit.start]);
        fixed.push_str(&edit.replacement);
        at = edit.end;
    }
    fixed.push_str(&text[at..]);
    applied.sort_unstable();
    (fixed, applied)
}

/// Fixes `compilation`'s target files until no applicable fix is left, a pass
/// would break compilation, or [`MAX_PASSES`] passes ran. `imports` provides the
/// unchanged files (the workspace on disk); `lint` lints a compilation.
pub fn fix_until_stable(
    compilation: Compilation,
    imports: &dyn FileProvider,
    lint: impl Fn(&Compilation) -> Vec<Diagnostic>,
    unsafe_fixes: bool,
) -> FixRun {
    let targets: Vec<String> =
        compilation.files.iter().filter(|f| f.is_target).map(|f| f.source.name.clone()).collect();
    let mut run = FixRun {
        findings: lint(&compilation),
        compilation,
        changed: BTreeMap::new(),
        applied: BTreeMap::new(),
        passes: 0,
        stopped: None,
    };
    loop {
        // Fixes by file (display path, as findings name files).
        let mut by_path: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
        for finding in &run.findings {
            if finding.fix.as_ref().is_some_and(|fix| applicable(fix, unsafe_fixes)) {
                by_path.entry(finding.path.as_str()).or_default().push(finding);
            }
        }
        if by_path.is_empty() {
            return run;
        }
        if run.passes == MAX_PASSES {
            run.stopped = Some(format!("stopped after {MAX_PASSES} passes with fixes still applicable"));
            return run;
        }
        let mut changed = run.changed.clone();
        let mut applied: BTreeMap<String, usize> = BTreeMap::new();
        for file in run.compilation.files.iter().filter(|f| f.is_target) {
            let Some(findings) = by_path.get(file.source.display_path.as_str()) else { continue };
            let fixes: Vec<&Fix> = findings.iter().filter_map(|finding| finding.fix.as_ref()).collect();
            let (text, indices) = apply(&file.source.text, &fixes);
            if indices.is_empty() || text == *file.source.text {
                continue;
            }
            for index in indices {
                *applied.entry(findings[index].rule.clone()).or_default() += 1;
            }
            changed.insert(file.source.name.clone(), (file.source.display_path.clone(), Arc::from(text)));
        }
        if applied.is_empty() {
            return run;
        }
        let provider = MemoryFiles {
            files: changed.clone(),
            targets: targets.clone(),
            fallback: Some(imports),
            description: "fixed files".to_string(),
        };
        let compilation = compile_from(&provider);
        if compilation.has_errors() {
            let first = compilation.diagnostics.iter().find(|d| d.severity == crate::diagnostic::Severity::Error);
            let why = first.map_or(String::new(), |d| format!(": {}: {}", d.path, d.message));
            run.stopped = Some(format!("pass {} left out: its fixes would not compile{why}", run.passes + 1));
            return run;
        }
        run.passes += 1;
        for (rule, count) in applied {
            *run.applied.entry(rule).or_default() += count;
        }
        run.changed = changed;
        run.findings = lint(&compilation);
        run.compilation = compilation;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix {
            description: String::new(),
            edits: edits.iter().map(|&(start, end, text)| Edit { start, end, replacement: text.into() }).collect(),
            safe: true,
        }
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let text = "abcdef";
        let first = fix(&[(0, 2, "X")]);
        let overlapping = fix(&[(1, 3, "Y")]);
        let later = fix(&[(4, 5, "Z"), (5, 5, "!")]);
        let (fixed, applied) = apply(text, &[&later, &overlapping, &first]);
        assert_eq!(fixed, "XcdZ!f");
        assert_eq!(applied, [0, 2]);
    }

    #[test]
    fn insertions_at_one_offset_keep_their_order_and_bad_ranges_are_skipped() {
        let fixes = [&fix(&[(1, 1, "x")]), &fix(&[(1, 1, "y")]), &fix(&[(1, 9, "")]), &fix(&[(0, 1, "z")])];
        let (fixed, applied) = apply("ab", &fixes);
        assert_eq!((fixed.as_str(), applied), ("zxyb", vec![0, 1, 3]));
    }
}
