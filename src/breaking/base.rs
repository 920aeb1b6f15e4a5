//! What `--against` names: a descriptor set file, a directory laid out like the
//! workspace, or a git ref; turned into the base side of the comparison.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use prost_reflect::DescriptorPool;

use super::git;
use crate::checked_read;
use crate::compile::Syntax;
use crate::workspace::Workspace;

/// A base read into memory.
pub enum Base {
    /// Sources to compile (a directory): import name → (display path, text).
    Sources(BTreeMap<String, (String, Arc<str>)>, String),
    /// A git tree, its blobs not read yet; its display label.
    Git(git::TreeFiles, String),
    /// A descriptor set, already linked; its display label.
    DescriptorSet(DescriptorPool, String),
}

/// Reads the base. `against` is tried as a file (descriptor set), then a
/// directory, then a git ref of the repository containing the workspace.
pub fn load(workspace: &Workspace, cwd: &Path, against: &str, merge_base: bool) -> Result<Base, String> {
    let excludes =
        workspace.config.exclude_matcher(None).map_err(|_| "invalid `excludes` in the config".to_string())?;
    let keep = |root: &Path, name: &str| {
        let rel = root.strip_prefix(&workspace.base_dir).unwrap_or(root).join(name);
        // `excludes = ["third_party"]` leaves out the files under it, as the
        // workspace walk does by pruning the directory.
        !rel.ancestors().filter(|a| !a.as_os_str().is_empty()).any(|a| excludes.is_match(a))
    };
    // An empty base passes every check, so it is never taken for one: `''` would
    // otherwise name the working directory, which is the head itself.
    if against.trim().is_empty() {
        let flag = if merge_base { "--against-merge-base" } else { "--against" };
        return Err(format!("{flag} is empty: name a git ref, a directory or a descriptor set (.binpb)"));
    }
    let path = cwd.join(against);
    if !merge_base && path.is_file() {
        let bytes = checked_read::read_regular_file(&path, checked_read::MAX_DESCRIPTOR_SET_BYTES, "descriptor sets")
            .map_err(|e| format!("cannot read {against}: {e}"))?;
        let pool = DescriptorPool::decode(bytes.as_slice())
            .map_err(|e| format!("{against} is not a valid FileDescriptorSet: {e}"))?;
        if pool.files().len() == 0 {
            return Err(format!(
                "{against} is an empty descriptor set (no files); an empty base would pass every check"
            ));
        }
        return Ok(Base::DescriptorSet(pool, against.to_string()));
    }
    if !merge_base
        && path.is_dir()
        && let Some(config) = own_config(&path)
    {
        return own_workspace(&path, &config, cwd, against);
    }
    if !merge_base && path.is_dir() {
        let mut files = BTreeMap::new();
        for root in &workspace.roots {
            let rel = root.strip_prefix(&workspace.base_dir).unwrap_or(Path::new(""));
            let dir = path.join(rel);
            let mut found = Vec::new();
            walk(&dir, &dir, &mut found);
            for (name, file) in found {
                if files.contains_key(&name) || !keep(root, &name) {
                    continue;
                }
                let display = file.strip_prefix(cwd).unwrap_or(&file).to_string_lossy().replace('\\', "/");
                let text = checked_read::read_proto_text(&file, &display).map_err(|d| {
                    // Encoding problems name the byte but not the file.
                    if d.message.starts_with("cannot read") { d.message } else { format!("{display}: {}", d.message) }
                })?;
                files.insert(name, (display, text));
            }
        }
        if files.is_empty() {
            let roots: Vec<String> = workspace
                .roots
                .iter()
                .map(|root| {
                    let rel = root.strip_prefix(&workspace.base_dir).unwrap_or(Path::new(""));
                    path.join(rel).strip_prefix(cwd).unwrap_or(&path.join(rel)).display().to_string()
                })
                .collect();
            return Err(format!(
                "the base directory {against} has no .proto files (searched: {}); an empty base would pass every check",
                roots.join(", ")
            ));
        }
        return Ok(Base::Sources(files, against.to_string()));
    }
    let tree =
        git::read_tree(&workspace.base_dir, against, merge_base, &workspace.roots, &keep).map_err(|e| e.to_string())?;
    let label = format!("{against} ({})", &tree.commit.to_string()[..12]);
    Ok(Base::Git(tree, label))
}

/// A base directory's own config: an `idl.toml`, `buf.work.yaml` or `buf.yaml`
/// directly in it (one above it is likely the head's own).
fn own_config(dir: &Path) -> Option<PathBuf> {
    [crate::config::CONFIG_FILE_NAME, crate::migrate::BUF_WORK_FILE, crate::migrate::BUF_FILE]
        .iter()
        .map(|name| dir.join(name))
        .find(|path| path.is_file())
}

/// A base directory with its own config is a workspace of its own, as buf reads
/// a directory base: its roots (a v1beta1 `build.roots`, v2 `modules`, a
/// `buf.work.yaml`'s directories) and excludes decide the files and their import
/// names, which may differ from the head's layout.
fn own_workspace(dir: &Path, config: &Path, cwd: &Path, against: &str) -> Result<Base, String> {
    let workspace = crate::workspace::discover(dir, Some(config), &[]).map_err(|diagnostics| {
        let messages: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
        format!("the base directory {against}: {}", messages.join("; "))
    })?;
    let mut files = BTreeMap::new();
    for target in &workspace.targets {
        let display = target.path.strip_prefix(cwd).unwrap_or(&target.path).to_string_lossy().replace('\\', "/");
        let text = checked_read::read_proto_text(&target.path, &display).map_err(|d| {
            if d.message.starts_with("cannot read") { d.message } else { format!("{display}: {}", d.message) }
        })?;
        files.insert(target.name.clone(), (display, text));
    }
    if files.is_empty() {
        return Err(format!(
            "the base directory {against} has no .proto files in the roots its config names; an empty base would pass every check"
        ));
    }
    Ok(Base::Sources(files, against.to_string()))
}

/// Every `.proto` file under `dir`, by its `/`-separated path relative to `root`.
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            if !(matches!(name.as_str(), "node_modules" | "target" | ".git") || name.starts_with("bazel-")) {
                walk(root, &path, out);
            }
        } else if name.ends_with(".proto") {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            out.push((rel, path));
        }
    }
}

/// The declared syntax of a file of a descriptor set.
pub fn descriptor_syntax(file: &prost_reflect::FileDescriptor) -> Syntax {
    match file.syntax_name() {
        "proto3" => Syntax::Proto3,
        "editions" => Syntax::Editions(1000),
        _ => Syntax::Proto2,
    }
}
