//! `idl docs`: API documentation from the compiled workspace. One model
//! ([`model::DocModel`], built once) and three renderers: a static HTML site, a
//! Markdown tree, and the model itself as JSON.

pub mod comment;
mod errors_table;
#[doc(hidden)]
pub mod fuzzing;
pub mod html;
pub mod links;
pub mod markdown;
pub mod model;
pub mod output;

use std::io;
use std::path::Path;

use rayon::prelude::*;

pub use errors_table::error_table_fragments;
use links::{ERROR_CODES_STEM, Links, page_stem};
use model::DocModel;
use output::OutputDir;

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
/// Nothing is written through a symbolic link inside `dir` (see [`output`]).
pub fn write_html(model: &DocModel, dir: &Path) -> io::Result<Written> {
    write_html_with_openapi(model, dir, None)
}

/// The name of the OpenAPI document a site ships beside its pages.
pub const OPENAPI_FILE: &str = "openapi.yaml";

/// [`write_html`], plus `openapi` (the document's text) as [`OPENAPI_FILE`];
/// the model's routes carry their operations (`HttpRoute::openapi`) to link to it.
pub fn write_html_with_openapi(model: &DocModel, dir: &Path, openapi: Option<&str>) -> io::Result<Written> {
    let out = OutputDir::create(dir)?;
    let links = Links::new(model);
    let mut nav = html::Sidebar::new(model);
    nav.openapi = openapi.is_some();
    let has_errors = model.packages.iter().any(|p| !p.errors.is_empty());
    let package_pages: Vec<String> = model.packages.iter().map(|p| format!("{}.html", page_stem(&p.name))).collect();
    let error_page = format!("{ERROR_CODES_STEM}.html");
    let mut site_files = vec!["index.html", "search-index.js"];
    if has_errors {
        site_files.push(&error_page);
    }
    site_files.extend(html::assets().iter().map(|(name, _)| *name));
    if openapi.is_some() {
        site_files.push(OPENAPI_FILE);
    }
    out.check(package_pages.iter().map(String::as_str).chain(site_files.iter().copied()))?;
    model.packages.par_iter().zip(&package_pages).try_for_each(|(package, file)| {
        let errors = (!package.errors.is_empty()).then(|| error_table_fragments(&package.errors, &links).0);
        let page = html::package_page(package, &links, &nav, model, errors.as_deref(), has_errors);
        out.write(file, page.as_bytes())
    })?;
    out.write("index.html", html::index_page(model, &nav, has_errors).as_bytes())?;
    if has_errors {
        out.write(&error_page, html::error_codes_page(model, &links, &nav).as_bytes())?;
    }
    out.write("search-index.js", html::search_index(model).as_bytes())?;
    for (name, content) in html::assets() {
        out.write(name, content.as_bytes())?;
    }
    if let Some(document) = openapi {
        out.write(OPENAPI_FILE, document.as_bytes())?;
    }
    let pages = model.packages.len() + 1 + usize::from(has_errors);
    Ok(Written { pages, files: pages + 1 + html::assets().len() + usize::from(openapi.is_some()) })
}

/// Writes the Markdown tree into `dir` (created if missing): `README.md`, one
/// page per package and, when there are error enums, `error-codes.md`.
pub fn write_markdown(model: &DocModel, dir: &Path) -> io::Result<Written> {
    let out = OutputDir::create(dir)?;
    let links = Links::new(model);
    let has_errors = model.packages.iter().any(|p| !p.errors.is_empty());
    let package_pages: Vec<String> = model.packages.iter().map(|p| format!("{}.md", page_stem(&p.name))).collect();
    let error_page = format!("{ERROR_CODES_STEM}.md");
    let mut site_files = vec!["README.md"];
    if has_errors {
        site_files.push(&error_page);
    }
    out.check(package_pages.iter().map(String::as_str).chain(site_files.iter().copied()))?;
    model.packages.par_iter().zip(&package_pages).try_for_each(|(package, file)| {
        let errors = (!package.errors.is_empty()).then(|| error_table_fragments(&package.errors, &links).1);
        let page = markdown::package_page(package, &links, errors.as_deref());
        out.write(file, page.as_bytes())
    })?;
    out.write("README.md", markdown::index_page(model, has_errors).as_bytes())?;
    if has_errors {
        out.write(&error_page, markdown::error_codes_page(model).as_bytes())?;
    }
    let pages = model.packages.len() + 1 + usize::from(has_errors);
    Ok(Written { pages, files: pages })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::comment::{summary, to_html, to_markdown};
    use super::links::Links;
    use super::model::{self, DocModel};

    /// The model of `testdata/docs`.
    fn fixture_model() -> DocModel {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/docs");
        let workspace = crate::workspace::discover(&root, None, &[]).expect("fixture workspace");
        let compilation = crate::compile::compile(&workspace);
        assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
        model::build(&compilation, Vec::new(), model::Order::Declaration)
    }

    #[test]
    fn a_lone_cr_ends_a_line_in_both_renderers() {
        // After an indented code block, pulldown-cmark drops what follows a lone
        // CR unless it reads as a line ending; both the site and the Markdown
        // pages keep the text, as the hosts that render them would.
        let model = fixture_model();
        let links = Links::new(&model);
        let package = "acme.library.v1";
        let comment = "\ts\n\r<r>";
        // `<r>` opens an HTML block, which the site shows as text.
        assert_eq!(to_html(comment, &links, package), "<pre><code>s\n</code></pre>\n&lt;r&gt;");
        assert_eq!(to_markdown(comment, &links, package), "\ts\n\n&lt;r&gt;");
        // Text after the CR is a paragraph in both, not more of the code block.
        let comment = "Intro.\n\n    code\rafter the block";
        assert_eq!(
            to_html(comment, &links, package),
            "<p>Intro.</p>\n<pre><code>code\n</code></pre>\n<p>after the block</p>\n"
        );
        assert_eq!(to_markdown(comment, &links, package), "Intro.\n\n    code\nafter the block");
    }

    #[test]
    fn comments_render_safely_and_link_names() {
        let model = fixture_model();
        let links = Links::new(&model);
        let package = "acme.library.v1";
        let html = to_html(
            "See [the shelf][Shelf], acme.common.v1.Money and `Book.Loan`.\n\nText <script>x()</script> [a](javascript:x()) [b](/rel) ![i](/i.png) [c](https://example.com) [d](#Book)",
            &links,
            package,
        );
        assert_eq!(
            html,
            "<p>See <a href=\"acme.library.v1.html#Shelf\" title=\"acme.library.v1.Shelf\">the shelf</a>, \
             <a href=\"acme.common.v1.html#Money\">acme.common.v1.Money</a> and \
             <a href=\"acme.library.v1.html#Book.Loan\"><code>Book.Loan</code></a>.</p>\n\
             <p>Text &lt;script&gt;x()&lt;/script&gt; a b i <a href=\"https://example.com\">c</a> <a href=\"acme.library.v1.html#Book\">d</a></p>\n"
        );
        // Words that are not documented names, and names at a sentence's end.
        let html = to_html("Use e.g. v1.2 or acme.common.v1.Currency.", &links, package);
        assert_eq!(
            html,
            "<p>Use e.g. v1.2 or <a href=\"acme.common.v1.html#Currency\">acme.common.v1.Currency</a>.</p>\n"
        );
        // Headings in comments sit below the element's own.
        assert_eq!(to_html("# Title", &links, package), "<h5>Title</h5>\n");

        let markdown = to_markdown(
            "See [the shelf][Shelf] and acme.common.v1.Money.\n\n<b>bold</b> [a](javascript:x()) ![i](/i.png) [d](#acme.library.v1.Book)",
            &links,
            package,
        );
        assert_eq!(
            markdown,
            "See [the shelf](acme.library.v1.md#Shelf) and [acme.common.v1.Money](acme.common.v1.md#Money).\n\n\
             &lt;b&gt;bold&lt;/b&gt; \\[a\\]\\(javascript:x\\(\\)\\) !\\[i\\]\\(/i.png\\) [d](acme.library.v1.md#Book)"
        );
    }

    #[test]
    fn summaries_are_plain_first_sentences() {
        assert_eq!(summary("The **library** API. More.\n\nDetails."), "The library API.");
        assert_eq!(summary(""), "");
    }

    #[test]
    fn enum_values_are_listed_as_declared() {
        let text = "syntax = \"proto3\";\npackage acme.v1;\n\
                    enum State {\n  option allow_alias = true;\n  STATE_UNSPECIFIED = 0;\n  STATE_DONE = 3;\n  \
                    STATE_NEW = 1;\n  STATE_FINISHED = 3;\n}\n";
        let files =
            [("acme/v1/state.proto".to_string(), ("acme/v1/state.proto".to_string(), std::sync::Arc::from(text)))]
                .into_iter()
                .collect();
        let compilation = crate::compile::compile_from(&crate::compile::MemoryFiles { files, ..Default::default() });
        assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
        for order in [model::Order::Declaration, model::Order::Alphabetical] {
            let model = model::build(&compilation, Vec::new(), order);
            let values: Vec<&str> = model.packages[0].enums[0].values.iter().map(|value| value.name.as_str()).collect();
            assert_eq!(values, ["STATE_UNSPECIFIED", "STATE_DONE", "STATE_NEW", "STATE_FINISHED"]);
        }
    }

    #[test]
    fn model_reads_the_fixture() {
        let model = fixture_model();
        let names: Vec<&str> = model.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["acme.common.v1", "acme.legacy.v1", "acme.library.v1"]);
        let legacy = &model.packages[1];
        assert!(legacy.deprecated && legacy.messages[0].deprecated);
        let job = &legacy.messages[0].fields;
        assert_eq!((job[0].label, job[1].default.as_deref()), ("required", Some("3")));
        let library = &model.packages[2];
        let get_book = &library.services[0].methods[0];
        assert_eq!(get_book.http.len(), 2);
        assert_eq!(get_book.http[0].path_params[0].field.as_deref(), Some("acme.library.v1.GetBookRequest.name"));
        assert_eq!(get_book.idempotency.as_deref(), Some("NO_SIDE_EFFECTS"));
        let book = library.messages.iter().find(|m| m.name == "Book").unwrap();
        let pages = book.fields.iter().find(|f| f.name == "pages").unwrap();
        assert_eq!(pages.constraints, ["int32 { gt: 0 }"]);
        let loan = book.fields.iter().find(|f| f.name == "loan").unwrap();
        assert_eq!((loan.oneof.as_deref(), loan.ty.name.as_str()), (Some("location"), "acme.library.v1.Book.Loan"));
        let upload = &library.services[0].methods[3];
        assert!(upload.deprecated && upload.client_streaming && !upload.server_streaming);
        assert_eq!(upload.description, "Uploads books in bulk.");
    }
}
