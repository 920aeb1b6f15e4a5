use prost_reflect::MessageDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_pascal_case;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// Message names must be PascalCase.
    ///
    /// ```proto
    /// // Invalid
    /// message person_name {}
    /// // Valid
    /// message PersonName {}
    /// ```
    pub struct MessagePascalCase {
        id: "MESSAGE_PASCAL_CASE",
        summary: "Message names are PascalCase.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for MessagePascalCase {
    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        // Map entries are synthesized from `map<K, V>` fields.
        if message.is_map_entry() {
            return;
        }
        let name = message.name();
        let expected = to_pascal_case(name);
        if name != expected {
            cx.report(
                &name_path(message.path()),
                format!("Message name {name:?} should be PascalCase, such as {expected:?}."),
            );
        }
    }
}
