//! The table in every format, all from the same rows.

use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::Diagnostic;

use super::{ErrorRow, ErrorTable, SCHEMA_VERSION};

/// UTF-8 byte order mark, for spreadsheet apps that guess the encoding otherwise.
pub const BOM: &str = "\u{feff}";

fn http_cell(row: &ErrorRow) -> String {
    match (row.http_status, row.http_source) {
        (Some(status), Some("value")) | (Some(status), None) => status.to_string(),
        (Some(status), Some(source)) => format!("{status} ({})", source.replace('_', " ")),
        _ => String::new(),
    }
}

fn biz_cell(row: &ErrorRow) -> String {
    match (row.biz_code, row.biz_source) {
        (Some(code), Some("option")) | (Some(code), None) => code.to_string(),
        (Some(code), Some(source)) => format!("{code} ({source})"),
        (None, _) => String::new(),
    }
}

fn grpc_cell(row: &ErrorRow) -> String {
    match row.grpc_code {
        Some(code) if row.lossy => format!("{code} (lossy: {})", row.round_trip.as_deref().unwrap_or("")),
        Some(code) => code.to_string(),
        None => String::new(),
    }
}

/// Text for a Markdown table cell. Brackets are escaped too: `[x](javascript:…)`
/// in a message must not become a link where the page is rendered.
fn md_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('|', "\\|")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br>")
}

/// One section per package, one row per error value.
pub fn markdown(table: &ErrorTable) -> String {
    let mut out = String::from("# Error codes\n");
    if table.rows.is_empty() {
        out.push_str("\nNo error enums found.\n");
        return out;
    }
    // Packages in the order their first error appears (a package may span files).
    let mut packages: Vec<&str> = Vec::new();
    for row in &table.rows {
        if !packages.contains(&row.package.as_str()) {
            packages.push(&row.package);
        }
    }
    for package in packages {
        let _ = write!(out, "\n## {}\n\n", if package.is_empty() { "(no package)" } else { package });
        let rows: Vec<&ErrorRow> = table.rows.iter().filter(|r| r.package == package).collect();
        markdown_rows(&mut out, table, &rows);
    }
    let mut coded: Vec<&ErrorRow> = table.rows.iter().filter(|r| r.biz_code.is_some()).collect();
    if !coded.is_empty() {
        // The platform-wide catalogue: every business code once, in order.
        coded.sort_by_key(|r| (r.biz_code, r.id.as_str()));
        out.push_str(
            "\n## Index by business code\n\n| Code | Reason | Package | HTTP | gRPC |\n|---|---|---|---|---|\n",
        );
        for row in coded {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} |",
                row.biz_code.unwrap_or_default(),
                row.reason,
                md_escape(&row.package),
                row.http_status.map(|s| s.to_string()).unwrap_or_default(),
                row.grpc_code.unwrap_or("")
            );
        }
    }
    out
}

/// One package's error table as a Markdown fragment (no heading), for the docs
/// site; empty when the package declares no errors.
pub fn package_markdown(package: &str, table: &ErrorTable) -> String {
    let rows: Vec<&ErrorRow> = table.rows.iter().filter(|r| r.package == package).collect();
    let mut out = String::new();
    if !rows.is_empty() {
        markdown_rows(&mut out, table, &rows);
    }
    out
}

/// The table header and `rows`, with a column only where some row has a value.
fn markdown_rows(out: &mut String, table: &ErrorTable, rows: &[&ErrorRow]) {
    let with_biz = rows.iter().any(|r| r.biz_code.is_some());
    let with_metadata = rows.iter().any(|r| !r.metadata_keys.is_empty());
    let with_domain = rows.iter().any(|r| r.domain != r.package);
    let locales: Vec<&String> =
        table.locales.iter().filter(|l| rows.iter().any(|r| r.locales.contains_key(*l))).collect();
    {
        {
            out.push_str("| Reason |");
            if with_biz {
                out.push_str(" Code |");
            }
            if with_domain {
                out.push_str(" Domain |");
            }
            out.push_str(" HTTP | gRPC | Message |");
            for locale in &locales {
                let _ = write!(out, " {} |", md_escape(locale));
            }
            if with_metadata {
                out.push_str(" Metadata |");
            }
            out.push_str(" Enum | Source |\n|---|");
            let extra = usize::from(with_biz) + usize::from(with_domain) + usize::from(with_metadata);
            out.push_str(&"---|".repeat(extra + 3 + locales.len() + 2));
            out.push('\n');
        }
    }
    for row in rows {
        let reason =
            if row.deprecated { format!("~~`{}`~~ (deprecated)", row.reason) } else { format!("`{}`", row.reason) };
        let _ = write!(out, "| {reason} |");
        if with_biz {
            let _ = write!(out, " {} |", biz_cell(row));
        }
        if with_domain {
            let _ = write!(out, " {} |", md_escape(&row.domain));
        }
        let _ = write!(out, " {} | {} | {} |", http_cell(row), grpc_cell(row), md_escape(&row.message));
        for locale in &locales {
            let _ = write!(out, " {} |", md_escape(row.locales.get(*locale).map_or("", String::as_str)));
        }
        if with_metadata {
            let keys: Vec<String> = row.metadata_keys.iter().map(|k| format!("`{}`", md_escape(k))).collect();
            let _ = write!(out, " {} |", keys.join(", "));
        }
        let short_enum = row.enum_name.strip_prefix(&format!("{}.", row.package)).unwrap_or(&row.enum_name);
        let _ = writeln!(out, " {short_enum} = {} | {}:{} |", row.number, md_escape(&row.file), row.line);
    }
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    schema_version: u32,
    locales: &'a [String],
    errors: &'a [ErrorRow],
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    path: &'a str,
    line: Option<u32>,
}

/// `{"schema_version", "locales", "errors": [...], "diagnostics": [...]}`.
pub fn json(table: &ErrorTable, diags: &[Diagnostic]) -> String {
    let doc = JsonDoc {
        schema_version: SCHEMA_VERSION,
        locales: &table.locales,
        errors: &table.rows,
        diagnostics: diags
            .iter()
            .map(|d| JsonDiagnostic {
                rule: &d.rule,
                severity: d.severity.as_str(),
                message: &d.message,
                path: &d.path,
                line: d.span.map(|s| s.start.line),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// The CSV columns, locale columns after `description`.
fn csv_header(table: &ErrorTable) -> Vec<String> {
    let mut header: Vec<String> = [
        "id",
        "reason",
        "domain",
        "biz_code",
        "biz_source",
        "http_status",
        "http_source",
        "grpc_code",
        "grpc_lossy",
        "round_trip",
        "message",
        "description",
    ]
    .map(String::from)
    .to_vec();
    header.extend(table.locales.iter().map(|l| format!("i18n.{l}")));
    header.extend(["metadata_keys", "deprecated", "enum", "number", "package", "location"].map(String::from));
    header
}

fn csv_cells(table: &ErrorTable, row: &ErrorRow) -> Vec<String> {
    let mut cells = vec![
        row.id.clone(),
        row.reason.clone(),
        row.domain.clone(),
        row.biz_code.map(|c| c.to_string()).unwrap_or_default(),
        row.biz_source.unwrap_or("").to_string(),
        row.http_status.map(|c| c.to_string()).unwrap_or_default(),
        row.http_source.unwrap_or("").to_string(),
        row.grpc_code.unwrap_or("").to_string(),
        row.lossy.to_string(),
        row.round_trip.clone().unwrap_or_default(),
        row.message.clone(),
        row.description.clone(),
    ];
    cells.extend(table.locales.iter().map(|l| row.locales.get(l).cloned().unwrap_or_default()));
    cells.extend([
        row.metadata_keys.join(" "),
        row.deprecated.to_string(),
        row.enum_name.clone(),
        row.number.to_string(),
        row.package.clone(),
        format!("{}:{}", row.file, row.line),
    ]);
    cells
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// RFC 4180: CRLF line ends, fields quoted when they hold `,`, `"` or a line break.
pub fn csv(table: &ErrorTable, bom: bool) -> String {
    let mut out = String::new();
    if bom {
        out.push_str(BOM);
    }
    let mut line = |cells: Vec<String>| {
        out.push_str(&cells.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    };
    line(csv_header(table));
    for row in &table.rows {
        line(csv_cells(table, row));
    }
    out
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escaped text with a line-break opportunity (`<wbr>`) after each `.`, `/` and
/// `_`, and between the humps of a camelCase word: long names, JSON names and
/// paths wrap at their seams inside a table cell instead of widening the table
/// or breaking mid-word.
pub fn html_breakable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut previous = ' ';
    for c in text.chars() {
        if c.is_ascii_uppercase() && previous.is_ascii_lowercase() {
            out.push_str("<wbr>");
        }
        previous = c;
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '.' | '/' | '_' => {
                out.push(c);
                out.push_str("<wbr>");
            }
            _ => out.push(c),
        }
    }
    out
}

const HTML_HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Error codes</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
td { overflow-wrap: break-word; }
td.desc { overflow-wrap: anywhere; }
th { background: #f3f3f3; position: sticky; top: 0; }
tr.deprecated td { color: #888; text-decoration: line-through; }
td.lossy { background: #fff4d6; }
#filter { width: 100%; max-width: 40em; padding: 6px; margin-bottom: 1em; font-size: 1em; }
code { font-size: 0.95em; }
</style>
</head>
<body>
<h1>Error codes</h1>
<input id="filter" type="search" placeholder="Filter by reason, code, message, package…" autofocus>
"#;

const HTML_TAIL: &str = r##"<script>
document.getElementById("filter").addEventListener("input", function (event) {
  var needle = event.target.value.toLowerCase();
  document.querySelectorAll("#errors tbody tr").forEach(function (row) {
    row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
  });
});
</script>
</body>
</html>
"##;

/// One self-contained page: the table, a filter box, no external resources.
pub fn html(table: &ErrorTable) -> String {
    let mut out = String::from(HTML_HEAD);
    let rows: Vec<&ErrorRow> = table.rows.iter().collect();
    let columns = HtmlColumns { package: true, enum_href: None };
    html_table(&mut out, "id=\"errors\"", &table.locales, &rows, &columns);
    out.push_str(HTML_TAIL);
    out
}

/// Where a row's enum value is documented (a docs site's `page.html#Enum.VALUE`).
pub type EnumHref<'a> = &'a (dyn Fn(&ErrorRow) -> Option<String> + Sync);

/// What an HTML table shows beyond the columns that have a value in some row.
pub struct HtmlColumns<'a> {
    /// A Package column (left out of a single package's table).
    pub package: bool,
    /// Links each row's Enum cell to its documentation.
    pub enum_href: Option<EnumHref<'a>>,
}

/// One package's error table as an HTML fragment (a `<table class="idl-errors">`,
/// no script or style, no Package column), for the docs site; empty when the
/// package declares no errors. Each row's `id` is the error's id, for links.
pub fn package_html(package: &str, table: &ErrorTable, enum_href: Option<EnumHref<'_>>) -> String {
    let rows: Vec<&ErrorRow> = table.rows.iter().filter(|r| r.package == package).collect();
    let mut out = String::new();
    if !rows.is_empty() {
        let locales: Vec<String> =
            table.locales.iter().filter(|l| rows.iter().any(|r| r.locales.contains_key(*l))).cloned().collect();
        html_table(&mut out, "class=\"idl-errors\"", &locales, &rows, &HtmlColumns { package: false, enum_href });
    }
    out
}

/// Every row of `table` as one HTML fragment (a `<table class="idl-errors">`
/// with a Package column), for a site-wide error page.
pub fn site_html(table: &ErrorTable, enum_href: Option<EnumHref<'_>>) -> String {
    let rows: Vec<&ErrorRow> = table.rows.iter().collect();
    let mut out = String::new();
    if !rows.is_empty() {
        html_table(&mut out, "class=\"idl-errors\"", &table.locales, &rows, &HtmlColumns { package: true, enum_href });
    }
    out
}

/// The table, with a column only where some row has a value (the Domain column
/// only where a domain differs from its package, as in Markdown).
fn html_table(out: &mut String, attributes: &str, locales: &[String], rows: &[&ErrorRow], columns: &HtmlColumns<'_>) {
    let any = |has: &dyn Fn(&ErrorRow) -> bool| rows.iter().any(|r| has(r));
    let with_biz = any(&|r| r.biz_code.is_some());
    let with_domain = any(&|r| r.domain != r.package);
    let with_http = any(&|r| r.http_status.is_some());
    let with_grpc = any(&|r| r.grpc_code.is_some());
    let with_message = any(&|r| !r.message.is_empty());
    let with_metadata = any(&|r| !r.metadata_keys.is_empty());
    // A description that only repeats the message (Kratos and Ego take the
    // message from the comment) is not shown twice.
    let own_description = |r: &ErrorRow| !r.description.is_empty() && r.description.trim() != r.message.trim();
    let with_description = any(&own_description);
    let locales: Vec<&String> = locales.iter().filter(|l| rows.iter().any(|r| r.locales.contains_key(*l))).collect();
    let _ = write!(out, "<table {attributes}>\n<thead><tr><th>Reason</th>");
    for (shown, name) in [
        (with_biz, "Code"),
        (with_domain, "Domain"),
        (with_http, "HTTP"),
        (with_grpc, "gRPC"),
        (with_message, "Message"),
    ] {
        if shown {
            let _ = write!(out, "<th>{name}</th>");
        }
    }
    for locale in &locales {
        let _ = write!(out, "<th>{}</th>", html_escape(locale));
    }
    for (shown, name) in [(with_metadata, "Metadata"), (with_description, "Description"), (true, "Enum")] {
        if shown {
            let _ = write!(out, "<th>{name}</th>");
        }
    }
    if columns.package {
        out.push_str("<th>Package</th>");
    }
    out.push_str("<th>Source</th></tr></thead>\n<tbody>\n");
    for row in rows {
        let class = if row.deprecated { " class=\"deprecated\"" } else { "" };
        let _ = write!(out, "<tr id=\"{}\"{class}>", html_escape(&row.id));
        let _ = write!(out, "<td><code>{}</code></td>", html_escape(&row.reason));
        if with_biz {
            let _ = write!(out, "<td>{}</td>", html_escape(&biz_cell(row)));
        }
        if with_domain {
            let _ = write!(out, "<td>{}</td>", html_escape(&row.domain));
        }
        if with_http {
            let _ = write!(out, "<td>{}</td>", html_escape(&http_cell(row)));
        }
        if with_grpc {
            let lossy = if row.lossy { " class=\"lossy\"" } else { "" };
            let _ = write!(out, "<td{lossy}>{}</td>", html_escape(&grpc_cell(row)));
        }
        if with_message {
            let _ = write!(out, "<td class=\"desc\">{}</td>", html_escape(&row.message));
        }
        for locale in &locales {
            let _ = write!(out, "<td>{}</td>", html_escape(row.locales.get(*locale).map_or("", String::as_str)));
        }
        if with_metadata {
            let keys: Vec<String> =
                row.metadata_keys.iter().map(|k| format!("<code>{}</code>", html_escape(k))).collect();
            let _ = write!(out, "<td>{}</td>", keys.join(" "));
        }
        if with_description {
            let description =
                if own_description(row) { html_escape(&row.description).replace('\n', "<br>") } else { String::new() };
            let _ = write!(out, "<td class=\"desc\">{description}</td>");
        }
        // The package is in its own column (or is the page's): the enum reads
        // relative to it, as in Markdown.
        let short_enum = row.enum_name.strip_prefix(&format!("{}.", row.package)).unwrap_or(&row.enum_name);
        let enum_text = format!("{} = {}", html_breakable(short_enum), row.number);
        match columns.enum_href.and_then(|href| href(row)) {
            Some(href) => {
                let _ = write!(out, "<td><a href=\"{}\"><code>{enum_text}</code></a></td>", html_escape(&href));
            }
            None => {
                let _ = write!(out, "<td>{enum_text}</td>");
            }
        }
        if columns.package {
            let _ = write!(out, "<td>{}</td>", html_breakable(&row.package));
        }
        let _ = writeln!(out, "<td>{}:{}</td></tr>", html_breakable(&row.file), row.line);
    }
    out.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::compile::{MemoryFiles, compile_from};
    use crate::errors::{ErrorsConfig, extract};

    fn table() -> ErrorTable {
        let file = |name: &str, package: &str, value: &str| {
            let text = format!(
                "// @plugins=protoc-gen-go-errors\nsyntax = \"proto3\";\npackage {package};\n\
                 enum Error {{\n  ERROR_UNSPECIFIED = 0;\n  // A <b> | c.\n  // @code=NOT_FOUND\n  // @i18n.cn=\"找不到\"\n  {value} = 1;\n}}\n"
            );
            (name.to_string(), (name.to_string(), Arc::from(text)))
        };
        let files: BTreeMap<_, _> =
            [file("a.proto", "a.v1", "A_MISSING"), file("b.proto", "b.v1", "B_MISSING")].into_iter().collect();
        let compilation = compile_from(&MemoryFiles { files, ..Default::default() });
        assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
        extract::extract(&compilation, &ErrorsConfig::default())
    }

    /// The docs site's fragments: one package's rows only, escaped, no page chrome.
    #[test]
    fn package_fragments_hold_one_package() {
        let table = table();
        let markdown = package_markdown("b.v1", &table);
        assert!(markdown.starts_with("| Reason | HTTP | gRPC | Message | cn | Enum | Source |\n"), "{markdown}");
        assert!(markdown.contains("`b.v1.B_MISSING`") && !markdown.contains("A_MISSING"), "{markdown}");
        assert!(markdown.contains("A &lt;b&gt; \\| c."), "{markdown}");
        let html = package_html("b.v1", &table, None);
        assert!(html.starts_with("<table class=\"idl-errors\">"), "{html}");
        assert!(html.contains("<tr id=\"b.v1.Error.B_MISSING\">") && !html.contains("A_MISSING"), "{html}");
        assert!(html.contains("A &lt;b&gt; | c.") && html.contains("<td>找不到</td>"), "{html}");
        assert!(!html.contains("<script") && !html.contains("<style"), "{html}");
        assert_eq!(package_markdown("c.v1", &table), "");
        assert_eq!(package_html("c.v1", &table, None), "");
    }
}
