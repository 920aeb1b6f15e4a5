//! The error tables of the docs site (one per package page, and the site-wide
//! `error-codes` page), through `idl errors`' own renderers so both commands
//! show the same table; the site links each row to its enum value.

use crate::errors::{ErrorRow, ErrorTable, render};

use super::links::{Links, enum_value_anchor};
use super::model::{DocModel, relative_name};

fn table_of(rows: Vec<ErrorRow>) -> ErrorTable {
    let mut locales: Vec<String> = rows.iter().flat_map(|r| r.locales.keys().cloned()).collect();
    locales.sort();
    locales.dedup();
    ErrorTable { rows, enums: Vec::new(), locales }
}

/// `page.html#Enum.VALUE` of the row's enum value, when the enum is documented.
fn enum_value_href(links: &Links, row: &ErrorRow) -> Option<String> {
    let target = links.target(&row.enum_name)?;
    let enum_name = relative_name(&row.enum_name, links.package_name(target.package));
    Some(format!("{}.html#{}", links.page(target.package), enum_value_anchor(&enum_name, &row.raw.name)))
}

/// The table of `rows` (one package's) as an HTML fragment and as Markdown.
pub fn error_table_fragments(rows: &[ErrorRow], links: &Links) -> (String, String) {
    let Some(package) = rows.first().map(|row| row.package.clone()) else {
        return (String::new(), String::new());
    };
    let table = table_of(rows.to_vec());
    let href = |row: &ErrorRow| enum_value_href(links, row);
    let html = render::package_html(&package, &table, Some(&href));
    let markdown = render::package_markdown(&package, &table);
    (html.trim().to_string(), markdown.trim().to_string())
}

/// Every error of the model, as one table: HTML (linked to the enums) and the
/// Markdown of `idl errors --format markdown`.
pub fn site_error_table(model: &DocModel, links: &Links) -> (String, String) {
    let table = table_of(model.packages.iter().flat_map(|p| p.errors.iter().cloned()).collect());
    let href = |row: &ErrorRow| enum_value_href(links, row);
    (render::site_html(&table, Some(&href)), render::markdown(&table))
}

/// How many errors the model holds.
pub fn error_count(model: &DocModel) -> usize {
    model.packages.iter().map(|p| p.errors.len()).sum()
}
