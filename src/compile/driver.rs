//! The compile pipeline: read → parse → lower (in parallel), resolve imports,
//! order files, link them in one `DescriptorPool`, and move option locations to
//! their interpreted paths.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use prost::Message;
use prost_reflect::{DescriptorPool, Kind};
use rayon::prelude::*;

use super::descriptor as d;
use super::lower::{self, Lowered, OptionRecord};
use super::{Compilation, CompiledFile, SourceLocations, Syntax, wkt};
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::syntax;
use crate::workspace::Workspace;

use super::provider::{FileProvider, ReadResult, WorkspaceFiles};

pub const COMPILE: &str = "COMPILE";
pub const IO: &str = "IO";

const DESCRIPTOR_PROTO: &str = "google/protobuf/descriptor.proto";

/// Files larger than this are refused before parsing (offsets are 32-bit and a
/// proto file this large is a mistake, not an API).
const MAX_FILE_BYTES: u64 = 256 << 20;

/// One file on its way through the pipeline.
pub(super) struct Unit {
    pub source: SourceFile,
    pub lowered: Option<Lowered>,
    pub is_target: bool,
    pub is_builtin: bool,
    pub failed: bool,
}

/// A loaded file and the problems found while loading it.
type LoadedUnit = (Unit, Vec<Diagnostic>);

/// Parses and lowers one file whose text has been read (or failed to be).
/// Problems become diagnostics; the unit is then marked failed.
pub(super) fn load(
    name: &str,
    text: ReadResult,
    is_builtin: bool,
    is_target: bool,
    diags: &mut Vec<Diagnostic>,
) -> Unit {
    let (display, text) = match text {
        Ok(t) => t,
        Err(d) => {
            let display = d.path.clone();
            diags.push(*d);
            return Unit {
                source: SourceFile::new(name, display, Arc::from("")),
                lowered: None,
                is_target,
                is_builtin: false,
                failed: true,
            };
        }
    };
    let source = SourceFile::new(name, display, text);
    let parsed = syntax::parse(&source.text);
    let mut failed = false;
    for e in &parsed.errors {
        diags.push(Diagnostic::error(COMPILE, &e.message).with_span(
            &source,
            e.span.start as usize,
            e.span.end as usize,
        ));
        failed = true;
    }
    if parsed.file.decls.is_empty() && parsed.errors.is_empty() {
        // protoc accepts it as an empty proto2 file, but it is always a mistake:
        // a truncated write, a placeholder, a bad merge.
        diags.push(
            Diagnostic::error(COMPILE, "empty file: no syntax, package or definitions").with_path(&source.display_path),
        );
        failed = true;
    }
    let lowered = lower::lower(name, &source.text, &parsed.file);
    for e in &lowered.errors {
        diags.push(Diagnostic::error(COMPILE, &e.message).with_span(
            &source,
            e.span.start as usize,
            e.span.end as usize,
        ));
        failed = true;
    }
    Unit { source, lowered: Some(lowered), is_target, is_builtin, failed }
}

/// Reads a file from disk as UTF-8 text, refusing what is not a .proto file.
pub fn read_text_file(path: &Path, display: &str) -> ReadResult {
    read_text(path, display).map(|text| (display.to_string(), text))
}

fn read_text(path: &Path, display: &str) -> Result<Arc<str>, Box<Diagnostic>> {
    let io_err = |msg: String| Box::new(Diagnostic::error(IO, msg).with_path(display));
    let meta = std::fs::metadata(path).map_err(|e| io_err(format!("cannot read {display}: {e}")))?;
    // A FIFO or device named *.proto would block or stream forever.
    if !meta.is_file() {
        return Err(io_err(format!("cannot read {display}: not a regular file")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(io_err(format!(
            "{display} is {} MiB; idl refuses .proto files over {} MiB",
            meta.len() >> 20,
            MAX_FILE_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| io_err(format!("cannot read {display}: {e}")))?;
    // Positions in undecodable input are computed on a lossy copy of the text.
    let error_at = |bytes: &[u8], at: usize, message: String| {
        let file = SourceFile::new(display, display, Arc::from(String::from_utf8_lossy(bytes).as_ref()));
        let offset = String::from_utf8_lossy(&bytes[..at]).len();
        Box::new(Diagnostic::error(IO, message).with_span(&file, offset, offset + 1))
    };
    if let Some(nul) = bytes.iter().position(|b| *b == 0) {
        let message = "this looks like a binary file (it contains a NUL byte), not a .proto file";
        return Err(error_at(&bytes, nul, message.into()));
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Arc::from(s)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let message = format!("invalid UTF-8 (byte 0x{:02x}); .proto files must be UTF-8", bytes[valid]);
            Err(error_at(&bytes, valid, message))
        }
    }
}

/// Compiles the workspace's target files and everything they import.
pub fn compile(ws: &Workspace) -> Compilation {
    compile_from(&WorkspaceFiles::new(ws))
}

/// Compiles the provider's targets and everything they import.
pub fn compile_from(provider: &dyn FileProvider) -> Compilation {
    let mut timer = PhaseTimer::from_env();
    let mut diagnostics = Vec::new();
    // Copies of the well-known types inside a tree never win: the built-in ones
    // are what every generator and runtime assumes.
    let fetch = |name: &str| -> Option<(ReadResult, bool)> {
        match wkt::source(name) {
            Some(text) => Some((Ok((name.to_string(), Arc::from(text))), true)),
            None => provider.read(name).map(|r| (r, false)),
        }
    };

    // 1. Targets, in parallel.
    let loaded: Vec<LoadedUnit> = provider
        .targets()
        .par_iter()
        .filter_map(|name| {
            let mut d = Vec::new();
            let (text, builtin) = fetch(name)?;
            Some((load(name, text, builtin, true, &mut d), d))
        })
        .collect();
    let mut units: Vec<Unit> = Vec::with_capacity(loaded.len());
    let mut index: HashMap<String, usize> = HashMap::new();
    for (u, d) in loaded {
        diagnostics.extend(d);
        index.insert(u.source.name.clone(), units.len());
        units.push(u);
    }

    timer.phase("load targets");

    // 2. Imports, breadth-first; each level loaded in parallel.
    let mut frontier: Vec<usize> = (0..units.len()).collect();
    let mut missing: HashSet<String> = HashSet::new();
    while !frontier.is_empty() {
        let mut wanted: Vec<String> = Vec::new();
        for &i in &frontier {
            if let Some(l) = &units[i].lowered {
                for dep in l.proto.dependency.iter().chain(&l.proto.option_dependency) {
                    if !index.contains_key(dep) && !missing.contains(dep) && !wanted.contains(dep) {
                        wanted.push(dep.clone());
                    }
                }
            }
        }
        let found: Vec<(String, Option<LoadedUnit>)> = wanted
            .into_par_iter()
            .map(|name| {
                let mut d = Vec::new();
                let unit = fetch(&name).map(|(text, builtin)| load(&name, text, builtin, false, &mut d));
                (name, unit.map(|u| (u, d)))
            })
            .collect();
        frontier.clear();
        for (name, unit) in found {
            match unit {
                Some((u, d)) => {
                    diagnostics.extend(d);
                    index.insert(name, units.len());
                    frontier.push(units.len());
                    units.push(u);
                }
                None => {
                    missing.insert(name);
                }
            }
        }
    }

    // descriptor.proto is always linked, imported or not: options are
    // interpreted against it (built-in options like `java_package` need no import).
    let mut implicit = HashSet::new();
    if !index.contains_key(DESCRIPTOR_PROTO) {
        let mut d = Vec::new();
        let text = Ok((DESCRIPTOR_PROTO.to_string(), Arc::from(wkt::source(DESCRIPTOR_PROTO).unwrap())));
        let u = load(DESCRIPTOR_PROTO, text, true, false, &mut d);
        diagnostics.extend(d);
        index.insert(DESCRIPTOR_PROTO.to_string(), units.len());
        units.push(u);
        implicit.insert(DESCRIPTOR_PROTO.to_string());
    }

    timer.phase("load imports");

    // 3. Report missing imports at the import statements that name them.
    for u in &mut units {
        let Some(l) = &u.lowered else { continue };
        for (i, dep) in l.proto.dependency.iter().enumerate() {
            if missing.contains(dep) {
                let loc = l.locations.get(&[d::tag::file::DEPENDENCY, i as i32]);
                let mut diag = Diagnostic::error(COMPILE, format!("Import \"{dep}\" was not found."))
                    .with_note(format!("searched: {}", provider.searched()));
                diag = match loc {
                    Some(loc) => diag.with_span(&u.source, loc.start as usize, loc.end as usize),
                    None => diag.with_path(&u.source.display_path),
                };
                diagnostics.push(diag);
                u.failed = true;
            }
        }
    }

    // 4. Order: dependencies first; cycles are errors.
    let order = topo_order(&mut units, &index, &mut diagnostics);

    // 5. A file whose import failed cannot link either.
    propagate_failures(&mut units, &index, &order);

    timer.phase("order");

    // 6. Link.
    let pool = link(&mut units, &index, &order, &mut diagnostics);
    timer.phase("link");

    // 7. Move option locations to their interpreted paths. The lowered
    // descriptors are dropped here: the pool has its own linked copy.
    let mut slots: Vec<Option<Unit>> = units.into_iter().map(Some).collect();
    let ordered: Vec<Unit> = order.iter().filter_map(|&i| slots[i].take()).collect();
    let files: Vec<CompiledFile> = ordered
        .into_par_iter()
        .filter(|u| !implicit.contains(&u.source.name))
        .map(|u| {
            let (locations, syntax, option_dependency, visibilities) = match u.lowered {
                Some(l) => {
                    let mut locs = l.locations;
                    if !u.failed {
                        remap_option_locations(&pool, l.proto.package.as_deref().unwrap_or(""), &l.options, &mut locs);
                    }
                    (locs, l.syntax, l.proto.option_dependency, l.visibilities)
                }
                None => (SourceLocations::default(), Syntax::Proto2, Vec::new(), Vec::new()),
            };
            CompiledFile {
                source: u.source,
                syntax,
                locations,
                is_target: u.is_target,
                is_builtin: u.is_builtin,
                option_dependency,
                visibilities,
            }
        })
        .collect();

    timer.phase("option locations");

    crate::diagnostic::sort_and_dedup(&mut diagnostics);
    Compilation { pool, files, diagnostics }
}

/// With `IDL_TIMINGS` set, prints how long each compile phase took to stderr:
/// the numbers behind docs/compile.md, measurable on any machine.
pub struct PhaseTimer {
    last: Option<std::time::Instant>,
}

impl PhaseTimer {
    pub fn from_env() -> PhaseTimer {
        PhaseTimer { last: std::env::var_os("IDL_TIMINGS").map(|_| std::time::Instant::now()) }
    }

    pub fn phase(&mut self, name: &str) {
        if let Some(last) = self.last {
            let now = std::time::Instant::now();
            eprintln!("idl: timing: {name}: {:.1} ms", (now - last).as_secs_f64() * 1000.0);
            self.last = Some(now);
        }
    }
}

fn deps_of(u: &Unit) -> impl Iterator<Item = &String> {
    u.lowered.iter().flat_map(|l| l.proto.dependency.iter().chain(&l.proto.option_dependency))
}

/// Depth-first post-order over imports, starting from files in name order so the
/// result is deterministic. A back edge is an import cycle.
fn topo_order(units: &mut [Unit], index: &HashMap<String, usize>, diags: &mut Vec<Diagnostic>) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Active,
        Done,
    }
    let mut state = vec![State::New; units.len()];
    let mut order = Vec::with_capacity(units.len());
    let mut roots: Vec<usize> = (0..units.len()).collect();
    roots.sort_by(|a, b| units[*a].source.name.cmp(&units[*b].source.name));
    let mut cycles: Vec<Vec<usize>> = Vec::new();
    for root in roots {
        if state[root] != State::New {
            continue;
        }
        // Iterative DFS: (unit, next dependency position).
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = State::Active;
        while let Some(&mut (u, ref mut pos)) = stack.last_mut() {
            let deps: Vec<usize> = deps_of(&units[u]).filter_map(|n| index.get(n).copied()).collect();
            if *pos < deps.len() {
                let next = deps[*pos];
                *pos += 1;
                match state[next] {
                    State::New => {
                        state[next] = State::Active;
                        stack.push((next, 0));
                    }
                    State::Active => {
                        let start = stack.iter().position(|(s, _)| *s == next).unwrap();
                        let mut cycle: Vec<usize> = stack[start..].iter().map(|(s, _)| *s).collect();
                        cycle.push(next);
                        cycles.push(cycle);
                    }
                    State::Done => {}
                }
            } else {
                state[u] = State::Done;
                order.push(u);
                stack.pop();
            }
        }
    }
    for cycle in cycles {
        let names: Vec<&str> = cycle.iter().map(|&i| units[i].source.name.as_str()).collect();
        let chain = names.join(" -> ");
        let from = cycle[cycle.len() - 2];
        let to_name = names[names.len() - 1].to_string();
        let u = &units[from];
        let mut diag = Diagnostic::error(COMPILE, format!("File recursively imports itself: {chain}"));
        if let Some(l) = &u.lowered
            && let Some(i) = l.proto.dependency.iter().position(|d| *d == to_name)
            && let Some(loc) = l.locations.get(&[d::tag::file::DEPENDENCY, i as i32])
        {
            diag = diag.with_span(&u.source, loc.start as usize, loc.end as usize);
        }
        if diag.path.is_empty() {
            diag = diag.with_path(&u.source.display_path);
        }
        diags.push(diag);
        for &i in &cycle {
            units[i].failed = true;
        }
    }
    order
}

fn propagate_failures(units: &mut [Unit], index: &HashMap<String, usize>, order: &[usize]) {
    for &i in order {
        if units[i].failed {
            continue;
        }
        let bad = deps_of(&units[i]).any(|n| index.get(n).is_none_or(|&j| units[j].failed));
        if bad {
            units[i].failed = true;
        }
    }
}

/// The copy of a file that goes into the pool: prost-reflect knows proto2 and
/// proto3 only, so an editions file is linked as proto2 (the most permissive
/// rules: labels, defaults, extensions); its real syntax is restored on output.
fn pool_copy(l: &Lowered) -> d::FileDescriptorProto {
    let mut p = l.proto.clone();
    if matches!(l.syntax, Syntax::Editions(_)) {
        p.syntax = None;
        p.edition = None;
    }
    p.option_dependency.clear();
    p
}

/// Files linked per `DescriptorPool` call: small batches bound the transient
/// copies prost-reflect makes while building, and confine a retry after an error.
const LINK_BATCH: usize = 64;

/// Links all healthy files in one pool, dependencies first. When a batch fails,
/// the file at fault (and everything importing it) is dropped and the batch
/// linked again, so one broken file never hides the others.
fn link(
    units: &mut [Unit],
    index: &HashMap<String, usize>,
    order: &[usize],
    diags: &mut Vec<Diagnostic>,
) -> DescriptorPool {
    // Encode each file once, then free the lowered bodies: the pool keeps its own copy.
    let encoded: Vec<Option<Vec<u8>>> = units
        .par_iter_mut()
        .map(|u| {
            let l = u.lowered.as_mut().filter(|_| !u.failed)?;
            let bytes = pool_copy(l).encode_to_vec();
            l.proto.message_type = Vec::new();
            l.proto.enum_type = Vec::new();
            l.proto.service = Vec::new();
            l.proto.extension = Vec::new();
            Some(bytes)
        })
        .collect();
    let mut pool = DescriptorPool::new();
    for batch in order.chunks(LINK_BATCH) {
        loop {
            let mut set = Vec::new();
            for &i in batch {
                if let (false, Some(bytes)) = (units[i].failed, &encoded[i]) {
                    prost::encoding::encode_key(1, prost::encoding::WireType::LengthDelimited, &mut set);
                    prost::encoding::encode_varint(bytes.len() as u64, &mut set);
                    set.extend_from_slice(bytes);
                }
            }
            if set.is_empty() {
                break;
            }
            let Err(e) = pool.decode_file_descriptor_set(set.as_slice()) else { break };
            let Some(file) = e.file().map(str::to_string).and_then(|f| index.get(&f).copied()) else {
                diags.push(Diagnostic::error(COMPILE, e.to_string()));
                for &i in batch {
                    units[i].failed = true;
                }
                break;
            };
            let u = &units[file];
            let mut diag = Diagnostic::error(COMPILE, capitalize(&e.to_string()));
            let loc = e.path().and_then(|p| u.lowered.as_ref().and_then(|l| best_location(&l.locations, p)));
            diag = match loc {
                Some((s, en)) => diag.with_span(&u.source, s as usize, en as usize),
                None => diag.with_path(&u.source.display_path),
            };
            diags.push(diag);
            units[file].failed = true;
            propagate_failures(units, index, order);
        }
    }
    pool
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The location of `path`, or of its nearest ancestor that has one.
fn best_location(locs: &SourceLocations, path: &[i32]) -> Option<(u32, u32)> {
    (0..=path.len()).rev().find_map(|n| locs.get(&path[..n]).map(|l| (l.start, l.end)))
}

/// protoc rewrites each option's location from `[.., options, 999, i]` to the
/// path of the option's field numbers (`[8, 11]` for go_package,
/// `[.., 4, 72295728]` for google.api.http), appending the index for repeated
/// options. Lint rules look options up by those paths.
fn remap_option_locations(pool: &DescriptorPool, package: &str, records: &[OptionRecord], locs: &mut SourceLocations) {
    let mut repeated_count: HashMap<Vec<i32>, i32> = HashMap::new();
    let mut changes = Vec::with_capacity(records.len());
    for r in records {
        let Some(mut msg) = pool.get_message_by_name(r.options_type) else {
            continue;
        };
        let mut path = r.opts_path.clone();
        let mut ok = true;
        let mut last_repeated = false;
        for (k, part) in r.name.iter().enumerate() {
            let (number, kind, repeated) = if part.is_extension {
                let Some(ext) = resolve_extension(pool, package, &r.scope, &part.name_part) else {
                    ok = false;
                    break;
                };
                (ext.number(), ext.kind(), ext.is_list())
            } else {
                let Some(f) = msg.get_field_by_name(&part.name_part) else {
                    ok = false;
                    break;
                };
                (f.number(), f.kind(), f.is_list())
            };
            path.push(number as i32);
            last_repeated = repeated && k == r.name.len() - 1;
            match kind {
                Kind::Message(m) => msg = m,
                _ if k + 1 < r.name.len() => {
                    ok = false;
                    break;
                }
                _ => {}
            }
        }
        if !ok {
            continue;
        }
        if last_repeated {
            let n = repeated_count.entry(path.clone()).or_insert(0);
            path.push(*n);
            *n += 1;
        }
        changes.push((r.location, path));
    }
    locs.set_paths(changes);
}

/// Resolves an extension name as protoc does for option names: relative names
/// are searched from the innermost scope outwards.
fn resolve_extension(
    pool: &DescriptorPool,
    package: &str,
    scope: &[String],
    name: &str,
) -> Option<prost_reflect::ExtensionDescriptor> {
    if let Some(abs) = name.strip_prefix('.') {
        return pool.get_extension_by_name(abs);
    }
    let mut parts: Vec<&str> = package.split('.').filter(|s| !s.is_empty()).collect();
    parts.extend(scope.iter().map(String::as_str));
    loop {
        let candidate = if parts.is_empty() { name.to_string() } else { format!("{}.{name}", parts.join(".")) };
        if let Some(ext) = pool.get_extension_by_name(&candidate) {
            return Some(ext);
        }
        parts.pop()?;
    }
}
