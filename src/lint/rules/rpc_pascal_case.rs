use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_pascal_case;
use crate::lint::rule::{Context, Rule, name_path};

declare_rule! {
    /// RPC names must be PascalCase.
    ///
    /// ```proto
    /// // Invalid
    /// service UserService { rpc get_user(GetUserRequest) returns (GetUserResponse); }
    /// message GetUserRequest {}
    /// message GetUserResponse {}
    /// message User {}
    /// // Valid
    /// service UserService { rpc GetUser(GetUserRequest) returns (GetUserResponse); }
    /// message GetUserRequest {}
    /// message GetUserResponse {}
    /// message User {}
    /// ```
    pub struct RpcPascalCase {
        id: "RPC_PASCAL_CASE",
        summary: "RPC names are PascalCase.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for RpcPascalCase {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        let name = method.name();
        let expected = to_pascal_case(name);
        if name != expected {
            cx.report(
                &name_path(method.path()),
                format!("RPC name {name:?} should be PascalCase, such as {expected:?}."),
            );
        }
    }
}
