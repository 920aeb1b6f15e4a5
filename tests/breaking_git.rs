//! `idl breaking` end to end against git bases (a workspace in a subdirectory of the
//! repository; a shallow clone) and a descriptor-set base.

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "protocol.file.allow=always"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

fn idl(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_idl")).args(args).current_dir(dir).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// A repository whose workspace is `api/` (roots `proto`), with two commits; the
/// second changes a field's type.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("api");
    std::fs::create_dir_all(ws.join("proto/foo/v1")).unwrap();
    std::fs::write(ws.join("idl.toml"), "roots = [\"proto\"]\n").unwrap();
    let file = ws.join("proto/foo/v1/user.proto");
    std::fs::write(&file, "syntax = \"proto3\";\npackage foo.v1;\nmessage User {\n  string id = 1;\n}\n").unwrap();
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-qm", "one"]);
    std::fs::write(&file, "syntax = \"proto3\";\npackage foo.v1;\nmessage User {\n  int64 id = 1;\n}\n").unwrap();
    git(tmp.path(), &["commit", "-qam", "two"]);
    tmp
}

#[test]
fn git_base_in_a_subdirectory_workspace() {
    let tmp = repo();
    let ws = tmp.path().join("api");
    let (code, out) = idl(&ws, &["breaking", "--against", "HEAD~1", "--format", "json", "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FIELD_SAME_TYPE"), "{out}");
    assert!(
        out.contains(r#"Field \"1\" with name \"id\" on message \"User\" changed type from \"string\" to \"int64\"."#),
        "{out}"
    );
    // The head against itself is clean; so is the merge base with main (HEAD itself).
    assert_eq!(idl(&ws, &["breaking", "--against", "HEAD"]).0, 0);
    assert_eq!(idl(&ws, &["breaking", "--against-merge-base", "main"]).0, 0);
    // A deleted file is reported with the base's path.
    std::fs::remove_file(ws.join("proto/foo/v1/user.proto")).unwrap();
    std::fs::write(ws.join("proto/foo/v1/other.proto"), "syntax = \"proto3\";\npackage foo.v1;\n").unwrap();
    let (code, out) = idl(&ws, &["breaking", "--against", "HEAD", "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Previously present file \"foo/v1/user.proto\" was deleted."), "{out}");
    assert!(out.contains("HEAD:api/proto/foo/v1/user.proto"), "{out}");
}

#[test]
fn shallow_clone_names_the_commit_and_the_remedy() {
    let tmp = repo();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", tmp.path().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let ws = clone.path().join("c/api");
    let (code, out) = idl(&ws, &["breaking", "--against", "HEAD~1", "--color", "never"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("\"HEAD~1\"") && out.contains("shallow"), "{out}");
    assert!(out.contains("git fetch --deepen=N") && out.contains("fetch-depth: 0"), "{out}");
}

#[test]
fn not_a_repository_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.proto"), "syntax = \"proto3\";\n").unwrap();
    let (code, out) = idl(tmp.path(), &["breaking", "--against", "main", "--color", "never"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no git repository"), "{out}");
}

#[test]
fn descriptor_set_base() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a.proto");
    std::fs::write(&file, "syntax = \"proto3\";\npackage p;\nmessage A {\n  string a = 1;\n  string b = 2;\n}\n")
        .unwrap();
    let (code, out) = idl(tmp.path(), &["build", "-o", "base.binpb"]);
    assert_eq!(code, 0, "{out}");
    std::fs::write(&file, "syntax = \"proto3\";\npackage p;\nmessage A {\n  string a = 1;\n}\n").unwrap();
    let (code, out) = idl(tmp.path(), &["breaking", "--against", "base.binpb", "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Previously present field \"2\" with name \"b\" on message \"A\" was deleted."), "{out}");
}

/// A superproject whose protos live in a git submodule `protos` (roots
/// `protos/proto`); the submodule's second commit, recorded by the superproject's
/// second commit, changes a field's type.
fn repo_with_submodule() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    std::fs::create_dir_all(lib.join("proto/foo/v1")).unwrap();
    let file = lib.join("proto/foo/v1/user.proto");
    std::fs::write(&file, "syntax = \"proto3\";\npackage foo.v1;\nmessage User {\n  string id = 1;\n}\n").unwrap();
    git(&lib, &["init", "-q", "-b", "main"]);
    git(&lib, &["add", "."]);
    git(&lib, &["commit", "-qm", "one"]);
    let sup = tmp.path().join("super");
    std::fs::create_dir_all(&sup).unwrap();
    git(&sup, &["init", "-q", "-b", "main"]);
    git(&sup, &["submodule", "add", "-q", &format!("file://{}", lib.display()), "protos"]);
    std::fs::write(sup.join("idl.toml"), "roots = [\"protos/proto\", \"local\"]\n").unwrap();
    std::fs::create_dir_all(sup.join("local")).unwrap();
    std::fs::write(sup.join("local/local.proto"), "syntax = \"proto3\";\npackage local.v1;\nmessage L {}\n").unwrap();
    git(&sup, &["add", "."]);
    git(&sup, &["commit", "-qm", "one"]);
    let inner = sup.join("protos/proto/foo/v1/user.proto");
    std::fs::write(&inner, "syntax = \"proto3\";\npackage foo.v1;\nmessage User {\n  int64 id = 1;\n}\n").unwrap();
    git(&sup.join("protos"), &["commit", "-qam", "two"]);
    git(&sup, &["commit", "-qam", "two"]);
    tmp
}

#[test]
fn git_base_reads_submodules_from_their_own_objects() {
    let tmp = repo_with_submodule();
    let sup = tmp.path().join("super");
    let (code, out) = idl(&sup, &["breaking", "--against", "HEAD~1", "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(r#"Field "1" with name "id" on message "User" changed type from "string" to "int64"."#),
        "{out}"
    );
    assert_eq!(idl(&sup, &["breaking", "--against", "HEAD", "--color", "never"]).0, 0);
    // A deleted file inside the submodule is reported with its superproject path.
    std::fs::remove_file(sup.join("protos/proto/foo/v1/user.proto")).unwrap();
    let (code, out) = idl(&sup, &["breaking", "--against", "HEAD", "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("HEAD:protos/proto/foo/v1/user.proto"), "{out}");
}

#[test]
fn git_base_with_an_uninitialised_submodule_names_the_remedy() {
    let tmp = repo_with_submodule();
    let clone = tmp.path().join("clone");
    git(tmp.path(), &["clone", "-q", &format!("file://{}", tmp.path().join("super").display()), "clone"]);
    // The submodule's directory is empty in this clone; a workspace rooted above it
    // still compiles, and the base must say what is missing rather than skip it.
    std::fs::write(clone.join("idl.toml"), "roots = [\".\"]\n").unwrap();
    let (code, out) = idl(&clone, &["breaking", "--against", "HEAD~1", "--color", "never"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("submodule at protos") && out.contains("git submodule update --init"), "{out}");
}

#[test]
fn use_flag_replaces_the_configured_rules() {
    let tmp = repo();
    let ws = tmp.path().join("api");
    let (code, out) = idl(&ws, &["breaking", "--against", "HEAD~1", "--use", "WIRE", "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FIELD_WIRE_COMPATIBLE_TYPE") && !out.contains("[FIELD_SAME_TYPE]"), "{out}");
    // The API category alone: a type change is not its business.
    assert_eq!(idl(&ws, &["breaking", "--against", "HEAD~1", "--use", "API"]).0, 0);
    let (code, out) = idl(&ws, &["breaking", "--against", "HEAD~1", "--use", "NOPE", "--color", "never"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown breaking rule or category \"NOPE\""), "{out}");
}
