//! Adopting idl from buf, protolint and prototool: a workspace configured only by
//! `buf.yaml`/`buf.work.yaml` gives buf's findings (goldens recorded from buf by
//! `testdata/migrate/buf-oracle.sh`), and `idl init --from` writes the equivalent
//! `idl.toml`, naming what it could not carry over.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// googleapis directories copied under `proto/` for the slice case; keep in step
/// with `slice` in testdata/migrate/buf-oracle.sh.
const SLICE: [&str; 6] =
    ["google/api", "google/type", "google/rpc", "google/longrunning", "google/pubsub", "google/logging/type"];

fn testdata(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/migrate").join(case)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scratch copy of a case without its golden.
fn scratch(case: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&testdata(case), dir.path());
    std::fs::remove_file(dir.path().join("expected-buf.txt")).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = assert_cmd::cargo::cargo_bin_cmd!("idl").current_dir(dir).args(args).output().unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

/// `path:line:column RULE` of every JSON finding on stderr.
fn finding_set(stderr: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| {
            let finding: serde_json::Value = serde_json::from_str(line).unwrap();
            format!(
                "{}:{}:{} {}",
                finding["path"].as_str().unwrap(),
                finding["start_line"],
                finding["start_column"],
                finding["rule"].as_str().unwrap()
            )
        })
        .collect()
}

fn golden(case: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(testdata(case).join("expected-buf.txt")).unwrap();
    text.lines().filter(|line| !line.is_empty()).map(str::to_string).collect()
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("IDL_PEERS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/idl-peers")))?
        .join("googleapis");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no googleapis corpus at {} (run ../shared/scripts/peers.sh)", dir.display());
        None
    }
}

#[test]
fn buf_v1_workspace_without_idl_toml_finds_what_buf_finds() {
    let dir = scratch("buf-v1-workspace");
    let (code, stdout, stderr) = run(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    // Which config was used is a notice (stderr); the findings are the report (stdout).
    assert!(stderr.contains("idl: no idl.toml found; using buf.work.yaml"), "{stderr}");
    assert_eq!(finding_set(&stdout), golden("buf-v1-workspace"));
    // From inside a module the workspace file above still wins over the module's buf.yaml.
    let (_, _, stderr) = run(&dir.path().join("internal"), &["lint", "--format", "json"]);
    assert!(stderr.contains("/buf.work.yaml (`idl init --from"), "{stderr}");
}

#[test]
fn googleapis_slice_with_buf_yaml_finds_what_buf_finds() {
    let Some(corpus) = corpus() else { return };
    let dir = scratch("googleapis-slice");
    for part in SLICE {
        copy_dir(&corpus.join(part), &dir.path().join("proto").join(part));
    }
    let (code, stdout, stderr) = run(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(code, 1, "{}", &stderr[..stderr.len().min(2000)]);
    let expected = golden("googleapis-slice");
    let found = finding_set(&stdout);
    let missing: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing (buf only): {missing:?}\nextra (idl only): {extra:?}");
    assert_eq!(found.len(), 193);
}

#[test]
fn init_from_buf_work_yaml_writes_an_equivalent_idl_toml() {
    let dir = scratch("buf-v1-workspace");
    let (code, _, stderr) = run(dir.path(), &["init", "--from", "buf.work.yaml", "--format", "short"]);
    assert_eq!(code, 0, "{stderr}");
    // Only the module name is dropped, and it is named where it is.
    assert!(stderr.contains("api/buf.yaml:2:1: [CONFIG] `name`: BSR module names have no meaning to idl"), "{stderr}");
    assert!(stderr.contains("idl init: wrote idl.toml (converted from buf.work.yaml; 1 setting not carried over)"));
    let toml = std::fs::read_to_string(dir.path().join("idl.toml")).unwrap();
    for line in [
        "roots = [\"api\", \"internal\"]",
        "excludes = [\"api/acme/generated\"]",
        "preset = \"buf-standard\"",
        // buf v1's DEFAULT lacks two rules of v2's STANDARD (idl's buf-standard).
        "except = [\"PACKAGE_VERSION_SUFFIX\", \"FIELD_NOT_REQUIRED\", \"PACKAGE_NO_IMPORT_CYCLE\"]",
        "ignore = [\"api/acme/legacy\"]",
        "ENUM_ZERO_VALUE_SUFFIX = [\"internal/acme/audit/v1/audit.proto\"]",
        "FIELD_LOWER_SNAKE_CASE = [\"api/acme/user/v1/user.proto\"]",
        "[lint.rules.SERVICE_SUFFIX]\nsuffix = \"API\"",
        "[breaking]\nuse = [\"FILE\"]\nexcept = [\"EXTENSION_NO_DELETE\", \"FIELD_SAME_DEFAULT\"]",
    ] {
        assert!(toml.contains(line), "missing {line:?} in\n{toml}");
    }
    // With the written idl.toml: the same findings, and no conversion note.
    let (code, stdout, stderr) = run(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(code, 1);
    assert!(!stderr.contains("no idl.toml found"), "{stderr}");
    assert_eq!(finding_set(&stdout), golden("buf-v1-workspace"));
    // It does not overwrite without --force.
    let (code, _, stderr) = run(dir.path(), &["init", "--from", "buf.work.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("idl.toml already exists; pass --force to overwrite it"), "{stderr}");
}

#[test]
fn settings_that_change_findings_are_warned_about_on_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let buf_yaml = "version: v2\ndeps:\n  - buf.build/googleapis/googleapis\nlint:\n  use: [STANDARD, SOME_FUTURE_RULE]\n  \
                    disallow_comment_ignores: true\n";
    std::fs::write(dir.path().join("buf.yaml"), buf_yaml).unwrap();
    write_clean_proto(dir.path());
    let (code, stdout, stderr) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 0, "{stderr}");
    // `disallow_comment_ignores` is carried over, so it is not among them.
    let warnings: Vec<&str> = stdout.lines().filter(|line| line.starts_with("buf.yaml:")).collect();
    assert_eq!(
        warnings,
        [
            "buf.yaml:2:1: [CONFIG] `deps`: idl does not fetch BSR modules; put their sources in a directory and \
             list it in `import_paths`",
            "buf.yaml:5:19: [CONFIG] `lint.use`: idl has no rule or category `SOME_FUTURE_RULE`",
        ]
    );
}

/// `a/v1/a.proto`, which no rule of buf-standard reports.
fn write_clean_proto(dir: &Path) {
    std::fs::create_dir_all(dir.join("a/v1")).unwrap();
    std::fs::write(dir.join("a/v1/a.proto"), "syntax = \"proto3\";\npackage a.v1;\n").unwrap();
}

#[test]
fn bad_buf_yaml_is_an_input_error_with_a_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("buf.yaml"), "version: v2\nlint:\n  use: [STANDARD\n").unwrap();
    std::fs::write(dir.path().join("a.proto"), "syntax = \"proto3\";\n").unwrap();
    let (code, stdout, _) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.starts_with("buf.yaml:"), "{stdout}");
    assert!(stdout.contains("[CONFIG] invalid YAML"), "{stdout}");
}

#[test]
fn init_without_from_writes_a_default_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    write_clean_proto(dir.path());
    let (code, _, stderr) = run(dir.path(), &["init"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "idl init: roots = [\".\"]: no Makefile names a proto path; import names are paths from here\n\
         idl init: wrote idl.toml (the layout found and defaults)\n"
    );
    let (code, _, stderr) = run(dir.path(), &["lint"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn init_from_protolint_maps_rules_and_names_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let protolint = "lint:\n  rules:\n    no_default: true\n    add:\n      - MESSAGE_NAMES_UPPER_CAMEL_CASE\n      \
                     - MAX_LINE_LENGTH\n      - INDENT\n  rules_option:\n    max_line_length:\n      max_chars: 120\n  \
                     ignores:\n    - id: MESSAGE_NAMES_UPPER_CAMEL_CASE\n      files:\n        - legacy/old.proto\n  \
                     directories:\n    exclude:\n      - vendor\n";
    std::fs::write(dir.path().join(".protolint.yaml"), protolint).unwrap();
    let (code, stdout, stderr) =
        run(dir.path(), &["init", "--from", ".protolint.yaml", "-o", "-", "--format", "short"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("use = [\"FORMATTED\", \"MESSAGE_PASCAL_CASE\"]"), "{stdout}");
    assert!(stdout.contains("excludes = [\"vendor\"]"), "{stdout}");
    assert!(stdout.contains("MESSAGE_PASCAL_CASE = [\"legacy/old.proto\"]"), "{stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            ".protolint.yaml:6:9: [CONFIG] protolint rule `MAX_LINE_LENGTH` has no idl equivalent",
            ".protolint.yaml:9:5: [CONFIG] rule option `max_line_length` is not carried over",
        ]
    );
    assert!(stdout.contains("#   .protolint.yaml:6:9: protolint rule `MAX_LINE_LENGTH` has no idl equivalent"));
}

#[test]
fn init_from_prototool_carries_includes_excludes_and_beta_handling() {
    let dir = tempfile::tempdir().unwrap();
    let prototool = "protoc:\n  version: 3.11.0\n  includes:\n    - third_party\nexcludes:\n  - gen\nlint:\n  \
                     group: uber2\n  rules:\n    remove:\n      - ENUM_FIELD_PREFIXES\ngenerate:\n  go_options: {}\n";
    std::fs::write(dir.path().join("prototool.yaml"), prototool).unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["init", "--from", "prototool.yaml", "-o", "-", "--format", "short"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("import_paths = [\"third_party\"]"), "{stdout}");
    assert!(stdout.contains("excludes = [\"gen\"]"), "{stdout}");
    assert!(stdout.contains("preset = \"buf-standard\""), "{stdout}");
    assert!(stdout.contains("except = [\"ENUM_VALUE_PREFIX\"]"), "{stdout}");
    assert!(stdout.contains("ignore_unstable_packages = true"), "{stdout}");
    assert!(stderr.contains("prototool.yaml:8:10: [CONFIG] lint group `uber2`: idl has no preset for it"), "{stderr}");
    assert!(stderr.contains("prototool.yaml:12:1: [CONFIG] `generate` is not a lint or breaking setting"), "{stderr}");
}

#[test]
fn init_from_an_unknown_file_kind_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), "{}").unwrap();
    let (code, _, stderr) = run(dir.path(), &["init", "--from", "config.json", "--format", "short"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot tell which tool's config this is"), "{stderr}");
}

#[test]
fn init_from_a_buf_yaml_elsewhere_writes_the_idl_toml_next_to_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("api")).unwrap();
    std::fs::write(dir.path().join("api/buf.yaml"), "version: v1\nlint:\n  ignore: [legacy]\n").unwrap();
    // Its paths are relative to api/, so an idl.toml anywhere else would be wrong.
    let (code, _, stderr) = run(dir.path(), &["init", "--from", "api/buf.yaml", "-o", "idl.toml", "--format", "short"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the paths of api/buf.yaml are relative to its directory"), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["init", "--from", "api/buf.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("idl init: wrote api/idl.toml"), "{stderr}");
    let toml = std::fs::read_to_string(dir.path().join("api/idl.toml")).unwrap();
    assert!(toml.contains("ignore = [\"legacy\"]"), "{toml}");
}

#[test]
fn a_section_of_the_wrong_shape_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("buf.yaml"), "version: v2\nlint: STANDARD\n").unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["init", "--from", "buf.yaml", "-o", "-", "--format", "short"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "buf.yaml:2:7: [CONFIG] `lint`: expected a mapping; ignored\n");
    assert!(stdout.contains("preset = \"buf-standard\""), "{stdout}");
}

#[test]
fn deps_of_every_module_of_a_buf_work_yaml_are_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("buf.work.yaml"), "version: v1\ndirectories:\n  - api\n  - internal\n").unwrap();
    for module in ["api", "internal"] {
        std::fs::create_dir_all(dir.path().join(module)).unwrap();
        std::fs::write(
            dir.path().join(module).join("buf.yaml"),
            "version: v1\ndeps:\n  - buf.build/googleapis/googleapis\n",
        )
        .unwrap();
        write_clean_proto(&dir.path().join(module));
    }
    std::fs::rename(dir.path().join("internal/a"), dir.path().join("internal/b")).unwrap();
    std::fs::write(dir.path().join("internal/b/v1/a.proto"), "syntax = \"proto3\";\npackage b.v1;\n").unwrap();
    let (code, stdout, stderr) = run(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let warnings: Vec<serde_json::Value> = stdout.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(warnings.len(), 1, "{stdout}");
    assert_eq!(warnings[0]["path"], "api/buf.yaml");
    assert_eq!(warnings[0]["notes"], serde_json::json!(["also in internal/buf.yaml:2:1"]));
}

/// buf honours `buf:lint:ignore` comments by config version: off in v1beta1 and
/// v1 unless `allow_comment_ignores: true`, on in v2 unless
/// `disallow_comment_ignores: true` (goldens from buf 1.75, `buf-oracle.sh`).
#[test]
fn comment_ignores_follow_the_buf_yaml_version() {
    for case in ["v1beta1", "v1", "v1-allowed", "v2", "v2-disallowed"] {
        let name = format!("buf-comment-ignores-{case}");
        let dir = scratch(&name);
        let (code, stdout, stderr) = run(dir.path(), &["lint", "--format", "json"]);
        let expected = golden(&name);
        // Findings move from stderr to stdout (issue 17); read both.
        let found = finding_set(&format!("{stdout}\n{stderr}"));
        assert_eq!(found, expected, "{name}: {stderr}");
        assert_eq!(code, if expected.is_empty() { 0 } else { 1 }, "{name}: {stderr}");
    }
    // The converted idl.toml says so.
    let dir = scratch("buf-comment-ignores-v1");
    let (code, _, stderr) = run(dir.path(), &["init", "--from", "buf.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    let written = std::fs::read_to_string(dir.path().join("idl.toml")).unwrap();
    assert!(written.contains("disallow_comment_ignores = true"), "{written}");
}

/// v1beta1's own lint categories (`OTHER`, `FILE_LAYOUT`, `SENSIBLE`, the last with
/// FIELD_NO_DESCRIPTOR, which v1 and v2 no longer have) select the rules buf 1.75
/// runs for them (golden from `buf-oracle.sh`); before, idl knew none of the three
/// names and fell back to `minimal`.
#[test]
fn v1beta1_categories_find_what_buf_finds() {
    let name = "buf-v1beta1-categories";
    let dir = scratch(name);
    let (code, stdout, stderr) = run(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(finding_set(&stdout), golden(name), "{stderr}");
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("idl has no rule or category"), "{stderr}");
}
