//! The inputs the fuzz targets (`fuzz/fuzz_targets/`) found, replayed on every
//! test run with the same invariants: `testdata/fuzz-regressions/TARGET/*`, one
//! file per input, named after what it broke. Each directory also holds a few
//! hand-written inputs of the kind the target is about, so every invariant runs
//! even before anything is found.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use idl::compile::{MemoryFiles, compile_from};
use idl::docs::fuzzing::check_comment_invariants;
use idl::generate::config::check_template_invariants;
use idl::lsp::transport::check_frame_invariants;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz-regressions").join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    let inputs: Vec<_> = paths.into_iter().map(|p| (p.clone(), std::fs::read(p).unwrap())).collect();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    inputs
}

fn memory(text: &str) -> MemoryFiles<'static> {
    MemoryFiles {
        files: BTreeMap::from([("fuzz.proto".to_string(), ("fuzz.proto".to_string(), Arc::from(text)))]),
        targets: Vec::new(),
        fallback: None,
        description: "fuzz".into(),
    }
}

#[test]
fn compile_inputs_are_diagnostics_not_panics() {
    for (path, data) in inputs("compile") {
        let text = String::from_utf8_lossy(&data);
        let result = std::panic::catch_unwind(|| compile_from(&memory(&text)).has_errors());
        assert!(result.is_ok(), "{} panicked", path.display());
    }
}

#[test]
fn format_inputs_round_trip_and_format_to_a_fixed_point() {
    for (path, data) in inputs("format") {
        let text = std::str::from_utf8(&data).unwrap();
        let (tokens, _) = idl::syntax::lexer::lex(text);
        assert_eq!(tokens.iter().map(|t| t.text(text)).collect::<String>(), text, "{}", path.display());
        if !idl::syntax::parse(text).errors.is_empty() {
            continue;
        }
        if let Ok(once) = idl::format::format(text) {
            let twice = idl::format::format(&once).expect("formatted output parses");
            assert_eq!(twice, once, "{}: not idempotent", path.display());
            // A file that compiles compiles formatted, to the same descriptor (the
            // inputs here import nothing, so sorted imports cannot reorder it).
            let before = compile_from(&memory(text));
            if !before.has_errors() {
                let after = compile_from(&memory(&once));
                assert!(
                    !after.has_errors(),
                    "{}: compiles, but not formatted: {:?}",
                    path.display(),
                    after.diagnostics
                );
                assert_eq!(
                    after.file_descriptor_set(false),
                    before.file_descriptor_set(false),
                    "{}: formatting changed the descriptor",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn config_inputs_are_located_errors() {
    for (path, data) in inputs("config_toml") {
        let Ok(text) = std::str::from_utf8(&data) else { continue };
        let file = idl::source::SourceFile::new("idl.toml", "idl.toml", Arc::from(text));
        if let Err(errors) = idl::config::Config::parse(&file) {
            assert!(!errors.is_empty(), "{}", path.display());
            assert!(errors.iter().all(|e| e.path == "idl.toml"), "{}: {errors:?}", path.display());
        }
    }
    for (path, data) in inputs("config_buf_yaml") {
        let Some((&selector, rest)) = data.split_first() else { continue };
        let Ok(text) = std::str::from_utf8(rest) else { continue };
        let (kind, name) = match selector % 3 {
            0 => (idl::migrate::Kind::Buf, "buf.yaml"),
            1 => (idl::migrate::Kind::Protolint, ".protolint.yaml"),
            _ => (idl::migrate::Kind::Prototool, "prototool.yaml"),
        };
        let file = idl::source::SourceFile::new(name, name, Arc::from(text));
        let Ok(migrated) = idl::migrate::convert_text(kind, file, Path::new("/nonexistent")) else { continue };
        let converted = idl::source::SourceFile::new("idl.toml", "idl.toml", Arc::from(migrated.toml.as_str()));
        if let Err(errors) = idl::config::Config::parse(&converted) {
            assert!(errors.iter().all(|e| !e.message.starts_with("invalid TOML")), "{}", path.display());
        }
    }
}

#[test]
fn lsp_frame_inputs_are_read_in_step() {
    for (path, data) in inputs("lsp_frame") {
        let result = std::panic::catch_unwind(|| check_frame_invariants(&data));
        assert!(result.is_ok(), "{} breaks an invariant of the frame reader", path.display());
    }
}

#[test]
fn generate_template_inputs_are_templates_or_located_errors() {
    for (path, data) in inputs("generate_template") {
        let result = std::panic::catch_unwind(|| check_template_invariants(&data));
        assert!(result.is_ok(), "{} breaks an invariant of the buf.gen.yaml reader", path.display());
    }
}

#[test]
fn docs_markdown_inputs_render_without_markup() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/docs");
    let workspace = idl::workspace::discover(&root, None, &[]).unwrap();
    let compilation = idl::compile::compile(&workspace);
    let model = idl::docs::model::build(&compilation, Vec::new(), idl::docs::model::Order::Declaration);
    let links = idl::docs::links::Links::new(&model);
    for (path, data) in inputs("docs_markdown") {
        let comment = std::str::from_utf8(&data).unwrap();
        let result = std::panic::catch_unwind(|| check_comment_invariants(comment, &links, "acme.library.v1"));
        assert!(result.is_ok(), "{} renders with markup a comment must not become", path.display());
    }
}
