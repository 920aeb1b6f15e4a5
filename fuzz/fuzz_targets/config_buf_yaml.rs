//! Any bytes as a `buf.yaml`, `.protolint.yaml` or `prototool.yaml`: converting
//! never panics, and the `idl.toml` text it produces is always valid TOML (a
//! value from the YAML can never break out of its string).
#![no_main]

use std::path::Path;
use std::sync::Arc;

use idl::config::Config;
use idl::migrate::{Kind, convert_text};
use idl::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let (kind, name) = match selector % 3 {
        0 => (Kind::Buf, "buf.yaml"),
        1 => (Kind::Protolint, ".protolint.yaml"),
        _ => (Kind::Prototool, "prototool.yaml"),
    };
    let file = SourceFile::new(name, name, Arc::from(text));
    // No directory: a buf.work.yaml would read its modules from disk.
    let Ok(migrated) = convert_text(kind, file, Path::new("/nonexistent")) else { return };
    let converted = SourceFile::new("idl.toml", "idl.toml", Arc::from(migrated.toml.as_str()));
    if let Err(errors) = Config::parse(&converted) {
        for error in &errors {
            assert!(!error.message.starts_with("invalid TOML"), "{error:?}\n{}", migrated.toml);
        }
    }
});
