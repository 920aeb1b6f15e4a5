//! `idl lint` with the persistent cache: a run compiles only the files whose
//! findings it does not already know.
//!
//! **Keys.** A file's key is the SHA-256 of what its lint can depend on: idl's
//! build, the config's text, the working directory, the file's name, display path,
//! whether it is a target, its bytes, and the keys of everything it may import
//! (from a token scan of its text that errs on the side of too many names), so a
//! key changes when the file or anything in its import closure changes. A
//! package's key is its target files' names and keys. Nothing else goes in: a
//! file whose key is in the table has the findings a compile would give it.
//!
//! **Values.** Per target file, the file rules' findings before any ignore, its
//! ignore directives, its compile warnings and its [`FileFacts`]; per import, its
//! facts and warnings; per package, the package rules' findings. The workspace
//! rules, comment ignores (`UNUSED_IGNORE` included) and path ignores run on every
//! run over cached and fresh parts alike ([`super::finish`]), so an edit in one
//! file that changes a finding in another (a package import cycle, an RPC request
//! shared across files) is seen without compiling the other file.
//!
//! **A cached run** reads and hashes every file of the closure (no file twice:
//! the compile reads the texts already in memory), compiles the files that
//! missed with the other files of their packages, and writes their entries. A
//! cold run is the same with every file missing. Given a report renderer (the
//! formats that are a concatenation of per-path renderings), it also renders
//! by path and records a snapshot and the renderings, from which **the warm
//! path** ([`warm`]) answers the next run without reading unchanged files or
//! rendering unchanged paths. Anything unsure (an unreadable or
//! non-UTF-8 file, a scan that cannot tell the imports, an import cycle, a compile
//! error, a package a scan did not foresee) falls back to the uncached run, which
//! is what `--no-cache` always does; `tests/lint_cache.rs` checks both give the
//! same output.
//!
//! Not used with `--fix`, `--stdin-filename`, or rules that need every file
//! compiled ([`Rule::needs_compiled_workspace`]; no rule of idl's does today:
//! `HTTP_ROUTE_UNIQUE` and the `ERRORS_*` rules read facts).
//!
//! [`Rule::needs_compiled_workspace`]: super::Rule::needs_compiled_workspace

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use prost::Message;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::facts::{FileErrors, FileFacts, MethodFacts, RouteFacts, Site, WorkspaceFacts};
use super::{FileLint, Finding, LintParts, ignore};
use crate::cache::{CacheDir, EntryTable, Stat, TABLE_PREFIX};
use crate::compile::{Compilation, FileProvider, ReadResult, WorkspaceFiles};
use crate::config::LintConfig;
use crate::diagnostic::{Diagnostic, Edit, Fix, Severity, Span};
use crate::errors::lint::ErrorsLint;
use crate::errors::{ErrorEnum, ErrorRow, RawRow, Style};
use crate::report::PathRenderer;
use crate::source::{Position, SourceFile};
use crate::workspace::Workspace;

mod warm;

pub use warm::Rendered;

type Key = [u8; 32];

/// Up to this many targets, a run's table is its own (see `cached_lint`).
const FEW_TARGETS: usize = 8;

/// What a cached run gives the command: the lint findings, the compile's own
/// diagnostics (warnings: a run with compile errors is not cached), and the
/// texts of the files, for the report.
pub struct CachedLint {
    pub findings: Vec<Diagnostic>,
    pub compile_diagnostics: Vec<Diagnostic>,
    closure: Closure,
    /// How many target files were compiled (the rest came from the cache).
    pub compiled: usize,
    pub targets: usize,
    /// The report, already rendered by path, when the run was given a renderer.
    pub rendered: Option<Rendered>,
    saving: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl CachedLint {
    /// Waits for the table to be written; a failure is a notice (the run's
    /// answer never depends on it).
    pub fn finish_saving(&mut self) -> Option<String> {
        match self.saving.take()?.join() {
            Ok(Ok(())) => None,
            Ok(Err(notice)) => Some(notice),
            Err(_) => Some("writing the lint cache failed".into()),
        }
    }

    /// The texts a report needs: of every file with a diagnostic when `snippets`
    /// (formats that show source or fingerprint it), else only of files with a
    /// fix (whose edits the report locates). Building a text's line index is most
    /// of a warm run's cost otherwise.
    pub fn sources(&self, snippets: bool) -> Vec<SourceFile> {
        let all: Vec<&Diagnostic> = self.findings.iter().chain(&self.compile_diagnostics).collect();
        self.closure.sources(&all, snippets)
    }
}

impl Drop for CachedLint {
    fn drop(&mut self) {
        // A table half written when the process exits is only a miss later, but
        // a run that ends should leave its entries.
        let _ = self.finish_saving();
    }
}

/// Lints the workspace through the cache in `dir`, or `None` when this run
/// cannot be cached (the caller then lints uncached). `relative_paths` maps
/// import names to the paths config ignores name.
pub fn lint(
    workspace: &Workspace,
    config: &LintConfig,
    preset: Option<&str>,
    relative_paths: &HashMap<String, String>,
    dir: &CacheDir,
    renderer: Option<&PathRenderer>,
) -> Option<CachedLint> {
    match cached_lint(workspace, config, preset, relative_paths, dir, renderer) {
        Ok(run) => Some(run),
        Err(reason) => {
            if std::env::var_os("IDL_TIMINGS").is_some() {
                eprintln!("idl: lint cache: not used: {reason}");
            }
            None
        }
    }
}

fn cached_lint(
    workspace: &Workspace,
    config: &LintConfig,
    preset: Option<&str>,
    relative_paths: &HashMap<String, String>,
    dir: &CacheDir,
    renderer: Option<&PathRenderer>,
) -> Result<CachedLint, &'static str> {
    let started_ns = crate::cache::now_ns();
    let mut timer = crate::compile::PhaseTimer::from_env();
    let (selected, config_errors) = super::select_rules(config, workspace.config_file.as_ref());
    let (path_ignores, ignore_errors) = ignore::PathIgnores::new(config);
    let cacheable = config_errors.is_empty()
        && ignore_errors.is_empty()
        && selected.iter().all(|rule| !rule.rule.needs_compiled_workspace());
    if !cacheable {
        return Err("a selected rule needs every file compiled, or the config has errors");
    }
    // The `[errors]` config of the `ERRORS_*` rules, as the uncached run reads it;
    // its problems are that run's to report.
    let mut errors_problems = Vec::new();
    let errors = super::errors_lint(config, workspace.config_file.as_ref(), &selected, &mut errors_problems);
    if !errors_problems.is_empty() {
        return Err("the [errors] config has problems");
    }
    let run_key = run_key(workspace, preset);
    // One table per run key: a run reads only entries it can use, and the tables
    // of older builds and configs are what the size bound removes first.
    // A run of a few files (a pre-commit hook, an editor's save) gets a table of
    // its own per file set: loading the whole workspace's table (26 MB for
    // googleapis) would cost it more than compiling its files.
    let table_name = if workspace.targets.len() <= FEW_TARGETS {
        let names: Vec<&[u8]> = workspace.targets.iter().map(|t| t.name.as_bytes()).collect();
        format!("{TABLE_PREFIX}{}-{}.bin", hex(&run_key[..8]), hex(&tagged(b"targets", &names)[..4]))
    } else {
        format!("{TABLE_PREFIX}{}.bin", hex(&run_key[..8]))
    };
    let rendering = renderer.map(|renderer| (renderer, warm::Names::new(&table_name, renderer)));
    if let Some((renderer, names)) = &rendering {
        match warm::run(
            workspace,
            renderer,
            &run_key,
            &selected,
            // Its own: what it computes is of the warm run's compilation, which
            // is not the one below should the warm path decline.
            &errors.unused(),
            &path_ignores,
            relative_paths,
            dir,
            names,
            started_ns,
        ) {
            Ok(warm) => {
                if std::env::var_os("IDL_TIMINGS").is_some() {
                    eprintln!(
                        "idl: lint cache: the warm path read {} of {} files",
                        warm.read,
                        warm.closure.files.len()
                    );
                }
                // Eviction takes the files written longest ago; what this run
                // read or may read next, and does not rewrite, is moved forward.
                let mut kept = vec![&table_name, &names.facts];
                if warm.save.is_none() {
                    kept.extend([&names.snapshot, &names.log]);
                }
                for name in kept {
                    crate::cache::touch(dir, name);
                }
                let saving = warm.save.map(|save| {
                    std::thread::spawn(move || {
                        let mut timer = crate::compile::PhaseTimer::from_env();
                        let saved = save.write();
                        timer.phase("lint warm: save (beside the report)");
                        saved
                    })
                });
                return Ok(CachedLint {
                    findings: Vec::new(),
                    compile_diagnostics: Vec::new(),
                    targets: warm.closure.target_count,
                    closure: warm.closure,
                    compiled: warm.compiled,
                    rendered: Some(warm.rendered),
                    saving,
                });
            }
            Err(reason) => {
                if std::env::var_os("IDL_TIMINGS").is_some() {
                    eprintln!("idl: lint cache: the warm path declined: {reason}");
                }
            }
        }
    }
    let mut table = EntryTable::load(dir, &table_name);
    timer.phase("lint cache: load");
    // 1. Every file of the closure, read once and hashed, with its imports and
    // packages (remembered by content, else scanned).
    let closure = Closure::read(workspace, Some(&table), &FastMap::default(), started_ns)?;
    timer.phase("lint cache: read and hash");
    let headers: Vec<&Header> = closure.files.iter().map(|file| &file.header).collect();
    for header in &headers {
        if let Some((key, proto)) = &header.new {
            table.insert(*key, proto.encode_to_vec());
        }
    }
    // 2. Keys, imports first (a cycle is a compile error: uncached).
    let keys = closure.keys(&headers, &run_key).ok_or("the imports form a cycle")?;
    let target_count = workspace.targets.len();

    // 3. Which targets hit; the facts of every file that has an entry.
    let mut entries: Vec<Option<FileEntryProto>> =
        keys.par_iter().map(|key| table.get(key).and_then(|bytes| FileEntryProto::decode(bytes).ok())).collect();
    let mut missed: BTreeSet<usize> =
        (0..target_count).filter(|&i| entries[i].as_ref().is_none_or(|entry| !entry.linted)).collect();
    // Packages a changed file may be in, and packages without an entry.
    let mut dirty: HashSet<String> = HashSet::new();
    for &i in &missed {
        dirty.extend(package_set(headers[i]));
    }
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for i in (0..target_count).filter(|i| !missed.contains(i)) {
        let package = entries[i].as_ref().and_then(|e| e.facts.as_ref()).map_or("", |f| f.package.as_str());
        members.entry(package).or_default().push(i);
    }
    let mut package_entries: HashMap<String, (Key, Vec<Finding>)> = HashMap::new();
    for (package, files) in &members {
        if dirty.contains(*package) {
            continue;
        }
        let key = package_key(&run_key, package, files.iter().map(|&i| (closure.files[i].name.as_str(), &keys[i])));
        match table.get(&key).and_then(|bytes| PackageEntryProto::decode(bytes).ok()) {
            Some(entry) => {
                package_entries.insert(package.to_string(), (key, entry.findings.into_iter().map(finding).collect()));
            }
            None => {
                dirty.insert(package.to_string());
            }
        }
    }
    for (package, files) in &members {
        if dirty.contains(*package) {
            missed.extend(files.iter().copied());
        }
    }
    timer.phase("lint cache: plan");

    // 4. Compile what missed (with the texts already read) and lint it.
    let whole = missed.len() == target_count;
    let Fresh { compilation, files: mut fresh_files, packages: fresh_packages, facts: fresh_facts } =
        closure.compile_and_lint(workspace, &missed, &selected, &path_ignores, &errors)?;
    // A cached target in a package that was compiled means a scan did not
    // foresee a changed file's package: its package findings are unknown.
    for (package, files) in &members {
        if fresh_packages.contains_key(*package) && files.iter().any(|i| !missed.contains(i)) {
            return Err("a changed file moved to a package its scan did not show");
        }
    }
    // The compile's warnings (it had no errors), by the file they are in.
    let mut warnings: HashMap<&str, Vec<Diagnostic>> = HashMap::new();
    for diagnostic in &compilation.diagnostics {
        if !closure.by_display.contains_key(diagnostic.path.as_str()) {
            return Err("a compile diagnostic belongs to no file");
        }
        warnings.entry(diagnostic.path.as_str()).or_default().push(diagnostic.clone());
    }
    let warnings_of = |display: &str| warnings.get(display).map(Vec::as_slice).unwrap_or_default();

    // 5. The run's parts, target order; imports from the facts' dependencies.
    let mut files = Vec::with_capacity(target_count);
    let mut facts_list = Vec::with_capacity(closure.files.len());
    let mut compile_diagnostics = Vec::new();
    let mut hits: Vec<Key> = Vec::new();
    let mut new_entries: Vec<(Key, Vec<u8>)> = Vec::new();
    // The compiled targets' entries, encoded in parallel (a cold googleapis run
    // encodes 83,852 findings).
    let mut encoded: HashMap<usize, Vec<u8>> = missed
        .par_iter()
        .map(|&i| {
            let file = &closure.files[i];
            let lint = fresh_files.get(&file.name)?;
            let facts = fresh_facts.get(&file.name)?;
            Some((i, file_entry(Some(lint), facts, warnings_of(&file.display_path)).encode_to_vec()))
        })
        .collect::<Option<_>>()
        .ok_or("a target did not link")?;
    for i in 0..target_count {
        let file = &closure.files[i];
        if missed.contains(&i) {
            let lint = fresh_files.remove(&file.name).ok_or("a target was not linted")?;
            let facts = fresh_facts.get(&file.name).ok_or("a target did not link")?.clone();
            new_entries.push((keys[i], encoded.remove(&i).unwrap_or_default()));
            compile_diagnostics.extend_from_slice(warnings_of(&file.display_path));
            files.push(lint);
            facts_list.push(facts);
        } else {
            let entry = entries[i].take().ok_or("a hit has no entry")?;
            hits.push(keys[i]);
            compile_diagnostics.extend(entry.warnings.into_iter().map(|w| finding(w).diagnostic));
            facts_list.push(facts(entry.facts.ok_or("an entry has no facts")?)?);
            files.push(FileLint {
                name: file.name.clone(),
                display_path: file.display_path.clone(),
                findings: entry.findings.into_iter().map(finding).collect(),
                directives: entry.directives.into_iter().map(directive).collect(),
            });
        }
    }
    closure.add_import_facts(&mut facts_list, |index| {
        let file = &closure.files[index];
        Ok(match fresh_facts.get(&file.name) {
            Some(facts) => {
                let warnings = warnings_of(&file.display_path);
                new_entries.push((keys[index], file_entry(None, facts, warnings).encode_to_vec()));
                compile_diagnostics.extend_from_slice(warnings);
                facts.clone()
            }
            None => {
                let entry = entries[index].take().ok_or("an import's facts are neither cached nor compiled")?;
                hits.push(keys[index]);
                compile_diagnostics.extend(entry.warnings.into_iter().map(|w| finding(w).diagnostic));
                facts(entry.facts.ok_or("an entry has no facts")?)?
            }
        })
    })?;
    // Packages: fresh where compiled (their entries keyed by the real members).
    let mut packages = Vec::new();
    let mut fresh_members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in &missed {
        let package = fresh_facts.get(&closure.files[i].name).map_or("", |f| f.package.as_str());
        fresh_members.entry(package).or_default().push(i);
    }
    for (package, found) in fresh_packages {
        let files = fresh_members.get(package.as_str()).map(Vec::as_slice).unwrap_or_default();
        let key = package_key(&run_key, &package, files.iter().map(|&i| (closure.files[i].name.as_str(), &keys[i])));
        let proto = PackageEntryProto { findings: found.iter().map(finding_proto).collect() };
        new_entries.push((key, proto.encode_to_vec()));
        packages.push((package, found));
    }
    for (package, (key, found)) in package_entries {
        hits.push(key);
        packages.push((package, found));
    }
    timer.phase("lint cache: compile and lint what changed");

    let mut rendered = None;
    let mut snapshot = None;
    let findings = match &rendering {
        Some((renderer, names)) => {
            // What the warm path starts from: each file's facts, encoded.
            let mut facts_bytes: Vec<Option<Vec<u8>>> = vec![None; closure.files.len()];
            let encoded: Vec<(usize, Vec<u8>)> = facts_list
                .par_iter()
                .filter_map(|f| Some((*closure.by_name.get(f.name.as_str())?, facts_proto(f).encode_to_vec())))
                .collect();
            for (i, bytes) in encoded {
                facts_bytes[i] = Some(bytes);
            }
            let target_packages: Vec<String> = facts_list[..target_count].iter().map(|f| f.package.clone()).collect();
            let facts = WorkspaceFacts::new(facts_list, target_count);
            let workspace_found = super::workspace_findings(&compilation, whole, &facts, &selected, &errors);
            let view = warm::RunView {
                renderer,
                run_key: &run_key,
                closure: &closure,
                keys: &keys,
                target_packages: &target_packages,
            };
            let finished = warm::Finished {
                files,
                packages,
                workspace: workspace_found,
                warnings: std::mem::take(&mut compile_diagnostics),
                facts: facts_bytes,
            };
            let (report, save) =
                warm::render_all(&view, finished, &selected, &path_ignores, relative_paths, dir, names)?;
            rendered = Some(report);
            snapshot = save;
            Vec::new()
        }
        None => {
            let packages = packages.into_iter().map(|(_, found)| found).collect();
            let parts = LintParts { files, packages, facts: WorkspaceFacts::new(facts_list, target_count) };
            super::finish(&compilation, whole, parts, &selected, &errors, &path_ignores, relative_paths)
        }
    };
    table.touch(&hits);
    for (key, value) in new_entries {
        table.insert(key, value);
    }
    // The table is written while the report is (a cold googleapis table is 26 MB).
    let saving = std::thread::spawn(move || {
        let mut timer = crate::compile::PhaseTimer::from_env();
        let saved = table.save();
        let recorded = snapshot.map_or(Ok(()), warm::Save::write);
        timer.phase("lint cache: save (beside the report)");
        saved.and(recorded)
    });
    timer.phase("lint cache: finish");
    Ok(CachedLint {
        findings,
        compile_diagnostics,
        closure,
        compiled: missed.len(),
        targets: target_count,
        rendered,
        saving: Some(saving),
    })
}

/// What every key of this run starts from: idl's build, the config, the preset
/// and the working directory (display paths are relative to it).
fn run_key(workspace: &Workspace, preset: Option<&str>) -> Key {
    let exe = std::env::current_exe().ok().and_then(|path| std::fs::metadata(path).ok());
    let build = exe.map(|meta| {
        use std::os::unix::fs::MetadataExt;
        format!("{} {} {}", meta.len(), meta.mtime(), meta.mtime_nsec())
    });
    let cwd = std::env::current_dir().unwrap_or_default();
    let config = workspace.config_file.as_ref().map(|file| file.text.as_bytes()).unwrap_or_default();
    let mut hasher = Sha256::new();
    for part in [
        b"idl lint cache 3".as_slice(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        build.unwrap_or_default().as_bytes(),
        config,
        preset.unwrap_or_default().as_bytes(),
        cwd.as_os_str().as_encoded_bytes(),
        workspace.base_dir.as_os_str().as_encoded_bytes(),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a tag and length-prefixed parts.
fn tagged(tag: &[u8], parts: &[&[u8]]) -> Key {
    let mut hasher = Sha256::new();
    hasher.update(tag);
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}

fn package_key<'k>(run_key: &Key, package: &str, files: impl Iterator<Item = (&'k str, &'k Key)>) -> Key {
    let mut members: Vec<(&str, &Key)> = files.collect();
    members.sort();
    let mut parts: Vec<&[u8]> = vec![run_key, package.as_bytes()];
    for (name, key) in &members {
        parts.push(name.as_bytes());
        parts.push(key.as_slice());
    }
    tagged(b"package", &parts)
}

/// The packages a file may declare, by its scan: the root package when none.
fn package_set(header: &Header) -> Vec<String> {
    if header.packages.is_empty() { vec![String::new()] } else { header.packages.clone() }
}

#[derive(Default)]
struct Header {
    imports: Vec<String>,
    packages: Vec<String>,
    /// A header scanned this run, to remember by content.
    new: Option<(Key, HeaderProto)>,
}

impl Header {
    /// The imports and packages of `content`: remembered by content hash, else
    /// scanned; `None` when the scan is unsure.
    fn of(content: &Content, table: Option<&EntryTable>) -> Option<Header> {
        match content {
            Content::Text { hash, text } => {
                let key = tagged(b"header", &[hash]);
                if let Some(header) = table.and_then(|t| t.get(&key)).and_then(|bytes| HeaderProto::decode(bytes).ok())
                {
                    return Some(Header { imports: header.imports, packages: header.packages, new: None });
                }
                let scanned = crate::breaking::incremental::scan(text.as_bytes())?;
                let proto = HeaderProto { imports: scanned.imports.clone(), packages: scanned.packages.clone() };
                Some(Header { imports: scanned.imports, packages: scanned.packages, new: Some((key, proto)) })
            }
            // The built-in copies' imports are idl's: scanned each run (a few files).
            Content::Builtin(text) => crate::breaking::incremental::scan(text.as_bytes()).map(|scanned| Header {
                imports: scanned.imports,
                packages: scanned.packages,
                new: None,
            }),
            // A trusted file's header comes with it (`Closure::read`).
            Content::Missing | Content::Trusted { .. } => Some(Header::default()),
        }
    }
}

enum Content {
    Text {
        hash: Key,
        text: Arc<str>,
    },
    /// On disk and not read: its stat is what the last run saw, so its bytes
    /// are what hashed to `hash` (src/lint/incremental/warm.rs).
    Trusted {
        hash: Key,
    },
    /// Not on disk: the compiler's built-in copy (a well-known type), which idl's
    /// build fixes.
    Builtin(&'static str),
    /// Nowhere: the compile reports it (and the run is not cached).
    Missing,
}

struct ClosureFile {
    name: String,
    display_path: String,
    path: Option<PathBuf>,
    content: Content,
    header: Header,
    /// Its stat before it was read, when old enough that a later run may trust
    /// an equal stat to mean equal bytes.
    stat: Option<Stat>,
}

/// The maps of a run's 7,218 (googleapis) names and paths: keyed by idl's own
/// strings, never by an adversary's, so a fast hash rather than SipHash (a
/// tenth of a warm run's lookups).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A file as the last run saw it: trusted unread when its stat is unchanged.
struct Known<'a> {
    display_path: &'a str,
    stat: Stat,
    hash: Key,
    imports: &'a [String],
    packages: &'a [String],
}

/// The target files, then every file they may import, transitively, read once.
struct Closure {
    files: Vec<ClosureFile>,
    /// The first `target_count` files are the targets, in target order.
    target_count: usize,
    by_name: FastMap<String, usize>,
    by_display: FastMap<String, usize>,
}

impl Closure {
    /// Reads the closure; a file in `known` whose stat is unchanged is trusted
    /// unread, with the header it had.
    fn read(
        workspace: &Workspace,
        table: Option<&EntryTable>,
        known: &FastMap<&str, Known>,
        started_ns: i64,
    ) -> Result<Closure, &'static str> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let unreadable = "a file could not be read as .proto text";
        let unscannable = "a scan could not tell a file's imports";
        let file = |name: String, display_path: String, path: PathBuf| -> Result<ClosureFile, &'static str> {
            // Stat first: a change after it shows in the next run's stat.
            let stat = Stat::settled(&path, started_ns);
            if let Some(stat) = stat
                && let Some(known) = known.get(name.as_str())
                && known.stat == stat
                && known.display_path == display_path
            {
                let header = Header { imports: known.imports.to_vec(), packages: known.packages.to_vec(), new: None };
                let content = Content::Trusted { hash: known.hash };
                return Ok(ClosureFile { name, display_path, path: Some(path), content, header, stat: Some(stat) });
            }
            let text = crate::checked_read::read_proto_text(&path, &display_path).map_err(|_| unreadable)?;
            let hash: Key = Sha256::digest(text.as_bytes()).into();
            let content = Content::Text { hash, text };
            // Touched but not changed (a checkout, a fresh clone with the cache
            // restored): the bytes the last run scanned, so not scanned again.
            let header = match known.get(name.as_str()) {
                Some(known) if known.hash == hash => {
                    Header { imports: known.imports.to_vec(), packages: known.packages.to_vec(), new: None }
                }
                _ => Header::of(&content, table).ok_or(unscannable)?,
            };
            Ok(ClosureFile { name, display_path, path: Some(path), content, header, stat })
        };
        let unread = |name: String, display_path: String, content: Content| -> Result<ClosureFile, &'static str> {
            let header = Header::of(&content, table).ok_or(unscannable)?;
            Ok(ClosureFile { name, display_path, path: None, content, header, stat: None })
        };
        let targets: Vec<ClosureFile> = workspace
            .targets
            .par_iter()
            .map(|t| file(t.name.clone(), t.display_path.clone(), t.path.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        let target_count = targets.len();
        let mut closure = Closure {
            files: targets,
            target_count,
            by_name: FastMap::with_capacity_and_hasher(target_count * 2, Default::default()),
            by_display: FastMap::default(),
        };
        for (i, file) in closure.files.iter().enumerate() {
            closure.by_name.insert(file.name.clone(), i);
        }
        // Imports, level by level (each level read in parallel).
        // (Only names not yet in the closure are copied: most imports are targets.)
        let unseen = |files: &[ClosureFile], by_name: &FastMap<String, usize>| -> Vec<String> {
            let mut names: Vec<&String> =
                files.iter().flat_map(|f| &f.header.imports).filter(|name| !by_name.contains_key(*name)).collect();
            names.sort();
            names.dedup();
            names.into_iter().cloned().collect()
        };
        let mut level: Vec<String> = unseen(&closure.files, &closure.by_name);
        while !level.is_empty() {
            let names: Vec<String> = std::mem::take(&mut level);
            let found: Vec<ClosureFile> = names
                .into_par_iter()
                .map(|name| {
                    // As the compiler resolves it: a well-known type that is not one
                    // of the workspace's files is the built-in copy.
                    match workspace.resolve_import(&name) {
                        _ if let Some(text) = crate::compile::builtin_source(&name) => {
                            unread(name.clone(), name, Content::Builtin(text))
                        }
                        Some(path) => {
                            let display = crate::compile::display_path(&path, &cwd);
                            file(name, display, path)
                        }
                        None => unread(name.clone(), name, Content::Missing),
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            let start = closure.files.len();
            for file in found {
                closure.by_name.insert(file.name.clone(), closure.files.len());
                closure.files.push(file);
            }
            level = unseen(&closure.files[start..], &closure.by_name);
        }
        closure.by_display.reserve(closure.files.len());
        for (i, file) in closure.files.iter().enumerate() {
            closure.by_display.insert(file.display_path.clone(), i);
        }
        Ok(closure)
    }

    /// Reads the trusted files among `from` and everything they may import,
    /// transitively (what a compile of `from` reads), each checked against the
    /// hash it was trusted with.
    fn load(&mut self, from: impl Iterator<Item = usize>) -> Result<(), &'static str> {
        let mut stack: Vec<usize> = from.collect();
        let mut seen = vec![false; self.files.len()];
        let mut unread = Vec::new();
        while let Some(at) = stack.pop() {
            if std::mem::replace(&mut seen[at], true) {
                continue;
            }
            let file = &self.files[at];
            if matches!(file.content, Content::Trusted { .. }) {
                unread.push(at);
            }
            stack.extend(file.header.imports.iter().filter_map(|import| self.by_name.get(import).copied()));
        }
        let texts: Vec<(usize, Arc<str>)> = unread
            .into_par_iter()
            .map(|at| {
                let file = &self.files[at];
                let path = file.path.as_ref().ok_or("a trusted file has no path")?;
                let text = crate::checked_read::read_proto_text(path, &file.display_path)
                    .map_err(|_| "a trusted file could not be read")?;
                let hash: Key = Sha256::digest(text.as_bytes()).into();
                match file.content {
                    Content::Trusted { hash: trusted } if trusted == hash => Ok((at, text)),
                    _ => Err("a file changed without its stat changing"),
                }
            })
            .collect::<Result<_, _>>()?;
        for (at, text) in texts {
            let Content::Trusted { hash } = self.files[at].content else { continue };
            self.files[at].content = Content::Text { hash, text };
        }
        Ok(())
    }

    /// Compiles the targets `missed` (with the texts already read; nothing when
    /// none missed) and runs the file and package rules on them; the facts of
    /// every file the compile linked. A compile error is a decline.
    fn compile_and_lint(
        &self,
        workspace: &Workspace,
        missed: &BTreeSet<usize>,
        selected: &[super::SelectedRule],
        path_ignores: &ignore::PathIgnores,
        errors: &ErrorsLint,
    ) -> Result<Fresh, &'static str> {
        if missed.is_empty() {
            let compilation = Compilation::empty();
            return Ok(Fresh { compilation, files: HashMap::new(), packages: BTreeMap::new(), facts: HashMap::new() });
        }
        let names: HashSet<&str> = missed.iter().map(|&i| self.files[i].name.as_str()).collect();
        let disk = if missed.len() == self.target_count {
            WorkspaceFiles::new(workspace)
        } else {
            WorkspaceFiles::selecting(workspace, |t| names.contains(t.name.as_str()))
        };
        let compilation = crate::compile::compile_from(&ReadOnce { disk, texts: self.texts() });
        if compilation.has_errors() {
            return Err("the files to compile have errors");
        }
        let files = super::lint_files(&compilation, selected, errors, path_ignores.comments_off)
            .into_iter()
            .map(|file| (file.name.clone(), file))
            .collect();
        let packages = super::lint_packages(&compilation, selected, errors);
        let wanted = super::facts::Wanted::of(selected, errors);
        let facts = compilation
            .files
            .iter()
            .filter_map(|file| FileFacts::of(&compilation, file, wanted))
            .map(|facts| (facts.name.clone(), facts))
            .collect();
        Ok(Fresh { compilation, files, packages, facts })
    }

    /// Appends to `list` (the targets' facts) the facts of every file they
    /// import, transitively, as the linked files name their imports;
    /// `facts_at` gives the facts of the closure file at an index.
    fn add_import_facts(
        &self,
        list: &mut Vec<FileFacts>,
        mut facts_at: impl FnMut(usize) -> Result<FileFacts, &'static str>,
    ) -> Result<(), &'static str> {
        let mut seen: HashSet<String> = list.iter().map(|f| f.name.clone()).collect();
        let imports_of =
            |f: &FileFacts| f.dependencies.iter().chain(&f.option_dependencies).cloned().collect::<Vec<_>>();
        let mut queue: Vec<String> = list.iter().flat_map(imports_of).collect();
        while let Some(name) = queue.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let &index = self.by_name.get(name.as_str()).ok_or("a linked import was not in the closure")?;
            let facts = facts_at(index)?;
            queue.extend(imports_of(&facts));
            list.push(facts);
        }
        Ok(())
    }

    /// Every file's key, from its content and its imports' keys.
    fn keys(&self, headers: &[&Header], run_key: &Key) -> Option<Vec<Key>> {
        let mut keys: Vec<Option<Key>> = vec![None; self.files.len()];
        let mut on_path = vec![false; self.files.len()];
        for start in 0..self.files.len() {
            self.key_of(start, headers, run_key, &mut keys, &mut on_path)?;
        }
        keys.into_iter().collect()
    }

    fn key_of(
        &self,
        at: usize,
        headers: &[&Header],
        run_key: &Key,
        keys: &mut Vec<Option<Key>>,
        on_path: &mut Vec<bool>,
    ) -> Option<Key> {
        if let Some(key) = keys[at] {
            return Some(key);
        }
        if on_path[at] {
            return None;
        }
        on_path[at] = true;
        let mut import_keys = Vec::new();
        for import in &headers[at].imports {
            let index = *self.by_name.get(import)?;
            import_keys.push(self.key_of(index, headers, run_key, keys, on_path)?);
        }
        on_path[at] = false;
        let file = &self.files[at];
        let (kind, hash): (&[u8], &[u8]) = match &file.content {
            Content::Text { hash, .. } | Content::Trusted { hash } => (b"text", hash),
            Content::Builtin(_) => (b"builtin", &[]),
            Content::Missing => (b"missing", &[]),
        };
        let is_target = [u8::from(at < self.target_count)];
        let path = file.path.as_ref().map(|p| p.as_os_str().as_encoded_bytes()).unwrap_or_default();
        let mut parts: Vec<&[u8]> =
            vec![run_key, file.name.as_bytes(), file.display_path.as_bytes(), path, &is_target, kind, hash];
        for key in &import_keys {
            parts.push(key);
        }
        let key = tagged(b"file", &parts);
        keys[at] = Some(key);
        Some(key)
    }

    /// The texts read, by import name, for the compile.
    fn texts(&self) -> HashMap<String, (String, Arc<str>)> {
        self.files
            .iter()
            .filter_map(|file| match &file.content {
                Content::Text { text, .. } => Some((file.name.clone(), (file.display_path.clone(), text.clone()))),
                _ => None,
            })
            .collect()
    }

    /// The files of these diagnostics (`every` false: only those with a fix).
    fn sources(&self, diagnostics: &[&Diagnostic], every: bool) -> Vec<SourceFile> {
        let shown: HashSet<&str> =
            diagnostics.iter().filter(|d| every || d.fix.is_some()).map(|d| d.path.as_str()).collect();
        let files: Vec<&ClosureFile> =
            shown.iter().filter_map(|display| self.by_display.get(*display).map(|&i| &self.files[i])).collect();
        files
            .par_iter()
            .filter_map(|file| match &file.content {
                Content::Text { text, .. } => Some(SourceFile::new(&file.name, &file.display_path, text.clone())),
                _ => None,
            })
            .collect()
    }
}

/// What a compile of the targets that missed gives (`Closure::compile_and_lint`).
struct Fresh {
    /// Empty when nothing missed.
    compilation: Compilation,
    /// The file rules' findings, by import name.
    files: HashMap<String, FileLint>,
    /// The package rules' findings, by package.
    packages: BTreeMap<String, Vec<Finding>>,
    /// The facts of every file the compile linked, by import name.
    facts: HashMap<String, FileFacts>,
}

/// The workspace's files, with the texts this run already read served from memory.
struct ReadOnce<'a> {
    disk: WorkspaceFiles<'a>,
    texts: HashMap<String, (String, Arc<str>)>,
}

impl FileProvider for ReadOnce<'_> {
    fn targets(&self) -> Vec<String> {
        self.disk.targets()
    }

    fn own_files(&self) -> Vec<String> {
        self.disk.own_files()
    }

    fn read(&self, name: &str) -> Option<ReadResult> {
        match self.texts.get(name) {
            Some((display, text)) => Some(Ok((display.clone(), text.clone()))),
            None => self.disk.read(name),
        }
    }

    fn searched(&self) -> String {
        self.disk.searched()
    }
}

// The table's values. Protobuf, so reading 80,000 findings stays cheap.

#[derive(Clone, PartialEq, prost::Message)]
struct HeaderProto {
    #[prost(string, repeated, tag = "1")]
    imports: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    packages: Vec<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct FileEntryProto {
    /// Set for a target's entry (findings and directives present).
    #[prost(bool, tag = "1")]
    linted: bool,
    #[prost(message, optional, tag = "2")]
    facts: Option<FactsProto>,
    #[prost(message, repeated, tag = "3")]
    findings: Vec<FindingProto>,
    #[prost(message, repeated, tag = "4")]
    directives: Vec<DirectiveProto>,
    #[prost(message, repeated, tag = "5")]
    warnings: Vec<FindingProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct PackageEntryProto {
    #[prost(message, repeated, tag = "1")]
    findings: Vec<FindingProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct SpanProto {
    #[prost(uint64, tag = "1")]
    start_offset: u64,
    #[prost(uint64, tag = "2")]
    end_offset: u64,
    #[prost(uint32, repeated, tag = "3")]
    start: Vec<u32>,
    #[prost(uint32, repeated, tag = "4")]
    end: Vec<u32>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct EditProto {
    #[prost(uint64, tag = "1")]
    start: u64,
    #[prost(uint64, tag = "2")]
    end: u64,
    #[prost(string, tag = "3")]
    replacement: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct FixProto {
    #[prost(string, tag = "1")]
    description: String,
    #[prost(bool, tag = "2")]
    safe: bool,
    #[prost(message, repeated, tag = "3")]
    edits: Vec<EditProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct FindingProto {
    #[prost(string, tag = "1")]
    rule: String,
    #[prost(uint32, tag = "2")]
    severity: u32,
    #[prost(string, tag = "3")]
    message: String,
    #[prost(string, tag = "4")]
    path: String,
    #[prost(message, optional, tag = "5")]
    span: Option<SpanProto>,
    #[prost(string, repeated, tag = "6")]
    notes: Vec<String>,
    #[prost(message, optional, tag = "7")]
    fix: Option<FixProto>,
    #[prost(string, optional, tag = "8")]
    file_name: Option<String>,
    #[prost(int32, repeated, tag = "9")]
    element_path: Vec<i32>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct DirectiveProto {
    #[prost(int32, repeated, tag = "1")]
    path: Vec<i32>,
    #[prost(string, tag = "2")]
    rest: String,
    #[prost(string, tag = "3")]
    rule: String,
    #[prost(uint64, tag = "4")]
    start: u64,
    #[prost(uint64, tag = "5")]
    end: u64,
    #[prost(message, optional, tag = "6")]
    span: Option<SpanProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct SiteProto {
    #[prost(int32, repeated, tag = "1")]
    path: Vec<i32>,
    #[prost(message, optional, tag = "2")]
    span: Option<SpanProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct MethodProto {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(string, tag = "2")]
    input: String,
    #[prost(string, tag = "3")]
    output: String,
    #[prost(message, optional, tag = "4")]
    site: Option<SiteProto>,
    #[prost(string, tag = "5")]
    full_name: String,
    #[prost(message, repeated, tag = "6")]
    routes: Vec<RouteProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct RouteProto {
    #[prost(string, tag = "1")]
    host: String,
    #[prost(string, tag = "2")]
    verb: String,
    #[prost(string, tag = "3")]
    route: String,
    #[prost(string, tag = "4")]
    path: String,
    #[prost(message, optional, tag = "5")]
    site: Option<SiteProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct FactsProto {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(string, tag = "2")]
    display_path: String,
    #[prost(string, tag = "3")]
    package: String,
    #[prost(string, repeated, tag = "4")]
    dependencies: Vec<String>,
    #[prost(message, optional, tag = "5")]
    package_site: Option<SiteProto>,
    #[prost(message, repeated, tag = "6")]
    dependency_sites: Vec<SiteProto>,
    #[prost(message, repeated, tag = "7")]
    methods: Vec<MethodProto>,
    #[prost(string, repeated, tag = "8")]
    option_dependencies: Vec<String>,
    #[prost(message, optional, tag = "9")]
    errors: Option<FileErrorsProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct FileErrorsProto {
    #[prost(message, repeated, tag = "1")]
    rows: Vec<ErrorRowProto>,
    #[prost(message, repeated, tag = "2")]
    enums: Vec<ErrorEnumProto>,
    #[prost(message, repeated, tag = "3")]
    sites: Vec<SiteProto>,
}

/// An [`ErrorRow`]; its `&'static str` fields are kept as text and mapped back
/// to the values they can be (an unknown one makes the entry a miss).
#[derive(Clone, PartialEq, prost::Message)]
struct ErrorRowProto {
    #[prost(string, tag = "1")]
    id: String,
    #[prost(string, tag = "2")]
    reason: String,
    #[prost(string, tag = "3")]
    domain: String,
    #[prost(int64, optional, tag = "4")]
    biz_code: Option<i64>,
    #[prost(string, optional, tag = "5")]
    biz_source: Option<String>,
    #[prost(int32, optional, tag = "6")]
    http_status: Option<i32>,
    #[prost(string, optional, tag = "7")]
    http_source: Option<String>,
    #[prost(string, optional, tag = "8")]
    grpc_code: Option<String>,
    #[prost(int32, optional, tag = "9")]
    grpc_number: Option<i32>,
    #[prost(bool, tag = "10")]
    lossy: bool,
    #[prost(string, optional, tag = "11")]
    round_trip: Option<String>,
    #[prost(string, tag = "12")]
    profile: String,
    #[prost(bool, tag = "13")]
    ego: bool,
    #[prost(string, tag = "14")]
    message: String,
    #[prost(string, tag = "15")]
    description: String,
    #[prost(string, repeated, tag = "16")]
    locale_keys: Vec<String>,
    #[prost(string, repeated, tag = "17")]
    locale_values: Vec<String>,
    #[prost(string, repeated, tag = "18")]
    metadata_keys: Vec<String>,
    #[prost(bool, tag = "19")]
    deprecated: bool,
    #[prost(string, tag = "20")]
    enum_name: String,
    #[prost(int32, tag = "21")]
    number: i32,
    #[prost(string, tag = "22")]
    package: String,
    #[prost(string, tag = "23")]
    file: String,
    #[prost(uint32, tag = "24")]
    line: u32,
    #[prost(string, tag = "25")]
    raw_file_name: String,
    #[prost(int32, repeated, tag = "26")]
    raw_path: Vec<i32>,
    #[prost(uint64, tag = "27")]
    raw_start: u64,
    #[prost(uint64, tag = "28")]
    raw_end: u64,
    #[prost(string, optional, tag = "29")]
    ego_code: Option<String>,
    #[prost(string, tag = "30")]
    raw_name: String,
    #[prost(int32, optional, tag = "31")]
    declared_code: Option<i32>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ErrorEnumProto {
    #[prost(string, tag = "1")]
    full_name: String,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(string, tag = "3")]
    package: String,
    #[prost(bool, tag = "4")]
    ego: bool,
    #[prost(string, tag = "5")]
    file_name: String,
    #[prost(int32, repeated, tag = "6")]
    path: Vec<i32>,
    #[prost(string, optional, tag = "7")]
    zero_value_name: Option<String>,
    #[prost(int32, repeated, tag = "8")]
    zero_value_path: Vec<i32>,
}

fn file_entry(lint: Option<&FileLint>, facts: &FileFacts, warnings: &[Diagnostic]) -> FileEntryProto {
    FileEntryProto {
        linted: lint.is_some(),
        facts: Some(facts_proto(facts)),
        findings: lint.map(|l| l.findings.iter().map(finding_proto).collect()).unwrap_or_default(),
        directives: lint.map(|l| l.directives.iter().map(directive_proto).collect()).unwrap_or_default(),
        warnings: warnings.iter().map(|w| diagnostic_proto(w, None, &[])).collect(),
    }
}

fn span_proto(span: &Span) -> SpanProto {
    let position = |p: &Position| vec![p.line, p.column, p.column_utf16];
    SpanProto {
        start_offset: span.start_offset as u64,
        end_offset: span.end_offset as u64,
        start: position(&span.start),
        end: position(&span.end),
    }
}

fn span(proto: SpanProto) -> Span {
    let position = |p: &[u32]| Position {
        line: p.first().copied().unwrap_or(1),
        column: p.get(1).copied().unwrap_or(1),
        column_utf16: p.get(2).copied().unwrap_or(1),
    };
    Span {
        start_offset: proto.start_offset as usize,
        end_offset: proto.end_offset as usize,
        start: position(&proto.start),
        end: position(&proto.end),
    }
}

fn severity_number(severity: Severity) -> u32 {
    match severity {
        Severity::Info => 0,
        Severity::Warn => 1,
        Severity::Error => 2,
    }
}

fn finding_proto(finding: &Finding) -> FindingProto {
    diagnostic_proto(&finding.diagnostic, finding.file_name.as_ref(), &finding.path)
}

/// A diagnostic with what ignores need of it (the file it is in, the element).
fn diagnostic_proto(d: &Diagnostic, file_name: Option<&String>, path: &[i32]) -> FindingProto {
    FindingProto {
        rule: d.rule.clone(),
        severity: severity_number(d.severity),
        message: d.message.clone(),
        path: d.path.clone(),
        span: d.span.as_ref().map(span_proto),
        notes: d.notes.clone(),
        fix: d.fix.as_ref().map(|fix| FixProto {
            description: fix.description.clone(),
            safe: fix.safe,
            edits: fix
                .edits
                .iter()
                .map(|e| EditProto { start: e.start as u64, end: e.end as u64, replacement: e.replacement.clone() })
                .collect(),
        }),
        file_name: file_name.cloned(),
        element_path: path.to_vec(),
    }
}

fn finding(proto: FindingProto) -> Finding {
    let severity = match proto.severity {
        0 => Severity::Info,
        1 => Severity::Warn,
        _ => Severity::Error,
    };
    let mut diagnostic = Diagnostic::new(proto.rule, severity, proto.message);
    diagnostic.path = proto.path;
    diagnostic.span = proto.span.map(span);
    diagnostic.notes = proto.notes;
    diagnostic.fix = proto.fix.map(|fix| Fix {
        description: fix.description,
        safe: fix.safe,
        edits: fix
            .edits
            .into_iter()
            .map(|e| Edit { start: e.start as usize, end: e.end as usize, replacement: e.replacement })
            .collect(),
    });
    Finding { diagnostic, file_name: proto.file_name, path: proto.element_path }
}

fn directive_proto((directive, at): &(ignore::Directive, Span)) -> DirectiveProto {
    DirectiveProto {
        path: directive.path.clone(),
        rest: directive.rest.clone(),
        rule: directive.rule.clone(),
        start: directive.span.start as u64,
        end: directive.span.end as u64,
        span: Some(span_proto(at)),
    }
}

fn directive(proto: DirectiveProto) -> (ignore::Directive, Span) {
    let at = proto.span.map(span).unwrap_or(Span {
        start_offset: 0,
        end_offset: 0,
        start: Position { line: 1, column: 1, column_utf16: 1 },
        end: Position { line: 1, column: 1, column_utf16: 1 },
    });
    let directive = ignore::Directive {
        path: proto.path,
        rest: proto.rest,
        rule: proto.rule,
        span: proto.start as usize..proto.end as usize,
    };
    (directive, at)
}

fn site_proto(site: &Site) -> SiteProto {
    SiteProto { path: site.path.clone(), span: Some(span_proto(&site.span)) }
}

fn site(proto: SiteProto) -> Option<Site> {
    Some(Site { path: proto.path, span: span(proto.span?) })
}

fn facts_proto(facts: &FileFacts) -> FactsProto {
    FactsProto {
        name: facts.name.clone(),
        display_path: facts.display_path.clone(),
        package: facts.package.clone(),
        dependencies: facts.dependencies.clone(),
        option_dependencies: facts.option_dependencies.clone(),
        package_site: facts.package_site.as_ref().map(site_proto),
        errors: facts.errors.as_ref().map(file_errors_proto),
        dependency_sites: facts.dependency_sites.iter().map(site_proto).collect(),
        methods: facts
            .methods
            .iter()
            .map(|m| MethodProto {
                name: m.name.clone(),
                full_name: m.full_name.clone(),
                input: m.input.clone(),
                output: m.output.clone(),
                site: Some(site_proto(&m.site)),
                routes: m
                    .routes
                    .iter()
                    .map(|r| RouteProto {
                        host: r.host.clone(),
                        verb: r.verb.clone(),
                        route: r.route.clone(),
                        path: r.path.clone(),
                        site: Some(site_proto(&r.site)),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The facts an entry holds; an error table that does not map back is a miss.
fn facts(proto: FactsProto) -> Result<FileFacts, &'static str> {
    let errors = match proto.errors {
        Some(errors) => Some(file_errors(errors).ok_or("an entry's error table does not read back")?),
        None => None,
    };
    Ok(FileFacts {
        name: proto.name,
        display_path: proto.display_path,
        package: proto.package,
        dependencies: proto.dependencies,
        option_dependencies: proto.option_dependencies,
        package_site: proto.package_site.and_then(site),
        errors,
        dependency_sites: proto.dependency_sites.into_iter().filter_map(site).collect(),
        methods: proto
            .methods
            .into_iter()
            .filter_map(|m| {
                let routes = m
                    .routes
                    .into_iter()
                    .map(|r| {
                        let site = site(r.site?)?;
                        Some(RouteFacts { host: r.host, verb: r.verb, route: r.route, path: r.path, site })
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(MethodFacts {
                    name: m.name,
                    full_name: m.full_name,
                    input: m.input,
                    output: m.output,
                    site: site(m.site?)?,
                    routes,
                })
            })
            .collect(),
    })
}

fn file_errors_proto(errors: &FileErrors) -> FileErrorsProto {
    FileErrorsProto {
        rows: errors.rows.iter().map(error_row_proto).collect(),
        enums: errors
            .enums
            .iter()
            .map(|e| ErrorEnumProto {
                full_name: e.full_name.clone(),
                name: e.name.clone(),
                package: e.package.clone(),
                ego: e.style == Style::Ego,
                file_name: e.file_name.clone(),
                path: e.path.clone(),
                zero_value_name: e.zero_value.as_ref().map(|(name, _)| name.clone()),
                zero_value_path: e.zero_value.as_ref().map(|(_, path)| path.clone()).unwrap_or_default(),
            })
            .collect(),
        sites: errors.sites.iter().map(site_proto).collect(),
    }
}

fn error_row_proto(row: &ErrorRow) -> ErrorRowProto {
    ErrorRowProto {
        id: row.id.clone(),
        reason: row.reason.clone(),
        domain: row.domain.clone(),
        biz_code: row.biz_code,
        biz_source: row.biz_source.map(str::to_string),
        http_status: row.http_status,
        http_source: row.http_source.map(str::to_string),
        grpc_code: row.grpc_code.map(str::to_string),
        grpc_number: row.grpc_number,
        lossy: row.lossy,
        round_trip: row.round_trip.clone(),
        profile: row.profile.to_string(),
        ego: row.style == Style::Ego,
        message: row.message.clone(),
        description: row.description.clone(),
        locale_keys: row.locales.keys().cloned().collect(),
        locale_values: row.locales.values().cloned().collect(),
        metadata_keys: row.metadata_keys.clone(),
        deprecated: row.deprecated,
        enum_name: row.enum_name.clone(),
        number: row.number,
        package: row.package.clone(),
        file: row.file.clone(),
        line: row.line,
        raw_file_name: row.raw.file_name.clone(),
        raw_path: row.raw.path.clone(),
        raw_start: row.raw.span.0 as u64,
        raw_end: row.raw.span.1 as u64,
        ego_code: row.raw.ego_code.clone(),
        raw_name: row.raw.name.clone(),
        declared_code: row.raw.declared_code,
    }
}

/// The one of `known` that `text` is (the `&'static str`s a row holds).
fn known_text(text: Option<String>, known: &[&'static str]) -> Result<Option<&'static str>, ()> {
    match text {
        None => Ok(None),
        Some(text) => known.iter().copied().find(|k| *k == text).map(Some).ok_or(()),
    }
}

fn file_errors(proto: FileErrorsProto) -> Option<FileErrors> {
    let style = |ego: bool| if ego { Style::Ego } else { Style::Kratos };
    let rows = proto
        .rows
        .into_iter()
        .map(|r| {
            if r.locale_keys.len() != r.locale_values.len() {
                return None;
            }
            Some(ErrorRow {
                id: r.id,
                reason: r.reason,
                domain: r.domain,
                biz_code: r.biz_code,
                biz_source: known_text(r.biz_source, &["option", "number", "scheme"]).ok()?,
                http_status: r.http_status,
                http_source: known_text(r.http_source, &["value", "enum_default", "derived"]).ok()?,
                grpc_code: known_text(r.grpc_code, &crate::errors::mapping::GRPC_CODES).ok()?,
                grpc_number: r.grpc_number,
                lossy: r.lossy,
                round_trip: r.round_trip,
                profile: crate::errors::mapping::profile(&r.profile)?.name,
                style: style(r.ego),
                message: r.message,
                description: r.description,
                locales: r.locale_keys.into_iter().zip(r.locale_values).collect(),
                metadata_keys: r.metadata_keys,
                deprecated: r.deprecated,
                enum_name: r.enum_name,
                number: r.number,
                package: r.package,
                file: r.file,
                line: r.line,
                raw: RawRow {
                    file_name: r.raw_file_name,
                    path: r.raw_path,
                    span: (r.raw_start as usize, r.raw_end as usize),
                    ego_code: r.ego_code,
                    name: r.raw_name,
                    declared_code: r.declared_code,
                },
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let enums = proto
        .enums
        .into_iter()
        .map(|e| ErrorEnum {
            full_name: e.full_name,
            name: e.name,
            package: e.package,
            style: style(e.ego),
            file_name: e.file_name,
            path: e.path,
            zero_value: e.zero_value_name.map(|name| (name, e.zero_value_path)),
        })
        .collect();
    let sites = proto.sites.into_iter().map(site).collect::<Option<Vec<_>>>()?;
    Some(FileErrors { rows, enums, sites })
}
