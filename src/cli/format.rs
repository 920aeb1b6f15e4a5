//! `idl format`: print, check, diff or rewrite `.proto` files in buf's style.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::args::FormatArgs;
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, IO_RULE, Reporter, discover_buffer_workspace, discover_workspace};
use crate::compile::COMPILE;
use crate::diagnostic::{Diagnostic, Severity};
use crate::format::{self, FormatError, FormatOptions};
use crate::source::{SourceFile, Sources};

/// Rule name of `--check` findings (a file that is not formatted).
const FORMAT_RULE: &str = "FORMAT";
/// Rule name of problems in the `[format]` section of idl.toml.
const CONFIG_RULE: &str = "CONFIG";

/// What happened to one file.
enum Outcome {
    Unchanged,
    Changed(String),
    Failed(Vec<Diagnostic>),
}

pub(super) fn run(args: &FormatArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    if args.paths.iter().any(|p| p == Path::new("-")) {
        if args.paths.len() > 1 {
            let diags = vec![Diagnostic::error(IO_RULE, "`-` (stdin) cannot be combined with other paths")];
            reporter.report(args.format, diags, &Sources::default(), false);
            return EXIT_ERROR;
        }
        return run_stdin(args, reporter, "<stdin>", Some(&FormatOptions::default()));
    }
    if let Some(path) = &args.stdin_filename {
        let workspace = match discover_buffer_workspace(reporter, args.format, config, path) {
            Ok(workspace) => workspace,
            Err(code) => return code,
        };
        let options = match options_from_config(&workspace.config.format) {
            Ok(options) => options,
            Err(diag) => {
                let mut sources = Sources::default();
                if let Some(file) = &workspace.config_file {
                    sources.insert(file.clone());
                }
                reporter.report(args.format, vec![*diag], &sources, false);
                return EXIT_ERROR;
            }
        };
        // A file the config excludes is passed through unchanged, as `idl format` skips it.
        return match workspace.targets.first() {
            Some(target) => run_stdin(args, reporter, &target.display_path, Some(&options)),
            None => run_stdin(args, reporter, &path.to_string_lossy(), None),
        };
    }
    let workspace = match discover_workspace(reporter, args.format, config, &args.paths) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let options = match options_from_config(&workspace.config.format) {
        Ok(options) => options,
        Err(diag) => {
            let mut sources = Sources::default();
            if let Some(file) = &workspace.config_file {
                sources.insert(file.clone());
            }
            reporter.report(args.format, vec![*diag], &sources, false);
            return EXIT_ERROR;
        }
    };

    let results: Vec<(SourceFile, Outcome)> = workspace
        .targets
        .par_iter()
        .map(|file| {
            let text: Arc<str> = match std::fs::read(&file.path).map(String::from_utf8) {
                Ok(Ok(text)) => text.into(),
                Ok(Err(_)) => Arc::from(""),
                Err(error) => {
                    let source = SourceFile::new(file.name.clone(), file.display_path.clone(), Arc::from(""));
                    let diag = Diagnostic::error(IO_RULE, format!("cannot read {}: {error}", file.display_path))
                        .with_path(&file.display_path);
                    return (source, Outcome::Failed(vec![diag]));
                }
            };
            let source = SourceFile::new(file.name.clone(), file.display_path.clone(), text);
            let outcome = format_one(&source, &options);
            let outcome = match outcome {
                Outcome::Changed(formatted) if args.write => match write_in_place(&file.path, &formatted) {
                    Ok(()) => Outcome::Changed(formatted),
                    Err(error) => Outcome::Failed(vec![
                        Diagnostic::error(IO_RULE, format!("cannot write {}: {error}", file.display_path))
                            .with_path(&file.display_path),
                    ]),
                },
                other => other,
            };
            (source, outcome)
        })
        .collect();

    let mut sources = Sources::default();
    let mut diags = workspace.warnings;
    let mut failed = false;
    let mut changed = Vec::new();
    let mut stdout = Vec::new();
    let single = results.len() == 1 && !args.check && !args.diff && !args.write;
    for (source, outcome) in &results {
        match outcome {
            Outcome::Failed(errors) => {
                failed = true;
                diags.extend(errors.iter().cloned());
            }
            Outcome::Unchanged => {
                if single {
                    stdout.extend_from_slice(source.text.as_bytes());
                }
            }
            Outcome::Changed(formatted) => {
                changed.push(source.display_path.clone());
                if single {
                    stdout.extend_from_slice(formatted.as_bytes());
                } else if args.diff {
                    stdout.extend_from_slice(unified_diff(&source.display_path, &source.text, formatted).as_bytes());
                } else if args.check {
                    diags.push(
                        Diagnostic::new(FORMAT_RULE, Severity::Error, "file is not formatted")
                            .with_path(&source.display_path),
                    );
                } else if !args.write {
                    stdout.extend_from_slice(format!("{}\n", source.display_path).as_bytes());
                }
            }
        }
        sources.insert(source.clone());
    }
    let write_code = if stdout.is_empty() { EXIT_CLEAN } else { super::write_stdout(&stdout) };
    reporter.report(args.format, diags, &sources, false);
    if failed || write_code != EXIT_CLEAN {
        EXIT_ERROR
    } else if (args.check || args.exit_code) && !changed.is_empty() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Formats stdin to stdout (or checks or diffs it), naming it `shown`; `options`
/// `None` passes it through unchanged.
fn run_stdin(args: &FormatArgs, reporter: &Reporter, shown: &str, options: Option<&FormatOptions>) -> i32 {
    let text = match super::read_stdin_buffer(shown) {
        Ok(text) => text,
        Err(diag) => {
            reporter.report(args.format, vec![*diag], &Sources::default(), false);
            return EXIT_ERROR;
        }
    };
    let source = SourceFile::new(shown, shown, text);
    let mut sources = Sources::default();
    sources.insert(source.clone());
    let outcome = match options {
        Some(options) => format_one(&source, options),
        None => Outcome::Unchanged,
    };
    match outcome {
        Outcome::Failed(diags) => {
            reporter.report(args.format, diags, &sources, false);
            EXIT_ERROR
        }
        Outcome::Unchanged => {
            if args.check || args.diff {
                EXIT_CLEAN
            } else {
                super::write_stdout(source.text.as_bytes())
            }
        }
        Outcome::Changed(formatted) => {
            if args.diff {
                let code = super::write_stdout(unified_diff(shown, &source.text, &formatted).as_bytes());
                if code != EXIT_CLEAN || !args.exit_code { code } else { EXIT_FINDINGS }
            } else if args.check {
                let diag = Diagnostic::new(FORMAT_RULE, Severity::Error, "file is not formatted").with_path(shown);
                reporter.report(args.format, vec![diag], &sources, false);
                EXIT_FINDINGS
            } else {
                let code = super::write_stdout(formatted.as_bytes());
                if code != EXIT_CLEAN || !args.exit_code { code } else { EXIT_FINDINGS }
            }
        }
    }
}

fn format_one(source: &SourceFile, options: &FormatOptions) -> Outcome {
    match format::format_with(&source.text, options) {
        Ok(formatted) if formatted == *source.text => Outcome::Unchanged,
        Ok(formatted) => Outcome::Changed(formatted),
        Err(FormatError::Syntax(errors)) => Outcome::Failed(
            errors
                .iter()
                .map(|e| {
                    Diagnostic::error(COMPILE, &e.message).with_span(source, e.span.start as usize, e.span.end as usize)
                })
                .collect(),
        ),
        Err(FormatError::Unsupported) => Outcome::Failed(vec![
            Diagnostic::error(
                FORMAT_RULE,
                "cannot format this file (nesting too deep or several package statements); left unchanged",
            )
            .with_path(&source.display_path),
        ]),
    }
}

/// `[format]` in idl.toml: `indent_width` (1 to 8), `options_before_imports`. Unknown keys are errors.
pub fn options_from_config(table: &toml::Table) -> Result<FormatOptions, Box<Diagnostic>> {
    let mut options = FormatOptions::default();
    for (key, value) in table {
        match key.as_str() {
            "indent_width" => match value.as_integer() {
                Some(n @ 1..=8) => options.indent_width = n as usize,
                _ => {
                    return Err(Box::new(Diagnostic::error(
                        CONFIG_RULE,
                        "invalid value for `format.indent_width`: expected an integer from 1 to 8",
                    )));
                }
            },
            "options_before_imports" => match value.as_bool() {
                Some(before) => options.options_before_imports = before,
                None => {
                    return Err(Box::new(Diagnostic::error(
                        CONFIG_RULE,
                        "invalid value for `format.options_before_imports`: expected true or false",
                    )));
                }
            },
            _ => {
                return Err(Box::new(Diagnostic::error(
                    CONFIG_RULE,
                    format!(
                        "unknown key `{key}` in [format] of idl.toml (known: indent_width, options_before_imports)"
                    ),
                )));
            }
        }
    }
    Ok(options)
}

fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Replaces `path` with `contents` atomically: a temporary file in the same
/// directory, the original's permissions, then a rename. Readers and a crash of
/// idl see the old file or the new one, never a partial one. There is no fsync:
/// like gofmt, rustfmt and editors, idl leaves durability against power loss to
/// the file system (a sync per file made `-w` on googleapis 7-20 s instead of
/// about 1 s).
pub(super) fn write_in_place(path: &Path, contents: &str) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut tmp_path = PathBuf::new();
    let mut file = None;
    for attempt in 0..100u32 {
        tmp_path = dir.join(format!(".{name}.idl-format-{}-{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp_path) {
            Ok(f) => {
                file = Some(f);
                break;
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    let Some(mut file) = file else {
        return Err(io::Error::other("cannot create a temporary file"));
    };
    let result = file
        .write_all(contents.as_bytes())
        .and_then(|()| std::fs::set_permissions(&tmp_path, permissions))
        .and_then(|()| std::fs::rename(&tmp_path, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp_path);
    }
    result
}
