//! A table of small files that protoc 35.1 must compile, must warn about or
//! must refuse, each with protoc's answer recorded next to it. idl must give the
//! same answer (outcome, and where `check` says so protoc's one-line message and
//! its line:column); the few known differences are listed with idl's answer in
//! `idl`, so fixing one fails the test until the table says so. Where protoc is
//! installed (`~/.cache/idl-peers/bin/protoc`, as `.ci/run` installs it) every
//! recorded answer is checked against protoc itself.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use idl::compile::{MemoryFiles, compile_from};
use idl::diagnostic::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Compiles,
    Warns,
    Fails,
}
use Outcome::*;

/// How much of protoc's answer idl reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Compiles / warns / fails alike; idl's message is its own (prost-reflect's).
    Outcome,
    /// Also protoc's message, word for word.
    Message,
    /// Also protoc's line:column.
    Location,
}

struct Case {
    name: &'static str,
    /// protoc's outcome on `a.proto` holding `source`.
    protoc: Outcome,
    /// protoc's first message, without its `a.proto:L:C: ` / `warning: ` prefix.
    message: &'static str,
    /// protoc's `line:column` of that message ("" when protoc names none).
    location: &'static str,
    /// idl's outcome where it is known to differ from protoc's.
    idl: Option<Outcome>,
    check: Check,
    source: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "dup_message",
        protoc: Fails,
        message: "\"A\" is already defined.",
        location: "3:9",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A {}\nmessage A {}\n",
    },
    Case {
        name: "dup_field_name",
        protoc: Fails,
        message: "\"x\" is already defined in \"A\".",
        location: "2:32",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { int32 x = 1; int32 x = 2; }\n",
    },
    Case {
        name: "dup_enum_value_scope",
        protoc: Fails,
        message: "\"A_X\" is already defined.",
        location: "3:10",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nenum A { A_X = 0; }\nenum B { A_X = 0; }\n",
    },
    Case {
        name: "nested_same_name_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { message A {} }\n",
    },
    Case {
        name: "field_name_keyword_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { int32 message = 1; int32 syntax = 2; }\n",
    },
    Case {
        name: "unknown_type",
        protoc: Fails,
        message: "\"Missing\" is not defined.",
        location: "2:13",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { Missing m = 1; }\n",
    },
    Case {
        name: "relative_type_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\npackage p.q;\nmessage A { message B {} }\nmessage C { A.B b = 1; }\n",
    },
    Case {
        name: "package_conflict_with_message",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\npackage a;\nmessage a {}\n",
    },
    Case {
        name: "map_entry_name_clash",
        protoc: Fails,
        message: "\"FooEntry\" is already defined in \"A\".",
        location: "2:48",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { map<string,int32> foo = 1; message FooEntry {} }\n",
    },
    Case {
        name: "proto3_enum_first_nonzero",
        protoc: Fails,
        message: "The first enum value must be zero for open enums.",
        location: "2:18",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto3\";\nenum E { E_ONE = 1; }\n",
    },
    Case {
        name: "proto2_enum_first_nonzero_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nenum E { E_ONE = 1; }\n",
    },
    Case {
        name: "enum_dup_number",
        protoc: Fails,
        message: "\"E_B\" uses the same enum value as \"E_A\". If this is intended, set 'option allow_alias = true;' to the enum definition. The next available enum value is 1.",
        location: "2:25",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nenum E { E_A = 0; E_B = 0; }\n",
    },
    Case {
        name: "enum_alias_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nenum E { option allow_alias = true; E_A = 0; E_B = 0; }\n",
    },
    Case {
        name: "enum_alias_unneeded",
        protoc: Fails,
        message: "\"E\" declares support for enum aliases but no enum values share field numbers. Please remove the unnecessary 'option allow_alias = true;' declaration.",
        location: "3:1",
        idl: None,
        check: Check::Message,
        source: "syntax = \"proto3\";\nenum E { option allow_alias = true; E_A = 0; E_B = 1; }\n",
    },
    Case {
        name: "proto3_enum_value_prefix_clash",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nenum E { FOO_BAR = 0; FooBar = 1; }\n",
    },
    Case {
        name: "field_number_zero",
        protoc: Fails,
        message: "Field numbers must be positive integers.",
        location: "2:23",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { int32 x = 0; }\n",
    },
    Case {
        name: "field_number_max_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { int32 x = 536870911; }\n",
    },
    Case {
        name: "field_number_too_big",
        protoc: Fails,
        message: "Field numbers cannot be greater than 536870911.",
        location: "2:23",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { int32 x = 536870912; }\n",
    },
    Case {
        name: "field_number_reserved_range_19000",
        protoc: Fails,
        message: "Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation.",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { int32 x = 19000; }\n",
    },
    Case {
        name: "field_number_19999",
        protoc: Fails,
        message: "Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation.",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { int32 x = 19999; }\n",
    },
    Case {
        name: "field_number_20000_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { int32 x = 20000; }\n",
    },
    Case {
        name: "dup_field_number",
        protoc: Fails,
        message: "Field number 1 has already been used in \"A\" by field \"x\". Next available field number is 2.",
        location: "2:36",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { int32 x = 1; int32 y = 1; }\n",
    },
    Case {
        name: "negative_enum_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nenum E { E_NEG = -1; }\n",
    },
    Case {
        name: "enum_value_int32_min_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nenum E { E_MIN = -2147483648; }\n",
    },
    Case {
        name: "enum_value_too_big",
        protoc: Fails,
        message: "Integer out of range.",
        location: "2:18",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto2\";\nenum E { E_BIG = 2147483648; }\n",
    },
    Case {
        name: "reserved_number_used",
        protoc: Fails,
        message: "Field \"x\" uses reserved number 2.",
        location: "2:22",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { reserved 2; int32 x = 2; }\n",
    },
    Case {
        name: "reserved_name_used",
        protoc: Fails,
        message: "Field name \"x\" is reserved.",
        location: "2:33",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto3\";\nmessage A { reserved \"x\"; int32 x = 1; }\n",
    },
    Case {
        name: "reserved_overlap",
        protoc: Fails,
        message: "Reserved range 3 to 3 overlaps with already-defined range 1 to 5.",
        location: "2:22",
        idl: None,
        check: Check::Message,
        source: "syntax = \"proto3\";\nmessage A { reserved 1 to 5; reserved 3; }\n",
    },
    Case {
        name: "reserved_max_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { reserved 10 to max; int32 x = 1; }\n",
    },
    Case {
        name: "reserved_backwards",
        protoc: Fails,
        message: "Reserved range end number must be greater than start number.",
        location: "2:22",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto3\";\nmessage A { reserved 5 to 1; }\n",
    },
    Case {
        name: "enum_reserved_used",
        protoc: Fails,
        message: "Enum value \"E_B\" uses reserved number 1.",
        location: "2:28",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nenum E { E_A = 0; reserved 1; E_B = 1; }\n",
    },
    Case {
        name: "enum_reserved_negative_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nenum E { E_A = 0; reserved -5 to -1; }\n",
    },
    Case {
        name: "extension_range_reserved_overlap",
        protoc: Fails,
        message: "Extension range 100 to 200 overlaps with reserved range 150 to 150.",
        location: "2:24",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto2\";\nmessage A { extensions 100 to 200; reserved 150; }\n",
    },
    Case {
        name: "extension_range_reserved_apart_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nmessage A { extensions 100 to 200; reserved 201 to 300; }\n",
    },
    Case {
        name: "extension_range_field_overlap",
        protoc: Fails,
        message: "Extension range 100 to 200 includes field \"x\" (150).",
        location: "2:24",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nmessage A { extensions 100 to 200; optional int32 x = 150; }\n",
    },
    Case {
        name: "extension_ranges_overlap",
        protoc: Fails,
        message: "Extension range 150 to 250 overlaps with already-defined range 100 to 200.",
        location: "2:24",
        idl: None,
        check: Check::Message,
        source: "syntax = \"proto2\";\nmessage A { extensions 100 to 200; extensions 150 to 250; }\n",
    },
    Case {
        name: "proto3_extension_range",
        protoc: Fails,
        message: "Extension ranges are not allowed in proto3.",
        location: "2:24",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto3\";\nmessage A { extensions 100 to 200; }\n",
    },
    Case {
        name: "p2_default_json_collision_warns",
        protoc: Warns,
        message: "The default JSON name of field \"fooBar\" (\"fooBar\") conflicts with the default JSON name of field \"foo_bar\".",
        location: "4:18",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto2\";\nmessage A {\n  optional int32 foo_bar = 1;\n  optional int32 fooBar = 2;\n}\n",
    },
    Case {
        name: "p2_custom_vs_default_warns",
        protoc: Warns,
        message: "The custom JSON name of field \"y\" (\"x\") conflicts with the default JSON name of field \"x\".",
        location: "4:18",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto2\";\nmessage A {\n  optional int32 x = 1;\n  optional int32 y = 2 [json_name = \"x\"];\n}\n",
    },
    Case {
        name: "p2_custom_vs_custom_fails",
        protoc: Fails,
        message: "The custom JSON name of field \"b\" (\"z\") conflicts with the custom JSON name of field \"a\".",
        location: "4:18",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto2\";\nmessage A {\n  optional int32 a = 1 [json_name = \"z\"];\n  optional int32 b = 2 [json_name = \"z\"];\n}\n",
    },
    Case {
        name: "p3_default_json_collision_fails",
        protoc: Fails,
        message: "The default JSON name of field \"fooBar\" (\"fooBar\") conflicts with the default JSON name of field \"foo_bar\".",
        location: "4:9",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto3\";\nmessage A {\n  int32 foo_bar = 1;\n  int32 fooBar = 2;\n}\n",
    },
    Case {
        name: "p3_custom_vs_default_fails",
        protoc: Fails,
        message: "The custom JSON name of field \"y\" (\"x\") conflicts with the default JSON name of field \"x\".",
        location: "4:9",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto3\";\nmessage A {\n  int32 x = 1;\n  int32 y = 2 [json_name = \"x\"];\n}\n",
    },
    Case {
        name: "p3_legacy_opt_out_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: Some(Fails),
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A {\n  option deprecated_legacy_json_field_conflicts = true;\n  int32 foo_bar = 1;\n  int32 fooBar = 2;\n}\n",
    },
    Case {
        name: "ed_default_json_collision_fails",
        protoc: Fails,
        message: "The default JSON name of field \"fooBar\" (\"fooBar\") conflicts with the default JSON name of field \"foo_bar\".",
        location: "4:9",
        idl: None,
        check: Check::Location,
        source: "edition = \"2023\";\nmessage A {\n  int32 foo_bar = 1;\n  int32 fooBar = 2;\n}\n",
    },
    Case {
        name: "ed_legacy_file_warns",
        protoc: Warns,
        message: "The default JSON name of field \"fooBar\" (\"fooBar\") conflicts with the default JSON name of field \"foo_bar\".",
        location: "5:9",
        idl: None,
        check: Check::Location,
        source: "edition = \"2023\";\noption features.json_format = LEGACY_BEST_EFFORT;\nmessage A {\n  int32 foo_bar = 1;\n  int32 fooBar = 2;\n}\n",
    },
    Case {
        name: "ed_legacy_message_warns",
        protoc: Warns,
        message: "The default JSON name of field \"fooBar\" (\"fooBar\") conflicts with the default JSON name of field \"foo_bar\".",
        location: "5:9",
        idl: None,
        check: Check::Location,
        source: "edition = \"2023\";\nmessage A {\n  option features.json_format = LEGACY_BEST_EFFORT;\n  int32 foo_bar = 1;\n  int32 fooBar = 2;\n}\n",
    },
    Case {
        name: "ed_legacy_inherited_by_nested_warns",
        protoc: Warns,
        message: "The default JSON name of field \"fooBar\" (\"fooBar\") conflicts with the default JSON name of field \"foo_bar\".",
        location: "6:11",
        idl: None,
        check: Check::Location,
        source: "edition = \"2023\";\noption features.json_format = LEGACY_BEST_EFFORT;\nmessage A {\n  message B {\n    int32 foo_bar = 1;\n    int32 fooBar = 2;\n  }\n}\n",
    },
    Case {
        name: "descriptor_and_underscore_descriptor_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nmessage A {\n  optional string descriptor = 1;\n  optional string _descriptor = 2;\n}\n",
    },
    Case {
        name: "json_name_on_extension",
        protoc: Fails,
        message: "option json_name is not allowed on extension fields.",
        location: "3:36",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto2\";\nmessage A { extensions 100 to 200; }\nextend A { optional int32 x = 100 [json_name = \"y\"]; }\n",
    },
    Case {
        name: "json_name_distinct_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A {\n  int32 a = 1 [json_name = \"first\"];\n  int32 b = 2 [json_name = \"second\"];\n}\n",
    },
    Case {
        name: "unknown_option",
        protoc: Fails,
        message: "Option \"(nope)\" unknown. Ensure that your proto definition file imports the proto which defines the option (i.e. via import option after edition 2024).",
        location: "2:8",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\noption (nope) = 1;\n",
    },
    Case {
        name: "unknown_builtin_option",
        protoc: Fails,
        message: "Option \"java_nope\" unknown. Ensure that your proto definition file imports the proto which defines the option (i.e. via import option after edition 2024).",
        location: "2:8",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\noption java_nope = true;\n",
    },
    Case {
        name: "option_wrong_type",
        protoc: Fails,
        message: "Value must be identifier for boolean option \"google.protobuf.FileOptions.java_multiple_files\".",
        location: "2:30",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\noption java_multiple_files = 3;\n",
    },
    Case {
        name: "option_set_twice",
        protoc: Fails,
        message: "Option \"java_package\" was already set.",
        location: "3:8",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\noption java_package = \"a\";\noption java_package = \"b\";\n",
    },
    Case {
        name: "custom_option_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.MessageOptions { string tag = 50001; }\nmessage A { option (tag) = \"x\"; }\n",
    },
    Case {
        name: "custom_option_message_literal_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\nmessage R { int32 n = 1; repeated string s = 2; }\nextend google.protobuf.FieldOptions { R rule = 50002; }\nmessage A { int32 x = 1 [(rule) = { n: 1 s: [\"a\", \"b\"] }]; }\n",
    },
    Case {
        name: "custom_option_literal_unknown_field",
        protoc: Fails,
        message: "Error while parsing option value for \"rule\": Message type \"R\" has no field named \"m\".",
        location: "5:35",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\nmessage R { int32 n = 1; }\nextend google.protobuf.FieldOptions { R rule = 50002; }\nmessage A { int32 x = 1 [(rule) = { m: 1 }]; }\n",
    },
    Case {
        name: "packed_on_string",
        protoc: Fails,
        message: "[packed = true] can only be specified for repeated primitive fields.",
        location: "2:22",
        idl: None,
        check: Check::Message,
        source: "syntax = \"proto2\";\nmessage A { repeated string s = 1 [packed = true]; }\n",
    },
    Case {
        name: "default_in_proto3",
        protoc: Fails,
        message: "Explicit default values are not allowed in proto3.",
        location: "2:36",
        idl: None,
        check: Check::Message,
        source: "syntax = \"proto3\";\nmessage A { int32 x = 1 [default = 3]; }\n",
    },
    Case {
        name: "default_ok_proto2",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nmessage A { optional int32 x = 1 [default = 3]; optional string s = 2 [default = \"hi\"]; }\n",
    },
    Case {
        name: "default_wrong_type",
        protoc: Fails,
        message: "Expected integer for field default value.",
        location: "2:45",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nmessage A { optional int32 x = 1 [default = \"x\"]; }\n",
    },
    Case {
        name: "default_on_repeated",
        protoc: Fails,
        message: "Repeated fields can't have default values.",
        location: "2:45",
        idl: None,
        check: Check::Message,
        source: "syntax = \"proto2\";\nmessage A { repeated int32 x = 1 [default = 1]; }\n",
    },
    Case {
        name: "default_enum_unknown_value",
        protoc: Fails,
        message: "Enum type \"E\" has no value named \"E_B\".",
        location: "3:41",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nenum E { E_A = 1; }\nmessage A { optional E e = 1 [default = E_B]; }\n",
    },
    Case {
        name: "features_field_presence_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "edition = \"2023\";\nmessage A { int32 x = 1 [features.field_presence = IMPLICIT]; }\n",
    },
    Case {
        name: "features_utf8_on_message",
        protoc: Fails,
        message: "Option google.protobuf.FeatureSet.utf8_validation cannot be set on an entity of type `message`.",
        location: "",
        idl: None,
        check: Check::Message,
        source: "edition = \"2023\";\nmessage A {\n  option features.utf8_validation = NONE;\n  string s = 1;\n}\n",
    },
    Case {
        name: "features_enum_type_on_message",
        protoc: Fails,
        message: "Option google.protobuf.FeatureSet.enum_type cannot be set on an entity of type `message`.",
        location: "",
        idl: None,
        check: Check::Message,
        source: "edition = \"2023\";\nmessage A {\n  option features.enum_type = CLOSED;\n}\n",
    },
    Case {
        name: "features_enum_type_on_field",
        protoc: Fails,
        message: "Option google.protobuf.FeatureSet.enum_type cannot be set on an entity of type `field`.",
        location: "",
        idl: None,
        check: Check::Message,
        source: "edition = \"2023\";\nmessage A { int32 x = 1 [features.enum_type = CLOSED]; }\n",
    },
    Case {
        name: "features_utf8_on_enum",
        protoc: Fails,
        message: "Option google.protobuf.FeatureSet.utf8_validation cannot be set on an entity of type `enum`.",
        location: "",
        idl: None,
        check: Check::Message,
        source: "edition = \"2023\";\nenum E {\n  option features.utf8_validation = NONE;\n  E_A = 0;\n}\n",
    },
    Case {
        name: "features_utf8_on_field_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "edition = \"2023\";\nmessage A { string s = 1 [features.utf8_validation = NONE]; }\n",
    },
    Case {
        name: "features_enum_type_on_enum_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "edition = \"2023\";\nenum E {\n  option features.enum_type = CLOSED;\n  E_A = 1;\n}\n",
    },
    Case {
        name: "features_in_proto3",
        protoc: Fails,
        message: "Features are only valid under editions.",
        location: "1:1",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto3\";\noption features.field_presence = EXPLICIT;\n",
    },
    Case {
        name: "optional_label_in_editions",
        protoc: Fails,
        message: "Label \"optional\" is not supported in editions. By default, all singular fields have presence unless features.field_presence is set.",
        location: "2:13",
        idl: None,
        check: Check::Outcome,
        source: "edition = \"2023\";\nmessage A { optional int32 x = 1; }\n",
    },
    Case {
        name: "required_label_in_editions",
        protoc: Fails,
        message: "Label \"required\" is not supported in editions, use features.field_presence = LEGACY_REQUIRED.",
        location: "2:13",
        idl: None,
        check: Check::Location,
        source: "edition = \"2023\";\nmessage A { required int32 x = 1; }\n",
    },
    Case {
        name: "legacy_required_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "edition = \"2023\";\nmessage A { int32 x = 1 [features.field_presence = LEGACY_REQUIRED]; }\n",
    },
    Case {
        name: "implicit_presence_with_default",
        protoc: Fails,
        message: "Implicit presence fields can't specify defaults.",
        location: "2:19",
        idl: None,
        check: Check::Location,
        source: "edition = \"2023\";\nmessage A { int32 x = 1 [features.field_presence = IMPLICIT, default = 1]; }\n",
    },
    Case {
        name: "group_in_editions",
        protoc: Fails,
        message: "Group syntax is no longer supported in editions. To get group behavior you can specify features.message_encoding = DELIMITED on a message field.",
        location: "2:13",
        idl: None,
        check: Check::Location,
        source: "edition = \"2023\";\nmessage A { group G = 1 {} }\n",
    },
    Case {
        name: "edition_2026",
        protoc: Fails,
        message: "Edition 2026 is later than the maximum supported edition 2024",
        location: "1:1",
        idl: None,
        check: Check::Message,
        source: "edition = \"2026\";\n",
    },
    Case {
        name: "edition_unknown",
        protoc: Fails,
        message: "Unknown edition \"2022\".",
        location: "1:11",
        idl: None,
        check: Check::Outcome,
        source: "edition = \"2022\";\n",
    },
    Case {
        name: "required_in_proto3",
        protoc: Fails,
        message: "Required fields are not allowed in proto3.",
        location: "2:22",
        idl: None,
        check: Check::Message,
        source: "syntax = \"proto3\";\nmessage A { required int32 x = 1; }\n",
    },
    Case {
        name: "proto3_optional_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { optional int32 x = 1; }\n",
    },
    Case {
        name: "map_in_oneof",
        protoc: Fails,
        message: "Map fields are not allowed in oneofs.",
        location: "2:26",
        idl: None,
        check: Check::Message,
        source: "syntax = \"proto3\";\nmessage A { oneof o { map<string,int32> m = 1; } }\n",
    },
    Case {
        name: "repeated_in_oneof",
        protoc: Fails,
        message: "Fields in oneofs must not have labels (required / optional / repeated).",
        location: "2:23",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto3\";\nmessage A { oneof o { repeated int32 r = 1; } }\n",
    },
    Case {
        name: "map_float_key",
        protoc: Fails,
        message: "Key in map fields cannot be float/double, bytes or message types.",
        location: "2:13",
        idl: None,
        check: Check::Message,
        source: "syntax = \"proto3\";\nmessage A { map<float,int32> m = 1; }\n",
    },
    Case {
        name: "map_enum_key",
        protoc: Fails,
        message: "Key in map fields cannot be enum types.",
        location: "3:13",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nenum E { E_A = 0; }\nmessage A { map<E,int32> m = 1; }\n",
    },
    Case {
        name: "extension_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nmessage A { extensions 100 to 200; }\nextend A { optional int32 x = 100; }\n",
    },
    Case {
        name: "extension_outside_range",
        protoc: Fails,
        message: "\"A\" does not declare 300 as an extension number.",
        location: "3:31",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nmessage A { extensions 100 to 200; }\nextend A { optional int32 x = 300; }\n",
    },
    Case {
        name: "extension_dup_number",
        protoc: Fails,
        message: "Extension number 100 has already been used in \"A\" by extension \"x\".",
        location: "3:55",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto2\";\nmessage A { extensions 100 to 200; }\nextend A { optional int32 x = 100; optional int32 y = 100; }\n",
    },
    Case {
        name: "extension_required",
        protoc: Fails,
        message: "The extension x cannot be required.",
        location: "3:21",
        idl: None,
        check: Check::Message,
        source: "syntax = \"proto2\";\nmessage A { extensions 100 to 200; }\nextend A { required int32 x = 100; }\n",
    },
    Case {
        name: "extend_non_message",
        protoc: Fails,
        message: "\"E\" is not a message type.",
        location: "3:8",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nenum E { E_A = 0; }\nextend E { optional int32 x = 100; }\n",
    },
    Case {
        name: "proto3_extend_custom_option_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nimport \"google/protobuf/descriptor.proto\";\nextend google.protobuf.FileOptions { string owner = 50003; }\noption (owner) = \"me\";\n",
    },
    Case {
        name: "proto3_extend_message",
        protoc: Fails,
        message: "\"A\" does not declare 100 as an extension number.",
        location: "3:22",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A {}\nextend A { int32 x = 100; }\n",
    },
    Case {
        name: "extension_declaration_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nmessage A { extensions 100 to 200 [declaration = { number: 100, full_name: \".x\", type: \"int32\" }]; }\nextend A { optional int32 x = 100; }\n",
    },
    Case {
        name: "import_missing",
        protoc: Fails,
        message: "File not found.",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nimport \"nope.proto\";\n",
    },
    Case {
        name: "import_self",
        protoc: Fails,
        message: "File recursively imports itself: a.proto -> a.proto",
        location: "2:1",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto3\";\nimport \"a.proto\";\n",
    },
    Case {
        name: "import_unused_warns",
        protoc: Warns,
        message: "Import google/protobuf/empty.proto is unused.",
        location: "2:1",
        idl: Some(Compiles),
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nimport \"google/protobuf/empty.proto\";\nmessage A {}\n",
    },
    Case {
        name: "import_wkt_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\nmessage A { google.protobuf.Timestamp t = 1; }\n",
    },
    Case {
        name: "import_duplicate",
        protoc: Fails,
        message: "Import \"google/protobuf/empty.proto\" was listed twice.",
        location: "3:1",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto3\";\nimport \"google/protobuf/empty.proto\";\nimport \"google/protobuf/empty.proto\";\n",
    },
    Case {
        name: "type_from_unimported_file",
        protoc: Fails,
        message: "\"google.protobuf.Timestamp\" is not defined.",
        location: "2:13",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage A { google.protobuf.Timestamp t = 1; }\n",
    },
    Case {
        name: "import_option_in_2023",
        protoc: Fails,
        message: "option import is not supported before edition 2024.",
        location: "2:8",
        idl: None,
        check: Check::Message,
        source: "edition = \"2023\";\nimport option \"google/protobuf/descriptor.proto\";\n",
    },
    Case {
        name: "import_option_2024_unused_warns",
        protoc: Warns,
        message: "Import google/protobuf/descriptor.proto is unused.",
        location: "2:1",
        idl: Some(Compiles),
        check: Check::Outcome,
        source: "edition = \"2024\";\nimport option \"google/protobuf/descriptor.proto\";\nmessage A {}\n",
    },
    Case {
        name: "export_in_2023",
        protoc: Fails,
        message: "Expected top-level statement (e.g. \"message\").",
        location: "2:1",
        idl: None,
        check: Check::Outcome,
        source: "edition = \"2023\";\nexport message A {}\n",
    },
    Case {
        name: "export_local_2024_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "edition = \"2024\";\nexport message A {}\nlocal message B {}\nlocal enum E { E_A = 0; }\n",
    },
    Case {
        name: "local_nested_2024_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "edition = \"2024\";\nmessage A { local message B {} }\n",
    },
    Case {
        name: "visibility_in_proto3",
        protoc: Fails,
        message: "Expected top-level statement (e.g. \"message\").",
        location: "2:1",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nexport message A {}\n",
    },
    Case {
        name: "service_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage R {}\nservice S { rpc M(R) returns (R); rpc N(stream R) returns (stream R); }\n",
    },
    Case {
        name: "service_unknown_type",
        protoc: Fails,
        message: "\"Nope\" is not defined.",
        location: "2:19",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nservice S { rpc M(Nope) returns (Nope); }\n",
    },
    Case {
        name: "service_scalar_type",
        protoc: Fails,
        message: "Expected message type.",
        location: "2:19",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nservice S { rpc M(string) returns (string); }\n",
    },
    Case {
        name: "dup_method",
        protoc: Fails,
        message: "\"M\" is already defined in \"S\".",
        location: "3:39",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto3\";\nmessage R {}\nservice S { rpc M(R) returns (R); rpc M(R) returns (R); }\n",
    },
    Case {
        name: "syntax_unknown",
        protoc: Fails,
        message: "Unrecognized syntax identifier \"proto4\".  This parser only recognizes \"proto2\" and \"proto3\".",
        location: "1:10",
        idl: None,
        check: Check::Location,
        source: "syntax = \"proto4\";\n",
    },
    Case {
        name: "groups_proto2_ok",
        protoc: Compiles,
        message: "",
        location: "",
        idl: None,
        check: Check::Outcome,
        source: "syntax = \"proto2\";\nmessage A { optional group G = 1 { optional int32 x = 2; } }\n",
    },
];

struct IdlAnswer {
    outcome: Outcome,
    /// (message, "line:column") of every diagnostic in a.proto.
    diagnostics: Vec<(String, String)>,
}

fn idl_answer(source: &str) -> IdlAnswer {
    let mut files = BTreeMap::new();
    files.insert("a.proto".to_string(), ("a.proto".to_string(), Arc::<str>::from(source)));
    let provider = MemoryFiles { files, description: "memory".into(), ..Default::default() };
    let compilation = compile_from(&provider);
    let worst = compilation.diagnostics.iter().map(|d| d.severity).max();
    let outcome = match worst {
        Some(Severity::Error) => Fails,
        Some(_) => Warns,
        None => Compiles,
    };
    let diagnostics = compilation
        .diagnostics
        .iter()
        .filter(|d| d.path == "a.proto")
        .map(|d| {
            let at = d.span.as_ref().map(|s| format!("{}:{}", s.start.line, s.start.column)).unwrap_or_default();
            (d.message.clone(), at)
        })
        .collect();
    IdlAnswer { outcome, diagnostics }
}

#[test]
fn table_is_large_and_names_are_unique() {
    assert!(CASES.len() >= 60, "{} cases", CASES.len());
    let mut names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), CASES.len(), "duplicate case names");
    for kind in [Compiles, Warns, Fails] {
        assert!(CASES.iter().any(|c| c.protoc == kind), "no case where protoc {kind:?}");
    }
}

#[test]
fn idl_answers_as_protoc_does() {
    let mut wrong = Vec::new();
    for case in CASES {
        let answer = idl_answer(case.source);
        let expected = case.idl.unwrap_or(case.protoc);
        if answer.outcome != expected {
            wrong.push(format!(
                "{}: idl {:?}, expected {expected:?}: {:?}",
                case.name, answer.outcome, answer.diagnostics
            ));
            continue;
        }
        let same_message = answer.diagnostics.iter().find(|(m, _)| m == case.message);
        match (case.check, same_message) {
            (Check::Outcome, _) => {}
            (_, None) => {
                wrong.push(format!("{}: no message {:?} in {:?}", case.name, case.message, answer.diagnostics))
            }
            (Check::Location, Some((_, at))) if at != case.location => {
                wrong.push(format!("{}: {:?} at {at}, protoc at {}", case.name, case.message, case.location))
            }
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{} of {} cases differ:\n{}", wrong.len(), CASES.len(), wrong.join("\n"));
}

fn protoc() -> Option<PathBuf> {
    let home = std::env::var_os("IDL_PEERS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/idl-peers")))?;
    let protoc = home.join("bin/protoc");
    if protoc.is_file() {
        Some(protoc)
    } else {
        eprintln!("skipped: no protoc at {} (run ../shared/scripts/peers.sh)", protoc.display());
        None
    }
}

/// The recorded answers are protoc's: outcome, first message and its location.
#[test]
fn recorded_answers_are_protocs() {
    let Some(protoc) = protoc() else { return };
    let mut wrong = Vec::new();
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.proto"), case.source).unwrap();
        let output = Command::new(&protoc)
            .current_dir(dir.path())
            .args(["-I.", "--descriptor_set_out=/dev/null", "a.proto"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let outcome = if !output.status.success() {
            Fails
        } else if stderr.contains("warning: ") {
            Warns
        } else {
            Compiles
        };
        let first = stderr.lines().next().unwrap_or("");
        let expected_end = match case.protoc {
            Compiles => String::new(),
            Warns => format!(": warning: {}", case.message),
            Fails => format!(": {}", case.message),
        };
        // Without a location protoc names the file it blames (the missing import's, say).
        let located = case.location.is_empty() || first.starts_with(&format!("a.proto:{}: ", case.location));
        let same = match case.protoc {
            Compiles => first.is_empty(),
            _ => first.ends_with(&expected_end) && located,
        };
        if outcome != case.protoc || !same {
            wrong.push(format!(
                "{}: protoc {outcome:?} {first:?}, recorded {:?} {:?} at {:?}",
                case.name, case.protoc, case.message, case.location
            ));
        }
    }
    assert!(wrong.is_empty(), "{} recorded answers are not protoc's:\n{}", wrong.len(), wrong.join("\n"));
}
