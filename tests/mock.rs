//! `idl mock` against real clients: `buf curl` over gRPC, gRPC-Web and Connect
//! using server reflection only (no protos on the client side), `curl` for
//! Connect's JSON, and bad requests that must not stop the server. Each test
//! starts the mock on a free loopback port and stops it with SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn idl_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_idl"))
}

/// A running `idl mock`; SIGTERM and a wait when dropped.
struct Mock {
    child: Child,
    address: String,
}

impl Mock {
    fn start(dir: &Path, extra: &[&str]) -> Mock {
        let mut child = Command::new(idl_binary())
            .current_dir(dir)
            .args(["mock", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line.trim().rsplit("http://").next().unwrap().to_string();
        assert!(line.starts_with("idl mock: serving "), "ready line: {line:?}");
        Mock { child, address }
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// SIGTERM; the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("idl mock did not stop on SIGTERM");
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn buf() -> Option<PathBuf> {
    let path = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/idl-peers/bin/buf"))?;
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: buf is not installed (../shared/scripts/peers.sh installs it)");
        None
    }
}

fn run(program: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(program).args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

fn example() -> PathBuf {
    repo().join("testdata/example")
}

#[test]
fn buf_curl_calls_every_protocol_through_reflection() {
    let Some(buf) = buf() else { return };
    let mock = Mock::start(&example(), &[]);
    let url = format!("{}/acme.user.v1.UserService/GetUser", mock.url());
    for protocol in ["grpc", "grpcweb", "connect"] {
        let (code, stdout, stderr) =
            run(&buf, &["curl", "--protocol", protocol, "--http2-prior-knowledge", "-d", r#"{"id":"7"}"#, &url]);
        assert_eq!(code, 0, "{protocol}: {stderr}");
        let answer: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        // A deterministic example of GetUserResponse: every field set.
        assert_eq!(answer["user"]["displayName"], "display_name", "{protocol}: {stdout}");
        assert_eq!(answer["user"]["state"], "USER_STATE_ACTIVE", "{protocol}: {stdout}");
        assert_eq!(answer["user"]["createTime"], "2024-01-01T00:00:00Z", "{protocol}: {stdout}");
    }
    // Reflection lists the workspace's services and the built-ins.
    let (code, stdout, stderr) = run(&buf, &["curl", "--http2-prior-knowledge", "--list-methods", &mock.url()]);
    assert_eq!(code, 0, "{stderr}");
    for method in [
        "acme.order.v1.OrderService/GetOrder",
        "acme.user.v1.UserService/ListUsers",
        "grpc.health.v1.Health/Check",
        "grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    ] {
        assert!(stdout.lines().any(|l| l == method), "{method} missing:\n{stdout}");
    }
    // Health: SERVING for the server and for a served service.
    let health = format!("{}/grpc.health.v1.Health/Check", mock.url());
    let (code, stdout, stderr) =
        run(&buf, &["curl", "--http2-prior-knowledge", "-d", r#"{"service":"acme.user.v1.UserService"}"#, &health]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"SERVING\""), "{stdout}");
    // An unknown method is UNIMPLEMENTED (buf curl exits with the code times 8).
    let unknown = format!("{}/acme.user.v1.UserService/NoSuchMethod", mock.url());
    let (code, _, stderr) = run(&buf, &["curl", "--http2-prior-knowledge", "--schema", "testdata/example", &unknown]);
    assert_ne!(code, 0, "{stderr}");
    assert!(mock.stop().success(), "idl mock did not exit 0 on SIGTERM");
}

#[test]
fn connect_json_over_http1_with_curl() {
    let mock = Mock::start(&example(), &[]);
    let curl = |body: &str, path: &str| {
        let output = Command::new("curl")
            .args(["-s", "-X", "POST", "-H", "content-type: application/json", "--data-binary", body])
            .args(["-w", "\n%{http_code}"])
            .arg(format!("{}{path}", mock.url()))
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        let (body, status) = text.rsplit_once('\n').unwrap();
        (status.to_string(), body.to_string())
    };
    let (status, body) = curl(r#"{"id":"7"}"#, "/acme.user.v1.UserService/GetUser");
    assert_eq!(status, "200", "{body}");
    assert!(body.contains("\"displayName\":\"display_name\""), "{body}");
    // Bad requests get Connect errors naming what is wrong, and the server goes on.
    let (status, body) = curl(r#"{"nope":"1"}"#, "/acme.user.v1.UserService/GetUser");
    assert_eq!(status, "400");
    assert_eq!(
        body,
        r#"{"code":"invalid_argument","message":"invalid acme.user.v1.GetUserRequest request: unknown key `nope` at the top level (acme.user.v1.GetUserRequest) at line 1 column 2"}"#
    );
    let (status, body) = curl("{not json", "/acme.user.v1.UserService/GetUser");
    assert_eq!(status, "400", "{body}");
    let (status, body) = curl("{}", "/acme.user.v1.UserService/Nope");
    assert_eq!(
        (status.as_str(), body.as_str()),
        ("404", r#"{"code":"unimplemented","message":"unknown method /acme.user.v1.UserService/Nope"}"#)
    );
    let big = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(big.path(), format!("{{\"id\":\"{}\"}}", "x".repeat(5 << 20))).unwrap();
    let (status, _) = curl(&format!("@{}", big.path().display()), "/acme.user.v1.UserService/GetUser");
    assert_eq!(status, "429", "a body over 4 MiB is resource_exhausted");
    let (status, _) = curl(r#"{"id":"7"}"#, "/acme.user.v1.UserService/GetUser");
    assert_eq!(status, "200", "the server stopped serving after bad requests");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output =
        Command::new(idl_binary()).current_dir(example()).args(["mock", "--listen", &address]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(text.contains(&format!("[MOCK] cannot listen on {address}: Address already in use")), "{text}");
}

#[test]
fn an_unknown_service_is_a_clear_error() {
    let output = Command::new(idl_binary())
        .current_dir(example())
        .args(["mock", "--listen", "127.0.0.1:0", "--service", "acme.nope.v1.NopeService"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(text.contains("[MOCK] no service acme.nope.v1.NopeService in the workspace"), "{text}");
}

#[test]
fn python_grpcio_calls_a_unary_method() {
    // grpcio comes with grpcio-tools, which ../shared/scripts/peers.sh installs for protoc.
    let Some(python) = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/idl-peers/venv/bin/python"))
    else {
        return;
    };
    if !Command::new(&python).args(["-c", "import grpc"]).status().is_ok_and(|s| s.success()) {
        eprintln!("skipped: Python grpcio is not installed (../shared/scripts/peers.sh installs it)");
        return;
    }
    let mock = Mock::start(&example(), &[]);
    // GetUserRequest{id: "7"} by hand (field 1, length 1): the client needs no protos.
    let script = r#"
import sys, grpc
channel = grpc.insecure_channel(sys.argv[1])
call = channel.unary_unary("/acme.user.v1.UserService/GetUser")
answer = call(b"\x0a\x017", timeout=10)
print(answer.hex())
try:
    channel.unary_unary("/acme.user.v1.UserService/Nope")(b"", timeout=10)
except grpc.RpcError as error:
    print(error.code().name)
"#;
    let output = Command::new(&python).args(["-c", script, &mock.address]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    let mut lines = stdout.lines();
    let answer = lines.next().unwrap();
    // GetUserResponse{user: {...}}: field 1, a message holding "display_name".
    assert!(answer.starts_with("0a"), "{answer}");
    assert!(answer.contains(&"display_name".bytes().map(|b| format!("{b:02x}")).collect::<String>()), "{answer}");
    assert_eq!(lines.next(), Some("UNIMPLEMENTED"));
}

fn idl_call(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(idl_binary()).current_dir(dir).arg("call").args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

#[test]
fn idl_call_speaks_every_protocol_to_the_mock() {
    let mock = Mock::start(&example(), &[]);
    for protocol in ["grpc", "grpcweb", "connect"] {
        let (code, stdout, stderr) = idl_call(
            &example(),
            &[
                &mock.url(),
                "acme.user.v1.UserService/GetUser",
                "-d",
                r#"{"id":"7"}"#,
                "--protocol",
                protocol,
                "--format",
                "json",
            ],
        );
        assert_eq!(code, 0, "{protocol}: {stderr}");
        let answer: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        assert_eq!(answer["user"]["email"], "email", "{protocol}: {stdout}");
    }
    // A non-OK status: exit 1, the status on stderr.
    let (code, stdout, stderr) =
        idl_call(&example(), &[&mock.url(), "acme.user.v1.UserService/GetUser", "-d", r#"{"id": 7}"#]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    let (code, _, stderr) = idl_call(&example(), &["http://127.0.0.1:1", "acme.user.v1.UserService/GetUser"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("idl call: UNAVAILABLE: cannot connect to 127.0.0.1:1"), "{stderr}");
    let (code, _, stderr) = idl_call(&example(), &[&mock.url(), "acme.user.v1.UserService/Nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("[CALL] no method acme.user.v1.UserService/Nope in the workspace"), "{stderr}");
}

#[test]
fn idl_call_against_a_python_grpcio_server() {
    let Some(python) = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/idl-peers/venv/bin/python"))
    else {
        return;
    };
    if !Command::new(&python).args(["-c", "import grpc"]).status().is_ok_and(|s| s.success()) {
        eprintln!("skipped: Python grpcio is not installed (../shared/scripts/peers.sh installs it)");
        return;
    }
    // A server that is not idl: raw bytes in and out, so it needs no generated code.
    let script = r#"
import grpc
from concurrent import futures
def get_user(request, context):
    if b"missing" in request:
        context.abort(grpc.StatusCode.NOT_FOUND, "no user called missing")
    return b"\x0a\x07\x0a\x05" + request[2:]  # GetUserResponse{user{id: <the request's id>}}
handler = grpc.method_handlers_generic_handler(
    "acme.user.v1.UserService", {"GetUser": grpc.unary_unary_rpc_method_handler(get_user)})
server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
server.add_generic_rpc_handlers((handler,))
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(port, flush=True)
server.wait_for_termination(timeout=60)
"#;
    let mut server = Command::new(&python).args(["-c", script]).stdout(Stdio::piped()).spawn().unwrap();
    let mut port = String::new();
    BufReader::new(server.stdout.take().unwrap()).read_line(&mut port).unwrap();
    let url = format!("http://127.0.0.1:{}", port.trim());
    let (code, stdout, stderr) = idl_call(
        &example(),
        &[&url, "acme.user.v1.UserService/GetUser", "-d", r#"{"id":"abcde"}"#, "--format", "json"],
    );
    let (missing_code, _, missing_stderr) =
        idl_call(&example(), &[&url, "acme.user.v1.UserService/GetUser", "-d", r#"{"id":"missing"}"#]);
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.trim(), r#"{"user":{"id":"abcde"}}"#);
    assert_eq!(missing_code, 1);
    assert_eq!(missing_stderr.trim(), "idl call: NOT_FOUND: no user called missing");
}

/// `curl` with a method, a body and a path; the HTTP status and the body.
fn curl(base: &str, args: &[&str], path: &str) -> (String, String) {
    let output = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}"])
        .args(args)
        .arg(format!("{base}{path}"))
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let (body, status) = text.rsplit_once('\n').unwrap();
    (status.to_string(), body.to_string())
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}

#[test]
fn http_json_transcoding_with_curl() {
    let mock = Mock::start(&example(), &[]);
    let base = mock.url();
    // Path variable; the additional binding reaches the same method.
    let (status, body) = curl(&base, &[], "/v1/users/7");
    assert_eq!(status, "200", "{body}");
    assert_eq!(json(&body)["user"]["displayName"], "display_name");
    let (status, body) = curl(&base, &[], "/v1/accounts/7");
    assert_eq!((status.as_str(), json(&body)["user"]["state"].as_str()), ("200", Some("USER_STATE_ACTIVE")));
    // Query parameters, by JSON or proto name; a rule they break is a 400 naming the field.
    let (status, body) = curl(&base, &[], "/v1/users?pageSize=2&page_token=abc");
    assert_eq!(status, "200", "{body}");
    assert_eq!(json(&body)["users"].as_array().unwrap().len(), 2);
    let (status, body) = curl(&base, &[], "/v1/users?pageSize=1000");
    assert_eq!(status, "400");
    assert_eq!(
        json(&body),
        serde_json::json!({
            "code": 400,
            "reason": "INVALID_ARGUMENT",
            "message": "invalid acme.user.v1.ListUsersRequest request: `pageSize`: value must be greater than or equal \
                        to 0 and less than or equal to 100, found 1000 (buf.validate int32.gte_lte)",
            "metadata": {}
        })
    );
    let (status, body) = curl(&base, &[], "/v1/users?pageSize=ten");
    assert_eq!(status, "400");
    assert!(json(&body)["message"].as_str().unwrap().contains("`pageSize`: expected an integer (int32)"), "{body}");
    let (status, body) = curl(&base, &[], "/v1/users?colour=red");
    assert_eq!(status, "400");
    assert_eq!(json(&body)["message"], "unknown query parameter `colour`: this route takes pageSize, pageToken");
    // `body: "user"`: the body is the field.
    let post = ["-X", "POST", "-H", "content-type: application/json"];
    let (status, body) = curl(&base, &[&post[..], &["-d", r#"{"email":"ada@example.com"}"#]].concat(), "/v1/users");
    assert_eq!(status, "200", "{body}");
    assert_eq!(json(&body)["user"]["email"], "email");
    // A REQUIRED field left out, a protovalidate pattern, a wrong type, JSON that is not JSON.
    let (status, body) = curl(&base, &post, "/v1/users");
    assert_eq!(status, "400");
    assert!(json(&body)["message"].as_str().unwrap().contains("missing required field `user`"), "{body}");
    let (status, body) = curl(&base, &[&post[..], &["-d", r#"{"email":"not-an-address"}"#]].concat(), "/v1/users");
    assert_eq!(status, "400");
    assert!(json(&body)["message"].as_str().unwrap().contains("`user.email`: value does not match regex"), "{body}");
    let (status, body) = curl(&base, &[&post[..], &["-d", r#"{"email":7}"#]].concat(), "/v1/users");
    assert_eq!(status, "400");
    assert!(json(&body)["message"].as_str().unwrap().contains("`user.email`: expected a string"), "{body}");
    let (status, body) = curl(&base, &[&post[..], &["-d", "{nope"]].concat(), "/v1/users");
    assert_eq!(status, "400");
    assert_eq!(json(&body)["message"], "the request body is not JSON: key must be a string at line 1 column 2");
    // `response_body: "user"`: the answer is the field.
    let patch = ["-X", "PATCH", "-d", r#"{"displayName":"Ada"}"#];
    let (status, body) = curl(&base, &patch, "/v1/users/9");
    assert_eq!(status, "200", "{body}");
    assert_eq!(json(&body)["displayName"], "display_name", "{body}");
    assert!(json(&body).get("user").is_none(), "{body}");
    // `body: "*"` on a custom verb.
    let (status, body) = curl(&base, &["-X", "POST", "-d", r#"{"reason":"late"}"#], "/v1/orders/5:cancel");
    assert_eq!(status, "409", "CancelOrder answers ORDER_ALREADY_SHIPPED (idl.toml): {body}");
    // Unknown route, wrong verb, a body over the limit.
    let (status, body) = curl(&base, &[], "/v1/nope");
    assert_eq!(
        (status.as_str(), json(&body)),
        (
            "404",
            serde_json::json!({"code": 404, "reason": "NOT_FOUND", "message": "no route for GET /v1/nope", "metadata": {}})
        )
    );
    let (status, body) = curl(&base, &["-X", "DELETE", "-i"], "/v1/users/9");
    assert_eq!(status, "405");
    assert!(body.to_ascii_lowercase().contains("allow: get, patch"), "{body}");
    let big = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(big.path(), format!("{{\"email\":\"{}\"}}", "x".repeat(5 << 20))).unwrap();
    let (status, body) =
        curl(&base, &[&post[..], &["--data-binary", &format!("@{}", big.path().display())]].concat(), "/v1/users");
    assert_eq!(status, "413", "{body}");
    // The server goes on.
    let (status, _) = curl(&base, &[], "/v1/users/7");
    assert_eq!(status, "200");
    assert!(mock.stop().success());
}

#[test]
fn fixtures_and_business_errors_from_idl_toml() {
    let mock = Mock::start(&example(), &[]);
    let base = mock.url();
    // `when = { id = "42" }` answers mock/user-42.json.
    let (status, body) = curl(&base, &[], "/v1/users/42");
    assert_eq!(status, "200", "{body}");
    assert_eq!(json(&body)["user"]["displayName"], "Ada Lovelace");
    // USER_NOT_FOUND as Kratos answers it over HTTP: the error's status and body.
    let (status, body) = curl(&base, &[], "/v1/users/404");
    assert_eq!(
        (status.as_str(), json(&body)),
        (
            "404",
            serde_json::json!({
                "code": 404, "reason": "USER_NOT_FOUND", "message": "The user does not exist.", "metadata": {"id": "404"}
            })
        )
    );
    // `latency_ms = 50` on CancelOrder: a lower bound, not a timing test.
    let started = std::time::Instant::now();
    let (status, _) = curl(&base, &["-X", "POST", "-d", "{}"], "/v1/orders/1:cancel");
    assert_eq!(status, "409");
    assert!(started.elapsed() >= Duration::from_millis(50), "{:?}", started.elapsed());
    // Over gRPC, gRPC-Web and Connect, `idl call` prints the ErrorInfo.
    for protocol in ["grpc", "grpcweb", "connect", "http"] {
        let (code, _, stderr) = idl_call(
            &example(),
            &[&base, "acme.user.v1.UserService/GetUser", "-d", r#"{"id":"404"}"#, "--protocol", protocol],
        );
        assert_eq!(code, 1, "{protocol}: {stderr}");
        assert!(
            stderr.starts_with("idl call: NOT_FOUND: The user does not exist.\n  reason: USER_NOT_FOUND\n"),
            "{protocol}: {stderr}"
        );
        assert!(stderr.contains("  metadata id: 404"), "{protocol}: {stderr}");
    }
    if let Some(buf) = buf() {
        let url = format!("{base}/acme.user.v1.UserService/GetUser");
        let (code, _, stderr) = run(&buf, &["curl", "--http2-prior-knowledge", "-d", r#"{"id":"404"}"#, &url]);
        assert_ne!(code, 0);
        let error = json(&stderr);
        assert_eq!(error["code"], "not_found", "{stderr}");
        assert_eq!(error["details"][0]["type"], "google.rpc.ErrorInfo", "{stderr}");
    }
    let Some(python) = grpcio_python() else { return };
    // grpcio reads grpc-status-details-bin; the protobuf runtime decodes it with
    // google.rpc.Status and ErrorInfo declared here (no generated code needed).
    let script = r#"
import sys, grpc
from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory
file = descriptor_pb2.FileDescriptorProto(name="idl_test_rpc.proto", package="idltest.rpc", syntax="proto3",
                                         dependency=["google/protobuf/any.proto"])
status = file.message_type.add(name="Status")
status.field.add(name="code", number=1, type=5, label=1)
status.field.add(name="message", number=2, type=9, label=1)
status.field.add(name="details", number=3, type=11, label=3, type_name=".google.protobuf.Any")
info = file.message_type.add(name="ErrorInfo")
info.field.add(name="reason", number=1, type=9, label=1)
info.field.add(name="domain", number=2, type=9, label=1)
entry = info.nested_type.add(name="MetadataEntry")
entry.options.map_entry = True
entry.field.add(name="key", number=1, type=9, label=1)
entry.field.add(name="value", number=2, type=9, label=1)
info.field.add(name="metadata", number=3, type=11, label=3, type_name=".idltest.rpc.ErrorInfo.MetadataEntry")
pool = descriptor_pool.Default()
pool.Add(file)
Status = message_factory.GetMessageClass(pool.FindMessageTypeByName("idltest.rpc.Status"))
ErrorInfo = message_factory.GetMessageClass(pool.FindMessageTypeByName("idltest.rpc.ErrorInfo"))
channel = grpc.insecure_channel(sys.argv[1])
try:
    channel.unary_unary("/acme.user.v1.UserService/GetUser")(b"\x0a\x03404", timeout=10)
    print("no error")
except grpc.RpcError as error:
    details = dict(error.trailing_metadata())["grpc-status-details-bin"]
    decoded = Status.FromString(details)
    print(error.code().name, decoded.code, decoded.details[0].type_url)
    info = ErrorInfo.FromString(decoded.details[0].value)
    print(info.reason, info.domain, dict(info.metadata))
"#;
    let output = Command::new(&python).args(["-c", script, &mock.address]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        stdout,
        "NOT_FOUND 5 type.googleapis.com/google.rpc.ErrorInfo\nUSER_NOT_FOUND acme.user.v1 {'id': '404'}\n"
    );
}

fn grpcio_python() -> Option<PathBuf> {
    let python = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/idl-peers/venv/bin/python"))?;
    if Command::new(&python).args(["-c", "import grpc"]).status().is_ok_and(|s| s.success()) {
        Some(python)
    } else {
        eprintln!("skipped: Python grpcio is not installed (../shared/scripts/peers.sh installs it)");
        None
    }
}

#[test]
fn idl_call_over_http_uses_the_binding() {
    let mock = Mock::start(&example(), &[]);
    // GET /v1/users/42: the fixture only that path's id gets.
    let (code, stdout, stderr) = idl_call(
        &example(),
        &[
            &mock.url(),
            "acme.user.v1.UserService/GetUser",
            "-d",
            r#"{"id":"42"}"#,
            "--protocol",
            "http",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json(stdout.trim())["user"]["displayName"], "Ada Lovelace");
    // response_body: the answer is the User, read back into UpdateUserResponse.
    let (code, stdout, stderr) = idl_call(
        &example(),
        &[
            &mock.url(),
            "acme.user.v1.UserService/UpdateUser",
            "-d",
            r#"{"user":{"id":"9","displayName":"Ada"}}"#,
            "--protocol",
            "http",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json(stdout.trim())["user"]["email"], "email");
    // A request that cannot fill the path is a usage error.
    let (code, _, stderr) =
        idl_call(&example(), &[&mock.url(), "acme.user.v1.UserService/GetUser", "--protocol", "http"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("[CALL] the request has no `id`, which the route GET /v1/users/{id} needs"), "{stderr}");
    // Against a server that is not idl: Python's http.server records what it got.
    let script = r#"
import http.server, json, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length).decode()
        print(self.command, self.path, body, flush=True)
        payload = json.dumps({"users": [{"id": "1"}], "nextPageToken": "n"}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
    do_GET = answer
    do_POST = answer
    do_PATCH = answer
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
for _ in range(3):
    server.handle_request()
"#;
    let mut server = Command::new("python3").args(["-c", script]).stdout(Stdio::piped()).spawn().unwrap();
    let mut reader = BufReader::new(server.stdout.take().unwrap());
    let mut port = String::new();
    reader.read_line(&mut port).unwrap();
    let url = format!("http://127.0.0.1:{}", port.trim());
    let calls: [(&str, &str); 3] = [
        ("acme.user.v1.UserService/ListUsers", r#"{"pageSize":5,"pageToken":"a b"}"#),
        ("acme.user.v1.UserService/CreateUser", r#"{"user":{"email":"ada@example.com"}}"#),
        (
            "acme.user.v1.UserService/UpdateUser",
            r#"{"user":{"id":"u/1","displayName":"Ada"},"updateMask":"displayName"}"#,
        ),
    ];
    let mut codes = Vec::new();
    for (method, data) in calls {
        let (code, _, stderr) = idl_call(&example(), &[&url, method, "-d", data, "--protocol", "http"]);
        codes.push((code, stderr));
    }
    let mut seen = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        seen.push(line.trim_end().to_string());
    }
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(codes[0], (0, String::new()));
    assert_eq!(
        seen,
        [
            "GET /v1/users?page_size=5&page_token=a+b",
            r#"POST /v1/users {"email":"ada@example.com"}"#,
            r#"PATCH /v1/users/u%2F1?update_mask=displayName {"displayName":"Ada"}"#,
        ]
    );
}

/// `testdata/example` in a scratch directory with `idl.toml` replaced by `config`.
fn example_with_config(config: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let copy = Command::new("cp")
        .arg("-r")
        .arg(example().join("proto"))
        .arg(example().join("third_party"))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(copy.success());
    std::fs::write(dir.path().join("idl.toml"), config).unwrap();
    for (name, text) in files {
        std::fs::create_dir_all(dir.path().join(name).parent().unwrap()).unwrap();
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn bad_mock_config_is_a_located_error_at_start_up() {
    let config = r#"roots = ["proto"]
import_paths = ["third_party"]

[[mock.responses]]
method = "acme.user.v1.UserService/GetUser"
file = "mock/bad.json"

[[mock.responses]]
method = "acme.user.v1.UserService/GetUser"
error = "USER_GONE"

[[mock.responses]]
method = "acme.user.v1.UserService/Nope"
"#;
    let dir = example_with_config(config, &[("mock/bad.json", "{\n  \"user\": {\n    \"id\": 7\n  }\n}\n")]);
    let output = Command::new(idl_binary())
        .current_dir(dir.path())
        .args(["mock", "--listen", "127.0.0.1:0", "--format", "short"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains("mock/bad.json:3:11: [MOCK] fixture for acme.user.v1.GetUserResponse: `user.id`: expected a string, found integer `7`"),
        "{text}"
    );
    assert!(
        text.contains("idl.toml:10:9: [MOCK] [mock] responses: no business error `USER_GONE` in the error table; acme.user.v1's are USER_NOT_FOUND, USER_ALREADY_EXISTS, EMAIL_INVALID, USER_SUSPENDED"),
        "{text}"
    );
    assert!(
        text.contains(
            "idl.toml:13:10: [MOCK] [mock] responses: no method acme.user.v1.UserService/Nope in the workspace"
        ),
        "{text}"
    );
    assert!(!text.contains("serving"), "{text}");
}
