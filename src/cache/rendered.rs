//! What a warm `idl lint` starts from (src/lint/incremental/warm.rs): the last
//! run's **snapshot** (each file's stat and content hash, each path's key and
//! where its rendered findings are) and a **log** of rendered findings, one
//! record per path's rendering, appended to as renderings change.
//!
//! The snapshot is one file, written through a temporary file and a rename,
//! and checked by its length and CRC-32 (SHA-256, as the tables use, would cost
//! a warm run more than the rest of its reading: the snapshot is what every warm
//! run reads whole). The log is append-only: a run appends the records
//! it rendered in one `write` (`O_APPEND`, so concurrent runs never overwrite
//! each other) and then renames its snapshot into place; records are located by
//! offset and each carries its length and CRC-32, so a record that does not
//! check out (a torn append, a log rewritten by another run) is a miss. When a
//! log holds more dead records than live ones it is rewritten whole, through a
//! temporary file and a rename.

use std::io::{Seek, Write};

use super::{CacheDir, write_atomically};

/// `IDLR`, the payload's length (u64) and CRC-32 (u32), then the payload.
const RECORD_MAGIC: &[u8; 4] = b"IDLR";
const RECORD_HEADER: usize = 4 + 8 + 4;

/// A snapshot starts with this, then its payload's length (u64) and CRC-32 (u32).
const SNAPSHOT_MAGIC: &[u8; 8] = b"idlsnap1";
const SNAPSHOT_HEADER: usize = 8 + 8 + 4;

/// A snapshot read whole; its payload checked.
pub struct Snapshot {
    bytes: Vec<u8>,
}

impl Snapshot {
    pub fn payload(&self) -> &[u8] {
        &self.bytes[SNAPSHOT_HEADER..]
    }
}

/// The snapshot `name`, when it is there and checks out.
pub fn load_snapshot(dir: &CacheDir, name: &str) -> Option<Snapshot> {
    let bytes = std::fs::read(dir.path.join(name)).ok()?;
    let header = bytes.get(..SNAPSHOT_HEADER)?;
    let len = u64::from_le_bytes(header[8..16].try_into().ok()?);
    let crc = u32::from_le_bytes(header[16..20].try_into().ok()?);
    let payload = &bytes[SNAPSHOT_HEADER..];
    (&header[..8] == SNAPSHOT_MAGIC && payload.len() as u64 == len && crc32fast::hash(payload) == crc)
        .then_some(Snapshot { bytes })
}

/// Writes the snapshot `name` atomically.
pub fn save_snapshot(dir: &CacheDir, name: &str, payload: &[u8]) -> Result<(), String> {
    let path = dir.path.join(name);
    let mut bytes = Vec::with_capacity(SNAPSHOT_HEADER + payload.len());
    bytes.extend_from_slice(SNAPSHOT_MAGIC);
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    bytes.extend_from_slice(payload);
    write_atomically(&dir.path, &path, &bytes)
        .map_err(|e| format!("cannot write the cache {}: {e}", path.display()))?;
    super::entries::evict_tables(dir, name);
    Ok(())
}

/// A log, mapped whole.
pub struct RecordLog {
    bytes: LogBytes,
}

enum LogBytes {
    Empty,
    /// Mapped rather than read: the pages are the page cache's, so a warm run
    /// neither copies the 27 MB of googleapis' renderings nor faults in fresh
    /// memory for them. Runs never truncate a log (a rewrite is a new file
    /// renamed into place, an eviction an unlink), which is what keeps the
    /// mapping valid while it is read.
    Mapped(memmap2::Mmap),
}

impl RecordLog {
    /// The log `name`, or an empty one.
    pub fn read(dir: &CacheDir, name: &str) -> RecordLog {
        let mapped = std::fs::File::open(dir.path.join(name)).ok().and_then(|file| {
            let len = usize::try_from(file.metadata().ok()?.len()).ok().filter(|&len| len > 0)?;
            // SAFETY: see `LogBytes::Mapped`; the length is fixed at open, so
            // records appended later are simply not seen.
            unsafe { memmap2::MmapOptions::new().len(len).populate().map(&file) }.ok()
        });
        RecordLog { bytes: mapped.map_or(LogBytes::Empty, LogBytes::Mapped) }
    }

    pub fn empty() -> RecordLog {
        RecordLog { bytes: LogBytes::Empty }
    }

    pub fn len(&self) -> u64 {
        self.bytes().len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.bytes().is_empty()
    }

    /// The payload of the record at `offset`, when it is `len` bytes long and
    /// its CRC checks out.
    pub fn get(&self, offset: u64, len: u64) -> Option<&[u8]> {
        self.locate(offset, len).map(|range| &self.bytes()[range])
    }

    /// Where in [`RecordLog::bytes`] the payload of [`RecordLog::get`] is.
    pub fn locate(&self, offset: u64, len: u64) -> Option<std::ops::Range<usize>> {
        let start = usize::try_from(offset).ok()?;
        let bytes = self.bytes();
        let header = bytes.get(start..start.checked_add(RECORD_HEADER)?)?;
        let stored_len = u64::from_le_bytes(header[4..12].try_into().ok()?);
        let crc = u32::from_le_bytes(header[12..16].try_into().ok()?);
        if &header[..4] != RECORD_MAGIC || stored_len != len {
            return None;
        }
        let payload_start = start + RECORD_HEADER;
        let range = payload_start..payload_start.checked_add(usize::try_from(len).ok()?)?;
        let payload = bytes.get(range.clone())?;
        (crc32fast::hash(payload) == crc).then_some(range)
    }

    pub fn bytes(&self) -> &[u8] {
        match &self.bytes {
            LogBytes::Empty => &[],
            LogBytes::Mapped(map) => map,
        }
    }
}

/// The bytes a record of a payload this long takes in a log.
pub fn record_size(len: usize) -> u64 {
    (RECORD_HEADER + len) as u64
}

/// The bytes of `payloads` as records, and each record's offset from the start.
fn records(payloads: &[&[u8]]) -> (Vec<u8>, Vec<u64>) {
    let total: usize = payloads.iter().map(|p| RECORD_HEADER + p.len()).sum();
    let mut bytes = Vec::with_capacity(total);
    let mut offsets = Vec::with_capacity(payloads.len());
    for payload in payloads {
        offsets.push(bytes.len() as u64);
        bytes.extend_from_slice(RECORD_MAGIC);
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        bytes.extend_from_slice(payload);
    }
    (bytes, offsets)
}

/// Appends `payloads` to the log `name` (created when missing) in one write;
/// returns their offsets.
pub fn append(dir: &CacheDir, name: &str, payloads: &[&[u8]]) -> std::io::Result<Vec<u64>> {
    let (bytes, offsets) = records(payloads);
    std::fs::create_dir_all(&dir.path)?;
    let mut file = std::fs::OpenOptions::new().append(true).create(true).open(dir.path.join(name))?;
    file.write_all(&bytes)?;
    // With O_APPEND the file position after the write is the end of this
    // write, whatever other runs appended before or after it.
    let end = file.stream_position()?;
    let start = end.checked_sub(bytes.len() as u64).ok_or_else(|| std::io::Error::other("log shrank"))?;
    Ok(offsets.into_iter().map(|offset| start + offset).collect())
}

/// Replaces the log `name` with one holding only `payloads`; returns their offsets.
pub fn rewrite(dir: &CacheDir, name: &str, payloads: &[&[u8]]) -> std::io::Result<Vec<u64>> {
    let (bytes, offsets) = records(payloads);
    write_atomically(&dir.path, &dir.path.join(name), &bytes)?;
    Ok(offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(root: &std::path::Path) -> CacheDir {
        CacheDir { path: root.join("v1"), max_bytes: 1 << 20 }
    }

    #[test]
    fn records_read_back_by_offset_and_damage_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = dir(tmp.path());
        let first = append(&dir, "lint-x.log", &[b"one", b""]).unwrap();
        let second = append(&dir, "lint-x.log", &[b"three"]).unwrap();
        let log = RecordLog::read(&dir, "lint-x.log");
        assert_eq!(log.get(first[0], 3), Some(&b"one"[..]));
        assert_eq!(log.get(first[1], 0), Some(&b""[..]));
        assert_eq!(log.get(second[0], 5), Some(&b"three"[..]));
        assert_eq!(log.get(second[0], 4), None, "a length that does not match");
        assert_eq!(log.get(first[0] + 1, 3), None, "an offset that is not a record");
        assert_eq!(log.get(log.len(), 0), None, "past the end");
        let path = dir.path.join("lint-x.log");
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        let log = RecordLog::read(&dir, "lint-x.log");
        assert_eq!(log.get(second[0], 5), None, "a payload whose CRC fails");
        assert_eq!(log.get(first[0], 3), Some(&b"one"[..]));

        let fresh = rewrite(&dir, "lint-x.log", &[b"three"]).unwrap();
        let log = RecordLog::read(&dir, "lint-x.log");
        assert_eq!(log.get(fresh[0], 5), Some(&b"three"[..]));
        assert_eq!(log.get(second[0], 5), None);
    }

    #[test]
    fn a_snapshot_reads_back_and_a_damaged_one_is_none() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = dir(tmp.path());
        assert!(load_snapshot(&dir, "lint-x.snap").is_none());
        save_snapshot(&dir, "lint-x.snap", b"payload").unwrap();
        assert_eq!(load_snapshot(&dir, "lint-x.snap").unwrap().payload(), b"payload");
        let path = dir.path.join("lint-x.snap");
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(load_snapshot(&dir, "lint-x.snap").is_none());
    }
}
