//! `idl openapi`: compile the workspace, build the API model once, render the
//! OpenAPI document (stdout, `-o FILE`, or one per file with
//! `output_mode=source_relative` under `-o DIR`), and report the bindings the
//! document cannot describe faithfully with the `HTTP_*` lint rules' findings
//! (errors, exit 1) and the renderer's warnings (`OPENAPI_*`, exit 0).

use std::io::{self, Write};
use std::path::Path;

use super::args::OpenapiArgs;
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, IO_RULE, Reporter, discover_workspace};
use crate::config::CONFIG_RULE;
use crate::diagnostic::{Diagnostic, Severity};
use crate::errors::{ErrorsConfig, extract};
use crate::lint::{self, SelectedRule};
use crate::openapi::{self, Options, OutputMode, options::toml_value_text};
use crate::source::{SourceFile, Sources};

/// The lint rules whose findings are bindings the document cannot describe:
/// templates that do not parse, variables that name no usable field, bodies that
/// name no field, and two methods on one verb and path (the document keeps one).
const BINDING_RULES: &[&str] =
    &["HTTP_PATH_TEMPLATE_VALID", "HTTP_PATH_VARIABLE_FIELD", "HTTP_BODY_FIELD", "HTTP_ROUTE_UNIQUE"];

pub(super) fn run(args: &OpenapiArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let workspace = match discover_workspace(reporter, args.format, config, &args.paths) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let mut sources = Sources::default();
    for file in workspace.config_file.iter() {
        sources.insert(file.clone());
    }
    let (options, mut input_diags) = options_from(&workspace.config.openapi, workspace.config_file.as_ref(), &args.opt);
    let mut options = options;
    options.json = args.output.as_ref().is_some_and(|p| p.extension().is_some_and(|e| e == "json"));
    if options.output_mode == OutputMode::SourceRelative && args.output.is_none() {
        input_diags.push(Diagnostic::error(
            CONFIG_RULE,
            "output_mode=source_relative writes one document per file: name their directory with -o DIR",
        ));
    }
    let (errors_config, errors_diags) = ErrorsConfig::parse(&workspace.config.errors, workspace.config_file.as_ref());
    input_diags.extend(errors_diags);
    if !input_diags.is_empty() {
        reporter.report(args.format, input_diags, &sources, false);
        return EXIT_ERROR;
    }

    let compilation = super::compile_until_exit(&workspace);
    for file in compilation.files.iter().map(|f| &f.source) {
        sources.insert(file.clone());
    }
    let mut diags = workspace.warnings;
    diags.extend(std::mem::take(&mut compilation.diagnostics));
    if diags.iter().any(|d| d.severity == Severity::Error) {
        reporter.report(args.format, diags, &sources, false);
        return EXIT_ERROR;
    }

    let rows = extract::extract(compilation, &errors_config).rows;
    let model = crate::api::build(compilation, rows);
    let selected: Vec<SelectedRule> = BINDING_RULES
        .iter()
        .filter_map(|id| lint::rules::find(id))
        .map(|rule| SelectedRule { rule, severity: rule.meta().default_severity, options: Default::default() })
        .collect();
    let findings = lint::run(compilation, &selected);
    let has_findings = !findings.is_empty();
    diags.extend(findings);

    let outputs = match openapi::render(&model, &options) {
        Ok(rendered) => {
            diags.extend(rendered.warnings);
            rendered.files
        }
        Err(errors) => {
            diags.extend(errors);
            reporter.report(args.format, diags, &sources, false);
            return EXIT_ERROR;
        }
    };
    let written = match args.output.as_deref() {
        None => {
            let text: String = outputs.iter().map(|o| o.content.as_str()).collect();
            write_stdout(text.as_bytes())
        }
        Some(path) if options.output_mode == OutputMode::SourceRelative => outputs.iter().try_for_each(|output| {
            let target = path.join(&output.name);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            write_atomically(&target, &output.content)
        }),
        Some(path) => write_atomically(path, &outputs.iter().map(|o| o.content.as_str()).collect::<String>()),
    };
    if let Err(error) = written {
        let shown = args.output.as_deref().map_or("stdout".into(), |p| p.display().to_string());
        diags.push(Diagnostic::error(IO_RULE, format!("cannot write {shown}: {error}")));
        reporter.report(args.format, diags, &sources, false);
        return EXIT_ERROR;
    }
    reporter.report(args.format, diags, &sources, false);
    if has_findings { EXIT_FINDINGS } else { EXIT_CLEAN }
}

/// The options: defaults, then `[openapi]` (problems located in idl.toml), then
/// each `--opt` in order.
pub(super) fn options_from(
    table: &toml::Table,
    config_file: Option<&SourceFile>,
    opts: &[String],
) -> (Options, Vec<Diagnostic>) {
    let mut options = Options::default();
    let mut diags = Vec::new();
    for (key, value) in table {
        let result = match toml_value_text(value) {
            Some(text) => options.set(key, &text),
            None => Err(format!("[openapi] {key} must be a string, a boolean or an integer")),
        };
        if let Err(message) = result {
            let mut diagnostic = Diagnostic::error(CONFIG_RULE, format!("[openapi] {message}"));
            diagnostic = match config_file {
                Some(file) => match key_span(file, key) {
                    Some((start, end)) => diagnostic.with_span(file, start, end),
                    None => diagnostic.with_path(&file.display_path),
                },
                None => diagnostic,
            };
            diags.push(diagnostic);
        }
    }
    for pair in opts {
        if let Err(message) = options.set_pair(pair) {
            diags.push(Diagnostic::error(CONFIG_RULE, format!("--opt {pair}: {message}")));
        }
    }
    (options, diags)
}

/// Where `key` of `[openapi]` is written in idl.toml.
fn key_span(file: &SourceFile, key: &str) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let document = DeTable::parse(&file.text).ok()?;
    let (_, section) = document.get_ref().iter().find(|(k, _)| k.get_ref() == "openapi")?;
    let DeValue::Table(table) = section.get_ref() else { return None };
    let (found, _) = table.iter().find(|(k, _)| k.get_ref() == key)?;
    let span = found.span();
    Some((span.start, span.end))
}

/// Writes `path` through a temporary file beside it, so a failed run never
/// leaves half a document.
fn write_atomically(path: &Path, content: &str) -> io::Result<()> {
    let directory = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let temporary = directory.join(format!(".{name}.idl-tmp"));
    std::fs::write(&temporary, content)?;
    std::fs::rename(&temporary, path)
}

fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
