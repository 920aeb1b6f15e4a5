//! Discovery against real directory trees in temp dirs.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::*;

/// A temp dir holding `files` (`path`, `contents`); not hidden, unlike tempfile's default.
fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::Builder::new().prefix("idl-ws").tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

fn discover_ok(cwd: &Path, config: Option<&Path>, paths: &[&str]) -> Workspace {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    discover(cwd, config, &paths).unwrap_or_else(|errors| panic!("discovery failed: {errors:#?}"))
}

/// The error messages of a failed discovery.
fn discover_err(cwd: &Path, config: Option<&Path>, paths: &[&str]) -> Vec<Diagnostic> {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    match discover(cwd, config, &paths) {
        Ok(workspace) => panic!("discovery succeeded: {:#?}", workspace.targets),
        Err(errors) => errors,
    }
}

fn messages(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|diagnostic| diagnostic.message.as_str()).collect()
}

/// `name@root display_path` of every target.
fn targets(workspace: &Workspace) -> Vec<String> {
    let targets = workspace.targets.iter();
    targets.map(|file| format!("{}@{} {}", file.name, file.root, file.display_path)).collect()
}

const LAYOUT: &[(&str, &str)] = &[
    ("idl.toml", "roots = [\"proto\", \"api\"]\nimport_paths = [\"third_party\"]\nexcludes = [\"proto/legacy/**\"]\n"),
    ("proto/acme/v1/user.proto", ""),
    ("proto/acme/v1/order.proto", ""),
    ("proto/legacy/old.proto", ""),
    ("proto/README.md", ""),
    ("api/acme/api.proto", ""),
    ("third_party/google/api/http.proto", ""),
    ("other/stray.proto", ""),
];

#[test]
fn config_roots_import_paths_and_excludes() {
    let dir = tree(LAYOUT);
    let workspace = discover_ok(dir.path(), None, &[]);
    assert_eq!(
        targets(&workspace),
        [
            "acme/api.proto@1 api/acme/api.proto",
            "acme/v1/order.proto@0 proto/acme/v1/order.proto",
            "acme/v1/user.proto@0 proto/acme/v1/user.proto",
        ]
    );
    assert_eq!(workspace.base_dir, dir.path());
    assert_eq!(workspace.roots, [dir.path().join("proto"), dir.path().join("api")]);
    assert_eq!(workspace.import_paths, [dir.path().join("third_party")]);
    assert_eq!(workspace.config_file.as_ref().unwrap().display_path, "idl.toml");
    assert!(workspace.warnings.is_empty(), "{:?}", workspace.warnings);
    assert_eq!(
        workspace.resolve_import("google/api/http.proto"),
        Some(dir.path().join("third_party/google/api/http.proto"))
    );
    assert_eq!(workspace.resolve_import("acme/api.proto"), Some(dir.path().join("api/acme/api.proto")));
    assert_eq!(workspace.resolve_import("acme/missing.proto"), None);
    assert_eq!(workspace.resolve_import("../other/stray.proto"), None);
    assert_eq!(workspace.resolve_import("acme//api.proto"), None);
}

#[test]
fn config_is_found_upward_from_cwd() {
    let dir = tree(LAYOUT);
    let cwd = dir.path().join("proto/acme");
    let workspace = discover_ok(&cwd, None, &[]);
    assert_eq!(workspace.base_dir, dir.path());
    assert_eq!(workspace.targets.len(), 3);
    // Display paths are relative to cwd only below it.
    let api = &workspace.targets[0];
    assert_eq!(api.display_path, format!("{}/api/acme/api.proto", dir.path().display()));
    assert_eq!(workspace.targets[1].display_path, "v1/order.proto");
    let config_path = &workspace.config_file.as_ref().unwrap().display_path;
    assert_eq!(config_path, &format!("{}/idl.toml", dir.path().display()));
}

#[test]
fn config_argument_overrides_discovery() {
    let dir = tree(&[
        ("idl.toml", "roots = [\"nowhere\"]"),
        ("conf/custom.toml", "roots = [\"../api\"]"),
        ("api/a.proto", ""),
        ("proto/p.proto", ""),
    ]);
    let workspace = discover_ok(dir.path(), Some(Path::new("conf/custom.toml")), &[]);
    assert_eq!(workspace.base_dir, dir.path().join("conf"));
    assert_eq!(targets(&workspace), ["a.proto@0 api/a.proto"]);
    assert_eq!(workspace.config_file.unwrap().display_path, "conf/custom.toml");

    let errors = discover_err(dir.path(), Some(Path::new("conf/missing.toml")), &[]);
    assert_eq!(messages(&errors), ["config file conf/missing.toml does not exist"]);
    assert_eq!(errors[0].rule, CONFIG_RULE);
}

#[test]
fn config_errors_surface_with_location() {
    let dir = tree(&[("idl.toml", "roots = [\"proto\"]\n\n[lint]\n  preset = \"x\"\n  uses = []\n")]);
    let errors = discover_err(&dir.path().join("."), None, &[]);
    assert_eq!(errors.len(), 1);
    let error = &errors[0];
    assert_eq!((error.rule.as_str(), error.path.as_str()), (CONFIG_RULE, "idl.toml"));
    let start = error.span.unwrap().start;
    assert_eq!((start.line, start.column), (5, 3));
    assert!(error.message.starts_with("unknown key `uses` in [lint] of idl.toml"), "{}", error.message);
}

#[test]
fn missing_root_is_an_error_at_its_entry_and_missing_import_path_a_warning() {
    let dir =
        tree(&[("idl.toml", "roots = [\"proto\", \"gone\"]\nimport_paths = [\"vendor\"]\n"), ("proto/a.proto", "")]);
    let errors = discover_err(dir.path(), None, &[]);
    let (error, warning) = (&errors[0], &errors[1]);
    assert!(error.message.starts_with("root `gone` does not exist"), "{}", error.message);
    assert_eq!(error.span.unwrap().start.column, 19);
    assert_eq!(warning.severity, Severity::Warn);
    assert!(warning.message.starts_with("import path `vendor` does not exist"));

    fs::write(dir.path().join("idl.toml"), "roots = [\"proto\"]\nimport_paths = [\"vendor\"]\n").unwrap();
    let workspace = discover_ok(dir.path(), None, &[]);
    assert_eq!(messages(&workspace.warnings).len(), 1);
    assert!(workspace.import_paths.is_empty());
}

#[test]
fn paths_narrow_the_targets() {
    let dir = tree(LAYOUT);
    let cwd = dir.path();
    let by_dir = discover_ok(cwd, None, &["proto/acme"]);
    let names: Vec<&str> = by_dir.targets.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(names, ["acme/v1/order.proto", "acme/v1/user.proto"]);

    let by_file = discover_ok(cwd, None, &["proto/acme/v1/user.proto", "./api/acme/../acme/api.proto"]);
    assert_eq!(
        targets(&by_file),
        ["acme/api.proto@1 api/acme/api.proto", "acme/v1/user.proto@0 proto/acme/v1/user.proto"]
    );

    // A directory containing roots selects their files; an excluded file is dropped.
    assert_eq!(discover_ok(cwd, None, &["."]).targets.len(), 3);
    assert!(discover_ok(cwd, None, &["proto/legacy/old.proto"]).targets.is_empty());

    // Overlapping PATHS select each file once.
    assert_eq!(discover_ok(cwd, None, &["proto", "proto/acme/v1/user.proto"]).targets.len(), 2);
}

#[test]
fn paths_outside_the_roots_are_errors() {
    let dir = tree(LAYOUT);
    let errors = discover_err(dir.path(), None, &["other/stray.proto", "other", "third_party/google"]);
    assert_eq!(
        messages(&errors),
        [
            "other/stray.proto is outside every root (roots: proto, api)",
            "other is outside every root (roots: proto, api)",
            "third_party/google is under import path third_party, which is searched for imports \
             but never checked (roots: proto, api)",
        ]
    );
    assert!(errors.iter().all(|error| error.rule == IO_RULE && error.severity == Severity::Error));
}

#[test]
fn bad_paths_are_errors_naming_them() {
    let dir = tree(LAYOUT);
    fs::create_dir_all(dir.path().join("proto/empty/sub")).unwrap();
    let errors = discover_err(dir.path(), None, &["proto/nope.proto", "proto/README.md", "proto/empty"]);
    assert_eq!(
        messages(&errors),
        [
            "proto/nope.proto does not exist",
            "proto/README.md is not a .proto file",
            "no .proto files under proto/empty",
        ]
    );
}

#[test]
fn without_config_paths_define_roots() {
    let dir = tree(&[("proto/a/x.proto", ""), ("b.proto", ""), ("hidden/.h.proto", "")]);
    let outside = tree(&[("lib/c.proto", "")]);
    let cwd = dir.path();

    let all = discover_ok(cwd, None, &[]);
    assert!(all.config_file.is_none());
    assert_eq!(all.roots, [cwd]);
    assert_eq!(targets(&all), ["b.proto@0 b.proto", "proto/a/x.proto@0 proto/a/x.proto"]);

    let by_dir = discover_ok(cwd, None, &["proto"]);
    assert_eq!(by_dir.roots, [cwd.join("proto")]);
    assert_eq!(targets(&by_dir), ["a/x.proto@0 proto/a/x.proto"]);

    let c = outside.path().join("lib/c.proto");
    let by_file = discover_ok(cwd, None, &["proto/a/x.proto", c.to_str().unwrap()]);
    assert_eq!(by_file.roots, [cwd.to_path_buf(), outside.path().join("lib")]);
    assert_eq!(
        targets(&by_file),
        [format!("c.proto@1 {}", c.display()), "proto/a/x.proto@0 proto/a/x.proto".to_string()]
    );

    // A file named explicitly is checked even when the walk would skip it.
    assert_eq!(targets(&discover_ok(cwd, None, &["hidden/.h.proto"])), ["hidden/.h.proto@0 hidden/.h.proto"]);
}

#[test]
fn ignore_files_and_hidden_entries_are_honoured_outside_git() {
    let dir = tree(&[
        ("idl.toml", "roots = [\"proto\"]"),
        (".gitignore", "gen/\n"),
        ("proto/.ignore", "scratch.proto\n"),
        ("proto/a.proto", ""),
        ("proto/gen/g.proto", ""),
        ("proto/scratch.proto", ""),
        ("proto/.hidden/h.proto", ""),
        ("proto/.dot.proto", ""),
    ]);
    assert_eq!(targets(&discover_ok(dir.path(), None, &[])), ["a.proto@0 proto/a.proto"]);
}

#[test]
fn dependency_and_build_directories_are_skipped() {
    let dir = tree(&[
        ("a.proto", ""),
        ("node_modules/pkg/n.proto", ""),
        ("target/t.proto", ""),
        ("sub/target/t.proto", ""),
        ("bazel-out/k8/b.proto", ""),
        ("bazel-ws/b.proto", ""),
        ("bazel-file.proto", ""),
    ]);
    assert_eq!(
        targets(&discover_ok(dir.path(), None, &[])),
        ["a.proto@0 a.proto", "bazel-file.proto@0 bazel-file.proto"]
    );
}

#[test]
fn excluded_directories_are_pruned() {
    let dir = tree(&[
        ("idl.toml", "excludes = [\"gen\", \"*.tmp.proto\"]"),
        ("gen/g.proto", ""),
        ("a.proto", ""),
        ("a.tmp.proto", ""),
        ("sub/b.tmp.proto", ""),
    ]);
    let cwd = dir.path();
    // `*` stops at `/`, so only the top-level temp file is excluded.
    assert_eq!(targets(&discover_ok(cwd, None, &[])), ["a.proto@0 a.proto", "sub/b.tmp.proto@0 sub/b.tmp.proto"]);
    assert!(discover_ok(cwd, None, &["gen/g.proto"]).targets.is_empty());
    assert!(discover_ok(cwd, None, &["gen"]).targets.is_empty());
}

#[test]
fn duplicate_names_across_roots_warn_and_the_first_root_wins() {
    let dir = tree(&[("idl.toml", "roots = [\"a\", \"b\"]"), ("a/x.proto", ""), ("b/x.proto", ""), ("b/y.proto", "")]);
    let workspace = discover_ok(dir.path(), None, &[]);
    assert_eq!(targets(&workspace), ["x.proto@0 a/x.proto", "y.proto@1 b/y.proto"]);
    let warning = &workspace.warnings[..];
    assert_eq!(
        messages(warning),
        ["`x.proto` is provided by both a/x.proto and b/x.proto; the first root's file is used"]
    );
    assert_eq!((warning[0].rule.as_str(), warning[0].severity), (CONFIG_RULE, Severity::Warn));
    assert_eq!(warning[0].path, "b/x.proto");

    // Narrowed to the shadowed file, it is still dropped with the warning.
    let narrowed = discover_ok(dir.path(), None, &["b/x.proto"]);
    assert!(narrowed.targets.is_empty());
    assert_eq!(narrowed.warnings.len(), 1);
}

#[test]
fn nested_roots_name_files_after_the_first_listed_root() {
    let layout = |roots: &str| tree(&[("idl.toml", roots), ("proto/x.proto", ""), ("proto/vendor/v.proto", "")]);
    let outer_first = layout("roots = [\"proto\", \"proto/vendor\"]");
    assert_eq!(
        targets(&discover_ok(outer_first.path(), None, &[])),
        ["vendor/v.proto@0 proto/vendor/v.proto", "x.proto@0 proto/x.proto"]
    );
    let inner_first = layout("roots = [\"proto/vendor\", \"proto\"]");
    let workspace = discover_ok(inner_first.path(), None, &[]);
    assert_eq!(targets(&workspace), ["v.proto@0 proto/vendor/v.proto", "x.proto@1 proto/x.proto"]);
    assert!(workspace.warnings.is_empty());
}

#[cfg(unix)]
#[test]
fn symlink_loops_terminate_with_a_warning() {
    let dir = tree(&[("proto/a/x.proto", "")]);
    std::os::unix::fs::symlink(dir.path().join("proto"), dir.path().join("proto/a/loop")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("missing"), dir.path().join("proto/dangling")).unwrap();
    let workspace = discover_ok(dir.path(), None, &["proto"]);
    assert_eq!(targets(&workspace), ["a/x.proto@0 proto/a/x.proto"]);
    assert!(
        workspace.warnings.iter().any(|warning| warning.message.starts_with("symlink loop: proto/a/loop")),
        "{:?}",
        workspace.warnings
    );
}

#[cfg(target_os = "linux")]
#[test]
fn non_utf8_file_names_are_errors() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tree(&[("proto/ok.proto", "")]);
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.proto");
    fs::write(dir.path().join("proto").join(name), "").unwrap();
    let errors = discover_err(dir.path(), None, &["proto"]);
    assert_eq!(messages(&errors), ["proto/bad\u{fffd}.proto is not valid UTF-8, so it has no import name"]);
}

#[test]
fn a_buffer_path_need_not_exist() {
    let dir = tree(LAYOUT);
    // From outside the project, as an editor started elsewhere: the config is the
    // one nearest to the buffer, its name comes from the first root holding it.
    let elsewhere = tree(&[]);
    let path = dir.path().join("proto/acme/v2/new.proto");
    let workspace = discover_buffer(elsewhere.path(), None, &path).unwrap();
    assert_eq!(workspace.base_dir, dir.path());
    assert_eq!(workspace.targets.len(), 1);
    assert_eq!(
        (workspace.targets[0].name.as_str(), workspace.targets[0].path.as_path()),
        ("acme/v2/new.proto", &*path)
    );
    // Excludes still apply; a file outside the roots is still an error.
    let excluded = discover_buffer(dir.path(), None, Path::new("proto/legacy/new.proto")).unwrap();
    assert!(excluded.targets.is_empty());
    let outside = discover_buffer(dir.path(), None, Path::new("docs/new.proto")).unwrap_err();
    assert_eq!(outside.len(), 1, "{outside:?}");
    // Only a .proto file; import candidates: every root, then every import path.
    assert!(discover_buffer(dir.path(), None, Path::new("proto/acme/v2/new.txt")).is_err());
    assert_eq!(import_candidates_of(&workspace, "acme/v1/user.proto").len(), 3);
    assert!(import_candidates_of(&workspace, "../user.proto").is_empty());
}

fn import_candidates_of(workspace: &Workspace, name: &str) -> Vec<PathBuf> {
    workspace.import_candidates(name).collect()
}
