//! Source-retention options are dropped from emitted descriptors, as protoc
//! does: an option declared `[retention = RETENTION_SOURCE]` (for example
//! `ExtensionRangeOptions.declaration`) exists for tools reading the source,
//! not for generated code or runtime descriptors.

use std::collections::{HashMap, HashSet};

use prost::encoding::{WireType, decode_key, decode_varint, encode_key, encode_varint};
use prost_reflect::{
    DescriptorPool, EnumDescriptor, ExtensionDescriptor, FileDescriptor, Kind, MessageDescriptor, Value,
};

use super::descriptor as d;
use super::descriptor::OptionsShape as Shape;

const RETENTION_FIELD: &str = "retention";
const RETENTION_SOURCE: i32 = 2;

/// Strips source-retention options from every options message of `file`.
pub struct Stripper<'a> {
    pool: &'a DescriptorPool,
    /// Whether a message type (transitively) has source-retention fields.
    needs: std::sync::Mutex<HashMap<String, bool>>,
}

impl<'a> Stripper<'a> {
    pub fn new(pool: &'a DescriptorPool) -> Self {
        Stripper { pool, needs: Default::default() }
    }

    pub fn strip_file(&self, f: &mut d::FileDescriptorProto) {
        self.apply(&mut f.options, "google.protobuf.FileOptions");
        for m in &mut f.message_type {
            self.strip_message(m);
        }
        for e in &mut f.enum_type {
            self.strip_enum(e);
        }
        for x in &mut f.extension {
            self.apply(&mut x.options, "google.protobuf.FieldOptions");
        }
        for s in &mut f.service {
            self.apply(&mut s.options, "google.protobuf.ServiceOptions");
            for m in &mut s.method {
                self.apply(&mut m.options, "google.protobuf.MethodOptions");
            }
        }
    }

    /// Whether stripping could change `f`: some options message in it has a type
    /// that (transitively) declares source-retention fields. Most files have
    /// none, and their linked encoding can be written out as it is.
    pub fn may_strip(&self, f: &FileDescriptor) -> bool {
        // Read from the descriptors themselves: the file's `prost_types` copy is
        // made only when asked for, and most files are never asked.
        let needs = |present: bool, type_name: &str| {
            present && self.pool.get_message_by_name(type_name).is_some_and(|m| self.needs_strip(&m))
        };
        let enum_ = |e: &EnumDescriptor| {
            needs(e.typed_options().is_some(), "google.protobuf.EnumOptions")
                || e.values().any(|v| needs(v.typed_options().is_some(), "google.protobuf.EnumValueOptions"))
        };
        let extension = |x: &ExtensionDescriptor| needs(x.typed_options().is_some(), "google.protobuf.FieldOptions");
        fn message(
            m: &MessageDescriptor,
            needs: &dyn Fn(bool, &str) -> bool,
            extension: &dyn Fn(&ExtensionDescriptor) -> bool,
            enum_: &dyn Fn(&EnumDescriptor) -> bool,
        ) -> bool {
            needs(m.typed_options().is_some(), "google.protobuf.MessageOptions")
                || m.declared_fields().any(|x| needs(x.typed_options().is_some(), "google.protobuf.FieldOptions"))
                || m.child_extensions().any(|x| extension(&x))
                || m.oneofs().any(|o| needs(o.typed_options().is_some(), "google.protobuf.OneofOptions"))
                || m.extension_range_typed_options()
                    .any(|r| needs(r.is_some(), "google.protobuf.ExtensionRangeOptions"))
                || m.child_enums().any(|e| enum_(&e))
                || m.child_messages().any(|n| message(&n, needs, extension, enum_))
        }
        needs(f.typed_options().is_some(), "google.protobuf.FileOptions")
            || f.messages().any(|m| message(&m, &needs, &extension, &enum_))
            || f.enums().any(|e| enum_(&e))
            || f.extensions().any(|x| extension(&x))
            || f.services().any(|s| {
                needs(s.typed_options().is_some(), "google.protobuf.ServiceOptions")
                    || s.methods().any(|m| needs(m.typed_options().is_some(), "google.protobuf.MethodOptions"))
            })
    }

    /// Whether stripping changes the encoded file `bytes`: some options message
    /// in it holds a source-retention value. [`Stripper::may_strip`] answers for
    /// the types only, and every options type can hold `features`, whose
    /// FeatureSet has source-retention fields; this reads the values, so a file
    /// that sets none is written as the pool encoded it.
    pub fn changes(&self, bytes: &[u8]) -> bool {
        self.changes_in(bytes, Shape::File).unwrap_or(true)
    }

    /// `None` when the bytes do not parse (the caller then takes the slow path).
    fn changes_in(&self, mut bytes: &[u8], shape: Shape) -> Option<bool> {
        while !bytes.is_empty() {
            let (number, wire) = decode_key(&mut bytes).ok()?;
            match wire {
                WireType::Varint => {
                    decode_varint(&mut bytes).ok()?;
                }
                WireType::SixtyFourBit => bytes = bytes.get(8..)?,
                WireType::ThirtyTwoBit => bytes = bytes.get(4..)?,
                WireType::LengthDelimited => {
                    let n = decode_varint(&mut bytes).ok()? as usize;
                    let inner = bytes.get(..n)?;
                    bytes = &bytes[n..];
                    let changed = match shape.child(number) {
                        Some(Shape::Options(type_name)) => {
                            let desc = self.pool.get_message_by_name(type_name)?;
                            self.strip(inner, &desc).is_some()
                        }
                        Some(child) => self.changes_in(inner, child)?,
                        None => false,
                    };
                    if changed {
                        return Some(true);
                    }
                }
                WireType::StartGroup | WireType::EndGroup => return None,
            }
        }
        Some(false)
    }

    fn strip_message(&self, m: &mut d::DescriptorProto) {
        self.apply(&mut m.options, "google.protobuf.MessageOptions");
        for f in m.field.iter_mut().chain(m.extension.iter_mut()) {
            self.apply(&mut f.options, "google.protobuf.FieldOptions");
        }
        for o in &mut m.oneof_decl {
            self.apply(&mut o.options, "google.protobuf.OneofOptions");
        }
        for r in &mut m.extension_range {
            self.apply(&mut r.options, "google.protobuf.ExtensionRangeOptions");
        }
        for n in &mut m.nested_type {
            self.strip_message(n);
        }
        for e in &mut m.enum_type {
            self.strip_enum(e);
        }
    }

    fn strip_enum(&self, e: &mut d::EnumDescriptorProto) {
        self.apply(&mut e.options, "google.protobuf.EnumOptions");
        for v in &mut e.value {
            self.apply(&mut v.options, "google.protobuf.EnumValueOptions");
        }
    }

    fn apply(&self, options: &mut Option<Vec<u8>>, type_name: &str) {
        let Some(bytes) = options.as_ref() else { return };
        let Some(desc) = self.pool.get_message_by_name(type_name) else { return };
        if let Some(stripped) = self.strip(bytes, &desc) {
            // protoc drops an options message that stripping left empty.
            *options = (!stripped.is_empty()).then_some(stripped);
        }
    }

    fn is_source_retention(options: &prost_reflect::DynamicMessage) -> bool {
        matches!(options.get_field_by_name(RETENTION_FIELD).as_deref(), Some(Value::EnumNumber(RETENTION_SOURCE)))
    }

    /// Whether `msg` or any message reachable through its fields and
    /// extensions has a source-retention field. Answers are cached per type
    /// only once complete: the encoder runs on several threads at once, and a
    /// provisional answer seen by another thread (or by a type on a cycle
    /// through `msg`) would be wrong for it.
    fn needs_strip(&self, msg: &MessageDescriptor) -> bool {
        if let Some(&known) = self.needs.lock().unwrap().get(msg.full_name()) {
            return known;
        }
        let result = Self::reaches_source_retention(msg, &mut HashSet::new());
        self.needs.lock().unwrap().insert(msg.full_name().to_string(), result);
        result
    }

    /// A depth-first search from `msg` for a source-retention field; `seen`
    /// ends the search through cycles (a type already on the way was searched).
    fn reaches_source_retention(msg: &MessageDescriptor, seen: &mut HashSet<String>) -> bool {
        if !seen.insert(msg.full_name().to_string()) {
            return false;
        }
        let fields = msg.fields().map(|f| (f.options(), f.kind()));
        let extensions = msg.extensions().map(|x| (x.options(), x.kind()));
        for (options, kind) in fields.chain(extensions) {
            if Self::is_source_retention(&options) {
                return true;
            }
            if let Kind::Message(m) = kind
                && Self::reaches_source_retention(&m, seen)
            {
                return true;
            }
        }
        false
    }

    /// Re-encodes `bytes` (a message of type `msg`) without source-retention
    /// fields; `None` when nothing changes.
    fn strip(&self, bytes: &[u8], msg: &MessageDescriptor) -> Option<Vec<u8>> {
        if !self.needs_strip(msg) {
            return None;
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut changed = false;
        let mut buf = bytes;
        while !buf.is_empty() {
            let start = bytes.len() - buf.len();
            let (number, wire) = decode_key(&mut buf).ok()?;
            let len = match wire {
                WireType::Varint => {
                    decode_varint(&mut buf).ok()?;
                    0
                }
                WireType::SixtyFourBit => {
                    buf = buf.get(8..)?;
                    0
                }
                WireType::ThirtyTwoBit => {
                    buf = buf.get(4..)?;
                    0
                }
                WireType::LengthDelimited => {
                    let n = decode_varint(&mut buf).ok()? as usize;
                    buf = buf.get(n..)?;
                    n
                }
                // Groups do not occur in options messages written by idl.
                WireType::StartGroup | WireType::EndGroup => return None,
            };
            let end = bytes.len() - buf.len();
            let (options, kind) = match msg.get_field(number) {
                Some(f) => (f.options(), f.kind()),
                None => match msg.get_extension(number) {
                    Some(x) => (x.options(), x.kind()),
                    None => {
                        out.extend_from_slice(&bytes[start..end]);
                        continue;
                    }
                },
            };
            if Self::is_source_retention(&options) {
                changed = true;
                continue;
            }
            if let (Kind::Message(m), WireType::LengthDelimited) = (kind, wire) {
                let inner = &bytes[end - len..end];
                if let Some(stripped) = self.strip(inner, &m) {
                    changed = true;
                    encode_key(number, WireType::LengthDelimited, &mut out);
                    encode_varint(stripped.len() as u64, &mut out);
                    out.extend_from_slice(&stripped);
                    continue;
                }
            }
            out.extend_from_slice(&bytes[start..end]);
        }
        changed.then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Outer` reaches the source-retention field only through `Inner`, which
    /// reaches it only back through `Outer`: asked about `Outer` first, the old
    /// search cached `Inner` as "no" because `Outer` was still being explored.
    #[test]
    fn a_type_on_a_cycle_sees_the_source_retention_field_beyond_it() {
        let compilation = super::super::compile_with_google_api(
            r#"syntax = "proto3";
package cyc;
import "google/protobuf/descriptor.proto";
message Outer {
  Inner inner = 1;
  string secret = 2 [retention = RETENTION_SOURCE];
}
message Inner {
  Outer outer = 1;
}
"#,
        );
        let pool = &compilation.pool;
        let stripper = Stripper::new(pool);
        let inner = pool.get_message_by_name("cyc.Inner").unwrap();
        let outer = pool.get_message_by_name("cyc.Outer").unwrap();
        assert!(stripper.needs_strip(&inner));
        assert!(stripper.needs_strip(&outer));
        let fresh = Stripper::new(pool);
        assert!(fresh.needs_strip(&outer));
        assert!(fresh.needs_strip(&inner));
    }
}
