//! `idl lint` and `idl rules` as a user runs them: exit codes, every output format,
//! `--deny warnings`, config ignores, unused ignores and the baseline round trip.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

fn idl(dir: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("idl");
    cmd.current_dir(dir).env_remove("NO_COLOR").env_remove("RUST_BACKTRACE");
    cmd
}

/// A scratch workspace with an `idl.toml` (when given) and the given files.
fn workspace(config: Option<&str>, files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    if let Some(config) = config {
        fs::write(dir.path().join("idl.toml"), config).unwrap();
    }
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = idl(dir).args(args).output().unwrap();
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
    (output.status.code().unwrap(), text(&output.stdout), text(&output.stderr))
}

const CLEAN: &str = "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nmessage User {\n  string name = 1;\n}\n";

/// Two findings: MESSAGE_PASCAL_CASE and FIELD_LOWER_SNAKE_CASE.
const DIRTY: &str =
    "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nmessage user_info {\n  string firstName = 1;\n}\n";

/// The `short` lines of a run, one per finding.
fn short_lines(findings: &str) -> Vec<&str> {
    findings.lines().filter(|line| !line.is_empty()).collect()
}

#[test]
fn clean_workspace_exits_0() {
    let dir = workspace(None, &[("acme/user/v1/user.proto", CLEAN)]);
    let (code, stdout, stderr) = run(dir.path(), &["lint"]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
}

#[test]
fn findings_exit_1_in_every_format() {
    let dir = workspace(None, &[("acme/user/v1/user.proto", DIRTY)]);
    let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 1);
    assert_eq!(
        short_lines(&stdout),
        [
            "acme/user/v1/user.proto:5:9: [MESSAGE_PASCAL_CASE] Message name \"user_info\" should be PascalCase, such as \"UserInfo\".",
            "acme/user/v1/user.proto:6:10: [FIELD_LOWER_SNAKE_CASE] Field name \"firstName\" should be lower_snake_case, such as \"first_name\".",
        ]
    );
    let (code, text, _) = run(dir.path(), &["lint", "--format", "text", "--color", "never"]);
    assert_eq!(code, 1);
    assert!(text.contains("MESSAGE_PASCAL_CASE") && text.contains("2 errors"), "{text}");
    let (code, json, _) = run(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(code, 1);
    let rules: Vec<String> = json
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rules, ["MESSAGE_PASCAL_CASE", "FIELD_LOWER_SNAKE_CASE"]);
    let (code, github, _) = run(dir.path(), &["lint", "--format", "github"]);
    assert_eq!(code, 1);
    assert!(github.starts_with("::error file=acme/user/v1/user.proto,line=5"), "{github}");
    let (code, junit, _) = run(dir.path(), &["lint", "--format", "junit"]);
    assert_eq!(code, 1);
    assert!(junit.contains("<testsuites") && junit.contains("FIELD_LOWER_SNAKE_CASE"), "{junit}");
    let (code, sarif, _) = run(dir.path(), &["lint", "--format", "sarif"]);
    assert_eq!(code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let rules = &sarif["runs"][0]["tool"]["driver"]["rules"];
    let summaries: Vec<&str> =
        rules.as_array().unwrap().iter().map(|rule| rule["shortDescription"]["text"].as_str().unwrap()).collect();
    assert_eq!(summaries, ["Field names are lower_snake_case.", "Message names are PascalCase."]);
}

#[test]
fn compile_and_config_errors_exit_2() {
    let dir = workspace(None, &[("acme/user/v1/user.proto", "syntax = \"proto3\";\nmessage {\n")]);
    let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("[COMPILE]"), "{stdout}");

    let dir = workspace(Some("[lint]\nuse = [\"NOT_A_RULE\"]\n"), &[("acme/user/v1/user.proto", CLEAN)]);
    let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 2);
    assert!(stdout.starts_with("idl.toml:2:8: [CONFIG] unknown lint rule or group `NOT_A_RULE`"), "{stdout}");

    let dir = workspace(None, &[("acme/user/v1/user.proto", CLEAN)]);
    let (code, stdout, _) = run(dir.path(), &["lint", "--preset", "strictest", "--format", "short"]);
    assert_eq!(code, 2);
    assert!(
        stdout.contains("unknown lint preset `strictest`; expected one of: buf-standard, google, minimal"),
        "{stdout}"
    );
}

#[test]
fn preset_flag_overrides_the_config() {
    // minimal has no naming rules; buf-standard does.
    let dir = workspace(Some("[lint]\npreset = \"buf-standard\"\n"), &[("acme/user/v1/user.proto", DIRTY)]);
    assert_eq!(run(dir.path(), &["lint", "--preset", "minimal"]).0, 0);
    assert_eq!(run(dir.path(), &["lint"]).0, 1);
}

#[test]
fn only_the_files_asked_for_are_linted() {
    let dir = workspace(
        None,
        &[
            (
                "acme/user/v1/user.proto",
                "syntax = \"proto3\";\npackage acme.user.v1;\nimport \"acme/user/v1/bad.proto\";\nmessage User { Bad bad = 1; }\n",
            ),
            (
                "acme/user/v1/bad.proto",
                "syntax = \"proto3\";\npackage acme.user.v1;\nmessage Bad { string badName = 1; }\n",
            ),
        ],
    );
    let (code, stdout, _) = run(dir.path(), &["lint", "acme/user/v1/user.proto", "--format", "short"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    let (code, stdout, _) = run(dir.path(), &["lint", "acme/user/v1/bad.proto", "--format", "short"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("bad.proto:3:22: [FIELD_LOWER_SNAKE_CASE]"), "{stdout}");
}

fn run_stdin(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let output = idl(dir).args(args).write_stdin(stdin).output().unwrap();
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).unwrap();
    (output.status.code().unwrap(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn stdin_filename_lints_the_buffer_in_place_of_the_file() {
    let config = "roots = [\"proto\"]\n[lint.ignore_only]\nMESSAGE_PASCAL_CASE = [\"proto/acme/user/v1/user.proto\"]\n";
    let dir = workspace(Some(config), &[("proto/acme/user/v1/user.proto", CLEAN)]);
    let user = "proto/acme/user/v1/user.proto";
    // The buffer, not the clean file on disk, is linted; idl.toml's ignore_only
    // applies through PATH; columns after CJK text count characters and UTF-16 units.
    let buffer = "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nmessage user_info {\n  /* 名前😀 */ string firstName = 1;\n}\n";
    let (code, stdout, stderr) = run_stdin(dir.path(), &["lint", "--stdin-filename", user, "--format", "json"], buffer);
    assert_eq!((code, stderr.as_str()), (1, ""), "{stdout}");
    let findings: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(findings.len(), 1, "{stdout}");
    let finding = &findings[0];
    assert_eq!((finding["path"].as_str(), finding["rule"].as_str()), (Some(user), Some("FIELD_LOWER_SNAKE_CASE")));
    assert_eq!(finding["start_line"], 6);
    assert_eq!((finding["start_column"].as_u64(), finding["start_utf16"].as_u64()), (Some(20), Some(21)));
    assert_eq!(fs::read_to_string(dir.path().join(user)).unwrap(), CLEAN);

    // A file never saved: its imports come from disk; errors name PATH.
    let new = "proto/acme/user/v1/new.proto";
    let importing = "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nimport \"acme/user/v1/user.proto\";\n\nmessage Account {\n  User user = 1;\n}\n";
    let (code, stdout, _) = run_stdin(dir.path(), &["lint", "--stdin-filename", new], importing);
    assert_eq!((code, stdout.as_str()), (0, ""));
    let (code, stdout, _) = run_stdin(
        dir.path(),
        &["lint", "--stdin-filename", new, "--format", "short"],
        &importing.replace("User user", "Usr user"),
    );
    assert_eq!(code, 2);
    assert!(stdout.starts_with("proto/acme/user/v1/new.proto:8:3: [COMPILE]"), "{stdout}");

    // Not with PATHS or a baseline.
    assert_eq!(run_stdin(dir.path(), &["lint", "--stdin-filename", new, "proto"], importing).0, 2);
    assert_eq!(run_stdin(dir.path(), &["lint", "--stdin-filename", new, "--write-baseline", "b.toml"], importing).0, 2);
}

#[test]
fn warnings_fail_only_when_denied() {
    let config = "[lint]\n[lint.rules.FIELD_LOWER_SNAKE_CASE]\nseverity = \"warn\"\n[lint.rules.MESSAGE_PASCAL_CASE]\nseverity = \"info\"\n";
    let dir = workspace(Some(config), &[("acme/user/v1/user.proto", DIRTY)]);
    let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(short_lines(&stdout).len(), 2, "{stdout}");
    assert_eq!(run(dir.path(), &["lint", "--deny", "warnings"]).0, 1);
    fs::write(dir.path().join("idl.toml"), config.replace("[lint]\n", "[lint]\ndeny_warnings = true\n")).unwrap();
    assert_eq!(run(dir.path(), &["lint"]).0, 1);
}

#[test]
fn config_ignore_and_ignore_only() {
    let files = [
        ("acme/user/v1/user.proto", DIRTY),
        ("legacy/acme/old/v1/old.proto", DIRTY.replace("acme.user.v1", "acme.old.v1").leak() as &str),
    ];
    let config = "roots = [\".\", \"legacy\"]\n[lint]\nignore = [\"legacy\"]\nignore_only = { FIELD_LOWER_SNAKE_CASE = [\"acme/user/v1/user.proto\"] }\n";
    let dir = workspace(Some(config), &files);
    let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 1);
    assert_eq!(
        short_lines(&stdout),
        [
            "acme/user/v1/user.proto:5:9: [MESSAGE_PASCAL_CASE] Message name \"user_info\" should be PascalCase, such as \"UserInfo\"."
        ]
    );
    // Groups work as keys; unknown keys are config errors.
    let config = "[lint]\nignore_only = { BASIC = [\"acme\"] }\n";
    let dir = workspace(Some(config), &[("acme/user/v1/user.proto", DIRTY)]);
    assert_eq!(run(dir.path(), &["lint"]).0, 0);
    let dir = workspace(Some("[lint]\nignore_only = { NOPE = [\"acme\"] }\n"), &[("acme/user/v1/user.proto", DIRTY)]);
    let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("idl.toml:2:17: [CONFIG] unknown lint rule or group `NOPE` in `ignore_only`"), "{stdout}");
}

#[test]
fn unused_and_unknown_ignore_comments_are_reported() {
    let proto = "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nmessage User {\n  // buf:lint:ignore FIELD_LOWER_SNAKE_CASE\n  string name = 1;\n  // idl:lint:ignore FIELD_LOWER_SNAKE_CAES\n  string other = 2;\n  // buf:lint:ignore FIELD_LOWER_SNAKE_CASE legacy\n  string oldName = 3;\n}\n";
    let dir = workspace(None, &[("acme/user/v1/user.proto", proto)]);
    let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 1, "the unknown rule is an error");
    assert_eq!(
        short_lines(&stdout),
        [
            "acme/user/v1/user.proto:6:6: [UNUSED_IGNORE] Ignore comment for FIELD_LOWER_SNAKE_CASE suppresses no finding.",
            "acme/user/v1/user.proto:8:6: [UNUSED_IGNORE] Ignore comment names unknown rule \"FIELD_LOWER_SNAKE_CAES\".",
        ]
    );
    let dir = workspace(Some("[lint]\nexcept = [\"UNUSED_IGNORE\"]\n"), &[("acme/user/v1/user.proto", proto)]);
    assert_eq!(run(dir.path(), &["lint"]).0, 0);
}

#[test]
fn ignore_comments_are_not_documentation() {
    let proto = "syntax = \"proto3\";\n\npackage acme.user.v1;\n\n// buf:lint:ignore FIELD_LOWER_SNAKE_CASE\nmessage User {\n  string oldName = 1;\n}\n";
    let dir = workspace(
        Some("[lint]\nuse = [\"COMMENT_MESSAGE\", \"FIELD_LOWER_SNAKE_CASE\"]\n"),
        &[("acme/user/v1/user.proto", proto)],
    );
    let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 1);
    assert_eq!(
        short_lines(&stdout),
        [
            "acme/user/v1/user.proto:6:1: [COMMENT_MESSAGE] Message \"User\" should have a non-empty comment for documentation."
        ]
    );
}

#[test]
fn baseline_round_trip_ignores_every_finding() {
    let files = [
        ("proto/acme/user/v1/user.proto", DIRTY),
        ("proto/acme/user/v1/other.proto", "syntax = \"proto3\";\npackage acme.user.v1;\nenum color { RED = 0; }\n"),
    ];
    let config = "roots = [\"proto\"]\n[lint]\npreset = \"buf-standard\"\nuse = [\"COMMENTS\"]\n";
    let dir = workspace(Some(config), &files);
    assert_eq!(run(dir.path(), &["lint"]).0, 1);
    let (code, stdout, stderr) = run(dir.path(), &["lint", "--write-baseline", "baseline.toml"]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert!(stderr.starts_with("idl lint: wrote baseline.toml ("), "{stderr}");
    let baseline = fs::read_to_string(dir.path().join("baseline.toml")).unwrap();
    assert!(
        baseline.contains("[lint.ignore_only]\nCOMMENT_ENUM = [\n  \"proto/acme/user/v1/other.proto\",\n]\n"),
        "{baseline}"
    );
    fs::write(dir.path().join("idl.toml"), format!("{config}{baseline}")).unwrap();
    let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    // Run from a subdirectory: paths stay relative to idl.toml.
    let (code, stdout, _) = run(&dir.path().join("proto"), &["lint", "--format", "short"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn rules_lists_and_explains() {
    let dir = tempfile::tempdir().unwrap();
    let (code, table, _) = run(dir.path(), &["rules"]);
    assert_eq!(code, 0);
    let header = table.lines().next().unwrap();
    assert!(header.starts_with("ID ") && header.contains("PRESETS/GROUPS") && header.ends_with("SUMMARY"), "{header}");
    let row = table.lines().find(|line| line.starts_with("ENUM_PASCAL_CASE ")).unwrap();
    assert!(
        row.contains("error")
            && row.contains("buf-standard,google,uber-v2,BASIC")
            && row.ends_with("Enum names are PascalCase."),
        "{row}"
    );
    assert!(table.lines().any(|line| line.starts_with("UNUSED_IGNORE ")));

    let (code, lint_table, _) = run(dir.path(), &["rules", "--kind", "lint"]);
    assert_eq!(code, 0);
    assert!(table.starts_with(&lint_table), "the lint rules come first");
    let (code, json, _) = run(dir.path(), &["rules", "--kind", "lint", "--format", "json"]);
    assert_eq!(code, 0);
    let rules: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rules.as_array().unwrap().len(), lint_table.lines().count() - 1);
    let suffix = rules.as_array().unwrap().iter().find(|rule| rule["id"] == "SERVICE_SUFFIX").unwrap();
    assert_eq!(suffix["options"][0]["name"], "suffix");
    assert_eq!(suffix["default_severity"], "error");

    let (code, doc, _) = run(dir.path(), &["rules", "ENUM_PASCAL_CASE"]);
    assert_eq!(code, 0);
    assert!(doc.starts_with("# ENUM_PASCAL_CASE\n") && doc.contains("// Invalid"), "{doc}");
    let (code, doc_lower, _) = run(dir.path(), &["rules", "enum_pascal_case"]);
    assert_eq!((code, doc_lower), (0, doc.clone()));
    let (code, json, _) = run(dir.path(), &["rules", "ENUM_PASCAL_CASE", "--format", "json"]);
    assert_eq!(code, 0);
    let rule: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rule["doc"], doc);

    let (code, stdout, stderr) = run(dir.path(), &["rules", "ENUM_PASCAL_CAS"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("unknown rule `ENUM_PASCAL_CAS`; did you mean `ENUM_PASCAL_CASE`?"), "{stderr}");
}

/// A file breaking several of the Google style guide's rules.
const GOOGLE_STYLE_ISSUES: &str = "syntax = \"proto3\";

package acme.user.v1;

message User {
  string name = 1;
  bool has_name = 2;
  repeated string alias = 3;
  string song_name_1 = 4;
  string from = 5;
}

enum State {
  STATE_UNSPECIFIED = 0;
  STATE_ACTIVE = 2;
}
";

#[test]
fn google_preset_reports_the_style_guide_rules() {
    let dir = workspace(None, &[("acme/user/v1/user.proto", GOOGLE_STYLE_ISSUES)]);
    let (code, stdout, _) = run(dir.path(), &["lint", "--preset", "google", "--format", "short"]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(
        short_lines(&stdout),
        [
            "acme/user/v1/user.proto:7:8: [FIELD_NAME_NO_ACCESSOR_COLLISION] Field name \"has_name\" collides with the C++ accessor \"has_name\" generated for field \"name\".",
            "acme/user/v1/user.proto:8:19: [REPEATED_FIELD_NAMES_PLURALIZED] Repeated field name \"alias\" should be plural, such as \"aliases\".",
            "acme/user/v1/user.proto:9:10: [IDENTIFIER_UNDERSCORE_STYLE] Field name \"song_name_1\" has an underscore before a digit; use underscores only between words, such as \"song_name1\".",
            "acme/user/v1/user.proto:10:10: [NAME_NO_LANGUAGE_KEYWORD] Field name \"from\" is a keyword in Python.",
            "acme/user/v1/user.proto:15:3: [ENUM_VALUE_NUMBERING] Enum value \"STATE_ACTIVE\" is numbered 2 but 1 is neither used nor reserved; number values densely and reserve the numbers of deleted ones.",
        ]
    );
    // ENUM_VALUE_NUMBERING warns; the rest are errors.
    let (_, json, _) = run(dir.path(), &["lint", "--preset", "google", "--format", "json"]);
    let warnings = json.lines().filter(|line| line.contains("\"severity\":\"warn")).count();
    assert_eq!(warnings, 1, "{json}");
    let (code, stdout, _) = run(dir.path(), &["rules", "MAX_LINE_LENGTH"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Presets and groups: google") && stdout.contains("| `unit` | `\"chars\"` |"), "{stdout}");
}

#[test]
fn max_line_length_counts_display_width_when_asked() {
    // 45 characters, 87 columns: within 80 characters, beyond 80 columns.
    let text = "syntax = \"proto3\";\n\npackage acme.user.v1;\n\n// 这是一个很长的中文注释，用来说明消息的含义，字符数不到八十个，但显示宽度超过八十列。\nmessage User {}\n";
    let files = [("acme/user/v1/user.proto", text)];
    let chars = workspace(Some("[lint]\nuse = [\"MAX_LINE_LENGTH\"]\n"), &files);
    assert_eq!(run(chars.path(), &["lint"]).0, 0);
    let config = "[lint]\nuse = [\"MAX_LINE_LENGTH\"]\nrules.MAX_LINE_LENGTH = { limit = 80, unit = \"width\" }\n";
    let width = workspace(Some(config), &files);
    let (code, stdout, _) = run(width.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 1);
    assert_eq!(
        short_lines(&stdout),
        ["acme/user/v1/user.proto:5:42: [MAX_LINE_LENGTH] Line is 87 columns long; the limit is 80."]
    );
}

#[test]
fn bad_rule_option_values_are_located_config_errors() {
    let cases = [
        (
            "[lint]\nrules.MAX_LINE_LENGTH = { unit = \"bytes\" }\n",
            "idl.toml:2:7: [CONFIG] option `unit` of lint rule MAX_LINE_LENGTH: unknown unit `bytes`; expected one of: chars, width",
        ),
        (
            "[lint]\nrules.MAX_LINE_LENGTH = { limit = \"wide\" }\n",
            "idl.toml:2:7: [CONFIG] option `limit` of lint rule MAX_LINE_LENGTH must be a non-negative integer",
        ),
        (
            "[[lint.rules.FIELD_NUMBER_BANDS.bands]]\npackage = \"acme\"\nrange = \"15-1\"\n",
            "idl.toml:1:14: [CONFIG] option `bands` of lint rule FIELD_NUMBER_BANDS: range `15-1` in \"15-1\" ends before it starts",
        ),
        (
            "[[lint.rules.FIELD_NUMBER_BANDS.bands]]\nrange = \"1-15\"\n",
            "idl.toml:1:14: [CONFIG] option `bands` of lint rule FIELD_NUMBER_BANDS: a band needs a `package` (\"*\" for every package)",
        ),
        (
            "[lint]\nrules.NAME_NO_LANGUAGE_KEYWORD = { languages = [\"rust\"] }\n",
            "idl.toml:2:7: [CONFIG] option `languages` of lint rule NAME_NO_LANGUAGE_KEYWORD: unknown language `rust`; expected one of: cpp, go, java, python",
        ),
    ];
    for (config, expected) in cases {
        let dir = workspace(Some(config), &[("acme/user/v1/user.proto", CLEAN)]);
        let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
        assert_eq!(code, 2, "{config}");
        assert_eq!(short_lines(&stdout), [expected], "{config}");
    }
}

/// An unused import (safe fix), unsorted imports (safe), a wrong go_package
/// (unsafe: a rename) and a misnamed field (no fix).
const FIXABLE: &str = "syntax = \"proto3\";\n\npackage acme.user.v1;\n\noption go_package = \"wrong\";\n\n\
import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/empty.proto\";\nimport \"google/protobuf/duration.proto\";\n\n\
message User {\n  google.protobuf.Timestamp create_time = 1;\n  google.protobuf.Duration ttl = 2;\n  string firstName = 3;\n}\n";

const FIX_CONFIG: &str = "[lint]\nuse = [\"IMPORT_USED\", \"IMPORTS_SORTED\", \"FIELD_LOWER_SNAKE_CASE\", \"FILE_OPTION_VALUE\"]\n\
[lint.rules.FILE_OPTION_VALUE]\noptions = [\"go_package\"]\n";

#[test]
fn fix_applies_safe_fixes_reports_what_is_left_and_converges() {
    let dir = workspace(Some(FIX_CONFIG), &[("acme/user/v1/user.proto", FIXABLE)]);
    let path = dir.path().join("acme/user/v1/user.proto");
    // The summary is a notice (stderr); the findings left are the report (stdout).
    let (code, stdout, stderr) = run(dir.path(), &["lint", "--fix", "--format", "short"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr,
        "idl lint --fix: applied 2 fixes in 1 files (IMPORTS_SORTED 1, IMPORT_USED 1); 1 more with --unsafe-fixes\n"
    );
    let lines = short_lines(&stdout);
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].contains("[FILE_OPTION_VALUE]") && lines[1].contains("[FIELD_LOWER_SNAKE_CASE]"), "{stdout}");
    let fixed = fs::read_to_string(&path).unwrap();
    assert!(
        fixed.contains(
            "import \"google/protobuf/duration.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\nmessage"
        ),
        "{fixed}"
    );
    // Nothing safe is left: a second run changes nothing.
    let (code, _, stderr) = run(dir.path(), &["lint", "--fix", "--format", "short"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("idl lint --fix: no fixes to apply; 1 more with --unsafe-fixes\n"), "{stderr}");
    assert_eq!(fs::read_to_string(&path).unwrap(), fixed);
    // --unsafe-fixes renames too; the misnamed field stays a finding.
    let (code, _, stderr) = run(dir.path(), &["lint", "--fix", "--unsafe-fixes", "--format", "short"]);
    assert_eq!(code, 1);
    assert!(stderr.starts_with("idl lint --fix: applied 1 fixes in 1 files (FILE_OPTION_VALUE 1)\n"), "{stderr}");
    assert!(fs::read_to_string(&path).unwrap().contains("option go_package = \"userv1\";"));
    // JSON output carries findings only.
    let (code, stdout, stderr) = run(dir.path(), &["lint", "--fix", "--format", "json"]);
    assert_eq!((code, stderr.as_str()), (1, ""));
    assert!(stdout.lines().all(|line| line.starts_with('{')), "{stdout}");
}

#[test]
fn fix_exit_code_is_0_when_everything_was_fixed() {
    let config = "[lint]\nuse = [\"IMPORT_USED\"]\n";
    let unused =
        "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nimport \"google/protobuf/empty.proto\";\n\nmessage User {}\n";
    let dir = workspace(Some(config), &[("acme/user/v1/user.proto", unused)]);
    let (code, _, stderr) = run(dir.path(), &["lint", "--fix"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        fs::read_to_string(dir.path().join("acme/user/v1/user.proto")).unwrap(),
        "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nmessage User {}\n"
    );
    let (code, _, stderr) = run(dir.path(), &["lint", "--unsafe-fixes"]);
    assert_eq!(code, 2, "--unsafe-fixes needs --fix: {stderr}");
}

#[test]
fn uber_v2_example_has_no_findings() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/uber-v2-example");
    let (code, stdout, _) = run(&example, &["lint", "--format", "short"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    let (code, table, _) = run(&example, &["rules"]);
    assert_eq!(code, 0);
    let row = table.lines().find(|line| line.starts_with("IMPORTS_SORTED ")).unwrap();
    assert!(row.contains(" yes ") && row.contains("uber-v2"), "{row}");
}

#[test]
fn fix_inserts_only_options_that_rename_nothing() {
    let config = "[lint]\nuse = [\"FILE_OPTION_VALUE\"]\n[lint.rules.FILE_OPTION_VALUE]\n\
                  options = [\"csharp_namespace\", \"java_package\"]\n";
    let bare = "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nmessage User {}\n";
    let dir = workspace(Some(config), &[("acme/user/v1/user.proto", bare)]);
    let path = dir.path().join("acme/user/v1/user.proto");
    let (code, _, stderr) = run(dir.path(), &["lint", "--fix", "--format", "short"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "idl lint --fix: applied 1 fixes in 1 files (FILE_OPTION_VALUE 1); 1 more with --unsafe-fixes\n"
        ),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "syntax = \"proto3\";\n\npackage acme.user.v1;\n\noption csharp_namespace = \"Acme.User.V1\";\n\nmessage User {}\n"
    );
    let (code, _, stderr) = run(dir.path(), &["lint", "--fix", "--unsafe-fixes"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("option csharp_namespace = \"Acme.User.V1\";\noption java_package = \"com.acme.user.v1\";\n")
    );
}

#[test]
fn rules_lists_filters_and_explains_breaking_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (code, table, _) = run(dir.path(), &["rules"]);
    assert_eq!(code, 0);
    let breaking_header = table.lines().find(|line| line.starts_with("BREAKING RULE ")).unwrap();
    assert!(breaking_header.contains("CATEGORIES") && breaking_header.ends_with("SUMMARY"), "{breaking_header}");
    let row = table.lines().find(|line| line.starts_with("FIELD_NO_DELETE ")).unwrap();
    assert!(
        row.contains("FILE,PACKAGE,CSR")
            && row.contains(" yes ")
            && row.ends_with("Fields are not deleted from a message."),
        "{row}"
    );

    // By category: only breaking rules of it (and the lint presets and groups likewise).
    let (code, wire, _) = run(dir.path(), &["rules", "--category", "wire"]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = wire.lines().skip(1).map(|line| line.split_whitespace().next().unwrap()).collect();
    assert!(ids.contains(&"FIELD_WIRE_COMPATIBLE_TYPE") && !ids.contains(&"FIELD_SAME_NAME"), "{wire}");
    assert!(!ids.contains(&"ENUM_PASCAL_CASE"), "{wire}");
    let (code, api, _) = run(dir.path(), &["rules", "--category", "API", "--format", "json"]);
    assert_eq!(code, 0);
    let api: serde_json::Value = serde_json::from_str(&api).unwrap();
    assert!(api.as_array().unwrap().iter().all(|rule| rule["kind"] == "breaking" && rule["default"] == false), "{api}");
    assert_eq!(api.as_array().unwrap().len(), 9);
    let (code, comments, _) = run(dir.path(), &["rules", "--category", "COMMENTS"]);
    assert_eq!(code, 0);
    assert!(comments.lines().skip(1).all(|line| line.starts_with("COMMENT")), "{comments}");
    let (code, _, stderr) = run(dir.path(), &["rules", "--category", "NOPE"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown category `NOPE`; breaking categories: FILE, PACKAGE"), "{stderr}");
    let (code, only, _) = run(dir.path(), &["rules", "--kind", "breaking"]);
    assert_eq!(code, 0);
    assert!(only.starts_with("BREAKING RULE ") && !only.contains("ENUM_PASCAL_CASE "), "{only}");

    // One rule's documentation, as for lint rules, and the page under docs/rules/breaking/.
    let (code, doc, _) = run(dir.path(), &["rules", "FIELD_NO_DELETE"]);
    assert_eq!(code, 0);
    assert!(doc.starts_with("# FIELD_NO_DELETE\n\nFields are not deleted from a message.\n"), "{doc}");
    assert!(doc.contains("- Categories: FILE, PACKAGE, CSR\n") && doc.contains("- On by default: yes"), "{doc}");
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules/breaking/FIELD_NO_DELETE.md");
    assert_eq!(fs::read_to_string(page).unwrap(), doc);
    let (code, json, _) = run(dir.path(), &["rules", "field-no-delete", "--format", "json"]);
    assert_eq!(code, 0);
    let rule: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((rule["kind"].as_str(), rule["doc"].as_str()), (Some("breaking"), Some(doc.as_str())));
    let (code, _, stderr) = run(dir.path(), &["rules", "FIELD_NO_DELET"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `FIELD_NO_DELETE`?"), "{stderr}");
}
