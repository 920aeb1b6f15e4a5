//! `idl lint`: compile the workspace, lint the files asked for, report.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::Path;

use toml::Spanned;

use super::args::LintArgs;
use super::{
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, IO_RULE, Reporter, discover_buffer_workspace, discover_cached_workspace,
};
use crate::compile::{Compilation, OverlayFiles, WorkspaceFiles};
use crate::config::CONFIG_RULE;
use crate::diagnostic::Diagnostic;
use crate::lint::fix::fix_until_stable;
use crate::lint::presets;
use crate::report;
use crate::report::OutputFormat;
use crate::source::Sources;
use crate::workspace::Workspace;

pub(super) fn run(args: &LintArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let discovered = match &args.stdin_filename {
        Some(path) => discover_buffer_workspace(reporter, args.format, config, path),
        None => discover_cached_workspace(reporter, args.format, config, &args.paths, !args.no_cache && !args.fix),
    };
    let workspace = match discovered {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let usage_error = |message: String| {
        reporter.report(args.format, vec![Diagnostic::error(CONFIG_RULE, message)], &Sources::default(), false);
        EXIT_ERROR
    };
    if args.fix && args.stdin_filename.is_some() {
        // An editor applies fixes through `idl lsp` code actions, not by rewriting a file it holds.
        return usage_error("idl lint --fix cannot be combined with --stdin-filename".to_string());
    }
    if args.fix && args.write_baseline.is_some() {
        return usage_error("idl lint --fix cannot be combined with --write-baseline".to_string());
    }
    let mut lint_config = workspace.config.lint.clone();
    if let Some(preset) = &args.preset {
        if !presets::presets().contains_key(preset.as_str()) {
            let known: Vec<&str> = presets::presets().keys().copied().collect();
            return usage_error(format!("unknown lint preset `{preset}`; expected one of: {}", known.join(", ")));
        }
        lint_config.preset = Some(Spanned::new(0..0, preset.clone()));
    }

    // Paths relative to the config: what path ignores and a baseline name (two
    // maps of every target, a few milliseconds of a warm run that needs neither).
    let path_ignores = !crate::lint::ignore::PathIgnores::new(&lint_config).0.is_empty();
    let relative =
        if path_ignores || args.write_baseline.is_some() { relative_paths(&workspace) } else { HashMap::new() };
    let by_name: HashMap<String, String> = if path_ignores {
        workspace.targets.iter().map(|t| (t.name.clone(), relative[&t.display_path].clone())).collect()
    } else {
        HashMap::new()
    };
    // The cached run (src/lint/incremental/mod.rs) knows the findings of files that did
    // not change; it declines what it cannot cache, which then runs as below.
    let cache_dir = (!args.no_cache && !args.fix && args.stdin_filename.is_none())
        .then(|| crate::cache::CacheDir::for_workspace(&workspace))
        .flatten();
    // A report the cache may keep by path (src/lint/incremental/warm.rs): not a
    // baseline, and not with workspace warnings (which belong to no file).
    let deny_warnings = args.deny.is_some() || lint_config.deny_warnings;
    let renderer = (args.write_baseline.is_none() && workspace.warnings.is_empty())
        .then(|| reporter.path_renderer(args.format, deny_warnings))
        .flatten();
    if let Some(dir) = &cache_dir
        && let Some(cached) = crate::lint::incremental::lint(
            &workspace,
            &lint_config,
            args.preset.as_deref(),
            &by_name,
            dir,
            renderer.as_ref(),
        )
    {
        return report_cached(args, reporter, workspace, &lint_config, cached, &relative);
    }

    let mut compilation = match &args.stdin_filename {
        Some(path) => match compile_stdin_buffer(&workspace, path) {
            Ok(compilation) => compilation,
            Err(diag) => {
                reporter.report(args.format, vec![*diag], &Sources::default(), false);
                return EXIT_ERROR;
            }
        },
        None => super::compile_until_exit(&workspace),
    };
    let lint = |compilation: &Compilation| {
        crate::lint::lint_with_paths(compilation, &lint_config, workspace.config_file.as_ref(), &by_name)
    };
    let mut timer = crate::compile::PhaseTimer::from_env();
    let mut fix_summary = None;
    let findings = if args.fix && !compilation.has_errors() {
        let (fixed, findings, summary) =
            fix(&workspace, compilation, &lint, args.unsafe_fixes, args.write_outside_workspace);
        compilation = fixed;
        fix_summary = Some(summary);
        findings
    } else {
        lint(compilation)
    };
    timer.phase("lint");
    let mut sources = Sources::default();
    for file in compilation.files.iter().map(|f| &f.source) {
        sources.insert(file.clone());
    }
    let compile_failed = compilation.has_errors();
    let outcome = Outcome {
        findings,
        compile_diagnostics: std::mem::take(&mut compilation.diagnostics),
        compile_failed,
        fix_summary,
    };
    report_outcome(args, reporter, workspace, &lint_config, outcome, sources, &relative)
}

/// What a lint run found, cached or not.
struct Outcome {
    findings: Vec<Diagnostic>,
    compile_diagnostics: Vec<Diagnostic>,
    compile_failed: bool,
    fix_summary: Option<FixSummary>,
}

fn report_cached(
    args: &LintArgs,
    reporter: &Reporter,
    workspace: Workspace,
    lint_config: &crate::config::LintConfig,
    mut cached: crate::lint::incremental::CachedLint,
    relative: &HashMap<String, String>,
) -> i32 {
    if std::env::var_os("IDL_TIMINGS").is_some() {
        eprintln!("idl: lint cache: {} of {} target files compiled", cached.compiled, cached.targets);
    }
    if let Some(rendered) = cached.rendered.take() {
        let mut timer = crate::compile::PhaseTimer::from_env();
        reporter.write_rendered(rendered.pieces());
        timer.phase("report (rendered by path)");
        if let Some(notice) = cached.finish_saving() {
            let _ = writeln!(io::stderr(), "idl lint: {notice}");
        }
        let code = if rendered.fails { EXIT_FINDINGS } else { EXIT_CLEAN };
        // The process ends here: its memory goes back whole, so freeing the
        // snapshot's maps, the closure and the workspace one by one (several ms
        // of a warm run) is skipped. The save has finished (`finish_saving`).
        std::mem::forget((rendered, cached, workspace));
        return code;
    }
    // Text snippets and SARIF fingerprints read the source; the other formats
    // only locate fixes.
    let formats = std::iter::once(args.format).chain(reporter.reports.iter().map(|r| r.format));
    let snippets = formats.into_iter().any(|f| matches!(f, OutputFormat::Text | OutputFormat::Sarif));
    let mut sources = Sources::default();
    for file in cached.sources(snippets) {
        sources.insert(file);
    }
    let outcome = Outcome {
        findings: std::mem::take(&mut cached.findings),
        compile_diagnostics: std::mem::take(&mut cached.compile_diagnostics),
        compile_failed: false,
        fix_summary: None,
    };
    let code = report_outcome(args, reporter, workspace, lint_config, outcome, sources, relative);
    if let Some(notice) = cached.finish_saving() {
        let _ = writeln!(io::stderr(), "idl lint: {notice}");
    }
    code
}

/// Reports a run's findings (or writes the baseline) and gives the exit code.
fn report_outcome(
    args: &LintArgs,
    reporter: &Reporter,
    workspace: Workspace,
    lint_config: &crate::config::LintConfig,
    outcome: Outcome,
    mut sources: Sources,
    relative: &HashMap<String, String>,
) -> i32 {
    let Outcome { findings, compile_diagnostics, compile_failed, fix_summary } = outcome;
    if let Some(file) = &workspace.config_file {
        sources.insert(file.clone());
    }
    let config_failed = findings.iter().any(|d| d.rule == CONFIG_RULE);
    let deny_warnings = args.deny.is_some() || lint_config.deny_warnings;
    let mut code =
        if compile_failed || config_failed { EXIT_ERROR } else { report::exit_code(&findings, deny_warnings) };

    let mut diags = workspace.warnings;
    diags.extend(compile_diagnostics);
    match &args.write_baseline {
        // A baseline of a run that did not see every file would drop ignores later.
        Some(path) if code != EXIT_ERROR => {
            let (text, summary) = baseline(&findings, relative);
            match write_file(path, &text) {
                Ok(()) => {
                    let _ = writeln!(io::stderr(), "idl lint: wrote {} ({summary})", path.display());
                    code = EXIT_CLEAN;
                }
                Err(error) => {
                    diags.push(Diagnostic::error(IO_RULE, format!("cannot write {}: {error}", path.display())));
                    code = EXIT_ERROR;
                }
            }
            diags.extend(findings.into_iter().filter(|d| d.rule == CONFIG_RULE));
        }
        _ => diags.extend(findings),
    }
    let fix_failed = fix_summary.as_ref().is_some_and(|summary: &FixSummary| summary.failed);
    if let Some(summary) = fix_summary {
        diags.extend(summary.errors);
        // Machine formats carry findings only; the summary is for people.
        if matches!(args.format, OutputFormat::Text | OutputFormat::Short) && !reporter.quiet {
            let _ = writeln!(io::stderr(), "{}", summary.text);
        }
    }
    let mut timer = crate::compile::PhaseTimer::from_env();
    reporter.report(args.format, diags, &sources, deny_warnings);
    timer.phase("report");
    if fix_failed { EXIT_ERROR } else { code }
}

/// What `--fix` reports besides the findings left.
struct FixSummary {
    /// "idl lint --fix: applied 3 fixes in 2 files (IMPORT_USED 1, IMPORTS_SORTED 2)".
    text: String,
    /// Files that could not be written.
    errors: Vec<Diagnostic>,
    failed: bool,
}

/// Runs the fix loop, writes the changed files (temp file + rename, as `format
/// -w`), and returns the fixed compilation, the findings left and a summary.
fn fix(
    workspace: &Workspace,
    compilation: &'static mut Compilation,
    lint: &dyn Fn(&Compilation) -> Vec<Diagnostic>,
    unsafe_fixes: bool,
    write_outside_workspace: bool,
) -> (&'static mut Compilation, Vec<Diagnostic>, FixSummary) {
    let empty = Compilation { pool: Default::default(), files: Vec::new(), diagnostics: Vec::new() };
    let original = std::mem::replace(compilation, empty);
    let imports = WorkspaceFiles::new(workspace);
    let run = fix_until_stable(original, &imports, lint, unsafe_fixes);
    let mut errors = Vec::new();
    let config_failed = run.findings.iter().any(|d| d.rule == CONFIG_RULE);
    let mut written = 0;
    if !config_failed {
        let writer = crate::in_place::InPlace::new(&workspace.base_dir, write_outside_workspace);
        let paths: HashMap<&str, &Path> =
            workspace.targets.iter().map(|t| (t.name.as_str(), t.path.as_path())).collect();
        for (name, (display, text)) in &run.changed {
            let Some(path) = paths.get(name.as_str()) else { continue };
            match writer.write(path, text) {
                Ok(()) => written += 1,
                Err(error) => errors.push(Diagnostic::error(IO_RULE, format!("cannot write {display}: {error}"))),
            }
        }
    }
    let total: usize = run.applied.values().sum();
    let mut text = if config_failed {
        "idl lint --fix: nothing written (the lint configuration has errors)".to_string()
    } else if total == 0 {
        "idl lint --fix: no fixes to apply".to_string()
    } else {
        let per_rule: Vec<String> = run.applied.iter().map(|(rule, count)| format!("{rule} {count}")).collect();
        format!("idl lint --fix: applied {total} fixes in {written} files ({})", per_rule.join(", "))
    };
    let unsafe_left = run.findings.iter().filter(|d| d.fix.as_ref().is_some_and(|fix| !fix.safe)).count();
    if !unsafe_fixes && unsafe_left > 0 {
        text.push_str(&format!("; {unsafe_left} more with --unsafe-fixes"));
    }
    if let Some(stopped) = &run.stopped {
        text.push_str(&format!("; {stopped}"));
    }
    let failed = !errors.is_empty();
    let fixed = Box::leak(Box::new(run.compilation));
    (fixed, run.findings, FixSummary { text, errors, failed })
}

/// Display path of every target → its path relative to the config's directory
/// (what `ignore` and `ignore_only` name), `/`-separated.
fn relative_paths(workspace: &Workspace) -> HashMap<String, String> {
    workspace
        .targets
        .iter()
        .map(|target| {
            let relative = match target.path.strip_prefix(&workspace.base_dir) {
                Ok(relative) => relative.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/"),
                Err(_) => target.display_path.clone(),
            };
            (target.display_path.clone(), relative)
        })
        .collect()
}

/// The `[lint.ignore_only]` table that ignores every finding, and a summary of it.
fn baseline(findings: &[Diagnostic], relative: &HashMap<String, String>) -> (String, String) {
    let mut by_rule: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut count = 0;
    for finding in findings.iter().filter(|d| d.rule != CONFIG_RULE) {
        if let Some(path) = relative.get(&finding.path) {
            by_rule.entry(finding.rule.as_str()).or_default().insert(path.as_str());
            count += 1;
        }
    }
    let mut text = String::from(
        "# Written by `idl lint --write-baseline`: ignores every finding of that run.\n\
         # Add it to idl.toml (merge it into an existing [lint.ignore_only] table);\n\
         # paths are relative to the directory of idl.toml.\n\
         [lint.ignore_only]\n",
    );
    let files: BTreeSet<&str> = by_rule.values().flatten().copied().collect();
    for (rule, paths) in &by_rule {
        text.push_str(rule);
        text.push_str(" = [\n");
        for path in paths {
            text.push_str("  ");
            text.push_str(&toml::Value::String((*path).to_string()).to_string());
            text.push_str(",\n");
        }
        text.push_str("]\n");
    }
    let summary = format!("{count} findings of {} rules in {} files", by_rule.len(), files.len());
    (text, summary)
}

/// Writes `text` to `path`, or to stdout for `-`.
fn write_file(path: &Path, text: &str) -> io::Result<()> {
    if path == Path::new("-") {
        let mut stdout = io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()
    } else {
        std::fs::write(path, text)
    }
}

/// Compiles the workspace of `--stdin-filename` with stdin in place of its one
/// target (none when the config excludes it), the other files from disk. Like
/// [`super::compile_until_exit`], the result lives until the process ends.
fn compile_stdin_buffer(workspace: &Workspace, path: &Path) -> Result<&'static mut Compilation, Box<Diagnostic>> {
    let target = workspace.targets.first();
    // Read even when excluded: an editor writing the buffer must not see a broken pipe.
    let shown = target.map_or_else(|| path.to_string_lossy().into_owned(), |t| t.display_path.clone());
    let text = super::read_stdin_buffer(&shown)?;
    let mut buffers = HashMap::new();
    if let Some(target) = target {
        buffers.insert(target.path.clone(), text);
    }
    let compilation = crate::compile::compile_from(&OverlayFiles::new(workspace, &buffers));
    Ok(Box::leak(Box::new(compilation)))
}
