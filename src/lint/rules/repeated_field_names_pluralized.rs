use prost_reflect::FieldDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, name_path};

declare_rule! {
    /// Repeated fields must have plural names. It enforces the style guide's
    /// "Field Names": "Use pluralized names for repeated fields."
    ///
    /// The last word of the name (after its last underscore) is checked with the
    /// pluralizer crate (a port of the `pluralize` npm package, the same rule set
    /// protolint's REPEATED_FIELD_NAMES_PLURALIZED uses through go-pluralize): a
    /// word is plural when pluralizing it changes nothing (`keys`, `children`,
    /// and uncountable words such as `data` or `metadata`) or when singularizing
    /// it changes it (`indices`). Map fields are not checked: they are not
    /// declared `repeated`.
    ///
    /// `exceptions` lists field names or last words that are accepted as they
    /// are; the default covers words the rule set gets wrong in API names
    /// (`info` and `evidence` read as mass nouns, `uris` is already a plural).
    ///
    /// ```toml
    /// [lint.rules.REPEATED_FIELD_NAMES_PLURALIZED]
    /// exceptions = ["info", "uris", "evidence", "history"]
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// message Playlist { repeated string song = 1; }
    /// // Valid
    /// message Playlist { repeated string songs = 1; }
    /// ```
    pub struct RepeatedFieldNamesPluralized {
        id: "REPEATED_FIELD_NAMES_PLURALIZED",
        summary: "Repeated fields have plural names (option `exceptions`).",
        severity: Error,
        fixable: false,
        options: [RuleOption {
            name: "exceptions",
            default: OptionDefault::List(&["evidence", "info", "uris"]),
            help: "Field names or last words accepted as they are.",
        }],
    }
}

impl Rule for RepeatedFieldNamesPluralized {
    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        if !field.is_list() || field.parent_message().is_map_entry() {
            return;
        }
        let name = field.name();
        let last_word = name.rsplit('_').next().unwrap_or(name);
        if cx.option_list("exceptions").iter().any(|exception| exception == name || exception == last_word) {
            return;
        }
        let lowercase = last_word.to_lowercase();
        if is_plural(&lowercase) {
            return;
        }
        let plural = pluralizer::pluralize(&lowercase, 2, false);
        let suggestion = format!("{}{plural}", &name[..name.len() - last_word.len()]);
        cx.report(
            &name_path(field.path()),
            format!("Repeated field name {name:?} should be plural, such as {suggestion:?}."),
        );
    }
}

/// Whether a lowercase word is a plural form (or uncountable).
fn is_plural(word: &str) -> bool {
    pluralizer::pluralize(word, 2, false) == word || pluralizer::pluralize(word, 1, false) != word
}

#[cfg(test)]
mod tests {
    use super::is_plural;

    #[test]
    fn plural_words() {
        for word in ["keys", "children", "data", "metadata", "indices", "addresses", "policies", "series"] {
            assert!(is_plural(word), "{word}");
        }
        for word in ["key", "child", "address", "policy", "status", "config"] {
            assert!(!is_plural(word), "{word}");
        }
    }
}
