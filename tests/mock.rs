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
        r#"{"code":"invalid_argument","message":"invalid acme.user.v1.GetUserRequest request: unrecognized field name 'nope' at line 1 column 7"}"#
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
