//! The command-line surface: every subcommand and flag, defined once. `--help`,
//! the shell completions and the man page are all generated from these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report::OutputFormat;

const ABOUT: &str = "Lint, format, check for breaking changes, and document protobuf workspaces";

/// The heading of the options every subcommand accepts.
const GLOBAL: &str = "Global options";

const EXIT_CODES: &str = "\
Exit codes:
    0  clean
    1  findings (lint, breaking, format --check)
    2  usage, configuration or input error (including files that do not compile)
  101  internal error: a bug in idl, please report it";

#[derive(Debug, Parser)]
#[command(name = "idl", version, about = ABOUT, after_help = EXIT_CODES)]
#[command(propagate_version = true, disable_help_subcommand = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Use this config file instead of the nearest idl.toml in the working directory or above.
    #[arg(long, global = true, value_name = "FILE", help_heading = GLOBAL)]
    pub config: Option<PathBuf>,
    /// When to color output; `auto` colors a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = GLOBAL)]
    pub color: ColorChoice,
    /// Report only what fails the run: errors (and warnings under `--deny warnings`).
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile the workspace and write a FileDescriptorSet.
    Build(BuildArgs),
    /// Check the workspace against the configured lint rules.
    Lint(LintArgs),
    /// Format .proto files.
    Format(FormatArgs),
    /// Find breaking changes against a base (a git ref, a directory or a descriptor set).
    Breaking(BreakingArgs),
    /// Generate API documentation.
    Docs(DocsArgs),
    /// Generate the table of error codes declared in the workspace.
    Errors(ErrorsArgs),
    /// List the lint and breaking rules, or explain one.
    Rules(RulesArgs),
    /// Write an idl.toml: the defaults, or converted from buf.yaml, buf.work.yaml,
    /// .protolint.yaml or prototool.yaml.
    Init(InitArgs),
    /// Write a new API file: a service with the standard methods, REST routes and an
    /// error enum, in the workspace's conventions (passes its lint preset as written).
    New(NewArgs),
    /// Serve mock implementations of the workspace's services (gRPC, gRPC-Web,
    /// Connect; server reflection and health) on one port.
    Mock(MockArgs),
    /// Run the language server on stdin/stdout.
    Lsp,
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    #[command(hide = true)]
    Man,
}

impl Command {
    /// The subcommand's name as typed, for messages and reports.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Build(_) => "build",
            Command::Lint(_) => "lint",
            Command::Format(_) => "format",
            Command::Breaking(_) => "breaking",
            Command::Docs(_) => "docs",
            Command::Errors(_) => "errors",
            Command::Rules(_) => "rules",
            Command::Init(_) => "init",
            Command::New(_) => "new",
            Command::Mock(_) => "mock",
            Command::Lsp => "lsp",
            Command::Completions(_) => "completions",
            Command::Man => "man",
        }
    }
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Files or directories to compile; the whole workspace when omitted.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Write the FileDescriptorSet (binary) here; `-` for stdout. Without it, only check that everything compiles.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Include SourceCodeInfo (locations and comments) in the output.
    #[arg(long)]
    pub source_info: bool,
    /// How to report compile errors (on stderr).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint; the whole workspace when omitted.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Use this preset instead of the one in idl.toml.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Apply safe fixes.
    #[arg(long)]
    pub fix: bool,
    /// With --fix, also apply fixes that may change behaviour or generated code.
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,
    /// Fail (exit 1) on warnings too.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub deny: Option<DenyLevel>,
    /// Write the current findings to FILE as a baseline to ignore from now on.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Lint stdin as if it were this file (for editors): its config, roots and import
    /// name come from PATH, which need not exist; the other files are read from disk.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["paths", "write_baseline"])]
    pub stdin_filename: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyLevel {
    Warnings,
}

#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Files or directories to format; `-` reads stdin and writes stdout.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Rewrite the files in place.
    #[arg(short, long, conflicts_with_all = ["check", "diff"])]
    pub write: bool,
    /// Exit 1 when a file is not formatted; change nothing.
    #[arg(long)]
    pub check: bool,
    /// Print a unified diff of the changes; change nothing.
    #[arg(long)]
    pub diff: bool,
    /// Format stdin as if it were this file (for editors): the `[format]` settings of
    /// its idl.toml apply and findings name PATH, which need not exist. Writes stdout.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["paths", "write"])]
    pub stdin_filename: Option<PathBuf>,
    /// Exit 1 when a file was (or, with --diff, would be) changed: for hooks that
    /// rewrite files and must still fail the run (pre-commit).
    #[arg(long)]
    pub exit_code: bool,
    /// How to report files that are not formatted (with --check).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct BreakingArgs {
    /// Files or directories to check; the whole workspace when omitted.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// The base: a git ref, a directory, or a descriptor set (.binpb).
    #[arg(long, value_name = "BASE", conflicts_with = "against_merge_base")]
    pub against: Option<String>,
    /// Compare against the merge base of HEAD and this git ref.
    #[arg(long, value_name = "REF")]
    pub against_merge_base: Option<String>,
    /// Rules or categories to run instead of `[breaking] use` (repeatable; `--use FILE --use API`).
    #[arg(long = "use", value_name = "RULE|CATEGORY")]
    pub use_rules: Vec<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// Files or directories to document; the whole workspace when omitted.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Directory to write the documentation to (required for html and markdown;
    /// json goes to stdout without it, else to DIR/docs.json).
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// What to write: a static site, a Markdown tree, or the documentation model as JSON.
    #[arg(long, value_enum, default_value_t = DocsFormat::Html)]
    pub format: DocsFormat,
    /// Order of services, messages and enums within a package.
    #[arg(long, value_enum, default_value_t = DocsOrder::Declaration)]
    pub order: DocsOrder,
    /// How to report compile errors (on stderr).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub error_format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocsOrder {
    /// As declared in the files.
    Declaration,
    /// By name.
    Alphabetical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocsFormat {
    Html,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct ErrorsArgs {
    /// Files or directories to read error enums from; the whole workspace when omitted.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// The table's format.
    #[arg(long, value_enum, default_value_t = ErrorsFormat::Markdown)]
    pub format: ErrorsFormat,
    /// Write the table here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start the CSV with a UTF-8 byte order mark (spreadsheet apps then show CJK text).
    #[arg(long)]
    pub bom: bool,
    /// Write idl/errors.proto (idl's options: business code, domain, metadata keys) into the first root.
    #[arg(long)]
    pub init: bool,
    /// How to report compile errors and error-table findings (on stderr).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub error_format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorsFormat {
    Markdown,
    Json,
    Csv,
    Html,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Convert this config (buf.yaml, buf.work.yaml, .protolint.yaml, prototool.yaml)
    /// instead of writing the defaults; what cannot be carried over is listed.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Where to write; `-` for stdout. Default: idl.toml in the working directory,
    /// or next to the --from file (its paths are relative to that directory).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// How to report the settings not carried over.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The file to write, under a root: api/<name>/v1/<name>.proto.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// The service's name (default: the file name in PascalCase plus the suffix
    /// SERVICE_SUFFIX wants, `Service` unless configured).
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Print the file on stdout instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// `text`: a summary on stderr; `json`: the summary as one JSON object on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct MockArgs {
    /// Files or directories whose services to serve; the whole workspace when omitted.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// The address to listen on; port 0 picks a free one (the ready line says which).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Serve only this service (full name); repeatable.
    #[arg(long = "service", value_name = "NAME")]
    pub services: Vec<String>,
    /// `text`: the ready line for people; `json`: one JSON object with the address and services.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule ID to explain; all rules are listed when omitted.
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// A table of every rule, or one rule's documentation (Markdown).
    Text,
    /// JSON: an array of rules, or one rule with its documentation.
    Json,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
