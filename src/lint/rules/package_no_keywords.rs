use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::PACKAGE_PATH;

/// prototool's list: Go's `internal`, the access modifiers of Java, C++ and
/// others, and C++'s `std` (a package segment becomes a namespace there).
const KEYWORDS: [&str; 5] = ["internal", "public", "private", "protected", "std"];

declare_rule! {
    /// No segment of the package (split on `.`, compared in lower case) may be one
    /// of `internal`, `public`, `private`, `protected` or `std`: generated code
    /// turns segments into Go import paths and C++/Java namespaces, where these
    /// words break or change meaning (prototool's PACKAGE_NO_KEYWORDS, in the
    /// `uber2` group).
    ///
    /// ```proto
    /// // Invalid
    /// package acme.internal.v1;
    /// // Valid
    /// package acme.platform.v1;
    /// ```
    pub struct PackageNoKeywords {
        id: "PACKAGE_NO_KEYWORDS",
        summary: "Package segments are not internal, public, private, protected or std.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for PackageNoKeywords {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let package = file.package_name();
        for segment in package.split('.').filter(|s| !s.is_empty()) {
            let lower = segment.to_lowercase();
            if KEYWORDS.contains(&lower.as_str()) {
                cx.report(
                    &PACKAGE_PATH,
                    format!(
                        "Package {package:?} contains the keyword {lower:?}, this could cause problems in generated code."
                    ),
                );
            }
        }
    }
}
