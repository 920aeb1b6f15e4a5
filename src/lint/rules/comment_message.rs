use prost_reflect::MessageDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption};
use crate::lint::support::{COMMENT_STYLE_OPTION, check_comment_style};

declare_rule! {
    /// Every message must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation. The `style` option asks for more: a complete
    /// sentence (Uber V2) or a comment starting with the name (Go style).
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
        options: [
            COMMENT_STYLE_OPTION,
            RuleOption {
                name: "exempt_request_response",
                default: OptionDefault::Bool(false),
                help: "Skip messages an RPC of their file takes or returns (Uber V2: their RPC's comment covers them).",
            },
        ],
    }
}

impl Rule for CommentMessage {
    fn check_message(&self, cx: &mut Context<'_>, message: &MessageDescriptor) {
        // Map entries are synthesized from `map<K, V>` fields.
        if message.is_map_entry() {
            return;
        }
        if cx.option_bool("exempt_request_response") && is_request_or_response(message) {
            return;
        }
        check_comment_style(cx, message.path(), "Message", message.name());
    }
}

/// Whether an RPC of the message's file takes or returns it.
fn is_request_or_response(message: &MessageDescriptor) -> bool {
    message
        .parent_file()
        .services()
        .any(|service| service.methods().any(|method| method.input() == *message || method.output() == *message))
}
