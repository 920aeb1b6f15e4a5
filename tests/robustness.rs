//! Mutated inputs through the whole compile path: never a panic, and the
//! lexer always gives the input back. A deterministic generator (no external
//! crate) so failures reproduce; `fuzz/` runs the same idea coverage-guided.

use std::collections::BTreeMap;
use std::sync::Arc;

use idl::compile::{MemoryFiles, compile_from};

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: [&str; 3] = [
    include_str!("../testdata/compile/editions/options_and_extensions_2023.proto"),
    include_str!("../testdata/compile/editions/visibility_2024.proto"),
    "syntax = \"proto2\";\npackage p;\nimport \"google/protobuf/any.proto\";\noption java_package = \"x\";\n\
     message M {\n  optional int32 a = 1 [default = -5, json_name = \"A\"];\n  repeated group G = 2 { required string s = 1; }\n\
     map<string, M> m = 3;\n  oneof o { string x = 4; bytes y = 5 [default = \"\\x01\"]; }\n  extensions 100 to max;\n\
     reserved 6, 8 to 10;\n  reserved \"q\";\n  enum E { option allow_alias = true; Z = 0; A = 1; B = 1; }\n}\n\
     extend M { optional string ext = 100; }\nservice S { rpc R(M) returns (stream M) { option deprecated = true; } }\n",
];

const TOKENS: [&str; 24] = [
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    ";",
    ",",
    "=",
    ".",
    "-",
    "message",
    "enum",
    "option",
    "max",
    "\"s\"",
    "0x7fffffff",
    "99999999999999999999",
    "1e999",
    "/*",
    "//",
    "\u{4e2d}",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 => {
                let end = (at + rng.below(16)).min(bytes.len());
                bytes.drain(at..end);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                bytes.splice(at..at, t.bytes());
            }
            2 => bytes.truncate(at),
            _ => {
                if at < bytes.len() {
                    bytes[at] = rng.next() as u8;
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn mutated_files_never_panic_and_lex_losslessly() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..3000 {
        let seed = SEEDS[i % SEEDS.len()];
        let text = mutate(&mut rng, seed);
        let (tokens, _) = idl::syntax::lexer::lex(&text);
        let joined: String = tokens.iter().map(|t| t.text(&text)).collect();
        assert_eq!(joined, text, "lexer lost bytes for input #{i}");
        let mut files = BTreeMap::new();
        files.insert("m.proto".to_string(), ("m.proto".to_string(), Arc::<str>::from(text.as_str())));
        let provider = MemoryFiles { files, description: "memory".into(), ..Default::default() };
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compile_from(&provider).diagnostics.len()));
        assert!(result.is_ok(), "compile panicked on input #{i}:\n{text}");
    }
}
