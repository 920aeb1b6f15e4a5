//! Breaking-rule documentation as Markdown: `idl rules FIELD_NO_DELETE` prints it
//! and `docs/rules/breaking/` holds it (generated like the lint rules' pages; a
//! test fails when they are stale, `IDL_BLESS=1` rewrites them).

use std::fmt::Write;

use super::rule::{BreakingRule, CATEGORIES};

/// What each category is for, for the index and `idl rules --category`.
pub fn category_summary(category: &str) -> &'static str {
    match category {
        "FILE" => "buf's default: generated code stays source compatible, file by file",
        "PACKAGE" => "as FILE, but elements may move between the files of a package",
        "WIRE_JSON" => "the binary and JSON encodings stay compatible",
        "WIRE" => "the binary encoding stays compatible",
        "CSR" => "buf's set for the Confluent Schema Registry",
        "API" => "idl's: HTTP routes and bodies, field behaviours, idempotency (off by default)",
        "ERRORS" => "idl's: error reasons and their HTTP/gRPC status (off by default; on with `[errors]`)",
        _ => "",
    }
}

/// One rule's page: header facts, then its doc comment.
pub fn rule_markdown(rule: &BreakingRule) -> String {
    let mut page = format!("# {}\n\n{}\n\n", rule.id, rule.summary());
    let _ = writeln!(page, "- Kind: breaking (`idl breaking`)");
    let _ = writeln!(page, "- Categories: {}", categories(rule).join(", "));
    let default =
        if rule.is_default() { "yes (in FILE)" } else { "no (enable a category or the ID in `[breaking] use`)" };
    let _ = writeln!(page, "- On by default: {default}");
    // The first paragraph is the summary, already shown under the title.
    let rest: Vec<&str> =
        rule.doc.lines().skip_while(|line| !line.trim().is_empty()).skip_while(|line| line.trim().is_empty()).collect();
    if !rest.is_empty() {
        page.push('\n');
    }
    for line in rest {
        page.push_str(line.strip_prefix(' ').unwrap_or(line));
        page.push('\n');
    }
    page
}

/// The rule's categories in [`CATEGORIES`] order (strictest first).
pub fn categories(rule: &BreakingRule) -> Vec<&'static str> {
    CATEGORIES.iter().copied().filter(|c| rule.categories.contains(c)).collect()
}

/// The index of every breaking rule.
pub fn index_markdown<'a>(rules: impl Iterator<Item = &'a BreakingRule>) -> String {
    let mut page = String::from(
        "# Breaking rules\n\nGenerated from the rule declarations in `src/breaking/rules/`; do not edit.\n\n\
         | category | checks that |\n|---|---|\n",
    );
    for category in CATEGORIES {
        let _ = writeln!(page, "| `{category}` | {} |", category_summary(category));
    }
    page.push_str("\n| rule | categories | summary |\n|---|---|---|\n");
    for rule in rules {
        let _ = writeln!(
            page,
            "| [{id}]({id}.md) | {} | {} |",
            categories(rule).join(", "),
            rule.summary().replace('|', "\\|"),
            id = rule.id
        );
    }
    page
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::breaking::rules::RULES;

    #[test]
    fn docs_rules_breaking_are_up_to_date() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules/breaking");
        let mut expected: Vec<(PathBuf, String)> =
            RULES.iter().map(|rule| (dir.join(format!("{}.md", rule.id)), rule_markdown(rule))).collect();
        expected.push((dir.join("README.md"), index_markdown(RULES.iter().copied())));
        if std::env::var_os("IDL_BLESS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            for (path, text) in &expected {
                std::fs::write(path, text).unwrap();
            }
        }
        let stale: Vec<String> = expected
            .iter()
            .filter(|(path, text)| std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()))
            .map(|(path, _)| path.display().to_string())
            .collect();
        assert!(stale.is_empty(), "stale breaking rule docs (run IDL_BLESS=1 cargo test): {stale:?}");
        let unknown: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| !expected.iter().any(|(known, _)| known == path))
            .map(|path| path.display().to_string())
            .collect();
        assert!(unknown.is_empty(), "docs for no breaking rule: {unknown:?}");
    }

    #[test]
    fn every_category_is_described() {
        for category in CATEGORIES {
            assert!(!category_summary(category).is_empty(), "{category}");
        }
    }
}
