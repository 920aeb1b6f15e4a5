//! Reading the `.proto` files of a commit straight from the object database: no
//! checkout, no temporary clone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

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

/// The `.proto` files of a base commit, keyed by import name.
pub struct TreeFiles {
    /// Import name → (display path `rev:path-in-repo`, text).
    pub files: BTreeMap<String, (String, Arc<str>)>,
    /// The commit read.
    pub commit: Oid,
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
    for root in roots {
        let root_abs = root.canonicalize().unwrap_or_else(|_| root.clone());
        let Ok(rel) = root_abs.strip_prefix(&workdir) else { continue };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let subtree = if rel.is_empty() {
            tree.clone()
        } else {
            match tree.get_path(Path::new(&rel)).and_then(|e| e.to_object(&repo)).map(|o| o.into_tree()) {
                Ok(Ok(t)) => t,
                _ => continue,
            }
        };
        let mut blobs = Vec::new();
        subtree
            .walk(TreeWalkMode::PreOrder, |dir, entry| {
                let name = entry.name().unwrap_or_default();
                if entry.kind() == Some(ObjectType::Tree) {
                    let skip = matches!(name, "node_modules" | "target" | ".git") || name.starts_with("bazel-");
                    return if skip { TreeWalkResult::Skip } else { TreeWalkResult::Ok };
                }
                if entry.kind() == Some(ObjectType::Blob) && name.ends_with(".proto") {
                    blobs.push((format!("{dir}{name}"), entry.id()));
                }
                TreeWalkResult::Ok
            })
            .map_err(|e| GitError::Other(e.to_string()))?;
        for (name, oid) in blobs {
            if files.contains_key(&name) || !keep(root, &name) {
                continue;
            }
            let blob = repo.find_blob(oid).map_err(|e| GitError::Other(e.to_string()))?;
            let text = String::from_utf8_lossy(blob.content());
            let in_repo = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
            files.insert(name, (format!("{label}:{in_repo}"), Arc::from(text.as_ref())));
        }
    }
    Ok(TreeFiles { files, commit: commit.id() })
}
