//! idl.toml
