use std::collections::BTreeMap;

use crate::declare_rule;
use crate::lint::facts::{FileFacts, MethodFacts, WorkspaceFacts};
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption};

const EMPTY: &str = "google.protobuf.Empty";

declare_rule! {
    /// A message may be the request or response of only one RPC in the workspace,
    /// and an RPC's request and response must differ. Shared messages couple RPCs:
    /// a field added for one shows up in all. Options relax it:
    /// `allow_same_request_response` lets an RPC use one message both ways, and
    /// `allow_google_protobuf_empty_requests` / `..._responses` let any number of
    /// RPCs use `google.protobuf.Empty`. buf reports every RPC that shares a
    /// message; `report_first_use = false` (the `uber-v2` preset) reports the
    /// second and later uses only, as prototool's REQUEST_RESPONSE_TYPES_UNIQUE does.
    ///
    /// ```proto
    /// // Invalid
    /// service UserService {
    ///   rpc GetUser(User) returns (User);
    /// }
    /// message User {}
    /// // Valid
    /// service UserService {
    ///   rpc GetUser(GetUserRequest) returns (GetUserResponse);
    ///   rpc UpdateUser(UpdateUserRequest) returns (UpdateUserResponse);
    /// }
    /// message GetUserRequest {}
    /// message GetUserResponse {}
    /// message UpdateUserRequest {}
    /// message UpdateUserResponse {}
    /// ```
    pub struct RpcRequestResponseUnique {
        id: "RPC_REQUEST_RESPONSE_UNIQUE",
        summary: "Each request and response message is used by one RPC only.",
        severity: Error,
        fixable: false,
        options: [
            RuleOption {
                name: "allow_same_request_response",
                default: OptionDefault::Bool(false),
                help: "Let an RPC use one message as request and response (buf's `rpc_allow_same_request_response`).",
            },
            RuleOption {
                name: "allow_google_protobuf_empty_requests",
                default: OptionDefault::Bool(false),
                help: "Let RPCs share google.protobuf.Empty as request (buf's `rpc_allow_google_protobuf_empty_requests`).",
            },
            RuleOption {
                name: "allow_google_protobuf_empty_responses",
                default: OptionDefault::Bool(false),
                help: "Let RPCs share google.protobuf.Empty as response (buf's `rpc_allow_google_protobuf_empty_responses`).",
            },
            RuleOption {
                name: "report_first_use",
                default: OptionDefault::Bool(true),
                help: "Report every RPC using a shared message (buf); `false` reports the second and later uses only (prototool, the `uber-v2` preset).",
            },
        ],
    }
}

impl Rule for RpcRequestResponseUnique {
    fn check_facts(&self, cx: &mut Context<'_>, facts: &WorkspaceFacts) {
        let allow_same = cx.option_bool("allow_same_request_response");
        let allow_empty_requests = cx.option_bool("allow_google_protobuf_empty_requests");
        let allow_empty_responses = cx.option_bool("allow_google_protobuf_empty_responses");
        // prototool reports a shared message from its second use on; buf at every use.
        let skip_first = usize::from(!cx.option_bool("report_first_use"));
        let methods: Vec<(&FileFacts, &MethodFacts)> =
            facts.targets().iter().flat_map(|file| file.methods.iter().map(move |method| (file, method))).collect();
        if !allow_same {
            for (file, method) in &methods {
                if method.input != method.output {
                    continue;
                }
                if method.input == EMPTY && allow_empty_requests && allow_empty_responses {
                    continue;
                }
                cx.report_at(
                    file,
                    &method.site,
                    format!("RPC {:?} has the same type {:?} for the request and response.", method.name, method.input),
                );
            }
        }
        // Message → the methods using it either way (a method counts once).
        let mut users: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, (_, method)) in methods.iter().enumerate() {
            for message in [&method.input, &method.output] {
                let entry = users.entry(message.clone()).or_default();
                if entry.last() != Some(&index) {
                    entry.push(index);
                }
            }
        }
        for (message, indices) in users {
            if indices.len() < 2 {
                continue;
            }
            if message == EMPTY && (allow_empty_requests || allow_empty_responses) {
                if allow_empty_requests && allow_empty_responses {
                    continue;
                }
                // Exactly one direction is allowed to share Empty: check the other.
                let (direction, using): (&str, Vec<usize>) = if allow_empty_requests {
                    let using = indices.iter().copied().filter(|&i| methods[i].1.output == EMPTY).collect();
                    ("response", using)
                } else {
                    let using = indices.iter().copied().filter(|&i| methods[i].1.input == EMPTY).collect();
                    ("request", using)
                };
                if using.len() > 1 {
                    for i in using.into_iter().skip(skip_first) {
                        let (file, method) = &methods[i];
                        cx.report_at(
                            file,
                            &method.site,
                            format!("{message:?} is used as the {direction} for multiple RPCs."),
                        );
                    }
                }
                continue;
            }
            for i in indices.into_iter().skip(skip_first) {
                let (file, method) = &methods[i];
                cx.report_at(
                    file,
                    &method.site,
                    format!("{message:?} is used as the request or response type for multiple RPCs."),
                );
            }
        }
    }
}
