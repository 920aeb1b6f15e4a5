//! Every fixture `testdata/breaking/<RULE_ID>/{base,head}` is checked with only that
//! rule enabled, and idl's findings are compared with buf's, recorded by
//! `testdata/breaking/buf-oracle.sh` in `buf.golden.jsonl`. A fixture buf cannot
//! judge (the API_ rules, a rule buf 1.75.0 fails on) has `idl.golden.jsonl`, in the
//! same format, written by hand; its README says why.
//!
//! A finding compares by (path, start and end line and column, rule, message). An
//! element deleted from a file that survives is at line 1, column 1 of that file
//! when no parent of it survives, in both tools. Where buf has no path (a deleted
//! file, or an element of one), idl points at the element in the base instead, so
//! those compare by (rule, message) only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use idl::breaking::{Side, check};
use idl::compile::{MemoryFiles, compile_from};
use idl::config::BreakingConfig;

/// Every `.proto` file under `dir`, by its path relative to `root`.
fn read_dir(root: &Path, dir: &Path, display_prefix: &str, files: &mut BTreeMap<String, (String, Arc<str>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            read_dir(root, &path, display_prefix, files);
            continue;
        }
        let name = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        if name.ends_with(".proto") {
            let text = std::fs::read_to_string(&path).unwrap();
            files.insert(name.clone(), (format!("{display_prefix}{name}"), Arc::from(text)));
        }
    }
}

/// One side of a fixture: its files are the targets, `testdata/google-api` provides imports.
fn side<'a>(dir: &Path, display_prefix: &str, shared: &'a MemoryFiles<'a>) -> MemoryFiles<'a> {
    let mut files = BTreeMap::new();
    read_dir(dir, dir, display_prefix, &mut files);
    MemoryFiles { targets: files.keys().cloned().collect(), files, fallback: Some(shared), ..Default::default() }
}

type Key = (String, Option<(u32, u32, u32, u32)>, String, String);

/// The findings of a golden file; `None` when it records a failure instead (buf
/// cannot compile the fixture).
fn try_golden(path: &Path) -> Option<BTreeSet<Key>> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().all(|l| l.trim().is_empty() || l.starts_with('{')).then(|| golden(path))
}

fn golden(path: &Path) -> BTreeSet<Key> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let n = |k: &str| v[k].as_u64().unwrap() as u32;
            let pos = (n("start_line"), n("start_column"), n("end_line"), n("end_column"));
            let path = v["path"].as_str().unwrap_or("").to_string();
            let rule = v["type"].as_str().unwrap().to_string();
            let message = v["message"].as_str().unwrap().to_string();
            if path.is_empty() { (String::new(), None, rule, message) } else { (path, Some(pos), rule, message) }
        })
        .collect()
}

fn run(dir: &Path) -> BTreeSet<Key> {
    let rule = dir.file_name().unwrap().to_string_lossy().to_string();
    // The google/api protos vendored once for every fixture that imports them.
    let shared_dir = dir.parent().unwrap().parent().unwrap().join("google-api");
    let mut shared = MemoryFiles::default();
    read_dir(&shared_dir, &shared_dir, "", &mut shared.files);
    let (base, head) = (side(&dir.join("base"), "base:", &shared), side(&dir.join("head"), "", &shared));
    let (base, head) = (compile_from(&base), compile_from(&head));
    assert!(!base.has_errors() && !head.has_errors(), "{rule}: fixture does not compile");
    let config = BreakingConfig { r#use: vec![toml::Spanned::new(0..0, rule.clone())], ..Default::default() };
    let findings = check(&Side::from_compilation(&base), &Side::from_compilation(&head), &config, None);
    findings
        .into_iter()
        .map(|d| match d.span {
            Some(s) if !d.path.starts_with("base:") => {
                let pos = (s.start.line, s.start.column, s.end.line, s.end.column);
                (d.path, Some(pos), d.rule, d.message)
            }
            _ => (String::new(), None, d.rule, d.message),
        })
        .collect()
}

#[test]
fn fixtures_agree_with_buf() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/breaking");
    let mut failures = Vec::new();
    let mut count = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    let mut table = String::from("| fixture | buf | idl | matched | compared with |\n|---|---:|---:|---:|---|\n");
    let mut totals = (0, 0, 0);
    for dir in dirs {
        let golden_file =
            ["idl.golden.jsonl", "buf.golden.jsonl"].into_iter().map(|f| dir.join(f)).find(|f| f.is_file());
        let Some(golden_file) = golden_file else { continue };
        count += 1;
        let (expected, actual) = (golden(&golden_file), run(&dir));
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let by_hand = golden_file.ends_with("idl.golden.jsonl");
        let buf = try_golden(&dir.join("buf.golden.jsonl"));
        let buf_count = buf.as_ref().map_or("fails".to_string(), |b| b.len().to_string());
        let matched = buf.as_ref().map_or(0, |b| b.intersection(&actual).count());
        if let Some(b) = buf.as_ref().filter(|_| !by_hand) {
            totals = (totals.0 + b.len(), totals.1 + actual.len(), totals.2 + matched);
        }
        let against = if by_hand { "idl.golden.jsonl (README)" } else { "buf" };
        table += &format!("| {name} | {buf_count} | {} | {matched} | {against} |\n", actual.len());
        if expected != actual {
            let lines = |keys: Vec<&Key>| keys.iter().map(|k| format!("\n    {k:?}")).collect::<String>();
            let missing = lines(expected.difference(&actual).collect());
            let extra = lines(actual.difference(&expected).collect());
            failures.push(format!("{}:\n  missing{missing}\n  extra{extra}", dir.display()));
        }
    }
    table +=
        &format!("| **total of the fixtures compared with buf** | {} | {} | {} | |\n", totals.0, totals.1, totals.2);
    println!("{table}");
    if std::env::var_os("IDL_BLESS").is_some() {
        let header = "# idl breaking vs buf breaking 1.75.0 on the fixtures\n\n\
            Written by `IDL_BLESS=1 cargo test --test breaking_fixtures`. Per fixture: buf's \
            findings (with that rule alone; for API_ fixtures, with every buf category), \
            idl's findings (that rule alone), and how many are the same (path, line, column, \
            rule, message; where buf has no position, rule and message). A fixture compared \
            with idl.golden.jsonl explains in its README why buf's answer is not the reference.\n\n";
        std::fs::write(root.join("AGREEMENT.md"), format!("{header}{table}")).unwrap();
    }
    assert!(count > 30, "fixtures not found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `idl breaking --against DIR` where DIR has its own `buf.yaml` (laid out unlike
/// the head): the base's roots come from it, as buf reads a directory base, and
/// deleted elements are where buf puts them (testdata/breaking/_dir-base/README.md).
#[test]
fn directory_base_is_read_with_its_own_buf_yaml() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/breaking/_dir-base");
    let (_, found, live, stderr) = run_dir_fixture(&case);
    let expected = read_findings(&case.join("expected-buf.jsonl"));
    assert_eq!(found, expected, "{stderr}");
    match live {
        Some(live) => assert_eq!(live, expected, "buf's answer changed; re-record expected-buf.jsonl"),
        None => eprintln!("buf not installed: compared with the recorded answer only"),
    }
}

/// A proto2/proto3 file and its editions rewrite compare by effective features
/// (testdata/breaking/_editions-rewrite/README.md): the faithful rewrites change only
/// the syntax, the careless ones lose each behaviour buf reports. idl differs from
/// buf in one finding, buf's MESSAGE_SAME_REQUIRED_FIELDS on a LEGACY_REQUIRED field.
#[test]
fn editions_rewrites_compare_effective_features() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/breaking/_editions-rewrite");
    let expected_idl = read_findings(&case.join("expected-idl.jsonl"));
    let expected_buf = read_findings(&case.join("expected-buf.jsonl"));
    let only_buf: Vec<_> = expected_buf.difference(&expected_idl).collect();
    assert_eq!(only_buf.len(), 1, "{only_buf:?}");
    assert_eq!(
        (only_buf[0].0.as_str(), only_buf[0].5.as_str()),
        ("acme/v1/legacy.proto", "MESSAGE_SAME_REQUIRED_FIELDS")
    );
    assert!(expected_idl.is_subset(&expected_buf));

    let (code, found, live, stderr) = run_dir_fixture(&case);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(found, expected_idl);
    match live {
        Some(live) => assert_eq!(live, expected_buf, "buf's answer changed; re-record expected-buf.jsonl"),
        None => eprintln!("buf not installed: compared with the recorded answer only"),
    }
}

/// Runs `idl breaking --against ../base` in a scratch copy of a fixture's `head/`
/// (beside its `base/`), and `buf breaking` the same way where buf is installed:
/// (idl's exit code, idl's findings, buf's findings, idl's stderr).
fn run_dir_fixture(case: &Path) -> (Option<i32>, BTreeSet<FindingKey>, Option<BTreeSet<FindingKey>>, String) {
    let scratch = tempfile::tempdir().unwrap();
    for side in ["base", "head"] {
        copy_tree(&case.join(side), &scratch.path().join(side));
    }
    let head = scratch.path().join("head");
    let output = assert_cmd::cargo::cargo_bin_cmd!("idl")
        .current_dir(&head)
        .args(["breaking", "--against", "../base", "--format", "json"])
        .output()
        .unwrap();
    let found = String::from_utf8(output.stdout).unwrap().lines().map(finding_key).collect();
    let buf = std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/idl-peers/bin/buf");
    let live = buf.is_file().then(|| {
        let output = std::process::Command::new(buf)
            .current_dir(&head)
            .args(["breaking", "--against", "../base", "--error-format", "json"])
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap().lines().map(finding_key).collect()
    });
    (output.status.code(), found, live, String::from_utf8_lossy(&output.stderr).into_owned())
}

fn read_findings(path: &Path) -> BTreeSet<FindingKey> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().filter(|l| !l.is_empty()).map(finding_key).collect()
}

/// One finding of idl's or buf's JSON output: path, start line/column, end
/// line/column, rule (buf calls it `type`) and message.
type FindingKey = (String, u64, u64, u64, u64, String, String);

fn finding_key(line: &str) -> FindingKey {
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let n = |k: &str| v[k].as_u64().unwrap();
    let rule = v.get("rule").or_else(|| v.get("type")).unwrap().as_str().unwrap().to_string();
    let path = v["path"].as_str().unwrap().to_string();
    (path, n("start_line"), n("start_column"), n("end_line"), n("end_column"), rule, v["message"].to_string())
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
