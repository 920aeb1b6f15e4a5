//! The Markdown tree: `README.md` (the index) and one `<package>.md` per
//! package, linked with relative links. Every element gets an explicit
//! `<a id>` anchor, because hosts derive heading ids differently.

use std::fmt::Write as _;

use super::comment::{self, MarkdownContext};
use super::html::FieldColumns;
use super::html::display_package;
use super::links::{ERROR_CODES_STEM, Links, enum_value_anchor, page_stem};
use super::model::{DocModel, Field, Method, Package, TypeRef, relative_name};

/// Text for a table cell: one line, pipes escaped (public for the
/// `docs_markdown` fuzz target, which renders comments in a cell as pages do).
pub fn cell(text: &str) -> String {
    // A lone carriage return ends a Markdown line (and the table row) too.
    let text = text.trim().replace("\r\n", "\n").replace('\r', "\n");
    text.replace('|', "\\|").replace("\n\n", "<br><br>").replace('\n', " ")
}

/// Inline code that survives backticks in the text.
fn code(text: &str) -> String {
    comment::inline_code(text)
}

/// How many of something a package has, for a column of the index.
type Count = dyn Fn(&Package) -> usize;

/// `README.md`: every package with its counts and summary; a column no package
/// has a value for is left out, as on the site.
pub fn index_page(model: &DocModel, has_errors: bool) -> String {
    let count = |f: &Count| model.packages.iter().map(f).sum::<usize>();
    let columns: [(&str, &Count); 4] = [
        ("Services", &|p| p.services.len()),
        ("Messages", &|p| p.messages.len()),
        ("Enums", &|p| p.enums.len()),
        ("Errors", &|p| p.errors.len()),
    ];
    let shown: Vec<_> = columns.iter().filter(|(_, f)| count(f) > 0).collect();
    let with_summary = model.packages.iter().any(|p| !p.summary.is_empty());
    let mut out = String::from("# API reference\n\n");
    if has_errors {
        let _ = writeln!(out, "[Error codes]({ERROR_CODES_STEM}.md) of every package.\n");
    }
    out.push_str("| Package |");
    for (name, _) in &shown {
        let _ = write!(out, " {name} |");
    }
    if with_summary {
        out.push_str(" Summary |");
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(shown.len()));
    if with_summary {
        out.push_str("---|");
    }
    out.push('\n');
    for package in &model.packages {
        let deprecated = if package.deprecated { " (deprecated)" } else { "" };
        let _ =
            write!(out, "| [{}]({}.md){deprecated} |", code(display_package(&package.name)), page_stem(&package.name));
        for (_, f) in &shown {
            let _ = write!(out, " {} |", f(package));
        }
        if with_summary {
            // The summary is plain text (entities decoded): every character
            // Markdown or HTML would read is escaped again.
            let _ = write!(out, " {} |", comment::plain_text_markdown(&package.summary));
        }
        out.push('\n');
    }
    out
}

/// `error-codes.md`: `idl errors --format markdown` of the whole model.
pub fn error_codes_page(model: &DocModel) -> String {
    let table = crate::errors::ErrorTable {
        rows: model.packages.iter().flat_map(|p| p.errors.iter().cloned()).collect(),
        enums: Vec::new(),
        locales: {
            let mut locales: Vec<String> =
                model.packages.iter().flat_map(|p| &p.errors).flat_map(|r| r.locales.keys().cloned()).collect();
            locales.sort();
            locales.dedup();
            locales
        },
    };
    let text = crate::errors::render::markdown(&table);
    match text.split_once('\n') {
        Some((title, rest)) => format!("{title}\n\n[API reference](README.md)\n{rest}"),
        None => text,
    }
}

struct PageContext<'a> {
    links: &'a Links,
    package: &'a str,
    out: String,
}

pub fn package_page(package: &Package, links: &Links, errors_markdown: Option<&str>) -> String {
    let mut cx = PageContext { links, package: &package.name, out: String::new() };
    let _ = writeln!(cx.out, "# Package {}\n\n[API reference](README.md)\n", code(display_package(&package.name)));
    if package.deprecated {
        cx.out.push_str("**Deprecated.**\n\n");
    }
    cx.paragraph(&package.description);
    let files: Vec<String> = package.files.iter().map(|f| code(f)).collect();
    let _ = writeln!(cx.out, "Files: {}\n", files.join(", "));
    cx.contents(package, errors_markdown.is_some());
    if !package.services.is_empty() {
        cx.out.push_str("## Services\n\n");
        for service in &package.services {
            cx.heading(3, &service.name, &format!("service {}", service.name), service.deprecated);
            cx.paragraph(&service.description);
            for method in &service.methods {
                cx.method(&service.name, method);
            }
        }
    }
    if !package.messages.is_empty() {
        cx.out.push_str("## Messages\n\n");
        for message in &package.messages {
            cx.heading(3, &message.name, &format!("message {}", message.name), message.deprecated);
            cx.paragraph(&message.description);
            if message.fields.is_empty() {
                cx.out.push_str("No fields.\n\n");
                continue;
            }
            let columns = FieldColumns::of(&message.fields);
            cx.out.push_str("| Field | Number | Type |");
            if columns.label {
                cx.out.push_str(" Label |");
            }
            if columns.description {
                cx.out.push_str(" Description |");
            }
            cx.out.push_str("\n|---|---:|---|");
            cx.out.push_str(&"---|".repeat(usize::from(columns.label) + usize::from(columns.description)));
            cx.out.push('\n');
            for field in &message.fields {
                let anchor = format!("{}.{}", message.name, field.name);
                cx.field_row(&anchor, field, columns);
            }
            cx.out.push('\n');
        }
    }
    if !package.enums.is_empty() {
        cx.out.push_str("## Enums\n\n");
        for enum_type in &package.enums {
            cx.heading(3, &enum_type.name, &format!("enum {}", enum_type.name), enum_type.deprecated);
            cx.paragraph(&enum_type.description);
            let with_description = enum_type.values.iter().any(|v| v.deprecated || !v.description.is_empty());
            cx.out.push_str(if with_description {
                "| Name | Number | Description |\n|---|---:|---|\n"
            } else {
                "| Name | Number |\n|---|---:|\n"
            });
            for value in &enum_type.values {
                let _ = write!(
                    cx.out,
                    "| <a id=\"{}\"></a>{} | {} |",
                    enum_value_anchor(&enum_type.name, &value.name),
                    code(&value.name),
                    value.number,
                );
                if with_description {
                    let deprecated = if value.deprecated { "**Deprecated.** " } else { "" };
                    let description =
                        comment::to_markdown_in(&value.description, cx.links, cx.package, MarkdownContext::Cell);
                    let _ = write!(cx.out, " {deprecated}{} |", cell(&description));
                }
                cx.out.push('\n');
            }
            cx.out.push('\n');
        }
    }
    if !package.extensions.is_empty() {
        let with_description = FieldColumns::of(&package.extensions).description;
        cx.out
            .push_str("<a id=\"section-extensions\"></a>\n\n## Extensions\n\n| Extension | Extends | Number | Type |");
        cx.out.push_str(if with_description {
            " Description |\n|---|---|---:|---|---|\n"
        } else {
            "\n|---|---|---:|---|\n"
        });
        for extension in &package.extensions {
            let extendee = extension.extendee.as_deref().map(|e| cx.type_link(e)).unwrap_or_default();
            let ty = format!("{} {}", extension.label, cx.field_type(extension));
            let _ = write!(
                cx.out,
                "| <a id=\"{}\"></a>{} | {extendee} | {} | {} |",
                relative_name(&extension.full_name, &package.name),
                code(&extension.name),
                extension.number,
                ty.trim(),
            );
            if with_description {
                let _ = write!(cx.out, " {} |", cx.field_notes(extension));
            }
            cx.out.push('\n');
        }
        cx.out.push('\n');
    }
    if let Some(errors) = errors_markdown {
        cx.out.push_str("<a id=\"section-errors\"></a>\n\n## Errors\n\n");
        cx.out.push_str(errors.trim());
        cx.out.push('\n');
    }
    cx.out
}

impl PageContext<'_> {
    fn heading(&mut self, level: usize, anchor: &str, text: &str, deprecated: bool) {
        let deprecated = if deprecated { " (deprecated)" } else { "" };
        let _ = writeln!(self.out, "<a id=\"{anchor}\"></a>\n\n{} {text}{deprecated}\n", "#".repeat(level));
    }

    fn paragraph(&mut self, markdown: &str) {
        let text = comment::to_markdown(markdown, self.links, self.package);
        if !text.is_empty() {
            self.out.push_str(&text);
            self.out.push_str("\n\n");
        }
    }

    fn contents(&mut self, package: &Package, has_errors: bool) {
        self.out.push_str("## Contents\n\n");
        for service in &package.services {
            let _ = writeln!(self.out, "- service [{}](#{})", service.name, service.name);
            for method in &service.methods {
                let _ = writeln!(self.out, "  - [{}](#{}.{})", method.name, service.name, method.name);
            }
        }
        for message in &package.messages {
            let _ = writeln!(self.out, "- message [{}](#{})", message.name, message.name);
        }
        for enum_type in &package.enums {
            let _ = writeln!(self.out, "- enum [{}](#{})", enum_type.name, enum_type.name);
        }
        if !package.extensions.is_empty() {
            self.out.push_str("- [Extensions](#section-extensions)\n");
        }
        if has_errors {
            self.out.push_str("- [Errors](#section-errors)\n");
        }
        self.out.push('\n');
    }

    fn type_link(&self, full_name: &str) -> String {
        let shown = code(&relative_name(full_name, self.package));
        match self.links.href(full_name, "md") {
            Some(href) => format!("[{shown}]({href})"),
            None => shown,
        }
    }

    fn type_ref(&self, ty: &TypeRef) -> String {
        if ty.kind == "scalar" { code(&ty.name) } else { self.type_link(&ty.name) }
    }

    fn field_type(&self, field: &Field) -> String {
        match &field.map_key {
            Some(key) => format!("map<{}, {}>", self.type_ref(key), self.type_ref(&field.ty)),
            None => self.type_ref(&field.ty),
        }
    }

    fn field_notes(&self, field: &Field) -> String {
        let mut notes = Vec::new();
        if field.deprecated {
            notes.push("**Deprecated.**".to_string());
        }
        if !field.behaviors.is_empty() {
            notes.push(field.behaviors.iter().map(|b| code(b)).collect::<Vec<_>>().join(" "));
        }
        if let Some(default) = &field.default {
            notes.push(format!("Default: {}.", code(default)));
        }
        for constraint in &field.constraints {
            notes.push(format!("Constraints: {}.", code(constraint)));
        }
        let description = comment::to_markdown_in(&field.description, self.links, self.package, MarkdownContext::Cell);
        if !description.is_empty() {
            notes.push(description);
        }
        cell(&notes.join(" "))
    }

    fn field_row(&mut self, anchor: &str, field: &Field, columns: FieldColumns) {
        let json =
            if field.json_name != field.name { format!("<br>JSON: {}", code(&field.json_name)) } else { String::new() };
        let label = match &field.oneof {
            Some(oneof) => format!("{} oneof {}", field.label, code(oneof)),
            None => field.label.to_string(),
        };
        let mut row = format!(
            "| <a id=\"{anchor}\"></a>{}{json} | {} | {} |",
            code(&field.name),
            field.number,
            self.field_type(field),
        );
        if columns.label {
            let _ = write!(row, " {} |", label.trim());
        }
        if columns.description {
            let _ = write!(row, " {} |", self.field_notes(field));
        }
        self.out.push_str(&row);
        self.out.push('\n');
    }

    fn method(&mut self, service: &str, method: &Method) {
        let mut text = format!("{}{}", method.name, if method.deprecated { " (deprecated)" } else { "" });
        if let Some(level) = &method.idempotency {
            let _ = write!(text, " {}", code(level));
        }
        let _ = writeln!(self.out, "<a id=\"{service}.{}\"></a>\n\n#### {text}\n", method.name);
        let stream = |on: bool| if on { "stream " } else { "" };
        let _ = writeln!(
            self.out,
            "`rpc {}(`{}{}`) returns (`{}{}`)`\n",
            method.name,
            stream(method.client_streaming),
            self.type_link(&method.request),
            stream(method.server_streaming),
            self.type_link(&method.response),
        );
        if !method.http.is_empty() {
            let with_body = method.http.iter().any(|r| !r.body.is_empty() || !r.response_body.is_empty());
            let with_params = method.http.iter().any(|r| !r.path_params.is_empty());
            self.out.push_str("| HTTP | Path |");
            if with_body {
                self.out.push_str(" Body |");
            }
            if with_params {
                self.out.push_str(" Path parameters |");
            }
            self.out.push_str("\n|---|---|");
            self.out.push_str(&"---|".repeat(usize::from(with_body) + usize::from(with_params)));
            self.out.push('\n');
            for route in &method.http {
                let verb = if route.additional { format!("{} (additional)", route.verb) } else { route.verb.clone() };
                let _ = write!(self.out, "| {} | {} |", cell(&verb), cell(&code(&route.path)));
                if with_body {
                    let mut body = match route.body.as_str() {
                        "" => String::new(),
                        "*" => "whole request".to_string(),
                        field => code(field),
                    };
                    if !route.response_body.is_empty() {
                        let _ = write!(body, " response: {}", code(&route.response_body));
                    }
                    let _ = write!(self.out, " {} |", cell(&body));
                }
                if with_params {
                    let params: Vec<String> = route
                        .path_params
                        .iter()
                        .map(|p| match p.field.as_deref().and_then(|f| self.links.href(f, "md")) {
                            Some(href) => format!("[{}]({href})", code(&p.field_path)),
                            None => code(&p.field_path),
                        })
                        .collect();
                    let _ = write!(self.out, " {} |", params.join(", "));
                }
                self.out.push('\n');
            }
            self.out.push('\n');
        }
        self.paragraph(&method.description);
    }
}
