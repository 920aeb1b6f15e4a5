//! The ERRORS category: an error value's identity and codes are part of the API
//! clients program against (they match on reasons, switch on HTTP statuses and gRPC
//! codes, look up business codes), so changing them breaks clients even when the
//! wire format is unchanged. Off by default; on with `[breaking] use = ["ERRORS"]`,
//! or when idl.toml has an `[errors]` section and `[breaking] use` names no rules.

use crate::breaking::Pairs;
use crate::breaking::errors::pair_rows;
use crate::breaking::rule::{Findings, at};
use crate::breaking_rule;
use crate::errors::ErrorRow;

breaking_rule! {
    /// Error values are not deleted.
    ///
    /// An error value (a value of a Kratos or Ego error enum, or of an enum named by
    /// `[errors] enums`) that clients may receive is gone, or its enum is no longer
    /// an error enum. Reported at the enum in the head when it still exists, else at
    /// the value in the base. A renamed value (same enum and number) is
    /// ERRORS_SAME_REASON's concern instead.
    pub static ERRORS_NO_DELETE = "ERRORS_NO_DELETE", [ERRORS] => errors_no_delete;
}

breaking_rule! {
    /// Error values keep their reason.
    ///
    /// Clients match errors by reason (`google.rpc.ErrorInfo.reason`, Kratos'
    /// `Is<Value>()`), so renaming an error value or changing the reason style
    /// breaks them.
    pub static ERRORS_SAME_REASON = "ERRORS_SAME_REASON", [ERRORS] => errors_same_reason;
}

breaking_rule! {
    /// Error values keep their HTTP status.
    ///
    /// The status Kratos' `(errors.code)` or `(errors.default_code)` gives, or the
    /// one derived from an Ego `@code=`, is what HTTP clients and proxies act on.
    pub static ERRORS_SAME_HTTP_STATUS = "ERRORS_SAME_HTTP_STATUS", [ERRORS] => errors_same_http_status;
}

breaking_rule! {
    /// Error values keep their gRPC code.
    ///
    /// The code an Ego `@code=` declares, or the one a Kratos HTTP status maps to
    /// in the mapping profile, is what gRPC clients switch on and retry by.
    pub static ERRORS_SAME_GRPC_CODE = "ERRORS_SAME_GRPC_CODE", [ERRORS] => errors_same_grpc_code;
}

breaking_rule! {
    /// Error values keep their business code.
    ///
    /// Business codes (`(idl.errors.biz_code)`, or derived as `[errors]
    /// business_code` says) are looked up by clients, support staff and
    /// dashboards; reusing or changing one misfiles errors.
    pub static ERRORS_SAME_BUSINESS_CODE = "ERRORS_SAME_BUSINESS_CODE", [ERRORS] => errors_same_business_code;
}

fn errors_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    let (base, head) = pairs.errors.tables(pairs.base, pairs.head);
    for (row, partner) in pair_rows(base, head) {
        if partner.is_some() {
            continue;
        }
        let message = format!("Previously present error {:?} (reason {:?}) was deleted.", row.id, row.reason);
        let head_enum = head.enums.iter().find(|e| e.full_name == row.enum_name);
        match head_enum.and_then(|e| Some((e, pairs.head.file(&e.file_name)?))) {
            Some((error_enum, head_file)) => {
                out.report(at(head_file, &error_enum.path), pairs.base.file(&row.raw.file_name), message)
            }
            None => {
                if let Some(base_file) = pairs.base.file(&row.raw.file_name) {
                    out.report(at(base_file, &row.raw.path), None, message);
                }
            }
        }
    }
}

/// Reports every paired row whose `field` differs, at the head's value.
fn compare<T: PartialEq + std::fmt::Debug>(
    pairs: &Pairs<'_>,
    out: &mut Findings,
    what: &str,
    field: impl Fn(&ErrorRow) -> Option<T>,
) {
    let (base, head) = pairs.errors.tables(pairs.base, pairs.head);
    for (row, partner) in pair_rows(base, head) {
        let Some(partner) = partner else { continue };
        let (before, after) = (field(row), field(partner));
        if before == after {
            continue;
        }
        let shown = |value: Option<T>| value.map_or("none".to_string(), |v| format!("{v:?}"));
        let message = format!("Error {:?} changed its {what} from {} to {}.", row.id, shown(before), shown(after));
        if let Some(head_file) = pairs.head.file(&partner.raw.file_name) {
            out.report(at(head_file, &partner.raw.path), pairs.base.file(&row.raw.file_name), message);
        }
    }
}

fn errors_same_reason(pairs: &Pairs<'_>, out: &mut Findings) {
    compare(pairs, out, "reason", |row| Some(row.reason.clone()));
}

fn errors_same_http_status(pairs: &Pairs<'_>, out: &mut Findings) {
    compare(pairs, out, "HTTP status", |row| row.http_status);
}

fn errors_same_grpc_code(pairs: &Pairs<'_>, out: &mut Findings) {
    compare(pairs, out, "gRPC code", |row| row.grpc_code);
}

fn errors_same_business_code(pairs: &Pairs<'_>, out: &mut Findings) {
    compare(pairs, out, "business code", |row| row.biz_code);
}
