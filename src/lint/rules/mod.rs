//! The registry: every rule, one line each, sorted by rule ID.

use crate::lint::rule::Rule;

mod comment_enum;
mod comment_enum_value;
mod comment_field;
mod comment_message;
mod comment_oneof;
mod comment_rpc;
mod comment_service;
mod comments_no_c_style;
mod comments_no_inline;
mod directory_same_package;
mod enum_first_value_zero;
mod enum_no_allow_alias;
mod enum_pascal_case;
mod enum_value_numbering;
mod enum_value_prefix;
mod enum_value_upper_snake_case;
mod enum_zero_value_suffix;
mod errors_code_range;
mod errors_duplicate_code;
mod errors_duplicate_reason;
mod errors_duplicate_value;
mod errors_invalid_grpc_code;
mod errors_metadata_key;
mod errors_missing_code;
mod errors_missing_comment;
mod errors_missing_translation;
mod errors_reason_format;
mod errors_unknown_http_status;
mod errors_unmapped_status;
mod errors_zero_value;
mod field_lower_snake_case;
mod field_name_filename;
mod field_name_no_accessor_collision;
mod field_no_descriptor;
mod field_no_json_name;
mod field_not_required;
mod field_number_bands;
mod field_number_valid;
mod file_element_order;
mod file_lower_snake_case;
mod file_option_value;
mod file_options_sorted;
mod formatted;
mod http_body_field;
mod http_delete_no_body;
mod http_get_no_body;
mod http_path_double_wildcard_last;
mod http_path_template_valid;
mod http_path_variable_field;
mod http_route_unique;
mod http_verb_matches_rpc;
mod identifier_underscore_style;
mod import_no_public;
mod import_no_weak;
mod import_used;
mod imports_sorted;
mod indent;
mod max_line_length;
mod message_pascal_case;
mod name_no_language_keyword;
mod names_no_banned_words;
mod no_groups;
mod no_reserved;
mod oneof_lower_snake_case;
mod package_defined;
mod package_directory_match;
mod package_lower_case;
mod package_lower_snake_case;
mod package_no_import_cycle;
mod package_no_keywords;
mod package_same_csharp_namespace;
mod package_same_directory;
mod package_same_go_package;
mod package_same_java_multiple_files;
mod package_same_java_package;
mod package_same_php_namespace;
mod package_same_ruby_package;
mod package_same_swift_prefix;
mod package_version_suffix;
mod protovalidate;
mod repeated_field_names_pluralized;
mod rpc_no_client_streaming;
mod rpc_no_server_streaming;
mod rpc_pascal_case;
mod rpc_request_response_unique;
mod rpc_request_standard_name;
mod rpc_response_standard_name;
mod service_file_layout;
mod service_pascal_case;
mod service_suffix;
mod stable_package_no_import_unstable;
mod syntax_proto3;
mod syntax_specified;
mod unused_ignore;
mod wkt_field_name_suffix;

/// Every rule idl implements, sorted by ID (a test keeps it sorted).
pub static RULES: &[&dyn Rule] = &[
    &comments_no_c_style::CommentsNoCStyle,
    &comments_no_inline::CommentsNoInline,
    &comment_enum::CommentEnum,
    &comment_enum_value::CommentEnumValue,
    &comment_field::CommentField,
    &comment_message::CommentMessage,
    &comment_oneof::CommentOneof,
    &comment_rpc::CommentRpc,
    &comment_service::CommentService,
    &directory_same_package::DirectorySamePackage,
    &enum_first_value_zero::EnumFirstValueZero,
    &enum_no_allow_alias::EnumNoAllowAlias,
    &enum_pascal_case::EnumPascalCase,
    &enum_value_numbering::EnumValueNumbering,
    &enum_value_prefix::EnumValuePrefix,
    &enum_value_upper_snake_case::EnumValueUpperSnakeCase,
    &enum_zero_value_suffix::EnumZeroValueSuffix,
    &errors_code_range::ErrorsCodeRange,
    &errors_duplicate_code::ErrorsDuplicateCode,
    &errors_duplicate_reason::ErrorsDuplicateReason,
    &errors_duplicate_value::ErrorsDuplicateValue,
    &errors_invalid_grpc_code::ErrorsInvalidGrpcCode,
    &errors_metadata_key::ErrorsMetadataKey,
    &errors_missing_code::ErrorsMissingCode,
    &errors_missing_comment::ErrorsMissingComment,
    &errors_missing_translation::ErrorsMissingTranslation,
    &errors_reason_format::ErrorsReasonFormat,
    &errors_unknown_http_status::ErrorsUnknownHttpStatus,
    &errors_unmapped_status::ErrorsUnmappedStatus,
    &errors_zero_value::ErrorsZeroValue,
    &field_lower_snake_case::FieldLowerSnakeCase,
    &field_name_filename::FieldNameFilename,
    &field_name_no_accessor_collision::FieldNameNoAccessorCollision,
    &field_not_required::FieldNotRequired,
    &field_no_descriptor::FieldNoDescriptor,
    &field_no_json_name::FieldNoJsonName,
    &field_number_bands::FieldNumberBands,
    &field_number_valid::FieldNumberValid,
    &file_element_order::FileElementOrder,
    &file_lower_snake_case::FileLowerSnakeCase,
    &file_options_sorted::FileOptionsSorted,
    &file_option_value::FileOptionValue,
    &formatted::Formatted,
    &http_body_field::HttpBodyField,
    &http_delete_no_body::HttpDeleteNoBody,
    &http_get_no_body::HttpGetNoBody,
    &http_path_double_wildcard_last::HttpPathDoubleWildcardLast,
    &http_path_template_valid::HttpPathTemplateValid,
    &http_path_variable_field::HttpPathVariableField,
    &http_route_unique::HttpRouteUnique,
    &http_verb_matches_rpc::HttpVerbMatchesRpc,
    &identifier_underscore_style::IdentifierUnderscoreStyle,
    &imports_sorted::ImportsSorted,
    &import_no_public::ImportNoPublic,
    &import_no_weak::ImportNoWeak,
    &import_used::ImportUsed,
    &indent::Indent,
    &max_line_length::MaxLineLength,
    &message_pascal_case::MessagePascalCase,
    &names_no_banned_words::NamesNoBannedWords,
    &name_no_language_keyword::NameNoLanguageKeyword,
    &no_groups::NoGroups,
    &no_reserved::NoReserved,
    &oneof_lower_snake_case::OneofLowerSnakeCase,
    &package_defined::PackageDefined,
    &package_directory_match::PackageDirectoryMatch,
    &package_lower_case::PackageLowerCase,
    &package_lower_snake_case::PackageLowerSnakeCase,
    &package_no_import_cycle::PackageNoImportCycle,
    &package_no_keywords::PackageNoKeywords,
    &package_same_csharp_namespace::PackageSameCsharpNamespace,
    &package_same_directory::PackageSameDirectory,
    &package_same_go_package::PackageSameGoPackage,
    &package_same_java_multiple_files::PackageSameJavaMultipleFiles,
    &package_same_java_package::PackageSameJavaPackage,
    &package_same_php_namespace::PackageSamePhpNamespace,
    &package_same_ruby_package::PackageSameRubyPackage,
    &package_same_swift_prefix::PackageSameSwiftPrefix,
    &package_version_suffix::PackageVersionSuffix,
    &protovalidate::Protovalidate,
    &repeated_field_names_pluralized::RepeatedFieldNamesPluralized,
    &rpc_no_client_streaming::RpcNoClientStreaming,
    &rpc_no_server_streaming::RpcNoServerStreaming,
    &rpc_pascal_case::RpcPascalCase,
    &rpc_request_response_unique::RpcRequestResponseUnique,
    &rpc_request_standard_name::RpcRequestStandardName,
    &rpc_response_standard_name::RpcResponseStandardName,
    &service_file_layout::ServiceFileLayout,
    &service_pascal_case::ServicePascalCase,
    &service_suffix::ServiceSuffix,
    &stable_package_no_import_unstable::StablePackageNoImportUnstable,
    &syntax_proto3::SyntaxProto3,
    &syntax_specified::SyntaxSpecified,
    &unused_ignore::UnusedIgnore,
    &wkt_field_name_suffix::WktFieldNameSuffix,
];

/// The ID of the rule the engine checks from ignore comments.
pub const UNUSED_IGNORE: &str = "UNUSED_IGNORE";

/// The rule with this ID.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES.binary_search_by(|rule| rule.meta().id.cmp(id)).ok().map(|index| RULES[index])
}
