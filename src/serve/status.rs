//! gRPC status codes and how each protocol spells them.

/// A gRPC status: its code (0 to 16) and a message for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub message: String,
}

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
        Status { code, message: message.into() }
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
        serde_json::to_vec(&serde_json::json!({"code": self.code.connect_name(), "message": self.message}))
            .unwrap_or_default()
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
}
