//! The command-line shell: parses arguments, runs a command, and maps its outcome
//! to an exit code. Commands never print findings themselves; they hand
//! [`Diagnostic`]s to the report layer through a [`Reporter`].

mod args;
mod breaking;
mod build;
mod cache;
mod call;
mod config_check;
mod docs;
mod errors;
mod format;
mod generate;
mod init;
mod lint;
mod mock;
mod new;
mod openapi;
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
        // (`idl config check --format` sits one subcommand deeper.)
        let mut deepest = &matches;
        while let Some((_, sub)) = deepest.subcommand() {
            deepest = sub;
        }
        let format_chosen = Some(("", deepest))
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
            // `--write-baseline -` puts the baseline on stdout.
            let baseline_on_stdout = args.write_baseline.as_deref() == Some(Path::new("-"));
            let stream = if baseline_on_stdout { Stream::Stderr } else { Stream::Stdout };
            let reporter = Reporter::to_stream(&cli.global, command_name, format_chosen, stream, &args.report);
            reporter.exit_code(lint::run(args, &reporter, cli.global.config.as_deref()))
        }
        Command::Rules(args) => rules::run(args),
        Command::Breaking(args) => {
            let reporter = Reporter::to_stream(&cli.global, command_name, format_chosen, Stream::Stdout, &args.report);
            reporter.exit_code(breaking::run(args, &reporter, cli.global.config.as_deref()))
        }
        Command::Format(args) => {
            // Only `--check` has findings as its output; otherwise stdout carries
            // formatted text, a diff or the names of changed files.
            let stream = if args.check && !args.diff { Stream::Stdout } else { Stream::Stderr };
            let reporter = Reporter::to_stream(&cli.global, command_name, format_chosen, stream, &args.report);
            reporter.exit_code(format::run(args, &reporter, cli.global.config.as_deref()))
        }
        Command::Errors(args) => {
            // `--format` picks the table there, not the report: `text` findings go
            // short when piped unless `--color always`. The table is on stdout
            // unless `-o` sends it to a file.
            let table_on_stdout = args.output.as_deref().is_none_or(|path| path == Path::new("-"));
            let stream = if table_on_stdout { Stream::Stderr } else { Stream::Stdout };
            let report = args::ReportArgs { output_file: None, reports: args.reports.clone() };
            let reporter = Reporter::to_stream(&cli.global, command_name, false, stream, &report);
            reporter.exit_code(errors::run(args, &reporter, cli.global.config.as_deref()))
        }
        Command::Docs(args) => {
            // `--format` picks the artefact; findings follow `--error-format`.
            let reporter = Reporter::new(&cli.global, command_name, false);
            docs::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Openapi(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            openapi::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Init(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            init::run(args, &reporter)
        }
        Command::Config(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            config_check::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::New(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            new::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Mock(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            mock::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Call(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            call::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Lsp(args) => crate::lsp::run(cli.global.config.as_deref(), args.max_message_bytes),
        Command::Generate(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            generate::run(args, &reporter, cli.global.config.as_deref())
        }
        Command::Cache(args) => {
            let reporter = Reporter::new(&cli.global, command_name, format_chosen);
            cache::run(args, &reporter, cli.global.config.as_deref())
        }
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

/// Which standard stream a command's findings go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stream {
    /// Findings are the command's output (lint, breaking, format --check), as buf,
    /// ruff and eslint print them: `idl lint --format sarif > idl.sarif` works.
    Stdout,
    /// stdout carries an artefact (a descriptor set, formatted text, a diff, an
    /// error table), so findings must not mix into it, as with `buf build`.
    Stderr,
}

/// Renders a command's findings in the chosen format, with the global `--color`
/// and `--quiet` applied: on its [`Stream`] (or `-o FILE`), and once more per
/// `--report FORMAT=FILE`.
struct Reporter {
    color: bool,
    /// `text` shows snippets on a terminal and one line per finding when piped
    /// (into a log, grep, an editor's problem matcher), unless `--format text`
    /// or `--color always` was given.
    text_as_short: bool,
    quiet: bool,
    command: &'static str,
    stream: Stream,
    /// `-o FILE`: the report goes there instead of the stream.
    output_file: Option<PathBuf>,
    reports: Vec<args::ReportFile>,
    /// A report file could not be written: the run exits 2 whatever it found.
    write_failed: std::cell::Cell<bool>,
}

impl Reporter {
    fn new(global: &GlobalArgs, command: &'static str, format_chosen: bool) -> Reporter {
        Reporter::to_stream(global, command, format_chosen, Stream::Stderr, &args::ReportArgs::default())
    }

    fn to_stream(
        global: &GlobalArgs,
        command: &'static str,
        format_chosen: bool,
        stream: Stream,
        report: &args::ReportArgs,
    ) -> Reporter {
        // `-o -` is stdout, as everywhere else.
        let output_file = report.output_file.clone().filter(|path| path != Path::new("-"));
        let stream = if report.output_file.is_some() && output_file.is_none() { Stream::Stdout } else { stream };
        let report = &args::ReportArgs { output_file, reports: report.reports.clone() };
        let on_terminal = report.output_file.is_none()
            && match stream {
                Stream::Stdout => io::stdout().is_terminal(),
                Stream::Stderr => io::stderr().is_terminal(),
            };
        let color = match global.color {
            ColorChoice::Always => report.output_file.is_none(),
            ColorChoice::Never => false,
            ColorChoice::Auto => report::color_wanted(on_terminal),
        };
        let text_as_short = !format_chosen && global.color != ColorChoice::Always && !on_terminal;
        Reporter {
            color,
            text_as_short,
            quiet: global.quiet,
            command,
            stream,
            output_file: report.output_file.clone(),
            reports: report.reports.clone(),
            write_failed: std::cell::Cell::new(false),
        }
    }

    fn report(&self, format: OutputFormat, mut diags: Vec<Diagnostic>, sources: &Sources, deny_warnings: bool) {
        if self.quiet {
            diags.retain(|d| report::exit_code(std::slice::from_ref(d), deny_warnings) != 0);
        }
        crate::diagnostic::sort_and_dedup(&mut diags);
        let options = |color| ReportOptions {
            color,
            tool_version: env!("CARGO_PKG_VERSION"),
            command: self.command,
            rule_summary: &|id| crate::lint::rule_summary(id).or_else(|| crate::configcheck::rule_summary(id)),
        };
        for extra in &self.reports {
            let mut bytes = Vec::new();
            let _ = report::write_report(&mut bytes, extra.format, &diags, sources, &options(false));
            self.write_file(&extra.path, &bytes);
        }
        let format = if format == OutputFormat::Text && self.text_as_short { OutputFormat::Short } else { format };
        if let Some(path) = &self.output_file {
            let mut bytes = Vec::new();
            let _ = report::write_report(&mut bytes, format, &diags, sources, &options(false));
            self.write_file(path, &bytes);
            return;
        }
        // Unbuffered stderr (and a line-buffered stdout) would cost 80,000
        // findings ~10 write syscalls each.
        let written = match self.stream {
            Stream::Stdout => {
                let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
                report::write_report(&mut out, format, &diags, sources, &options(self.color)).and_then(|()| out.flush())
            }
            Stream::Stderr => {
                let mut out = io::BufWriter::with_capacity(1 << 16, io::stderr().lock());
                report::write_report(&mut out, format, &diags, sources, &options(self.color)).and_then(|()| out.flush())
            }
        };
        // A reader that went away (`idl lint | head`) is not an error; nothing
        // sensible is left to do when stderr itself cannot be written.
        if let Err(error) = written
            && error.kind() != io::ErrorKind::BrokenPipe
            && self.stream == Stream::Stdout
        {
            let _ = writeln!(io::stderr(), "idl {}: cannot write the report to stdout: {error}", self.command);
            self.write_failed.set(true);
        }
    }

    /// The per-path renderer of this reporter's main report, when the lint
    /// cache may keep renderings: no extra `--report` files, and a format that
    /// is a concatenation of per-path renderings.
    fn path_renderer(&self, format: OutputFormat, deny_warnings: bool) -> Option<report::PathRenderer> {
        if !self.reports.is_empty() {
            return None;
        }
        let format = if format == OutputFormat::Text && self.text_as_short { OutputFormat::Short } else { format };
        let color = self.color && self.output_file.is_none();
        report::PathRenderer::new(format, color, self.quiet, deny_warnings)
    }

    /// Writes a report already rendered, in pieces, where [`Reporter::report`]
    /// would have written it.
    fn write_rendered<'a>(&self, pieces: impl Iterator<Item = &'a [u8]>) {
        if let Some(path) = &self.output_file {
            let bytes: Vec<u8> = pieces.flat_map(|piece| piece.iter().copied()).collect();
            self.write_file(path, &bytes);
            return;
        }
        // Pieces are one path's findings each (7,000 for googleapis), most of
        // them mapped from the cache: written straight from there, many per
        // `writev`, rather than copied into a buffer first.
        let slices: Vec<io::IoSlice> = pieces.filter(|piece| !piece.is_empty()).map(io::IoSlice::new).collect();
        let written = match self.stream {
            Stream::Stdout => write_all_vectored(&mut io::stdout().lock(), slices),
            Stream::Stderr => write_all_vectored(&mut io::stderr().lock(), slices),
        };
        if let Err(error) = written
            && error.kind() != io::ErrorKind::BrokenPipe
            && self.stream == Stream::Stdout
        {
            let _ = writeln!(io::stderr(), "idl {}: cannot write the report to stdout: {error}", self.command);
            self.write_failed.set(true);
        }
    }

    /// Writes one report file atomically; a failure is said on stderr and fails the run.
    fn write_file(&self, path: &Path, bytes: &[u8]) {
        if let Err(error) = write_atomically(path, bytes) {
            let _ = writeln!(io::stderr(), "idl {}: cannot write {}: {error}", self.command, path.display());
            self.write_failed.set(true);
        }
    }

    /// The command's exit code, or 2 when a report could not be written.
    fn exit_code(&self, code: i32) -> i32 {
        if self.write_failed.get() { EXIT_ERROR.max(code) } else { code }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a
/// rename: a CI step reading the report sees the old one or the whole new one,
/// and a failed run leaves no half-written file behind.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for attempt in 0..100u32 {
        let tmp_path = dir.join(format!(".{name}.idl-{}-{attempt}.tmp", std::process::id()));
        let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp_path) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        };
        let result = file.write_all(bytes).and_then(|()| std::fs::rename(&tmp_path, path));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp_path);
        }
        return result;
    }
    Err(io::Error::other("cannot create a temporary file"))
}

/// Reads an editor buffer from stdin; the `Err` is an IO diagnostic at `shown`.
fn read_stdin_buffer(shown: &str) -> Result<std::sync::Arc<str>, Box<Diagnostic>> {
    use crate::checked_read;
    let bytes = checked_read::read_bounded(io::stdin().lock(), checked_read::MAX_PROTO_BYTES, ".proto files").map_err(
        |error| Box::new(Diagnostic::error(IO_RULE, format!("cannot read stdin: {error}")).with_path(shown)),
    )?;
    checked_read::proto_text(bytes, shown)
}

/// Compiles for a command that ends the process: the result is never freed,
/// because freeing a whole workspace's descriptors at exit costs up to half a
/// second (googleapis) and the operating system reclaims it anyway.
fn compile_until_exit(workspace: &Workspace) -> &'static mut crate::compile::Compilation {
    compile_from_until_exit(&crate::compile::WorkspaceFiles::new(workspace))
}

/// [`compile_until_exit`] from any provider (a selection of the workspace).
fn compile_from_until_exit(provider: &dyn crate::compile::FileProvider) -> &'static mut crate::compile::Compilation {
    Box::leak(Box::new(crate::compile::compile_from(provider)))
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

/// [`discover_workspace`] for a command with a cache: when the run uses it
/// (`cached`), its walks are remembered there (`workspace::discover_remembering`).
fn discover_cached_workspace(
    reporter: &Reporter,
    format: OutputFormat,
    config: Option<&Path>,
    paths: &[PathBuf],
    cached: bool,
) -> Result<Workspace, i32> {
    discover_reported(reporter, format, |cwd| {
        if cached {
            workspace::discover_remembering(cwd, config, paths)
        } else {
            workspace::discover(cwd, config, paths)
        }
    })
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
        if let Ok(text) = crate::checked_read::read_config_text(&cwd.join(&diag.path)) {
            sources.insert(SourceFile::new(diag.path.clone(), diag.path.clone(), text.into()));
        }
    }
    sources
}

/// Writes every slice, as few `writev` calls as the kernel allows.
fn write_all_vectored(out: &mut dyn Write, mut slices: Vec<io::IoSlice>) -> io::Result<()> {
    // IOV_MAX on Linux.
    const MAX_SLICES: usize = 1024;
    let mut rest: &mut [io::IoSlice] = &mut slices;
    while !rest.is_empty() {
        let end = rest.len().min(MAX_SLICES);
        match out.write_vectored(&rest[..end]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => io::IoSlice::advance_slices(&mut rest, n),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    out.flush()
}
