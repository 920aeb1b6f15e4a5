//! The persistent cache: what idl learned about file contents, kept between runs.
//!
//! Every entry is keyed by content: a git blob id is the SHA-1 of a file's bytes,
//! so an entry can never be stale, only unused. A file whose bytes changed has a
//! new key, and a run that finds no entry computes the value as `--no-cache`
//! would. That is why a cached run's answer cannot differ from an uncached one
//! (tests/breaking_incremental.rs compares them on every case it runs).
//!
//! What is kept today: the **headers** of file contents (the names each file
//! imports and the packages it may declare), which `idl breaking` against a git
//! base needs for every unchanged file to find the dependants and package mates
//! of what changed (src/breaking/incremental.rs). Without the cache each run reads
//! and scans every unchanged file; with it, a warm run reads none of them.
//!
//! Where: `IDL_CACHE_DIR`, else `[cache] dir` of idl.toml (relative to it), else
//! the platform cache directory (`$XDG_CACHE_HOME/idl` or `~/.cache/idl`,
//! `~/Library/Caches/idl`, `%LOCALAPPDATA%\idl`). Layout: `<dir>/v1/headers.bin`,
//! one file per table, so a run reads one file, not one per entry.
//!
//! Safe with concurrent runs: a table is written to a temporary file in the same
//! directory and renamed over the old one (atomic on POSIX and NTFS), so a reader
//! sees the old table or the new one, never half of one; no lock is held. Before
//! writing, a run merges the table on disk into its own, so two runs that finish
//! together lose at most each other's newest entries, which only costs a later
//! miss. A table whose length or SHA-256 does not check out is read as empty.
//!
//! Bounded: a table larger than `[cache] max_size_mb` (default 256) keeps its
//! most recently used entries and drops the rest when it is written.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use prost::Message;
use sha2::{Digest, Sha256};

/// The default bound of a table, in MiB.
pub const DEFAULT_MAX_SIZE_MB: u64 = 256;

/// The first bytes of every table: the format's name and version.
const MAGIC: &[u8; 8] = b"idlcache";
const FORMAT_VERSION: u32 = 1;
const HEADERS_FILE: &str = "headers.bin";
mod entries;
pub mod rendered;
pub use entries::{EntryTable, TABLE_PREFIX};

/// What a file's stat says of its bytes: equal stats, equal bytes, provided the
/// stat was taken well after the file last changed (see [`Stat::settled`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub inode: u64,
    pub device: u64,
}

impl Stat {
    /// The stat of `path`, if it was last changed at least [`SETTLE_NS`] before
    /// `started_ns` (when this run began). A file changed within that window
    /// could change again in the same timestamp tick (file times are coarse, a
    /// few milliseconds) without its stat changing, so it is read every time;
    /// `ctime` cannot be set back by `touch`, so it is checked with `mtime`.
    pub fn settled(path: &std::path::Path, started_ns: i64) -> Option<Stat> {
        Stat::of(path).filter(|stat| stat.is_settled(started_ns))
    }

    /// Whether this stat was last changed at least [`SETTLE_NS`] before `started_ns`.
    pub fn is_settled(&self, started_ns: i64) -> bool {
        let limit = started_ns.saturating_sub(SETTLE_NS);
        self.mtime_ns < limit && self.ctime_ns < limit
    }

    /// The stat of `path` (symlinks followed), however recent.
    pub fn of(path: &std::path::Path) -> Option<Stat> {
        std::fs::metadata(path).ok().map(|meta| Stat::from_metadata(&meta))
    }

    pub fn from_metadata(meta: &std::fs::Metadata) -> Stat {
        use std::os::unix::fs::MetadataExt;
        let ns = |secs: i64, nanos: i64| secs.saturating_mul(1_000_000_000).saturating_add(nanos);
        Stat {
            size: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
            device: meta.dev(),
        }
    }
}

/// Now, in nanoseconds since the epoch: when a run began, for [`Stat::settled`].
pub fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| i64::try_from(since.as_nanos()).unwrap_or(i64::MAX))
}

/// How long before a run a file must have last changed for its stat to be trusted.
pub const SETTLE_NS: i64 = 100_000_000;

/// Moves the modification time of `name` in `dir` to now: the cache evicts the
/// files written longest ago, and a file read on every run but rewritten on few
/// (a walk's memo, the lint table behind the warm path) must not look unused. A
/// failure only makes the file an earlier candidate.
pub fn touch(dir: &CacheDir, name: &str) {
    if let Ok(file) = std::fs::File::open(dir.path.join(name)) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// A resolved cache directory and its bound.
#[derive(Debug, Clone)]
pub struct CacheDir {
    /// `<dir>/v1`: everything idl writes lives here.
    pub path: PathBuf,
    pub max_bytes: u64,
}

impl CacheDir {
    /// The directory a run uses: `IDL_CACHE_DIR`, else `configured` (relative to
    /// `config_dir`), else the platform's cache directory. `None` when none is
    /// known (no home directory): the run then works uncached.
    pub fn resolve(configured: Option<&str>, config_dir: Option<&Path>, max_size_mb: Option<u64>) -> Option<CacheDir> {
        let root = match std::env::var_os("IDL_CACHE_DIR").filter(|v| !v.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => match configured {
                Some(dir) => config_dir.map(|base| base.join(dir)).unwrap_or_else(|| PathBuf::from(dir)),
                None => dirs::cache_dir()?.join("idl"),
            },
        };
        let max_bytes = max_size_mb.unwrap_or(DEFAULT_MAX_SIZE_MB).saturating_mul(1024 * 1024);
        Some(CacheDir { path: root.join("v1"), max_bytes })
    }

    /// The directory of a workspace's runs (its `[cache]` section).
    pub fn for_workspace(workspace: &crate::workspace::Workspace) -> Option<CacheDir> {
        CacheDir::for_config(&workspace.config, &workspace.base_dir)
    }

    /// The directory of runs under `config` (its `[cache]` section), found in `base_dir`.
    pub fn for_config(config: &crate::config::Config, base_dir: &Path) -> Option<CacheDir> {
        let cache = &config.cache;
        let configured = cache.dir.as_ref().map(|dir| dir.get_ref().as_str());
        CacheDir::resolve(configured, Some(base_dir), cache.max_size_mb)
    }

    fn headers_path(&self) -> PathBuf {
        self.path.join(HEADERS_FILE)
    }

    /// What the cache holds: each table's entries and bytes.
    pub fn info(&self) -> CacheInfo {
        let headers = std::fs::metadata(self.headers_path()).map(|m| m.len()).unwrap_or(0);
        let header_entries = HeaderTable::load(self).entries.len();
        let tables = entries::table_files(self);
        let lint: u64 = tables.iter().map(|(_, meta)| meta.len()).sum();
        let lint_entries = tables
            .iter()
            .filter(|(path, _)| path.extension().is_some_and(|e| e == "bin"))
            .filter_map(|(path, _)| path.file_name()?.to_str().map(|name| EntryTable::load(self, name).len()))
            .sum();
        let other_bytes = dir_bytes(&self.path).saturating_sub(headers + lint);
        CacheInfo {
            dir: self.path.clone(),
            max_bytes: self.max_bytes,
            header_entries,
            header_bytes: headers,
            lint_entries,
            lint_bytes: lint,
            other_bytes,
        }
    }

    /// Removes everything idl wrote (the `v1` directory); returns the bytes freed.
    pub fn clean(&self) -> std::io::Result<u64> {
        let bytes = dir_bytes(&self.path);
        match std::fs::remove_dir_all(&self.path) {
            Ok(()) => Ok(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e),
        }
    }
}

/// `idl cache info`'s figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CacheInfo {
    pub dir: PathBuf,
    pub max_bytes: u64,
    pub header_entries: usize,
    pub header_bytes: u64,
    /// Lint results per file and package content (`idl lint`).
    pub lint_entries: usize,
    pub lint_bytes: u64,
    /// Anything else under the directory (temporary files of runs in progress or
    /// killed while writing).
    pub other_bytes: u64,
}

fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// The imports and packages of one file content, as `breaking::incremental::scan`
/// finds them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FileHeader {
    /// Every name an `import` statement may name (`import option` included).
    pub imports: Vec<String>,
    /// Every name a `package` statement may declare (normally one; none for the
    /// root package).
    pub packages: Vec<String>,
}

/// The headers table: blob id → header, with the day each entry was last used.
pub struct HeaderTable {
    dir: Option<CacheDir>,
    entries: HashMap<[u8; 20], (FileHeader, u32)>,
    /// New entries or refreshed use days since the table was read.
    changed: bool,
}

impl HeaderTable {
    /// The table on disk, or an empty one when there is none or it is damaged.
    pub fn load(dir: &CacheDir) -> HeaderTable {
        let entries = std::fs::read(dir.headers_path()).ok().and_then(|bytes| decode(&bytes)).unwrap_or_default();
        HeaderTable { dir: Some(dir.clone()), entries, changed: false }
    }

    /// A table that is never read or written (`--no-cache`).
    pub fn disabled() -> HeaderTable {
        HeaderTable { dir: None, entries: HashMap::new(), changed: false }
    }

    pub fn is_enabled(&self) -> bool {
        self.dir.is_some()
    }

    pub fn get(&self, oid: &[u8; 20]) -> Option<&FileHeader> {
        self.entries.get(oid).map(|(header, _)| header)
    }

    /// Records that these entries were used today (for eviction).
    pub fn touch<'o>(&mut self, oids: impl IntoIterator<Item = &'o [u8; 20]>) {
        let today = today();
        for oid in oids {
            if let Some((_, day)) = self.entries.get_mut(oid)
                && *day != today
            {
                *day = today;
                self.changed = true;
            }
        }
    }

    pub fn insert(&mut self, oid: [u8; 20], header: FileHeader) {
        if self.dir.is_some() {
            self.entries.insert(oid, (header, today()));
            self.changed = true;
        }
    }

    /// Writes the table when anything changed, merged with what other runs wrote
    /// meanwhile and cut to the size bound. A failure to write is a notice the
    /// caller may print; the run's answer never depends on it.
    pub fn save(mut self) -> Result<(), String> {
        let Some(dir) = self.dir.take() else { return Ok(()) };
        if !self.changed {
            return Ok(());
        }
        let path = dir.headers_path();
        if let Some(on_disk) = std::fs::read(&path).ok().and_then(|bytes| decode(&bytes)) {
            for (oid, (header, day)) in on_disk {
                match self.entries.get_mut(&oid) {
                    Some((_, ours)) => *ours = (*ours).max(day),
                    None => {
                        self.entries.insert(oid, (header, day));
                    }
                }
            }
        }
        let bytes = encode(self.entries, dir.max_bytes);
        write_atomically(&dir.path, &path, &bytes)
            .map_err(|e| format!("cannot write the cache {}: {e}", path.display()))
    }
}

fn today() -> u32 {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    (secs / 86_400) as u32
}

/// The table's wire form: `MAGIC`, the format version, the payload's length and
/// SHA-256, then the payload (a protobuf message, so a later version can add
/// fields).
#[derive(Clone, PartialEq, prost::Message)]
struct HeaderTableProto {
    #[prost(message, repeated, tag = "1")]
    entries: Vec<HeaderEntryProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct HeaderEntryProto {
    #[prost(bytes = "vec", tag = "1")]
    oid: Vec<u8>,
    #[prost(uint32, tag = "2")]
    last_used_day: u32,
    #[prost(string, repeated, tag = "3")]
    imports: Vec<String>,
    #[prost(string, repeated, tag = "4")]
    packages: Vec<String>,
}

const PREAMBLE: usize = MAGIC.len() + 4 + 8 + 32;

/// A table's payload, when its preamble checks out.
fn unframe(bytes: &[u8]) -> Option<&[u8]> {
    if bytes.len() < PREAMBLE || &bytes[..8] != MAGIC {
        return None;
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().ok()?);
    let length = u64::from_le_bytes(bytes[12..20].try_into().ok()?);
    let payload = &bytes[PREAMBLE..];
    if version != FORMAT_VERSION || payload.len() as u64 != length || Sha256::digest(payload)[..] != bytes[20..52] {
        return None;
    }
    Some(payload)
}

/// `payload` with the preamble [`unframe`] checks.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(PREAMBLE + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&Sha256::digest(payload));
    out.extend_from_slice(payload);
    out
}

fn decode(bytes: &[u8]) -> Option<HashMap<[u8; 20], (FileHeader, u32)>> {
    let table = HeaderTableProto::decode(unframe(bytes)?).ok()?;
    let mut entries = HashMap::with_capacity(table.entries.len());
    for entry in table.entries {
        let oid: [u8; 20] = entry.oid.as_slice().try_into().ok()?;
        entries.insert(oid, (FileHeader { imports: entry.imports, packages: entry.packages }, entry.last_used_day));
    }
    Some(entries)
}

/// Encodes the most recently used entries that fit in `max_bytes` (ties broken
/// by blob id, so the output depends only on the entries).
fn encode(entries: HashMap<[u8; 20], (FileHeader, u32)>, max_bytes: u64) -> Vec<u8> {
    let mut entries: Vec<HeaderEntryProto> = entries
        .into_iter()
        .map(|(oid, (header, day))| HeaderEntryProto {
            oid: oid.to_vec(),
            last_used_day: day,
            imports: header.imports,
            packages: header.packages,
        })
        .collect();
    entries.sort_by(|a, b| b.last_used_day.cmp(&a.last_used_day).then_with(|| a.oid.cmp(&b.oid)));
    keep_within(&mut entries, max_bytes);
    frame(&HeaderTableProto { entries }.encode_to_vec())
}

/// Cuts `entries` (most recently used first) to what fits in a table of
/// `max_bytes`, each entry framed as a repeated field of the table message.
fn keep_within<M: Message>(entries: &mut Vec<M>, max_bytes: u64) {
    let budget = max_bytes.saturating_sub(PREAMBLE as u64);
    let mut size = 0u64;
    let mut keep = 0;
    for entry in entries.iter() {
        let len = entry.encoded_len() as u64;
        // Tag and length prefix of the repeated field.
        let framed = len + 1 + prost::length_delimiter_len(len as usize) as u64;
        if size + framed > budget {
            break;
        }
        size += framed;
        keep += 1;
    }
    entries.truncate(keep);
}

/// Writes `bytes` to a temporary file in `dir` and renames it to `path`. A
/// temporary file left by a killed run is named `.<file>.tmp-*` and removed by
/// `idl cache clean`; it is never read as a table.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("table");
    let mut tmp = tempfile::Builder::new().prefix(&format!(".{name}.tmp-")).tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    // No fsync: a table cut short by a crash fails its length or SHA-256 check
    // and reads as empty, which costs misses, never a wrong answer; syncing a
    // 26 MB lint table cost a cold googleapis run ~100 ms.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(root: &Path, max_size_mb: u64) -> CacheDir {
        CacheDir { path: root.join("v1"), max_bytes: max_size_mb * 1024 * 1024 }
    }

    fn header(import: &str) -> FileHeader {
        FileHeader { imports: vec![import.to_string()], packages: vec!["a.v1".into()] }
    }

    #[test]
    fn a_saved_table_reads_back() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = dir(tmp.path(), 1);
        let mut table = HeaderTable::load(&cache);
        assert!(table.get(&[1; 20]).is_none());
        table.insert([1; 20], header("x.proto"));
        table.save().unwrap();
        let table = HeaderTable::load(&cache);
        assert_eq!(table.get(&[1; 20]), Some(&header("x.proto")));
        let info = cache.info();
        assert_eq!(info.header_entries, 1);
        assert!(info.header_bytes > PREAMBLE as u64);
        assert!(cache.clean().unwrap() > 0);
        assert_eq!(cache.info().header_entries, 0);
    }

    #[test]
    fn a_damaged_table_reads_as_empty() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = dir(tmp.path(), 1);
        let mut table = HeaderTable::load(&cache);
        table.insert([2; 20], header("y.proto"));
        table.save().unwrap();
        let path = cache.headers_path();
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x40;
        std::fs::write(&path, &bytes).unwrap();
        assert!(HeaderTable::load(&cache).get(&[2; 20]).is_none());
        std::fs::write(&path, &bytes[..PREAMBLE - 1]).unwrap();
        assert!(HeaderTable::load(&cache).get(&[2; 20]).is_none());
        std::fs::write(&path, b"").unwrap();
        assert!(HeaderTable::load(&cache).get(&[2; 20]).is_none());
    }

    #[test]
    fn saving_merges_what_another_run_wrote() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = dir(tmp.path(), 1);
        let mut first = HeaderTable::load(&cache);
        let mut second = HeaderTable::load(&cache);
        first.insert([3; 20], header("a.proto"));
        second.insert([4; 20], header("b.proto"));
        first.save().unwrap();
        second.save().unwrap();
        let table = HeaderTable::load(&cache);
        assert!(table.get(&[3; 20]).is_some() && table.get(&[4; 20]).is_some());
    }

    #[test]
    fn the_bound_keeps_the_most_recently_used_entries() {
        let mut entries = HashMap::new();
        for i in 0..1000u32 {
            let mut oid = [0u8; 20];
            oid[..4].copy_from_slice(&i.to_le_bytes());
            entries.insert(oid, (header(&format!("file_{i:04}.proto")), i));
        }
        let bytes = encode(entries, 4096);
        assert!(bytes.len() <= 4096, "{}", bytes.len());
        let kept = decode(&bytes).unwrap();
        assert!(!kept.is_empty() && kept.len() < 1000);
        let oldest_kept = kept.values().map(|(_, day)| *day).min().unwrap();
        assert_eq!(oldest_kept as usize, 1000 - kept.len(), "only the newest entries are kept");
    }

    #[test]
    fn a_disabled_table_stores_nothing() {
        let mut table = HeaderTable::disabled();
        table.insert([5; 20], header("c.proto"));
        assert!(table.get(&[5; 20]).is_none());
        table.save().unwrap();
    }
}
