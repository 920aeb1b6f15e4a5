//! The mock server's request decoding as one function of bytes, for the
//! `mock_request` fuzz target (fuzz/fuzz_targets/mock_request.rs) and the unit
//! test below that runs it on a corpus of bad inputs (cargo-fuzz needs nightly).
//! The mock serves `testdata/example`, whose routes, bindings, REQUIRED fields
//! and protovalidate rules the inputs exercise.

use std::path::Path;

use super::Mock;
use super::status::Status;

/// The mock of `testdata/example`, built as `idl mock` builds it (routes and
/// `[mock]` included).
pub fn example_mock() -> Mock {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/example");
    let workspace = crate::workspace::discover(&dir, None, &[]).expect("testdata/example is a workspace");
    let compilation: &'static crate::compile::Compilation = Box::leak(Box::new(crate::compile::compile(&workspace)));
    assert!(!compilation.has_errors(), "testdata/example compiles");
    let targets: Vec<String> = workspace.targets.iter().map(|t| t.name.clone()).collect();
    let (errors_config, _) = crate::errors::ErrorsConfig::parse(&workspace.config.errors, None);
    let table = crate::errors::extract::extract(compilation, &errors_config);
    let canned = super::canned::load(&workspace.config.mock, &compilation.pool, &table, &workspace.base_dir, None)
        .unwrap_or_default();
    let model = crate::api::build(compilation, table.rows.clone());
    Mock::new(&compilation.pool, &targets, &[])
        .expect("the example's services")
        .with_routes(model)
        .with_canned(canned, std::time::Duration::ZERO)
}

/// One request from fuzz bytes: the first line is `VERB /path?query`, the
/// rest the body. It goes through HTTP transcoding and validation, and the body
/// also through the gRPC/Connect decoders of GetUser's request (JSON and
/// binary). Returns the transcoding's outcome.
pub fn decode_one(mock: &Mock, data: &[u8]) -> Result<(), Status> {
    let (head, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let (verb, target) = head.split_once(' ').unwrap_or(("GET", &head));
    if let Some(method) = mock.methods.get("/acme.user.v1.UserService/GetUser") {
        for json in [true, false] {
            if let Ok(request) = super::protocol::decode(&method.descriptor.input(), body, json) {
                let _ = mock.respond(method, &request);
            }
        }
    }
    let request = super::http::decode_request(mock, verb, target, body)?;
    super::validate::check(&request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::status::Code;

    #[test]
    fn bad_requests_are_statuses_never_panics() {
        let mock = example_mock();
        let corpus: &[&[u8]] = &[
            b"",
            b"GET",
            b"GET ",
            b"GET /",
            b"GET /v1/users/",
            b"GET /v1/users//",
            b"GET /v1/users/%",
            b"GET /v1/users/%ff%fe",
            b"GET /v1/users/%E7%94%A8",
            b"GET /v1/users?pageSize=99999999999999999999",
            b"GET /v1/users?pageSize=-1&pageSize=2",
            b"GET /v1/users?page_size=1e400",
            b"GET /v1/users?%zz=%zz",
            b"GET /v1/users?=&&&=",
            b"GET /v1/users?pageToken",
            b"POST /v1/users\n",
            b"POST /v1/users\nnull",
            b"POST /v1/users\n[]",
            b"POST /v1/users\n\"user\"",
            b"POST /v1/users\n{\"email\":{\"email\":{}}}",
            b"POST /v1/users\n{\"createTime\":\"yesterday\"}",
            b"POST /v1/users\n{\"state\":99}",
            b"POST /v1/users\n{\"state\":\"NOPE\"}",
            b"POST /v1/users\n{\"email\":\"a@b\",\"email\":\"c@d\"}",
            b"POST /v1/users\n{\"email\":\"\xff\"}",
            b"POST /v1/users\n{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
            b"PATCH /v1/users/1\n{\"id\":\"2\"}",
            b"PATCH /v1/users/%2F\n{}",
            b"POST /v1/orders/1:cancel\n{\"id\":[]}",
            b"POST /v1/orders/1:cancel:cancel\n{}",
            b"POST /v1/orders/:cancel\n{}",
            b"DELETE /v1/users/1",
            b"BREW /v1/users",
            b"GET /acme.user.v1.UserService/GetUser\n\x0a\x017",
            b"GET /v1/users/7\n\x0a\xff\xff\xff\xff\x0f",
        ];
        for input in corpus {
            let _ = decode_one(&mock, input);
        }
        // Some outcomes, pinned.
        let code = |input: &[u8]| decode_one(&mock, input).map_err(|s| s.code);
        assert_eq!(code(b"GET /v1/users/7"), Ok(()));
        assert_eq!(code(b"GET /v1/nope"), Err(Code::NotFound));
        assert_eq!(code(b"DELETE /v1/users/1"), Err(Code::Unimplemented));
        assert_eq!(code(b"POST /v1/users\nnull"), Err(Code::InvalidArgument));
        assert_eq!(code(b"POST /v1/users\n{\"state\":\"NOPE\"}"), Err(Code::InvalidArgument));
        assert_eq!(code(b"GET /v1/users?pageSize=99999999999999999999"), Err(Code::InvalidArgument));
        let long = format!("POST /v1/users\n{{\"email\":\"a@b\",\"displayName\":\"{}\"}}", "x".repeat(65));
        let status = decode_one(&mock, long.as_bytes()).unwrap_err();
        assert!(status.message.contains("`user.displayName`: value length must be at most 64"), "{}", status.message);
    }
}
