//! Compile once: every file of the workspace (and its imports) is read once,
//! parsed by idl's own parser, lowered to descriptors, and linked together in one
//! `prost_reflect::DescriptorPool`. Lint, breaking, docs and errors all read the
//! resulting [`Compilation`].

pub mod descriptor;
mod locations;
mod lower;

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
}

impl Compilation {
    pub fn file(&self, name: &str) -> Option<&CompiledFile> {
        self.files.iter().find(|f| f.source.name == name)
    }

    /// The files the user asked to check that compiled.
    pub fn targets(&self) -> impl Iterator<Item = &CompiledFile> {
        self.files.iter().filter(|f| f.is_target && self.pool.get_file_by_name(&f.source.name).is_some())
    }
}
