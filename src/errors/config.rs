//! The `[errors]` section of idl.toml, validated here (the config layer keeps it
//! as a plain table).

use std::collections::BTreeMap;

use toml::de::{DeTable, DeValue};

use crate::config::{CONFIG_FILE_NAME, CONFIG_RULE};
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

use super::mapping::{self, Profile};

/// Known keys of `[errors]`.
pub const KEYS: [&str; 8] =
    ["enums", "reason_style", "profile", "locales", "domains", "business_code", "code_scheme", "zero_value"];

/// Known keys of `[errors.code_scheme]`.
pub const SCHEME_KEYS: [&str; 5] = ["project", "services", "service_digits", "error_digits", "error_range"];

/// Where business codes come from besides an explicit `(idl.errors.biz_code)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BusinessCode {
    /// Only the explicit option.
    #[default]
    Option,
    /// The enum number.
    Number,
    /// Derived from the code scheme: project, the package's service, the enum number.
    Scheme,
}

/// The business-code range scheme: a code is `project`, then the service's code in
/// `service_digits` digits, then the error in `error_digits` digits
/// (`PPPSSSEEE` with the defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeScheme {
    pub project: i64,
    /// Package → service code.
    pub services: BTreeMap<String, i64>,
    pub service_digits: u32,
    pub error_digits: u32,
    /// Allowed error segments, inclusive; `000` is reserved by default.
    pub error_range: (i64, i64),
}

impl CodeScheme {
    /// `10^error_digits`.
    pub fn error_base(&self) -> i64 {
        10i64.pow(self.error_digits)
    }

    /// `10^service_digits`.
    pub fn service_base(&self) -> i64 {
        10i64.pow(self.service_digits)
    }

    /// The code of an error segment in a service.
    pub fn compose(&self, service: i64, error: i64) -> i64 {
        (self.project * self.service_base() + service) * self.error_base() + error
    }

    /// (project, service, error) segments of a code.
    pub fn split(&self, code: i64) -> (i64, i64, i64) {
        let error = code.rem_euclid(self.error_base());
        let rest = code.div_euclid(self.error_base());
        (rest.div_euclid(self.service_base()), rest.rem_euclid(self.service_base()), error)
    }

    /// How a segment is written: zero-padded to its width.
    pub fn pad(value: i64, digits: u32) -> String {
        format!("{value:0width$}", width = digits as usize)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonStyle {
    /// The value name (Kratos).
    Short,
    /// The value's full name, `pkg.VALUE` (Ego).
    Qualified,
}

#[derive(Debug, Clone)]
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
    /// Where business codes come from besides `(idl.errors.biz_code)`.
    pub business_code: BusinessCode,
    /// `[errors.code_scheme]`: the range scheme codes must follow.
    pub code_scheme: Option<CodeScheme>,
    /// The suffix of an error enum's zero value (`_UNSPECIFIED`), or `None` when
    /// `zero_value = "error"` lets the zero value be a real error (Kratos' docs).
    pub zero_value_suffix: Option<String>,
}

impl Default for ErrorsConfig {
    fn default() -> Self {
        ErrorsConfig {
            enums: Vec::new(),
            reason_style: None,
            profile: None,
            locales: Vec::new(),
            domains: BTreeMap::new(),
            business_code: BusinessCode::Option,
            code_scheme: None,
            zero_value_suffix: Some(DEFAULT_ZERO_SUFFIX.to_string()),
        }
    }
}

/// The zero value's suffix unless `[errors] zero_value` says otherwise.
pub const DEFAULT_ZERO_SUFFIX: &str = "_UNSPECIFIED";

impl ErrorsConfig {
    /// Reads `[errors]`; problems come back as `CONFIG` diagnostics at the key
    /// they concern in `config_file` (the idl.toml the table came from), when given.
    pub fn parse(table: &toml::Table, config_file: Option<&SourceFile>) -> (ErrorsConfig, Vec<Diagnostic>) {
        let (config, problems) = Self::parse_table(table);
        let diags = problems.into_iter().map(|(path, message)| located(config_file, &path, message)).collect();
        (config, diags)
    }

    fn parse_table(table: &toml::Table) -> (ErrorsConfig, Vec<Problem>) {
        let mut config = ErrorsConfig::default();
        let mut problems: Vec<Problem> = Vec::new();
        let mut bad = |path: &[&str], message: String| {
            let mut key_path = vec!["errors".to_string()];
            key_path.extend(path.iter().map(|k| k.to_string()));
            problems.push((key_path, message));
        };
        for (key, value) in table {
            let key_path = [key.as_str()];
            match key.as_str() {
                "enums" | "locales" => match string_list(value) {
                    Some(list) if key == "enums" => config.enums = list,
                    Some(list) => config.locales = list,
                    None => bad(&key_path, format!("[errors] {key} must be an array of strings")),
                },
                "reason_style" => match value.as_str() {
                    Some("short") => config.reason_style = Some(ReasonStyle::Short),
                    Some("qualified") => config.reason_style = Some(ReasonStyle::Qualified),
                    _ => bad(&key_path, "[errors] reason_style must be \"short\" or \"qualified\"".into()),
                },
                "profile" => match value.as_str().and_then(mapping::profile) {
                    Some(profile) => config.profile = Some(profile),
                    None => bad(&key_path, "[errors] profile must be one of \"google\", \"kratos\", \"ego\"".into()),
                },
                "domains" => match value.as_table() {
                    Some(domains) => {
                        for (package, domain) in domains {
                            match domain.as_str() {
                                Some(domain) => {
                                    config.domains.insert(package.clone(), domain.to_string());
                                }
                                None => bad(
                                    &[key.as_str(), package.as_str()],
                                    format!("[errors.domains] {package} must be a string"),
                                ),
                            }
                        }
                    }
                    None => bad(&key_path, "[errors] domains must be a table of package = \"domain\"".into()),
                },
                "business_code" => match value.as_str() {
                    Some("option") => config.business_code = BusinessCode::Option,
                    Some("number") => config.business_code = BusinessCode::Number,
                    Some("scheme") => config.business_code = BusinessCode::Scheme,
                    _ => bad(&key_path, "[errors] business_code must be \"option\", \"number\" or \"scheme\"".into()),
                },
                "code_scheme" => match value.as_table() {
                    Some(table) => match parse_scheme(table) {
                        Ok(scheme) => config.code_scheme = Some(scheme),
                        Err(scheme_problems) => {
                            for (path, message) in scheme_problems {
                                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                                bad(&path, message);
                            }
                        }
                    },
                    None => bad(&key_path, "[errors] code_scheme must be a table".into()),
                },
                "zero_value" => match value.as_str() {
                    Some("error") => config.zero_value_suffix = None,
                    Some(suffix) if !suffix.is_empty() => config.zero_value_suffix = Some(suffix.to_string()),
                    _ => bad(
                        &key_path,
                        "[errors] zero_value must be a suffix such as \"_UNSPECIFIED\", or \"error\"".into(),
                    ),
                },
                _ => bad(&key_path, format!("unknown key `{key}` in [errors]; expected one of: {}", KEYS.join(", "))),
            }
        }
        if config.business_code == BusinessCode::Scheme && !table.contains_key("code_scheme") {
            bad(&["business_code"], "[errors] business_code = \"scheme\" needs an [errors.code_scheme] table".into());
        }
        (config, problems)
    }

    /// Whether an enum is named by `[errors] enums`.
    pub fn names_enum(&self, name: &str, full_name: &str) -> bool {
        self.enums.iter().any(|p| wildcard(p, name) || wildcard(p, full_name))
    }
}

/// Reads `[errors.code_scheme]`, or says everything wrong with it.
fn parse_scheme(table: &toml::Table) -> Result<CodeScheme, Vec<Problem>> {
    let mut problems: Vec<Problem> = Vec::new();
    // Paths below `[errors]`.
    let at = |keys: &[&str]| -> Vec<String> {
        std::iter::once("code_scheme").chain(keys.iter().copied()).map(str::to_string).collect()
    };
    let int = |key: &str, default: Option<i64>, problems: &mut Vec<Problem>| match table.get(key) {
        None => default,
        Some(toml::Value::Integer(n)) => Some(*n),
        Some(_) => {
            problems.push((at(&[key]), format!("[errors.code_scheme] {key} must be an integer")));
            None
        }
    };
    for key in table.keys().filter(|k| !SCHEME_KEYS.contains(&k.as_str())) {
        let message =
            format!("unknown key `{key}` in [errors.code_scheme]; expected one of: {}", SCHEME_KEYS.join(", "));
        problems.push((at(&[key]), message));
    }
    let project = int("project", None, &mut problems);
    if project.is_none() && !table.contains_key("project") {
        problems.push((at(&[]), "[errors.code_scheme] needs `project`, the project's code".into()));
    }
    let service_digits = int("service_digits", Some(3), &mut problems).unwrap_or(3);
    let error_digits = int("error_digits", Some(3), &mut problems).unwrap_or(3);
    if !(1..=6).contains(&service_digits) || !(1..=6).contains(&error_digits) {
        problems.push((at(&[]), "[errors.code_scheme] service_digits and error_digits must be between 1 and 6".into()));
        return Err(problems);
    }
    let (service_digits, error_digits) = (service_digits as u32, error_digits as u32);
    let error_max = 10i64.pow(error_digits) - 1;
    let error_range = match table.get("error_range") {
        None => (1, error_max),
        Some(value) => match value.as_array().map(|a| a.iter().map(toml::Value::as_integer).collect::<Vec<_>>()) {
            Some(bounds) if bounds.len() == 2 && bounds.iter().all(Option::is_some) => {
                (bounds[0].unwrap_or(0), bounds[1].unwrap_or(0))
            }
            _ => {
                problems.push((at(&["error_range"]), "[errors.code_scheme] error_range must be [first, last]".into()));
                (1, error_max)
            }
        },
    };
    if error_range.0 < 0 || error_range.1 > error_max || error_range.0 > error_range.1 {
        problems.push((
            at(&["error_range"]),
            format!(
                "[errors.code_scheme] error_range [{}, {}] must lie within 0..={error_max}",
                error_range.0, error_range.1
            ),
        ));
    }
    let service_max = 10i64.pow(service_digits) - 1;
    let mut services = BTreeMap::new();
    match table.get("services") {
        None => {}
        Some(toml::Value::Table(entries)) => {
            for (package, code) in entries {
                match code.as_integer() {
                    Some(code) if (0..=service_max).contains(&code) => {
                        services.insert(package.clone(), code);
                    }
                    _ => problems.push((
                        at(&["services", package]),
                        format!("[errors.code_scheme.services] {package} must be an integer in 0..={service_max}"),
                    )),
                }
            }
        }
        Some(_) => {
            problems.push((at(&["services"]), "[errors.code_scheme] services must be a table of package = code".into()))
        }
    }
    let scheme = CodeScheme { project: project.unwrap_or(0), services, service_digits, error_digits, error_range };
    if let Some(project) = project {
        // The largest code of the project must still fit an int32 option.
        let largest = project.checked_add(1).and_then(|p| p.checked_mul(scheme.service_base() * scheme.error_base()));
        if project < 1 || largest.is_none_or(|l| l - 1 > i64::from(i32::MAX)) {
            problems.push((
                at(&["project"]),
                format!(
                    "[errors.code_scheme] project {project} must be positive and leave its codes within int32 \
                 (at most {})",
                    i64::from(i32::MAX) / (scheme.service_base() * scheme.error_base()) - 1
                ),
            ));
        }
    }
    if problems.is_empty() { Ok(scheme) } else { Err(problems) }
}

/// A problem with `[errors]`: the key path it concerns (from `errors`) and the message.
type Problem = (Vec<String>, String);

/// A CONFIG diagnostic at the deepest key of `path` found in `config_file`.
fn located(config_file: Option<&SourceFile>, path: &[String], message: String) -> Diagnostic {
    let diagnostic = Diagnostic::error(CONFIG_RULE, message);
    let Some(file) = config_file else { return diagnostic.with_path(CONFIG_FILE_NAME) };
    let Ok(document) = DeTable::parse(&file.text) else { return diagnostic.with_path(&file.display_path) };
    let mut table = document.get_ref();
    let mut span = None;
    for key in path {
        let Some((found, value)) = table.iter().find(|(k, _)| k.get_ref() == key) else { break };
        span = Some(found.span());
        match value.get_ref() {
            DeValue::Table(inner) => table = inner,
            _ => break,
        }
    }
    match span {
        Some(span) => diagnostic.with_span(file, span.start, span.end),
        None => diagnostic.with_path(&file.display_path),
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
        let (config, diags) = ErrorsConfig::parse(&table, None);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("enumz"), "{}", diags[0].message);
        assert_eq!(config.profile.map(|p| p.name), Some("ego"));
    }

    /// Problems point at their key in idl.toml, nested tables and inline ones too.
    #[test]
    fn problems_are_located_at_their_keys() {
        let text = "roots = [\".\"]\n\n[errors]\nprofile = \"grpc\"\ndomains = { a = 1 }\n\n\
                    [errors.code_scheme]\nproject = 1\nservices = { \"user.v1\" = 5000 }\n";
        let file = SourceFile::new("idl.toml", "conf/idl.toml", text.into());
        let config = crate::config::Config::parse(&file).unwrap();
        let (_, diags) = ErrorsConfig::parse(&config.errors, Some(&file));
        let at: Vec<(String, u32, u32)> = diags
            .iter()
            .map(|d| {
                let span = d.span.unwrap();
                (d.path.clone(), span.start.line, span.start.column)
            })
            .collect();
        let expected = [(9, 14), (5, 13), (4, 1)].map(|(line, column)| ("conf/idl.toml".to_string(), line, column));
        assert_eq!(at, expected, "{diags:#?}");
    }

    #[test]
    fn code_scheme_composes_and_splits_ppp_sss_eee() {
        let table: toml::Table = toml::from_str(
            "business_code = \"scheme\"\n[code_scheme]\nproject = 101\nservices = { \"user.v1\" = 2 }\n",
        )
        .unwrap();
        let (config, diags) = ErrorsConfig::parse(&table, None);
        assert!(diags.is_empty(), "{diags:?}");
        let scheme = config.code_scheme.unwrap();
        assert_eq!(scheme.compose(2, 7), 101_002_007);
        assert_eq!(scheme.split(101_002_007), (101, 2, 7));
        assert_eq!(scheme.error_range, (1, 999));
        assert_eq!(config.business_code, BusinessCode::Scheme);
    }

    #[test]
    fn code_scheme_problems_are_config_errors() {
        let table: toml::Table =
            toml::from_str("[code_scheme]\nproject = 9999\nservices = { a = 1000 }\nerror_range = [5, 1000]\nx = 1\n")
                .unwrap();
        let (_, diags) = ErrorsConfig::parse(&table, None);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(messages.iter().any(|m| m.contains("int32")), "{messages:#?}");
        let (_, diags) = ErrorsConfig::parse(&toml::from_str("business_code = \"scheme\"").unwrap(), None);
        assert!(diags[0].message.contains("needs an [errors.code_scheme]"), "{diags:?}");
        let huge: toml::Table = toml::from_str(&format!("[code_scheme]\nproject = {}\n", i64::MAX)).unwrap();
        let (config, diags) = ErrorsConfig::parse(&huge, None);
        assert!(config.code_scheme.is_none() && diags[0].message.contains("int32"), "{diags:?}");
    }
}
