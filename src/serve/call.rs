//! `idl call`: a client like `buf curl` that takes the method's schema from the
//! workspace and speaks gRPC (cleartext HTTP/2), gRPC-Web, Connect or HTTP/JSON
//! by the method's `google.api.http` binding (HTTP/1.1) over hyper, sharing the
//! server's framing and codecs ([`super::protocol`], [`super::http_call`]).

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use hyper_util::rt::{TokioExecutor, TokioIo};
use prost_reflect::{DynamicMessage, MethodDescriptor};
use tokio::net::TcpStream;

use super::protocol::{decode, encode, envelope, take_envelope};
use super::status::{Code, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallProtocol {
    Grpc,
    GrpcWeb,
    Connect,
    /// HTTP/JSON by the method's primary `google.api.http` binding.
    Http,
}

/// One call: where, which method, the request messages (one unless the client
/// streams), extra headers.
pub struct Call<'a> {
    /// `http://host:port`, optionally with a path prefix.
    pub target: &'a str,
    pub method: &'a MethodDescriptor,
    pub requests: Vec<DynamicMessage>,
    pub headers: Vec<(String, String)>,
    pub protocol: CallProtocol,
    pub timeout: Duration,
}

/// What came back: the response messages, then the status.
pub struct Outcome {
    pub responses: Vec<DynamicMessage>,
    pub status: Status,
}

/// Makes the call. `Err` is a usage error (a target idl cannot reach by its form);
/// a connection that fails is an UNAVAILABLE status, as gRPC clients report it.
pub fn call(call: Call<'_>) -> Result<Outcome, String> {
    let (authority, prefix) = parse_target(call.target)?;
    let http = match call.protocol {
        CallProtocol::Http => {
            let binding = super::http_call::binding(call.method)?;
            let request = call.requests.first().ok_or("no request message")?;
            let built = super::http_call::build(&binding, request)?;
            Some((binding, built))
        }
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the client's runtime: {error}"))?;
    let timeout = call.timeout;
    let outcome = runtime.block_on(async {
        let sent = async {
            match &http {
                Some((binding, request)) => send_http(&call, &authority, &prefix, binding, request).await,
                None => send(&call, &authority, &prefix).await,
            }
        };
        match tokio::time::timeout(timeout, sent).await {
            Ok(outcome) => outcome,
            Err(_) => Outcome {
                responses: Vec::new(),
                status: Status::new(Code::DeadlineExceeded, format!("no answer within {} s", timeout.as_secs_f64())),
            },
        }
    });
    Ok(outcome)
}

/// `http://host:port/prefix` → (`host:port`, `/prefix`).
fn parse_target(target: &str) -> Result<(String, String), String> {
    let rest = if let Some(rest) = target.strip_prefix("http://") {
        rest
    } else if target.starts_with("https://") {
        return Err(format!("{target}: TLS is not supported yet; call a cleartext server with http://"));
    } else if target.contains("://") {
        return Err(format!("{target}: expected http://HOST:PORT"));
    } else {
        target
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return Err(format!("{target}: no host"));
    }
    let authority = if authority.rsplit_once(':').is_some_and(|(_, port)| port.parse::<u16>().is_ok()) {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    Ok((authority, path.to_string()))
}

async fn send(call: &Call<'_>, authority: &str, prefix: &str) -> Outcome {
    let failed = |code: Code, message: String| Outcome { responses: Vec::new(), status: Status::new(code, message) };
    let stream = match TcpStream::connect(authority).await {
        Ok(stream) => stream,
        Err(error) => return failed(Code::Unavailable, format!("cannot connect to {authority}: {error}")),
    };
    let _ = stream.set_nodelay(true);
    let method = call.method;
    let path = format!("{prefix}/{}/{}", method.parent_service().full_name(), method.name());
    let streaming = method.is_client_streaming() || method.is_server_streaming();
    let (content_type, body) = match call.protocol {
        CallProtocol::Grpc => ("application/grpc", framed(&call.requests)),
        CallProtocol::GrpcWeb => ("application/grpc-web+proto", framed(&call.requests)),
        CallProtocol::Connect if streaming => ("application/connect+proto", framed(&call.requests)),
        CallProtocol::Connect | CallProtocol::Http => match call.requests.first().map(|m| encode(m, false)) {
            Some(Ok(bytes)) => ("application/proto", Bytes::from(bytes)),
            _ => return failed(Code::InvalidArgument, "no request message".to_string()),
        },
    };
    let mut builder = Request::post(path).header(CONTENT_TYPE, content_type).header("host", authority);
    if call.protocol == CallProtocol::Grpc {
        builder = builder.header("te", "trailers");
    }
    if call.protocol == CallProtocol::Connect {
        builder = builder.header("connect-protocol-version", "1");
    }
    for (name, value) in &call.headers {
        match (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str())) {
            (Ok(name), Ok(value)) => builder = builder.header(name, value),
            _ => return failed(Code::InvalidArgument, format!("invalid header {name}: {value}")),
        }
    }
    let request = match builder.body(Full::new(body)) {
        Ok(request) => request,
        Err(error) => return failed(Code::InvalidArgument, format!("invalid request: {error}")),
    };
    let response = if call.protocol == CallProtocol::Grpc {
        let (mut sender, connection) =
            match hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await {
                Ok(pair) => pair,
                Err(error) => {
                    return failed(Code::Unavailable, format!("HTTP/2 handshake with {authority} failed: {error}"));
                }
            };
        tokio::spawn(connection);
        sender.send_request(request).await
    } else {
        let (mut sender, connection) = match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
            Ok(pair) => pair,
            Err(error) => {
                return failed(Code::Unavailable, format!("HTTP/1.1 handshake with {authority} failed: {error}"));
            }
        };
        tokio::spawn(connection);
        sender.send_request(request).await
    };
    let response = match response {
        Ok(response) => response,
        Err(error) => return failed(Code::Unavailable, format!("the request to {authority} failed: {error}")),
    };
    let http_status = response.status();
    let headers = response.headers().clone();
    let collected = match response.into_body().collect().await {
        Ok(collected) => collected,
        Err(error) => return failed(Code::Unavailable, format!("the answer from {authority} broke off: {error}")),
    };
    let trailers = collected.trailers().cloned();
    let bytes = collected.to_bytes();
    let output = method.output();
    match call.protocol {
        CallProtocol::Connect if !streaming => {
            if http_status.is_success() {
                return match decode(&output, &bytes, false) {
                    Ok(message) => Outcome { responses: vec![message], status: Status::new(Code::Ok, "") },
                    Err(status) => failed(Code::Internal, format!("cannot decode the answer: {}", status.message)),
                };
            }
            failed_from_connect_json(&bytes, http_status.as_u16())
        }
        _ => {
            let mut buffer = BytesMut::from(&bytes[..]);
            let mut responses = Vec::new();
            let mut end: Option<Status> = None;
            loop {
                // The end-of-stream envelopes carry flags take_envelope refuses: look first.
                if buffer.len() >= 5 && buffer[0] & 0x80 != 0 || buffer.len() >= 5 && buffer[0] & 0x02 != 0 {
                    let flags = buffer[0];
                    let length = u32::from_be_bytes([buffer[1], buffer[2], buffer[3], buffer[4]]) as usize;
                    let payload = buffer.get(5..5 + length).map(<[u8]>::to_vec).unwrap_or_default();
                    end = Some(if flags & 0x80 != 0 { grpc_web_status(&payload) } else { connect_end(&payload) });
                    break;
                }
                match take_envelope(&mut buffer) {
                    Ok(Some(message)) => match decode(&output, &message, false) {
                        Ok(message) => responses.push(message),
                        Err(status) => {
                            return failed(Code::Internal, format!("cannot decode the answer: {}", status.message));
                        }
                    },
                    Ok(None) => break,
                    Err(status) => return failed(status.code, status.message),
                }
            }
            let status = end
                .or_else(|| trailers.as_ref().and_then(grpc_status))
                .or_else(|| grpc_status(&headers))
                .unwrap_or_else(|| {
                    if http_status.is_success() {
                        Status::new(Code::Internal, "the answer has no status (no grpc-status trailer)")
                    } else {
                        Status::new(Code::Unknown, format!("HTTP {http_status}"))
                    }
                });
            Outcome { responses, status }
        }
    }
}

/// An HTTP/JSON call by the binding (HTTP/1.1).
async fn send_http(
    call: &Call<'_>,
    authority: &str,
    prefix: &str,
    binding: &crate::api::Binding,
    built: &super::http_call::HttpRequest,
) -> Outcome {
    let failed = |code: Code, message: String| Outcome { responses: Vec::new(), status: Status::new(code, message) };
    let stream = match TcpStream::connect(authority).await {
        Ok(stream) => stream,
        Err(error) => return failed(Code::Unavailable, format!("cannot connect to {authority}: {error}")),
    };
    let _ = stream.set_nodelay(true);
    let mut builder = Request::builder()
        .method(built.verb.as_str())
        .uri(format!("{prefix}{}", built.path))
        .header("host", authority)
        .header("accept", "application/json");
    if built.body.is_some() {
        builder = builder.header(CONTENT_TYPE, "application/json");
    }
    for (name, value) in &call.headers {
        match (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str())) {
            (Ok(name), Ok(value)) => builder = builder.header(name, value),
            _ => return failed(Code::InvalidArgument, format!("invalid header {name}: {value}")),
        }
    }
    let request = match builder.body(Full::new(built.body.clone().unwrap_or_default())) {
        Ok(request) => request,
        Err(error) => return failed(Code::InvalidArgument, format!("invalid request: {error}")),
    };
    let (mut sender, connection) = match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
        Ok(pair) => pair,
        Err(error) => return failed(Code::Unavailable, format!("HTTP/1.1 handshake with {authority} failed: {error}")),
    };
    tokio::spawn(connection);
    let response = match sender.send_request(request).await {
        Ok(response) => response,
        Err(error) => return failed(Code::Unavailable, format!("the request to {authority} failed: {error}")),
    };
    let http_status = response.status();
    let bytes = match response.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => return failed(Code::Unavailable, format!("the answer from {authority} broke off: {error}")),
    };
    if !http_status.is_success() {
        return Outcome { responses: Vec::new(), status: super::http_call::error_status(http_status.as_u16(), &bytes) };
    }
    match super::http_call::answers(call.method, binding, &bytes) {
        Ok(responses) => Outcome { responses, status: Status::new(Code::Ok, "") },
        Err(message) => failed(Code::Internal, message),
    }
}

fn framed(messages: &[DynamicMessage]) -> Bytes {
    let mut out = BytesMut::new();
    for message in messages {
        out.extend_from_slice(&envelope(0, &encode(message, false).unwrap_or_default(), false));
    }
    out.freeze()
}

fn grpc_status(headers: &HeaderMap) -> Option<Status> {
    let code = headers.get("grpc-status")?.to_str().ok()?.trim().parse::<i32>().ok()?;
    let message = headers.get("grpc-message").and_then(|v| v.to_str().ok()).unwrap_or("");
    let mut status = Status::new(Code::from_number(code), Status::decode_grpc_message(message));
    status.info =
        headers.get("grpc-status-details-bin").and_then(|v| v.to_str().ok()).and_then(Status::info_from_details_bin);
    Some(status)
}

/// gRPC-Web's trailer envelope: HTTP header lines.
fn grpc_web_status(payload: &[u8]) -> Status {
    let mut headers = HeaderMap::new();
    for line in String::from_utf8_lossy(payload).split("\r\n") {
        if let Some((name, value)) = line.split_once(':')
            && let (Ok(name), Ok(value)) =
                (HeaderName::try_from(name.trim().to_ascii_lowercase()), HeaderValue::try_from(value.trim()))
        {
            headers.insert(name, value);
        }
    }
    grpc_status(&headers).unwrap_or_else(|| Status::new(Code::Internal, "the trailer envelope has no grpc-status"))
}

/// Connect's end-of-stream envelope: `{}` or `{"error": {...}}`.
fn connect_end(payload: &[u8]) -> Status {
    let value: serde_json::Value = serde_json::from_slice(payload).unwrap_or_default();
    match value.get("error") {
        Some(error) => connect_error(error),
        None => Status::new(Code::Ok, ""),
    }
}

fn connect_error(error: &serde_json::Value) -> Status {
    let code = error.get("code").and_then(|c| c.as_str()).map_or(Code::Unknown, Code::from_connect_name);
    let message = error.get("message").and_then(|m| m.as_str()).unwrap_or("");
    let mut status = Status::new(code, message);
    status.info = error.get("details").and_then(Status::info_from_connect_details);
    status
}

fn failed_from_connect_json(bytes: &[u8], http_status: u16) -> Outcome {
    let status = match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(error) if error.get("code").is_some() => connect_error(&error),
        _ => Status::new(Code::Unknown, format!("HTTP {http_status}: {}", String::from_utf8_lossy(bytes))),
    };
    Outcome { responses: Vec::new(), status }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(parse_target("http://127.0.0.1:8080").unwrap(), ("127.0.0.1:8080".into(), String::new()));
        assert_eq!(parse_target("localhost:9000/api/").unwrap(), ("localhost:9000".into(), "/api".into()));
        assert_eq!(parse_target("http://example.test").unwrap(), ("example.test:80".into(), String::new()));
        assert!(parse_target("https://x:1").unwrap_err().contains("TLS is not supported yet"));
    }
}
