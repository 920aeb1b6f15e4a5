//! The shape of a lint rule: its declaration (metadata carrying the rule's
//! documentation) and the per-element hooks the engine calls.

use std::ops::Range;

use prost_reflect::{
    EnumDescriptor, EnumValueDescriptor, ExtensionDescriptor, FieldDescriptor, FileDescriptor, MessageDescriptor,
    MethodDescriptor, OneofDescriptor, ServiceDescriptor,
};

use crate::compile::{Compilation, CompiledFile, SourceLocation};
use crate::diagnostic::{Diagnostic, Fix, Severity, Span};
use crate::lint::facts::{FileFacts, Site, WorkspaceFacts};

/// The type and default of one option a rule accepts in `[lint.rules.<ID>]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionDefault {
    String(&'static str),
    Bool(bool),
    /// A non-negative integer.
    Integer(i64),
    /// A list of strings (`words = ["common", "data"]`).
    List(&'static [&'static str]),
    /// An array of tables (`[[lint.rules.<ID>.<name>]]`), empty by default; the rule
    /// checks each table's keys in [`Rule::validate_option`].
    Tables,
}

/// One option a rule accepts.
#[derive(Debug, Clone, Copy)]
pub struct RuleOption {
    pub name: &'static str,
    pub default: OptionDefault,
    pub help: &'static str,
}

/// Everything about a rule except its behaviour.
#[derive(Debug)]
pub struct RuleMeta {
    /// UPPER_SNAKE rule ID (buf's ID where buf has the rule).
    pub id: &'static str,
    /// One sentence, shown by `idl rules`.
    pub summary: &'static str,
    /// The rule's documentation: the `///` lines of its declaration.
    pub doc: &'static str,
    pub default_severity: Severity,
    pub fixable: bool,
    pub options: &'static [RuleOption],
}

/// Implemented by [`declare_rule!`]: ties a rule type to its metadata.
pub trait RuleMetadata {
    fn meta(&self) -> &'static RuleMeta;
}

/// A lint rule. Every hook defaults to doing nothing; a rule overrides the hooks
/// for the elements it checks. Element hooks run for target files only.
#[allow(unused_variables)]
pub trait Rule: RuleMetadata + Sync {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {}
    /// Called for every message, map entries included (rules skip them as buf does).
    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {}
    /// Called for every field of every message, map entry fields included.
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {}
    /// Called for every oneof, synthetic ones (proto3 `optional`) included.
    fn check_oneof(&self, cx: &mut Context<'_>, oneof: &OneofDescriptor) {}
    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {}
    fn check_enum_value(&self, cx: &mut Context<'_>, value: &EnumValueDescriptor) {}
    fn check_service(&self, cx: &mut Context<'_>, service: &ServiceDescriptor) {}
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {}
    /// Called for every extension declared at file level or inside a message.
    fn check_extension(&self, cx: &mut Context<'_>, extension: &ExtensionDescriptor) {}
    /// Called once per package with the target files declaring it (`""` for files
    /// without a package).
    fn check_package(&self, cx: &mut Context<'_>, package: &str, files: &[&CompiledFile]) {}
    /// Called once per run with every target file, compiled. A run that selects a
    /// rule with this hook compiles every file and is not cached, so the rule must
    /// say so in [`Rule::needs_compiled_workspace`]; rules that can look across
    /// files through [`WorkspaceFacts`] use [`Rule::check_facts`] instead.
    fn check_workspace(&self, cx: &mut Context<'_>, files: &[&CompiledFile]) {}
    /// Called once per run with the facts of every target and import, which a
    /// cached run has without compiling the files that did not change.
    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {}
    /// Whether the rule implements [`Rule::check_workspace`].
    fn needs_compiled_workspace(&self) -> bool {
        false
    }
    /// Whether [`Rule::check_facts`] reads the RPCs' HTTP routes
    /// ([`crate::lint::facts::MethodFacts::routes`]), which are gathered only
    /// for runs that select such a rule: locating every binding of every RPC
    /// costs a run that does not need them (6 % of an editor's analysis of
    /// googleapis' compute.proto).
    fn needs_route_facts(&self) -> bool {
        false
    }
    /// Whether [`Rule::check_facts`] reads the target files' error tables
    /// ([`crate::lint::facts::FileFacts::errors`]), which are extracted only for
    /// runs that select such a rule (the `ERRORS_*` rules).
    fn needs_error_facts(&self) -> bool {
        false
    }
    /// Checks an option's value beyond its type (ranges, table keys) when the config
    /// is read, so a bad value is a CONFIG error before any file is linted.
    fn validate_option(&self, name: &str, value: &toml::Value) -> Result<(), String> {
        Ok(())
    }
}

/// Declares a rule type and its metadata; the `///` lines are its documentation.
///
/// ```ignore
/// declare_rule! {
///     /// Enum names must be PascalCase.
///     pub struct EnumPascalCase {
///         id: "ENUM_PASCAL_CASE",
///         summary: "Enum names are PascalCase.",
///         severity: Error,
///         fixable: false,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            id: $id:literal,
            summary: $summary:literal,
            severity: $severity:ident,
            fixable: $fixable:literal
            $(, options: [$($option:expr),* $(,)?])?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $name {
            pub const META: $crate::lint::rule::RuleMeta = $crate::lint::rule::RuleMeta {
                id: $id,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
                default_severity: $crate::diagnostic::Severity::$severity,
                fixable: $fixable,
                options: &[$($($option),*)?],
            };
        }

        impl $crate::lint::rule::RuleMetadata for $name {
            fn meta(&self) -> &'static $crate::lint::rule::RuleMeta {
                &Self::META
            }
        }
    };
}

/// The resolved value of a rule option.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    String(String),
    Bool(bool),
    Integer(i64),
    List(Vec<String>),
    Tables(Vec<toml::Table>),
}

/// A rule's options after validation: every declared option has a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleOptions {
    values: Vec<(&'static str, OptionValue)>,
}

impl RuleOptions {
    pub(crate) fn new(values: Vec<(&'static str, OptionValue)>) -> Self {
        RuleOptions { values }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&OptionValue> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// What a hook sees: the compilation, the file being walked (for element and file
/// hooks), the rule's options, and where to report.
pub struct Context<'a> {
    pub(crate) compilation: &'a Compilation,
    pub(crate) file: Option<&'a CompiledFile>,
    pub(crate) rule: &'static RuleMeta,
    pub(crate) severity: Severity,
    pub(crate) options: &'a RuleOptions,
    /// `[errors]` and the shared error-table checks, for the `ERRORS_*` rules.
    pub(crate) errors: &'a crate::errors::lint::ErrorsLint,
    pub(crate) findings: &'a mut Vec<Finding>,
}

/// A finding before comment ignores are applied: the descriptor path it belongs to
/// lets the engine find the declaration whose comments may ignore it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    /// The file's import name, when the finding is in a file.
    pub file_name: Option<String>,
    /// The descriptor path the finding was reported at (empty for whole-file ones).
    pub path: Vec<i32>,
}

impl<'a> Context<'a> {
    pub fn compilation(&self) -> &'a Compilation {
        self.compilation
    }

    pub fn pool(&self) -> &'a prost_reflect::DescriptorPool {
        &self.compilation.pool
    }

    /// The file being walked. Panics in package and workspace hooks, which get
    /// their files as arguments.
    pub fn file(&self) -> &'a CompiledFile {
        self.file.expect("Context::file is only available in file and element hooks")
    }

    pub fn rule_id(&self) -> &'static str {
        self.rule.id
    }

    /// The error-table checks of this run (the `ERRORS_*` rules report from them).
    pub fn errors(&self) -> &'a crate::errors::lint::ErrorsLint {
        self.errors
    }

    /// A string option's value (its default when the config does not set it).
    pub fn option_str(&self, name: &str) -> &str {
        match self.options.get(name) {
            Some(OptionValue::String(value)) => value,
            _ => match self.declared_default(name) {
                OptionDefault::String(value) => value,
                _ => panic!("option {name} is not a string"),
            },
        }
    }

    /// A boolean option's value (its default when the config does not set it).
    pub fn option_bool(&self, name: &str) -> bool {
        match self.options.get(name) {
            Some(OptionValue::Bool(value)) => *value,
            _ => match self.declared_default(name) {
                OptionDefault::Bool(value) => value,
                _ => panic!("option {name} is not a bool"),
            },
        }
    }

    /// An integer option's value (its default when the config does not set it).
    pub fn option_int(&self, name: &str) -> i64 {
        match self.options.get(name) {
            Some(OptionValue::Integer(value)) => *value,
            _ => match self.declared_default(name) {
                OptionDefault::Integer(value) => value,
                _ => panic!("option {name} is not an integer"),
            },
        }
    }

    /// A list option's value (its default when the config does not set it).
    pub fn option_list(&self, name: &str) -> Vec<String> {
        match self.options.get(name) {
            Some(OptionValue::List(values)) => values.clone(),
            _ => match self.declared_default(name) {
                OptionDefault::List(values) => values.iter().map(|value| value.to_string()).collect(),
                _ => panic!("option {name} is not a list"),
            },
        }
    }

    /// A table-array option's tables (none when the config does not set it).
    pub fn option_tables(&self, name: &str) -> &'a [toml::Table] {
        match self.options.get(name) {
            Some(OptionValue::Tables(tables)) => tables,
            _ => match self.declared_default(name) {
                OptionDefault::Tables => &[],
                _ => panic!("option {name} is not an array of tables"),
            },
        }
    }

    fn declared_default(&self, name: &str) -> OptionDefault {
        self.rule
            .options
            .iter()
            .find(|option| option.name == name)
            .unwrap_or_else(|| panic!("rule {} declares no option {name}", self.rule.id))
            .default
    }

    /// The source location of a descriptor path in the file being walked.
    pub fn location(&self, path: &[i32]) -> Option<&'a SourceLocation> {
        self.file().locations.get(path)
    }

    /// Reports at the source span of `path` in the file being walked; at the start
    /// of the file when the path has no location (as buf does).
    pub fn report(&mut self, path: &[i32], message: impl Into<String>) {
        let file = self.file();
        self.report_in(file, Some(path), message);
    }

    /// [`Context::report`] with a fix attached (edits in the file being walked).
    pub fn report_with_fix(&mut self, path: &[i32], message: impl Into<String>, fix: Fix) {
        self.report(path, message);
        self.attach_fix(fix);
    }

    /// Reports at a byte span of the file being walked, owned (for comment
    /// ignores) by the declaration at `owner`, with an optional fix.
    pub fn report_span(&mut self, owner: &[i32], span: Range<usize>, message: impl Into<String>, fix: Option<Fix>) {
        let file = self.file();
        let mut diagnostic = Diagnostic::new(self.rule.id, self.severity, message);
        diagnostic.path = file.source.display_path.clone();
        diagnostic.span = Some(Span::new(&file.source, span.start, span.end));
        diagnostic.fix = fix;
        self.findings.push(Finding { diagnostic, file_name: Some(file.source.name.clone()), path: owner.to_vec() });
    }

    /// Attaches `fix` to the finding reported last.
    fn attach_fix(&mut self, fix: Fix) {
        debug_assert!(self.rule.fixable, "rule {} emits a fix but is not declared fixable", self.rule.id);
        if let Some(finding) = self.findings.last_mut() {
            finding.diagnostic.fix = Some(fix);
        }
    }

    /// Reports a finding about the file as a whole, at its first position.
    pub fn report_file(&mut self, message: impl Into<String>) {
        let file = self.file();
        self.report_in(file, None, message);
    }

    /// Reports in any file: at `path`'s span when given and located, else at the
    /// file's first position.
    pub fn report_in(&mut self, file: &CompiledFile, path: Option<&[i32]>, message: impl Into<String>) {
        let location = path.and_then(|path| file.locations.get(path));
        let (start, end) = location.map_or((0, 0), |loc| (loc.start as usize, loc.end as usize));
        self.report_range_in(file, path, start..end, message);
    }

    /// Reports at a byte range of the file being walked that is finer than any
    /// descriptor path's span (a part of an option value); `path` is the element
    /// whose comments may ignore the finding.
    pub fn report_range(&mut self, path: &[i32], range: std::ops::Range<usize>, message: impl Into<String>) {
        let file = self.file();
        self.report_range_in(file, Some(path), range, message);
    }

    /// Reports at a site of a file known by its facts (workspace rules).
    pub fn report_at(&mut self, file: &FileFacts, site: &Site, message: impl Into<String>) {
        let mut diagnostic = Diagnostic::new(self.rule.id, self.severity, message);
        diagnostic.path = file.display_path.clone();
        diagnostic.span = Some(site.span);
        self.findings.push(Finding { diagnostic, file_name: Some(file.name.clone()), path: site.path.clone() });
    }

    /// [`Context::report_range`] in any file.
    pub fn report_range_in(
        &mut self,
        file: &CompiledFile,
        path: Option<&[i32]>,
        range: std::ops::Range<usize>,
        message: impl Into<String>,
    ) {
        let (start, end) = (range.start, range.end);
        let mut diagnostic = Diagnostic::new(self.rule.id, self.severity, message);
        diagnostic.path = file.source.display_path.clone();
        diagnostic.span = Some(Span::new(&file.source, start, end));
        self.findings.push(Finding {
            diagnostic,
            file_name: Some(file.source.name.clone()),
            path: path.map(<[i32]>::to_vec).unwrap_or_default(),
        });
    }
}

/// The path of an element's name: its declaration path plus field 1 (`name`).
pub fn name_path(path: &[i32]) -> Vec<i32> {
    child_path(path, &[1])
}

/// `path` extended by `suffix`.
pub fn child_path(path: &[i32], suffix: &[i32]) -> Vec<i32> {
    let mut child = Vec::with_capacity(path.len() + suffix.len());
    child.extend_from_slice(path);
    child.extend_from_slice(suffix);
    child
}
