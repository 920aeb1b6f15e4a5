//! Field rules: type, name, JSON name, cardinality, oneof membership and field options.

use prost_reflect::{Cardinality, FieldDescriptor, Kind, Value};

use super::support::{field_description, field_description_with_name, kind_display, kind_name, type_name};
use crate::breaking::features::{Feature, field_feature, field_feature_path, value_name};
use crate::breaking::rule::{Findings, at, at_any, sub};
use crate::breaking::{Pairs, SideFile};
use crate::breaking_rule;
use crate::compile::Syntax;

/// Runs `check` on every pair of fields with the head field's file.
fn each_field(
    pairs: &Pairs<'_>,
    mut check: impl FnMut(&FieldDescriptor, &FieldDescriptor, &SideFile<'_>, &SideFile<'_>),
) {
    for (base, head) in &pairs.fields {
        let head_file = pairs.head_file(&head.parent_file());
        let base_file = pairs.base_file(&base.parent_file());
        check(base, head, head_file, base_file);
    }
}

/// The location of a field's type: the type name for messages and enums, else the scalar type.
fn type_path(field: &FieldDescriptor) -> Vec<i32> {
    match field.kind() {
        Kind::Message(_) | Kind::Enum(_) => sub(field.path(), &[6]),
        _ => sub(field.path(), &[5]),
    }
}

fn changed_type(
    out: &mut Findings,
    base: &FieldDescriptor,
    head: &FieldDescriptor,
    file: &SideFile<'_>,
    base_file: &SideFile<'_>,
    extra: &str,
) {
    let message = format!(
        "{} changed type from {:?} to {:?}.{extra}",
        field_description(head),
        kind_display(base, base_file.syntax),
        kind_display(head, file.syntax)
    );
    out.report(at(file, &type_path(head)), Some(base_file), message);
}

fn changed_type_name(
    out: &mut Findings,
    base: &FieldDescriptor,
    head: &FieldDescriptor,
    file: &SideFile<'_>,
    base_file: &SideFile<'_>,
) {
    let message = format!(
        "{} changed type from {:?} to {:?}.",
        field_description(head),
        type_name(base).unwrap_or_default(),
        type_name(head).unwrap_or_default()
    );
    out.report(at(file, &sub(head.path(), &[6])), Some(base_file), message);
}

breaking_rule! {
    /// Fields keep their type (messages and enums compared by full name).
    pub static FIELD_SAME_TYPE = "FIELD_SAME_TYPE", [CSR, FILE, PACKAGE] => field_same_type;
}

fn field_same_type(pairs: &Pairs<'_>, out: &mut Findings) {
    each_field(pairs, |base, head, file, base_file| {
        if kind_name(base, base_file.syntax) != kind_name(head, file.syntax) {
            changed_type(out, base, head, file, base_file, "");
        } else if type_name(base) != type_name(head) {
            changed_type_name(out, base, head, file, base_file);
        }
    });
}

/// buf's wire compatibility groups.
fn wire_group(kind: &str) -> u8 {
    match kind {
        "int32" | "int64" | "uint32" | "uint64" | "bool" => 1,
        "sint32" | "sint64" => 2,
        "string" => 3,
        "bytes" => 4,
        "fixed32" | "sfixed32" => 5,
        "fixed64" | "sfixed64" => 6,
        "double" => 7,
        "float" => 8,
        "group" => 9,
        "message" => 10,
        _ => 11,
    }
}

/// buf's wire-and-JSON compatibility groups.
fn wire_json_group(kind: &str) -> u8 {
    match kind {
        "int32" | "uint32" => 1,
        "int64" | "uint64" => 2,
        "fixed32" | "sfixed32" => 3,
        "fixed64" | "sfixed64" => 4,
        "bool" => 5,
        "sint32" => 6,
        "sint64" => 7,
        "string" => 8,
        "bytes" => 9,
        "double" => 10,
        "float" => 11,
        "group" => 12,
        "message" => 13,
        _ => 14,
    }
}

/// Whether a changed enum type is still compatible: an enum may be replaced by another of the same short name that keeps every
/// value of the old one.
fn enum_compatible(base: &FieldDescriptor, head: &FieldDescriptor) -> bool {
    let (Kind::Enum(b), Kind::Enum(h)) = (base.kind(), head.kind()) else { return false };
    b.name() == h.name() && b.values().all(|v| h.values().any(|w| w.name() == v.name() && w.number() == v.number()))
}

const WIRE_NOTE: &str =
    " See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules.";

breaking_rule! {
    /// Fields change type only within buf's wire-compatible groups.
    pub static FIELD_WIRE_COMPATIBLE_TYPE = "FIELD_WIRE_COMPATIBLE_TYPE", [WIRE] => field_wire_compatible_type;
}

fn field_wire_compatible_type(pairs: &Pairs<'_>, out: &mut Findings) {
    each_field(pairs, |base, head, file, base_file| {
        let (b, h) = (kind_name(base, base_file.syntax), kind_name(head, file.syntax));
        if wire_group(b) != wire_group(h) {
            let extra = match (b, h) {
                ("string", "bytes") => return,
                ("bytes", "string") => format!(
                    "{WIRE_NOTE} Note that while string and bytes are compatible if the data is valid UTF-8, there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible."
                ),
                _ => WIRE_NOTE.to_string(),
            };
            changed_type(out, base, head, file, base_file, &extra);
        } else if type_name(base) != type_name(head) && !enum_compatible(base, head) {
            changed_type_name(out, base, head, file, base_file);
        }
    });
}

breaking_rule! {
    /// Fields change type only within buf's wire- and JSON-compatible groups.
    pub static FIELD_WIRE_JSON_COMPATIBLE_TYPE = "FIELD_WIRE_JSON_COMPATIBLE_TYPE", [CSR, WIRE_JSON] => field_wire_json_compatible_type;
}

fn field_wire_json_compatible_type(pairs: &Pairs<'_>, out: &mut Findings) {
    each_field(pairs, |base, head, file, base_file| {
        if wire_json_group(kind_name(base, base_file.syntax)) != wire_json_group(kind_name(head, file.syntax)) {
            let extra = " See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json for JSON compatibility rules.";
            changed_type(out, base, head, file, base_file, extra);
        } else if type_name(base) != type_name(head) && !enum_compatible(base, head) {
            changed_type_name(out, base, head, file, base_file);
        }
    });
}

breaking_rule! {
    /// Fields keep their name.
    pub static FIELD_SAME_NAME = "FIELD_SAME_NAME", [CSR, FILE, PACKAGE, WIRE_JSON] => field_same_name;
}

fn field_same_name(pairs: &Pairs<'_>, out: &mut Findings) {
    each_field(pairs, |base, head, file, base_file| {
        if base.name() != head.name() {
            let message = format!(
                "{} changed name from {:?} to {:?}.",
                field_description_with_name(head, ""),
                base.name(),
                head.name()
            );
            out.report(at(file, &sub(head.path(), &[1])), Some(base_file), message);
        }
    });
}

breaking_rule! {
    /// Fields keep their JSON name.
    pub static FIELD_SAME_JSON_NAME = "FIELD_SAME_JSON_NAME", [CSR, FILE, PACKAGE, WIRE_JSON] => field_same_json_name;
}

fn field_same_json_name(pairs: &Pairs<'_>, out: &mut Findings) {
    each_field(pairs, |base, head, file, base_file| {
        if base.json_name() != head.json_name() {
            let message = format!(
                "{} changed option \"json_name\" from {:?} to {:?}.",
                field_description(head),
                base.json_name(),
                head.json_name()
            );
            let paths = vec![sub(head.path(), &[10]), head.path().to_vec()];
            out.report(at_any(file, paths), Some(base_file), message);
        }
    });
}

/// Whether a field is required: the proto2 label, or editions
/// `field_presence = LEGACY_REQUIRED` (the pool sees editions files as proto2 with
/// optional labels).
pub fn is_required(field: &FieldDescriptor, syntax: Syntax) -> bool {
    match syntax {
        Syntax::Editions(_) => !field.is_list() && field_feature(field, syntax, Feature::FieldPresence) == 3,
        _ => field.cardinality() == Cardinality::Required,
    }
}

/// Whether a singular field tracks presence: messages and oneof members always do;
/// other fields by syntax or the `field_presence` feature.
fn has_presence(field: &FieldDescriptor, syntax: Syntax) -> bool {
    match syntax {
        Syntax::Editions(_) => {
            matches!(field.kind(), Kind::Message(_))
                || field.containing_oneof().is_some()
                || field_feature(field, syntax, Feature::FieldPresence) != 2
        }
        _ => field.supports_presence(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cardinal {
    Explicit,
    Implicit,
    Required,
    Repeated,
    Map,
}

impl Cardinal {
    fn of(field: &FieldDescriptor, syntax: Syntax) -> Cardinal {
        if field.is_list() {
            Cardinal::Repeated
        } else if field.is_map() {
            Cardinal::Map
        } else if is_required(field, syntax) {
            Cardinal::Required
        } else if has_presence(field, syntax) {
            Cardinal::Explicit
        } else {
            Cardinal::Implicit
        }
    }

    fn name(self) -> &'static str {
        match self {
            Cardinal::Explicit => "optional with explicit presence",
            Cardinal::Implicit => "optional with implicit presence",
            Cardinal::Required => "required",
            Cardinal::Repeated => "repeated",
            Cardinal::Map => "map",
        }
    }

    fn wire_group(self) -> u8 {
        match self {
            Cardinal::Explicit | Cardinal::Implicit => 1,
            Cardinal::Required => 2,
            Cardinal::Repeated | Cardinal::Map => 3,
        }
    }

    fn wire_json_group(self) -> u8 {
        match self {
            Cardinal::Map => 4,
            other => other.wire_group(),
        }
    }
}

fn cardinality_with(pairs: &Pairs<'_>, out: &mut Findings, group: fn(Cardinal) -> u8) {
    each_field(pairs, |base, head, file, base_file| {
        if base.parent_message().is_map_entry() && head.parent_message().is_map_entry() {
            return;
        }
        let (b, h) = (Cardinal::of(base, base_file.syntax), Cardinal::of(head, file.syntax));
        if group(b) != group(h) {
            let message =
                format!("{} changed cardinality from {:?} to {:?}.", field_description(head), b.name(), h.name());
            out.report(at(file, head.path()), Some(base_file), message);
        }
    });
}

breaking_rule! {
    /// Fields keep their cardinality (optional with explicit or implicit presence, required, repeated, map).
    pub static FIELD_SAME_CARDINALITY = "FIELD_SAME_CARDINALITY", [FILE, PACKAGE] => field_same_cardinality;
}

fn field_same_cardinality(pairs: &Pairs<'_>, out: &mut Findings) {
    cardinality_with(pairs, out, |c| c as u8);
}

breaking_rule! {
    /// Fields change cardinality only in ways the binary encoding tolerates.
    pub static FIELD_WIRE_COMPATIBLE_CARDINALITY = "FIELD_WIRE_COMPATIBLE_CARDINALITY", [WIRE] => field_wire_compatible_cardinality;
}

fn field_wire_compatible_cardinality(pairs: &Pairs<'_>, out: &mut Findings) {
    cardinality_with(pairs, out, Cardinal::wire_group);
}

breaking_rule! {
    /// Fields change cardinality only in ways the binary and JSON encodings tolerate.
    pub static FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY = "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", [CSR, WIRE_JSON] => field_wire_json_compatible_cardinality;
}

fn field_wire_json_compatible_cardinality(pairs: &Pairs<'_>, out: &mut Findings) {
    cardinality_with(pairs, out, Cardinal::wire_json_group);
}

breaking_rule! {
    /// Fields stay in (or out of) the same oneof.
    pub static FIELD_SAME_ONEOF = "FIELD_SAME_ONEOF", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => field_same_oneof;
}

fn field_same_oneof(pairs: &Pairs<'_>, out: &mut Findings) {
    each_field(pairs, |base, head, file, base_file| {
        let real =
            |f: &FieldDescriptor| f.containing_oneof().filter(|o| !o.is_synthetic()).map(|o| o.name().to_string());
        let message = match (real(base), real(head)) {
            (None, None) => return,
            (Some(b), Some(h)) if b == h => return,
            // buf's message has a stray `q` here; kept for parity.
            (Some(b), Some(h)) => format!("{}q moved from oneof {b:?} to oneof {h:?}.", field_description(head)),
            (Some(_), None) => format!("{} moved from inside to outside a oneof.", field_description(head)),
            (None, Some(_)) => format!("{} moved from outside to inside a oneof.", field_description(head)),
        };
        out.report(at(file, head.path()), Some(base_file), message);
    });
}

breaking_rule! {
    /// 64-bit integer fields keep their `jstype` option.
    pub static FIELD_SAME_JSTYPE = "FIELD_SAME_JSTYPE", [FILE, PACKAGE] => field_same_jstype;
}

fn field_same_jstype(pairs: &Pairs<'_>, out: &mut Findings) {
    let is64 = |f: &FieldDescriptor| {
        matches!(f.kind(), Kind::Int64 | Kind::Sint64 | Kind::Uint64 | Kind::Fixed64 | Kind::Sfixed64)
    };
    let jstype = |f: &FieldDescriptor| f.typed_options().map(|o| o.jstype()).unwrap_or_default().as_str_name();
    each_field(pairs, |base, head, file, base_file| {
        if is64(base) && is64(head) && jstype(base) != jstype(head) {
            let message = format!(
                "{} changed option \"jstype\" from {:?} to {:?}.",
                field_description(head),
                jstype(base),
                jstype(head)
            );
            let paths = vec![sub(head.path(), &[8, 6]), head.path().to_vec()];
            out.report(at_any(file, paths), Some(base_file), message);
        }
    });
}

/// The resolved `utf8_validation` feature of a field: `VERIFY` or `NONE`.
fn utf8_validation(field: &FieldDescriptor, file: &SideFile<'_>) -> &'static str {
    value_name(Feature::Utf8Validation, field_feature(field, file.syntax, Feature::Utf8Validation))
}

breaking_rule! {
    /// String fields keep their UTF-8 validation.
    pub static FIELD_SAME_UTF8_VALIDATION = "FIELD_SAME_UTF8_VALIDATION", [FILE, PACKAGE] => field_same_utf8_validation;
}

fn field_same_utf8_validation(pairs: &Pairs<'_>, out: &mut Findings) {
    each_field(pairs, |base, head, file, base_file| {
        if base.kind() != Kind::String || head.kind() != Kind::String {
            return;
        }
        let (b, h) = (utf8_validation(base, base_file), utf8_validation(head, file));
        if b != h {
            let message = format!("{} changed UTF8 validation from {b} to {h}.", field_description(head));
            let paths = vec![field_feature_path(head.path(), Feature::Utf8Validation), head.path().to_vec()];
            out.report(at_any(file, paths), Some(base_file), message);
        }
    });
}

breaking_rule! {
    /// String fields keep their Java UTF-8 validation (`java_string_check_utf8`).
    pub static FIELD_SAME_JAVA_UTF8_VALIDATION = "FIELD_SAME_JAVA_UTF8_VALIDATION", [FILE, PACKAGE] => field_same_java_utf8_validation;
}

fn field_same_java_utf8_validation(pairs: &Pairs<'_>, out: &mut Findings) {
    // `java_string_check_utf8` decides outside editions or where it is set;
    // else `(pb.java).utf8_validation = VERIFY` does; else the UTF-8 feature.
    let java = |f: &FieldDescriptor, file: &SideFile<'_>| {
        let options = file.desc.typed_options();
        let check = options.and_then(|o| o.java_string_check_utf8);
        let verify = match (file.syntax, check) {
            (Syntax::Editions(_), None) => field_feature(f, file.syntax, Feature::JavaUtf8Validation) == 2,
            (_, check) => check.unwrap_or(false),
        };
        if verify { "VERIFY" } else { utf8_validation(f, file) }
    };
    each_field(pairs, |base, head, file, base_file| {
        if base.kind() != Kind::String || head.kind() != Kind::String {
            return;
        }
        let (b, h) = (java(base, base_file), java(head, file));
        if b != h {
            let message =
                format!("{} changed Java string UTF8 validation from {b:?} to {h:?}.", field_description(head));
            let paths =
                vec![vec![8, 27], field_feature_path(head.path(), Feature::JavaUtf8Validation), head.path().to_vec()];
            out.report(at_any(file, paths), Some(base_file), message);
        }
    });
}

/// A field's default as buf compares it: text and bytes by content, everything
/// else (bool, numbers, enum numbers) by numeric value.
#[derive(Clone, PartialEq)]
enum Comparable {
    Text(Vec<u8>),
    Integer(i128),
    Float32(f32),
    Float64(f64),
}

impl Comparable {
    fn is_zero(&self) -> bool {
        match self {
            Comparable::Text(t) => t.is_empty(),
            Comparable::Integer(i) => *i == 0,
            // -0.0 is not zero for buf (it compares the bits).
            Comparable::Float32(f) => f.to_bits() == 0,
            Comparable::Float64(f) => f.to_bits() == 0,
        }
    }

    fn equals(&self, other: &Comparable) -> bool {
        use Comparable::*;
        let float = |c: &Comparable| match c {
            Integer(i) => Some(*i as f64),
            Float32(f) => Some(f64::from(*f)),
            Float64(f) => Some(*f),
            Text(_) => None,
        };
        match (self, other) {
            (Text(a), Text(b)) => a == b,
            (Text(_), _) | (_, Text(_)) => false,
            (Integer(a), Integer(b)) => a == b,
            // float and double compare at float precision.
            (Float32(a), Float64(b)) | (Float64(b), Float32(a)) => (a.is_nan() && b.is_nan()) || *a == *b as f32,
            (a, b) => {
                let (a, b) = (float(a).unwrap_or_default(), float(b).unwrap_or_default());
                (a.is_nan() && b.is_nan()) || a == b
            }
        }
    }
}

/// Go's `%v` of a float: shortest digits, exponent form below 1e-4 and from 1e21.
fn go_float(value: f64, shortest: String, exponent: String) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-4..1e21).contains(&magnitude) {
        return shortest;
    }
    // Rust writes `1.5e-5`; Go writes `1.5e-05`.
    let (mantissa, exp) = exponent.split_once('e').unwrap_or((&exponent, "0"));
    let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// Go's `%q` of a string (the escapes protobuf text can produce).
fn go_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A field's default: the value compared and the text buf prints.
fn field_default(field: &FieldDescriptor) -> Option<(Comparable, String)> {
    let owned = |bytes: &[u8]| Comparable::Text(bytes.to_vec());
    Some(match &field.default_value() {
        Value::Bool(b) => (Comparable::Integer(i128::from(*b)), b.to_string()),
        Value::I32(v) => (Comparable::Integer(i128::from(*v)), v.to_string()),
        Value::I64(v) => (Comparable::Integer(i128::from(*v)), v.to_string()),
        Value::U32(v) => (Comparable::Integer(i128::from(*v)), v.to_string()),
        Value::U64(v) => (Comparable::Integer(i128::from(*v)), v.to_string()),
        Value::F32(v) => (Comparable::Float32(*v), go_float(f64::from(*v), v.to_string(), format!("{v:e}"))),
        Value::F64(v) => (Comparable::Float64(*v), go_float(*v, v.to_string(), format!("{v:e}"))),
        Value::String(s) => (owned(s.as_bytes()), go_quote(s)),
        Value::Bytes(b) => {
            let hex: Vec<String> = b.iter().map(|byte| format!("0x{byte:X}")).collect();
            (owned(b), format!("[{}]", hex.join(",")))
        }
        Value::EnumNumber(n) => {
            let Kind::Enum(e) = field.kind() else { return None };
            let name = e.get_value(*n).map_or_else(|| format!("{n}(?)"), |v| v.name().to_string());
            (Comparable::Integer(i128::from(*n)), format!("{}.{name}", e.name()))
        }
        _ => return None,
    })
}

/// The byte range of `default = <value>` of a field: buf points at the whole
/// pseudo-option, where the recorded (protoc) location covers the value only.
fn default_option_span(field: &FieldDescriptor, file: &SideFile<'_>) -> Option<(usize, usize)> {
    let value = file.locations?.get(&sub(field.path(), &[7]))?;
    let text = file.source?.text.as_ref();
    let (start, end) = (value.start as usize, value.end as usize);
    let before = text.get(..start)?.trim_end().strip_suffix('=')?.trim_end().strip_suffix("default")?;
    Some((before.len(), end))
}

breaking_rule! {
    /// Fields keep their default value (proto2 and editions `default`, or the implied one).
    ///
    /// Defaults of text and bytes compare by content, all others by numeric value,
    /// so `int64` → `int32` with the same default is no change here (FIELD_SAME_TYPE
    /// reports the type).
    pub static FIELD_SAME_DEFAULT = "FIELD_SAME_DEFAULT", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => field_same_default;
}

fn field_same_default(pairs: &Pairs<'_>, out: &mut Findings) {
    let can_have_default = |f: &FieldDescriptor| !f.is_list() && !f.is_map() && !matches!(f.kind(), Kind::Message(_));
    each_field(pairs, |base, head, file, base_file| {
        if !can_have_default(base) || !can_have_default(head) {
            return;
        }
        let (Some((b, b_text)), Some((h, h_text))) = (field_default(base), field_default(head)) else {
            return;
        };
        if (b.is_zero() && h.is_zero()) || b.equals(&h) {
            return;
        }
        let message = format!("{} changed default value from {b_text} to {h_text}.", field_description(head));
        match default_option_span(head, file) {
            Some(span) => out.report_span(file, span, Some(base_file), message),
            None => out.report(at(file, head.path()), Some(base_file), message),
        }
    });
}

/// A string field's C++ representation: the string type, and whether it is the
/// legacy `STRING_PIECE` (which buf reports by that name).
fn cpp_string_type(field: &FieldDescriptor, file: &SideFile<'_>) -> (i32, bool) {
    use prost_types::field_options::CType;
    let before_2024 = !matches!(file.syntax, Syntax::Editions(e) if e >= 1001);
    let ctype = field.typed_options().and_then(|o| o.ctype);
    if before_2024 && let Some(ctype) = ctype {
        match CType::try_from(ctype) {
            Ok(CType::Cord) => return (2, false),
            Ok(CType::StringPiece) => return (3, true),
            Ok(CType::String) => return (3, false),
            Err(_) => {}
        }
    }
    (field_feature(field, file.syntax, Feature::CppStringType), false)
}

breaking_rule! {
    /// String and bytes fields keep their C++ string type (`ctype` or `(pb.cpp).string_type`).
    ///
    /// Moving from `STRING_PIECE` to `STRING` is allowed.
    pub static FIELD_SAME_CPP_STRING_TYPE = "FIELD_SAME_CPP_STRING_TYPE", [FILE, PACKAGE] => field_same_cpp_string_type;
}

fn field_same_cpp_string_type(pairs: &Pairs<'_>, out: &mut Findings) {
    let textual = |f: &FieldDescriptor| matches!(f.kind(), Kind::String | Kind::Bytes);
    let name =
        |(value, piece): (i32, bool)| if piece { "STRING_PIECE" } else { value_name(Feature::CppStringType, value) };
    each_field(pairs, |base, head, file, base_file| {
        if base.parent_message().is_map_entry() && head.parent_message().is_map_entry() {
            return;
        }
        if !textual(base) || !textual(head) {
            return;
        }
        let (b, h) = (cpp_string_type(base, base_file), cpp_string_type(head, file));
        // STRING_PIECE → STRING is what the option's deprecation asks for.
        if b == h || (b.1 && h == (3, false)) {
            return;
        }
        let message =
            format!("{} changed C++ string type from {:?} to {:?}.", field_description(head), name(b), name(h));
        let paths = vec![
            sub(head.path(), &[8, 1]),
            field_feature_path(head.path(), Feature::CppStringType),
            head.path().to_vec(),
        ];
        out.report(at_any(file, paths), Some(base_file), message);
    });
}
