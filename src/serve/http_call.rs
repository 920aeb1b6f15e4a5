//! `idl call --protocol http`: the request sent the way the method's
//! `google.api.http` binding (from the API model, `src/api/`) says, as a
//! transcoding gateway expects it: path variables filled from the request's
//! fields, the body (`*`, one field, or none), the remaining fields as query
//! parameters; the answer read back through `response_body`, and errors in
//! Kratos' form (`{code, reason, message, metadata}`) or grpc-gateway's
//! (`google.rpc.Status` as JSON).

use bytes::Bytes;
use prost_reflect::{DynamicMessage, MethodDescriptor, ReflectMessage};
use serde_json::{Map, Value};

use super::status::{Code, ErrorInfo, Status};
use crate::annotations::http::{PathTemplate, Segment};
use crate::api::{Binding, Body, method_bindings};

/// The HTTP request of one call: verb, path with query, JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub verb: String,
    pub path: String,
    pub body: Option<Bytes>,
}

/// The binding a call uses: the method's primary `google.api.http` rule.
pub fn binding(method: &MethodDescriptor) -> Result<Binding, String> {
    method_bindings(method).into_iter().next().ok_or_else(|| {
        format!(
            "{} has no google.api.http binding; call it with --protocol grpc, grpcweb or connect",
            method.full_name()
        )
    })
}

/// Builds the request; `Err` is a usage error (a path variable the request
/// leaves empty, a template idl cannot fill).
pub fn build(binding: &Binding, request: &DynamicMessage) -> Result<HttpRequest, String> {
    let template = binding
        .template()
        .map_err(|error| format!("the binding's path `{}` does not parse: {error:?}", binding.path))?;
    let mut json = match serde_json::to_value(request) {
        Ok(Value::Object(object)) => object,
        _ => Map::new(),
    };
    let mut path = render(template, binding, &json)?;
    // What the path carries is not sent again.
    for param in &binding.path_params {
        if let Some(json_path) = &param.json_path {
            remove(&mut json, json_path);
        }
    }
    let body = match &binding.body_kind {
        Body::Whole => Some(Value::Object(std::mem::take(&mut json))),
        Body::Field(name) => {
            let field = request.descriptor().get_field_by_name(name);
            let value = field.and_then(|f| json.remove(f.json_name()));
            Some(value.unwrap_or_else(|| Value::Object(Map::new())))
        }
        Body::None => None,
    };
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for param in &binding.query_params {
        let Some(value) = lookup(&json, &param.json_name) else { continue };
        let values = match value {
            Value::Array(items) => items.iter().collect(),
            single => vec![single],
        };
        for value in values {
            if let Some(text) = as_text(value) {
                query.append_pair(&param.name, &text);
                any = true;
            }
        }
    }
    if any {
        path.push('?');
        path.push_str(&query.finish());
    }
    let body = body.map(|b| Bytes::from(serde_json::to_vec(&b).unwrap_or_default()));
    Ok(HttpRequest { verb: binding.verb.to_ascii_uppercase(), path, body })
}

fn render(template: &PathTemplate, binding: &Binding, json: &Map<String, Value>) -> Result<String, String> {
    let mut path = String::new();
    for segment in &template.segments {
        path.push('/');
        match segment {
            Segment::Literal(text) => path.push_str(text),
            Segment::Variable(variable) => {
                let field_path = variable.field_path_str();
                let json_path = binding
                    .path_params
                    .iter()
                    .find(|p| p.field_path == field_path)
                    .and_then(|p| p.json_path.clone())
                    .ok_or_else(|| format!("the path variable `{field_path}` names no request field"))?;
                let value = lookup(json, &json_path).and_then(as_text).unwrap_or_default();
                if value.is_empty() {
                    return Err(format!(
                        "the request has no `{json_path}`, which the route {} {} needs",
                        binding.verb.to_ascii_uppercase(),
                        binding.path
                    ));
                }
                // `{id}` is one segment, so a `/` in it is escaped; `{name=shelves/*}` spans several.
                let one_segment = matches!(variable.segments.as_slice(), [Segment::Wildcard]);
                path.push_str(&encode(&value, !one_segment));
            }
            Segment::Wildcard | Segment::DoubleWildcard => {
                return Err(format!(
                    "the route {} has a wildcard outside a variable, which idl cannot fill",
                    binding.path
                ));
            }
        }
    }
    if let Some(verb) = &template.verb {
        path.push(':');
        path.push_str(verb);
    }
    Ok(path)
}

fn encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let unreserved = byte.is_ascii_alphanumeric() || b"-._~".contains(&byte);
        if unreserved || (keep_slash && byte == b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn lookup<'v>(json: &'v Map<String, Value>, dotted: &str) -> Option<&'v Value> {
    let mut parts = dotted.split('.');
    let first = json.get(parts.next()?)?;
    parts.try_fold(first, |value, key| value.get(key))
}

fn remove(json: &mut Map<String, Value>, dotted: &str) {
    match dotted.split_once('.') {
        None => {
            json.remove(dotted);
        }
        Some((head, rest)) => {
            if let Some(Value::Object(inner)) = json.get_mut(head) {
                remove(inner, rest);
            }
        }
    }
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The answers of a 2xx response: one JSON object, or grpc-gateway's
/// `{"result": ...}` lines for a server stream.
pub fn answers(method: &MethodDescriptor, binding: &Binding, bytes: &[u8]) -> Result<Vec<DynamicMessage>, String> {
    let output = method.output();
    let wrap = |value: Value| -> Value {
        if binding.response_body.is_empty() {
            return value;
        }
        let key = output
            .get_field_by_name(&binding.response_body)
            .map_or_else(|| binding.response_body.clone(), |f| f.json_name().to_string());
        let mut object = Map::new();
        object.insert(key, value);
        Value::Object(object)
    };
    let values: Vec<Value> = if method.is_server_streaming() {
        let mut values = Vec::new();
        for line in String::from_utf8_lossy(bytes).lines().filter(|l| !l.trim().is_empty()) {
            let value: Value = serde_json::from_str(line).map_err(|e| format!("the answer is not JSON lines: {e}"))?;
            values.push(value.get("result").cloned().unwrap_or(value));
        }
        values
    } else {
        vec![serde_json::from_slice(bytes).map_err(|e| format!("the answer is not JSON: {e}"))?]
    };
    values
        .into_iter()
        .map(|value| {
            DynamicMessage::deserialize(output.clone(), wrap(value))
                .map_err(|e| format!("the answer is not a {}: {e}", output.full_name()))
        })
        .collect()
}

/// The status of a non-2xx answer: Kratos' `{code, reason, message, metadata}`
/// (the gRPC code from the HTTP status, as Kratos maps it), grpc-gateway's
/// `{code, message, details}`, or the bare HTTP status.
pub fn error_status(http_status: u16, bytes: &[u8]) -> Status {
    let kratos = crate::errors::mapping::profile("kratos");
    let from_http = kratos
        .and_then(|p| p.to_grpc(i32::from(http_status)))
        .and_then(crate::errors::mapping::grpc_number)
        .map_or(Code::Unknown, Code::from_number);
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(bytes) else {
        let text = String::from_utf8_lossy(bytes);
        return Status::new(from_http, format!("HTTP {http_status}: {}", text.trim()));
    };
    let message = body.get("message").and_then(Value::as_str).unwrap_or_default().to_string();
    if let Some(reason) = body.get("reason").and_then(Value::as_str) {
        let metadata = body
            .get("metadata")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), as_text(v).unwrap_or_default())).collect())
            .unwrap_or_default();
        let info = ErrorInfo { reason: reason.to_string(), domain: String::new(), metadata };
        return Status::business(from_http, message, info, Some(http_status));
    }
    let code = body.get("code").and_then(Value::as_i64).map_or(from_http, |n| Code::from_number(n as i32));
    Status::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_segment_cannot_hold() {
        assert_eq!(encode("a b/c", false), "a%20b%2Fc");
        assert_eq!(encode("shelves/1", true), "shelves/1");
        assert_eq!(encode("用", false), "%E7%94%A8");
    }

    #[test]
    fn kratos_and_gateway_errors() {
        let status =
            error_status(404, br#"{"code":404,"reason":"USER_NOT_FOUND","message":"gone","metadata":{"id":"1"}}"#);
        assert_eq!((status.code, status.message.as_str()), (Code::NotFound, "gone"));
        assert_eq!(status.info.unwrap().reason, "USER_NOT_FOUND");
        let status = error_status(400, br#"{"code":3,"message":"bad","details":[]}"#);
        assert_eq!(status.code, Code::InvalidArgument);
        let status = error_status(502, b"<html>bad gateway</html>");
        assert_eq!(status.message, "HTTP 502: <html>bad gateway</html>");
    }
}
