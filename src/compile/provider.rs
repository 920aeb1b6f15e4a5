//! Where the compiler reads files from: a workspace on disk, or memory (a git
//! tree's blobs, an editor's unsaved buffer, tests). Every source is read once.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::driver::read_text_file;
use crate::diagnostic::Diagnostic;
use crate::workspace::{Workspace, WorkspaceFile};

/// A file's display path and text, or why it could not be read.
pub type ReadResult = Result<(String, Arc<str>), Box<Diagnostic>>;

pub trait FileProvider: Sync {
    /// Import names of the files to check.
    fn targets(&self) -> Vec<String>;
    /// Import names of the files the workspace itself holds, of which the targets
    /// are all (by default) or some (a selection, as `generate --path` makes): a
    /// copy of a well-known type among them is compiled from its text in place of
    /// the built-in one, as buf compiles a module's own copy.
    fn own_files(&self) -> Vec<String> {
        self.targets()
    }
    /// Reads a file by import name; `None` when no such file exists.
    fn read(&self, name: &str) -> Option<ReadResult>;
    /// Where files are looked up, for "not found" messages.
    fn searched(&self) -> String;
}

/// The files of a workspace on disk: targets by their paths, imports through
/// roots and import paths.
pub struct WorkspaceFiles<'a> {
    workspace: &'a Workspace,
    /// Workspace file index by import name (a linear search per read was quadratic).
    targets: std::collections::HashMap<&'a str, usize>,
    /// The workspace files compiled as targets, when not all of them are.
    selected: Option<Vec<usize>>,
    cwd: std::path::PathBuf,
}

impl<'a> WorkspaceFiles<'a> {
    pub fn new(workspace: &'a Workspace) -> Self {
        let targets = workspace.targets.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
        WorkspaceFiles { workspace, targets, selected: None, cwd: std::env::current_dir().unwrap_or_default() }
    }

    /// The workspace with only the files `keep` accepts as targets; the others
    /// are read (from the same paths, under the same display paths) only when a
    /// target imports them, so a broken file nothing selected imports is never
    /// parsed. `generate --path` compiles this way, as buf does.
    pub fn selecting(workspace: &'a Workspace, keep: impl Fn(&WorkspaceFile) -> bool) -> Self {
        let selected = (0..workspace.targets.len()).filter(|&i| keep(&workspace.targets[i])).collect();
        WorkspaceFiles { selected: Some(selected), ..WorkspaceFiles::new(workspace) }
    }
}

impl FileProvider for WorkspaceFiles<'_> {
    fn targets(&self) -> Vec<String> {
        match &self.selected {
            Some(selected) => selected.iter().map(|&i| self.workspace.targets[i].name.clone()).collect(),
            None => self.own_files(),
        }
    }

    fn own_files(&self) -> Vec<String> {
        self.workspace.targets.iter().map(|t| t.name.clone()).collect()
    }

    fn read(&self, name: &str) -> Option<ReadResult> {
        if let Some(&i) = self.targets.get(name) {
            let t = &self.workspace.targets[i];
            return Some(read_text_file(&t.path, &t.display_path));
        }
        let path = self.workspace.resolve_import(name)?;
        Some(read_text_file(&path, &display_path(&path, &self.cwd)))
    }

    fn searched(&self) -> String {
        let ws = self.workspace;
        let mut dirs: Vec<String> = ws.roots.iter().chain(&ws.import_paths).map(|p| p.display().to_string()).collect();
        dirs.push("built-in well-known types".into());
        dirs.join(", ")
    }
}

/// A workspace on disk with some files replaced by editor buffers (unsaved text),
/// by absolute path. A buffer stands in for a target, and for an import wherever
/// the import would resolve, even when the file was never saved.
pub struct OverlayFiles<'a> {
    disk: WorkspaceFiles<'a>,
    buffers: &'a HashMap<PathBuf, Arc<str>>,
}

impl<'a> OverlayFiles<'a> {
    pub fn new(workspace: &'a Workspace, buffers: &'a HashMap<PathBuf, Arc<str>>) -> Self {
        OverlayFiles { disk: WorkspaceFiles::new(workspace), buffers }
    }
}

impl FileProvider for OverlayFiles<'_> {
    fn targets(&self) -> Vec<String> {
        self.disk.targets()
    }

    fn own_files(&self) -> Vec<String> {
        self.disk.own_files()
    }

    fn read(&self, name: &str) -> Option<ReadResult> {
        let workspace = self.disk.workspace;
        let (path, display) = match self.disk.targets.get(name) {
            Some(&i) => (workspace.targets[i].path.clone(), workspace.targets[i].display_path.clone()),
            None => {
                let path =
                    workspace.import_candidates(name).find(|path| self.buffers.contains_key(path) || path.is_file())?;
                let display = display_path(&path, &self.disk.cwd);
                (path, display)
            }
        };
        match self.buffers.get(&path) {
            Some(text) => Some(Ok((display, text.clone()))),
            None => Some(read_text_file(&path, &display)),
        }
    }

    fn searched(&self) -> String {
        self.disk.searched()
    }
}

pub(crate) fn display_path(path: &Path, cwd: &Path) -> String {
    let p = path.strip_prefix(cwd).unwrap_or(path);
    p.to_string_lossy().replace('\\', "/")
}

/// Files held in memory by import name, with an optional fallback for imports.
#[derive(Default)]
pub struct MemoryFiles<'a> {
    /// Import name → (display path, text).
    pub files: BTreeMap<String, (String, Arc<str>)>,
    /// Names to check; all files when empty.
    pub targets: Vec<String>,
    /// Consulted for names not in `files` (e.g. the workspace's import paths).
    pub fallback: Option<&'a dyn FileProvider>,
    /// Shown in "not found" messages.
    pub description: String,
}

impl FileProvider for MemoryFiles<'_> {
    fn targets(&self) -> Vec<String> {
        if self.targets.is_empty() { self.files.keys().cloned().collect() } else { self.targets.clone() }
    }

    fn read(&self, name: &str) -> Option<ReadResult> {
        match self.files.get(name) {
            Some((display, text)) => Some(Ok((display.clone(), text.clone()))),
            None => self.fallback.and_then(|f| f.read(name)),
        }
    }

    fn searched(&self) -> String {
        match self.fallback {
            Some(f) => format!("{}, {}", self.description, f.searched()),
            None => self.description.clone(),
        }
    }
}
