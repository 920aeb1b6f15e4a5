//! `idl breaking`: the breaking-change checker.
//!
//! Two sides are compared: the base (a git tree, a directory or a descriptor set)
//! and the head (the working tree). Files pair by import name, messages, enums and
//! services by full name, fields by number, enum values by number and methods by
//! name; every rule is a small function over those pairs. Rule IDs, categories
//! (FILE ⊃ PACKAGE ⊃ WIRE_JSON ⊃ WIRE, plus CSR), messages and locations follow
//! buf's, line 1, column 1 of the head file included where buf has nothing better
//! (a deleted top-level message). Where buf has no path at all (a deleted file),
//! idl points at the element in the base instead.

pub mod base;
pub mod docs;
pub mod errors;
pub mod features;
pub mod git;
pub mod incremental;
pub mod rule;
pub mod rules;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use prost_reflect::{
    EnumDescriptor, ExtensionDescriptor, FieldDescriptor, FileDescriptor, MessageDescriptor, MethodDescriptor,
    ServiceDescriptor,
};

use crate::compile::{Compilation, SourceLocations, Syntax};
use crate::config::{BreakingConfig, CONFIG_RULE};
use crate::diagnostic::{Diagnostic, sort_and_dedup};
use crate::source::SourceFile;

pub use rule::{BreakingRule, CATEGORIES};

/// One file of a side.
pub struct SideFile<'a> {
    pub desc: FileDescriptor,
    /// The text and locations, when the side was compiled from sources (a descriptor
    /// set without source info has neither).
    pub source: Option<&'a SourceFile>,
    pub locations: Option<&'a SourceLocations>,
    pub syntax: Syntax,
    /// The path shown in findings.
    pub display: String,
}

impl SideFile<'_> {
    pub fn name(&self) -> &str {
        self.desc.name()
    }

    pub fn package(&self) -> &str {
        self.desc.package_name()
    }

    pub fn display_path(&self) -> &str {
        &self.display
    }
}

/// The files of one side that take part in the comparison.
#[derive(Default)]
pub struct Side<'a> {
    pub files: Vec<SideFile<'a>>,
    by_name: HashMap<String, usize>,
}

impl<'a> Side<'a> {
    pub fn new(mut files: Vec<SideFile<'a>>) -> Self {
        files.sort_by(|a, b| a.name().cmp(b.name()));
        let by_name = files.iter().enumerate().map(|(i, f)| (f.name().to_string(), i)).collect();
        Side { files, by_name }
    }

    /// The target files of a compilation that compiled.
    pub fn from_compilation(compilation: &'a Compilation) -> Self {
        let files = compilation
            .targets()
            .filter_map(|f| {
                Some(SideFile {
                    desc: compilation.pool.get_file_by_name(&f.source.name)?,
                    source: Some(&f.source),
                    locations: Some(&f.locations),
                    syntax: f.syntax,
                    display: f.source.display_path.clone(),
                })
            })
            .collect();
        Side::new(files)
    }

    pub fn file(&self, name: &str) -> Option<&SideFile<'a>> {
        self.by_name.get(name).map(|&i| &self.files[i])
    }
}

/// Everything rules look at: both sides and the elements paired between them.
pub struct Pairs<'a> {
    pub base: &'a Side<'a>,
    pub head: &'a Side<'a>,
    /// Files present on both sides, by import name: (base, head).
    pub files: Vec<(&'a SideFile<'a>, &'a SideFile<'a>)>,
    /// Messages by full name (map entries included, as buf does).
    pub messages: Vec<(MessageDescriptor, MessageDescriptor)>,
    /// Fields of paired messages, by number.
    pub fields: Vec<(FieldDescriptor, FieldDescriptor)>,
    /// Extensions by extendee and number.
    pub extensions: Vec<(ExtensionDescriptor, ExtensionDescriptor)>,
    pub enums: Vec<(EnumDescriptor, EnumDescriptor)>,
    pub services: Vec<(ServiceDescriptor, ServiceDescriptor)>,
    /// Methods of paired services, by name.
    pub methods: Vec<(MethodDescriptor, MethodDescriptor)>,
    /// Both sides' error tables, for the ERRORS rules.
    pub errors: errors::ErrorTables,
}

impl<'a> Pairs<'a> {
    pub fn new(base: &'a Side<'a>, head: &'a Side<'a>) -> Self {
        let files: Vec<_> = base.files.iter().filter_map(|b| Some((b, head.file(b.name())?))).collect();
        let messages = pair_by_name(all_messages(base), all_messages(head), |m| m.full_name().to_string());
        let enums = pair_by_name(all_enums(base), all_enums(head), |e| e.full_name().to_string());
        let services = pair_by_name(
            base.files.iter().flat_map(|f| f.desc.services()).collect(),
            head.files.iter().flat_map(|f| f.desc.services()).collect(),
            |s| s.full_name().to_string(),
        );
        let mut fields = Vec::new();
        for (b, h) in &messages {
            let head_fields: BTreeMap<u32, FieldDescriptor> = h.fields().map(|f| (f.number(), f)).collect();
            for bf in b.fields() {
                if let Some(hf) = head_fields.get(&bf.number()) {
                    fields.push((bf, hf.clone()));
                }
            }
        }
        let extension_key = |e: &ExtensionDescriptor| format!("{}#{}", e.containing_message().full_name(), e.number());
        let extensions = pair_by_name(all_extensions(base), all_extensions(head), extension_key);
        let mut methods = Vec::new();
        for (b, h) in &services {
            for bm in b.methods() {
                if let Some(hm) = h.methods().find(|m| m.name() == bm.name()) {
                    methods.push((bm, hm));
                }
            }
        }
        let errors = errors::ErrorTables::default();
        Pairs { base, head, files, messages, fields, extensions, enums, services, methods, errors }
    }

    /// The side file a base descriptor belongs to.
    pub fn base_file(&self, file: &FileDescriptor) -> &'a SideFile<'a> {
        self.base.file(file.name()).expect("paired elements come from the side's files")
    }

    /// The side file a head descriptor belongs to.
    pub fn head_file(&self, file: &FileDescriptor) -> &'a SideFile<'a> {
        self.head.file(file.name()).expect("paired elements come from the side's files")
    }
}

fn pair_by_name<T: Clone>(base: Vec<T>, head: Vec<T>, key: impl Fn(&T) -> String) -> Vec<(T, T)> {
    let head: HashMap<String, T> = head.into_iter().map(|h| (key(&h), h)).collect();
    base.into_iter().filter_map(|b| Some((b.clone(), head.get(&key(&b))?.clone()))).collect()
}

/// Every message of a side's files, nested ones included, in declaration order.
pub fn all_messages(side: &Side<'_>) -> Vec<MessageDescriptor> {
    side.files.iter().flat_map(|f| file_messages(&f.desc)).collect()
}

/// Every message of a file, nested ones (and map entries) included.
pub fn file_messages(file: &FileDescriptor) -> Vec<MessageDescriptor> {
    fn walk(m: MessageDescriptor, out: &mut Vec<MessageDescriptor>) {
        out.push(m.clone());
        for nested in m.child_messages() {
            walk(nested, out);
        }
    }
    let mut out = Vec::new();
    for m in file.messages() {
        walk(m, &mut out);
    }
    out
}

/// Every enum of a side's files, nested ones included.
pub fn all_enums(side: &Side<'_>) -> Vec<EnumDescriptor> {
    side.files.iter().flat_map(|f| file_enums(&f.desc)).collect()
}

/// Every enum of a file, nested ones included.
pub fn file_enums(file: &FileDescriptor) -> Vec<EnumDescriptor> {
    let mut out: Vec<EnumDescriptor> = file.enums().collect();
    for m in file_messages(file) {
        out.extend(m.child_enums());
    }
    out
}

/// Every extension of a side's files, nested ones included.
pub fn all_extensions(side: &Side<'_>) -> Vec<ExtensionDescriptor> {
    side.files.iter().flat_map(|f| file_extensions(&f.desc)).collect()
}

/// Every extension declared in a file, in messages too.
pub fn file_extensions(file: &FileDescriptor) -> Vec<ExtensionDescriptor> {
    let mut out: Vec<ExtensionDescriptor> = file.extensions().collect();
    for m in file_messages(file) {
        out.extend(m.child_extensions());
    }
    out
}

/// A full name without the file's package: `User.Inner` for `foo.v1.User.Inner`.
pub fn nested_name<'n>(full_name: &'n str, package: &str) -> &'n str {
    if package.is_empty() {
        full_name
    } else {
        full_name.strip_prefix(package).and_then(|s| s.strip_prefix('.')).unwrap_or(full_name)
    }
}

/// The rules a config selects, or CONFIG errors for unknown IDs and categories.
pub fn select_rules(
    config: &BreakingConfig,
    config_file: Option<&SourceFile>,
) -> (Vec<&'static BreakingRule>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut resolve = |entry: &toml::Spanned<String>, what: &str| -> Vec<&'static str> {
        let name = entry.get_ref().as_str();
        if CATEGORIES.contains(&name) {
            return rules::RULES.iter().filter(|r| r.categories.contains(&name)).map(|r| r.id).collect();
        }
        if let Some(rule) = rules::find(name) {
            return vec![rule.id];
        }
        let message = format!("unknown breaking rule or category {name:?} in `{what}`");
        let diagnostic = Diagnostic::error(CONFIG_RULE, message);
        errors.push(match config_file {
            Some(file) => diagnostic.with_span(file, entry.span().start, entry.span().end),
            None => diagnostic,
        });
        Vec::new()
    };
    let mut enabled: BTreeSet<&'static str> = BTreeSet::new();
    if config.r#use.is_empty() {
        enabled.extend(rules::RULES.iter().filter(|r| r.is_default()).map(|r| r.id));
        // Configuring `[errors]` turns the ERRORS category on, unless `use` picks the rules.
        if !config.errors.is_empty() {
            enabled.extend(rules::RULES.iter().filter(|r| r.categories.contains(&"ERRORS")).map(|r| r.id));
        }
    }
    for entry in &config.r#use {
        enabled.extend(resolve(entry, "use"));
    }
    for entry in &config.except {
        for id in resolve(entry, "except") {
            enabled.remove(id);
        }
    }
    for key in config.ignore_only.keys() {
        resolve(key, "ignore_only");
    }
    let selected = rules::RULES.iter().copied().filter(|r| enabled.contains(r.id)).collect();
    (selected, errors)
}

/// Runs the rules `config` selects over base and head, applies the config's
/// ignores, and returns the findings (and CONFIG errors) in their stable order.
pub fn check(
    base: &Side<'_>,
    head: &Side<'_>,
    config: &BreakingConfig,
    config_file: Option<&SourceFile>,
) -> Vec<Diagnostic> {
    let (selected, mut diagnostics) = select_rules(config, config_file);
    let errors_config = if selected.iter().any(|r| r.categories.contains(&"ERRORS")) {
        let (errors_config, problems) = crate::errors::ErrorsConfig::parse(&config.errors, config_file);
        diagnostics.extend(problems);
        errors_config
    } else {
        crate::errors::ErrorsConfig::default()
    };
    if !diagnostics.is_empty() {
        return diagnostics;
    }
    let mut pairs = Pairs::new(base, head);
    pairs.errors = errors::ErrorTables::new(errors_config);
    let findings: Vec<rule::Finding> = {
        use rayon::prelude::*;
        selected
            .par_iter()
            .flat_map_iter(|r| {
                let mut out = rule::Findings { rule: r.id, list: Vec::new() };
                (r.check)(&pairs, &mut out);
                out.list
            })
            .collect()
    };
    for finding in findings {
        if !is_ignored(&finding, config) {
            diagnostics.push(finding.diagnostic);
        }
    }
    sort_and_dedup(&mut diagnostics);
    diagnostics
}

/// Whether a finding is silenced by `ignore`, `ignore_only` or
/// `ignore_unstable_packages`.
fn is_ignored(finding: &rule::Finding, config: &BreakingConfig) -> bool {
    let rule_id = finding.diagnostic.rule.as_str();
    let under = |name: &str, dir: &str| {
        let dir = dir.trim_end_matches('/');
        dir == "." || name == dir || name.starts_with(&format!("{dir}/"))
    };
    finding.files.iter().any(|(name, package)| {
        if config.ignore.iter().any(|p| under(name, p.get_ref())) {
            return true;
        }
        let only = config.ignore_only.iter().any(|(key, paths)| {
            let key = key.get_ref().as_str();
            let applies = key == rule_id || rules::find(rule_id).is_some_and(|r| r.categories.contains(&key));
            applies && paths.iter().any(|p| under(name, p.get_ref()))
        });
        only || (config.ignore_unstable_packages && is_unstable_package(package))
    })
}

/// A package whose last component is an alpha, beta or test version
/// (`foo.v1beta1`, `foo.v1alpha`, `foo.v1test`, `foo.v1p1beta1`), as buf decides
/// for `ignore_unstable_packages`.
pub fn is_unstable_package(package: &str) -> bool {
    let Some(last) = package.rsplit('.').next() else { return false };
    let Some(rest) = last.strip_prefix('v') else { return false };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let mut rest = &rest[digits..];
    // An optional patch part: `p1`.
    if let Some(p) = rest.strip_prefix('p') {
        let n = p.bytes().take_while(u8::is_ascii_digit).count();
        if n > 0 {
            rest = &p[n..];
        }
    }
    for level in ["alpha", "beta", "test"] {
        if let Some(tail) = rest.strip_prefix(level) {
            return tail.bytes().all(|b| b.is_ascii_digit());
        }
    }
    false
}

#[cfg(test)]
mod tests;
