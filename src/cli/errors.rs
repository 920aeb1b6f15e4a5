//! `idl errors`: compile the workspace, extract the error table, check it,
//! write the table (stdout or `-o`) and report findings (stderr).

use std::io::{self, Write};
use std::path::Path;

use super::args::{ErrorsArgs, ErrorsFormat};
use super::{EXIT_ERROR, IO_RULE, Reporter, discover_workspace};
use crate::config::CONFIG_RULE;
use crate::diagnostic::{Diagnostic, Severity};
use crate::errors::{ErrorsConfig, checks, extract, options, render};
use crate::lint;
use crate::report;
use crate::source::Sources;
use crate::workspace::Workspace;

pub(super) fn run(args: &ErrorsArgs, reporter: &Reporter, config: Option<&Path>) -> i32 {
    let workspace = match discover_workspace(reporter, args.error_format, config, &args.paths) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    let (errors_config, config_diags) = ErrorsConfig::parse(&workspace.config.errors, workspace.config_file.as_ref());
    let mut input_diags = config_diags;
    if args.init {
        return init(&workspace, args, reporter);
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
    let mut check_findings = checks::check(&table, &errors_config);
    // The same comment ignores as under `idl lint` (`// buf:lint:ignore ERRORS_…`).
    let mut directives = std::collections::HashMap::new();
    check_findings.retain(|finding| {
        let found = directives
            .entry(finding.file_name.clone())
            .or_insert_with(|| compilation.file(&finding.file_name).map(lint::ignore::directives).unwrap_or_default());
        !found.iter().any(|directive| directive.covers(&finding.path, finding.rule))
    });
    let lint_rules = &workspace.config.lint.rules;
    let severity = |rule: &str| {
        let configured = lint_rules.iter().find(|(id, _)| id.get_ref() == rule).and_then(|(_, c)| c.severity);
        configured.or_else(|| lint::rules::find(rule).map(|r| r.meta().default_severity)).unwrap_or(Severity::Error)
    };
    let mut findings = checks::to_diagnostics(compilation, &check_findings, severity);
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

/// `--init`: writes idl's annotation file into the first root, where
/// `import "idl/errors.proto";` finds it. An existing file is left alone.
fn init(workspace: &Workspace, args: &ErrorsArgs, reporter: &Reporter) -> i32 {
    let Some(root) = workspace.roots.first() else {
        let diag = Diagnostic::error(CONFIG_RULE, "the workspace has no root to write idl/errors.proto into");
        reporter.report(args.error_format, vec![diag], &Sources::default(), false);
        return EXIT_ERROR;
    };
    let path = root.join(options::IMPORT_NAME);
    let shown = path.strip_prefix(&workspace.base_dir).unwrap_or(&path).display().to_string();
    let existing = crate::checked_read::read_regular_file(&path, crate::checked_read::MAX_PROTO_BYTES, ".proto files");
    let problem = match existing {
        Ok(existing) if existing == options::ERRORS_PROTO.as_bytes() => {
            let _ = writeln!(io::stderr(), "idl errors: {shown} is up to date");
            return super::EXIT_CLEAN;
        }
        Ok(_) => format!("{shown} exists and differs from idl's; not overwritten (remove it to rewrite it)"),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&path, options::ERRORS_PROTO));
            match written {
                Ok(()) => {
                    let _ =
                        writeln!(io::stderr(), "idl errors: wrote {shown}; import it as \"{}\"", options::IMPORT_NAME);
                    return super::EXIT_CLEAN;
                }
                Err(error) => format!("cannot write {shown}: {error}"),
            }
        }
        Err(error) => format!("cannot read {shown}: {error}"),
    };
    reporter.report(args.error_format, vec![Diagnostic::error(IO_RULE, problem)], &Sources::default(), false);
    EXIT_ERROR
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
