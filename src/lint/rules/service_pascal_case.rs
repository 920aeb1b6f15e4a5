use prost_reflect::ServiceDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_pascal_case;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// Service names must be PascalCase.
    ///
    /// ```proto
    /// // Invalid
    /// service user_service {}
    /// // Valid
    /// service UserService {}
    /// ```
    pub struct ServicePascalCase {
        id: "SERVICE_PASCAL_CASE",
        summary: "Service names are PascalCase.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for ServicePascalCase {
    fn check_service(&self, cx: &mut Context<'_>, service: &ServiceDescriptor) {
        let name = service.name();
        let expected = to_pascal_case(name);
        if name != expected {
            cx.report(
                &name_path(service.path()),
                format!("Service name {name:?} should be PascalCase, such as {expected:?}."),
            );
        }
    }
}
