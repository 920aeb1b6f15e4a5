//! The `[errors]` section of idl.toml, validated here (the config layer keeps it
//! as a plain table).

use std::collections::BTreeMap;

use crate::config::CONFIG_RULE;
use crate::diagnostic::Diagnostic;

use super::mapping::{self, Profile};

/// Known keys of `[errors]`.
pub const KEYS: [&str; 6] = ["enums", "reason_style", "profile", "locales", "domains", "business_code"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonStyle {
    /// The value name (Kratos).
    Short,
    /// The value's full name, `pkg.VALUE` (Ego).
    Qualified,
}

#[derive(Debug, Clone, Default)]
pub struct ErrorsConfig {
    /// Name patterns (`*` matches any run) of enums that are error enums, matched
    /// against the enum's name and its full name.
    pub enums: Vec<String>,
    /// Overrides the style's own reason (Kratos short, Ego qualified).
    pub reason_style: Option<ReasonStyle>,
    /// Overrides the style's own mapping profile (Kratos `kratos`, Ego `ego`).
    pub profile: Option<&'static Profile>,
    pub locales: Vec<String>,
    /// Package → domain; the package itself when absent.
    pub domains: BTreeMap<String, String>,
    /// `business_code = "number"`: the enum number is the business code.
    pub business_code_from_number: bool,
}

impl ErrorsConfig {
    /// Reads `[errors]`; problems come back as `CONFIG` diagnostics on `path`.
    pub fn parse(table: &toml::Table, path: &str) -> (ErrorsConfig, Vec<Diagnostic>) {
        let mut config = ErrorsConfig::default();
        let mut diags = Vec::new();
        let mut bad = |message: String| diags.push(Diagnostic::error(CONFIG_RULE, message).with_path(path));
        for (key, value) in table {
            match key.as_str() {
                "enums" | "locales" => match string_list(value) {
                    Some(list) if key == "enums" => config.enums = list,
                    Some(list) => config.locales = list,
                    None => bad(format!("[errors] {key} must be an array of strings")),
                },
                "reason_style" => match value.as_str() {
                    Some("short") => config.reason_style = Some(ReasonStyle::Short),
                    Some("qualified") => config.reason_style = Some(ReasonStyle::Qualified),
                    _ => bad("[errors] reason_style must be \"short\" or \"qualified\"".into()),
                },
                "profile" => match value.as_str().and_then(mapping::profile) {
                    Some(profile) => config.profile = Some(profile),
                    None => bad("[errors] profile must be one of \"google\", \"kratos\", \"ego\"".into()),
                },
                "domains" => match value.as_table() {
                    Some(domains) => {
                        for (package, domain) in domains {
                            match domain.as_str() {
                                Some(domain) => {
                                    config.domains.insert(package.clone(), domain.to_string());
                                }
                                None => bad(format!("[errors.domains] {package} must be a string")),
                            }
                        }
                    }
                    None => bad("[errors] domains must be a table of package = \"domain\"".into()),
                },
                "business_code" => match value.as_str() {
                    Some("number") => config.business_code_from_number = true,
                    Some("none") => config.business_code_from_number = false,
                    _ => bad("[errors] business_code must be \"number\" or \"none\"".into()),
                },
                _ => bad(format!("unknown key `{key}` in [errors]; expected one of: {}", KEYS.join(", "))),
            }
        }
        (config, diags)
    }

    /// Whether an enum is named by `[errors] enums`.
    pub fn names_enum(&self, name: &str, full_name: &str) -> bool {
        self.enums.iter().any(|p| wildcard(p, name) || wildcard(p, full_name))
    }
}

fn string_list(value: &toml::Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(|v| v.as_str().map(str::to_string)).collect()
}

/// `*` matches any run of characters; everything else matches itself.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("*Reason", "ErrorReason"));
        assert!(wildcard("Err*", "Err"));
        assert!(!wildcard("*Reason", "Reasons"));
        assert!(wildcard("acme.*.Error", "acme.user.v1.Error"));
    }

    #[test]
    fn unknown_key_is_a_config_error() {
        let table: toml::Table = toml::from_str("enumz = []\nprofile = \"ego\"").unwrap();
        let (config, diags) = ErrorsConfig::parse(&table, "idl.toml");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("enumz"), "{}", diags[0].message);
        assert_eq!(config.profile.map(|p| p.name), Some("ego"));
    }
}
