//! `idl config check` and `idl config schema`: compile the workspace, find the
//! config message (`--message` or `[config] message`), then check the config files
//! against it or write its JSON Schema. The checking is `configcheck`'s.

use std::path::{Path, PathBuf};

use globset::GlobBuilder;
use prost_reflect::MessageDescriptor;

use super::args::{ConfigArgs, ConfigCheckArgs, ConfigCommand, ConfigSchemaArgs};
use super::{EXIT_ERROR, IO_RULE, Reporter, discover_workspace};
use crate::config::CONFIG_RULE;
use crate::configcheck;
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::{self, OutputFormat};
use crate::source::{SourceFile, Sources};
use crate::workspace::Workspace;

pub(super) fn run(args: &ConfigArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    match &args.command {
        ConfigCommand::Check(args) => check(args, reporter, config),
        ConfigCommand::Schema(args) => schema(args, reporter, config),
    }
}

fn check(args: &ConfigCheckArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    if args.configured_only && args.files.is_empty() {
        let workspace = match discover_workspace(reporter, args.format, config, &[]) {
            Ok(workspace) => workspace,
            Err(code) => return code,
        };
        if workspace.config.config.files.is_empty() {
            return super::EXIT_CLEAN;
        }
    }
    let (workspace, message, mut sources, _) = match load(reporter, args.format, config, args.message.as_deref()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let files = match files_to_check(&workspace, &args.files) {
        Ok(files) => files,
        Err(diag) => {
            reporter.report(args.format, vec![*diag], &sources, false);
            return EXIT_ERROR;
        }
    };
    let key = args
        .configmap_key
        .clone()
        .or_else(|| workspace.config.config.configmap_key.as_ref().map(|k| k.get_ref().clone()));
    let mut diags = Vec::new();
    let mut input_error = false;
    for (path, shown) in files {
        let text = match crate::checked_read::read_config_text(&path) {
            Ok(text) => text,
            Err(error) => {
                diags.push(Diagnostic::error(IO_RULE, format!("cannot read {shown}: {error}")).with_path(&shown));
                input_error = true;
                continue;
            }
        };
        let file = SourceFile::new(shown.clone(), shown, text.into());
        let findings = configcheck::check_file(&file, &message, key.as_deref());
        input_error |= findings.iter().any(configcheck::is_input_error);
        diags.extend(findings);
        sources.insert(file);
    }
    let code = if input_error { EXIT_ERROR } else { report::exit_code(&diags, false) };
    reporter.report(args.format, diags, &sources, false);
    code
}

fn schema(args: &ConfigSchemaArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let (_, message, sources, compilation) = match load(reporter, args.error_format, config, args.message.as_deref()) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let describe = |file: &str, path: &[i32]| {
        let location = compilation.file(file)?.locations.get(path)?;
        let parts: Vec<String> = [location.leading(), location.trailing()]
            .into_iter()
            .flatten()
            .map(crate::docs::model::clean_comment)
            .filter(|part| !part.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join("\n\n"))
    };
    let schema = configcheck::schema::json_schema(&message, &describe);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    match &args.output {
        Some(path) if path != Path::new("-") => match std::fs::write(path, text) {
            Ok(()) => super::EXIT_CLEAN,
            Err(error) => {
                let diag = Diagnostic::error(IO_RULE, format!("cannot write {}: {error}", path.display()));
                reporter.report(args.error_format, vec![diag], &sources, false);
                EXIT_ERROR
            }
        },
        _ => super::write_stdout(text.as_bytes()),
    }
}

/// The workspace, the config message and the sources for reports; the `Err` is
/// the exit code after reporting why.
fn load(
    reporter: &Reporter,
    format: OutputFormat,
    config: Option<&Path>,
    message_arg: Option<&str>,
) -> Result<(Workspace, MessageDescriptor, Sources, &'static crate::compile::Compilation), i32> {
    let workspace = discover_workspace(reporter, format, config, &[])?;
    let mut sources = Sources::default();
    if let Some(file) = &workspace.config_file {
        sources.insert(file.clone());
    }
    let configured = workspace.config.config.message.as_ref();
    let Some(name) = message_arg.map(str::to_string).or_else(|| configured.map(|m| m.get_ref().clone())) else {
        let diag = Diagnostic::error(
            CONFIG_RULE,
            "no config message: pass --message FULL.NAME or set `message` in [config] of idl.toml",
        );
        reporter.report(format, vec![diag], &sources, false);
        return Err(EXIT_ERROR);
    };
    let compilation = super::compile_until_exit(&workspace);
    for file in &compilation.files {
        sources.insert(file.source.clone());
    }
    let mut diags = workspace.warnings.clone();
    diags.extend(std::mem::take(&mut compilation.diagnostics));
    if diags.iter().any(|d| d.severity == Severity::Error) {
        reporter.report(format, diags, &sources, false);
        return Err(EXIT_ERROR);
    }
    let name = name.trim_start_matches('.');
    let Some(message) = compilation.pool.get_message_by_name(name) else {
        let names: Vec<String> = compilation.pool.all_messages().map(|m| m.full_name().to_string()).collect();
        let mut text = format!("message `{name}` is not in the workspace");
        if let Some(suggestion) = configcheck::closest(name, &names) {
            text.push_str(&format!("; did you mean `{suggestion}`?"));
        }
        let mut diag = Diagnostic::error(CONFIG_RULE, text);
        if message_arg.is_none()
            && let (Some(spanned), Some(file)) = (configured, &workspace.config_file)
        {
            diag = diag.with_span(file, spanned.span().start, spanned.span().end);
        }
        reporter.report(format, vec![diag], &sources, false);
        return Err(EXIT_ERROR);
    };
    Ok((workspace, message, sources, compilation))
}

/// The files named, or those `[config] files` matches under the config's
/// directory (honouring `.gitignore`), each with its display path.
fn files_to_check(workspace: &Workspace, named: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, Box<Diagnostic>> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = |path: &Path| relative_to(path, &cwd).to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
    if !named.is_empty() {
        // Shown as typed.
        let as_typed = |path: &PathBuf| path.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
        return Ok(named.iter().map(|path| (path.clone(), as_typed(path))).collect());
    }
    let patterns = &workspace.config.config.files;
    let mut files = Vec::new();
    for pattern in patterns {
        // Walk from the pattern's literal leading directories (which may be `..`),
        // matching the rest against paths below them.
        let text = pattern.get_ref().as_str();
        let parts: Vec<&str> = text.split('/').collect();
        let literal = parts.iter().take_while(|part| !part.contains(['*', '?', '[', '{'])).count().min(parts.len() - 1);
        let walk_root = parts[..literal].iter().fold(workspace.base_dir.clone(), |dir, part| dir.join(part));
        let rest = parts[literal..].join("/");
        let glob = GlobBuilder::new(&rest).literal_separator(true).build().map_err(|error| {
            let message = format!("invalid glob `{text}` in [config] files: {}", error.kind());
            let diag = Diagnostic::error(CONFIG_RULE, message);
            Box::new(match &workspace.config_file {
                Some(file) => diag.with_span(file, pattern.span().start, pattern.span().end),
                None => diag,
            })
        })?;
        let matcher = glob.compile_matcher();
        for entry in ignore::WalkBuilder::new(&walk_root).build().flatten() {
            let path = entry.path();
            let Ok(relative) = path.strip_prefix(&walk_root) else { continue };
            if entry.file_type().is_some_and(|t| t.is_file()) && matcher.is_match(relative) {
                files.push((path.to_path_buf(), shown(&lexical(path))));
            }
        }
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        let message = if patterns.is_empty() {
            "no config files: name them, or set `files` in [config] of idl.toml".to_string()
        } else {
            "no file matches `files` in [config] of idl.toml".to_string()
        };
        return Err(Box::new(Diagnostic::error(CONFIG_RULE, message)));
    }
    Ok(files)
}

/// `a/b/../c` as `a/c`, without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut result = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir if result.file_name().is_some() => {
                result.pop();
            }
            std::path::Component::CurDir => {}
            other => result.push(other),
        }
    }
    result
}

/// `path` relative to `base` (with `..` where it lies outside), for display; as
/// given when one is relative and the other is not.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    if path.is_absolute() != base.is_absolute() {
        return path.to_path_buf();
    }
    let path = lexical(path);
    let base = lexical(base);
    let common = path.components().zip(base.components()).take_while(|(a, b)| a == b).count();
    let mut result = PathBuf::new();
    for _ in base.components().skip(common) {
        result.push("..");
    }
    for component in path.components().skip(common) {
        result.push(component);
    }
    result
}
