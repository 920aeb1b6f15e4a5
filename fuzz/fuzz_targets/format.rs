//! Any bytes: if UTF-8, the lexer round trip is exact, parsing never panics,
//! and a file that parses cleanly formats to a fixed point
//! (`format(format(x)) == format(x)`). The deterministic, CI-run counterpart is
//! `tests/format.rs::random_mutations_keep_invariants`.
#![no_main]

use idl::format::format;
use idl::syntax::lexer::lex;
use libfuzzer_sys::fuzz_target;

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
    }
});
