//! The services every mock serves besides the workspace's: gRPC server reflection
//! (v1 and v1alpha, so grpcurl, `buf curl` and Postman find the methods without
//! the protos) and the health service. Their descriptors are compiled at start-up
//! by idl's own compiler from the definitions below (the wire contracts of
//! grpc/grpc-proto's `reflection/v1/reflection.proto` and `health/v1/health.proto`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, FileDescriptor, ReflectMessage, Value};

use super::status::{Code, Status};
use crate::compile::{MemoryFiles, compile_from};

const REFLECTION_MESSAGES: &str = r#"
message ServerReflectionRequest {
  string host = 1;
  oneof message_request {
    string file_by_filename = 3;
    string file_containing_symbol = 4;
    ExtensionRequest file_containing_extension = 5;
    string all_extension_numbers_of_type = 6;
    string list_services = 7;
  }
}
message ExtensionRequest {
  string containing_type = 1;
  int32 extension_number = 2;
}
message ServerReflectionResponse {
  string valid_host = 1;
  ServerReflectionRequest original_request = 2;
  oneof message_response {
    FileDescriptorResponse file_descriptor_response = 4;
    ExtensionNumberResponse all_extension_numbers_response = 5;
    ListServiceResponse list_services_response = 6;
    ErrorResponse error_response = 7;
  }
}
message FileDescriptorResponse {
  repeated bytes file_descriptor_proto = 1;
}
message ExtensionNumberResponse {
  string base_type_name = 1;
  repeated int32 extension_number = 2;
}
message ListServiceResponse {
  repeated ServiceResponse service = 1;
}
message ServiceResponse {
  string name = 1;
}
message ErrorResponse {
  int32 error_code = 1;
  string error_message = 2;
}
service ServerReflection {
  rpc ServerReflectionInfo(stream ServerReflectionRequest) returns (stream ServerReflectionResponse);
}
"#;

const HEALTH: &str = r#"syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest {
  string service = 1;
}
message HealthCheckResponse {
  enum ServingStatus {
    UNKNOWN = 0;
    SERVING = 1;
    NOT_SERVING = 2;
    SERVICE_UNKNOWN = 3;
  }
  ServingStatus status = 1;
}
service Health {
  rpc Check(HealthCheckRequest) returns (HealthCheckResponse);
  rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);
}
"#;

/// The reflection packages served, newest first.
pub const REFLECTION_SERVICES: [&str; 2] =
    ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"];
pub const HEALTH_SERVICE: &str = "grpc.health.v1.Health";

/// The pool of the built-in services.
pub fn pool() -> DescriptorPool {
    let text =
        |package: &str| Arc::<str>::from(format!("syntax = \"proto3\";\npackage {package};\n{REFLECTION_MESSAGES}"));
    let files: BTreeMap<String, (String, Arc<str>)> = [
        ("grpc/reflection/v1/reflection.proto", text("grpc.reflection.v1")),
        ("grpc/reflection/v1alpha/reflection.proto", text("grpc.reflection.v1alpha")),
        ("grpc/health/v1/health.proto", Arc::from(HEALTH)),
    ]
    .into_iter()
    .map(|(name, text)| (name.to_string(), (name.to_string(), text)))
    .collect();
    let compilation = compile_from(&MemoryFiles { files, ..Default::default() });
    assert!(!compilation.has_errors(), "built-in service protos: {:?}", compilation.diagnostics);
    compilation.pool
}

/// Answers one reflection request from the pools the server knows.
pub fn reflect(request: &DynamicMessage, pools: &[DescriptorPool], services: &[String]) -> DynamicMessage {
    let desc = request.descriptor();
    let response_desc = desc
        .parent_pool()
        .get_message_by_name(&format!("{}.ServerReflectionResponse", desc.package_name()))
        .expect("reflection response type");
    let mut response = DynamicMessage::new(response_desc.clone());
    response.set_field_by_name(
        "valid_host",
        request.get_field_by_name("host").map(|v| v.into_owned()).unwrap_or(Value::String(String::new())),
    );
    response.set_field_by_name("original_request", Value::Message(request.clone()));
    let sub = |name: &str| {
        response_desc
            .parent_pool()
            .get_message_by_name(&format!("{}.{name}", desc.package_name()))
            .map(DynamicMessage::new)
            .expect("reflection message type")
    };
    let string = |name: &str| match request.get_field_by_name(name).as_deref() {
        Some(Value::String(s)) if request.has_field_by_name(name) => Some(s.clone()),
        _ => None,
    };
    let files = |result: Result<Vec<FileDescriptor>, String>| match result {
        Ok(files) => {
            let mut message = sub("FileDescriptorResponse");
            let protos: Vec<Value> =
                files.iter().map(|f| Value::Bytes(f.file_descriptor_proto().encode_to_vec().into())).collect();
            message.set_field_by_name("file_descriptor_proto", Value::List(protos));
            ("file_descriptor_response", message)
        }
        Err(message) => ("error_response", error(sub("ErrorResponse"), Code::NotFound, &message)),
    };
    let (field, message) = if let Some(name) = string("file_by_filename") {
        let file = pools.iter().find_map(|p| p.get_file_by_name(&name));
        files(file.map(with_dependencies).ok_or_else(|| format!("file not found: {name}")))
    } else if let Some(symbol) = string("file_containing_symbol") {
        files(
            file_of_symbol(pools, &symbol).map(with_dependencies).ok_or_else(|| format!("symbol not found: {symbol}")),
        )
    } else if request.has_field_by_name("file_containing_extension") {
        let extension = request.get_field_by_name("file_containing_extension");
        let ext = extension.as_deref().and_then(Value::as_message);
        let containing =
            ext.and_then(|m| m.get_field_by_name("containing_type")).and_then(|v| v.as_str().map(str::to_string));
        let number = ext.and_then(|m| m.get_field_by_name("extension_number")).and_then(|v| v.as_i32());
        let found = pools.iter().find_map(|pool| {
            let containing = containing.as_deref()?;
            pool.get_message_by_name(containing)?
                .extensions()
                .find(|e| Some(e.number() as i32) == number)
                .map(|e| e.parent_file())
        });
        files(found.map(with_dependencies).ok_or_else(|| "extension not found".to_string()))
    } else if let Some(type_name) = string("all_extension_numbers_of_type") {
        match pools.iter().find_map(|p| p.get_message_by_name(&type_name)) {
            Some(message_desc) => {
                let mut message = sub("ExtensionNumberResponse");
                message.set_field_by_name("base_type_name", Value::String(type_name));
                let mut numbers: Vec<i32> = message_desc.extensions().map(|e| e.number() as i32).collect();
                numbers.sort_unstable();
                message
                    .set_field_by_name("extension_number", Value::List(numbers.into_iter().map(Value::I32).collect()));
                ("all_extension_numbers_response", message)
            }
            None => {
                ("error_response", error(sub("ErrorResponse"), Code::NotFound, &format!("type not found: {type_name}")))
            }
        }
    } else if request.has_field_by_name("list_services") {
        let mut message = sub("ListServiceResponse");
        let entries: Vec<Value> = services
            .iter()
            .map(|name| {
                let mut entry = sub("ServiceResponse");
                entry.set_field_by_name("name", Value::String(name.clone()));
                Value::Message(entry)
            })
            .collect();
        message.set_field_by_name("service", Value::List(entries));
        ("list_services_response", message)
    } else {
        ("error_response", error(sub("ErrorResponse"), Code::InvalidArgument, "empty reflection request"))
    };
    response.set_field_by_name(field, Value::Message(message));
    response
}

fn error(mut message: DynamicMessage, code: Code, text: &str) -> DynamicMessage {
    message.set_field_by_name("error_code", Value::I32(code as i32));
    message.set_field_by_name("error_message", Value::String(text.to_string()));
    message
}

/// The file defining a symbol: a package-level type or service, a method, a
/// field or enum value (by its parent), an extension.
fn file_of_symbol(pools: &[DescriptorPool], symbol: &str) -> Option<FileDescriptor> {
    pools.iter().find_map(|pool| {
        let direct = pool
            .get_message_by_name(symbol)
            .map(|m| m.parent_file())
            .or_else(|| pool.get_enum_by_name(symbol).map(|e| e.parent_file()))
            .or_else(|| pool.get_service_by_name(symbol).map(|s| s.parent_file()))
            .or_else(|| pool.get_extension_by_name(symbol).map(|e| e.parent_file()));
        direct.or_else(|| {
            let (parent, _) = symbol.rsplit_once('.')?;
            pool.get_service_by_name(parent)
                .map(|s| s.parent_file())
                .or_else(|| pool.get_message_by_name(parent).map(|m| m.parent_file()))
                .or_else(|| pool.get_enum_by_name(parent).map(|e| e.parent_file()))
        })
    })
}

/// `file` and everything it imports, dependencies first (what clients need to
/// build a descriptor set without asking again).
fn with_dependencies(file: FileDescriptor) -> Vec<FileDescriptor> {
    fn visit(file: FileDescriptor, seen: &mut BTreeSet<String>, out: &mut Vec<FileDescriptor>) {
        if !seen.insert(file.name().to_string()) {
            return;
        }
        for dependency in file.dependencies() {
            visit(dependency, seen, out);
        }
        out.push(file);
    }
    let mut out = Vec::new();
    visit(file, &mut BTreeSet::new(), &mut out);
    // The requested file first, as grpc-go's server sends it.
    out.rotate_right(1);
    out
}

/// `Health.Check`: SERVING for the whole server (`""`) and every served service.
pub fn health(request: &DynamicMessage, services: &[String]) -> Result<DynamicMessage, Status> {
    let service = request.get_field_by_name("service").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    if !service.is_empty() && !services.contains(&service) {
        return Err(Status::new(Code::NotFound, format!("unknown service {service}")));
    }
    let desc = request
        .descriptor()
        .parent_pool()
        .get_message_by_name("grpc.health.v1.HealthCheckResponse")
        .expect("health response type");
    let mut response = DynamicMessage::new(desc);
    response.set_field_by_name("status", Value::EnumNumber(1));
    Ok(response)
}
