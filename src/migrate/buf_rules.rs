//! buf's rule table per `buf.yaml` version (`buf-rules.tsv`, recorded from buf by
//! `buf-rules.sh`): which rules a name in `use` or `except` stands for in that
//! version. The versions differ (v1beta1's lint categories `FILE_LAYOUT`, `OTHER`,
//! `STYLE_*`; v1beta1's `WIRE` holding `FIELD_SAME_CARDINALITY`; v1's `FILE` without
//! `EXTENSION_NO_DELETE`), and a deprecated rule stands for its replacements
//! (`FIELD_SAME_LABEL` is the three cardinality rules), which is also the ID buf
//! reports its findings under. idl's groups and categories are v2's; the
//! conversion makes up the difference with rule IDs in `use` and `except`.

use std::collections::BTreeSet;
use std::sync::OnceLock;

const TABLE: &str = include_str!("buf-rules.tsv");

/// Which rule list of buf's.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Lint,
    Breaking,
}

struct Row {
    version: &'static str,
    kind: Kind,
    id: &'static str,
    categories: Vec<&'static str>,
    replacements: Vec<&'static str>,
    deprecated: bool,
}

fn rows() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        TABLE
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .map(|line| {
                let mut fields = line.split('\t');
                let mut next = || fields.next().unwrap_or("");
                let (version, kind, id) = (next(), next(), next());
                let list = |text: &'static str| text.split(',').filter(|s| !s.is_empty()).collect::<Vec<_>>();
                let (categories, replacements) = (list(next()), list(next()));
                let deprecated = next() == "deprecated";
                let kind = if kind == "lint" { Kind::Lint } else { Kind::Breaking };
                Row { version, kind, id, categories, replacements, deprecated }
            })
            .collect()
    })
}

/// The `buf.yaml` version whose table applies (`v1beta1`, `v1`, `v2`; anything
/// else is read as v1, as the conversion does).
fn table_version(version: &str) -> &'static str {
    match version {
        "v1beta1" => "v1beta1",
        "v2" => "v2",
        _ => "v1",
    }
}

/// The rules `name` (a category or rule ID) stands for in `version`, or `None`
/// when buf's table for that version does not know it.
pub(crate) fn expand(version: &str, kind: Kind, name: &str) -> Option<BTreeSet<&'static str>> {
    let version = table_version(version);
    let rows = || rows().iter().filter(move |row| row.version == version && row.kind == kind);
    let category: BTreeSet<&'static str> =
        rows().filter(|row| !row.deprecated && row.categories.contains(&name)).map(|row| row.id).collect();
    if !category.is_empty() {
        return Some(category);
    }
    let row = rows().find(|row| row.id == name)?;
    if row.replacements.is_empty() {
        Some(BTreeSet::from([row.id]))
    } else {
        Some(row.replacements.iter().copied().collect())
    }
}

/// Every rule ID buf has in any version (what an idl rule outside this set is:
/// idl's own, which a buf config neither selects nor excepts).
pub(crate) fn is_buf_rule(kind: Kind, id: &str) -> bool {
    rows().iter().any(|row| row.kind == kind && row.id == id)
}

/// The rules buf runs for `use` (its default when empty) minus `except`.
pub(crate) fn selected(version: &str, kind: Kind, uses: &[String], except: &[String]) -> BTreeSet<&'static str> {
    let default = match (kind, table_version(version)) {
        (Kind::Lint, "v1beta1") => "DEFAULT",
        (Kind::Lint, _) => "STANDARD",
        (Kind::Breaking, _) => "FILE",
    };
    let uses: Vec<&str> = if uses.is_empty() { vec![default] } else { uses.iter().map(String::as_str).collect() };
    let mut rules: BTreeSet<&'static str> =
        uses.iter().filter_map(|name| expand(version, kind, name)).flatten().collect();
    for name in except {
        for rule in expand(version, kind, name).unwrap_or_default() {
            rules.remove(rule);
        }
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_expand_names_as_buf_does() {
        let label = expand("v1", Kind::Breaking, "FIELD_SAME_LABEL").unwrap();
        assert_eq!(
            label.into_iter().collect::<Vec<_>>(),
            ["FIELD_SAME_CARDINALITY", "FIELD_WIRE_COMPATIBLE_CARDINALITY", "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY"]
        );
        assert!(expand("v2", Kind::Breaking, "FIELD_SAME_LABEL").is_none());
        assert_eq!(
            expand("v1beta1", Kind::Lint, "OTHER").unwrap().into_iter().collect::<Vec<_>>(),
            ["ENUM_FIRST_VALUE_ZERO"]
        );
        assert!(expand("v1", Kind::Lint, "OTHER").is_none());
        assert!(expand("v1beta1", Kind::Breaking, "WIRE").unwrap().contains("FIELD_SAME_CARDINALITY"));
        assert!(!expand("v1", Kind::Breaking, "WIRE").unwrap().contains("FIELD_SAME_CARDINALITY"));
        assert!(!selected("v1", Kind::Breaking, &[], &[]).contains("EXTENSION_NO_DELETE"));
        assert!(selected("v2", Kind::Breaking, &[], &[]).contains("EXTENSION_NO_DELETE"));
    }
}
