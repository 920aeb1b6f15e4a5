use std::collections::BTreeMap;

use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::{PACKAGE_PATH, descriptor, directory};

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
    fn check_workspace(&self, cx: &mut Context<'_>, files: &[&CompiledFile]) {
        let mut by_directory: BTreeMap<&str, Vec<(&CompiledFile, String)>> = BTreeMap::new();
        for file in files {
            let package =
                descriptor(cx, file).map(|descriptor| descriptor.package_name().to_string()).unwrap_or_default();
            by_directory.entry(directory(&file.source.name)).or_default().push((file, package));
        }
        for (directory, entries) in by_directory {
            let mut packages: Vec<&str> = entries.iter().map(|(_, package)| package.as_str()).collect();
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
            for (file, _) in entries {
                cx.report_in(file, Some(&PACKAGE_PATH), message.clone());
            }
        }
    }
}
