//! The breaking rules, one static per rule (declared with [`breaking_rule!`]),
//! grouped by the element they compare; [`RULES`] is the registry, sorted by ID.

mod api;
mod enums;
mod errors;
mod fields;
mod files;
mod messages;
mod packages;
mod services;
mod support;

use super::rule::BreakingRule;

/// Every rule, sorted by ID.
pub static RULES: &[&BreakingRule] = &[
    &api::API_FIELD_BEHAVIOR_IMMUTABLE_ADDED,
    &api::API_FIELD_BEHAVIOR_OUTPUT_ONLY_REMOVED,
    &api::API_FIELD_BEHAVIOR_REQUIRED_ADDED,
    &api::API_HTTP_NO_DELETE,
    &api::API_HTTP_SAME_BODY,
    &api::API_HTTP_SAME_PATH,
    &api::API_HTTP_SAME_RESPONSE_BODY,
    &api::API_HTTP_SAME_VERB,
    &api::API_RPC_IDEMPOTENCY_WEAKENED,
    &enums::ENUM_NO_DELETE,
    &enums::ENUM_SAME_JSON_FORMAT,
    &enums::ENUM_SAME_TYPE,
    &enums::ENUM_VALUE_NO_DELETE,
    &enums::ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED,
    &enums::ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED,
    &enums::ENUM_VALUE_SAME_NAME,
    &errors::ERRORS_NO_DELETE,
    &errors::ERRORS_SAME_BUSINESS_CODE,
    &errors::ERRORS_SAME_GRPC_CODE,
    &errors::ERRORS_SAME_HTTP_STATUS,
    &errors::ERRORS_SAME_REASON,
    &messages::EXTENSION_MESSAGE_NO_DELETE,
    &messages::EXTENSION_NO_DELETE,
    &messages::FIELD_NO_DELETE,
    &messages::FIELD_NO_DELETE_UNLESS_NAME_RESERVED,
    &messages::FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED,
    &fields::FIELD_SAME_CARDINALITY,
    &fields::FIELD_SAME_CPP_STRING_TYPE,
    &fields::FIELD_SAME_DEFAULT,
    &fields::FIELD_SAME_JAVA_UTF8_VALIDATION,
    &fields::FIELD_SAME_JSON_NAME,
    &fields::FIELD_SAME_JSTYPE,
    &fields::FIELD_SAME_NAME,
    &fields::FIELD_SAME_ONEOF,
    &fields::FIELD_SAME_TYPE,
    &fields::FIELD_SAME_UTF8_VALIDATION,
    &fields::FIELD_WIRE_COMPATIBLE_CARDINALITY,
    &fields::FIELD_WIRE_COMPATIBLE_TYPE,
    &fields::FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY,
    &fields::FIELD_WIRE_JSON_COMPATIBLE_TYPE,
    &files::FILE_NO_DELETE,
    &files::FILE_SAME_CC_ENABLE_ARENAS,
    &files::FILE_SAME_CC_GENERIC_SERVICES,
    &files::FILE_SAME_CSHARP_NAMESPACE,
    &files::FILE_SAME_GO_PACKAGE,
    &files::FILE_SAME_JAVA_GENERIC_SERVICES,
    &files::FILE_SAME_JAVA_MULTIPLE_FILES,
    &files::FILE_SAME_JAVA_OUTER_CLASSNAME,
    &files::FILE_SAME_JAVA_PACKAGE,
    &files::FILE_SAME_OBJC_CLASS_PREFIX,
    &files::FILE_SAME_OPTIMIZE_FOR,
    &files::FILE_SAME_PACKAGE,
    &files::FILE_SAME_PHP_CLASS_PREFIX,
    &files::FILE_SAME_PHP_METADATA_NAMESPACE,
    &files::FILE_SAME_PHP_NAMESPACE,
    &files::FILE_SAME_PY_GENERIC_SERVICES,
    &files::FILE_SAME_RUBY_PACKAGE,
    &files::FILE_SAME_SWIFT_PREFIX,
    &files::FILE_SAME_SYNTAX,
    &messages::MESSAGE_NO_DELETE,
    &messages::MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR,
    &messages::MESSAGE_SAME_JSON_FORMAT,
    &messages::MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT,
    &messages::MESSAGE_SAME_REQUIRED_FIELDS,
    &messages::ONEOF_NO_DELETE,
    &packages::PACKAGE_ENUM_NO_DELETE,
    &packages::PACKAGE_EXTENSION_NO_DELETE,
    &packages::PACKAGE_MESSAGE_NO_DELETE,
    &packages::PACKAGE_NO_DELETE,
    &packages::PACKAGE_SERVICE_NO_DELETE,
    &enums::RESERVED_ENUM_NO_DELETE,
    &messages::RESERVED_MESSAGE_NO_DELETE,
    &services::RPC_NO_DELETE,
    &services::RPC_SAME_CLIENT_STREAMING,
    &services::RPC_SAME_IDEMPOTENCY_LEVEL,
    &services::RPC_SAME_REQUEST_TYPE,
    &services::RPC_SAME_RESPONSE_TYPE,
    &services::RPC_SAME_SERVER_STREAMING,
    &services::SERVICE_NO_DELETE,
];

/// A rule by ID.
pub fn find(id: &str) -> Option<&'static BreakingRule> {
    RULES.iter().copied().find(|r| r.id == id)
}
