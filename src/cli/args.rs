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
    /// Write the OpenAPI document of the workspace's HTTP bindings (gnostic protoc-gen-openapi's).
    Openapi(OpenapiArgs),
    /// List the lint and breaking rules, or explain one.
    Rules(RulesArgs),
    /// Write an idl.toml: the layout found here (buf.yaml, Makefile proto paths,
    /// third_party/) and the defaults, or converted from buf.yaml, buf.work.yaml,
    /// .protolint.yaml or prototool.yaml.
    Init(InitArgs),
    /// Check a service's YAML/JSON configuration against its proto message
    /// (Kratos' Bootstrap), or write that message's JSON Schema.
    Config(ConfigArgs),
    /// Write a new API file: a service with the standard methods, REST routes and an
    /// error enum, in the workspace's conventions (passes its lint preset as written).
    New(NewArgs),
    /// Serve mock implementations of the workspace's services (gRPC, gRPC-Web,
    /// Connect; server reflection and health) on one port.
    Mock(MockArgs),
    /// Call a method of a running server (gRPC, gRPC-Web, Connect or HTTP/JSON) with the
    /// workspace's schema, printing the answer as proto3 JSON.
    Call(CallArgs),
    /// Run the language server on stdin/stdout.
    Lsp(LspArgs),
    /// Run protoc plugins (and idl's own generators) from buf.gen.yaml or [generate].
    Generate(GenerateArgs),
    /// Show or empty the persistent cache (`idl cache info`, `idl cache clean`).
    Cache(CacheArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
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
            Command::Openapi(_) => "openapi",
            Command::Rules(_) => "rules",
            Command::Init(_) => "init",
            Command::Config(_) => "config",
            Command::New(_) => "new",
            Command::Mock(_) => "mock",
            Command::Call(_) => "call",
            Command::Lsp(_) => "lsp",
            Command::Generate(_) => "generate",
            Command::Cache(_) => "cache",
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
    /// With --fix, also rewrite files outside the workspace (roots such as `../x`
    /// or `/abs`, symlinks leading out); without it they are only read.
    #[arg(long, requires = "fix")]
    pub write_outside_workspace: bool,
    /// Fail (exit 1) on warnings too.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub deny: Option<DenyLevel>,
    /// Write the current findings to FILE as a baseline to ignore from now on.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Lint stdin as if it were this file (for editors): its config, roots and import
    /// name come from PATH, which need not exist; the other files are read from disk.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["paths", "write_baseline"])]
    pub stdin_filename: Option<PathBuf>,
    /// Neither read nor write the persistent cache (each file's findings, kept by
    /// the content of the file and its imports); the findings are the same, only
    /// slower.
    #[arg(long)]
    pub no_cache: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

/// Where a command's findings go besides the stream: `-o` instead of stdout, and
/// any number of extra reports in other formats.
#[derive(Debug, Clone, Default, Args)]
pub struct ReportArgs {
    /// Write the findings to FILE instead of stdout (replaced atomically: a reader
    /// sees the old report or the whole new one).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Also write the findings to FILE in FORMAT (repeatable):
    /// `--report sarif=idl.sarif --report junit=idl.xml` next to text on the terminal.
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report_file)]
    pub reports: Vec<ReportFile>,
}

/// One `--report FORMAT=FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    pub format: OutputFormat,
    pub path: PathBuf,
}

fn parse_report_file(value: &str) -> Result<ReportFile, String> {
    let names = || {
        OutputFormat::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some((format, path)) = value.split_once('=') else {
        return Err(format!("expected FORMAT=FILE (FORMAT one of: {})", names()));
    };
    let format = OutputFormat::from_str(format, true)
        .map_err(|_| format!("unknown format `{format}`; expected one of: {}", names()))?;
    if path.is_empty() {
        return Err("the FILE of FORMAT=FILE is empty".to_string());
    }
    Ok(ReportFile { format, path: PathBuf::from(path) })
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
    /// With -w, also rewrite files outside the workspace (roots such as `../x` or
    /// `/abs`, symlinks leading out); without it they are only read.
    #[arg(long, requires = "write")]
    pub write_outside_workspace: bool,
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
    #[command(flatten)]
    pub report: ReportArgs,
    /// How to report files that are not formatted (with --check; on stdout unless --diff).
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
    /// Compile and compare every file even against a git base, where by default
    /// only files whose blobs differ (and their dependants and package mates) are;
    /// the findings are the same, only slower.
    #[arg(long)]
    pub full: bool,
    /// Neither read nor write the persistent cache (the file headers kept by blob
    /// id); the findings are the same, only slower.
    #[arg(long)]
    pub no_cache: bool,
    #[command(flatten)]
    pub report: ReportArgs,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub command: CacheCommand,
    #[arg(long, value_enum, default_value_t = CacheFormat::Text, global = true)]
    pub format: CacheFormat,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Print the cache directory, its tables' entries and sizes.
    Info,
    /// Remove everything idl keeps in the cache directory.
    Clean,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CacheFormat {
    Text,
    Json,
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
    /// How to report compile errors and error-table findings (on stdout when the
    /// table goes to a file with -o, else on stderr).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub error_format: OutputFormat,
    /// Also write the findings to FILE in FORMAT (repeatable): `--report sarif=errors.sarif`.
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report_file)]
    pub reports: Vec<ReportFile>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ErrorsFormat {
    Markdown,
    Json,
    Csv,
    Html,
}

#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Convert this config (buf.yaml, buf.work.yaml, .protolint.yaml, prototool.yaml)
    /// instead of writing the defaults; what cannot be carried over is listed. A
    /// buf.gen.yaml becomes a `[generate]` table added to the idl.toml.
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
pub struct CallArgs {
    /// The server: http://HOST:PORT (cleartext).
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// The method: package.Service/Method (or package.Service.Method).
    #[arg(value_name = "METHOD")]
    pub method: String,
    /// The request as proto3 JSON, `@FILE`, or `@-` for stdin; several JSON
    /// objects for a client stream. Default: `{}`.
    #[arg(short = 'd', long = "data", value_name = "JSON")]
    pub data: Option<String>,
    /// The wire protocol.
    #[arg(long, value_enum, default_value_t = CallProtocolArg::Grpc)]
    pub protocol: CallProtocolArg,
    /// A request header `NAME: VALUE`; repeatable.
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Cleartext (the only transport so far; accepted for grpcurl's habit).
    #[arg(long)]
    pub plaintext: bool,
    /// Seconds to wait for the whole answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// `text`: each answer as indented JSON; `json`: one JSON object per line.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CallProtocolArg {
    Grpc,
    Grpcweb,
    Connect,
    /// HTTP/JSON by the method's `google.api.http` binding.
    Http,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule ID to explain (lint or breaking); all rules are listed when omitted.
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// List only the rules of this breaking category (FILE, PACKAGE, WIRE_JSON, WIRE,
    /// CSR, API, ERRORS) or lint preset or group (buf-standard, COMMENTS, ...).
    #[arg(long, value_name = "NAME", conflicts_with = "id")]
    pub category: Option<String>,
    /// List only the breaking rules (`idl breaking`), or only the lint rules.
    #[arg(long, value_enum, value_name = "KIND", conflicts_with = "id")]
    pub kind: Option<RuleKind>,
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleKind {
    Lint,
    Breaking,
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

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check config files (YAML, JSON, or Kubernetes ConfigMaps embedding them) as
    /// protojson would decode them into the message, plus REQUIRED fields and
    /// protovalidate rules.
    Check(ConfigCheckArgs),
    /// Write the JSON Schema of the message's protojson form (for editors' YAML
    /// language servers).
    Schema(ConfigSchemaArgs),
}

#[derive(Debug, Args)]
pub struct ConfigCheckArgs {
    /// Config files to check; `[config] files` of idl.toml when omitted.
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,
    /// The message the files hold (`kratos.api.Bootstrap`), instead of `[config] message`.
    #[arg(long, value_name = "FULL.NAME")]
    pub message: Option<String>,
    /// In a ConfigMap, the data key holding the config (instead of `[config] configmap_key`;
    /// default: the ConfigMap's only data entry).
    #[arg(long, value_name = "KEY")]
    pub configmap_key: Option<String>,
    /// Without FILES and without `[config] files` in idl.toml, succeed with nothing
    /// to check instead of failing (for a hook shared by repositories that have no
    /// service config).
    #[arg(long)]
    pub configured_only: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct ConfigSchemaArgs {
    /// The message (`kratos.api.Bootstrap`), instead of `[config] message`.
    #[arg(long, value_name = "FULL.NAME")]
    pub message: Option<String>,
    /// Write the schema here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// How to report compile and input errors.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub error_format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// The largest message body accepted from the client, in bytes; a longer
    /// one is skipped and answered with an error.
    #[arg(long, value_name = "BYTES", default_value_t = crate::lsp::DEFAULT_MAX_MESSAGE_BYTES)]
    pub max_message_bytes: u64,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Files or directories to generate from; the template's `inputs`, else the whole workspace, when omitted.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// The generation template (a buf.gen.yaml, v1 or v2). Default: `[generate]` in idl.toml, else ./buf.gen.yaml.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Generate only for files at or under this path (repeatable).
    #[arg(long = "path", value_name = "P")]
    pub path: Vec<String>,
    /// Leave out files at or under this path (repeatable).
    #[arg(long = "exclude-path", value_name = "P")]
    pub exclude_path: Vec<String>,
    /// Base directory prepended to every plugin's `out`.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Also generate for imported files (well-known types only with --include-wkt).
    #[arg(long)]
    pub include_imports: bool,
    /// With imports, also generate for the well-known types.
    #[arg(long)]
    pub include_wkt: bool,
    /// Write nothing; exit 1 with a diff when the generated files on disk are not what generate would write.
    #[arg(long)]
    pub check: bool,
    /// Stop a plugin run that takes longer than this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300.0)]
    pub timeout: f64,
    /// Plugin runs at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Send this `compiler_version` (MAJOR.MINOR.PATCH[SUFFIX]) in requests, as protoc does; buf sends none.
    #[arg(long, value_name = "VERSION")]
    pub compiler_version: Option<String>,
    /// Whose requests to reproduce: `buf` (generated code equals buf generate's) or
    /// `protoc` (requests byte for byte as protoc's; option values in field-number order).
    #[arg(long, value_enum, default_value_t = RequestStyleArg::Buf, value_name = "STYLE")]
    pub request_style: RequestStyleArg,
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RequestStyleArg {
    Buf,
    Protoc,
}

#[derive(Debug, Args)]
pub struct OpenapiArgs {
    /// Files or directories whose services to describe; the whole workspace when omitted.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Write the document here instead of stdout (`.json` writes JSON); with
    /// `output_mode=source_relative`, the directory to write one document per file into.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// An option as protoc-gen-openapi takes it (`fq_schema_naming=true`; repeatable,
    /// or comma-separated), overriding `[openapi]` in idl.toml.
    #[arg(long = "opt", value_name = "KEY=VALUE")]
    pub opt: Vec<String>,
    /// How to report compile errors and findings (on stderr).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}
