//! `idl generate`: plugins run on the real binary in scratch directories. The
//! test plugin is the repo's `examples/protoc-gen-idl-test.rs`; comparisons with
//! protoc and buf run where `.ci/run` installed them and skip with a message
//! elsewhere.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

fn idl(dir: &Path) -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("idl");
    cmd.current_dir(dir).env_remove("NO_COLOR").args(["--color", "never"]);
    cmd
}

/// Everything the user sees (findings move between stderr and stdout by command).
fn seen(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// The test plugin, built on demand (`cargo test` builds examples; `--test generate` alone does not).
fn test_plugin() -> PathBuf {
    let idl = PathBuf::from(env!("CARGO_BIN_EXE_idl"));
    let path = idl.parent().unwrap().join("examples/protoc-gen-idl-test");
    if !path.is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "--example", "protoc-gen-idl-test"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert!(status.success(), "cannot build the test plugin");
    }
    path
}

const PROTO: &str = "syntax = \"proto3\";\n\npackage demo.v1;\n\nmessage Hello {\n  optional string name = 1;\n}\n";

/// A workspace with `idl.toml`, one file per directory, and the given buf.gen.yaml.
fn workspace(template: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("idl.toml"), "").unwrap();
    for name in ["demo/v1/hello.proto", "demo/v2/hello.proto"] {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, PROTO.replace("demo.v1", &name[..7].replace('/', "."))).unwrap();
    }
    fs::write(dir.path().join("buf.gen.yaml"), template.replace("PLUGIN", &test_plugin().display().to_string()))
        .unwrap();
    dir
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn writes_one_file_per_input_and_check_follows_the_disk() {
    let dir = workspace("version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: mode=write\n");
    let output = idl(dir.path()).arg("generate").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    assert_eq!(files_under(&dir.path().join("gen")), ["demo/v1/hello.txt", "demo/v2/hello.txt"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("gen/demo/v1/hello.txt")).unwrap(),
        "generated from demo/v1/hello.proto\n"
    );

    let check = idl(dir.path()).args(["generate", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", seen(&check));

    // A stale file fails the check, with a diff, and is not rewritten.
    fs::write(dir.path().join("gen/demo/v1/hello.txt"), "edited by hand\n").unwrap();
    let check = idl(dir.path()).args(["generate", "--check", "--format", "text"]).output().unwrap();
    assert_eq!(check.status.code(), Some(1), "{}", seen(&check));
    let shown = seen(&check);
    assert!(shown.contains("gen/demo/v1/hello.txt is out of date"), "{shown}");
    assert!(shown.contains("-edited by hand") && shown.contains("+generated from demo/v1/hello.proto"), "{shown}");
    assert_eq!(fs::read_to_string(dir.path().join("gen/demo/v1/hello.txt")).unwrap(), "edited by hand\n");

    let output = idl(dir.path()).arg("generate").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    let check = idl(dir.path()).args(["generate", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", seen(&check));
}

#[test]
fn check_reports_missing_files() {
    let dir = workspace("version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: mode=write\n");
    let check = idl(dir.path()).args(["generate", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(seen(&check).contains("gen/demo/v1/hello.txt is missing"), "{}", seen(&check));
}

#[test]
fn insertion_points_apply_to_an_earlier_plugins_file() {
    let dir = workspace(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    strategy: all\n    opt: [mode=file, file=a.txt, 'content=begin\\n  // @@protoc_insertion_point(body)\\nend\\n']\n  - local: PLUGIN\n    out: gen\n    strategy: all\n    opt: [mode=insert, file=a.txt, point=body, content=inserted]\n",
    );
    let output = idl(dir.path()).arg("generate").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    assert_eq!(
        fs::read_to_string(dir.path().join("gen/a.txt")).unwrap(),
        "begin\n  inserted\n  // @@protoc_insertion_point(body)\nend\n"
    );
}

/// Runs generate on a bad input: exit 2, nothing written, the message shown.
fn fails_with(template: &str, args: &[&str], message: &str) -> String {
    let dir = workspace(template);
    let output = idl(dir.path()).arg("generate").args(args).args(["--format", "text"]).output().unwrap();
    let shown = seen(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(shown.contains(message), "expected {message:?} in:\n{shown}");
    assert!(files_under(&dir.path().join("gen")).is_empty(), "files were written:\n{shown}");
    shown
}

#[test]
fn a_plugin_not_found_names_the_path_searched() {
    let shown = fails_with(
        "version: v2\nplugins:\n  - local: protoc-gen-does-not-exist\n    out: gen\n",
        &[],
        "plugin `protoc-gen-does-not-exist` not found on PATH",
    );
    assert!(shown.contains("searched PATH: "), "{shown}");
    assert!(shown.contains("buf.gen.yaml:3:5"), "{shown}");
}

#[test]
fn a_plugin_that_exits_non_zero_shows_its_stderr() {
    let shown = fails_with(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: mode=exit\n",
        &[],
        "exited with status 3",
    );
    assert!(shown.contains("protoc-gen-idl-test: something broke"), "{shown}");
}

#[test]
fn a_plugin_writing_garbage_is_named() {
    fails_with(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: mode=garbage\n",
        &[],
        "wrote something that is not a CodeGeneratorResponse",
    );
}

#[test]
fn an_error_in_the_response_is_reported() {
    fails_with(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: mode=error\n",
        &[],
        "reported an error: unsupported option: mode=error",
    );
}

#[test]
fn a_plugin_that_hangs_is_stopped_after_the_timeout() {
    let started = std::time::Instant::now();
    fails_with(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: mode=hang\n",
        &["--timeout", "1"],
        "did not finish within 1s and was stopped",
    );
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn a_plugin_without_proto3_optional_support_is_refused() {
    fails_with(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: [mode=write, features=0]\n",
        &[],
        "demo/v1/hello.proto is a proto3 file that contains optional fields",
    );
}

#[test]
fn unknown_keys_and_versions_are_located() {
    let shown = fails_with(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    outt: typo\n",
        &[],
        "unknown key `outt` in a plugin",
    );
    assert!(shown.contains("buf.gen.yaml:5:5"), "{shown}");
    let shown = fails_with("version: v3\nplugins: []\n", &[], "unknown buf.gen.yaml version");
    assert!(shown.contains("buf.gen.yaml:1:10"), "{shown}");
}

#[test]
fn remote_plugins_name_the_local_equivalent() {
    fails_with(
        "version: v2\nplugins:\n  - remote: buf.build/protocolbuffers/go\n    out: gen\n",
        &[],
        "install the plugin locally and use `local: protoc-gen-go` instead",
    );
}

#[test]
fn an_out_outside_the_workspace_is_refused() {
    fails_with(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: ../outside\n    opt: mode=write\n",
        &[],
        "out `../outside` is outside the workspace",
    );
}

#[test]
fn two_plugins_writing_one_file_name_both() {
    fails_with(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    strategy: all\n    opt: [mode=file, file=same.txt, content=a]\n  - local: [PLUGIN, --second]\n    out: gen\n    strategy: all\n    opt: [mode=file, file=same.txt, content=b]\n",
        &[],
        "both write",
    );
}

#[test]
fn nothing_is_written_when_one_plugin_fails() {
    fails_with(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: mode=write\n  - local: PLUGIN\n    out: gen/other\n    opt: mode=error\n",
        &[],
        "reported an error",
    );
}

#[test]
fn built_in_generators_write_the_error_table_and_docs() {
    let dir = workspace(
        "version: v2\nplugins:\n  - local: idl:errors\n    out: gen/errors\n  - local: idl:docs\n    out: gen/docs\n    opt: format=markdown\n",
    );
    let output = idl(dir.path()).arg("generate").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    let files = files_under(&dir.path().join("gen"));
    assert!(files.contains(&"errors/errors.md".to_string()), "{files:?}");
    assert!(files.iter().any(|f| f == "docs/README.md"), "{files:?}");
    let shown = fails_with(
        "version: v2\nplugins:\n  - local: idl:nope\n    out: gen\n",
        &[],
        "unknown built-in generator `idl:nope`",
    );
    assert!(shown.contains("idl:errors, idl:docs, idl:openapi"), "{shown}");
}

#[test]
fn the_openapi_built_in_writes_what_idl_openapi_prints() {
    let dir =
        workspace("version: v2\nplugins:\n  - local: idl:openapi\n    out: gen/api\n    opt: fq_schema_naming=true\n");
    let output = idl(dir.path()).arg("generate").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    let written = std::fs::read_to_string(dir.path().join("gen/api/openapi.yaml")).unwrap();
    let printed = idl(dir.path()).args(["openapi", "--opt", "fq_schema_naming=true"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&printed.stdout), written);
    assert!(written.starts_with("# Generated with protoc-gen-openapi"), "{written}");
    let shown = fails_with(
        "version: v2\nplugins:\n  - local: idl:openapi\n    out: gen\n    opt: naming=camel\n",
        &[],
        "invalid value \"camel\" for option naming",
    );
    assert!(shown.contains("idl:openapi"), "{shown}");
}

#[test]
fn generate_table_in_idl_toml_is_read() {
    let dir = workspace("");
    fs::remove_file(dir.path().join("buf.gen.yaml")).unwrap();
    let plugin = test_plugin().display().to_string();
    fs::write(
        dir.path().join("idl.toml"),
        format!("[generate]\n[[generate.plugins]]\nlocal = \"{plugin}\"\nout = \"gen\"\nopt = [\"mode=write\"]\nstrategy = \"all\"\n"),
    )
    .unwrap();
    let output = idl(dir.path()).arg("generate").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    assert_eq!(files_under(&dir.path().join("gen")).len(), 2);
}

fn peer(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var_os("HOME")?).join(relative);
    path.exists().then_some(path)
}

/// protoc's request for proto2, proto3 and editions files (with a
/// source-retention option and a message-valued option with a oneof) against idl's
/// in `--request-style protoc`: the names, parameter, version and
/// `source_file_descriptors` byte for byte, and every `proto_file` byte for byte
/// apart from its source info.
#[test]
fn requests_match_protocs() {
    let Some(protoc) = peer(".cache/idl-peers/bin/protoc") else {
        eprintln!("skipped: protoc not installed (.ci/run installs it)");
        return;
    };
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/generate/request");
    let scratch = tempfile::tempdir().unwrap();
    let plugin = test_plugin();
    let capture = scratch.path().join("capture.bin");
    let files = ["editions.proto", "options.proto", "proto2.proto", "proto3.proto"];
    let status = std::process::Command::new(protoc)
        .current_dir(&fixture)
        .arg("-I.")
        .arg(format!("--plugin=protoc-gen-capture={}", plugin.display()))
        .arg(format!("--capture_out=capture={}:{}", capture.display(), scratch.path().display()))
        .args(files)
        .status()
        .unwrap();
    assert!(status.success());
    let from_protoc = fs::read(&capture).unwrap();
    let template = scratch.path().join("buf.gen.yaml");
    fs::write(
        &template,
        format!(
            "version: v2\nplugins:\n  - local: {}\n    out: {}\n    opt: capture={}\n    strategy: all\n",
            plugin.display(),
            scratch.path().join("out").display(),
            capture.display()
        ),
    )
    .unwrap();
    let output = idl(&fixture)
        .args(["generate", "--request-style", "protoc", "--compiler-version", "7.35.1", "--template"])
        .arg(&template)
        .arg(".")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    let from_idl = fs::read(&capture).unwrap();
    let (a, b) = (fields(&from_protoc), fields(&from_idl));
    assert_eq!(a.len(), b.len());
    for ((na, va), (nb, vb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        if *na == 15 {
            assert_eq!(without_source_info(va), without_source_info(vb), "proto_file differs");
        } else {
            assert_eq!(va, vb, "field {na} differs");
        }
    }
}

fn fields(mut bytes: &[u8]) -> Vec<(u32, Vec<u8>)> {
    use prost::encoding::{decode_key, decode_varint};
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (number, _) = decode_key(&mut bytes).unwrap();
        let len = decode_varint(&mut bytes).unwrap() as usize;
        out.push((number, bytes[..len].to_vec()));
        bytes = &bytes[len..];
    }
    out
}

fn without_source_info(file: &[u8]) -> Vec<u8> {
    use prost::Message;
    let mut file = idl::compile::descriptor::FileDescriptorProto::decode(file).unwrap();
    file.source_code_info = None;
    file.encode_to_vec()
}

/// `buf generate` and `idl generate` with the same buf.gen.yaml write the same
/// trees: protoc-gen-go, protoc-gen-go-grpc and protoc-gen-es on the Kratos-shaped
/// fixture, plainly and in managed mode.
#[test]
fn kratos_fixture_matches_buf_generate() {
    let (Some(buf), Some(npm_bin)) = (peer(".cache/idl-peers/bin/buf"), peer(".cache/idl-ci/npm/node_modules/.bin"))
    else {
        eprintln!("skipped: buf or protoc-gen-es not installed (.ci/run installs them)");
        return;
    };
    let go_plugins = ["protoc-gen-go", "protoc-gen-go-grpc"];
    if go_plugins.iter().any(|p| idl::generate::config::find_on_path(p).is_none())
        || !npm_bin.join("protoc-gen-es").exists()
    {
        eprintln!("skipped: protoc-gen-go, protoc-gen-go-grpc or protoc-gen-es missing");
        return;
    }
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/generate/kratos");
    let path = format!("{}:{}", npm_bin.display(), std::env::var("PATH").unwrap_or_default());
    for (template, out) in [("buf.gen.yaml", "gen"), ("buf.gen.managed.yaml", "gen-managed")] {
        let scratch = tempfile::tempdir().unwrap();
        for side in ["buf", "idl"] {
            let copy = scratch.path().join(side);
            copy_dir(&fixture, &copy);
            let output = if side == "buf" {
                std::process::Command::new(&buf)
                    .args(["generate", "--template", template])
                    .current_dir(&copy)
                    .env("PATH", &path)
                    .output()
                    .unwrap()
            } else {
                idl(&copy).args(["generate", "--template", template]).env("PATH", &path).output().unwrap()
            };
            assert!(output.status.success(), "{side} {template}: {}", seen(&output));
        }
        let buf_files = files_under(&scratch.path().join("buf").join(out));
        let idl_files = files_under(&scratch.path().join("idl").join(out));
        assert_eq!(buf_files, idl_files, "{template}");
        assert_eq!(buf_files.len(), 7, "{template}: {buf_files:?}");
        for file in &buf_files {
            let a = fs::read(scratch.path().join("buf").join(out).join(file)).unwrap();
            let b = fs::read(scratch.path().join("idl").join(out).join(file)).unwrap();
            assert!(a == b, "{template}: {file} differs");
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// The googleapis directories of the slice: Vertex AI (351 files, generated) and
/// what it imports (compiled, not generated). `google/api`'s subdirectories are
/// left out: they import packages outside the slice, and idl compiles every file
/// of the workspace where buf compiles only the `--path` files and their imports.
const SLICE_DIRS: &[(&str, bool)] = &[
    ("google/cloud/aiplatform", true),
    ("google/api", false),
    ("google/longrunning", true),
    ("google/rpc", true),
    ("google/type", true),
];

/// `buf generate` and `idl generate` on a googleapis slice of 351 files to
/// generate (`--path google/cloud/aiplatform`, dependencies compiled only), with
/// protoc-gen-go, protoc-gen-go-grpc and protoc-gen-es: the same 776 files, byte
/// for byte.
#[test]
fn googleapis_slice_matches_buf_generate() {
    let (Some(buf), Some(npm_bin), Some(corpus)) = (
        peer(".cache/idl-peers/bin/buf"),
        peer(".cache/idl-ci/npm/node_modules/.bin"),
        peer(".cache/idl-peers/googleapis"),
    ) else {
        eprintln!("skipped: buf, protoc-gen-es or the googleapis corpus not installed (.ci/run installs them)");
        return;
    };
    if ["protoc-gen-go", "protoc-gen-go-grpc"].iter().any(|p| idl::generate::config::find_on_path(p).is_none())
        || !npm_bin.join("protoc-gen-es").exists()
    {
        eprintln!("skipped: protoc-gen-go, protoc-gen-go-grpc or protoc-gen-es missing");
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let template = scratch.path().join("buf.gen.yaml");
    fs::write(
        &template,
        "version: v2\nplugins:\n  - local: protoc-gen-go\n    out: gen/go\n    opt: paths=source_relative\n  \
         - local: protoc-gen-go-grpc\n    out: gen/go\n    opt: paths=source_relative\n  \
         - local: protoc-gen-es\n    out: gen/es\n    opt: target=ts\n",
    )
    .unwrap();
    let path = format!("{}:{}", npm_bin.display(), std::env::var("PATH").unwrap_or_default());
    let args = ["generate", "--path", "google/cloud/aiplatform", "--template"];
    for side in ["buf", "idl"] {
        let root = scratch.path().join(side);
        for &(dir, recursive) in SLICE_DIRS {
            if recursive {
                copy_dir(&corpus.join(dir), &root.join(dir));
                continue;
            }
            fs::create_dir_all(root.join(dir)).unwrap();
            for entry in fs::read_dir(corpus.join(dir)).unwrap().flatten() {
                if entry.path().is_file() {
                    fs::copy(entry.path(), root.join(dir).join(entry.file_name())).unwrap();
                }
            }
        }
        fs::write(root.join("buf.yaml"), "version: v2\n").unwrap();
        let output = if side == "buf" {
            std::process::Command::new(&buf).args(args).arg(&template).current_dir(&root).env("PATH", &path).output()
        } else {
            idl(&root).args(args).arg(&template).env("PATH", &path).output()
        }
        .unwrap();
        assert!(output.status.success(), "{side}: {}", seen(&output));
    }
    let targets = files_under(&scratch.path().join("idl/google/cloud/aiplatform"));
    assert_eq!(targets.len(), 351, "the slice changed");
    let buf_files = files_under(&scratch.path().join("buf/gen"));
    let idl_files = files_under(&scratch.path().join("idl/gen"));
    assert_eq!(buf_files, idl_files);
    assert_eq!(buf_files.len(), 776, "{buf_files:?}");
    let differing: Vec<&String> = buf_files
        .iter()
        .filter(|f| {
            fs::read(scratch.path().join("buf/gen").join(f)).unwrap()
                != fs::read(scratch.path().join("idl/gen").join(f)).unwrap()
        })
        .collect();
    assert!(differing.is_empty(), "{} of {} files differ: {differing:?}", differing.len(), buf_files.len());
    eprintln!("compared {} files generated from {} inputs: identical", buf_files.len(), targets.len());
}

/// The action's `generate-check` input: scripts/action-run.sh runs
/// `idl generate --check`, failing on a stale file and passing once regenerated.
#[test]
fn action_generate_check_fails_on_stale_files() {
    let dir = workspace("version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: mode=write\n");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-run.sh");
    let run = |dir: &Path| {
        let outputs = dir.join("outputs.txt");
        let result = std::process::Command::new("bash")
            .arg(&script)
            .current_dir(dir)
            .env("IDL", env!("CARGO_BIN_EXE_idl"))
            .env("IDL_LINT", "false")
            .env("IDL_FORMAT", "false")
            .env("IDL_BREAKING", "false")
            .env("IDL_GENERATE_CHECK", "true")
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"))
            .output()
            .unwrap();
        (result, fs::read_to_string(&outputs).unwrap_or_default())
    };
    let (result, outputs) = run(dir.path());
    assert_eq!(result.status.code(), Some(1), "{}", seen(&result));
    assert!(outputs.contains("generate=failed"), "{outputs}");
    assert!(seen(&result).contains("::error file=gen/demo/v1/hello.txt"), "{}", seen(&result));
    let output = idl(dir.path()).arg("generate").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    let (result, outputs) = run(dir.path());
    assert_eq!(result.status.code(), Some(0), "{}", seen(&result));
    assert!(outputs.contains("generate=passed"), "{outputs}");
}

/// `idl init --from buf.gen.yaml` adds the equivalent `[generate]` table to
/// idl.toml (managed mode, opt lists, strategy, argv plugins), and generate from
/// it writes what generate from the YAML writes.
#[test]
fn init_from_buf_gen_yaml_writes_an_equivalent_generate_table() {
    let dir = workspace(
        "version: v2\nclean: true\nmanaged:\n  enabled: true\n  disable:\n    - file_option: go_package\n      path: demo/v2\n  override:\n    - file_option: go_package_prefix\n      value: example.com/gen\n    - file_option: java_multiple_files\n      value: false\nplugins:\n  - local: [PLUGIN, --flag]\n    out: gen/a\n    opt: [mode=write]\n    strategy: all\n  - local: PLUGIN\n    out: gen/b\n    opt: capture=request.bin\n    strategy: all\n    include_imports: true\n",
    );
    let output = idl(dir.path()).args(["init", "--from", "buf.gen.yaml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    assert!(seen(&output).contains("idl init: added [generate] (2 plugins) to idl.toml"), "{}", seen(&output));
    let toml = fs::read_to_string(dir.path().join("idl.toml")).unwrap();
    assert!(toml.contains("[generate.managed]") && toml.contains("[[generate.plugins]]"), "{toml}");

    let output = idl(dir.path()).args(["generate", "--template", "buf.gen.yaml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    let from_yaml = (files_under(&dir.path().join("gen")), fs::read(dir.path().join("request.bin")).unwrap());
    fs::remove_dir_all(dir.path().join("gen")).unwrap();
    fs::remove_file(dir.path().join("buf.gen.yaml")).unwrap();
    let output = idl(dir.path()).arg("generate").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    let from_toml = (files_under(&dir.path().join("gen")), fs::read(dir.path().join("request.bin")).unwrap());
    assert_eq!(from_yaml.0, ["a/demo/v1/hello.txt", "a/demo/v2/hello.txt"]);
    assert!(from_yaml == from_toml, "the [generate] table does not generate what the YAML does:\n{toml}");

    // A second conversion is refused: the table is there already.
    fs::write(dir.path().join("buf.gen.yaml"), "version: v2\nplugins: []\n").unwrap();
    let output = idl(dir.path()).args(["init", "--from", "buf.gen.yaml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(seen(&output).contains("idl.toml already has a [generate] table"), "{}", seen(&output));
}

/// `include_imports`, `include_wkt` and `strategy` select the same files under
/// idl as under buf (the test plugin writes one file per file to generate).
#[test]
fn file_selection_matches_buf_generate() {
    let Some(buf) = peer(".cache/idl-peers/bin/buf") else {
        eprintln!("skipped: buf not installed (.ci/run installs it)");
        return;
    };
    let dir = workspace(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen/plain\n    opt: mode=write\n  \
         - local: PLUGIN\n    out: gen/imports\n    opt: mode=write\n    include_imports: true\n  \
         - local: PLUGIN\n    out: gen/wkt\n    opt: mode=write\n    include_imports: true\n    include_wkt: true\n  \
         - local: PLUGIN\n    out: gen/all\n    opt: mode=write\n    strategy: all\n",
    );
    fs::write(dir.path().join("buf.yaml"), "version: v2\n").unwrap();
    fs::write(
        dir.path().join("demo/v2/hello.proto"),
        "syntax = \"proto3\";\n\npackage demo.v2;\n\nimport \"demo/v1/hello.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\nmessage Hello {\n  demo.v1.Hello old = 1;\n  google.protobuf.Timestamp at = 2;\n}\n",
    )
    .unwrap();
    let output =
        std::process::Command::new(&buf).args(["generate", "--path", "demo/v2"]).current_dir(dir.path()).output();
    let output = output.unwrap();
    assert!(output.status.success(), "buf: {}", seen(&output));
    fs::rename(dir.path().join("gen"), dir.path().join("gen-buf")).unwrap();
    let output = idl(dir.path()).args(["generate", "--path", "demo/v2"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    let buf_files = files_under(&dir.path().join("gen-buf"));
    assert_eq!(buf_files, files_under(&dir.path().join("gen")));
    assert!(buf_files.contains(&"wkt/google/protobuf/timestamp.txt".to_string()), "{buf_files:?}");
    assert!(buf_files.contains(&"imports/demo/v1/hello.txt".to_string()), "{buf_files:?}");
    assert!(!buf_files.iter().any(|f| f.starts_with("imports/google")), "{buf_files:?}");
    for file in &buf_files {
        assert_eq!(
            fs::read(dir.path().join("gen-buf").join(file)).unwrap(),
            fs::read(dir.path().join("gen").join(file)).unwrap()
        );
    }
}

/// `clean: true` empties each `out` before writing, and `--check` reports a file
/// there that is not generated any more.
#[test]
fn clean_removes_files_no_longer_generated() {
    let dir = workspace("version: v2\nclean: true\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: mode=write\n");
    fs::create_dir_all(dir.path().join("gen/old")).unwrap();
    fs::write(dir.path().join("gen/old/gone.txt"), "left over\n").unwrap();
    let check = idl(dir.path()).args(["generate", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(seen(&check).contains("gen/old/gone.txt is not generated any more"), "{}", seen(&check));
    let output = idl(dir.path()).arg("generate").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    assert_eq!(files_under(&dir.path().join("gen")), ["demo/v1/hello.txt", "demo/v2/hello.txt"]);
    let check = idl(dir.path()).args(["generate", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", seen(&check));
}

/// With `--path`, only the selected files and their imports are compiled, as buf
/// compiles them: a broken file nothing selected imports fails nothing (and fails
/// the run without `--path`), and a workspace's own copy of a well-known type
/// that a selected file imports is sent as it is on disk, not idl's built-in one.
#[test]
fn path_compiles_only_the_selection_and_its_imports() {
    let dir = workspace(
        "version: v2\nplugins:\n  - local: PLUGIN\n    out: gen\n    opt: [mode=write, capture=request.bin]\n    strategy: all\n",
    );
    fs::create_dir_all(dir.path().join("broken")).unwrap();
    fs::write(
        dir.path().join("broken/bad.proto"),
        "syntax = \"proto3\";\npackage broken;\nmessage B { Nope x = 1; }\n",
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("google/protobuf")).unwrap();
    fs::write(
        dir.path().join("google/protobuf/timestamp.proto"),
        "syntax = \"proto3\";\npackage google.protobuf;\n// The workspace's own copy.\nmessage Timestamp {\n  int64 seconds = 1;\n  int32 nanos = 2;\n}\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("demo/v2/hello.proto"),
        "syntax = \"proto3\";\n\npackage demo.v2;\n\nimport \"google/protobuf/timestamp.proto\";\n\nmessage Hello {\n  google.protobuf.Timestamp at = 1;\n}\n",
    )
    .unwrap();

    let output = idl(dir.path()).arg("generate").output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", seen(&output));
    assert!(seen(&output).contains("broken/bad.proto:3:13"), "{}", seen(&output));

    let output = idl(dir.path()).args(["generate", "--path", "demo/v2"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", seen(&output));
    assert_eq!(files_under(&dir.path().join("gen")), ["demo/v2/hello.txt"]);
    let request = fs::read(dir.path().join("request.bin")).unwrap();
    let has = |needle: &str| request.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has("The workspace's own copy."), "the built-in timestamp.proto was sent");
    assert!(!has("broken/bad.proto") && !has("demo/v1/hello.proto"), "unselected files were sent");

    let Some(buf) = peer(".cache/idl-peers/bin/buf") else {
        eprintln!("skipped the buf half: buf not installed (.ci/run installs it)");
        return;
    };
    fs::write(dir.path().join("buf.yaml"), "version: v2\n").unwrap();
    let idl_request = request;
    let output =
        std::process::Command::new(&buf).args(["generate", "--path", "demo/v2"]).current_dir(dir.path()).output();
    let output = output.unwrap();
    assert!(output.status.success(), "buf: {}", seen(&output));
    // buf orders source locations its own way; everything else is the same.
    let comparable = |request: &[u8]| -> Vec<(u32, Vec<u8>)> {
        fields(request)
            .into_iter()
            .map(|(n, b)| if n == 15 || n == 17 { (n, without_source_info(&b)) } else { (n, b) })
            .collect()
    };
    let buf_request = fs::read(dir.path().join("request.bin")).unwrap();
    assert!(comparable(&buf_request) == comparable(&idl_request), "buf sent another request");
}
