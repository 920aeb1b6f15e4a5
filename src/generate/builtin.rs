//! idl's own generators, run as plugins: one config produces code, the error
//! table and the docs site. They read the compilation directly (no request is
//! encoded), ignore `strategy`, and see every file to generate at once.
//!
//! Adding one is one row in [`BUILTINS`].

use std::path::Path;

use crate::compile::Compilation;
use crate::errors::{ErrorsConfig, extract, render};
use crate::workspace::Workspace;

/// What a built-in gets: the compiled workspace and the plugin's `opt`.
pub struct BuiltinInput<'a> {
    pub compilation: &'a Compilation,
    pub workspace: &'a Workspace,
    /// `opt` entries, `key=value` or flags.
    pub opt: &'a [String],
}

impl BuiltinInput<'_> {
    fn opt(&self, key: &str) -> Option<&str> {
        self.opt.iter().find_map(|o| o.strip_prefix(key).and_then(|rest| rest.strip_prefix('=')))
    }
}

/// A built-in's output files (relative names, contents) or an error message.
pub type BuiltinOutput = Result<Vec<(String, Vec<u8>)>, String>;

pub struct Builtin {
    /// As written after `idl:` in `local:`.
    pub name: &'static str,
    pub about: &'static str,
    pub run: fn(&BuiltinInput<'_>) -> BuiltinOutput,
}

/// Every built-in generator.
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "errors",
        about: "the error table (`opt: format=markdown|json|csv|html`, `name=FILE`)",
        run: errors,
    },
    Builtin { name: "docs", about: "the documentation site (`opt: format=html|markdown|json`)", run: docs },
    Builtin {
        name: "openapi",
        about: "the OpenAPI document, as `idl openapi` writes it (`opt`: protoc-gen-openapi's options, over `[openapi]`)",
        run: openapi,
    },
];

pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

fn errors(input: &BuiltinInput<'_>) -> BuiltinOutput {
    let (config, diags) = ErrorsConfig::parse(&input.workspace.config.errors, input.workspace.config_file.as_ref());
    if let Some(diag) = diags.first() {
        return Err(format!("[errors] in idl.toml: {}", diag.message));
    }
    let table = extract::extract(input.compilation, &config);
    let format = input.opt("format").unwrap_or("markdown");
    let (text, extension) = match format {
        "markdown" | "md" => (render::markdown(&table), "md"),
        "json" => (render::json(&table, &[]), "json"),
        "csv" => (render::csv(&table, false), "csv"),
        "html" => (render::html(&table), "html"),
        other => return Err(format!("unknown format `{other}` (markdown, json, csv or html)")),
    };
    let name = input.opt("name").map_or_else(|| format!("errors.{extension}"), str::to_string);
    Ok(vec![(name, text.into_bytes())])
}

fn docs(input: &BuiltinInput<'_>) -> BuiltinOutput {
    use crate::docs::{self, model};
    let (config, _) = ErrorsConfig::parse(&input.workspace.config.errors, input.workspace.config_file.as_ref());
    let rows = extract::extract(input.compilation, &config).rows;
    let order = match input.opt("order") {
        Some("alphabetical") => model::Order::Alphabetical,
        _ => model::Order::Declaration,
    };
    let model = model::build(input.compilation, rows, order);
    let format = input.opt("format").unwrap_or("html");
    if format == "json" {
        return Ok(vec![("docs.json".into(), docs::json(&model).into_bytes())]);
    }
    // The same writer as `idl docs`, into a scratch directory read back.
    let scratch = tempfile::tempdir().map_err(|e| format!("cannot create a scratch directory: {e}"))?;
    let written = match format {
        "html" => docs::write_html(&model, scratch.path()),
        "markdown" | "md" => docs::write_markdown(&model, scratch.path()),
        other => return Err(format!("unknown format `{other}` (html, markdown or json)")),
    };
    written.map_err(|e| format!("cannot render the docs: {e}"))?;
    read_tree(scratch.path()).map_err(|e| format!("cannot read the rendered docs: {e}"))
}

/// Every file under `root`, by relative `/`-separated name, sorted.
fn read_tree(root: &Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                files.push((name, std::fs::read(&path)?));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// `idl openapi`'s documents: `[openapi]` from idl.toml, then the plugin's `opt`
/// entries over it, as `--opt` overrides the table on the command line.
fn openapi(input: &BuiltinInput<'_>) -> BuiltinOutput {
    let mut options = crate::openapi::Options::default();
    for (key, value) in &input.workspace.config.openapi {
        let text = crate::openapi::options::toml_value_text(value)
            .ok_or_else(|| format!("[openapi] {key} must be a string, a boolean or an integer"))?;
        options.set(key, &text).map_err(|message| format!("[openapi] {message}"))?;
    }
    for pair in input.opt {
        options.set_pair(pair).map_err(|message| format!("opt {pair}: {message}"))?;
    }
    let (config, _) = ErrorsConfig::parse(&input.workspace.config.errors, input.workspace.config_file.as_ref());
    let rows = extract::extract(input.compilation, &config).rows;
    let model = crate::api::build(input.compilation, rows);
    // The renderer's warnings are `idl openapi`'s to report; a plugin answers files or an error.
    let files = crate::openapi::render(&model, &options)
        .map_err(|diags| diags.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("; "))?
        .files;
    Ok(files.into_iter().map(|f| (f.name, f.content.into_bytes())).collect())
}
