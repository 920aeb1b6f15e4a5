//! The `docs_markdown` fuzz target's invariants, shared with
//! `tests/fuzz_regressions.rs` so a replayed input meets exactly what the
//! target checks: a comment rendered for the site, for a Markdown page (a block,
//! or a table cell whose paragraphs are joined into one line) or as plain text,
//! once a host renders it with raw HTML passed through (GitLab, static site
//! generators), holds no markup a comment must not become: a tag other than the
//! ones Markdown itself produces, or a link or image whose target has a scheme
//! other than http, https or mailto.

use pulldown_cmark::{Options, Parser, html};

use super::comment::{MarkdownContext, plain_text_markdown, summary, to_html, to_markdown_in};
use super::links::Links;
use super::markdown::cell;

/// What a host that passes raw HTML through makes of a Markdown page.
fn render_like_a_host(markdown: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH));
    out
}

/// The tags CommonMark with tables and strikethrough renders on its own.
const MARKDOWN_TAGS: [&str; 26] = [
    "p",
    "a",
    "img",
    "code",
    "pre",
    "em",
    "strong",
    "del",
    "br",
    "hr",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];

/// Markup in rendered `html` that a comment must not be able to produce.
fn injected_markup(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = rest[..end].to_ascii_lowercase();
        let name = tag.trim_start_matches('/').split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        if !MARKDOWN_TAGS.contains(&name) {
            return Some(format!("tag <{tag}>"));
        }
        if !tag.starts_with('/') && !attributes_markdown_makes(&tag[name.len()..]) {
            return Some(format!("attributes in <{tag}>"));
        }
        for attribute in ["href=\"", "src=\""] {
            let Some(at) = tag.find(attribute) else { continue };
            let value = &tag[at + attribute.len()..];
            let value: String = value[..value.find('"').unwrap_or(value.len())]
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            let scheme_end = value.find([':', '/', '?', '#']);
            let has_scheme = scheme_end.is_some_and(|i| value[i..].starts_with(':'))
                || value.contains("&#")
                || value.contains("&colon");
            let web = ["http://", "https://", "mailto:"].iter().any(|s| value.starts_with(s));
            if has_scheme && !web {
                return Some(format!("target in <{tag}>"));
            }
        }
    }
    None
}

/// The attributes Markdown writes (a link's `href` and `title`, an image's
/// `src`, `alt` and `title`, a list's `start`, a code block's `class`, a table
/// cell's alignment `style`), each as `name="value"`. Anything else, an event
/// handler or an unquoted value, came from raw HTML.
fn attributes_markdown_makes(attributes: &str) -> bool {
    const ATTRIBUTES: [&str; 7] = ["href", "title", "src", "alt", "start", "class", "style"];
    let mut rest = attributes.trim_end_matches('/').trim();
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once("=\"") else { return false };
        if !ATTRIBUTES.contains(&name) {
            return false;
        }
        let Some((_, after)) = after.split_once('"') else { return false };
        if !after.is_empty() && !after.starts_with(' ') {
            return false;
        }
        rest = after.trim_start();
    }
    true
}

/// Renders `comment` every way the docs do and panics with the rendering when
/// one of them holds markup the comment must not become.
#[doc(hidden)]
pub fn check_comment_invariants(comment: &str, links: &Links, package: &str) {
    let site = to_html(comment, links, package);
    if let Some(found) = injected_markup(&site) {
        panic!("the site's HTML of {comment:?} has {found}:\n{site}");
    }
    let markdown = to_markdown_in(comment, links, package, MarkdownContext::Block);
    let rendered = render_like_a_host(&markdown);
    if let Some(found) = injected_markup(&rendered) {
        panic!("the Markdown of {comment:?} renders with {found}:\n{markdown}\n---\n{rendered}");
    }
    // The Cell context's Markdown is only ever used as the pages use it: in one
    // table cell, its paragraphs joined into one line (rendered on its own, a
    // line of pipes in it would be a table, which a cell cannot hold).
    let row = format!("| a |\n|---|\n| {} |\n", cell(&to_markdown_in(comment, links, package, MarkdownContext::Cell)));
    let rendered = render_like_a_host(&row);
    if let Some(found) = injected_markup(&rendered) {
        panic!("the table cell of {comment:?} renders with {found}:\n{row}\n---\n{rendered}");
    }
    let plain = render_like_a_host(&plain_text_markdown(comment));
    if let Some(found) = injected_markup(&plain) {
        panic!("plain text {comment:?} renders with {found}:\n{plain}");
    }
    let _ = summary(comment);
}
