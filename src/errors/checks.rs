//! Checks over the extracted table. They work on the table alone, so `idl errors`
//! turns their findings into diagnostics ([`to_diagnostics`]) and `idl lint` reports
//! them as its `ERRORS_*` rules (see [`super::lint`]); the rules' severities and
//! documentation live in their declarations under `src/lint/rules/errors_*.rs`.

use std::collections::BTreeMap;

use crate::compile::Compilation;
use crate::diagnostic::{Diagnostic, Severity};

use super::config::{BusinessCode, CodeScheme, ErrorsConfig};
use super::mapping::{self, GRPC_CODES};
use super::{ErrorRow, ErrorTable, Style};

/// Every check's rule ID, sorted.
pub const RULE_IDS: [&str; 13] = [
    "ERRORS_CODE_RANGE",
    "ERRORS_DUPLICATE_CODE",
    "ERRORS_DUPLICATE_REASON",
    "ERRORS_DUPLICATE_VALUE",
    "ERRORS_INVALID_GRPC_CODE",
    "ERRORS_METADATA_KEY",
    "ERRORS_MISSING_CODE",
    "ERRORS_MISSING_COMMENT",
    "ERRORS_MISSING_TRANSLATION",
    "ERRORS_REASON_FORMAT",
    "ERRORS_UNKNOWN_HTTP_STATUS",
    "ERRORS_UNMAPPED_STATUS",
    "ERRORS_ZERO_VALUE",
];

/// One problem, located by the declaring file and the element's descriptor path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckFinding {
    pub rule: &'static str,
    pub message: String,
    /// Import name of the file.
    pub file_name: String,
    /// Descriptor path of the element (an enum value).
    pub path: Vec<i32>,
}

fn at(row: &ErrorRow, rule: &'static str, message: String) -> CheckFinding {
    CheckFinding { rule, message, file_name: row.raw.file_name.clone(), path: row.raw.path.clone() }
}

/// Runs every check.
pub fn check(table: &ErrorTable, config: &ErrorsConfig) -> Vec<CheckFinding> {
    let mut out = Vec::new();
    // Locales a value must translate: the configured ones, else those its enum uses.
    let mut enum_locales: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for row in &table.rows {
        let used = enum_locales.entry(row.enum_name.as_str()).or_default();
        for locale in row.locales.keys() {
            if !used.contains(&locale) {
                used.push(locale);
            }
        }
    }
    for row in &table.rows {
        let required_locales: Vec<&String> = if config.locales.is_empty() {
            enum_locales.get(row.enum_name.as_str()).cloned().unwrap_or_default()
        } else {
            config.locales.iter().collect()
        };
        check_codes(row, &mut out);
        check_reason(row, &mut out);
        for key in &row.metadata_keys {
            let well_formed =
                !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !well_formed || key.chars().count() > 64 {
                let message = format!(
                    "metadata key `{key}` of `{}` must match [a-zA-Z0-9-_]+ and be at most 64 characters (google.rpc.ErrorInfo)",
                    row.raw.name
                );
                out.push(at(row, "ERRORS_METADATA_KEY", message));
            }
        }
        if row.message.is_empty() {
            let message = format!("`{}` has no comment to use as its message", row.raw.name);
            out.push(at(row, "ERRORS_MISSING_COMMENT", message));
        }
        for locale in required_locales {
            if !row.locales.contains_key(locale.as_str()) {
                let message = format!("`{}` has no `@i18n.{locale}=` message", row.raw.name);
                out.push(at(row, "ERRORS_MISSING_TRANSLATION", message));
            }
        }
        if let Some(scheme) = &config.code_scheme {
            check_scheme(row, scheme, config.business_code, &mut out);
        }
    }
    check_duplicates(table, &mut out);
    if let Some(suffix) = &config.zero_value_suffix {
        for error_enum in &table.enums {
            let Some((name, path)) = &error_enum.zero_value else { continue };
            if name.ends_with(suffix.as_str()) {
                continue;
            }
            let expected = format!("{}{suffix}", crate::lint::casing::to_upper_snake_case(&error_enum.name));
            let message = format!(
                "the zero value `{name}` of error enum `{}` is what an unset field reads as, not an error; \
                 name it `{expected}` and number the errors from 1 (or set [errors] zero_value = \"error\")",
                error_enum.full_name
            );
            out.push(CheckFinding {
                rule: "ERRORS_ZERO_VALUE",
                message,
                file_name: error_enum.file_name.clone(),
                path: path.clone(),
            });
        }
    }
    out
}

/// The HTTP status and gRPC code of one row, by the conventions of its style.
fn check_codes(row: &ErrorRow, out: &mut Vec<CheckFinding>) {
    let name = &row.raw.name;
    match row.style {
        Style::Kratos => match row.raw.declared_code {
            None | Some(0) => out.push(at(
                row,
                "ERRORS_MISSING_CODE",
                format!(
                    "`{name}` has no `(errors.code)` and its enum has no `(errors.default_code)`; protoc-gen-go-errors silently drops it"
                ),
            )),
            Some(status) if !(1..=600).contains(&status) => out.push(at(
                row,
                "ERRORS_UNKNOWN_HTTP_STATUS",
                format!("`{name}` has code {status}, outside 1..600: protoc-gen-go-errors panics on it"),
            )),
            Some(status) if !mapping::is_known_http_status(status) => out.push(at(
                row,
                "ERRORS_UNKNOWN_HTTP_STATUS",
                format!("`{name}` has code {status}, which is not a registered HTTP status"),
            )),
            Some(status) if status < 400 => out.push(at(
                row,
                "ERRORS_UNKNOWN_HTTP_STATUS",
                format!("`{name}` has code {status}, which is not an error status (4xx/5xx)"),
            )),
            Some(status) => {
                let profile = mapping::profile(row.profile).unwrap_or(&mapping::KRATOS);
                if profile.to_grpc(status).is_none() {
                    out.push(at(
                        row,
                        "ERRORS_UNMAPPED_STATUS",
                        format!(
                            "HTTP {status} of `{name}` has no gRPC code in the `{}` profile: it becomes UNKNOWN, and 500 after a gRPC round trip",
                            profile.name
                        ),
                    ));
                }
            }
        },
        Style::Ego => match row.raw.ego_code.as_deref() {
            None => out.push(at(row, "ERRORS_MISSING_CODE", format!("`{name}` has no `@code=` annotation"))),
            Some(code) if !GRPC_CODES.contains(&code) => out.push(at(
                row,
                "ERRORS_INVALID_GRPC_CODE",
                format!("`@code={code}` of `{name}` is not a gRPC code; expected one of: {}", GRPC_CODES.join(", ")),
            )),
            Some(_) => {}
        },
    }
}

/// google.rpc.ErrorInfo's reason format; in the qualified style it applies to the
/// value name.
fn check_reason(row: &ErrorRow, out: &mut Vec<CheckFinding>) {
    let reason = if row.reason.contains('.') { row.raw.name.as_str() } else { row.reason.as_str() };
    let well_formed =
        !reason.is_empty() && reason.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !well_formed || reason.len() > 63 {
        let message =
            format!("reason `{reason}` must match [A-Z0-9_]+ and be at most 63 characters (google.rpc.ErrorInfo)");
        out.push(at(row, "ERRORS_REASON_FORMAT", message));
    }
}

/// The business code against `[errors.code_scheme]`.
fn check_scheme(row: &ErrorRow, scheme: &CodeScheme, source: BusinessCode, out: &mut Vec<CheckFinding>) {
    let (first, last) = scheme.error_range;
    let range =
        format!("{}–{}", CodeScheme::pad(first, scheme.error_digits), CodeScheme::pad(last, scheme.error_digits));
    let registered = scheme.services.get(&row.package);
    let Some(code) = row.biz_code else {
        if source == BusinessCode::Scheme {
            let message = format!(
                "package `{}` has no service code in [errors.code_scheme] services, so `{}` has no business code",
                row.package, row.raw.name
            );
            out.push(at(row, "ERRORS_CODE_RANGE", message));
        }
        return;
    };
    if row.biz_source == Some("scheme") {
        let number = i64::from(row.number);
        if number < first || number > last {
            let message = format!(
                "`{}` = {number} does not fit the error segment ({range}) of the code scheme: its derived code {code} falls outside its service's range",
                row.raw.name
            );
            out.push(at(row, "ERRORS_CODE_RANGE", message));
        }
        return;
    }
    let (project, service, error) = scheme.split(code);
    let mut problems = Vec::new();
    if code < 0 || project != scheme.project {
        problems.push(format!("its project segment is not the configured project {}", scheme.project));
    }
    match registered {
        None => {
            problems.push(format!("package `{}` has no service code in [errors.code_scheme] services", row.package))
        }
        Some(registered) if *registered != service => problems.push(format!(
            "its service segment {} is not {}, the service code of package `{}`",
            CodeScheme::pad(service, scheme.service_digits),
            CodeScheme::pad(*registered, scheme.service_digits),
            row.package
        )),
        Some(_) => {}
    }
    if error < first || error > last {
        problems.push(format!("its error segment {} is outside {range}", CodeScheme::pad(error, scheme.error_digits)));
    }
    if !problems.is_empty() {
        let message =
            format!("business code {code} of `{}` breaks the code scheme: {}", row.raw.name, problems.join("; "));
        out.push(at(row, "ERRORS_CODE_RANGE", message));
    }
}

/// Business codes unique everywhere; reasons unique within a domain (across
/// packages); value names unique within a package.
fn check_duplicates(table: &ErrorTable, out: &mut Vec<CheckFinding>) {
    let mut by_code: BTreeMap<i64, Vec<&ErrorRow>> = BTreeMap::new();
    let mut by_reason: BTreeMap<(&str, &str), Vec<&ErrorRow>> = BTreeMap::new();
    let mut by_name: BTreeMap<(&str, &str), Vec<&ErrorRow>> = BTreeMap::new();
    for row in &table.rows {
        if let Some(code) = row.biz_code {
            by_code.entry(code).or_default().push(row);
        }
        by_reason.entry((row.domain.as_str(), row.reason.as_str())).or_default().push(row);
        by_name.entry((row.package.as_str(), row.raw.name.as_str())).or_default().push(row);
    }
    let place = |row: &ErrorRow| format!("`{}` ({}:{})", row.id, row.file, row.line);
    for (code, rows) in &by_code {
        for row in rows.iter().skip(1) {
            let message = format!("business code {code} of `{}` is already used by {}", row.id, place(rows[0]));
            out.push(at(row, "ERRORS_DUPLICATE_CODE", message));
        }
    }
    for ((domain, reason), rows) in &by_reason {
        for (i, row) in rows.iter().enumerate() {
            // Within one package, the same reason is the same value name: ERRORS_DUPLICATE_VALUE.
            let Some(first) = rows[..i].iter().find(|r| r.package != row.package) else { continue };
            let message = format!(
                "reason `{reason}` of `{}` is already used by {} in domain `{domain}`; clients cannot tell them apart",
                row.id,
                place(first)
            );
            out.push(at(row, "ERRORS_DUPLICATE_REASON", message));
        }
    }
    for ((package, name), rows) in &by_name {
        for row in rows.iter().skip(1) {
            let message = format!(
                "error value `{name}` of `{}` is already declared by {} in package `{package}`; its reason and generated helpers would collide",
                row.id,
                place(rows[0])
            );
            out.push(at(row, "ERRORS_DUPLICATE_VALUE", message));
        }
    }
}

/// Findings as diagnostics at their elements' spans; `severity` gives each rule's.
pub fn to_diagnostics(
    compilation: &Compilation,
    findings: &[CheckFinding],
    severity: impl Fn(&str) -> Severity,
) -> Vec<Diagnostic> {
    findings
        .iter()
        .map(|finding| {
            let diagnostic = Diagnostic::new(finding.rule, severity(finding.rule), finding.message.clone());
            match compilation.file(&finding.file_name) {
                Some(file) => {
                    let (start, end) =
                        file.locations.get(&finding.path).map_or((0, 0), |l| (l.start as usize, l.end as usize));
                    diagnostic.with_span(&file.source, start, end)
                }
                None => diagnostic.with_path(&finding.file_name),
            }
        })
        .collect()
}
