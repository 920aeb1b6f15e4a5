//! `idl config check` and `idl config schema` on the Kratos-layout fixture
//! (`testdata/kratos-layout/internal/conf`, `configs/config.yaml`) and the variants
//! under `testdata/config/`:
//!
//! - the passing files are clean; each broken variant gives exactly one located
//!   finding, pinned with its message in `testdata/config/broken.golden`
//!   (`IDL_BLESS=1` rewrites it);
//! - idl's verdict on every file equals that of prost-reflect's protojson
//!   deserializer (feature `serde`) on the same document, converted from YAML to
//!   JSON the way Kratos' loader does it (independently of idl: saphyr's own
//!   loader, merge keys applied, `${NAME:default}` placeholders expanded), except
//!   for the findings protojson does not make (REQUIRED, protovalidate);
//! - the JSON Schema from `idl config schema` accepts the passing files and
//!   rejects every broken one (the `jsonschema` crate).

use std::path::{Path, PathBuf};

use prost_reflect::{DescriptorPool, DeserializeOptions, DynamicMessage, MessageDescriptor};
use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::Value;

const BOOTSTRAP: &str = "kratos.api.Bootstrap";
const STRICT: &str = "strict.api.Bootstrap";

/// Files that must pass, and the message each holds (relative to testdata/config).
const PASSING: &[(&str, &str)] = &[
    ("../kratos-layout/configs/config.yaml", BOOTSTRAP),
    ("anchors.yaml", BOOTSTRAP),
    ("config.json", BOOTSTRAP),
    ("configmap.yaml", BOOTSTRAP),
    ("strict/config.yaml", STRICT),
];

/// Findings prost-reflect's protojson does not make: the proto's own rules beyond
/// the mapping, and a field under both its names (Go's protojson, which Kratos
/// uses, refuses that; prost-reflect keeps the last).
const BEYOND_PROTOJSON: &[&str] = &["CONFIG_REQUIRED", "CONFIG_VALIDATE", "CONFIG_DUPLICATE_FIELD"];

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/config")
}

/// Every broken variant, sorted, with its message.
fn broken() -> Vec<(String, &'static str)> {
    let mut files: Vec<String> = std::fs::read_dir(fixture_dir().join("broken"))
        .unwrap()
        .map(|entry| format!("broken/{}", entry.unwrap().file_name().to_string_lossy()))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let message = if file.contains("required") || file.contains("protovalidate") { STRICT } else { BOOTSTRAP };
            (file, message)
        })
        .collect()
}

fn idl(args: &[&str]) -> std::process::Output {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("idl");
    cmd.current_dir(fixture_dir()).env_remove("NO_COLOR").args(args);
    cmd.output().unwrap()
}

/// The report: findings go to stdout (stderr before the report layer moved them).
fn report(output: &std::process::Output) -> String {
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    if stdout.is_empty() { String::from_utf8(output.stderr.clone()).unwrap() } else { stdout }
}

/// The rule IDs idl reports for a file (JSON report).
fn idl_rules(file: &str, message: &str) -> (Vec<String>, i32) {
    let output = idl(&["config", "check", "--message", message, "--format", "json", file]);
    let rules = report(&output)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["rule"].as_str().unwrap().to_string())
        .collect();
    (rules, output.status.code().unwrap())
}

#[test]
fn passing_files_are_clean() {
    for (file, message) in PASSING {
        let output = idl(&["config", "check", "--message", message, file]);
        assert_eq!(output.status.code(), Some(0), "{file}: {}", report(&output));
        assert_eq!(report(&output), "", "{file}");
    }
    // With no FILES, `[config] files` of testdata/config/idl.toml names the shipped config.
    let output = idl(&["config", "check"]);
    assert_eq!(output.status.code(), Some(0), "{}", report(&output));
    // The global --config picks that idl.toml from elsewhere, before or after the subcommand;
    // its globs stay relative to its own directory.
    for args in [
        ["--config", "testdata/config/idl.toml", "config", "check"],
        ["config", "check", "--config", "testdata/config/idl.toml"],
    ] {
        let output = assert_cmd::cargo::cargo_bin_cmd!("idl")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", report(&output));
    }
    let broken = assert_cmd::cargo::cargo_bin_cmd!("idl")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--config", "testdata/config/idl.toml", "config", "check", "--format", "short"])
        .arg("testdata/config/broken/05-duration.yaml")
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(1));
    assert!(report(&broken).starts_with("testdata/config/broken/05-duration.yaml:16:19: [CONFIG_DURATION]"));
}

#[test]
fn each_broken_variant_gives_one_located_finding() {
    let mut lines = Vec::new();
    for (file, message) in broken() {
        let output = idl(&["config", "check", "--message", message, "--format", "short", &file]);
        let text = report(&output);
        let found: Vec<&str> = text.lines().collect();
        assert_eq!(found.len(), 1, "{file} should give exactly one finding:\n{text}");
        assert!(found[0].starts_with(&format!("{file}:")), "{file}: not located: {}", found[0]);
        let expected_code = if found[0].contains("[CONFIG_SYNTAX]") { 2 } else { 1 };
        assert_eq!(output.status.code(), Some(expected_code), "{file}");
        lines.push(found[0].to_string());
    }
    let golden_path = fixture_dir().join("broken.golden");
    let actual = lines.join("\n") + "\n";
    if std::env::var_os("IDL_BLESS").is_some() {
        std::fs::write(&golden_path, &actual).unwrap();
    }
    let golden = std::fs::read_to_string(&golden_path).unwrap_or_default();
    similar_asserts(&golden, &actual);
}

fn similar_asserts(expected: &str, actual: &str) {
    if expected != actual {
        panic!("broken.golden differs (IDL_BLESS=1 rewrites it):\n--- golden\n{expected}\n--- actual\n{actual}");
    }
}

#[test]
fn every_verdict_agrees_with_prost_reflect_protojson() {
    let pool = compile_fixture_workspace();
    let mut files: Vec<(String, &str)> = PASSING.iter().map(|(f, m)| (f.to_string(), *m)).collect();
    files.extend(broken());
    let mut compared = 0;
    for (file, message) in files {
        let (rules, code) = idl_rules(&file, message);
        if rules.iter().any(|rule| rule == "CONFIG_SYNTAX") {
            // A YAML-level error (a duplicate key, which Kratos' go-yaml refuses and
            // saphyr's loader silently overwrites): nothing reaches the decoder.
            assert_eq!(code, 2, "{file}");
            continue;
        }
        let idl_accepts = rules.iter().all(|rule| BEYOND_PROTOJSON.contains(&rule.as_str()));
        let desc = pool.get_message_by_name(message).unwrap();
        let documents = kratos_json(&std::fs::read_to_string(fixture_dir().join(&file)).unwrap());
        assert!(!documents.is_empty(), "{file}: no documents");
        let decoder_errors: Vec<String> =
            documents.iter().filter_map(|document| decode(&desc, document).err()).collect();
        assert_eq!(
            idl_accepts,
            decoder_errors.is_empty(),
            "{file}: idl reports {rules:?}, prost-reflect's protojson decoder says {decoder_errors:?}"
        );
        compared += 1;
    }
    assert!(compared >= 17, "only {compared} files compared");
}

#[test]
fn json_schema_accepts_the_passing_files_and_rejects_the_broken() {
    let schemas: Vec<(&str, jsonschema::Validator)> = [BOOTSTRAP, STRICT]
        .into_iter()
        .map(|message| {
            let output = idl(&["config", "schema", "--message", message]);
            assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
            let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
            // A valid draft 2020-12 schema in itself, as editors will load it.
            jsonschema::meta::validate(&schema).unwrap();
            // Comments become descriptions (editors show them on hover).
            if message == BOOTSTRAP {
                let description = &schema["$defs"][BOOTSTRAP]["description"];
                assert_eq!(description, "The service's configuration, loaded from configs/config.yaml at start-up.");
            }
            (message, jsonschema::validator_for(&schema).unwrap())
        })
        .collect();
    let validator = |message: &str| &schemas.iter().find(|(m, _)| *m == message).unwrap().1;
    for (file, message) in PASSING {
        for document in editor_json(&std::fs::read_to_string(fixture_dir().join(file)).unwrap()) {
            let errors: Vec<String> = validator(message).iter_errors(&document).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{file}: the schema rejects a passing file: {errors:?}");
        }
    }
    for (file, message) in broken() {
        if file.contains("yaml-syntax") {
            continue;
        }
        let documents = editor_json(&std::fs::read_to_string(fixture_dir().join(&file)).unwrap());
        assert!(
            documents.iter().any(|document| !validator(message).is_valid(document)),
            "{file}: the schema accepts a broken file"
        );
    }
}

#[test]
fn configmaps_without_the_key_and_unknown_messages_are_reported() {
    let output = idl(&["config", "check", "--configmap-key", "app.yaml", "configmap.yaml", "--format", "short"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        report(&output),
        "configmap.yaml:6:3: [CONFIG_CONFIGMAP] ConfigMap `kratos-layout-config` has no data key `app.yaml` (its keys: config.yaml)\n"
    );
    let output = idl(&["config", "check", "--message", "kratos.api.Bootstrp", "configmap.yaml", "--format", "short"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        report(&output),
        "[CONFIG] message `kratos.api.Bootstrp` is not in the workspace; did you mean `kratos.api.Bootstrap`?\n"
    );
}

fn compile_fixture_workspace() -> DescriptorPool {
    let workspace = idl::workspace::discover(&fixture_dir(), None, &[]).unwrap();
    let compilation = idl::compile::compile(&workspace);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    compilation.pool
}

fn decode(desc: &MessageDescriptor, document: &Value) -> Result<(), String> {
    let options = DeserializeOptions::new().deny_unknown_fields(true);
    DynamicMessage::deserialize_with_options(desc.clone(), document, &options).map(|_| ()).map_err(|e| e.to_string())
}

/// What Kratos' decoder sees: each config document as JSON, ConfigMaps unwrapped,
/// placeholders replaced by their defaults (no environment).
fn kratos_json(text: &str) -> Vec<Value> {
    documents(text, true)
}

/// What an editor validates: the documents as written.
fn editor_json(text: &str) -> Vec<Value> {
    documents(text, false)
}

fn documents(text: &str, expand: bool) -> Vec<Value> {
    let mut result = Vec::new();
    for document in Yaml::load_from_str(text).unwrap() {
        let value = to_json(&document, expand);
        let is_manifest = value.get("apiVersion").is_some() && value.get("kind").is_some();
        if !is_manifest {
            result.push(value);
        } else if value["kind"] == "ConfigMap" {
            let data = value["data"].as_object().unwrap();
            let embedded = data.get("config.yaml").or_else(|| data.values().next()).unwrap();
            result.extend(documents(embedded.as_str().unwrap(), expand));
        }
    }
    result
}

fn to_json(node: &Yaml<'_>, expand: bool) -> Value {
    match node {
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::Boolean(flag)) => Value::Bool(*flag),
        Yaml::Value(Scalar::Integer(number)) => Value::from(*number),
        Yaml::Value(Scalar::FloatingPoint(number)) => Value::from(number.into_inner()),
        Yaml::Value(Scalar::String(text)) => {
            Value::String(if expand { expand_placeholders(text) } else { text.to_string() })
        }
        Yaml::Sequence(items) => Value::Array(items.iter().map(|item| to_json(item, expand)).collect()),
        Yaml::Mapping(entries) => {
            let mut object = serde_json::Map::new();
            let mut merged = Vec::new();
            for (key, value) in entries {
                let key = match to_json(key, false) {
                    Value::String(text) => text,
                    other => other.to_string(),
                };
                if key == "<<" {
                    merged.push(to_json(value, expand));
                } else {
                    object.insert(key, to_json(value, expand));
                }
            }
            // Merge keys: written keys win, then earlier merged mappings.
            for source in merged {
                let sources = match source {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                for source in sources {
                    for (key, value) in source.as_object().cloned().unwrap_or_default() {
                        object.entry(key).or_insert(value);
                    }
                }
            }
            Value::Object(object)
        }
        Yaml::Tagged(_, inner) => to_json(inner, expand),
        other => panic!("unexpected YAML node {other:?}"),
    }
}

/// `${NAME:default}` → `default`, `${NAME}` → empty, as Kratos' resolver does with
/// no such environment variable.
fn expand_placeholders(text: &str) -> String {
    let mut result = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(end) = rest[start..].find('}') else { break };
        result.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + end];
        result.push_str(inner.split_once(':').map_or("", |(_, default)| default));
        rest = &rest[start + end + 1..];
    }
    result.push_str(rest);
    result
}

/// Edge values of every kind the fixture has, each a one-line document: idl and
/// the decoder must give the same verdict on each (checked through the library,
/// without a process per case).
#[test]
fn edge_values_agree_with_prost_reflect_protojson() {
    let pool = compile_fixture_workspace();
    let desc = pool.get_message_by_name(BOOTSTRAP).unwrap();
    let at = |path: &str, value: &str| {
        let keys: Vec<&str> = path.split('.').collect();
        let mut text = String::new();
        for (depth, key) in keys.iter().enumerate() {
            text.push_str(&"  ".repeat(depth));
            text.push_str(key);
            text.push(':');
            text.push_str(if depth + 1 == keys.len() { " " } else { "\n" });
        }
        text.push_str(value);
        text.push('\n');
        text
    };
    let mut cases = Vec::new();
    let values: &[(&str, &[&str])] = &[
        (
            "data.database.max_open_conns",
            &[
                "1",
                "1.0",
                "1.5",
                "\"12\"",
                "\"+12\"",
                "\"1e3\"",
                "1e3",
                "0x10",
                "-2147483648",
                "2147483648",
                "\"2147483648\"",
                "\"-2147483649\"",
                "true",
                "null",
                "[1]",
                "\"\"",
                "\" 1\"",
            ],
        ),
        (
            "server.http.timeout",
            &[
                "1s",
                "1.5s",
                "-1s",
                "0s",
                "1.000000001s",
                "1.0000000001s",
                "\"1\"",
                "1",
                "1m",
                "315576000000s",
                "315576000001s",
                "\" 1s\"",
                "1S",
                ".5s",
                "null",
                "{seconds: 1}",
            ],
        ),
        (
            "release.built_at",
            &[
                "2026-12-01T08:30:00Z",
                "2026-12-01T08:30:00+01:00",
                "2026-12-01T08:30:00.123456789Z",
                "2026-13-01T08:30:00Z",
                "2026-12-01t08:30:00z",
                "2026-02-30T00:00:00Z",
                "2026-12-01T08:30Z",
                "2026-12-01",
                "1",
                "0001-01-01T00:00:00Z",
            ],
        ),
        ("log.level", &["LEVEL_INFO", "2", "99", "\"2\"", "info", "2.0", "null", "-1", "4294967296", "[LEVEL_INFO]"]),
        ("log.redact", &["a,b.c", "a_b", "\"\"", "aB,cD", "1", "a,,b", "[a]"]),
        ("log.fields", &["{}", "{a: 1, b: [x, {c: null}]}", "[1]", "x", "null", "1"]),
        ("release.version", &["v1", "1", "1.5", "true", "\"1\"", "null", "{}", "[]", "~"]),
        ("server", &["null", "[]", "x", "{}", "{http: null}", "{HTTP: {}}"]),
        (
            "data.redis",
            &[
                "{readTimeout: 1s}",
                "{read_timeout: 1s}",
                "{ReadTimeout: 1s}",
                "{read-timeout: 1s}",
                "{readTimeout: 1s, read_timeout: 2s}",
            ],
        ),
        ("release", &["{commit: a, tag: b}", "{commit: a, tag: null}", "{commit: null, tag: b}", "{tag: b}"]),
    ];
    for (path, samples) in values {
        for sample in *samples {
            cases.push(at(path, sample));
        }
    }
    let mut disagreements = Vec::new();
    let mut accepted = 0;
    for text in &cases {
        let file = idl::source::SourceFile::new("case.yaml", "case.yaml", text.as_str().into());
        let findings = idl::configcheck::check_file(&file, &desc, None);
        let idl_accepts = findings.iter().all(|d| BEYOND_PROTOJSON.contains(&d.rule.as_str()));
        let decoded: Vec<Result<(), String>> = kratos_json(text).iter().map(|doc| decode(&desc, doc)).collect();
        let decoder_accepts = decoded.iter().all(Result::is_ok);
        accepted += usize::from(decoder_accepts);
        if idl_accepts != decoder_accepts {
            let said: Vec<String> = findings.iter().map(|d| d.message.clone()).collect();
            disagreements.push(format!("{text:?}: idl {said:?}, decoder {decoded:?}"));
        }
    }
    // Both verdicts are exercised.
    assert!(accepted >= 30 && cases.len() - accepted >= 30, "{accepted} of {} accepted", cases.len());
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}

/// The `pre-commit` executable (`IDL_PRE_COMMIT`, PATH, or the venv `.ci/run`
/// installs); missing is a skip locally and a failure in CI.
fn pre_commit() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::var_os("IDL_PRE_COMMIT")
        .map(PathBuf::from)
        .into_iter()
        .chain(std::env::split_paths(&path).map(|dir| dir.join("pre-commit")))
        .chain(std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/idl-ci/venv/bin/pre-commit")))
        .find(|candidate| candidate.is_file());
    if found.is_none() {
        assert!(std::env::var_os("CI").is_none(), "pre-commit is missing in CI (.ci/run installs it)");
        eprintln!("skipped: pre-commit not found (pip install pre-commit, or run .ci/run)");
    }
    found
}

#[test]
fn pre_commit_hook_blocks_a_broken_config_and_passes_the_fixed_one() {
    let Some(pre_commit) = pre_commit() else { return };
    let idl_dir = Path::new(env!("CARGO_BIN_EXE_idl")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        [idl_dir].into_iter().chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    let run = |program: &Path, args: &[&str]| {
        std::process::Command::new(program)
            .current_dir(&repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.path().join("cache"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "idl test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "idl test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .args(args)
            .output()
            .unwrap()
    };
    let git = Path::new("git");
    std::fs::create_dir_all(repo.join("internal/conf")).unwrap();
    std::fs::create_dir_all(repo.join("configs")).unwrap();
    assert!(run(git, &["init", "-q", "-b", "main"]).status.success());
    let layout = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/kratos-layout");
    std::fs::copy(layout.join("internal/conf/conf.proto"), repo.join("internal/conf/conf.proto")).unwrap();
    std::fs::write(
        repo.join("idl.toml"),
        "roots = [\"internal/conf\"]\n\n[config]\nmessage = \"kratos.api.Bootstrap\"\nfiles = [\"configs/*.yaml\"]\n",
    )
    .unwrap();
    // Only the idl-config hook of this commit's .pre-commit-hooks.yaml, as a local
    // hook running the idl under test from PATH.
    let hooks = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).unwrap();
    let start = hooks.find("\n- id: idl-config").expect("an idl-config hook") + 1;
    let block: String = hooks[start..]
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(|line| format!("      {}\n", line.replace("language: rust", "language: system")))
        .collect();
    std::fs::write(repo.join(".pre-commit-config.yaml"), format!("repos:\n  - repo: local\n    hooks:\n{block}"))
        .unwrap();
    let pre_commit = pre_commit.as_path();
    let installed = run(pre_commit, &["install"]);
    assert!(installed.status.success(), "{}", String::from_utf8_lossy(&installed.stderr));
    let text = |output: &std::process::Output| {
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    };

    let broken = std::fs::read_to_string(fixture_dir().join("broken/01-unknown-key.yaml")).unwrap();
    std::fs::write(repo.join("configs/config.yaml"), broken).unwrap();
    assert!(run(git, &["add", "."]).status.success());
    let commit = run(git, &["commit", "-qm", "broken config"]);
    let output = text(&commit);
    assert!(!commit.status.success(), "{output}");
    assert!(output.contains("idl config check") && output.contains("[CONFIG_UNKNOWN_KEY]"), "{output}");

    std::fs::copy(layout.join("configs/config.yaml"), repo.join("configs/config.yaml")).unwrap();
    assert!(run(git, &["add", "."]).status.success());
    let commit = run(git, &["commit", "-qm", "fixed config"]);
    let output = text(&commit);
    assert!(commit.status.success(), "{output}");
    assert!(output.contains("idl config check") && output.contains("Passed"), "{output}");
}

/// Bad input: each kind gets a located (or named) error and exit 2, never a panic.
#[test]
fn bad_input_is_reported_with_exit_2() {
    let scratch = tempfile::tempdir().unwrap();
    let not_utf8 = scratch.path().join("latin1.yaml");
    std::fs::write(&not_utf8, b"server:\n  http:\n    addr: caf\xe9\n").unwrap();
    let not_yaml = scratch.path().join("broken.yaml");
    std::fs::write(&not_yaml, "server:\n  http: [addr\n").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["missing.yaml".into()], "[IO] cannot read missing.yaml: No such file or directory (os error 2)\n"),
        (vec![not_utf8.display().to_string()], "latin1.yaml: invalid UTF-8 at byte 29; config files must be UTF-8"),
        (vec![not_yaml.display().to_string()], "broken.yaml:3:1: [CONFIG_SYNTAX] invalid YAML: "),
    ];
    for (files, expected) in cases {
        let mut args = vec!["config", "check", "--format", "short"];
        args.extend(files.iter().map(String::as_str));
        let output = idl(&args);
        assert_eq!(output.status.code(), Some(2), "{files:?}: {}", report(&output));
        assert!(report(&output).contains(expected), "{files:?}: {}", report(&output));
    }
    // No message: neither --message nor [config] message.
    let output = assert_cmd::cargo::cargo_bin_cmd!("idl")
        .current_dir(scratch.path())
        .args(["config", "check", "--format", "short", "x.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        report(&output),
        "[CONFIG] no config message: pass --message FULL.NAME or set `message` in [config] of idl.toml\n"
    );
    // Nothing configured: the hook's --configured-only has nothing to do.
    let output = assert_cmd::cargo::cargo_bin_cmd!("idl")
        .current_dir(scratch.path())
        .args(["config", "check", "--configured-only"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", report(&output));
}

/// Every truncation of the fixtures and of a ConfigMap goes through the checker
/// without a panic (a truncated file is still checked or reported, never crashes).
#[test]
fn truncated_files_never_panic() {
    let pool = compile_fixture_workspace();
    let desc = pool.get_message_by_name(BOOTSTRAP).unwrap();
    for name in ["../kratos-layout/configs/config.yaml", "broken/12-configmap.yaml", "config.json", "anchors.yaml"] {
        let text = std::fs::read_to_string(fixture_dir().join(name)).unwrap();
        for end in (0..=text.len()).filter(|end| text.is_char_boundary(*end)) {
            let file = idl::source::SourceFile::new("t.yaml", "t.yaml", text[..end].into());
            for diagnostic in idl::configcheck::check_file(&file, &desc, None) {
                assert!(diagnostic.span.is_some(), "{name}[..{end}]: unlocated {diagnostic:?}");
            }
        }
    }
}
