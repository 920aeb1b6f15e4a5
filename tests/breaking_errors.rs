//! The ERRORS breaking category: every fixture `testdata/breaking/ERRORS_*/{base,head}`
//! is checked with only its rule enabled against its `expected.txt` (idl's own
//! goldens: buf has no such rules; `IDL_BLESS=1` rewrites them). The category is
//! off by default, on with `use = ["ERRORS"]` or with an `[errors]` section, and
//! finds changes that no wire category does.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use idl::breaking::{Side, check};
use idl::compile::{Compilation, MemoryFiles, compile_from};
use idl::config::BreakingConfig;

/// Every `.proto` under `dir`, by import name relative to it.
fn read_tree(dir: &Path, display_prefix: &str) -> BTreeMap<String, (String, Arc<str>)> {
    fn visit(dir: &Path, root: &Path, prefix: &str, out: &mut BTreeMap<String, (String, Arc<str>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, root, prefix, out);
            } else if path.extension().is_some_and(|e| e == "proto") {
                let name = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(&path).unwrap();
                out.insert(name.clone(), (format!("{prefix}{name}"), Arc::from(text)));
            }
        }
    }
    let mut files = BTreeMap::new();
    visit(dir, dir, display_prefix, &mut files);
    files
}

fn sides(dir: &Path) -> (Compilation, Compilation) {
    let base = MemoryFiles { files: read_tree(&dir.join("base"), "base:"), ..Default::default() };
    let head = MemoryFiles { files: read_tree(&dir.join("head"), ""), ..Default::default() };
    let (base, head) = (compile_from(&base), compile_from(&head));
    assert!(!base.has_errors() && !head.has_errors(), "{}: fixture does not compile", dir.display());
    (base, head)
}

fn config(use_: &[&str], errors: &str) -> BreakingConfig {
    BreakingConfig {
        r#use: use_.iter().map(|name| toml::Spanned::new(0..0, name.to_string())).collect(),
        errors: toml::from_str(errors).unwrap(),
        ..Default::default()
    }
}

/// `path:line:col: [RULE] message` per finding.
fn findings(dir: &Path, config: &BreakingConfig) -> String {
    let (base, head) = sides(dir);
    let found = check(&Side::from_compilation(&base), &Side::from_compilation(&head), config, None);
    found
        .iter()
        .map(|d| match d.span {
            Some(span) => format!("{}:{}:{}: [{}] {}\n", d.path, span.start.line, span.start.column, d.rule, d.message),
            None => format!("{}: [{}] {}\n", d.path, d.rule, d.message),
        })
        .collect()
}

fn fixtures() -> Vec<(String, std::path::PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/breaking");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("ERRORS_"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_errors_rule_fires_on_its_fixture() {
    let rules: Vec<&str> =
        idl::breaking::rules::RULES.iter().filter(|r| r.categories.contains(&"ERRORS")).map(|r| r.id).collect();
    let names: Vec<String> = fixtures().into_iter().map(|(name, _)| name).collect();
    assert_eq!(rules, names, "one fixture per ERRORS rule");
    let mut failures = Vec::new();
    for (rule, dir) in fixtures() {
        let actual = findings(&dir, &config(&[&rule], ""));
        assert!(actual.contains(&format!("[{rule}]")), "{rule} did not fire:\n{actual}");
        let golden = dir.join("expected.txt");
        if std::env::var_os("IDL_BLESS").is_some() {
            std::fs::write(&golden, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if expected != actual {
            failures.push(format!("{rule}:\n--- expected\n{expected}--- actual\n{actual}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Off by default; `[errors]` turns the category on next to the default rules;
/// `use` naming rules leaves it to them; a bad `[errors]` is a CONFIG error.
#[test]
fn category_selection() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/breaking/ERRORS_SAME_HTTP_STATUS");
    let by_default = findings(&dir, &config(&[], ""));
    assert!(!by_default.contains("ERRORS_"), "{by_default}");
    let configured = findings(&dir, &config(&[], "locales = []"));
    assert!(configured.contains("[ERRORS_SAME_HTTP_STATUS]"), "{configured}");
    let wire_only = findings(&dir, &config(&["FILE"], "locales = []"));
    assert!(!wire_only.contains("ERRORS_"), "{wire_only}");
    let category = findings(&dir, &config(&["ERRORS"], ""));
    assert!(
        category.contains("[ERRORS_SAME_HTTP_STATUS]") && category.contains("[ERRORS_SAME_GRPC_CODE]"),
        "{category}"
    );
    let bad = findings(&dir, &config(&["ERRORS"], "profile = \"grpc\""));
    assert!(bad.contains("[CONFIG]") && bad.contains("profile must be one of"), "{bad}");
}

/// The changes the ERRORS fixtures make keep the wire and JSON formats: buf's
/// strictest category finds nothing in them, the ERRORS category does.
#[test]
fn errors_changes_are_invisible_to_the_file_category() {
    for rule in ["ERRORS_SAME_HTTP_STATUS", "ERRORS_SAME_GRPC_CODE", "ERRORS_SAME_BUSINESS_CODE"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/breaking").join(rule);
        let file_category = findings(&dir, &config(&["FILE"], ""));
        assert!(file_category.is_empty(), "{rule}: {file_category}");
        let errors = findings(&dir, &config(&["ERRORS"], ""));
        assert!(errors.contains(&format!("[{rule}]")), "{rule}: {errors}");
    }
}
