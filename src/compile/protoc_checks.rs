//! protoc's checks that prost-reflect makes differently or not at all, with
//! protoc 35.1's messages and severities (pinned by `tests/compile_table.rs`).
//!
//! - JSON name uniqueness (`CheckFieldJsonNameUniqueness`): a collision that
//!   involves a default JSON name is only a warning where the message's JSON
//!   format is `LEGACY_BEST_EFFORT` (proto2, or editions with that feature);
//!   prost-reflect would refuse every collision, so the pool's copy of such a
//!   field gets a stand-in JSON name and output restores the real one.
//! - An extension range that overlaps a reserved range is an error.
//! - Range overlaps (reserved, extension), reserved field names, extension
//!   ranges in proto3, `json_name` or `required` on extensions, an unneeded
//!   `allow_alias`, an import listed twice, `import option` before 2024.
//! - After linking: a feature on an element its `targets` do not list, features
//!   outside editions, `packed` on what cannot be packed, two extensions of a
//!   message with one number.

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, Kind, Value};

use super::descriptor::{self as d, tag};
use super::locations::SourceLocations;
use super::{CompiledFile, Syntax};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceFile;

/// What the checks before linking found, and the pool copy's stand-in JSON names.
#[derive(Default)]
pub(super) struct PreLink {
    pub diagnostics: Vec<Diagnostic>,
    /// Field path → its real JSON name, for fields whose JSON name collides
    /// with an earlier field's under a legacy JSON format (a warning in protoc).
    pub json_names: Vec<(Vec<i32>, String)>,
}

/// The options of a lowered element: everything is still uninterpreted.
#[derive(Clone, PartialEq, Message)]
struct UninterpretedOptions {
    #[prost(message, repeated, tag = "999")]
    uninterpreted_option: Vec<d::UninterpretedOption>,
}

/// The identifier an uninterpreted option `name = IDENT` sets, by its dotted name.
fn option_identifier(options: Option<&Vec<u8>>, name: &[&str]) -> Option<String> {
    let decoded = UninterpretedOptions::decode(options?.as_slice()).ok()?;
    decoded.uninterpreted_option.into_iter().rev().find_map(|o| {
        let matches = o.name.len() == name.len()
            && o.name.iter().zip(name).all(|(part, want)| !part.is_extension && part.name_part == *want);
        if matches { o.identifier_value } else { None }
    })
}

/// protoc's `ToJsonName`: drop each `_` and upper-case the letter after it.
pub fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            out.push(c.to_ascii_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

pub(super) fn pre_link(
    proto: &d::FileDescriptorProto,
    syntax: Syntax,
    locs: &SourceLocations,
    source: &SourceFile,
) -> PreLink {
    let mut out = PreLink::default();
    let file_legacy = match syntax {
        Syntax::Proto2 => true,
        Syntax::Proto3 => false,
        Syntax::Editions(_) => {
            option_identifier(proto.options.as_ref(), &["features", "json_format"]).as_deref()
                == Some("LEGACY_BEST_EFFORT")
        }
    };
    let mut error = |text: String, path: &[i32]| {
        out.diagnostics.push(located(Diagnostic::error(super::driver::COMPILE, text), locs, path, source));
    };
    for (i, dep) in proto.dependency.iter().enumerate() {
        if proto.dependency[..i].contains(dep) {
            error(format!("Import \"{dep}\" was listed twice."), &[tag::file::DEPENDENCY, i as i32]);
        }
    }
    if !proto.option_dependency.is_empty() && !matches!(syntax, Syntax::Editions(e) if e >= d::edition::EDITION_2024) {
        error("option import is not supported before edition 2024.".into(), &[tag::file::OPTION_DEPENDENCY, 0]);
    }
    for (i, extension) in proto.extension.iter().enumerate() {
        check_extension(extension, &[tag::file::EXTENSION, i as i32], &mut error);
    }
    for (i, e) in proto.enum_type.iter().enumerate() {
        check_enum_aliases(e, &[tag::file::ENUM_TYPE, i as i32], &mut error);
    }
    for (i, message) in proto.message_type.iter().enumerate() {
        check_message(message, &[tag::file::MESSAGE_TYPE, i as i32], file_legacy, syntax, locs, source, &mut out);
    }
    out
}

fn check_extension(extension: &d::FieldDescriptorProto, path: &[i32], error: &mut impl FnMut(String, &[i32])) {
    if extension.json_name.is_some() {
        error(
            "option json_name is not allowed on extension fields.".into(),
            &[path, &[tag::field::JSON_NAME]].concat(),
        );
    }
    if extension.label == Some(d::label::REQUIRED) {
        let name = extension.name.as_deref().unwrap_or("");
        error(format!("The extension {name} cannot be required."), &[path, &[tag::field::LABEL]].concat());
    }
}

/// `allow_alias = true` with no two values sharing a number.
fn check_enum_aliases(e: &d::EnumDescriptorProto, path: &[i32], error: &mut impl FnMut(String, &[i32])) {
    if option_identifier(e.options.as_ref(), &["allow_alias"]).as_deref() != Some("true") {
        return;
    }
    let mut numbers: Vec<i32> = e.value.iter().filter_map(|v| v.number).collect();
    numbers.sort_unstable();
    if numbers.windows(2).all(|w| w[0] != w[1]) {
        let name = e.name.as_deref().unwrap_or("");
        error(
            format!(
                "\"{name}\" declares support for enum aliases but no enum values share field numbers. Please remove the unnecessary 'option allow_alias = true;' declaration."
            ),
            &[path, &[tag::enum_::NAME]].concat(),
        );
    }
}

/// Overlaps among a message's reserved and extension ranges (ends exclusive),
/// each reported at the later range as protoc does.
fn check_ranges(message: &d::DescriptorProto, path: &[i32], syntax: Syntax, error: &mut impl FnMut(String, &[i32])) {
    let span = |start: Option<i32>, end: Option<i32>| (start.unwrap_or(0), end.unwrap_or(0));
    let reserved: Vec<(i32, i32)> = message.reserved_range.iter().map(|r| span(r.start, r.end)).collect();
    let extensions: Vec<(i32, i32)> = message.extension_range.iter().map(|r| span(r.start, r.end)).collect();
    let overlap = |a: (i32, i32), b: (i32, i32)| a.0 < b.1 && b.0 < a.1;
    for (i, &range) in reserved.iter().enumerate() {
        if let Some(&earlier) = reserved[..i].iter().find(|&&e| overlap(e, range)) {
            error(
                format!(
                    "Reserved range {} to {} overlaps with already-defined range {} to {}.",
                    range.0,
                    range.1 - 1,
                    earlier.0,
                    earlier.1 - 1
                ),
                &[path, &[tag::message::RESERVED_RANGE, i as i32]].concat(),
            );
        }
    }
    for (i, &range) in extensions.iter().enumerate() {
        let at = [path, &[tag::message::EXTENSION_RANGE, i as i32]].concat();
        if syntax == Syntax::Proto3 {
            error("Extension ranges are not allowed in proto3.".into(), &at);
            continue;
        }
        if let Some(&earlier) = extensions[..i].iter().find(|&&e| overlap(e, range)) {
            error(
                format!(
                    "Extension range {} to {} overlaps with already-defined range {} to {}.",
                    range.0,
                    range.1 - 1,
                    earlier.0,
                    earlier.1 - 1
                ),
                &at,
            );
        }
        for &(rs, re) in reserved.iter().filter(|&&r| overlap(r, range)) {
            error(
                format!(
                    "Extension range {} to {} overlaps with reserved range {rs} to {}.",
                    range.0,
                    range.1 - 1,
                    re - 1
                ),
                &at,
            );
        }
    }
    for (i, field) in message.field.iter().enumerate() {
        let name = field.name.as_deref().unwrap_or("");
        if message.reserved_name.iter().any(|r| r == name) {
            error(
                format!("Field name \"{name}\" is reserved."),
                &[path, &[tag::message::FIELD, i as i32, tag::field::NAME]].concat(),
            );
        }
    }
}

fn located(mut diag: Diagnostic, locs: &SourceLocations, path: &[i32], source: &SourceFile) -> Diagnostic {
    diag = match locs.get(path) {
        Some(loc) => diag.with_span(source, loc.start as usize, loc.end as usize),
        None => diag.with_path(&source.display_path),
    };
    diag
}

fn check_message(
    message: &d::DescriptorProto,
    path: &[i32],
    parent_legacy: bool,
    syntax: Syntax,
    locs: &SourceLocations,
    source: &SourceFile,
    out: &mut PreLink,
) {
    let legacy = match (syntax, option_identifier(message.options.as_ref(), &["features", "json_format"]).as_deref()) {
        (Syntax::Editions(_), Some("LEGACY_BEST_EFFORT")) => true,
        (Syntax::Editions(_), Some("ALLOW")) => false,
        _ => parent_legacy,
    };
    // `deprecated_legacy_json_field_conflicts` turns the check off altogether.
    let opted_out = option_identifier(message.options.as_ref(), &["deprecated_legacy_json_field_conflicts"]).as_deref()
        == Some("true");
    if !opted_out {
        check_json_names(message, path, legacy, locs, source, out);
    }
    let mut error = |text: String, at: &[i32]| {
        out.diagnostics.push(located(Diagnostic::error(super::driver::COMPILE, text), locs, at, source));
    };
    check_ranges(message, path, syntax, &mut error);
    for (i, extension) in message.extension.iter().enumerate() {
        check_extension(extension, &[path, &[tag::message::EXTENSION, i as i32]].concat(), &mut error);
    }
    for (i, e) in message.enum_type.iter().enumerate() {
        check_enum_aliases(e, &[path, &[tag::message::ENUM_TYPE, i as i32]].concat(), &mut error);
    }
    for (i, nested) in message.nested_type.iter().enumerate() {
        let nested_path = [path, &[tag::message::NESTED_TYPE, i as i32]].concat();
        check_message(nested, &nested_path, legacy, syntax, locs, source, out);
    }
}

struct JsonName<'a> {
    field: &'a str,
    json: String,
    custom: bool,
}

/// protoc runs the check twice: on default names alone, then with custom
/// names; the second pass skips pairs of default names (already reported).
fn check_json_names(
    message: &d::DescriptorProto,
    path: &[i32],
    legacy: bool,
    locs: &SourceLocations,
    source: &SourceFile,
    out: &mut PreLink,
) {
    let mut renamed = vec![false; message.field.len()];
    for use_custom in [false, true] {
        let mut seen: Vec<JsonName> = Vec::new();
        for (i, field) in message.field.iter().enumerate() {
            let name = field.name.as_deref().unwrap_or("");
            let this = match (&field.json_name, use_custom) {
                (Some(custom), true) => JsonName { field: name, json: custom.clone(), custom: true },
                _ => JsonName { field: name, json: default_json_name(name), custom: false },
            };
            let Some(first) = seen.iter().find(|s| s.json == this.json) else {
                seen.push(this);
                continue;
            };
            if use_custom && !this.custom && !first.custom {
                continue;
            }
            let kind = |custom: bool| if custom { "custom" } else { "default" };
            let involves_default = !this.custom || !first.custom;
            let severity = if legacy && involves_default { Severity::Warn } else { Severity::Error };
            let text = format!(
                "The {} JSON name of field \"{}\" (\"{}\") conflicts with the {} JSON name of field \"{}\".",
                kind(this.custom),
                this.field,
                this.json,
                kind(first.custom),
                first.field
            );
            let field_path = [path, &[tag::message::FIELD, i as i32]].concat();
            let name_path = [field_path.as_slice(), &[tag::field::NAME]].concat();
            let diag = located(Diagnostic::new(super::driver::COMPILE, severity, text), locs, &name_path, source);
            out.diagnostics.push(diag);
            if severity == Severity::Warn && !renamed[i] {
                // The pool refuses any two equal JSON names; give it a stand-in.
                renamed[i] = true;
                let real = field.json_name.clone().unwrap_or_else(|| default_json_name(name));
                out.json_names.push((field_path, real));
            }
        }
    }
}

/// The pool's copy of a field whose JSON name protoc only warns about.
pub(super) fn stand_in_json_names(proto: &mut d::FileDescriptorProto, json_names: &[(Vec<i32>, String)]) {
    for (path, real) in json_names {
        if let Some(field) = field_at(proto, path) {
            field.json_name = Some(format!("{real}#{}", field.number.unwrap_or(0)));
        }
    }
}

/// Output: the real JSON names back in place of the stand-ins.
pub(super) fn restore_json_names(proto: &mut d::FileDescriptorProto, json_names: &[(Vec<i32>, String)]) {
    for (path, real) in json_names {
        if let Some(field) = field_at(proto, path) {
            field.json_name = Some(real.clone());
        }
    }
}

fn field_at<'a>(proto: &'a mut d::FileDescriptorProto, path: &[i32]) -> Option<&'a mut d::FieldDescriptorProto> {
    let (&[tag::file::MESSAGE_TYPE, first], rest) = path.split_at_checked(2)? else { return None };
    let mut message = proto.message_type.get_mut(first as usize)?;
    let mut rest = rest;
    loop {
        match rest {
            [tag::message::NESTED_TYPE, i, more @ ..] => {
                message = message.nested_type.get_mut(*i as usize)?;
                rest = more;
            }
            [tag::message::FIELD, i] => return message.field.get_mut(*i as usize),
            _ => return None,
        }
    }
}

/// `FieldOptions.OptionTargetType` values and the words protoc's message uses.
const TARGETS: [(i32, &str); 9] = [
    (1, "file"),
    (2, "extension range"),
    (3, "message"),
    (4, "field"),
    (5, "oneof"),
    (6, "enum"),
    (7, "enum entry"),
    (8, "service"),
    (9, "method"),
];

/// After linking, where options are interpreted: a feature set on an element
/// its `targets` do not allow ("Option google.protobuf.FeatureSet.enum_type
/// cannot be set on an entity of type `message`."), features outside editions,
/// `packed` on a field that cannot be packed, and two extensions of one message
/// with the same number. protoc names no line for the feature errors; idl
/// locates them at the element. `sets_features` says whether any option of the
/// file, as written, is `features` or one of its fields: without one, decoding
/// every element's options to look for features would find none, and that
/// decoding is most of what this costs on a large workspace.
pub(super) fn post_link(pool: &DescriptorPool, file: &CompiledFile, sets_features: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(fd) = pool.get_file_by_name(&file.source.name) else { return out };
    let editions = matches!(file.syntax, Syntax::Editions(_));
    let mut error = |text: String, path: &[i32]| {
        out.push(located(Diagnostic::error(super::driver::COMPILE, text), &file.locations, path, &file.source));
    };
    let mut check = |options: Option<DynamicMessage>, target: i32, path: &[i32]| {
        let Some(options) = options else { return };
        if !options.has_field_by_name("features") {
            return;
        }
        let Some(Value::Message(features)) = options.get_field_by_name("features").map(|v| v.into_owned()) else {
            return;
        };
        if !editions {
            error("Features are only valid under editions.".into(), path);
            return;
        }
        let set: Vec<(String, DynamicMessage)> = features
            .fields()
            .map(|(f, _)| (f.full_name().to_string(), f.options()))
            .chain(features.extensions().map(|(e, _)| (e.full_name().to_string(), e.options())))
            .collect();
        for (feature, feature_options) in set {
            let targets: Vec<i32> = feature_options
                .get_field_by_name("targets")
                .and_then(|v| v.as_list().map(|l| l.iter().filter_map(|t| t.as_enum_number()).collect()))
                .unwrap_or_default();
            if targets.is_empty() || targets.contains(&target) {
                continue;
            }
            let entity = TARGETS.iter().find(|(n, _)| *n == target).map_or("unknown", |(_, w)| w);
            error(format!("Option {feature} cannot be set on an entity of type `{entity}`."), path);
        }
    };
    // field_presence targets fields and files only, so a field's is its own or its file's.
    let presence = |options: &DynamicMessage| -> Option<i32> {
        if !options.has_field_by_name("features") {
            return None;
        }
        let features = options.get_field_by_name("features")?;
        let features = features.as_message()?;
        features
            .has_field_by_name("field_presence")
            .then(|| features.get_field_by_name("field_presence")?.as_enum_number())?
    };
    let file_presence = if sets_features { presence(&fd.options()) } else { None };
    check(sets_features.then(|| fd.options()), 1, &[]);
    let mut packed_errors = Vec::new();
    let mut default_errors = Vec::new();
    for message in fd.messages().flat_map(|m| std::iter::once(m.clone()).chain(all_nested(&m))) {
        check(sets_features.then(|| message.options()), 3, message.path());
        for field in message.fields() {
            check(sets_features.then(|| field.options()), 4, field.path());
            let packed = field.typed_options().and_then(|o| o.packed) == Some(true);
            let packable = field.is_list() && !matches!(field.kind(), Kind::String | Kind::Bytes | Kind::Message(_));
            if packed && !packable {
                packed_errors.push(field.path().to_vec());
            }
            const IMPLICIT: i32 = 2;
            if editions
                && field.default_value_proto().is_some()
                && presence(&field.options()).or(file_presence) == Some(IMPLICIT)
            {
                default_errors.push([field.path(), &[tag::field::NAME]].concat());
            }
        }
        for oneof in message.oneofs() {
            check(sets_features.then(|| oneof.options()), 5, oneof.path());
        }
        for e in message.child_enums() {
            check_enum(&e, sets_features, &mut check);
        }
    }
    for e in fd.enums() {
        check_enum(&e, sets_features, &mut check);
    }
    for service in fd.services() {
        check(sets_features.then(|| service.options()), 8, service.path());
        for method in service.methods() {
            check(sets_features.then(|| method.options()), 9, method.path());
        }
    }
    for path in default_errors {
        error("Implicit presence fields can't specify defaults.".into(), &path);
    }
    for path in packed_errors {
        error("[packed = true] can only be specified for repeated primitive fields.".into(), &path);
    }
    let extensions: Vec<_> = fd.extensions().collect();
    for (i, ext) in extensions.iter().enumerate() {
        let extendee = ext.containing_message();
        let earlier = extensions[..i]
            .iter()
            .find(|e| e.number() == ext.number() && e.containing_message().full_name() == extendee.full_name());
        if let Some(earlier) = earlier {
            error(
                format!(
                    "Extension number {} has already been used in \"{}\" by extension \"{}\".",
                    ext.number(),
                    extendee.full_name(),
                    earlier.full_name()
                ),
                &[ext.path(), &[tag::field::NUMBER]].concat(),
            );
        }
    }
    out
}

fn check_enum(
    e: &prost_reflect::EnumDescriptor,
    sets_features: bool,
    check: &mut impl FnMut(Option<DynamicMessage>, i32, &[i32]),
) {
    check(sets_features.then(|| e.options()), 6, e.path());
    for value in e.values() {
        check(sets_features.then(|| value.options()), 7, value.path());
    }
}

fn all_nested(m: &prost_reflect::MessageDescriptor) -> Vec<prost_reflect::MessageDescriptor> {
    let mut out = Vec::new();
    for child in m.child_messages() {
        out.push(child.clone());
        out.extend(all_nested(&child));
    }
    out
}
