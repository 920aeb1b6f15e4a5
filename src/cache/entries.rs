//! A table of opaque values by 32-byte content key: what `idl lint` remembers
//! per file and per package (src/lint/incremental/mod.rs). The same guarantees as the
//! headers table: one file, read whole, checked by length and SHA-256 (a damaged
//! table reads as empty), written by atomic rename after merging what concurrent
//! runs wrote, cut to the size bound by last use.

use std::collections::HashMap;

use prost::Message;

use super::{CacheDir, frame, keep_within, today, unframe, write_atomically};

/// Key → (value, the day it was last used).
type Entries = HashMap<[u8; 32], (Vec<u8>, u32)>;

pub struct EntryTable {
    dir: Option<CacheDir>,
    file: String,
    entries: Entries,
    changed: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
struct EntryTableProto {
    #[prost(message, repeated, tag = "1")]
    entries: Vec<EntryProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct EntryProto {
    #[prost(bytes = "vec", tag = "1")]
    key: Vec<u8>,
    #[prost(uint32, tag = "2")]
    last_used_day: u32,
    #[prost(bytes = "vec", tag = "3")]
    value: Vec<u8>,
}

impl EntryTable {
    /// The table `file` of `dir`, or an empty one when there is none or it is damaged.
    pub fn load(dir: &CacheDir, file: &str) -> EntryTable {
        let path = dir.path.join(file);
        let file = file.to_string();
        let entries = std::fs::read(path).ok().and_then(|bytes| decode(&bytes)).unwrap_or_default();
        EntryTable { dir: Some(dir.clone()), file, entries, changed: false }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, key: &[u8; 32]) -> Option<&[u8]> {
        self.entries.get(key).map(|(value, _)| value.as_slice())
    }

    /// Records that these entries were used today (for eviction).
    pub fn touch<'k>(&mut self, keys: impl IntoIterator<Item = &'k [u8; 32]>) {
        let today = today();
        for key in keys {
            if let Some((_, day)) = self.entries.get_mut(key)
                && *day != today
            {
                *day = today;
                self.changed = true;
            }
        }
    }

    pub fn insert(&mut self, key: [u8; 32], value: Vec<u8>) {
        if self.dir.is_some() {
            self.entries.insert(key, (value, today()));
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
        let path = dir.path.join(&self.file);
        if let Some(on_disk) = std::fs::read(&path).ok().and_then(|bytes| decode(&bytes)) {
            for (key, (value, day)) in on_disk {
                match self.entries.get_mut(&key) {
                    Some((_, ours)) => *ours = (*ours).max(day),
                    None => {
                        self.entries.insert(key, (value, day));
                    }
                }
            }
        }
        let bytes = encode(self.entries, dir.max_bytes);
        write_atomically(&dir.path, &path, &bytes)
            .map_err(|e| format!("cannot write the cache {}: {e}", path.display()))?;
        evict_tables(&dir, &self.file);
        Ok(())
    }
}

/// The lint tables (one per idl build, config and working directory, so a run
/// reads only its own): `lint-<key>.bin`, with the snapshots and logs of
/// rendered findings beside them (`.snap`, `.log`: src/cache/rendered.rs); and
/// the memos of walks (`walk-<key>.snap`: src/workspace/listing.rs).
pub fn table_files(dir: &CacheDir) -> Vec<(std::path::PathBuf, std::fs::Metadata)> {
    let Ok(entries) = std::fs::read_dir(&dir.path) else { return Vec::new() };
    entries
        .flatten()
        .filter(|e| {
            e.file_name().to_str().is_some_and(|n| {
                (n.starts_with(TABLE_PREFIX) && [".bin", ".snap", ".log"].iter().any(|end| n.ends_with(end)))
                    || (n.starts_with(crate::workspace::listing::MEMO_PREFIX) && n.ends_with(".snap"))
            })
        })
        .filter_map(|e| Some((e.path(), e.metadata().ok()?)))
        .collect()
}

/// The file name prefix of the per-run-key tables.
pub const TABLE_PREFIX: &str = "lint-";

/// Past the bound, removes the least recently written tables other than `keep`.
pub(super) fn evict_tables(dir: &CacheDir, keep: &str) {
    let mut tables = table_files(dir);
    tables.sort_by_key(|(_, meta)| std::cmp::Reverse(meta.modified().ok()));
    let mut total = 0u64;
    for (path, meta) in tables {
        total += meta.len();
        if total > dir.max_bytes && path.file_name().and_then(|n| n.to_str()) != Some(keep) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

fn decode(bytes: &[u8]) -> Option<Entries> {
    let table = EntryTableProto::decode(unframe(bytes)?).ok()?;
    let mut entries = HashMap::with_capacity(table.entries.len());
    for entry in table.entries {
        let key: [u8; 32] = entry.key.as_slice().try_into().ok()?;
        entries.insert(key, (entry.value, entry.last_used_day));
    }
    Some(entries)
}

/// The most recently used entries that fit in `max_bytes` (ties broken by key,
/// so the output depends only on the entries).
fn encode(entries: Entries, max_bytes: u64) -> Vec<u8> {
    let mut entries: Vec<EntryProto> = entries
        .into_iter()
        .map(|(key, (value, day))| EntryProto { key: key.to_vec(), last_used_day: day, value })
        .collect();
    entries.sort_by(|a, b| b.last_used_day.cmp(&a.last_used_day).then_with(|| a.key.cmp(&b.key)));
    keep_within(&mut entries, max_bytes);
    frame(&EntryTableProto { entries }.encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_read_back_merge_and_survive_damage_as_misses() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = CacheDir { path: tmp.path().join("v1"), max_bytes: 1024 * 1024 };
        let mut first = EntryTable::load(&dir, "lint-t.bin");
        let mut second = EntryTable::load(&dir, "lint-t.bin");
        first.insert([1; 32], b"one".to_vec());
        second.insert([2; 32], b"two".to_vec());
        first.save().unwrap();
        second.save().unwrap();
        let table = EntryTable::load(&dir, "lint-t.bin");
        assert_eq!(table.get(&[1; 32]), Some(&b"one"[..]));
        assert_eq!(table.get(&[2; 32]), Some(&b"two"[..]));
        let path = dir.path.join("lint-t.bin");
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(EntryTable::load(&dir, "lint-t.bin").is_empty());
    }

    #[test]
    fn past_the_bound_older_tables_go_first() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = CacheDir { path: tmp.path().join("v1"), max_bytes: 300 };
        for name in ["lint-a.bin", "lint-b.bin"] {
            let mut table = EntryTable::load(&dir, name);
            table.insert([3; 32], vec![0; 150]);
            table.save().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let names: Vec<String> =
            table_files(&dir).iter().map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["lint-b.bin"]);
    }

    #[test]
    fn the_bound_keeps_the_newest_entries() {
        let mut entries = HashMap::new();
        for i in 0..1000u32 {
            let mut key = [0u8; 32];
            key[..4].copy_from_slice(&i.to_le_bytes());
            entries.insert(key, (vec![7; 40], i));
        }
        let bytes = encode(entries, 8192);
        assert!(bytes.len() <= 8192);
        let kept = decode(&bytes).unwrap();
        assert!(!kept.is_empty() && kept.len() < 1000);
        assert_eq!(kept.values().map(|(_, day)| *day).min().unwrap() as usize, 1000 - kept.len());
    }
}
