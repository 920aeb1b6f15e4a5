use std::ops::Range;

use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, ReflectMessage, Value};

use crate::compile::{CompiledFile, Syntax};
use crate::declare_rule;
use crate::lint::option_text::{entry_span, nth_entry_span};
use crate::lint::rule::{Context, Rule, child_path};
use crate::lint::support::option_value;

mod cel;

use crate::lint::cel::Type;
use cel::{FieldShape, Site, check_rules, field_environment, message_environment, predefined_environment};

/// `FieldDescriptorProto.options` and the `buf.validate.field` extension number.
const FIELD_OPTIONS: i32 = 8;
const FIELD_RULES_EXTENSION: u32 = 1159;
const FIELD_RULES_EXTENSION_NAME: &str = "buf.validate.field";
/// `MessageDescriptorProto.options`, the `buf.validate.message` extension (same
/// number as the field one, on MessageOptions) and `MessageRules.oneof`.
const MESSAGE_OPTIONS: i32 = 7;
const MESSAGE_RULES_EXTENSION_NAME: &str = "buf.validate.message";
const MESSAGE_ONEOF: u32 = 4;
/// `FieldDescriptorProto.options` of an extension, the `buf.validate.predefined`
/// extension and `PredefinedRules.cel`.
const PREDEFINED_EXTENSION: u32 = 1160;
const PREDEFINED_EXTENSION_NAME: &str = "buf.validate.predefined";
const PREDEFINED_CEL: u32 = 1;
// `cel` and `cel_expression` of `MessageRules` and `FieldRules`; `RepeatedRules.items`,
// `MapRules.keys` and `MapRules.values`.
const MESSAGE_CEL: u32 = 3;
const MESSAGE_CEL_EXPRESSION: u32 = 5;
const FIELD_CEL: u32 = 23;
const FIELD_CEL_EXPRESSION: u32 = 29;
const REPEATED_ITEMS: u32 = 4;
const MAP_KEYS: u32 = 4;
const MAP_VALUES: u32 = 5;

// Field numbers of `buf.validate.FieldRules`.
const REQUIRED: u32 = 25;
const IGNORE: u32 = 27;
const BYTES: u32 = 15;
const DURATION: u32 = 21;
const FIELD_MASK: u32 = 28;
const MAP: u32 = 19;
const REPEATED: u32 = 18;
const STRING: u32 = 14;
const TIMESTAMP: u32 = 22;
const ENUM: u32 = 16;

/// `FeatureSet.FieldPresence.IMPLICIT`.
const FIELD_PRESENCE_IMPLICIT: i32 = 2;

// `buf.validate.Ignore` values.
const IGNORE_IF_ZERO_VALUE: i32 = 1;
const IGNORE_ALWAYS: i32 = 3;

/// The scalar kind each type-rules field of `FieldRules.type` applies to.
fn scalar_kind_of_rules(number: u32) -> Option<&'static str> {
    Some(match number {
        1 => "float",
        2 => "double",
        3 => "int32",
        4 => "int64",
        5 => "uint32",
        6 => "uint64",
        7 => "sint32",
        8 => "sint64",
        9 => "fixed32",
        10 => "fixed64",
        11 => "sfixed32",
        12 => "sfixed64",
        13 => "bool",
        14 => "string",
        15 => "bytes",
        16 => "enum",
        _ => return None,
    })
}

/// The message type each type-rules field of `FieldRules.type` also applies to.
fn message_of_rules(number: u32) -> Option<&'static str> {
    Some(match number {
        1 => "google.protobuf.FloatValue",
        2 => "google.protobuf.DoubleValue",
        3 => "google.protobuf.Int32Value",
        4 => "google.protobuf.Int64Value",
        5 => "google.protobuf.UInt32Value",
        6 => "google.protobuf.UInt64Value",
        13 => "google.protobuf.BoolValue",
        14 => "google.protobuf.StringValue",
        15 => "google.protobuf.BytesValue",
        20 => "google.protobuf.Any",
        21 => "google.protobuf.Duration",
        22 => "google.protobuf.Timestamp",
        28 => "google.protobuf.FieldMask",
        _ => return None,
    })
}

const WRAPPERS: &[&str] = &[
    "google.protobuf.FloatValue",
    "google.protobuf.DoubleValue",
    "google.protobuf.Int32Value",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.BoolValue",
    "google.protobuf.StringValue",
    "google.protobuf.BytesValue",
];

declare_rule! {
    /// protovalidate annotations (`buf.validate.field`) must be well-formed, as buf's
    /// PROTOVALIDATE checks them. idl implements these checks, with buf's messages
    /// and locations:
    ///
    /// - the type rules fit the field: `string` rules on a `string` or
    ///   `google.protobuf.StringValue` field, `int32` rules on `int32`, `duration` on
    ///   `google.protobuf.Duration`, and so on; `repeated` rules only on repeated
    ///   fields, `map` rules only on maps, and no scalar rules on a repeated field;
    /// - `repeated.items`, `map.keys` and `map.values` are checked the same way against
    ///   the element, key and value types, and may not set `required`;
    /// - `required` is not set on a field of a (non-synthetic) oneof; `required` is not
    ///   combined with `ignore = IGNORE_IF_ZERO_VALUE`; `ignore = IGNORE_ALWAYS` comes
    ///   alone; `IGNORE_IF_ZERO_VALUE` is not set on a field that tracks presence;
    /// - `const` comes alone in its type rules; `len` with `min_len`/`max_len` is
    ///   redundant; `min_len` ≤ `max_len`, `min_bytes` ≤ `max_bytes`, `min_items` ≤
    ///   `max_items`, `min_pairs` ≤ `max_pairs` (equal minimum and maximum length ask
    ///   for `len`); string `min_len` against `max_bytes` and `max_len` against
    ///   `min_bytes`; `prefix`/`suffix`/`contains` no longer than `max_len` or
    ///   `max_bytes` and not containing `not_contains`; `strict` only with
    ///   `well_known_regex`;
    /// - numeric, duration and timestamp bounds: equal lower and upper bounds
    ///   (`gte` = `lte` asks for `const`; `gt` = `lt` rejects everything);
    ///   a timestamp not both `lt_now` and `gt_now`;
    /// - `repeated.unique` only on scalar and wrapper elements; a field mask path not in
    ///   both `in` and `not_in`;
    /// - `(buf.validate.message).oneof` entries name at least one field, each once,
    ///   only fields of the message, and no field in two entries;
    /// - CEL: every `cel` rule and `cel_expression` of `(buf.validate.field)` (and of
    ///   its `repeated.items`, `map.keys`, `map.values`; on fields and extension
    ///   fields), `(buf.validate.message)` and
    ///   `(buf.validate.predefined)` (on extensions of the `buf.validate.*Rules`
    ///   messages) is parsed and type-checked as cel-go does for buf: syntax errors,
    ///   undeclared identifiers and functions, undefined fields, overloads that do not
    ///   apply (`this.size() > "a"`), macros over non-collections; `this` is the
    ///   field's value (the message for message rules; the element, key or value for
    ///   nested rules), `now` a timestamp, and `rules` and `rule` exist only in
    ///   predefined rules. The result must be a bool or a string (a string result
    ///   with a `message` makes the message redundant); ids use only `a-z A-Z 0-9 . _ -`
    ///   and are unique within their field or message; expressions are not empty.
    ///
    /// Not checked (buf does): `example` values are not evaluated against the rules,
    /// `pattern` regular expressions are not compiled, the field rules of extension
    /// fields are checked for their CEL only, and timestamp `within` and the
    /// validity of duration and timestamp values are not checked either. The CEL checker is idl's own
    /// (`src/lint/cel/`): on rare constructs (optional syntax, `format` verbs, type
    /// parameters left unbound) its types can differ from cel-go's.
    ///
    /// ```proto
    /// // Invalid
    /// import "buf/validate/validate.proto";
    /// message User {
    ///   int32 age = 1 [(buf.validate.field).string.min_len = 1];
    /// }
    /// // Valid
    /// import "buf/validate/validate.proto";
    /// message User {
    ///   int32 age = 1 [(buf.validate.field).int32.gte = 0];
    /// }
    /// ```
    pub struct Protovalidate {
        id: "PROTOVALIDATE",
        summary: "protovalidate annotations are well-formed, CEL expressions included.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for Protovalidate {
    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        let options = message.options();
        let Some(Value::Message(rules)) = options
            .extensions()
            .find(|(ext, _)| ext.full_name() == MESSAGE_RULES_EXTENSION_NAME || ext.number() == FIELD_RULES_EXTENSION)
            .map(|(_, value)| value.clone())
        else {
            return;
        };
        check_message_oneofs(cx, message, &rules);
        let site = Site {
            owner: message.path(),
            rules_path: child_path(message.path(), &[MESSAGE_OPTIONS, FIELD_RULES_EXTENSION as i32]),
            rules_name: "(buf.validate.message)".to_string(),
            parent: format!("message {}", go_quote(message.name())),
        };
        let environment = || message_environment(message);
        check_rules(cx, &site, &rules, MESSAGE_CEL, Some(MESSAGE_CEL_EXPRESSION), environment);
    }

    fn check_extension(&self, cx: &mut Context<'_>, extension: &prost_reflect::ExtensionDescriptor) {
        let options = extension.options();
        // Field rules on an extension field: only their CEL is checked so far.
        if let Some(Value::Message(rules)) = options
            .extensions()
            .find(|(ext, _)| ext.full_name() == FIELD_RULES_EXTENSION_NAME || ext.number() == FIELD_RULES_EXTENSION)
            .map(|(_, value)| value.clone())
        {
            check_field_cel(cx, &FieldShape::of_extension(extension), &rules);
        }
        let Some(Value::Message(rules)) = options
            .extensions()
            .find(|(ext, _)| ext.full_name() == PREDEFINED_EXTENSION_NAME || ext.number() == PREDEFINED_EXTENSION)
            .map(|(_, value)| value.clone())
        else {
            return;
        };
        let Some(environment) = predefined_environment(extension) else { return };
        let site = Site {
            owner: extension.path(),
            rules_path: child_path(extension.path(), &[FIELD_OPTIONS, PREDEFINED_EXTENSION as i32]),
            rules_name: "(buf.validate.predefined)".to_string(),
            parent: "extension field".to_string(),
        };
        check_rules(cx, &site, &rules, PREDEFINED_CEL, None, || environment);
    }

    fn check_field(&self, cx: &mut Context<'_>, field: &FieldDescriptor) {
        if field.parent_message().is_map_entry() {
            return;
        }
        let options = field.options();
        let Some(Value::Message(rules)) = options
            .extensions()
            .find(|(ext, _)| ext.full_name() == FIELD_RULES_EXTENSION_NAME || ext.number() == FIELD_RULES_EXTENSION)
            .map(|(_, value)| value.clone())
        else {
            return;
        };
        let mut checker = Checker {
            cx,
            field_path: field.path().to_vec(),
            field_name: field.name().to_string(),
            pretty_type: pretty_type(field),
            base: Vec::new(),
        };
        checker.check(&rules, field, field.is_list() || field.is_map(), true);
        check_field_cel(cx, &FieldShape::of_field(field), &rules);
    }
}

/// The CEL rules of a field, and of its `repeated.items`, `map.keys` and `map.values`.
fn check_field_cel(cx: &mut Context<'_>, field: &FieldShape, rules: &DynamicMessage) {
    let option = child_path(&field.path, &[FIELD_OPTIONS, FIELD_RULES_EXTENSION as i32]);
    let parent = format!("field {}", go_quote(&field.name));
    let site = |path: &[u32], name: &str| Site {
        owner: &field.path,
        rules_path: child_path(&option, &path.iter().map(|n| *n as i32).collect::<Vec<_>>()),
        rules_name: format!("(buf.validate.field){name}"),
        parent: parent.clone(),
    };
    let environment = || field_environment(field, field.value_type());
    check_rules(cx, &site(&[], ""), rules, FIELD_CEL, Some(FIELD_CEL_EXPRESSION), environment);
    let (item, key, value) = field.element_types();
    let nested: [(&[u32], &str, Type); 3] = [
        (&[REPEATED, REPEATED_ITEMS], ".repeated.items", item),
        (&[MAP, MAP_KEYS], ".map.keys", key),
        (&[MAP, MAP_VALUES], ".map.values", value),
    ];
    for (path, name, this) in nested {
        let Some(nested_rules) = get_message(rules, path[0]).and_then(|outer| get_message(&outer, path[1])) else {
            continue;
        };
        let environment = || field_environment(field, this);
        check_rules(cx, &site(path, name), &nested_rules, FIELD_CEL, Some(FIELD_CEL_EXPRESSION), environment);
    }
}

/// `(buf.validate.message).oneof` entries: each names at least one field, each
/// field once, only fields of the message, and no field in two entries.
fn check_message_oneofs(cx: &mut Context<'_>, message: &MessageDescriptor, rules: &DynamicMessage) {
    let Some(Value::List(entries)) = rules.get_field_by_number(MESSAGE_ONEOF).map(|v| v.into_owned()) else {
        return;
    };
    let name = message.name().to_string();
    let entry_range = |cx: &Context<'_>, index: usize| -> Range<usize> {
        let option = child_path(message.path(), &[MESSAGE_OPTIONS, FIELD_RULES_EXTENSION as i32]);
        let file = cx.file();
        let span = |l: &crate::compile::SourceLocation| l.start as usize..l.end as usize;
        let entry = child_path(&option, &[MESSAGE_ONEOF as i32, index as i32]);
        if let Some(location) = file.locations.get(&entry) {
            return span(location);
        }
        if let Some(location) = file.locations.iter().find(|l| l.path.len() > entry.len() && l.path.starts_with(&entry))
        {
            return span(location);
        }
        let oneof = child_path(&option, &[MESSAGE_ONEOF as i32]);
        if let Some(location) = file.locations.get(&oneof).or_else(|| file.locations.get(&option)) {
            let range = span(location);
            return match nth_entry_span(&file.source.text[range.clone()], "oneof", index) {
                Some(entry) => range.start + entry.start..range.start + entry.end,
                None => range,
            };
        }
        file.locations.get(message.path()).map_or(0..0, span)
    };
    let mut entries_of_field: Vec<(String, Vec<usize>)> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let Value::Message(entry) = entry else { continue };
        let fields: Vec<String> = match entry.get_field_by_number(1).as_deref() {
            Some(Value::List(fields)) => fields.iter().filter_map(|f| f.as_str().map(str::to_string)).collect(),
            _ => Vec::new(),
        };
        let range = entry_range(cx, index);
        if fields.is_empty() {
            cx.report_range(
                message.path(),
                range,
                format!(
                    "Message {name:?} has a (buf.validate.message).oneof entry with no fields. Each oneof entry must specify at least one field."
                ),
            );
            continue;
        }
        let mut seen: Vec<&str> = Vec::new();
        for field in &fields {
            if seen.contains(&field.as_str()) {
                cx.report_range(
                    message.path(),
                    range.clone(),
                    format!(
                        "Message {name:?} has a (buf.validate.message).oneof entry that references field {} more than once. Duplicate field names are not permitted.",
                        go_quote(field)
                    ),
                );
                continue;
            }
            seen.push(field);
            if message.get_field_by_name(field).is_none() {
                cx.report_range(
                    message.path(),
                    range.clone(),
                    format!(
                        "Message {name:?} has a (buf.validate.message).oneof entry that references field {}, which is not defined in the message.",
                        go_quote(field)
                    ),
                );
                continue;
            }
            match entries_of_field.iter_mut().find(|(known, _)| known == field) {
                Some((_, indexes)) => indexes.push(index),
                None => entries_of_field.push((field.clone(), vec![index])),
            }
        }
    }
    for (field, indexes) in entries_of_field.iter().filter(|(_, indexes)| indexes.len() > 1) {
        let mut reported: Vec<Range<usize>> = Vec::new();
        for index in indexes {
            let range = entry_range(cx, *index);
            if reported.contains(&range) {
                continue;
            }
            reported.push(range.clone());
            cx.report_range(
                message.path(),
                range,
                format!(
                    "Message {name:?} references field {} in more than one (buf.validate.message).oneof entry. A field may only appear in one oneof entry.",
                    go_quote(field)
                ),
            );
        }
    }
}

/// Whether a field tracks presence. Editions files are linked as proto2, so their
/// `features.field_presence` (on the field, its messages or the file; EXPLICIT by
/// default) is read here.
fn tracks_presence(file: &CompiledFile, field: &FieldDescriptor) -> bool {
    if !matches!(file.syntax, Syntax::Editions(_)) || field.is_list() || field.is_map() {
        return field.supports_presence();
    }
    if matches!(field.kind(), Kind::Message(_)) || field.containing_oneof().is_some() {
        return true;
    }
    let presence_of = |options: &DynamicMessage| match option_value(options, "features") {
        Some(Value::Message(features)) => match option_value(&features, "field_presence") {
            Some(Value::EnumNumber(presence)) => Some(presence),
            _ => None,
        },
        _ => None,
    };
    let mut presence = presence_of(&field.options());
    let mut message = Some(field.parent_message().clone());
    while presence.is_none()
        && let Some(current) = message
    {
        presence = presence_of(&current.options());
        message = current.parent_message();
    }
    let presence = presence.or_else(|| presence_of(&field.parent_file().options()));
    presence != Some(FIELD_PRESENCE_IMPLICIT)
}

/// buf's name of a field's type: the scalar kind, `map<K, V>` or the message's full name.
fn pretty_type(field: &FieldDescriptor) -> String {
    match field.kind() {
        Kind::Message(_) if field.is_map() => {
            let Kind::Message(entry) = field.kind() else { unreachable!() };
            let key = entry.map_entry_key_field();
            let value = entry.map_entry_value_field();
            format!("map<{}, {}>", pretty_type(&key), pretty_type(&value))
        }
        Kind::Message(message) => message.full_name().to_string(),
        other => kind_name(&other).to_string(),
    }
}

// Go's `protoreflect.Kind` names, which buf prints, are the `.proto` names.
use crate::compile::descriptor::kind_name;

/// One field's rules being checked. `base` is the rule path of the rules checked
/// now inside the field's `FieldRules` (`[18, 4]` for `repeated.items`).
struct Checker<'a, 'c> {
    cx: &'a mut Context<'c>,
    field_path: Vec<i32>,
    field_name: String,
    pretty_type: String,
    base: Vec<u32>,
}

fn has(message: &DynamicMessage, number: u32) -> bool {
    message.has_field_by_number(number)
}

fn get_u64(message: &DynamicMessage, number: u32) -> Option<u64> {
    if !has(message, number) {
        return None;
    }
    message.get_field_by_number(number).and_then(|v| v.as_u64())
}

fn get_str(message: &DynamicMessage, number: u32) -> Option<String> {
    if !has(message, number) {
        return None;
    }
    message.get_field_by_number(number).and_then(|v| v.as_str().map(str::to_string))
}

fn get_message(message: &DynamicMessage, number: u32) -> Option<DynamicMessage> {
    if !has(message, number) {
        return None;
    }
    message.get_field_by_number(number).and_then(|v| v.as_message().cloned())
}

fn set_field_count(message: &DynamicMessage) -> usize {
    message.fields().count() + message.extensions().count()
}

impl Checker<'_, '_> {
    /// Where buf reports a rule path: its own location; else the first location
    /// below it (`(buf.validate.field).string.min_len = 1` for `string`); else, inside
    /// the message literal of its nearest located ancestor, the entry it names (or
    /// that entry's first scalar entry); else the field.
    fn range_of(&self, rules: &DynamicMessage, rule_path: &[u32]) -> Range<usize> {
        let option = child_path(&self.field_path, &[FIELD_OPTIONS, FIELD_RULES_EXTENSION as i32]);
        let numbers: Vec<u32> = self.base.iter().chain(rule_path).copied().collect();
        let mut full = option.clone();
        full.extend(numbers.iter().map(|n| *n as i32));
        let file = self.cx.file();
        let span = |location: &crate::compile::SourceLocation| location.start as usize..location.end as usize;
        if let Some(location) = file.locations.get(&full) {
            return span(location);
        }
        if let Some(location) = file.locations.iter().find(|l| l.path.len() > full.len() && l.path.starts_with(&full)) {
            return span(location);
        }
        let names = rule_field_names(rules, &numbers);
        for located in (option.len()..full.len()).rev() {
            let Some(location) = file.locations.get(&full[..located]) else { continue };
            let range = span(location);
            let below: Vec<&str> = names.iter().skip(located - option.len()).map(String::as_str).collect();
            return match entry_span(&file.source.text[range.clone()], &below) {
                Some(entry) => range.start + entry.start..range.start + entry.end,
                None => range,
            };
        }
        file.locations.get(&self.field_path).map_or(0..0, span)
    }

    fn add(&mut self, rules: &DynamicMessage, rule_path: &[u32], message: String) {
        let range = self.range_of(rules, rule_path);
        let field_path = self.field_path.clone();
        self.cx.report_range(&field_path, range, message);
    }

    /// One finding per distinct location of `rule_paths`.
    fn add_each(&mut self, rules: &DynamicMessage, rule_paths: &[&[u32]], message: String) {
        let mut seen: Vec<Range<usize>> = Vec::new();
        for rule_path in rule_paths {
            let range = self.range_of(rules, rule_path);
            if !seen.contains(&range) {
                seen.push(range.clone());
                let field_path = self.field_path.clone();
                self.cx.report_range(&field_path, range, message.clone());
            }
        }
    }

    /// `(buf.validate.field).repeated.items.string.min_len` for a rule path.
    fn rule_name(&self, rules: &DynamicMessage, rule_path: &[u32]) -> String {
        let mut name = "(buf.validate.field)".to_string();
        let mut descriptor = root_field_rules(&rules.descriptor());
        for number in self.base.iter().chain(rule_path) {
            let Some(field) = descriptor.get_field(*number) else { return name };
            name.push('.');
            name.push_str(field.name());
            match field.kind() {
                Kind::Message(next) => descriptor = next,
                _ => return name,
            }
        }
        name
    }

    fn check(&mut self, rules: &DynamicMessage, field: &FieldDescriptor, expect_repeated_rule: bool, top: bool) {
        let name = self.field_name.clone();
        if top
            && let Some(oneof) = field.containing_oneof()
            && !oneof.is_synthetic()
            && self.flag(rules, REQUIRED)
        {
            let required = self.rule_name(rules, &[REQUIRED]);
            self.add(
                rules,
                &[REQUIRED],
                format!(
                    "Field {name:?} has {required} but is in a oneof ({}). Oneof fields must not have {required}.",
                    oneof.name()
                ),
            );
        }
        self.check_flags(rules, field);
        let type_rules = rules.descriptor().oneofs().find(|o| o.name() == "type").and_then(|oneof| {
            oneof.fields().find(|f| has(rules, f.number())).map(|f| (f.number(), get_message(rules, f.number())))
        });
        let Some((type_number, Some(type_rules))) = type_rules else { return };
        match type_number {
            MAP => return self.check_map(rules, &type_rules, field),
            REPEATED => return self.check_repeated(rules, &type_rules, field),
            _ => {}
        }
        if !self.type_matches(rules, field, type_number, expect_repeated_rule) {
            return;
        }
        match type_number {
            1..=12 | DURATION | TIMESTAMP => self.check_numeric(rules, &type_rules, type_number),
            STRING => self.check_string(rules, &type_rules),
            BYTES => {
                self.check_const(rules, &type_rules, BYTES);
                self.check_len(rules, &type_rules, BYTES, ("len", "min_len", "max_len"));
                self.check_bytes_substrings(rules, &type_rules);
            }
            ENUM => self.check_const(rules, &type_rules, ENUM),
            FIELD_MASK => self.check_field_mask(rules, &type_rules),
            _ => {}
        }
        if type_number == TIMESTAMP && self.flag(&type_rules, 7) && self.flag(&type_rules, 8) {
            let gt_now = self.rule_name(rules, &[TIMESTAMP, 8]);
            let lt_now = self.rule_name(rules, &[TIMESTAMP, 7]);
            self.add_each(
                rules,
                &[&[TIMESTAMP, 8], &[TIMESTAMP, 7]],
                format!(
                    "Field {name:?} has both {gt_now} and {lt_now}. A timestamp cannot be both before and after validation time."
                ),
            );
        }
    }

    fn flag(&self, message: &DynamicMessage, number: u32) -> bool {
        has(message, number) && message.get_field_by_number(number).and_then(|v| v.as_bool()).unwrap_or(false)
    }

    fn ignore(&self, rules: &DynamicMessage) -> i32 {
        if !has(rules, IGNORE) {
            return 0;
        }
        rules.get_field_by_number(IGNORE).and_then(|v| v.as_enum_number()).unwrap_or(0)
    }

    fn check_flags(&mut self, rules: &DynamicMessage, field: &FieldDescriptor) {
        let name = self.field_name.clone();
        let ignore = self.ignore(rules);
        let ignore_name = self.rule_name(rules, &[IGNORE]);
        if ignore == IGNORE_ALWAYS && set_field_count(rules) > 1 {
            let all = self.rule_name(rules, &[]);
            self.add(
                rules,
                &[IGNORE],
                format!(
                    "Field {name:?} has {ignore_name}=IGNORE_ALWAYS and therefore other rules in {all} are not applied and should be removed."
                ),
            );
        }
        if self.flag(rules, REQUIRED) && ignore == IGNORE_IF_ZERO_VALUE {
            let required = self.rule_name(rules, &[REQUIRED]);
            self.add_each(
                rules,
                &[&[REQUIRED], &[IGNORE]],
                format!(
                    "Field {name:?} has both {required} and {ignore_name}=IGNORE_IF_ZERO_VALUE. A field cannot be empty if it is required."
                ),
            );
        }
        if ignore == IGNORE_IF_ZERO_VALUE && tracks_presence(self.cx.file(), field) {
            self.add(
                rules,
                &[IGNORE],
                format!(
                    "Field {name:?} has {ignore_name}=IGNORE_IF_ZERO_VALUE and tracks presence. This is the same as the default and the ignore option can be removed."
                ),
            );
        }
    }

    fn type_matches(
        &mut self,
        rules: &DynamicMessage,
        field: &FieldDescriptor,
        type_number: u32,
        expect_repeated_rule: bool,
    ) -> bool {
        let name = self.field_name.clone();
        let rule = self.rule_name(rules, &[type_number]);
        if expect_repeated_rule {
            let message = format!("Field {name:?} is of type repeated {} but has {rule} rules.", self.pretty_type);
            self.add(rules, &[type_number], message);
            return false;
        }
        let kind = field.kind();
        if scalar_kind_of_rules(type_number) == Some(kind_name(&kind)) && !matches!(kind, Kind::Message(_)) {
            return true;
        }
        if let Kind::Message(message) = &kind
            && message_of_rules(type_number) == Some(message.full_name())
        {
            return true;
        }
        let message = format!("Field {name:?} is of type {} but has {rule} rules.", self.pretty_type);
        self.add(rules, &[type_number], message);
        false
    }

    fn check_repeated(&mut self, rules: &DynamicMessage, repeated: &DynamicMessage, field: &FieldDescriptor) {
        let name = self.field_name.clone();
        if !field.is_list() {
            let rule = self.rule_name(rules, &[REPEATED]);
            self.add(rules, &[REPEATED], format!("Field {name:?} is not repeated but has {rule} rules."));
            return;
        }
        if self.flag(repeated, 3)
            && let Kind::Message(message) = field.kind()
            && !WRAPPERS.contains(&message.full_name())
        {
            let unique = self.rule_name(rules, &[REPEATED, 3]);
            let message = format!(
                "Field {name:?} is of type {} but has {unique} set to true, which is only allowed for scalar types and wrapper types.",
                self.pretty_type
            );
            self.add(rules, &[REPEATED, 3], message);
        }
        if let (Some(min), Some(max)) = (get_u64(repeated, 1), get_u64(repeated, 2))
            && min > max
        {
            let min_name = self.rule_name(rules, &[REPEATED, 1]);
            let max_name = self.rule_name(rules, &[REPEATED, 2]);
            self.add(
                rules,
                &[REPEATED, 1],
                format!("Field {name:?} has value {min} for {min_name}, which must be lower than value {max} for {max_name}."),
            );
            self.add(
                rules,
                &[REPEATED, 2],
                format!("Field {name:?} has value {max} for {max_name}, which must be higher than value {min} for {min_name}."),
            );
        }
        if let Some(items) = get_message(repeated, 4) {
            self.nested(&items, field, &[REPEATED, 4], "repeated item rules", "individual items in a repeated field");
        }
    }

    fn check_map(&mut self, rules: &DynamicMessage, map: &DynamicMessage, field: &FieldDescriptor) {
        let name = self.field_name.clone();
        if !field.is_map() {
            let rule = self.rule_name(rules, &[MAP]);
            self.add(rules, &[MAP], format!("Field {name:?} is not a map but has {rule}."));
            return;
        }
        if let (Some(min), Some(max)) = (get_u64(map, 1), get_u64(map, 2))
            && min > max
        {
            let min_name = self.rule_name(rules, &[MAP, 1]);
            let max_name = self.rule_name(rules, &[MAP, 2]);
            self.add(
                rules,
                &[MAP, 1],
                format!("Field {name:?} has value {min} for {min_name}, which must be lower than value {max} for {max_name}."),
            );
            self.add(
                rules,
                &[MAP, 2],
                format!("Field {name:?} has value {max} for {max_name}, which must be higher than value {min} for {min_name}."),
            );
        }
        let Kind::Message(entry) = field.kind() else { return };
        if let Some(keys) = get_message(map, 4) {
            self.nested(&keys, &entry.map_entry_key_field(), &[MAP, 4], "map key rules", "map keys");
        }
        if let Some(values) = get_message(map, 5) {
            self.nested(&values, &entry.map_entry_value_field(), &[MAP, 5], "map value rules", "map values");
        }
    }

    /// The rules of repeated items, map keys or map values, checked against the
    /// element field with the same field name and type name in messages.
    fn nested(
        &mut self,
        nested: &DynamicMessage,
        element: &FieldDescriptor,
        base: &[u32],
        what: &str,
        applied_to: &str,
    ) {
        let name = self.field_name.clone();
        let saved = std::mem::replace(&mut self.base, base.to_vec());
        if self.flag(nested, REQUIRED) {
            let required = self.rule_name(nested, &[REQUIRED]);
            self.add(
                nested,
                &[REQUIRED],
                format!(
                    "Field {name:?} has {required} on {what}, which is unenforceable. The {required} constraint cannot be applied to {applied_to}."
                ),
            );
        }
        self.check(nested, element, false, false);
        self.base = saved;
    }

    fn check_const(&mut self, rules: &DynamicMessage, type_rules: &DynamicMessage, type_number: u32) {
        let Some(const_field) = type_rules.descriptor().get_field_by_name("const") else { return };
        if has(type_rules, const_field.number()) && set_field_count(type_rules) > 1 {
            let name = self.field_name.clone();
            let const_name = self.rule_name(rules, &[type_number, const_field.number()]);
            let all = self.rule_name(rules, &[type_number]);
            self.add(
                rules,
                &[type_number, const_field.number()],
                format!("Field {name:?} has {const_name}, therefore other rules in {all} are not applied and should be removed."),
            );
        }
    }

    fn check_len(
        &mut self,
        rules: &DynamicMessage,
        type_rules: &DynamicMessage,
        type_number: u32,
        (len, min_len, max_len): (&str, &str, &str),
    ) {
        let name = self.field_name.clone();
        let descriptor = type_rules.descriptor();
        let number = |field: &str| descriptor.get_field_by_name(field).map(|f| f.number());
        let (Some(len_n), Some(min_n), Some(max_n)) = (number(len), number(min_len), number(max_len)) else { return };
        let length = get_u64(type_rules, len_n);
        let minimum = get_u64(type_rules, min_n);
        let maximum = get_u64(type_rules, max_n);
        let len_name = self.rule_name(rules, &[type_number, len_n]);
        let min_name = self.rule_name(rules, &[type_number, min_n]);
        let max_name = self.rule_name(rules, &[type_number, max_n]);
        if length.is_some() && minimum.is_some() {
            self.add(
                rules,
                &[type_number, min_n],
                format!("Field {name:?} has {len_name} and therefore, {min_name} is redundant and should be removed."),
            );
        }
        if length.is_some() && maximum.is_some() {
            self.add(
                rules,
                &[type_number, max_n],
                format!("Field {name:?} has {len_name} and therefore, {max_name} is redundant and should be removed."),
            );
        }
        let (Some(minimum), Some(maximum)) = (minimum, maximum) else { return };
        if minimum > maximum {
            self.add(
                rules,
                &[type_number, min_n],
                format!(
                    "Field {name:?} has value {minimum} for {min_name}, which must be lower than value {maximum} for {max_name}."
                ),
            );
            self.add(
                rules,
                &[type_number, max_n],
                format!(
                    "Field {name:?} has value {maximum} for {max_name}, which must be higher than value {minimum} for {min_name}."
                ),
            );
        } else if minimum == maximum {
            let all = self.rule_name(rules, &[type_number]);
            self.add_each(
                rules,
                &[&[type_number, min_n], &[type_number, max_n]],
                format!("Field {name:?} has equal {min_name} and {max_len}, use {all}.{len} instead."),
            );
        }
    }

    fn check_string(&mut self, rules: &DynamicMessage, string: &DynamicMessage) {
        let name = self.field_name.clone();
        self.check_const(rules, string, STRING);
        self.check_len(rules, string, STRING, ("len", "min_len", "max_len"));
        self.check_len(rules, string, STRING, ("len_bytes", "min_bytes", "max_bytes"));
        let (min_len, max_len, min_bytes, max_bytes) =
            (get_u64(string, 2), get_u64(string, 3), get_u64(string, 4), get_u64(string, 5));
        let rule = |this: &Self, n: u32| this.rule_name(rules, &[STRING, n]);
        if let (Some(min_len), Some(max_bytes)) = (min_len, max_bytes)
            && max_bytes < min_len
        {
            let (min_name, max_name) = (rule(self, 2), rule(self, 5));
            self.add(
                rules,
                &[STRING, 2],
                format!(
                    "Field {name:?} has value {min_len} for {min_name}, which must be lower than value {max_bytes} for {max_name}. A string with {min_len} UTF-8 characters has at least {min_len} bytes, which is higher than {max_bytes} bytes."
                ),
            );
            self.add(
                rules,
                &[STRING, 5],
                format!(
                    "Field {name:?} has value {max_bytes} for {max_name}, which must be higher than value {min_len} for {min_name}. A string with {min_len} UTF-8 characters has at least {min_len} bytes, which is higher than {max_bytes} bytes."
                ),
            );
        }
        if let (Some(max_len), Some(min_bytes)) = (max_len, min_bytes)
            && max_len.saturating_mul(4) < min_bytes
        {
            let (min_name, max_name) = (rule(self, 4), rule(self, 3));
            let most = max_len * 4;
            self.add(
                rules,
                &[STRING, 4],
                format!(
                    "Field {name:?} has value {min_bytes} for {min_name} but {max_len} for {max_name}. A string with {max_len} UTF-8 characters has at most {most} bytes."
                ),
            );
            self.add(
                rules,
                &[STRING, 3],
                format!(
                    "Field {name:?} has value {max_len} for {max_name} but {min_bytes} for {min_name}. A string with {max_len} UTF-8 characters has at most {most} bytes."
                ),
            );
        }
        let not_contains = get_str(string, 23);
        for number in [7, 8, 9] {
            let Some(substring) = get_str(string, number) else { continue };
            let substring_name = rule(self, number);
            let chars = substring.chars().count() as u64;
            if let Some(max_len) = max_len
                && chars > max_len
            {
                self.add(
                    rules,
                    &[STRING, number],
                    format!(
                        "Field {name:?} has a {substring_name} of length {chars}, exceeding its max_len ({max_len}). It is impossible for a string to contain {} while having less than or equal to {chars} UTF-8 characters.",
                        go_quote(&substring)
                    ),
                );
            }
            let bytes = substring.len() as u64;
            if let Some(max_bytes) = max_bytes
                && bytes > max_bytes
            {
                self.add(
                    rules,
                    &[STRING, number],
                    format!(
                        "Field {name:?} has a {substring_name} of {bytes} bytes, exceeding its max_bytes ({max_bytes}). It is impossible for a string to contain {} while having less than or equal to {bytes} bytes.",
                        go_quote(&substring)
                    ),
                );
            }
            if let Some(not_contains) = &not_contains
                && substring.contains(not_contains.as_str())
            {
                self.add(
                    rules,
                    &[STRING, number],
                    format!(
                        "Field {name:?} has a {substring_name} ({}) containing its not_contains ({}). It is impossible for a string to contain {} without containing {}.",
                        go_quote(&substring),
                        go_quote(not_contains),
                        go_quote(&substring),
                        go_quote(not_contains)
                    ),
                );
            }
        }
        let well_known_regex =
            has(string, 24) && string.get_field_by_number(24).and_then(|v| v.as_enum_number()).unwrap_or(0) != 0;
        if has(string, 25) && !self.flag(string, 25) && !well_known_regex {
            let (strict, regex) = (rule(self, 25), rule(self, 24));
            self.add(
                rules,
                &[STRING, 25],
                format!("Field {name:?} has {strict} without {regex}. {strict} only applies to {regex} and is invalid without it."),
            );
        }
    }

    fn check_bytes_substrings(&mut self, rules: &DynamicMessage, bytes_rules: &DynamicMessage) {
        let name = self.field_name.clone();
        let Some(max_len) = get_u64(bytes_rules, 3) else { return };
        for number in [5, 6, 7] {
            let value: Vec<u8> = if has(bytes_rules, number) {
                bytes_rules
                    .get_field_by_number(number)
                    .and_then(|v| v.as_bytes().map(|b| b.to_vec()))
                    .unwrap_or_default()
            } else {
                Vec::new()
            };
            if value.len() as u64 > max_len {
                let sub_name = self.rule_name(rules, &[BYTES, number]);
                self.add(
                    rules,
                    &[BYTES, number],
                    format!(
                        "Field {name:?} has a {sub_name} of {} bytes, exceeding its max_len ({max_len}). It is impossible to contain {} while having less than or equal to {max_len} bytes.",
                        value.len(),
                        go_quote(&String::from_utf8_lossy(&value))
                    ),
                );
            }
        }
    }

    fn check_field_mask(&mut self, rules: &DynamicMessage, mask: &DynamicMessage) {
        self.check_const(rules, mask, FIELD_MASK);
        let list = |number: u32| -> Vec<String> {
            match mask.get_field_by_number(number).as_deref() {
                Some(Value::List(values)) => values.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
                _ => Vec::new(),
            }
        };
        let (included, excluded) = (list(2), list(3));
        let name = self.field_name.clone();
        for path in included.iter().filter(|path| excluded.contains(path)) {
            self.add(
                rules,
                &[FIELD_MASK, 2],
                format!("Field {name:?} has path {} in both in and not_in rules.", go_quote(path)),
            );
        }
    }

    /// `const` alone, and lower and upper bounds that are equal.
    fn check_numeric(&mut self, rules: &DynamicMessage, type_rules: &DynamicMessage, type_number: u32) {
        let name = self.field_name.clone();
        let descriptor = type_rules.descriptor();
        let mut lower: Option<(u32, bool, Value)> = None;
        let mut upper: Option<(u32, bool, Value)> = None;
        for (field, value) in type_rules.fields() {
            match field.name() {
                "gt" => lower = Some((field.number(), false, value.clone())),
                "gte" => lower = Some((field.number(), true, value.clone())),
                "lt" => upper = Some((field.number(), false, value.clone())),
                "lte" => upper = Some((field.number(), true, value.clone())),
                _ => {}
            }
        }
        if let Some(const_field) = descriptor.get_field_by_name("const")
            && has(type_rules, const_field.number())
            && set_field_count(type_rules) > 1
        {
            let const_name = self.rule_name(rules, &[type_number, const_field.number()]);
            let all = self.rule_name(rules, &[type_number]);
            self.add(
                rules,
                &[type_number, const_field.number()],
                format!("Field {name:?} has {const_name}, therefore other rules in {all} are not applied and should be removed."),
            );
        }
        let (Some((lower_n, lower_inclusive, lower_value)), Some((upper_n, upper_inclusive, upper_value))) =
            (lower, upper)
        else {
            return;
        };
        // protovalidate accepts either order ({gt: 5, lt: 3} is an exclusive range),
        // so only equal bounds are wrong.
        if !values_equal(&lower_value, &upper_value) {
            return;
        }
        let lower_name = self.rule_name(rules, &[type_number, lower_n]);
        let upper_name = self.rule_name(rules, &[type_number, upper_n]);
        let paths: [&[u32]; 2] = [&[type_number, lower_n], &[type_number, upper_n]];
        if lower_inclusive && upper_inclusive {
            let all = self.rule_name(rules, &[type_number]);
            self.add_each(
                rules,
                &paths,
                format!("Field {name:?} has equal {lower_name} and {upper_name}, use {all}.const instead."),
            );
        } else {
            self.add_each(
                rules,
                &paths,
                format!(
                    "Field {name:?} has equal {lower_name} and {upper_name}. All values are rejected by these checks."
                ),
            );
        }
    }
}

/// Numbers compare by value; durations and timestamps by seconds and nanos.
fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Message(a), Value::Message(b)) => {
            let part = |m: &DynamicMessage, n: u32| m.get_field_by_number(n).map(|v| v.into_owned());
            part(a, 1) == part(b, 1) && part(a, 2) == part(b, 2)
        }
        (a, b) => a == b,
    }
}

/// The field names of a rule path from the root `FieldRules`.
fn rule_field_names(rules: &DynamicMessage, numbers: &[u32]) -> Vec<String> {
    let mut descriptor = root_field_rules(&rules.descriptor());
    let mut names = Vec::new();
    for number in numbers {
        let Some(field) = descriptor.get_field(*number) else { break };
        names.push(field.name().to_string());
        match field.kind() {
            Kind::Message(next) => descriptor = next,
            _ => break,
        }
    }
    names
}

/// The root `FieldRules` descriptor, from any message of the validate package.
fn root_field_rules(descriptor: &prost_reflect::MessageDescriptor) -> prost_reflect::MessageDescriptor {
    descriptor
        .parent_pool()
        .get_message_by_name(&format!("{}.FieldRules", descriptor.package_name()))
        .unwrap_or_else(|| descriptor.clone())
}

/// Go's `%q` of a string: double quotes, backslash escapes.
fn go_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
