//! Adoption paths driven the way users drive them: the pre-commit hooks of
//! `.pre-commit-hooks.yaml` run by the real `pre-commit` tool in a scratch git
//! repository, and the GitHub Action's steps run by `scripts/action-local.sh` on a
//! pull-request-like history.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const IDL: &str = env!("CARGO_BIN_EXE_idl");

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `pre-commit` executable: `IDL_PRE_COMMIT`, else on PATH, else the venv
/// `.ci/run` installs. Missing is a skip locally and a failure in CI.
fn pre_commit() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let candidates = std::env::var_os("IDL_PRE_COMMIT")
        .map(PathBuf::from)
        .into_iter()
        .chain(std::env::split_paths(&path).map(|dir| dir.join("pre-commit")))
        .chain(std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/idl-ci/venv/bin/pre-commit")));
    for candidate in candidates {
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    assert!(std::env::var_os("CI").is_none(), "pre-commit is missing in CI (.ci/run installs it)");
    eprintln!("skipped: pre-commit not found (pip install pre-commit, or run .ci/run)");
    None
}

/// PATH with the idl under test first.
fn path_with_idl() -> std::ffi::OsString {
    let idl_dir = Path::new(IDL).parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths([idl_dir].into_iter().chain(std::env::split_paths(&rest))).unwrap()
}

/// A command in `dir` with a fixed git identity, no user git config, idl on PATH.
fn command(program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(dir)
        .env("PATH", path_with_idl())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "idl test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "idl test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com");
    command
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let output = command("git", dir).args(args).output().unwrap();
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

const USER_V1: &str =
    "syntax = \"proto3\";\n\npackage acme.user.v1;\n\nmessage User {\n  string name = 1;\n  int64 id = 2;\n}\n";

#[test]
fn pre_commit_hooks_block_a_bad_proto_and_pass_a_fixed_one() {
    let Some(pre_commit) = pre_commit() else { return };
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("proto/acme/user/v1")).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("idl.toml"), "roots = [\"proto\"]\n").unwrap();
    // The hooks of this commit's .pre-commit-hooks.yaml, as a local repo of hooks
    // using the idl under test from PATH (`language: rust` would build idl again).
    let hooks = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: String = hooks
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| format!("      {}\n", line.replace("language: rust", "language: system")))
        .collect();
    let config =
        format!("default_install_hook_types: [pre-commit, pre-push]\nrepos:\n  - repo: local\n    hooks:\n{hooks}");
    std::fs::write(repo.join(".pre-commit-config.yaml"), config).unwrap();
    let run_pre_commit = |args: &[&str]| {
        command(&pre_commit, &repo).env("PRE_COMMIT_HOME", dir.path().join("cache")).args(args).output().unwrap()
    };
    let installed = run_pre_commit(&["install"]);
    assert!(installed.status.success(), "{}", text(&installed));
    let user = repo.join("proto/acme/user/v1/user.proto");

    // A lint error: the commit is refused and the finding named.
    std::fs::write(&user, USER_V1.replace("message User", "message user_record")).unwrap();
    git(&repo, &["add", "."]);
    let commit = command("git", &repo).args(["commit", "-qm", "bad"]).output().unwrap();
    let output = text(&commit);
    assert!(!commit.status.success(), "{output}");
    assert!(output.contains("idl lint") && output.contains("Failed"), "{output}");
    assert!(output.contains("[MESSAGE_PASCAL_CASE]"), "{output}");

    // Lint-clean but unformatted: idl-format rewrites the file and fails the commit.
    std::fs::write(&user, USER_V1.replace("  string name = 1;", "string   name=1;")).unwrap();
    git(&repo, &["add", "."]);
    let commit = command("git", &repo).args(["commit", "-qm", "unformatted"]).output().unwrap();
    let output = text(&commit);
    assert!(!commit.status.success(), "{output}");
    assert!(output.contains("files were modified by this hook"), "{output}");
    assert_eq!(std::fs::read_to_string(&user).unwrap(), USER_V1);

    // The fixed file passes every hook.
    git(&repo, &["add", "."]);
    let commit = command("git", &repo).args(["commit", "-qm", "fixed"]).output().unwrap();
    let output = text(&commit);
    assert!(commit.status.success(), "{output}");
    assert!(output.contains("idl lint") && output.contains("Passed"), "{output}");

    // Pre-push: a deleted field is a breaking change against the merge base with origin/main.
    git(&repo, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    std::fs::write(&user, USER_V1.replace("  int64 id = 2;\n", "")).unwrap();
    git(&repo, &["commit", "-qam", "drop id"]);
    let push = run_pre_commit(&["run", "--hook-stage", "pre-push", "--all-files", "idl-breaking"]);
    let output = text(&push);
    assert!(!push.status.success(), "{output}");
    assert!(output.contains("[FIELD_NO_DELETE]"), "{output}");
}

#[test]
fn format_write_with_exit_code_fails_only_when_it_changed_something() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.proto");
    std::fs::write(&file, "syntax = \"proto3\";\npackage a;\nmessage A {int32 x=1;}\n").unwrap();
    let run = || command(IDL, dir.path()).args(["format", "--write", "--exit-code", "a.proto"]).output().unwrap();
    let first = run();
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "syntax = \"proto3\";\npackage a;\nmessage A {\n  int32 x = 1;\n}\n"
    );
    let second = run();
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    // Without --exit-code, rewriting is success.
    std::fs::write(&file, "syntax = \"proto3\";\npackage a;\nmessage A {int32 x=1;}\n").unwrap();
    let plain = command(IDL, dir.path()).args(["format", "--write", "a.proto"]).output().unwrap();
    assert_eq!(plain.status.code(), Some(0));
}

#[test]
fn lint_of_one_file_compiles_its_imports_and_reports_only_on_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("idl.toml"), "roots = [\"proto\"]\n").unwrap();
    std::fs::create_dir_all(dir.path().join("proto/acme/a/v1")).unwrap();
    std::fs::create_dir_all(dir.path().join("proto/acme/b/v1")).unwrap();
    let imported = "syntax = \"proto3\";\npackage acme.b.v1;\nmessage bad_name {\n  int32 X = 1;\n}\n";
    std::fs::write(dir.path().join("proto/acme/b/v1/b.proto"), imported).unwrap();
    let importer = "syntax = \"proto3\";\npackage acme.a.v1;\nimport \"acme/b/v1/b.proto\";\nmessage a_msg {\n  acme.b.v1.bad_name b = 1;\n}\n";
    std::fs::write(dir.path().join("proto/acme/a/v1/a.proto"), importer).unwrap();
    let output =
        command(IDL, dir.path()).args(["lint", "--format", "short", "proto/acme/a/v1/a.proto"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let files: std::collections::BTreeSet<&str> = stdout.lines().filter_map(|line| line.split(':').next()).collect();
    assert_eq!(files.into_iter().collect::<Vec<_>>(), ["proto/acme/a/v1/a.proto"], "{stdout}");
}

fn action_local(labels: &[&str]) -> (i32, String) {
    action_local_with(&[], labels)
}

fn action_local_with(flags: &[&str], labels: &[&str]) -> (i32, String) {
    let mut command = command(repo_root().join("scripts/action-local.sh"), repo_root());
    command.args(flags);
    for label in labels {
        command.args(["--label", label]);
    }
    let output = command.arg(IDL).output().unwrap();
    (output.status.code().unwrap_or(-1), text(&output))
}

#[test]
fn action_steps_on_a_pull_request_history_annotate_and_summarize() {
    let (code, output) = action_local(&[]);
    assert_eq!(code, 1, "{output}");
    let annotations: Vec<&str> = output.lines().filter(|line| line.starts_with("::error ")).collect();
    assert_eq!(
        annotations,
        [
            "::error file=proto/acme/user/v1/address.proto,line=6,col=9,endLine=6,endColumn=23,\
             title=MESSAGE_PASCAL_CASE::Message name \"postal_address\" should be PascalCase, such as \"PostalAddress\".",
            "::error file=proto/acme/user/v1/address.proto,line=7,col=12,endLine=7,endColumn=18,\
             title=FIELD_LOWER_SNAKE_CASE::Field name \"Street\" should be lower_snake_case, such as \"street\".",
            "::error file=proto/acme/user/v1/address.proto,title=FORMAT::file is not formatted",
            "::error file=proto/acme/user/v1/user.proto,line=6,endLine=9,title=FIELD_NO_DELETE::Previously present \
             field \"3\" with name \"email\" on message \"User\" was deleted.",
        ],
        "{output}"
    );
    for row in ["| lint | ❌ failed | 2 |", "| format | ❌ failed | 1 |", "| breaking | ❌ failed | 1 |"] {
        assert!(output.contains(row), "missing {row:?} in\n{output}");
    }
    assert!(output.contains("breaking-findings=1"), "{output}");
}

#[test]
fn action_labels_skip_breaking_or_everything() {
    let (code, output) = action_local(&["idl skip breaking"]);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("| breaking | ⏭️ skipped |  | label `idl skip breaking` |"), "{output}");
    assert!(!output.contains("FIELD_NO_DELETE"), "{output}");
    let (code, output) = action_local(&["docs", "idl skip"]);
    assert_eq!(code, 0, "{output}");
    assert!(!output.contains("::error "), "{output}");
    assert!(output.contains("| lint | ⏭️ skipped |  | label `idl skip` |"), "{output}");
}

#[test]
fn action_on_a_push_compares_with_the_commit_before_it() {
    let (code, output) = action_local_with(&["--push"], &[]);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("as action.yml runs it on a push"), "{output}");
    assert!(output.contains("title=FIELD_NO_DELETE::"), "{output}");
    assert!(output.contains("| breaking | ❌ failed | 1 |"), "{output}");
}
