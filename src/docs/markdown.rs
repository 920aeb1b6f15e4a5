//! The Markdown tree: `README.md` (the index) and one `<package>.md` per
//! package, linked with relative links. Every element gets an explicit
//! `<a id>` anchor, because hosts derive heading ids differently.

use std::fmt::Write as _;

use super::comment;
use super::html::display_package;
use super::links::{Links, enum_value_anchor, page_stem};
use super::model::{DocModel, Field, Method, Package, TypeRef, relative_name};

/// Text for a table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.trim().replace('|', "\\|").replace("\n\n", "<br><br>").replace('\n', " ")
}

/// Inline code that survives backticks in the text.
fn code(text: &str) -> String {
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

pub fn index_page(model: &DocModel) -> String {
    let mut out = String::from(
        "# API reference\n\n| Package | Services | Messages | Enums | Summary |\n|---|---:|---:|---:|---|\n",
    );
    for package in &model.packages {
        let deprecated = if package.deprecated { " (deprecated)" } else { "" };
        let _ = writeln!(
            out,
            "| [{}]({}.md){deprecated} | {} | {} | {} | {} |",
            code(display_package(&package.name)),
            page_stem(&package.name),
            package.services.len(),
            package.messages.len(),
            package.enums.len(),
            cell(&comment::summary(&package.description)),
        );
    }
    out
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
            cx.out.push_str("| Field | Number | Type | Label | Description |\n|---|---:|---|---|---|\n");
            for field in &message.fields {
                let anchor = format!("{}.{}", message.name, field.name);
                cx.field_row(&anchor, field);
            }
            cx.out.push('\n');
        }
    }
    if !package.enums.is_empty() {
        cx.out.push_str("## Enums\n\n");
        for enum_type in &package.enums {
            cx.heading(3, &enum_type.name, &format!("enum {}", enum_type.name), enum_type.deprecated);
            cx.paragraph(&enum_type.description);
            cx.out.push_str("| Name | Number | Description |\n|---|---:|---|\n");
            for value in &enum_type.values {
                let deprecated = if value.deprecated { "**Deprecated.** " } else { "" };
                let description = comment::to_markdown(&value.description, cx.links, cx.package);
                let _ = writeln!(
                    cx.out,
                    "| <a id=\"{}\"></a>{} | {} | {deprecated}{} |",
                    enum_value_anchor(&enum_type.name, &value.name),
                    code(&value.name),
                    value.number,
                    cell(&description)
                );
            }
            cx.out.push('\n');
        }
    }
    if !package.extensions.is_empty() {
        cx.out.push_str("<a id=\"section-extensions\"></a>\n\n## Extensions\n\n| Extension | Extends | Number | Type | Description |\n|---|---|---:|---|---|\n");
        for extension in &package.extensions {
            let extendee = extension.extendee.as_deref().map(|e| cx.type_link(e)).unwrap_or_default();
            let ty = format!("{} {}", extension.label, cx.field_type(extension));
            let notes = cx.field_notes(extension);
            let _ = writeln!(
                cx.out,
                "| <a id=\"{}\"></a>{} | {extendee} | {} | {} | {notes} |",
                relative_name(&extension.full_name, &package.name),
                code(&extension.name),
                extension.number,
                ty.trim(),
            );
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
        let description = comment::to_markdown(&field.description, self.links, self.package);
        if !description.is_empty() {
            notes.push(description);
        }
        cell(&notes.join(" "))
    }

    fn field_row(&mut self, anchor: &str, field: &Field) {
        let json =
            if field.json_name != field.name { format!("<br>JSON: {}", code(&field.json_name)) } else { String::new() };
        let label = match &field.oneof {
            Some(oneof) => format!("{} oneof {}", field.label, code(oneof)),
            None => field.label.to_string(),
        };
        let row = format!(
            "| <a id=\"{anchor}\"></a>{}{json} | {} | {} | {} | {} |",
            code(&field.name),
            field.number,
            self.field_type(field),
            label.trim(),
            self.field_notes(field),
        );
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
            self.out.push_str("| HTTP | Path | Body | Path parameters |\n|---|---|---|---|\n");
            for route in &method.http {
                let verb = if route.additional { format!("{} (additional)", route.verb) } else { route.verb.clone() };
                let mut body = match route.body.as_str() {
                    "" => String::new(),
                    "*" => "whole request".to_string(),
                    field => code(field),
                };
                if !route.response_body.is_empty() {
                    let _ = write!(body, " response: {}", code(&route.response_body));
                }
                let params: Vec<String> = route
                    .path_params
                    .iter()
                    .map(|p| match p.field.as_deref().and_then(|f| self.links.href(f, "md")) {
                        Some(href) => format!("[{}]({href})", code(&p.field_path)),
                        None => code(&p.field_path),
                    })
                    .collect();
                let _ = writeln!(
                    self.out,
                    "| {} | {} | {} | {} |",
                    cell(&verb),
                    cell(&code(&route.path)),
                    body.trim(),
                    params.join(", ")
                );
            }
            self.out.push('\n');
        }
        self.paragraph(&method.description);
    }
}
