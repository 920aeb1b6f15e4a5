use prost_reflect::MessageDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::is_documentation;

declare_rule! {
    /// Every message must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation.
    ///
    /// ```proto
    /// // Invalid
    /// message User {}
    /// // Valid
    /// // A registered user.
    /// message User {}
    /// ```
    pub struct CommentMessage {
        id: "COMMENT_MESSAGE",
        summary: "Messages have a non-empty leading comment.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for CommentMessage {
    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        // Map entries are synthesized from `map<K, V>` fields.
        if message.is_map_entry() {
            return;
        }
        let Some(location) = cx.location(message.path()) else {
            return;
        };
        if !is_documentation(location.leading()) {
            cx.report(
                message.path(),
                format!("Message {:?} should have a non-empty comment for documentation.", message.name()),
            );
        }
    }
}
