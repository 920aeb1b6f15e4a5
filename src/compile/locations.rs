//! Source locations keyed by descriptor path.

use std::sync::OnceLock;

use crate::syntax::ast::Comments;

/// One location: the byte span of an element and the comments protoc attaches.
/// Most locations have no comments, so those live behind one optional box
/// (a corpus like googleapis has millions of locations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// Boxed rather than a `Vec`: 8 bytes less on each of a corpus's millions.
    pub path: Box<[i32]>,
    pub start: u32,
    pub end: u32,
    pub comments: Option<Box<Comments>>,
}

impl SourceLocation {
    pub fn leading(&self) -> Option<&str> {
        self.comments.as_ref().and_then(|c| c.leading.as_deref())
    }

    pub fn trailing(&self) -> Option<&str> {
        self.comments.as_ref().and_then(|c| c.trailing.as_deref())
    }

    pub fn detached(&self) -> &[String] {
        self.comments.as_ref().map_or(&[], |c| c.detached.as_slice())
    }
}

/// All locations of a file in protoc's order, with a lookup by path (the first
/// location of a path wins, as in protoc where e.g. `json_name` has two).
///
/// The lookup is a sorted index built on first use: a whole-corpus build never
/// needs it, and it costs 4 bytes per location instead of a copy of each path.
#[derive(Debug, Default)]
pub struct SourceLocations {
    list: Vec<SourceLocation>,
    index: OnceLock<Vec<u32>>,
}

impl Clone for SourceLocations {
    fn clone(&self) -> Self {
        SourceLocations { list: self.list.clone(), index: OnceLock::new() }
    }
}

impl SourceLocations {
    pub fn push(&mut self, loc: SourceLocation) {
        self.list.push(loc);
        self.index = OnceLock::new();
    }

    fn index(&self) -> &[u32] {
        self.index.get_or_init(|| {
            // Sorted by (path, position): among equal paths the first recorded
            // stays first. The paths sit beside their positions so comparisons
            // do not go through the list (a huge file has hundreds of thousands).
            let mut keyed: Vec<(&[i32], u32)> =
                self.list.iter().enumerate().map(|(i, loc)| (&*loc.path, i as u32)).collect();
            keyed.sort_unstable();
            keyed.into_iter().map(|(_, i)| i).collect()
        })
    }

    /// Gives back the room the list grew into while it was built (on googleapis
    /// a third of its capacity, ~27 MB, stayed unused for the whole run).
    pub fn shrink_to_fit(&mut self) {
        self.list.shrink_to_fit();
    }

    /// Builds the lookup now (it is otherwise built by the first `get`), so
    /// threads that look locations up later do not wait for each other.
    pub fn prepare_lookup(&self) {
        self.index();
    }

    pub fn get(&self, path: &[i32]) -> Option<&SourceLocation> {
        let idx = self.index();
        let pos = idx.partition_point(|&i| &*self.list[i as usize].path < path);
        idx.get(pos).map(|&i| &self.list[i as usize]).filter(|l| *l.path == *path)
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
    /// of an uninterpreted option becomes `[.., field number, ...]`).
    pub fn set_paths(&mut self, changes: Vec<(usize, Vec<i32>)>) {
        for (i, path) in changes {
            self.list[i].path = path.into_boxed_slice();
        }
        self.index = OnceLock::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(path: &[i32], start: u32) -> SourceLocation {
        SourceLocation { path: path.into(), start, end: start + 1, comments: None }
    }

    #[test]
    fn first_location_of_a_path_wins() {
        let mut l = SourceLocations::default();
        l.push(loc(&[4, 0], 0));
        l.push(loc(&[4, 0, 2, 0, 10], 5));
        l.push(loc(&[4, 0, 2, 0, 10], 9));
        l.push(loc(&[2], 1));
        assert_eq!(l.get(&[4, 0, 2, 0, 10]).unwrap().start, 5);
        assert_eq!(l.get(&[2]).unwrap().start, 1);
        assert!(l.get(&[4]).is_none());
        l.set_paths(vec![(3, vec![8, 11])]);
        assert!(l.get(&[2]).is_none());
        assert_eq!(l.get(&[8, 11]).unwrap().start, 1);
    }
}
