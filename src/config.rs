//! `idl.toml`: the workspace configuration.
//!
//! Every table denies unknown keys, so a typo is an error rather than a silently
//! ignored setting. Values that later stages check against their own registries
//! (rule IDs, presets, paths) keep their byte spans ([`Spanned`]) so those stages can
//! report problems at `idl.toml:line:column`; [`Config::load`] returns the config's
//! [`SourceFile`] for the report layer's snippets.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// Rule name of every finding about the configuration.
pub const CONFIG_RULE: &str = "CONFIG";

/// The file name workspace discovery looks for.
pub const CONFIG_FILE_NAME: &str = "idl.toml";

// The `///` comments of these structs are the configuration reference:
// docs/configuration.md and docs/idl.schema.json are generated from this schema
// (see `config_reference`).

/// The configuration of an idl workspace.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, expecting = "a table")]
#[schemars(title = "idl.toml")]
pub struct Config {
    /// Directories whose `.proto` files are the workspace, relative to the config's
    /// directory. Import names are relative to the first root containing the file.
    #[serde(deserialize_with = "non_empty")]
    #[schemars(with = "Vec<String>", extend("default" = ["."]))]
    pub roots: Vec<Spanned<String>>,
    /// Directories searched for imports after the roots; their files are never checked.
    #[schemars(with = "Vec<String>")]
    pub import_paths: Vec<Spanned<String>>,
    /// Globs, relative to the config's directory, of files outside the workspace
    /// (`*` stays within a directory, `**` crosses them).
    #[schemars(with = "Vec<String>")]
    pub excludes: Vec<Spanned<String>>,
    /// Which lint rules run, their options, and what they ignore.
    pub lint: LintConfig,
    /// Which breaking-change rules run against the base, and what they ignore.
    pub breaking: BreakingConfig,
    /// The formatter's settings.
    #[serde(deserialize_with = "checked_section::<FormatSection, _>")]
    #[schemars(with = "FormatSection")]
    pub format: toml::Table,
    /// The documentation generator's settings (`idl docs`): it has none yet, so
    /// any key here is an error rather than a setting silently ignored.
    #[serde(deserialize_with = "checked_section::<DocsSection, _>")]
    #[schemars(with = "DocsSection")]
    pub docs: toml::Table,
    /// The error-table generator's settings (`idl errors`; see docs/errors.md).
    #[schemars(with = "ErrorsSection")]
    pub errors: toml::Table,
    /// What `idl config check` checks: the message a service's config files are
    /// and where they are (see docs/config-check.md).
    pub config: ConfigCheckConfig,
    /// What `idl generate` runs: buf.gen.yaml v2's keys (`clean`, `managed`,
    /// `[[generate.plugins]]` with `local`/`protoc_builtin`, `out`, `opt`, `strategy`,
    /// `include_imports`, `include_wkt`); checked by it (see docs/generate.md).
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub generate: toml::Table,
    /// What `idl mock` answers besides the examples it derives from the schema:
    /// fixtures, business errors and latency (see docs/mock.md).
    pub mock: MockConfig,
    /// `idl openapi`'s options (gnostic protoc-gen-openapi's, see docs/openapi.md);
    /// `--opt KEY=VALUE` overrides them.
    #[schemars(with = "OpenapiSection")]
    pub openapi: toml::Table,
    /// The persistent cache (see src/cache/): where it lives and how large it may grow.
    pub cache: CacheConfig,
}

/// `[cache]`: the persistent cache `idl breaking` keeps between runs (`--no-cache`
/// turns it off for one run; `idl cache info|clean`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, expecting = "a table")]
pub struct CacheConfig {
    /// The cache directory, relative to the config's directory; the platform cache
    /// directory (`~/.cache/idl`) when unset. `IDL_CACHE_DIR` overrides both.
    #[schemars(with = "Option<String>")]
    pub dir: Option<Spanned<String>>,
    /// The largest a cache table may grow, in MiB (default 256); the least
    /// recently used entries are dropped past it, and the oldest lint tables
    /// (one per idl build and config) once they hold more than this together.
    pub max_size_mb: Option<u64>,
}

// `[openapi]` is read by `openapi::options`; this is its schema only.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct OpenapiSection {
    /// `info.version` (default `0.0.1`).
    version: Option<String>,
    /// `info.title`; unset, one service names the document (`<Service> API`).
    title: Option<String>,
    /// `info.description`; unset, one service's comment describes the document.
    description: Option<String>,
    /// `json` (default: properties and parameters by JSON name) or `proto` (by field name).
    naming: Option<String>,
    /// Schema names prefixed with the package (`acme.user.v1.User`), as Kratos layouts use.
    fq_schema_naming: Option<bool>,
    /// `integer` (default) or `string`: how enum fields are described.
    enum_type: Option<String>,
    /// How often a recursive message is expanded into query parameters (default 2).
    depth: Option<u32>,
    /// A `default` response with `google.rpc.Status` on every operation (default true).
    default_response: Option<bool>,
    /// `merged` (default: one openapi.yaml) or `source_relative` (one per .proto file).
    output_mode: Option<String>,
    /// Kratos error responses from the error table; default on when the workspace declares error enums.
    errors: Option<bool>,
    /// `openapi3` (default) or `swagger2`.
    format: Option<String>,
}

/// `[mock]`: canned answers, injected errors and latency for `idl mock`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, expecting = "a table")]
pub struct MockConfig {
    /// Milliseconds every answer waits before it is sent (latency injection);
    /// a response's own `latency_ms` replaces it.
    pub latency_ms: u64,
    /// Answers for the requests they match, tried in order: the first whose
    /// `method` and `when` match the request answers it; a request none matches
    /// gets the schema's example.
    pub responses: Vec<MockResponse>,
}

/// One canned answer. With `file` it answers that message,
/// with `error` one of the method's business errors, with neither the example
/// (after `latency_ms`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub struct MockResponse {
    /// The method answered: `package.Service/Method`.
    #[schemars(with = "String")]
    pub method: Spanned<String>,
    /// Request fields and the values they must have, by proto or JSON name
    /// (dotted for nested fields: `user.email`), compared as proto3 JSON values
    /// (`id = "7"`, `page_size = 10`, `state = "USER_STATE_ACTIVE"`); a field left
    /// out of the request has its default value. Absent: every request.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, serde_json::Value>>")]
    pub when: Option<Spanned<toml::Table>>,
    /// A file, relative to the config's directory, holding the answer as proto3
    /// JSON of the method's response type; checked when the mock starts.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub file: Option<Spanned<String>>,
    /// A business error of the error table (`idl errors`) to answer with: its
    /// reason (`USER_NOT_FOUND`) or its value's full name. Over HTTP it is
    /// Kratos' `{code, reason, message, metadata}` with the error's HTTP status;
    /// over gRPC its status with a `google.rpc.ErrorInfo` detail.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub error: Option<Spanned<String>>,
    /// The error's message; default: the first sentence of its comment.
    #[serde(default)]
    pub message: Option<String>,
    /// The error's `google.rpc.ErrorInfo` metadata (Kratos' `metadata`).
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Milliseconds this answer waits before it is sent, in place of `[mock] latency_ms`.
    #[serde(default)]
    pub latency_ms: Option<u64>,
}

/// `[config]`: a service's YAML/JSON configuration as a protobuf message (Kratos'
/// `Bootstrap`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, expecting = "a table")]
pub struct ConfigCheckConfig {
    /// The full name of the message a config file holds (`kratos.api.Bootstrap`);
    /// `--message` overrides it.
    #[schemars(with = "Option<String>")]
    pub message: Option<Spanned<String>>,
    /// Globs, relative to the config's directory, of the files checked when none
    /// are named (`configs/*.yaml`, `deploy/**/configmap.yaml`).
    #[schemars(with = "Vec<String>")]
    pub files: Vec<Spanned<String>>,
    /// The ConfigMap data key that holds the config (`config.yaml`);
    /// `--configmap-key` overrides it. Unset, a ConfigMap's only data entry.
    #[schemars(with = "Option<String>")]
    pub configmap_key: Option<Spanned<String>>,
}

// `[format]` is read by `cli::format::options_from_config`; it is checked here,
// when the config is read, so its errors are located and reported with the others.
#[derive(Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct FormatSection {
    /// Spaces per indentation level, 1 to 8. buf's style (and idl's default) is 2.
    #[serde(default, deserialize_with = "indent_width", skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 8), extend("default" = 2))]
    indent_width: Option<u8>,
    /// Write file options before imports, as prototool's formatter and the Uber V2
    /// style guide lay a file out (the `uber-v2` preset's FILE_ELEMENT_ORDER wants
    /// it). buf's style (and idl's default) puts imports first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    options_before_imports: Option<bool>,
}

/// `[docs]`: no settings yet.
#[derive(Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct DocsSection {}

fn indent_width<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u8>, D::Error> {
    let value = i64::deserialize(deserializer)?;
    match u8::try_from(value) {
        Ok(width @ 1..=8) => Ok(Some(width)),
        _ => Err(serde::de::Error::custom(format!("expected an integer from 1 to 8, found {value}"))),
    }
}

/// Reads a section through its schema `S` (unknown keys and bad values become
/// located errors) and hands it on as the table its command reads.
fn checked_section<'de, S, D>(deserializer: D) -> Result<toml::Table, D::Error>
where
    S: Deserialize<'de> + Serialize,
    D: Deserializer<'de>,
{
    let section = S::deserialize(deserializer)?;
    toml::Table::try_from(section).map_err(serde::de::Error::custom)
}

// `[errors]` is read by `errors::config::ErrorsConfig::parse`; this is its schema only.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ErrorsSection {
    /// Name patterns (`*` matches any run) of enums that are error enums, matched
    /// against the enum's name and its full name; Kratos and Ego enums are found
    /// without it.
    enums: Option<Vec<String>>,
    /// `short` (the value name, Kratos) or `qualified` (`pkg.VALUE`, Ego): overrides
    /// the style's own reason.
    reason_style: Option<ReasonStyleName>,
    /// HTTP/gRPC mapping profile, overriding the style's own.
    profile: Option<ProfileName>,
    /// Locales whose translations (`@i18n.<locale>=`) every error must have (and the
    /// table's locale columns); unset, each enum's values must have the locales
    /// its other values use.
    locales: Option<Vec<String>>,
    /// Package → error domain; `(idl.errors.domain)` on an enum wins, and the
    /// package itself is the default.
    domains: Option<BTreeMap<String, String>>,
    /// Where business codes come from besides `(idl.errors.biz_code)`: `option`
    /// (default: nowhere else), `number` (the enum number) or `scheme` (derived
    /// from `[errors.code_scheme]`).
    business_code: Option<BusinessCodeName>,
    /// The business-code range scheme ERRORS_CODE_RANGE checks codes against.
    code_scheme: Option<CodeSchemeSection>,
    /// The suffix of an error enum's zero value (default `_UNSPECIFIED`), or
    /// `error`: value 0 may be a real error (as in Kratos' docs).
    zero_value: Option<String>,
}

/// `[errors.code_scheme]`: a code is the project, the package's service code and
/// the error (`PPPSSSEEE` with the default widths).
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CodeSchemeSection {
    /// The project's code, the leading digits; its codes must fit an int32.
    #[schemars(range(min = 1))]
    project: i64,
    /// Package → service code.
    services: Option<BTreeMap<String, i64>>,
    /// Digits of the service segment, 1 to 6.
    #[schemars(range(min = 1, max = 6), extend("default" = 3))]
    service_digits: Option<u32>,
    /// Digits of the error segment, 1 to 6.
    #[schemars(range(min = 1, max = 6), extend("default" = 3))]
    error_digits: Option<u32>,
    /// `[first, last]` allowed error segments; default `[1, 10^error_digits - 1]`
    /// (`000` reserved).
    error_range: Option<[i64; 2]>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum ReasonStyleName {
    Short,
    Qualified,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum ProfileName {
    Google,
    Kratos,
    Ego,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum BusinessCodeName {
    Option,
    Number,
    Scheme,
}

impl Default for Config {
    /// No config file: the config's directory (the working directory) is the only root.
    fn default() -> Self {
        Config {
            roots: vec![Spanned::new(0..0, ".".to_string())],
            import_paths: Vec::new(),
            excludes: Vec::new(),
            lint: LintConfig::default(),
            breaking: BreakingConfig::default(),
            format: toml::Table::new(),
            docs: toml::Table::new(),
            errors: toml::Table::new(),
            config: ConfigCheckConfig::default(),
            generate: toml::Table::new(),
            mock: MockConfig::default(),
            openapi: toml::Table::new(),
            cache: CacheConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, expecting = "a table")]
pub struct LintConfig {
    /// The base rule set: `buf-standard` (buf's STANDARD, the default when neither
    /// `preset` nor `use` is given), `minimal` (buf's MINIMAL) or `google`
    /// (Google's protobuf style guide).
    #[schemars(with = "Option<String>")]
    pub preset: Option<Spanned<String>>,
    /// Rule IDs or group names (`STANDARD`, `MINIMAL`, `BASIC`, `COMMENTS`,
    /// `UNARY_RPC`, `FIELD_NUMBERS`, `HTTP`) to enable on top of the preset; with
    /// `use` and no `preset`, only these run.
    #[schemars(with = "Vec<String>")]
    pub r#use: Vec<Spanned<String>>,
    /// Rule IDs or group names to turn off.
    #[schemars(with = "Vec<String>")]
    pub except: Vec<Spanned<String>>,
    /// Files or directories, relative to the config's directory, exempt from all rules.
    #[schemars(with = "Vec<String>")]
    pub ignore: Vec<Spanned<String>>,
    /// Rule ID or group → files or directories exempt from it
    /// (`idl lint --write-baseline` writes this table for every current finding).
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    pub ignore_only: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Warnings fail the run too (as `--deny warnings`).
    pub deny_warnings: bool,
    /// Per-rule settings, by rule ID.
    #[schemars(with = "BTreeMap<String, RuleConfig>")]
    pub rules: BTreeMap<Spanned<String>, RuleConfig>,
    /// `buf:lint:ignore` / `idl:lint:ignore` comments are not honoured (buf v2's
    /// `disallow_comment_ignores`; a converted v1 or v1beta1 `buf.yaml` sets it
    /// unless it had `allow_comment_ignores: true`, as buf does).
    pub disallow_comment_ignores: bool,
    /// A copy of the top-level `[errors]` table, for the `ERRORS_*` rules (set by
    /// [`Config::parse`]; not a key of `[lint]`).
    #[serde(skip)]
    pub errors: toml::Table,
}

/// A severity, and the rule's own options (listed on its page under docs/rules/).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub struct RuleConfig {
    /// `error`, `warn` or `info`, instead of the rule's default severity.
    #[serde(default, deserialize_with = "severity")]
    #[schemars(with = "Option<SeverityName>")]
    pub severity: Option<Severity>,
    /// Every other key: options the rule itself validates.
    #[serde(flatten)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub options: toml::Table,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum SeverityName {
    Error,
    Warn,
    Info,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields, expecting = "a table")]
pub struct BreakingConfig {
    /// Rule IDs or categories (`FILE`, `PACKAGE`, `WIRE_JSON`, `WIRE`) to run;
    /// buf's default rules (`FILE`) when empty.
    #[schemars(with = "Vec<String>")]
    pub r#use: Vec<Spanned<String>>,
    /// Rule IDs or categories to turn off.
    #[schemars(with = "Vec<String>")]
    pub except: Vec<Spanned<String>>,
    /// Files or directories, relative to the config's directory, exempt from all rules.
    #[schemars(with = "Vec<String>")]
    pub ignore: Vec<Spanned<String>>,
    /// Rule ID or category → files or directories exempt from it.
    #[schemars(with = "BTreeMap<String, Vec<String>>")]
    pub ignore_only: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Default git ref to compare against.
    #[schemars(with = "Option<String>")]
    pub against: Option<Spanned<String>>,
    /// Skip packages whose last component is an alpha, beta or test version
    /// (`foo.v1beta1`, `foo.v1alpha`, `foo.v1test`), as buf does.
    pub ignore_unstable_packages: bool,
    /// A copy of the top-level `[errors]` table, for the ERRORS category (set by
    /// [`Config::parse`]; not a key of `[breaking]`).
    #[serde(skip)]
    pub errors: toml::Table,
}

impl Config {
    /// Reads and parses a config file; its display path is `path` as given.
    pub fn load(path: &Path) -> Result<(Config, SourceFile), Vec<Diagnostic>> {
        let display_path = path.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
        let file = read_config(path, &display_path)?;
        Ok((Config::parse(&file)?, file))
    }

    /// Parses and validates the text of a config file.
    pub fn parse(file: &SourceFile) -> Result<Config, Vec<Diagnostic>> {
        // Only the first syntax error: the parser's recovery makes the later ones noise.
        let document = DeTable::parse(&file.text)
            .map_err(|error| vec![config_error(file, error.span(), format!("invalid TOML: {}", error.message()))])?;
        let mut config = match Config::deserialize(toml::de::Deserializer::from(document.clone())) {
            Ok(config) => config,
            // serde stops at the first problem; the user wants every one at once.
            Err(first) => {
                let mut errors = all_schema_errors(file, &document, &first);
                // The globs are checked too, when `excludes` itself is well-formed.
                if let Some((key, value)) = document.get_ref().get_key_value("excludes") {
                    let mut only = DeTable::new();
                    only.insert(key.clone(), value.clone());
                    let partial =
                        Config::deserialize(toml::de::Deserializer::from(Spanned::new(document.span(), only)));
                    if let Some(Err(glob_errors)) = partial.ok().map(|config| config.exclude_matcher(Some(file))) {
                        errors.extend(glob_errors);
                    }
                }
                return Err(errors);
            }
        };
        // The error-table checks run under `idl lint` and `idl breaking` too.
        config.lint.errors = config.errors.clone();
        config.breaking.errors = config.errors.clone();
        config.exclude_matcher(Some(file))?;
        Ok(config)
    }

    /// The compiled `excludes` globs. `*` does not cross `/`; `**` does. Invalid globs
    /// are reported at their position in `file` when given.
    pub fn exclude_matcher(&self, file: Option<&SourceFile>) -> Result<GlobSet, Vec<Diagnostic>> {
        let mut builder = GlobSetBuilder::new();
        let mut errors = Vec::new();
        for pattern in &self.excludes {
            match GlobBuilder::new(pattern.get_ref()).literal_separator(true).build() {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(error) => {
                    let message = format!("invalid glob `{}` in `excludes`: {}", pattern.get_ref(), error.kind());
                    errors.push(match file {
                        Some(file) => config_error(file, Some(pattern.span()), message),
                        None => Diagnostic::error(CONFIG_RULE, message),
                    });
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        builder.build().map_err(|error| vec![Diagnostic::error(CONFIG_RULE, error.to_string())])
    }
}

/// Reads a config file into a [`SourceFile`] named and shown as `display_path`.
pub(crate) fn read_config(path: &Path, display_path: &str) -> Result<SourceFile, Vec<Diagnostic>> {
    match crate::checked_read::read_config_text(path) {
        Ok(text) => Ok(SourceFile::new(display_path, display_path, text.into())),
        Err(error) => Err(vec![
            Diagnostic::error(CONFIG_RULE, format!("cannot read config file {display_path}: {error}"))
                .with_path(display_path),
        ]),
    }
}

/// A CONFIG error at `span` of `file` (or naming just the file when there is no span).
fn config_error(file: &SourceFile, span: Option<Range<usize>>, message: String) -> Diagnostic {
    let diagnostic = Diagnostic::error(CONFIG_RULE, message);
    match span {
        Some(span) => diagnostic.with_span(file, span.start, span.end),
        None => diagnostic.with_path(&file.display_path),
    }
}

/// Every schema error of `document`, each once: the config is deserialized one
/// entry at a time (narrowed into a table when the error lies inside it), since
/// serde reports only the first error of a whole. `first` is that error, the
/// answer when no single entry reproduces it.
fn all_schema_errors(file: &SourceFile, document: &Spanned<DeTable<'_>>, first: &toml::de::Error) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (key, value) in document.get_ref().iter() {
        isolate_schema_errors(file, document.span(), &[], key, value, &mut errors);
    }
    if errors.is_empty() {
        errors.push(describe_schema_error(file, first));
    }
    let mut seen = std::collections::HashSet::new();
    errors.retain(|error| seen.insert((error.span.map(|span| span.start_offset), error.message.clone())));
    errors
}

/// Parent tables of an entry being isolated: their keys and value spans.
type Parents<'a, 'i> = [(&'a Spanned<DeString<'i>>, Range<usize>)];

fn isolate_schema_errors<'i>(
    file: &SourceFile,
    document_span: Range<usize>,
    parents: &Parents<'_, 'i>,
    key: &Spanned<DeString<'i>>,
    value: &Spanned<DeValue<'i>>,
    errors: &mut Vec<Diagnostic>,
) {
    // Rebuild the config holding only this entry, under copies of its parents.
    let mut entry = (key.clone(), value.clone());
    for (parent_key, parent_span) in parents.iter().rev() {
        let mut table = DeTable::new();
        table.insert(entry.0, entry.1);
        entry = ((*parent_key).clone(), Spanned::new(parent_span.clone(), DeValue::Table(table)));
    }
    let mut root = DeTable::new();
    root.insert(entry.0, entry.1);
    let Err(error) = Config::deserialize(toml::de::Deserializer::from(Spanned::new(document_span.clone(), root)))
    else {
        return;
    };
    // Narrow only when the error lies inside the value (not on the key: an
    // unknown table is one error, however deep it goes), and not without end.
    let inside = error.span().is_some_and(|span| span.start >= value.span().start && span != value.span());
    if let (DeValue::Table(table), true, true) = (value.get_ref(), inside, parents.len() < 8) {
        let before = errors.len();
        let mut chain = parents.to_vec();
        chain.push((key, value.span()));
        for (inner_key, inner_value) in table.iter() {
            isolate_schema_errors(file, document_span.clone(), &chain, inner_key, inner_value, errors);
        }
        if errors.len() > before {
            return;
        }
    }
    errors.push(describe_schema_error(file, &error));
}

/// Turns a serde error into a message that names the file, the table or key and,
/// for unknown keys, the accepted ones.
fn describe_schema_error(file: &SourceFile, error: &toml::de::Error) -> Diagnostic {
    let file_name = Path::new(&file.display_path)
        .file_name()
        .map_or(file.display_path.clone(), |name| name.to_string_lossy().into_owned());
    // Spans index the same text, so re-parsing cannot fail where the first parse succeeded.
    let key_path = match (error.span(), DeTable::parse(&file.text)) {
        (Some(span), Ok(document)) => key_path_at(document.get_ref(), &span).unwrap_or_default(),
        _ => Vec::new(),
    };
    let Some((key, expected)) = parse_unknown_field(error.message()) else {
        let message = if key_path.is_empty() {
            format!("invalid {file_name}: {}", error.message())
        } else {
            format!("invalid value for `{}` in {file_name}: {}", key_path.join("."), error.message())
        };
        return config_error(file, error.span(), message);
    };
    let table = key_path.split_last().map(|(_, table)| table).unwrap_or_default();
    let location = if table.is_empty() { file_name } else { format!("[{}] of {file_name}", table.join(".")) };
    let mut message = format!("unknown key `{key}` in {location}");
    if !expected.is_empty() {
        message.push_str(&format!("; expected one of: {}", expected.join(", ")));
    }
    let diagnostic = config_error(file, error.span(), message);
    match closest(&key, &expected) {
        Some(suggestion) => diagnostic.with_note(format!("did you mean `{suggestion}`?")),
        None => diagnostic,
    }
}

/// Splits serde's "unknown field `x`, expected one of `a`, `b`" into `x` and `[a, b]`.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let (key, rest) = message.strip_prefix("unknown field `")?.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((key.to_string(), expected))
}

/// Dotted key path of the entry at `span`: the key itself when `span` is a key,
/// otherwise the innermost entry whose value contains `span`.
fn key_path_at(table: &DeTable<'_>, span: &Range<usize>) -> Option<Vec<String>> {
    for (key, value) in table {
        // A dotted header's inner tables span the header too, so the key itself wins.
        if key.span() == *span {
            return Some(vec![key.get_ref().to_string()]);
        }
        let nested = match value.get_ref() {
            DeValue::Table(inner) => key_path_at(inner, span),
            DeValue::Array(items) => items.iter().find_map(|item| match item.get_ref() {
                DeValue::Table(inner) => key_path_at(inner, span),
                _ => None,
            }),
            _ => None,
        };
        let value_span = value.span();
        let here = key.span() == *span || (value_span.start <= span.start && span.end <= value_span.end);
        if nested.is_some() || here {
            let mut path = vec![key.get_ref().to_string()];
            path.extend(nested.unwrap_or_default());
            return Some(path);
        }
    }
    None
}

/// The candidate within a third of `word`'s length in edits (at least one), if any.
fn closest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    let max_distance = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, _)| *distance <= max_distance)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

fn non_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Spanned<String>>, D::Error> {
    let entries = Vec::<Spanned<String>>::deserialize(deserializer)?;
    if entries.is_empty() {
        return Err(serde::de::Error::custom("`roots` must list at least one directory"));
    }
    Ok(entries)
}

fn severity<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Severity>, D::Error> {
    match String::deserialize(deserializer)?.as_str() {
        "error" => Ok(Some(Severity::Error)),
        "warn" => Ok(Some(Severity::Warn)),
        "info" => Ok(Some(Severity::Info)),
        other => {
            Err(serde::de::Error::custom(format!("unknown severity `{other}`; expected one of: error, warn, info")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(&SourceFile::new("idl.toml", "conf/idl.toml", text.into()))
    }

    /// The single error's `line:column` and message.
    fn error(text: &str) -> (String, String) {
        let errors = parse(text).expect_err("config should be rejected");
        assert_eq!(errors.len(), 1, "{errors:?}");
        let error = &errors[0];
        assert_eq!((error.rule.as_str(), error.path.as_str()), (CONFIG_RULE, "conf/idl.toml"));
        let start = error.span.expect("error has a span").start;
        (format!("{}:{}", start.line, start.column), error.message.clone())
    }

    #[test]
    fn empty_file_is_the_default_config() {
        let config = parse("").unwrap();
        let roots: Vec<&str> = config.roots.iter().map(|root| root.get_ref().as_str()).collect();
        assert_eq!(roots, ["."]);
        assert!(config.lint.rules.is_empty() && !config.lint.deny_warnings);
    }

    #[test]
    fn full_schema_parses_and_keeps_spans() {
        let text = r#"
roots = ["proto", "api"]
import_paths = ["third_party"]
excludes = ["proto/legacy/**"]
[lint]
preset = "buf-standard"
use = ["COMMENTS"]
except = ["ENUM_ZERO_VALUE_SUFFIX"]
ignore = ["proto/legacy"]
ignore_only = { FIELD_LOWER_SNAKE_CASE = ["proto/foo/bar.proto"] }
deny_warnings = true
[lint.rules.SERVICE_SUFFIX]
severity = "warn"
suffix = "API"
max = 3
[breaking]
use = ["FILE"]
against = "main"
ignore_unstable_packages = true
[format]
indent_width = 4
[errors]
prefix = "E"
"#;
        let config = parse(text).unwrap();
        assert_eq!(config.roots.len(), 2);
        let rule = &config.lint.rules["SERVICE_SUFFIX"];
        assert_eq!(rule.severity, Some(Severity::Warn));
        assert_eq!(rule.options["suffix"].as_str(), Some("API"));
        assert_eq!(rule.options["max"].as_integer(), Some(3));
        assert!(!rule.options.contains_key("severity"));
        let (id, _) = config.lint.rules.iter().next().unwrap();
        assert_eq!(&text[id.span()], "SERVICE_SUFFIX");
        assert_eq!(&text[config.lint.r#use[0].span()], "\"COMMENTS\"");
        assert_eq!(config.lint.ignore_only["FIELD_LOWER_SNAKE_CASE"][0].get_ref(), "proto/foo/bar.proto");
        assert!(config.lint.deny_warnings && config.breaking.ignore_unstable_packages);
        assert_eq!(config.breaking.against.as_ref().unwrap().get_ref(), "main");
        assert_eq!(config.format["indent_width"].as_integer(), Some(4));
        assert_eq!(config.errors["prefix"].as_str(), Some("E"));
    }

    #[test]
    fn unknown_top_level_key_names_key_location_and_alternatives() {
        let (at, message) = error("roots = [\"proto\"]\nrots = [\"x\"]\n");
        assert_eq!(at, "2:1");
        assert_eq!(
            message,
            "unknown key `rots` in idl.toml; expected one of: \
             roots, import_paths, excludes, lint, breaking, format, docs, errors, config, generate, mock, openapi, cache"
        );
        let errors = parse("rots = []").unwrap_err();
        assert_eq!(errors[0].notes, ["did you mean `roots`?"]);
    }

    #[test]
    fn unknown_lint_key_names_its_table() {
        let (at, message) = error("[lint]\npreset = \"x\"\n  excpet = []\n");
        assert_eq!(at, "3:3");
        assert!(
            message.starts_with("unknown key `excpet` in [lint] of idl.toml; expected one of: preset, use, except")
        );
        let (at, message) = error("breaking = { use = [], foo = 1 }");
        assert_eq!(at, "1:24");
        assert!(message.starts_with("unknown key `foo` in [breaking] of idl.toml"), "{message}");
    }

    #[test]
    fn toml_syntax_errors_have_locations() {
        let (at, message) = error("roots = [\"a\"\n[lint]\nx = = 1\n");
        assert_eq!(at, "2:1");
        assert!(message.starts_with("invalid TOML: missing comma"), "{message}");
        let (at, message) = error("[lint]\ndeny_warnings = tru\n");
        assert_eq!(at, "2:17");
        assert!(message.starts_with("invalid TOML"), "{message}");
    }

    #[test]
    fn wrong_types_name_the_key() {
        let (at, message) = error("[lint]\npreset = 3\n");
        assert_eq!(
            (at.as_str(), message.as_str()),
            ("2:10", "invalid value for `lint.preset` in idl.toml: invalid type: integer `3`, expected a string")
        );
        let (at, message) = error("[lint.rules.X]\nseverity = \"fatal\"\n");
        assert_eq!(at, "2:12");
        assert!(
            message.contains("`lint.rules.X.severity`") && message.contains("unknown severity `fatal`"),
            "{message}"
        );
        let (at, message) = error("lint = 3");
        assert_eq!(message, "invalid value for `lint` in idl.toml: invalid type: integer `3`, expected a table");
        assert_eq!(at, "1:8");
        let (at, message) = error("roots = []");
        assert_eq!(at, "1:9");
        assert!(message.contains("at least one directory"), "{message}");
    }

    #[test]
    fn invalid_exclude_globs_are_reported_each_at_its_position() {
        let errors = parse("excludes = [\"ok/**\", \"a/[b\", \"{c\"]").unwrap_err();
        let columns: Vec<u32> = errors.iter().map(|error| error.span.unwrap().start.column).collect();
        assert_eq!(columns, [22, 30]);
    }

    #[test]
    fn excludes_match_relative_paths_with_literal_separators() {
        let config = parse("excludes = [\"proto/legacy/**\", \"*.proto\"]").unwrap();
        let matcher = config.exclude_matcher(None).unwrap();
        assert!(matcher.is_match("proto/legacy/a/b.proto"));
        assert!(matcher.is_match("top.proto"));
        assert!(!matcher.is_match("proto/current/b.proto"));
    }

    #[test]
    fn load_reports_missing_file() {
        let errors = Config::load(Path::new("/nonexistent/idl.toml")).unwrap_err();
        assert_eq!(errors[0].rule, CONFIG_RULE);
        assert!(errors[0].message.contains("/nonexistent/idl.toml"));
    }
}
