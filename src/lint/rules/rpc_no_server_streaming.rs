use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// RPCs must not be server-streaming. Streaming RPCs are hard to proxy, retry
    /// and call from browsers; teams that only want unary RPCs enable this rule.
    ///
    /// ```proto
    /// // Invalid
    /// service WatchService { rpc Watch(WatchRequest) returns (stream WatchResponse); }
    /// message WatchRequest {}
    /// message WatchResponse {}
    /// // Valid
    /// service WatchService { rpc Watch(WatchRequest) returns (WatchResponse); }
    /// message WatchRequest {}
    /// message WatchResponse {}
    /// ```
    pub struct RpcNoServerStreaming {
        id: "RPC_NO_SERVER_STREAMING",
        summary: "RPCs are not server-streaming.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for RpcNoServerStreaming {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        if method.is_server_streaming() {
            cx.report(method.path(), format!("RPC {:?} is server streaming.", method.name()));
        }
    }
}
