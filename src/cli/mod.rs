//! The command-line shell: parses arguments, runs a command, and maps its outcome
//! to an exit code. Commands never print findings themselves; they hand
//! [`Diagnostic`]s to the report layer through a [`Reporter`].

mod args;
mod breaking;
mod build;
mod docs;
mod errors;
mod format;
mod init;
mod lint;
mod mock;
mod new;
mod rules;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{CommandFactory, FromArgMatches};

pub use args::Cli;
use args::{ColorChoice, Command, GlobalArgs};
/// `[format]` of idl.toml as formatter options (for the configuration reference's test).
pub use format::options_from_config as format_options_from_config;

use crate::diagnostic::Diagnostic;
use crate::report::{self, OutputFormat, ReportOptions};
use crate::source::{SourceFile, Sources};
use crate::workspace::{self, Workspace};

/// Nothing to report.
pub const EXIT_CLEAN: i32 = 0;
/// Findings that fail the run (lint errors, breaking changes, unformatted files).
pub const EXIT_FINDINGS: i32 = 1;
/// Usage, configuration or input errors, including files that do not compile.
pub const EXIT_ERROR: i32 = 2;

/// Rule name of findings about reading and writing files outside the workspace walk.
const IO_RULE: &str = "IO";

/// Parses the process arguments and runs the command; returns the exit code.
pub fn run() -> i32 {
    let parsed = Cli::command().try_get_matches().and_then(|matches| {
        let cli = Cli::from_arg_matches(&matches)?;
        // `text` turns into one line per finding when piped, unless asked for by name.
        let format_chosen = matches
            .subcommand()
            .and_then(|(_, sub)| sub.try_get_raw("format").ok().flatten().map(|_| sub.value_source("format")))
            .is_some_and(|source| source == Some(clap::parser::ValueSource::CommandLine));
        Ok((cli, format_chosen))
    });
    let (cli, format_chosen) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            // Help and --version exit 0 on stdout, usage errors 2 on stderr.
            let _ = error.print();
            return error.exit_code();
        }
    };
    let command_name = cli.command.name();
    match &cli.command {
        Command::Build(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            build::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Lint(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            lint::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Rules(args) => rules::run(args),
        Command::Breaking(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            breaking::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Format(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            format::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Errors(args) => {
            // `--format` picks the table there, not the report: `text` findings go
            // short when piped unless `--color always`.
            let reporter = Reporter::new(&cli.global, command_name, false);
            errors::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Docs(args) => {
            // `--format` picks the artefact; findings follow `--error-format`.
            let reporter = Reporter::new(&cli.global, command_name, false);
            docs::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Init(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            init::run(args, &reporter)
        }
        Command::New(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            new::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Mock(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            mock::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Lsp => crate::lsp::run(cli.global.config.as_deref()),
        Command::Completions(args) => {
            let mut bytes = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "idl", &mut bytes);
            write_stdout(&bytes)
        }
        Command::Man => {
            let mut bytes = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut bytes) {
                Ok(()) => write_stdout(&bytes),
                Err(error) => {
                    let _ = writeln!(io::stderr(), "idl man: {error}");
                    EXIT_ERROR
                }
            }
        }
    }
}

/// Writes a command's whole output to stdout. A reader that went away early
/// (`idl man | head`) is not an error.
fn write_stdout(bytes: &[u8]) -> i32 {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => EXIT_CLEAN,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(error) => {
            let _ = writeln!(io::stderr(), "idl: cannot write to stdout: {error}");
            EXIT_ERROR
        }
    }
}

/// Renders a command's findings on stderr in the chosen format, with the global
/// `--color` and `--quiet` applied.
struct Reporter {
    color: bool,
    /// `text` shows snippets on a terminal and one line per finding when piped
    /// (into a log, grep, an editor's problem matcher), unless `--format text`
    /// or `--color always` was given.
    text_as_short: bool,
    quiet: bool,
    command: &'static str,
}

impl Reporter {
    fn new(global: &GlobalArgs, command: &'static str, format_chosen: bool) -> Reporter {
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => report::color_wanted(io::stderr().is_terminal()),
        };
        let text_as_short = !format_chosen && global.color != ColorChoice::Always && !io::stderr().is_terminal();
        Reporter { color, text_as_short, quiet: global.quiet, command }
    }

    fn report(&self, format: OutputFormat, mut diags: Vec<Diagnostic>, sources: &Sources, deny_warnings: bool) {
        if self.quiet {
            diags.retain(|d| report::exit_code(std::slice::from_ref(d), deny_warnings) != 0);
        }
        crate::diagnostic::sort_and_dedup(&mut diags);
        let format = if format == OutputFormat::Text && self.text_as_short { OutputFormat::Short } else { format };
        let options = ReportOptions {
            color: self.color,
            tool_version: env!("CARGO_PKG_VERSION"),
            command: self.command,
            rule_summary: &crate::lint::rule_summary,
        };
        // stderr is unbuffered: without a buffer, 80,000 findings cost ~10 write
        // syscalls each.
        let mut stderr = io::BufWriter::with_capacity(1 << 16, io::stderr().lock());
        // Nothing sensible is left to do when stderr itself cannot be written.
        let _ = report::write_report(&mut stderr, format, &diags, sources, &options).and_then(|()| stderr.flush());
    }
}

/// Reads an editor buffer from stdin; the `Err` is an IO diagnostic at `shown`.
fn read_stdin_buffer(shown: &str) -> Result<std::sync::Arc<str>, Box<Diagnostic>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    io::stdin().lock().read_to_end(&mut bytes).map_err(|error| {
        Box::new(Diagnostic::error(IO_RULE, format!("cannot read stdin: {error}")).with_path(shown))
    })?;
    String::from_utf8(bytes).map(Into::into).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let message = format!("stdin is not valid UTF-8 (byte {at}); .proto files must be UTF-8");
        Box::new(Diagnostic::error(IO_RULE, message).with_path(shown))
    })
}

/// Compiles for a command that ends the process: the result is never freed,
/// because freeing a whole workspace's descriptors at exit costs up to half a
/// second (googleapis) and the operating system reclaims it anyway.
fn compile_until_exit(workspace: &Workspace) -> &'static mut crate::compile::Compilation {
    Box::leak(Box::new(crate::compile::compile(workspace)))
}

/// Discovers the workspace of the working directory, or reports why there is
/// none; the `Err` is the exit code.
fn discover_workspace(
    reporter: &Reporter,
    format: OutputFormat,
    config: Option<&Path>,
    paths: &[PathBuf],
) -> Result<Workspace, i32> {
    discover_reported(reporter, format, |cwd| workspace::discover(cwd, config, paths))
}

/// The workspace of an editor buffer read from stdin as if it were `path` (which
/// need not exist), or reports why there is none; the `Err` is the exit code.
fn discover_buffer_workspace(
    reporter: &Reporter,
    format: OutputFormat,
    config: Option<&Path>,
    path: &Path,
) -> Result<Workspace, i32> {
    discover_reported(reporter, format, |cwd| workspace::discover_buffer(cwd, config, path))
}

fn discover_reported(
    reporter: &Reporter,
    format: OutputFormat,
    discover: impl FnOnce(&Path) -> Result<Workspace, Vec<Diagnostic>>,
) -> Result<Workspace, i32> {
    let cwd = std::env::current_dir().map_err(|error| {
        let message = format!("cannot read the working directory: {error}");
        let diags = vec![Diagnostic::error(IO_RULE, message)];
        reporter.report(format, diags, &Sources::default(), false);
        EXIT_ERROR
    })?;
    let workspace = discover(&cwd).map_err(|diags| {
        let sources = sources_on_disk(&cwd, &diags);
        reporter.report(format, diags, &sources, false);
        EXIT_ERROR
    })?;
    if let Some(from) = &workspace.converted_from
        && !reporter.quiet
    {
        let _ = writeln!(
            io::stderr(),
            "idl: no idl.toml found; using {from} (`idl init --from {from}` writes the equivalent idl.toml)"
        );
    }
    Ok(workspace)
}

/// The files discovery errors point into. `discover` does not hand back the config
/// file it failed on, so without reading it again the text format would show no
/// snippet for the most common mistake (a typo in idl.toml).
fn sources_on_disk(cwd: &Path, diags: &[Diagnostic]) -> Sources {
    let mut sources = Sources::default();
    for diag in diags.iter().filter(|d| d.span.is_some()) {
        if sources.get(&diag.path).is_some() {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(cwd.join(&diag.path)) {
            sources.insert(SourceFile::new(diag.path.clone(), diag.path.clone(), text.into()));
        }
    }
    sources
}
