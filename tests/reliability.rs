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
