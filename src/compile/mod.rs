//! Compile once: every file of the workspace (and its imports) is read once,
//! parsed by idl's own parser, lowered to descriptors, and linked together in one
//! `prost_reflect::DescriptorPool`. Lint, breaking, docs and errors all read the
//! resulting [`Compilation`].

pub mod descriptor;
mod driver;
mod locations;
mod lower;
mod wkt;

pub use driver::{COMPILE, IO, compile};

pub use locations::{SourceLocation, SourceLocations};

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
}

/// The result of compiling a workspace.
pub struct Compilation {
    /// Every file that compiled, linked; imports and well-known types included.
    pub pool: DescriptorPool,
    /// Every file that was read, in import order (dependencies first).
    pub files: Vec<CompiledFile>,
    /// COMPILE / IO diagnostics. A file with errors is left out of `pool`.
    pub diagnostics: Vec<Diagnostic>,
    /// The lowered descriptors by file name: what the pool lost (editions
    /// syntax, `option_dependency`) is restored from these on output.
    lowered: std::collections::HashMap<String, descriptor::FileDescriptorProto>,
}

impl Compilation {
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
        use prost::Message;
        let mut set = descriptor::FileDescriptorSet::default();
        for f in &self.files {
            let Some(linked) = self.pool.get_file_by_name(&f.source.name) else {
                continue;
            };
            let Ok(mut proto) = descriptor::FileDescriptorProto::decode(linked.encode_to_vec().as_slice()) else {
                continue;
            };
            if let Some(lowered) = self.lowered.get(&f.source.name) {
                proto.syntax = lowered.syntax.clone();
                proto.edition = lowered.edition;
                proto.option_dependency = lowered.option_dependency.clone();
            }
            proto.source_code_info = include_source_info.then(|| source_code_info(f));
            set.file.push(proto);
        }
        set.encode_to_vec()
    }
}

/// protoc's `SourceCodeInfo` for a file: spans as `[line, col, end_col]` or
/// `[line, col, end_line, end_col]`, 0-based, columns in bytes with tabs to 8.
fn source_code_info(f: &CompiledFile) -> descriptor::SourceCodeInfo {
    let location = f
        .locations
        .iter()
        .map(|l| {
            let (sl, sc) = f.source.protoc_line_column(l.start as usize);
            let (el, ec) = f.source.protoc_line_column(l.end as usize);
            descriptor::Location {
                path: l.path.clone(),
                span: if sl == el { vec![sl, sc, ec] } else { vec![sl, sc, el, ec] },
                leading_comments: l.leading.clone(),
                trailing_comments: l.trailing.clone(),
                leading_detached_comments: l.detached.clone(),
            }
        })
        .collect();
    descriptor::SourceCodeInfo { location }
}
