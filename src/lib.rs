//! `idl`: lint, format, breaking-change checks, docs and error tables for protobuf
//! monorepos. The binary is a thin shell over this library (the fuzz targets and
//! integration tests use it directly).

pub mod annotations;
pub mod api;
pub mod breaking;
pub mod cache;
pub mod checked_read;
pub mod cli;
pub mod compile;
pub mod config;
pub mod config_reference;
pub mod configcheck;
pub mod diagnostic;
pub mod docs;
pub mod errors;
pub mod format;
pub mod generate;
pub mod in_place;
pub mod layout;
pub mod lint;
pub mod lsp;
pub mod migrate;
pub mod oom;
pub mod openapi;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod source;
pub mod syntax;
pub mod workspace;

/// The compile step allocates millions of small objects (locations, names,
/// descriptors); mimalloc roughly halves the time glibc's allocator spends there.
/// Built with `no_thp`: transparent huge pages made the kernel zero and compact
/// 2 MiB pages on a busy machine, adding 1.5–2.5 s of system time to a
/// googleapis build (measured interleaved with buf, as CI runs).
/// Wrapped so that running out of memory is a clean exit 2 (see `oom`).
#[global_allocator]
static GLOBAL: oom::ExitOnOutOfMemory<mimalloc::MiMalloc> = oom::ExitOnOutOfMemory(mimalloc::MiMalloc);
