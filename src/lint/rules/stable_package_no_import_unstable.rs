use std::collections::HashMap;

use crate::compile::CompiledFile;
use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::{Stability, descriptor, package_version_stability};

/// `FileDescriptorProto.dependency`.
const DEPENDENCY_FIELD: i32 = 3;

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
    fn check_workspace(&self, cx: &mut Context<'_>, files: &[&CompiledFile]) {
        let packages: HashMap<&str, String> = files
            .iter()
            .filter_map(|file| {
                let package = descriptor(cx, file)?.package_name().to_string();
                Some((file.source.name.as_str(), package))
            })
            .collect();
        for file in files {
            let Some(package) = packages.get(file.source.name.as_str()) else {
                continue;
            };
            if package_version_stability(package) != Some(Stability::Stable) {
                continue;
            }
            let Some(descriptor) = descriptor(cx, file) else {
                continue;
            };
            for (index, import) in descriptor.file_descriptor_proto().dependency.iter().enumerate() {
                let Some(imported_package) = packages.get(import.as_str()) else {
                    continue;
                };
                let unstable =
                    package_version_stability(imported_package).is_some_and(|stability| stability != Stability::Stable);
                if unstable {
                    cx.report_in(
                        file,
                        Some(&[DEPENDENCY_FIELD, index as i32]),
                        format!(
                            "This file is in stable package {package:?}, so it should not depend on {import:?} from unstable package {imported_package:?}."
                        ),
                    );
                }
            }
        }
    }
}
