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
    assert!(stdout.contains("shop.v1.Reason.CART_MISSING,CART_MISSING,shop.v1,,404,value,NOT_FOUND"), "{stdout}");
    assert!(stdout.contains("shop.v1.Reason.DOWN,DOWN,shop.v1,,503,enum_default,UNAVAILABLE"), "{stdout}");
}
