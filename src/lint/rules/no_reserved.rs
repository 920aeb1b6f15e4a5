use prost_reflect::{EnumDescriptor, MessageDescriptor};

use crate::declare_rule;
use crate::lint::rule::{Context, Rule, child_path};

/// `DescriptorProto.reserved_range` and `reserved_name`.
const MESSAGE_RESERVED: [i32; 2] = [9, 10];
/// `EnumDescriptorProto.reserved_range` and `reserved_name`.
const ENUM_RESERVED: [i32; 2] = [4, 5];

declare_rule! {
    /// Messages and enums must not use `reserved` (Uber V2, prototool's
    /// FIELDS_NOT_RESERVED): instead of deleting a field or value and reserving
    /// its number and name, keep it and mark it `deprecated = true`, since
    /// deleting it breaks source compatibility anyway. One finding per
    /// `reserved` statement. This contradicts buf's and Google's advice; it is
    /// in the `uber-v2` preset only.
    ///
    /// ```proto
    /// // Invalid
    /// message Trip {
    ///   reserved 2;
    ///   string id = 1;
    /// }
    /// // Valid
    /// message Trip {
    ///   string id = 1;
    ///   string driver = 2 [deprecated = true];
    /// }
    /// ```
    pub struct NoReserved {
        id: "NO_RESERVED",
        summary: "No `reserved` ranges or names; deprecate instead.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for NoReserved {
    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        let counts = [message.reserved_ranges().len(), message.reserved_names().len()];
        report(cx, message.path(), "Message", message.name(), MESSAGE_RESERVED, counts);
    }

    fn check_enum(&self, cx: &mut Context<'_>, enum_: &EnumDescriptor) {
        let counts = [enum_.reserved_ranges().len(), enum_.reserved_names().len()];
        report(cx, enum_.path(), "Enum", enum_.name(), ENUM_RESERVED, counts);
    }
}

/// One finding per `reserved` statement: protoc gives each statement a
/// location at the field path alone, and each range or name one below it.
fn report(cx: &mut Context<'_>, path: &[i32], kind: &str, name: &str, fields: [i32; 2], counts: [usize; 2]) {
    for (field, count) in fields.into_iter().zip(counts) {
        if count == 0 {
            continue;
        }
        let statements: Vec<(u32, u32)> = {
            let prefix = child_path(path, &[field]);
            cx.file().locations.iter().filter(|loc| *loc.path == *prefix).map(|loc| (loc.start, loc.end)).collect()
        };
        for (start, end) in statements {
            let message = format!("{kind} {name:?} should not use reserved; mark removed elements deprecated instead.");
            cx.report_span(path, start as usize..end as usize, message, None);
        }
    }
}
