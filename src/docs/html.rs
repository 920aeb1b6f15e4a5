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
use super::links::{Links, enum_value_anchor, page_stem, section};
use super::model::{DocModel, Enum, Field, HttpRoute, Message, Method, Package, Service, TypeRef};

pub const STYLE: &str = include_str!("assets/style.css");
pub const SEARCH_SCRIPT: &str = include_str!("assets/search.js");

/// The site's fixed files: name and content.
pub fn assets() -> [(&'static str, &'static str); 2] {
    [("style.css", STYLE), ("search.js", SEARCH_SCRIPT)]
}

fn page(title: &str, body: Markup) -> String {
    html! {
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
                }
                div #search-results hidden {}
                (body)
            }
        }
    }
    .into_string()
}

/// `index.html`: every package with its counts and summary.
pub fn index_page(model: &DocModel) -> String {
    let services: usize = model.packages.iter().map(|p| p.services.len()).sum();
    let methods: usize = model.packages.iter().flat_map(|p| &p.services).map(|s| s.methods.len()).sum();
    let messages: usize = model.packages.iter().map(|p| p.messages.len()).sum();
    let enums: usize = model.packages.iter().map(|p| p.enums.len()).sum();
    let body = html! {
        main.index {
            h1 { "API reference" }
            p.counts {
                (model.packages.len()) " packages, " (services) " services, " (methods) " methods, "
                (messages) " messages, " (enums) " enums."
            }
            table.packages {
                thead { tr { th { "Package" } th { "Services" } th { "Messages" } th { "Enums" } th { "Summary" } } }
                tbody {
                    @for package in &model.packages {
                        tr {
                            td {
                                a href={ (page_stem(&package.name)) ".html" } { code { (display_package(&package.name)) } }
                                @if package.deprecated { " " span.badge.deprecated { "deprecated" } }
                            }
                            td.num { (package.services.len()) }
                            td.num { (package.messages.len()) }
                            td.num { (package.enums.len()) }
                            td { (comment::summary(&package.description)) }
                        }
                    }
                }
            }
        }
    };
    page("API reference", body)
}

pub fn display_package(name: &str) -> &str {
    if name.is_empty() { "(no package)" } else { name }
}

/// One package's page; `errors_html` is its error table, when it has one.
pub fn package_page(package: &Package, links: &Links, errors_html: Option<&str>) -> String {
    let cx = PageContext { links, package: &package.name };
    let body = html! {
        div.layout {
            nav.toc aria-label="Contents" {
                (toc(package, errors_html.is_some()))
            }
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
        }
    };
    page(&format!("{} — API reference", display_package(&package.name)), body)
}

fn toc(package: &Package, has_errors: bool) -> Markup {
    html! {
        p.toc-package { a href="#" { code { (display_package(&package.name)) } } }
        @if !package.services.is_empty() {
            h2 { a href={ "#" (section::SERVICES) } { "Services" } }
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
            h2 { a href={ "#" (section::MESSAGES) } { "Messages" } }
            ul { @for message in &package.messages { li { a href={ "#" (message.name) } { (message.name) } } } }
        }
        @if !package.enums.is_empty() {
            h2 { a href={ "#" (section::ENUMS) } { "Enums" } }
            ul { @for enum_type in &package.enums { li { a href={ "#" (enum_type.name) } { (enum_type.name) } } } }
        }
        @if !package.extensions.is_empty() {
            h2 { a href={ "#" (section::EXTENSIONS) } { "Extensions" } }
        }
        @if has_errors {
            h2 { a href={ "#" (section::ERRORS) } { "Errors" } }
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
            Some(href) => html! { a href=(href) title=(full_name) { code { (shown) } } },
            None => html! { code title=(full_name) { (shown) } },
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
        html! {
            table.http {
                thead { tr { th { "HTTP" } th { "Path" } th { "Body" } th { "Path parameters" } } }
                tbody {
                    @for route in &method.http { (self.http_route(route)) }
                }
            }
        }
    }

    fn http_route(&self, route: &HttpRoute) -> Markup {
        html! {
            tr {
                td { span.verb { (route.verb) } @if route.additional { " " span.badge { "additional" } } }
                td { code { (route.path) } }
                td {
                    @match route.body.as_str() {
                        "" => {},
                        "*" => { "whole request" },
                        field => { code { (field) } },
                    }
                    @if !route.response_body.is_empty() { br; "response: " code { (route.response_body) } }
                }
                td {
                    @for (i, param) in route.path_params.iter().enumerate() {
                        @if i > 0 { ", " }
                        @match param.field.as_deref().and_then(|f| self.links.href(f, "html")) {
                            Some(href) => { a href=(href) { code { (param.field_path) } } },
                            None => { code { (param.field_path) } },
                        }
                    }
                }
            }
        }
    }

    fn message(&self, message: &Message) -> Markup {
        html! {
            section.message #(message.name) {
                h3 { "message " (message.name) @if message.deprecated { " " span.badge.deprecated { "deprecated" } } }
                (self.description(&message.description))
                @if message.fields.is_empty() {
                    p.empty { "No fields." }
                } @else {
                    table.fields {
                        thead { tr { th { "Field" } th { "Number" } th { "Type" } th { "Label" } th { "Description" } } }
                        tbody { @for field in &message.fields { (self.field_row(&message.name, field)) } }
                    }
                }
            }
        }
    }

    fn field_row(&self, message_name: &str, field: &Field) -> Markup {
        html! {
            tr id={ (message_name) "." (field.name) } class=[field.deprecated.then_some("deprecated")] {
                td {
                    code.name { (field.name) }
                    @if field.json_name != field.name { br; small { "JSON: " code { (field.json_name) } } }
                }
                td.num { (field.number) }
                td { (self.field_type(field)) }
                td {
                    (field.label)
                    @if let Some(oneof) = &field.oneof { "oneof " code { (oneof) } }
                }
                td { (self.field_notes(field)) (self.description(&field.description)) }
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
        html! {
            section.enum #(enum_type.name) {
                h3 { "enum " (enum_type.name) @if enum_type.deprecated { " " span.badge.deprecated { "deprecated" } } }
                (self.description(&enum_type.description))
                table.values {
                    thead { tr { th { "Name" } th { "Number" } th { "Description" } } }
                    tbody {
                        @for value in &enum_type.values {
                            tr id=(enum_value_anchor(&enum_type.name, &value.name)) class=[value.deprecated.then_some("deprecated")] {
                                td { code.name { (value.name) } }
                                td.num { (value.number) }
                                td {
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

    fn extensions(&self, extensions: &[Field]) -> Markup {
        html! {
            table.fields {
                thead { tr { th { "Extension" } th { "Extends" } th { "Number" } th { "Type" } th { "Description" } } }
                tbody {
                    @for extension in extensions {
                        tr id=(super::model::relative_name(&extension.full_name, self.package)) {
                            td { code.name { (extension.name) } }
                            td { @if let Some(extendee) = &extension.extendee { (self.type_link(extendee)) } }
                            td.num { (extension.number) }
                            td { (extension.label) " " (self.field_type(extension)) }
                            td { (self.field_notes(extension)) (self.description(&extension.description)) }
                        }
                    }
                }
            }
        }
    }
}

/// One package of the search index: its page, its name, and per element the
/// anchor (which is also the name shown) and a kind letter.
#[derive(Serialize)]
struct IndexPackage<'a> {
    page: &'a str,
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
