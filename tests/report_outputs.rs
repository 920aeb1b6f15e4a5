//! Where findings go: stdout for lint, breaking and `format --check` (so
//! `idl lint --format sarif > f.sarif` is a report), `-o FILE` written atomically,
//! `--report FORMAT=FILE` beside the text for the log, stderr for build and for
//! idl's own notices.

use std::fs;
use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

fn idl(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output =
        assert_cmd::cargo::cargo_bin_cmd!("idl").current_dir(dir).env_remove("NO_COLOR").args(args).output().unwrap();
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
    (output.status.code().unwrap(), text(&output.stdout), text(&output.stderr))
}

/// Two lint findings (MESSAGE_PASCAL_CASE, FIELD_LOWER_SNAKE_CASE), a file that is
/// not formatted, and no idl.toml but a buf.yaml (so idl says which config it used).
fn workspace() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("buf.yaml"), "version: v2\n").unwrap();
    fs::create_dir_all(dir.path().join("acme/user/v1")).unwrap();
    fs::write(
        dir.path().join("acme/user/v1/user.proto"),
        "syntax = \"proto3\";\npackage acme.user.v1;\nmessage user_info {\n  string firstName = 1;\n}\n",
    )
    .unwrap();
    dir
}

fn sarif_validator() -> jsonschema::Validator {
    let published = include_str!("../testdata/report/sarif-schema-2.1.0.json");
    // The published `language` patterns have a stray `]` (see src/report/sarif.rs).
    let schema: Value =
        serde_json::from_str(&published.replace(r#"-[a-zA-Z]{2}]?$""#, r#"-[a-zA-Z]{2}\\]?$""#)).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid_sarif(text: &str, results: usize) {
    let log: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text:?}"));
    let errors: Vec<String> = sarif_validator().iter_errors(&log).map(|e| format!("{e}")).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), results, "{text}");
}

/// The failures of a JUnit document, as (test case name, failure type).
fn junit_failures(text: &str) -> Vec<(String, String)> {
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), "{text}");
    let document = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{e}: {text:?}"));
    assert_eq!(document.root_element().tag_name().name(), "testsuites");
    document
        .descendants()
        .filter(|node| node.has_tag_name("failure"))
        .map(|failure| {
            let case = failure.parent_element().unwrap().attribute("name").unwrap().to_string();
            (case, failure.attribute("type").unwrap().to_string())
        })
        .collect()
}

#[test]
fn sarif_on_stdout_is_a_valid_document_and_notices_stay_on_stderr() {
    let dir = workspace();
    let (code, stdout, stderr) = idl(dir.path(), &["lint", "--format", "sarif"]);
    assert_eq!(code, 1, "{stderr}");
    assert_valid_sarif(&stdout, 2);
    assert!(stderr.starts_with("idl: no idl.toml found; using buf.yaml"), "{stderr}");
    // A clean run is still a document.
    let (code, stdout, _) = idl(dir.path(), &["lint", "--format", "sarif", "--preset", "minimal"]);
    assert_eq!(code, 0);
    assert_valid_sarif(&stdout, 0);
}

#[test]
fn output_file_holds_the_report_and_stdout_stays_empty() {
    let dir = workspace();
    let (code, stdout, stderr) = idl(dir.path(), &["lint", "--format", "junit", "-o", "f.xml"]);
    assert_eq!((code, stdout.as_str()), (1, ""), "{stderr}");
    let xml = fs::read_to_string(dir.path().join("f.xml")).unwrap();
    assert_eq!(
        junit_failures(&xml),
        [
            ("MESSAGE_PASCAL_CASE_3_9".into(), "MESSAGE_PASCAL_CASE".into()),
            ("FIELD_LOWER_SNAKE_CASE_4_10".into(), "FIELD_LOWER_SNAKE_CASE".into())
        ]
    );
    // Written by rename: no temporary file is left beside it.
    let names: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|name| name.contains(".tmp")), "{names:?}");
    // `-o -` is stdout.
    let (code, stdout, _) = idl(dir.path(), &["lint", "--format", "short", "-o", "-"]);
    assert_eq!((code, stdout.lines().count()), (1, 2), "{stdout}");
    // A report that cannot be written fails the run (exit 2), and says why on stderr.
    let (code, stdout, stderr) = idl(dir.path(), &["lint", "--output-file", "no/such/dir/f.xml"]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains("idl lint: cannot write no/such/dir/f.xml: "), "{stderr}");
}

#[test]
fn reports_beside_text_for_the_log() {
    let dir = workspace();
    let args = ["lint", "--format", "text", "--color", "never", "--report", "sarif=a.sarif", "--report", "junit=b.xml"];
    let (code, stdout, _) = idl(dir.path(), &args);
    assert_eq!(code, 1);
    assert!(stdout.contains("MESSAGE_PASCAL_CASE") && stdout.contains("2 errors"), "{stdout}");
    assert_valid_sarif(&fs::read_to_string(dir.path().join("a.sarif")).unwrap(), 2);
    assert_eq!(junit_failures(&fs::read_to_string(dir.path().join("b.xml")).unwrap()).len(), 2);
    // The extra reports carry no colour even when the terminal text does.
    let (_, stdout, _) = idl(dir.path(), &["lint", "--color", "always", "--report", "short=c.txt"]);
    assert!(stdout.contains('\x1b'), "{stdout}");
    let short = fs::read_to_string(dir.path().join("c.txt")).unwrap();
    assert!(!short.contains('\x1b') && short.lines().count() == 2, "{short}");
    // A bad FORMAT=FILE is a usage error.
    let (code, _, stderr) = idl(dir.path(), &["lint", "--report", "xml=a.xml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown format `xml`; expected one of: text, short, json"), "{stderr}");
    let (code, _, stderr) = idl(dir.path(), &["lint", "--report", "a.sarif"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected FORMAT=FILE"), "{stderr}");
}

#[test]
fn breaking_and_format_check_report_on_stdout_build_on_stderr() {
    let dir = workspace();
    fs::create_dir_all(dir.path().join("base/acme/user/v1")).unwrap();
    fs::write(
        dir.path().join("base/acme/user/v1/user.proto"),
        "syntax = \"proto3\";\npackage acme.user.v1;\nmessage user_info {\n  string firstName = 1;\n  int32 age = 2;\n}\n",
    )
    .unwrap();
    fs::write(dir.path().join("idl.toml"), "excludes = [\"base\"]\n").unwrap();
    let (code, stdout, stderr) = idl(dir.path(), &["breaking", "--against", "base", "--format", "short"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("[FIELD_NO_DELETE]"), "{stdout}");
    let (code, stdout, _) = idl(dir.path(), &["breaking", "--against", "base", "--format", "junit", "-o", "-"]);
    assert_eq!(code, 1);
    assert_eq!(junit_failures(&stdout).len(), 1, "{stdout}");

    fs::write(
        dir.path().join("acme/user/v1/messy.proto"),
        "syntax = \"proto3\";\npackage acme.user.v1;\nmessage  A{}\n",
    )
    .unwrap();
    let (code, stdout, stderr) = idl(dir.path(), &["format", "--check", "--format", "short"]);
    assert_eq!((code, stderr.as_str()), (1, ""));
    assert_eq!(stdout, "acme/user/v1/messy.proto: [FORMAT] file is not formatted\n");
    // With --diff, stdout is the diff.
    let (code, stdout, _) = idl(dir.path(), &["format", "--diff", "--exit-code"]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("--- a/acme/user/v1/messy.proto"), "{stdout}");

    fs::write(dir.path().join("acme/user/v1/broken.proto"), "syntax = \"proto3\";\nmessage {\n").unwrap();
    let (code, stdout, stderr) = idl(dir.path(), &["build", "--format", "short"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("broken.proto:2:9: [COMPILE]"), "{stderr}");
}
