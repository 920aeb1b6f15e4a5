//! The output directory of `idl docs -o OUT`: files are written only as new
//! directory entries, never through what is already there. A symbolic link
//! placed inside OUT (`OUT/style.css -> /elsewhere`) is refused before anything
//! is written, and an existing file is unlinked and created anew, so neither a
//! symlink raced in afterwards nor a hard link to a file elsewhere is written
//! through.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub struct OutputDir {
    dir: PathBuf,
}

impl OutputDir {
    /// Creates `dir` (and its parents) when missing. `dir` itself may be a
    /// link to a directory: the user named it.
    pub fn create(dir: &Path) -> io::Result<OutputDir> {
        fs::create_dir_all(dir)?;
        Ok(OutputDir { dir: dir.to_path_buf() })
    }

    /// Refuses the run when any of `names` is a symbolic link or a directory
    /// inside the output directory, before a single file is written.
    pub fn check<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
        for name in names {
            let path = self.dir.join(name);
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() => return Err(symlink_error(&path)),
                Ok(meta) if meta.is_dir() => {
                    return Err(io::Error::other(format!("{} is a directory", path.display())));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Writes `name` as a new file: an existing regular file is removed first
    /// (which also splits a hard link), and the file is created exclusively, so
    /// a symlink that appeared since [`OutputDir::check`] fails the write
    /// instead of being followed.
    pub fn write(&self, name: &str, content: &[u8]) -> io::Result<()> {
        let path = self.dir.join(name);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return Err(symlink_error(&path)),
            Ok(_) => fs::remove_file(&path)?,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        let mut file = OpenOptions::new().write(true).create_new(true).open(&path).map_err(|error| {
            let raced_link = fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink());
            match error.kind() {
                io::ErrorKind::AlreadyExists if raced_link => symlink_error(&path),
                io::ErrorKind::AlreadyExists => {
                    io::Error::other(format!("{} was created by another process meanwhile", path.display()))
                }
                _ => error,
            }
        })?;
        file.write_all(content)
    }
}

fn symlink_error(path: &Path) -> io::Error {
    io::Error::other(format!(
        "{} is a symbolic link: idl docs never writes through links in its output directory; remove it",
        path.display()
    ))
}
