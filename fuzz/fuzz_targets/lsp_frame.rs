//! Any bytes as the language server's input: the frame reader never panics and
//! never loops (every frame it returns consumed input), answers a malformed frame
//! with one of JSON-RPC's two error codes, skips an oversized body without
//! keeping it, and stays in step: the same bytes framed with their true
//! `Content-Length` are read as exactly one frame, whatever they hold.
//! Reads come in pieces as small as one byte, so header lines and bodies are
//! split at every boundary a pipe can split them. The checks live beside the
//! reader (`check_frame_invariants`), so `tests/fuzz_regressions.rs` replays
//! found inputs with exactly these invariants.
#![no_main]

use idl::lsp::transport::check_frame_invariants;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| check_frame_invariants(data));
