//! Breaking against a git base at lint's speed: only what changed is compiled.
//!
//! A file whose bytes are the same on both sides (same blob id) and whose
//! transitive imports are all unchanged compiles to the same descriptors on both
//! sides, so no rule can find anything in it. The comparison therefore covers
//! only:
//!
//! - the **changed** files: added, deleted, or with a different blob id;
//! - their **dependants**: unchanged files that import a changed file, directly
//!   or through other files (a type or option they use may have changed);
//! - the **package mates** of the changed files: the PACKAGE rules look at a
//!   package as a whole (an element moved to another file of the package is not
//!   deleted), so every file that may declare one of those packages is kept.
//!
//! Every other file is skipped by blob id: not read from git, not compiled. The
//! head side's blob id comes from the git index when the file's stat data matches
//! its entry (as `git status` decides), else from hashing the file. The import
//! and package scan over unchanged files errs on the side of keeping a file: a
//! spurious match only adds a file to the comparison, which never changes the
//! findings (the full comparison is the union over all files).
//!
//! Not used when the ERRORS rules run (their tables are built over all files);
//! `idl breaking --full` turns it off, which `tests/breaking_incremental.rs` uses
//! to check that both give the same output.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use git2::{ObjectType, Oid, Repository};
use rayon::prelude::*;

use super::git::{TreeBlob, TreeFiles};
use crate::cache::HeaderTable;
use crate::compile::{FileProvider, IO, ReadResult, WorkspaceFiles};
use crate::diagnostic::Diagnostic;
use crate::workspace::Workspace;

/// Which files each side compiles as targets.
pub struct Plan {
    /// Head files to compare (names of workspace targets).
    pub head_targets: Vec<String>,
    /// Base files to compare (names in the base tree).
    pub base_targets: Vec<String>,
    /// How many files differ between the sides (added, deleted, changed).
    pub changed: usize,
    /// How many files the two sides name in all.
    pub total: usize,
}

/// The base tree's files, read from git when the compile asks for them.
pub struct GitFiles<'a> {
    tree: &'a TreeFiles,
    repos: Vec<Mutex<Repository>>,
    pub targets: Vec<String>,
    pub fallback: &'a dyn FileProvider,
    pub description: String,
}

impl<'a> GitFiles<'a> {
    pub fn new(
        tree: &'a TreeFiles,
        targets: Vec<String>,
        fallback: &'a dyn FileProvider,
        description: String,
    ) -> Result<Self, String> {
        let repos = tree.open().map_err(|e| e.to_string())?;
        Ok(GitFiles { tree, repos, targets, fallback, description })
    }
}

impl FileProvider for GitFiles<'_> {
    fn targets(&self) -> Vec<String> {
        self.targets.clone()
    }

    fn read(&self, name: &str) -> Option<ReadResult> {
        let Some(blob) = self.tree.files.get(name) else { return self.fallback.read(name) };
        Some(match TreeFiles::read(&self.repos, blob) {
            Ok(text) => Ok((blob.display.clone(), text)),
            Err(e) => Err(Box::new(
                Diagnostic::error(IO, format!("cannot read {} from git: {e}", blob.display)).with_path(&blob.display),
            )),
        })
    }

    fn searched(&self) -> String {
        format!("{}, {}", self.description, self.fallback.searched())
    }
}

/// The workspace's files with only some of its targets checked.
pub struct SomeTargets<'a> {
    pub files: WorkspaceFiles<'a>,
    pub targets: Vec<String>,
}

impl FileProvider for SomeTargets<'_> {
    fn targets(&self) -> Vec<String> {
        self.targets.clone()
    }

    fn read(&self, name: &str) -> Option<ReadResult> {
        self.files.read(name)
    }

    fn searched(&self) -> String {
        self.files.searched()
    }
}

/// Decides which files take part: the changed ones, their dependants and the
/// files of their packages. `selected` filters base names as the full comparison
/// does (PATH arguments).
///
/// The headers of unchanged files come from `headers` (the persistent cache,
/// keyed by blob id) where it has them; the rest are read, scanned and added.
pub fn plan(
    workspace: &Workspace,
    tree: &TreeFiles,
    selected: &(dyn Fn(&str) -> bool + Sync),
    headers: &mut HeaderTable,
) -> Plan {
    let head_paths: HashMap<&str, (&Path, Option<String>)> = {
        let root_in_repo: Vec<Option<String>> = workspace
            .roots
            .iter()
            .map(|root| {
                let root = root.canonicalize().ok()?;
                let rel = root.strip_prefix(&tree.workdir).ok()?;
                Some(rel.to_string_lossy().replace('\\', "/"))
            })
            .collect();
        workspace
            .targets
            .iter()
            .map(|t| {
                // The path in the superproject's index, when the target is where its
                // name says under its root (no symlinked directory on the way).
                let in_repo = root_in_repo
                    .get(t.root)
                    .cloned()
                    .flatten()
                    .filter(|_| workspace.roots.get(t.root).is_some_and(|root| root.join(&t.name) == t.path));
                let in_repo =
                    in_repo.map(|rel| if rel.is_empty() { t.name.clone() } else { format!("{rel}/{}", t.name) });
                (t.name.as_str(), (t.path.as_path(), in_repo))
            })
            .collect()
    };
    let index = IndexStat::read(tree);

    // 1. Changed: a different blob id, or a file on one side only.
    let base_names: Vec<(&String, &TreeBlob)> = tree.files.iter().collect();
    let unchanged_head: Vec<Option<(PathBuf, Oid)>> = base_names
        .par_iter()
        .map(|(name, blob)| {
            let (path, in_repo) = match head_paths.get(name.as_str()) {
                Some((path, in_repo)) => (path.to_path_buf(), in_repo.as_deref().filter(|_| blob.repo == 0)),
                // On the base side but no longer on the head's (it may still
                // resolve as an import, from an import path): a deletion.
                None if selected(name) => return None,
                // On neither side, only imported: its text matters.
                None => (workspace.resolve_import(name)?, None),
            };
            let head_oid = in_repo.and_then(|p| index.clean_oid(p, &path)).or_else(|| hash_file(&path))?;
            (head_oid == blob.oid).then_some((path, head_oid))
        })
        .collect();
    let mut changed: BTreeSet<String> = BTreeSet::new();
    let mut unchanged: Vec<(&str, PathBuf, Oid)> = Vec::new();
    for ((name, _), same) in base_names.iter().zip(unchanged_head) {
        match same {
            Some((path, oid)) => unchanged.push((name.as_str(), path, oid)),
            None => {
                changed.insert(name.to_string());
            }
        }
    }
    for t in &workspace.targets {
        if !tree.files.contains_key(&t.name) {
            changed.insert(t.name.clone());
        }
    }
    let total = tree.files.len() + changed.iter().filter(|n| !tree.files.contains_key(*n)).count();
    let changed_count = changed.len();

    // 2. The imports and packages of every unchanged file (one side's text is
    // the other's): from the cache by blob id, else read and scanned. A file the
    // scan is unsure of counts as changed (and is not cached).
    let scanned: Vec<Option<(Header, bool)>> = unchanged
        .par_iter()
        .map(|(_, path, oid)| match headers.get(&oid_bytes(oid)) {
            Some(cached) => Some((cached.clone(), true)),
            None => read_source(path).and_then(|bytes| scan(&bytes)).map(|header| (header, false)),
        })
        .collect();
    let mut importers: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut file_headers: Vec<(&str, Header)> = Vec::new();
    let mut hits = Vec::new();
    for ((name, _, oid), header) in unchanged.iter().zip(scanned) {
        match header {
            Some((header, true)) => {
                hits.push(oid_bytes(oid));
                file_headers.push((name, header));
            }
            Some((header, false)) => {
                headers.insert(oid_bytes(oid), header.clone());
                file_headers.push((name, header));
            }
            None => {
                changed.insert(name.to_string());
            }
        }
    }
    headers.touch(&hits);
    let headers = file_headers;
    for (i, (_, header)) in headers.iter().enumerate() {
        for import in &header.imports {
            importers.entry(import.as_str()).or_default().push(i);
        }
    }

    // 3. Dependants, transitively.
    let mut keep: HashSet<usize> = HashSet::new();
    let mut queue: VecDeque<&str> = changed.iter().map(String::as_str).collect();
    while let Some(name) = queue.pop_front() {
        for &i in importers.get(name).into_iter().flatten() {
            if keep.insert(i) {
                queue.push_back(headers[i].0);
            }
        }
    }

    // 4. Package mates of the changed files, either side's version.
    let repos = tree.open().ok();
    let mut packages: HashSet<String> = HashSet::new();
    let mut unsure_package = false;
    for name in &changed {
        let head = head_paths.get(name.as_str()).and_then(|(path, _)| read_source(path));
        let base = tree
            .files
            .get(name)
            .and_then(|blob| repos.as_ref().and_then(|repos| TreeFiles::read(repos, blob).ok()))
            .map(|text| text.as_bytes().to_vec());
        for bytes in [head, base].into_iter().flatten() {
            match scan(&bytes) {
                Some(header) => packages.extend(header.package_set().map(str::to_string)),
                None => unsure_package = true,
            }
        }
    }
    for (i, (_, header)) in headers.iter().enumerate() {
        // An unreadable changed file might have declared any package.
        if unsure_package || header.package_set().any(|p| packages.contains(p)) {
            keep.insert(i);
        }
    }

    // Vendored well-known types are compiled from the tree only when they are
    // targets, so they stay targets on both sides.
    let mut compared: BTreeSet<String> = changed;
    compared.extend(keep.into_iter().map(|i| headers[i].0.to_string()));
    for name in tree.files.keys().map(String::as_str).chain(head_paths.keys().copied()) {
        if name.starts_with("google/protobuf/") {
            compared.insert(name.to_string());
        }
    }
    let head_targets: Vec<String> =
        workspace.targets.iter().filter(|t| compared.contains(&t.name)).map(|t| t.name.clone()).collect();
    let base_targets: Vec<String> =
        tree.files.keys().filter(|n| compared.contains(*n) && selected(n)).cloned().collect();
    Plan { head_targets, base_targets, changed: changed_count, total }
}

fn oid_bytes(oid: &Oid) -> [u8; 20] {
    let mut bytes = [0u8; 20];
    bytes.copy_from_slice(&oid.as_bytes()[..20]);
    bytes
}

/// A file's blob id, hashed as `git hash-object` does (no filters).
fn hash_file(path: &Path) -> Option<Oid> {
    Oid::hash_file(ObjectType::Blob, path).ok()
}

/// The git index's stat data, to take a working-tree file's blob id from its
/// entry without reading the file when nothing about it changed.
#[derive(Default)]
struct IndexStat {
    entries: HashMap<Vec<u8>, git2::IndexEntry>,
    /// The index file's own modification time: an entry written in the same
    /// second as its file may predate a change made in that second ("racy git").
    written: Option<(i64, u32)>,
}

impl IndexStat {
    fn read(tree: &TreeFiles) -> IndexStat {
        let Some(repo) = tree.repos.first().and_then(|path| Repository::open(path).ok()) else {
            return IndexStat::default();
        };
        let Ok(index) = repo.index() else { return IndexStat::default() };
        let written = std::fs::metadata(repo.path().join("index")).ok().map(|m| {
            use std::os::unix::fs::MetadataExt;
            (m.mtime(), m.mtime_nsec() as u32)
        });
        let entries = index.iter().filter(|e| e.flags >> 12 & 0x3 == 0).map(|e| (e.path.clone(), e)).collect();
        IndexStat { entries, written }
    }

    /// The entry's blob id when the file's stat data is the entry's and the entry
    /// is older than the index.
    fn clean_oid(&self, in_repo: &str, path: &Path) -> Option<Oid> {
        use std::os::unix::fs::MetadataExt;
        let entry = self.entries.get(in_repo.as_bytes())?;
        // assume-unchanged (CE_VALID) or skip-worktree: the entry says nothing
        // about the file.
        const ASSUME_VALID: u16 = 0x8000;
        const SKIP_WORKTREE: u16 = 0x4000;
        if entry.flags & ASSUME_VALID != 0 || entry.flags_extended & SKIP_WORKTREE != 0 {
            return None;
        }
        let (written_s, written_ns) = self.written?;
        let mtime = (entry.mtime.seconds() as i64, entry.mtime.nanoseconds());
        if mtime >= (written_s, written_ns) || entry.mtime.seconds() as i64 >= written_s {
            return None;
        }
        let meta = std::fs::symlink_metadata(path).ok()?;
        let same = meta.is_file()
            && meta.size() as u32 == entry.file_size
            && meta.mtime() as i32 == entry.mtime.seconds()
            && (entry.mtime.nanoseconds() == 0 || meta.mtime_nsec() as u32 == entry.mtime.nanoseconds())
            && meta.ctime() as i32 == entry.ctime.seconds()
            && (entry.ctime.nanoseconds() == 0 || meta.ctime_nsec() as u32 == entry.ctime.nanoseconds())
            && (entry.ino == 0 || meta.ino() as u32 == entry.ino);
        same.then_some(entry.id)
    }
}

/// What the comparison needs to know of a file without compiling it; the
/// persistent cache keeps it by blob id.
pub use crate::cache::FileHeader as Header;

impl Header {
    /// The packages the file may be in: the root package (`""`) when it declares none.
    fn package_set(&self) -> impl Iterator<Item = &str> {
        let root = self.packages.is_empty().then_some("");
        self.packages.iter().map(String::as_str).chain(root)
    }
}

/// Scans a file's imports and packages the way the lexer splits tokens (comments
/// and strings skipped), matching `import [public|weak|option] "a" "b"` and
/// `package a.b.c` anywhere. `None` when unsure: not UTF-8, or an import name
/// with escapes that do not decode.
pub fn scan(bytes: &[u8]) -> Option<Header> {
    std::str::from_utf8(bytes).ok()?;
    let mut header = Header::default();
    let mut lexer = MiniLexer { bytes, at: 0 };
    while let Some(token) = lexer.next() {
        match token {
            Mini::Ident(b"import") => {
                let mut next = lexer.next();
                if let Some(Mini::Ident(b"public" | b"weak" | b"option")) = next {
                    next = lexer.next();
                }
                let mut name = Vec::new();
                let mut any = false;
                while let Some(Mini::String(text)) = next {
                    let (decoded, error) = crate::syntax::lexer::unescape_string(std::str::from_utf8(text).ok()?);
                    if error.is_some() {
                        return None;
                    }
                    name.extend(decoded);
                    any = true;
                    let save = lexer.at;
                    next = lexer.next();
                    if !matches!(next, Some(Mini::String(_))) {
                        lexer.at = save;
                    }
                }
                if any {
                    header.imports.push(String::from_utf8(name).ok()?);
                }
            }
            Mini::Ident(b"package") => {
                let save = lexer.at;
                let mut name = String::new();
                let mut expect_ident = true;
                loop {
                    let at = lexer.at;
                    match lexer.next() {
                        Some(Mini::Ident(part)) if expect_ident => {
                            name.push_str(std::str::from_utf8(part).ok()?);
                            expect_ident = false;
                        }
                        Some(Mini::Dot) if !expect_ident => {
                            name.push('.');
                            expect_ident = true;
                        }
                        Some(Mini::Semicolon) if !expect_ident => break,
                        _ => {
                            lexer.at = at;
                            name.clear();
                            break;
                        }
                    }
                }
                // `package a.b;` and nothing else: a message type named `package`
                // (`package p = 1;`) is not a package statement.
                if name.is_empty() {
                    lexer.at = save;
                } else {
                    header.packages.push(name);
                }
            }
            _ => {}
        }
    }
    Some(header)
}

/// Tokens of the scan: identifiers, string literals (quotes included), `.`, `;`
/// and anything else.
enum Mini<'b> {
    Ident(&'b [u8]),
    String(&'b [u8]),
    Dot,
    Semicolon,
    Other,
}

/// Splits like `syntax::lexer` where it matters here (comments, strings,
/// identifiers, numbers), without building a token list.
struct MiniLexer<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> MiniLexer<'b> {
    fn next(&mut self) -> Option<Mini<'b>> {
        let bytes = self.bytes;
        loop {
            let start = self.at;
            let &b = bytes.get(start)?;
            let i = &mut self.at;
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c => *i += 1,
                b'/' if bytes.get(start + 1) == Some(&b'/') => {
                    *i = memchr_newline(bytes, start);
                }
                b'/' if bytes.get(start + 1) == Some(&b'*') => {
                    *i = find(bytes, start + 2, b"*/").map_or(bytes.len(), |end| end + 2);
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    *i += 1;
                    while *i < bytes.len() && (bytes[*i].is_ascii_alphanumeric() || bytes[*i] == b'_') {
                        *i += 1;
                    }
                    return Some(Mini::Ident(&bytes[start..*i]));
                }
                b'0'..=b'9' => {
                    while *i < bytes.len() && (bytes[*i].is_ascii_alphanumeric() || matches!(bytes[*i], b'_' | b'.')) {
                        *i += 1;
                    }
                    return Some(Mini::Other);
                }
                b'"' | b'\'' => {
                    *i += 1;
                    while *i < bytes.len() {
                        match bytes[*i] {
                            q if q == b => {
                                *i += 1;
                                break;
                            }
                            b'\\' if *i + 1 < bytes.len() && bytes[*i + 1] != b'\n' => *i += 2,
                            b'\n' => break,
                            _ => *i += 1,
                        }
                    }
                    return Some(Mini::String(&bytes[start..*i]));
                }
                b'.' => {
                    *i += 1;
                    return Some(Mini::Dot);
                }
                b';' => {
                    *i += 1;
                    return Some(Mini::Semicolon);
                }
                _ => {
                    *i += 1;
                    return Some(Mini::Other);
                }
            }
        }
    }
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| from + p)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| from + p)
}

/// A head file's bytes through the checked reader (a FIFO or a link to
/// `/dev/zero` is no text); a file it refuses counts as changed, and the
/// compile then reports it.
fn read_source(path: &std::path::Path) -> Option<Vec<u8>> {
    crate::checked_read::read_regular_file(path, crate::checked_read::MAX_PROTO_BYTES, ".proto files").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(text: &str) -> Header {
        scan(text.as_bytes()).expect("scans")
    }

    #[test]
    fn finds_imports_and_packages_past_comments_and_strings() {
        let h = header(
            "syntax = \"proto3\"; // import \"no.proto\";\n/* package nope; import \"nope.proto\"; */\n\
             package a.b .c;\nimport public \"x/y.proto\"; import weak 'w.proto';\n\
             import option \"o.proto\";\nimport \"con\" \"cat.proto\";\n\
             message M { string import = 1; string package = 2; option (x) = { import: \"q\" }; }\n\
             option java_package = \"import \\\"s.proto\\\"\";\nimport \"late.proto\";",
        );
        assert_eq!(h.packages, vec!["a.b.c"]);
        assert_eq!(h.imports, vec!["x/y.proto", "w.proto", "o.proto", "concat.proto", "late.proto"]);
    }

    #[test]
    fn escapes_decode_and_bad_ones_make_the_scan_unsure() {
        assert_eq!(header("import \"a\\x2fb.proto\";").imports, vec!["a/b.proto"]);
        assert_eq!(scan(b"import \"a\\q.proto\";"), None);
        assert_eq!(scan(b"package \xff;"), None);
    }

    #[test]
    fn no_package_is_the_root_package() {
        let h = header("syntax = \"proto2\"; message A {}");
        assert!(h.packages.is_empty() && h.imports.is_empty());
        assert_eq!(h.package_set().collect::<Vec<_>>(), vec![""]);
        // A message type named `package` used as a field type.
        assert!(header("message A { package p = 1; }").packages.is_empty());
    }
}
