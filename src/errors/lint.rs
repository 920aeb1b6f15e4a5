//! The error checks as `idl lint` rules: every `ERRORS_*` rule (one file each under
//! `src/lint/rules/`) reports its share of one shared run of [`super::checks`].

use std::sync::OnceLock;

use crate::compile::Compilation;
use crate::lint::Context;
use crate::lint::facts::WorkspaceFacts;

use super::checks::{self, CheckFinding};
use super::{ErrorTable, ErrorsConfig, extract};

/// The `[errors]` config of a lint run and the checks' findings, computed once on
/// first use and shared by every `ERRORS_*` rule. What it computes belongs to
/// one compilation and one set of facts: another needs [`ErrorsLint::unused`].
#[derive(Debug, Default)]
pub struct ErrorsLint {
    config: ErrorsConfig,
    /// The compilation's error table (which enums are error enums, for the
    /// value-name rules' `exempt_error_enums`).
    table: OnceLock<ErrorTable>,
    /// The checks' findings over the targets' error tables as their facts hold
    /// them (what the `ERRORS_*` rules report: a cached run has the facts of
    /// files it did not compile).
    facts_findings: OnceLock<Vec<CheckFinding>>,
}

impl ErrorsLint {
    pub fn new(config: ErrorsConfig) -> Self {
        ErrorsLint { config, table: OnceLock::new(), facts_findings: OnceLock::new() }
    }

    /// The same config with nothing computed yet, for another compilation.
    pub fn unused(&self) -> Self {
        ErrorsLint::new(self.config.clone())
    }

    pub fn config(&self) -> &ErrorsConfig {
        &self.config
    }

    /// Every check's findings over the target files' error tables in `facts`,
    /// assembled in target order as [`extract::extract`] goes.
    pub fn findings_of_facts(&self, facts: &WorkspaceFacts) -> &[CheckFinding] {
        self.facts_findings.get_or_init(|| {
            let mut table = ErrorTable::default();
            for file in facts.targets() {
                if let Some(errors) = &file.errors {
                    table.rows.extend(errors.rows.iter().cloned());
                    table.enums.extend(errors.enums.iter().cloned());
                }
            }
            table.locales = extract::locales(&table.rows, &self.config);
            checks::check(&table, &self.config)
        })
    }

    /// The error table of the compilation's target files.
    pub fn table(&self, compilation: &Compilation) -> &ErrorTable {
        self.table.get_or_init(|| extract::extract(compilation, &self.config))
    }

    /// Whether the enum `full_name` is a business-error enum (Kratos options, Ego
    /// annotations, `[errors]` patterns): its value names are wire reasons.
    pub fn is_error_enum(&self, compilation: &Compilation, full_name: &str) -> bool {
        self.table(compilation).enums.iter().any(|e| e.full_name == full_name)
    }
}

/// The option of the enum value-name rules that exempts error enums.
pub const EXEMPT_OPTION: &str = "exempt_error_enums";

/// The `exempt_error_enums` option of a value-name rule (the `uber-v2` and
/// `google` presets set it; buf-standard keeps buf's behaviour).
pub const EXEMPT_OPTION_HELP: &str = "Skip the values of business-error enums (Kratos `errors.code` options, Ego \
     annotations, `[errors]` patterns): their names are the wire `reason` clients match on, so renaming one \
     breaks them. On in the `uber-v2` and `google` presets.";

/// Whether the value-name rule `cx` runs for skips `value`: its option is on and
/// the value's enum is an error enum.
pub fn exempt(cx: &Context<'_>, value: &prost_reflect::EnumValueDescriptor) -> bool {
    cx.option_bool(EXEMPT_OPTION) && cx.errors().is_error_enum(cx.compilation(), value.parent_enum().full_name())
}

/// Reports the findings of the rule `cx` runs for, at the elements they concern
/// (so ignore comments on the enum value or enum apply), from the targets'
/// error tables in `facts`.
pub fn report(cx: &mut Context<'_>, facts: &WorkspaceFacts) {
    let rule = cx.rule_id();
    for finding in cx.errors().findings_of_facts(facts).iter().filter(|f| f.rule == rule) {
        let Some(file) = facts.get(&finding.file_name) else { continue };
        let site = file.errors.as_ref().and_then(|errors| errors.sites.iter().find(|site| site.path == finding.path));
        if let Some(site) = site {
            cx.report_at(file, site, finding.message.clone());
        }
    }
}
