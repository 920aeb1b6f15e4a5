use prost_reflect::MethodDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, Rule};

declare_rule! {
    /// RPCs must not be client-streaming. Streaming RPCs are hard to proxy, retry
    /// and call from browsers; teams that only want unary RPCs enable this rule.
    ///
    /// ```proto
    /// // Invalid
    /// service UploadService { rpc Upload(stream UploadRequest) returns (UploadResponse); }
    /// message UploadRequest {}
    /// message UploadResponse {}
    /// // Valid
    /// service UploadService { rpc Upload(UploadRequest) returns (UploadResponse); }
    /// message UploadRequest {}
    /// message UploadResponse {}
    /// ```
    pub struct RpcNoClientStreaming {
        id: "RPC_NO_CLIENT_STREAMING",
        summary: "RPCs are not client-streaming.",
        severity: Error,
        fixable: false,
    }
}

impl Rule for RpcNoClientStreaming {
    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        if method.is_client_streaming() {
            cx.report(method.path(), format!("RPC {:?} is client streaming.", method.name()));
        }
    }
}
