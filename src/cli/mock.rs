//! `idl mock`: compile the workspace, serve its services until SIGINT/SIGTERM.

use std::io::{self, Write};
use std::path::Path;

use super::args::MockArgs;
use super::{EXIT_CLEAN, EXIT_ERROR, Reporter, discover_workspace};
use crate::diagnostic::Diagnostic;
use crate::report::OutputFormat;
use crate::source::Sources;

/// The rule ID of the mock server's own errors (a port in use, an unknown service).
const MOCK_RULE: &str = "MOCK";

pub(super) fn run(args: &MockArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let workspace = match discover_workspace(reporter, args.format, config, &args.paths) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let compilation = super::compile_until_exit(&workspace);
    if compilation.has_errors() {
        let mut sources = Sources::default();
        for file in &compilation.files {
            sources.insert(file.source.clone());
        }
        let diags = std::mem::take(&mut compilation.diagnostics);
        reporter.report(args.format, diags, &sources, false);
        return EXIT_ERROR;
    }
    let fail = |message: String| {
        reporter.report(args.format, vec![Diagnostic::error(MOCK_RULE, message)], &Sources::default(), false);
        EXIT_ERROR
    };
    let targets: Vec<String> = workspace.targets.iter().map(|t| t.name.clone()).collect();
    let mock = match crate::serve::Mock::new(&compilation.pool, &targets, &args.services) {
        Ok(mock) => mock,
        Err(message) => return fail(message),
    };
    // The error table (for `[mock] responses` errors) and the HTTP routes of
    // the API model; the compilation lives as long as the process.
    let compilation: &'static crate::compile::Compilation = compilation;
    let (errors_config, config_diags) =
        crate::errors::ErrorsConfig::parse(&workspace.config.errors, workspace.config_file.as_ref());
    let table = crate::errors::extract::extract(compilation, &errors_config);
    let mut sources = Sources::default();
    if let Some(file) = &workspace.config_file {
        sources.insert(file.clone());
    }
    let canned = crate::serve::canned::load(
        &workspace.config.mock,
        &compilation.pool,
        &table,
        &workspace.base_dir,
        workspace.config_file.as_ref(),
    );
    let canned = match canned {
        Ok(canned) if config_diags.is_empty() => canned,
        Ok(_) => {
            reporter.report(args.format, config_diags, &sources, false);
            return EXIT_ERROR;
        }
        Err(problems) => {
            for file in problems.files {
                sources.insert(file);
            }
            let mut diags = problems.diagnostics;
            diags.extend(config_diags);
            reporter.report(args.format, diags, &sources, false);
            return EXIT_ERROR;
        }
    };
    let model = crate::api::build(compilation, table.rows.clone());
    let latency = std::time::Duration::from_millis(workspace.config.mock.latency_ms);
    let mock = mock.with_routes(model).with_canned(canned, latency);
    let bound = match crate::serve::bind(&args.listen) {
        Ok(bound) => bound,
        Err(message) => return fail(message),
    };
    // The ready line: tests and scripts wait for it (and read the port from it).
    let services = mock.workspace_services();
    let line = match args.format {
        OutputFormat::Json => {
            serde_json::json!({"listening": bound.address.to_string(), "services": services}).to_string()
        }
        _ => format!("idl mock: serving {} on http://{}", services.join(", "), bound.address),
    };
    {
        let mut stdout = io::stdout().lock();
        let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
    }
    match crate::serve::serve(mock, bound) {
        Ok(()) => EXIT_CLEAN,
        Err(message) => fail(message),
    }
}
