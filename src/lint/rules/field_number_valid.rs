use prost_reflect::MessageDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, child_path};

/// The largest field number.
const MAX_FIELD_NUMBER: u32 = 536_870_911;
/// The numbers protobuf implementations reserve for themselves.
const IMPLEMENTATION_RESERVED: std::ops::Range<u32> = 19_000..20_000;
/// `DescriptorProto.extension_range`.
const EXTENSION_RANGE_FIELD: i32 = 5;

declare_rule! {
    /// Field numbers must be usable: in 1 to 536,870,911, outside 19000–19999
    /// (reserved for the protobuf implementation), and not reserved by their
    /// message. The Proto Best Practices' "Don't Re-use a Tag Number" and "Do
    /// Reserve Tag Numbers for Deleted Fields" are why reserved numbers must
    /// stay unused.
    ///
    /// The compiler already rejects, as protoc does, every field, extension and
    /// enum value that breaks these (`Invalid field number '19500'`, `Field
    /// number '7' conflicts with reserved range '5 to 10'`, `Enum number '5'
    /// conflicts with reserved range '5 to 5'`), so a file with one never gets
    /// to lint. What compiles and is still wrong is an extension range that
    /// claims part of 19000–19999: protoc accepts `extensions 18000 to 20000;`
    /// but rejects every extension numbered 19000–19999, so part of the range
    /// can never be used. Ranges running to `max` are the idiom for "every
    /// number from here" and are not reported.
    ///
    /// ```proto
    /// // Invalid
    /// syntax = "proto2";
    /// message Song { extensions 18000 to 20000; }
    /// // Valid
    /// syntax = "proto2";
    /// message Song { extensions 18000 to 18999, 20000 to 21000; }
    /// ```
    pub struct FieldNumberValid {
        id: "FIELD_NUMBER_VALID",
        summary: "Field numbers are usable: extension ranges leave out 19000-19999.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for FieldNumberValid {
    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        for (index, range) in message.extension_ranges().enumerate() {
            // Descriptor ranges are end-exclusive; `max` is stored as MAX + 1.
            let last = range.end.saturating_sub(1);
            let overlaps = range.start < IMPLEMENTATION_RESERVED.end && IMPLEMENTATION_RESERVED.start < range.end;
            if overlaps && last != MAX_FIELD_NUMBER {
                let path = child_path(message.path(), &[EXTENSION_RANGE_FIELD, index as i32]);
                cx.report(
                    &path,
                    format!(
                        "Extension range {} to {last} of message {:?} includes 19000 to 19999, which no extension may use.",
                        range.start,
                        message.name()
                    ),
                );
            }
        }
    }
}
