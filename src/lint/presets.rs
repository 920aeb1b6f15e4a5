//! Presets (`minimal`, `buf-standard`, `google`, `uber-v2`) with the rule options they set, and the rule groups usable by name in `use`
//! and `except` (buf's categories). Their membership lives in `rules/presets/*.toml`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// One preset or group: the rule IDs it enables.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleGroup {
    pub description: String,
    pub rules: Vec<String>,
    /// Members of the peer's set that idl does not implement yet.
    #[serde(default)]
    pub pending: Vec<String>,
    /// Rule options the preset sets (`[options.ENUM_ZERO_VALUE_SUFFIX] suffix =
    /// "_INVALID"`), by rule ID; `[lint.rules.<ID>]` in idl.toml overrides them
    /// option by option.
    #[serde(default)]
    pub options: BTreeMap<String, toml::Table>,
}

/// Preset name → its file's text.
const PRESET_FILES: &[(&str, &str)] = &[
    ("buf-standard", include_str!("../../rules/presets/buf-standard.toml")),
    ("google", include_str!("../../rules/presets/google.toml")),
    ("minimal", include_str!("../../rules/presets/minimal.toml")),
    ("uber-v2", include_str!("../../rules/presets/uber-v2.toml")),
];

const GROUPS_FILE: &str = include_str!("../../rules/presets/groups.toml");

/// Group names that stand for a preset (buf's category names).
const PRESET_GROUP_NAMES: &[(&str, &str)] = &[("MINIMAL", "minimal"), ("STANDARD", "buf-standard")];

/// The preset used when the config names no preset and no rules.
pub const DEFAULT_PRESET: &str = "buf-standard";

fn parse(name: &str, text: &str) -> RuleGroup {
    toml::from_str(text).unwrap_or_else(|error| panic!("invalid preset file for {name}: {error}"))
}

/// Every preset by name.
pub fn presets() -> &'static BTreeMap<&'static str, RuleGroup> {
    static PRESETS: OnceLock<BTreeMap<&'static str, RuleGroup>> = OnceLock::new();
    PRESETS.get_or_init(|| PRESET_FILES.iter().map(|(name, text)| (*name, parse(name, text))).collect())
}

/// Every group usable in `use`/`except` by name, presets under their buf names included.
pub fn groups() -> &'static BTreeMap<String, RuleGroup> {
    static GROUPS: OnceLock<BTreeMap<String, RuleGroup>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut groups: BTreeMap<String, RuleGroup> =
            toml::from_str(GROUPS_FILE).unwrap_or_else(|error| panic!("invalid rules/presets/groups.toml: {error}"));
        for (group, preset) in PRESET_GROUP_NAMES {
            groups.insert(group.to_string(), presets()[preset].clone());
        }
        groups
    })
}

/// The presets and groups a rule belongs to, for `idl rules`.
pub fn memberships(rule_id: &str) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = presets()
        .iter()
        .filter(|(_, preset)| preset.rules.iter().any(|id| id == rule_id))
        .map(|(name, _)| *name)
        .collect();
    names.extend(
        groups()
            .iter()
            .filter(|(name, _)| !PRESET_GROUP_NAMES.iter().any(|(group, _)| group == name))
            .filter(|(_, group)| group.rules.iter().any(|id| id == rule_id))
            .map(|(name, _)| name.as_str()),
    );
    names
}
