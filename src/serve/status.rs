//! gRPC status codes and how each protocol spells them, with the business-error
//! details Kratos attaches: a `google.rpc.ErrorInfo` (reason, domain, metadata) in
//! `grpc-status-details-bin` on gRPC, `{code, reason, message, metadata}` on HTTP.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use prost::Message as _;

/// A gRPC status: its code (0 to 16) and a message for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub message: String,
    /// The business error this status carries, when it is one.
    pub info: Option<ErrorInfo>,
    /// The HTTP status of the HTTP/JSON form, when it is not the code's own
    /// (a business error's `(errors.code)`, 413 for a body over the limit).
    pub http: Option<u16>,
}

/// `google.rpc.ErrorInfo`: what a client branches on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorInfo {
    pub reason: String,
    pub domain: String,
    pub metadata: BTreeMap<String, String>,
}

/// `google.rpc.Status`, as `grpc-status-details-bin` carries it.
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
    #[prost(message, repeated, tag = "3")]
    details: Vec<prost_types::Any>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct RpcErrorInfo {
    #[prost(string, tag = "1")]
    reason: String,
    #[prost(string, tag = "2")]
    domain: String,
    #[prost(map = "string, string", tag = "3")]
    metadata: HashMap<String, String>,
}

const ERROR_INFO_TYPE: &str = "google.rpc.ErrorInfo";

/// The 17 gRPC codes, by their numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum Code {
    Ok = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

impl Code {
    const ALL: [Code; 17] = [
        Code::Ok,
        Code::Cancelled,
        Code::Unknown,
        Code::InvalidArgument,
        Code::DeadlineExceeded,
        Code::NotFound,
        Code::AlreadyExists,
        Code::PermissionDenied,
        Code::ResourceExhausted,
        Code::FailedPrecondition,
        Code::Aborted,
        Code::OutOfRange,
        Code::Unimplemented,
        Code::Internal,
        Code::Unavailable,
        Code::DataLoss,
        Code::Unauthenticated,
    ];

    /// The code of a `grpc-status` number; an unknown number is UNKNOWN, as gRPC says.
    pub fn from_number(number: i32) -> Code {
        Code::ALL.into_iter().find(|c| *c as i32 == number).unwrap_or(Code::Unknown)
    }

    /// The code of a Connect error's `code` string.
    pub fn from_connect_name(name: &str) -> Code {
        Code::ALL.into_iter().find(|c| c.connect_name() == name).unwrap_or(Code::Unknown)
    }

    /// `NOT_FOUND`, as gRPC's docs and tools print codes.
    pub fn grpc_name(self) -> String {
        match self {
            Code::Cancelled => "CANCELLED".to_string(),
            other => other.connect_name().to_ascii_uppercase(),
        }
    }
    /// Connect's name of the code (`not_found`), as its error bodies carry it.
    pub fn connect_name(self) -> &'static str {
        match self {
            Code::Ok => "ok",
            Code::Cancelled => "canceled",
            Code::Unknown => "unknown",
            Code::InvalidArgument => "invalid_argument",
            Code::DeadlineExceeded => "deadline_exceeded",
            Code::NotFound => "not_found",
            Code::AlreadyExists => "already_exists",
            Code::PermissionDenied => "permission_denied",
            Code::ResourceExhausted => "resource_exhausted",
            Code::FailedPrecondition => "failed_precondition",
            Code::Aborted => "aborted",
            Code::OutOfRange => "out_of_range",
            Code::Unimplemented => "unimplemented",
            Code::Internal => "internal",
            Code::Unavailable => "unavailable",
            Code::DataLoss => "data_loss",
            Code::Unauthenticated => "unauthenticated",
        }
    }

    /// The HTTP status of a Connect unary error (the Connect protocol's table).
    pub fn connect_http_status(self) -> u16 {
        match self {
            Code::Ok => 200,
            Code::Cancelled => 499,
            Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => 400,
            Code::DeadlineExceeded => 504,
            Code::NotFound => 404,
            Code::AlreadyExists | Code::Aborted => 409,
            Code::PermissionDenied => 403,
            Code::ResourceExhausted => 429,
            Code::Unimplemented => 501,
            Code::Unavailable => 503,
            Code::Unauthenticated => 401,
            Code::Unknown | Code::Internal | Code::DataLoss => 500,
        }
    }
}

impl Status {
    pub fn new(code: Code, message: impl Into<String>) -> Status {
        Status { code, message: message.into(), info: None, http: None }
    }

    /// The status a business error answers with.
    pub fn business(code: Code, message: impl Into<String>, info: ErrorInfo, http: Option<u16>) -> Status {
        Status { code, message: message.into(), info: Some(info), http }
    }

    /// The HTTP status of the HTTP/JSON (transcoded) form.
    pub fn http_status(&self) -> u16 {
        self.http.unwrap_or_else(|| self.code.connect_http_status())
    }

    /// The encoded `google.rpc.ErrorInfo` of a business error.
    fn error_info_bytes(&self) -> Option<Vec<u8>> {
        let info = self.info.as_ref()?;
        let message = RpcErrorInfo {
            reason: info.reason.clone(),
            domain: info.domain.clone(),
            metadata: info.metadata.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        };
        Some(message.encode_to_vec())
    }

    /// `grpc-status-details-bin`: a `google.rpc.Status` with the ErrorInfo, base64
    /// without padding as gRPC writes binary headers; `None` without details.
    pub fn details_bin(&self) -> Option<String> {
        let value = self.error_info_bytes()?;
        let status = RpcStatus {
            code: self.code as i32,
            message: self.message.clone(),
            details: vec![prost_types::Any { type_url: format!("type.googleapis.com/{ERROR_INFO_TYPE}"), value }],
        };
        Some(STANDARD_NO_PAD.encode(status.encode_to_vec()))
    }

    /// The ErrorInfo of a `grpc-status-details-bin` value (padded or not).
    pub fn info_from_details_bin(text: &str) -> Option<ErrorInfo> {
        let bytes = STANDARD_NO_PAD.decode(text.trim_end_matches('=')).ok()?;
        let status = RpcStatus::decode(bytes.as_slice()).ok()?;
        status.details.iter().find(|d| d.type_url.ends_with(ERROR_INFO_TYPE)).and_then(|any| {
            let info = RpcErrorInfo::decode(any.value.as_slice()).ok()?;
            Some(ErrorInfo { reason: info.reason, domain: info.domain, metadata: info.metadata.into_iter().collect() })
        })
    }

    /// Kratos' HTTP error body: `{"code": 404, "reason": "...", "message": "...", "metadata": {}}`.
    /// Statuses that are not business errors have their gRPC code name as reason.
    pub fn kratos_json(&self) -> Vec<u8> {
        let (reason, metadata) = match &self.info {
            Some(info) => (info.reason.clone(), info.metadata.clone()),
            None => (self.code.grpc_name(), BTreeMap::new()),
        };
        let body = serde_json::json!({
            "code": self.http_status(),
            "reason": reason,
            "message": self.message,
            "metadata": metadata,
        });
        serde_json::to_vec(&body).unwrap_or_default()
    }

    /// `grpc-message`: percent-encoded, as the gRPC HTTP/2 spec asks.
    pub fn grpc_message(&self) -> String {
        let mut out = String::with_capacity(self.message.len());
        for byte in self.message.bytes() {
            if (0x20..=0x7e).contains(&byte) && byte != b'%' {
                out.push(byte as char);
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }

    /// The text of a percent-encoded `grpc-message`.
    pub fn decode_grpc_message(text: &str) -> String {
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
        String::from_utf8_lossy(&out).into_owned()
    }

    /// A Connect error body: `{"code": "not_found", "message": "..."}`.
    pub fn connect_json(&self) -> Vec<u8> {
        serde_json::to_vec(&self.connect_error()).unwrap_or_default()
    }

    /// The Connect error object, with the ErrorInfo as a detail when there is one.
    pub fn connect_error(&self) -> serde_json::Value {
        let mut error = serde_json::json!({"code": self.code.connect_name(), "message": self.message});
        if let Some(value) = self.error_info_bytes() {
            error["details"] = serde_json::json!([{"type": ERROR_INFO_TYPE, "value": STANDARD_NO_PAD.encode(value)}]);
        }
        error
    }

    /// The ErrorInfo of a Connect error's `details`.
    pub fn info_from_connect_details(details: &serde_json::Value) -> Option<ErrorInfo> {
        let detail = details.as_array()?.iter().find(|d| d["type"] == ERROR_INFO_TYPE)?;
        let text = detail["value"].as_str()?;
        let bytes = STANDARD_NO_PAD.decode(text.trim_end_matches('=')).or_else(|_| STANDARD.decode(text)).ok()?;
        let info = RpcErrorInfo::decode(bytes.as_slice()).ok()?;
        Some(ErrorInfo { reason: info.reason, domain: info.domain, metadata: info.metadata.into_iter().collect() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_message_is_percent_encoded() {
        let status = Status::new(Code::NotFound, "用户 100% gone");
        assert_eq!(status.grpc_message(), "%E7%94%A8%E6%88%B7 100%25 gone");
        assert_eq!(Status::decode_grpc_message(&status.grpc_message()), "用户 100% gone");
        assert_eq!(Code::from_number(5).grpc_name(), "NOT_FOUND");
        assert_eq!(Code::from_connect_name("canceled"), Code::Cancelled);
    }

    #[test]
    fn error_info_round_trips_through_details_bin() {
        let info = ErrorInfo {
            reason: "USER_NOT_FOUND".into(),
            domain: "acme.user.v1".into(),
            metadata: [("id".to_string(), "404".to_string())].into_iter().collect(),
        };
        let status = Status::business(Code::NotFound, "The user does not exist.", info.clone(), Some(404));
        let bin = status.details_bin().unwrap();
        assert_eq!(Status::info_from_details_bin(&bin), Some(info.clone()));
        assert_eq!(Status::info_from_details_bin(&format!("{bin}==")), Some(info.clone()));
        assert_eq!(Status::info_from_connect_details(&status.connect_error()["details"]), Some(info));
        assert_eq!(
            String::from_utf8(status.kratos_json()).unwrap(),
            r#"{"code":404,"message":"The user does not exist.","metadata":{"id":"404"},"reason":"USER_NOT_FOUND"}"#
        );
        assert_eq!(Status::new(Code::Ok, "").details_bin(), None);
    }
}
