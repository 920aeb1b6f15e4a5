//! `idl docs`: API documentation from the compiled workspace. One model
//! ([`model::DocModel`], built once) and three renderers: a static HTML site, a
//! Markdown tree, and the model itself as JSON.

pub mod comment;
mod errors_table;
pub mod html;
pub mod links;
pub mod markdown;
pub mod model;

use std::io;
use std::path::Path;

use rayon::prelude::*;

pub use errors_table::error_table_fragments;
use links::{Links, page_stem};
use model::DocModel;

/// What a renderer wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Pages: the index and one per package.
    pub pages: usize,
    /// Every file, pages included.
    pub files: usize,
}

/// The model as pretty JSON.
pub fn json(model: &DocModel) -> String {
    let mut text = serde_json::to_string_pretty(model).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes the static site into `dir` (created if missing): pages are rendered and
/// written in parallel, one package at a time, so the whole site is never in memory.
pub fn write_html(model: &DocModel, dir: &Path) -> io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let links = Links::new(model);
    model.packages.par_iter().try_for_each(|package| {
        let errors = (!package.errors.is_empty()).then(|| error_table_fragments(&package.errors).0);
        let page = html::package_page(package, &links, errors.as_deref());
        std::fs::write(dir.join(format!("{}.html", page_stem(&package.name))), page)
    })?;
    std::fs::write(dir.join("index.html"), html::index_page(model))?;
    std::fs::write(dir.join("search-index.js"), html::search_index(model))?;
    for (name, content) in html::assets() {
        std::fs::write(dir.join(name), content)?;
    }
    let pages = model.packages.len() + 1;
    Ok(Written { pages, files: pages + 1 + html::assets().len() })
}

/// Writes the Markdown tree into `dir` (created if missing): `README.md` and one
/// page per package.
pub fn write_markdown(model: &DocModel, dir: &Path) -> io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let links = Links::new(model);
    model.packages.par_iter().try_for_each(|package| {
        let errors = (!package.errors.is_empty()).then(|| error_table_fragments(&package.errors).1);
        let page = markdown::package_page(package, &links, errors.as_deref());
        std::fs::write(dir.join(format!("{}.md", page_stem(&package.name))), page)
    })?;
    std::fs::write(dir.join("README.md"), markdown::index_page(model))?;
    let pages = model.packages.len() + 1;
    Ok(Written { pages, files: pages })
}
