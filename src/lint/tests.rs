//! Fixture tests: every `testdata/lint/<RULE_ID>/` directory is linted with that
//! rule (or with its `idl.toml`) and compared with its `expected.txt`, which
//! `testdata/lint/buf-oracle.sh` generates from buf where buf has the rule.
//! `IDL_BLESS=1 cargo test` rewrites the goldens from idl's output instead.
//! Fixtures go through the real compile step, as `idl lint` does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;

use super::*;
use crate::compile::compile;
use crate::config::Config;
use crate::report;
use crate::workspace::{Workspace, WorkspaceFile};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/lint")
}

/// `.proto` files under `root`, as import names (`a/b.proto`), sorted.
fn proto_files(root: &Path) -> Vec<String> {
    fn visit(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                // `fixed/` holds the golden results of fixes, not fixture input.
                if path.file_name().is_some_and(|name| name == "fixed") {
                    continue;
                }
                visit(&path, root, out);
            } else if path.extension().is_some_and(|ext| ext == "proto") {
                let name = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.push(name);
            }
        }
    }
    let mut files = Vec::new();
    visit(root, root, &mut files);
    files.sort();
    files
}

/// The vendored annotation protos fixtures and doc examples may import without
/// copying them: `google/api/*.proto` and `buf/validate/validate.proto`.
fn vendored_import_paths() -> Vec<PathBuf> {
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    vec![testdata.join("google-api"), testdata.join("protovalidate")]
}

/// Compiles every `.proto` file under `root` with idl's compile step, `root` being
/// the only root (the vendored protos are import paths) and every file in it a target.
fn compile_dir(root: &Path, config: Config, config_file: Option<SourceFile>) -> Compilation {
    let workspace = fixture_workspace(root, config, config_file);
    let compilation = compile(&workspace);
    assert!(
        compilation.diagnostics.is_empty(),
        "fixture {} does not compile: {:?}",
        root.display(),
        compilation.diagnostics
    );
    compilation
}

/// The workspace of a fixture directory: `root` the only root, every file a target.
fn fixture_workspace(root: &Path, config: Config, config_file: Option<SourceFile>) -> Workspace {
    let targets = proto_files(root)
        .into_iter()
        .map(|name| WorkspaceFile { path: root.join(&name), display_path: name.clone(), name, root: 0 })
        .collect();
    Workspace {
        config,
        config_file,
        converted_from: None,
        base_dir: root.to_path_buf(),
        roots: vec![root.to_path_buf()],
        import_paths: vendored_import_paths(),
        targets,
        warnings: Vec::new(),
    }
}

/// The config of a fixture: its `idl.toml`, or just its rule.
fn fixture_config(dir: &Path, rule_id: &str) -> (Config, Option<SourceFile>) {
    let config_path = dir.join("idl.toml");
    if config_path.exists() {
        let (config, file) = Config::load(&config_path).expect("fixture idl.toml is valid");
        return (config, Some(file));
    }
    let mut config = Config::default();
    config.lint.r#use = vec![Spanned::new(0..0, rule_id.to_string())];
    (config, None)
}

fn render(diagnostics: &[Diagnostic]) -> String {
    let mut lines: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let span = d.span.expect("lint findings have spans");
            format!(
                "{}:{}:{}-{}:{} {} {}",
                d.path, span.start.line, span.start.column, span.end.line, span.end.column, d.rule, d.message
            )
        })
        .collect();
    lines.sort();
    lines.iter().map(|line| format!("{line}\n")).collect()
}

fn fixture_dirs() -> Vec<(String, PathBuf)> {
    let mut dirs: Vec<(String, PathBuf)> = std::fs::read_dir(fixtures_root())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), path))
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn fixtures_match_expected_findings() {
    let bless = std::env::var_os("IDL_BLESS").is_some();
    let mut failures = Vec::new();
    for (rule_id, dir) in fixture_dirs() {
        let rule_id = rule_id.split('.').next().unwrap().to_string();
        assert!(rules::find(&rule_id).is_some(), "fixture {} names no rule", dir.display());
        let (config, config_file) = fixture_config(&dir, &rule_id);
        let compilation = compile_dir(&dir, config.clone(), config_file.clone());
        let diagnostics = lint(&compilation, &config.lint, config_file.as_ref());
        let actual = render(&diagnostics);
        let expected_path = dir.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            let diff = similar::TextDiff::from_lines(&expected, &actual)
                .unified_diff()
                .header("expected", "actual")
                .to_string();
            failures.push(format!("{}:\n{diff}", dir.display()));
        }
        // Invariants every fixture must keep.
        assert!(diagnostics.iter().any(|d| d.rule == rule_id), "fixture {} has no finding of {rule_id}", dir.display());
        let fixable = rules::find(&rule_id).is_some_and(|rule| rule.meta().fixable);
        assert!(
            fixable || diagnostics.iter().all(|d| d.fix.is_none()),
            "{rule_id} emits fixes but is not declared fixable"
        );
        let valid: Vec<String> = proto_files(&dir)
            .into_iter()
            .filter(|name| name.rsplit('/').next().unwrap().starts_with("valid"))
            .collect();
        assert!(!valid.is_empty(), "fixture {} has no valid*.proto", dir.display());
        for name in valid {
            assert!(!diagnostics.iter().any(|d| d.path == name), "{}/{name} must give no finding", dir.display());
        }
    }
    assert!(failures.is_empty(), "fixture mismatches:\n{}", failures.join("\n"));
}

/// For every fixable rule, on each of its fixture directories: `--fix
/// --unsafe-fixes` gives the golden files under `fixed/` (`IDL_BLESS=1` writes
/// them), the result compiles, the rule has no fixable finding left, and fixing
/// again applies nothing.
#[test]
fn fixes_compile_converge_and_match_goldens() {
    let bless = std::env::var_os("IDL_BLESS").is_some();
    let mut failures = Vec::new();
    let mut fixed_rules = BTreeSet::new();
    for (dir_name, dir) in fixture_dirs() {
        let rule_id = dir_name.split('.').next().unwrap().to_string();
        if !rules::find(&rule_id).is_some_and(|rule| rule.meta().fixable) {
            continue;
        }
        let (config, config_file) = fixture_config(&dir, &rule_id);
        let workspace = fixture_workspace(&dir, config.clone(), config_file.clone());
        let imports = crate::compile::WorkspaceFiles::new(&workspace);
        let lint_fixture = |compilation: &Compilation| lint(compilation, &config.lint, config_file.as_ref());
        let run = fix::fix_until_stable(compile(&workspace), &imports, lint_fixture, true);
        assert!(run.stopped.is_none(), "{dir_name}: {:?}", run.stopped);
        assert!(!run.compilation.has_errors(), "{dir_name}: fixed files do not compile");
        if run.applied.get(&rule_id).copied().unwrap_or(0) > 0 {
            fixed_rules.insert(rule_id.clone());
        }
        let left: Vec<&Diagnostic> = run.findings.iter().filter(|d| d.rule == rule_id && d.fix.is_some()).collect();
        assert!(left.is_empty(), "{dir_name}: fixable findings left after --fix: {left:?}");
        // Fixing the fixed files again applies nothing.
        let again = fix::fix_until_stable(run.compilation, &imports, lint_fixture, true);
        assert!(again.applied.is_empty(), "{dir_name}: a second --fix applied {:?}", again.applied);
        // The goldens: every changed file's fixed text.
        let fixed_dir = dir.join("fixed");
        if bless {
            let _ = std::fs::remove_dir_all(&fixed_dir);
        }
        for (name, (_, text)) in &run.changed {
            let golden = fixed_dir.join(name);
            if bless {
                std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
                std::fs::write(&golden, text.as_bytes()).unwrap();
            } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(&**text) {
                failures.push(format!("{dir_name}: fixed/{name} differs from the fixed text:\n{text}"));
            }
        }
        let goldens = if fixed_dir.is_dir() { proto_files_in(&fixed_dir) } else { Vec::new() };
        for name in goldens.iter().filter(|name| !run.changed.contains_key(*name)) {
            failures.push(format!("{dir_name}: fixed/{name} exists but --fix leaves that file alone"));
        }
    }
    let declared: BTreeSet<String> = all_rules().filter(|meta| meta.fixable).map(|meta| meta.id.to_string()).collect();
    assert_eq!(fixed_rules, declared, "every fixable rule's fixtures exercise its fix");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `.proto` files under `dir`, `fixed/` directories included.
fn proto_files_in(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "proto") {
                files.push(path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_rule_has_a_fixture() {
    let dirs: Vec<String> =
        fixture_dirs().into_iter().map(|(name, _)| name.split('.').next().unwrap().to_string()).collect();
    let missing: Vec<&str> = all_rules().map(|meta| meta.id).filter(|id| !dirs.iter().any(|dir| dir == id)).collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}

#[test]
fn registry_is_sorted_and_documented() {
    let ids: Vec<&str> = all_rules().map(|meta| meta.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "rules::RULES must be sorted by ID without duplicates");
    for meta in all_rules() {
        assert!(meta.doc.contains("// Invalid") && meta.doc.contains("// Valid"), "{} doc lacks examples", meta.id);
        assert_eq!(rule_docs(meta.id), Some(meta.doc));
    }
}

/// buf 1.75.0 `buf config ls-lint-rules --configured-only` for `use: [CATEGORY]`.
const BUF_MINIMAL: &[&str] = &[
    "DIRECTORY_SAME_PACKAGE",
    "PACKAGE_DEFINED",
    "PACKAGE_DIRECTORY_MATCH",
    "PACKAGE_NO_IMPORT_CYCLE",
    "PACKAGE_SAME_DIRECTORY",
];
const BUF_STANDARD_BEYOND_BASIC: &[&str] = &[
    "ENUM_VALUE_PREFIX",
    "ENUM_ZERO_VALUE_SUFFIX",
    "FILE_LOWER_SNAKE_CASE",
    "PACKAGE_VERSION_SUFFIX",
    "PROTOVALIDATE",
    "RPC_REQUEST_RESPONSE_UNIQUE",
    "RPC_REQUEST_STANDARD_NAME",
    "RPC_RESPONSE_STANDARD_NAME",
    "SERVICE_SUFFIX",
];
const BUF_BASIC_BEYOND_MINIMAL: &[&str] = &[
    "ENUM_FIRST_VALUE_ZERO",
    "ENUM_NO_ALLOW_ALIAS",
    "ENUM_PASCAL_CASE",
    "ENUM_VALUE_UPPER_SNAKE_CASE",
    "FIELD_LOWER_SNAKE_CASE",
    "FIELD_NOT_REQUIRED",
    "IMPORT_NO_PUBLIC",
    "IMPORT_USED",
    "MESSAGE_PASCAL_CASE",
    "ONEOF_LOWER_SNAKE_CASE",
    "PACKAGE_LOWER_SNAKE_CASE",
    "PACKAGE_SAME_CSHARP_NAMESPACE",
    "PACKAGE_SAME_GO_PACKAGE",
    "PACKAGE_SAME_JAVA_MULTIPLE_FILES",
    "PACKAGE_SAME_JAVA_PACKAGE",
    "PACKAGE_SAME_PHP_NAMESPACE",
    "PACKAGE_SAME_RUBY_PACKAGE",
    "PACKAGE_SAME_SWIFT_PREFIX",
    "RPC_PASCAL_CASE",
    "SERVICE_PASCAL_CASE",
    "SYNTAX_SPECIFIED",
];

fn membership(group: &presets::RuleGroup) -> Vec<&str> {
    let mut ids: Vec<&str> = group.rules.iter().chain(&group.pending).map(String::as_str).collect();
    ids.sort_unstable();
    ids
}

#[test]
fn presets_are_bufs_categories() {
    let mut basic: Vec<&str> = BUF_MINIMAL.iter().chain(BUF_BASIC_BEYOND_MINIMAL).copied().collect();
    basic.sort_unstable();
    let mut standard: Vec<&str> = basic.iter().chain(BUF_STANDARD_BEYOND_BASIC).copied().collect();
    standard.sort_unstable();
    assert_eq!(membership(&presets::presets()["minimal"]), BUF_MINIMAL);
    assert_eq!(membership(&presets::presets()["buf-standard"]), standard);
    assert_eq!(membership(&presets::groups()["BASIC"]), basic);
    assert_eq!(membership(&presets::groups()["STANDARD"]), standard);
    assert_eq!(membership(&presets::groups()["UNARY_RPC"]), ["RPC_NO_CLIENT_STREAMING", "RPC_NO_SERVER_STREAMING"]);
    let comments: Vec<&str> = all_rules().map(|meta| meta.id).filter(|id| id.starts_with("COMMENT_")).collect();
    assert_eq!(membership(&presets::groups()["COMMENTS"]), comments);
    // Every member idl implements is registered; only pending ones are not.
    for group in presets::groups().values() {
        for id in &group.rules {
            assert!(rules::find(id).is_some(), "{id} is in a preset but not registered");
        }
        for id in &group.pending {
            assert!(rules::find(id).is_none(), "{id} is registered; move it out of `pending`");
        }
    }
}

fn config_from(text: &str) -> (LintConfig, SourceFile) {
    let file = SourceFile::new("idl.toml", "idl.toml", Arc::from(text));
    (Config::parse(&file).expect("valid config").lint, file)
}

#[test]
fn selection_applies_preset_use_except_and_severity() {
    let (config, file) = config_from(
        "[lint]\npreset = \"minimal\"\nuse = [\"COMMENTS\", \"SERVICE_SUFFIX\"]\nexcept = [\"COMMENT_ONEOF\", \"PACKAGE_DEFINED\"]\n\
         [lint.rules.SERVICE_SUFFIX]\nseverity = \"warn\"\nsuffix = \"API\"\n",
    );
    let (selected, errors) = select_rules(&config, Some(&file));
    assert!(errors.is_empty(), "{errors:?}");
    let ids: Vec<&str> = selected.iter().map(SelectedRule::id).collect();
    assert!(ids.contains(&"PACKAGE_NO_IMPORT_CYCLE") && ids.contains(&"COMMENT_RPC"));
    assert!(!ids.contains(&"COMMENT_ONEOF") && !ids.contains(&"PACKAGE_DEFINED"));
    let suffix = selected.iter().find(|rule| rule.id() == "SERVICE_SUFFIX").unwrap();
    assert_eq!(suffix.severity, Severity::Warn);
    assert_eq!(suffix.options.clone(), RuleOptions::new(vec![("suffix", OptionValue::String("API".into()))]));
}

#[test]
fn presets_set_options_that_the_config_overrides() {
    let option = |selected: &[SelectedRule], id: &str| {
        selected.iter().find(|rule| rule.id() == id).map(|rule| rule.options.clone()).unwrap()
    };
    let (config, file) = config_from("[lint]\npreset = \"uber-v2\"\n");
    let (selected, errors) = select_rules(&config, Some(&file));
    assert!(errors.is_empty(), "{errors:?}");
    let suffix = |value: &str| RuleOptions::new(vec![("suffix", OptionValue::String(value.into()))]);
    // uber-v2 also exempts error enums from the value-name rules.
    let zero_suffix = |value: &str| {
        RuleOptions::new(vec![
            ("exempt_error_enums", OptionValue::Bool(true)),
            ("suffix", OptionValue::String(value.into())),
        ])
    };
    assert_eq!(option(&selected, "ENUM_ZERO_VALUE_SUFFIX"), zero_suffix("_INVALID"));
    assert_eq!(option(&selected, "SERVICE_SUFFIX"), suffix("API"));
    let (config, file) = config_from(
        "[lint]\npreset = \"uber-v2\"\n[lint.rules.ENUM_ZERO_VALUE_SUFFIX]\nsuffix = \"_UNKNOWN\"\n\
         [lint.rules.COMMENT_MESSAGE]\nstyle = \"starts_with_name\"\n",
    );
    let (selected, errors) = select_rules(&config, Some(&file));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(option(&selected, "ENUM_ZERO_VALUE_SUFFIX"), zero_suffix("_UNKNOWN"));
    // Overriding one option keeps the preset's others.
    assert_eq!(
        option(&selected, "COMMENT_MESSAGE"),
        RuleOptions::new(vec![
            ("exempt_request_response", OptionValue::Bool(true)),
            ("style", OptionValue::String("starts_with_name".into())),
        ])
    );
    // Every preset's options name registered rules and declared options.
    for name in presets::presets().keys() {
        let (config, file) = config_from(&format!("[lint]\npreset = \"{name}\"\n"));
        let (_, errors) = select_rules(&config, Some(&file));
        assert!(errors.is_empty(), "preset {name}: {errors:?}");
    }
}

#[test]
fn default_selection_is_buf_standard() {
    let (selected, errors) = select_rules(&LintConfig::default(), None);
    assert!(errors.is_empty());
    let ids: Vec<&str> = selected.iter().map(SelectedRule::id).collect();
    // buf's STANDARD plus the engine's own UNUSED_IGNORE check.
    assert_eq!(ids.len(), presets::presets()["buf-standard"].rules.len() + 1);
    assert!(ids.contains(&rules::UNUSED_IGNORE));
    let (config, _) = config_from("[lint]\nexcept = [\"UNUSED_IGNORE\"]\n");
    let (selected, _) = select_rules(&config, None);
    assert!(!selected.iter().any(|rule| rule.id() == rules::UNUSED_IGNORE));
}

#[test]
fn unknown_names_are_located_config_errors() {
    let text = "[lint]\npreset = \"strict\"\nuse = [\"ENUM_PASCAL\"]\nexcept = [\"NOPE\"]\n\
                [lint.rules.SERVICE_SUFFIX]\nsufix = \"API\"\n[lint.rules.ENUM_ZERO_VALUE_SUFFIX]\nsuffix = 1\n[lint.rules.NOT_A_RULE]\n";
    let (config, file) = config_from(text);
    let (_, errors) = select_rules(&config, Some(&file));
    let rendered: Vec<String> = errors
        .iter()
        .map(|e| {
            let span = e.span.unwrap();
            format!("{}:{} {} {}", span.start.line, span.start.column, e.rule, e.message)
        })
        .collect();
    assert_eq!(
        rendered,
        [
            "2:10 CONFIG unknown lint preset `strict`; expected one of: buf-standard, google, minimal, uber-v2",
            "3:8 CONFIG unknown lint rule or group `ENUM_PASCAL` in `use`",
            "4:11 CONFIG unknown lint rule or group `NOPE` in `except`",
            "7:13 CONFIG option `suffix` of lint rule ENUM_ZERO_VALUE_SUFFIX must be a string",
            "9:13 CONFIG unknown lint rule `NOT_A_RULE` in `[lint.rules]`",
            "5:13 CONFIG unknown option `sufix` for lint rule SERVICE_SUFFIX; expected one of: severity, suffix",
        ]
    );
}

/// Compares idl's buf-standard findings on a corpus with buf's: run with
/// `IDL_CORPUS=<dir> IDL_CORPUS_BUF_JSON=<buf lint --error-format=json output>
/// cargo test --release --lib corpus_matches_buf -- --ignored --nocapture`
/// (buf run in `<dir>` with `use: [STANDARD]`). Prints buf count, idl count and
/// matches per rule, and fails on any difference in (path, line, column, rule, message).
#[test]
#[ignore = "needs a corpus and buf's findings on it"]
fn corpus_matches_buf() {
    use std::collections::{BTreeMap, BTreeSet};
    let corpus = PathBuf::from(std::env::var("IDL_CORPUS").expect("IDL_CORPUS"));
    let buf_json = std::env::var("IDL_CORPUS_BUF_JSON").expect("IDL_CORPUS_BUF_JSON");
    let started = std::time::Instant::now();
    let workspace = crate::workspace::discover(&corpus, None, &[]).expect("corpus workspace");
    let compilation = compile(&workspace);
    let compiled = started.elapsed();
    let diagnostics = lint(&compilation, &LintConfig::default(), None);
    eprintln!(
        "idl: compile {compiled:?}, lint {:?}, {} compile diagnostics",
        started.elapsed() - compiled,
        compilation.diagnostics.len()
    );
    type Key = (String, u32, u32, String, String);
    let idl: BTreeSet<Key> = diagnostics
        .iter()
        .map(|d| {
            let span = d.span.unwrap();
            (d.path.clone(), span.start.line, span.start.column, d.rule.clone(), d.message.clone())
        })
        .collect();
    let buf: BTreeSet<Key> = std::fs::read_to_string(buf_json)
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let finding: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                finding["path"].as_str().unwrap().to_string(),
                finding["start_line"].as_u64().unwrap() as u32,
                finding["start_column"].as_u64().unwrap() as u32,
                finding["type"].as_str().unwrap().to_string(),
                finding["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut per_rule: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for key in &buf {
        per_rule.entry(&key.3).or_default().0 += 1;
    }
    for key in &idl {
        let entry = per_rule.entry(&key.3).or_default();
        entry.1 += 1;
        if buf.contains(key) {
            entry.2 += 1;
        }
    }
    eprintln!("{:<36} {:>7} {:>7} {:>7}", "rule", "buf", "idl", "matched");
    for (rule, (buf_count, idl_count, matched)) in &per_rule {
        eprintln!("{rule:<36} {buf_count:>7} {idl_count:>7} {matched:>7}");
    }
    let only_buf: Vec<&Key> = buf.difference(&idl).take(20).collect();
    let only_idl: Vec<&Key> = idl.difference(&buf).take(20).collect();
    assert!(only_buf.is_empty() && only_idl.is_empty(), "only buf: {only_buf:#?}\nonly idl: {only_idl:#?}");
}

#[test]
fn docs_rules_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let mut expected: Vec<(PathBuf, String)> =
        all_rules().map(|meta| (dir.join(format!("{}.md", meta.id)), docs::rule_markdown(meta))).collect();
    expected.push((dir.join("README.md"), docs::index_markdown(all_rules())));
    if std::env::var_os("IDL_BLESS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (path, text) in &expected {
            std::fs::write(path, text).unwrap();
        }
    }
    let stale: Vec<String> = expected
        .iter()
        .filter(|(path, text)| std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()))
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(stale.is_empty(), "stale rule docs (run IDL_BLESS=1 cargo test): {stale:?}");
    let listed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        // docs/rules/breaking/ holds the breaking rules' pages (src/breaking/docs.rs).
        .filter(|path| !path.is_dir())
        .map(|path| path.display().to_string())
        .filter(|path| !expected.iter().any(|(known, _)| known.display().to_string() == *path))
        .collect();
    assert!(listed.is_empty(), "docs for no rule: {listed:?}");
}

/// The files of one doc example section: `// File: path` lines start whole files
/// (taken verbatim); a section without them is a fragment, wrapped into one file
/// with `syntax = "proto3";` and `package acme.example.v1;` when it lacks them, at a
/// path matching its package.
fn example_files(section: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut fragment = String::new();
    for line in section.lines() {
        if let Some(path) = line.strip_prefix("// File: ") {
            files.push((path.trim().to_string(), String::new()));
        } else if let Some((_, text)) = files.last_mut() {
            text.push_str(line);
            text.push('\n');
        } else {
            fragment.push_str(line);
            fragment.push('\n');
        }
    }
    if !files.is_empty() {
        return files;
    }
    let declares = |keyword: &str| fragment.lines().any(|line| line.trim_start().starts_with(keyword));
    let mut text = String::new();
    if !declares("syntax") && !declares("edition") {
        text.push_str("syntax = \"proto3\";\n");
    } else if let Some((first, rest)) = fragment.split_once('\n') {
        // The declaration stays the first statement, before the package.
        text.push_str(first);
        text.push('\n');
        fragment = rest.to_string();
    }
    let package = match fragment.lines().find_map(|line| line.trim().strip_prefix("package ")) {
        Some(package) => package.trim_end_matches(';').trim().to_string(),
        None => {
            text.push_str("package acme.example.v1;\n");
            "acme.example.v1".to_string()
        }
    };
    text.push_str(&fragment);
    vec![(format!("{}/example.proto", package.replace('.', "/")), text)]
}

/// The invalid and valid sections of a rule doc's ```proto example.
fn doc_examples(doc: &str) -> (String, String) {
    let block: Vec<&str> = doc
        .lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .skip_while(|line| !line.starts_with("```proto"))
        .skip(1)
        .take_while(|line| !line.starts_with("```"))
        .collect();
    let valid_at = block.iter().position(|line| line.starts_with("// Valid")).expect("a // Valid section");
    assert!(block[0].starts_with("// Invalid"), "the example starts with // Invalid");
    (block[1..valid_at].join("\n"), block[valid_at + 1..].join("\n"))
}

/// A rule doc's ```toml block when it configures `[errors]` (the error-table
/// rules' examples run with it).
fn errors_config_example(doc: &str) -> Option<String> {
    let block: Vec<&str> = doc
        .lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .skip_while(|line| !line.starts_with("```toml"))
        .skip(1)
        .take_while(|line| !line.starts_with("```"))
        .collect();
    block.iter().any(|line| line.starts_with("[errors")).then(|| block.join("\n"))
}

/// Every rule doc's invalid example gives findings of that rule (exactly one per
/// file it names, so exactly one for a single file), and its valid example none.
/// Each runs with just that rule enabled, through the real compile step.
#[test]
fn doc_examples_are_checked() {
    let mut failures = Vec::new();
    for meta in all_rules() {
        let (invalid, valid) = doc_examples(meta.doc);
        for (kind, section) in [("invalid", &invalid), ("valid", &valid)] {
            let dir = tempfile::tempdir().unwrap();
            if let Some(errors) = errors_config_example(meta.doc) {
                // The doc's `[errors]` block is the example's config.
                let config = format!("{errors}\n[lint]\nuse = [\"{}\"]\n", meta.id);
                std::fs::write(dir.path().join("idl.toml"), config).unwrap();
            }
            for (name, text) in example_files(section) {
                let path = dir.path().join(&name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
            let (config, config_file) = fixture_config(dir.path(), meta.id);
            let workspace_files = proto_files(dir.path());
            let targets = workspace_files
                .iter()
                .map(|name| WorkspaceFile {
                    path: dir.path().join(name),
                    display_path: name.clone(),
                    name: name.clone(),
                    root: 0,
                })
                .collect();
            let workspace = Workspace {
                config: config.clone(),
                config_file: None,
                converted_from: None,
                base_dir: dir.path().to_path_buf(),
                roots: vec![dir.path().to_path_buf()],
                import_paths: vendored_import_paths(),
                targets,
                warnings: Vec::new(),
            };
            let compilation = compile(&workspace);
            if !compilation.diagnostics.is_empty() {
                failures.push(format!("{} {kind} example does not compile: {:?}", meta.id, compilation.diagnostics));
                continue;
            }
            let findings = lint(&compilation, &config.lint, config_file.as_ref());
            let of_rule: Vec<&Diagnostic> = findings.iter().filter(|d| d.rule == meta.id).collect();
            let others: Vec<&Diagnostic> = findings.iter().filter(|d| d.rule != meta.id).collect();
            let files: BTreeSet<&str> = of_rule.iter().map(|d| d.path.as_str()).collect();
            let ok = match kind {
                "invalid" => !of_rule.is_empty() && files.len() == of_rule.len(),
                _ => of_rule.is_empty(),
            };
            if !ok || !others.is_empty() {
                let rendered = render(&findings);
                failures.push(format!("{} {kind} example gives:\n{rendered}", meta.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The googleapis corpus, when present: `$IDL_CORPUS`, else where
/// `shared/scripts/peers.sh` puts it.
fn googleapis() -> Option<PathBuf> {
    let dir = match std::env::var_os("IDL_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/idl-peers/googleapis"),
    };
    dir.join("google").is_dir().then_some(dir)
}

/// idl's buf-standard findings on googleapis match `testdata/lint/googleapis-standard.txt`,
/// the per-rule table agreed with buf 1.75.0 (see `googleapis-standard.py`): every
/// rule's count and the hash of its findings. Skips when the corpus is absent.
#[test]
fn corpus_matches_golden() {
    use sha2::{Digest, Sha256};
    let Some(corpus) = googleapis() else {
        eprintln!("corpus_matches_golden: googleapis not found (run shared/scripts/peers.sh); skipped");
        return;
    };
    let workspace = crate::workspace::discover(&corpus, None, &[]).expect("corpus workspace");
    let compilation = compile(&workspace);
    assert!(!compilation.has_errors(), "googleapis does not compile: {:?}", &compilation.diagnostics[..1]);
    let config = LintConfig { preset: Some(Spanned::new(0..0, "buf-standard".to_string())), ..Default::default() };
    let diagnostics = lint(&compilation, &config, None);
    let mut by_rule: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for d in &diagnostics {
        let start = d.span.expect("findings have spans").start;
        by_rule
            .entry(&d.rule)
            .or_default()
            .push(format!("{}\t{}\t{}\t{}\n", d.path, start.line, start.column, d.message));
    }
    let mut actual = Vec::new();
    for (rule, mut lines) in by_rule {
        lines.sort();
        let digest: String = Sha256::digest(lines.concat().as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        actual.push(format!("{rule} {} {digest}", lines.len()));
    }
    let golden = std::fs::read_to_string(fixtures_root().join("googleapis-standard.txt")).unwrap();
    let expected: Vec<String> = golden
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with("TOTAL"))
        .map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            assert_eq!(fields[1], fields[3], "golden {line}: buf and idl disagree; document it in docs/");
            format!("{} {} {}", fields[0], fields[2], fields[4])
        })
        .collect();
    assert_eq!(actual, expected, "idl's findings on googleapis differ from the golden");
}

/// The lint cache (src/lint/incremental/mod.rs) never changes an answer: on every
/// fixture, a cold cached run, a warm one, and a warm one after one file was
/// edited give exactly the findings of the uncached run (the edit's too). Runs
/// the cache declines (rules that need every file compiled) are counted, not
/// compared, and must be the ERRORS and HTTP_ROUTE_UNIQUE fixtures only.
#[test]
fn every_fixture_lints_the_same_through_the_cache() {
    let uncached = |workspace: &Workspace| {
        let compilation = compile(workspace);
        let mut found = lint(&compilation, &workspace.config.lint, workspace.config_file.as_ref());
        crate::diagnostic::sort_and_dedup(&mut found);
        found
    };
    let cached = |workspace: &Workspace, dir: &crate::cache::CacheDir| {
        let mut run = incremental::lint(workspace, &workspace.config.lint, None, &HashMap::new(), dir, None)?;
        let mut found = std::mem::take(&mut run.findings);
        crate::diagnostic::sort_and_dedup(&mut found);
        Some((found, run.compiled))
    };
    // The report as `idl lint --format json|text` writes it, and whether it fails.
    let renderers: Vec<report::PathRenderer> = [report::OutputFormat::Json, report::OutputFormat::Text]
        .into_iter()
        .map(|format| report::PathRenderer::new(format, false, false, false).unwrap())
        .collect();
    let rendered_uncached = |workspace: &Workspace, renderer: &report::PathRenderer| {
        let compilation = compile(workspace);
        let findings = lint(&compilation, &workspace.config.lint, workspace.config_file.as_ref());
        let mut sources = crate::source::Sources::default();
        for file in &compilation.files {
            sources.insert(file.source.clone());
        }
        let fails = report::exit_code(&findings, false) != 0;
        let mut all = findings;
        all.extend(compilation.diagnostics.iter().cloned());
        let rendered = renderer.render(all, Vec::new(), &sources);
        let mut bytes = rendered.bytes;
        bytes.extend(renderer.tail(rendered.counts));
        (String::from_utf8(bytes).unwrap(), fails)
    };
    let rendered_cached = |workspace: &Workspace, dir: &crate::cache::CacheDir, renderer: &report::PathRenderer| {
        let mut run = incremental::lint(workspace, &workspace.config.lint, None, &HashMap::new(), dir, Some(renderer))?;
        let rendered = run.rendered.take()?;
        let bytes: Vec<u8> = rendered.pieces().flatten().copied().collect();
        Some((String::from_utf8(bytes).unwrap(), rendered.fails))
    };
    // Each renderer's run twice (the second from the snapshot of the first).
    let rendered_runs = std::cell::Cell::new(0);
    let same_rendered = |workspace: &Workspace, dir: &crate::cache::CacheDir, what: &str| {
        for renderer in &renderers {
            let expected = rendered_uncached(workspace, renderer);
            for attempt in ["first", "second"] {
                if let Some(got) = rendered_cached(workspace, dir, renderer) {
                    assert_eq!(got, expected, "{what}: {attempt} run rendered by path ({})", renderer.variant());
                    rendered_runs.set(rendered_runs.get() + 1);
                }
            }
        }
    };
    let mut declined = Vec::new();
    let mut partial_runs = 0;
    for (dir_name, fixture) in fixture_dirs() {
        let rule_id = dir_name.split('.').next().unwrap().to_string();
        let scratch = tempfile::tempdir().unwrap();
        let root = scratch.path().join("fixture");
        copy_tree(&fixture, &root);
        let cache = crate::cache::CacheDir { path: scratch.path().join("cache"), max_bytes: 64 << 20 };
        let (config, config_file) = fixture_config(&root, &rule_id);
        let workspace = fixture_workspace(&root, config, config_file);
        let expected = uncached(&workspace);
        let Some((cold, _)) = cached(&workspace, &cache) else {
            declined.push(rule_id);
            continue;
        };
        assert_eq!(cold, expected, "{dir_name}: cold cached run");
        let (warm, compiled) = cached(&workspace, &cache).unwrap();
        assert_eq!(warm, expected, "{dir_name}: warm cached run");
        assert_eq!(compiled, 0, "{dir_name}: a warm run with nothing changed compiles nothing");
        same_rendered(&workspace, &cache, &dir_name);
        // Edit the first file: a comment line at its end.
        let first = &workspace.targets[0].path;
        let mut text = std::fs::read_to_string(first).unwrap();
        text.push_str("// edited\n");
        std::fs::write(first, text).unwrap();
        let expected = uncached(&workspace);
        let (edited, compiled) = cached(&workspace, &cache).unwrap();
        assert_eq!(edited, expected, "{dir_name}: cached run after an edit");
        same_rendered(&workspace, &cache, &format!("{dir_name} after an edit"));
        if compiled < workspace.targets.len() {
            partial_runs += 1;
        }
        // Move the last file to another package: package and workspace rules
        // see other files change without compiling them.
        let last = &workspace.targets[workspace.targets.len() - 1].path;
        let text = std::fs::read_to_string(last).unwrap();
        std::fs::write(last, text.replacen("package ", "package moved.", 1)).unwrap();
        let expected = uncached(&workspace);
        if let Some((moved, _)) = cached(&workspace, &cache) {
            assert_eq!(moved, expected, "{dir_name}: cached run after a package moved");
        }
        same_rendered(&workspace, &cache, &format!("{dir_name} after a package moved"));
    }
    declined.sort();
    declined.dedup();
    assert!(
        declined.iter().all(|id| id.starts_with("ERRORS_") || id == "HTTP_ROUTE_UNIQUE"),
        "the cache declined {declined:?}"
    );
    assert!(partial_runs > 10, "only {partial_runs} fixtures ran a partial compile after an edit");
    eprintln!("rendered runs: {}", rendered_runs.get());
    assert!(rendered_runs.get() > 10 * partial_runs, "only {} runs rendered by path", rendered_runs.get());
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// A rule with a `check_workspace` hook needs every file compiled, so the lint
/// cache must decline runs that select it: the rule has to say so.
#[test]
fn rules_with_a_compiled_workspace_hook_say_so() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lint/rules");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        if text.contains("fn check_workspace(") && !text.contains("fn needs_compiled_workspace(") {
            missing.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    assert!(missing.is_empty(), "check_workspace without needs_compiled_workspace: {missing:?}");
    let declared = rules::RULES.iter().filter(|rule| rule.needs_compiled_workspace()).count();
    assert_eq!(declared, 0, "HTTP_ROUTE_UNIQUE and the ERRORS_* rules read facts");
}
