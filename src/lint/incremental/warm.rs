//! The warm path of `idl lint`: a run after a few files changed writes the last
//! run's report again, re-rendering only the paths whose findings may differ.
//!
//! A cached run still costs what every file costs: reading and hashing 7,000
//! files, decoding 80,000 findings, the ignores and rendering them all (0.45 s
//! on googleapis). What a warm run may skip follows from three facts:
//!
//! - **A file whose stat did not change has the bytes it had**, provided the
//!   stat was taken well after the file last changed ([`Stat::settled`]). The
//!   last run's **snapshot** keeps each file's stat, content hash, scanned
//!   imports and key, so such a file is not read.
//! - **A path's rendering is a function of its digest**: the keys of the files
//!   shown at that path (a key covers the file and its import closure), the keys
//!   of their packages, and the workspace rules' findings there, under one run
//!   key and output variant. Each path's rendering is a record in an
//!   append-only **log** (src/cache/rendered.rs) that begins with its digest;
//!   the snapshot says where.
//! - **The workspace rules read only facts**, so when every recompiled file's
//!   facts are the bytes they were, their findings are the last run's (the
//!   snapshot keeps them by path); else they run again over every file's facts,
//!   read from a **facts file** beside the snapshot.
//!
//! So a warm run stats every file, hashes the few whose stat changed, compiles
//! the targets whose key changed with the other files of their packages (as a
//! cached run does), renders the paths whose digest changed and copies every
//! other path's record. Anything it cannot vouch for (no snapshot, another
//! output format, a file added or removed, a new import, too many changes, a
//! workspace finding that moved to a file it did not compile, a record that
//! does not check out) declines, and the cached run (`super::cached_lint`)
//! answers and writes a fresh snapshot and log.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use prost::Message;
use rayon::prelude::*;

use super::{
    Closure, Content, FactsProto, FastMap, FindingProto, Fresh, Header, Key, Known, facts, facts_proto, finding,
    finding_proto, package_key, package_set, tagged,
};
use crate::cache::rendered::{RecordLog, append, load_snapshot, record_size, rewrite, save_snapshot};
use crate::cache::{CacheDir, Stat};
use crate::diagnostic::Diagnostic;
use crate::errors::lint::ErrorsLint;
use crate::lint::facts::{FileFacts, WorkspaceFacts};
use crate::lint::{FileLint, Finding, SelectedRule, ignore};
use crate::report::{PathRenderer, RenderedPath};
use crate::source::{SourceFile, Sources};
use crate::workspace::Workspace;

/// More changed targets than this and the cached run is as fast.
const MAX_CHANGED_TARGETS: usize = 256;

/// Rewrite the log when its dead records outweigh the live ones by this much.
const LOG_SLACK_BYTES: u64 = 1 << 20;

/// A record's payload starts with its path's digest.
const DIGEST_LEN: usize = 32;

/// The names of a run's snapshot, log and facts file, beside its table.
#[derive(Clone)]
pub(super) struct Names {
    pub snapshot: String,
    pub log: String,
    pub facts: String,
}

impl Names {
    /// `lint-<key>[-<targets>]-<variant>.snap`, `.log` and `-facts.snap` for
    /// the table `lint-<key>[-<targets>].bin`.
    pub fn new(table_name: &str, renderer: &PathRenderer) -> Names {
        let stem = table_name.trim_end_matches(".bin");
        let variant = super::hex(&tagged(b"variant", &[renderer.variant().as_bytes()])[..4]);
        Names {
            snapshot: format!("{stem}-{variant}.snap"),
            log: format!("{stem}-{variant}.log"),
            facts: format!("{stem}-{variant}-facts.snap"),
        }
    }
}

/// A report already rendered: pieces of the log read and fresh renderings,
/// in path order, then the tail.
pub struct Rendered {
    log: Arc<RecordLog>,
    fresh: Arc<Vec<Vec<u8>>>,
    order: Vec<Piece>,
    tail: Vec<u8>,
    /// Whether a lint finding fails the run.
    pub fails: bool,
}

enum Piece {
    Log(Range<usize>),
    Fresh(usize),
}

impl Rendered {
    pub fn pieces(&self) -> impl Iterator<Item = &[u8]> {
        self.order
            .iter()
            .map(|piece| match piece {
                Piece::Log(range) => &self.log.bytes()[range.clone()],
                Piece::Fresh(at) => self.fresh[*at].as_slice(),
            })
            .chain(std::iter::once(self.tail.as_slice()))
    }
}

// The snapshot and the facts file.

#[derive(Clone, PartialEq, prost::Message)]
struct SnapshotProto {
    #[prost(string, tag = "1")]
    variant: String,
    /// The closure, in its order (targets first).
    #[prost(message, repeated, tag = "2")]
    files: Vec<SnapFileProto>,
    /// Sorted by path.
    #[prost(message, repeated, tag = "4")]
    paths: Vec<PathProto>,
    /// Which facts file goes with this snapshot ([`facts_id`]).
    #[prost(bytes = "vec", tag = "5")]
    facts_id: Vec<u8>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct SnapFileProto {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(string, tag = "2")]
    display_path: String,
    /// SHA-256 of its bytes; empty for a built-in copy.
    #[prost(bytes = "vec", tag = "3")]
    hash: Vec<u8>,
    /// Absent when it was too recent to trust.
    #[prost(message, optional, tag = "4")]
    stat: Option<StatProto>,
    #[prost(string, repeated, tag = "5")]
    imports: Vec<String>,
    #[prost(string, repeated, tag = "6")]
    packages: Vec<String>,
    #[prost(bytes = "vec", tag = "7")]
    key: Vec<u8>,
    /// A digest of its encoded `FactsProto` ([`facts_digest`]); empty when it
    /// was not linked.
    #[prost(bytes = "vec", tag = "8")]
    facts_digest: Vec<u8>,
    #[prost(bool, tag = "9")]
    target: bool,
    /// A target's package, as linked.
    #[prost(string, tag = "10")]
    package: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct StatProto {
    #[prost(uint64, tag = "1")]
    size: u64,
    #[prost(int64, tag = "2")]
    mtime_ns: i64,
    #[prost(int64, tag = "3")]
    ctime_ns: i64,
    #[prost(uint64, tag = "4")]
    inode: u64,
    #[prost(uint64, tag = "5")]
    device: u64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct PathProto {
    #[prost(string, tag = "1")]
    path: String,
    #[prost(bytes = "vec", tag = "2")]
    digest: Vec<u8>,
    /// Where its record is; [`NO_RECORD`] when it renders to nothing.
    #[prost(uint64, tag = "3")]
    offset: u64,
    #[prost(uint64, tag = "4")]
    len: u64,
    #[prost(bool, tag = "5")]
    fails: bool,
    #[prost(uint32, repeated, tag = "6")]
    counts: Vec<u32>,
    /// The workspace rules' findings here ([`workspace_blobs`]).
    #[prost(bytes = "vec", tag = "7")]
    workspace: Vec<u8>,
}

/// Every closure file's encoded `FactsProto`, in the snapshot's file order.
#[derive(Clone, PartialEq, prost::Message)]
struct FactsFileProto {
    #[prost(bytes = "vec", tag = "1")]
    id: Vec<u8>,
    #[prost(message, repeated, tag = "2")]
    slots: Vec<FactsSlotProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct FactsSlotProto {
    #[prost(bool, tag = "1")]
    linked: bool,
    #[prost(bytes = "vec", tag = "2")]
    facts: Vec<u8>,
}

const NO_RECORD: u64 = u64::MAX;

fn stat_proto(stat: &Stat) -> StatProto {
    StatProto {
        size: stat.size,
        mtime_ns: stat.mtime_ns,
        ctime_ns: stat.ctime_ns,
        inode: stat.inode,
        device: stat.device,
    }
}

fn stat(proto: &StatProto) -> Stat {
    Stat {
        size: proto.size,
        mtime_ns: proto.mtime_ns,
        ctime_ns: proto.ctime_ns,
        inode: proto.inode,
        device: proto.device,
    }
}

fn facts_digest(encoded: Option<&[u8]>) -> Vec<u8> {
    encoded.map(|bytes| tagged(b"facts", &[bytes])[..16].to_vec()).unwrap_or_default()
}

/// What names one set of facts: the digests of all of them, in order.
fn facts_id(digests: &[Vec<u8>]) -> Vec<u8> {
    let parts: Vec<&[u8]> = digests.iter().map(Vec::as_slice).collect();
    tagged(b"facts-id", &parts)[..16].to_vec()
}

/// The workspace findings by path, each path's as one blob: the findings
/// encoded, sorted (so equal findings give equal blobs whatever order the
/// rules gave them in) and length-prefixed.
fn workspace_blobs(found: &[Finding]) -> BTreeMap<String, Vec<u8>> {
    let mut by_path: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for one in found {
        by_path.entry(one.diagnostic.path.clone()).or_default().push(finding_proto(one).encode_to_vec());
    }
    by_path
        .into_iter()
        .map(|(path, mut encoded)| {
            encoded.sort();
            let mut blob = Vec::new();
            for one in encoded {
                blob.extend_from_slice(&(one.len() as u32).to_le_bytes());
                blob.extend_from_slice(&one);
            }
            (path, blob)
        })
        .collect()
}

/// The findings of a blob of [`workspace_blobs`].
fn workspace_findings_of(mut blob: &[u8]) -> Result<Vec<Finding>, &'static str> {
    let damaged = "a snapshot's workspace findings are damaged";
    let mut found = Vec::new();
    while !blob.is_empty() {
        let len = u32::from_le_bytes(blob.get(..4).ok_or(damaged)?.try_into().map_err(|_| damaged)?) as usize;
        let one = blob.get(4..4 + len).ok_or(damaged)?;
        found.push(finding(FindingProto::decode(one).map_err(|_| damaged)?));
        blob = &blob[4 + len..];
    }
    Ok(found)
}

/// What a run's paths are rendered from, whichever way it ran.
pub(super) struct RunView<'a> {
    pub renderer: &'a PathRenderer,
    pub run_key: &'a Key,
    pub closure: &'a Closure,
    pub keys: &'a [Key],
    /// Each target's package, as linked.
    pub target_packages: &'a [String],
}

impl RunView<'_> {
    /// Every path's digest (or, given `only`, those paths'): the paths of the
    /// closure's files and of the workspace findings, each from the keys of its
    /// files, the keys of its targets' packages and the workspace findings there.
    fn digests(&self, workspace: &BTreeMap<String, Vec<u8>>, only: Option<&BTreeSet<&str>>) -> BTreeMap<String, Key> {
        let closure = self.closure;
        let wanted = |path: &str| only.is_none_or(|only| only.contains(path));
        let mut at_path: BTreeMap<&str, (Vec<usize>, &[u8])> = BTreeMap::new();
        for (i, file) in closure.files.iter().enumerate().filter(|(_, file)| wanted(&file.display_path)) {
            at_path.entry(file.display_path.as_str()).or_default().0.push(i);
        }
        for (path, blob) in workspace.iter().filter(|(path, _)| wanted(path)) {
            at_path.entry(path.as_str()).or_default().1 = blob;
        }
        let needed: HashSet<&str> = at_path
            .values()
            .flat_map(|(files, _)| files.iter().filter(|&&i| i < closure.target_count))
            .map(|&i| self.target_packages[i].as_str())
            .collect();
        let mut members: BTreeMap<&str, Vec<(&str, &Key)>> = BTreeMap::new();
        for (i, package) in self.target_packages.iter().enumerate().filter(|(_, p)| needed.contains(p.as_str())) {
            members.entry(package).or_default().push((closure.files[i].name.as_str(), &self.keys[i]));
        }
        let package_keys: HashMap<&str, Key> = members
            .into_iter()
            .map(|(package, files)| (package, package_key(self.run_key, package, files.into_iter())))
            .collect();
        let variant = self.renderer.variant();
        at_path
            .into_par_iter()
            .map(|(path, (files, blob))| {
                let mut parts: Vec<&[u8]> = vec![self.run_key, variant.as_bytes(), path.as_bytes()];
                for &i in &files {
                    parts.push(&self.keys[i]);
                    if i < closure.target_count {
                        parts.push(&package_keys[self.target_packages[i].as_str()]);
                    }
                }
                parts.push(blob);
                (path.to_string(), tagged(b"path", &parts))
            })
            .collect()
    }

    /// Renders `paths` from their lint findings (after ignores) and compile
    /// warnings; a diagnostic at another path is an error.
    fn render(
        &self,
        paths: &BTreeSet<&str>,
        findings: Vec<Diagnostic>,
        warnings: Vec<Diagnostic>,
    ) -> Result<BTreeMap<String, RenderedPath>, &'static str> {
        let mut groups: BTreeMap<&str, (Vec<Diagnostic>, Vec<Diagnostic>)> =
            paths.iter().map(|&path| (path, Default::default())).collect();
        for d in findings {
            let Some(group) = groups.get_mut(d.path.as_str()) else {
                return Err("a finding outside the paths rendered");
            };
            group.0.push(d);
        }
        for d in warnings {
            let Some(group) = groups.get_mut(d.path.as_str()) else {
                return Err("a warning outside the paths rendered");
            };
            group.1.push(d);
        }
        groups
            .into_par_iter()
            .map(|(path, (findings, warnings))| {
                let mut sources = Sources::default();
                let needs_source = self.renderer.needs_source(&findings) || self.renderer.needs_source(&warnings);
                if needs_source && let Some(&i) = self.closure.by_display.get(path) {
                    let file = &self.closure.files[i];
                    match &file.content {
                        Content::Text { text, .. } => {
                            sources.insert(SourceFile::new(&file.name, &file.display_path, text.clone()))
                        }
                        Content::Trusted { .. } => return Err("a path to render was not read"),
                        Content::Builtin(_) | Content::Missing => {}
                    }
                }
                Ok((path.to_string(), self.renderer.render(findings, warnings, &sources)))
            })
            .collect()
    }

    /// The snapshot's files: each with its stat, hash, header, key and facts' digest.
    fn snapshot_files(&self, facts_digests: &[Vec<u8>]) -> Vec<SnapFileProto> {
        let closure = self.closure;
        closure
            .files
            .iter()
            .enumerate()
            .map(|(i, file)| SnapFileProto {
                name: file.name.clone(),
                display_path: file.display_path.clone(),
                hash: match &file.content {
                    Content::Text { hash, .. } | Content::Trusted { hash } => hash.to_vec(),
                    Content::Builtin(_) | Content::Missing => Vec::new(),
                },
                stat: file.stat.as_ref().map(stat_proto),
                imports: file.header.imports.clone(),
                packages: file.header.packages.clone(),
                key: self.keys[i].to_vec(),
                facts_digest: facts_digests[i].clone(),
                target: i < closure.target_count,
                package: self.target_packages.get(i).cloned().unwrap_or_default(),
            })
            .collect()
    }
}

/// A report being put together path by path: its pieces and totals.
#[derive(Default)]
struct Assembly {
    fresh: Vec<Vec<u8>>,
    order: Vec<Piece>,
    counts: [u32; 3],
    fails: bool,
}

impl Assembly {
    /// Adds a path rendered this run; where the snapshot will find it.
    fn fresh(&mut self, rendering: RenderedPath) -> Source {
        self.total(rendering.fails, rendering.counts);
        if rendering.bytes.is_empty() {
            return Source::Empty;
        }
        self.order.push(Piece::Fresh(self.fresh.len()));
        self.fresh.push(rendering.bytes);
        Source::Fresh(self.fresh.len() - 1)
    }

    fn total(&mut self, fails: bool, counts: [u32; 3]) {
        self.fails |= fails;
        for (sum, n) in self.counts.iter_mut().zip(counts) {
            *sum += n;
        }
    }

    fn finish(self, log: Arc<RecordLog>, renderer: &PathRenderer) -> Rendered {
        let tail = renderer.tail(self.counts);
        Rendered { log, fresh: Arc::new(self.fresh), order: self.order, tail, fails: self.fails }
    }
}

/// The snapshot's field of files, encoded on its own.
fn encode_files(files: Vec<SnapFileProto>) -> Vec<u8> {
    SnapshotProto { files, ..Default::default() }.encode_to_vec()
}

/// Where a path's rendering comes from when the snapshot is written.
enum Source {
    Empty,
    /// A record of the log read, by offset and length.
    Old(u64, u64),
    Fresh(usize),
}

struct PathSave {
    path: String,
    digest: Key,
    source: Source,
    fails: bool,
    counts: [u32; 3],
    workspace: Vec<u8>,
}

/// A snapshot, its records and (when they changed) its facts, written beside
/// the report.
pub(super) struct Save {
    dir: CacheDir,
    names: Names,
    variant: String,
    /// The snapshot's file list, encoded ([`encode_files`]).
    files: Vec<u8>,
    facts_id: Vec<u8>,
    /// Every file's encoded facts, when they are to be written.
    facts: Option<Vec<Option<Vec<u8>>>>,
    paths: Vec<PathSave>,
    log: Arc<RecordLog>,
    fresh: Arc<Vec<Vec<u8>>>,
    /// Write the log anew (a cold run's, or one with too many dead records).
    rewrite: bool,
}

impl Save {
    pub fn write(self) -> Result<(), String> {
        if let Some(facts) = &self.facts {
            let slots = facts
                .iter()
                .map(|f| FactsSlotProto { linked: f.is_some(), facts: f.clone().unwrap_or_default() })
                .collect();
            let file = FactsFileProto { id: self.facts_id.clone(), slots };
            save_snapshot(&self.dir, &self.names.facts, &file.encode_to_vec())?;
        }
        let fresh_size = |at: usize| record_size(DIGEST_LEN + self.fresh[at].len());
        let live: u64 = self
            .paths
            .iter()
            .map(|p| match p.source {
                Source::Empty => 0,
                Source::Old(_, len) => record_size(len as usize),
                Source::Fresh(at) => fresh_size(at),
            })
            .sum();
        let appended: u64 = self
            .paths
            .iter()
            .filter_map(|p| if let Source::Fresh(at) = p.source { Some(fresh_size(at)) } else { None })
            .sum();
        let dead = (self.log.len() + appended).saturating_sub(live);
        let rewrite_log = self.rewrite || dead > live + LOG_SLACK_BYTES;
        // The payloads to write, and which path each one is.
        let mut payloads: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<usize> = Vec::new();
        for (i, p) in self.paths.iter().enumerate() {
            let payload = match p.source {
                Source::Empty => continue,
                Source::Fresh(at) => [p.digest.as_slice(), &self.fresh[at]].concat(),
                Source::Old(offset, len) if rewrite_log => {
                    self.log.get(offset, len).ok_or("a record of the lint cache's log went missing")?.to_vec()
                }
                Source::Old(..) => continue,
            };
            payloads.push(payload);
            owners.push(i);
        }
        let slices: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
        let written = if rewrite_log {
            rewrite(&self.dir, &self.names.log, &slices)
        } else if slices.is_empty() {
            Ok(Vec::new())
        } else {
            append(&self.dir, &self.names.log, &slices)
        };
        let offsets = written.map_err(|e| format!("cannot write the lint cache's log: {e}"))?;
        let mut located: Vec<(u64, u64)> = self
            .paths
            .iter()
            .map(|p| match p.source {
                Source::Old(offset, len) => (offset, len),
                _ => (NO_RECORD, 0),
            })
            .collect();
        for ((owner, offset), payload) in owners.into_iter().zip(offsets).zip(&payloads) {
            located[owner] = (offset, payload.len() as u64);
        }
        let paths = self
            .paths
            .into_iter()
            .zip(located)
            .map(|(p, (offset, len))| PathProto {
                path: p.path,
                digest: p.digest.to_vec(),
                offset,
                len,
                fails: p.fails,
                counts: p.counts.to_vec(),
                workspace: p.workspace,
            })
            .collect();
        // A protobuf message's encoding is the concatenation of its fields', so
        // the file list encoded apart and the rest decode as one snapshot.
        let rest = SnapshotProto { variant: self.variant, files: Vec::new(), paths, facts_id: self.facts_id };
        let mut payload = self.files;
        rest.encode(&mut payload).map_err(|e| format!("cannot encode the lint cache's snapshot: {e}"))?;
        save_snapshot(&self.dir, &self.names.snapshot, &payload)
    }
}

/// Checks the findings the digests rely on: a finding in a file is at that
/// file's path, and a package finding is at a path of one of the package's
/// targets (so the package's key is in that path's digest).
fn findings_are_where_digests_look(
    view: &RunView,
    workspace: &[Finding],
    packages: &[(String, Vec<Finding>)],
) -> Result<(), &'static str> {
    let closure = view.closure;
    let in_its_file = |found: &Finding| {
        found.file_name.as_deref().is_none_or(|name| {
            closure.by_name.get(name).is_some_and(|&i| closure.files[i].display_path == found.diagnostic.path)
        })
    };
    let package_paths: HashSet<(&str, &str)> = view
        .target_packages
        .iter()
        .enumerate()
        .map(|(i, package)| (package.as_str(), closure.files[i].display_path.as_str()))
        .collect();
    if !workspace.iter().all(in_its_file) {
        return Err("a workspace finding is not at its file's path");
    }
    for (package, found) in packages {
        for found in found {
            if !in_its_file(found) || !package_paths.contains(&(package.as_str(), found.diagnostic.path.as_str())) {
                return Err("a package finding is not in one of its package's files");
            }
        }
    }
    Ok(())
}

/// What the cached run hands over to be rendered and recorded.
pub(super) struct Finished {
    pub files: Vec<FileLint>,
    pub packages: Vec<(String, Vec<Finding>)>,
    pub workspace: Vec<Finding>,
    pub warnings: Vec<Diagnostic>,
    /// Each closure file's encoded facts, when it was linked.
    pub facts: Vec<Option<Vec<u8>>>,
}

/// Renders a cached run's report by path, and what to save of it: `None` when
/// the findings are not where the digests look (the report is still right).
pub(super) fn render_all(
    view: &RunView,
    finished: Finished,
    selected: &[SelectedRule],
    path_ignores: &ignore::PathIgnores,
    relative_paths: &HashMap<String, String>,
    dir: &CacheDir,
    names: &Names,
) -> Result<(Rendered, Option<Save>), &'static str> {
    let mut timer = crate::compile::PhaseTimer::from_env();
    let Finished { files, packages, workspace, warnings, facts } = finished;
    let recordable = findings_are_where_digests_look(view, &workspace, &packages).is_ok();
    let mut blobs = workspace_blobs(&workspace);
    let digests = view.digests(&blobs, None);
    let others: Vec<Finding> = packages.into_iter().flat_map(|(_, found)| found).chain(workspace).collect();
    let findings = crate::lint::apply_ignores(files, others, selected, path_ignores, relative_paths);
    let mut paths: BTreeSet<&str> = digests.keys().map(String::as_str).collect();
    // Findings and warnings only ever name the closure's paths, but a report is
    // a report: any other path is rendered (and the run not recorded).
    let extra: BTreeSet<String> =
        findings.iter().chain(&warnings).filter(|d| !paths.contains(d.path.as_str())).map(|d| d.path.clone()).collect();
    let recordable = recordable && extra.is_empty();
    paths.extend(extra.iter().map(String::as_str));
    let rendered = view.render(&paths, findings, warnings)?;
    timer.phase("lint cache: render by path");

    let mut assembly = Assembly::default();
    let mut saves = Vec::new();
    for (path, rendering) in rendered {
        let (fails, counts) = (rendering.fails, rendering.counts);
        let source = assembly.fresh(rendering);
        if let Some(digest) = digests.get(&path) {
            let workspace = blobs.remove(&path).unwrap_or_default();
            saves.push(PathSave { path, digest: *digest, source, fails, counts, workspace });
        }
    }
    let report = assembly.finish(Arc::new(RecordLog::empty()), view.renderer);
    let save = recordable.then(|| {
        let facts_digests: Vec<Vec<u8>> = facts.iter().map(|f| facts_digest(f.as_deref())).collect();
        Save {
            dir: dir.clone(),
            names: names.clone(),
            variant: view.renderer.variant(),
            files: encode_files(view.snapshot_files(&facts_digests)),
            facts_id: facts_id(&facts_digests),
            facts: Some(facts),
            paths: saves,
            log: report.log.clone(),
            fresh: report.fresh.clone(),
            rewrite: true,
        }
    });
    Ok((report, save))
}

/// A warm run's answer, and its snapshot to save (`None`: nothing changed).
pub(super) struct Warm {
    pub closure: Closure,
    pub rendered: Rendered,
    pub compiled: usize,
    /// How many files were read (the others were trusted by their stat).
    pub read: usize,
    pub save: Option<Save>,
}

/// Every file's encoded facts, from the facts file that goes with `id`, with
/// the freshly compiled ones in place.
fn all_facts(
    dir: &CacheDir,
    names: &Names,
    id: &[u8],
    count: usize,
    fresh: &mut HashMap<usize, Vec<u8>>,
) -> Result<Vec<Option<Vec<u8>>>, &'static str> {
    let file = load_snapshot(dir, &names.facts).ok_or("no facts file")?;
    let facts = FactsFileProto::decode(file.payload()).map_err(|_| "the facts file does not decode")?;
    if facts.id != id || facts.slots.len() != count {
        return Err("the facts file is not the snapshot's");
    }
    Ok(facts
        .slots
        .into_iter()
        .enumerate()
        .map(|(i, slot)| fresh.remove(&i).or_else(|| slot.linked.then_some(slot.facts)))
        .collect())
}

/// The workspace facts of every linked file, targets first, imports as the
/// linked files name them.
fn workspace_facts(
    closure: &Closure,
    encoded: &[Option<Vec<u8>>],
    target_count: usize,
) -> Result<WorkspaceFacts, &'static str> {
    let decode = |i: usize| -> Result<FileFacts, &'static str> {
        let bytes = encoded[i].as_deref().ok_or("a linked file has no facts")?;
        facts(FactsProto::decode(bytes).map_err(|_| "facts do not decode")?)
    };
    let mut list = (0..target_count).into_par_iter().map(decode).collect::<Result<Vec<_>, _>>()?;
    closure.add_import_facts(&mut list, decode)?;
    Ok(WorkspaceFacts::new(list, target_count))
}

/// The warm run; `Err` says why it declined.
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    workspace: &Workspace,
    renderer: &PathRenderer,
    run_key: &Key,
    selected: &[SelectedRule],
    errors: &ErrorsLint,
    path_ignores: &ignore::PathIgnores,
    relative_paths: &HashMap<String, String>,
    dir: &CacheDir,
    names: &Names,
    started_ns: i64,
) -> Result<Warm, &'static str> {
    let mut timer = crate::compile::PhaseTimer::from_env();
    let file = load_snapshot(dir, &names.snapshot).ok_or("no snapshot of an earlier run")?;
    let snapshot = SnapshotProto::decode(file.payload()).map_err(|_| "the snapshot does not decode")?;
    drop(file);
    if snapshot.variant != renderer.variant() {
        return Err("the snapshot is of another output");
    }
    let SnapshotProto { files: last, paths: last_paths, facts_id: last_facts_id, .. } = snapshot;
    let mut known: FastMap<&str, Known> = FastMap::with_capacity_and_hasher(last.len(), Default::default());
    for file in &last {
        let (Some(stat_of), Ok(hash)) = (&file.stat, <Key>::try_from(file.hash.as_slice())) else { continue };
        let (display_path, imports, packages) = (&file.display_path, &file.imports, &file.packages);
        known.insert(&file.name, Known { display_path, stat: stat(stat_of), hash, imports, packages });
    }
    timer.phase("lint warm: load the snapshot");

    // 1. The closure, unread where the stat is unchanged; it must be the last
    // run's file for file (a file added, removed or newly imported declines).
    let mut closure = Closure::read(workspace, None, &known, started_ns)?;
    drop(known);
    let target_count = closure.target_count;
    if closure.files.len() != last.len()
        || closure.files.iter().zip(&last).enumerate().any(|(i, (file, last))| {
            file.name != last.name || file.display_path != last.display_path || (i < target_count) != last.target
        })
    {
        return Err("the files or their imports are not the last run's");
    }
    let headers: Vec<&Header> = closure.files.iter().map(|file| &file.header).collect();
    let keys = closure.keys(&headers, run_key).ok_or("the imports form a cycle")?;
    drop(headers);
    let read = closure.files.iter().filter(|file| matches!(file.content, Content::Text { .. })).count();
    timer.phase("lint warm: stat, hash what changed, keys");

    // 2. The targets to compile: those whose key changed, with their packages.
    let mut missed: BTreeSet<usize> = (0..target_count).filter(|&i| keys[i].as_slice() != last[i].key).collect();
    let mut dirty: HashSet<String> = HashSet::new();
    for &i in &missed {
        dirty.extend(package_set(&closure.files[i].header));
        dirty.insert(last[i].package.clone());
    }
    missed.extend((0..target_count).filter(|&i| dirty.contains(last[i].package.as_str())));
    if missed.len() > MAX_CHANGED_TARGETS {
        return Err("too many files changed");
    }
    let mut facts_digests: Vec<Vec<u8>> = last.iter().map(|f| f.facts_digest.clone()).collect();
    let mut target_packages: Vec<String> = last[..target_count].iter().map(|f| f.package.clone()).collect();

    // 3. Compile and lint them, as the cached run does.
    let mut fresh_facts: HashMap<usize, Vec<u8>> = HashMap::new();
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let whole = missed.len() == target_count;
    if !missed.is_empty() {
        closure.load(missed.iter().copied())?;
    }
    let Fresh { compilation, files: mut fresh_files, packages, facts: linked } =
        closure.compile_and_lint(workspace, &missed, selected, path_ignores, errors)?;
    let fresh_packages: Vec<(String, Vec<Finding>)> = packages.into_iter().collect();
    if !missed.is_empty() {
        for file_facts in linked.values() {
            let &i = closure.by_name.get(file_facts.name.as_str()).ok_or("a compiled file was not in the closure")?;
            // A target compiled only as an import of another is linked without
            // what its own compile gives it: its facts stay the last run's.
            if i < target_count && !missed.contains(&i) {
                continue;
            }
            let encoded = facts_proto(file_facts).encode_to_vec();
            facts_digests[i] = facts_digest(Some(&encoded));
            fresh_facts.insert(i, encoded);
            if i < target_count {
                target_packages[i] = file_facts.package.clone();
            }
        }
        if missed.iter().any(|&i| !fresh_files.contains_key(&closure.files[i].name) || !fresh_facts.contains_key(&i)) {
            return Err("a target did not link");
        }
        // A package compiled with a target that was not: a scan missed a move.
        let compiled_packages: HashSet<&str> = fresh_packages.iter().map(|(p, _)| p.as_str()).collect();
        if (0..target_count).any(|i| !missed.contains(&i) && compiled_packages.contains(target_packages[i].as_str())) {
            return Err("a changed file moved to a package its scan did not show");
        }
        if compilation.diagnostics.iter().any(|d| !closure.by_display.contains_key(d.path.as_str())) {
            return Err("a compile diagnostic belongs to no file");
        }
        warnings = compilation.diagnostics.clone();
    }
    timer.phase("lint warm: compile and lint what changed");

    // 4. The workspace rules: the last run's findings, unless facts changed.
    let new_facts_id = facts_id(&facts_digests);
    let mut facts_to_save = None;
    let view = RunView { renderer, run_key, closure: &closure, keys: &keys, target_packages: &target_packages };
    let blobs: BTreeMap<String, Vec<u8>> = if new_facts_id != last_facts_id {
        let encoded = all_facts(dir, names, &last_facts_id, closure.files.len(), &mut fresh_facts)?;
        let facts = workspace_facts(&closure, &encoded, target_count)?;
        let found = crate::lint::workspace_findings(&compilation, whole, &facts, selected, errors);
        findings_are_where_digests_look(&view, &found, &fresh_packages)?;
        facts_to_save = Some(encoded);
        workspace_blobs(&found)
    } else {
        findings_are_where_digests_look(&view, &[], &fresh_packages)?;
        last_paths.iter().filter(|p| !p.workspace.is_empty()).map(|p| (p.path.clone(), p.workspace.clone())).collect()
    };
    // A path's digest can only differ where one of its inputs did: a file's
    // key, a compiled package's key, the workspace findings there. The others
    // are the last run's, so only these are hashed.
    let last_by_path: HashMap<&str, &PathProto> = last_paths.iter().map(|p| (p.path.as_str(), p)).collect();
    let mut suspects: BTreeSet<&str> = BTreeSet::new();
    for (i, file) in closure.files.iter().enumerate() {
        if keys[i].as_slice() != last[i].key || missed.contains(&i) {
            suspects.insert(&file.display_path);
        }
    }
    // (Unless the workspace rules ran again, the findings are the last run's.)
    let reran = facts_to_save.is_some();
    for path in blobs.keys().map(String::as_str).chain(last_by_path.keys().copied()).filter(|_| reran) {
        let last_blob = last_by_path.get(path).map_or(&[][..], |last| last.workspace.as_slice());
        if blobs.get(path).map_or(&[][..], Vec::as_slice) != last_blob {
            suspects.insert(path);
        }
    }
    let mut digests: BTreeMap<String, Key> = BTreeMap::new();
    for last in &last_paths {
        if !suspects.contains(last.path.as_str()) {
            let digest = <Key>::try_from(last.digest.as_slice()).map_err(|_| "a path's digest is damaged")?;
            digests.insert(last.path.clone(), digest);
        }
    }
    digests.extend(view.digests(&blobs, Some(&suspects)));
    timer.phase("lint warm: workspace rules, digests");

    // Saved when anything differs from the snapshot: a rendering or a key (so
    // a target was compiled), a stat (a file read this run, or one that settled
    // since).
    let stats_changed =
        closure.files.iter().zip(&last).any(|(file, last)| file.stat.as_ref().map(stat_proto) != last.stat);
    let will_save = !missed.is_empty() || stats_changed;
    let (assembled, files_encoded) = std::thread::scope(|scope| {
        // The snapshot's file list (most of its 6 MB for googleapis) is encoded
        // on another core while the paths are rendered and put together.
        let encoding = will_save.then(|| scope.spawn(|| encode_files(view.snapshot_files(&facts_digests))));
        let assembled = (|| -> Result<_, &'static str> {
            // 5. The paths whose digest changed are rendered; each must be a path
            // whose files were all compiled.
            let changed: BTreeSet<&str> = digests
                .iter()
                .filter(|(path, digest)| {
                    last_by_path.get(path.as_str()).is_none_or(|last| last.digest != digest.as_slice())
                })
                .map(|(path, _)| path.as_str())
                .collect();
            let mut files = Vec::new();
            let mut others = Vec::new();
            for &path in &changed {
                if let Some(&i) = closure.by_display.get(path) {
                    let name = &closure.files[i].name;
                    // A target linted this run, or an import compiled this run.
                    let fresh = if i < target_count { missed.contains(&i) } else { linked.contains_key(name) };
                    if !fresh {
                        return Err("a path to render has a file that was not compiled");
                    }
                    files.extend(fresh_files.remove(name));
                }
                others.extend(workspace_findings_of(blobs.get(path).map(Vec::as_slice).unwrap_or_default())?);
            }
            others.extend(
                fresh_packages
                    .into_iter()
                    .flat_map(|(_, found)| found)
                    .filter(|found| changed.contains(found.diagnostic.path.as_str())),
            );
            let findings = crate::lint::apply_ignores(files, others, selected, path_ignores, relative_paths);
            warnings.retain(|w| changed.contains(w.path.as_str()));
            let mut rendered = view.render(&changed, findings, warnings)?;
            timer.phase("lint warm: render what changed");

            // 6. The report: every path in order, fresh or from the log.
            let needs_log = digests.keys().any(|path| !changed.contains(path.as_str()));
            let log = Arc::new(if needs_log { RecordLog::read(dir, &names.log) } else { RecordLog::empty() });
            let mut assembly = Assembly::default();
            let mut saves = Vec::with_capacity(digests.len());
            let mut blobs = blobs;
            for (path, digest) in &digests {
                let (source, fails, counts) = match rendered.remove(path.as_str()) {
                    Some(rendering) => {
                        let (fails, counts) = (rendering.fails, rendering.counts);
                        (assembly.fresh(rendering), fails, counts)
                    }
                    None => {
                        let last = last_by_path.get(path.as_str()).ok_or("a path has no record")?;
                        let counts: [u32; 3] =
                            last.counts.as_slice().try_into().map_err(|_| "a record's counts are damaged")?;
                        let source = if last.offset == NO_RECORD {
                            Source::Empty
                        } else {
                            let range =
                                log.locate(last.offset, last.len).ok_or("a record of the log does not check out")?;
                            if log.bytes().get(range.start..range.start + DIGEST_LEN) != Some(digest.as_slice()) {
                                return Err("a record of the log is of another rendering");
                            }
                            assembly.order.push(Piece::Log(range.start + DIGEST_LEN..range.end));
                            Source::Old(last.offset, last.len)
                        };
                        assembly.total(last.fails, counts);
                        (source, last.fails, counts)
                    }
                };
                let workspace = blobs.remove(path).unwrap_or_default();
                saves.push(PathSave { path: path.clone(), digest: *digest, source, fails, counts, workspace });
            }
            timer.phase("lint warm: assemble the report");
            Ok((assembly, saves, log))
        })();
        (assembled, encoding.and_then(|handle| handle.join().ok()))
    });
    let (assembly, saves, log) = assembled?;

    let rendered = assembly.finish(log, renderer);
    let save = files_encoded.map(|files| Save {
        dir: dir.clone(),
        names: names.clone(),
        variant: renderer.variant(),
        files,
        facts_id: new_facts_id,
        facts: facts_to_save,
        paths: saves,
        log: rendered.log.clone(),
        fresh: rendered.fresh.clone(),
        rewrite: false,
    });
    let compiled = missed.len();
    Ok(Warm { closure, rendered, compiled, read, save })
}
