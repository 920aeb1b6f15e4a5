//! Any bytes as an `idl.toml`: reading the config never panics, and every error
//! it reports is located in the file or names it.
#![no_main]

use std::sync::Arc;

use idl::config::Config;
use idl::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = SourceFile::new("idl.toml", "idl.toml", Arc::from(text));
    if let Err(errors) = Config::parse(&file) {
        assert!(!errors.is_empty(), "an error without a diagnostic");
        for error in &errors {
            assert_eq!(error.path, "idl.toml", "{error:?}");
        }
    }
});
