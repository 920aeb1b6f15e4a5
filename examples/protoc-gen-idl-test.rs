//! A protoc plugin for idl's own tests and benchmarks (not part of idl): by
//! default it reads the request and answers an empty response that declares
//! support for proto3 `optional` and editions 2023–2024, which is all protoc,
//! buf and idl need to count a run as done. The request's parameter picks other
//! behaviours, comma-separated:
//!
//! - `capture=PATH`: also write the request's bytes to PATH;
//! - `mode=write`: one file per file to generate, `NAME.txt`, naming its source;
//! - `mode=file`, `file=NAME`, `content=TEXT`: one file NAME with TEXT;
//! - `mode=insert`, `file=NAME`, `point=P`, `content=TEXT`: insert TEXT into NAME at P;
//! - `mode=garbage`: bytes that are not a response;
//! - `mode=exit`: a message on stderr and exit status 3;
//! - `mode=error`: a response carrying an error;
//! - `mode=hang`: never answer;
//! - `features=N`: declare these supported_features instead of 3.

use std::io::{Read, Write};

use prost::encoding::{WireType, decode_key, decode_varint, encode_key, encode_varint};

fn main() {
    let mut request = Vec::new();
    std::io::stdin().read_to_end(&mut request).expect("read stdin");
    let (files, parameter) = scan(&request);
    let option = |key: &str| {
        parameter.split(',').find_map(|kv| kv.strip_prefix(key).and_then(|r| r.strip_prefix('='))).map(str::to_string)
    };
    if let Some(path) = option("capture") {
        std::fs::write(path, &request).expect("write capture");
    }
    let features: u64 = option("features").and_then(|f| f.parse().ok()).unwrap_or(3);
    let mut response = Vec::new();
    let content = option("content").unwrap_or_default().replace("\\n", "\n");
    match option("mode").as_deref().unwrap_or("empty") {
        "garbage" => {
            std::io::stdout().write_all(b"not a CodeGeneratorResponse\n").unwrap();
            return;
        }
        "exit" => {
            eprintln!("protoc-gen-idl-test: something broke");
            std::process::exit(3);
        }
        "hang" => loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        },
        "error" => put_bytes(&mut response, 1, b"unsupported option: mode=error"),
        "write" => {
            for name in &files {
                let generated = format!("{}.txt", name.trim_end_matches(".proto"));
                put_file(&mut response, &generated, None, format!("generated from {name}\n").as_bytes());
            }
        }
        "file" => put_file(&mut response, &option("file").unwrap_or_default(), None, content.as_bytes()),
        "insert" => put_file(
            &mut response,
            &option("file").unwrap_or_default(),
            Some(&option("point").unwrap_or_default()),
            content.as_bytes(),
        ),
        _ => {}
    }
    encode_key(2, WireType::Varint, &mut response);
    encode_varint(features, &mut response);
    if features & 2 != 0 {
        for (number, edition) in [(3, 1000u64), (4, 1001)] {
            encode_key(number, WireType::Varint, &mut response);
            encode_varint(edition, &mut response);
        }
    }
    std::io::stdout().write_all(&response).expect("write stdout");
}

/// `file_to_generate` and `parameter`, read without decoding the descriptors.
fn scan(mut bytes: &[u8]) -> (Vec<String>, String) {
    let mut files = Vec::new();
    let mut parameter = String::new();
    while !bytes.is_empty() {
        let Ok((number, wire)) = decode_key(&mut bytes) else { break };
        match wire {
            WireType::LengthDelimited => {
                let Ok(len) = decode_varint(&mut bytes) else { break };
                let (value, rest) = bytes.split_at(len as usize);
                bytes = rest;
                match number {
                    1 => files.push(String::from_utf8_lossy(value).into_owned()),
                    2 => parameter = String::from_utf8_lossy(value).into_owned(),
                    _ => {}
                }
            }
            WireType::Varint => {
                let _ = decode_varint(&mut bytes);
            }
            _ => break,
        }
    }
    (files, parameter)
}

fn put_bytes(out: &mut Vec<u8>, number: u32, bytes: &[u8]) {
    encode_key(number, WireType::LengthDelimited, out);
    encode_varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

fn put_file(out: &mut Vec<u8>, name: &str, insertion_point: Option<&str>, content: &[u8]) {
    let mut file = Vec::new();
    put_bytes(&mut file, 1, name.as_bytes());
    if let Some(point) = insertion_point {
        put_bytes(&mut file, 2, point.as_bytes());
    }
    put_bytes(&mut file, 15, content);
    put_bytes(out, 15, &file);
}
