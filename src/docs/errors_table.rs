//! A package's error table inside its docs page, through `idl errors`' own
//! per-package renderers so both commands show the same table.

use crate::errors::{ErrorRow, ErrorTable, render};

/// The table of `rows` (one package's) as an HTML fragment and as Markdown.
pub fn error_table_fragments(rows: &[ErrorRow]) -> (String, String) {
    let Some(package) = rows.first().map(|row| row.package.clone()) else {
        return (String::new(), String::new());
    };
    let mut locales: Vec<String> = rows.iter().flat_map(|r| r.locales.keys().cloned()).collect();
    locales.sort();
    locales.dedup();
    let table = ErrorTable { rows: rows.to_vec(), enums: Vec::new(), locales };
    let html = render::package_html(&package, &table);
    let markdown = render::package_markdown(&package, &table);
    (html.trim().to_string(), markdown.trim().to_string())
}
