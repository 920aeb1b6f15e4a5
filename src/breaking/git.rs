//! Reading the `.proto` files of a commit straight from the object database: no
//! checkout, no temporary clone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{ObjectType, Oid, Repository, Tree};

/// Why a git base could not be read.
#[derive(Debug)]
pub enum GitError {
    /// No repository contains the workspace.
    NotARepository(PathBuf),
    /// The revision does not resolve; `shallow` when the clone lacks history.
    Unresolved {
        rev: String,
        shallow: bool,
        detail: String,
    },
    Other(String),
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::NotARepository(dir) => write!(
                f,
                "the base is not a directory or a file, and no git repository contains {} to resolve it as a git ref",
                dir.display()
            ),
            GitError::Unresolved { rev, shallow: true, detail } => write!(
                f,
                "cannot find commit {rev:?} in this shallow clone ({detail}); fetch the history it needs: \
                 `git fetch --deepen=N` (or `git fetch --unshallow`), or `fetch-depth: 0` in actions/checkout"
            ),
            GitError::Unresolved { rev, shallow: false, detail } => {
                write!(f, "cannot resolve {rev:?} as a git ref or commit ({detail})")
            }
            GitError::Other(message) => f.write_str(message),
        }
    }
}

/// The `.proto` files of a base commit, keyed by import name. Only the tree is
/// read: a blob's text is read when a compile asks for it, so a comparison that
/// skips unchanged files (by blob id) never inflates them.
pub struct TreeFiles {
    /// Import name → where its blob is.
    pub files: BTreeMap<String, TreeBlob>,
    /// The commit read.
    pub commit: Oid,
    /// The object databases blobs live in: the superproject first, then the
    /// submodules met on the way (their `.git` directories).
    pub repos: Vec<PathBuf>,
    /// The superproject's working directory, canonical.
    pub workdir: PathBuf,
}

/// One `.proto` blob of a base tree.
#[derive(Debug, Clone)]
pub struct TreeBlob {
    /// Display path `rev:path-in-repo`.
    pub display: String,
    pub oid: Oid,
    /// Index into [`TreeFiles::repos`].
    pub repo: usize,
    /// The path in the superproject's tree.
    pub in_super: String,
}

impl TreeFiles {
    /// Opens the object databases, for [`TreeFiles::read`].
    pub fn open(&self) -> Result<Vec<std::sync::Mutex<Repository>>, GitError> {
        self.repos
            .iter()
            .map(|path| {
                Repository::open(path).map(std::sync::Mutex::new).map_err(|e| GitError::Other(e.message().to_string()))
            })
            .collect()
    }

    /// The text of a blob (invalid UTF-8 replaced, as a checkout's text would be
    /// refused further on by the parser's own checks).
    pub fn read(repos: &[std::sync::Mutex<Repository>], blob: &TreeBlob) -> Result<Arc<str>, GitError> {
        let repo = repos[blob.repo].lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let found = repo.find_blob(blob.oid).map_err(|e| GitError::Other(e.message().to_string()))?;
        Ok(Arc::from(String::from_utf8_lossy(found.content()).as_ref()))
    }

    /// Every file's text, by import name: (display path, text).
    pub fn read_all(&self) -> Result<BTreeMap<String, (String, Arc<str>)>, GitError> {
        let repos = self.open()?;
        self.files
            .iter()
            .map(|(name, blob)| Ok((name.clone(), (blob.display.clone(), Self::read(&repos, blob)?))))
            .collect()
    }
}

/// Resolves `rev` (or `merge-base(HEAD, rev)`) in the repository containing
/// `start`, and reads every `.proto` file under `roots` of that commit. A file's
/// import name is its path relative to the first root containing it; `keep`
/// filters on the path relative to each root (excludes).
pub fn read_tree(
    start: &Path,
    rev: &str,
    merge_base: bool,
    roots: &[PathBuf],
    keep: &dyn Fn(&Path, &str) -> bool,
) -> Result<TreeFiles, GitError> {
    let repo = Repository::discover(start).map_err(|_| GitError::NotARepository(start.to_path_buf()))?;
    let workdir = repo.workdir().ok_or_else(|| GitError::Other("the git repository is bare".into()))?;
    let workdir = workdir.canonicalize().unwrap_or_else(|_| workdir.to_path_buf());
    let unresolved = |repo: &Repository, detail: String| GitError::Unresolved {
        rev: rev.to_string(),
        shallow: repo.is_shallow(),
        detail,
    };
    let target = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| unresolved(&repo, e.message().to_string()))?;
    let commit = if merge_base {
        let head = repo.head().and_then(|h| h.peel_to_commit()).map_err(|e| GitError::Other(e.to_string()))?;
        let oid = repo
            .merge_base(head.id(), target.id())
            .map_err(|e| unresolved(&repo, format!("no merge base with HEAD: {}", e.message())))?;
        repo.find_commit(oid).map_err(|e| unresolved(&repo, e.message().to_string()))?
    } else {
        target
    };
    let tree = commit.tree().map_err(|e| unresolved(&repo, e.message().to_string()))?;
    let label = if merge_base { commit.id().to_string()[..12].to_string() } else { rev.to_string() };

    let mut files = BTreeMap::new();
    let mut repos = vec![repo.path().to_path_buf()];
    for root in roots {
        let root_abs = root.canonicalize().unwrap_or_else(|_| root.clone());
        let Ok(rel) = root_abs.strip_prefix(&workdir) else { continue };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let mut blobs = Vec::new();
        let at = Place { repo: &repo, repo_index: 0, tree: tree.clone(), here: String::new(), in_super: String::new() };
        protos_under(at, &rel, &mut repos, &mut blobs)?;
        for (name, oid, repo) in blobs {
            if files.contains_key(&name) || !keep(root, &name) {
                continue;
            }
            let in_super = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            files.insert(name, TreeBlob { display: format!("{label}:{in_super}"), oid, repo, in_super });
        }
    }
    Ok(TreeFiles { files, commit: commit.id(), repos, workdir })
}

/// A tree being read: the repository it belongs to (the superproject or a
/// submodule), its path inside that repository, and its path inside the
/// superproject (for messages).
struct Place<'r> {
    repo: &'r Repository,
    /// The repository's index in the list of object databases.
    repo_index: usize,
    tree: Tree<'r>,
    here: String,
    in_super: String,
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") }
}

/// Directories never searched for `.proto` files, as in the working tree.
fn skipped_dir(name: &str) -> bool {
    matches!(name, "node_modules" | "target" | ".git") || name.starts_with("bazel-")
}

/// A blob found: its path relative to the root, id, and object database.
type Found = (String, Oid, usize);

/// Every `.proto` blob under `rel` (a `/`-separated path below `at`), with its path
/// relative to `rel`. Submodules (gitlinks) on the way or inside are followed into
/// their own object database (added to `repos`).
fn protos_under(at: Place<'_>, rel: &str, repos: &mut Vec<PathBuf>, out: &mut Vec<Found>) -> Result<(), GitError> {
    let Some((first, rest)) = (!rel.is_empty()).then(|| rel.split_once('/').unwrap_or((rel, ""))) else {
        return walk(at, "", repos, out);
    };
    let Some(entry) = at.tree.get_name(first) else { return Ok(()) };
    let (here, in_super) = (join(&at.here, first), join(&at.in_super, first));
    match entry.kind() {
        Some(ObjectType::Tree) => {
            let tree = at.repo.find_tree(entry.id()).map_err(|e| GitError::Other(e.to_string()))?;
            protos_under(Place { repo: at.repo, repo_index: at.repo_index, tree, here, in_super }, rest, repos, out)
        }
        Some(ObjectType::Commit) => {
            let sub = open_submodule(at.repo, &here, &in_super, entry.id())?;
            let tree = submodule_tree(&sub, &in_super, entry.id())?;
            repos.push(sub.path().to_path_buf());
            let place = Place { repo: &sub, repo_index: repos.len() - 1, tree, here: String::new(), in_super };
            protos_under(place, rest, repos, out)
        }
        _ => Ok(()),
    }
}

/// Lists every `.proto` blob of a tree, recursively; `prefix` is the path so far.
fn walk(at: Place<'_>, prefix: &str, repos: &mut Vec<PathBuf>, out: &mut Vec<Found>) -> Result<(), GitError> {
    let other = |e: git2::Error| GitError::Other(e.to_string());
    for entry in at.tree.iter() {
        let name = entry.name().unwrap_or_default();
        let path = join(prefix, name);
        match entry.kind() {
            Some(ObjectType::Tree) if !skipped_dir(name) => {
                let tree = at.repo.find_tree(entry.id()).map_err(other)?;
                let place = Place {
                    repo: at.repo,
                    repo_index: at.repo_index,
                    tree,
                    here: join(&at.here, name),
                    in_super: join(&at.in_super, name),
                };
                walk(place, &path, repos, out)?;
            }
            Some(ObjectType::Blob) if name.ends_with(".proto") => {
                out.push((path, entry.id(), at.repo_index));
            }
            Some(ObjectType::Commit) => {
                let (here, in_super) = (join(&at.here, name), join(&at.in_super, name));
                let sub = open_submodule(at.repo, &here, &in_super, entry.id())?;
                let tree = submodule_tree(&sub, &in_super, entry.id())?;
                repos.push(sub.path().to_path_buf());
                let place = Place { repo: &sub, repo_index: repos.len() - 1, tree, here: String::new(), in_super };
                walk(place, &path, repos, out)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The repository of the submodule at `path` of `repo`: its checkout, or else its
/// object database under `.git/modules/<name>` (kept after `git submodule deinit`).
fn open_submodule(repo: &Repository, path: &str, in_super: &str, commit: Oid) -> Result<Repository, GitError> {
    let submodule = repo.find_submodule(path).ok();
    if let Some(opened) = submodule.as_ref().and_then(|s| s.open().ok()) {
        return Ok(opened);
    }
    let name = submodule.as_ref().and_then(|s| s.name().ok().map(str::to_string)).unwrap_or_else(|| path.to_string());
    if let Ok(opened) = Repository::open(repo.path().join("modules").join(&name)) {
        return Ok(opened);
    }
    Err(GitError::Other(format!(
        "the base has a git submodule at {in_super} (commit {}) whose objects are not in this clone; \
         run `git submodule update --init --recursive` (or `submodules: recursive` in actions/checkout)",
        &commit.to_string()[..12]
    )))
}

/// The tree of the submodule commit the base records.
fn submodule_tree<'r>(sub: &'r Repository, in_super: &str, commit: Oid) -> Result<Tree<'r>, GitError> {
    sub.find_commit(commit).and_then(|c| c.tree()).map_err(|_| {
        GitError::Other(format!(
            "the base records commit {} of the git submodule at {in_super}, which its clone does not have; \
             run `git submodule update --init --recursive` (or `git -C {in_super} fetch`)",
            &commit.to_string()[..12]
        ))
    })
}
