//! `idl lsp` driven by a scripted client: the built binary, spoken to in
//! JSON-RPC over its stdin and stdout, as an editor would. Run with
//! `--nocapture` to see the exchange.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Generous: the machine running the tests may be busy.
const TIMEOUT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    /// The exchange, one line per message, for the test's output.
    transcript: Vec<String>,
}

impl Client {
    fn spawn(dir: &Path) -> Client {
        Client::spawn_with(dir, &[])
    }

    fn spawn_with(dir: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_idl"))
            .arg("lsp")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn idl lsp");
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Client { child, stdin, messages, next_id: 0, transcript: Vec::new() }
    }

    fn write(&mut self, message: &Value) {
        self.transcript.push(format!("--> {}", trimmed(message)));
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    /// Sends bytes as they are, framing or not.
    fn write_raw(&mut self, bytes: &[u8]) {
        self.transcript.push(format!("--> (raw) {:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(80)])));
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// The next error answered to no request (`"id": null`).
    fn framing_error(&mut self) -> Value {
        self.wait_for("an error with id null", |m| m.get("id") == Some(&Value::Null) && m.get("error").is_some())
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (other messages on the way are logged).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.write(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(&format!("the response to {method}"), |m| m["id"] == id && m.get("method").is_none())
    }

    /// Reads messages until one satisfies `wanted`.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) => {
                    self.transcript.push(format!("<-- {}", trimmed(&message)));
                    if wanted(&message) {
                        return message;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {what} within {TIMEOUT:?}\n{}", self.transcript.join("\n"))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("server closed stdout before {what}\n{}", self.transcript.join("\n"))
                }
            }
        }
    }

    /// The next diagnostics published for `uri` with this document version.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let what = format!("diagnostics for {uri} version {version}");
        let message = self.wait_for(&what, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }
}

impl Client {
    /// The next diagnostics published for each of `documents` (URI and version),
    /// in whatever order they come.
    fn diagnostics_of_each(&mut self, documents: &[(&str, i64)]) -> Vec<Vec<Value>> {
        let mut found: Vec<Option<Vec<Value>>> = vec![None; documents.len()];
        while found.iter().any(Option::is_none) {
            let message = self.wait_for("diagnostics", |m| m["method"] == "textDocument/publishDiagnostics");
            let params = &message["params"];
            if let Some(i) =
                documents.iter().position(|(uri, version)| params["uri"] == *uri && params["version"] == *version)
            {
                found[i] = Some(params["diagnostics"].as_array().unwrap().clone());
            }
        }
        found.into_iter().map(Option::unwrap).collect()
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A message for the transcript: long strings (document texts) shortened.
fn trimmed(message: &Value) -> String {
    fn trim(value: &Value) -> Value {
        match value {
            Value::String(s) if s.chars().count() > 60 => {
                Value::String(format!("{}…", s.chars().take(60).collect::<String>()))
            }
            Value::Array(items) => Value::Array(items.iter().map(trim).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), trim(v))).collect()),
            other => other.clone(),
        }
    }
    trim(message).to_string()
}

fn utf16_len(s: &str) -> u64 {
    s.encode_utf16().count() as u64
}

/// Applies LSP text edits (UTF-16 positions) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| -> usize {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap();
        let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, ch) in text[line_start..].char_indices() {
            if units >= character || ch == '\n' {
                return line_start + i;
            }
            units += ch.len_utf16() as u64;
        }
        text.len()
    };
    let mut ranges: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap()))
        .collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut result = text.to_string();
    for (start, end, replacement) in ranges {
        result.replace_range(start..end, replacement);
    }
    result
}

fn file_uri(path: &Path) -> String {
    // The test's paths are plain ASCII, so no escaping is needed.
    format!("file://{}", path.display())
}

/// On disk: `Hello`. In the open buffer: `Hello` with two badly named fields,
/// the first after CJK text and an emoji on the same line, and `Extra`, which
/// only the buffer has.
const HELLO_ON_DISK: &str = "syntax = \"proto3\";\n\npackage demo.v1;\n\nmessage Hello {\n  string name = 1;\n}\n";
const BAD_LINE_PREFIX: &str = "  /* 名前 😀 */ string ";
const HELLO_BUFFER: &str = "syntax = \"proto3\";\n\npackage demo.v1;\n\nmessage Hello {\n  string name = 1;\n  /* 名前 😀 */ string fooBar = 2;\n  string BazQux = 3;\n}\n\nmessage  Extra {}\n";
/// Never saved; imports hello.proto and uses what only its buffer declares.
const OTHER_BUFFER: &str = "syntax = \"proto3\";\n\npackage demo.v1;\n\nimport \"demo/v1/hello.proto\";\n\nmessage Other {\n  Extra extra = 1;\n}\n";

#[test]
fn lsp_session_diagnostics_formatting_code_actions_and_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("idl.toml"), "roots = [\"proto\"]\n").unwrap();
    std::fs::create_dir_all(root.join("proto/demo/v1")).unwrap();
    std::fs::write(root.join("proto/demo/v1/hello.proto"), HELLO_ON_DISK).unwrap();
    let hello = file_uri(&root.join("proto/demo/v1/hello.proto"));
    let other = file_uri(&root.join("proto/demo/v1/other.proto"));

    let mut client = Client::spawn(&root);
    let initialized = client.request(
        "initialize",
        json!({"processId": null, "capabilities": {}, "workspaceFolders": [{"uri": file_uri(&root), "name": "ws"}]}),
    );
    let capabilities = &initialized["result"]["capabilities"];
    assert_eq!(capabilities["documentFormattingProvider"], true, "{initialized}");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental sync: {initialized}");
    client.notify("initialized", json!({}));

    // 1. The lint finding after CJK text lands at its UTF-16 column.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": hello, "languageId": "proto", "version": 1, "text": HELLO_BUFFER}}),
    );
    let diagnostics = client.diagnostics(&hello, 1);
    let field = diagnostics
        .iter()
        .find(|d| d["code"] == "FIELD_LOWER_SNAKE_CASE" && d["range"]["start"]["line"] == 6)
        .unwrap_or_else(|| panic!("no FIELD_LOWER_SNAKE_CASE on line 7 in {diagnostics:?}"));
    let column = utf16_len(BAD_LINE_PREFIX);
    // Characters, UTF-16 units and bytes all differ before the field name.
    assert_ne!(column, BAD_LINE_PREFIX.chars().count() as u64);
    assert_ne!(column, BAD_LINE_PREFIX.len() as u64);
    assert_eq!(
        field["range"],
        json!({"start": {"line": 6, "character": column}, "end": {"line": 6, "character": column + 6}})
    );
    assert_eq!(field["severity"], 1);
    assert_eq!(field["source"], "idl");

    // 2. An unsaved file sees the other buffer, not the file on disk.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": other, "languageId": "proto", "version": 1, "text": OTHER_BUFFER}}),
    );
    let other_diagnostics = client.diagnostics(&other, 1);
    assert!(other_diagnostics.iter().all(|d| d["code"] != "COMPILE"), "{other_diagnostics:?}");

    // 3. Formatting gives edits that turn the buffer into what `idl format` prints.
    let formatting = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": hello}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    let edits = formatting["result"].as_array().unwrap_or_else(|| panic!("{formatting}"));
    assert!(!edits.is_empty());
    let formatted = apply(HELLO_BUFFER, edits);
    let expected = assert_cmd::Command::new(env!("CARGO_BIN_EXE_idl"))
        .args(["format", "-"])
        .write_stdin(HELLO_BUFFER)
        .output()
        .unwrap();
    assert_eq!(formatted, String::from_utf8(expected.stdout).unwrap());

    // 4. Code actions on the second finding: the ignore comment on the line above.
    let second = diagnostics
        .iter()
        .find(|d| d["code"] == "FIELD_LOWER_SNAKE_CASE" && d["range"]["start"]["line"] == 7)
        .unwrap_or_else(|| panic!("no FIELD_LOWER_SNAKE_CASE on line 8 in {diagnostics:?}"))
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": hello}, "range": second["range"], "context": {"diagnostics": [second]}}),
    );
    let actions = actions["result"].as_array().unwrap_or_else(|| panic!("{actions}")).clone();
    let ignore = actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.contains("idl:lint:ignore")))
        .unwrap_or_else(|| panic!("no ignore action in {actions:?}"));
    assert_eq!(ignore["kind"], "quickfix");
    assert_eq!(ignore["diagnostics"][0]["code"], "FIELD_LOWER_SNAKE_CASE");
    let ignore_edits = ignore["edit"]["changes"][&hello].as_array().unwrap();
    assert_eq!(
        ignore_edits[0],
        json!({"range": {"start": {"line": 7, "character": 0}, "end": {"line": 7, "character": 0}},
               "newText": "  // idl:lint:ignore FIELD_LOWER_SNAKE_CASE\n"})
    );
    // On the first finding, a comment line above would be detached from the field
    // by the block comment before it, so it would ignore nothing: not offered.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": hello}, "range": field["range"], "context": {"diagnostics": [field]}}),
    );
    assert_eq!(actions["result"], json!([]), "{actions}");

    // 5. Fixing both names (incremental changes) clears the findings.
    let name_at = |line: u64, start: u64| json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": start + 6}});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": hello, "version": 2}, "contentChanges": [
            {"range": name_at(6, column), "text": "foo_bar"},
            {"range": name_at(7, 9), "text": "baz_qux"},
        ]}),
    );
    // The open importer is checked again too.
    let [diagnostics, other_diagnostics] = &client.diagnostics_of_each(&[(&hello, 2), (&other, 1)])[..] else {
        unreachable!()
    };
    assert_eq!(diagnostics, &Vec::<Value>::new());
    assert_eq!(other_diagnostics, &Vec::<Value>::new());

    // 6. A syntax error is a COMPILE diagnostic, not a crash; so is garbage.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": hello, "version": 3}, "contentChanges": [{"text": "syntax = \"proto3\";\nmessage {"}]}),
    );
    let [diagnostics, other_diagnostics] = &client.diagnostics_of_each(&[(&hello, 3), (&other, 1)])[..] else {
        unreachable!()
    };
    assert!(diagnostics.iter().any(|d| d["code"] == "COMPILE" && d["range"]["start"]["line"] == 1), "{diagnostics:?}");
    // The open importer sees the broken buffer too, at its import statement.
    let broken = other_diagnostics
        .iter()
        .find(|d| d["code"] == "COMPILE")
        .unwrap_or_else(|| panic!("no COMPILE in {other_diagnostics:?}"));
    assert_eq!(broken["range"]["start"], json!({"line": 4, "character": 7}), "{broken}");
    assert!(broken["message"].as_str().unwrap().starts_with("proto/demo/v1/hello.proto:2:9: "), "{broken}");
    let bad = client.request("textDocument/formatting", json!({"textDocument": 42}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let none = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": hello}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(none["result"], Value::Null, "a file that does not parse is not formatted: {none}");

    // 7. Shutdown, then exit: exit code 0.
    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    client.notify("exit", Value::Null);
    drop(client.stdin.take());
    let status = wait_with_timeout(&mut client.child);
    println!("{}", client.transcript.join("\n"));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn lsp_exit_without_shutdown_is_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::spawn(dir.path());
    client.request("initialize", json!({"capabilities": {}}));
    client.notify("initialized", json!({}));
    client.notify("exit", Value::Null);
    drop(client.stdin.take());
    assert_eq!(wait_with_timeout(&mut client.child).code(), Some(1));
}

fn wait_with_timeout(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("idl lsp did not exit within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The peak resident memory of a running process in KiB (Linux), if known.
fn peak_rss_kib(child: &Child) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A header claiming `claimed` bytes is answered with an error at once, without
/// allocating the claim; the server then skips (never holds) the body, and when
/// the client goes away it exits as for any client that leaves without `exit`.
fn huge_content_length_is_answered(claimed: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::spawn(dir.path());
    client.request("initialize", json!({"capabilities": {}}));
    client.write_raw(format!("Content-Length: {claimed}\r\n\r\n{{\"jsonrpc\":\"2.0\",\"method\":\"x\"}}").as_bytes());
    let error = client.framing_error();
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert_eq!(
        error["error"]["message"],
        format!(
            "message of {claimed} bytes exceeds the limit of 67108864 bytes (idl lsp --max-message-bytes); skipped"
        )
    );
    if let Some(peak) = peak_rss_kib(&client.child) {
        assert!(peak < 200 * 1024, "peak RSS {peak} KiB after a {claimed}-byte claim");
    }
    drop(client.stdin.take());
    assert_eq!(wait_with_timeout(&mut client.child).code(), Some(1), "no panic (101) or abort (134)");
}

#[test]
fn lsp_content_length_18446744073709551615_is_answered_not_a_panic() {
    huge_content_length_is_answered("18446744073709551615");
}

#[test]
fn lsp_content_length_99999999999999_is_answered_not_an_abort() {
    huge_content_length_is_answered("99999999999999");
}

#[test]
fn lsp_content_length_8000000000_is_answered_without_allocating() {
    huge_content_length_is_answered("8000000000");
}

#[test]
fn lsp_oversized_message_is_skipped_and_the_server_reads_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::spawn_with(dir.path(), &["--max-message-bytes", "300"]);
    let body = json!({"jsonrpc": "2.0", "method": "big", "params": "x".repeat(400)}).to_string();
    client.write_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    let error = client.framing_error();
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("exceeds the limit of 300 bytes"), "{error}");
    let initialized = client.request("initialize", json!({"capabilities": {}}));
    assert!(initialized["result"]["capabilities"].is_object(), "{initialized}");
}

#[test]
fn lsp_malformed_frames_are_answered_and_the_server_reads_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::spawn(dir.path());
    // 2^64 does not fit any length; a body that is not JSON; JSON that is not a message.
    client.write_raw(b"Content-Length: 18446744073709551616\r\n\r\n");
    let error = client.framing_error();
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert_eq!(
        error["error"]["message"],
        "malformed message header: Content-Length \"18446744073709551616\" is not a byte count"
    );
    client.write_raw(b"Content-Length: 9\r\n\r\n{not json");
    let error = client.framing_error();
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert!(error["error"]["message"].as_str().unwrap().starts_with("message body is not JSON"), "{error}");
    client.write_raw(b"Content-Length: 2\r\n\r\n[]");
    assert_eq!(client.framing_error()["error"]["code"], -32600);
    client.write_raw(b"Content-Type: x\r\n\r\n");
    assert_eq!(client.framing_error()["error"]["message"], "malformed message header: no Content-Length");
    let initialized = client.request("initialize", json!({"capabilities": {}}));
    assert!(initialized["result"]["capabilities"].is_object(), "{initialized}");
    client.notify("initialized", json!({}));
    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    client.notify("exit", Value::Null);
    drop(client.stdin.take());
    assert_eq!(wait_with_timeout(&mut client.child).code(), Some(0));
}

// ---- navigation, explanation and refactoring over the workspace index ----

/// The 0-based line and UTF-16 column of the `nth` (0-based) occurrence of
/// `needle` in `text`, plus `shift` characters.
fn find_pos(text: &str, needle: &str, nth: usize, shift: usize) -> Value {
    let offset = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("no {needle:?} #{nth}")).0;
    let offset = offset + needle[..shift.min(needle.len())].len();
    let line = text[..offset].matches('\n').count();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": utf16_len(&text[line_start..offset])})
}

/// The range of `word` inside the first occurrence of `context`.
fn word_in(text: &str, context: &str, word: &str) -> Value {
    let shift = context.find(word).unwrap();
    let start = find_pos(text, context, 0, shift);
    let end = json!({"line": start["line"], "character": start["character"].as_u64().unwrap() + utf16_len(word)});
    json!({"start": start, "end": end})
}

/// The range of the `nth` occurrence of `needle`.
fn find_range(text: &str, needle: &str, nth: usize) -> Value {
    json!({"start": find_pos(text, needle, nth, 0), "end": find_pos(text, needle, nth, needle.len())})
}

fn example_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/example").canonicalize().unwrap()
}

impl Client {
    fn initialize_in(&mut self, root: &Path) -> Value {
        let initialized = self.request(
            "initialize",
            json!({"processId": null, "workspaceFolders": [{"uri": file_uri(root), "name": "ws"}],
                   "capabilities": {"window": {"workDoneProgress": true},
                                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}),
        );
        self.notify("initialized", json!({}));
        initialized
    }

    /// Opens `path` with its text on disk and waits for its first diagnostics.
    fn open(&mut self, path: &Path) -> String {
        let text = std::fs::read_to_string(path).unwrap();
        let uri = file_uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "proto", "version": 1, "text": text}}),
        );
        self.diagnostics(&uri, 1);
        text
    }

    fn at(&mut self, method: &str, path: &Path, position: Value, extra: Value) -> Value {
        let mut params = json!({"textDocument": {"uri": file_uri(path)}, "position": position});
        if let (Value::Object(params), Value::Object(extra)) = (&mut params, extra) {
            params.extend(extra);
        }
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    fn whole(&mut self, method: &str, path: &Path) -> Value {
        let response = self.request(method, json!({"textDocument": {"uri": file_uri(path)}}));
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// Waits until the background index reports it is done.
    fn indexed(&mut self) -> Value {
        self.wait_for("the end of indexing", |m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
    }
}

fn location(path: &Path, range: Value) -> Value {
    json!({"uri": file_uri(path), "range": range})
}

#[test]
fn lsp_navigation_on_the_example_workspace() {
    let root = example_dir();
    let order_path = root.join("proto/acme/order/v1/order.proto");
    let user_path = root.join("proto/acme/user/v1/user.proto");
    let user = std::fs::read_to_string(&user_path).unwrap();
    let mut client = Client::spawn(&root);
    let initialized = client.initialize_in(&root);
    let capabilities = &initialized["result"]["capabilities"];
    for provider in [
        "definitionProvider",
        "typeDefinitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "hoverProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "foldingRangeProvider",
    ] {
        assert_eq!(capabilities[provider], true, "{provider}: {initialized}");
    }
    assert_eq!(capabilities["renameProvider"]["prepareProvider"], true);
    // The background index reports its progress.
    let begin = client.wait_for("progress begin", |m| m["method"] == "$/progress");
    assert_eq!(begin["params"]["value"]["kind"], "begin", "{begin}");
    let end = client.indexed();
    assert!(end["params"]["value"]["message"].as_str().unwrap().starts_with("indexed "), "{end}");
    let order = client.open(&order_path);

    // definition: a type in another file, a nested type, an import, a well-known type.
    let buyer_type = find_pos(&order, "acme.user.v1.User buyer", 0, 14);
    assert_eq!(
        client.at("textDocument/definition", &order_path, buyer_type.clone(), json!({})),
        location(&user_path, word_in(&user, "message User {", "User"))
    );
    let line_item = find_pos(&order, "Order.LineItem items", 0, 8);
    assert_eq!(
        client.at("textDocument/definition", &order_path, line_item, json!({})),
        location(&order_path, word_in(&order, "message LineItem", "LineItem"))
    );
    let import = find_pos(&order, "acme/user/v1/user.proto", 0, 3);
    assert_eq!(
        client.at("textDocument/definition", &order_path, import, json!({})),
        location(&user_path, json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}))
    );
    let timestamp = find_pos(&order, "google.protobuf.Timestamp", 0, 17);
    let wkt = client.at("textDocument/definition", &order_path, timestamp, json!({}));
    assert!(wkt["uri"].as_str().unwrap().ends_with("/google/protobuf/timestamp.proto"), "{wkt}");
    let wkt_path = Path::new(wkt["uri"].as_str().unwrap().strip_prefix("file://").unwrap());
    let wkt_text = std::fs::read_to_string(wkt_path).unwrap();
    assert_eq!(wkt["range"], word_in(&wkt_text, "message Timestamp {", "Timestamp"));

    // typeDefinition: from a field's name to its message.
    let buyer_name = find_pos(&order, "buyer = 2", 0, 1);
    assert_eq!(
        client.at("textDocument/typeDefinition", &order_path, buyer_name, json!({})),
        location(&user_path, word_in(&user, "message User {", "User"))
    );

    // references of Order, with and without its declaration.
    let order_decl = find_pos(&order, "message Order {", 0, 9);
    let uses: Vec<Value> = (0..3)
        .map(|n| {
            let start = find_pos(&order, "  Order order = 1;", n, 2);
            let end = find_pos(&order, "  Order order = 1;", n, 7);
            location(&order_path, json!({"start": start, "end": end}))
        })
        .collect();
    let with = client.at(
        "textDocument/references",
        &order_path,
        order_decl.clone(),
        json!({"context": {"includeDeclaration": true}}),
    );
    let mut expected = vec![location(&order_path, word_in(&order, "message Order {", "Order"))];
    expected.extend(uses.iter().cloned());
    assert_eq!(with, json!(expected));
    let without = client.at(
        "textDocument/references",
        &order_path,
        order_decl.clone(),
        json!({"context": {"includeDeclaration": false}}),
    );
    assert_eq!(without, json!(uses));
    // User is used in the other package too: workspace-wide (once in order.proto,
    // on every line of user.proto with " User " but its declaration).
    let user_refs = client.at(
        "textDocument/references",
        &order_path,
        buyer_type,
        json!({"context": {"includeDeclaration": false}}),
    );
    let files: std::collections::BTreeSet<&str> =
        user_refs.as_array().unwrap().iter().map(|l| l["uri"].as_str().unwrap()).collect();
    assert_eq!(files.len(), 2, "{user_refs}");
    assert_eq!(user_refs.as_array().unwrap().len(), user.matches(" User ").count(), "{user_refs}");

    // documentHighlight: the declaration is written, the uses read.
    let highlights = client.at("textDocument/documentHighlight", &order_path, order_decl.clone(), json!({}));
    let kinds: Vec<u64> = highlights.as_array().unwrap().iter().map(|h| h["kind"].as_u64().unwrap()).collect();
    assert_eq!(kinds, vec![3, 2, 2, 2], "{highlights}");

    // hover: comment, full name, number and JSON name.
    let hover = client.at("textDocument/hover", &order_path, find_pos(&order, "create_time", 0, 2), json!({}));
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(
        hover["contents"]["value"],
        "```proto\ngoogle.protobuf.Timestamp create_time = 7\n```\n\n---\n`acme.order.v1.Order.create_time` (field) in \
         `acme/order/v1/order.proto`  \nfield number 7 · JSON name `createTime`"
    );
    assert_eq!(hover["range"], find_range(&order, "create_time", 0));
    let hover = client.at("textDocument/hover", &order_path, find_pos(&order, "CreateOrder(", 0, 1), json!({}));
    assert_eq!(
        hover["contents"]["value"],
        "```proto\nrpc CreateOrder(acme.order.v1.CreateOrderRequest) returns (acme.order.v1.CreateOrderResponse)\n```\n\n\
         Places an order for the calling user.\n\n---\n`acme.order.v1.OrderService.CreateOrder` (rpc) in \
         `acme/order/v1/order.proto`"
    );

    // documentSymbol: a tree.
    let symbols = client.whole("textDocument/documentSymbol", &order_path);
    let top: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        top,
        [
            "OrderService",
            "Order",
            "OrderStatus",
            "CreateOrderRequest",
            "CreateOrderResponse",
            "GetOrderRequest",
            "GetOrderResponse",
            "CancelOrderRequest",
            "CancelOrderResponse"
        ]
    );
    let order_symbol = &symbols[1];
    assert_eq!(order_symbol["detail"], "acme.order.v1.Order");
    assert_eq!(order_symbol["selectionRange"], word_in(&order, "message Order {", "Order"));
    let children: Vec<&str> =
        order_symbol["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        children,
        ["id", "buyer", "items", "status", "total_minor_units", "currency_code", "create_time", "LineItem"]
    );
    assert_eq!(order_symbol["children"][7]["children"][0]["detail"], "acme.order.v1.Order.LineItem.sku");

    // workspace/symbol: across files.
    let found = client.request("workspace/symbol", json!({"query": "UserState"}));
    let names: Vec<&str> = found["result"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names[0], "acme.user.v1.UserState", "{found}");
    assert_eq!(found["result"][0]["location"], location(&user_path, word_in(&user, "enum UserState", "UserState")));

    // prepareRename and rename: a message across files; a field is refused, then forced.
    let prepared = client.at(
        "textDocument/prepareRename",
        &order_path,
        find_pos(&order, "acme.user.v1.User buyer", 0, 14),
        json!({}),
    );
    assert_eq!(prepared, json!({"range": find_range(&order, "User", 0), "placeholder": "User"}));
    let edit = client.at("textDocument/rename", &order_path, order_decl.clone(), json!({"newName": "Purchase"}));
    let edits = edit["changes"][file_uri(&order_path)].as_array().unwrap();
    assert_eq!(edits.len(), 5, "{edit}");
    assert_eq!(apply(&order, edits).matches("Purchase").count(), 5);
    assert!(apply(&order, edits).contains("repeated Purchase.LineItem items = 1;"));
    let refused = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": file_uri(&order_path)}, "position": find_pos(&order, "buyer = 2", 0, 0), "newName": "owner"}),
    );
    assert_eq!(
        refused["error"]["message"],
        "renaming field `buyer` changes its JSON name `buyer`: JSON clients and field masks break (the wire format \
         keeps the number); to rename anyway, end the new name with `!` (`owner!`)"
    );
    let forced = client.at(
        "textDocument/rename",
        &order_path,
        find_pos(&order, "buyer = 2", 0, 0),
        json!({"newName": "owner!"}),
    );
    assert_eq!(
        forced["changes"][file_uri(&order_path)],
        json!([{"range": find_range(&order, "buyer", 0), "newText": "owner"}])
    );

    // foldingRange: messages, services and the imports (user.proto, google/api, timestamp).
    let folds = client.whole("textDocument/foldingRange", &order_path);
    let order_line = find_pos(&order, "message Order {", 0, 0)["line"].as_u64().unwrap();
    assert!(
        folds.as_array().unwrap().iter().any(|f| f["startLine"] == order_line && f["endLine"] == order_line + 17),
        "{folds}"
    );
    assert!(
        folds.as_array().unwrap().iter().any(|f| f["kind"] == "imports" && f["startLine"] == 4 && f["endLine"] == 6)
    );

    // documentLink: each import to its file.
    let links = client.whole("textDocument/documentLink", &order_path);
    assert_eq!(links[0]["target"], file_uri(&user_path));
    assert_eq!(links[0]["range"], find_range(&order, "acme/user/v1/user.proto", 0));

    // semanticTokens: Order's declaration is a struct (1) with the declaration modifier.
    let tokens = client.whole("textDocument/semanticTokens/full", &order_path);
    let decoded = decode_tokens(tokens["data"].as_array().unwrap());
    let at = find_pos(&order, "message Order {", 0, 8);
    let token = decoded.iter().find(|t| t.0 == at["line"] && t.1 == at["character"]).expect("a token at Order");
    assert_eq!((token.2, token.3, token.4), (5, 1, 1), "{token:?}");
    let keyword = decoded.iter().find(|t| t.0 == at["line"] && t.1 == 0).unwrap();
    assert_eq!((keyword.2, keyword.3), (7, 7), "`message` is a keyword");

    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
}

/// (line, start, length, type, modifiers) of each semantic token.
fn decode_tokens(data: &[Value]) -> Vec<(u64, u64, u64, u64, u64)> {
    let mut out = Vec::new();
    let (mut line, mut start) = (0, 0);
    for chunk in data.chunks(5) {
        let n: Vec<u64> = chunk.iter().map(|v| v.as_u64().unwrap()).collect();
        if n[0] > 0 {
            line += n[0];
            start = n[1];
        } else {
            start += n[1];
        }
        out.push((line, start, n[2], n[3], n[4]));
    }
    out
}

#[test]
fn lsp_errors_and_option_extensions_on_the_kratos_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/errors/kratos").canonicalize().unwrap();
    let path = root.join("api/user/v1/error_reason.proto");
    let options_path = root.join("third_party/errors/errors.proto");
    let options = std::fs::read_to_string(&options_path).unwrap();
    let mut client = Client::spawn(&root);
    client.initialize_in(&root);
    let text = client.open(&path);
    // hover on an error value: its code, status and reason, and deprecation.
    let hover = client.at("textDocument/hover", &path, find_pos(&text, "USER_NOT_FOUND = 0", 0, 3), json!({}));
    assert_eq!(
        hover["contents"]["value"],
        "```proto\nUSER_NOT_FOUND = 0\n```\n\n用户不存在。请检查用户 ID 是否正确。\n\n---\n`user.v1.USER_NOT_FOUND` (enum value) \
         in `user/v1/error_reason.proto`  \nerror: HTTP 404 · gRPC `NOT_FOUND` · reason `USER_NOT_FOUND` · business \
         code 101001000"
    );
    let hover = client.at("textDocument/hover", &path, find_pos(&text, "PASSWORD_WRONG = 6", 0, 3), json!({}));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("\n**Deprecated.**\n"), "{hover}");
    // definition of an extension used as an option, on an enum and on a value.
    let value_option = find_pos(&text, "(errors.code) = 404", 0, 9);
    assert_eq!(
        client.at("textDocument/definition", &path, value_option, json!({})),
        location(&options_path, word_in(&options, "int32 code = 1109", "code"))
    );
    let enum_option = find_pos(&text, "(errors.default_code)", 0, 10);
    assert_eq!(
        client.at("textDocument/definition", &path, enum_option, json!({})),
        location(&options_path, word_in(&options, "int32 default_code", "default_code"))
    );
    // An error reason in a comment goes to its enum value.
    let reason = find_pos(&text, "请改用 LOGIN_EXPIRED", 0, "请改用 LOGIN".len());
    assert_eq!(
        client.at("textDocument/definition", &path, reason, json!({})),
        location(&path, word_in(&text, "LOGIN_EXPIRED = 4", "LOGIN_EXPIRED"))
    );
}

/// A workspace of its own: HTTP annotations (from the vendored google-api) and
/// a file that changes on disk.
fn http_workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let google_api = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/google-api").canonicalize().unwrap();
    std::fs::write(
        root.join("idl.toml"),
        format!("roots = [\"proto\"]\nimport_paths = [{:?}]\n", google_api.display().to_string()),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("proto/shop/v1")).unwrap();
    std::fs::write(root.join("proto/shop/v1/shop.proto"), SHOP).unwrap();
    std::fs::write(root.join("proto/shop/v1/money.proto"), MONEY).unwrap();
    (dir, root)
}

const SHOP: &str = "syntax = \"proto3\";\n\npackage shop.v1;\n\nimport \"google/api/annotations.proto\";\n\n\
service ShopService {\n  // Reads one shelf.\n  rpc GetShelf(GetShelfRequest) returns (Shelf) {\n    option (google.api.http) = {get: \"/v1/{name=shelves/*}/books/{book.id}\"};\n  }\n}\n\n\
message Book {\n  string id = 1;\n}\n\nmessage GetShelfRequest {\n  string name = 1;\n  Book book = 2;\n}\n\n\
message Shelf {\n  string name = 1;\n  \n}\n";
const MONEY: &str = "syntax = \"proto3\";\n\npackage shop.v1;\n\nmessage Money {\n  int64 units = 1;\n}\n";

#[test]
fn lsp_http_routes_completion_and_files_changed_on_disk() {
    let (_dir, root) = http_workspace();
    let shop_path = root.join("proto/shop/v1/shop.proto");
    let money_path = root.join("proto/shop/v1/money.proto");
    let mut client = Client::spawn(&root);
    client.initialize_in(&root);
    client.indexed();
    let shop = client.open(&shop_path);

    // An HTTP path variable goes to the request field; a dotted one to each field.
    let variable = find_pos(&shop, "{name=shelves", 0, 2);
    assert_eq!(
        client.at("textDocument/definition", &shop_path, variable, json!({})),
        location(&shop_path, word_in(&shop, "string name = 1;\n  Book", "name"))
    );
    let nested = find_pos(&shop, "{book.id}", 0, 6);
    assert_eq!(
        client.at("textDocument/definition", &shop_path, nested, json!({})),
        location(&shop_path, word_in(&shop, "string id = 1;", "id"))
    );
    // hover of an RPC shows its route.
    let hover = client.at("textDocument/hover", &shop_path, find_pos(&shop, "GetShelf(", 0, 1), json!({}));
    assert!(
        hover["contents"]["value"].as_str().unwrap().ends_with("\nHTTP `GET /v1/{name=shelves/*}/books/{book.id}`"),
        "{hover}"
    );

    // Completion: a type from a file not imported yet comes with its import.
    let blank = find_pos(&shop, "  \n}\n", 0, 2);
    let items = client.at("textDocument/completion", &shop_path, blank.clone(), json!({}));
    let money = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "Money")
        .unwrap_or_else(|| panic!("no Money in {items}"));
    assert_eq!(
        money["additionalTextEdits"],
        json!([{"range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}},
                "newText": "import \"shop/v1/money.proto\";\n"}])
    );
    let labels = |items: &Value| -> Vec<String> {
        items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
    };
    let all = labels(&items);
    for wanted in ["Book", "repeated", "message", "string"] {
        assert!(all.iter().any(|l| l == wanted), "{wanted} missing from {all:?}");
    }
    // …the next free field number after `name =`…
    let typed = "  int64 count = ";
    let edited = shop.replacen("  \n}\n", &format!("{typed}\n}}\n"), 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": file_uri(&shop_path), "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let number_at = find_pos(&edited, typed, 0, typed.len());
    let numbers = client.at("textDocument/completion", &shop_path, number_at, json!({}));
    assert_eq!(labels(&numbers), ["2"], "{numbers}");
    // …import paths, option names and values.
    let edited = edited.replacen("import \"google/api/annotations.proto\";", "import \"shop/v1/m\";", 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": file_uri(&shop_path), "version": 3}, "contentChanges": [{"text": edited}]}),
    );
    let import_at = find_pos(&edited, "shop/v1/m\"", 0, "shop/v1/m".len());
    assert_eq!(
        labels(&client.at("textDocument/completion", &shop_path, import_at, json!({}))),
        ["shop/v1/money.proto"]
    );
    let edited = format!("{edited}option java_multiple_files = ");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": file_uri(&shop_path), "version": 4}, "contentChanges": [{"text": edited}]}),
    );
    let end = find_pos(&edited, "= ", edited.matches("= ").count() - 1, 2);
    assert_eq!(labels(&client.at("textDocument/completion", &shop_path, end, json!({}))), ["true", "false"]);
    let edited = format!("{}option java_", edited.strip_suffix("option java_multiple_files = ").unwrap());
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": file_uri(&shop_path), "version": 5}, "contentChanges": [{"text": edited}]}),
    );
    let end = find_pos(&edited, "option java_", 0, "option java_".len());
    let options = labels(&client.at("textDocument/completion", &shop_path, end, json!({})));
    assert!(options.iter().any(|o| o == "java_multiple_files"), "{options:?}");

    // A file changed on disk (not open) is indexed again when the client says so.
    std::fs::write(&money_path, MONEY.replace("message Money", "message Cash")).unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": file_uri(&money_path), "type": 2}]}));
    let found = client.request("workspace/symbol", json!({"query": "Cash"}));
    assert_eq!(found["result"][0]["name"], "shop.v1.Cash", "{found}");
    let gone = client.request("workspace/symbol", json!({"query": "Money"}));
    assert!(gone["result"].as_array().unwrap().iter().all(|s| s["name"] != "shop.v1.Money"), "{gone}");
}

#[test]
fn lsp_file_outside_every_folder_is_checked_alone_with_a_notice() {
    let (_dir, root) = http_workspace();
    let elsewhere = tempfile::tempdir().unwrap();
    let lone = elsewhere.path().canonicalize().unwrap().join("lone.proto");
    std::fs::write(&lone, "syntax = \"proto3\";\n\npackage lone.v1;\n\nmessage A {\n  B b = 1;\n}\n\nmessage B {}\n")
        .unwrap();
    let mut client = Client::spawn(&root);
    client.initialize_in(&root);
    let text = std::fs::read_to_string(&lone).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": file_uri(&lone), "languageId": "proto", "version": 1, "text": text}}),
    );
    // Sent once, before the document's first diagnostics.
    let notice = client.wait_for("a notice", |m| m["method"] == "window/showMessage");
    assert_eq!(
        notice["params"]["message"],
        format!(
            "{} is outside every workspace folder: idl checks it on its own (single-file mode), with the idl.toml \
             and roots found from its own directory",
            lone.display()
        )
    );
    assert_eq!(
        client.at("textDocument/definition", &lone, find_pos(&text, "B b", 0, 0), json!({})),
        location(&lone, word_in(&text, "message B {}", "B"))
    );
}

/// An enum's values are outlined and completed as declared, not by number.
#[test]
fn lsp_enum_values_keep_their_declaration_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let path = root.join("state.proto");
    std::fs::write(
        &path,
        "syntax = \"proto3\";\n\npackage acme.v1;\n\nenum State {\n  option allow_alias = true;\n  \
         STATE_UNSPECIFIED = 0;\n  STATE_DONE = 3;\n  STATE_NEW = 1;\n  STATE_FINISHED = 3;\n}\n",
    )
    .unwrap();
    let mut client = Client::spawn(&root);
    client.initialize_in(&root);
    client.open(&path);
    let symbols = client.whole("textDocument/documentSymbol", &path);
    let values: Vec<&str> =
        symbols[0]["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(values, ["STATE_UNSPECIFIED", "STATE_DONE", "STATE_NEW", "STATE_FINISHED"], "{symbols}");
}

/// googleapis as `.ci/run` installs it (`~/.cache/idl-peers/googleapis`), if present.
fn googleapis() -> Option<std::path::PathBuf> {
    let path = Path::new(&std::env::var_os("HOME")?).join(".cache/idl-peers/googleapis");
    path.join("google/longrunning/operations.proto").is_file().then_some(path)
}

/// A googleapis slice: `google/longrunning/operations.proto` as the workspace's
/// one file, the rest of googleapis as its import path (read only as imported).
#[test]
fn lsp_navigation_on_a_googleapis_slice() {
    let Some(googleapis) = googleapis() else {
        eprintln!("skipped: no googleapis corpus (../shared/scripts/peers.sh installs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(
        root.join("idl.toml"),
        format!("roots = [\"proto\"]\nimport_paths = [{:?}]\n", googleapis.display().to_string()),
    )
    .unwrap();
    let path = root.join("proto/google/longrunning/operations.proto");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::copy(googleapis.join("google/longrunning/operations.proto"), &path).unwrap();
    let status_path = googleapis.join("google/rpc/status.proto");
    let status = std::fs::read_to_string(&status_path).unwrap();
    let annotations_path = googleapis.join("google/api/annotations.proto");
    let annotations = std::fs::read_to_string(&annotations_path).unwrap();

    let mut client = Client::spawn(&root);
    client.initialize_in(&root);
    client.indexed();
    let text = client.open(&path);

    // definition: a type in an imported file, an option's extension, an HTTP variable.
    assert_eq!(
        client.at("textDocument/definition", &path, find_pos(&text, "google.rpc.Status error", 0, 11), json!({})),
        location(&status_path, word_in(&status, "message Status {", "Status"))
    );
    assert_eq!(
        client.at("textDocument/definition", &path, find_pos(&text, "(google.api.http)", 0, 12), json!({})),
        location(&annotations_path, word_in(&annotations, "HttpRule http = 72295728", "http"))
    );
    assert_eq!(
        client.at("textDocument/definition", &path, find_pos(&text, "{name=operations/**}", 0, 2), json!({})),
        location(
            &path,
            word_in(
                &text,
                "  string name = 1;\n}\n\n// The request message for\n// [Operations.ListOperations]",
                "name"
            )
        )
    );

    // references of Operation: the declaration first, then the uses in order (two
    // RPC results, then a repeated field).
    let declaration = find_pos(&text, "message Operation {", 0, 8);
    let found = client.at(
        "textDocument/references",
        &path,
        declaration.clone(),
        json!({"context": {"includeDeclaration": true}}),
    );
    let expected = json!([
        location(&path, word_in(&text, "message Operation {", "Operation")),
        location(&path, word_in(&text, "returns (Operation) {\n    option", "Operation")),
        location(&path, word_in(&text, "returns (Operation) {}", "Operation")),
        location(&path, word_in(&text, "repeated Operation operations", "Operation")),
    ]);
    assert_eq!(found, expected);

    // hover: the comment, and the route of an RPC.
    let hover = client.at("textDocument/hover", &path, find_pos(&text, "rpc GetOperation(", 0, 5), json!({}));
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.starts_with("```proto\nrpc GetOperation(google.longrunning.GetOperationRequest) returns (google.longrunning.Operation)\n```\n\nGets the latest state of a long-running operation."), "{value}");
    assert!(value.ends_with("\nHTTP `GET /v1/{name=operations/**}`"), "{value}");

    // documentSymbol: the extension declared at the top, then the service and its RPCs.
    let symbols = client.whole("textDocument/documentSymbol", &path);
    assert_eq!(symbols[0]["detail"], "google.longrunning.operation_info");
    assert_eq!(symbols[1]["detail"], "google.longrunning.Operations");
    let rpcs: Vec<&str> =
        symbols[1]["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(rpcs, ["ListOperations", "GetOperation", "DeleteOperation", "CancelOperation", "WaitOperation"]);

    // typeDefinition: from the field `error` to google.rpc.Status.
    assert_eq!(
        client.at("textDocument/typeDefinition", &path, find_pos(&text, "Status error = 4", 0, 7), json!({})),
        location(&status_path, word_in(&status, "message Status {", "Status"))
    );

    // documentHighlight: Operation declared once (write), used three times (read).
    let highlights = client.at("textDocument/documentHighlight", &path, declaration.clone(), json!({}));
    let expected: Vec<Value> = [
        (word_in(&text, "message Operation {", "Operation"), 3),
        (word_in(&text, "returns (Operation) {\n    option", "Operation"), 2),
        (word_in(&text, "returns (Operation) {}", "Operation"), 2),
        (word_in(&text, "repeated Operation operations", "Operation"), 2),
    ]
    .into_iter()
    .map(|(range, kind)| json!({"range": range, "kind": kind}))
    .collect();
    assert_eq!(highlights, json!(expected));

    // workspace/symbol: an exact short name first, at its declaration.
    let found = client.request("workspace/symbol", json!({"query": "WaitOperationRequest"}));
    assert_eq!(found["result"][0]["name"], "google.longrunning.WaitOperationRequest", "{found}");
    assert_eq!(
        found["result"][0]["location"],
        location(&path, word_in(&text, "message WaitOperationRequest {", "WaitOperationRequest"))
    );

    // foldingRange: the eight imports, and the Operation message (to its closing brace).
    let folds = client.whole("textDocument/foldingRange", &path);
    let line_of = |needle: &str| find_pos(&text, needle, 0, 0)["line"].as_u64().unwrap();
    let operation_end = line_of("    google.protobuf.Any response = 5;\n  }\n}") + 2;
    let folds = folds.as_array().unwrap();
    assert!(
        folds.iter().any(|f| f["kind"] == "imports"
            && f["startLine"] == line_of("import \"google/api/annotations.proto\"")
            && f["endLine"] == line_of("import \"google/rpc/status.proto\"")),
        "{folds:?}"
    );
    assert!(
        folds.iter().any(|f| f["startLine"] == line_of("message Operation {") && f["endLine"] == operation_end),
        "{folds:?}"
    );

    // documentLink: each import's name to its file (well-known types to idl's copy).
    let links = client.whole("textDocument/documentLink", &path);
    let links = links.as_array().unwrap();
    assert_eq!(links.len(), 8, "{links:?}");
    assert_eq!(links[0]["target"], file_uri(&annotations_path));
    assert_eq!(links[0]["range"], find_range(&text, "google/api/annotations.proto", 0));
    assert_eq!(links[7]["target"], file_uri(&status_path));
    assert!(links[3]["target"].as_str().unwrap().ends_with("/google/protobuf/any.proto"), "{}", links[3]);

    // semanticTokens: the name Operation is a declared struct; `google.rpc` of a
    // qualified type is a namespace, `Status` the type.
    let tokens = client.whole("textDocument/semanticTokens/full", &path);
    let decoded = decode_tokens(tokens["data"].as_array().unwrap());
    let token_at = |position: &Value| {
        *decoded
            .iter()
            .find(|t| t.0 == position["line"] && t.1 == position["character"])
            .unwrap_or_else(|| panic!("no token at {position}"))
    };
    let kind = |t: (u64, u64, u64, u64, u64)| (t.2, t.3, t.4);
    assert_eq!(kind(token_at(&declaration)), (9, 1, 1), "(length, struct, declaration)");
    let written = |shift| find_pos(&text, "google.rpc.Status error", 0, shift);
    assert_eq!(kind(token_at(&written(0))), (6, 0, 0), "`google` is a namespace");
    assert_eq!(kind(token_at(&written(7))), (3, 0, 0), "`rpc` is a namespace");
    assert_eq!(kind(token_at(&written(11))), (6, 1, 0), "`Status` is a struct");

    // completion: in the Operation message, after `type name =`, the next free
    // number (1-5 are taken); elsewhere the types in scope, named from the package.
    let typed = "  string extra = ";
    let edited = text.replacen("  bool done = 3;\n", &format!("  bool done = 3;\n{typed}\n"), 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": file_uri(&path), "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let labels = |items: &Value| -> Vec<String> {
        items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
    };
    let number_at = find_pos(&edited, typed, 0, typed.len());
    assert_eq!(labels(&client.at("textDocument/completion", &path, number_at, json!({}))), ["6"]);
    let blank = find_pos(&edited, typed, 0, 2);
    let types = labels(&client.at("textDocument/completion", &path, blank, json!({})));
    for wanted in ["Operation", "OperationInfo", "google.rpc.Status", "google.protobuf.Duration", "repeated"] {
        assert!(types.iter().any(|l| l == wanted), "{wanted} missing from {types:?}");
    }
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": file_uri(&path), "version": 3}, "contentChanges": [{"text": text}]}),
    );

    // rename: an RPC is refused (its gRPC path would change); a well-known type cannot be.
    let refused = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": file_uri(&path)}, "position": find_pos(&text, "rpc GetOperation(", 0, 5), "newName": "FetchOperation"}),
    );
    assert_eq!(
        refused["error"]["message"],
        "renaming rpc `GetOperation` changes its gRPC path: existing clients break; to rename anyway, end the new name with `!` (`FetchOperation!`)"
    );
    let wkt = client.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": file_uri(&path)}, "position": find_pos(&text, "google.protobuf.Empty)", 0, 17)}),
    );
    assert_eq!(
        wkt["error"]["message"],
        "`google.protobuf.Empty` is a well-known type, built into protobuf: it cannot be renamed"
    );
}

/// Navigation counts columns in UTF-16 units after CJK text (one unit per
/// character) and emoji (two units): the expected columns are written out, not
/// computed by the helpers the other tests use.
#[test]
fn lsp_navigation_positions_are_utf16_after_cjk_and_emoji() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("idl.toml"), "roots = [\"proto\"]\n").unwrap();
    let path = root.join("proto/wide/v1/wide.proto");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        "syntax = \"proto3\";\n\npackage wide.v1;\n\nmessage Account {\n  /* 名前😀 */ string id = 1;\n}\n\n\
         message Order {\n  /* 中文😀 */ Account buyer = 1; /* 😀😀 */ Account seller = 2;\n}\n",
    )
    .unwrap();
    let mut client = Client::spawn(&root);
    client.initialize_in(&root);
    client.indexed();
    client.open(&path);
    let range = |line: u64, start: u64, end: u64| json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}});
    let at = |line: u64, character: u64| json!({"line": line, "character": character});
    let account = location(&path, range(4, 8, 15));
    // `  /* 中文😀 */ ` is 12 characters, 13 UTF-16 units; the second `Account`
    // starts at unit 43 (character 40): unit 49 is its last letter.
    assert_eq!(client.at("textDocument/definition", &path, at(9, 49), json!({})), account);
    assert_eq!(client.at("textDocument/definition", &path, at(9, 13), json!({})), account);
    assert_eq!(client.at("textDocument/definition", &path, at(9, 50), json!({})), account, "the end of the name");
    assert_eq!(client.at("textDocument/definition", &path, at(9, 42), json!({})), Value::Null, "before the name");
    let references =
        client.at("textDocument/references", &path, at(4, 9), json!({"context": {"includeDeclaration": false}}));
    assert_eq!(references, json!([location(&path, range(9, 13, 20)), location(&path, range(9, 43, 50))]));
    let hover = client.at("textDocument/hover", &path, at(5, 21), json!({}));
    assert_eq!(hover["range"], range(5, 20, 22), "{hover}");
    let edit = client.at("textDocument/rename", &path, at(9, 44), json!({"newName": "Customer"}));
    assert_eq!(
        edit["changes"][file_uri(&path)],
        json!([
            {"range": range(4, 8, 15), "newText": "Customer"},
            {"range": range(9, 13, 20), "newText": "Customer"},
            {"range": range(9, 43, 50), "newText": "Customer"},
        ])
    );
}

/// A finding as the server publishes it and as `idl lint --format json` prints
/// it, in the LSP's terms: (rule, severity, start line, start UTF-16 column, end
/// line, end UTF-16 column, message with its notes).
type Published = (String, u64, u64, u64, u64, u64, String);

fn published(diagnostics: &[Value]) -> Vec<Published> {
    let mut found: Vec<Published> = diagnostics
        .iter()
        .map(|d| {
            let at = |end: &str, field: &str| d["range"][end][field].as_u64().unwrap();
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_u64().unwrap(),
                at("start", "line"),
                at("start", "character"),
                at("end", "line"),
                at("end", "character"),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

/// What `idl lint --stdin-filename PATH` finds in `text` (run from `root`), as
/// the server would publish it on the document.
fn fresh_lint(root: &Path, relative: &str, text: &str) -> Vec<Published> {
    let output = assert_cmd::Command::new(env!("CARGO_BIN_EXE_idl"))
        .current_dir(root)
        .args(["lint", "--format", "json", "--stdin-filename", relative])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(
        // 1 for lint findings, 2 when the text does not compile.
        output.status.code().is_some_and(|code| code <= 2),
        "idl lint: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut found: Vec<Published> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let d: Value = serde_json::from_str(line).unwrap();
            assert_eq!(d["path"], relative, "a finding in another file: {d}");
            let severity = match d["severity"].as_str().unwrap() {
                "error" => 1,
                "warn" | "warning" => 2,
                _ => 3,
            };
            // 1-based in the report, 0-based in LSP; a finding about the whole file has no position.
            let at = |field: &str| d[field].as_u64().map_or(0, |n| n - 1);
            let mut message = d["message"].as_str().unwrap().to_string();
            for note in d["notes"].as_array().into_iter().flatten() {
                message.push_str("\nnote: ");
                message.push_str(note.as_str().unwrap());
            }
            (
                d["rule"].as_str().unwrap().to_string(),
                severity,
                at("start_line"),
                at("start_utf16"),
                at("end_line"),
                at("end_utf16"),
                message,
            )
        })
        .collect();
    found.sort();
    found
}

/// A file with findings in every kind of element, spread over more top-level
/// declarations than one lint task takes, with used and unused ignore comments.
fn many_findings() -> String {
    let mut text = String::from(
        "syntax = \"proto3\";\n\npackage shop.v1;\n\nimport \"shop/v1/money.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\n",
    );
    for i in 0..120 {
        match i % 4 {
            0 => text.push_str(&format!(
                "// Item {i}.\nmessage item_{i} {{\n  // idl:lint:ignore FIELD_LOWER_SNAKE_CASE\n  string BadName = 1;\n  Money price = 2;\n  int32 Count{i} = 3;\n}}\n\n"
            )),
            1 => text.push_str(&format!("enum state_{i} {{\n  ON_{i} = 0;\n  OFF_{i} = 1;\n}}\n\n")),
            2 => text.push_str(&format!(
                "// idl:lint:ignore ENUM_PASCAL_CASE\nmessage Holder{i} {{\n  oneof Choice {{\n    string a = 1;\n    int64 b = 2;\n  }}\n}}\n\n"
            )),
            _ => text.push_str(&format!(
                "service shop_{i} {{\n  rpc get(Holder{}) returns (Holder{});\n}}\n\n",
                i - 1,
                i - 1
            )),
        }
    }
    text
}

/// Whatever the server keeps between analyses, the diagnostics it publishes
/// after each edit are those of a fresh `idl lint` of the same text: full-text
/// and incremental changes, a syntax error and its repair, a link error, an
/// ignore comment added, and an import that changes on disk.
#[test]
fn lsp_diagnostics_after_edits_equal_a_fresh_lint() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("idl.toml"), "roots = [\"proto\"]\n").unwrap();
    std::fs::create_dir_all(root.join("proto/shop/v1")).unwrap();
    std::fs::write(root.join("proto/shop/v1/money.proto"), MONEY).unwrap();
    let relative = "proto/shop/v1/items.proto";
    let path = root.join(relative);
    let uri = file_uri(&path);
    let mut text = many_findings();
    std::fs::write(&path, &text).unwrap();

    let mut client = Client::spawn(&root);
    client.request(
        "initialize",
        json!({"processId": null, "capabilities": {}, "workspaceFolders": [{"uri": file_uri(&root), "name": "ws"}]}),
    );
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "proto", "version": 1, "text": text}}),
    );
    let check = |client: &mut Client, version: i64, text: &str, what: &str| {
        let from_server = published(&client.diagnostics(&uri, version));
        let from_lint = fresh_lint(&root, relative, text);
        assert!(
            from_lint.iter().any(|d| d.0 != "COMPILE"),
            "{what}: the text compiles and has lint findings: {from_lint:?}"
        );
        assert_eq!(from_server, from_lint, "{what}: the server's diagnostics (left) are not a fresh lint's (right)");
        from_server
    };
    check(&mut client, 1, &text, "opened");

    // 1. Full-text change: a field renamed, an enum value renamed.
    text = text.replacen("int32 Count0 = 3;", "int32 count_0 = 3;", 1).replacen("OFF_1 = 1;", "STATE_1_OFF = 1;", 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
    );
    check(&mut client, 2, &text, "full-text change");

    // 2. Incremental change: an ignore comment inserted above a message's field.
    let line = text.lines().position(|l| l.contains("int32 Count4 = 3;")).unwrap() as u64;
    let comment = "  // idl:lint:ignore FIELD_LOWER_SNAKE_CASE\n";
    let start: usize = text.split_inclusive('\n').take(line as usize).map(str::len).sum();
    text.insert_str(start, comment);
    let at = json!({"line": line, "character": 0});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"range": {"start": at, "end": at}, "text": comment}]}),
    );
    check(&mut client, 3, &text, "ignore comment inserted");

    // 3. A syntax error, then its repair (two changes in one message).
    let broken = text.replacen("message Holder2 {", "message Holder2 {{", 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": broken}]}),
    );
    let broken_diagnostics = published(&client.diagnostics(&uri, 4));
    assert!(broken_diagnostics.iter().any(|d| d.0 == "COMPILE"), "{broken_diagnostics:?}");
    assert_eq!(broken_diagnostics, fresh_lint(&root, relative, &broken), "syntax error");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": broken}, {"text": text}]}),
    );
    check(&mut client, 5, &text, "syntax error repaired");

    // 4. A link error: a type that does not exist.
    let unlinked = text.replacen("Money price = 2;", "Cost price = 2;", 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 6}, "contentChanges": [{"text": unlinked}]}),
    );
    let unlinked_diagnostics = published(&client.diagnostics(&uri, 6));
    assert!(unlinked_diagnostics.iter().any(|d| d.0 == "COMPILE"), "{unlinked_diagnostics:?}");
    assert_eq!(unlinked_diagnostics, fresh_lint(&root, relative, &unlinked), "link error");

    // 5. The import changes on disk (saved elsewhere): now it declares `Cost`,
    // so the same text links.
    let money = MONEY.replace("message Money {", "message Cost {\n  int64 cents = 1;\n}\n\nmessage Money {");
    std::fs::write(root.join("proto/shop/v1/money.proto"), money).unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 7}, "contentChanges": [{"text": unlinked}]}),
    );
    let linked = check(&mut client, 7, &unlinked, "after the import changed on disk");
    assert!(linked.iter().all(|d| d.0 != "COMPILE"), "the import's new text is seen: {linked:?}");
    let removed = text.replacen("import \"google/protobuf/timestamp.proto\";\n", "", 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 8}, "contentChanges": [{"text": removed}]}),
    );
    check(&mut client, 8, &removed, "unused import removed");
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    wait_with_timeout(&mut client.child);
}
