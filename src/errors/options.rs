//! idl's own error annotations: the `idl/errors.proto` that `idl errors --init`
//! writes into a workspace, and the option names extraction reads.
//!
//! The field numbers sit in 50000–99999, the range protobuf leaves to an
//! organisation's internal use, so they never collide with Kratos' 1108/1109 or a
//! registered extension. Extraction matches the options by full name only: numbers
//! in that range mean different things in different organisations.

/// Where `--init` writes the file, relative to the first root; also its import name.
pub const IMPORT_NAME: &str = "idl/errors.proto";

/// `(idl.errors.biz_code)` on an enum value: its numeric business code.
pub const BIZ_CODE: &str = "idl.errors.biz_code";
/// `(idl.errors.metadata_keys)` on an enum value: the ErrorInfo metadata keys it carries.
pub const METADATA_KEYS: &str = "idl.errors.metadata_keys";
/// `(idl.errors.domain)` on an enum: the ErrorInfo domain of its errors.
pub const DOMAIN: &str = "idl.errors.domain";

/// The file `idl errors --init` writes.
pub const ERRORS_PROTO: &str = r#"// Error annotations read by `idl errors` (written by `idl errors --init`).
//
// Use them on business-error enums next to Kratos' (errors.code) or Ego's @code=:
//
//   import "idl/errors.proto";
//
//   enum ErrorReason {
//     option (idl.errors.domain) = "user.acme.com";
//     // The user does not exist.
//     USER_NOT_FOUND = 1 [
//       (idl.errors.biz_code) = 101001001,
//       (idl.errors.metadata_keys) = "user_id"
//     ];
//   }
//
// The field numbers are in 50000-99999, the range protobuf leaves to an
// organisation's internal use. idl reads these options by full name.
syntax = "proto3";

package idl.errors;

import "google/protobuf/descriptor.proto";

option go_package = "idl.dev/errors;errors";

extend google.protobuf.EnumValueOptions {
  // The error's numeric business code, e.g. 101001001 (project 101, service
  // 001, error 001 under a PPPSSSEEE scheme). Unique across the platform.
  int32 biz_code = 50701;
  // Keys of google.rpc.ErrorInfo.metadata the error carries. Keys match
  // [a-zA-Z0-9-_]+ and have at most 64 characters.
  repeated string metadata_keys = 50702;
}

extend google.protobuf.EnumOptions {
  // The google.rpc.ErrorInfo domain of the enum's errors, e.g. "user.acme.com".
  string domain = 50703;
}
"#;
