//! `idl new PATH`: plan the file from the workspace (`crate::scaffold`), let the
//! lint fixes fill in what the rules derive, format it, lint it once more, write it.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::NewArgs;
use super::{EXIT_ERROR, IO_RULE, Reporter, discover_buffer_workspace, discover_workspace};
use crate::compile::{Compilation, OverlayFiles};
use crate::diagnostic::Diagnostic;
use crate::lint::fix::fix_until_stable;
use crate::report::{self, OutputFormat};
use crate::scaffold::{self, NEW_RULE};
use crate::source::Sources;
use crate::workspace::Workspace;

pub(super) fn run(args: &NewArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let fail = |diags: Vec<Diagnostic>, sources: &Sources| {
        reporter.report(args.format, diags, sources, false);
        EXIT_ERROR
    };
    if args.path.extension().is_none_or(|e| e != "proto") {
        let message = format!("{} is not a .proto file", args.path.display());
        return fail(vec![Diagnostic::error(NEW_RULE, message)], &Sources::default());
    }
    let buffer_workspace = match discover_buffer_workspace(reporter, args.format, config, &args.path) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let Some(target) = buffer_workspace.targets.first().cloned() else {
        let message = format!("{} is excluded by the config: idl would not lint it", args.path.display());
        return fail(vec![Diagnostic::error(NEW_RULE, message)], &Sources::default());
    };
    if target.path.exists() && !args.force && !args.dry_run {
        let message = format!("{} exists already (--force overwrites it)", target.display_path);
        return fail(vec![Diagnostic::error(NEW_RULE, message)], &Sources::default());
    }
    // The whole workspace, for the conventions the new file follows.
    let whole =
        match discover_workspace(reporter, args.format, config, std::slice::from_ref(&buffer_workspace.base_dir)) {
            Ok(workspace) => workspace,
            Err(code) => return code,
        };
    let existing = super::compile_until_exit(&whole);
    let (rules, config_errors) =
        crate::lint::select_rules(&buffer_workspace.config.lint, buffer_workspace.config_file.as_ref());
    if !config_errors.is_empty() {
        return fail(config_errors, &config_sources(&buffer_workspace));
    }
    let plan = match scaffold::plan(&target.name, &buffer_workspace, &rules, existing, args.service.as_deref()) {
        Ok(plan) => plan,
        Err(diag) => return fail(vec![*diag], &Sources::default()),
    };
    let text = match finish(&buffer_workspace, &target.path, &target.name, scaffold::render(&plan)) {
        Ok(text) => text,
        Err(diags) => return fail(diags, &Sources::default()),
    };

    // What the user gets is what `idl lint PATH` says of the file.
    let compilation = compile_text(&buffer_workspace, &target.path, &text);
    let findings =
        crate::lint::lint(&compilation, &buffer_workspace.config.lint, buffer_workspace.config_file.as_ref());
    let mut sources = config_sources(&buffer_workspace);
    for file in &compilation.files {
        sources.insert(file.source.clone());
    }

    if args.dry_run {
        let _ = io::stdout().lock().write_all(text.as_bytes());
    } else if let Err(error) = write_new(&target.path, &text, args.force) {
        let message = format!("cannot write {}: {error}", target.display_path);
        return fail(vec![Diagnostic::error(IO_RULE, message)], &Sources::default());
    }
    summarize(args, reporter, &plan, &target.display_path, findings.len());
    let code = report::exit_code(&findings, false);
    reporter.report(args.format, findings, &sources, false);
    code
}

/// Applies every lint fix (a file nobody uses yet has no generated code to
/// rename, so the unsafe ones too), then formats.
fn finish(workspace: &Workspace, path: &Path, name: &str, text: String) -> Result<String, Vec<Diagnostic>> {
    let compilation = compile_text(workspace, path, &text);
    if compilation.has_errors() {
        let mut diags = compilation.diagnostics;
        diags.push(Diagnostic::error(
            NEW_RULE,
            "idl new planned a file that does not compile: a bug in idl, please report it",
        ));
        return Err(diags);
    }
    let buffers = HashMap::from([(path.to_path_buf(), Arc::<str>::from(text.as_str()))]);
    let lint = |c: &Compilation| crate::lint::lint(c, &workspace.config.lint, workspace.config_file.as_ref());
    let run = fix_until_stable(compilation, &OverlayFiles::new(workspace, &buffers), lint, true);
    let fixed = run.changed.get(name).map_or(text, |(_, fixed)| fixed.to_string());
    let options = super::format_options_from_config(&workspace.config.format).map_err(|diag| vec![*diag])?;
    crate::format::format_with(&fixed, &options).map_err(|error| {
        vec![Diagnostic::error(
            NEW_RULE,
            format!("idl new cannot format the file it planned ({error:?}): a bug in idl"),
        )]
    })
}

fn compile_text(workspace: &Workspace, path: &Path, text: &str) -> Compilation {
    let buffers = HashMap::from([(path.to_path_buf(), Arc::<str>::from(text))]);
    crate::compile::compile_from(&OverlayFiles::new(workspace, &buffers))
}

fn config_sources(workspace: &Workspace) -> Sources {
    let mut sources = Sources::default();
    if let Some(file) = &workspace.config_file {
        sources.insert(file.clone());
    }
    sources
}

/// Writes through a temporary file; without `force`, the final link fails rather
/// than replace a file that appeared meanwhile.
fn write_new(path: &Path, text: &str, force: bool) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp: PathBuf = dir.join(format!(".{name}.idl-new-{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    let result = if force { std::fs::rename(&tmp, path) } else { std::fs::hard_link(&tmp, path) };
    let _ = std::fs::remove_file(&tmp);
    result
}

fn summarize(args: &NewArgs, reporter: &Reporter, plan: &scaffold::Plan, display: &str, findings: usize) {
    let verb = if args.dry_run { "would write" } else { "wrote" };
    match args.format {
        OutputFormat::Json => {
            let summary = serde_json::json!({
                "path": display,
                "written": !args.dry_run,
                "package": plan.package,
                "service": plan.service,
                "methods": plan.methods,
                "error_enum": plan.error_enum,
                "errors_convention": plan.errors.name(),
                "notes": plan.notes,
                "findings": findings,
            });
            let _ = writeln!(io::stdout().lock(), "{summary}");
        }
        _ if reporter.quiet => {}
        _ => {
            let routes = if plan.methods.iter().any(|m| m.http.is_some()) { ", with HTTP routes" } else { "" };
            let mut text = format!(
                "idl new: {verb} {display}: service {} ({} methods{routes}) in package {}\n",
                plan.service,
                plan.methods.len(),
                plan.package
            );
            for note in &plan.notes {
                text.push_str(&format!("  note: {note}\n"));
            }
            let _ = io::stderr().lock().write_all(text.as_bytes());
        }
    }
}
