//! The static site: `index.html`, one page per package, `style.css`, `search.js`
//! and the search index as a script (`search-index.js`: a script, not JSON, so
//! the site works from `file://`, where browsers refuse `fetch` of local files).
//!
//! Pages are written with maud, whose templates escape every interpolated
//! string unless marked pre-escaped; the only pre-escaped strings are comment
//! HTML from pulldown-cmark (raw HTML already turned into text, see
//! `comment.rs`) and the error table from `idl errors`' renderer.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;

use super::comment;
use super::links::{ERROR_CODES_STEM, Links, enum_value_anchor, page_stem, section};
use super::model::{DocModel, Enum, Field, HttpRoute, Message, Method, Package, Service, TypeRef};
use crate::errors::render;

pub const STYLE: &str = include_str!("assets/style.css");
pub const SEARCH_SCRIPT: &str = include_str!("assets/search.js");

/// The site's fixed files: name and content.
pub fn assets() -> [(&'static str, &'static str); 2] {
    [("style.css", STYLE), ("search.js", SEARCH_SCRIPT)]
}

/// The sidebar on every page: every package, as a tree by name prefix
/// (`google` › `cloud` › `aiplatform.v1`), collapsible without JavaScript
/// (`<details>`) and filtered by a box that `search.js` shows. Built once; each
/// page renders it with its own package open and marked.
pub struct Sidebar {
    roots: Vec<TreeNode>,
    /// The site ships `openapi.yaml`: the header links to it.
    pub openapi: bool,
}

struct TreeNode {
    /// The name's segments this node adds to its parent's (`common.v1` when a
    /// chain of single children is merged).
    label: String,
    /// The full prefix, `google.cloud`.
    prefix: String,
    /// The package of that exact name, as an index into the model's packages.
    package: Option<usize>,
    children: Vec<TreeNode>,
}

impl TreeNode {
    fn new(label: &str, prefix: String) -> TreeNode {
        TreeNode { label: label.to_string(), prefix, package: None, children: Vec::new() }
    }

    /// Merges a node that is no package and has one child into that child, so a
    /// tree of `acme.common.v1` and `acme.library.v1` reads `acme` › `common.v1`.
    fn merge_chains(mut self) -> TreeNode {
        self.children = self.children.into_iter().map(TreeNode::merge_chains).collect();
        if self.package.is_none() && self.children.len() == 1 {
            let child = self.children.pop().expect("one child");
            return TreeNode { label: format!("{}.{}", self.label, child.label), ..child };
        }
        self
    }
}

impl Sidebar {
    pub fn new(model: &DocModel) -> Sidebar {
        let mut roots: Vec<TreeNode> = Vec::new();
        for (index, package) in model.packages.iter().enumerate() {
            if package.name.is_empty() {
                let mut node = TreeNode::new(display_package(""), String::new());
                node.package = Some(index);
                roots.push(node);
                continue;
            }
            let mut level = &mut roots;
            let mut prefix = String::new();
            let segments: Vec<&str> = package.name.split('.').collect();
            for (depth, segment) in segments.iter().enumerate() {
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(segment);
                // Packages are sorted by name, so a prefix's node is the last one.
                if level.last().is_none_or(|node| node.prefix != prefix) {
                    level.push(TreeNode::new(segment, prefix.clone()));
                }
                let node = level.last_mut().expect("pushed");
                if depth + 1 == segments.len() {
                    node.package = Some(index);
                }
                level = &mut node.children;
            }
        }
        Sidebar { roots: roots.into_iter().map(TreeNode::merge_chains).collect(), openapi: false }
    }

    /// The sidebar of a page; `current` is the package the page shows, with
    /// its contents (`toc`) under its entry.
    fn render(&self, model: &DocModel, current: Option<&str>, toc: Markup) -> Markup {
        html! {
            nav.sidebar aria-label="Packages" {
                // Shown by search.js, like the search box.
                input #package-filter type="search" hidden autocomplete="off"
                    placeholder="Filter packages…" aria-label="Filter packages";
                ul.tree { @for node in &self.roots { (self.node(model, node, 0, current, &toc)) } }
            }
        }
    }

    /// One entry: open when it holds the current package, and at the top level
    /// of pages that show no package (the index, the error codes).
    fn node(&self, model: &DocModel, node: &TreeNode, depth: usize, current: Option<&str>, toc: &Markup) -> Markup {
        let package = node.package.map(|index| &model.packages[index]);
        let is_current = package.is_some_and(|p| Some(p.name.as_str()) == current);
        let open = match current {
            None => depth == 0,
            Some(name) => {
                name == node.prefix || (!node.prefix.is_empty() && name.starts_with(&format!("{}.", node.prefix)))
            }
        };
        let entry = html! {
            @match package {
                Some(package) => {
                    // The filter reads the package from the href: every page
                    // carries the whole tree, so each entry is kept small.
                    a href={ (page_stem(&package.name)) ".html" } aria-current=[is_current.then_some("page")] {
                        (breakable(&node.label))
                    }
                    @if package.deprecated { " " span.badge.deprecated { "deprecated" } }
                }
                None => { span.prefix title=(node.prefix) { (breakable(&node.label)) } }
            }
        };
        html! {
            @if node.children.is_empty() {
                li {
                    (entry)
                    @if is_current { (toc) }
                }
            } @else {
                li {
                    details open[open] {
                        summary { (entry) }
                        @if is_current { (toc) }
                        ul { @for child in &node.children { (self.node(model, child, depth + 1, current, toc)) } }
                    }
                }
            }
        }
    }
}

/// Where a page sits in the site, for the shared chrome.
struct Chrome<'a> {
    model: &'a DocModel,
    sidebar: &'a Sidebar,
    /// The site has an error-codes page to link.
    has_errors: bool,
}

/// Where a page's main part goes in its chrome: a comment, which no escaped
/// text of the sidebar can spell.
const MAIN_PLACEHOLDER: &str = "<!--idl:main-->";

impl Chrome<'_> {
    fn page(&self, title: &str, current: Option<&str>, toc: Markup, main: Markup) -> String {
        let error_codes = format!("{ERROR_CODES_STEM}.html");
        let chrome = html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) }
                    link rel="stylesheet" href="style.css";
                    script src="search.js" defer {}
                }
                body {
                    header.top {
                        a.home href="index.html" { "API reference" }
                        // Shown by search.js: without JavaScript there is no search to offer.
                        form #search-form role="search" hidden onsubmit="return false" {
                            input #search type="search" name="q" autocomplete="off"
                                placeholder="Search services, methods, messages, enums, fields…"
                                aria-label="Search the API";
                        }
                        nav.site aria-label="Site" {
                            a href="index.html" { "Packages" }
                            @if self.has_errors { a href=(error_codes) { "Error codes" } }
                            @if self.sidebar.openapi { a href=(super::OPENAPI_FILE) { "OpenAPI" } }
                        }
                    }
                    div #search-results hidden {}
                    div.layout {
                        (self.sidebar.render(self.model, current, toc))
                        (PreEscaped(MAIN_PLACEHOLDER))
                    }
                }
            }
        }
        .into_string();
        // The main part goes in once, into a page of its exact size: a huge
        // package's page is not copied through a second growing buffer.
        let (before, after) = chrome.split_once(MAIN_PLACEHOLDER).expect("the chrome has the placeholder");
        let main = main.into_string();
        let mut page = String::with_capacity(before.len() + main.len() + after.len());
        page.push_str(before);
        page.push_str(&main);
        page.push_str(after);
        page
    }
}

/// `index.html`: every package with its counts and summary. A column that no
/// package has a value for (no services anywhere, no summaries) is left out.
pub fn index_page(model: &DocModel, sidebar: &Sidebar, has_errors: bool) -> String {
    let services: usize = model.packages.iter().map(|p| p.services.len()).sum();
    let methods: usize = model.packages.iter().flat_map(|p| &p.services).map(|s| s.methods.len()).sum();
    let messages: usize = model.packages.iter().map(|p| p.messages.len()).sum();
    let enums: usize = model.packages.iter().map(|p| p.enums.len()).sum();
    let errors: usize = model.packages.iter().map(|p| p.errors.len()).sum();
    let with_summary = model.packages.iter().any(|p| !p.summary.is_empty());
    let body = html! {
        main.index {
            h1 { "API reference" }
            p.counts {
                (model.packages.len()) " packages, " (services) " services, " (methods) " methods, "
                (messages) " messages, " (enums) " enums"
                @if has_errors { ", " a href={ (ERROR_CODES_STEM) ".html" } { (errors) " error codes" } }
                "."
            }
            table.packages {
                thead {
                    tr {
                        th { "Package" }
                        @if services > 0 { th { "Services" } }
                        @if messages > 0 { th { "Messages" } }
                        @if enums > 0 { th { "Enums" } }
                        @if errors > 0 { th { "Errors" } }
                        @if with_summary { th { "Summary" } }
                    }
                }
                tbody {
                    @for package in &model.packages {
                        tr {
                            td {
                                a href={ (page_stem(&package.name)) ".html" } { code { (breakable(display_package(&package.name))) } }
                                @if package.deprecated { " " span.badge.deprecated { "deprecated" } }
                            }
                            @if services > 0 { td.num { (package.services.len()) } }
                            @if messages > 0 { td.num { (package.messages.len()) } }
                            @if enums > 0 { td.num { (package.enums.len()) } }
                            @if errors > 0 { td.num { (package.errors.len()) } }
                            @if with_summary { td.desc { (package.summary) } }
                        }
                    }
                }
            }
        }
    };
    Chrome { model, sidebar, has_errors }.page("API reference", None, html! {}, body)
}

/// `error-codes.html`: every error of the site in one table, each row linked to
/// its enum value. Its name has a `-`, which no package name has, so a package
/// called `errors` keeps `errors.html` and reads as a package.
pub fn error_codes_page(model: &DocModel, links: &Links, sidebar: &Sidebar) -> String {
    let (table, _) = super::errors_table::site_error_table(model, links);
    let packages = model.packages.iter().filter(|p| !p.errors.is_empty()).count();
    let body = html! {
        main.errors-page {
            h1 { "Error codes" }
            p.counts {
                (super::errors_table::error_count(model)) " errors in " (packages)
                @if packages == 1 { " package" } @else { " packages" }
                ": the rows of " code { "idl errors" } ", each linked to its enum value."
            }
            input #error-filter type="search" hidden autocomplete="off"
                placeholder="Filter by reason, code, message, package…" aria-label="Filter the error codes";
            div.errors { (PreEscaped(table)) }
        }
    };
    Chrome { model, sidebar, has_errors: true }.page("Error codes — API reference", None, html! {}, body)
}

/// Text that wraps at its `.`, `/` and `_` (see [`render::html_breakable`]).
fn breakable(text: &str) -> PreEscaped<String> {
    PreEscaped(render::html_breakable(text))
}

pub fn display_package(name: &str) -> &str {
    if name.is_empty() { "(no package)" } else { name }
}

/// One package's page; `errors_html` is its error table, when it has one.
pub fn package_page(
    package: &Package,
    links: &Links,
    sidebar: &Sidebar,
    model: &DocModel,
    errors_html: Option<&str>,
    has_errors: bool,
) -> String {
    let cx = PageContext { links, package: &package.name };
    let body = html! {
        main {
            h1 { "Package " code { (display_package(&package.name)) } }
            @if package.deprecated { p { span.badge.deprecated { "deprecated" } } }
            (cx.description(&package.description))
            p.files { "Files: " @for (i, file) in package.files.iter().enumerate() { @if i > 0 { ", " } code { (file) } } }
            @if !package.services.is_empty() {
                section #(section::SERVICES) {
                    h2 { "Services" }
                    @for service in &package.services { (cx.service(service)) }
                }
            }
            @if !package.messages.is_empty() {
                section #(section::MESSAGES) {
                    h2 { "Messages" }
                    @for message in &package.messages { (cx.message(message)) }
                }
            }
            @if !package.enums.is_empty() {
                section #(section::ENUMS) {
                    h2 { "Enums" }
                    @for enum_type in &package.enums { (cx.enum_type(enum_type)) }
                }
            }
            @if !package.extensions.is_empty() {
                section #(section::EXTENSIONS) {
                    h2 { "Extensions" }
                    (cx.extensions(&package.extensions))
                }
            }
            @if let Some(errors_html) = errors_html {
                section #(section::ERRORS) {
                    h2 { "Errors" }
                    div.errors { (PreEscaped(errors_html)) }
                }
            }
        }
    };
    let title = format!("{} — API reference", display_package(&package.name));
    let toc = toc(package, errors_html.is_some());
    Chrome { model, sidebar, has_errors }.page(&title, Some(&package.name), toc, body)
}

/// The package's contents, under its entry in the sidebar.
fn toc(package: &Package, has_errors: bool) -> Markup {
    html! {
        div.toc {
            @if !package.services.is_empty() {
                p.toc-section { a href={ "#" (section::SERVICES) } { "Services" } }
                ul {
                    @for service in &package.services {
                        li {
                            a href={ "#" (service.name) } { (service.name) }
                            ul {
                                @for method in &service.methods {
                                    li { a href={ "#" (service.name) "." (method.name) } { (method.name) } }
                                }
                            }
                        }
                    }
                }
            }
            @if !package.messages.is_empty() {
                p.toc-section { a href={ "#" (section::MESSAGES) } { "Messages" } }
                ul { @for message in &package.messages { li { a href={ "#" (message.name) } { (message.name) } } } }
            }
            @if !package.enums.is_empty() {
                p.toc-section { a href={ "#" (section::ENUMS) } { "Enums" } }
                ul { @for enum_type in &package.enums { li { a href={ "#" (enum_type.name) } { (enum_type.name) } } } }
            }
            @if !package.extensions.is_empty() {
                p.toc-section { a href={ "#" (section::EXTENSIONS) } { "Extensions" } }
            }
            @if has_errors {
                p.toc-section { a href={ "#" (section::ERRORS) } { "Errors" } }
            }
        }
    }
}

struct PageContext<'a> {
    links: &'a Links,
    package: &'a str,
}

impl PageContext<'_> {
    fn description(&self, markdown: &str) -> Markup {
        if markdown.is_empty() {
            return html! {};
        }
        html! { div.doc { (PreEscaped(comment::to_html(markdown, self.links, self.package))) } }
    }

    /// A documented type as a link, named relative to this package when it is
    /// in it; other types as plain code.
    fn type_link(&self, full_name: &str) -> Markup {
        // Types of this package read as `Outer.Inner`; other packages' keep their full name.
        let shown = super::model::relative_name(full_name, self.package);
        match self.links.href(full_name, "html") {
            Some(href) => html! { a href=(href) title=(full_name) { code { (breakable(&shown)) } } },
            None => html! { code title=(full_name) { (breakable(&shown)) } },
        }
    }

    fn type_ref(&self, ty: &TypeRef) -> Markup {
        if ty.kind == "scalar" {
            html! { code { (ty.name) } }
        } else {
            self.type_link(&ty.name)
        }
    }

    fn field_type(&self, field: &Field) -> Markup {
        match &field.map_key {
            Some(key) => {
                html! { code { "map<" } (self.type_ref(key)) code { ", " } (self.type_ref(&field.ty)) code { ">" } }
            }
            None => self.type_ref(&field.ty),
        }
    }

    fn service(&self, service: &Service) -> Markup {
        html! {
            section.service #(service.name) {
                h3 { "service " (service.name) @if service.deprecated { " " span.badge.deprecated { "deprecated" } } }
                (self.description(&service.description))
                @for method in &service.methods { (self.method(service, method)) }
            }
        }
    }

    fn method(&self, service: &Service, method: &Method) -> Markup {
        html! {
            div.method id={ (service.name) "." (method.name) } {
                h4 {
                    (method.name)
                    @if method.deprecated { " " span.badge.deprecated { "deprecated" } }
                    @if let Some(level) = &method.idempotency { " " span.badge { (level) } }
                }
                p.signature {
                    code { "rpc " (method.name) "(" }
                    @if method.client_streaming { code.stream { "stream " } }
                    (self.type_link(&method.request))
                    code { ") returns (" }
                    @if method.server_streaming { code.stream { "stream " } }
                    (self.type_link(&method.response))
                    code { ")" }
                }
                @if !method.http.is_empty() { (self.http_routes(method)) }
                (self.description(&method.description))
            }
        }
    }

    fn http_routes(&self, method: &Method) -> Markup {
        let with_body = method.http.iter().any(|r| !r.body.is_empty() || !r.response_body.is_empty());
        let with_params = method.http.iter().any(|r| !r.path_params.is_empty());
        let with_openapi = method.http.iter().any(|r| r.openapi.is_some());
        html! {
            table.http {
                thead {
                    tr {
                        th { "HTTP" } th { "Path" }
                        @if with_body { th { "Body" } }
                        @if with_params { th { "Path parameters" } }
                        @if with_openapi { th { "OpenAPI" } }
                    }
                }
                tbody {
                    @for route in &method.http { (self.http_route(route, with_body, with_params, with_openapi)) }
                }
            }
        }
    }

    fn http_route(&self, route: &HttpRoute, with_body: bool, with_params: bool, with_openapi: bool) -> Markup {
        html! {
            tr {
                td { span.verb { (route.verb) } @if route.additional { " " span.badge { "additional" } } }
                td { code { (breakable(&route.path)) } }
                @if with_body {
                    td {
                        @match route.body.as_str() {
                            "" => {},
                            "*" => { "whole request" },
                            field => { code { (field) } },
                        }
                        @if !route.response_body.is_empty() { br; "response: " code { (route.response_body) } }
                    }
                }
                @if with_params {
                    td {
                        @for (i, param) in route.path_params.iter().enumerate() {
                            @if i > 0 { ", " }
                            @match param.field.as_deref().and_then(|f| self.links.href(f, "html")) {
                                Some(href) => { a href=(href) { code { (breakable(&param.field_path)) } } },
                                None => { code { (breakable(&param.field_path)) } },
                            }
                        }
                    }
                }
                @if with_openapi {
                    td {
                        @if let Some(operation) = &route.openapi {
                            a.openapi href=(operation.href(super::OPENAPI_FILE)) title="This operation in openapi.yaml" {
                                code { (breakable(&operation.operation_id)) }
                            }
                        }
                    }
                }
            }
        }
    }

    fn message(&self, message: &Message) -> Markup {
        let columns = FieldColumns::of(&message.fields);
        html! {
            section.message #(message.name) {
                h3 { "message " (breakable(&message.name)) @if message.deprecated { " " span.badge.deprecated { "deprecated" } } }
                (self.description(&message.description))
                @if message.fields.is_empty() {
                    p.empty { "No fields." }
                } @else {
                    table.fields {
                        thead {
                            tr {
                                th { "Field" } th { "Number" } th { "Type" }
                                @if columns.label { th { "Label" } }
                                @if columns.description { th { "Description" } }
                            }
                        }
                        tbody { @for field in &message.fields { (self.field_row(&message.name, field, columns)) } }
                    }
                }
            }
        }
    }

    fn field_row(&self, message_name: &str, field: &Field, columns: FieldColumns) -> Markup {
        html! {
            tr id={ (message_name) "." (field.name) } class=[field.deprecated.then_some("deprecated")] {
                td {
                    code.name { (breakable(&field.name)) }
                    @if field.json_name != field.name { br; small { "JSON: " code { (breakable(&field.json_name)) } } }
                }
                td.num { (field.number) }
                td { (self.field_type(field)) }
                @if columns.label {
                    td {
                        (field.label)
                        @if let Some(oneof) = &field.oneof { "oneof " code { (breakable(oneof)) } }
                    }
                }
                @if columns.description { td.desc { (self.field_notes(field)) (self.description(&field.description)) } }
            }
        }
    }

    fn field_notes(&self, field: &Field) -> Markup {
        html! {
            @if field.deprecated { span.badge.deprecated { "deprecated" } " " }
            @for behavior in &field.behaviors { span.badge.behavior { (behavior) } " " }
            @if let Some(default) = &field.default { span.note { "default: " code { (default) } } " " }
            @for constraint in &field.constraints { span.note { "constraints: " code { (constraint) } } " " }
        }
    }

    fn enum_type(&self, enum_type: &Enum) -> Markup {
        let with_description = enum_type.values.iter().any(|v| v.deprecated || !v.description.is_empty());
        html! {
            section.enum #(enum_type.name) {
                h3 { "enum " (breakable(&enum_type.name)) @if enum_type.deprecated { " " span.badge.deprecated { "deprecated" } } }
                (self.description(&enum_type.description))
                table.values {
                    thead { tr { th { "Name" } th { "Number" } @if with_description { th { "Description" } } } }
                    tbody {
                        @for value in &enum_type.values {
                            tr id=(enum_value_anchor(&enum_type.name, &value.name)) class=[value.deprecated.then_some("deprecated")] {
                                td { code.name { (breakable(&value.name)) } }
                                td.num { (value.number) }
                                @if with_description {
                                    td.desc {
                                        @if value.deprecated { span.badge.deprecated { "deprecated" } " " }
                                        (self.description(&value.description))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn extensions(&self, extensions: &[Field]) -> Markup {
        let with_description = FieldColumns::of(extensions).description;
        html! {
            table.fields {
                thead {
                    tr {
                        th { "Extension" } th { "Extends" } th { "Number" } th { "Type" }
                        @if with_description { th { "Description" } }
                    }
                }
                tbody {
                    @for extension in extensions {
                        tr id=(super::model::relative_name(&extension.full_name, self.package)) {
                            td { code.name { (extension.name) } }
                            td { @if let Some(extendee) = &extension.extendee { (self.type_link(extendee)) } }
                            td.num { (extension.number) }
                            td { (extension.label) " " (self.field_type(extension)) }
                            @if with_description {
                                td.desc { (self.field_notes(extension)) (self.description(&extension.description)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The optional columns of a field table: each shown only when some field has a value for it.
#[derive(Clone, Copy)]
pub(crate) struct FieldColumns {
    /// `repeated`, `optional`, a oneof…
    pub label: bool,
    /// Deprecation, behaviours, defaults, constraints or a comment.
    pub description: bool,
}

impl FieldColumns {
    pub(crate) fn of(fields: &[Field]) -> FieldColumns {
        FieldColumns {
            label: fields.iter().any(|f| !f.label.is_empty() || f.oneof.is_some()),
            description: fields.iter().any(|f| {
                f.deprecated
                    || !f.behaviors.is_empty()
                    || f.default.is_some()
                    || !f.constraints.is_empty()
                    || !f.description.is_empty()
            }),
        }
    }
}

/// One package of the search index: its page, its name, and per element the
/// anchor (which is also the name shown) and a kind letter.
#[derive(Serialize)]
struct IndexPackage<'a> {
    page: std::borrow::Cow<'a, str>,
    package: &'a str,
    kinds: String,
    names: Vec<String>,
}

/// `search-index.js`: the index as a script that sets `window.IDL_SEARCH_INDEX`.
pub fn search_index(model: &DocModel) -> String {
    use super::links::Kind;
    let packages: Vec<IndexPackage<'_>> = model
        .packages
        .iter()
        .map(|package| {
            let mut kinds = String::new();
            let mut names = Vec::new();
            let mut add = |kind: Kind, name: String| {
                kinds.push(kind.code());
                names.push(name);
            };
            for service in &package.services {
                add(Kind::Service, service.name.clone());
                for method in &service.methods {
                    add(Kind::Method, format!("{}.{}", service.name, method.name));
                }
            }
            for message in &package.messages {
                add(Kind::Message, message.name.clone());
                for field in &message.fields {
                    add(Kind::Field, format!("{}.{}", message.name, field.name));
                }
            }
            for enum_type in &package.enums {
                add(Kind::Enum, enum_type.name.clone());
                for value in &enum_type.values {
                    add(Kind::EnumValue, enum_value_anchor(&enum_type.name, &value.name));
                }
            }
            for extension in &package.extensions {
                add(Kind::Extension, super::model::relative_name(&extension.full_name, &package.name));
            }
            IndexPackage { page: page_stem(&package.name), package: &package.name, kinds, names }
        })
        .collect();
    let json = serde_json::to_string(&packages).unwrap_or_else(|_| "[]".into());
    format!("window.IDL_SEARCH_INDEX = {json};\n")
}
