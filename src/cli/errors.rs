//! `idl errors`: compile the workspace, extract the error table, check it,
//! write the table (stdout or `-o`) and report findings (stderr).

use std::io::{self, Write};
use std::path::Path;

use super::args::{ErrorsArgs, ErrorsFormat};
use super::{EXIT_ERROR, IO_RULE, Reporter, discover_workspace};
use crate::config::CONFIG_RULE;
use crate::diagnostic::{Diagnostic, Severity};
use crate::errors::{ErrorsConfig, checks, extract, render};
use crate::report;
use crate::source::Sources;

pub(super) fn run(args: &ErrorsArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let workspace = match discover_workspace(reporter, args.error_format, config, &args.paths) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let config_path = workspace.config_file.as_ref().map_or("idl.toml", |f| f.display_path.as_str()).to_string();
    let (errors_config, config_diags) = ErrorsConfig::parse(&workspace.config.errors, &config_path);
    let mut input_diags = config_diags;
    if args.init {
        input_diags.push(Diagnostic::error(CONFIG_RULE, "idl errors --init is not yet available"));
    }
    if args.bom && args.format != ErrorsFormat::Csv {
        input_diags.push(Diagnostic::error(CONFIG_RULE, "--bom only applies to --format csv"));
    }
    if !input_diags.is_empty() {
        let mut sources = Sources::default();
        for file in workspace.config_file.iter() {
            sources.insert(file.clone());
        }
        reporter.report(args.error_format, input_diags, &sources, false);
        return EXIT_ERROR;
    }

    let compilation = super::compile_until_exit(&workspace);
    let mut sources = Sources::default();
    for file in workspace.config_file.iter().chain(compilation.files.iter().map(|f| &f.source)) {
        sources.insert(file.clone());
    }
    let mut diags = workspace.warnings;
    diags.extend(std::mem::take(&mut compilation.diagnostics));
    if diags.iter().any(|d| d.severity == Severity::Error) {
        reporter.report(args.error_format, diags, &sources, false);
        return EXIT_ERROR;
    }

    let table = extract::extract(compilation, &errors_config);
    let mut findings = checks::check(compilation, &table, &errors_config.locales);
    crate::diagnostic::sort_and_dedup(&mut findings);
    let text = match args.format {
        ErrorsFormat::Markdown => render::markdown(&table),
        ErrorsFormat::Json => render::json(&table, &findings),
        ErrorsFormat::Csv => render::csv(&table, args.bom),
        ErrorsFormat::Html => render::html(&table),
    };
    let mut code = report::exit_code(&findings, false);
    if let Err(error) = write_output(args.output.as_deref(), text.as_bytes()) {
        let shown = args.output.as_deref().map_or("stdout".into(), |p| p.display().to_string());
        diags.push(Diagnostic::error(IO_RULE, format!("cannot write {shown}: {error}")));
        code = EXIT_ERROR;
    }
    diags.extend(findings);
    reporter.report(args.error_format, diags, &sources, false);
    code
}

/// Writes to the file at `path`, or to stdout for none or `-`.
fn write_output(path: Option<&Path>, bytes: &[u8]) -> io::Result<()> {
    match path {
        Some(path) if path != Path::new("-") => std::fs::write(path, bytes),
        _ => {
            let mut stdout = io::stdout().lock();
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
    }
}
