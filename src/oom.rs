//! Running out of memory ends idl with a message and exit code 2, not SIGABRT.
//!
//! Rust's default answer to a failed allocation is to print "memory allocation
//! of N bytes failed" and abort (exit 134, a core dump, and in CI a log that
//! reads like a crash of idl). A huge input under `ulimit -v` or a container's
//! memory limit is an input problem, so the global allocator is wrapped: when the
//! inner allocator returns null, idl writes one line to stderr and exits with 2.
//! Nothing may allocate at that point, so the message is assembled in a stack
//! buffer and written with `write(2)`, and the process ends with `_exit` (no
//! destructors, no buffered output that would need memory to flush).

use std::alloc::{GlobalAlloc, Layout};

/// `A` with out-of-memory turned into a clean exit.
pub struct ExitOnOutOfMemory<A>(pub A);

// SAFETY: every call is forwarded to `A` unchanged; only a null result is
// intercepted, and that path never returns.
unsafe impl<A: GlobalAlloc> GlobalAlloc for ExitOnOutOfMemory<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let pointer = unsafe { self.0.alloc(layout) };
        if pointer.is_null() {
            out_of_memory(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let pointer = unsafe { self.0.alloc_zeroed(layout) };
        if pointer.is_null() {
            out_of_memory(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let pointer = unsafe { self.0.realloc(pointer, layout, new_size) };
        if pointer.is_null() {
            out_of_memory(new_size);
        }
        pointer
    }
}

/// The exit code of a run that ran out of memory (an input or environment problem).
pub const EXIT_OUT_OF_MEMORY: i32 = 2;

/// The stderr line, without the number of bytes and the newline.
const MESSAGE: &[u8] = b"idl: out of memory: an allocation of ";
const MESSAGE_END: &[u8] = b" bytes failed; the input is too large for the memory available \
(ulimit -v, a container limit)\n";

fn out_of_memory(size: usize) -> ! {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut n = size;
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut line = [0u8; 256];
    let mut length = 0;
    for part in [MESSAGE, &digits[start..], MESSAGE_END] {
        let end = (length + part.len()).min(line.len());
        line[length..end].copy_from_slice(&part[..end - length]);
        length = end;
    }
    write_stderr(&line[..length]);
    exit_now()
}

#[cfg(unix)]
fn write_stderr(bytes: &[u8]) {
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: writes from a valid buffer to file descriptor 2.
        let written = unsafe { libc::write(2, rest.as_ptr().cast(), rest.len()) };
        if written <= 0 {
            return;
        }
        rest = &rest[written as usize..];
    }
}

#[cfg(unix)]
fn exit_now() -> ! {
    // SAFETY: `_exit` ends the process without running anything else.
    unsafe { libc::_exit(EXIT_OUT_OF_MEMORY) }
}

#[cfg(not(unix))]
fn write_stderr(bytes: &[u8]) {
    use std::io::Write;
    let _ = std::io::stderr().write_all(bytes);
}

#[cfg(not(unix))]
fn exit_now() -> ! {
    std::process::exit(EXIT_OUT_OF_MEMORY)
}
