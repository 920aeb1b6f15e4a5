//! `idl generate`: read the template, compile once, run the plugins, then write
//! every file (or, with `--check`, compare them with the disk).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::args::{GenerateArgs, RequestStyleArg};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, IO_RULE, Reporter, discover_workspace};
use crate::compile::WorkspaceFiles;
use crate::config::CONFIG_RULE;
use crate::diagnostic::{Diagnostic, Severity};
use crate::generate::{self, GENERATE_RULE, Options, RequestStyle, config, output, request::CompilerVersion};
use crate::source::{SourceFile, Sources};

pub(super) fn run(args: &GenerateArgs, reporter: &Reporter, config_path: Option<&Path>) -> i32 {
    let fail = |diags: Vec<Diagnostic>, sources: &Sources| {
        reporter.report(args.format, diags, sources, false);
        EXIT_ERROR
    };
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(error) => {
            let diag = Diagnostic::error(IO_RULE, format!("cannot read the working directory: {error}"));
            return fail(vec![diag], &Sources::default());
        }
    };
    let compiler_version = match args.compiler_version.as_deref().map(|v| (v, CompilerVersion::parse(v))) {
        None => None,
        Some((_, Some(version))) => Some(version),
        Some((text, None)) => {
            let message = format!("--compiler-version {text}: expected MAJOR.MINOR.PATCH[SUFFIX], like 6.35.1");
            return fail(vec![Diagnostic::error(CONFIG_RULE, message)], &Sources::default());
        }
    };
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        let message = format!("--timeout {}: expected a positive number of seconds", args.timeout);
        return fail(vec![Diagnostic::error(CONFIG_RULE, message)], &Sources::default());
    }

    // A buf.gen.yaml named or next to us is read before discovery: its `inputs`
    // say what to compile.
    let mut sources = Sources::default();
    let yaml_template = match &args.template {
        Some(path) => Some(path.clone()),
        None => Some(cwd.join("buf.gen.yaml")).filter(|p| p.is_file()),
    };
    let mut template = match yaml_template.as_deref().map(|path| read_yaml(path, &cwd)) {
        Some(Ok(template)) => Some(template),
        Some(Err((diags, file))) => {
            if let Some(file) = file {
                sources.insert(file);
            }
            return fail(diags, &sources);
        }
        None => None,
    };
    let mut paths = args.paths.clone();
    if paths.is_empty()
        && let Some(t) = &template
    {
        paths = t.inputs.iter().map(PathBuf::from).collect();
    }
    let workspace = match discover_workspace(reporter, args.format, config_path, &paths) {
        Ok(workspace) => workspace,
        Err(code) => return code,
    };
    for file in workspace.config_file.iter() {
        sources.insert(file.clone());
    }
    // `[generate]` in idl.toml, unless a template was named.
    if args.template.is_none() && !workspace.config.generate.is_empty() {
        match config::parse_toml(&workspace.config.generate, workspace.config_file.as_ref()) {
            Ok(t) => template = Some(t),
            Err(diags) => return fail(diags, &sources),
        }
    }
    let Some(template) = template else {
        let message = "nothing to generate: no buf.gen.yaml here, no [generate] in idl.toml, and no --template";
        return fail(vec![Diagnostic::error(CONFIG_RULE, message)], &sources);
    };
    if let Some(file) = &template.file {
        sources.insert(file.clone());
    }
    if template.plugins.is_empty() {
        let diag = Diagnostic::error(CONFIG_RULE, "the template lists no plugins");
        let diag = match &template.file {
            Some(file) => diag.with_path(file.display_path.clone()),
            None => diag,
        };
        return fail(vec![diag], &sources);
    }

    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let options = Options {
        cwd: cwd.clone(),
        out_base: args.output.clone(),
        paths: args.path.clone(),
        exclude_paths: args.exclude_path.clone(),
        include_imports: args.include_imports,
        include_wkt: args.include_wkt,
        timeout: Duration::from_secs_f64(args.timeout),
        jobs,
        compiler_version,
        style: match args.request_style {
            RequestStyleArg::Buf => RequestStyle::Buf,
            RequestStyleArg::Protoc => RequestStyle::Protoc,
        },
    };
    // Only the selected files and what they import are compiled (as `idl lint
    // FILE` compiles one file): a broken file outside `--path` fails nothing.
    let provider = WorkspaceFiles::selecting(&workspace, |file| generate::selects(file, &options));
    let compilation = super::compile_from_until_exit(&provider);
    for file in compilation.files.iter().map(|f| &f.source) {
        sources.insert(file.clone());
    }
    let mut diags = workspace.warnings.clone();
    diags.extend(std::mem::take(&mut compilation.diagnostics));
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return fail(diags, &sources);
    }
    let generated = generate::generate(compilation, &workspace, &template, &options);
    if !generated.diagnostics.is_empty() {
        diags.extend(generated.diagnostics);
        return fail(diags, &sources);
    }

    if args.check {
        let stale = output::check(&generated.files, &generated.clean_dirs, &cwd);
        let code = if stale.is_empty() { EXIT_CLEAN } else { EXIT_FINDINGS };
        for finding in stale {
            let mut diag = Diagnostic::error(GENERATE_RULE, finding.message).with_path(finding.display);
            if !finding.diff.is_empty() {
                diag = diag.with_note(finding.diff);
            }
            diags.push(diag);
        }
        if code == EXIT_CLEAN && !reporter.quiet {
            let _ = writeln!(io::stderr(), "idl generate: {} generated files are up to date", generated.files.len());
        }
        reporter.report(args.format, diags, &sources, false);
        return code;
    }
    if let Err(message) = output::write(&generated.files, &generated.clean_dirs, &cwd) {
        diags.push(Diagnostic::error(IO_RULE, message));
        return fail(diags, &sources);
    }
    if !reporter.quiet {
        let plugins = template.plugins.len();
        let _ = writeln!(
            io::stderr(),
            "idl generate: wrote {} files ({plugins} plugin{}, {} runs)",
            generated.files.len(),
            if plugins == 1 { "" } else { "s" },
            generated.runs
        );
    }
    reporter.report(args.format, diags, &sources, false);
    EXIT_CLEAN
}

/// Reads a buf.gen.yaml; the `Err` carries the file when it could be read (for snippets).
pub(super) fn read_yaml(path: &Path, cwd: &Path) -> Result<config::Template, (Vec<Diagnostic>, Option<SourceFile>)> {
    let shown = output::display(path, cwd);
    let text = crate::checked_read::read_config_text(path).map_err(|error| {
        (vec![Diagnostic::error(IO_RULE, format!("cannot read {shown}: {error}")).with_path(shown.clone())], None)
    })?;
    let file = SourceFile::new(shown.clone(), shown, text.into());
    config::parse_buf_gen_yaml(&file).map_err(|diags| (diags, Some(file)))
}
