//! HTTP ↔ gRPC mapping profiles, as data: `google` (google/rpc/code.proto),
//! `kratos` (`ToGRPCCode` / `FromGRPCCode`) and `ego` (`GrpcToHTTPStatusCode`).

/// The 17 canonical gRPC codes, by number.
pub const GRPC_CODES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// The number of a canonical gRPC code name.
pub fn grpc_number(name: &str) -> Option<i32> {
    GRPC_CODES.iter().position(|c| *c == name).map(|i| i as i32)
}

/// One mapping profile. `to_grpc` lists the HTTP statuses with a gRPC code (any
/// other status becomes UNKNOWN); `to_http` has one entry per gRPC code, by number.
#[derive(Debug)]
pub struct Profile {
    pub name: &'static str,
    to_grpc: &'static [(i32, &'static str)],
    to_http: [i32; 17],
}

impl Profile {
    /// The gRPC code an HTTP status becomes, or `None` when the profile has no
    /// mapping for it (it travels as UNKNOWN).
    pub fn to_grpc(&self, status: i32) -> Option<&'static str> {
        self.to_grpc.iter().find(|(s, _)| *s == status).map(|(_, c)| *c)
    }

    /// The HTTP status a (valid) gRPC code becomes.
    pub fn to_http(&self, code: &str) -> i32 {
        grpc_number(code).map_or(500, |n| self.to_http[n as usize])
    }
}

/// gRPC → HTTP per google/rpc/code.proto.
const GOOGLE_TO_HTTP: [i32; 17] = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401];

pub const GOOGLE: Profile = Profile {
    name: "google",
    // The inverse of code.proto, with each status taking its first-documented code.
    to_grpc: &[
        (200, "OK"),
        (400, "INVALID_ARGUMENT"),
        (401, "UNAUTHENTICATED"),
        (403, "PERMISSION_DENIED"),
        (404, "NOT_FOUND"),
        (409, "ALREADY_EXISTS"),
        (429, "RESOURCE_EXHAUSTED"),
        (499, "CANCELLED"),
        (500, "INTERNAL"),
        (501, "UNIMPLEMENTED"),
        (503, "UNAVAILABLE"),
        (504, "DEADLINE_EXCEEDED"),
    ],
    to_http: GOOGLE_TO_HTTP,
};

pub const KRATOS: Profile = Profile {
    name: "kratos",
    // transport/http/status ToGRPCCode: 409 → ABORTED; 412 ↔ FAILED_PRECONDITION
    // both ways since kratos#3795 (2026-02).
    to_grpc: &[
        (200, "OK"),
        (400, "INVALID_ARGUMENT"),
        (401, "UNAUTHENTICATED"),
        (403, "PERMISSION_DENIED"),
        (404, "NOT_FOUND"),
        (409, "ABORTED"),
        (412, "FAILED_PRECONDITION"),
        (429, "RESOURCE_EXHAUSTED"),
        (499, "CANCELLED"),
        (500, "INTERNAL"),
        (501, "UNIMPLEMENTED"),
        (503, "UNAVAILABLE"),
        (504, "DEADLINE_EXCEEDED"),
    ],
    // FromGRPCCode: code.proto's table except FAILED_PRECONDITION → 412 (400 before 2026-02).
    to_http: [200, 499, 500, 400, 504, 404, 409, 403, 429, 412, 409, 400, 501, 500, 503, 500, 401],
};

pub const EGO: Profile = Profile {
    name: "ego",
    to_grpc: &[
        (200, "OK"),
        (400, "INVALID_ARGUMENT"),
        (401, "UNAUTHENTICATED"),
        (403, "PERMISSION_DENIED"),
        (404, "NOT_FOUND"),
        (408, "DEADLINE_EXCEEDED"),
        (409, "ALREADY_EXISTS"),
        (412, "FAILED_PRECONDITION"),
        (499, "CANCELLED"),
        (500, "INTERNAL"),
        (501, "UNIMPLEMENTED"),
        (503, "UNAVAILABLE"),
    ],
    // ecode.GrpcToHTTPStatusCode: CANCELLED and DEADLINE_EXCEEDED → 408,
    // RESOURCE_EXHAUSTED → 503, FAILED_PRECONDITION → 412.
    to_http: [200, 408, 500, 400, 408, 404, 409, 403, 503, 412, 409, 400, 501, 500, 503, 500, 401],
};

pub const PROFILES: [&Profile; 3] = [&GOOGLE, &KRATOS, &EGO];

pub fn profile(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().copied().find(|p| p.name == name)
}

/// Registered HTTP status codes (IANA registry, plus nginx's 499 that Kratos uses).
const HTTP_STATUSES: [i32; 64] = [
    100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400,
    401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422, 423, 424, 425, 426,
    428, 429, 431, 451, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511, 418, 306,
];

/// Whether `status` is a registered HTTP status (306 and 418 included: reserved/unused, but known).
pub fn is_known_http_status(status: i32) -> bool {
    HTTP_STATUSES.contains(&status) && status != 306
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_differ_where_the_frameworks_do() {
        assert_eq!(KRATOS.to_grpc(409), Some("ABORTED"));
        assert_eq!(GOOGLE.to_grpc(409), Some("ALREADY_EXISTS"));
        assert_eq!(EGO.to_http("DEADLINE_EXCEEDED"), 408);
        assert_eq!(KRATOS.to_http("DEADLINE_EXCEEDED"), 504);
        assert_eq!(EGO.to_http("RESOURCE_EXHAUSTED"), 503);
        assert_eq!(KRATOS.to_grpc(422), None);
        // kratos#3795: 412 ↔ FAILED_PRECONDITION round-trips; google keeps 400.
        assert_eq!(KRATOS.to_grpc(412), Some("FAILED_PRECONDITION"));
        assert_eq!(KRATOS.to_http("FAILED_PRECONDITION"), 412);
        assert_eq!(GOOGLE.to_http("FAILED_PRECONDITION"), 400);
        assert_eq!(GOOGLE.to_grpc(412), None);
        assert_eq!(grpc_number("UNAUTHENTICATED"), Some(16));
        assert!(is_known_http_status(422) && !is_known_http_status(600) && !is_known_http_status(498));
    }
}
