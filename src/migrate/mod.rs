//! Other tools' configs as an `idl.toml`: `buf.yaml` (v1beta1, v1, v2) and
//! `buf.work.yaml`, `.protolint.yaml` and `prototool.yaml`.
//!
//! Every source is turned into the *text* of an equivalent `idl.toml`, which is
//! then parsed like any other. One route serves both uses: `idl init --from` writes
//! that text, and workspace discovery uses it in memory when a directory has a
//! `buf.yaml` but no `idl.toml`, so the two can never disagree.
//!
//! What cannot be carried over is named, located in the source file, and marked
//! by whether dropping it can change findings (buf's `deps`, a rule idl does not
//! have) or not (a module's `name`); discovery warns only about the former.

mod buf;
mod buf_rules;
mod protolint;
pub mod yaml;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::config::{CONFIG_RULE, read_config};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// File names discovery accepts in place of an `idl.toml`, in the order looked for:
/// a workspace file anywhere above wins over the nearest module file, as in buf.
pub const BUF_WORK_FILE: &str = "buf.work.yaml";
pub const BUF_FILE: &str = "buf.yaml";

/// A config converted to `idl.toml` text.
#[derive(Debug, Clone)]
pub struct Migrated {
    /// The equivalent `idl.toml`, with the settings not carried over as comments.
    pub toml: String,
    /// The files read (for snippets of the messages below).
    pub sources: Vec<SourceFile>,
    /// Settings not carried over, as warnings located in `sources`.
    pub dropped: Vec<Dropped>,
}

#[derive(Debug, Clone)]
pub struct Dropped {
    pub diagnostic: Diagnostic,
    /// Whether idl's findings can differ from the other tool's because of it.
    pub changes_results: bool,
}

/// Which tool's config a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BufWork,
    Buf,
    Protolint,
    Prototool,
}

impl Kind {
    pub fn of(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_str()?;
        if name.starts_with("buf.work.") {
            Some(Kind::BufWork)
        } else if name.contains("protolint") {
            Some(Kind::Protolint)
        } else if name.contains("prototool") {
            Some(Kind::Prototool)
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            Some(Kind::Buf)
        } else {
            None
        }
    }
}

/// Converts the config at `path` (shown as `display_path`); the kind comes from the
/// file name (`buf.work.yaml`, `*protolint*`, `*prototool*`, else a `buf.yaml`).
pub fn convert(path: &Path, display_path: &str) -> Result<Migrated, Vec<Diagnostic>> {
    let Some(kind) = Kind::of(path) else {
        let message = format!(
            "{display_path}: cannot tell which tool's config this is; \
             expected buf.yaml, buf.work.yaml, .protolint.yaml or prototool.yaml"
        );
        return Err(vec![Diagnostic::error(CONFIG_RULE, message)]);
    };
    let file = read_config(path, display_path)?;
    convert_text(kind, file, path.parent().unwrap_or(Path::new(".")))
}

/// Converts a config already read (`file`) of the given kind; `dir` is its
/// directory, where a `buf.work.yaml`'s modules are read from.
pub fn convert_text(kind: Kind, file: SourceFile, dir: &Path) -> Result<Migrated, Vec<Diagnostic>> {
    let display_path = file.display_path.clone();
    let root = yaml::parse(&file)?;
    if !matches!(root.value, yaml::Value::Map(_)) {
        let message = format!("{display_path} is not a YAML mapping");
        return Err(vec![Diagnostic::error(CONFIG_RULE, message).with_span(&file, root.span.start, root.span.end)]);
    }
    let mut reader = Reader::new(file);
    let draft = match kind {
        Kind::BufWork => buf::from_work(&mut reader, &root, dir)?,
        Kind::Buf => buf::from_buf_yaml(&mut reader, &root),
        Kind::Protolint => protolint::from_protolint(&mut reader, &root),
        Kind::Prototool => protolint::from_prototool(&mut reader, &root),
    };
    let origin = reader.files[0].display_path.clone();
    let mut dropped = reader.dropped;
    // File order, the converted file first, as the header lists them.
    dropped.sort_by_key(|item| {
        let diagnostic = &item.diagnostic;
        (diagnostic.path != origin, diagnostic.path.clone(), diagnostic.span.map(|span| span.start_offset))
    });
    Ok(Migrated { toml: draft.render(&origin, &dropped), sources: reader.files, dropped })
}

/// The nearest `buf.work.yaml` above any of `starts`, else the nearest `buf.yaml`.
pub fn find_buf_config(starts: &[PathBuf]) -> Option<PathBuf> {
    [BUF_WORK_FILE, BUF_FILE].into_iter().find_map(|name| {
        starts.iter().find_map(|start| start.ancestors().map(|dir| dir.join(name)).find(|path| path.is_file()))
    })
}

/// The files read and the settings dropped so far.
pub(crate) struct Reader {
    /// The file being converted first; modules' `buf.yaml` files after it.
    pub files: Vec<SourceFile>,
    /// Index into `files` of the file the nodes being looked at come from.
    pub current: usize,
    pub dropped: Vec<Dropped>,
}

impl Reader {
    fn new(file: SourceFile) -> Reader {
        Reader { files: vec![file], current: 0, dropped: Vec::new() }
    }

    /// Names a setting at `span` of the current file that is not carried over.
    pub fn drop(&mut self, span: Range<usize>, message: impl Into<String>, changes_results: bool) {
        let file = &self.files[self.current];
        let diagnostic = Diagnostic::new(CONFIG_RULE, Severity::Warn, message).with_span(file, span.start, span.end);
        self.dropped.push(Dropped { diagnostic, changes_results });
    }

    /// `node` as a list of strings, or dropped (with why) as an empty list.
    pub fn strings(&mut self, key: &str, node: &yaml::Node) -> Vec<(String, Range<usize>)> {
        match node.strings() {
            Ok(items) => items,
            Err(problem) => {
                self.drop(node.span.clone(), format!("`{key}`: {problem}; ignored"), true);
                Vec::new()
            }
        }
    }
}

/// An `idl.toml` being assembled.
#[derive(Debug, Default, Clone)]
pub(crate) struct Draft {
    pub roots: Vec<String>,
    pub import_paths: Vec<String>,
    pub excludes: Vec<String>,
    pub lint: LintDraft,
    pub breaking: BreakingDraft,
}

/// Rule ID → option → value.
pub(crate) type RuleOptions = BTreeMap<String, BTreeMap<String, toml::Value>>;

#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct LintDraft {
    /// Rule IDs and groups; `STANDARD` or `MINIMAL` become the preset.
    pub r#use: Vec<String>,
    pub except: Vec<String>,
    pub ignore: Vec<String>,
    pub ignore_only: BTreeMap<String, Vec<String>>,
    pub rules: RuleOptions,
    /// buf v1/v1beta1 without `allow_comment_ignores: true`, or v2 with
    /// `disallow_comment_ignores: true`.
    pub disallow_comment_ignores: bool,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct BreakingDraft {
    pub r#use: Vec<String>,
    pub except: Vec<String>,
    pub ignore: Vec<String>,
    pub ignore_only: BTreeMap<String, Vec<String>>,
    pub ignore_unstable_packages: bool,
}

impl LintDraft {
    /// The settings that apply to every file (what cannot differ between modules
    /// sharing one `idl.toml`); ignores are per path and merge freely.
    pub fn rule_set(&self) -> (&[String], &[String], &RuleOptions, bool) {
        (&self.r#use, &self.except, &self.rules, self.disallow_comment_ignores)
    }
}

impl Draft {
    /// The `idl.toml` text. `origin` is named in the header; `dropped` settings are
    /// listed as comments so the written file says what it does not do.
    pub fn render(&self, origin: &str, dropped: &[Dropped]) -> String {
        let origin = comment_text(origin);
        let mut out = format!("# Converted from {origin} by idl (`idl init --from {origin}`).\n");
        if !dropped.is_empty() {
            out.push_str("# Not carried over:\n");
            for item in dropped {
                let diagnostic = &item.diagnostic;
                let at = diagnostic.span.map(|span| format!(":{}:{}", span.start.line, span.start.column));
                let line = format!("{}{}: {}", diagnostic.path, at.unwrap_or_default(), diagnostic.message);
                out.push_str(&format!("#   {}\n", comment_text(&line)));
            }
        }
        out.push('\n');
        let roots = if self.roots.is_empty() { vec![".".to_string()] } else { self.roots.clone() };
        push_list(&mut out, "roots", &roots);
        push_list(&mut out, "import_paths", &self.import_paths);
        push_list(&mut out, "excludes", &self.excludes);

        out.push_str("\n[lint]\n");
        let mut uses = self.lint.r#use.clone();
        let preset = ["STANDARD", "MINIMAL"]
            .into_iter()
            .find(|group| uses.iter().any(|name| name == group))
            .map(|group| if group == "STANDARD" { "buf-standard" } else { "minimal" });
        if let Some(preset) = preset {
            let group = if preset == "buf-standard" { "STANDARD" } else { "MINIMAL" };
            uses.retain(|name| name != group);
            out.push_str(&format!("preset = {}\n", quote(preset)));
        }
        if preset.is_none() && uses.is_empty() {
            // An empty `use` would mean idl's default preset; nothing was carried over.
            out.push_str("# no rule of the original `use` is known to idl; `minimal` keeps the run meaningful\n");
            out.push_str("preset = \"minimal\"\n");
        }
        push_list(&mut out, "use", &uses);
        push_list(&mut out, "except", &self.lint.except);
        push_list(&mut out, "ignore", &self.lint.ignore);
        if self.lint.disallow_comment_ignores {
            out.push_str("# buf honours no `buf:lint:ignore` comments here (v1 without `allow_comment_ignores: true`, or v2's `disallow_comment_ignores: true`)\n");
            out.push_str("disallow_comment_ignores = true\n");
        }
        push_table(&mut out, "lint.ignore_only", &self.lint.ignore_only);
        for (rule, options) in &self.lint.rules {
            out.push_str(&format!("\n[lint.rules.{rule}]\n"));
            for (name, value) in options {
                out.push_str(&format!("{name} = {value}\n"));
            }
        }

        let breaking = &self.breaking;
        if *breaking != BreakingDraft::default() {
            out.push_str("\n[breaking]\n");
            push_list(&mut out, "use", &breaking.r#use);
            push_list(&mut out, "except", &breaking.except);
            push_list(&mut out, "ignore", &breaking.ignore);
            if breaking.ignore_unstable_packages {
                out.push_str("ignore_unstable_packages = true\n");
            }
            push_table(&mut out, "breaking.ignore_only", &breaking.ignore_only);
        }
        out
    }
}

/// `text` as it can stand in a TOML comment: a dropped key or value from the
/// original file may hold control characters, which TOML forbids in comments,
/// and a line break would end the comment and let the rest be read as TOML.
/// They are written as Rust-style escapes (`\u{b}`, `\n`).
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\t' { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn push_list(out: &mut String, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let quoted: Vec<String> = items.iter().map(|item| quote(item)).collect();
    out.push_str(&format!("{key} = [{}]\n", quoted.join(", ")));
}

fn push_table(out: &mut String, name: &str, entries: &BTreeMap<String, Vec<String>>) {
    if entries.is_empty() {
        return;
    }
    out.push_str(&format!("\n[{name}]\n"));
    for (key, items) in entries {
        push_list(out, key, items);
    }
}

/// `path` (relative to a module) relative to the converted config's directory.
pub(crate) fn join_path(prefix: &str, path: &str) -> String {
    let path = path.trim_start_matches("./").trim_end_matches('/');
    let prefix = prefix.trim_end_matches('/');
    match (prefix, path) {
        ("" | ".", _) => path.to_string(),
        (_, "" | ".") => prefix.to_string(),
        _ => format!("{prefix}/{path}"),
    }
}

#[cfg(test)]
mod tests;
