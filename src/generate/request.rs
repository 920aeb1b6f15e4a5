//! The `CodeGeneratorRequest` exactly as protoc builds it: `file_to_generate` in
//! order, `parameter`, `compiler_version`, every file the ones to generate need in
//! protoc's order (a depth-first walk of the imports, dependencies first) with
//! source info and without source-retention options, and the files to generate
//! again in `source_file_descriptors` with those options kept.

use std::collections::HashMap;
use std::sync::Arc;

use prost::encoding::{WireType, encode_key, encode_varint};
use rayon::prelude::*;

use super::config::Managed;
use super::{RequestStyle, go_order, managed};
use crate::compile::{Compilation, Syntax};

/// `CodeGeneratorRequest` field numbers.
const FILE_TO_GENERATE: u32 = 1;
const PARAMETER: u32 = 2;
const COMPILER_VERSION: u32 = 3;
const PROTO_FILE: u32 = 15;
const SOURCE_FILE_DESCRIPTORS: u32 = 17;

/// `compiler_version`: what protoc reports as its version (`6.35.1` for protoc 35.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompilerVersion {
    pub major: i32,
    pub minor: i32,
    pub patch: i32,
    pub suffix: String,
}

impl CompilerVersion {
    /// `MAJOR.MINOR.PATCH[SUFFIX]` (`6.35.1`, `6.35.0-rc1`).
    pub fn parse(text: &str) -> Option<CompilerVersion> {
        let mut parts = text.splitn(3, '.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let rest = parts.next()?;
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let patch = rest[..digits].parse().ok()?;
        Some(CompilerVersion { major, minor, patch, suffix: rest[digits..].to_string() })
    }
}

/// Every linked file encoded once, as the requests of one run share them.
pub struct Encoded<'a> {
    pub compilation: &'a Compilation,
    /// Index into `compilation.files` by file name.
    pub index: HashMap<&'a str, usize>,
    /// Imports of each file (indices), in declaration order.
    pub deps: Vec<Vec<usize>>,
    /// `proto_file` entries: source info, managed mode applied, and for the
    /// files that may be generated source-retention options stripped. `None`
    /// for files that did not link.
    pub proto_file: Vec<Option<Arc<Vec<u8>>>>,
    /// `source_file_descriptors` entries for the files that may be generated.
    pub source_file: Vec<Option<Arc<Vec<u8>>>>,
}

impl<'a> Encoded<'a> {
    /// Encodes every linked file; `generated` marks those that may be a file to
    /// generate (their `source_file_descriptors` entry is encoded too).
    pub fn new(
        compilation: &'a Compilation,
        managed: &Managed,
        generated: &[bool],
        style: RequestStyle,
    ) -> Encoded<'a> {
        let index: HashMap<&str, usize> =
            compilation.files.iter().enumerate().map(|(i, f)| (f.source.name.as_str(), i)).collect();
        let deps = compilation
            .files
            .iter()
            .map(|f| {
                compilation.pool.get_file_by_name(&f.source.name).map_or_else(Vec::new, |linked| {
                    linked.dependencies().filter_map(|d| index.get(d.name()).copied()).collect()
                })
            })
            .collect();
        let encoder = compilation.encoder();
        let apply = |i: usize, bytes: Vec<u8>| {
            let f = &compilation.files[i];
            if f.is_builtin {
                return bytes;
            }
            let bytes = managed::apply(managed, &f.source.name, &bytes).unwrap_or(bytes);
            match style {
                RequestStyle::Buf => go_order::reorder_file(&compilation.pool, &bytes).unwrap_or(bytes),
                RequestStyle::Protoc => bytes,
            }
        };
        let (proto_file, source_file) = compilation
            .files
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                if !generated.get(i).copied().unwrap_or(false) {
                    // Imports go in as they are.
                    return (encoder.encode(f, true, true).map(|b| Arc::new(apply(i, b))), None);
                }
                // protoc strips source-retention options from the files to
                // generate only, and keeps them in `source_file_descriptors`;
                // most files have none, and both entries share one encoding.
                let Some((kept, stripped)) = encoder.encode_for_request(f) else { return (None, None) };
                let kept = Arc::new(apply(i, kept));
                let stripped = stripped.map_or_else(|| kept.clone(), |b| Arc::new(apply(i, b)));
                (Some(stripped), Some(kept))
            })
            .unzip();
        Encoded { compilation, index, deps, proto_file, source_file }
    }

    /// protoc's `proto_file` order for these files to generate: for each in turn,
    /// its imports depth-first (in declaration order), then itself.
    pub fn closure(&self, generate: &[usize]) -> Vec<usize> {
        let mut seen = vec![false; self.compilation.files.len()];
        let mut order = Vec::new();
        for &start in generate {
            self.visit(start, &mut seen, &mut order);
        }
        order
    }

    fn visit(&self, at: usize, seen: &mut [bool], order: &mut Vec<usize>) {
        // An explicit stack: import chains in real trees run a few hundred deep.
        let mut stack: Vec<(usize, usize)> = Vec::new();
        if seen[at] {
            return;
        }
        seen[at] = true;
        stack.push((at, 0));
        while let Some((file, next)) = stack.pop() {
            if let Some(&dep) = self.deps[file].get(next) {
                stack.push((file, next + 1));
                if !seen[dep] {
                    seen[dep] = true;
                    stack.push((dep, 0));
                }
            } else {
                order.push(file);
            }
        }
    }

    /// The encoded request.
    pub fn request(&self, generate: &[usize], parameter: &str, version: Option<&CompilerVersion>) -> Vec<u8> {
        let closure = self.closure(generate);
        let size: usize =
            closure.iter().filter_map(|&i| self.proto_file[i].as_ref()).map(|b| b.len() + 6).sum::<usize>()
                + generate.iter().filter_map(|&i| self.source_file[i].as_ref()).map(|b| b.len() + 6).sum::<usize>()
                + 1024;
        let mut out = Vec::with_capacity(size);
        for &i in generate {
            put_bytes(&mut out, FILE_TO_GENERATE, self.compilation.files[i].source.name.as_bytes());
        }
        if !parameter.is_empty() {
            put_bytes(&mut out, PARAMETER, parameter.as_bytes());
        }
        if let Some(version) = version {
            let mut v = Vec::new();
            for (number, value) in [(1, version.major), (2, version.minor), (3, version.patch)] {
                encode_key(number, WireType::Varint, &mut v);
                encode_varint(value as i64 as u64, &mut v);
            }
            put_bytes(&mut v, 4, version.suffix.as_bytes());
            put_bytes(&mut out, COMPILER_VERSION, &v);
        }
        for &i in &closure {
            if let Some(bytes) = &self.proto_file[i] {
                put_bytes(&mut out, PROTO_FILE, bytes);
            }
        }
        // In `proto_file` order, as protoc lists them.
        for &i in closure.iter().filter(|i| generate.contains(i)) {
            if let Some(bytes) = &self.source_file[i] {
                put_bytes(&mut out, SOURCE_FILE_DESCRIPTORS, bytes);
            }
        }
        out
    }

    /// The files of a request as a `FileDescriptorSet` (for `protoc --descriptor_set_in`).
    pub fn descriptor_set(&self, generate: &[usize]) -> Vec<u8> {
        let mut out = Vec::new();
        for i in self.closure(generate) {
            if let Some(bytes) = &self.proto_file[i] {
                put_bytes(&mut out, 1, bytes);
            }
        }
        out
    }

    /// Whether a file to generate uses proto3 `optional` (a plugin must declare
    /// FEATURE_PROTO3_OPTIONAL to get it).
    pub fn uses_proto3_optional(&self, i: usize) -> bool {
        let f = &self.compilation.files[i];
        if f.syntax != Syntax::Proto3 {
            return false;
        }
        let Some(linked) = self.compilation.pool.get_file_by_name(&f.source.name) else { return false };
        fn message(m: &prost_types::DescriptorProto) -> bool {
            m.field.iter().any(|f| f.proto3_optional == Some(true)) || m.nested_type.iter().any(message)
        }
        let proto = linked.file_descriptor_proto();
        proto.message_type.iter().any(message) || proto.extension.iter().any(|f| f.proto3_optional == Some(true))
    }
}

fn put_bytes(out: &mut Vec<u8>, number: u32, bytes: &[u8]) {
    encode_key(number, WireType::LengthDelimited, out);
    encode_varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!(
            CompilerVersion::parse("6.35.1"),
            Some(CompilerVersion { major: 6, minor: 35, patch: 1, suffix: String::new() })
        );
        assert_eq!(CompilerVersion::parse("6.35.0-rc1").unwrap().suffix, "-rc1");
        assert_eq!(CompilerVersion::parse("6.35"), None);
    }
}
