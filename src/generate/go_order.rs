//! buf's encoding of option values. buf (protobuf-go) writes a message-typed
//! option value (`option (google.api.http) = { post: "..." body: "*" }`) in
//! protobuf-go's deterministic order for dynamic messages: extensions first,
//! then fields outside oneofs by number, then oneof fields (by oneof, then
//! number). protoc writes every field by number. Plugins that embed descriptors
//! (protoc-gen-go, protoc-gen-es) copy those bytes into the generated code, so
//! to write what `buf generate` writes, idl's requests reorder option values
//! the same way ([`RequestStyle::Buf`](super::RequestStyle)). Top-level options
//! messages are in number order in both.

use prost::encoding::{WireType, decode_key, decode_varint, encode_key, encode_varint};
use prost_reflect::{DescriptorPool, Kind, MessageDescriptor};

use crate::compile::descriptor::OptionsShape as Shape;

/// One field of an encoded message: its number, wire type, and its bytes (key included).
struct Raw<'a> {
    number: u32,
    wire: WireType,
    /// Offset of the payload (after the key, and after the length for
    /// length-delimited fields) in `bytes`.
    payload_at: usize,
    bytes: &'a [u8],
}

fn split(bytes: &[u8]) -> Option<Vec<Raw<'_>>> {
    let mut fields = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let start = bytes.len() - rest.len();
        let (number, wire) = decode_key(&mut rest).ok()?;
        let mut payload_at = bytes.len() - rest.len();
        match wire {
            WireType::Varint => {
                decode_varint(&mut rest).ok()?;
            }
            WireType::SixtyFourBit => rest = rest.get(8..)?,
            WireType::ThirtyTwoBit => rest = rest.get(4..)?,
            WireType::LengthDelimited => {
                let len = decode_varint(&mut rest).ok()? as usize;
                payload_at = bytes.len() - rest.len();
                rest = rest.get(len..)?;
            }
            WireType::StartGroup | WireType::EndGroup => return None,
        }
        let end = bytes.len() - rest.len();
        fields.push(Raw { number, wire, payload_at: payload_at - start, bytes: &bytes[start..end] });
    }
    Some(fields)
}

fn put_len(out: &mut Vec<u8>, number: u32, payload: &[u8]) {
    encode_key(number, WireType::LengthDelimited, out);
    encode_varint(payload.len() as u64, out);
    out.extend_from_slice(payload);
}

/// Rewrites an encoded `FileDescriptorProto` with option values in buf's
/// order; `None` when nothing changes.
pub fn reorder_file(pool: &DescriptorPool, file: &[u8]) -> Option<Vec<u8>> {
    rewrite(pool, file, Shape::File)
}

fn rewrite(pool: &DescriptorPool, bytes: &[u8], shape: Shape) -> Option<Vec<u8>> {
    if let Shape::Options(name) = shape {
        let message = pool.get_message_by_name(name)?;
        return options_value(&message, bytes, false);
    }
    let fields = split(bytes)?;
    let mut changed: Vec<(usize, Vec<u8>)> = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        if field.wire != WireType::LengthDelimited {
            continue;
        }
        let Some(inner) = shape.child(field.number) else { continue };
        if let Some(new) = rewrite(pool, &field.bytes[field.payload_at..], inner) {
            changed.push((i, new));
        }
    }
    if changed.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() + 16);
    let mut next = changed.into_iter().peekable();
    for (i, field) in fields.iter().enumerate() {
        match next.peek() {
            Some((at, _)) if *at == i => {
                let (_, payload) = next.next().expect("peeked");
                put_len(&mut out, field.number, &payload);
            }
            _ => out.extend_from_slice(field.bytes),
        }
    }
    Some(out)
}

/// An encoded message of type `message`: message-typed fields rewritten
/// recursively; when `dynamic` (an option's value, not the options message
/// itself), fields put in protobuf-go's deterministic order. `None` when nothing changes.
fn options_value(message: &MessageDescriptor, bytes: &[u8], dynamic: bool) -> Option<Vec<u8>> {
    let fields = split(bytes)?;
    let mut payloads: Vec<Option<Vec<u8>>> = Vec::with_capacity(fields.len());
    // Sort key: extensions, then plain fields, then oneof fields; unknown last.
    let mut keys: Vec<(u8, usize, u32)> = Vec::with_capacity(fields.len());
    for field in &fields {
        let (kind, key) = if let Some(f) = message.get_field(field.number) {
            let oneof = f.containing_oneof().filter(|o| !o.is_synthetic());
            let key = match oneof {
                Some(o) => (2, message.oneofs().position(|x| x.name() == o.name()).unwrap_or(0), field.number),
                None => (1, 0, field.number),
            };
            (Some(f.kind()), key)
        } else if let Some(x) = message.get_extension(field.number) {
            (Some(x.kind()), (0, 0, field.number))
        } else {
            (None, (3, 0, field.number))
        };
        keys.push(key);
        let payload = match kind {
            Some(Kind::Message(inner)) if field.wire == WireType::LengthDelimited => {
                options_value(&inner, &field.bytes[field.payload_at..], true)
            }
            _ => None,
        };
        payloads.push(payload);
    }
    let mut order: Vec<usize> = (0..fields.len()).collect();
    if dynamic {
        order.sort_by_key(|&i| keys[i]);
    }
    let reordered = order.iter().enumerate().any(|(at, &i)| at != i);
    if !reordered && payloads.iter().all(Option::is_none) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    for i in order {
        match &payloads[i] {
            Some(payload) => put_len(&mut out, fields[i].number, payload),
            None => out.extend_from_slice(fields[i].bytes),
        }
    }
    (out != bytes).then_some(out)
}
