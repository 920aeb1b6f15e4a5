//! Any bytes: if UTF-8, the lexer round trip is exact, parsing never panics,
//! and a file that parses cleanly formats to a fixed point
//! (`format(format(x)) == format(x)`); a file that compiles compiles to the same
//! descriptor after formatting, imports compared as a set (buf's formatter sorts
//! them; see docs/reliability.md). The deterministic, CI-run counterpart is
//! `tests/format.rs::random_mutations_keep_invariants`.
#![no_main]

use std::collections::BTreeMap;
use std::sync::Arc;

use idl::compile::{MemoryFiles, compile_from};
use idl::format::format;
use idl::syntax::lexer::lex;
use libfuzzer_sys::fuzz_target;
use prost::Message;

/// The file's descriptor set without source info, files and dependencies
/// sorted; None when it does not compile.
fn descriptor(src: &str) -> Option<Vec<u8>> {
    let memory = MemoryFiles {
        files: BTreeMap::from([("fuzz.proto".to_string(), ("fuzz.proto".to_string(), Arc::from(src)))]),
        targets: Vec::new(),
        fallback: None,
        description: "fuzz".into(),
    };
    let compilation = compile_from(&memory);
    if compilation.has_errors() {
        return None;
    }
    let mut set = prost_types::FileDescriptorSet::decode(&compilation.file_descriptor_set(false)[..]).ok()?;
    // The set lists imports before their importers, in import order: sorted
    // imports reorder the imported files too.
    set.file.sort_by(|a, b| a.name.cmp(&b.name));
    for file in &mut set.file {
        let named = |indexes: &[i32], deps: &[String]| -> Vec<String> {
            let mut names: Vec<String> = indexes.iter().map(|&i| deps[i as usize].clone()).collect();
            names.sort();
            names
        };
        let public = named(&file.public_dependency, &file.dependency);
        let weak = named(&file.weak_dependency, &file.dependency);
        file.dependency.sort();
        let index = |name: &String| file.dependency.iter().position(|d| d == name).unwrap() as i32;
        file.public_dependency = public.iter().map(index).collect();
        file.weak_dependency = weak.iter().map(index).collect();
    }
    Some(set.encode_to_vec())
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let (tokens, _) = lex(src);
    let joined: String = tokens.iter().map(|t| t.text(src)).collect();
    assert_eq!(joined, src, "lexer round trip");
    let parsed = idl::syntax::parse(src);
    if !parsed.errors.is_empty() {
        return;
    }
    if let Ok(once) = format(src) {
        let twice = format(&once).expect("formatted output parses");
        assert_eq!(twice, once, "formatting is not idempotent");
        if let Some(before) = descriptor(src) {
            assert_eq!(descriptor(&once), Some(before), "formatting changed the descriptor");
        }
    }
});
