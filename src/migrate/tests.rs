use super::*;

fn convert_text(name: &str, text: &str) -> Migrated {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    convert(&path, name).unwrap()
}

fn messages(migrated: &Migrated) -> Vec<String> {
    migrated.dropped.iter().map(|dropped| dropped.diagnostic.message.clone()).collect()
}

#[test]
fn join_path_puts_module_dirs_in_front() {
    assert_eq!(join_path("", "./a/b/"), "a/b");
    assert_eq!(join_path("api", "a.proto"), "api/a.proto");
    assert_eq!(join_path("api/", "."), "api");
    assert_eq!(join_path(".", "x"), "x");
}

#[test]
fn v2_modules_with_different_rules_keep_the_first_and_say_so() {
    let text =
        "version: v2\nmodules:\n  - path: a\n  - path: b\n    lint:\n      use: [MINIMAL]\n      ignore: [b/x]\n";
    let migrated = convert_text("buf.yaml", text);
    assert!(migrated.toml.contains("roots = [\"a\", \"b\"]"), "{}", migrated.toml);
    assert!(migrated.toml.contains("preset = \"buf-standard\""), "{}", migrated.toml);
    // Ignores name paths, so they merge even when the rule sets cannot.
    assert!(migrated.toml.contains("ignore = [\"b/x\"]"), "{}", migrated.toml);
    assert_eq!(
        messages(&migrated),
        [
            "the lint rules of module `b` differ from those of `a`; idl applies one rule set to the whole workspace (`a`'s)"
        ]
    );
    assert!(migrated.dropped[0].changes_results);
}

#[test]
fn v1_options_become_rule_options_and_default_is_standard() {
    let text = "version: v1\nlint:\n  use: [DEFAULT, COMMENTS]\n  rpc_allow_same_request_response: true\n  \
                enum_zero_value_suffix: _NONE\n";
    let migrated = convert_text("buf.yaml", text);
    let config =
        crate::config::Config::parse(&SourceFile::new("idl.toml", "idl.toml", migrated.toml.clone().into())).unwrap();
    assert_eq!(config.lint.preset.as_ref().map(|p| p.get_ref().as_str()), Some("buf-standard"));
    assert_eq!(config.lint.r#use.iter().map(|u| u.get_ref().as_str()).collect::<Vec<_>>(), ["COMMENTS"]);
    let unique = &config.lint.rules["RPC_REQUEST_RESPONSE_UNIQUE"];
    assert_eq!(unique.options["allow_same_request_response"].as_bool(), Some(true));
    assert_eq!(config.lint.rules["ENUM_ZERO_VALUE_SUFFIX"].options["suffix"].as_str(), Some("_NONE"));
    assert!(migrated.dropped.is_empty(), "{:?}", messages(&migrated));
}

#[test]
fn nothing_known_in_use_falls_back_to_minimal_not_to_the_default_preset() {
    let migrated = convert_text("buf.yaml", "version: v2\nlint:\n  use: [SOME_FUTURE_RULE]\n");
    assert!(migrated.toml.contains("preset = \"minimal\""), "{}", migrated.toml);
    assert_eq!(messages(&migrated), ["`lint.use`: idl has no rule or category `SOME_FUTURE_RULE`"]);
}

#[test]
fn a_dropped_key_with_a_line_break_cannot_write_toml_into_the_config() {
    // The key's text is quoted into a comment: a raw line break would end the
    // comment and make the rest a setting, a control character invalid TOML.
    let text = "version: v2\nlint:\n  \"x\\nroots = ['/etc']\\u000b\": true\n";
    let migrated = convert_text("buf.yaml", text);
    let config =
        crate::config::Config::parse(&SourceFile::new("idl.toml", "idl.toml", migrated.toml.clone().into())).unwrap();
    assert_eq!(config.roots.iter().map(|r| r.get_ref().as_str()).collect::<Vec<_>>(), ["."], "{}", migrated.toml);
    assert!(migrated.toml.contains("`lint.x\\nroots = ['/etc']\\u{b}` is not supported"), "{}", migrated.toml);
}
