//! `idl docs`: compile the workspace, build the documentation model once, and
//! write it as a static site, a Markdown tree or JSON.

use std::io::{self, Write};
use std::path::Path;

use super::args::{DocsArgs, DocsFormat, DocsOrder};
use super::{EXIT_CLEAN, EXIT_ERROR, IO_RULE, Reporter, discover_workspace};
use crate::config::CONFIG_RULE;
use crate::diagnostic::{Diagnostic, Severity};
use crate::docs::{self, model};
use crate::errors::{ErrorsConfig, extract};
use crate::source::Sources;

pub(super) fn run(args: &DocsArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    if args.output.is_none() && args.format != DocsFormat::Json {
        let format = if args.format == DocsFormat::Html { "html" } else { "markdown" };
        let message = format!("--format {format} writes a directory: name it with -o DIR");
        reporter.report(args.error_format, vec![Diagnostic::error(CONFIG_RULE, message)], &Sources::default(), false);
        return EXIT_ERROR;
    }
    let workspace = match discover_workspace(reporter, args.error_format, config, &args.paths) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let (errors_config, config_diags) = ErrorsConfig::parse(&workspace.config.errors, workspace.config_file.as_ref());
    let mut sources = Sources::default();
    for file in workspace.config_file.iter() {
        sources.insert(file.clone());
    }
    if !config_diags.is_empty() {
        reporter.report(args.error_format, config_diags, &sources, false);
        return EXIT_ERROR;
    }

    let compilation = super::compile_until_exit(&workspace);
    for file in compilation.files.iter().map(|f| &f.source) {
        sources.insert(file.clone());
    }
    let mut diags = workspace.warnings;
    diags.extend(std::mem::take(&mut compilation.diagnostics));
    if diags.iter().any(|d| d.severity == Severity::Error) {
        reporter.report(args.error_format, diags, &sources, false);
        return EXIT_ERROR;
    }

    let order = match args.order {
        DocsOrder::Declaration => model::Order::Declaration,
        DocsOrder::Alphabetical => model::Order::Alphabetical,
    };
    let error_rows = extract::extract(compilation, &errors_config).rows;
    let error_rows_for_openapi = error_rows.clone();
    let mut model = model::build(compilation, error_rows, order);
    // The site ships an OpenAPI document from the same compilation: render it
    // (and link each route to its operation) before the compilation is dropped.
    let openapi_document = (matches!(args.format, DocsFormat::Html) && args.output.is_some()).then(|| {
        let (options, _) = super::openapi::options_from(&workspace.config.openapi, None, &[]);
        link_openapi(&mut model, compilation, error_rows_for_openapi, &options)
    });
    // The model holds everything the renderers read: the pool and the source
    // locations, most of what a huge input costs, go before pages are rendered.
    drop((std::mem::take(&mut compilation.files), std::mem::take(&mut compilation.pool)));
    let written = match (args.format, args.output.as_deref()) {
        (DocsFormat::Json, None) => write_stdout(docs::json(&model).as_bytes()).map(|()| None),
        (DocsFormat::Json, Some(dir)) => docs::output::OutputDir::create(dir)
            .and_then(|out| out.write("docs.json", docs::json(&model).as_bytes()))
            .map(|()| Some(format!("{}", dir.join("docs.json").display()))),
        (DocsFormat::Html, Some(dir)) => docs::write_html_with_openapi(&model, dir, openapi_document.as_deref())
            .map(|w| Some(format!("{} pages and {} in {}", w.pages, docs::OPENAPI_FILE, dir.display()))),
        (DocsFormat::Markdown, Some(dir)) => {
            docs::write_markdown(&model, dir).map(|w| Some(format!("{} pages in {}", w.pages, dir.display())))
        }
        (_, None) => unreachable!("checked above: only json writes to stdout"),
    };
    let code = match written {
        Ok(summary) => {
            if let Some(summary) = summary
                && !reporter.quiet
            {
                let _ = writeln!(io::stderr(), "idl docs: wrote {summary}");
            }
            EXIT_CLEAN
        }
        Err(error) => {
            let shown = args.output.as_deref().map_or("stdout".into(), |p| p.display().to_string());
            diags.push(Diagnostic::error(IO_RULE, format!("cannot write {shown}: {error}")));
            EXIT_ERROR
        }
    };
    reporter.report(args.error_format, diags, &sources, false);
    code
}

/// The OpenAPI document the site ships beside its pages, rendered from the API
/// model with the options of `[openapi]` (`idl openapi` reports invalid ones;
/// here they keep their defaults), always merged into one YAML file; each route
/// of `model` gets the operation it is in that document.
fn link_openapi(
    model: &mut model::DocModel,
    compilation: &crate::compile::Compilation,
    rows: Vec<crate::errors::ErrorRow>,
    options: &crate::openapi::Options,
) -> String {
    let api = crate::api::build(compilation, rows);
    let options =
        &crate::openapi::Options { output_mode: crate::openapi::OutputMode::Merged, json: false, ..options.clone() };
    let files: Vec<String> = api.services.iter().map(|s| s.file.clone()).collect();
    let (document, operations) = crate::openapi::render_files_with_operations(&api, options, &files);
    let by_binding: std::collections::HashMap<(&str, usize), &crate::openapi::OperationRef> =
        operations.iter().map(|o| ((o.method.as_str(), o.binding), o)).collect();
    for method in model.packages.iter_mut().flat_map(|p| p.services.iter_mut()).flat_map(|s| s.methods.iter_mut()) {
        for (index, route) in method.http.iter_mut().enumerate() {
            route.openapi = by_binding.get(&(method.full_name.as_str(), index)).map(|o| model::OpenapiOperation {
                operation_id: o.operation_id.clone(),
                path: o.path.clone(),
                verb: o.verb.clone(),
            });
        }
    }
    document
}

/// The JSON model on stdout; a reader that went away early is not an error.
fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
