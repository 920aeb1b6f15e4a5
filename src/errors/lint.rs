//! The error checks as `idl lint` rules: every `ERRORS_*` rule (one file each under
//! `src/lint/rules/`) reports its share of one shared run of [`super::checks`].

use std::sync::OnceLock;

use crate::compile::Compilation;
use crate::lint::Context;

use super::checks::{self, CheckFinding};
use super::{ErrorsConfig, extract};

/// The `[errors]` config of a lint run and the checks' findings, computed once on
/// first use and shared by every `ERRORS_*` rule.
#[derive(Debug, Default)]
pub struct ErrorsLint {
    config: ErrorsConfig,
    findings: OnceLock<Vec<CheckFinding>>,
}

impl ErrorsLint {
    pub fn new(config: ErrorsConfig) -> Self {
        ErrorsLint { config, findings: OnceLock::new() }
    }

    /// Every check's findings over the compilation's target files.
    pub fn findings(&self, compilation: &Compilation) -> &[CheckFinding] {
        self.findings.get_or_init(|| checks::check(&extract::extract(compilation, &self.config), &self.config))
    }
}

/// Reports the findings of the rule `cx` runs for, at the elements they concern
/// (so ignore comments on the enum value or enum apply).
pub fn report(cx: &mut Context<'_>) {
    let compilation = cx.compilation();
    let rule = cx.rule_id();
    for finding in cx.errors().findings(compilation).iter().filter(|f| f.rule == rule) {
        if let Some(file) = compilation.file(&finding.file_name) {
            cx.report_in(file, Some(&finding.path), finding.message.clone());
        }
    }
}
