use std::collections::BTreeMap;

use crate::declare_rule;
use crate::lint::facts::{FileFacts, WorkspaceFacts};
use crate::lint::rule::{Context, Rule};
use crate::lint::support::directory;

declare_rule! {
    /// All files in one directory must declare the same package (files without a
    /// package count as their own). Every file of the directory gets the finding,
    /// at its `package` statement (or its start when it has none).
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.users.v1;
    /// // Valid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// ```
    pub struct DirectorySamePackage {
        id: "DIRECTORY_SAME_PACKAGE",
        summary: "All files in a directory declare the same package.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for DirectorySamePackage {
    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        let mut by_directory: BTreeMap<&str, Vec<&FileFacts>> = BTreeMap::new();
        for file in facts.targets() {
            by_directory.entry(directory(&file.name)).or_default().push(file);
        }
        for (directory, entries) in by_directory {
            let mut packages: Vec<&str> = entries.iter().map(|file| file.package.as_str()).collect();
            packages.sort_unstable();
            packages.dedup();
            if packages.len() < 2 {
                continue;
            }
            let has_unpackaged = packages.first() == Some(&"");
            let named = packages.iter().filter(|package| !package.is_empty()).copied().collect::<Vec<_>>();
            let joined = named.join(",");
            let prefix = match (has_unpackaged, named.len()) {
                (true, 1) => format!("Package {joined:?} and file with no package"),
                (true, _) => format!("Multiple packages {joined:?} and file with no package"),
                (false, _) => format!("Multiple packages {joined:?}"),
            };
            let message = format!("{prefix} detected within directory {directory:?}.");
            for file in entries {
                if let Some(site) = &file.package_site {
                    cx.report_at(file, site, message.clone());
                }
            }
        }
    }
}
