use prost_reflect::{MethodDescriptor, ServiceDescriptor};

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
    /// and response are top-level messages of that same file. Each check can be
    /// turned off by its option.
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
        ],
    }
}

impl Rule for ServiceFileLayout {
    fn check_service(&self, cx: &mut Context<'_>, service: &ServiceDescriptor) {
        let file = service.parent_file();
        let name = service.name();
        let first = file.services().next().map(|first| first.name().to_string()).unwrap_or_default();
        if cx.option_bool("one_service_per_file") && first != name {
            cx.report(
                &name_path(service.path()),
                format!("Service {name:?} should be in a file of its own; this file already declares {first:?}."),
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
