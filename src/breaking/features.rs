//! Editions features as buf resolves them: a feature set on an element wins over
//! the one of its oneof, enclosing messages and file; an unset feature takes the
//! default of the file's syntax or edition.
//!
//! The pool links editions files as proto2 (prost-reflect knows proto2 and proto3
//! only), so presence, enum openness, UTF-8 validation, delimited encoding and JSON
//! format of an editions file cannot be read from prost-reflect's own accessors.
//! They are read here from the raw option bytes instead, which also keeps the
//! `(pb.cpp)` and `(pb.java)` extension features that the pool may not describe.

use prost::Message;
use prost::encoding::{WireType, decode_key, decode_varint};
use prost_reflect::{EnumDescriptor, FieldDescriptor, MessageDescriptor};

use crate::compile::Syntax;

/// `features` in FileOptions, MessageOptions, FieldOptions, OneofOptions, EnumOptions.
const FILE_FEATURES: u32 = 50;
const MESSAGE_FEATURES: u32 = 12;
const FIELD_FEATURES: u32 = 21;
const ONEOF_FEATURES: u32 = 1;
const ENUM_FEATURES: u32 = 7;

/// A `google.protobuf.FeatureSet` field, or a field of a language extension of it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Feature {
    FieldPresence,
    EnumType,
    Utf8Validation,
    MessageEncoding,
    JsonFormat,
    /// `(pb.cpp).string_type`.
    CppStringType,
    /// `(pb.java).utf8_validation`.
    JavaUtf8Validation,
}

impl Feature {
    /// The field numbers from the FeatureSet down to the feature: `[4]` for
    /// `utf8_validation`, `[1000, 2]` for `(pb.cpp).string_type`.
    pub fn path(self) -> &'static [u32] {
        match self {
            Feature::FieldPresence => &[1],
            Feature::EnumType => &[2],
            Feature::Utf8Validation => &[4],
            Feature::MessageEncoding => &[5],
            Feature::JsonFormat => &[6],
            Feature::CppStringType => &[1000, 2],
            Feature::JavaUtf8Validation => &[1001, 2],
        }
    }

    /// The value an element gets when no enclosing scope sets the feature.
    fn default(self, syntax: Syntax) -> i32 {
        let edition = match syntax {
            Syntax::Proto2 => 0,
            Syntax::Proto3 => 1,
            Syntax::Editions(e) => e,
        };
        match (self, edition) {
            // FieldPresence: EXPLICIT 1, IMPLICIT 2.
            (Feature::FieldPresence, 1) => 2,
            (Feature::FieldPresence, _) => 1,
            // EnumType: OPEN 1, CLOSED 2.
            (Feature::EnumType, 0) => 2,
            (Feature::EnumType, _) => 1,
            // Utf8Validation: VERIFY 2, NONE 3.
            (Feature::Utf8Validation, 0) => 3,
            (Feature::Utf8Validation, _) => 2,
            // MessageEncoding: LENGTH_PREFIXED 1.
            (Feature::MessageEncoding, _) => 1,
            // JsonFormat: ALLOW 1, LEGACY_BEST_EFFORT 2.
            (Feature::JsonFormat, 0) => 2,
            (Feature::JsonFormat, _) => 1,
            // CppFeatures.StringType: VIEW 1, CORD 2, STRING 3; VIEW from edition 2024.
            (Feature::CppStringType, e) if e >= 1001 => 1,
            (Feature::CppStringType, _) => 3,
            // JavaFeatures.Utf8Validation: DEFAULT 1.
            (Feature::JavaUtf8Validation, _) => 1,
        }
    }
}

/// buf's names of feature values.
pub fn value_name(feature: Feature, value: i32) -> &'static str {
    match (feature, value) {
        (Feature::FieldPresence, 1) => "EXPLICIT",
        (Feature::FieldPresence, 2) => "IMPLICIT",
        (Feature::FieldPresence, 3) => "LEGACY_REQUIRED",
        (Feature::EnumType, 1) => "OPEN",
        (Feature::EnumType, 2) => "CLOSED",
        (Feature::Utf8Validation, 2) => "VERIFY",
        (Feature::Utf8Validation, 3) => "NONE",
        (Feature::MessageEncoding, 1) => "LENGTH_PREFIXED",
        (Feature::MessageEncoding, 2) => "DELIMITED",
        (Feature::JsonFormat, 1) => "ALLOW",
        (Feature::JsonFormat, 2) => "LEGACY_BEST_EFFORT",
        (Feature::CppStringType, 1) => "VIEW",
        (Feature::CppStringType, 2) => "CORD",
        (Feature::CppStringType, 3) => "STRING",
        (Feature::JavaUtf8Validation, 1) => "DEFAULT",
        (Feature::JavaUtf8Validation, 2) => "VERIFY",
        _ => "UNKNOWN",
    }
}

/// The feature as set in one scope's encoded options, if it is.
fn explicit(options: &[u8], features_field: u32, feature: Feature) -> Option<i32> {
    let mut scopes = vec![options.to_vec()];
    let mut path = vec![features_field];
    path.extend_from_slice(feature.path());
    let (last, messages) = path.split_last()?;
    for number in messages {
        scopes = scopes.iter().flat_map(|bytes| length_delimited(bytes, *number)).collect();
    }
    scopes.iter().rev().find_map(|bytes| last_varint(bytes, *last)).map(|v| v as i32)
}

/// Every length-delimited occurrence of field `number` (a repeated message field
/// set twice merges, so all are kept in order).
fn length_delimited(mut bytes: &[u8], number: u32) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let Ok((tag, wire_type)) = decode_key(&mut bytes) else { break };
        match wire_type {
            WireType::LengthDelimited => {
                let Ok(len) = decode_varint(&mut bytes) else { break };
                let len = len as usize;
                if len > bytes.len() {
                    break;
                }
                if tag == number {
                    out.push(bytes[..len].to_vec());
                }
                bytes = &bytes[len..];
            }
            other => {
                if skip(&mut bytes, other).is_none() {
                    break;
                }
            }
        }
    }
    out
}

/// The last varint value of field `number`.
fn last_varint(mut bytes: &[u8], number: u32) -> Option<u64> {
    let mut found = None;
    while !bytes.is_empty() {
        let Ok((tag, wire_type)) = decode_key(&mut bytes) else { break };
        if wire_type == WireType::Varint {
            let Ok(value) = decode_varint(&mut bytes) else { break };
            if tag == number {
                found = Some(value);
            }
        } else if wire_type == WireType::LengthDelimited {
            let Ok(len) = decode_varint(&mut bytes) else { break };
            let len = len as usize;
            if len > bytes.len() {
                break;
            }
            bytes = &bytes[len..];
        } else if skip(&mut bytes, wire_type).is_none() {
            break;
        }
    }
    found
}

fn skip(bytes: &mut &[u8], wire_type: WireType) -> Option<()> {
    let n = match wire_type {
        WireType::Varint => {
            decode_varint(bytes).ok()?;
            return Some(());
        }
        WireType::SixtyFourBit => 8,
        WireType::ThirtyTwoBit => 4,
        // Groups do not occur in option messages written by idl's compiler.
        _ => return None,
    };
    if bytes.len() < n {
        return None;
    }
    *bytes = &bytes[n..];
    Some(())
}

/// The scopes of a message, innermost first: the message, then its parents.
fn message_scopes(message: &MessageDescriptor, out: &mut Vec<(Vec<u8>, u32)>) {
    out.push((message.options().encode_to_vec(), MESSAGE_FEATURES));
    if let Some(parent) = message.parent_message() {
        message_scopes(&parent, out);
    }
}

/// Only editions files set features; others take their syntax's defaults (checked
/// before any options are encoded: most files of a corpus are proto3).
fn is_editions(syntax: Syntax) -> bool {
    matches!(syntax, Syntax::Editions(_))
}

fn resolve(scopes: Vec<(Vec<u8>, u32)>, file_options: Vec<u8>, syntax: Syntax, feature: Feature) -> i32 {
    scopes
        .iter()
        .chain(std::iter::once(&(file_options, FILE_FEATURES)))
        .find_map(|(bytes, field)| explicit(bytes, *field, feature))
        .unwrap_or_else(|| feature.default(syntax))
}

/// A feature of a field (or extension), as buf resolves it.
pub fn field_feature(field: &FieldDescriptor, syntax: Syntax, feature: Feature) -> i32 {
    if !is_editions(syntax) {
        return feature.default(syntax);
    }
    let mut scopes = vec![(field.options().encode_to_vec(), FIELD_FEATURES)];
    if let Some(oneof) = field.containing_oneof().filter(|o| !o.is_synthetic()) {
        scopes.push((oneof.options().encode_to_vec(), ONEOF_FEATURES));
    }
    message_scopes(field.parent_message(), &mut scopes);
    resolve(scopes, field.parent_file().options().encode_to_vec(), syntax, feature)
}

/// A feature of a message.
pub fn message_feature(message: &MessageDescriptor, syntax: Syntax, feature: Feature) -> i32 {
    if !is_editions(syntax) {
        return feature.default(syntax);
    }
    let mut scopes = Vec::new();
    message_scopes(message, &mut scopes);
    resolve(scopes, message.parent_file().options().encode_to_vec(), syntax, feature)
}

/// A feature of an enum.
pub fn enum_feature(e: &EnumDescriptor, syntax: Syntax, feature: Feature) -> i32 {
    if !is_editions(syntax) {
        return feature.default(syntax);
    }
    let mut scopes = vec![(e.options().encode_to_vec(), ENUM_FEATURES)];
    if let Some(parent) = e.parent_message() {
        message_scopes(&parent, &mut scopes);
    }
    resolve(scopes, e.parent_file().options().encode_to_vec(), syntax, feature)
}

/// The descriptor path of a feature set on a field: `[.., 8, 21, 4]`.
pub fn field_feature_path(field_path: &[i32], feature: Feature) -> Vec<i32> {
    let mut p = field_path.to_vec();
    p.extend([8, FIELD_FEATURES as i32]);
    p.extend(feature.path().iter().map(|&n| n as i32));
    p
}

/// The descriptor path of a feature set on a message: `[.., 7, 12, 6]`.
pub fn message_feature_path(message_path: &[i32], feature: Feature) -> Vec<i32> {
    let mut p = message_path.to_vec();
    p.extend([7, MESSAGE_FEATURES as i32]);
    p.extend(feature.path().iter().map(|&n| n as i32));
    p
}

/// The descriptor path of a feature set on an enum: `[.., 3, 7, 2]`.
pub fn enum_feature_path(enum_path: &[i32], feature: Feature) -> Vec<i32> {
    let mut p = enum_path.to_vec();
    p.extend([3, ENUM_FEATURES as i32]);
    p.extend(feature.path().iter().map(|&n| n as i32));
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_varints_and_keeps_the_last() {
        // features (21) { utf8_validation (4): NONE (3) } then again { 4: VERIFY (2) }.
        let bytes = [0xAA, 0x01, 0x02, 0x20, 0x03, 0xAA, 0x01, 0x02, 0x20, 0x02];
        assert_eq!(explicit(&bytes, FIELD_FEATURES, Feature::Utf8Validation), Some(2));
        assert_eq!(explicit(&bytes, FIELD_FEATURES, Feature::FieldPresence), None);
    }

    #[test]
    fn defaults_follow_the_syntax() {
        assert_eq!(Feature::EnumType.default(Syntax::Proto2), 2);
        assert_eq!(Feature::EnumType.default(Syntax::Proto3), 1);
        assert_eq!(Feature::JsonFormat.default(Syntax::Proto2), 2);
        assert_eq!(Feature::CppStringType.default(Syntax::Editions(1001)), 1);
        assert_eq!(Feature::CppStringType.default(Syntax::Editions(1000)), 3);
    }
}
