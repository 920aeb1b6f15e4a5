//! Rule documentation as Markdown: `idl rules ID` prints it and `docs/rules/` holds
//! it (a test fails when the files are stale; `IDL_BLESS=1` rewrites them).

use std::fmt::Write;

use crate::lint::presets;
use crate::lint::rule::{OptionDefault, RuleMeta};

/// One rule's page: header facts, then its doc comment.
pub fn rule_markdown(meta: &RuleMeta) -> String {
    let mut page = format!("# {}\n\n{}\n\n", meta.id, meta.summary);
    let memberships = presets::memberships(meta.id);
    let memberships =
        if memberships.is_empty() { "none (enable it by ID)".to_string() } else { memberships.join(", ") };
    let _ = writeln!(page, "- Presets and groups: {memberships}");
    let _ = writeln!(page, "- Default severity: {}", meta.default_severity.as_str());
    let _ = writeln!(page, "- Fixable: {}", if meta.fixable { "yes" } else { "no" });
    if !meta.options.is_empty() {
        page.push_str("\n## Options (`[lint.rules.");
        page.push_str(meta.id);
        page.push_str("]`)\n\n| option | default | meaning |\n|---|---|---|\n");
        for option in meta.options {
            let default = match option.default {
                OptionDefault::String(text) => format!("`\"{text}\"`"),
                OptionDefault::Bool(flag) => format!("`{flag}`"),
                OptionDefault::Integer(number) => format!("`{number}`"),
                OptionDefault::List(values) => format!("`{values:?}`"),
                OptionDefault::Tables => "none".to_string(),
            };
            let _ = writeln!(page, "| `{}` | {default} | {} |", option.name, option.help);
        }
    }
    page.push('\n');
    for line in meta.doc.lines() {
        // `///` lines keep the space after the slashes.
        page.push_str(line.strip_prefix(' ').unwrap_or(line));
        page.push('\n');
    }
    page
}

/// The index of every rule.
pub fn index_markdown<'a>(rules: impl Iterator<Item = &'a RuleMeta>) -> String {
    let mut page = String::from(
        "# Lint rules\n\nGenerated from the rule declarations in `src/lint/rules/`; do not edit.\n\n\
         | rule | presets and groups | summary |\n|---|---|---|\n",
    );
    for meta in rules {
        let _ = writeln!(
            page,
            "| [{id}]({id}.md) | {} | {} |",
            presets::memberships(meta.id).join(", "),
            meta.summary.replace('|', "\\|"),
            id = meta.id
        );
    }
    page
}
