//! Any bytes as one HTTP request to `idl mock` on testdata/example (first line
//! `VERB /path?query`, the rest the body), through transcoding, validation and
//! the gRPC/Connect decoders: never a panic, only statuses.
#![no_main]

use std::sync::OnceLock;

use idl::serve::Mock;
use idl::serve::fuzzing::{decode_one, example_mock};
use libfuzzer_sys::fuzz_target;

static MOCK: OnceLock<Mock> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let mock = MOCK.get_or_init(example_mock);
    let _ = decode_one(mock, data);
});
