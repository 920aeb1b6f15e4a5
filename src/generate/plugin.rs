//! Running one plugin on one request: a program speaking protoc's plugin
//! protocol on stdin/stdout, a generator built into protoc, or one of idl's
//! built-ins. Each run gets its own pipes, so no plugin's output mixes with
//! another's; a run that outlives the timeout is killed.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use prost::Message;
use wait_timeout::ChildExt;

use super::config::find_on_path;

/// `CodeGeneratorResponse` (plugin.proto). Strings are read as bytes: proto2
/// strings are not checked for UTF-8 by protoc either.
#[derive(Clone, PartialEq, Message)]
pub struct CodeGeneratorResponse {
    #[prost(bytes = "vec", optional, tag = "1")]
    pub error: Option<Vec<u8>>,
    #[prost(uint64, optional, tag = "2")]
    pub supported_features: Option<u64>,
    #[prost(int32, optional, tag = "3")]
    pub minimum_edition: Option<i32>,
    #[prost(int32, optional, tag = "4")]
    pub maximum_edition: Option<i32>,
    #[prost(message, repeated, tag = "15")]
    pub file: Vec<ResponseFile>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ResponseFile {
    #[prost(bytes = "vec", optional, tag = "1")]
    pub name: Option<Vec<u8>>,
    #[prost(bytes = "vec", optional, tag = "2")]
    pub insertion_point: Option<Vec<u8>>,
    #[prost(bytes = "vec", optional, tag = "15")]
    pub content: Option<Vec<u8>>,
}

pub const FEATURE_PROTO3_OPTIONAL: u64 = 1;
pub const FEATURE_SUPPORTS_EDITIONS: u64 = 2;

/// Why a run failed: the message, and notes (stderr, the PATH searched).
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub notes: Vec<String>,
}

impl Failure {
    fn new(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), notes: Vec::new() }
    }
}

/// Finds the program of a `local:` plugin: a path (relative to `cwd`) when the
/// name has a `/`, else the first match on PATH.
pub fn resolve_program(program: &str, cwd: &Path) -> Result<PathBuf, Failure> {
    if program.contains('/') {
        let path = cwd.join(program);
        if path.is_file() {
            return Ok(path);
        }
        return Err(Failure::new(format!("plugin `{program}` not found: {} does not exist", path.display())));
    }
    find_on_path(program).ok_or_else(|| {
        let searched = std::env::var("PATH").unwrap_or_default();
        Failure {
            message: format!("plugin `{program}` not found on PATH"),
            notes: vec![format!("searched PATH: {searched}")],
        }
    })
}

/// Runs `argv` with `input` on stdin; the bytes it wrote to stdout.
pub fn run_program(argv: &[PathBuf], input: Arc<Vec<u8>>, timeout: Duration, shown: &str) -> Result<Vec<u8>, Failure> {
    let mut child = Command::new(&argv[0])
        .args(&argv[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| Failure::new(format!("cannot run plugin `{shown}`: {error}")))?;
    let mut stdin = child.stdin.take().expect("piped");
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    // A plugin may answer before reading all of its input (or never read it):
    // writing, reading and waiting happen on their own threads.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stdout.read_to_end(&mut bytes).map(|_| bytes)
    });
    let errors = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failure {
                message: format!("plugin `{shown}` did not finish within {}s and was stopped", timeout.as_secs_f64()),
                notes: vec!["raise the limit with --timeout SECONDS".into()],
            });
        }
        Err(error) => return Err(Failure::new(format!("cannot wait for plugin `{shown}`: {error}"))),
    };
    let _ = writer.join();
    let output = reader.join().ok().and_then(Result::ok).unwrap_or_default();
    let stderr_text = String::from_utf8_lossy(&errors.join().unwrap_or_default()).trim_end().to_string();
    if !status.success() {
        let how = match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_string(),
        };
        let mut failure = Failure::new(format!("plugin `{shown}` {how}"));
        if !stderr_text.is_empty() {
            failure.notes.push(format!("its stderr:\n{stderr_text}"));
        }
        return Err(failure);
    }
    Ok(output)
}

/// Decodes a plugin's stdout.
pub fn decode_response(bytes: &[u8], shown: &str) -> Result<CodeGeneratorResponse, Failure> {
    CodeGeneratorResponse::decode(bytes).map_err(|error| {
        let preview: String = String::from_utf8_lossy(&bytes[..bytes.len().min(60)]).chars().take(60).collect();
        Failure {
            message: format!("plugin `{shown}` wrote something that is not a CodeGeneratorResponse ({error})"),
            notes: vec![format!("its stdout began with: {preview:?}")],
        }
    })
}

/// Runs a generator built into protoc: the request's files go in as a
/// descriptor set, the files protoc writes into a scratch directory come back
/// as the response.
pub fn run_protoc_builtin(
    name: &str,
    protoc: &[String],
    cwd: &Path,
    descriptor_set: &[u8],
    files: &[&str],
    parameter: &str,
    timeout: Duration,
) -> Result<CodeGeneratorResponse, Failure> {
    let shown = format!("protoc_builtin:{name}");
    let mut argv: Vec<PathBuf> = if protoc.is_empty() {
        vec![resolve_program("protoc", cwd)?]
    } else {
        let mut argv = vec![resolve_program(&protoc[0], cwd)?];
        argv.extend(protoc[1..].iter().map(PathBuf::from));
        argv
    };
    let scratch = tempfile::tempdir().map_err(|e| Failure::new(format!("cannot create a scratch directory: {e}")))?;
    let set = scratch.path().join("request.binpb");
    let out = scratch.path().join("out");
    std::fs::create_dir(&out)
        .and_then(|()| std::fs::write(&set, descriptor_set))
        .map_err(|e| Failure::new(format!("cannot write to a scratch directory: {e}")))?;
    argv.push(format!("--descriptor_set_in={}", set.display()).into());
    let out_arg = if parameter.is_empty() {
        format!("--{name}_out={}", out.display())
    } else {
        format!("--{name}_out={parameter}:{}", out.display())
    };
    argv.push(out_arg.into());
    argv.extend(files.iter().map(PathBuf::from));
    run_program(&argv, Arc::new(Vec::new()), timeout, &shown)?;
    let mut response = CodeGeneratorResponse::default();
    let mut pending = vec![out.clone()];
    let mut written = Vec::new();
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| Failure::new(format!("cannot read protoc's output: {e}")))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(relative) = path.strip_prefix(&out) {
                written.push(relative.to_path_buf());
            }
        }
    }
    written.sort();
    for relative in written {
        let content = std::fs::read(out.join(&relative))
            .map_err(|e| Failure::new(format!("cannot read protoc's output: {e}")))?;
        response.file.push(ResponseFile {
            name: Some(relative.to_string_lossy().replace('\\', "/").into_bytes()),
            insertion_point: None,
            content: Some(content),
        });
    }
    response.supported_features = Some(FEATURE_PROTO3_OPTIONAL | FEATURE_SUPPORTS_EDITIONS);
    Ok(response)
}
