//! Any bytes as the language server's input: the frame reader never panics and
//! never loops (every frame it returns consumed input), answers a malformed frame
//! with one of JSON-RPC's two error codes, skips an oversized body without
//! keeping it, and stays in step: the same bytes framed with their true
//! `Content-Length` are read as exactly one frame, whatever they hold.
//! Reads come in pieces as small as one byte, so header lines and bodies are
//! split at every boundary a pipe can split them.
#![no_main]

use std::io::{self, BufRead, Read};

use idl::lsp::transport::{Frame, read_frame, skip};
use libfuzzer_sys::fuzz_target;

/// The bound on a body here: small, so fuzzed lengths cross it both ways.
const MAX_BODY: u64 = 512;

/// `data` handed out at most `piece` bytes at a time.
struct Pieces<'a> {
    data: &'a [u8],
    at: usize,
    piece: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Pieces<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let end = (self.at + self.piece).min(self.data.len());
        Ok(&self.data[self.at..end])
    }
    fn consume(&mut self, n: usize) {
        self.at += n;
    }
}

/// Reads every frame of `input`; how many there were.
fn read_all(input: &mut Pieces<'_>) -> usize {
    let mut frames = 0;
    loop {
        let before = input.at;
        match read_frame(input, MAX_BODY).expect("reading memory never fails") {
            Frame::End => return frames,
            Frame::Malformed { code, skip: length, .. } => {
                assert!(code == -32700 || code == -32600, "error code {code}");
                assert!(length == 0 || length > MAX_BODY, "skipped {length} bytes within the bound");
                if length > 0 {
                    skip(input, length).expect("reading memory never fails");
                }
            }
            Frame::Message(_) => {}
        }
        assert!(input.at > before, "a frame that consumed no input");
        frames += 1;
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, data)) = data.split_first() else { return };
    let piece = usize::from(first % 16) + 1;
    read_all(&mut Pieces { data, at: 0, piece });

    let mut framed = format!("Content-Length: {}\r\n\r\n", data.len()).into_bytes();
    framed.extend_from_slice(data);
    let mut input = Pieces { data: &framed, at: 0, piece };
    assert_eq!(read_all(&mut input), 1, "a well-framed body was not read as one frame");
    assert_eq!(input.at, framed.len(), "the reader lost step with a well-framed body");
});
