//! Any UTF-8 as a documentation comment of `testdata/docs` (whose elements the
//! comment can link to): rendering never panics, and neither the site's HTML
//! nor the Markdown tree (a block, or a table cell whose paragraphs are joined
//! into one line), once a host renders it with raw HTML passed through
//! (GitLab, static site generators), holds markup a comment must not become: a
//! tag other than the ones Markdown itself produces, or a link or image whose
//! target has a scheme other than http, https or mailto. The checks are
//! `idl::docs::fuzzing::check_comment_invariants`, which
//! `tests/fuzz_regressions.rs` replays found inputs through.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use idl::docs::fuzzing::check_comment_invariants;
use idl::docs::links::Links;
use idl::docs::model;
use libfuzzer_sys::fuzz_target;

const PACKAGE: &str = "acme.library.v1";

fn links() -> &'static Links {
    static LINKS: OnceLock<Links> = OnceLock::new();
    LINKS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/docs");
        let workspace = idl::workspace::discover(&root, None, &[]).expect("testdata/docs");
        let compilation = idl::compile::compile(&workspace);
        assert!(!compilation.has_errors(), "testdata/docs does not compile");
        Links::new(&model::build(&compilation, Vec::new(), model::Order::Declaration))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(comment) = std::str::from_utf8(data) else { return };
    check_comment_invariants(comment, links(), PACKAGE);
});
