//! Checks over the extracted table, reported as [`Diagnostic`]s.

use std::collections::BTreeMap;

use crate::compile::Compilation;
use crate::diagnostic::{Diagnostic, Severity};

use super::mapping::{self, GRPC_CODES};
use super::{ErrorRow, ErrorTable, Style};

/// Every check: rule ID, default severity, one-line summary.
pub const RULES: [(&str, Severity, &str); 9] = [
    ("ERRORS_DUPLICATE_CODE", Severity::Error, "Two error values share a business code."),
    ("ERRORS_DUPLICATE_REASON", Severity::Error, "Two error values share a reason within one domain."),
    (
        "ERRORS_MISSING_CODE",
        Severity::Warn,
        "An error value has no code (Kratos: no `code` and no `default_code`, so protoc-gen-go-errors drops it; Ego: no `@code=`).",
    ),
    (
        "ERRORS_UNKNOWN_HTTP_STATUS",
        Severity::Error,
        "A Kratos code is not a registered HTTP error status (outside 1..600 makes protoc-gen-go-errors panic).",
    ),
    (
        "ERRORS_UNMAPPED_STATUS",
        Severity::Warn,
        "An HTTP status has no gRPC code in the mapping profile: it travels as UNKNOWN and comes back as 500.",
    ),
    ("ERRORS_INVALID_GRPC_CODE", Severity::Error, "An Ego `@code=` is not one of the 17 canonical gRPC code names."),
    ("ERRORS_REASON_FORMAT", Severity::Warn, "A reason does not match `[A-Z0-9_]+` or is longer than 63 characters."),
    ("ERRORS_MISSING_COMMENT", Severity::Warn, "An error value has no comment to show as its message."),
    ("ERRORS_MISSING_TRANSLATION", Severity::Warn, "An error value lacks a message for a configured locale."),
];

fn finding(compilation: &Compilation, row: &ErrorRow, rule: &str, message: String) -> Diagnostic {
    let severity = RULES.iter().find(|(id, ..)| *id == rule).map_or(Severity::Error, |(_, s, _)| *s);
    let file = &compilation.files[row.raw.file_index].source;
    Diagnostic::new(rule, severity, message).with_span(file, row.raw.span.0, row.raw.span.1)
}

/// Runs every check; `configured_locales` are the locales `[errors] locales` requires.
pub fn check(compilation: &Compilation, table: &ErrorTable, configured_locales: &[String]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut by_code: BTreeMap<i64, Vec<&ErrorRow>> = BTreeMap::new();
    let mut by_reason: BTreeMap<(&str, &str), Vec<&ErrorRow>> = BTreeMap::new();
    for row in &table.rows {
        if let Some(code) = row.biz_code {
            by_code.entry(code).or_default().push(row);
        }
        by_reason.entry((row.domain.as_str(), row.reason.as_str())).or_default().push(row);
        let mk = |rule: &str, message: String| finding(compilation, row, rule, message);
        macro_rules! push {
            ($rule:expr, $message:expr $(,)?) => {
                diags.push(mk($rule, $message))
            };
        }

        match row.style {
            Style::Kratos => match row.raw.declared_code {
                None | Some(0) => push!(
                    "ERRORS_MISSING_CODE",
                    format!(
                        "`{}` has no `(errors.code)` and its enum has no `(errors.default_code)`; protoc-gen-go-errors silently drops it",
                        row.raw.name
                    ),
                ),
                Some(status) if !(1..=600).contains(&status) || !mapping::is_known_http_status(status) => push!(
                    "ERRORS_UNKNOWN_HTTP_STATUS",
                    format!("`{}` has code {status}, which is not a registered HTTP status", row.raw.name),
                ),
                Some(status) if status < 400 => {
                    let message =
                        format!("`{}` has code {status}, which is not an error status (4xx/5xx)", row.raw.name);
                    let mut diag = mk("ERRORS_UNKNOWN_HTTP_STATUS", message);
                    diag.severity = Severity::Warn;
                    diags.push(diag);
                }
                Some(status) => {
                    let profile = mapping::profile(row.profile).unwrap_or(&mapping::KRATOS);
                    if profile.to_grpc(status).is_none() {
                        push!(
                            "ERRORS_UNMAPPED_STATUS",
                            format!(
                                "HTTP {status} of `{}` has no gRPC code in the `{}` profile: it becomes UNKNOWN, and 500 after a gRPC round trip",
                                row.raw.name, profile.name
                            ),
                        );
                    }
                }
            },
            Style::Ego => match row.raw.ego_code.as_deref() {
                None => push!("ERRORS_MISSING_CODE", format!("`{}` has no `@code=` annotation", row.raw.name)),
                Some(code) if !GRPC_CODES.contains(&code) => push!(
                    "ERRORS_INVALID_GRPC_CODE",
                    format!(
                        "`@code={code}` of `{}` is not a gRPC code; expected one of: {}",
                        row.raw.name,
                        GRPC_CODES.join(", ")
                    ),
                ),
                Some(_) => {}
            },
        }
        // The ErrorInfo format applies to the value name in the qualified style.
        let reason = if row.reason.contains('.') { row.raw.name.as_str() } else { row.reason.as_str() };
        let well_formed =
            !reason.is_empty() && reason.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if !well_formed || reason.len() > 63 {
            push!(
                "ERRORS_REASON_FORMAT",
                format!("reason `{reason}` must match [A-Z0-9_]+ and be at most 63 characters (google.rpc.ErrorInfo)"),
            );
        }
        if row.message.is_empty() {
            push!("ERRORS_MISSING_COMMENT", format!("`{}` has no comment to use as its message", row.raw.name));
        }
        for locale in configured_locales {
            if !row.locales.contains_key(locale) {
                push!("ERRORS_MISSING_TRANSLATION", format!("`{}` has no `@i18n.{locale}=` message", row.raw.name));
            }
        }
    }
    for (code, rows) in by_code.iter().filter(|(_, rows)| rows.len() > 1) {
        for row in &rows[1..] {
            let first = rows[0];
            let message = format!(
                "business code {code} of `{}` is already used by `{}` ({}:{})",
                row.id, first.id, first.file, first.line
            );
            diags.push(finding(compilation, row, "ERRORS_DUPLICATE_CODE", message));
        }
    }
    for ((domain, reason), rows) in by_reason.iter().filter(|(_, rows)| rows.len() > 1) {
        for row in &rows[1..] {
            let first = rows[0];
            let message = format!(
                "reason `{reason}` of `{}` is already used by `{}` ({}:{}) in domain `{domain}`; clients cannot tell them apart",
                row.id, first.id, first.file, first.line
            );
            diags.push(finding(compilation, row, "ERRORS_DUPLICATE_REASON", message));
        }
    }
    diags
}
