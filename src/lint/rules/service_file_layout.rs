use prost_reflect::{FileDescriptor, MethodDescriptor, ServiceDescriptor};

use crate::declare_rule;
use crate::lint::casing::to_lower_snake_case;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption, child_path, name_path};

/// `MethodDescriptorProto.input_type` and `output_type`.
const INPUT_TYPE_FIELD: i32 = 2;
const OUTPUT_TYPE_FIELD: i32 = 3;

declare_rule! {
    /// The Uber V2 file layout for services (prototool's
    /// SERVICE_NAMES_MATCH_FILE_NAME and REQUEST_RESPONSE_TYPES_IN_SAME_FILE): a
    /// file declares at most one service; it is named after that service in
    /// lower_snake_case (`TripAPI` in `trip_api.proto`); and every RPC's request
    /// and response are top-level messages of that same file. With prototool's
    /// REQUEST_RESPONSE_TYPES_AFTER_SERVICE, each request and response is defined
    /// after its RPC, and a response after its request; with
    /// REQUEST_RESPONSE_TYPES_ONLY_IN_FILE (`only_request_response_in_file`,
    /// off by default: `idl new` writes a service's resource message and error
    /// enum next to it), a file with RPCs holds no other top-level message and
    /// no top-level enum. In a file with several services every one of them is
    /// reported. Each check can be turned off by its option.
    ///
    /// ```proto
    /// // Invalid
    /// // File: acme/trip/v1/trip.proto
    /// syntax = "proto3";
    /// package acme.trip.v1;
    /// service TripAPI {
    ///   rpc GetTrip(GetTripRequest) returns (GetTripResponse);
    /// }
    /// message GetTripRequest {}
    /// message GetTripResponse {}
    /// // Valid
    /// // File: acme/trip/v1/trip_api.proto
    /// syntax = "proto3";
    /// package acme.trip.v1;
    /// service TripAPI {
    ///   rpc GetTrip(GetTripRequest) returns (GetTripResponse);
    /// }
    /// message GetTripRequest {}
    /// message GetTripResponse {}
    /// ```
    pub struct ServiceFileLayout {
        id: "SERVICE_FILE_LAYOUT",
        summary: "One service per file, named after it, with its requests and responses.",
        severity: Error,
        fixable: false,
        options: [
            RuleOption {
                name: "one_service_per_file",
                default: OptionDefault::Bool(true),
                help: "A file declares at most one service.",
            },
            RuleOption {
                name: "file_named_after_service",
                default: OptionDefault::Bool(true),
                help: "A service's file is named lower_snake_case(service name).proto.",
            },
            RuleOption {
                name: "request_response_in_file",
                default: OptionDefault::Bool(true),
                help: "Every RPC's request and response are top-level messages of the service's file.",
            },
            RuleOption {
                name: "request_response_after_service",
                default: OptionDefault::Bool(true),
                help: "Requests and responses come after their RPC, a response after its request (prototool's REQUEST_RESPONSE_TYPES_AFTER_SERVICE).",
            },
            RuleOption {
                name: "only_request_response_in_file",
                default: OptionDefault::Bool(false),
                help: "A file with RPCs has no other top-level messages and no top-level enums (prototool's REQUEST_RESPONSE_TYPES_ONLY_IN_FILE).",
            },
        ],
    }
}

/// The byte offset where the element at `path` starts, for order checks.
fn start(cx: &Context<'_>, path: &[i32]) -> Option<u32> {
    cx.location(path).map(|location| location.start)
}

impl Rule for ServiceFileLayout {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let methods: Vec<MethodDescriptor> = file.services().flat_map(|s| s.methods().collect::<Vec<_>>()).collect();
        if methods.is_empty() {
            return;
        }
        let here = |m: &prost_reflect::MessageDescriptor| m.parent_file() == *file && m.parent_message().is_none();
        if cx.option_bool("request_response_after_service") {
            for method in &methods {
                let (request, response) = (method.input(), method.output());
                let Some(rpc_at) = start(cx, method.path()) else { continue };
                let request_at = here(&request).then(|| start(cx, request.path())).flatten();
                let response_at = here(&response).then(|| start(cx, response.path())).flatten();
                if request_at.is_some_and(|at| at < rpc_at) {
                    let message = format!(
                        "Message {:?} is a request for RPC {:?} and should be defined in the file after the RPC.",
                        request.name(),
                        method.name()
                    );
                    cx.report(&name_path(request.path()), message);
                }
                if response_at.is_some_and(|at| at < rpc_at) {
                    let message = format!(
                        "Message {:?} is a response for RPC {:?} and should be defined in the file after the RPC.",
                        response.name(),
                        method.name()
                    );
                    cx.report(&name_path(response.path()), message);
                }
                if let (Some(request_at), Some(response_at)) = (request_at, response_at)
                    && request_at > response_at
                {
                    let message = format!(
                        "Message {:?} is a response for RPC {:?} and should be defined in the file after the request {:?}.",
                        response.name(),
                        method.name(),
                        request.name()
                    );
                    cx.report(&name_path(response.path()), message);
                }
            }
        }
        if cx.option_bool("only_request_response_in_file") {
            let used: Vec<String> = methods
                .iter()
                .flat_map(|m| [m.input().full_name().to_string(), m.output().full_name().to_string()])
                .collect();
            for e in file.enums() {
                let message =
                    format!("Enum {:?} is in the same file as a service and should be in a separate file.", e.name());
                cx.report(&name_path(e.path()), message);
            }
            for m in file.messages().filter(|m| !used.iter().any(|u| u == m.full_name())) {
                let message = format!(
                    "Message {:?} is not a request or response of any service in this file and should be in a separate file.",
                    m.name()
                );
                cx.report(&name_path(m.path()), message);
            }
        }
    }

    fn check_service(&self, cx: &mut Context<'_>, service: &ServiceDescriptor) {
        let file = service.parent_file();
        let name = service.name();
        let services: Vec<String> = file.services().map(|s| format!("{:?}", s.name())).collect();
        if cx.option_bool("one_service_per_file") && services.len() > 1 {
            cx.report(
                &name_path(service.path()),
                format!(
                    "Service {name:?} should be in a file of its own; this file declares {} services ({}).",
                    services.len(),
                    services.join(", ")
                ),
            );
        }
        let expected = format!("{}.proto", to_lower_snake_case(name));
        let base = file.name().rsplit('/').next().unwrap_or_default();
        if cx.option_bool("file_named_after_service") && base != expected {
            cx.report(&name_path(service.path()), format!("Service {name:?} should be in a file named {expected:?}."));
        }
    }

    fn check_method(&self, cx: &mut Context<'_>, method: &MethodDescriptor) {
        if !cx.option_bool("request_response_in_file") {
            return;
        }
        let file = method.parent_service().parent_file();
        for (field, kind, message) in
            [(INPUT_TYPE_FIELD, "Request", method.input()), (OUTPUT_TYPE_FIELD, "Response", method.output())]
        {
            let top_level_here = message.parent_file() == file && message.parent_message().is_none();
            if !top_level_here {
                cx.report(
                    &child_path(method.path(), &[field]),
                    format!(
                        "{kind} type {:?} of RPC {:?} should be a top-level message of this file.",
                        message.full_name(),
                        method.name()
                    ),
                );
            }
        }
    }
}
