//! HTTP/JSON transcoding by `google.api.http`, as the HttpRule doc defines it and
//! grpc-gateway and Kratos serve it: the route (from the API model, `src/api/`)
//! picks the method; path variables, query parameters and the body (`*`, one
//! field, or none) fill the request; the answer is the response as proto3 JSON
//! (or its `response_body` field). Errors are Kratos' HTTP form,
//! `{"code": 404, "reason": "...", "message": "...", "metadata": {}}`, with the
//! business error's own status when one is injected, 404 for a path no route
//! takes, 405 (with `Allow`) for a route asked with another verb, 413 for a body
//! over the limit, 400 for a body that is not JSON or a request that breaks the
//! schema, naming the field.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{ALLOW, CONTENT_TYPE};
use hyper::{Request, Response};
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, ReflectMessage, SerializeOptions};
use serde_json::{Map, Value};

use super::body::ResponseBody;
use super::protocol::{internal, with_cors};
use super::status::{Code, Status};
use super::{MAX_MESSAGE_BYTES, Method, Mock};
use crate::api::json::{WellKnown, well_known};
use crate::api::{Binding, Body, route};

/// Whether some route's path template matches `path` (whatever its verb): such
/// a request is transcoding's to answer, with 405 when the verb is wrong.
pub(super) fn takes(mock: &Mock, _verb: &str, path: &str) -> bool {
    mock.routes.as_ref().is_some_and(|model| {
        model.bindings().any(|(_, _, binding)| binding.template().is_ok_and(|t| route::match_path(t, path).is_some()))
    })
}

/// A request that no protocol and no route takes.
pub(super) fn not_found(verb: &str, path: &str) -> Response<ResponseBody> {
    error_response(&Status::new(Code::NotFound, format!("no route for {verb} {path}")), None)
}

pub(super) async fn serve(mock: Arc<Mock>, request: Request<Incoming>) -> Response<ResponseBody> {
    let verb = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let query = request.uri().query().unwrap_or("").to_string();
    let body = match http_body_util::Limited::new(request.into_body(), MAX_MESSAGE_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            let status = if error.is::<http_body_util::LengthLimitError>() {
                let mut status =
                    Status::new(Code::ResourceExhausted, format!("request body larger than {MAX_MESSAGE_BYTES} bytes"));
                status.http = Some(413);
                status
            } else {
                Status::new(Code::Cancelled, format!("cannot read the request: {error}"))
            };
            return error_response(&status, None);
        }
    };
    let (method, binding, message) = match transcode(&mock, &verb, &path, &query, &body) {
        Ok(routed) => routed,
        Err(refusal) => match *refusal {
            Refusal::WrongVerb(allowed, status) => return error_response(&status, Some(&allowed)),
            Refusal::Status(status) => return error_response(&status, None),
        },
    };
    let descriptor = &method.descriptor;
    if descriptor.is_client_streaming() {
        let message =
            format!("{} streams requests, which HTTP/JSON cannot carry; call it over gRPC", descriptor.full_name());
        return error_response(&Status::new(Code::Unimplemented, message), None);
    }
    let reply = mock.respond(method, &message);
    tokio::time::sleep(reply.delay).await;
    let answers = match reply.answers {
        Ok(answers) => answers,
        Err(status) => return error_response(&status, None),
    };
    let builder = with_cors(Response::builder().status(200).header(CONTENT_TYPE, "application/json"));
    let body = if descriptor.is_server_streaming() {
        // grpc-gateway's form of a server stream: one `{"result": ...}` a line.
        let mut lines = Vec::new();
        for answer in &answers {
            let line = serde_json::json!({"result": response_json(binding, answer)});
            lines.extend_from_slice(line.to_string().as_bytes());
            lines.push(b'\n');
        }
        lines
    } else {
        match answers.first() {
            Some(answer) => serde_json::to_vec(&response_json(binding, answer)).unwrap_or_default(),
            None => return error_response(&Status::new(Code::Internal, "no answer"), None),
        }
    };
    builder.body(ResponseBody::Full(Some(Bytes::from(body)))).unwrap_or_else(|_| internal())
}

/// Why a request was not routed to a method.
pub enum Refusal {
    /// The path is a route's, for other verbs (the `Allow` header's value).
    WrongVerb(String, Status),
    Status(Status),
}

impl Refusal {
    pub fn status(&self) -> &Status {
        match self {
            Refusal::WrongVerb(_, status) | Refusal::Status(status) => status,
        }
    }
}

/// Routes one HTTP request and builds its request message: no I/O, so the fuzz
/// target and the unit tests drive it directly.
fn transcode<'m>(
    mock: &'m Mock,
    verb: &str,
    path: &str,
    query: &str,
    body: &[u8],
) -> Result<(&'m Method, &'m Binding, DynamicMessage), Box<Refusal>> {
    let Some(model) = mock.routes.as_ref() else {
        return Err(Box::new(Refusal::Status(Status::new(Code::NotFound, format!("no route for {verb} {path}")))));
    };
    let Some(matched) = model.route(verb, path) else {
        let mut allowed: Vec<String> = model
            .bindings()
            .filter(|(_, _, b)| b.template().is_ok_and(|t| route::match_path(t, path).is_some()))
            .map(|(_, _, b)| b.verb.to_ascii_uppercase())
            .collect();
        allowed.dedup();
        if allowed.is_empty() {
            return Err(Box::new(Refusal::Status(Status::new(Code::NotFound, format!("no route for {verb} {path}")))));
        }
        let mut status = Status::new(Code::Unimplemented, format!("{path} takes {}, not {verb}", allowed.join(", ")));
        status.http = Some(405);
        return Err(Box::new(Refusal::WrongVerb(allowed.join(", "), status)));
    };
    let grpc_path = format!("/{}/{}", matched.service.full_name, matched.method.name);
    let method = mock.methods.get(&grpc_path).ok_or_else(|| {
        Box::new(Refusal::Status(Status::new(
            Code::Unimplemented,
            format!("{} is not served", matched.method.full_name),
        )))
    })?;
    let input = method.descriptor.input();
    let json = request_json(matched.binding, &input, &matched.values, query, body)
        .map_err(|s| Box::new(Refusal::Status(s)))?;
    let message = DynamicMessage::deserialize(input.clone(), &json).map_err(|error| {
        let text = serde_json::to_string_pretty(&json).unwrap_or_default();
        let named = super::validate::explain_json(&input, &text, false).unwrap_or_else(|| error.to_string());
        let status = Status::new(Code::InvalidArgument, format!("invalid {} request: {named}", input.full_name()));
        Box::new(Refusal::Status(status))
    })?;
    Ok((method, matched.binding, message))
}

/// The request of an HTTP call as the mock reads it (`target` is the path and
/// query): what the fuzz target and the bad-input tests check never panics.
pub fn decode_request(mock: &Mock, verb: &str, target: &str, body: &[u8]) -> Result<DynamicMessage, Status> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    match transcode(mock, verb, path, query, body) {
        Ok((_, _, message)) => Ok(message),
        Err(refusal) => Err(refusal.status().clone()),
    }
}

fn invalid(message: String) -> Status {
    Status::new(Code::InvalidArgument, message)
}

/// The request as proto3 JSON: the body where the binding puts it, then the
/// query parameters, then the path variables (which win, as in grpc-gateway).
fn request_json(
    binding: &Binding,
    input: &MessageDescriptor,
    values: &[(String, String)],
    query: &str,
    body: &[u8],
) -> Result<Value, Status> {
    let mut root = Map::new();
    let parse_body = || -> Result<Option<Value>, Status> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(body)
            .map(Some)
            .map_err(|error| invalid(format!("the request body is not JSON: {error}")))
    };
    match &binding.body_kind {
        Body::None => {}
        Body::Whole => match parse_body()? {
            Some(Value::Object(object)) => root = object,
            Some(other) => {
                return Err(invalid(format!(
                    "the request body must be a JSON object ({}), found {}",
                    input.full_name(),
                    json_kind(&other)
                )));
            }
            None => {}
        },
        Body::Field(name) => {
            let field = input.get_field_by_name(name).ok_or_else(|| {
                Status::new(Code::Internal, format!("body field `{name}` is not in {}", input.full_name()))
            })?;
            if let Some(value) = parse_body()? {
                root.insert(field.json_name().to_string(), value);
            }
        }
    }
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let Some(param) = binding.query_params.iter().find(|p| p.name == key || p.json_name == key) else {
            let known: Vec<&str> = binding.query_params.iter().map(|p| p.json_name.as_str()).collect();
            let hint = if known.is_empty() {
                "this route takes none".to_string()
            } else {
                format!("this route takes {}", known.join(", "))
            };
            return Err(invalid(format!("unknown query parameter `{key}`: {hint}")));
        };
        let fields = walk(input, &param.name).unwrap_or_default();
        let Some(leaf) = fields.last() else { return Err(invalid(format!("unknown query parameter `{key}`"))) };
        set(&mut root, &fields, scalar_json(leaf, &value), param.repeated);
    }
    for (field_path, raw) in values {
        let fields =
            binding.path_params.iter().find(|p| &p.field_path == field_path).and_then(|p| p.fields.as_ref().ok());
        let Some((fields, leaf)) = fields.and_then(|f| Some((f, f.last()?))) else {
            return Err(Status::new(
                Code::Internal,
                format!("the route's variable `{field_path}` names no request field"),
            ));
        };
        let text = percent_decode(raw).ok_or_else(|| invalid(format!("path variable `{field_path}` is not UTF-8")))?;
        set(&mut root, fields, scalar_json(leaf, &text), false);
    }
    Ok(Value::Object(root))
}

/// The fields along a dotted proto-name path.
fn walk(input: &MessageDescriptor, dotted: &str) -> Option<Vec<FieldDescriptor>> {
    let mut message = input.clone();
    let mut fields = Vec::new();
    for part in dotted.split('.') {
        let field = message.get_field_by_name(part)?;
        if let Kind::Message(inner) = field.kind() {
            message = inner;
        }
        fields.push(field);
    }
    Some(fields)
}

/// Sets the value at the fields' JSON names, creating the objects on the way.
fn set(root: &mut Map<String, Value>, fields: &[FieldDescriptor], value: Value, repeated: bool) {
    let Some((last, parents)) = fields.split_last() else { return };
    let mut object = root;
    for field in parents {
        let entry = object.entry(field.json_name().to_string()).or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(inner) = entry else { return };
        object = inner;
    }
    let key = last.json_name().to_string();
    if repeated {
        match object.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
            Value::Array(items) => items.push(value),
            other => *other = Value::Array(vec![value]),
        }
    } else {
        object.insert(key, value);
    }
}

/// A path or query value as the JSON its field takes: numbers and booleans
/// unquoted when they parse (else left as text for the decoder to name), enum
/// numbers as numbers, everything else (strings, bytes, 64-bit integers,
/// Timestamp, Duration, FieldMask) as the string protojson reads.
fn scalar_json(field: &FieldDescriptor, text: &str) -> Value {
    let wrapped = match field.kind() {
        Kind::Message(message) => match well_known(message.full_name()) {
            Some(WellKnown::Wrapper(scalar)) => scalar,
            _ => "string",
        },
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 | Kind::Uint32 | Kind::Fixed32 => "int32",
        Kind::Float | Kind::Double => "double",
        Kind::Bool => "bool",
        Kind::Enum(_) => "enum",
        _ => "string",
    };
    let text_value = || Value::String(text.to_string());
    match wrapped {
        "int32" | "uint32" | "double" | "float" => {
            text.parse::<serde_json::Number>().map_or_else(|_| text_value(), Value::Number)
        }
        "enum" => text.parse::<i32>().map_or_else(|_| text_value(), |n| Value::Number(n.into())),
        "bool" => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => text_value(),
        },
        _ => text_value(),
    }
}

/// `%XX` sequences decoded; `None` when the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The answer as the binding sends it: the whole response, or its
/// `response_body` field (written out even when it has its default value).
fn response_json(binding: &Binding, message: &DynamicMessage) -> Value {
    let whole = serde_json::to_value(message).unwrap_or(Value::Null);
    if binding.response_body.is_empty() {
        return whole;
    }
    let Some(field) = message.descriptor().get_field_by_name(&binding.response_body) else { return whole };
    if let Some(value) = whole.get(field.json_name()) {
        return value.clone();
    }
    let options = SerializeOptions::new().skip_default_fields(false);
    let full = message.serialize_with_options(serde_json::value::Serializer, &options).unwrap_or(Value::Null);
    full.get(field.json_name()).cloned().unwrap_or(Value::Null)
}

/// Kratos' HTTP error form.
fn error_response(status: &Status, allow: Option<&str>) -> Response<ResponseBody> {
    let mut builder =
        with_cors(Response::builder().status(status.http_status()).header(CONTENT_TYPE, "application/json"));
    if let Some(allow) = allow {
        builder = builder.header(ALLOW, allow);
    }
    builder.body(ResponseBody::full(status.kratos_json())).unwrap_or_else(|_| internal())
}
