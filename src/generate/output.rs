//! From plugin responses to files: each plugin's files under its `out`,
//! insertion points applied, two writers of one file refused; then written all
//! at once (every file to a temporary name first, renamed only when all were
//! written) or compared with what is on disk (`--check`).

use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::Options;
use super::plugin::CodeGeneratorResponse;

/// One file to write.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: PathBuf,
    /// Relative to the working directory when under it.
    pub display: String,
    pub content: Vec<u8>,
    /// The plugin that wrote it (the first one, for files with insertions).
    pub plugin: String,
}

/// Where a plugin's `out` is: under `-o` when given, else relative to the
/// working directory. A relative `out` leaving the workspace (`../elsewhere`) is
/// refused; an absolute one is taken as asked for.
pub fn resolve_out(out: &str, options: &Options, base_dir: &Path) -> Result<PathBuf, String> {
    let out_path = Path::new(out);
    if out_path.is_absolute() {
        return Ok(lexical(out_path));
    }
    if let Some(base) = &options.out_base {
        let base = lexical(&options.cwd.join(base));
        let dir = lexical(&base.join(out_path));
        if !dir.starts_with(&base) {
            return Err(format!("out `{out}` leaves the -o directory {}", base.display()));
        }
        return Ok(dir);
    }
    let dir = lexical(&options.cwd.join(out_path));
    let base_dir = lexical(base_dir);
    let cwd = lexical(&options.cwd);
    if dir.starts_with(&cwd) || dir.starts_with(&base_dir) {
        Ok(dir)
    } else {
        Err(format!(
            "out `{out}` is outside the workspace ({}); use an absolute path or -o DIR to write there on purpose",
            cwd.display()
        ))
    }
}

/// `.` and `..` resolved without touching the disk.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The files of all responses so far.
#[derive(Default)]
pub struct Assembly {
    files: Vec<OutputFile>,
    by_path: HashMap<PathBuf, usize>,
}

impl Assembly {
    /// Adds one response of `plugin`, writing under `out`.
    pub fn add(&mut self, out: &Path, plugin: &str, response: CodeGeneratorResponse) -> Result<(), String> {
        let mut last: Option<usize> = None;
        for file in response.file {
            let name = String::from_utf8_lossy(file.name.as_deref().unwrap_or_default()).into_owned();
            let content = file.content.unwrap_or_default();
            let insertion = file.insertion_point.map(|p| String::from_utf8_lossy(&p).into_owned()).unwrap_or_default();
            if name.is_empty() {
                // protoc: a nameless file continues the previous one.
                let Some(at) = last else {
                    return Err(format!("plugin `{plugin}` sent file content without a name"));
                };
                self.files[at].content.extend_from_slice(&content);
                continue;
            }
            check_name(&name).map_err(|why| format!("plugin `{plugin}` wrote an invalid file name {name:?}: {why}"))?;
            let path = out.join(&name);
            if !insertion.is_empty() {
                let at = match self.by_path.get(&path) {
                    Some(&at) => at,
                    None => {
                        // An insertion into a file already on disk (from an earlier run
                        // of another tool), as protoc and buf allow.
                        let existing = read_existing(&path).map_err(|_| {
                            format!(
                                "plugin `{plugin}` inserts into {name} at `{insertion}`, but no plugin wrote {name}"
                            )
                        })?;
                        self.push(OutputFile {
                            path: path.clone(),
                            display: String::new(),
                            content: existing,
                            plugin: plugin.into(),
                        })
                    }
                };
                let target = &mut self.files[at].content;
                insert(target, &insertion, &content)
                    .map_err(|why| format!("plugin `{plugin}`: insertion point `{insertion}` in {name}: {why}"))?;
                last = Some(at);
                continue;
            }
            if let Some(&at) = self.by_path.get(&path) {
                let other = &self.files[at].plugin;
                return Err(if other == plugin {
                    format!("plugin `{plugin}` wrote {} twice", path.display())
                } else {
                    format!("plugins `{other}` and `{plugin}` both write {}", path.display())
                });
            }
            last = Some(self.push(OutputFile { path, display: String::new(), content, plugin: plugin.into() }));
        }
        Ok(())
    }

    fn push(&mut self, file: OutputFile) -> usize {
        self.by_path.insert(file.path.clone(), self.files.len());
        self.files.push(file);
        self.files.len() - 1
    }

    /// The files, sorted by path, with their display paths.
    pub fn finish(mut self, cwd: &Path) -> Vec<OutputFile> {
        for file in &mut self.files {
            file.display = display(&file.path, cwd);
        }
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        self.files
    }
}

pub fn display(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

fn check_name(name: &str) -> Result<(), &'static str> {
    let path = Path::new(name);
    if path.is_absolute() {
        return Err("absolute");
    }
    if path.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err("it contains `..`");
    }
    Ok(())
}

/// protoc's insertion: before the line holding `@@protoc_insertion_point(NAME)`
/// (or at a `/* @@protoc_insertion_point(NAME) */` comment inline), each
/// inserted line indented as that line is.
fn insert(target: &mut Vec<u8>, point: &str, data: &[u8]) -> Result<(), &'static str> {
    let magic = format!("@@protoc_insertion_point({point})");
    let found = target.windows(magic.len()).position(|w| w == magic.as_bytes()).ok_or("not found")?;
    let pos = if found >= 3 && &target[found - 3..found - 1] == b"/*" {
        found - 3
    } else {
        target[..found].iter().rposition(|&b| b == b'\n').map_or(0, |nl| nl + 1)
    };
    let indent_len = target[pos..].iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    let indent = target[pos..pos + indent_len].to_vec();
    let mut data = data.to_vec();
    if !data.is_empty() && !data.ends_with(b"\n") {
        data.push(b'\n');
    }
    let mut block = Vec::with_capacity(data.len() + indent.len() * 8);
    for line in data.split_inclusive(|&b| b == b'\n') {
        block.extend_from_slice(&indent);
        block.extend_from_slice(line);
    }
    target.splice(pos..pos, block);
    Ok(())
}

/// Writes every file: `clean_dirs` emptied first, then each file to a temporary
/// sibling, then all renamed into place. On an error, temporaries are removed and
/// the files already renamed are named in the error.
pub fn write(files: &[OutputFile], clean_dirs: &[PathBuf], cwd: &Path) -> Result<(), String> {
    for dir in clean_dirs {
        if lexical(dir) == lexical(cwd) {
            return Err(format!(
                "clean: true would delete {} (the working directory) before writing; give the plugin its own out",
                dir.display()
            ));
        }
    }
    for dir in clean_dirs {
        match std::fs::remove_dir_all(dir) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(format!("clean: cannot remove {}: {error}", dir.display())),
        }
    }
    let pid = std::process::id();
    let mut temporaries: Vec<PathBuf> = Vec::with_capacity(files.len());
    let staged = files.iter().try_for_each(|file| {
        let dir = file.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let name = file.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temporary = dir.join(format!(".{name}.idl-{pid}.tmp"));
        std::fs::write(&temporary, &file.content).map_err(|e| format!("cannot write {}: {e}", temporary.display()))?;
        temporaries.push(temporary);
        Ok::<(), String>(())
    });
    if let Err(error) = staged {
        for temporary in &temporaries {
            let _ = std::fs::remove_file(temporary);
        }
        return Err(error);
    }
    for (file, temporary) in files.iter().zip(&temporaries) {
        if let Err(error) = std::fs::rename(temporary, &file.path) {
            for t in &temporaries {
                let _ = std::fs::remove_file(t);
            }
            return Err(format!("cannot move {} into place: {error}", file.path.display()));
        }
    }
    Ok(())
}

/// A difference between what generate would write and what is on disk.
#[derive(Debug)]
pub struct Stale {
    pub display: String,
    pub message: String,
    /// A unified diff from the file on disk to the generated one (empty for binary files).
    pub diff: String,
}

/// Compares every file with the disk; under `clean: true`, files in the out
/// directories that generate would not write are stale too.
pub fn check(files: &[OutputFile], clean_dirs: &[PathBuf], cwd: &Path) -> Vec<Stale> {
    let mut stale = Vec::new();
    for file in files {
        match read_existing(&file.path) {
            Ok(existing) if existing == file.content => {}
            Ok(existing) => stale.push(Stale {
                display: file.display.clone(),
                message: format!("{} is out of date: `idl generate` would change it", file.display),
                diff: diff(&existing, &file.content, &file.display),
            }),
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => stale.push(Stale {
                display: file.display.clone(),
                message: format!("cannot read {}: {error}; `idl generate` would write it", file.display),
                diff: diff(b"", &file.content, &file.display),
            }),
            Err(_) => stale.push(Stale {
                display: file.display.clone(),
                message: format!("{} is missing: `idl generate` would write it", file.display),
                diff: diff(b"", &file.content, &file.display),
            }),
        }
    }
    let planned: std::collections::HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    for dir in clean_dirs {
        let mut pending = vec![dir.clone()];
        let mut extra = Vec::new();
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if !planned.contains(path.as_path()) {
                    extra.push(path);
                }
            }
        }
        extra.sort();
        for path in extra {
            let shown = display(&path, cwd);
            stale.push(Stale {
                message: format!("{shown} is not generated any more: `idl generate` (clean: true) would remove it"),
                display: shown,
                diff: String::new(),
            });
        }
    }
    stale
}

fn diff(old: &[u8], new: &[u8], name: &str) -> String {
    let (Ok(old), Ok(new)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else { return String::new() };
    let text = similar::TextDiff::from_lines(old, new);
    let mut unified = text.unified_diff();
    unified.context_radius(3).header(&format!("a/{name}"), &format!("b/{name}"));
    let mut out = unified.to_string();
    // Long diffs are cut: the first lines say what changed.
    const MAX_LINES: usize = 200;
    let lines = out.lines().count();
    if lines > MAX_LINES {
        out = out.lines().take(MAX_LINES).collect::<Vec<_>>().join("\n");
        out.push_str(&format!("\n... ({} more lines)\n", lines - MAX_LINES));
    }
    out
}

/// Generated files larger than this are not read back (`--check`, insertions).
const MAX_GENERATED_BYTES: u64 = 1 << 30;

/// A file already in an out directory, through the checked reader: a FIFO or a
/// link to `/dev/zero` there must not block or fill memory.
fn read_existing(path: &Path) -> std::io::Result<Vec<u8>> {
    crate::checked_read::read_regular_file(path, MAX_GENERATED_BYTES, "generated files")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_as_protoc_does() {
        let mut target = b"class A {\n  // @@protoc_insertion_point(members)\n}\n".to_vec();
        insert(&mut target, "members", b"int x;\nint y;").unwrap();
        assert_eq!(
            String::from_utf8(target).unwrap(),
            "class A {\n  int x;\n  int y;\n  // @@protoc_insertion_point(members)\n}\n"
        );
        let mut inline = b"a /* @@protoc_insertion_point(here) */ b\n".to_vec();
        insert(&mut inline, "here", b"X\n").unwrap();
        assert_eq!(String::from_utf8(inline).unwrap(), "a X\n/* @@protoc_insertion_point(here) */ b\n");
        assert!(insert(&mut b"nothing".to_vec(), "members", b"x").is_err());
    }

    #[test]
    fn two_plugins_writing_one_file_is_an_error() {
        let file = |name: &str| super::super::plugin::ResponseFile {
            name: Some(name.as_bytes().to_vec()),
            insertion_point: None,
            content: Some(b"x".to_vec()),
        };
        let response = |name: &str| CodeGeneratorResponse { file: vec![file(name)], ..Default::default() };
        let mut assembly = Assembly::default();
        assembly.add(Path::new("/o"), "a", response("x.go")).unwrap();
        let error = assembly.add(Path::new("/o"), "b", response("x.go")).unwrap_err();
        assert!(error.contains("`a` and `b` both write"), "{error}");
        let error = assembly.add(Path::new("/o"), "c", response("../x.go")).unwrap_err();
        assert!(error.contains("invalid file name"), "{error}");
    }
}
