//! The command-line surface: exit codes, messages and output of every command,
//! run as a user would (the built binary, in a scratch directory).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use prost_reflect::DescriptorPool;
use tempfile::TempDir;

const SUBCOMMANDS: [&str; 10] =
    ["build", "lint", "format", "breaking", "docs", "errors", "rules", "init", "lsp", "completions"];

fn idl(dir: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("idl");
    cmd.current_dir(dir).env_remove("NO_COLOR").env_remove("RUST_BACKTRACE");
    cmd
}

/// A scratch workspace with an `idl.toml` and the given files.
fn workspace(config: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("idl.toml"), config).unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

const VALID_PROTO: &str = "syntax = \"proto3\";\n\npackage demo.v1;\n\nimport \"google/protobuf/timestamp.proto\";\n\n// A greeting.\nmessage Hello {\n  string name = 1;\n  google.protobuf.Timestamp time = 2;\n}\n";

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/example")
}

/// protoc from `.ci/run`'s peer install, when present.
fn protoc() -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var_os("HOME")?).join(".cache/idl-peers/bin/protoc");
    path.is_file().then_some(path)
}

#[test]
fn help_lists_every_subcommand_and_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let output = idl(dir.path()).arg("--help").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let help = stdout(&output);
    for command in SUBCOMMANDS {
        assert!(help.contains(&format!("\n  {command} ")), "{command} missing from:\n{help}");
    }
    assert!(help.contains("Exit codes:"), "{help}");
}

#[test]
fn version_names_the_package_version() {
    let dir = tempfile::tempdir().unwrap();
    let output = idl(dir.path()).arg("--version").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), format!("idl {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 5] = [
        &["--no-such-flag"],
        &[],
        &["no-such-command"],
        &["lint", "--unsafe-fixes"],
        &["format", "--write", "--check"],
    ];
    for args in cases {
        let output = idl(dir.path()).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("Usage: idl"), "{args:?}: {}", stderr(&output));
    }
    let output = idl(dir.path()).args(["build", "--format", "xml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("possible values: text, short, json"), "{}", stderr(&output));
}

#[test]
fn completions_are_generated_for_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = idl(dir.path()).args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(stdout(&output).contains("lint"), "{shell}: {}", stdout(&output));
    }
}

#[test]
fn man_writes_a_roff_page() {
    let dir = tempfile::tempdir().unwrap();
    let output = idl(dir.path()).arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = stdout(&output);
    assert!(page.contains(".TH idl 1"), "{page}");
    assert!(page.contains("breaking"), "{page}");
    // It is a command like the others, so --help lists it.
    let help = stdout(&idl(dir.path()).arg("--help").output().unwrap());
    let listed: Vec<&str> = help.lines().filter_map(|line| line.split_whitespace().next()).collect();
    assert!(listed.contains(&"man") && listed.contains(&"completions"), "{help}");
}

#[test]
fn unknown_config_key_is_reported_at_its_location() {
    let dir = workspace("roots = [\".\"]\nrootz = [\"proto\"]\n", &[("a.proto", VALID_PROTO)]);
    let output = idl(dir.path()).args(["build", "--format", "short"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.starts_with("idl.toml:2:1: "), "{err}");
    assert!(err.contains("rootz"), "{err}");
}

#[test]
fn config_errors_follow_the_chosen_format() {
    let dir = workspace("rootz = [\"proto\"]\n", &[]);
    let output = idl(dir.path()).args(["build", "--format", "json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let line = stderr(&output);
    let finding: serde_json::Value = serde_json::from_str(line.trim_end()).expect(&line);
    assert_eq!(finding["path"], "idl.toml", "{line}");

    // The text format shows the offending line even though discovery failed.
    let output = idl(dir.path()).args(["build", "--format", "text", "--color", "never"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("rootz = [\"proto\"]"), "{}", stderr(&output));

    // Piped, and with no format asked for, text becomes one line per finding.
    let output = idl(dir.path()).arg("build").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("idl.toml:1:1: [CONFIG] unknown key `rootz`"), "{}", stderr(&output));
}

#[test]
fn color_follows_the_flag() {
    let dir = workspace("rootz = [\"proto\"]\n", &[]);
    let colored = idl(dir.path()).args(["build", "--color", "always"]).output().unwrap();
    assert!(stderr(&colored).contains('\x1b'), "{}", stderr(&colored));
    // Not a terminal, and NO_COLOR set: either alone turns color off.
    let plain = idl(dir.path()).arg("build").env("NO_COLOR", "1").output().unwrap();
    assert!(!stderr(&plain).contains('\x1b'), "{}", stderr(&plain));
}

#[test]
fn missing_config_file_exits_2() {
    let dir = workspace("", &[]);
    let output = idl(dir.path()).args(["build", "--config", "nope.toml", "--format", "short"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("nope.toml"), "{}", stderr(&output));
}

#[test]
fn missing_path_exits_2() {
    let dir = workspace("", &[("a.proto", VALID_PROTO)]);
    let output = idl(dir.path()).args(["build", "nowhere.proto", "--format", "short"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("nowhere.proto"), "{}", stderr(&output));
}

#[test]
fn empty_directory_exits_2() {
    let dir = workspace("", &[]);
    fs::create_dir(dir.path().join("empty")).unwrap();
    let output = idl(dir.path()).args(["build", "empty", "--format", "short"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no .proto files under empty"), "{}", stderr(&output));
}

#[test]
fn build_writes_a_descriptor_set_of_the_example() {
    let out = tempfile::tempdir().unwrap();
    let binpb = out.path().join("example.binpb");
    let output = idl(&example_dir()).arg("build").arg("-o").arg(&binpb).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));

    let bytes = fs::read(&binpb).unwrap();
    let pool = DescriptorPool::decode(bytes.as_slice()).unwrap();
    for name in ["acme.user.v1.UserService", "acme.order.v1.OrderService"] {
        assert!(pool.get_service_by_name(name).is_some(), "{name}");
    }
    assert!(pool.get_enum_by_name("acme.order.v1.ErrorReason").is_some());

    if let Some(protoc) = protoc() {
        let status = std::process::Command::new(protoc)
            .arg(format!("--descriptor_set_in={}", binpb.display()))
            .args(["-o", "/dev/null", "acme/order/v1/order.proto"])
            .status()
            .unwrap();
        assert!(status.success(), "protoc rejects the descriptor set");
    }
}

#[test]
fn build_finds_the_workspace_through_config() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = idl(repo).args(["build", "--config", "testdata/example/idl.toml", "-o", "-"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let pool = DescriptorPool::decode(output.stdout.as_slice()).unwrap();
    // Import names are relative to the configured root, not to the working directory.
    assert!(pool.get_file_by_name("acme/user/v1/errors.proto").is_some());
}

#[test]
fn build_writes_to_stdout_with_dash_and_keeps_source_info_on_request() {
    let dir = workspace("", &[("demo/v1/hello.proto", VALID_PROTO)]);
    let without = idl(dir.path()).args(["build", "-o", "-"]).output().unwrap();
    assert_eq!(without.status.code(), Some(0), "{}", stderr(&without));
    let with = idl(dir.path()).args(["build", "-o", "-", "--source-info"]).output().unwrap();
    assert_eq!(with.status.code(), Some(0), "{}", stderr(&with));

    let pool = DescriptorPool::decode(with.stdout.as_slice()).unwrap();
    let hello = pool.get_message_by_name("demo.v1.Hello").unwrap();
    assert_eq!(hello.parent_file().name(), "demo/v1/hello.proto");
    let info = hello.parent_file().file_descriptor_proto().source_code_info.clone();
    let comments: Vec<_> = info.iter().flat_map(|i| &i.location).filter_map(|l| l.leading_comments.clone()).collect();
    assert_eq!(comments, [" A greeting.\n"]);

    let pool = DescriptorPool::decode(without.stdout.as_slice()).unwrap();
    let file = pool.get_file_by_name("demo/v1/hello.proto").unwrap();
    assert_eq!(file.file_descriptor_proto().source_code_info, None);
}

#[test]
fn build_without_output_only_checks() {
    let dir = workspace("", &[("demo/v1/hello.proto", VALID_PROTO)]);
    let output = idl(dir.path()).arg("build").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
}

#[test]
fn build_reports_syntax_errors_at_their_location_and_writes_nothing() {
    let broken = "syntax = \"proto3\";\npackage demo.v1;\nmessage Hello {\n  string name = 1\n}\n";
    let dir = workspace("", &[("demo/v1/broken.proto", broken)]);
    let output = idl(dir.path()).args(["build", "-o", "out.binpb", "--format", "short"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.starts_with("demo/v1/broken.proto:5:1: "), "{err}");
    assert!(!dir.path().join("out.binpb").exists());
}

#[test]
fn unwritable_output_exits_2() {
    let dir = workspace("", &[("demo/v1/hello.proto", VALID_PROTO)]);
    let output = idl(dir.path()).args(["build", "-o", "no/such/dir/out.binpb", "--format", "short"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot write no/such/dir/out.binpb"), "{}", stderr(&output));
}

#[test]
fn warnings_are_reported_without_failing_and_quiet_hides_them() {
    // Two roots providing the same import name: the second is shadowed, with a warning.
    let files = [("a/x.proto", VALID_PROTO), ("b/x.proto", VALID_PROTO)];
    let dir = workspace("roots = [\"a\", \"b\"]\n", &files);
    let output = idl(dir.path()).args(["build", "--format", "short"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("b/x.proto"), "{}", stderr(&output));

    let quiet = idl(dir.path()).args(["build", "--format", "short", "-q"]).output().unwrap();
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert!(quiet.stderr.is_empty(), "{}", stderr(&quiet));
}

#[test]
fn a_path_brings_its_own_config() {
    // From the repository root, `idl build testdata/example` uses
    // testdata/example/idl.toml (roots = ["proto"]), so imports resolve.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = idl(root).args(["build", "testdata/example", "--format", "short"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = idl(root)
        .args(["build", "testdata/example/proto/acme/user/v1/user.proto", "--format", "short"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn format_stdin_filename_uses_the_config_of_path_and_names_it() {
    let dir = workspace("roots = [\"proto\"]\n[format]\nindent_width = 4\n", &[("proto/demo/v1/a.proto", VALID_PROTO)]);
    let path = "proto/demo/v1/new.proto";
    let unformatted = "syntax = \"proto3\";\npackage demo.v1;\nmessage  A{string b=1;}\n";
    let run = |args: &[&str], stdin: &str| idl(dir.path()).args(args).write_stdin(stdin).output().unwrap();

    let output = run(&["format", "--stdin-filename", path], unformatted);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "syntax = \"proto3\";\npackage demo.v1;\nmessage A {\n    string b = 1;\n}\n");
    assert!(!dir.path().join(path).exists(), "nothing is written");

    let output = run(&["format", "--stdin-filename", path, "--check", "--format", "short"], unformatted);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), format!("{path}: [FORMAT] file is not formatted\n"));

    let output = run(&["format", "--stdin-filename", path, "--format", "short"], "syntax = \"proto3\";\nmessage {\n");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with(&format!("{path}:2:9: [COMPILE]")), "{}", stderr(&output));
    assert!(output.stdout.is_empty());

    // Not with PATHS or --write.
    assert_eq!(run(&["format", "--stdin-filename", path, "proto"], unformatted).status.code(), Some(2));
    assert_eq!(run(&["format", "--stdin-filename", path, "-w"], unformatted).status.code(), Some(2));
}
