use std::collections::HashMap;

use crate::declare_rule;
use crate::lint::facts::WorkspaceFacts;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::{Stability, package_version_stability};

declare_rule! {
    /// A file in a stable versioned package (`acme.user.v1`) must not import a file
    /// of an unstable one (`v1alpha1`, `v1beta1`, `v1test`): a stable API must not
    /// change when its unstable dependency does. Only imports among the checked
    /// files are considered, as in buf. In no preset.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/user/v1/user.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// import "acme/billing/v1beta1/billing.proto";
    /// // File: acme/billing/v1beta1/billing.proto
    /// syntax = "proto3";
    /// package acme.billing.v1beta1;
    /// // Valid
    /// // File: acme/user/v1/user.proto
    /// syntax = "proto3";
    /// package acme.user.v1;
    /// import "acme/billing/v1/billing.proto";
    /// // File: acme/billing/v1/billing.proto
    /// syntax = "proto3";
    /// package acme.billing.v1;
    /// ```
    pub struct StablePackageNoImportUnstable {
        id: "STABLE_PACKAGE_NO_IMPORT_UNSTABLE",
        summary: "Stable packages do not import unstable ones.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for StablePackageNoImportUnstable {
    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        // Only the target files' packages count, as buf sees the module's files.
        let packages: HashMap<&str, &str> =
            facts.targets().iter().map(|file| (file.name.as_str(), file.package.as_str())).collect();
        for file in facts.targets() {
            let package = file.package.as_str();
            if package_version_stability(package) != Some(Stability::Stable) {
                continue;
            }
            for (index, import) in file.dependencies.iter().enumerate() {
                let Some(&imported_package) = packages.get(import.as_str()) else {
                    continue;
                };
                let unstable =
                    package_version_stability(imported_package).is_some_and(|stability| stability != Stability::Stable);
                if unstable && let Some(site) = file.dependency_sites.get(index) {
                    cx.report_at(
                        file,
                        site,
                        format!(
                            "This file is in stable package {package:?}, so it should not depend on {import:?} from unstable package {imported_package:?}."
                        ),
                    );
                }
            }
        }
    }
}
