//! Every kind of bad input named in the foundation issue: each gets a clear
//! diagnostic (with file:line:column where there is one), exit code 2, and never
//! a panic, a hang or a stack overflow. Each test pins the message users see.

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

/// Runs `idl build --format short` in `dir` and returns (exit code, stderr).
fn build(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = idl(dir).args(["build", "--format", "short"]).args(args).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

#[test]
fn syntax_error() {
    let dir = tree(&[("a.proto", b"syntax = \"proto3\";\nmessage A {\n  int32 = 1;\n}\n")]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(err.trim(), "a.proto:3:9: [COMPILE] Expected field name. Found \"=\".");
}

#[test]
fn unknown_import() {
    let dir = tree(&[("a.proto", b"syntax = \"proto3\";\nimport \"missing/b.proto\";\n")]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("a.proto:2:1: [COMPILE] Import \"missing/b.proto\" was not found."), "{err}");
}

#[test]
fn import_cycle() {
    let dir = tree(&[
        ("a.proto", b"syntax = \"proto3\";\nimport \"b.proto\";\n"),
        ("b.proto", b"syntax = \"proto3\";\nimport \"a.proto\";\n"),
    ]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(err.trim(), "b.proto:2:1: [COMPILE] File recursively imports itself: a.proto -> b.proto -> a.proto");
}

#[test]
fn duplicate_definitions_across_files() {
    let dir = tree(&[
        ("a.proto", b"syntax = \"proto3\";\npackage p;\nmessage M {}\n"),
        ("b.proto", b"syntax = \"proto3\";\npackage p;\nmessage M {}\n"),
    ]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("b.proto:3:9: [COMPILE]"), "{err}");
    assert!(err.contains("'p.M' is already defined"), "{err}");
}

#[test]
fn invalid_utf8() {
    let dir = tree(&[("a.proto", b"syntax = \"proto3\";\n// caf\xe9\n")]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(err.trim(), "a.proto:2:7: [IO] invalid UTF-8 (byte 0xe9); .proto files must be UTF-8");
}

#[test]
fn binary_file_named_proto() {
    let dir = tree(&[("a.proto", b"\x7fELF\x02\x01\x01\x00\x00\x00garbage")]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(
        err.trim(),
        "a.proto:1:8: [IO] this looks like a binary file (it contains a NUL byte), not a .proto file"
    );
}

#[test]
fn ten_megabyte_file_compiles() {
    let mut text = String::from("syntax = \"proto3\";\npackage big;\n");
    let mut i = 0;
    while text.len() < 10 << 20 {
        text.push_str(&format!(
            "// Message {i}.\nmessage M{i} {{\n  string name = 1;\n  int64 id = 2;\n  repeated M{i} children = 3;\n}}\n"
        ));
        i += 1;
    }
    let dir = tree(&[("big.proto", text.as_bytes())]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn ten_thousand_deep_nesting() {
    let mut text = String::from("syntax = \"proto3\";\n");
    for i in 0..10_000 {
        text.push_str(&format!("message M{i} {{\n"));
    }
    text.push_str(&"}\n".repeat(10_000));
    let dir = tree(&[("deep.proto", text.as_bytes())]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(err.trim(), "deep.proto:102:14: [COMPILE] Declarations are nested too deeply (more than 100 levels).");
}

/// protoc's warning for a file without `syntax` or `edition`.
fn no_syntax_warning(name: &str) -> String {
    format!(
        "{name}: [COMPILE] No edition or syntax specified for the proto file: {name}. Please use 'edition = \"YYYY\";'  to specify a valid edition version. (Defaulted to \"syntax = \"proto2\";\".)"
    )
}

#[test]
fn empty_file() {
    // protoc and buf compile an empty file as an empty proto2 file, and so does
    // idl (formatting a file of `;` and comments leaves only the comments, so
    // refusing them would fail a file that compiled before formatting); protoc
    // warns, and idl gives its warning.
    let dir = tree(&[("empty.proto", b"")]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.trim(), no_syntax_warning("empty.proto"));
}

#[test]
fn comment_only_whitespace_only_and_semicolon_only_files_compile_with_protocs_warning() {
    let files: [(&str, &[u8]); 3] = [
        ("comment.proto", b"// nothing yet\n/* at all */\n"),
        ("blank.proto", b" \n\t\n\r\n"),
        ("semi.proto", b";\n;\n"),
    ];
    for (name, text) in files {
        let dir = tree(&[(name, text)]);
        let (code, err) = build(dir.path(), &[]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(err.trim(), no_syntax_warning(name));
    }
}

#[test]
fn directory_without_protos() {
    let dir = tree(&[("readme.txt", b"nothing here")]);
    fs::create_dir(dir.path().join("api")).unwrap();
    let (code, err) = build(dir.path(), &["api"]);
    assert_eq!(code, 2);
    assert!(err.contains("no .proto files under api"), "{err}");
}

#[test]
fn unreadable_file() {
    let dir = tree(&[("a.proto", b"syntax = \"proto3\";\n")]);
    let path = dir.path().join("a.proto");
    // root reads anything; a FIFO is unreadable for everyone and must not hang.
    fs::remove_file(&path).unwrap();
    let status = std::process::Command::new("mkfifo").arg(&path).status().unwrap();
    assert!(status.success());
    let (code, err) = build(dir.path(), &["a.proto"]);
    assert_eq!(code, 2);
    assert_eq!(err.trim(), "a.proto: [IO] cannot read a.proto: not a regular file");
}

#[test]
fn broken_config() {
    let dir = tree(&[("idl.toml", b"roots = [\"proto\"\n"), ("proto/a.proto", b"syntax = \"proto3\";\n")]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("idl.toml:1:"), "{err}");
    assert!(err.contains("[CONFIG]"), "{err}");
}

#[test]
fn path_outside_every_root() {
    let dir = tree(&[
        ("idl.toml", b"roots = [\"proto\"]\n"),
        ("proto/a.proto", b"syntax = \"proto3\";\n"),
        ("other/b.proto", b"syntax = \"proto3\";\n"),
    ]);
    let (code, err) = build(dir.path(), &["other/b.proto"]);
    assert_eq!(code, 2);
    assert!(err.contains("other/b.proto is outside every root (roots: proto)"), "{err}");
}

#[test]
fn adjacent_non_ascii_characters_in_an_identifier_are_one_error() {
    let dir = tree(&[("a.proto", "syntax = \"proto3\";\nmessage 名前 {}\n".as_bytes())]);
    let (code, err) = build(dir.path(), &[]);
    assert_eq!(code, 2);
    let lexer_errors: Vec<&str> = err.lines().filter(|line| line.contains("outside a string or comment")).collect();
    assert_eq!(
        lexer_errors,
        ["a.proto:2:9: [COMPILE] Unexpected characters \"名前\" outside a string or comment."],
        "{err}"
    );
}
