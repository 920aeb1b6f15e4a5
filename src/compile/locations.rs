//! Source locations keyed by descriptor path.

use std::collections::HashMap;

/// One location: the byte span of an element and the comments protoc attaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    pub path: Vec<i32>,
    pub start: u32,
    pub end: u32,
    pub leading: Option<String>,
    pub trailing: Option<String>,
    pub detached: Vec<String>,
}

/// All locations of a file in protoc's order, with a lookup by path (the first
/// location of a path wins, as in protoc where e.g. `json_name` has two).
#[derive(Debug, Clone, Default)]
pub struct SourceLocations {
    list: Vec<SourceLocation>,
    by_path: HashMap<Vec<i32>, usize>,
}

impl SourceLocations {
    pub fn push(&mut self, loc: SourceLocation) {
        self.by_path.entry(loc.path.clone()).or_insert(self.list.len());
        self.list.push(loc);
    }

    pub fn get(&self, path: &[i32]) -> Option<&SourceLocation> {
        self.by_path.get(path).map(|&i| &self.list[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceLocation> {
        self.list.iter()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Index of the location most recently pushed.
    pub fn last_index(&self) -> usize {
        self.list.len() - 1
    }

    /// Replaces the paths of several locations at once (protoc's `[.., 999, i]`
    /// of an uninterpreted option becomes `[.., field number, ...]`), then
    /// rebuilds the lookup once.
    pub fn set_paths(&mut self, changes: Vec<(usize, Vec<i32>)>) {
        if changes.is_empty() {
            return;
        }
        for (i, path) in changes {
            self.list[i].path = path;
        }
        self.by_path.clear();
        for (i, loc) in self.list.iter().enumerate() {
            self.by_path.entry(loc.path.clone()).or_insert(i);
        }
    }
}
