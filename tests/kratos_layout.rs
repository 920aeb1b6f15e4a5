//! A first run on a Kratos-shaped repository (`testdata/kratos-layout`): `idl
//! init` finds the roots and import paths, `idl build` and `idl lint` then work;
//! as a buf v2 workspace (modules api, internal, third_party, the last holding
//! copies of the well-known types) `idl lint` gives buf's findings; the config
//! `idl init` wrote fails `idl breaking` on a changed HTTP route and a changed
//! error status.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/kratos-layout")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scratch copy of the fixture at `dir`, without the buf golden.
fn copy_fixture(dir: &Path) {
    copy_dir(&fixture(), dir);
    let _ = fs::remove_file(dir.join("expected-buf-lint.txt"));
}

fn idl(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = assert_cmd::cargo::cargo_bin_cmd!("idl").current_dir(dir).args(args).output().unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

/// `path:line:column RULE` of every JSON finding.
fn finding_set(json_lines: &str, rule_key: &str) -> BTreeSet<String> {
    json_lines
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| {
            let finding: serde_json::Value = serde_json::from_str(line).unwrap();
            format!(
                "{}:{}:{} {}",
                finding["path"].as_str().unwrap(),
                finding["start_line"],
                finding["start_column"],
                finding[rule_key].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn init_then_build_and_lint_work_on_the_first_try() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(dir.path());
    let (code, _, stderr) = idl(dir.path(), &["init"]);
    assert_eq!(code, 0, "{stderr}");
    // What it found, and why.
    for said in [
        "idl init: roots += \".\": Makefile:9 passes `.` to protoc",
        "idl init: import_paths += \"third_party\": Makefile:10 passes `./third_party` to protoc, and it holds \
         google/api, google/protobuf, validate, errors, openapi (imports, not lint targets)",
        "idl init: excludes += \"third_party\": an import path under a root, so not checked",
    ] {
        assert!(stderr.contains(said), "missing {said:?} in\n{stderr}");
    }
    let toml = fs::read_to_string(dir.path().join("idl.toml")).unwrap();
    for line in ["roots = [\".\"]\n", "import_paths = [\"third_party\"]\n", "excludes = [\"third_party\"]\n"] {
        assert!(toml.contains(line), "missing {line:?} in\n{toml}");
    }
    let (code, stdout, stderr) = idl(dir.path(), &["build"]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
    // Lint runs (findings, no input error) and reports only the repository's own
    // files (api/ and internal/conf/), never the vendored third_party/ tree.
    let (code, stdout, stderr) = idl(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let files: BTreeSet<String> =
        finding_set(&stdout, "rule").iter().map(|f| f.split(':').next().unwrap().to_string()).collect();
    assert!(files.iter().any(|file| file.starts_with("api/")), "{files:?}");
    assert!(files.iter().all(|file| !file.starts_with("third_party/")), "{files:?}");
}

/// The fixture as a buf v2 workspace of three modules. `internal/` gets a small
/// file of this test's own (the fixture's `internal/conf` belongs to other tests).
fn buf_v2_workspace(dir: &Path) {
    copy_fixture(dir);
    let _ = fs::remove_dir_all(dir.join("internal"));
    let _ = fs::remove_dir_all(dir.join("configs"));
    fs::create_dir_all(dir.join("internal/conf")).unwrap();
    fs::write(
        dir.join("internal/conf/bootstrap.proto"),
        "syntax = \"proto3\";\n\npackage kratos.api;\n\nimport \"google/protobuf/duration.proto\";\n\n\
         message Bootstrap {\n  Server server = 1;\n}\n\nmessage Server {\n  message HTTP {\n    string addr = 1;\n    \
         google.protobuf.Duration timeout = 2;\n  }\n  HTTP http = 1;\n}\n",
    )
    .unwrap();
    fs::write(
        dir.join("buf.yaml"),
        "version: v2\nmodules:\n  - path: api\n  - path: internal\n  - path: third_party\n",
    )
    .unwrap();
}

fn buf() -> Option<PathBuf> {
    let buf = std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/idl-peers/bin/buf"))?;
    if buf.is_file() {
        Some(buf)
    } else {
        eprintln!("skipped the live buf comparison: no {} (run ../shared/scripts/peers.sh)", buf.display());
        None
    }
}

#[test]
fn buf_v2_workspace_lint_equals_buf_including_vendored_well_known_types() {
    let dir = tempfile::tempdir().unwrap();
    buf_v2_workspace(dir.path());
    let (code, stdout, stderr) = idl(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let found = finding_set(&stdout, "rule");
    // The copies in third_party/google/protobuf are linted as they are on disk.
    assert!(found.contains("third_party/google/protobuf/any.proto:35:1 PACKAGE_VERSION_SUFFIX"), "{found:?}");
    assert!(!found.iter().any(|f| f.starts_with("google/protobuf/")), "{found:?}");
    // `IDL_RECORD_BUF=1 cargo test --test kratos_layout` records the golden from buf.
    if std::env::var_os("IDL_RECORD_BUF").is_some() {
        let buf = buf().expect("buf, to record the golden");
        let output = std::process::Command::new(buf)
            .current_dir(dir.path())
            .args(["lint", "--error-format", "json"])
            .output()
            .unwrap();
        let recorded = finding_set(&String::from_utf8_lossy(&output.stdout), "type");
        let text: String = recorded.iter().map(|line| format!("{line}\n")).collect();
        fs::write(fixture().join("expected-buf-lint.txt"), text).unwrap();
    }
    let golden_text = fs::read_to_string(fixture().join("expected-buf-lint.txt")).unwrap();
    let golden: BTreeSet<String> = golden_text.lines().filter(|l| !l.is_empty()).map(str::to_string).collect();
    let missing: Vec<_> = golden.difference(&found).collect();
    let extra: Vec<_> = found.difference(&golden).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing (buf only): {missing:?}\nextra (idl only): {extra:?}");
    let Some(buf) = buf() else { return };
    let output = std::process::Command::new(buf)
        .current_dir(dir.path())
        .args(["lint", "--error-format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(100), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(finding_set(&String::from_utf8_lossy(&output.stdout), "type"), found);
}

#[test]
fn init_config_fails_breaking_on_a_route_change_and_an_error_status_change() {
    let dir = tempfile::tempdir().unwrap();
    let (base, head) = (dir.path().join("base"), dir.path().join("head"));
    copy_fixture(&base);
    copy_fixture(&head);
    let (code, _, stderr) = idl(&head, &["init", "-q"]);
    assert_eq!(code, 0, "{stderr}");
    let toml = fs::read_to_string(head.join("idl.toml")).unwrap();
    assert!(toml.contains("use = [\"FILE\", \"API\", \"ERRORS\"]"), "{toml}");
    assert!(toml.contains("# a changed route or error status breaks HTTP clients"), "{toml}");
    let (code, stdout, stderr) = idl(&head, &["breaking", "--against", "../base", "--format", "short"]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    // The summary names the categories that ran.
    assert!(stderr.contains("idl breaking: ran FILE, API, ERRORS"), "{stderr}");

    let greeter = head.join("api/helloworld/v1/greeter.proto");
    let original = fs::read_to_string(&greeter).unwrap();
    fs::write(&greeter, original.replace("get: \"/helloworld/{name}\"", "get: \"/v1/greetings/{name}\"")).unwrap();
    let (code, stdout, _) = idl(&head, &["breaking", "--against", "../base", "--format", "short"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("api/helloworld/v1/greeter.proto:17:5: [API_HTTP_SAME_PATH]"), "{stdout}");
    fs::write(&greeter, original).unwrap();

    let reasons = head.join("api/helloworld/v1/error_reason.proto");
    let text = fs::read_to_string(&reasons).unwrap();
    fs::write(&reasons, text.replace("(errors.code) = 404", "(errors.code) = 410")).unwrap();
    let (code, stdout, _) = idl(&head, &["breaking", "--against", "../base", "--format", "short"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("[ERRORS_SAME_HTTP_STATUS] Error \"helloworld.v1.ErrorReason.USER_NOT_FOUND\""),
        "{stdout}"
    );
}

#[test]
fn init_converts_a_buf_yaml_found_here_and_keeps_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    buf_v2_workspace(dir.path());
    let (_, without_toml, _) = idl(dir.path(), &["lint", "--format", "json"]);
    let (code, _, stderr) = idl(dir.path(), &["init"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with("idl init: buf.yaml found here; converting it (as `idl init --from buf.yaml`)"),
        "{stderr}"
    );
    let (code, stdout, stderr) = idl(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("no idl.toml found"), "{stderr}");
    assert_eq!(finding_set(&stdout, "rule"), finding_set(&without_toml, "rule"));
    assert_eq!(idl(dir.path(), &["build"]).0, 0);
}

/// The enum value-name rules' findings in the fixture's error enum.
fn value_name_findings(dir: &Path, args: &[&str]) -> Vec<String> {
    let (code, stdout, stderr) = idl(dir, &[&["lint", "--format", "json"][..], args].concat());
    assert!(code == 0 || code == 1, "{stdout}{stderr}");
    finding_set(&stdout, "rule")
        .into_iter()
        .filter(|f| f.starts_with("api/helloworld/v1/error_reason.proto:"))
        .filter(|f| f.contains(" ENUM_VALUE_") || f.contains(" ENUM_ZERO_VALUE_SUFFIX"))
        .collect()
}

#[test]
fn error_enums_are_exempt_from_value_name_rules_under_uber_v2_and_google_only() {
    let dir = tempfile::tempdir().unwrap();
    copy_fixture(dir.path());
    assert_eq!(idl(dir.path(), &["init", "-q"]).0, 0);
    // buf-standard keeps buf's behaviour: the reasons are asked to take the enum's prefix.
    assert_eq!(value_name_findings(dir.path(), &[]).len(), 3);
    for preset in ["uber-v2", "google"] {
        assert_eq!(value_name_findings(dir.path(), &["--preset", preset]), Vec::<String>::new(), "{preset}");
    }
    // The option turns it off again.
    let toml = fs::read_to_string(dir.path().join("idl.toml")).unwrap();
    let off = "\n[lint.rules.ENUM_VALUE_PREFIX]\nexempt_error_enums = false\n\n\
               [lint.rules.ENUM_ZERO_VALUE_SUFFIX]\nexempt_error_enums = false\n";
    fs::write(dir.path().join("idl.toml"), toml.replace("\n[breaking]", &format!("{off}\n[breaking]"))).unwrap();
    let found = value_name_findings(dir.path(), &["--preset", "uber-v2"]);
    assert!(
        found.contains(&"api/helloworld/v1/error_reason.proto:18:3 ENUM_ZERO_VALUE_SUFFIX".to_string()),
        "{found:?}"
    );
    assert_eq!(found.iter().filter(|f| f.ends_with(" ENUM_VALUE_PREFIX")).count(), 3, "{found:?}");
}
