//! `buf.yaml` (v1beta1, v1, v2) and `buf.work.yaml` (v1).
//!
//! Paths: a v1 module's `ignore`, `ignore_only` and `build.excludes` are relative
//! to the module (the directory of its `buf.yaml`), so in a `buf.work.yaml`
//! workspace they get the module's directory in front; v2 paths are relative to
//! the `buf.yaml` itself, which is where the `idl.toml` goes.
//!
//! idl has one rule set per workspace while buf has one per module: ignores merge
//! (they name paths), but when modules select different rules or options the first
//! module's are used and the others are named as not carried over.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::buf_rules::{self, Kind};
use super::yaml::{self, Node};
use super::{BreakingDraft, Draft, LintDraft, Reader, join_path};
use crate::config::read_config;
use crate::diagnostic::Diagnostic;

/// `buf.yaml` lint options → (idl rule, option) pairs that carry them.
const LINT_OPTIONS: &[(&str, &[(&str, &str)])] = &[
    ("enum_zero_value_suffix", &[("ENUM_ZERO_VALUE_SUFFIX", "suffix")]),
    ("service_suffix", &[("SERVICE_SUFFIX", "suffix")]),
    ("rpc_allow_same_request_response", &[("RPC_REQUEST_RESPONSE_UNIQUE", "allow_same_request_response")]),
    (
        "rpc_allow_google_protobuf_empty_requests",
        &[
            ("RPC_REQUEST_RESPONSE_UNIQUE", "allow_google_protobuf_empty_requests"),
            ("RPC_REQUEST_STANDARD_NAME", "allow_google_protobuf_empty_requests"),
        ],
    ),
    (
        "rpc_allow_google_protobuf_empty_responses",
        &[
            ("RPC_REQUEST_RESPONSE_UNIQUE", "allow_google_protobuf_empty_responses"),
            ("RPC_RESPONSE_STANDARD_NAME", "allow_google_protobuf_empty_responses"),
        ],
    ),
];

/// buf's major config versions differ in what their categories hold
/// (`buf_rules`) and in whether comment ignores are on by default.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V1beta1,
    V1,
    V2,
}

impl Version {
    fn name(self) -> &'static str {
        match self {
            Version::V1beta1 => "v1beta1",
            Version::V1 => "v1",
            Version::V2 => "v2",
        }
    }

    fn of(root: &Node) -> Version {
        match root.get("version").and_then(Node::as_str) {
            Some("v1beta1") => Version::V1beta1,
            Some("v2") => Version::V2,
            _ => Version::V1,
        }
    }
}

/// The rules idl runs for `uses` (idl's names; its default when empty) minus `except`.
fn idl_selection(kind: Kind, uses: &[String], except: &[String]) -> BTreeSet<&'static str> {
    let expand = |name: &str| -> Vec<&'static str> {
        match kind {
            Kind::Lint => match crate::lint::rules::find(name) {
                Some(rule) => vec![rule.meta().id],
                None => crate::lint::presets::groups()
                    .get(name)
                    .map(|group| {
                        group.rules.iter().filter_map(|id| crate::lint::rules::find(id)).map(|r| r.meta().id).collect()
                    })
                    .unwrap_or_default(),
            },
            Kind::Breaking => match crate::breaking::rules::find(name) {
                Some(rule) => vec![rule.id],
                None => crate::breaking::rules::RULES
                    .iter()
                    .filter(|rule| crate::breaking::CATEGORIES.contains(&name) && rule.categories.contains(&name))
                    .map(|rule| rule.id)
                    .collect(),
            },
        }
    };
    let mut rules: BTreeSet<&'static str> = if uses.is_empty() {
        match kind {
            Kind::Lint => expand("STANDARD").into_iter().collect(),
            Kind::Breaking => crate::breaking::rules::RULES.iter().filter(|r| r.is_default()).map(|r| r.id).collect(),
        }
    } else {
        uses.iter().flat_map(|name| expand(name)).collect()
    };
    for name in except {
        for rule in expand(name) {
            rules.remove(rule);
        }
    }
    rules
}

/// Rewrites a section's `use` and `except` (names as written in the `buf.yaml`,
/// each known to idl or to buf's table for `version`) so idl runs exactly the
/// rules buf runs: names idl knows stay (they read best), and the difference
/// between buf's selection and idl's becomes rule IDs in `use` and `except`. A
/// rule buf would run that idl does not have is named as not carried over.
fn reconcile(
    reader: &mut Reader,
    version: Version,
    kind: Kind,
    (uses, except): (&mut Vec<String>, &mut Vec<String>),
    default: &str,
    at: &Node,
) {
    let wanted = buf_rules::selected(version.name(), kind, uses, except);
    let known = |name: &String| match kind {
        Kind::Lint => lint_name(name).is_some(),
        Kind::Breaking => breaking_name(name).is_some(),
    };
    let was_empty = uses.is_empty();
    uses.retain(known);
    except.retain(known);
    for name in uses.iter_mut().chain(except.iter_mut()) {
        if let Some(idl_name) = lint_name(name).filter(|_| kind == Kind::Lint) {
            *name = idl_name;
        }
    }
    // Every name of a non-empty `use` may be one only buf knows: then idl starts
    // from nothing, not from its default.
    let selection = |uses: &[String], except: &[String]| match uses.is_empty() && !was_empty {
        true => BTreeSet::new(),
        false => idl_selection(kind, uses, except),
    };
    let mut have = selection(uses, except);
    let missing: Vec<&'static str> = wanted.difference(&have).copied().collect();
    let extra: Vec<&'static str> =
        have.difference(&wanted).copied().filter(|id| buf_rules::is_buf_rule(kind, id)).collect();
    if missing.is_empty() && extra.is_empty() {
        return;
    }
    if uses.is_empty() && was_empty && !missing.is_empty() {
        // An explicit rule in `use` would turn idl's default off: name it first.
        uses.push(default.to_string());
        have = selection(uses, except);
    }
    for id in missing {
        if idl_selection(kind, &[id.to_string()], &[]).is_empty() {
            let section = if kind == Kind::Lint { "lint" } else { "breaking" };
            let message = format!("`{section}`: buf {} runs {id}, which idl does not have", version.name());
            reader.drop(at.span.clone(), message, true);
        } else if !have.contains(id) {
            uses.push(id.to_string());
        }
    }
    for id in extra {
        if !except.iter().any(|name| name == id) {
            except.push(id.to_string());
        }
    }
}

/// One module's rule set and ignores, merged into the draft.
#[derive(Default)]
struct Merger {
    draft: Draft,
    lint_from: Option<String>,
    breaking_from: Option<String>,
}

impl Merger {
    fn add_lint(&mut self, reader: &mut Reader, lint: LintDraft, module: &str, at: &Node) {
        let target = &mut self.draft.lint;
        match &self.lint_from {
            None => {
                (target.r#use, target.except, target.rules) = (lint.r#use, lint.except, lint.rules);
                target.disallow_comment_ignores = lint.disallow_comment_ignores;
                self.lint_from = Some(module.to_string());
            }
            Some(first) if target.rule_set() != lint.rule_set() => {
                let message = format!(
                    "the lint rules of module `{module}` differ from those of `{first}`; \
                     idl applies one rule set to the whole workspace (`{first}`'s)"
                );
                reader.drop(at.span.clone(), message, true);
            }
            Some(_) => {}
        }
        let target = &mut self.draft.lint;
        target.ignore.extend(lint.ignore);
        for (rule, paths) in lint.ignore_only {
            target.ignore_only.entry(rule).or_default().extend(paths);
        }
    }

    fn add_breaking(&mut self, reader: &mut Reader, breaking: BreakingDraft, module: &str, at: &Node) {
        let target = &mut self.draft.breaking;
        let rule_set = |b: &BreakingDraft| (b.r#use.clone(), b.except.clone(), b.ignore_unstable_packages);
        match &self.breaking_from {
            None => {
                (target.r#use, target.except, target.ignore_unstable_packages) = rule_set(&breaking);
                self.breaking_from = Some(module.to_string());
            }
            Some(first) if rule_set(target) != rule_set(&breaking) => {
                let message = format!(
                    "the breaking rules of module `{module}` differ from those of `{first}`; \
                     idl applies one rule set to the whole workspace (`{first}`'s)"
                );
                reader.drop(at.span.clone(), message, true);
            }
            Some(_) => {}
        }
        let target = &mut self.draft.breaking;
        target.ignore.extend(breaking.ignore);
        for (rule, paths) in breaking.ignore_only {
            target.ignore_only.entry(rule).or_default().extend(paths);
        }
    }
}

/// A `buf.yaml` on its own: one module (v1beta1, v1) or a v2 workspace.
pub(super) fn from_buf_yaml(reader: &mut Reader, root: &Node) -> Draft {
    let mut merger = Merger::default();
    match root.get("version").and_then(Node::as_str) {
        Some("v2") => v2(reader, root, &mut merger),
        Some("v1") | Some("v1beta1") | None => {
            let roots = v1_module(reader, root, "", &mut merger, ".", Version::of(root));
            merger.draft.roots = roots;
        }
        Some(other) => {
            let at = root.get("version").map_or(0..0, |node| node.span.clone());
            let message = format!("unknown buf.yaml version `{other}`; read as v1");
            reader.drop(at, message, true);
            let roots = v1_module(reader, root, "", &mut merger, ".", Version::V1);
            merger.draft.roots = roots;
        }
    }
    merger.draft
}

/// A `buf.work.yaml`: each directory is a root, configured by its own `buf.yaml`.
pub(super) fn from_work(reader: &mut Reader, root: &Node, dir: &Path) -> Result<Draft, Vec<Diagnostic>> {
    let mut merger = Merger::default();
    for (key, value) in root.entries() {
        match key.as_str().unwrap_or_default() {
            "version" => {
                if value.as_str() != Some("v1") {
                    reader.drop(value.span.clone(), "unknown buf.work.yaml version; read as v1", true);
                }
            }
            "directories" => {
                for (directory, span) in reader.strings("directories", value) {
                    let module = join_path("", &directory);
                    merger.draft.roots.push(module.clone());
                    let module_file = dir.join(&module).join(super::BUF_FILE);
                    if !module_file.is_file() {
                        // buf's defaults for a module without a buf.yaml.
                        let at = Node { span, value: yaml::Value::Null };
                        let lint = default_lint_of(reader, Version::V1, &at);
                        merger.add_lint(reader, lint, &module, &at);
                        let breaking = default_breaking_of(reader, Version::V1, &at);
                        merger.add_breaking(reader, breaking, &module, &at);
                        continue;
                    }
                    let display = format!("{}/{}", module, super::BUF_FILE);
                    let file = read_config(&module_file, &display)?;
                    let module_root = yaml::parse(&file)?;
                    reader.files.push(file);
                    let previous = std::mem::replace(&mut reader.current, reader.files.len() - 1);
                    if module_root.get("version").and_then(Node::as_str) == Some("v2") {
                        let at = module_root.key("version").cloned().unwrap_or(module_root.clone());
                        reader.drop(at.span, "a v2 buf.yaml inside a buf.work.yaml workspace; read as v1", true);
                    }
                    let version = Version::of(&module_root);
                    let version = if version == Version::V2 { Version::V1 } else { version };
                    v1_module(reader, &module_root, &module, &mut merger, &module, version);
                    reader.current = previous;
                }
            }
            other => reader.drop(key.span.clone(), format!("`{other}` is not a buf.work.yaml setting; ignored"), true),
        }
    }
    Ok(merger.draft)
}

/// Reads one v1 (or v1beta1) module whose directory is `prefix` (relative to the
/// converted config); returns its roots.
fn v1_module(
    reader: &mut Reader,
    root: &Node,
    prefix: &str,
    merger: &mut Merger,
    module: &str,
    version: Version,
) -> Vec<String> {
    let mut roots = Vec::new();
    let mut lint = None;
    let mut breaking = None;
    for (key, value) in root.entries() {
        match key.as_str().unwrap_or_default() {
            "version" => {}
            "name" => reader.drop(key.span.clone(), "`name`: BSR module names have no meaning to idl", false),
            "deps" => drop_deps(reader, key),
            "build" => {
                for (build_key, build_value) in value.entries() {
                    match build_key.as_str().unwrap_or_default() {
                        "excludes" => {
                            for (path, _) in reader.strings("build.excludes", build_value) {
                                merger.draft.excludes.push(join_path(prefix, &path));
                            }
                        }
                        "roots" => {
                            for (path, _) in reader.strings("build.roots", build_value) {
                                roots.push(join_path(prefix, &path));
                            }
                        }
                        other => unknown(reader, build_key, &format!("build.{other}")),
                    }
                }
            }
            "lint" => lint = Some((lint_section(reader, value, prefix, version), key.clone())),
            "breaking" => breaking = Some((breaking_section(reader, value, prefix, version), key.clone())),
            other => unknown(reader, key, other),
        }
    }
    let at = root.clone();
    let (lint, lint_at) = lint.unwrap_or_else(|| (default_lint_of(reader, version, &at), at.clone()));
    merger.add_lint(reader, lint, module, &lint_at);
    let (breaking, breaking_at) = breaking.unwrap_or_else(|| (default_breaking_of(reader, version, &at), at.clone()));
    merger.add_breaking(reader, breaking, module, &breaking_at);
    if roots.is_empty() {
        roots.push(join_path("", prefix));
        if roots[0].is_empty() {
            roots[0] = ".".to_string();
        }
    }
    roots
}

/// A v2 `buf.yaml`: `modules` (default: the file's directory) with optional
/// per-module `lint`/`breaking` replacing the top-level ones.
fn v2(reader: &mut Reader, root: &Node, merger: &mut Merger) {
    let top_lint =
        root.get("lint").map(|node| lint_section(reader, node, "", Version::V2)).unwrap_or_else(default_lint);
    let top_breaking =
        root.get("breaking").map(|node| breaking_section(reader, node, "", Version::V2)).unwrap_or_default();
    let mut modules_seen = false;
    for (key, value) in root.entries() {
        match key.as_str().unwrap_or_default() {
            "version" | "lint" | "breaking" => {}
            "deps" => drop_deps(reader, key),
            "modules" => {
                let yaml::Value::List(modules) = &value.value else {
                    reader.drop(value.span.clone(), "`modules`: expected a list; ignored", true);
                    continue;
                };
                for module in modules {
                    modules_seen = true;
                    v2_module(reader, module, merger, &top_lint, &top_breaking);
                }
            }
            other => unknown(reader, key, other),
        }
    }
    if !modules_seen {
        merger.draft.roots.push(".".to_string());
        merger.add_lint(reader, top_lint, ".", root);
        merger.add_breaking(reader, top_breaking, ".", root);
    }
}

fn v2_module(reader: &mut Reader, module: &Node, merger: &mut Merger, top_lint: &LintDraft, top: &BreakingDraft) {
    if !expect_mapping(reader, "modules[]", module) {
        return;
    }
    let path = module.get("path").and_then(Node::as_str).map_or(".".to_string(), |path| join_path("", path));
    let path = if path.is_empty() { ".".to_string() } else { path };
    let mut lint = None;
    let mut breaking = None;
    for (key, value) in module.entries() {
        match key.as_str().unwrap_or_default() {
            "path" => {}
            "name" => reader.drop(key.span.clone(), "`name`: BSR module names have no meaning to idl", false),
            "excludes" => {
                for (exclude, _) in reader.strings("excludes", value) {
                    merger.draft.excludes.push(join_path("", &exclude));
                }
            }
            "lint" => lint = Some((lint_section(reader, value, "", Version::V2), key.clone())),
            "breaking" => breaking = Some((breaking_section(reader, value, "", Version::V2), key.clone())),
            other => unknown(reader, key, &format!("modules[].{other}")),
        }
    }
    if !merger.draft.roots.contains(&path) {
        merger.draft.roots.push(path.clone());
    }
    let (lint, lint_at) = lint.unwrap_or_else(|| (top_lint.clone(), module.clone()));
    merger.add_lint(reader, lint, &path, &lint_at);
    let (breaking, breaking_at) = breaking.unwrap_or_else(|| (top.clone(), module.clone()));
    merger.add_breaking(reader, breaking, &path, &breaking_at);
}

/// buf's default: the STANDARD category (v1's DEFAULT).
fn default_lint() -> LintDraft {
    LintDraft { r#use: vec!["STANDARD".to_string()], ..LintDraft::default() }
}

fn default_lint_of(reader: &mut Reader, version: Version, at: &Node) -> LintDraft {
    let mut lint = default_lint();
    lint.disallow_comment_ignores = version != Version::V2;
    reconcile(reader, version, Kind::Lint, (&mut lint.r#use, &mut lint.except), "STANDARD", at);
    lint
}

/// buf's default breaking rules: the FILE category (idl's default too).
fn default_breaking_of(reader: &mut Reader, version: Version, at: &Node) -> BreakingDraft {
    let mut breaking = BreakingDraft::default();
    reconcile(reader, version, Kind::Breaking, (&mut breaking.r#use, &mut breaking.except), "FILE", at);
    breaking
}

fn drop_deps(reader: &mut Reader, key: &Node) {
    let message = "`deps`: idl does not fetch BSR modules; put their sources in a directory and list it in \
                   `import_paths`";
    // Every module of a workspace tends to list the same deps: one warning, with
    // the other places as notes, rather than the same advice once per module.
    if let Some(first) = reader.dropped.iter().position(|item| item.diagnostic.message == message) {
        let file = &reader.files[reader.current];
        let at = file.position(key.span.start);
        let note = format!("also in {}:{}:{}", file.display_path, at.line, at.column);
        reader.dropped[first].diagnostic.notes.push(note);
        return;
    }
    reader.drop(key.span.clone(), message, true);
}

fn unknown(reader: &mut Reader, key: &Node, name: &str) {
    reader.drop(key.span.clone(), format!("`{name}` is not supported by idl; ignored"), true);
}

/// A lint rule or group name as idl knows it (`DEFAULT` is v1's STANDARD).
fn lint_name(name: &str) -> Option<String> {
    let name = if name == "DEFAULT" { "STANDARD" } else { name };
    let known = crate::lint::rules::find(name).is_some() || crate::lint::presets::groups().contains_key(name);
    known.then(|| name.to_string())
}

fn breaking_name(name: &str) -> Option<String> {
    let known = crate::breaking::CATEGORIES.contains(&name) || crate::breaking::rules::find(name).is_some();
    known.then(|| name.to_string())
}

/// Whether idl, or buf's table for the version, knows `name` (`reconcile` turns
/// the latter into rules idl has).
fn is_known(name: &str, (version, kind): (Version, Kind)) -> bool {
    let idl = match kind {
        Kind::Lint => lint_name(name).is_some(),
        Kind::Breaking => breaking_name(name).is_some(),
    };
    idl || buf_rules::expand(version.name(), kind, name).is_some()
}

/// Rule and group names idl or buf's table for the version knows; the others
/// are dropped. A name in `use` changes what is found; one in `except` or
/// `ignore_only` only matters if idl ran it.
fn names(reader: &mut Reader, key: &str, node: &Node, table: (Version, Kind), in_use: bool) -> Vec<String> {
    let mut names = Vec::new();
    for (name, span) in reader.strings(key, node) {
        if is_known(&name, table) {
            names.push(name);
        } else {
            reader.drop(span, format!("`{key}`: idl has no rule or category `{name}`"), in_use);
        }
    }
    names
}

fn paths(reader: &mut Reader, key: &str, node: &Node, prefix: &str) -> Vec<String> {
    reader.strings(key, node).into_iter().map(|(path, _)| join_path(prefix, &path)).collect()
}

/// `ignore_only`'s rules as idl names them: a name only buf's table knows (a
/// deprecated rule, a v1beta1 category) stands for the rules it expands to.
fn ignore_only(
    reader: &mut Reader,
    key: &str,
    node: &Node,
    prefix: &str,
    (version, kind): (Version, Kind),
) -> BTreeMap<String, Vec<String>> {
    let mut table: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let idl_name = |name: &str| match kind {
        Kind::Lint => lint_name(name),
        Kind::Breaking => breaking_name(name),
    };
    for (rule, value) in node.entries() {
        let name = rule.as_str().unwrap_or_default();
        let idl_names: Vec<String> = match idl_name(name) {
            Some(name) => vec![name],
            None => buf_rules::expand(version.name(), kind, name)
                .unwrap_or_default()
                .into_iter()
                .filter_map(idl_name)
                .collect(),
        };
        if idl_names.is_empty() {
            reader.drop(rule.span.clone(), format!("`{key}`: idl has no rule or category `{name}`"), false);
            continue;
        }
        let paths = paths(reader, key, value, prefix);
        for name in idl_names {
            table.entry(name).or_default().extend(paths.iter().cloned());
        }
    }
    table
}

/// Whether `node` is a mapping (or empty); names it as ignored otherwise.
fn expect_mapping(reader: &mut Reader, key: &str, node: &Node) -> bool {
    match node.value {
        yaml::Value::Map(_) | yaml::Value::Null => true,
        _ => {
            reader.drop(node.span.clone(), format!("`{key}`: expected a mapping; ignored"), true);
            false
        }
    }
}

fn lint_section(reader: &mut Reader, node: &Node, prefix: &str, version: Version) -> LintDraft {
    let mut lint = default_lint();
    // Comment ignores are off by default in v1 and v1beta1, on in v2.
    lint.disallow_comment_ignores = version != Version::V2;
    expect_mapping(reader, "lint", node);
    for (key, value) in node.entries() {
        let name = key.as_str().unwrap_or_default();
        match name {
            "use" => lint.r#use = names(reader, "lint.use", value, (version, Kind::Lint), true),
            "except" => lint.except = names(reader, "lint.except", value, (version, Kind::Lint), false),
            "ignore" => lint.ignore = paths(reader, "lint.ignore", value, prefix),
            "ignore_only" => {
                lint.ignore_only = ignore_only(reader, "lint.ignore_only", value, prefix, (version, Kind::Lint));
            }
            "allow_comment_ignores" if version != Version::V2 => match value.as_bool() {
                Some(allow) => lint.disallow_comment_ignores = !allow,
                None => reader.drop(value.span.clone(), format!("`lint.{name}`: expected a boolean; ignored"), true),
            },
            "disallow_comment_ignores" if version == Version::V2 => match value.as_bool() {
                Some(disallow) => lint.disallow_comment_ignores = disallow,
                None => reader.drop(value.span.clone(), format!("`lint.{name}`: expected a boolean; ignored"), true),
            },
            _ => match LINT_OPTIONS.iter().find(|(option, _)| *option == name) {
                Some((_, targets)) => {
                    let value = match (&value.value, value.as_bool()) {
                        (_, Some(flag)) => toml::Value::Boolean(flag),
                        (yaml::Value::Scalar(text), None) => toml::Value::String(text.clone()),
                        _ => {
                            let message = format!("`lint.{name}`: expected a string or a boolean; ignored");
                            reader.drop(value.span.clone(), message, true);
                            continue;
                        }
                    };
                    for (rule, option) in *targets {
                        lint.rules.entry(rule.to_string()).or_default().insert(option.to_string(), value.clone());
                    }
                }
                None => unknown(reader, key, &format!("lint.{name}")),
            },
        }
    }
    reconcile(reader, version, Kind::Lint, (&mut lint.r#use, &mut lint.except), "STANDARD", node);
    lint
}

fn breaking_section(reader: &mut Reader, node: &Node, prefix: &str, version: Version) -> BreakingDraft {
    let mut breaking = BreakingDraft::default();
    expect_mapping(reader, "breaking", node);
    for (key, value) in node.entries() {
        let name = key.as_str().unwrap_or_default();
        match name {
            "use" => breaking.r#use = names(reader, "breaking.use", value, (version, Kind::Breaking), true),
            "except" => breaking.except = names(reader, "breaking.except", value, (version, Kind::Breaking), false),
            "ignore" => breaking.ignore = paths(reader, "breaking.ignore", value, prefix),
            "ignore_only" => {
                let kind = (version, Kind::Breaking);
                breaking.ignore_only = ignore_only(reader, "breaking.ignore_only", value, prefix, kind);
            }
            "ignore_unstable_packages" => breaking.ignore_unstable_packages = value.as_bool() == Some(true),
            _ => unknown(reader, key, &format!("breaking.{name}")),
        }
    }
    reconcile(reader, version, Kind::Breaking, (&mut breaking.r#use, &mut breaking.except), "FILE", node);
    breaking
}
