//! Service and RPC rules.

use crate::breaking::Pairs;
use crate::breaking::rule::{Findings, at, at_file_start, sub};
use crate::breaking_rule;

breaking_rule! {
    /// Services are not deleted from a file.
    ///
    /// Reported at line 1, column 1 of the file, as buf does; a note says where the
    /// service was in the base.
    pub static SERVICE_NO_DELETE = "SERVICE_NO_DELETE", [FILE] => service_no_delete;
}

fn service_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.files {
        let head_names: Vec<String> = head.desc.services().map(|s| s.name().to_string()).collect();
        for service in base.desc.services() {
            if !head_names.iter().any(|n| n == service.name()) {
                let message = format!("Previously present service {:?} was deleted from file.", service.name());
                out.report(at_file_start(head, base, service.path()), Some(head), message);
            }
        }
    }
}

breaking_rule! {
    /// RPCs are not deleted from a service.
    pub static RPC_NO_DELETE = "RPC_NO_DELETE", [FILE, PACKAGE] => rpc_no_delete;
}

fn rpc_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.services {
        let head_file = pairs.head_file(&head.parent_file());
        for method in base.methods() {
            if !head.methods().any(|m| m.name() == method.name()) {
                let message =
                    format!("Previously present RPC {:?} on service {:?} was deleted.", method.name(), head.name());
                out.report(at(head_file, head.path()), Some(pairs.base_file(&base.parent_file())), message);
            }
        }
    }
}

breaking_rule! {
    /// RPCs keep their request type.
    pub static RPC_SAME_REQUEST_TYPE = "RPC_SAME_REQUEST_TYPE", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => rpc_same_request_type;
}

fn rpc_same_request_type(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.methods {
        let (b, h) = (base.input(), head.input());
        if b.full_name() != h.full_name() {
            let message = format!(
                "RPC {:?} on service {:?} changed request type from {:?} to {:?}.",
                head.name(),
                head.parent_service().name(),
                b.full_name(),
                h.full_name()
            );
            let file = pairs.head_file(&head.parent_file());
            out.report(at(file, &sub(head.path(), &[2])), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}

breaking_rule! {
    /// RPCs keep their response type.
    pub static RPC_SAME_RESPONSE_TYPE = "RPC_SAME_RESPONSE_TYPE", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => rpc_same_response_type;
}

fn rpc_same_response_type(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.methods {
        let (b, h) = (base.output(), head.output());
        if b.full_name() != h.full_name() {
            let message = format!(
                "RPC {:?} on service {:?} changed response type from {:?} to {:?}.",
                head.name(),
                head.parent_service().name(),
                b.full_name(),
                h.full_name()
            );
            let file = pairs.head_file(&head.parent_file());
            out.report(at(file, &sub(head.path(), &[3])), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}

fn streaming(pairs: &Pairs<'_>, out: &mut Findings, side: &str, get: fn(&prost_reflect::MethodDescriptor) -> bool) {
    for (base, head) in &pairs.methods {
        if get(base) != get(head) {
            let (from, to) = if get(head) { ("unary", "streaming") } else { ("streaming", "unary") };
            let message = format!(
                "RPC {:?} on service {:?} changed from {side} {from} to {side} {to}.",
                head.name(),
                head.parent_service().name()
            );
            let file = pairs.head_file(&head.parent_file());
            out.report(at(file, head.path()), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}

breaking_rule! {
    /// RPCs keep their client streaming.
    pub static RPC_SAME_CLIENT_STREAMING = "RPC_SAME_CLIENT_STREAMING", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => rpc_same_client_streaming;
}

fn rpc_same_client_streaming(pairs: &Pairs<'_>, out: &mut Findings) {
    streaming(pairs, out, "client", |m| m.is_client_streaming());
}

breaking_rule! {
    /// RPCs keep their server streaming.
    pub static RPC_SAME_SERVER_STREAMING = "RPC_SAME_SERVER_STREAMING", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => rpc_same_server_streaming;
}

fn rpc_same_server_streaming(pairs: &Pairs<'_>, out: &mut Findings) {
    streaming(pairs, out, "server", |m| m.is_server_streaming());
}

breaking_rule! {
    /// RPCs keep their `idempotency_level` option.
    pub static RPC_SAME_IDEMPOTENCY_LEVEL = "RPC_SAME_IDEMPOTENCY_LEVEL", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => rpc_same_idempotency_level;
}

fn rpc_same_idempotency_level(pairs: &Pairs<'_>, out: &mut Findings) {
    let level =
        |m: &prost_reflect::MethodDescriptor| m.typed_options().map(|o| o.idempotency_level()).unwrap_or_default();
    for (base, head) in &pairs.methods {
        let (b, h) = (level(base), level(head));
        if b != h {
            let message = format!(
                "RPC {:?} on service {:?} changed option \"idempotency_level\" from {:?} to {:?}.",
                head.name(),
                head.parent_service().name(),
                b.as_str_name(),
                h.as_str_name()
            );
            let file = pairs.head_file(&head.parent_file());
            out.report(at(file, &sub(head.path(), &[4, 34])), Some(pairs.base_file(&base.parent_file())), message);
        }
    }
}
