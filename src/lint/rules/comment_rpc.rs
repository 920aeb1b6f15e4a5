use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::{COMMENT_STYLE_OPTION, check_comment_style};

declare_rule! {
    /// Every RPC must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation. The `style` option asks for more: a complete
    /// sentence (Uber V2) or a comment starting with the name (Go style).
    ///
    /// ```proto
    /// // Invalid
    /// service UserService { rpc GetUser(GetUserRequest) returns (GetUserResponse); }
    /// message GetUserRequest {}
    /// message GetUserResponse {}
    /// message User {}
    /// // Valid
    /// service UserService {
    ///   // Returns one user.
    ///   rpc GetUser(GetUserRequest) returns (GetUserResponse);
    /// }
    /// message GetUserRequest {}
    /// message GetUserResponse {}
    /// message User {}
    /// ```
    pub struct CommentRpc {
        id: "COMMENT_RPC",
        summary: "RPCs have a non-empty leading comment.",
        severity: Error,
        fixable: false,
        options: [COMMENT_STYLE_OPTION],
    }
}

impl Rule for CommentRpc {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        check_comment_style(cx, method.path(), "RPC", method.name());
    }
}
