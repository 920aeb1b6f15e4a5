//! `idl new` as a user runs it: the file it writes lints clean under every preset
//! and is formatted as `idl format` wants it, follows the workspace's error
//! convention (Kratos options, Ego comments), and bad paths get clear errors.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut cmd: Command = assert_cmd::cargo::cargo_bin_cmd!("idl");
    let output = cmd.current_dir(dir).env_remove("NO_COLOR").args(args).output().unwrap();
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
    (output.status.code().unwrap(), text(&output.stdout), text(&output.stderr))
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `testdata/example` with `google/api` importable and the given preset.
fn example(preset: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("testdata/example/proto"), &dir.path().join("proto"));
    // The example's vendored google/api, Kratos errors and protovalidate.
    let google_api = repo().join("testdata/example/third_party");
    let mut config = format!(
        "roots = [\"proto\"]\nimport_paths = [{:?}]\n\n[lint]\npreset = \"{preset}\"\n",
        google_api.to_str().unwrap()
    );
    if preset == "uber-v2" {
        // Uber's layout (FILE_ELEMENT_ORDER in its preset) puts options before imports.
        config.push_str("\n[format]\noptions_before_imports = true\n");
    }
    fs::write(dir.path().join("idl.toml"), config).unwrap();
    dir
}

/// What `idl lint` and `idl format --check` say of `file`: both must be silent.
fn assert_clean(dir: &Path, file: &str) {
    let (code, stdout, stderr) = run(dir, &["lint", file, "--format", "json"]);
    assert_eq!(code, 0, "idl lint {file}:\n{stdout}{stderr}\n{}", fs::read_to_string(dir.join(file)).unwrap());
    let (code, stdout, stderr) = run(dir, &["format", "--check", file]);
    assert_eq!(code, 0, "idl format --check {file}:\n{stdout}{stderr}");
}

#[test]
fn new_file_lints_and_formats_clean_under_every_preset() {
    for (preset, file) in [
        ("buf-standard", "proto/acme/billing/v1/billing.proto"),
        ("minimal", "proto/acme/billing/v1/billing.proto"),
        ("google", "proto/acme/billing/v1/billing.proto"),
        // Uber's layout names the file after its service.
        ("uber-v2", "proto/acme/billing/v1/billing_api.proto"),
    ] {
        let dir = example(preset);
        let (code, stdout, stderr) = run(dir.path(), &["new", file]);
        assert_eq!(code, 0, "{preset}: {stdout}{stderr}");
        assert!(stderr.contains("with HTTP routes"), "{preset}: {stderr}");
        assert_clean(dir.path(), file);
        let text = fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(text.contains("package acme.billing.v1;"), "{text}");
        assert!(text.contains("get: \"/v1/billings/{id}\""), "{preset}: {text}");
        assert!(text.contains("patch: \"/v1/billings/{billing.id}\""), "{preset}: {text}");
        // The example's go_package pattern carries over to the new package, unless
        // the preset derives its own (Uber's `{last_two}`).
        let go_package =
            if preset == "uber-v2" { "\"billingv1\"" } else { "\"github.com/acme/api/billing/v1;billingv1\"" };
        assert!(text.contains(&format!("option go_package = {go_package};")), "{preset}: {text}");
        // The workspace still builds with the new file in it.
        let (code, _, stderr) = run(dir.path(), &["build"]);
        assert_eq!(code, 0, "{preset}: {stderr}");
    }
}

#[test]
fn new_file_under_uber_v2_uses_its_names() {
    let dir = example("uber-v2");
    let file = "proto/acme/billing/v1/billing_api.proto";
    let (code, _, stderr) = run(dir.path(), &["new", file]);
    assert_eq!(code, 0, "{stderr}");
    let text = fs::read_to_string(dir.path().join(file)).unwrap();
    for expected in [
        "service BillingAPI {",
        "ERROR_REASON_INVALID = 0;",
        "option java_outer_classname = \"BillingApiProto\";",
        "option objc_class_prefix = \"ABX\";",
    ] {
        assert!(text.contains(expected), "{expected} missing in:\n{text}");
    }
    // Options come before imports in Uber's file layout.
    assert!(text.find("option ").unwrap() < text.find("import ").unwrap(), "{text}");
}

#[test]
fn new_refuses_a_file_name_the_uber_layout_rejects() {
    let dir = example("uber-v2");
    let (code, stdout, stderr) = run(dir.path(), &["new", "proto/acme/billing/v1/billing.proto"]);
    assert_eq!(code, 2);
    let output = format!("{stdout}{stderr}");
    assert!(
        output.contains(
            "the workspace's SERVICE_FILE_LAYOUT wants service BillingAPI in a file of its own name: \
             run `idl new` with acme/billing/v1/billing_api.proto"
        ),
        "{output}"
    );
    assert!(!dir.path().join("proto/acme/billing/v1/billing.proto").exists());
}

#[test]
fn new_follows_the_kratos_error_convention() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("testdata/errors/kratos"), dir.path());
    fs::remove_dir_all(dir.path().join("golden")).unwrap();
    let file = "api/billing/v1/billing.proto";
    let (code, stdout, stderr) = run(dir.path(), &["new", file, "--service", "Billing"]);
    assert_eq!(code, 2);
    assert!(
        format!("{stdout}{stderr}")
            .contains("service Billing would have the name of the resource message Billing: give another --service"),
        "{stdout}{stderr}"
    );
    // The fixture's business-code scheme needs the new package's service code.
    let (code, stdout, stderr) = run(dir.path(), &["new", file, "--service", "PaymentService", "--dry-run"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains(
            "note: [errors.code_scheme] has no service code for billing.v1: add `\"billing.v1\" = 3` to its `services`"
        ),
        "{stderr}"
    );
    let config = fs::read_to_string(dir.path().join("idl.toml")).unwrap();
    let config = config.replace("\"order.v1\" = 2 }", "\"order.v1\" = 2, \"billing.v1\" = 3 }");
    fs::write(dir.path().join("idl.toml"), config).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["new", file, "--service", "PaymentService"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("error enum ErrorReason in the kratos convention"), "{stderr}");
    let text = fs::read_to_string(dir.path().join(file)).unwrap();
    assert!(text.contains("import \"errors/errors.proto\";"), "{text}");
    assert!(text.contains("option (errors.default_code) = 500;"), "{text}");
    assert!(text.contains("service PaymentService {"), "{text}");
    // The error table reads the new enum: reasons with their HTTP statuses.
    let (code, table, stderr) = run(dir.path(), &["errors", "--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    let rows: Vec<&str> = table.lines().filter(|l| l.contains("billing.v1")).collect();
    assert_eq!(rows.len(), 2, "{table}");
    assert!(rows.iter().any(|r| r.contains("BILLING_NOT_FOUND") && r.contains(",404,")), "{table}");
    assert!(rows.iter().any(|r| r.contains("BILLING_ALREADY_EXISTS") && r.contains(",409,")), "{table}");
}

#[test]
fn new_follows_the_ego_error_convention() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("testdata/errors/ego"), dir.path());
    fs::remove_dir_all(dir.path().join("golden")).unwrap();
    let file = "biz/billing/v1/billing.proto";
    let (code, stdout, stderr) = run(dir.path(), &["new", file]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let text = fs::read_to_string(dir.path().join(file)).unwrap();
    assert!(text.starts_with("// @plugins=protoc-gen-go-errors\n"), "{text}");
    assert!(text.contains("// @code=NOT_FOUND\n"), "{text}");
    let (code, table, stderr) = run(dir.path(), &["errors", "--format", "csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(table.contains("biz.billing.v1.ERROR_REASON_BILLING_NOT_FOUND"), "{table}");
}

#[test]
fn new_refuses_to_overwrite_and_explains_bad_paths() {
    let dir = example("buf-standard");
    let (code, stdout, stderr) = run(dir.path(), &["new", "proto/acme/user/v1/user.proto"]);
    assert_eq!(code, 2);
    assert!(
        format!("{stdout}{stderr}").contains("proto/acme/user/v1/user.proto exists already (--force overwrites it)"),
        "{stdout}{stderr}"
    );
    let (code, stdout, stderr) = run(dir.path(), &["new", "proto/top.proto"]);
    assert_eq!(code, 2);
    assert!(
        format!("{stdout}{stderr}").contains(
            "cannot derive a package from `top.proto`: give a path like api/<name>/v1/<name>.proto under a root"
        ),
        "{stdout}{stderr}"
    );
    let (code, stdout, stderr) = run(dir.path(), &["new", "proto/acme/Billing/v1/billing.proto"]);
    assert_eq!(code, 2);
    assert!(format!("{stdout}{stderr}").contains("directory `Billing` cannot be a package name segment"));
    let (code, stdout, stderr) = run(dir.path(), &["new", "proto/acme/billing/v1/billing.txt"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
}

#[test]
fn new_dry_run_prints_and_json_summarizes() {
    let dir = example("buf-standard");
    let file = "proto/acme/billing/v1/billing.proto";
    let (code, stdout, _) = run(dir.path(), &["new", file, "--dry-run"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("syntax = \"proto3\";"), "{stdout}");
    assert!(!dir.path().join(file).exists(), "--dry-run wrote the file");
    let (code, stdout, stderr) = run(dir.path(), &["new", file, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(summary["service"], "BillingService");
    assert_eq!(summary["methods"].as_array().unwrap().len(), 5);
    assert_eq!(summary["methods"][0]["http"], serde_json::json!(["get", "/v1/billings/{id}"]));
    assert_eq!(summary["findings"], 0);
}
