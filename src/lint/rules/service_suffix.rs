use prost_reflect::ServiceDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, name_path};

declare_rule! {
    /// Service names must end with a suffix, `Service` unless the `suffix` option
    /// says otherwise.
    ///
    /// ```toml
    /// [lint.rules.SERVICE_SUFFIX]
    /// suffix = "API"
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// service Users {}
    /// // Valid
    /// service UsersService {}
    /// ```
    pub struct ServiceSuffix {
        id: "SERVICE_SUFFIX",
        summary: "Service names end with `Service` (option `suffix`).",
        severity: Error,
        fixable: false,
        options: [RuleOption {
            name: "suffix",
            default: OptionDefault::String("Service"),
            help: "The suffix service names must end with (buf's `service_suffix`).",
        }],
    }
}

impl Rule for ServiceSuffix {
    fn check_service(&self, cx: &mut Context<'_>, service: &ServiceDescriptor) {
        let name = service.name();
        let suffix = cx.option_str("suffix").to_string();
        if !name.ends_with(&suffix) {
            cx.report(&name_path(service.path()), format!("Service name {name:?} should be suffixed with {suffix:?}."));
        }
    }
}
