use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::casing::to_pascal_case;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, child_path};

declare_rule! {
    /// An RPC's request message must be named `<Rpc>Request` or
    /// `<Service><Rpc>Request` (the RPC and service names in PascalCase). One
    /// dedicated message per RPC lets each RPC's request evolve on its own.
    /// With `allow_google_protobuf_empty_requests = true`, `google.protobuf.Empty` is accepted.
    ///
    /// ```proto
    /// // Invalid
    /// service UserService { rpc GetUser(User) returns (GetUserResponse); }
    /// message GetUserRequest {}
    /// message GetUserResponse {}
    /// message User {}
    /// // Valid
    /// service UserService { rpc GetUser(GetUserRequest) returns (GetUserResponse); }
    /// message GetUserRequest {}
    /// message GetUserResponse {}
    /// message User {}
    /// ```
    pub struct RpcRequestStandardName {
        id: "RPC_REQUEST_STANDARD_NAME",
        summary: "RPC request messages are named <Rpc>Request or <Service><Rpc>Request.",
        severity: Error,
        fixable: false,
        options: [RuleOption {
            name: "allow_google_protobuf_empty_requests",
            default: OptionDefault::Bool(false),
            help: "Accept google.protobuf.Empty as the request (buf's `rpc_allow_google_protobuf_empty_requests`).",
        }],
    }
}

impl Rule for RpcRequestStandardName {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        let message = method.input();
        if message.full_name() == "google.protobuf.Empty" && cx.option_bool("allow_google_protobuf_empty_requests") {
            return;
        }
        let name = message.name();
        let expected = format!("{}Request", to_pascal_case(method.name()));
        let expected_with_service = format!("{}{expected}", to_pascal_case(method.parent_service().name()));
        if name != expected && name != expected_with_service {
            cx.report(
                &child_path(method.path(), &[2]),
                format!("RPC request type {name:?} should be named {expected:?} or {expected_with_service:?}."),
            );
        }
    }
}
