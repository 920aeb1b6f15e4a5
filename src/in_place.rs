//! Rewriting source files in place (`idl format -w`, `idl lint --fix`): the one
//! way idl changes a file it read.
//!
//! - Only files inside the workspace (the directory of its `idl.toml`, or the
//!   working directory without one) are written. A root such as `../outside` or
//!   `/etc` is read, never rewritten, unless the run opts in
//!   (`--write-outside-workspace`). The check is made on the file's real path, so
//!   a symlink inside the workspace cannot lead a write out of it.
//! - A symlink is written through: its target changes, the link stays a link.
//! - The new text goes to a temporary file next to the target, gets the
//!   original's mode, owner and group, and is renamed over it, so readers (and a
//!   crash of idl) see the old file or the new one, never half of one.
//! - A file that has other hard links, or whose owner idl cannot give to a new
//!   file, is overwritten in its own inode instead (not atomic, but the links and
//!   the owner survive; an atomic replace would split or steal them).
//! - A killed run leaves its temporary file behind (`SIGKILL` cannot be caught);
//!   the next run that writes into that directory removes the temporary files of
//!   processes that no longer exist.
//!
//! There is no fsync: like gofmt, rustfmt and editors, idl leaves durability
//! against power loss to the file system (a sync per file made `-w` on
//! googleapis 7-20 s instead of about 1 s).

use std::collections::HashSet;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The marker in temporary file names: `.NAME.idl-format-PID-N.tmp`.
const TEMP_MARKER: &str = ".idl-format-";
const TEMP_SUFFIX: &str = ".tmp";

/// Where a run may write, and the directories it has already swept of stale
/// temporary files.
pub struct InPlace {
    /// The workspace directory, with symlinks resolved.
    workspace: PathBuf,
    shown_workspace: String,
    allow_outside: bool,
    swept: Mutex<HashSet<PathBuf>>,
}

impl InPlace {
    /// Writes inside `workspace` only, unless `allow_outside`.
    pub fn new(workspace: &Path, allow_outside: bool) -> Self {
        InPlace {
            workspace: fs::canonicalize(workspace).unwrap_or_else(|_| workspace.to_path_buf()),
            shown_workspace: workspace.display().to_string(),
            allow_outside,
            swept: Mutex::new(HashSet::new()),
        }
    }

    /// Replaces the contents of the file at `path` (through a symlink) with
    /// `contents`. The error's text is complete, to follow "cannot write PATH: ".
    pub fn write(&self, path: &Path, contents: &str) -> io::Result<()> {
        let target = fs::canonicalize(path)?;
        if !self.allow_outside && !target.starts_with(&self.workspace) {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                match !fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink()) {
                    true => format!("it is outside the workspace ({})", self.shown_workspace),
                    false => {
                        format!("it leads to {}, outside the workspace ({})", target.display(), self.shown_workspace)
                    }
                } + "; idl rewrites such files only with --write-outside-workspace",
            ));
        }
        let dir = target.parent().unwrap_or(Path::new("/")).to_path_buf();
        if self.swept.lock().map(|mut swept| swept.insert(dir.clone())).unwrap_or(false) {
            remove_stale_temp_files(&dir);
        }
        replace(&target, &dir, contents.as_bytes())
    }
}

/// Replaces `target` (a regular file, no symlink) in `dir` with `contents`.
fn replace(target: &Path, dir: &Path, contents: &[u8]) -> io::Result<()> {
    let meta = fs::metadata(target)?;
    if !meta.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"));
    }
    if has_other_links(&meta) {
        return overwrite(target, contents);
    }
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (tmp_path, mut file) = match create_temp(dir, &name) {
        Ok(created) => created,
        // A directory idl may not create files in, holding a file it may write.
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => return overwrite(target, contents),
        Err(error) => return Err(error),
    };
    let result = file.write_all(contents).and_then(|()| fs::set_permissions(&tmp_path, meta.permissions()));
    let result = result.and_then(|()| match keep_owner(&file, &meta) {
        Ok(true) => fs::rename(&tmp_path, target),
        // A new file would belong to idl's user: keep the original's inode instead.
        Ok(false) => {
            let _ = fs::remove_file(&tmp_path);
            overwrite(target, contents)
        }
        Err(error) => Err(error),
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp_path);
    }
    result
}

fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    for attempt in 0..100u32 {
        let tmp_path = dir.join(format!(".{name}{TEMP_MARKER}{}-{attempt}{TEMP_SUFFIX}", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp_path) {
            Ok(file) => return Ok((tmp_path, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::other("cannot create a temporary file"))
}

/// Writes `contents` into the existing inode of `target`.
fn overwrite(target: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).truncate(true).open(target)?;
    file.write_all(contents)
}

#[cfg(unix)]
fn has_other_links(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() > 1
}

#[cfg(not(unix))]
fn has_other_links(_meta: &fs::Metadata) -> bool {
    false
}

/// Gives the new file the original's owner and group; `false` when that is not
/// allowed (only root may give a file away).
#[cfg(unix)]
fn keep_owner(file: &fs::File, original: &fs::Metadata) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let new = file.metadata()?;
    if new.uid() == original.uid() && new.gid() == original.gid() {
        return Ok(true);
    }
    match std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid())) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => Ok(false),
        Err(error) if error.raw_os_error() == Some(libc::EPERM) => Ok(false),
        Err(error) => Err(error),
    }
}

#[cfg(not(unix))]
fn keep_owner(_file: &fs::File, _original: &fs::Metadata) -> io::Result<bool> {
    Ok(true)
}

/// Removes `dir`'s temporary files left by idl processes that no longer run.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_file_pid) else { continue };
        if pid != std::process::id() && !process_exists(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The process id in a temporary file's name (`.a.proto.idl-format-123-0.tmp`).
fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(TEMP_SUFFIX)?;
    let (_, tail) = rest.rsplit_once(TEMP_MARKER)?;
    let (pid, attempt) = tail.split_once('-')?;
    attempt.parse::<u32>().ok()?;
    pid.parse().ok()
}

#[cfg(unix)]
fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    // Signal 0 checks for existence; EPERM means it exists under another user.
    // SAFETY: kill with signal 0 sends nothing.
    unsafe { libc::kill(pid, 0) == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) }
}

#[cfg(not(unix))]
fn process_exists(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_file_names_give_their_process() {
        assert_eq!(temp_file_pid(".a.proto.idl-format-123-0.tmp"), Some(123));
        assert_eq!(temp_file_pid(".a.idl-format-x.proto.idl-format-9-17.tmp"), Some(9));
        assert_eq!(temp_file_pid("a.proto"), None);
        assert_eq!(temp_file_pid(".a.proto.idl-format-12.tmp"), None);
    }

    #[test]
    fn a_process_that_runs_exists() {
        assert!(process_exists(std::process::id()));
    }
}
