//! Workspace discovery: which config applies, which directories are roots, and
//! which `.proto` files a command checks.
//!
//! Import names follow protoc: a file's name is its path relative to the *first*
//! root (in config order) that contains it, even when a later root is nested more
//! deeply. When two roots provide the same name, the first root's file wins (as in
//! import resolution) and the other is dropped with a warning.
//!
//! Paths are compared lexically (`.` and `..` resolved, symlinks not), as protoc
//! does, so a PATH argument spelled through a symlink is outside the roots.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use globset::GlobSet;
use ignore::WalkBuilder;

use crate::config::{CONFIG_FILE_NAME, CONFIG_RULE, Config, read_config};
use crate::diagnostic::{Diagnostic, Severity};
use crate::migrate;
use crate::source::SourceFile;

pub mod listing;

/// Rule name of findings about PATH arguments and the file system.
const IO_RULE: &str = "IO";

/// Directories never walked: dependency trees, build output and Bazel's convenience
/// symlinks hold copies of protos that would shadow or duplicate the real ones.
const SKIPPED_DIRS: [&str; 3] = ["node_modules", "target", ".git"];
const SKIPPED_DIR_PREFIX: &str = "bazel-";

#[derive(Debug, Clone)]
pub struct Workspace {
    pub config: Config,
    /// The `idl.toml`, when one was used (for a converted `buf.yaml`, the `idl.toml`
    /// text it was converted to).
    pub config_file: Option<SourceFile>,
    /// The other tool's config used in place of an `idl.toml` (display path).
    pub converted_from: Option<String>,
    /// The config's directory, or the working directory without a config.
    pub base_dir: PathBuf,
    /// Absolute; import resolution searches the roots, then the import paths.
    pub roots: Vec<PathBuf>,
    pub import_paths: Vec<PathBuf>,
    /// The files to check, sorted by name, no two with the same name.
    pub targets: Vec<WorkspaceFile>,
    /// Warnings found during discovery (shadowed names, symlink loops, missing import
    /// paths); the caller reports them with the other findings.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceFile {
    /// Import name: the path relative to its root, `/`-separated.
    pub name: String,
    /// Where the file is on disk.
    pub path: PathBuf,
    /// Relative to the working directory when under it, else absolute; `/`-separated.
    pub display_path: String,
    /// Index into [`Workspace::roots`].
    pub root: usize,
}

/// A PATH argument after checking it exists.
enum Target {
    Dir(PathBuf),
    File(PathBuf),
}

/// Finds the config, the roots and the files to check.
///
/// The config is `config_arg` if given, else the nearest `idl.toml` in `cwd` or
/// above. With a config, `paths` narrow the workspace: a directory selects every
/// workspace file under it, a file selects itself (files matching `excludes` are
/// dropped, so hooks passing every changed file respect the config; `.gitignore`
/// does not apply to a file named explicitly). Without a config, each directory in
/// `paths` is a root, and a file's root is `cwd` when it lies under it, else its
/// parent; with no `paths`, `cwd` is the only root.
///
/// Errors come back together with the warnings found so far.
pub fn discover(cwd: &Path, config_arg: Option<&Path>, paths: &[PathBuf]) -> Result<Workspace, Vec<Diagnostic>> {
    discover_with(cwd, config_arg, paths, None, false)
}

/// [`discover`] for a cached run: a root's walk is remembered in the cache
/// directory and not walked again while its directories and ignore files are
/// unchanged ([`listing`]).
pub fn discover_remembering(
    cwd: &Path,
    config_arg: Option<&Path>,
    paths: &[PathBuf],
) -> Result<Workspace, Vec<Diagnostic>> {
    discover_with(cwd, config_arg, paths, None, true)
}

/// [`discover`] for an editor buffer: the workspace `path` belongs to, with
/// `path` its only target. The file need not exist on disk (a buffer never
/// saved): its config, roots and import name are what they would be if it did.
pub fn discover_buffer(cwd: &Path, config_arg: Option<&Path>, path: &Path) -> Result<Workspace, Vec<Diagnostic>> {
    let absolute = normalize(&cwd.join(path));
    let unsaved = (!absolute.exists()).then_some(absolute.as_path());
    discover_with(cwd, config_arg, &[path.to_path_buf()], unsaved, false)
}

/// `unsaved` is a `.proto` file of `paths` that is taken to exist.
fn discover_with(
    cwd: &Path,
    config_arg: Option<&Path>,
    paths: &[PathBuf],
    unsaved: Option<&Path>,
    remember_walks: bool,
) -> Result<Workspace, Vec<Diagnostic>> {
    let mut timer = crate::compile::PhaseTimer::from_env();
    let cwd = normalize(
        &std::path::absolute(cwd)
            .map_err(|error| vec![Diagnostic::error(IO_RULE, format!("invalid working directory: {error}"))])?,
    );
    let config_path = match config_arg {
        Some(arg) => {
            let path = normalize(&cwd.join(arg));
            if !path.is_file() {
                let message = format!("config file {} does not exist", display_path(&cwd, &path));
                return Err(vec![Diagnostic::error(CONFIG_RULE, message)]);
            }
            Some(path)
        }
        // The config nearest to what is checked wins, as with ruff or
        // .editorconfig: `idl lint other/project` uses other/project/idl.toml.
        None => paths
            .first()
            .map(|p| normalize(&cwd.join(p)))
            .into_iter()
            .chain([cwd.clone()])
            .find_map(|start| start.ancestors().map(|dir| dir.join(CONFIG_FILE_NAME)).find(|path| path.is_file())),
    };
    // No idl.toml: a buf.work.yaml or buf.yaml in the same places, converted.
    let config_path = config_path.or_else(|| {
        let starts: Vec<PathBuf> =
            paths.first().map(|p| normalize(&cwd.join(p))).into_iter().chain([cwd.clone()]).collect();
        migrate::find_buf_config(&starts)
    });
    let mut converted_from = None;
    let mut conversion_warnings = Vec::new();
    let (config, config_file, base_dir) = match config_path {
        Some(path) => {
            let shown = display_path(&cwd, &path);
            let file = if path.extension().is_some_and(|extension| extension == "yaml" || extension == "yml") {
                let migrated = migrate::convert(&path, &shown)?;
                // Settings whose loss only matters to the other tool stay silent here;
                // `idl init --from` lists them all.
                conversion_warnings.extend(
                    migrated.dropped.into_iter().filter(|dropped| dropped.changes_results).map(|d| d.diagnostic),
                );
                converted_from = Some(shown.clone());
                SourceFile::new(shown.clone(), format!("{shown} (as idl.toml)"), migrated.toml.into())
            } else {
                read_config(&path, &shown)?
            };
            let base_dir = path.parent().map_or_else(|| cwd.clone(), Path::to_path_buf);
            (Config::parse(&file)?, Some(file), base_dir)
        }
        None => (Config::default(), None, cwd.clone()),
    };

    // Bad PATHS are reported along with what the others find; bad roots end discovery.
    let mut path_errors = Vec::new();
    let targets = check_paths(&cwd, paths, unsaved, &mut path_errors);
    let mut config_errors = Vec::new();
    let mut warnings = conversion_warnings;
    let (roots, import_paths) = match &config_file {
        Some(file) => configured_dirs(&config, file, &base_dir, &mut config_errors, &mut warnings),
        None => (implicit_roots(&cwd, &targets), Vec::new()),
    };
    let excludes = config.exclude_matcher(config_file.as_ref()).unwrap_or_else(|glob_errors| {
        config_errors.extend(glob_errors);
        GlobSet::empty()
    });
    if !config_errors.is_empty() {
        config_errors.extend(warnings);
        return Err(config_errors);
    }

    timer.phase("discovery: config");
    let memo = remember_walks
        .then(|| crate::cache::CacheDir::for_config(&config, &base_dir))
        .flatten()
        .map(|cache| (cache, config_file.as_ref().map(|file| &*file.text)));
    let mut walker = Walker {
        cwd: &cwd,
        base_dir: &base_dir,
        roots: &roots,
        import_paths: &import_paths,
        excludes,
        memo,
        files: BTreeMap::new(),
        errors: path_errors,
        warnings,
    };
    if paths.is_empty() {
        for root in &roots {
            walker.walk(root);
        }
    }
    for target in &targets {
        match target {
            Target::File(path) => walker.select_file(path),
            Target::Dir(dir) => walker.select_dir(dir),
        }
    }
    let Walker { files, mut errors, warnings, .. } = walker;
    timer.phase("discovery: files");
    if !errors.is_empty() {
        errors.extend(warnings);
        return Err(errors);
    }
    Ok(Workspace {
        config,
        config_file,
        converted_from,
        base_dir,
        roots,
        import_paths,
        targets: files.into_values().collect(),
        warnings,
    })
}

impl Workspace {
    /// Where an import resolves: `dir/name` for the first root, then import path, that
    /// has it. Names that are not clean relative paths (`..`, `.`, empty segments,
    /// absolute, backslashes) resolve nowhere, as in protoc.
    pub fn resolve_import(&self, name: &str) -> Option<PathBuf> {
        self.import_candidates(name).find(|path| path.is_file())
    }

    /// Where an import may be, in the order [`Workspace::resolve_import`] tries
    /// them (an editor's unsaved buffer can stand in for any of them).
    pub fn import_candidates<'a>(&'a self, name: &'a str) -> impl Iterator<Item = PathBuf> + 'a {
        let clean = !name.is_empty()
            && !name.contains('\\')
            && name.split('/').all(|segment| !matches!(segment, "" | "." | ".."));
        let dirs = if clean { &self.roots[..] } else { &[] };
        let import_paths = if clean { &self.import_paths[..] } else { &[] };
        dirs.iter().chain(import_paths).map(move |dir| dir.join(name))
    }
}

/// Checks that every PATH exists (or is the `unsaved` buffer) and is a directory
/// or a `.proto` file.
fn check_paths(cwd: &Path, paths: &[PathBuf], unsaved: Option<&Path>, errors: &mut Vec<Diagnostic>) -> Vec<Target> {
    let mut targets = Vec::new();
    for arg in paths {
        let path = normalize(&cwd.join(arg));
        let shown = display_path(cwd, &path);
        if Some(path.as_path()) == unsaved && is_proto(&path) {
            targets.push(Target::File(path));
            continue;
        }
        match std::fs::metadata(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                errors.push(Diagnostic::error(IO_RULE, format!("{shown} does not exist")));
            }
            Err(error) => errors.push(Diagnostic::error(IO_RULE, format!("cannot access {shown}: {error}"))),
            Ok(metadata) if metadata.is_dir() => targets.push(Target::Dir(path)),
            Ok(_) if is_proto(&path) => targets.push(Target::File(path)),
            Ok(_) => errors.push(Diagnostic::error(IO_RULE, format!("{shown} is not a .proto file"))),
        }
    }
    targets
}

/// Roots and import paths from the config; a missing root is an error, a missing
/// import path only a warning (third-party trees are often fetched by a later step).
fn configured_dirs(
    config: &Config,
    file: &SourceFile,
    base_dir: &Path,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut resolve = |entries: &[toml::Spanned<String>], kind: &str, severity: Severity| {
        let mut dirs = Vec::new();
        for entry in entries {
            let dir = normalize(&base_dir.join(entry.get_ref()));
            if dir.is_dir() {
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
                continue;
            }
            let problem = if dir.exists() { "is not a directory" } else { "does not exist" };
            let message = format!("{kind} `{}` {problem} ({})", entry.get_ref(), dir.display());
            let span = entry.span();
            let diagnostic = Diagnostic::new(CONFIG_RULE, severity, message).with_span(file, span.start, span.end);
            match severity {
                Severity::Error => errors.push(diagnostic),
                _ => warnings.push(diagnostic),
            }
        }
        dirs
    };
    let roots = resolve(&config.roots, "root", Severity::Error);
    let import_paths = resolve(&config.import_paths, "import path", Severity::Warn);
    // Roots outside the workspace (`../shared`, `/etc`) are read, never rewritten
    // without an opt-in (see `in_place`); say so rather than walk them silently.
    let workspace = std::fs::canonicalize(base_dir).unwrap_or_else(|_| base_dir.to_path_buf());
    for entry in &config.roots {
        let dir = normalize(&base_dir.join(entry.get_ref()));
        let Ok(real) = std::fs::canonicalize(&dir) else { continue };
        if !real.starts_with(&workspace) {
            let message = format!(
                "root `{}` is outside the workspace ({}): idl reads it, but `format -w` and `lint --fix` \
                 rewrite its files only with --write-outside-workspace",
                entry.get_ref(),
                real.display()
            );
            let span = entry.span();
            warnings.push(Diagnostic::new(CONFIG_RULE, Severity::Warn, message).with_span(file, span.start, span.end));
        }
    }
    (roots, import_paths)
}

/// Roots without a config: see [`discover`].
fn implicit_roots(cwd: &Path, targets: &[Target]) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    for target in targets {
        let root = match target {
            Target::Dir(dir) => dir.clone(),
            Target::File(path) if path.starts_with(cwd) => cwd.to_path_buf(),
            Target::File(path) => path.parent().map_or_else(|| cwd.to_path_buf(), Path::to_path_buf),
        };
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    if roots.is_empty() {
        roots.push(cwd.to_path_buf());
    }
    roots
}

/// Collects workspace files by import name.
struct Walker<'a> {
    cwd: &'a Path,
    base_dir: &'a Path,
    roots: &'a [PathBuf],
    import_paths: &'a [PathBuf],
    excludes: GlobSet,
    /// Where walks are remembered (a cached run), with the config's text.
    memo: Option<(crate::cache::CacheDir, Option<&'a str>)>,
    files: BTreeMap<String, WorkspaceFile>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Walker<'_> {
    /// A directory PATH: every workspace file under it. It must lie inside a root or
    /// contain roots (`idl lint .` in a repository whose roots are `proto` and `api`).
    fn select_dir(&mut self, dir: &Path) {
        let files_before = self.files.len();
        let findings_before = self.errors.len() + self.warnings.len();
        if self.is_excluded(dir) {
            return;
        }
        if self.roots.iter().any(|root| dir.starts_with(root)) {
            self.walk(dir);
        } else {
            let nested: Vec<&PathBuf> = self.roots.iter().filter(|root| root.starts_with(dir)).collect();
            if nested.is_empty() {
                self.outside_roots(dir);
                return;
            }
            nested.into_iter().for_each(|root| self.walk(root));
        }
        // Files selected by an earlier PATH count; so do files reported (shadowed, unreadable).
        let found = self.files.len() > files_before
            || self.files.values().any(|file| file.path.starts_with(dir))
            || self.errors.len() + self.warnings.len() > findings_before;
        if !found {
            let message = format!("no .proto files under {}", display_path(self.cwd, dir));
            self.errors.push(Diagnostic::error(IO_RULE, message));
        }
    }

    /// A file PATH: selected unless it (or a directory above it) matches `excludes`.
    fn select_file(&mut self, path: &Path) {
        if !self.roots.iter().any(|root| path.starts_with(root)) {
            self.outside_roots(path);
        } else if !self.is_excluded(path) {
            self.add(path);
        }
    }

    fn outside_roots(&mut self, path: &Path) {
        let shown = display_path(self.cwd, path);
        let roots: Vec<String> = self.roots.iter().map(|root| display_path(self.cwd, root)).collect();
        let roots = roots.join(", ");
        let message = match self.import_paths.iter().find(|dir| path.starts_with(dir)) {
            Some(dir) => format!(
                "{shown} is under import path {}, which is searched for imports but never checked (roots: {roots})",
                display_path(self.cwd, dir)
            ),
            None => format!("{shown} is outside every root (roots: {roots})"),
        };
        self.errors.push(Diagnostic::error(IO_RULE, message));
    }

    /// Walks `dir` (unless excluded) honouring `.gitignore`/`.ignore` (also outside git), skipping hidden
    /// entries, [`SKIPPED_DIRS`] and `excludes`. Symlinks are followed; a loop is
    /// reported as a warning and not entered.
    fn walk(&mut self, dir: &Path) {
        if self.is_excluded(dir) {
            return;
        }
        let memo = self
            .memo
            .as_ref()
            .map(|(cache, config_text)| listing::ListingMemo::new(cache.clone(), dir, self.base_dir, *config_text));
        let timings = std::env::var_os("IDL_TIMINGS").is_some();
        if let Some(memo) = &memo {
            match memo.recall() {
                Ok(paths) => {
                    self.add_all(paths);
                    return;
                }
                Err(reason) if timings => eprintln!("idl: walk of {}: not remembered: {reason}", dir.display()),
                Err(_) => {}
            }
        }
        let started_ns = crate::cache::now_ns();
        let base_dir = self.base_dir.to_path_buf();
        let excludes = self.excludes.clone();
        let walk = WalkBuilder::new(dir)
            .hidden(true)
            .require_git(false)
            .follow_links(true)
            .filter_entry(move |entry| {
                let skipped_dir = entry.file_type().is_some_and(|kind| kind.is_dir()) && {
                    let name = entry.file_name().to_string_lossy();
                    SKIPPED_DIRS.contains(&name.as_ref()) || name.starts_with(SKIPPED_DIR_PREFIX)
                };
                entry.depth() == 0 || !(skipped_dir || excludes.is_match(glob_path(&base_dir, entry.path())))
            })
            .build_parallel();
        // Walked on every core (googleapis' 1,063 directories: 20 ms on two
        // cores, 25 ms on one, a fifth of a warm lint), then taken in sorted
        // order, so the outcome does not depend on which thread saw what first.
        let found: std::sync::Mutex<Found> = Default::default();
        walk.run(|| {
            let found = &found;
            Box::new(move |entry| {
                let mut found = found.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                match entry {
                    Ok(entry) => {
                        found.symlinked |= entry.path_is_symlink();
                        let kind = entry.file_type();
                        if kind.is_some_and(|kind| kind.is_file()) && is_proto(entry.path()) {
                            found.files.push(entry.into_path());
                        } else if kind.is_some_and(|kind| kind.is_dir()) {
                            found.dirs.push(entry.into_path());
                        }
                    }
                    Err(error) => found.errors.push(error),
                }
                ignore::WalkState::Continue
            })
        });
        let Found { files: mut paths, dirs, mut errors, symlinked } =
            found.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        paths.sort();
        errors.sort_by_cached_key(ToString::to_string);
        if let Some(memo) = memo.filter(|_| errors.is_empty() && !symlinked) {
            let walked = listing::Walked { dirs, files: paths, started_ns };
            if let Err(reason) = memo.record(&walked)
                && timings
            {
                eprintln!("idl: walk of {}: not remembered: {reason}", dir.display());
            }
            paths = walked.files;
        }
        self.add_all(paths);
        for error in errors {
            self.walk_error(error);
        }
    }

    fn walk_error(&mut self, error: ignore::Error) {
        let mut inner = &error;
        while let ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } = inner {
            inner = err;
        }
        match inner {
            ignore::Error::Loop { ancestor, child } => self.warnings.push(
                Diagnostic::new(
                    IO_RULE,
                    Severity::Warn,
                    format!(
                        "symlink loop: {} leads back to {}; not followed",
                        display_path(self.cwd, child),
                        display_path(self.cwd, ancestor)
                    ),
                )
                .with_path(display_path(self.cwd, child)),
            ),
            // A malformed ignore file (the walk goes on with the rules that parsed) or a
            // dangling symlink: worth knowing, but nothing to check is lost.
            ignore::Error::Partial(_) | ignore::Error::Glob { .. } | ignore::Error::WithLineNumber { .. } => {
                self.warnings.push(Diagnostic::new(IO_RULE, Severity::Warn, error.to_string()));
            }
            ignore::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
                self.warnings.push(Diagnostic::new(IO_RULE, Severity::Warn, error.to_string()));
            }
            _ => self.errors.push(Diagnostic::error(IO_RULE, error.to_string())),
        }
    }

    /// Whether `path` or a directory between it and the config's directory matches
    /// `excludes` (the walk prunes excluded directories, so both must agree).
    fn is_excluded(&self, path: &Path) -> bool {
        path.ancestors()
            .take_while(|ancestor| *ancestor != self.base_dir)
            .any(|ancestor| self.excludes.is_match(glob_path(self.base_dir, ancestor)))
    }

    /// Adds a file under its name in the first root containing it, unless an earlier
    /// root provides the same name.
    fn add(&mut self, path: &Path) {
        if let Some(located) = located(self.cwd, self.roots, path.to_path_buf()) {
            self.add_located(located);
        }
    }

    /// [`Walker::add`] for a walk's files: where each is, worked out on every
    /// core (7,218 of googleapis), then added in order.
    fn add_all(&mut self, paths: Vec<PathBuf>) {
        use rayon::prelude::*;
        let (cwd, roots) = (self.cwd, self.roots);
        let located: Vec<Located> = paths.into_par_iter().filter_map(|path| located(cwd, roots, path)).collect();
        for one in located {
            self.add_located(one);
        }
    }

    fn add_located(&mut self, Located { path, root, shown, name }: Located) {
        let Some(name) = name else {
            let message = format!("{shown} is not valid UTF-8, so it has no import name");
            self.errors.push(Diagnostic::error(IO_RULE, message).with_path(shown));
            return;
        };
        if let Some(first) = self.roots[..root].iter().map(|dir| dir.join(&name)).find(|other| other.is_file()) {
            let message = format!(
                "`{name}` is provided by both {} and {shown}; the first root's file is used",
                display_path(self.cwd, &first)
            );
            self.warnings.push(Diagnostic::new(CONFIG_RULE, Severity::Warn, message).with_path(shown));
            return;
        }
        self.files.entry(name.clone()).or_insert_with(|| WorkspaceFile { name, path, display_path: shown, root });
    }
}

/// A file found, with its root, display path and import name (`None`: not UTF-8).
struct Located {
    path: PathBuf,
    root: usize,
    shown: String,
    name: Option<String>,
}

/// Where `path` is: `None` outside every root.
fn located(cwd: &Path, roots: &[PathBuf], path: PathBuf) -> Option<Located> {
    let (root, root_dir) = roots.iter().enumerate().find(|(_, root)| path.starts_with(root))?;
    let shown = display_path(cwd, &path);
    let name = import_name(path.strip_prefix(root_dir).unwrap_or(&path));
    Some(Located { path, root, shown, name })
}

/// What a walk's threads collect.
#[derive(Default)]
struct Found {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
    errors: Vec<ignore::Error>,
    /// Whether the walk met a symlink (then it is not remembered).
    symlinked: bool,
}

fn is_proto(path: &Path) -> bool {
    path.extension().is_some_and(|extension| extension == "proto")
}

/// `relative` as a `/`-separated import name, if it is valid UTF-8.
fn import_name(relative: &Path) -> Option<String> {
    // Already `/`-separated and clean (a walked path): itself, without
    // splitting it into components and joining them again.
    if std::path::MAIN_SEPARATOR == '/'
        && let Some(text) = relative.to_str()
        && !text.is_empty()
        && !text.starts_with('/')
        && !text.ends_with('/')
        && !text.contains("//")
        && !text.split('/').any(|segment| segment == ".")
    {
        return Some(text.to_string());
    }
    let segments: Option<Vec<&str>> = relative.components().map(|component| component.as_os_str().to_str()).collect();
    Some(segments?.join("/"))
}

/// What `excludes` globs are matched against: the path relative to the config's
/// directory, or the absolute path for files outside it.
fn glob_path(base_dir: &Path, path: &Path) -> String {
    slashed(path.strip_prefix(base_dir).unwrap_or(path))
}

/// `path` relative to `cwd` when under it (`.` for `cwd` itself), else absolute.
fn display_path(cwd: &Path, path: &Path) -> String {
    match path.strip_prefix(cwd) {
        Ok(relative) if relative.as_os_str().is_empty() => ".".to_string(),
        Ok(relative) => slashed(relative),
        Err(_) => slashed(path),
    }
}

fn slashed(path: &Path) -> String {
    let lossy = path.to_string_lossy();
    // One copy, not two, where the separator is already `/` (7,218 paths of a
    // warm googleapis run).
    if std::path::MAIN_SEPARATOR == '/' { lossy.into_owned() } else { lossy.replace(std::path::MAIN_SEPARATOR, "/") }
}

/// Resolves `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normalized.pop();
            }
            other => normalized.push(other),
        }
    }
    normalized
}

#[cfg(test)]
mod tests;
