//! `idl errors` end to end: the example tables in every format against goldens
//! (`IDL_BLESS=1 cargo test` rewrites them), one fixture per check, and the CSV bytes.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn idl(dir: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("idl");
    cmd.current_dir(dir).env_remove("NO_COLOR").env_remove("RUST_BACKTRACE");
    cmd
}

fn errors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/errors")
}

/// Compares `actual` with the golden file, or rewrites it under `IDL_BLESS`.
fn assert_golden(path: &Path, actual: &str) {
    if std::env::var_os("IDL_BLESS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, actual).unwrap();
        return;
    }
    let expected =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e} (run IDL_BLESS=1 cargo test)", path.display()));
    assert!(
        expected == actual,
        "{} differs (IDL_BLESS=1 rewrites it):\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = idl(dir).arg("errors").args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn check_example(name: &str) {
    let dir = errors_dir().join(name);
    for (format, ext) in [("markdown", "md"), ("json", "json"), ("csv", "csv"), ("html", "html")] {
        let (code, stdout, stderr) = run(&dir, &["--format", format, "--error-format", "short"]);
        assert_eq!(code, 0, "{name} {format}: {stderr}");
        assert_golden(&dir.join(format!("golden/table.{ext}")), &stdout);
        assert_golden(&dir.join("golden/stderr.txt"), &stderr);
    }
}

#[test]
fn kratos_example_tables() {
    check_example("kratos");
}

#[test]
fn ego_example_tables() {
    check_example("ego");
}

/// Each check's fixture is its lint rule's (`testdata/lint/<RULE>/`, where lint
/// runs that rule alone); `idl errors` there runs every check, and must fire it too.
#[test]
fn every_check_fires_on_its_fixture() {
    let lint_fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lint");
    for rule in idl::errors::checks::RULE_IDS {
        let dir = lint_fixtures.join(rule);
        assert!(dir.is_dir(), "no fixture for {rule}");
        let (code, _, stderr) = run(&dir, &["--format", "json", "--error-format", "short"]);
        assert!(stderr.contains(&format!("[{rule}]")), "{rule} did not fire:\n{stderr}");
        assert!(!stderr.contains("valid.proto"), "{rule}: a valid file has findings:\n{stderr}");
        assert_golden(&dir.join("idl-errors.txt"), &format!("exit {code}\n{stderr}"));
    }
    let dir = errors_dir().join("checks/CONFIG");
    let (code, _, stderr) = run(&dir, &["--error-format", "short"]);
    assert_eq!(code, 2, "{stderr}");
    assert_golden(&dir.join("expected.txt"), &format!("exit {code}\n{stderr}"));
}

/// Every check is a lint rule in the ERRORS group, and the other way round.
#[test]
fn checks_are_the_errors_lint_group() {
    let group = &idl::lint::presets::groups()["ERRORS"];
    assert_eq!(group.rules, idl::errors::checks::RULE_IDS.map(String::from).to_vec());
    for rule in idl::errors::checks::RULE_IDS {
        assert!(idl::lint::rules::find(rule).is_some(), "{rule} is not a lint rule");
    }
}

#[test]
fn csv_with_bom_keeps_chinese_text() {
    let dir = errors_dir().join("kratos");
    let output = idl(&dir).args(["errors", "--format", "csv", "--bom"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let bytes = output.stdout;
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with("id,reason,"), "{text}");
    let needle = "用户不存在。";
    assert!(bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{text}");
    assert!(text.contains("\r\n") && text.lines().count() > 1);

    let plain = idl(&dir).args(["errors", "--format", "csv"]).output().unwrap().stdout;
    assert_eq!(&bytes[3..], plain.as_slice());
}

#[test]
fn output_file_and_bom_usage() {
    let dir = errors_dir().join("ego");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("errors.html");
    let (code, stdout, stderr) = run(&dir, &["--format", "html", "-o", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty());
    let html = fs::read_to_string(&path).unwrap();
    assert!(html.contains("id=\"filter\"") && html.contains("&lt;docs&gt; &amp; retry"), "{html}");
    assert!(!html.contains("http://") && !html.contains("https://"), "external resource in {html}");

    let (code, _, stderr) = run(&dir, &["--format", "json", "--bom"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn kratos_options_are_found_by_number_under_another_package() {
    let dir = tempfile::tempdir().unwrap();
    let vendored = "syntax = \"proto3\";\npackage kratos.errs;\nimport \"google/protobuf/descriptor.proto\";\n\
        extend google.protobuf.EnumOptions { int32 default_code = 1108; }\n\
        extend google.protobuf.EnumValueOptions { int32 code = 1109; }\n";
    let service = "syntax = \"proto3\";\npackage shop.v1;\nimport \"vendor/errors.proto\";\n\
        enum Reason {\n  option (kratos.errs.default_code) = 503;\n  // Cart missing.\n  CART_MISSING = 0 [(kratos.errs.code) = 404];\n  // Down.\n  DOWN = 1;\n}\n";
    fs::write(dir.path().join("idl.toml"), "roots = [\".\"]\n").unwrap();
    fs::create_dir_all(dir.path().join("vendor")).unwrap();
    fs::write(dir.path().join("vendor/errors.proto"), vendored).unwrap();
    fs::write(dir.path().join("shop.proto"), service).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("shop.v1.Reason.CART_MISSING,CART_MISSING,shop.v1,,,404,value,NOT_FOUND"), "{stdout}");
    assert!(stdout.contains("shop.v1.Reason.DOWN,DOWN,shop.v1,,,503,enum_default,UNAVAILABLE"), "{stdout}");
}

/// Writes `files` (path, text) under a new temporary directory.
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

const KRATOS_ERRORS_PROTO: &str = "syntax = \"proto3\";\npackage errors;\nimport \"google/protobuf/descriptor.proto\";\n\
    extend google.protobuf.EnumOptions { int32 default_code = 1108; }\n\
    extend google.protobuf.EnumValueOptions { int32 code = 1109; }\n";

/// The profiles differ where the frameworks do: Kratos sends HTTP 409 as ABORTED,
/// google.rpc's table as ALREADY_EXISTS; Ego sends DEADLINE_EXCEEDED as 408,
/// Kratos as 504 (and Ego's RESOURCE_EXHAUSTED → 503 comes back UNAVAILABLE: lossy).
#[test]
fn mapping_profiles_differ_end_to_end() {
    let kratos = "syntax = \"proto3\";\npackage shop.v1;\nimport \"errors/errors.proto\";\n\
        enum ErrorReason {\n  ERROR_REASON_UNSPECIFIED = 0;\n  // Exists.\n  EXISTS = 1 [(errors.code) = 409];\n}\n";
    let ego = "// @plugins=protoc-gen-go-errors\nsyntax = \"proto3\";\npackage biz.v1;\n\
        enum Error {\n  ERROR_UNSPECIFIED = 0;\n  // Slow.\n  // @code=DEADLINE_EXCEEDED\n  SLOW = 1;\n\
        // Busy.\n  // @code=RESOURCE_EXHAUSTED\n  BUSY = 2;\n}\n";
    let columns = |csv: &str, id: &str| -> Vec<String> {
        let line = csv.lines().find(|l| l.starts_with(id)).unwrap_or_else(|| panic!("{id} in {csv}"));
        line.split(',').map(str::to_string).collect()
    };
    for (profile, exists_grpc, slow_http) in [
        ("", "ABORTED", "408"),
        ("kratos", "ABORTED", "504"),
        ("google", "ALREADY_EXISTS", "504"),
        ("ego", "ALREADY_EXISTS", "408"),
    ] {
        let config = if profile.is_empty() {
            "roots = [\".\"]\n".to_string()
        } else {
            format!("roots = [\".\"]\n[errors]\nprofile = \"{profile}\"\n")
        };
        let dir = workspace(&[
            ("idl.toml", &config),
            ("errors/errors.proto", KRATOS_ERRORS_PROTO),
            ("shop.proto", kratos),
            ("biz.proto", ego),
        ]);
        let (code, stdout, stderr) = run(dir.path(), &["--format", "csv"]);
        assert_eq!(code, 0, "{stderr}");
        // Columns: id, reason, domain, biz_code, biz_source, http_status, http_source, grpc_code, grpc_lossy, round_trip.
        let exists = columns(&stdout, "shop.v1.ErrorReason.EXISTS");
        assert_eq!((exists[5].as_str(), exists[7].as_str()), ("409", exists_grpc), "profile {profile:?}");
        let slow = columns(&stdout, "biz.v1.Error.SLOW");
        assert_eq!((slow[5].as_str(), slow[7].as_str()), (slow_http, "DEADLINE_EXCEEDED"), "profile {profile:?}");
        let busy = columns(&stdout, "biz.v1.Error.BUSY");
        let ego_like = matches!(profile, "" | "ego");
        assert_eq!(busy[5], if ego_like { "503" } else { "429" }, "profile {profile:?}");
        assert_eq!(busy[8], ego_like.to_string(), "lossy flag, profile {profile:?}: {}", busy[9]);
    }
}

/// `--init` writes idl/errors.proto into the first root, leaves it alone later,
/// and the table reads its options.
#[test]
fn init_writes_the_annotations_file_that_extraction_reads() {
    let dir = workspace(&[("idl.toml", "roots = [\"proto\"]\n"), ("proto/.keep", "")]);
    let (code, stdout, stderr) = run(dir.path(), &["--init"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty() && stderr.contains("wrote proto/idl/errors.proto"), "{stderr}");
    let written = fs::read_to_string(dir.path().join("proto/idl/errors.proto")).unwrap();
    assert_eq!(written, idl::errors::options::ERRORS_PROTO);
    let (code, _, stderr) = run(dir.path(), &["--init"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("up to date"), "{stderr}");

    let service = "// @plugins=protoc-gen-go-errors\nsyntax = \"proto3\";\npackage shop.v1;\nimport \"idl/errors.proto\";\n\
        enum Error {\n  option (idl.errors.domain) = \"shop.acme.com\";\n  ERROR_UNSPECIFIED = 0;\n  // Slow down.\n  // @code=RESOURCE_EXHAUSTED\n\
        RATE_LIMITED = 1 [(idl.errors.biz_code) = 101002003, (idl.errors.metadata_keys) = \"retry_after_seconds\"];\n}\n";
    fs::write(dir.path().join("proto/shop.proto"), service).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let row = &doc["errors"][0];
    assert_eq!(row["biz_code"], 101002003);
    assert_eq!(row["biz_source"], "option");
    assert_eq!(row["domain"], "shop.acme.com");
    assert_eq!(row["metadata_keys"][0], "retry_after_seconds");

    fs::write(dir.path().join("proto/idl/errors.proto"), "syntax = \"proto3\";\n").unwrap();
    let (code, _, stderr) = run(dir.path(), &["--init", "--error-format", "short"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("exists and differs"), "{stderr}");
}

/// `[errors]` turns the ERRORS lint group on under `idl lint` (next to the default
/// preset); `except` turns it off; `use` naming rules leaves it to them.
#[test]
fn lint_runs_the_checks_when_errors_is_configured() {
    let service = "syntax = \"proto3\";\npackage shop.v1;\nimport \"errors/errors.proto\";\n\
        // Errors.\nenum ErrorReason {\n  // Unset.\n  ERROR_REASON_UNSPECIFIED = 0;\n  ERROR_REASON_UNDOCUMENTED = 1 [(errors.code) = 404];\n}\n";
    let lint_file = |config: &str, service: &str| {
        let dir = workspace(&[
            ("idl.toml", config),
            ("errors/errors.proto", KRATOS_ERRORS_PROTO),
            ("shop/v1/shop.proto", service),
        ]);
        let output = idl(dir.path()).args(["lint", "--format", "short", "shop"]).output().unwrap();
        let text = String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
        (output.status.code().unwrap(), text)
    };
    let lint = |config: &str| lint_file(config, service);
    let (code, out) = lint("roots = [\".\"]\n[errors]\nlocales = []\n");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("[ERRORS_MISSING_COMMENT]"), "{out}");
    let (_, out) = lint("roots = [\".\"]\n");
    assert!(!out.contains("ERRORS_"), "{out}");
    let (_, out) = lint("roots = [\".\"]\n[lint]\nexcept = [\"ERRORS\"]\n[errors]\nlocales = []\n");
    assert!(!out.contains("ERRORS_"), "{out}");
    let (_, out) = lint("roots = [\".\"]\n[lint]\nuse = [\"ERRORS_MISSING_COMMENT\"]\n");
    assert!(out.contains("[ERRORS_MISSING_COMMENT]"), "{out}");
    let (code, out) = lint("roots = [\".\"]\n[lint]\nuse = [\"ERRORS\"]\n[errors]\nprofile = \"grpc\"\n");
    assert_eq!(code, 2, "{out}");
    // A comment ignore on the value silences the rule, and is no message itself.
    let ignored = service.replace(
        "  ERROR_REASON_UNDOCUMENTED",
        "  // buf:lint:ignore ERRORS_MISSING_COMMENT\n  ERROR_REASON_UNDOCUMENTED",
    );
    let (code, out) = lint_file("roots = [\".\"]\n[lint]\nuse = [\"ERRORS\"]\n", &ignored);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("ERRORS_MISSING_COMMENT") && !out.contains("UNUSED_IGNORE"), "{out}");
    // `idl errors` honours it too.
    let dir = workspace(&[
        ("idl.toml", "roots = [\".\"]\n"),
        ("errors/errors.proto", KRATOS_ERRORS_PROTO),
        ("shop/v1/shop.proto", &ignored),
    ]);
    let (code, _, stderr) = run(dir.path(), &["--error-format", "short"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("ERRORS_MISSING_COMMENT"), "{stderr}");
    let (_, _, stderr) = run(dir.path(), &["--error-format", "short", "--format", "json"]);
    assert!(stderr.is_empty(), "{stderr}");
}
