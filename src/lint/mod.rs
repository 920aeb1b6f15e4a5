//! `idl lint`: the rule engine.
//!
//! Rules are selected from `[lint]` of `idl.toml` (a preset, `use`, `except`,
//! per-rule options and severity). Every target file is walked once, in parallel,
//! calling each enabled rule's element hooks; then package-wide hooks run once per
//! package and workspace-wide hooks once per run. Findings are `Diagnostic`s in
//! their stable order.

pub mod casing;
pub mod cel;
pub mod docs;
pub mod facts;
pub mod fix;
pub mod http;
pub mod ignore;
pub mod incremental;
mod option_text;
pub mod presets;
pub mod rule;
pub mod rules;
mod support;
pub mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use prost_reflect::{FileDescriptor, MessageDescriptor};
use rayon::prelude::*;

use crate::compile::{Compilation, CompiledFile};
use crate::config::{CONFIG_RULE, LintConfig};
use crate::diagnostic::{Diagnostic, Severity, Span, sort_and_dedup};
use crate::errors::lint::ErrorsLint;
use crate::source::SourceFile;

pub use rule::{Context, Finding, OptionDefault, OptionValue, Rule, RuleMeta, RuleOptions};

/// One rule as configured for a run.
pub struct SelectedRule {
    pub rule: &'static dyn Rule,
    pub severity: Severity,
    pub options: RuleOptions,
}

impl SelectedRule {
    pub fn id(&self) -> &'static str {
        self.rule.meta().id
    }

    /// An option's value as the rule sees it (configured, else declared), for
    /// readers outside the rule (`idl new` writes what the rules want).
    pub fn option(&self, name: &str) -> Option<OptionValue> {
        if let Some(value) = self.options.get(name) {
            return Some(value.clone());
        }
        let declared = self.rule.meta().options.iter().find(|option| option.name == name)?;
        Some(match declared.default {
            OptionDefault::String(value) => OptionValue::String(value.to_string()),
            OptionDefault::Bool(value) => OptionValue::Bool(value),
            OptionDefault::Integer(value) => OptionValue::Integer(value),
            OptionDefault::List(values) => OptionValue::List(values.iter().map(|v| v.to_string()).collect()),
            OptionDefault::Tables => OptionValue::Tables(Vec::new()),
        })
    }
}

/// Lints every target file of `compilation` with the rules `config` selects.
/// `config_file` is the `idl.toml` the config came from, for locating CONFIG errors.
/// Config path ignores match files by import name; see [`lint_with_paths`].
pub fn lint(compilation: &Compilation, config: &LintConfig, config_file: Option<&SourceFile>) -> Vec<Diagnostic> {
    lint_with_paths(compilation, config, config_file, &HashMap::new())
}

/// [`lint`], with `relative_paths` mapping a file's import name to its path relative
/// to the config's directory (what `ignore` and `ignore_only` name); files missing
/// from the map are matched by import name.
pub fn lint_with_paths(
    compilation: &Compilation,
    config: &LintConfig,
    config_file: Option<&SourceFile>,
    relative_paths: &HashMap<String, String>,
) -> Vec<Diagnostic> {
    let (selected, mut diagnostics) = select_rules(config, config_file);
    let (path_ignores, ignore_errors) = ignore::PathIgnores::new(config);
    for (span, message) in ignore_errors {
        diagnostics.push(config_error(config_file, span, message));
    }
    let errors = errors_lint(config, config_file, &selected, &mut diagnostics);
    diagnostics.extend(run_with_ignores(compilation, &selected, &path_ignores, relative_paths, &errors));
    sort_and_dedup(&mut diagnostics);
    diagnostics
}

/// The `[errors]` config for the `ERRORS_*` rules; its problems are CONFIG errors
/// when one of those rules runs.
pub(crate) fn errors_lint(
    config: &LintConfig,
    config_file: Option<&SourceFile>,
    selected: &[SelectedRule],
    diagnostics: &mut Vec<Diagnostic>,
) -> ErrorsLint {
    if !selected.iter().any(|rule| rule.id().starts_with(ERRORS_PREFIX)) {
        return ErrorsLint::default();
    }
    let (errors_config, problems) = crate::errors::ErrorsConfig::parse(&config.errors, config_file);
    diagnostics.extend(problems);
    ErrorsLint::new(errors_config)
}

/// The error-table rules' IDs start with this; `[errors]` in idl.toml enables their group.
const ERRORS_PREFIX: &str = "ERRORS_";
/// The group of every error-table rule.
const ERRORS_GROUP: &str = "ERRORS";

/// A CONFIG error, located in `config_file` when given.
fn config_error(config_file: Option<&SourceFile>, span: Range<usize>, message: String) -> Diagnostic {
    let diagnostic = Diagnostic::error(CONFIG_RULE, message);
    match config_file {
        Some(file) => diagnostic.with_span(file, span.start, span.end),
        None => diagnostic,
    }
}

/// One sentence about a rule, for reports (SARIF's `rules[].shortDescription`).
pub fn rule_summary(id: &str) -> Option<String> {
    rules::find(id).map(|rule| rule.meta().summary.to_string())
}

/// The documentation of a rule (its declaration's doc comment).
pub fn rule_docs(id: &str) -> Option<&'static str> {
    rules::find(id).map(|rule| rule.meta().doc)
}

/// Every rule, sorted by ID, for `idl rules`.
pub fn all_rules() -> impl Iterator<Item = &'static RuleMeta> {
    rules::RULES.iter().map(|rule| rule.meta())
}

/// Resolves the config into the rules to run. Unknown presets, rule IDs, groups and
/// options are CONFIG errors located in `config_file` when given.
pub fn select_rules(config: &LintConfig, config_file: Option<&SourceFile>) -> (Vec<SelectedRule>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut error = |span: Range<usize>, message: String| errors.push(config_error(config_file, span, message));
    let mut enabled: BTreeSet<&'static str> = BTreeSet::new();
    let preset_name = match &config.preset {
        Some(preset) => Some((preset.get_ref().as_str(), Some(preset.span()))),
        None if config.r#use.is_empty() => Some((presets::DEFAULT_PRESET, None)),
        None => None,
    };
    if let Some((name, span)) = preset_name.clone() {
        match presets::presets().get(name) {
            Some(preset) => enabled.extend(registered(&preset.rules)),
            None => {
                let known: Vec<&str> = presets::presets().keys().copied().collect();
                error(
                    span.unwrap_or(0..0),
                    format!("unknown lint preset `{name}`; expected one of: {}", known.join(", ")),
                );
            }
        }
    }
    // Configuring `[errors]` turns the error-table checks on, unless `use` picks the rules.
    if !config.errors.is_empty()
        && config.r#use.is_empty()
        && let Some(group) = presets::groups().get(ERRORS_GROUP)
    {
        enabled.extend(registered(&group.rules));
    }
    for (entries, adding) in [(&config.r#use, true), (&config.except, false)] {
        for entry in entries {
            let name = entry.get_ref().as_str();
            let ids: Vec<&'static str> = if let Some(rule) = rules::find(name) {
                vec![rule.meta().id]
            } else if let Some(group) = presets::groups().get(name) {
                registered(&group.rules).collect()
            } else {
                let list = if adding { "use" } else { "except" };
                error(entry.span(), format!("unknown lint rule or group `{name}` in `{list}`"));
                continue;
            };
            for id in ids {
                if adding {
                    enabled.insert(id);
                } else {
                    enabled.remove(id);
                }
            }
        }
    }
    // The engine's own check is on unless turned off by name.
    if !config.except.iter().any(|entry| entry.get_ref() == rules::UNUSED_IGNORE) {
        enabled.insert(rules::UNUSED_IGNORE);
    }
    // Options: the preset's first, then idl.toml's, option by option.
    let mut settings: BTreeMap<&'static str, RuleSettings> = BTreeMap::new();
    if let Some(preset) = preset_name.as_ref().and_then(|(name, _)| presets::presets().get(*name)) {
        for (id, table) in &preset.options {
            let Some(rule) = rules::find(id) else {
                error(0..0, format!("preset sets options of unknown lint rule `{id}`"));
                continue;
            };
            let values = option_values(rule, table, |message| error(0..0, format!("in the preset: {message}")));
            settings.insert(rule.meta().id, (None, values));
        }
    }
    for (key, rule_config) in &config.rules {
        let Some(rule) = rules::find(key.get_ref()) else {
            error(key.span(), format!("unknown lint rule `{}` in `[lint.rules]`", key.get_ref()));
            continue;
        };
        let meta = rule.meta();
        let values = option_values(rule, &rule_config.options, |message| error(key.span(), message));
        let entry = settings.entry(meta.id).or_default();
        entry.0 = rule_config.severity;
        for (name, value) in values {
            entry.1.retain(|(known, _)| *known != name);
            entry.1.push((name, value));
        }
    }
    let selected = enabled
        .into_iter()
        .filter_map(rules::find)
        .map(|rule| {
            let (severity, values) = settings.remove(rule.meta().id).unwrap_or_default();
            let options = RuleOptions::new(values);
            SelectedRule { rule, severity: severity.unwrap_or(rule.meta().default_severity), options }
        })
        .collect();
    (selected, errors)
}

/// A rule's configured severity and option values.
type RuleSettings = (Option<Severity>, Vec<(&'static str, OptionValue)>);

/// Checks a `[lint.rules.<ID>]` (or preset `[options.<ID>]`) table against the
/// options `rule` declares and the rule's own [`Rule::validate_option`]; every
/// problem goes to `error`.
fn option_values(
    rule: &'static dyn Rule,
    table: &toml::Table,
    mut error: impl FnMut(String),
) -> Vec<(&'static str, OptionValue)> {
    let meta = rule.meta();
    let mut values = Vec::new();
    for (name, value) in table {
        let Some(option) = meta.options.iter().find(|option| option.name == name) else {
            let accepted: Vec<&str> = meta.options.iter().map(|option| option.name).collect();
            let accepted = if accepted.is_empty() {
                "it has no options".to_string()
            } else {
                format!("expected one of: severity, {}", accepted.join(", "))
            };
            error(format!("unknown option `{name}` for lint rule {}; {accepted}", meta.id));
            continue;
        };
        match option_value(option.default, value) {
            Ok(resolved) => match rule.validate_option(name, value) {
                Ok(()) => values.push((option.name, resolved)),
                Err(problem) => error(format!("option `{name}` of lint rule {}: {problem}", meta.id)),
            },
            Err(expected) => error(format!("option `{name}` of lint rule {} must be {expected}", meta.id)),
        }
    }
    values
}

/// A config value as the type `default` declares, or what was expected instead.
fn option_value(default: OptionDefault, value: &toml::Value) -> Result<OptionValue, &'static str> {
    match (default, value) {
        (OptionDefault::String(_), toml::Value::String(text)) => Ok(OptionValue::String(text.clone())),
        (OptionDefault::Bool(_), toml::Value::Boolean(flag)) => Ok(OptionValue::Bool(*flag)),
        (OptionDefault::Integer(_), toml::Value::Integer(number)) if *number >= 0 => Ok(OptionValue::Integer(*number)),
        (OptionDefault::List(_), toml::Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(OptionValue::List)
            .ok_or("a list of strings"),
        (OptionDefault::Tables, toml::Value::Array(items)) => items
            .iter()
            .map(|item| item.as_table().cloned())
            .collect::<Option<Vec<_>>>()
            .map(OptionValue::Tables)
            .ok_or("an array of tables"),
        (OptionDefault::String(_), _) => Err("a string"),
        (OptionDefault::Bool(_), _) => Err("a boolean"),
        (OptionDefault::Integer(_), _) => Err("a non-negative integer"),
        (OptionDefault::List(_), _) => Err("a list of strings"),
        (OptionDefault::Tables, _) => Err("an array of tables"),
    }
}

/// The IDs of a preset or group that idl implements (pending members are skipped).
fn registered(ids: &[String]) -> impl Iterator<Item = &'static str> + '_ {
    ids.iter().filter_map(|id| rules::find(id)).map(|rule| rule.meta().id)
}

/// Runs the selected rules over the target files of `compilation`, with comment
/// ignores applied (and unused ones reported) but no config path ignores.
pub fn run(compilation: &Compilation, selected: &[SelectedRule]) -> Vec<Diagnostic> {
    let errors = ErrorsLint::default();
    run_with_ignores(compilation, selected, &ignore::PathIgnores::default(), &HashMap::new(), &errors)
}

fn run_with_ignores(
    compilation: &Compilation,
    selected: &[SelectedRule],
    path_ignores: &ignore::PathIgnores,
    relative_paths: &HashMap<String, String>,
    errors: &ErrorsLint,
) -> Vec<Diagnostic> {
    let files = lint_files(compilation, selected, errors, path_ignores.comments_off);
    let packages = lint_packages(compilation, selected, errors);
    let facts = facts::WorkspaceFacts::of_compilation(compilation, facts::Wanted::of(selected, errors));
    let parts = LintParts { files, packages: packages.into_values().collect(), facts };
    finish(compilation, true, parts, selected, errors, path_ignores, relative_paths)
}

/// What the file rules found in one target file, before any ignore, and the
/// file's ignore directives: what the lint cache keeps per file.
#[derive(Debug, Clone)]
pub struct FileLint {
    pub name: String,
    pub display_path: String,
    pub findings: Vec<Finding>,
    /// Each directive with its span in the file.
    pub directives: Vec<(ignore::Directive, Span)>,
}

/// A run's findings before ignores, from one compilation or from the cache and
/// a compilation of what changed.
pub struct LintParts {
    /// The target files, in target order.
    pub files: Vec<FileLint>,
    /// The package rules' findings, one list per package.
    pub packages: Vec<Vec<Finding>>,
    /// The facts of every target and import, for the workspace rules.
    pub facts: facts::WorkspaceFacts,
}

/// The file rules over every target of `compilation`, each file on its own.
pub fn lint_files(
    compilation: &Compilation,
    selected: &[SelectedRule],
    errors: &ErrorsLint,
    comments_off: bool,
) -> Vec<FileLint> {
    let mut timer = crate::compile::PhaseTimer::from_env();
    let targets: Vec<&CompiledFile> = compilation.targets().collect();
    let one = |file: &&CompiledFile| {
        // With comment ignores off (buf v1's default) directives are plain comments.
        let directives = if comments_off { Vec::new() } else { ignore::directives(file) };
        let directives = directives
            .into_iter()
            .map(|directive| {
                let span = Span::new(&file.source, directive.span.start, directive.span.end);
                (directive, span)
            })
            .collect();
        FileLint {
            name: file.source.name.clone(),
            display_path: file.source.display_path.clone(),
            findings: walk_file(compilation, file, selected, errors),
            directives,
        }
    };
    let files = if targets.len() >= crate::compile::PARALLEL_MIN_FILES {
        targets.par_iter().map(one).collect()
    } else {
        targets.iter().map(one).collect()
    };
    timer.phase("lint: file rules");
    files
}

/// The package rules over the target files of `compilation`, by package; within
/// a package the findings are in rule order.
pub fn lint_packages(
    compilation: &Compilation,
    selected: &[SelectedRule],
    errors: &ErrorsLint,
) -> BTreeMap<String, Vec<Finding>> {
    let mut timer = crate::compile::PhaseTimer::from_env();
    let mut by_package: BTreeMap<String, Vec<&CompiledFile>> = BTreeMap::new();
    for file in compilation.targets() {
        if let Some(descriptor) = compilation.pool.get_file_by_name(&file.source.name) {
            by_package.entry(descriptor.package_name().to_string()).or_default().push(file);
        }
    }
    let check = |(package, files): (&String, &Vec<&CompiledFile>)| {
        let mut found = Vec::new();
        for selected_rule in selected {
            let mut cx = context(compilation, None, selected_rule, errors, &mut found);
            selected_rule.rule.check_package(&mut cx, package, files);
        }
        (package.clone(), found)
    };
    let found = if by_package.len() >= crate::compile::PARALLEL_MIN_FILES {
        by_package.par_iter().map(check).collect()
    } else {
        by_package.iter().map(check).collect()
    };
    timer.phase("lint: package rules");
    found
}

/// The workspace rules, then comment ignores (with unused ones reported) and
/// config path ignores over all of a run's findings. `whole` says `compilation`
/// holds every target, so rules that need the compiled workspace can run.
pub fn finish(
    compilation: &Compilation,
    whole: bool,
    parts: LintParts,
    selected: &[SelectedRule],
    errors: &ErrorsLint,
    path_ignores: &ignore::PathIgnores,
    relative_paths: &HashMap<String, String>,
) -> Vec<Diagnostic> {
    let workspace = workspace_findings(compilation, whole, &parts.facts, selected, errors);
    let LintParts { files, packages, .. } = parts;
    let others = packages.into_iter().flatten().chain(workspace).collect();
    apply_ignores(files, others, selected, path_ignores, relative_paths)
}

/// The workspace rules' findings: from the facts of every file, and from the
/// compiled targets when `whole` (`compilation` holds them all).
pub fn workspace_findings(
    compilation: &Compilation,
    whole: bool,
    facts: &facts::WorkspaceFacts,
    selected: &[SelectedRule],
    errors: &ErrorsLint,
) -> Vec<Finding> {
    let mut timer = crate::compile::PhaseTimer::from_env();
    let targets: Vec<&CompiledFile> = if whole { compilation.targets().collect() } else { Vec::new() };
    let check = |selected_rule: &SelectedRule| {
        let mut found = Vec::new();
        let mut cx = context(compilation, None, selected_rule, errors, &mut found);
        selected_rule.rule.check_facts(&mut cx, facts);
        if whole {
            selected_rule.rule.check_workspace(&mut cx, &targets);
        }
        found
    };
    let found: Vec<Vec<Finding>> = if facts.targets().len() >= crate::compile::PARALLEL_MIN_FILES {
        selected.par_iter().map(check).collect()
    } else {
        selected.iter().map(check).collect()
    };
    timer.phase("lint: workspace rules");
    found.into_iter().flatten().collect()
}

/// Comment ignores (unused ones reported as `UNUSED_IGNORE`) and config path
/// ignores over the findings of `files` and `others` (package and workspace
/// rules' findings). A finding in a file not among `files` passes the comment
/// ignores untouched, so a subset of files can be finished on its own as long
/// as every finding in them is given.
pub fn apply_ignores(
    mut files: Vec<FileLint>,
    others: Vec<Finding>,
    selected: &[SelectedRule],
    path_ignores: &ignore::PathIgnores,
    relative_paths: &HashMap<String, String>,
) -> Vec<Diagnostic> {
    let mut timer = crate::compile::PhaseTimer::from_env();
    // One vector, filtered in place: on googleapis a run has ~84,000 findings,
    // and a second and third copy of them were ~35 MiB of lint's peak memory.
    let mut all: Vec<Finding> =
        Vec::with_capacity(files.iter().map(|file| file.findings.len()).sum::<usize>() + others.len());
    for file in &mut files {
        // Taken, not appended: each file's own buffer is freed as it empties.
        all.extend(std::mem::take(&mut file.findings));
    }
    all.extend(others);
    let mut directives: HashMap<&str, (&FileLint, Vec<bool>)> =
        files.iter().map(|file| (file.name.as_str(), (file, vec![false; file.directives.len()]))).collect();
    all.retain(|finding| {
        let Some((file, used)) = finding.file_name.as_deref().and_then(|name| directives.get_mut(name)) else {
            return true;
        };
        // The innermost covering directives get the credit, so an outer ignore
        // made redundant by inner ones is reported as unused.
        let rule = finding.diagnostic.rule.as_str();
        let covering = file.directives.iter().filter(|(directive, _)| directive.covers(&finding.path, rule));
        let Some(depth) = covering.map(|(directive, _)| directive.path.len()).max() else {
            return true;
        };
        for ((directive, _), used) in file.directives.iter().zip(used.iter_mut()) {
            if directive.path.len() == depth && directive.covers(&finding.path, rule) {
                *used = true;
            }
        }
        false
    });
    let mut unused = Vec::new();
    if let Some(unused_rule) = selected.iter().find(|rule| rule.id() == rules::UNUSED_IGNORE) {
        let enabled: BTreeSet<&str> = selected.iter().map(SelectedRule::id).collect();
        for (file, used) in directives.values() {
            for ((directive, span), used) in file.directives.iter().zip(used) {
                let (severity, message) = if *used {
                    continue;
                } else if !directive.names_known_rule() {
                    (Severity::Error, format!("Ignore comment names unknown rule {:?}.", directive.rule))
                } else if enabled.contains(directive.rule.as_str()) {
                    (unused_rule.severity, format!("Ignore comment for {} suppresses no finding.", directive.rule))
                } else {
                    continue;
                };
                let mut diagnostic = Diagnostic::new(rules::UNUSED_IGNORE, severity, message);
                diagnostic.path = file.display_path.clone();
                diagnostic.span = Some(*span);
                unused.push(Finding { diagnostic, file_name: Some(file.name.clone()), path: Vec::new() });
            }
        }
    }
    timer.phase("lint: comment ignores");
    all.extend(unused);
    if !path_ignores.is_empty() {
        all.retain(|finding| {
            // Config path ignores.
            let Some(name) = finding.file_name.as_deref() else { return true };
            let relative = relative_paths.get(name).map_or(name, String::as_str);
            !path_ignores.is_ignored(relative, &finding.diagnostic.rule)
        });
    }
    // Collected in place: the diagnostics take the findings' own buffer.
    all.into_iter().map(|finding| finding.diagnostic).collect()
}

fn context<'a>(
    compilation: &'a Compilation,
    file: Option<&'a CompiledFile>,
    selected: &'a SelectedRule,
    errors: &'a ErrorsLint,
    findings: &'a mut Vec<Finding>,
) -> Context<'a> {
    Context {
        compilation,
        file,
        rule: selected.rule.meta(),
        severity: selected.severity,
        options: &selected.options,
        errors,
        findings,
    }
}

/// Walks one file's elements once, calling every selected rule's hooks.
fn walk_file(
    compilation: &Compilation,
    file: &CompiledFile,
    selected: &[SelectedRule],
    errors: &ErrorsLint,
) -> Vec<Finding> {
    let Some(descriptor) = compilation.pool.get_file_by_name(&file.source.name) else {
        return Vec::new();
    };
    // The file's top-level elements are walked in parallel (one huge file is
    // most of what an editor's change costs), each into its own list; the lists
    // are joined in walk order, so the findings are the serial walk's.
    file.locations.prepare_lookup();
    let items: Vec<TopLevel> = std::iter::once(TopLevel::File)
        .chain(descriptor.messages().map(TopLevel::Message))
        .chain(descriptor.enums().map(TopLevel::Enum))
        .chain(descriptor.services().map(TopLevel::Service))
        .chain(descriptor.extensions().map(TopLevel::Extension))
        .collect();
    let walk = |item: &TopLevel| {
        let mut walker = Walker { compilation, file, selected, errors, findings: Vec::new() };
        walker.walk_top_level(&descriptor, item);
        walker.findings
    };
    // A file that would be one task is walked here: handing it to the pool
    // would only add a wake-up.
    let lists: Vec<Vec<Finding>> = if items.len() > TOP_LEVEL_PER_TASK {
        items.par_iter().with_min_len(TOP_LEVEL_PER_TASK).map(walk).collect()
    } else {
        items.iter().map(walk).collect()
    };
    lists.into_iter().flatten().collect()
}

/// Top-level elements walked per parallel task: enough that a small file is one
/// task, few enough that a file of thousands of messages keeps every core busy.
const TOP_LEVEL_PER_TASK: usize = 32;

/// One top-level element of a file (or the file itself), in walk order.
enum TopLevel {
    File,
    Message(MessageDescriptor),
    Enum(prost_reflect::EnumDescriptor),
    Service(prost_reflect::ServiceDescriptor),
    Extension(prost_reflect::ExtensionDescriptor),
}

struct Walker<'a> {
    compilation: &'a Compilation,
    file: &'a CompiledFile,
    selected: &'a [SelectedRule],
    errors: &'a ErrorsLint,
    findings: Vec<Finding>,
}

impl Walker<'_> {
    fn each(&mut self, hook: impl Fn(&dyn Rule, &mut Context<'_>)) {
        for selected in self.selected {
            let mut cx = context(self.compilation, Some(self.file), selected, self.errors, &mut self.findings);
            hook(selected.rule, &mut cx);
        }
    }

    /// Walks the file in the order rules see it: the file, its messages, enums,
    /// services (with their methods) and extensions.
    fn walk_top_level(&mut self, file: &FileDescriptor, item: &TopLevel) {
        match item {
            TopLevel::File => self.each(|rule, cx| rule.check_file(cx, file)),
            TopLevel::Message(message) => self.walk_message(message),
            TopLevel::Enum(enum_) => self.walk_enum(enum_),
            TopLevel::Service(service) => {
                self.each(|rule, cx| rule.check_service(cx, service));
                for method in service.methods() {
                    self.each(|rule, cx| rule.check_method(cx, &method));
                }
            }
            TopLevel::Extension(extension) => self.each(|rule, cx| rule.check_extension(cx, extension)),
        }
    }

    fn walk_message(&mut self, message: &MessageDescriptor) {
        self.each(|rule, cx| rule.check_message(cx, message));
        for field in message.fields() {
            self.each(|rule, cx| rule.check_field(cx, &field));
        }
        for oneof in message.oneofs() {
            self.each(|rule, cx| rule.check_oneof(cx, &oneof));
        }
        for nested in message.child_messages() {
            self.walk_message(&nested);
        }
        for enum_ in message.child_enums() {
            self.walk_enum(&enum_);
        }
        for extension in message.child_extensions() {
            self.each(|rule, cx| rule.check_extension(cx, &extension));
        }
    }

    fn walk_enum(&mut self, enum_: &prost_reflect::EnumDescriptor) {
        self.each(|rule, cx| rule.check_enum(cx, enum_));
        for value in enum_.values() {
            self.each(|rule, cx| rule.check_enum_value(cx, &value));
        }
    }
}

#[cfg(test)]
mod tests;
