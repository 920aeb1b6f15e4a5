//! What the ERRORS rules compare: both sides' error tables, extracted with the
//! same `[errors]` config by the `idl errors` model (`src/errors`), and their rows
//! paired.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::errors::extract::{self, FileView};
use crate::errors::{ErrorRow, ErrorTable, ErrorsConfig};

use super::Side;

/// The `[errors]` config and, on first use, both sides' tables.
#[derive(Debug, Default)]
pub struct ErrorTables {
    config: ErrorsConfig,
    tables: OnceLock<(ErrorTable, ErrorTable)>,
}

impl ErrorTables {
    pub fn new(config: ErrorsConfig) -> Self {
        ErrorTables { config, tables: OnceLock::new() }
    }

    /// (base, head) tables.
    pub fn tables(&self, base: &Side<'_>, head: &Side<'_>) -> &(ErrorTable, ErrorTable) {
        self.tables.get_or_init(|| (table(base, &self.config), table(head, &self.config)))
    }
}

fn table(side: &Side<'_>, config: &ErrorsConfig) -> ErrorTable {
    let views: Vec<FileView<'_>> = side
        .files
        .iter()
        .map(|file| FileView {
            descriptor: file.desc.clone(),
            display: &file.display,
            source: file.source,
            locations: file.locations,
        })
        .collect();
    extract::extract_files(&views, config)
}

/// Base rows paired with head rows: by id (enum and value name), then a renamed
/// value by its enum and number. A base row without a partner was deleted.
pub fn pair_rows<'t>(base: &'t ErrorTable, head: &'t ErrorTable) -> Vec<(&'t ErrorRow, Option<&'t ErrorRow>)> {
    let by_id: HashMap<&str, &ErrorRow> = head.rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let base_ids: HashSet<&str> = base.rows.iter().map(|r| r.id.as_str()).collect();
    // Head rows that pair with nothing by id, by enum and number, for renames.
    let by_number: HashMap<(&str, i32), &ErrorRow> = head
        .rows
        .iter()
        .filter(|r| !base_ids.contains(r.id.as_str()))
        .map(|r| ((r.enum_name.as_str(), r.number), r))
        .collect();
    base.rows
        .iter()
        .map(|row| {
            let partner =
                by_id.get(row.id.as_str()).or_else(|| by_number.get(&(row.enum_name.as_str(), row.number))).copied();
            (row, partner)
        })
        .collect()
}
