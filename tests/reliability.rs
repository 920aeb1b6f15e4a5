//! Issue 19 (reliability, part 2): hostile repositories, editors and CI jobs.
//! One test per finding, named after it, pinning the message a user now sees.
//! Findings are read from stdout and stderr together: which stream carries them
//! is `tests/cli.rs`'s business, what they say is this file's.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use tempfile::TempDir;

fn idl(dir: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("idl");
    cmd.current_dir(dir).env("NO_COLOR", "1").timeout(std::time::Duration::from_secs(60));
    cmd
}

fn tree(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

/// Runs idl with `args` in `dir`: (exit code, stdout and stderr joined).
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = idl(dir).args(args).output().unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    assert!(!text.contains("panicked") && !text.contains("overflow"), "{text}");
    (out.status.code().unwrap_or(-1), text)
}

/// An option whose aggregate value nests `levels` messages (`{ m: { m: ... } }`).
fn nested_option(levels: usize) -> String {
    let mut text = String::from(
        "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\n\
         message M { M m = 1; int32 x = 2; }\n\
         extend google.protobuf.MessageOptions { M o = 50000; }\nmessage A {\n  option (o) = ",
    );
    text.push_str(&"{ m: ".repeat(levels - 1));
    text.push_str("{ x: 1 }");
    text.push_str(&" }".repeat(levels - 1));
    text.push_str(";\n}\n");
    text
}

#[test]
fn deeply_nested_option_aggregate_is_an_error_not_a_stack_overflow() {
    let dir = tree(&[("deep.proto", nested_option(5_000).as_bytes())]);
    let expected = "deep.proto:6:516: [COMPILE] Aggregate value is nested too deeply (more than 100 levels).";
    for args in [
        &["build", "--format", "short", "-o", "out.binpb"][..],
        &["lint", "--format", "short"],
        &["errors"],
        &["docs", "--format", "json"],
        &["format", "--format", "short", "deep.proto"],
    ] {
        let command = args[0];
        let (code, out) = run(dir.path(), args);
        assert_eq!(code, 2, "{command:?}: {out}");
        assert!(out.lines().any(|line| line == expected), "{command:?}: {out}");
    }
}

#[test]
fn option_aggregate_of_one_hundred_levels_still_compiles() {
    // protoc's limit: 100 levels pass, 101 do not.
    let dir = tree(&[("ok.proto", nested_option(100).as_bytes()), ("deep.proto", nested_option(101).as_bytes())]);
    let (code, out) = run(dir.path(), &["build", "--format", "short", "ok.proto", "-o", "ok.binpb"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(dir.path(), &["build", "--format", "short", "deep.proto", "-o", "deep.binpb"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("Aggregate value is nested too deeply"), "{out}");
}

#[test]
fn format_of_a_fifo_is_an_error_not_a_hang() {
    let dir = tree(&[]);
    assert!(std::process::Command::new("mkfifo").arg(dir.path().join("a.proto")).status().unwrap().success());
    for args in
        [&["format", "--format", "short", "a.proto"][..], &["format", "--check", "--format", "short", "a.proto"]]
    {
        let (code, out) = run(dir.path(), args);
        assert_eq!(code, 2, "{out}");
        assert_eq!(out.trim(), "a.proto: [IO] cannot read a.proto: not a regular file");
    }
}

#[test]
fn format_of_a_symlink_to_dev_zero_is_an_error_not_unbounded_memory() {
    let dir = tree(&[]);
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.proto")).unwrap();
    let (code, out) = run(dir.path(), &["format", "--format", "short", "zero.proto"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.trim(), "zero.proto: [IO] cannot read zero.proto: not a regular file");
}

#[test]
fn format_of_stdin_is_bounded_and_checked_like_a_file() {
    let dir = tree(&[]);
    let out =
        idl(dir.path()).args(["format", "--format", "short", "-"]).write_stdin(&b"\x00\x01"[..]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.trim(),
        "<stdin>:1:1: [IO] this looks like a binary file (it contains a NUL byte), not a .proto file"
    );
}

#[test]
fn format_of_non_utf8_input_is_builds_io_error_not_empty_text() {
    let original = b"syntax = \"proto3\";\n// caf\xe9\nmessage  A {}\n";
    let dir = tree(&[("a.proto", original)]);
    for args in [
        &["format", "--format", "short", "a.proto"][..],
        &["format", "--check", "--format", "short", "a.proto"],
        &["format", "-w", "--format", "short", "a.proto"],
    ] {
        let (code, out) = run(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert_eq!(out.trim(), "a.proto:2:7: [IO] invalid UTF-8 (byte 0xe9); .proto files must be UTF-8");
    }
    assert_eq!(fs::read(dir.path().join("a.proto")).unwrap(), original);
}

#[test]
fn format_of_binary_input_is_builds_io_error_not_empty_text() {
    let dir = tree(&[("a.proto", b"\x7fELF\x02\x01\x01\x00\x00garbage")]);
    let (code, out) = run(dir.path(), &["format", "--check", "--format", "short", "a.proto"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        out.trim(),
        "a.proto:1:8: [IO] this looks like a binary file (it contains a NUL byte), not a .proto file"
    );
}

#[test]
fn config_file_that_is_not_utf8_is_a_read_error() {
    let dir = tree(&[("buf.yaml", b"version: v1\n\xff\n"), ("a.proto", b"syntax = \"proto3\";\n")]);
    let (code, out) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        out.trim(),
        "buf.yaml: [CONFIG] cannot read config file buf.yaml: invalid UTF-8 at byte 12; config files must be UTF-8"
    );
}

/// A workspace whose head deleted message `A` of the base in `base/`.
fn breaking_tree() -> TempDir {
    tree(&[
        ("a.proto", b"syntax = \"proto3\";\npackage p;\n"),
        ("base/a.proto", b"syntax = \"proto3\";\npackage p;\nmessage A { int32 x = 1; }\n"),
        ("empty/readme.txt", b"no protos here"),
        ("empty.binpb", b""),
    ])
}

#[test]
fn breaking_against_an_empty_string_is_an_error_not_a_pass() {
    let dir = breaking_tree();
    let (code, out) = run(dir.path(), &["breaking", "--format", "short", "--against", "", "a.proto"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.trim(), "[IO] --against is empty: name a git ref, a directory or a descriptor set (.binpb)");
    // The same base that is not empty finds the deletion.
    let (code, out) = run(dir.path(), &["breaking", "--format", "short", "--against", "base", "a.proto"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("[MESSAGE_NO_DELETE]"), "{out}");
}

#[test]
fn breaking_against_a_directory_without_protos_is_an_error_not_a_pass() {
    let dir = breaking_tree();
    let (code, out) = run(dir.path(), &["breaking", "--format", "short", "--against", "empty", "a.proto"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        out.trim(),
        "[IO] the base directory empty has no .proto files (searched: empty); an empty base would pass every check"
    );
}

#[test]
fn breaking_against_an_empty_descriptor_set_is_an_error_not_a_pass() {
    let dir = breaking_tree();
    let (code, out) = run(dir.path(), &["breaking", "--format", "short", "--against", "empty.binpb", "a.proto"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        out.trim(),
        "[IO] empty.binpb is an empty descriptor set (no files); an empty base would pass every check"
    );
}

#[test]
fn config_with_two_errors_reports_both() {
    let dir = tree(&[
        ("idl.toml", b"[lint]\nprest = \"minimal\"\n[breaking]\nuse = 3\n"),
        ("a.proto", b"syntax = \"proto3\";\npackage a.v1;\n"),
    ]);
    let (code, out) = run(dir.path(), &["lint", "--format", "short"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        out.trim(),
        "idl.toml:2:1: [CONFIG] unknown key `prest` in [lint] of idl.toml; expected one of: preset, use, except, \
         ignore, ignore_only, deny_warnings, rules\n\
         idl.toml:4:7: [CONFIG] invalid value for `breaking.use` in idl.toml: invalid type: integer `3`, expected a sequence"
    );
}

#[test]
fn format_indent_width_huge_value_is_located() {
    let dir = tree(&[
        ("idl.toml", b"[format]\nindent_width = 99999999999999\n"),
        ("a.proto", b"syntax = \"proto3\";\npackage a.v1;\n"),
    ]);
    // Every command reads the config, not only `format`.
    for args in [&["format", "--check", "--format", "short"][..], &["build", "--format", "short", "-o", "a.binpb"]] {
        let (code, out) = run(dir.path(), args);
        assert_eq!(code, 2, "{out}");
        assert_eq!(
            out.trim(),
            "idl.toml:2:16: [CONFIG] invalid value for `format.indent_width` in idl.toml: \
             expected an integer from 1 to 8, found 99999999999999"
        );
    }
}

#[test]
fn docs_keys_are_checked() {
    let dir =
        tree(&[("idl.toml", b"[docs]\ntitle = \"API\"\n"), ("a.proto", b"syntax = \"proto3\";\npackage a.v1;\n")]);
    let (code, out) = run(dir.path(), &["docs", "--format", "json"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.trim(), "idl.toml:2:1: [CONFIG] unknown key `title` in [docs] of idl.toml");
}
