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
use super::protoc_checks;
use super::{Compilation, CompiledFile, SourceLocations, Syntax, wkt};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;
use crate::syntax;
use crate::syntax::statements::{self, TopDecl};
use crate::workspace::Workspace;

use super::provider::{FileProvider, ReadResult, WorkspaceFiles};

pub const COMPILE: &str = "COMPILE";
pub const IO: &str = "IO";

const DESCRIPTOR_PROTO: &str = "google/protobuf/descriptor.proto";

/// One file on its way through the pipeline.
#[derive(Clone)]
pub(super) struct Unit {
    pub source: SourceFile,
    pub lowered: Option<Lowered>,
    /// The copy handed to the pool (see [`pool_copy`]), encoded while loading so
    /// the serial link step only decodes; `None` once linked or when loading failed.
    pub encoded: Option<Vec<u8>>,
    /// The top-level statements, taken from the tree before it is dropped.
    pub top_level: Vec<TopDecl>,
    pub is_target: bool,
    pub is_builtin: bool,
    pub failed: bool,
    pub linked: bool,
    /// Real JSON names of fields the pool sees under a stand-in (see `protoc_checks`).
    pub json_names: Vec<(Vec<i32>, String)>,
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
                encoded: None,
                top_level: Vec::new(),
                is_target,
                is_builtin: false,
                failed: true,
                linked: false,
                json_names: Vec::new(),
            };
        }
    };
    let source = SourceFile::new(name, display, text);
    note_rss("read");
    let parsed = syntax::parse(&source.text);
    note_rss("parsed");
    let mut failed = false;
    for e in &parsed.errors {
        diags.push(Diagnostic::error(COMPILE, &e.message).with_span(
            &source,
            e.span.start as usize,
            e.span.end as usize,
        ));
        failed = true;
    }
    if parsed.errors.is_empty() && parsed.file.decls.iter().all(|decl| matches!(decl, syntax::ast::Decl::Empty(_))) {
        // protoc and buf compile a file of nothing but whitespace, comments and
        // stray `;` as an empty proto2 file, and `idl format` turns a file of
        // `;` and comments into one of comments only, so refusing either would
        // fail a file that compiled before formatting. It is usually a mistake
        // (a truncated write, a placeholder), so it gets protoc's warning.
        diags.push(
            Diagnostic::new(COMPILE, Severity::Warn, no_syntax_warning(&source.name)).with_path(&source.display_path),
        );
    }
    let lowered = lower::lower(name, &source.text, &parsed.file);
    note_rss("lowered");
    for e in &lowered.errors {
        diags.push(Diagnostic::error(COMPILE, &e.message).with_span(
            &source,
            e.span.start as usize,
            e.span.end as usize,
        ));
        failed = true;
    }
    let top_level = statements::top_level(&parsed.file, &source.text);
    // The tree is not needed past this point; on one huge file it is a third of
    // what load holds, so it goes before the pool copy is made.
    drop(parsed);
    note_rss("tree dropped");
    let mut lowered = lowered;
    let checked = protoc_checks::pre_link(&lowered.proto, lowered.syntax, &lowered.locations, &source);
    failed |= checked.diagnostics.iter().any(|d| d.severity == Severity::Error);
    diags.extend(checked.diagnostics);
    let json_names = checked.json_names;
    note_rss("pre_link");
    let encoded = (!failed).then(|| {
        // The pool keeps its own linked copy of the definitions, so they move
        // into the copy (only the rest of the file is cloned).
        let message_type = std::mem::take(&mut lowered.proto.message_type);
        let enum_type = std::mem::take(&mut lowered.proto.enum_type);
        let service = std::mem::take(&mut lowered.proto.service);
        let extension = std::mem::take(&mut lowered.proto.extension);
        let mut copy = d::FileDescriptorProto { message_type, enum_type, service, extension, ..pool_copy(&lowered) };
        protoc_checks::stand_in_json_names(&mut copy, &json_names);
        copy.encode_to_vec()
    });
    note_rss("encoded");
    Unit {
        source,
        lowered: Some(lowered),
        encoded,
        top_level,
        is_target,
        is_builtin,
        failed,
        linked: false,
        json_names,
    }
}

/// Reads a file from disk as UTF-8 text, refusing what is not a .proto file
/// (through [`crate::checked_read`], as every command reads its inputs).
/// protoc's warning for a file without `syntax` or `edition` (parser.cc), word
/// for word, with `name` as protoc names the file: relative to its import path.
fn no_syntax_warning(name: &str) -> String {
    format!(
        "No edition or syntax specified for the proto file: {name}. Please use 'edition = \"YYYY\";'  to specify a valid edition version. (Defaulted to \"syntax = \"proto2\";\".)"
    )
}

pub fn read_text_file(path: &Path, display: &str) -> ReadResult {
    crate::checked_read::read_proto_text(path, display).map(|text| (display.to_string(), text))
}

/// Compiles the workspace's target files and everything they import.
pub fn compile(ws: &Workspace) -> Compilation {
    compile_from(&WorkspaceFiles::new(ws))
}

/// Compiles the provider's targets and everything they import.
pub fn compile_from(provider: &dyn FileProvider) -> Compilation {
    compile_with_cache(provider, None)
}

/// Files loaded (parsed, lowered, encoded) by earlier compiles, for a caller that
/// compiles the same imports again and again: the language server, on every
/// change of a document. An import read with the same name, display path and
/// text as before is copied from here instead of being parsed again; targets
/// (the documents being edited) are always parsed. One entry per import name,
/// replaced when its text changes.
#[derive(Default)]
pub struct LoadCache {
    units: std::sync::Mutex<HashMap<String, LoadedUnit>>,
    parsed: std::sync::atomic::AtomicUsize,
}

impl LoadCache {
    /// How many files the compiles using this cache have parsed (a hit is not parsed).
    pub fn parsed(&self) -> usize {
        self.parsed.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn get(&self, name: &str, display: &str, text: &Arc<str>, is_builtin: bool) -> Option<LoadedUnit> {
        let units = self.units.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (unit, diags) = units.get(name)?;
        let same = unit.is_builtin == is_builtin
            && unit.source.display_path == display
            && (Arc::ptr_eq(&unit.source.text, text) || *unit.source.text == **text);
        same.then(|| (unit.clone(), diags.clone()))
    }

    fn put(&self, unit: &Unit, diags: &[Diagnostic]) {
        let mut units = self.units.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        units.insert(unit.source.name.clone(), (unit.clone(), diags.to_vec()));
    }
}

/// [`compile_from`], taking unchanged imports from `cache` when there is one.
pub fn compile_with_cache(provider: &dyn FileProvider, cache: Option<&LoadCache>) -> Compilation {
    let mut timer = PhaseTimer::from_env();
    let mut diagnostics = Vec::new();
    // Copies of the well-known types inside a tree never win as imports: the
    // built-in ones are what every generator and runtime assumes. A copy that is
    // one of the workspace's own files (a vendored tree linted as a module, as
    // buf v2 workspaces list kratos-layout's third_party) is compiled and
    // reported as it is on disk, at lines that exist in it, as buf does.
    let own: HashSet<String> = provider.own_files().into_iter().filter(|name| wkt::source(name).is_some()).collect();
    let fetch = |name: &str| -> Option<(ReadResult, bool)> {
        if wkt::source(name).is_some()
            && own.contains(name)
            && let Some(read) = provider.read(name)
        {
            return Some((read, false));
        }
        match wkt::source(name) {
            Some(text) => Some((Ok((name.to_string(), Arc::from(text))), true)),
            None => provider.read(name).map(|r| (r, false)),
        }
    };

    // 1-2. Load (read, parse, lower, encode) in deterministic chunks on the
    // rayon pool while this thread links every file whose imports are linked.
    // Linking is serial (one pool), so overlapping it with loading is most of
    // what a large build can gain; the chunk sequence depends only on the input,
    // so the link order, and any link error, is the same on every run.
    let (sender, chunks) = std::sync::mpsc::channel::<Vec<LoadedUnit>>();
    let mut units: Vec<Unit> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    // Unless the workspace has its own descriptor.proto, the built-in one is
    // what gets linked first; it starts out linked.
    let mut pool =
        if own.contains(DESCRIPTOR_PROTO) { DescriptorPool::new() } else { pool_with_descriptor_proto().clone() };
    let mut linker = Linker::default();
    let mut link_chunk = |chunk: Vec<LoadedUnit>| {
        for (unit, d) in chunk {
            diagnostics.extend(d);
            let i = units.len();
            index.insert(unit.source.name.clone(), i);
            units.push(unit);
            linker.arrived(&units, &index, i);
        }
        linker.link_ready(&mut units, &index, &mut pool, &mut diagnostics);
    };
    let missing: HashSet<String> = if provider.targets().len() <= SMALL_COMPILE {
        // A few files (one-file lint, a test, an editor's buffer) load in less
        // time than handing chunks between threads costs; on a busy machine each
        // hand-off is a wake-up of a sleeping thread. So they load, then link,
        // on this thread.
        let missing = load_in_chunks(provider, &fetch, cache, sender);
        chunks.try_iter().for_each(&mut link_chunk);
        missing
    } else {
        std::thread::scope(|scope| {
            let loader = scope.spawn(|| load_in_chunks(provider, &fetch, cache, sender));
            chunks.iter().for_each(&mut link_chunk);
            loader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    };
    timer.phase("load and link");

    // descriptor.proto is loaded first even when nothing imports it (options are
    // interpreted against it), but only files that name it show it.
    let implicit: HashSet<String> = index
        .get(DESCRIPTOR_PROTO)
        .filter(|&&i| !units[i].is_target && !units.iter().any(|u| deps_of(u).any(|n| n == DESCRIPTOR_PROTO)))
        .map(|_| HashSet::from([DESCRIPTOR_PROTO.to_string()]))
        .unwrap_or_default();

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

    // 6. Whatever waited on a missing import or a cycle has failed by now, so
    // nothing is left to link; should the linker ever have missed a file, it is
    // linked here, in dependency order.
    link_remaining(&mut units, &index, &order, &mut pool, &mut diagnostics);
    timer.phase("order");

    // 7. Move option locations to their interpreted paths. The lowered
    // descriptors are dropped here: the pool has its own linked copy.
    let mut slots: Vec<Option<Unit>> = units.into_iter().map(Some).collect();
    let ordered: Vec<Unit> = order.iter().filter_map(|&i| slots[i].take()).collect();
    let ordered: Vec<Unit> = ordered.into_iter().filter(|u| !implicit.contains(&u.source.name)).collect();
    let finish = |u: Unit| {
        let (locations, syntax, option_dependency, visibilities, sets_features) = match u.lowered {
            Some(l) => {
                let mut locs = l.locations;
                if !u.failed {
                    remap_option_locations(&pool, l.proto.package.as_deref().unwrap_or(""), &l.options, &mut locs);
                }
                locs.shrink_to_fit();
                let sets_features = l.options.iter().any(|record| {
                    record.name.first().is_some_and(|part| !part.is_extension && part.name_part == "features")
                });
                (locs, l.syntax, l.proto.option_dependency, l.visibilities, sets_features)
            }
            None => (SourceLocations::default(), Syntax::Proto2, Vec::new(), Vec::new(), false),
        };
        let file = CompiledFile {
            source: u.source,
            top_level: u.top_level,
            syntax,
            locations,
            is_target: u.is_target,
            is_builtin: u.is_builtin,
            option_dependency,
            visibilities,
            json_names: u.json_names,
        };
        (file, sets_features)
    };
    let parallel = ordered.len() >= PARALLEL_MIN_FILES;
    let checked: Vec<(CompiledFile, bool)> = if parallel {
        ordered.into_par_iter().map(finish).collect()
    } else {
        ordered.into_iter().map(finish).collect()
    };
    timer.phase("option locations");
    // Each file is checked on its own against the finished pool; the diagnostics
    // are sorted below, so their order does not depend on the threads'.
    let check = |(file, sets_features): &(CompiledFile, bool)| protoc_checks::post_link(&pool, file, *sets_features);
    let post_link: Vec<Vec<Diagnostic>> =
        if parallel { checked.par_iter().map(check).collect() } else { checked.iter().map(check).collect() };
    diagnostics.extend(post_link.into_iter().flatten());
    let files: Vec<CompiledFile> = checked.into_iter().map(|(file, _)| file).collect();
    timer.phase("post-link checks");

    crate::diagnostic::sort_and_dedup(&mut diagnostics);
    Compilation { pool, files, diagnostics }
}

/// With `IDL_MEMORY_TRACE` set, prints the resident and peak memory after each
/// step of loading and linking a file: where one huge file's memory goes
/// (docs/reliability.md). Lines per file, so not part of `IDL_TIMINGS`.
fn note_rss(label: &str) {
    if std::env::var_os("IDL_MEMORY_TRACE").is_some() {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| status.lines().find_map(|l| l.strip_prefix(name)).unwrap_or("").trim().to_string();
        eprintln!("idl: rss: {label}: now {} peak {}", field("VmRSS:"), field("VmHWM:"));
    }
}

/// With `IDL_TIMINGS` set, prints how long each compile phase took to stderr:
/// the numbers behind docs/compile.md, measurable on any machine. The CPU time
/// the process spent in the phase (all threads, user and system) is printed too:
/// on a loaded machine it moves much less than the wall time.
pub struct PhaseTimer {
    last: Option<(std::time::Instant, f64)>,
}

impl PhaseTimer {
    pub fn from_env() -> PhaseTimer {
        PhaseTimer { last: std::env::var_os("IDL_TIMINGS").map(|_| (std::time::Instant::now(), cpu_seconds())) }
    }

    pub fn phase(&mut self, name: &str) {
        if let Some((last, last_cpu)) = self.last {
            let now = std::time::Instant::now();
            let cpu = cpu_seconds();
            // The peak so far tells which phase a huge input's memory goes to.
            let peak = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|status| status.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l[6..].trim().to_string()))
                .map_or(String::new(), |peak| format!(", peak RSS {peak}"));
            eprintln!(
                "idl: timing: {name}: {:.1} ms (CPU {:.1} ms{peak})",
                (now - last).as_secs_f64() * 1000.0,
                (cpu - last_cpu) * 1000.0
            );
            self.last = Some((now, cpu));
        }
    }
}

/// User and system time of the whole process so far, in seconds.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
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

/// Per-file steps after the link (option locations, post-link checks, lint's
/// file and package rules) run in parallel from this many files on: each file's
/// share is tens of microseconds, and waking the other threads costs about a
/// millisecond on a busy machine.
pub(crate) const PARALLEL_MIN_FILES: usize = 64;

/// Compiles of at most this many targets load and link on the calling thread,
/// and their chunks load serially: below it, waking other threads costs more
/// than the work they would share (a one-file lint).
const SMALL_COMPILE: usize = 8;

/// Targets loaded per chunk (plus the imports the previous chunk named): small
/// enough that linking starts early, large enough to keep the pool's threads busy.
const LOAD_CHUNK: usize = 128;

/// Loads the provider's targets and everything they import, sending chunks in
/// an order that depends only on the input: descriptor.proto first, then each
/// chunk is the imports the previous chunks named (targets among them pulled
/// forward, so importers can link early) followed by the next targets in order.
/// Returns the imports that no provider has.
fn load_in_chunks(
    provider: &dyn FileProvider,
    fetch: &(dyn Fn(&str) -> Option<(ReadResult, bool)> + Sync),
    cache: Option<&LoadCache>,
    sender: std::sync::mpsc::Sender<Vec<LoadedUnit>>,
) -> HashSet<String> {
    let targets = provider.targets();
    let target_set: HashSet<&str> = targets.iter().map(String::as_str).collect();
    let mut requested: HashSet<String> = HashSet::new();
    let mut missing: HashSet<String> = HashSet::new();
    let mut pending: Vec<String> = Vec::new();
    if !target_set.contains(DESCRIPTOR_PROTO) {
        pending.push(DESCRIPTOR_PROTO.to_string());
        requested.insert(DESCRIPTOR_PROTO.to_string());
    }
    let mut next_target = targets.iter();
    loop {
        let mut names = std::mem::take(&mut pending);
        while names.len() < LOAD_CHUNK + pending.len() {
            let Some(name) = next_target.next() else { break };
            if requested.insert(name.clone()) {
                names.push(name.clone());
            }
        }
        if names.is_empty() {
            break;
        }
        let load_one = |name: &String| {
            let (text, builtin) = fetch(name)?;
            let is_target = target_set.contains(name.as_str());
            // Without a cache of the caller's, the well-known types still
            // come from the process's own: their text never changes.
            let cache = cache.or_else(|| builtin.then(builtin_units));
            if let (Some(cache), false, Ok((display, text))) = (cache, is_target, &text)
                && let Some(hit) = cache.get(name, display, text, builtin)
            {
                return Some(hit);
            }
            let mut d = Vec::new();
            let unit = load(name, text, builtin, is_target, &mut d);
            if let Some(cache) = cache {
                cache.parsed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                // A file that could not be read is read again next time.
                if !is_target && unit.lowered.is_some() {
                    cache.put(&unit, &d);
                }
            }
            Some((unit, d))
        };
        let loaded: Vec<Option<LoadedUnit>> = if names.len() <= SMALL_COMPILE {
            names.iter().map(load_one).collect()
        } else {
            names.par_iter().map(load_one).collect()
        };
        let mut chunk = Vec::with_capacity(loaded.len());
        for (name, unit) in names.into_iter().zip(loaded) {
            let Some((unit, d)) = unit else {
                missing.insert(name);
                continue;
            };
            for dep in deps_of(&unit) {
                if requested.insert(dep.clone()) {
                    pending.push(dep.clone());
                }
            }
            chunk.push((unit, d));
        }
        if sender.send(chunk).is_err() {
            break;
        }
    }
    missing
}

/// The well-known types as loaded (parsed, lowered, encoded) once per process,
/// for compiles without a [`LoadCache`]: a one-file compile (`idl lint FILE`, a
/// test, a fuzz input) would otherwise parse descriptor.proto's 1,300 lines
/// every time, most of what it costs.
fn builtin_units() -> &'static LoadCache {
    static UNITS: std::sync::OnceLock<LoadCache> = std::sync::OnceLock::new();
    UNITS.get_or_init(LoadCache::default)
}

/// A pool holding the built-in descriptor.proto, linked once per process. Every
/// compile links descriptor.proto first (options are interpreted against it),
/// and linking it, options and all, costs more than cloning the linked pool;
/// the language server pays it on every change.
fn pool_with_descriptor_proto() -> &'static DescriptorPool {
    static POOL: std::sync::OnceLock<DescriptorPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let mut pool = DescriptorPool::new();
        let text = wkt::source(DESCRIPTOR_PROTO).expect("descriptor.proto is a well-known type");
        let mut diags = Vec::new();
        let unit = load(DESCRIPTOR_PROTO, Ok((DESCRIPTOR_PROTO.to_string(), Arc::from(text))), true, false, &mut diags);
        if let Some(bytes) = unit.encoded {
            let mut set = Vec::new();
            prost::encoding::encode_key(1, prost::encoding::WireType::LengthDelimited, &mut set);
            prost::encoding::encode_varint(bytes.len() as u64, &mut set);
            set.extend_from_slice(&bytes);
            // Should the built-in file ever fail to link, the pool stays empty
            // and each compile links (and reports) it as any other file.
            if pool.decode_file_descriptor_set(set.as_slice()).is_err() {
                pool = DescriptorPool::new();
            }
        }
        pool
    })
}

/// Links files as soon as everything they import is linked.
#[derive(Default)]
struct Linker {
    /// Import name → the units waiting for it to be linked.
    waiting: HashMap<String, Vec<usize>>,
    /// Per unit: imports not linked yet.
    unlinked_deps: HashMap<usize, usize>,
    /// Units whose imports are all linked, in arrival order.
    ready: std::collections::VecDeque<usize>,
}

impl Linker {
    fn arrived(&mut self, units: &[Unit], index: &HashMap<String, usize>, i: usize) {
        if units[i].failed || units[i].encoded.is_none() {
            return;
        }
        let mut count = 0;
        for dep in deps_of(&units[i]) {
            if index.get(dep).is_some_and(|&j| units[j].linked) {
                continue;
            }
            // A dependency that failed keeps this unit waiting for good; the
            // failure is propagated once loading ends.
            self.waiting.entry(dep.clone()).or_default().push(i);
            count += 1;
        }
        if count == 0 {
            self.ready.push_back(i);
        } else {
            self.unlinked_deps.insert(i, count);
        }
    }

    fn link_ready(
        &mut self,
        units: &mut [Unit],
        index: &HashMap<String, usize>,
        pool: &mut DescriptorPool,
        diags: &mut Vec<Diagnostic>,
    ) {
        while !self.ready.is_empty() {
            let take = self.ready.len().min(LINK_BATCH);
            let batch: Vec<usize> = self.ready.drain(..take).collect();
            link_batch(units, index, &batch, pool, diags);
            for &i in &batch {
                if !units[i].linked {
                    continue;
                }
                for waiter in self.waiting.remove(&units[i].source.name).unwrap_or_default() {
                    let count = self.unlinked_deps.get_mut(&waiter).expect("a waiting unit counts its imports");
                    *count -= 1;
                    if *count == 0 {
                        self.unlinked_deps.remove(&waiter);
                        self.ready.push_back(waiter);
                    }
                }
            }
        }
    }
}

/// Links the healthy files of `order` that are not linked yet, in batches.
fn link_remaining(
    units: &mut [Unit],
    index: &HashMap<String, usize>,
    order: &[usize],
    pool: &mut DescriptorPool,
    diags: &mut Vec<Diagnostic>,
) {
    let remaining: Vec<usize> =
        order.iter().copied().filter(|&i| !units[i].linked && !units[i].failed && units[i].encoded.is_some()).collect();
    for batch in remaining.chunks(LINK_BATCH) {
        // A file whose import failed in an earlier batch cannot link either.
        propagate_failures(units, index, order);
        link_batch(units, index, batch, pool, diags);
    }
}

/// Links one batch of files whose imports are linked. When the batch fails,
/// the file at fault is dropped and the rest linked again, so one broken file
/// never hides the others.
fn link_batch(
    units: &mut [Unit],
    index: &HashMap<String, usize>,
    batch: &[usize],
    pool: &mut DescriptorPool,
    diags: &mut Vec<Diagnostic>,
) {
    // The built-in descriptor.proto a compile starts with is linked already.
    for &i in batch {
        if !units[i].failed && units[i].is_builtin && pool.get_file_by_name(&units[i].source.name).is_some() {
            units[i].linked = true;
            units[i].encoded = None;
        }
    }
    loop {
        let mut set = Vec::new();
        for &i in batch {
            if let (false, Some(bytes)) = (units[i].failed, &units[i].encoded) {
                prost::encoding::encode_key(1, prost::encoding::WireType::LengthDelimited, &mut set);
                prost::encoding::encode_varint(bytes.len() as u64, &mut set);
                set.extend_from_slice(bytes);
            }
        }
        if set.is_empty() {
            return;
        }
        note_rss("link set built");
        let Err(e) = pool.decode_file_descriptor_set(set.as_slice()) else {
            note_rss("linked");
            break;
        };
        let Some(file) = e.file().map(str::to_string).and_then(|f| index.get(&f).copied()) else {
            diags.push(Diagnostic::error(COMPILE, e.to_string()));
            for &i in batch {
                units[i].failed = true;
            }
            return;
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
        // Batches are in dependency order: what imports the failed file fails too.
        for &i in batch {
            if !units[i].failed && deps_of(&units[i]).any(|n| index.get(n).is_some_and(|&j| units[j].failed)) {
                units[i].failed = true;
            }
        }
    }
    for &i in batch {
        if !units[i].failed {
            units[i].linked = true;
            units[i].encoded = None;
        }
    }
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
