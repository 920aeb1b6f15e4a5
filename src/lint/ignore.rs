//! Comment ignores: `// buf:lint:ignore RULE_ID` or `// idl:lint:ignore RULE_ID` on
//! a line of the leading comment of the declaration a finding is in, or of any
//! declaration enclosing it (a message's ignore covers its fields), as buf does.
//! Findings about a whole file have no declaration and cannot be ignored this way.

use crate::compile::CompiledFile;

/// The comment prefixes that start an ignore directive.
pub const IGNORE_PREFIXES: &[&str] = &["buf:lint:ignore", "idl:lint:ignore"];

/// True when a declaration enclosing `path` (or at `path`) has an ignore
/// directive for `rule_id` in its leading comment.
pub fn is_ignored(file: &CompiledFile, path: &[i32], rule_id: &str) -> bool {
    (1..=path.len()).rev().any(|length| {
        file.locations
            .get(&path[..length])
            .and_then(|location| location.leading())
            .is_some_and(|comment| has_directive(comment, rule_id))
    })
}

/// A directive is a comment line starting with a prefix, one space and the rule ID;
/// anything may follow (a reason, or further text glued to the ID, as buf allows).
fn has_directive(comment: &str, rule_id: &str) -> bool {
    comment.lines().map(str::trim).any(|line| {
        IGNORE_PREFIXES.iter().any(|prefix| {
            line.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix(' '))
                .is_some_and(|rest| rest.starts_with(rule_id))
        })
    })
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
}
