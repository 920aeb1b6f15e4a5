use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::{PACKAGE_PATH, directory};

declare_rule! {
    /// All files of a package must be in one directory. Generators write one
    /// package to one output directory, so a package spread over several source
    /// directories is hard to find and to build. Every file of the package gets
    /// the finding, at its `package` statement.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// // File: acme/users/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// // Valid
    /// // File: acme/user/v1/a.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// // File: acme/user/v1/b.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// ```
    pub struct PackageSameDirectory {
        id: "PACKAGE_SAME_DIRECTORY",
        summary: "All files of a package are in one directory.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageSameDirectory {
    fn check_package(&self, cx: &mut Context<'_>, package: &str, files: &[&CompiledFile]) {
        let mut directories: Vec<&str> = files.iter().map(|file| directory(&file.source.name)).collect();
        directories.sort_unstable();
        directories.dedup();
        if directories.len() < 2 {
            return;
        }
        let message =
            format!("Multiple directories {:?} contain files with package {package:?}.", directories.join(","));
        for file in files {
            cx.report_in(file, Some(&PACKAGE_PATH), message.clone());
        }
    }
}
