//! A package's error table inside its docs page, through `idl errors`' own
//! renderers so both commands show the same table. This is the one place to
//! switch when the errors module offers fragments of its own.

use crate::errors::{ErrorRow, ErrorTable, render};

/// The table of `rows` (one package's) as an HTML fragment and as Markdown.
pub fn error_table_fragments(rows: &[ErrorRow]) -> (String, String) {
    let mut locales: Vec<String> = rows.iter().flat_map(|r| r.locales.keys().cloned()).collect();
    locales.sort();
    locales.dedup();
    let table = ErrorTable { rows: rows.to_vec(), enums: Vec::new(), locales };
    // `render::html` writes a whole page: keep its table.
    let page = render::html(&table);
    let html = match (page.find("<table"), page.rfind("</table>")) {
        (Some(start), Some(end)) => page[start..end + "</table>".len()].to_string(),
        _ => String::new(),
    };
    // `render::markdown` titles the document and each package: the docs page
    // has its own headings.
    let markdown: String = render::markdown(&table)
        .lines()
        .filter(|line| !line.starts_with("# ") && !line.starts_with("## "))
        .collect::<Vec<_>>()
        .join("\n");
    (html, markdown.trim().to_string())
}
