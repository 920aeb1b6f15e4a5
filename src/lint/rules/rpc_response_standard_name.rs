use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_pascal_case;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, child_path};

declare_rule! {
    /// An RPC's response message must be named `<Rpc>Response` or
    /// `<Service><Rpc>Response` (the RPC and service names in PascalCase). One
    /// dedicated message per RPC lets each RPC's response evolve on its own.
    /// With `allow_google_protobuf_empty_responses = true`, `google.protobuf.Empty` is accepted.
    ///
    /// ```proto
    /// // Invalid
    /// service UserService { rpc GetUser(GetUserRequest) returns (User); }
    /// message GetUserRequest {}
    /// message GetUserResponse {}
    /// message User {}
    /// // Valid
    /// service UserService { rpc GetUser(GetUserRequest) returns (GetUserResponse); }
    /// message GetUserRequest {}
    /// message GetUserResponse {}
    /// message User {}
    /// ```
    pub struct RpcResponseStandardName {
        id: "RPC_RESPONSE_STANDARD_NAME",
        summary: "RPC response messages are named <Rpc>Response or <Service><Rpc>Response.",
        severity: Error,
        fixable: false,
        options: [RuleOption {
            name: "allow_google_protobuf_empty_responses",
            default: OptionDefault::Bool(false),
            help: "Accept google.protobuf.Empty as the response (buf's `rpc_allow_google_protobuf_empty_responses`).",
        }],
    }
}

impl Rule for RpcResponseStandardName {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        let message = method.output();
        if message.full_name() == "google.protobuf.Empty" && cx.option_bool("allow_google_protobuf_empty_responses") {
            return;
        }
        let name = message.name();
        let expected = format!("{}Response", to_pascal_case(method.name()));
        let expected_with_service = format!("{}{expected}", to_pascal_case(method.parent_service().name()));
        if name != expected && name != expected_with_service {
            cx.report(
                &child_path(method.path(), &[3]),
                format!("RPC response type {name:?} should be named {expected:?} or {expected_with_service:?}."),
            );
        }
    }
}
