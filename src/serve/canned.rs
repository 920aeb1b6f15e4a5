//! `[mock]` in idl.toml: canned answers per method, matched on request fields,
//! with latency and business-error injection. Everything is checked when the mock
//! starts (methods, `when` fields, fixture files against the response type,
//! errors against the error table), so a mistake is a located error (exit 2)
//! rather than a surprise on the first request.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, MethodDescriptor, SerializeOptions};
use toml::Spanned;

use super::status::{Code, ErrorInfo, Status};
use crate::config::{MockConfig, MockResponse};
use crate::diagnostic::Diagnostic;
use crate::errors::{ErrorRow, ErrorTable, mapping};
use crate::source::SourceFile;

/// The rule ID of the mock's start-up errors.
pub const MOCK_RULE: &str = "MOCK";
/// Fixture files larger than this are refused (they are answers, not data sets).
const MAX_FIXTURE_BYTES: u64 = 4 << 20;

/// What a canned response answers.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The schema's example (the entry only adds latency).
    Example,
    Message(DynamicMessage),
    Error(Status),
}

/// One `[[mock.responses]]` entry, resolved.
#[derive(Debug, Clone)]
pub struct Canned {
    /// The gRPC path of the method: `/acme.user.v1.UserService/GetUser`.
    pub path: String,
    /// JSON-name paths into the request and the values they must have.
    when: Vec<(Vec<String>, serde_json::Value)>,
    pub answer: Answer,
    pub latency: Option<Duration>,
}

impl Canned {
    /// Whether `request` has every `when` value; `request_json` is the request
    /// as proto3 JSON with default values written out.
    fn matches(&self, request_json: &serde_json::Value) -> bool {
        self.when.iter().all(|(path, expected)| {
            let actual = path.iter().try_fold(request_json, |value, key| value.get(key));
            actual.is_some_and(|actual| same_value(actual, expected))
        })
    }
}

/// Equal as JSON, or as text when one side is a string: protojson writes 64-bit
/// integers as strings and TOML has no way to say which a user meant.
fn same_value(actual: &serde_json::Value, expected: &serde_json::Value) -> bool {
    use serde_json::Value::{Number, String as Text};
    match (actual, expected) {
        (Text(a), Number(e)) => a == &e.to_string(),
        (Number(a), Text(e)) => &a.to_string() == e,
        (Number(a), Number(e)) => a.as_f64() == e.as_f64(),
        _ => actual == expected,
    }
}

/// The first canned answer for a call of `path` with `request`.
pub fn find<'a>(canned: &'a [Canned], path: &str, request: &DynamicMessage) -> Option<&'a Canned> {
    let mut for_method = canned.iter().filter(|c| c.path == path).peekable();
    for_method.peek()?;
    let options = SerializeOptions::new().skip_default_fields(false);
    let json = request.serialize_with_options(serde_json::value::Serializer, &options).unwrap_or_default();
    for_method.find(|c| c.matches(&json))
}

/// Start-up problems of `[mock]`, located, with the fixture files they point into.
pub struct Problems {
    pub diagnostics: Vec<Diagnostic>,
    pub files: Vec<SourceFile>,
}

/// Resolves `[mock]` against the compiled pool and the error table; every
/// problem comes back located (in idl.toml, or in the fixture file).
pub fn load(
    config: &MockConfig,
    pool: &DescriptorPool,
    errors: &ErrorTable,
    base_dir: &Path,
    config_file: Option<&SourceFile>,
) -> Result<Vec<Canned>, Problems> {
    let mut canned = Vec::new();
    let mut problems = Problems { diagnostics: Vec::new(), files: Vec::new() };
    for entry in &config.responses {
        match resolve(entry, pool, errors, base_dir, config_file, &mut problems.files) {
            Ok(resolved) => canned.push(resolved),
            Err(mut diags) => problems.diagnostics.append(&mut diags),
        }
    }
    if problems.diagnostics.is_empty() { Ok(canned) } else { Err(problems) }
}

fn at<T>(config_file: Option<&SourceFile>, spanned: &Spanned<T>, message: String) -> Diagnostic {
    let diagnostic = Diagnostic::error(MOCK_RULE, message);
    match config_file {
        Some(file) => diagnostic.with_span(file, spanned.span().start, spanned.span().end),
        None => diagnostic,
    }
}

/// `package.Service/Method` or `package.Service.Method`.
pub fn find_method(pool: &DescriptorPool, name: &str) -> Option<MethodDescriptor> {
    let name = name.trim_start_matches('/');
    let (service, method) = name.rsplit_once('/').or_else(|| name.rsplit_once('.'))?;
    pool.get_service_by_name(service)?.methods().find(|m| m.name() == method)
}

fn resolve(
    entry: &MockResponse,
    pool: &DescriptorPool,
    errors: &ErrorTable,
    base_dir: &Path,
    config_file: Option<&SourceFile>,
    files: &mut Vec<SourceFile>,
) -> Result<Canned, Vec<Diagnostic>> {
    let Some(method) = find_method(pool, entry.method.get_ref()) else {
        let message = format!("[mock] responses: no method {} in the workspace", entry.method.get_ref());
        return Err(vec![at(config_file, &entry.method, message)]);
    };
    let path = format!("/{}/{}", method.parent_service().full_name(), method.name());
    let mut diags = Vec::new();
    let mut when = Vec::new();
    if let Some(table) = &entry.when {
        for (key, value) in table.get_ref() {
            match json_path(&method.input(), key) {
                Some(path) => when.push((path, toml_to_json(value))),
                None => diags.push(at(
                    config_file,
                    table,
                    format!(
                        "[mock] responses: `when` names `{key}`, which is not a field of {}",
                        method.input().full_name()
                    ),
                )),
            }
        }
    }
    let answer = match (&entry.file, &entry.error) {
        (Some(_), Some(error)) => {
            diags.push(at(config_file, error, "[mock] responses: give `file` or `error`, not both".to_string()));
            Answer::Example
        }
        (Some(file), None) => match fixture(&method.output(), base_dir, file, config_file, files) {
            Ok(message) => Answer::Message(message),
            Err(mut problems) => {
                diags.append(&mut problems);
                Answer::Example
            }
        },
        (None, Some(error)) => match business_error(errors, &method, error.get_ref()) {
            Ok(row) => Answer::Error(status_of(row, entry)),
            Err(message) => {
                diags.push(at(config_file, error, message));
                Answer::Example
            }
        },
        (None, None) => Answer::Example,
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Canned { path, when, answer, latency: entry.latency_ms.map(Duration::from_millis) })
}

/// The JSON names along a dotted path of proto or JSON names.
fn json_path(desc: &MessageDescriptor, dotted: &str) -> Option<Vec<String>> {
    let mut message = desc.clone();
    let mut path = Vec::new();
    let parts: Vec<&str> = dotted.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let field = message.get_field_by_name(part).or_else(|| message.get_field_by_json_name(part))?;
        path.push(field.json_name().to_string());
        if i + 1 < parts.len() {
            match field.kind() {
                prost_reflect::Kind::Message(inner) if !field.is_list() && !field.is_map() => message = inner,
                _ => return None,
            }
        }
    }
    Some(path)
}

fn toml_to_json(value: &toml::Value) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// Reads and checks a fixture: proto3 JSON of `desc`, every problem at its line
/// and column in the file.
fn fixture(
    desc: &MessageDescriptor,
    base_dir: &Path,
    file: &Spanned<String>,
    config_file: Option<&SourceFile>,
    files: &mut Vec<SourceFile>,
) -> Result<DynamicMessage, Vec<Diagnostic>> {
    let path = base_dir.join(file.get_ref());
    let bytes = crate::checked_read::read_regular_file(&path, MAX_FIXTURE_BYTES, "fixture").map_err(|error| {
        vec![at(config_file, file, format!("[mock] responses: cannot read {}: {error}", file.get_ref()))]
    })?;
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(vec![at(config_file, file, format!("[mock] responses: {} is not UTF-8", file.get_ref()))]);
    };
    // Shown as a path from the working directory, like the config's own.
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = path.strip_prefix(&cwd).unwrap_or(&path).to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
    let source = SourceFile::new(file.get_ref().clone(), shown, Arc::from(text.as_str()));
    files.push(source.clone());
    let problems: Vec<Diagnostic> = crate::configcheck::check_file(&source, desc, None)
        .into_iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|mut d| {
            d.rule = MOCK_RULE.to_string();
            d.message = format!("fixture for {}: {}", desc.full_name(), d.message);
            d
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    let decoded = DynamicMessage::deserialize(desc.clone(), &mut deserializer).and_then(|m| {
        deserializer.end()?;
        Ok(m)
    });
    decoded.map_err(|error| {
        let offset = source.offset_of(error.line() as u32, error.column() as u32);
        vec![
            Diagnostic::error(MOCK_RULE, format!("fixture for {}: {error}", desc.full_name()))
                .with_span(&source, offset, offset),
        ]
    })
}

/// The row `name` (a reason or a value's full name) names, preferring the
/// method's own package when several packages share a reason.
fn business_error<'t>(table: &'t ErrorTable, method: &MethodDescriptor, name: &str) -> Result<&'t ErrorRow, String> {
    let package = method.parent_service().package_name().to_string();
    let matching: Vec<&ErrorRow> = table.rows.iter().filter(|r| r.id == name || r.reason == name).collect();
    if let Some(row) = matching.iter().find(|r| r.package == package) {
        return Ok(row);
    }
    match matching.as_slice() {
        [row] => Ok(row),
        [] => {
            let known: Vec<&str> =
                table.rows.iter().filter(|r| r.package == package).map(|r| r.reason.as_str()).collect();
            let hint = if known.is_empty() {
                format!("{package} declares no business errors (see `idl errors`)")
            } else {
                format!("{package}'s are {}", known.join(", "))
            };
            Err(format!("[mock] responses: no business error `{name}` in the error table; {hint}"))
        }
        several => Err(format!(
            "[mock] responses: `{name}` is a reason of several packages ({}); give the value's full name",
            several.iter().map(|r| r.package.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

fn status_of(row: &ErrorRow, entry: &MockResponse) -> Status {
    let code = row.grpc_code.and_then(mapping::grpc_number).map_or(Code::Unknown, Code::from_number);
    let info = ErrorInfo { reason: row.reason.clone(), domain: row.domain.clone(), metadata: entry.metadata.clone() };
    let message = entry.message.clone().unwrap_or_else(|| row.message.clone());
    Status::business(code, message, info, row.http_status.and_then(|s| u16::try_from(s).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_compare_as_protojson_writes_them() {
        let json = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
        assert!(same_value(&json(r#""7""#), &json("7")));
        assert!(same_value(&json("10"), &json("10.0")));
        assert!(same_value(&json(r#""USER_STATE_ACTIVE""#), &json(r#""USER_STATE_ACTIVE""#)));
        assert!(!same_value(&json(r#""8""#), &json("7")));
        assert!(!same_value(&json("true"), &json(r#""true""#)));
    }
}
