//! `idl openapi`: the Kratos-layout fixture's documents (gnostic's document for
//! kratos-layout's options, Kratos error responses, Swagger 2.0, per-file
//! output) compared as parsed data with goldens written from gnostic's
//! generator rules; bad options; every document through openapi-spec-validator
//! (PyPI, installed by `.ci/run`; skipped with a message where missing); and,
//! where the googleapis corpus is installed, a valid document for every package
//! and for the whole corpus, with the operations counted against the bindings
//! (CI validates a fixed quarter of the packages and the merged document in
//! parts; `IDL_OPENAPI_VALIDATE_ALL=1` validates every document whole).

use std::path::{Path, PathBuf};
use std::process::Command;

use idl::openapi::node::{Node, from_yaml_text};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/openapi/kratos")
}

fn idl(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_idl")).current_dir(dir).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn parsed(text: &str) -> Node {
    from_yaml_text(text).expect("YAML parses")
}

/// Compares as parsed data; `IDL_BLESS=1` rewrites the golden instead.
fn assert_golden(name: &str, actual: &str) {
    assert_golden_in(&fixture(), name, actual);
}

fn assert_golden_in(fixture: &Path, name: &str, actual: &str) {
    let path = fixture.join("expected").join(name);
    if std::env::var_os("IDL_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(parsed(&expected) == parsed(actual), "{name} differs from the golden; got:\n{actual}");
}

/// A Python with openapi-spec-validator, or `None` (the test then skips that part).
fn validator() -> Option<PathBuf> {
    let home = PathBuf::from(std::env::var_os("HOME")?);
    let candidates = [
        std::env::var_os("IDL_OPENAPI_PYTHON").map(PathBuf::from),
        Some(home.join(".cache/idl-ci/venv/bin/python")),
        Some(home.join(".cache/idl-ci/openapi-venv/bin/python")),
    ];
    candidates.into_iter().flatten().find(|python| {
        Command::new(python).args(["-c", "import openapi_spec_validator"]).output().is_ok_and(|o| o.status.success())
    })
}

/// Validates every file; panics naming the invalid ones. Returns false when skipped.
fn validate(files: &[PathBuf]) -> bool {
    let Some(python) = validator() else {
        eprintln!("openapi-spec-validator not found (.ci/run installs it); validity not checked");
        return false;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/openapi/validate.py");
    // The validator is slow (most of the googleapis test's time): one process per
    // core, each with its share of the documents.
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let children: Vec<_> = files
        .chunks(files.len().div_ceil(jobs).max(1))
        .map(|chunk| {
            Command::new(&python)
                .arg(&script)
                .args(chunk)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "invalid documents:\n{report}{}", String::from_utf8_lossy(&output.stderr));
    }
    true
}

#[test]
fn kratos_layout_document_equals_gnostics() {
    // kratos-layout's options (fq_schema_naming=true, default_response=false) come
    // from [openapi] in the fixture's idl.toml; errors=false leaves idl's extra out.
    let (code, stdout, stderr) = idl(&fixture(), &["openapi", "--opt", "errors=false"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("# Generated with protoc-gen-openapi\n"), "{stdout}");
    assert_golden("openapi.yaml", &stdout);
}

/// The googleapis slice (library example, BigQuery Data Transfer v1) at
/// gnostic's default options: the golden was checked rule by rule against
/// gnostic's generator (testdata/openapi/googleapis/README.md lists the rules
/// and where the slice exercises each).
#[test]
fn googleapis_slice_document_equals_gnostics() {
    let slice = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/openapi/googleapis");
    let (code, stdout, stderr) = idl(&slice, &["openapi"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "no findings on the slice: {stderr}");
    assert_golden_in(&slice, "openapi.yaml", &stdout);

    // A few of the rules, spelled out so that a blessed golden cannot hide them.
    let doc = parsed(&stdout);
    let paths = doc.get("paths").unwrap();
    let operation = |path: &str, verb: &str| {
        paths.get(path).and_then(|i| i.get(verb)).unwrap_or_else(|| panic!("no {verb} {path}"))
    };
    let names = |operation: &Node| -> Vec<String> {
        match operation.get("parameters") {
            Some(Node::Seq(list)) => {
                list.iter().filter_map(|p| p.get("name").and_then(Node::as_str).map(str::to_string)).collect()
            }
            _ => Vec::new(),
        }
    };
    // `{transfer_config.name=projects/*/locations/*/transferConfigs/*}`, body "transfer_config":
    // `things/*` pairs become `{thing}`; the body field and the dotted path are not query parameters.
    let update = operation("/v1/projects/{project}/locations/{location}/transferConfigs/{transferConfig}", "patch");
    assert_eq!(
        names(update),
        [
            "project",
            "location",
            "transferConfig",
            "authorizationCode",
            "updateMask",
            "versionInfo",
            "serviceAccountName"
        ]
    );
    // An additional binding is its own operation, with an ID of its own (gnostic repeats the method's).
    let additional = operation("/v1/projects/{project}/transferConfigs/{transferConfig}", "patch");
    assert_eq!(additional.get("operationId").and_then(Node::as_str), Some("DataTransferService_UpdateTransferConfig2"));
    // body "*": the request message, no query parameters.
    let merge = operation("/v1/shelves/{shelf}:merge", "post");
    assert_eq!(names(merge), ["shelf"]);
    // Two services with different default hosts: gnostic keeps the last path's server for the document.
    assert_eq!(
        doc.get("servers"),
        Some(&Node::Seq(vec![Node::map().with("url", Node::str("https://library-example.googleapis.com"))]))
    );
    let schemas = doc.get("components").and_then(|c| c.get("schemas")).unwrap();
    // Duration is its message (no special form in gnostic), Struct an object, DoubleValue a number.
    assert!(schemas.get("Duration").is_some());
    let transfer_config = schemas.get("TransferConfig").and_then(|s| s.get("properties")).unwrap();
    assert_eq!(transfer_config.get("params").and_then(|p| p.get("type")).and_then(Node::as_str), Some("object"));
    // Nested messages are `Outer_Inner`; google.rpc.Status is gnostic's fixed schema with GoogleProtobufAny.
    assert!(schemas.get("StartManualTransferRunsRequest_TimeRange").is_some());
    assert!(schemas.get("Status").is_some() && schemas.get("GoogleProtobufAny").is_some());

    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("slice.yaml");
    std::fs::write(&file, &stdout).unwrap();
    validate(&[file]);
}

#[test]
fn kratos_error_responses() {
    // On by default: the workspace declares error enums.
    let (code, stdout, stderr) = idl(&fixture(), &["openapi"]);
    assert_eq!(code, 0, "{stderr}");
    assert_golden("openapi-errors.yaml", &stdout);
    let doc = parsed(&stdout);
    let get_user = doc.get("paths").and_then(|p| p.get("/v1/users/{user}")).and_then(|i| i.get("get")).unwrap();
    let responses = get_user.get("responses").unwrap();
    let not_found = responses.get("404").expect("a 404 response");
    let description = not_found.get("description").and_then(Node::as_str).unwrap();
    assert!(
        description.contains("USER_NOT_FOUND") && description.contains("The user does not exist."),
        "{description}"
    );
    let conflict = responses.get("409").and_then(|r| r.get("description")).and_then(Node::as_str).unwrap();
    assert!(conflict.contains("USER_ALREADY_EXISTS") && conflict.contains("USER_CONFLICT"), "{conflict}");
    assert!(responses.get("500").is_some(), "INTERNAL takes the enum's default code");
    // The greeter's package has its own enum: its 404 is USER_NOT_FOUND of helloworld.v1 only.
    let hello = doc.get("paths").and_then(|p| p.get("/helloworld/{name}")).and_then(|i| i.get("get")).unwrap();
    let hello_404 = hello.get("responses").and_then(|r| r.get("404")).and_then(|r| r.get("description"));
    assert!(hello_404.and_then(Node::as_str).unwrap().contains("The user to greet does not exist."));
}

#[test]
fn swagger2_json_and_source_relative() {
    let out = tempfile::tempdir().unwrap();
    let swagger = out.path().join("swagger.yaml");
    let (code, _, stderr) = idl(&fixture(), &["openapi", "--opt", "format=swagger2", "-o", swagger.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&swagger).unwrap();
    assert_golden("swagger2.yaml", &text);

    let json = out.path().join("openapi.json");
    let (code, _, stderr) = idl(&fixture(), &["openapi", "--opt", "errors=false", "-o", json.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let from_json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let golden = std::fs::read_to_string(fixture().join("expected/openapi.yaml")).unwrap();
    let golden_json: serde_json::Value = serde_json::to_value(parsed(&golden)).unwrap();
    assert_eq!(from_json, golden_json);

    let dir = out.path().join("per-file");
    let (code, _, stderr) = idl(
        &fixture(),
        &["openapi", "--opt", "output_mode=source_relative", "--opt", "errors=false", "-o", dir.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let greeter = std::fs::read_to_string(dir.join("helloworld/v1/greeter.openapi.yaml")).unwrap();
    let doc = parsed(&greeter);
    let paths = doc.get("paths").unwrap();
    assert!(paths.get("/helloworld/{name}").is_some() && paths.get("/v1/users").is_none());
    assert!(dir.join("user/v1/user.openapi.yaml").is_file());
    assert!(dir.join("helloworld/v1/error_reason.openapi.yaml").is_file());

    let mut files =
        vec![swagger, dir.join("helloworld/v1/greeter.openapi.yaml"), dir.join("user/v1/user.openapi.yaml")];
    for name in ["openapi.yaml", "openapi-errors.yaml"] {
        files.push(fixture().join("expected").join(name));
    }
    validate(&files);
}

#[test]
fn bad_options_exit_2() {
    let (code, _, stderr) = idl(&fixture(), &["openapi", "--opt", "naming=camel"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--opt naming=camel: invalid value \"camel\" for option naming: use json or proto"),
        "{stderr}"
    );
    let (code, _, stderr) = idl(&fixture(), &["openapi", "--opt", "colour=blue"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown option \"colour\""), "{stderr}");
    let (code, _, stderr) = idl(&fixture(), &["openapi", "--opt", "output_mode=source_relative"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("-o DIR"), "{stderr}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("idl.toml"), "[openapi]\ndepth = \"deep\"\n").unwrap();
    std::fs::write(dir.path().join("a.proto"), "syntax = \"proto3\";\npackage a;\n").unwrap();
    let (code, stdout, stderr) = idl(dir.path(), &["openapi"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.contains("idl.toml:2:1") && stderr.contains("option depth"), "{stderr}");
    assert!(stdout.is_empty(), "no document on bad options");
}

#[test]
fn bad_bindings_are_reported_and_the_document_stays_valid() {
    let dir = scratch_workspace(
        r#"syntax = "proto3";
package a.v1;
import "google/api/annotations.proto";
service S {
  rpc GetA(GetARequest) returns (A) { option (google.api.http) = { get: "/v1/{nam}" }; }
  rpc GetB(GetARequest) returns (A) { option (google.api.http) = { get: "/v1/{name}" }; }
  rpc PutA(GetARequest) returns (A) { option (google.api.http) = { put: "/v1/{tags}" body: "a" }; }
  rpc GetC(GetCRequest) returns (A) { option (google.api.http) = { get: "/v1/c/{a}" }; }
  rpc GetTree(Tree) returns (A) { option (google.api.http) = { get: "/v1/trees/{id}" }; }
}
message GetARequest { string name = 1; repeated string tags = 2; }
message A { string name = 1; }
message GetCRequest { A a = 1; }
// Recursive: its query parameters stop at `depth`, the document stays finite.
message Tree { string id = 1; Tree left = 2; Tree right = 3; string label = 4; }
"#,
    );
    let out = dir.path().join("openapi.yaml");
    let (code, _, stderr) = idl(dir.path(), &["openapi", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    for expected in [
        "proto/a.proto:5:78: [HTTP_PATH_VARIABLE_FIELD]",
        "proto/a.proto:6:73: [HTTP_ROUTE_UNIQUE]",
        "[HTTP_PATH_VARIABLE_FIELD] Path variable \"tags\"",
        "[HTTP_BODY_FIELD]",
        "proto/a.proto:8:80: [HTTP_PATH_VARIABLE_FIELD]",
        "it is a message field (a.v1.A)",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    let doc = parsed(&std::fs::read_to_string(&out).unwrap());
    let tree = doc.get("paths").and_then(|p| p.get("/v1/trees/{id}")).and_then(|i| i.get("get")).unwrap();
    let Some(Node::Seq(parameters)) = tree.get("parameters") else { panic!("no parameters") };
    let names: Vec<&str> = parameters.iter().filter_map(|p| p.get("name").and_then(Node::as_str)).collect();
    // depth 2 (gnostic's default), counted as gnostic counts it: visits of each
    // field of Tree across the whole walk of one query field (one shared map),
    // not along a path; the expansion stops, the document stays finite.
    assert_eq!(
        names,
        [
            "id",
            "left.id",
            "left.left.id",
            "left.left.left.right.right.label",
            "left.left.left.right.label",
            "right.id",
            "right.left.id",
            "right.left.left.right.right.label",
            "right.left.left.right.label",
            "label"
        ]
    );
    validate(&[out]);
}

/// A scratch workspace importing the vendored google/api, with `proto/a.proto`.
fn scratch_workspace(proto: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let api = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/google-api");
    std::fs::write(
        dir.path().join("idl.toml"),
        format!("roots = [\"proto\"]\nimport_paths = [{:?}]\n", api.display().to_string()),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("proto")).unwrap();
    std::fs::write(dir.path().join("proto/a.proto"), proto).unwrap();
    dir
}

fn json_findings(stderr: &str) -> Vec<serde_json::Value> {
    stderr.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))).collect()
}

/// With `enum_type=string`, gnostic lists an enum's values as declared
/// (protoreflect's `Values()`), not sorted by number, aliases included.
#[test]
fn string_enums_list_values_in_declaration_order() {
    let proto = r#"syntax = "proto3";
package a.v1;
import "google/api/annotations.proto";
service S {
  rpc Get(GetRequest) returns (GetRequest) { option (google.api.http) = { get: "/v1/things" }; }
}
enum Level {
  option allow_alias = true;
  LEVEL_UNSPECIFIED = 0;
  LEVEL_HIGH = 3;
  LEVEL_LOW = 1;
  LEVEL_TOP = 3;
}
message GetRequest { Level level = 1; }
"#;
    let dir = scratch_workspace(proto);
    let (code, stdout, stderr) = idl(dir.path(), &["openapi", "--opt", "enum_type=string"]);
    assert_eq!(code, 0, "{stderr}");
    let doc = parsed(&stdout);
    let values = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(|s| s.get("a.v1.GetRequest").or_else(|| s.get("GetRequest")))
        .and_then(|m| m.get("properties"))
        .and_then(|p| p.get("level"))
        .and_then(|l| l.get("enum"))
        .unwrap_or_else(|| panic!("no enum values in:\n{stdout}"));
    let Node::Seq(values) = values else { panic!("enum is not a list: {values:?}") };
    let names: Vec<&str> = values.iter().filter_map(Node::as_str).collect();
    assert_eq!(names, ["LEVEL_UNSPECIFIED", "LEVEL_HIGH", "LEVEL_LOW", "LEVEL_TOP"]);
}

#[test]
fn response_body_is_a_located_warning_and_the_response_stays_gnostics() {
    let dir = scratch_workspace(
        r#"syntax = "proto3";
package a.v1;
import "google/api/annotations.proto";
service S {
  rpc GetA(GetARequest) returns (GetAResponse) { option (google.api.http) = { get: "/v1/a/{name}" response_body: "a" }; }
  rpc ListNames(GetARequest) returns (GetAResponse) { option (google.api.http) = { get: "/v1/names" response_body: "names" }; }
  rpc GetWhole(GetARequest) returns (GetAResponse) { option (google.api.http) = { get: "/v1/whole/{name}" }; }
}
message GetARequest { string name = 1; }
message GetAResponse { A a = 1; repeated string names = 2; }
message A { string name = 1; }
"#,
    );
    let out = dir.path().join("openapi.yaml");
    let (code, _, stderr) = idl(dir.path(), &["openapi", "--format", "json", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "warnings do not fail the run: {stderr}");
    let findings = json_findings(&stderr);
    let located: Vec<(String, &str, u64, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap(),
                f["start_line"].as_u64().unwrap(),
                f["start_column"].as_u64().unwrap(),
            )
        })
        .collect();
    // At the response_body literal of each binding that has one; none for GetWhole.
    assert_eq!(
        located,
        [
            (idl::openapi::RESPONSE_BODY_RULE.to_string(), "proto/a.proto", 5, 114),
            (idl::openapi::RESPONSE_BODY_RULE.to_string(), "proto/a.proto", 6, 116)
        ]
    );
    assert!(findings.iter().all(|f| f["severity"] == "warning"));
    let scalar = &findings[1];
    assert!(scalar["message"].as_str().unwrap().contains("(repeated string)"), "{scalar}");
    assert!(scalar["notes"][0].as_str().unwrap().contains("bare JSON value"), "{scalar}");
    assert!(findings[0]["notes"].is_null(), "a message field needs no note: {}", findings[0]);
    // The document is gnostic's: the whole response message, response_body or not.
    let doc = parsed(&std::fs::read_to_string(&out).unwrap());
    let schema_of = |path: &str| {
        doc.get("paths")
            .and_then(|p| p.get(path))
            .and_then(|i| i.get("get"))
            .and_then(|o| o.get("responses"))
            .and_then(|r| r.get("200"))
            .and_then(|r| r.get("content"))
            .and_then(|c| c.get("application/json"))
            .and_then(|m| m.get("schema"))
            .and_then(|s| s.get("$ref"))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    for path in ["/v1/a/{name}", "/v1/names", "/v1/whole/{name}"] {
        assert_eq!(schema_of(path).as_deref(), Some("#/components/schemas/GetAResponse"), "{path}");
    }
    validate(&[out]);
}

#[test]
fn query_parameters_cut_by_depth_are_located_warnings() {
    let proto = r#"syntax = "proto3";
package a.v1;
import "google/api/annotations.proto";
service S {
  rpc GetTree(Tree) returns (A) { option (google.api.http) = { get: "/v1/trees/{id}" }; }
  rpc Find(FindRequest) returns (A) { option (google.api.http) = { get: "/v1/find" additional_bindings { get: "/v1/search" } }; }
  rpc Shallow(GetARequest) returns (A) { option (google.api.http) = { get: "/v1/shallow" }; }
}
message A { string name = 1; }
message GetARequest { A a = 1; }
// Recursive through singular fields: the walk stops at `depth`.
message Tree { string id = 1; Tree left = 2; string label = 3; }
// Not recursive, but Range's fields are met three times under `ranges`.
message Range { int32 min = 1; int32 max = 2; }
message Ranges { Range a = 1; Range b = 2; Range c = 3; }
message FindRequest { Ranges ranges = 1; }
"#;
    let dir = scratch_workspace(proto);
    let out = dir.path().join("openapi.yaml");
    let (code, _, stderr) = idl(dir.path(), &["openapi", "--format", "json", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let findings = json_findings(&stderr);
    let summary: Vec<(u64, u64, &str)> = findings
        .iter()
        .map(|f| {
            assert_eq!(f["rule"], idl::openapi::QUERY_DEPTH_RULE, "{f}");
            assert_eq!(f["severity"], "warning", "{f}");
            (f["start_line"].as_u64().unwrap(), f["start_column"].as_u64().unwrap(), f["message"].as_str().unwrap())
        })
        .collect();
    // Each binding's path literal; Shallow loses nothing and gets none.
    let at: Vec<(u64, u64)> = summary.iter().map(|(l, c, _)| (*l, *c)).collect();
    assert_eq!(at, [(5, 69), (6, 73), (6, 111)]);
    assert!(
        summary[0].2.contains("depth=2 (message a.v1.Tree contains itself): \"left.left.left.id\""),
        "{}",
        summary[0].2
    );
    assert!(
        summary[1].2.contains("field a.v1.Range.min is met more than 2 times")
            && summary[1].2.contains("\"ranges.c.min\" and 1 more"),
        "{}",
        summary[1].2
    );
    // What the warnings say is missing is missing from the document, and what is kept is there.
    let doc = parsed(&std::fs::read_to_string(&out).unwrap());
    let names = |path: &str| -> Vec<String> {
        match doc.get("paths").and_then(|p| p.get(path)).and_then(|i| i.get("get")).and_then(|o| o.get("parameters")) {
            Some(Node::Seq(list)) => {
                list.iter().filter_map(|p| p.get("name").and_then(Node::as_str).map(str::to_string)).collect()
            }
            _ => Vec::new(),
        }
    };
    assert_eq!(names("/v1/find"), ["ranges.a.min", "ranges.a.max", "ranges.b.min", "ranges.b.max"]);
    let tree = names("/v1/trees/{id}");
    assert!(tree.contains(&"left.left.id".to_string()) && !tree.contains(&"left.left.left.id".to_string()), "{tree:?}");

    // A larger depth describes them, and the warning goes away where nothing is cut.
    let (code, _, stderr) =
        idl(dir.path(), &["openapi", "--format", "json", "--opt", "depth=3", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<u64> = json_findings(&stderr).iter().map(|f| f["start_line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [5], "only the recursive message is still cut at depth 3");
    validate(&[out]);
}

#[test]
fn wrong_typed_openapi_annotation_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let annotations = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/openapi/annotations/proto");
    std::fs::write(dir.path().join("idl.toml"), format!("import_paths = [{:?}]\n", annotations.display().to_string()))
        .unwrap();
    std::fs::write(
        dir.path().join("n.proto"),
        "syntax = \"proto3\";\npackage n.v1;\nimport \"openapi/v3/openapi.proto\";\n\
         message N {\n  string id = 1 [(openapi.v3.property) = { max_length: \"long\" }];\n}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = idl(dir.path(), &["openapi"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty(), "no document: {stdout}");
    assert!(stderr.contains("n.proto:5:"), "located: {stderr}");
}

#[test]
fn googleapis_documents_are_valid() {
    let corpus = match std::env::var_os("IDL_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/idl-peers/googleapis"),
    };
    if !corpus.join("google").is_dir() {
        eprintln!("googleapis_documents_are_valid: googleapis not found (run shared/scripts/peers.sh); skipped");
        return;
    }
    if validator().is_none() {
        eprintln!("googleapis_documents_are_valid: openapi-spec-validator not found; skipped");
        return;
    }
    let workspace = idl::workspace::discover(&corpus, None, &[]).expect("corpus workspace");
    let compilation = idl::compile::compile(&workspace);
    assert!(!compilation.has_errors(), "googleapis does not compile");
    let model = idl::api::build(&compilation, Vec::new());
    let options = idl::openapi::Options::default();
    let out = tempfile::tempdir().unwrap();

    // One document per package with HTTP bindings.
    let mut packages: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for service in model.services.iter().filter(|s| s.methods.iter().any(|m| !m.bindings.is_empty())) {
        let files = packages.entry(&service.package).or_default();
        if !files.contains(&service.file) {
            files.push(service.file.clone());
        }
    }
    let validate_all = std::env::var_os("IDL_OPENAPI_VALIDATE_ALL").is_some();
    let mut documents = Vec::new();
    let mut package_documents = Vec::new();
    let mut operations = 0;
    let mut shadowed = 0;
    for (package, files) in &packages {
        let (text, refs) = idl::openapi::render_files_with_operations(&model, &options, files);
        let document = parsed(&text);
        let count = count_operations(&document);
        package_documents.push(document);
        assert_eq!(count, refs.len(), "{package}: the operations render reports are the document's");
        operations += count;
        // Bindings of the package another binding's operation replaced (one
        // operation per verb and path), as gnostic keeps the last.
        let written: usize = model
            .services
            .iter()
            .filter(|s| s.package == *package)
            .flat_map(|s| &s.methods)
            .flat_map(|m| &m.bindings)
            .filter(|b| !b.custom)
            .count();
        shadowed += written - count;
        // openapi-spec-validator takes ~3 CPU minutes for all 477 documents: CI
        // validates every fourth package (a fixed sample, ~45 s);
        // IDL_OPENAPI_VALIDATE_ALL=1 validates all of them and the whole merged one.
        if validate_all || package_documents.len() % 4 == 1 {
            let path = out.path().join(format!("{package}.yaml"));
            std::fs::write(&path, text).unwrap();
            documents.push(path);
        }
    }
    // The bindings the HTTP lint rules see: every method of every target file,
    // located as `src/lint/http.rs` locates them.
    let mut lint_bindings = 0;
    let mut custom = 0;
    for file in compilation.files.iter().filter(|f| f.is_target) {
        let descriptor = compilation.pool.get_file_by_name(&file.source.name).unwrap();
        for method in descriptor.services().flat_map(|s| s.methods().collect::<Vec<_>>()) {
            let located = idl::lint::http::located_bindings(file, &method);
            custom += located.iter().filter(|l| l.binding.custom).count();
            lint_bindings += located.len();
        }
    }
    eprintln!(
        "googleapis: {} packages, {lint_bindings} bindings seen by the HTTP rules ({custom} custom verbs, \
         {shadowed} sharing a verb and path with a later one), {operations} operations",
        packages.len()
    );
    assert_eq!(model.bindings().count(), lint_bindings, "the API model and the lint rules see the same bindings");
    // Every binding is an operation of its package's document, except custom verbs
    // (gnostic writes none) and those whose verb and path a later binding took.
    assert_eq!(operations, lint_bindings - custom - shadowed);
    // 198 of 15,328 on googleapis (two variables rewritten to the same path, as
    // `{name=…/streams/*}` and `{read_stream=…/streams/*}`): a guard against a
    // change that silently drops operations.
    assert!(shadowed * 50 <= lint_bindings, "{shadowed} shadowed bindings");

    let all: Vec<String> = model.services.iter().map(|s| s.file.clone()).collect();
    let merged_text = idl::openapi::render_files(&model, &options, &all);
    let merged = parsed(&merged_text);
    let skeleton = assert_union_of(&merged, &package_documents);
    let skeleton_path = out.path().join("merged-without-paths.yaml");
    std::fs::write(&skeleton_path, skeleton.to_yaml_string("")).unwrap();
    documents.push(skeleton_path);
    // openapi-spec-validator needs ~160 s of CPU for the 38 MB merged document
    // alone (its paths most), so CI validates it in parts: its operations are the
    // per-package documents' (`assert_union_of`), everything else is validated whole.
    if validate_all {
        let path = out.path().join("merged.yaml");
        std::fs::write(&path, merged_text).unwrap();
        documents.push(path);
    }
    assert!(validate(&documents));
}

/// Checks that the merged document's operations are exactly the union of the
/// per-package documents' (so each was validated there), that every `$ref`
/// resolves and that operationIds are unique across the corpus: the checks the
/// validator makes across parts. Returns the merged document without its paths,
/// for the validator to check the rest (its 12,863 schemas among them: a schema
/// may come from a package without bindings, as gnostic takes the first message
/// of that name when fq_schema_naming is off). Returns the merged
/// document without paths and schemas, for the validator to check its top level.
fn assert_union_of(merged: &Node, parts: &[Node]) -> Node {
    use std::collections::{BTreeMap, HashSet};
    let entries = |doc: &Node, section: &[&str]| -> Vec<(String, Node)> {
        let mut node = Some(doc);
        for key in section {
            node = node.and_then(|n| n.get(key));
        }
        match node {
            Some(Node::Map(entries)) => entries.clone(),
            _ => Vec::new(),
        }
    };
    // A path's item gathers the operations of every package serving that path, so
    // paths compare per operation (`GET /v1/x`), schemas per name.
    let operations = |doc: &Node| -> Vec<(String, Node)> {
        entries(doc, &["paths"])
            .into_iter()
            .flat_map(|(path, item)| match item {
                // Merged, an operationId another package also uses gains a number
                // (uniqueness is checked below), and an operation served by a host
                // other than the document's names its own `servers` (checked here).
                Node::Map(verbs) => verbs
                    .into_iter()
                    .map(|(verb, mut op)| {
                        op.remove("operationId");
                        if let Some(servers) = op.remove("servers") {
                            let Node::Seq(servers) = servers else { panic!("{verb} {path}: servers {servers:?}") };
                            for server in servers {
                                assert!(
                                    matches!(&server, Node::Map(keys) if keys.len() == 1 && server.get("url").and_then(Node::as_str).is_some()),
                                    "{verb} {path}: server {server:?}"
                                );
                            }
                        }
                        (format!("{verb} {path}"), op)
                    })
                    .collect(),
                other => vec![(path, other)],
            })
            .collect()
    };
    let mut expected: BTreeMap<String, Vec<Node>> = BTreeMap::new();
    for part in parts {
        for (name, value) in operations(part) {
            expected.entry(name).or_default().push(value);
        }
    }
    let actual = operations(merged);
    assert_eq!(actual.len(), expected.len(), "the merged document's operations are the packages' union");
    for (name, value) in &actual {
        let candidates = expected.get(name).unwrap_or_else(|| panic!("operation {name}: in no package"));
        assert!(candidates.contains(value), "operation {name}: differs from every package's");
    }
    let schema_names: HashSet<String> =
        entries(merged, &["components", "schemas"]).into_iter().map(|(name, _)| name).collect();
    let mut references = Vec::new();
    collect_references(merged, &mut references);
    for reference in references {
        let name = reference.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("$ref {reference}"));
        assert!(schema_names.contains(name), "$ref {reference} does not resolve in the merged document");
    }
    let mut operation_ids = HashSet::new();
    for (path, item) in entries(merged, &["paths"]) {
        if let Node::Map(operations) = item {
            for (verb, operation) in operations {
                if let Some(id) = operation.get("operationId").and_then(Node::as_str) {
                    assert!(operation_ids.insert(id.to_string()), "operationId {id} ({verb} {path}) is not unique");
                }
            }
        }
    }
    let mut skeleton = merged.clone();
    skeleton.set("paths", Node::map());
    skeleton
}

fn collect_references<'a>(node: &'a Node, out: &mut Vec<&'a str>) {
    match node {
        Node::Map(entries) => {
            for (key, value) in entries {
                match (key.as_str(), value) {
                    ("$ref", Node::Str(target)) => out.push(target),
                    _ => collect_references(value, out),
                }
            }
        }
        Node::Seq(items) => items.iter().for_each(|item| collect_references(item, out)),
        _ => {}
    }
}

fn count_operations(doc: &Node) -> usize {
    match doc.get("paths") {
        Some(Node::Map(items)) => items
            .iter()
            .map(|(_, item)| match item {
                Node::Map(ops) => ops
                    .iter()
                    .filter(|(verb, _)| matches!(verb.as_str(), "get" | "put" | "post" | "delete" | "patch"))
                    .count(),
                _ => 0,
            })
            .sum(),
        _ => 0,
    }
}

#[test]
fn docs_site_ships_the_document() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = idl(&fixture(), &["docs", "-o", out.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("pages and openapi.yaml in"), "{stderr}");
    let shipped = std::fs::read_to_string(out.path().join("openapi.yaml")).unwrap();
    let (_, written, _) = idl(&fixture(), &["openapi"]);
    assert!(parsed(&shipped) == parsed(&written));

    // Every RPC's binding links to its operation: the fragment is the operation's
    // JSON pointer in the shipped document, the link text its operationId.
    let document = parsed(&shipped);
    let mut linked = Vec::new();
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let page = std::fs::read_to_string(&path).unwrap();
        for link in page.split("<a class=\"openapi\" href=\"openapi.yaml#").skip(1) {
            let (pointer, rest) = link.split_once('"').unwrap();
            let text = rest.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().replace("<wbr>", "");
            let pointer = pointer.replace("%7B", "{").replace("%7D", "}");
            let mut node = &document;
            for token in pointer.trim_start_matches('/').split('/') {
                let key = token.replace("~1", "/").replace("~0", "~");
                node = node.get(&key).unwrap_or_else(|| panic!("{pointer} does not resolve in openapi.yaml"));
            }
            assert_eq!(node.get("operationId").and_then(Node::as_str), Some(text.as_str()), "{pointer}");
            linked.push(text);
        }
    }
    linked.sort();
    let mut operations: Vec<String> = Vec::new();
    if let Some(Node::Map(items)) = document.get("paths") {
        for (_, item) in items {
            if let Node::Map(ops) = item {
                operations.extend(ops.iter().filter_map(|(_, op)| op.get("operationId")?.as_str().map(str::to_string)));
            }
        }
    }
    operations.sort();
    assert!(!operations.is_empty());
    assert_eq!(linked, operations, "each operation linked once from its RPC");
}

#[test]
fn openapi_v3_annotations_are_merged() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/openapi/annotations");
    let (code, stdout, stderr) = idl(&dir, &["openapi", "--opt", "default_response=false"]);
    assert_eq!(code, 0, "{stderr}");
    let doc = parsed(&stdout);
    let info = doc.get("info").unwrap();
    assert_eq!(
        info.get("title").and_then(Node::as_str),
        Some("Notes"),
        "the file annotation's title wins over `Notes API`"
    );
    assert_eq!(info.get("version").and_then(Node::as_str), Some("2.1.0"));
    assert_eq!(info.get("description").and_then(Node::as_str), Some("Keeps notes."));
    assert_eq!(info.get("contact").and_then(|c| c.get("email")).and_then(Node::as_str), Some("notes@example.com"));
    let servers = doc.get("servers").unwrap();
    assert_eq!(servers, &Node::Seq(vec![Node::map().with("url", Node::str("https://notes.example.com"))]));
    let get = doc.get("paths").and_then(|p| p.get("/v1/notes/{id}")).and_then(|i| i.get("get")).unwrap();
    assert_eq!(get.get("summary").and_then(Node::as_str), Some("Read one note"));
    assert_eq!(get.get("deprecated"), Some(&Node::Bool(true)));
    assert_eq!(get.get("description").and_then(Node::as_str), Some("Reads a note."));
    let note = doc.get("components").and_then(|c| c.get("schemas")).and_then(|s| s.get("Note")).unwrap();
    assert_eq!(note.get("title").and_then(Node::as_str), Some("Note"));
    assert_eq!(note.get("required"), Some(&Node::Seq(vec![Node::str("id")])));
    let id = note.get("properties").and_then(|p| p.get("id")).unwrap();
    assert_eq!(id.get("pattern").and_then(Node::as_str), Some("^[a-z0-9]+$"));
    assert_eq!(id.get("maxLength"), Some(&Node::Int(32)));
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("notes.yaml");
    std::fs::write(&file, &stdout).unwrap();
    validate(&[file]);
}
