//! The one way idl reads an input file: `.proto` sources, `idl.toml`, `buf.yaml`
//! and friends, descriptor sets, editor buffers on stdin.
//!
//! A path in a hostile repository can name a FIFO (opening it blocks forever), a
//! symlink to `/dev/zero` or `/dev/urandom` (reading it never ends), or a file
//! that grows while it is read. So a file must be a regular file (checked before
//! opening, and again on the open handle), and no read goes past a size cap. A
//! `.proto` file must also be UTF-8 text without NUL bytes; both problems are
//! located at the offending byte.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// Rule name of every problem reading an input.
pub const IO_RULE: &str = "IO";

/// Files larger than this are refused before parsing (offsets are 32-bit and a
/// proto file this large is a mistake, not an API).
pub const MAX_PROTO_BYTES: u64 = 256 << 20;

/// Configuration files (`idl.toml`, `buf.yaml`, ...) larger than this are refused.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// Descriptor sets (`idl breaking --against base.binpb`) larger than this are refused.
pub const MAX_DESCRIPTOR_SET_BYTES: u64 = 1 << 30;

/// Reads at most `limit` bytes of the regular file at `path` (symlinks followed).
/// The error's text is complete ("not a regular file", "is 300 MiB; idl refuses
/// ... over 256 MiB"), to follow "cannot read PATH: ".
pub fn read_regular_file(path: &Path, limit: u64, what: &str) -> io::Result<Vec<u8>> {
    let (file, len) = open_regular_file(path, limit, what)?;
    let mut bytes = Vec::with_capacity(len as usize);
    // `take` stops a file that grows while it is read.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit, what));
    }
    Ok(bytes)
}

/// The regular file at `path` opened for reading, with its length, refused when
/// it is over `limit` bytes.
fn open_regular_file(path: &Path, limit: u64, what: &str) -> io::Result<(File, u64)> {
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let file = open_nonblocking(path)?;
    // The path may have been swapped between the check and the open.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit, what));
    }
    Ok((file, meta.len()))
}

/// As [`read_regular_file`], into the shared buffer the text will live in: a
/// source's text is an `Arc<str>`, and reading into a `Vec` first made every
/// file's bytes twice, the copy being most of what reading cost (googleapis:
/// 6 % of `idl build`'s CPU, memcpy and the faults of the second buffer's pages).
fn read_regular_file_shared(path: &Path, limit: u64, what: &str) -> io::Result<Arc<[u8]>> {
    let (mut file, len) = open_regular_file(path, limit, what)?;
    let zeroed: Arc<[std::mem::MaybeUninit<u8>]> = Arc::new_zeroed_slice(len as usize);
    // SAFETY: every byte is initialised (to zero), and any bit pattern is a `u8`.
    let mut buffer: Arc<[u8]> = unsafe { zeroed.assume_init() };
    let slice = Arc::get_mut(&mut buffer).expect("a new buffer has one owner");
    let mut filled = 0;
    while filled < slice.len() {
        match file.read(&mut slice[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // A file that changed length while it was read: what was there, bounded.
    let mut rest = Vec::new();
    if filled == slice.len() {
        (&mut file).take(limit + 1 - len).read_to_end(&mut rest)?;
    }
    if filled == slice.len() && rest.is_empty() {
        return Ok(buffer);
    }
    let total = filled as u64 + rest.len() as u64;
    if total > limit {
        return Err(too_large(total, limit, what));
    }
    let mut bytes = buffer[..filled].to_vec();
    bytes.extend_from_slice(&rest);
    Ok(Arc::from(bytes))
}

/// Reads at most `limit` bytes from `reader` (stdin), refusing more.
pub fn read_bounded(reader: impl Read, limit: u64, what: &str) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit, what));
    }
    Ok(bytes)
}

/// Reads a `.proto` file as text: a regular file within [`MAX_PROTO_BYTES`], UTF-8,
/// no NUL byte. The error is an `[IO]` diagnostic at `display` (at the offending
/// byte for encoding problems).
pub fn read_proto_text(path: &Path, display: &str) -> Result<Arc<str>, Box<Diagnostic>> {
    let bytes = read_regular_file_shared(path, MAX_PROTO_BYTES, ".proto files")
        .map_err(|e| Box::new(Diagnostic::error(IO_RULE, format!("cannot read {display}: {e}")).with_path(display)))?;
    check_proto_text(&bytes, display)?;
    // SAFETY: the bytes were just checked to be UTF-8, and `str` is laid out as `[u8]`.
    Ok(unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) })
}

/// Checks that `bytes` are `.proto` text: UTF-8 without NUL bytes.
pub fn proto_text(bytes: Vec<u8>, display: &str) -> Result<Arc<str>, Box<Diagnostic>> {
    check_proto_text(&bytes, display)?;
    Ok(Arc::from(String::from_utf8(bytes).expect("checked to be UTF-8")))
}

/// The problem that keeps `bytes` from being `.proto` text (a NUL byte, invalid
/// UTF-8), located at the offending byte.
fn check_proto_text(bytes: &[u8], display: &str) -> Result<(), Box<Diagnostic>> {
    // Positions in undecodable input are computed on a lossy copy of the text.
    let error_at = |at: usize, message: String| {
        let file = SourceFile::new(display, display, Arc::from(String::from_utf8_lossy(bytes).as_ref()));
        let offset = String::from_utf8_lossy(&bytes[..at]).len();
        Box::new(Diagnostic::error(IO_RULE, message).with_span(&file, offset, offset + 1))
    };
    if let Some(nul) = memchr::memchr(0, bytes) {
        let message = "this looks like a binary file (it contains a NUL byte), not a .proto file";
        return Err(error_at(nul, message.into()));
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Ok(()),
        Err(e) => {
            let valid = e.valid_up_to();
            let message = format!("invalid UTF-8 (byte 0x{:02x}); .proto files must be UTF-8", bytes[valid]);
            Err(error_at(valid, message))
        }
    }
}

/// Reads a configuration file as UTF-8 text within [`MAX_CONFIG_BYTES`]; the error
/// text follows "cannot read config file PATH: ".
pub fn read_config_text(path: &Path) -> io::Result<String> {
    let bytes = read_regular_file(path, MAX_CONFIG_BYTES, "config files")?;
    String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("invalid UTF-8 at byte {}; config files must be UTF-8", e.utf8_error().valid_up_to()),
        )
    })
}

fn not_regular() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a regular file")
}

fn too_large(len: u64, limit: u64, what: &str) -> io::Error {
    let size = if len >= 1 << 20 { format!("{} MiB", len >> 20) } else { format!("{len} bytes") };
    let cap = if limit >= 1 << 20 { format!("{} MiB", limit >> 20) } else { format!("{limit} bytes") };
    io::Error::new(io::ErrorKind::InvalidData, format!("it is {size}; idl refuses {what} over {cap}"))
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Harmless on a regular file; on a FIFO swapped in after the check it makes
    // the open return instead of waiting for a writer.
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let error = read_regular_file(Path::new("/dev/zero"), 10, "files").unwrap_err();
        assert_eq!(error.to_string(), "not a regular file");
        let error = read_regular_file(Path::new("/"), 10, "files").unwrap_err();
        assert_eq!(error.to_string(), "not a regular file");
    }

    #[test]
    fn refuses_more_than_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        std::fs::write(&path, [b'x'; 11]).unwrap();
        let error = read_regular_file(&path, 10, "test files").unwrap_err();
        assert_eq!(error.to_string(), "it is 11 bytes; idl refuses test files over 10 bytes");
        assert_eq!(read_regular_file(&path, 11, "test files").unwrap().len(), 11);
        let error = read_bounded(&[0u8; 11][..], 10, "buffers").unwrap_err();
        assert_eq!(error.to_string(), "it is 11 bytes; idl refuses buffers over 10 bytes");
    }

    #[test]
    fn proto_text_is_read_into_its_shared_buffer_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.proto");
        for text in ["", "syntax = \"proto3\";\n", &"message M {}\n// 日本語 😀\n".repeat(10_000)] {
            std::fs::write(&path, text).unwrap();
            assert_eq!(&*read_proto_text(&path, "a.proto").unwrap(), text);
        }
        std::fs::write(&path, b"syntax\0").unwrap();
        let problem = read_proto_text(&path, "a.proto").unwrap_err();
        assert!(problem.message.contains("NUL byte"), "{}", problem.message);
        std::fs::write(&path, b"message \xff").unwrap();
        let problem = read_proto_text(&path, "a.proto").unwrap_err();
        assert!(problem.message.contains("invalid UTF-8 (byte 0xff)"), "{}", problem.message);
        let error = read_regular_file_shared(&path, 5, "test files").unwrap_err();
        assert_eq!(error.to_string(), "it is 9 bytes; idl refuses test files over 5 bytes");
    }
}
