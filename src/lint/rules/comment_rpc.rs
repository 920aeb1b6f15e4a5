use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};
use crate::lint::support::is_documentation;

declare_rule! {
    /// Every RPC must have a leading comment with some text. Blank comments and
    /// comments made only of `buf:lint:ignore` / `idl:lint:ignore` directives do
    /// not count as documentation.
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
    }
}

impl Rule for CommentRpc {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        let Some(location) = cx.location(method.path()) else {
            return;
        };
        if !is_documentation(location.leading()) {
            cx.report(
                method.path(),
                format!("RPC {:?} should have a non-empty comment for documentation.", method.name()),
            );
        }
    }
}
