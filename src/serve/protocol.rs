//! The wire protocols: which one a request speaks (by its content type), how its
//! messages are framed and decoded, and how the answer and its status go back.
//!
//! gRPC, gRPC-Web and Connect streaming share the length-prefixed envelope
//! (flags byte, 4-byte big-endian length); they differ in where the status goes:
//! HTTP/2 trailers (gRPC), a last envelope with flag 0x80 holding the trailers as
//! HTTP header lines (gRPC-Web), a last envelope with flag 0x02 holding JSON
//! (Connect). Connect unary calls carry the bare message and map errors to HTTP
//! statuses with a JSON body.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::{Buf, BufMut, Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use hyper::{Method as HttpMethod, Request, Response, StatusCode};
use prost::Message as _;
use prost_reflect::{DynamicMessage, MessageDescriptor};
use tokio::sync::mpsc;

use super::body::ResponseBody;
use super::status::{Code, Status};
use super::{MAX_MESSAGE_BYTES, Method, Mock};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Grpc { json: bool },
    GrpcWeb { json: bool, text: bool },
    ConnectStream { json: bool },
    ConnectUnary { json: bool },
}

impl Protocol {
    fn of(content_type: &str) -> Option<Protocol> {
        Some(match content_type {
            "application/grpc" | "application/grpc+proto" => Protocol::Grpc { json: false },
            "application/grpc+json" => Protocol::Grpc { json: true },
            "application/grpc-web" | "application/grpc-web+proto" => Protocol::GrpcWeb { json: false, text: false },
            "application/grpc-web+json" => Protocol::GrpcWeb { json: true, text: false },
            "application/grpc-web-text" | "application/grpc-web-text+proto" => {
                Protocol::GrpcWeb { json: false, text: true }
            }
            "application/connect+proto" => Protocol::ConnectStream { json: false },
            "application/connect+json" => Protocol::ConnectStream { json: true },
            "application/proto" => Protocol::ConnectUnary { json: false },
            "application/json" => Protocol::ConnectUnary { json: true },
            _ => return None,
        })
    }

    fn json(self) -> bool {
        match self {
            Protocol::Grpc { json }
            | Protocol::GrpcWeb { json, .. }
            | Protocol::ConnectStream { json }
            | Protocol::ConnectUnary { json } => json,
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Protocol::Grpc { json: false } => "application/grpc",
            Protocol::Grpc { json: true } => "application/grpc+json",
            Protocol::GrpcWeb { text: true, .. } => "application/grpc-web-text+proto",
            Protocol::GrpcWeb { json: false, .. } => "application/grpc-web+proto",
            Protocol::GrpcWeb { json: true, .. } => "application/grpc-web+json",
            Protocol::ConnectStream { json: false } => "application/connect+proto",
            Protocol::ConnectStream { json: true } => "application/connect+json",
            Protocol::ConnectUnary { json: false } => "application/proto",
            Protocol::ConnectUnary { json: true } => "application/json",
        }
    }
}

pub(super) async fn dispatch(mock: Arc<Mock>, request: Request<Incoming>) -> Response<ResponseBody> {
    if request.method() == HttpMethod::OPTIONS {
        return cors_preflight();
    }
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    let protocol = Protocol::of(&content_type).filter(|_| request.method() == HttpMethod::POST);
    // HTTP/JSON transcoding: plain JSON (or no body) on a path that is not a
    // gRPC method's, when a `google.api.http` route takes it.
    if matches!(protocol, None | Some(Protocol::ConnectUnary { json: true }))
        && !mock.methods.contains_key(request.uri().path())
        && super::http::takes(&mock, request.method().as_str(), request.uri().path())
    {
        return super::http::serve(mock, request).await;
    }
    let protocol = match protocol {
        Some(protocol) => protocol,
        None => return super::http::not_found(request.method().as_str(), request.uri().path()),
    };
    let path = request.uri().path().to_string();
    let Some(method) = mock.methods.get(&path).cloned() else {
        let status = Status::new(Code::Unimplemented, format!("unknown method {path}"));
        return match protocol {
            Protocol::ConnectUnary { .. } => json_error(StatusCode::NOT_FOUND, &status),
            _ => stream_error(protocol, &status),
        };
    };
    match protocol {
        Protocol::ConnectUnary { json } => connect_unary(&mock, &method, request.into_body(), json).await,
        _ => stream_call(mock, method, request.into_body(), protocol),
    }
}

/// Connect's unary protocol: the bare message in and out.
async fn connect_unary(mock: &Mock, method: &Method, body: Incoming, json: bool) -> Response<ResponseBody> {
    let protocol = Protocol::ConnectUnary { json };
    let answer = async {
        if method.descriptor.is_client_streaming() || method.descriptor.is_server_streaming() {
            let message = format!(
                "{} is a streaming method: call it with application/connect+proto or +json",
                method.descriptor.full_name()
            );
            return Err(Status::new(Code::Unimplemented, message));
        }
        let bytes = http_body_util::Limited::new(body, MAX_MESSAGE_BYTES).collect().await.map_err(|error| {
            if error.is::<http_body_util::LengthLimitError>() {
                Status::new(Code::ResourceExhausted, format!("request larger than {MAX_MESSAGE_BYTES} bytes"))
            } else {
                Status::new(Code::Cancelled, format!("cannot read the request: {error}"))
            }
        })?;
        let request = decode(&method.descriptor.input(), &bytes.to_bytes(), json)?;
        let reply = mock.respond(method, &request);
        tokio::time::sleep(reply.delay).await;
        let mut answers = reply.answers?;
        answers.extend(mock.finish(method, 1)?);
        answers.into_iter().next().ok_or_else(|| Status::new(Code::Internal, "no answer"))
    };
    match answer.await {
        Ok(message) => match encode(&message, json) {
            Ok(bytes) => with_cors(Response::builder().status(200).header(CONTENT_TYPE, protocol.content_type()))
                .body(ResponseBody::full(bytes))
                .unwrap_or_else(|_| internal()),
            Err(status) => json_error(
                StatusCode::from_u16(status.code.connect_http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                &status,
            ),
        },
        Err(status) => json_error(
            StatusCode::from_u16(status.code.connect_http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            &status,
        ),
    }
}

/// gRPC, gRPC-Web and Connect streaming: envelopes in, envelopes out as they are
/// ready, then the status. The call runs in its own task, so a bidirectional
/// stream (reflection) answers each request before the client sends the next.
fn stream_call(mock: Arc<Mock>, method: Method, body: Incoming, protocol: Protocol) -> Response<ResponseBody> {
    let (sender, receiver) = mpsc::channel::<Frame<Bytes>>(16);
    tokio::spawn(async move {
        let status = match run_stream(&mock, &method, body, protocol, &sender).await {
            Ok(()) => Status::new(Code::Ok, ""),
            Err(status) => status,
        };
        let _ = sender.send(end_frame(protocol, &status)).await;
    });
    with_cors(Response::builder().status(200).header(CONTENT_TYPE, protocol.content_type()))
        .body(ResponseBody::Channel(receiver))
        .unwrap_or_else(|_| internal())
}

async fn run_stream(
    mock: &Mock,
    method: &Method,
    mut body: Incoming,
    protocol: Protocol,
    sender: &mpsc::Sender<Frame<Bytes>>,
) -> Result<(), Status> {
    let json = protocol.json();
    let text = matches!(protocol, Protocol::GrpcWeb { text: true, .. });
    let input = method.descriptor.input();
    let mut buffer = BytesMut::new();
    // grpc-web-text: base64 characters not yet decoded (a chunk may end mid-quantum).
    let mut pending_text: Vec<u8> = Vec::new();
    let mut received = 0;
    let send = |message: DynamicMessage| async move {
        let bytes = encode(&message, json)?;
        // A client that went away ends the call; there is no one to tell.
        sender
            .send(Frame::data(envelope(0, &bytes, text)))
            .await
            .map_err(|_| Status::new(Code::Cancelled, "the client went away"))
    };
    loop {
        let frame = match body.frame().await {
            None => break,
            Some(Ok(frame)) => frame,
            Some(Err(error)) => return Err(Status::new(Code::Cancelled, format!("cannot read the request: {error}"))),
        };
        let Ok(data) = frame.into_data() else { continue };
        if text {
            pending_text.extend(data.iter().filter(|b| !b.is_ascii_whitespace()));
            let whole = pending_text.len() / 4 * 4;
            let decoded = STANDARD.decode(&pending_text[..whole]).map_err(|error| {
                Status::new(Code::InvalidArgument, format!("invalid base64 in grpc-web-text: {error}"))
            })?;
            pending_text.drain(..whole);
            buffer.extend_from_slice(&decoded);
        } else {
            buffer.extend_from_slice(&data);
        }
        while let Some(message) = take_envelope(&mut buffer)? {
            received += 1;
            let request = decode(&input, &message, json)?;
            let reply = mock.respond(method, &request);
            tokio::time::sleep(reply.delay).await;
            for answer in reply.answers? {
                send(answer).await?;
            }
        }
    }
    if !buffer.is_empty() || !pending_text.is_empty() {
        return Err(Status::new(Code::InvalidArgument, "the request ends inside a message envelope"));
    }
    for answer in mock.finish(method, received)? {
        send(answer).await?;
    }
    Ok(())
}

/// The next whole message of `buffer`, if it holds one.
pub(super) fn take_envelope(buffer: &mut BytesMut) -> Result<Option<Bytes>, Status> {
    if buffer.len() < 5 {
        return Ok(None);
    }
    let flags = buffer[0];
    let length = u32::from_be_bytes([buffer[1], buffer[2], buffer[3], buffer[4]]) as usize;
    if length > MAX_MESSAGE_BYTES {
        let message = format!("request message of {length} bytes is larger than the limit of {MAX_MESSAGE_BYTES}");
        return Err(Status::new(Code::ResourceExhausted, message));
    }
    if flags & 0x01 != 0 {
        return Err(Status::new(Code::Unimplemented, "compressed messages are not supported; send them uncompressed"));
    }
    if buffer.len() < 5 + length {
        return Ok(None);
    }
    buffer.advance(5);
    Ok(Some(buffer.split_to(length).freeze()))
}

pub(super) fn envelope(flags: u8, payload: &[u8], text: bool) -> Bytes {
    let mut out = BytesMut::with_capacity(payload.len() + 5);
    out.put_u8(flags);
    out.put_u32(payload.len() as u32);
    out.put_slice(payload);
    if text { Bytes::from(STANDARD.encode(&out)) } else { out.freeze() }
}

/// How each protocol ends a call with `status`.
fn end_frame(protocol: Protocol, status: &Status) -> Frame<Bytes> {
    match protocol {
        Protocol::Grpc { .. } => Frame::trailers(grpc_trailers(status)),
        Protocol::GrpcWeb { text, .. } => {
            let mut lines = format!("grpc-status: {}\r\n", status.code as i32);
            if status.code != Code::Ok {
                lines.push_str(&format!("grpc-message: {}\r\n", status.grpc_message()));
            }
            if let Some(details) = status.details_bin() {
                lines.push_str(&format!("grpc-status-details-bin: {details}\r\n"));
            }
            Frame::data(envelope(0x80, lines.as_bytes(), text))
        }
        Protocol::ConnectStream { .. } | Protocol::ConnectUnary { .. } => {
            let end = if status.code == Code::Ok {
                serde_json::json!({})
            } else {
                serde_json::json!({"error": status.connect_error()})
            };
            Frame::data(envelope(0x02, end.to_string().as_bytes(), false))
        }
    }
}

fn grpc_trailers(status: &Status) -> HeaderMap {
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from(status.code as i32));
    if status.code != Code::Ok
        && let Ok(value) = HeaderValue::from_str(&status.grpc_message())
    {
        trailers.insert("grpc-message", value);
    }
    if let Some(value) = status.details_bin().and_then(|d| HeaderValue::from_str(&d).ok()) {
        trailers.insert("grpc-status-details-bin", value);
    }
    trailers
}

/// A call that fails before it starts, in the protocol's own form (gRPC's
/// trailers-only response carries the status in the headers).
fn stream_error(protocol: Protocol, status: &Status) -> Response<ResponseBody> {
    let mut builder = with_cors(Response::builder().status(200).header(CONTENT_TYPE, protocol.content_type()));
    let body = match protocol {
        Protocol::Grpc { .. } | Protocol::GrpcWeb { .. } => {
            for (name, value) in &grpc_trailers(status) {
                builder = builder.header(name, value);
            }
            ResponseBody::empty()
        }
        _ => match end_frame(protocol, status).into_data() {
            Ok(bytes) => ResponseBody::full(bytes),
            Err(_) => ResponseBody::empty(),
        },
    };
    builder.body(body).unwrap_or_else(|_| internal())
}

pub(super) fn json_error(http: StatusCode, status: &Status) -> Response<ResponseBody> {
    with_cors(Response::builder().status(http).header(CONTENT_TYPE, "application/json"))
        .body(ResponseBody::full(status.connect_json()))
        .unwrap_or_else(|_| internal())
}

pub(super) fn decode(desc: &MessageDescriptor, bytes: &[u8], json: bool) -> Result<DynamicMessage, Status> {
    let invalid =
        |error: String| Status::new(Code::InvalidArgument, format!("invalid {} request: {error}", desc.full_name()));
    if json {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let decoded = DynamicMessage::deserialize(desc.clone(), &mut deserializer).and_then(|message| {
            deserializer.end()?;
            Ok(message)
        });
        // prost-reflect's errors say what is wrong but not always where in the
        // message; the schema walk names the field.
        decoded.map_err(|error| {
            let named =
                std::str::from_utf8(bytes).ok().and_then(|text| super::validate::explain_json(desc, text, true));
            invalid(named.unwrap_or_else(|| error.to_string()))
        })
    } else {
        DynamicMessage::decode(desc.clone(), bytes).map_err(|e| invalid(e.to_string()))
    }
}

pub(super) fn encode(message: &DynamicMessage, json: bool) -> Result<Vec<u8>, Status> {
    if json {
        serde_json::to_vec(message)
            .map_err(|error| Status::new(Code::Internal, format!("cannot encode the answer: {error}")))
    } else {
        Ok(message.encode_to_vec())
    }
}

/// Browsers call gRPC-Web and Connect across origins; the mock allows any.
pub(super) fn with_cors(builder: hyper::http::response::Builder) -> hyper::http::response::Builder {
    builder
        .header("access-control-allow-origin", "*")
        .header("access-control-expose-headers", "grpc-status, grpc-message, grpc-status-details-bin")
}

pub(super) fn cors_preflight() -> Response<ResponseBody> {
    with_cors(Response::builder().status(204))
        .header("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
        .header("access-control-allow-headers", "*")
        .header("access-control-max-age", "86400")
        .body(ResponseBody::empty())
        .unwrap_or_else(|_| internal())
}

pub(super) fn internal() -> Response<ResponseBody> {
    let mut response = Response::new(ResponseBody::empty());
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_split_across_chunks() {
        let mut buffer = BytesMut::new();
        let frame = envelope(0, b"hello", false);
        buffer.extend_from_slice(&frame[..3]);
        assert_eq!(take_envelope(&mut buffer).unwrap(), None);
        buffer.extend_from_slice(&frame[3..]);
        buffer.extend_from_slice(&envelope(0, b"", false));
        assert_eq!(take_envelope(&mut buffer).unwrap().as_deref(), Some(&b"hello"[..]));
        assert_eq!(take_envelope(&mut buffer).unwrap().as_deref(), Some(&b""[..]));
        assert!(buffer.is_empty());
    }

    #[test]
    fn oversized_and_compressed_envelopes_are_refused() {
        let mut buffer = BytesMut::from(&[0u8, 0xff, 0xff, 0xff, 0xff][..]);
        assert_eq!(take_envelope(&mut buffer).unwrap_err().code, Code::ResourceExhausted);
        let mut buffer = BytesMut::from(&envelope(1, b"x", false)[..]);
        assert_eq!(take_envelope(&mut buffer).unwrap_err().code, Code::Unimplemented);
    }
}
