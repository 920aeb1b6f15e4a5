//! A `buf.yaml` selects, in every version, exactly the rules buf selects: each case
//! below is converted as discovery converts it, and the rules idl then runs (lint
//! and breaking) are compared with `buf config ls-{lint,breaking}-rules
//! --configured-only`, recorded in `testdata/migrate/rule-selection.golden` (and
//! asked of buf itself where it is installed; `IDL_BLESS=1` rewrites the golden
//! from buf). Rules only idl has (UNUSED_IGNORE, the API category) are left out of
//! the comparison: a buf config neither selects nor excepts them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use idl::config::Config;
use idl::source::SourceFile;

/// (name, buf.yaml). Deprecated IDs, every version's categories, except, default.
const CASES: &[(&str, &str)] = &[
    ("v1-default", "version: v1\n"),
    ("v1beta1-default", "version: v1beta1\n"),
    ("v2-default", "version: v2\n"),
    ("v1-field-same-label", "version: v1\nbreaking:\n  use: [FIELD_SAME_LABEL]\n"),
    ("v1beta1-field-same-label", "version: v1beta1\nbreaking:\n  use: [FIELD_SAME_LABEL]\n"),
    ("v1-field-same-ctype", "version: v1\nbreaking:\n  use: [FIELD_SAME_CTYPE, FILE_SAME_JAVA_STRING_CHECK_UTF8]\n"),
    ("v1-wire-except-label", "version: v1\nbreaking:\n  use: [WIRE]\n  except: [FIELD_SAME_LABEL]\n"),
    (
        "v1-label-except-one",
        "version: v1\nbreaking:\n  use: [FIELD_SAME_LABEL]\n  except: [FIELD_WIRE_COMPATIBLE_CARDINALITY]\n",
    ),
    ("v1beta1-file", "version: v1beta1\nbreaking:\n  use: [FILE]\n"),
    ("v1beta1-package", "version: v1beta1\nbreaking:\n  use: [PACKAGE]\n"),
    ("v1beta1-wire", "version: v1beta1\nbreaking:\n  use: [WIRE]\n"),
    ("v1beta1-wire-json", "version: v1beta1\nbreaking:\n  use: [WIRE_JSON]\n"),
    ("v1-file", "version: v1\nbreaking:\n  use: [FILE]\n"),
    ("v1-package", "version: v1\nbreaking:\n  use: [PACKAGE]\n"),
    ("v1-wire", "version: v1\nbreaking:\n  use: [WIRE]\n"),
    ("v1-wire-json", "version: v1\nbreaking:\n  use: [WIRE_JSON]\n"),
    ("v2-wire", "version: v2\nbreaking:\n  use: [WIRE]\n"),
    ("v1beta1-lint-default", "version: v1beta1\nlint:\n  use: [DEFAULT]\n"),
    ("v1beta1-lint-basic", "version: v1beta1\nlint:\n  use: [BASIC]\n"),
    ("v1beta1-lint-minimal", "version: v1beta1\nlint:\n  use: [MINIMAL]\n"),
    ("v1beta1-lint-other", "version: v1beta1\nlint:\n  use: [OTHER, COMMENTS, UNARY_RPC]\n"),
    ("v1beta1-lint-file-layout", "version: v1beta1\nlint:\n  use: [FILE_LAYOUT, PACKAGE_AFFINITY, SENSIBLE]\n"),
    ("v1beta1-lint-style", "version: v1beta1\nlint:\n  use: [DEFAULT]\n  except: [STYLE_DEFAULT]\n"),
    ("v1-lint-default", "version: v1\nlint:\n  use: [DEFAULT]\n"),
    ("v1-lint-basic", "version: v1\nlint:\n  use: [BASIC]\n"),
    ("v1-lint-minimal", "version: v1\nlint:\n  use: [MINIMAL]\n"),
    ("v1-lint-comments", "version: v1\nlint:\n  use: [COMMENTS, UNARY_RPC]\n"),
    ("v1-lint-standard-except", "version: v1\nlint:\n  use: [STANDARD]\n  except: [PACKAGE_SAME_GO_PACKAGE]\n"),
    ("v2-lint-basic", "version: v2\nlint:\n  use: [BASIC, COMMENTS]\n  except: [ENUM_NO_ALLOW_ALIAS]\n"),
];

fn buf() -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var("HOME").ok()?).join(".cache/idl-peers/bin/buf");
    path.is_file().then_some(path)
}

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/migrate/rule-selection.golden")
}

/// Every rule ID buf has in some version (from the table the conversion reads).
fn buf_rule_ids() -> BTreeSet<String> {
    let table =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/migrate/buf-rules.tsv")).unwrap();
    table.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split('\t').nth(2)).map(String::from).collect()
}

/// `case kind: RULE RULE ...` lines, as buf lists the configured rules.
fn ask_buf(buf: &PathBuf) -> BTreeMap<String, String> {
    let mut lines = BTreeMap::new();
    for (name, yaml) in CASES {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("buf.yaml"), yaml).unwrap();
        for kind in ["lint", "breaking"] {
            let out = Command::new(buf)
                .args(["config", &format!("ls-{kind}-rules"), "--configured-only", "--format", "json"])
                .current_dir(dir.path())
                .output()
                .unwrap();
            assert!(out.status.success(), "buf failed on {name}: {}", String::from_utf8_lossy(&out.stderr));
            let mut ids: Vec<String> = String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
                .collect();
            ids.sort();
            lines.insert(format!("{name} {kind}"), ids.join(" "));
        }
    }
    lines
}

fn read_golden() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(golden_path()).unwrap();
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(key, rules)| (key.to_string(), rules.trim().to_string()))
        .collect()
}

/// What idl runs for the case's buf.yaml, converted as discovery converts it.
fn idl_selection(yaml: &str, buf_ids: &BTreeSet<String>) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("buf.yaml");
    std::fs::write(&path, yaml).unwrap();
    let migrated = idl::migrate::convert(&path, "buf.yaml").unwrap();
    let file = SourceFile::new("idl.toml", "idl.toml", Arc::from(migrated.toml.as_str()));
    let config = Config::parse(&file).unwrap_or_else(|e| panic!("{}\n{e:?}", migrated.toml));
    let (lint, errors) = idl::lint::select_rules(&config.lint, Some(&file));
    assert!(errors.is_empty(), "{}\n{errors:?}", migrated.toml);
    let (breaking, errors) = idl::breaking::select_rules(&config.breaking, Some(&file));
    assert!(errors.is_empty(), "{}\n{errors:?}", migrated.toml);
    let only_buf = |ids: Vec<&str>| {
        let mut ids: Vec<&str> = ids.into_iter().filter(|id| buf_ids.contains(*id)).collect();
        ids.sort();
        ids.join(" ")
    };
    (
        only_buf(lint.iter().map(|selected| selected.rule.meta().id).collect()),
        only_buf(breaking.iter().map(|rule| rule.id).collect()),
    )
}

#[test]
fn golden_is_what_buf_configures() {
    let Some(buf) = buf() else {
        eprintln!("skipped: buf is not installed (~/.cache/idl-peers/bin/buf); the golden is used as recorded");
        return;
    };
    let live = ask_buf(&buf);
    if std::env::var_os("IDL_BLESS").is_some() {
        let text: String = live.iter().map(|(key, rules)| format!("{key}: {rules}\n")).collect();
        std::fs::write(golden_path(), text).unwrap();
        return;
    }
    assert_eq!(read_golden(), live, "testdata/migrate/rule-selection.golden differs from buf; IDL_BLESS=1 rewrites it");
}

#[test]
fn every_buf_yaml_version_selects_the_rules_buf_selects() {
    let golden = read_golden();
    let buf_ids = buf_rule_ids();
    let mut differences = Vec::new();
    for (name, yaml) in CASES {
        let (lint, breaking) = idl_selection(yaml, &buf_ids);
        for (kind, idl) in [("lint", lint), ("breaking", breaking)] {
            let key = format!("{name} {kind}");
            let buf = golden.get(&key).unwrap_or_else(|| panic!("no golden for {key}"));
            if *buf != idl {
                let buf_set: BTreeSet<&str> = buf.split(' ').filter(|s| !s.is_empty()).collect();
                let idl_set: BTreeSet<&str> = idl.split(' ').filter(|s| !s.is_empty()).collect();
                let only_buf: Vec<_> = buf_set.difference(&idl_set).collect();
                let only_idl: Vec<_> = idl_set.difference(&buf_set).collect();
                differences.push(format!("{key}: buf only {only_buf:?}, idl only {only_idl:?}"));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// A v1 `buf.yaml` naming deprecated breaking rules: idl runs their replacements
/// and reports under the replacements' IDs, as buf 1.75 does (buf's findings
/// recorded below; compared with buf live where it is installed).
#[test]
fn deprecated_breaking_ids_report_under_buf_s_ids() {
    let dir = tempfile::tempdir().unwrap();
    let base = "syntax = \"proto2\";\npackage foo.v1;\nmessage M {\n  optional string a = 1;\n  repeated string b = 2;\n  optional string c = 3 [ctype = CORD];\n}\n";
    let head = "syntax = \"proto2\";\npackage foo.v1;\nmessage M {\n  repeated string a = 1;\n  optional string b = 2;\n  optional string c = 3;\n}\n";
    for (side, text) in [("base", base), ("head", head)] {
        std::fs::create_dir_all(dir.path().join(side)).unwrap();
        std::fs::write(dir.path().join(side).join("a.proto"), text).unwrap();
        std::fs::write(
            dir.path().join(side).join("buf.yaml"),
            "version: v1\nbreaking:\n  use: [FIELD_SAME_LABEL, FIELD_SAME_CTYPE]\n",
        )
        .unwrap();
    }
    let head_dir = dir.path().join("head");
    let key = |line: &str| {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let rule = v.get("rule").or_else(|| v.get("type")).unwrap().as_str().unwrap().to_string();
        format!("{}:{}:{} {rule}", v["path"].as_str().unwrap(), v["start_line"], v["start_column"])
    };
    let output = assert_cmd::cargo::cargo_bin_cmd!("idl")
        .current_dir(&head_dir)
        .args(["breaking", "--against", "../base", "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let found: BTreeSet<String> = stdout.lines().filter(|l| l.starts_with('{')).map(key).collect();
    let recorded: BTreeSet<String> = [
        "a.proto:4:3 FIELD_SAME_CARDINALITY",
        "a.proto:4:3 FIELD_WIRE_COMPATIBLE_CARDINALITY",
        "a.proto:4:3 FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
        "a.proto:5:3 FIELD_SAME_CARDINALITY",
        "a.proto:5:3 FIELD_WIRE_COMPATIBLE_CARDINALITY",
        "a.proto:5:3 FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
        "a.proto:6:3 FIELD_SAME_CPP_STRING_TYPE",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(found, recorded, "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(1));
    if let Some(buf) = buf() {
        let output = Command::new(buf)
            .current_dir(&head_dir)
            .args(["breaking", "--against", "../base", "--error-format", "json"])
            .output()
            .unwrap();
        let live: BTreeSet<String> =
            String::from_utf8(output.stdout).unwrap().lines().filter(|l| l.starts_with('{')).map(key).collect();
        assert_eq!(live, recorded, "buf's findings changed");
    }
}
