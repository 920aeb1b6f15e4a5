//! What the language server knows about one document: its workspace (the config
//! the CLI would use for it), its compile and lint findings with every open
//! buffer in place of the file on disk, and its formatting.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::compile::{LoadCache, OverlayFiles, compile_with_cache};
use crate::diagnostic::Diagnostic;
use crate::format::FormatOptions;
use crate::source::SourceFile;
use crate::workspace;

use super::index::{FileIndex, Index};

/// Absolute path → text of every open document.
pub type Buffers = HashMap<PathBuf, Arc<str>>;

/// The findings of one document.
#[derive(Debug)]
pub struct Analysis {
    /// The text that was analysed, with the path findings name.
    pub source: SourceFile,
    /// Findings located in the document itself.
    pub own: Vec<Diagnostic>,
    /// Findings elsewhere that concern it: in an import that does not compile, in
    /// idl.toml, or without a file (workspace discovery). Shown on the document so
    /// the user sees why it is not checked, each at the byte range of the import
    /// that leads to its file when there is one.
    pub elsewhere: Vec<(Diagnostic, Option<Range<usize>>)>,
    /// Import names of every file the compile read (the document's own first):
    /// a change to any of them can change these findings.
    pub files: Vec<String>,
    /// What the index still needs from this compile (taken by the server once
    /// the diagnostics are out, so they wait for no indexing).
    pub to_index: Option<ToIndex>,
}

/// A compile and the files of it whose index entries are missing or stale: the
/// document's own, and imports the index has from other text.
pub struct ToIndex {
    pub compilation: crate::compile::Compilation,
    pub workspace: workspace::Workspace,
    pub names: Vec<String>,
}

impl ToIndex {
    pub fn build(&self) -> Vec<FileIndex> {
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        index_compilation(&self.compilation, &self.workspace, &names)
    }
}

impl std::fmt::Debug for ToIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToIndex").field("names", &self.names).finish_non_exhaustive()
    }
}

/// Where a document's workspace is discovered from: the deepest client workspace
/// folder containing it (as if `idl` ran there), else the file's directory.
pub fn working_dir(folders: &[PathBuf], path: &Path) -> PathBuf {
    folders
        .iter()
        .filter(|folder| path.starts_with(folder))
        .max_by_key(|folder| folder.components().count())
        .cloned()
        .or_else(|| path.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// Compiles and lints the document at `path` (whose text is `buffers[path]`) as
/// `idl lint PATH` would from `cwd`, with `config` the `--config` given to the server.
/// With an `index`, the compile's files that it lacks (or has from other text)
/// are indexed too. Imports whose text is unchanged since an earlier analysis
/// come parsed from `cache`: a change re-parses the edited document only.
pub fn analyse(
    cwd: &Path,
    config: Option<&Path>,
    path: &Path,
    buffers: &Buffers,
    index: Option<&Index>,
    cache: &LoadCache,
) -> Analysis {
    let text = buffers.get(path).cloned().unwrap_or_else(|| Arc::from(""));
    let workspace = match workspace::discover_buffer(cwd, config, path) {
        Ok(workspace) => workspace,
        Err(diags) => {
            let shown = path.to_string_lossy().into_owned();
            let elsewhere = diags.into_iter().map(|diag| (diag, None)).collect();
            let source = SourceFile::new(shown.clone(), shown, text);
            return Analysis { source, own: Vec::new(), elsewhere, files: Vec::new(), to_index: None };
        }
    };
    let Some(target) = workspace.targets.first() else {
        // Excluded by the config: the CLI does not check it either.
        let shown = path.to_string_lossy().into_owned();
        let source = SourceFile::new(shown.clone(), shown, text);
        return Analysis { source, own: Vec::new(), elsewhere: Vec::new(), files: Vec::new(), to_index: None };
    };
    let compilation = compile_with_cache(&OverlayFiles::new(&workspace, buffers), Some(cache));
    let relative = target
        .path
        .strip_prefix(&workspace.base_dir)
        .map(|relative| relative.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/"))
        .unwrap_or_else(|_| target.display_path.clone());
    let relative_paths = HashMap::from([(target.name.clone(), relative)]);
    let findings = crate::lint::lint_with_paths(
        &compilation,
        &workspace.config.lint,
        workspace.config_file.as_ref(),
        &relative_paths,
    );
    let source = compilation
        .file(&target.name)
        .map(|file| file.source.clone())
        .unwrap_or_else(|| SourceFile::new(target.name.clone(), target.display_path.clone(), text));
    let (mut own, mut elsewhere): (Vec<Diagnostic>, Vec<Diagnostic>) = workspace
        .warnings
        .iter()
        .cloned()
        .chain(compilation.diagnostics.iter().cloned())
        .chain(findings)
        // A finding about the whole file (no span) is the document's own too.
        .partition(|diag| diag.path == target.display_path);
    crate::diagnostic::sort_and_dedup(&mut own);
    crate::diagnostic::sort_and_dedup(&mut elsewhere);
    let elsewhere = elsewhere
        .into_iter()
        .map(|diag| {
            let import_name =
                compilation.files.iter().find(|f| f.source.display_path == diag.path).map(|f| &f.source.name);
            let anchor = import_name.and_then(|name| import_statement(&source.text, name));
            (diag, anchor)
        })
        .collect();
    let files = std::iter::once(target.name.clone())
        .chain(
            compilation
                .files
                .iter()
                .filter(|f| !f.is_builtin && f.source.name != target.name)
                .map(|f| f.source.name.clone()),
        )
        .collect();
    let to_index = index.map(|index| {
        let names = compilation
            .files
            .iter()
            .filter(|f| f.source.name == target.name || !index.has_text(&f.source.name, &f.source.text))
            .map(|f| f.source.name.clone())
            .collect();
        ToIndex { compilation, workspace: workspace.clone(), names }
    });
    Analysis { source, own, elsewhere, files, to_index }
}

/// Index entries for the files `names` of a compilation of `workspace`.
pub fn index_compilation(
    compilation: &crate::compile::Compilation,
    workspace: &workspace::Workspace,
    names: &[&str],
) -> Vec<FileIndex> {
    let (errors, _) = crate::errors::ErrorsConfig::parse(&workspace.config.errors, workspace.config_file.as_ref());
    let builtin: std::collections::HashMap<&str, &str> =
        compilation.files.iter().filter(|f| f.is_builtin).map(|f| (f.source.name.as_str(), &*f.source.text)).collect();
    let resolve = |name: &str| match builtin.get(name) {
        Some(text) => builtin_copy(name, text),
        None => workspace
            .targets
            .iter()
            .find(|target| target.name == name)
            .map(|target| target.path.clone())
            .or_else(|| workspace.resolve_import(name))
            .map(|path| std::path::absolute(&path).unwrap_or(path)),
    };
    super::index::index_files(compilation, names, &resolve, &errors)
}

/// A copy on disk of a well-known type built into idl, so editors can open it
/// (`~/.cache/idl/wkt/VERSION/google/protobuf/…`, written once).
pub fn builtin_copy(name: &str, text: &str) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let path = base.join("idl").join("wkt").join(env!("CARGO_PKG_VERSION")).join(name);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
        std::fs::create_dir_all(path.parent()?).ok()?;
        // Written beside, then renamed: a reader never sees half a file.
        let partial = path.with_extension(format!("proto.{}.tmp", std::process::id()));
        std::fs::write(&partial, text).ok()?;
        std::fs::rename(&partial, &path).ok()?;
    }
    Some(path)
}

/// The byte range of the quoted name in the `import` of `name`, if `text` has one.
fn import_statement(text: &str, name: &str) -> Option<Range<usize>> {
    ['"', '\'']
        .iter()
        .find_map(|quote| text.find(&format!("{quote}{name}{quote}")))
        .map(|start| start..start + name.len() + 2)
}

/// The `[format]` settings of the document's workspace (buf's style when it has
/// none); `None` when the config excludes the file (`idl format` leaves it alone);
/// the `Err` says what is wrong with the settings.
pub fn format_options(cwd: &Path, config: Option<&Path>, path: &Path) -> Result<Option<FormatOptions>, String> {
    let Ok(workspace) = workspace::discover_buffer(cwd, config, path) else {
        // Without a workspace there are no settings; the document's diagnostics say why.
        return Ok(Some(FormatOptions::default()));
    };
    if workspace.targets.is_empty() {
        return Ok(None);
    }
    crate::cli::format_options_from_config(&workspace.config.format).map(Some).map_err(|diag| {
        let at = workspace.config_file.as_ref().map_or_else(String::new, |file| format!("{}: ", file.display_path));
        format!("{at}{}", diag.message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiles(analysis: &Analysis) -> bool {
        !analysis.own.iter().chain(analysis.elsewhere.iter().map(|(d, _)| d)).any(|d| d.rule == crate::compile::COMPILE)
    }

    /// A change to a document parses that document again, not its imports (they
    /// come from the cache while their text is the same).
    #[test]
    fn a_change_reparses_only_the_edited_document() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("idl.toml"), "roots = [\"proto\"]\n").unwrap();
        std::fs::create_dir_all(root.join("proto/shop")).unwrap();
        let money = "syntax = \"proto3\";\npackage shop;\nimport \"google/protobuf/timestamp.proto\";\nmessage Money {\n  int64 units = 1;\n  google.protobuf.Timestamp at = 2;\n}\n";
        std::fs::write(root.join("proto/shop/money.proto"), money).unwrap();
        let order = root.join("proto/shop/order.proto");
        let text = |field: &str| -> Arc<str> {
            format!("syntax = \"proto3\";\npackage shop;\nimport \"shop/money.proto\";\nmessage Order {{\n  Money {field} = 1;\n}}\n").into()
        };
        let cache = LoadCache::default();
        let mut buffers = Buffers::from([(order.clone(), text("total"))]);
        let first = analyse(&root, None, &order, &buffers, None, &cache);
        assert!(compiles(&first), "{:?}", first.own);
        // order.proto, money.proto, timestamp.proto and descriptor.proto (always loaded).
        assert_eq!(cache.parsed(), 4);
        buffers.insert(order.clone(), text("price"));
        let second = analyse(&root, None, &order, &buffers, None, &cache);
        assert!(compiles(&second), "{:?}", second.own);
        assert_eq!(cache.parsed(), 5, "only order.proto is parsed again");
        assert!(second.source.text.contains("Money price = 1;"));
        // An import that changes (an open buffer standing in for it) is parsed again.
        let money_path = root.join("proto/shop/money.proto");
        buffers.insert(money_path, money.replace("units", "nanos").into());
        let third = analyse(&root, None, &order, &buffers, None, &cache);
        assert!(compiles(&third), "{:?}", third.own);
        assert_eq!(cache.parsed(), 7, "order.proto and the changed money.proto");
    }
}
