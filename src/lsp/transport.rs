//! The server's JSON-RPC framing on stdin/stdout, in place of `lsp-server`'s own
//! reader, which trusts `Content-Length`: it allocates whatever a header claims
//! (`8000000000` is 7.8 GB; `99999999999999` aborts; `18446744073709551615`
//! overflows) and ends the connection at the first malformed frame.
//!
//! Here a frame's body is read only when its length is within a bound (64 MiB
//! unless `idl lsp --max-message-bytes` says otherwise); a longer one is skipped
//! without being kept, in pieces, and answered with an error. Header lines are
//! bounded too. A malformed frame (no or bad `Content-Length`, a body that is not
//! JSON, JSON that is not a message) is answered with the JSON-RPC error the
//! specification gives for it (`-32700` parse error, `-32600` invalid request,
//! with the request's `id` when one can be read, else `null`), and the server
//! reads on. Messages still reach the server as `lsp_server::Message`s through an
//! `lsp_server::Connection`, so the rest of the server does not know the
//! difference.

use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender, bounded};
use lsp_server::{Connection, Message};
use serde_json::{Value, json};

/// The default bound on a message body: far above any real document (googleapis'
/// largest file is 4 MB), far below what would hurt the machine.
pub const DEFAULT_MAX_MESSAGE_BYTES: u64 = 64 * 1024 * 1024;

/// A header line longer than this is malformed (real ones are under 100 bytes).
const MAX_HEADER_LINE: usize = 8 * 1024;

/// JSON-RPC's error codes for bad input.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// What one frame of input was.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// A frame that cannot be handed to the server: answered with this error,
    /// after which the next `skip` bytes of input (an oversized body) are
    /// discarded with [`skip`] (the answer comes first, so a client that only
    /// claimed the size learns why nothing happens).
    Malformed {
        code: i32,
        message: String,
        id: Value,
        skip: u64,
    },
    /// The input ended (between frames or inside one).
    End,
}

/// Reads the next frame of `input`, keeping at most `max_body` bytes of it.
pub fn read_frame(input: &mut impl BufRead, max_body: u64) -> io::Result<Frame> {
    let mut length: Option<Result<u64, String>> = None;
    let mut problem: Option<String> = None;
    let mut seen_header = false;
    loop {
        let Some(line) = read_header_line(input)? else { return Ok(Frame::End) };
        let line = match line {
            HeaderLine::Text(line) => line,
            HeaderLine::TooLong => {
                problem.get_or_insert_with(|| format!("a header line longer than {MAX_HEADER_LINE} bytes"));
                seen_header = true;
                continue;
            }
        };
        if line.is_empty() {
            if seen_header {
                break;
            }
            // Blank lines between frames: tolerated.
            continue;
        }
        seen_header = true;
        // The body of a frame whose length was unusable shows up here as a
        // header line; the next frame's header may follow it on the same line.
        let line = match line.find("Content-Length:").or_else(|| line.find("content-length:")) {
            Some(at) if at > 0 => &line[at..],
            _ => line.as_str(),
        };
        let Some((name, value)) = line.split_once(':') else {
            problem.get_or_insert_with(|| format!("malformed header line {:?}", truncated(line)));
            continue;
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let value = value.trim();
            length = Some(
                value.parse::<u64>().map_err(|_| format!("Content-Length {:?} is not a byte count", truncated(value))),
            );
        }
    }
    let length = match (length, problem) {
        (Some(Ok(length)), None) => length,
        (Some(Err(problem)), _) | (_, Some(problem)) => {
            return Ok(malformed(PARSE_ERROR, format!("malformed message header: {problem}"), Value::Null));
        }
        (None, None) => {
            return Ok(malformed(PARSE_ERROR, "malformed message header: no Content-Length".into(), Value::Null));
        }
    };
    if length > max_body {
        let message = format!(
            "message of {length} bytes exceeds the limit of {max_body} bytes \
             (idl lsp --max-message-bytes); skipped"
        );
        return Ok(Frame::Malformed { code: INVALID_REQUEST, message, id: Value::Null, skip: length });
    }
    // Within the bound: reading it whole is fine (and `take` stops at the end).
    let mut body = Vec::with_capacity(length.min(64 * 1024) as usize);
    input.take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Ok(Frame::End);
    }
    Ok(decode(&body))
}

/// The message in a frame's body.
fn decode(body: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return malformed(PARSE_ERROR, format!("message body is not JSON: {error}"), Value::Null),
    };
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Frame::Message(message),
        Err(_) => malformed(
            INVALID_REQUEST,
            "not a JSON-RPC request, response or notification (one object with \"method\" or \"id\"; \
             batches are not supported)"
                .into(),
            id,
        ),
    }
}

fn malformed(code: i32, message: String, id: Value) -> Frame {
    Frame::Malformed { code, message, id, skip: 0 }
}

/// Discards `length` bytes of input in pieces, never holding them, so a client
/// that really sent an oversized body stays in step; whether they were all there.
pub fn skip(input: &mut impl BufRead, length: u64) -> io::Result<bool> {
    Ok(io::copy(&mut input.take(length), &mut io::sink())? == length)
}

fn truncated(text: &str) -> String {
    text.chars().take(80).collect()
}

enum HeaderLine {
    /// Without its line ending.
    Text(String),
    TooLong,
}

/// One header line, bounded: a longer one is consumed to its end and reported.
fn read_header_line(input: &mut impl BufRead) -> io::Result<Option<HeaderLine>> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            // End of input: a partial line is lost with the connection.
            return Ok(None);
        }
        let (taken, done) = match available.iter().position(|&b| b == b'\n') {
            Some(newline) => (newline + 1, true),
            None => (available.len(), false),
        };
        if !too_long {
            line.extend_from_slice(&available[..taken]);
            if line.len() > MAX_HEADER_LINE + 2 {
                too_long = true;
                line = Vec::new();
            }
        }
        input.consume(taken);
        if done {
            break;
        }
    }
    if too_long {
        return Ok(Some(HeaderLine::TooLong));
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    Ok(Some(HeaderLine::Text(String::from_utf8_lossy(&line).into_owned())))
}

/// The checks of the `lsp_frame` fuzz target on one input, shared with
/// `tests/fuzz_regressions.rs`, which replays the inputs it found. The first
/// byte picks how many bytes (1 to 16) each read hands out, so header lines and
/// bodies are split at every boundary a pipe can split them; the rest is the
/// input. Panics when the reader loops (a frame that consumed nothing), answers
/// a malformed frame with a code other than JSON-RPC's two, skips a body within
/// the bound, or loses step: the same bytes framed with their true
/// `Content-Length` must read as exactly one frame that consumes all of them.
#[doc(hidden)]
pub fn check_frame_invariants(data: &[u8]) {
    /// Small, so fuzzed lengths cross it both ways.
    const MAX_BODY: u64 = 512;
    let Some((&first, data)) = data.split_first() else { return };
    let piece = usize::from(first % 16) + 1;
    read_all_frames(&mut Pieces { data, at: 0, piece }, MAX_BODY);

    let mut framed = format!("Content-Length: {}\r\n\r\n", data.len()).into_bytes();
    framed.extend_from_slice(data);
    let mut input = Pieces { data: &framed, at: 0, piece };
    assert_eq!(read_all_frames(&mut input, MAX_BODY), 1, "a well-framed body was not read as one frame");
    assert_eq!(input.at, framed.len(), "the reader lost step with a well-framed body");
}

/// Reads every frame of `input` as the server does; how many there were.
fn read_all_frames(input: &mut Pieces<'_>, max_body: u64) -> usize {
    let mut frames = 0;
    loop {
        let before = input.at;
        match read_frame(input, max_body).expect("reading memory never fails") {
            Frame::End => return frames,
            Frame::Malformed { code, skip: length, .. } => {
                assert!(code == PARSE_ERROR || code == INVALID_REQUEST, "error code {code}");
                assert!(length == 0 || length > max_body, "skipped {length} bytes within the bound");
                skip(input, length).expect("reading memory never fails");
            }
            Frame::Message(_) => {}
        }
        assert!(input.at > before, "a frame that consumed no input");
        frames += 1;
    }
}

/// `data` handed out at most `piece` bytes at a time, as a pipe may.
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
        Ok(&self.data[self.at..(self.at + self.piece).min(self.data.len())])
    }
    fn consume(&mut self, n: usize) {
        self.at += n;
    }
}

/// Writes one message as a frame.
fn write_frame(output: &mut dyn Write, body: &[u8]) -> io::Result<()> {
    write!(output, "Content-Length: {}\r\n\r\n", body.len())?;
    output.write_all(body)?;
    output.flush()
}

/// The reader and writer threads behind a [`Connection`].
pub struct IoThreads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for the reader (which stops after `exit` or at the end of input) and
    /// the writer (which stops once every sender is dropped and the queue is sent).
    pub fn join(self) -> io::Result<()> {
        let reader = self.reader.join().unwrap_or_else(|_| Err(io::Error::other("the reader panicked")));
        let writer = self.writer.join().unwrap_or_else(|_| Err(io::Error::other("the writer panicked")));
        reader.and(writer)
    }
}

/// A connection over stdin and stdout.
pub fn stdio(max_message_bytes: u64) -> (Connection, IoThreads) {
    connect(io::BufReader::new(io::stdin()), io::stdout(), max_message_bytes)
}

/// A connection over any input and output (the tests use memory).
pub fn connect(
    mut input: impl BufRead + Send + 'static,
    output: impl Write + Send + 'static,
    max_message_bytes: u64,
) -> (Connection, IoThreads) {
    let output: Arc<Mutex<Box<dyn Write + Send>>> = Arc::new(Mutex::new(Box::new(output)));
    let (writer_sender, writer_receiver): (Sender<Message>, Receiver<Message>) = bounded(0);
    let writer_output = output.clone();
    let writer = std::thread::Builder::new()
        .name("idl-lsp-writer".into())
        .spawn(move || {
            for message in writer_receiver {
                let body = match message {
                    Message::Notification(notification) if notification.method == ENCODED => {
                        match notification.params {
                            Value::String(body) => body.into_bytes(),
                            _ => return Err(io::Error::other("an encoded message's body is not a string")),
                        }
                    }
                    message => with_version(&message)?,
                };
                let mut output = writer_output.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                write_frame(&mut **output, &body)?;
            }
            Ok(())
        })
        .expect("spawn the LSP writer thread");
    let (reader_sender, reader_receiver) = bounded::<Message>(0);
    let reader = std::thread::Builder::new()
        .name("idl-lsp-reader".into())
        .spawn(move || {
            loop {
                match read_frame(&mut input, max_message_bytes)? {
                    Frame::End => return Ok(()),
                    Frame::Message(message) => {
                        let is_exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                        if reader_sender.send(message).is_err() || is_exit {
                            return Ok(());
                        }
                    }
                    Frame::Malformed { code, message, id, skip: length } => {
                        let error = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
                        let body = serde_json::to_vec(&error)?;
                        {
                            let mut output = output.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                            write_frame(&mut **output, &body)?;
                        }
                        if !skip(&mut input, length)? {
                            return Ok(());
                        }
                    }
                }
            }
        })
        .expect("spawn the LSP reader thread");
    (Connection { sender: writer_sender, receiver: reader_receiver }, IoThreads { reader, writer })
}

/// The method of a notification that carries a whole message, serialised by
/// its sender (see [`encoded_notification`]); never written as such.
const ENCODED: &str = "$/idl/encoded";

/// A notification serialised here, straight from `params`, for the writer to
/// send as it is. Through a `Message`, `params` would become a `serde_json::Value`
/// first, one small allocation per JSON node, and then be serialised from that:
/// a publishDiagnostics of googleapis' largest file (6,339 findings, 2 MB) spent
/// 11 ms of the change round trip building the tree and as long writing it.
pub fn encoded_notification<P: serde::Serialize>(method: &str, params: &P) -> Message {
    #[derive(serde::Serialize)]
    struct Body<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    let body = serde_json::to_string(&Body { jsonrpc: "2.0", method, params })
        .expect("LSP types serialise to JSON (string keys, finite numbers)");
    Message::Notification(lsp_server::Notification { method: ENCODED.to_string(), params: Value::String(body) })
}

/// The message's JSON with JSON-RPC's `"jsonrpc": "2.0"`, which `Message` leaves
/// out. Written in front of the message's own fields instead of inserted into a
/// copy of it as a `Value`: a publishDiagnostics of thousands of findings is
/// serialised once, not copied, serialised and dropped twice.
fn with_version(message: &Message) -> io::Result<Vec<u8>> {
    let body = serde_json::to_vec(message)?;
    let Some(fields) = body.strip_prefix(b"{") else {
        return Err(io::Error::other("an LSP message is not a JSON object"));
    };
    let mut versioned = Vec::with_capacity(body.len() + 20);
    versioned.extend_from_slice(br#"{"jsonrpc":"2.0""#);
    if fields != b"}" {
        versioned.push(b',');
    }
    versioned.extend_from_slice(fields);
    Ok(versioned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8], max_body: u64) -> Vec<Frame> {
        let mut reader = io::BufReader::with_capacity(16, input);
        let mut frames = Vec::new();
        loop {
            match read_frame(&mut reader, max_body).unwrap() {
                Frame::End => return frames,
                frame => {
                    let length = match &frame {
                        Frame::Malformed { skip, .. } => *skip,
                        _ => 0,
                    };
                    frames.push(frame);
                    if !skip(&mut reader, length).unwrap() {
                        return frames;
                    }
                }
            }
        }
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const PING: &str = r#"{"jsonrpc":"2.0","method":"ping"}"#;

    fn is_ping(frame: &Frame) -> bool {
        matches!(frame, Frame::Message(Message::Notification(n)) if n.method == "ping")
    }

    fn error_of(frame: &Frame) -> (i32, &str) {
        match frame {
            Frame::Malformed { code, message, .. } => (*code, message.as_str()),
            other => panic!("not an error: {other:?}"),
        }
    }

    #[test]
    fn an_encoded_notification_is_written_as_its_sender_serialised_it() {
        /// Output the test reads back once the writer is done.
        #[derive(Clone, Default)]
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let params = serde_json::json!({"uri": "file:///a.proto", "diagnostics": [{"message": "x"}], "version": 3});
        let output = Shared::default();
        let (connection, threads) = connect(io::Cursor::new(Vec::new()), output.clone(), DEFAULT_MAX_MESSAGE_BYTES);
        connection.sender.send(encoded_notification("textDocument/publishDiagnostics", &params)).unwrap();
        drop(connection);
        threads.join().unwrap();
        let written = String::from_utf8(output.0.lock().unwrap().clone()).unwrap();
        let (_, json) = written.split_once("\r\n\r\n").unwrap();
        let written: Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            written,
            serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params})
        );
    }

    #[test]
    fn written_messages_carry_the_jsonrpc_version_and_their_own_fields() {
        let notification = Message::Notification(lsp_server::Notification::new(
            "textDocument/publishDiagnostics".into(),
            json!({"uri": "file:///a.proto", "diagnostics": [{"message": "x \"quoted\" {"}]}),
        ));
        let response = Message::Response(lsp_server::Response::new_ok(lsp_server::RequestId::from(7), Value::Null));
        for message in [notification, response] {
            let written: Value = serde_json::from_slice(&with_version(&message).unwrap()).unwrap();
            let mut expected = serde_json::to_value(&message).unwrap();
            expected.as_object_mut().unwrap().insert("jsonrpc".into(), "2.0".into());
            assert_eq!(written, expected);
        }
    }

    #[test]
    fn well_formed_frames_are_messages() {
        let input = format!("{}\r\n{}", frame(PING), frame(PING));
        let frames = frames(input.as_bytes(), 1024);
        assert_eq!(frames.len(), 2);
        assert!(frames.iter().all(is_ping));
    }

    #[test]
    fn content_length_beyond_u64_is_an_error_not_a_panic() {
        // 2^64: does not parse; the next frame is still read.
        let input = format!("Content-Length: 18446744073709551616\r\n\r\n{}", frame(PING));
        let frames = frames(input.as_bytes(), 1024);
        assert_eq!(error_of(&frames[0]).0, PARSE_ERROR);
        assert!(error_of(&frames[0]).1.contains("not a byte count"), "{frames:?}");
        assert!(is_ping(frames.last().unwrap()), "{frames:?}");
    }

    #[test]
    fn huge_content_lengths_are_refused_without_allocating() {
        for claimed in ["18446744073709551615", "99999999999999", "8000000000"] {
            let input = format!("Content-Length: {claimed}\r\n\r\n{PING}");
            // Answered at once; the body is shorter than claimed, so the input
            // then ends inside the skipped frame.
            let frames = frames(input.as_bytes(), DEFAULT_MAX_MESSAGE_BYTES);
            assert_eq!(frames.len(), 1, "{claimed}: {frames:?}");
            let (code, message) = error_of(&frames[0]);
            assert_eq!(code, INVALID_REQUEST);
            assert!(
                message.starts_with(&format!("message of {claimed} bytes exceeds the limit of 67108864")),
                "{message}"
            );
        }
    }

    #[test]
    fn an_oversized_frame_is_skipped_and_answered() {
        let big = format!(r#"{{"jsonrpc":"2.0","method":"big","params":"{}"}}"#, "x".repeat(100));
        let input = format!("{}{}", frame(&big), frame(PING));
        let frames = frames(input.as_bytes(), 64);
        let (code, message) = error_of(&frames[0]);
        assert_eq!(code, INVALID_REQUEST);
        assert!(message.contains("exceeds the limit of 64 bytes"), "{message}");
        assert!(is_ping(&frames[1]));
    }

    #[test]
    fn bodies_that_are_not_messages_are_answered() {
        let input = format!(
            "{}{}{}{}",
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"params":{}}"#),
            frame("[]"),
            frame(PING)
        );
        let frames = frames(input.as_bytes(), 1024);
        assert_eq!(error_of(&frames[0]).0, PARSE_ERROR);
        assert_eq!(error_of(&frames[1]).0, INVALID_REQUEST);
        assert!(matches!(&frames[1], Frame::Malformed { id, .. } if *id == json!(7)));
        assert_eq!(error_of(&frames[2]).0, INVALID_REQUEST);
        assert!(is_ping(&frames[3]));
    }

    #[test]
    fn headers_without_a_length_and_overlong_lines_are_answered() {
        let long = "X".repeat(MAX_HEADER_LINE * 3);
        let input = format!(
            "Content-Type: json\r\n\r\n{long}\r\n\r\nContent-Length: -1\r\n\r\nnonsense\r\n\r\n{}",
            frame(PING)
        );
        let frames = frames(input.as_bytes(), 1024);
        assert!(error_of(&frames[0]).1.contains("no Content-Length"), "{frames:?}");
        assert!(error_of(&frames[1]).1.contains("longer than"), "{frames:?}");
        assert!(error_of(&frames[2]).1.contains("not a byte count"), "{frames:?}");
        assert!(is_ping(frames.last().unwrap()), "{frames:?}");
    }

    #[test]
    fn a_body_glued_to_the_next_header_does_not_lose_that_frame() {
        // `Content-Length: x` makes the body unreadable; the next frame's header
        // follows the body on the same line.
        let input = format!("Content-Length: x\r\n\r\n{PING}{}", frame(PING));
        let frames = frames(input.as_bytes(), 1024);
        assert_eq!(frames.len(), 2, "{frames:?}");
        assert!(is_ping(&frames[1]));
    }
}
