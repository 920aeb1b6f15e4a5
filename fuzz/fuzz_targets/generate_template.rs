//! Any bytes as the `buf.gen.yaml` of `idl generate`: reading it never panics
//! and gives a template or errors located in the file; a template's
//! `[generate]` table (what `idl init --from buf.gen.yaml` writes) is valid TOML
//! that reads back to the same table. The checks live beside the reader
//! (`check_template_invariants`), so `tests/fuzz_regressions.rs` replays found
//! inputs with exactly these invariants.
#![no_main]

use idl::generate::config::check_template_invariants;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check_template_invariants(data));
