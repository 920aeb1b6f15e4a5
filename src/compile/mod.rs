//! Compile once: every file of the workspace (and its imports) is read once,
//! parsed by idl's own parser, lowered to descriptors, and linked together in one
//! `prost_reflect::DescriptorPool`. Lint, breaking, docs and errors all read the
//! resulting [`Compilation`].

pub mod descriptor;
mod driver;
mod locations;
mod lower;
mod protoc_checks;
mod provider;
mod retention;
mod wkt;

pub(crate) use driver::PARALLEL_MIN_FILES;
pub use driver::PhaseTimer;
pub use driver::{COMPILE, IO, LoadCache, compile, compile_from, compile_with_cache, read_text_file};
pub(crate) use provider::display_path;
pub use provider::{FileProvider, MemoryFiles, OverlayFiles, ReadResult, WorkspaceFiles};

/// The compiler's built-in copy of `name` (a well-known type), which it uses for
/// an import unless the file is one of the workspace's own.
pub fn builtin_source(name: &str) -> Option<&'static str> {
    wkt::source(name)
}

pub use locations::{SourceLocation, SourceLocations};

/// `library.proto` (text `library`) compiled with google/api's annotations,
/// http and field_behavior files from testdata, asserting it compiles: the
/// fixture of the unit tests that read HTTP bindings and field behaviours.
#[cfg(test)]
pub(crate) fn compile_with_google_api(library: &str) -> Compilation {
    let mut files = std::collections::BTreeMap::new();
    let api = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/google-api/");
    for name in ["google/api/annotations.proto", "google/api/http.proto", "google/api/field_behavior.proto"] {
        let text = std::fs::read_to_string(format!("{api}{name}")).unwrap();
        files.insert(name.to_string(), (name.to_string(), std::sync::Arc::from(text)));
    }
    files.insert("library.proto".to_string(), ("library.proto".to_string(), std::sync::Arc::from(library)));
    let provider = MemoryFiles { files, targets: vec!["library.proto".into()], ..Default::default() };
    let compilation = compile_from(&provider);
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    compilation
}

use prost_reflect::DescriptorPool;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// How a file declares its language level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Proto2,
    Proto3,
    /// `edition = "2023"`: the `Edition` enum value (1000 for 2023, 1001 for 2024).
    Editions(i32),
}

/// One compiled file: its text, its source locations, and its lowered descriptor.
#[derive(Debug, Clone)]
pub struct CompiledFile {
    pub source: SourceFile,
    pub syntax: Syntax,
    /// Source locations by descriptor path, protoc's `SourceCodeInfo` with byte
    /// offsets. Option paths are the interpreted ones (`[8, 11]` for go_package).
    pub locations: SourceLocations,
    /// True for the files the user asked to check; false for imports only.
    pub is_target: bool,
    /// Built into idl (well-known types), not read from disk.
    pub is_builtin: bool,
    /// `import option` dependencies (edition 2024), which the pool does not keep.
    pub option_dependency: Vec<String>,
    /// `export`/`local` of messages and enums by descriptor path (edition 2024),
    /// which the pool does not keep either.
    pub visibilities: Vec<(Vec<i32>, i32)>,
    /// The top-level statements (kind, span, sort key), for lint rules about
    /// statement order; recorded while parsing so no rule parses the file again.
    pub top_level: Vec<crate::syntax::statements::TopDecl>,
    /// Real JSON names of fields whose names collide under a legacy JSON format
    /// (a protoc warning): the pool holds stand-ins, output restores these.
    pub json_names: Vec<(Vec<i32>, String)>,
}

/// The result of compiling a workspace.
pub struct Compilation {
    /// Every file that compiled, linked; imports and well-known types included.
    pub pool: DescriptorPool,
    /// Every file that was read, in import order (dependencies first).
    pub files: Vec<CompiledFile>,
    /// COMPILE / IO diagnostics. A file with errors is left out of `pool`.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    /// A compilation of nothing.
    pub fn empty() -> Compilation {
        Compilation { pool: DescriptorPool::new(), files: Vec::new(), diagnostics: Vec::new() }
    }

    pub fn file(&self, name: &str) -> Option<&CompiledFile> {
        self.files.iter().find(|f| f.source.name == name)
    }

    /// Whether any input failed to read, parse or link.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == crate::diagnostic::Severity::Error)
    }

    /// The files the user asked to check that compiled.
    pub fn targets(&self) -> impl Iterator<Item = &CompiledFile> {
        self.files.iter().filter(|f| f.is_target && self.pool.get_file_by_name(&f.source.name).is_some())
    }
}

impl Compilation {
    /// A `FileDescriptorSet` of every linked file, dependencies first (as
    /// `protoc --include_imports --descriptor_set_out` writes it).
    pub fn file_descriptor_set(&self, include_source_info: bool) -> Vec<u8> {
        use rayon::prelude::*;
        // Each file is re-encoded on its own (in parallel), then framed as
        // `FileDescriptorSet.file` entries.
        let encoder = self.encoder();
        let encoded: Vec<Vec<u8>> =
            self.files.par_iter().filter_map(|f| encoder.encode(f, include_source_info, false)).collect();
        let mut set = Vec::with_capacity(encoded.iter().map(|e| e.len() + 6).sum());
        for bytes in encoded {
            prost::encoding::encode_key(1, prost::encoding::WireType::LengthDelimited, &mut set);
            prost::encoding::encode_varint(bytes.len() as u64, &mut set);
            set.extend_from_slice(&bytes);
        }
        set
    }
}

impl Compilation {
    /// An encoder of single files as protoc emits them (what `generate` puts in a
    /// `CodeGeneratorRequest`).
    pub fn encoder(&self) -> FileEncoder<'_> {
        FileEncoder { pool: &self.pool, stripper: retention::Stripper::new(&self.pool) }
    }
}

/// Encodes one linked file as a `FileDescriptorProto`, exactly as protoc writes it.
pub struct FileEncoder<'a> {
    pool: &'a DescriptorPool,
    stripper: retention::Stripper<'a>,
}

impl FileEncoder<'_> {
    /// The file's encoding, with source info when asked; source-retention options
    /// are dropped unless `keep_source_retention` (protoc keeps them only in a
    /// plugin request's `source_file_descriptors`). `None` when the file did not link.
    pub fn encode(&self, f: &CompiledFile, include_source_info: bool, keep_source_retention: bool) -> Option<Vec<u8>> {
        let info = include_source_info.then(|| encode_source_code_info(f));
        let (kept, stripped) = self.encode_without_source_info(f, !keep_source_retention)?;
        let bytes = if keep_source_retention { kept } else { stripped.unwrap_or(kept) };
        Some(match &info {
            Some(info) => insert_source_code_info(&bytes, info),
            None => bytes,
        })
    }

    /// Both encodings a plugin request needs, with source info built once: the
    /// file as it is (`source_file_descriptors`, and `proto_file` for imports),
    /// and without its source-retention options (`proto_file` for a file to
    /// generate), `None` when that is the same bytes. `None` when the file did
    /// not link.
    pub fn encode_for_request(&self, f: &CompiledFile) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
        let (kept, stripped) = self.encode_without_source_info(f, true)?;
        let info = encode_source_code_info(f);
        Some((insert_source_code_info(&kept, &info), stripped.map(|s| insert_source_code_info(&s, &info))))
    }

    /// The file without source info, and (when `strip` and it has any) without
    /// its source-retention options.
    fn encode_without_source_info(&self, f: &CompiledFile, strip: bool) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
        use prost::Message;
        let linked = self.pool.get_file_by_name(&f.source.name)?;
        let bytes = linked.encode_to_vec();
        let strips = strip && self.stripper.may_strip(&linked) && self.stripper.changes(&bytes);
        let plain = !matches!(f.syntax, Syntax::Editions(_))
            && f.option_dependency.is_empty()
            && f.visibilities.is_empty()
            && f.json_names.is_empty();
        if plain && !strips {
            // The pool's encoding is the output.
            return Some((bytes, None));
        }
        let mut proto = descriptor::FileDescriptorProto::decode(bytes.as_slice()).ok()?;
        // The pool saw editions files as proto2; restore what they declare.
        if let Syntax::Editions(edition) = f.syntax {
            proto.syntax = Some("editions".into());
            proto.edition = Some(edition);
        }
        proto.option_dependency = f.option_dependency.clone();
        for (path, visibility) in &f.visibilities {
            set_visibility(&mut proto, path, *visibility);
        }
        protoc_checks::restore_json_names(&mut proto, &f.json_names);
        let kept = if plain { bytes } else { proto.encode_to_vec() };
        if !strips {
            return Some((kept, None));
        }
        self.stripper.strip_file(&mut proto);
        Some((kept, Some(proto.encode_to_vec())))
    }
}

/// `FileDescriptorProto.source_code_info`.
const SOURCE_CODE_INFO_FIELD: u32 = 9;

/// Inserts `info` as field 9 of an encoded `FileDescriptorProto`, before the
/// first field numbered higher, so the bytes keep field-number order as protoc
/// writes them.
fn insert_source_code_info(file: &[u8], encoded: &[u8]) -> Vec<u8> {
    use prost::encoding::{WireType, decode_key, decode_varint, encode_key, encode_varint};
    let mut rest = file;
    let mut at = file.len();
    while !rest.is_empty() {
        let start = file.len() - rest.len();
        let Ok((number, wire)) = decode_key(&mut rest) else { break };
        if number > SOURCE_CODE_INFO_FIELD {
            at = start;
            break;
        }
        let skipped = match wire {
            WireType::Varint => decode_varint(&mut rest).is_ok(),
            WireType::SixtyFourBit => rest.get(8..).map(|r| rest = r).is_some(),
            WireType::ThirtyTwoBit => rest.get(4..).map(|r| rest = r).is_some(),
            WireType::LengthDelimited => {
                decode_varint(&mut rest).ok().and_then(|n| rest.get(n as usize..)).map(|r| rest = r).is_some()
            }
            WireType::StartGroup | WireType::EndGroup => false,
        };
        if !skipped {
            break;
        }
    }
    let mut out = Vec::with_capacity(file.len() + encoded.len() + 6);
    out.extend_from_slice(&file[..at]);
    encode_key(SOURCE_CODE_INFO_FIELD, WireType::LengthDelimited, &mut out);
    encode_varint(encoded.len() as u64, &mut out);
    out.extend_from_slice(encoded);
    out.extend_from_slice(&file[at..]);
    out
}

/// Sets `visibility` on the message or enum at a descriptor path
/// (`[4, i, (3, j)*]` for messages, with a last step `[5, k]` or `[4, k]` for enums).
fn set_visibility(file: &mut descriptor::FileDescriptorProto, path: &[i32], visibility: i32) {
    use descriptor::tag;
    let [first, index, rest @ ..] = path else { return };
    if *first == tag::file::ENUM_TYPE {
        if let Some(e) = file.enum_type.get_mut(*index as usize) {
            e.visibility = Some(visibility);
        }
        return;
    }
    let Some(mut message) = file.message_type.get_mut(*index as usize) else { return };
    let mut rest = rest;
    while let [kind, index, tail @ ..] = rest {
        match *kind {
            tag::message::NESTED_TYPE => {
                let Some(m) = message.nested_type.get_mut(*index as usize) else { return };
                message = m;
            }
            tag::message::ENUM_TYPE => {
                if let Some(e) = message.enum_type.get_mut(*index as usize) {
                    e.visibility = Some(visibility);
                }
                return;
            }
            _ => return,
        }
        rest = tail;
    }
    message.visibility = Some(visibility);
}

/// protoc's `SourceCodeInfo` for a file, encoded: spans as `[line, col, end_col]`
/// or `[line, col, end_line, end_col]`, 0-based, columns in bytes with tabs to 8.
/// Written straight to bytes (the same bytes prost writes for
/// `descriptor::SourceCodeInfo`): a request encodes every file's locations, and
/// building the message first cost as much again.
fn encode_source_code_info(f: &CompiledFile) -> Vec<u8> {
    use prost::encoding::{WireType, encode_key, encode_varint, encoded_len_varint};
    fn packed(out: &mut Vec<u8>, number: u32, values: &[i32]) {
        if values.is_empty() {
            return;
        }
        encode_key(number, WireType::LengthDelimited, out);
        let len: usize = values.iter().map(|&v| encoded_len_varint(v as i64 as u64)).sum();
        encode_varint(len as u64, out);
        for &v in values {
            encode_varint(v as i64 as u64, out);
        }
    }
    fn string(out: &mut Vec<u8>, number: u32, text: &str) {
        encode_key(number, WireType::LengthDelimited, out);
        encode_varint(text.len() as u64, out);
        out.extend_from_slice(text.as_bytes());
    }
    let mut out = Vec::with_capacity(f.locations.len() * 16);
    let mut location = Vec::with_capacity(64);
    for l in f.locations.iter() {
        let (sl, sc) = f.source.protoc_line_column(l.start as usize);
        let (el, ec) = f.source.protoc_line_column(l.end as usize);
        location.clear();
        packed(&mut location, 1, &l.path);
        if sl == el {
            packed(&mut location, 2, &[sl, sc, ec]);
        } else {
            packed(&mut location, 2, &[sl, sc, el, ec]);
        }
        if let Some(text) = l.leading() {
            string(&mut location, 3, text);
        }
        if let Some(text) = l.trailing() {
            string(&mut location, 4, text);
        }
        for text in l.detached() {
            string(&mut location, 6, text);
        }
        encode_key(1, WireType::LengthDelimited, &mut out);
        encode_varint(location.len() as u64, &mut out);
        out.extend_from_slice(&location);
    }
    out
}
