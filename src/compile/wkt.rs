//! The well-known types, built into the binary: protobuf's own sources as
//! protoc 35.1 ships them (PyPI grpcio-tools 1.85.1; BSD licensed, their headers
//! carry the licence). They always take precedence over
//! copies inside a workspace: generators and runtimes assume these exact files.

pub fn source(name: &str) -> Option<&'static str> {
    Some(match name {
        "google/protobuf/any.proto" => include_str!("wkt/google/protobuf/any.proto"),
        "google/protobuf/api.proto" => include_str!("wkt/google/protobuf/api.proto"),
        "google/protobuf/descriptor.proto" => include_str!("wkt/google/protobuf/descriptor.proto"),
        "google/protobuf/duration.proto" => include_str!("wkt/google/protobuf/duration.proto"),
        "google/protobuf/empty.proto" => include_str!("wkt/google/protobuf/empty.proto"),
        "google/protobuf/field_mask.proto" => include_str!("wkt/google/protobuf/field_mask.proto"),
        "google/protobuf/source_context.proto" => {
            include_str!("wkt/google/protobuf/source_context.proto")
        }
        "google/protobuf/struct.proto" => include_str!("wkt/google/protobuf/struct.proto"),
        "google/protobuf/timestamp.proto" => include_str!("wkt/google/protobuf/timestamp.proto"),
        "google/protobuf/type.proto" => include_str!("wkt/google/protobuf/type.proto"),
        "google/protobuf/wrappers.proto" => include_str!("wkt/google/protobuf/wrappers.proto"),
        "google/protobuf/cpp_features.proto" => {
            include_str!("wkt/google/protobuf/cpp_features.proto")
        }
        "google/protobuf/go_features.proto" => {
            include_str!("wkt/google/protobuf/go_features.proto")
        }
        "google/protobuf/java_features.proto" => {
            include_str!("wkt/google/protobuf/java_features.proto")
        }
        "google/protobuf/compiler/plugin.proto" => {
            include_str!("wkt/google/protobuf/compiler/plugin.proto")
        }
        _ => return None,
    })
}
