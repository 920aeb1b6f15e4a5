//! Any bytes, as one file: compiling never panics (errors are diagnostics).
#![no_main]

use std::collections::BTreeMap;
use std::sync::Arc;

use idl::compile::{MemoryFiles, compile_from};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let memory = MemoryFiles {
        files: BTreeMap::from([("fuzz.proto".to_string(), ("fuzz.proto".to_string(), Arc::from(&*src)))]),
        targets: Vec::new(),
        fallback: None,
        description: "fuzz".into(),
    };
    let compilation = compile_from(&memory);
    let _ = compilation.has_errors();
});
