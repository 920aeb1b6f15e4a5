//! Ignores.
//!
//! Comment ignores (unless `[lint] disallow_comment_ignores`): `// buf:lint:ignore RULE_ID` or `// idl:lint:ignore RULE_ID` on
//! a line of the leading comment of the declaration a finding is in, or of any
//! declaration enclosing it (a message's ignore covers its fields), as buf does.
//! Findings about a whole file have no declaration and cannot be ignored this way.
//! The engine records which directives suppressed something, so an ignore that
//! suppresses nothing (or names no rule) is itself reported (`UNUSED_IGNORE`).
//!
//! Config ignores: `[lint] ignore` (paths exempt from every rule) and
//! `ignore_only` (rule ID or group → paths), paths relative to the config's
//! directory naming a file or a directory, as buf's `ignore` and `ignore_only`.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::compile::CompiledFile;
use crate::config::LintConfig;
use crate::lint::{presets, rules};

/// The comment prefixes that start an ignore directive.
pub const IGNORE_PREFIXES: &[&str] = &["buf:lint:ignore", "idl:lint:ignore"];

/// One ignore directive in a leading comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The descriptor path of the declaration whose leading comment holds it.
    pub path: Vec<i32>,
    /// What follows the prefix and its space: the rule ID, then anything.
    pub rest: String,
    /// The rule ID as written: the leading run of `A-Z`, `0-9` and `_` of `rest`
    /// (the first word when there is no such run).
    pub rule: String,
    /// Byte range of the directive in the file (best effort: the comment's text).
    pub span: Range<usize>,
}

impl Directive {
    /// Whether this directive ignores `rule_id` for a finding at `path`: the
    /// directive's declaration encloses the finding and its text starts with the ID.
    pub fn covers(&self, path: &[i32], rule_id: &str) -> bool {
        !self.path.is_empty() && path.starts_with(&self.path) && self.rest.starts_with(rule_id)
    }

    /// Whether the directive names a rule: one idl has, or one of buf's that idl
    /// does not implement yet (so buf-era comments are not flagged).
    pub fn names_known_rule(&self) -> bool {
        rules::find(&self.rule).is_some()
            || presets::presets()
                .values()
                .chain(presets::groups().values())
                .any(|group| group.pending.contains(&self.rule))
    }
}

/// Every ignore directive in the leading comments of `file`'s declarations.
pub fn directives(file: &CompiledFile) -> Vec<Directive> {
    let mut found = Vec::new();
    for location in file.locations.iter() {
        let Some(comment) = location.leading() else { continue };
        if !comment.contains(":lint:ignore") {
            continue;
        }
        // Only the location a lookup by path finds counts (the first of a path).
        if !file.locations.get(&location.path).is_some_and(|first| std::ptr::eq(first, location)) {
            continue;
        }
        for line in comment.lines().map(str::trim) {
            let Some(rest) = parse_directive(line) else { continue };
            let mut rule: String =
                rest.chars().take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_').collect();
            if rule.is_empty() {
                rule = rest.split_whitespace().next().unwrap_or_default().to_string();
            }
            let end = location.start as usize;
            let text = &file.source.text[..end.min(file.source.text.len())];
            let span = match text.rfind(line) {
                Some(start) if !line.is_empty() => start..start + line.len(),
                _ => end..end,
            };
            found.push(Directive { path: location.path.to_vec(), rest: rest.to_string(), rule, span });
        }
    }
    found
}

/// What follows an ignore prefix and one space on a trimmed comment line.
fn parse_directive(line: &str) -> Option<&str> {
    IGNORE_PREFIXES.iter().find_map(|prefix| line.strip_prefix(prefix).and_then(|rest| rest.strip_prefix(' ')))
}

/// A directive is a comment line starting with a prefix, one space and the rule ID;
/// anything may follow (a reason, or further text glued to the ID, as buf allows).
#[cfg(test)]
fn has_directive(comment: &str, rule_id: &str) -> bool {
    comment.lines().map(str::trim).any(|line| parse_directive(line).is_some_and(|rest| rest.starts_with(rule_id)))
}

/// The config's path ignores, resolved against the rule registry.
#[derive(Debug, Default)]
pub struct PathIgnores {
    /// Paths exempt from every rule.
    all: Vec<String>,
    /// Rule ID → paths exempt from it.
    by_rule: BTreeMap<&'static str, Vec<String>>,
    /// `disallow_comment_ignores`: comment directives suppress nothing.
    pub comments_off: bool,
}

impl PathIgnores {
    /// Resolves `ignore` and `ignore_only`; unknown rule IDs or groups come back as
    /// `(span in idl.toml, message)` errors.
    pub fn new(config: &LintConfig) -> (PathIgnores, Vec<(Range<usize>, String)>) {
        let mut errors = Vec::new();
        let all = config.ignore.iter().map(|path| normalize(path.get_ref())).collect();
        let mut by_rule: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        for (key, paths) in &config.ignore_only {
            let name = key.get_ref().as_str();
            let ids: Vec<&'static str> = if let Some(rule) = rules::find(name) {
                vec![rule.meta().id]
            } else if let Some(group) = presets::groups().get(name) {
                group.rules.iter().filter_map(|id| rules::find(id)).map(|rule| rule.meta().id).collect()
            } else {
                errors.push((key.span(), format!("unknown lint rule or group `{name}` in `ignore_only`")));
                continue;
            };
            for id in ids {
                by_rule.entry(id).or_default().extend(paths.iter().map(|path| normalize(path.get_ref())));
            }
        }
        (PathIgnores { all, by_rule, comments_off: config.disallow_comment_ignores }, errors)
    }

    /// Whether a finding of `rule_id` in the file at `relative_path` (relative to
    /// the config's directory, `/`-separated) is ignored by the config.
    pub fn is_ignored(&self, relative_path: &str, rule_id: &str) -> bool {
        let under = |prefix: &String| {
            prefix.is_empty()
                || relative_path == prefix
                || relative_path.strip_prefix(prefix.as_str()).is_some_and(|rest| rest.starts_with('/'))
        };
        self.all.iter().any(under) || self.by_rule.get(rule_id).is_some_and(|paths| paths.iter().any(under))
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty() && self.by_rule.is_empty()
    }
}

/// `./a/b/` → `a/b`; `.` → `` (everything).
fn normalize(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let path = path.trim_end_matches('/');
    if path == "." { String::new() } else { path.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        assert!(has_directive(" buf:lint:ignore FOO\n", "FOO"));
        assert!(has_directive(" Docs.\n idl:lint:ignore FOO because\n", "FOO"));
        assert!(has_directive(" buf:lint:ignore FOO, BAR\n", "FOO"));
        assert!(!has_directive(" buf:lint:ignore FOO, BAR\n", "BAR"));
        assert!(!has_directive(" buf:lint:ignoreFOO\n", "FOO"));
        assert!(!has_directive(" see buf:lint:ignore FOO\n", "FOO"));
    }

    #[test]
    fn path_ignores_match_files_and_directories() {
        let text = "[lint]\nignore = [\"./legacy/\"]\nignore_only = { FIELD_LOWER_SNAKE_CASE = [\"a/b.proto\"], COMMENTS = [\"docs\"] }\n";
        let file = crate::source::SourceFile::new("idl.toml", "idl.toml", text.into());
        let config = crate::config::Config::parse(&file).unwrap().lint;
        let (ignores, errors) = PathIgnores::new(&config);
        assert!(errors.is_empty());
        assert!(ignores.is_ignored("legacy/x.proto", "ENUM_PASCAL_CASE"));
        assert!(!ignores.is_ignored("legacyx/x.proto", "ENUM_PASCAL_CASE"));
        assert!(ignores.is_ignored("a/b.proto", "FIELD_LOWER_SNAKE_CASE"));
        assert!(!ignores.is_ignored("a/b.proto", "ENUM_PASCAL_CASE"));
        assert!(!ignores.is_ignored("a/b.proto.bak", "FIELD_LOWER_SNAKE_CASE"));
        assert!(ignores.is_ignored("docs/v1/x.proto", "COMMENT_FIELD"));
        let bad = "[lint]\nignore_only = { NOPE = [\"a\"] }\n";
        let file = crate::source::SourceFile::new("idl.toml", "idl.toml", bad.into());
        let (_, errors) = PathIgnores::new(&crate::config::Config::parse(&file).unwrap().lint);
        assert_eq!(errors[0].1, "unknown lint rule or group `NOPE` in `ignore_only`");
    }
}
