//! `descriptor.proto` message types as idl emits them.
//!
//! prost-types 0.14 predates editions (no `edition`, `visibility`,
//! `option_dependency`), and decoding options into its typed structs would drop
//! custom options. These types cover today's descriptor.proto and keep every
//! options message as its encoded bytes, so nothing is lost on the way through.

use prost::Message;

#[derive(Clone, PartialEq, Message)]
pub struct FileDescriptorSet {
    #[prost(message, repeated, tag = "1")]
    pub file: Vec<FileDescriptorProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct FileDescriptorProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub package: Option<String>,
    #[prost(string, repeated, tag = "3")]
    pub dependency: Vec<String>,
    #[prost(int32, repeated, packed = "false", tag = "10")]
    pub public_dependency: Vec<i32>,
    #[prost(int32, repeated, packed = "false", tag = "11")]
    pub weak_dependency: Vec<i32>,
    #[prost(string, repeated, tag = "15")]
    pub option_dependency: Vec<String>,
    #[prost(message, repeated, tag = "4")]
    pub message_type: Vec<DescriptorProto>,
    #[prost(message, repeated, tag = "5")]
    pub enum_type: Vec<EnumDescriptorProto>,
    #[prost(message, repeated, tag = "6")]
    pub service: Vec<ServiceDescriptorProto>,
    #[prost(message, repeated, tag = "7")]
    pub extension: Vec<FieldDescriptorProto>,
    /// Encoded `FileOptions`.
    #[prost(bytes = "vec", optional, tag = "8")]
    pub options: Option<Vec<u8>>,
    #[prost(message, optional, tag = "9")]
    pub source_code_info: Option<SourceCodeInfo>,
    #[prost(string, optional, tag = "12")]
    pub syntax: Option<String>,
    #[prost(int32, optional, tag = "14")]
    pub edition: Option<i32>,
}

#[derive(Clone, PartialEq, Message)]
pub struct DescriptorProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(message, repeated, tag = "2")]
    pub field: Vec<FieldDescriptorProto>,
    #[prost(message, repeated, tag = "6")]
    pub extension: Vec<FieldDescriptorProto>,
    #[prost(message, repeated, tag = "3")]
    pub nested_type: Vec<DescriptorProto>,
    #[prost(message, repeated, tag = "4")]
    pub enum_type: Vec<EnumDescriptorProto>,
    #[prost(message, repeated, tag = "5")]
    pub extension_range: Vec<ExtensionRange>,
    #[prost(message, repeated, tag = "8")]
    pub oneof_decl: Vec<OneofDescriptorProto>,
    #[prost(bytes = "vec", optional, tag = "7")]
    pub options: Option<Vec<u8>>,
    #[prost(message, repeated, tag = "9")]
    pub reserved_range: Vec<ReservedRange>,
    #[prost(string, repeated, tag = "10")]
    pub reserved_name: Vec<String>,
    #[prost(int32, optional, tag = "11")]
    pub visibility: Option<i32>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ExtensionRange {
    #[prost(int32, optional, tag = "1")]
    pub start: Option<i32>,
    #[prost(int32, optional, tag = "2")]
    pub end: Option<i32>,
    #[prost(bytes = "vec", optional, tag = "3")]
    pub options: Option<Vec<u8>>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ReservedRange {
    #[prost(int32, optional, tag = "1")]
    pub start: Option<i32>,
    #[prost(int32, optional, tag = "2")]
    pub end: Option<i32>,
}

#[derive(Clone, PartialEq, Message)]
pub struct FieldDescriptorProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(int32, optional, tag = "3")]
    pub number: Option<i32>,
    #[prost(int32, optional, tag = "4")]
    pub label: Option<i32>,
    #[prost(int32, optional, tag = "5")]
    pub r#type: Option<i32>,
    #[prost(string, optional, tag = "6")]
    pub type_name: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub extendee: Option<String>,
    #[prost(string, optional, tag = "7")]
    pub default_value: Option<String>,
    #[prost(int32, optional, tag = "9")]
    pub oneof_index: Option<i32>,
    #[prost(string, optional, tag = "10")]
    pub json_name: Option<String>,
    #[prost(bytes = "vec", optional, tag = "8")]
    pub options: Option<Vec<u8>>,
    #[prost(bool, optional, tag = "17")]
    pub proto3_optional: Option<bool>,
}

#[derive(Clone, PartialEq, Message)]
pub struct OneofDescriptorProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(bytes = "vec", optional, tag = "2")]
    pub options: Option<Vec<u8>>,
}

#[derive(Clone, PartialEq, Message)]
pub struct EnumDescriptorProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(message, repeated, tag = "2")]
    pub value: Vec<EnumValueDescriptorProto>,
    #[prost(bytes = "vec", optional, tag = "3")]
    pub options: Option<Vec<u8>>,
    #[prost(message, repeated, tag = "4")]
    pub reserved_range: Vec<EnumReservedRange>,
    #[prost(string, repeated, tag = "5")]
    pub reserved_name: Vec<String>,
    #[prost(int32, optional, tag = "6")]
    pub visibility: Option<i32>,
}

#[derive(Clone, PartialEq, Message)]
pub struct EnumReservedRange {
    #[prost(int32, optional, tag = "1")]
    pub start: Option<i32>,
    #[prost(int32, optional, tag = "2")]
    pub end: Option<i32>,
}

#[derive(Clone, PartialEq, Message)]
pub struct EnumValueDescriptorProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(int32, optional, tag = "2")]
    pub number: Option<i32>,
    #[prost(bytes = "vec", optional, tag = "3")]
    pub options: Option<Vec<u8>>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ServiceDescriptorProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(message, repeated, tag = "2")]
    pub method: Vec<MethodDescriptorProto>,
    #[prost(bytes = "vec", optional, tag = "3")]
    pub options: Option<Vec<u8>>,
}

#[derive(Clone, PartialEq, Message)]
pub struct MethodDescriptorProto {
    #[prost(string, optional, tag = "1")]
    pub name: Option<String>,
    #[prost(string, optional, tag = "2")]
    pub input_type: Option<String>,
    #[prost(string, optional, tag = "3")]
    pub output_type: Option<String>,
    #[prost(bytes = "vec", optional, tag = "4")]
    pub options: Option<Vec<u8>>,
    #[prost(bool, optional, tag = "5")]
    pub client_streaming: Option<bool>,
    #[prost(bool, optional, tag = "6")]
    pub server_streaming: Option<bool>,
}

#[derive(Clone, PartialEq, Message)]
pub struct UninterpretedOption {
    #[prost(message, repeated, tag = "2")]
    pub name: Vec<NamePart>,
    #[prost(string, optional, tag = "3")]
    pub identifier_value: Option<String>,
    #[prost(uint64, optional, tag = "4")]
    pub positive_int_value: Option<u64>,
    #[prost(int64, optional, tag = "5")]
    pub negative_int_value: Option<i64>,
    #[prost(double, optional, tag = "6")]
    pub double_value: Option<f64>,
    #[prost(bytes = "vec", optional, tag = "7")]
    pub string_value: Option<Vec<u8>>,
    #[prost(string, optional, tag = "8")]
    pub aggregate_value: Option<String>,
}

#[derive(Clone, PartialEq, Message)]
pub struct NamePart {
    #[prost(string, required, tag = "1")]
    pub name_part: String,
    #[prost(bool, required, tag = "2")]
    pub is_extension: bool,
}

#[derive(Clone, PartialEq, Message)]
pub struct SourceCodeInfo {
    #[prost(message, repeated, tag = "1")]
    pub location: Vec<Location>,
}

#[derive(Clone, PartialEq, Message)]
pub struct Location {
    #[prost(int32, repeated, tag = "1")]
    pub path: Vec<i32>,
    #[prost(int32, repeated, tag = "2")]
    pub span: Vec<i32>,
    #[prost(string, optional, tag = "3")]
    pub leading_comments: Option<String>,
    #[prost(string, optional, tag = "4")]
    pub trailing_comments: Option<String>,
    #[prost(string, repeated, tag = "6")]
    pub leading_detached_comments: Vec<String>,
}

/// Field numbers of descriptor.proto used to build source paths.
pub mod tag {
    pub mod file {
        pub const PACKAGE: i32 = 2;
        pub const DEPENDENCY: i32 = 3;
        pub const MESSAGE_TYPE: i32 = 4;
        pub const ENUM_TYPE: i32 = 5;
        pub const SERVICE: i32 = 6;
        pub const EXTENSION: i32 = 7;
        pub const OPTIONS: i32 = 8;
        pub const PUBLIC_DEPENDENCY: i32 = 10;
        pub const WEAK_DEPENDENCY: i32 = 11;
        pub const SYNTAX: i32 = 12;
        pub const EDITION: i32 = 14;
        pub const OPTION_DEPENDENCY: i32 = 15;
    }
    pub mod message {
        pub const NAME: i32 = 1;
        pub const FIELD: i32 = 2;
        pub const NESTED_TYPE: i32 = 3;
        pub const ENUM_TYPE: i32 = 4;
        pub const EXTENSION_RANGE: i32 = 5;
        pub const EXTENSION: i32 = 6;
        pub const OPTIONS: i32 = 7;
        pub const ONEOF_DECL: i32 = 8;
        pub const RESERVED_RANGE: i32 = 9;
        pub const RESERVED_NAME: i32 = 10;
        pub const VISIBILITY: i32 = 11;
    }
    pub mod range {
        pub const START: i32 = 1;
        pub const END: i32 = 2;
        pub const OPTIONS: i32 = 3;
    }
    pub mod field {
        pub const NAME: i32 = 1;
        pub const EXTENDEE: i32 = 2;
        pub const NUMBER: i32 = 3;
        pub const LABEL: i32 = 4;
        pub const TYPE: i32 = 5;
        pub const TYPE_NAME: i32 = 6;
        pub const DEFAULT_VALUE: i32 = 7;
        pub const OPTIONS: i32 = 8;
        pub const JSON_NAME: i32 = 10;
    }
    pub mod oneof {
        pub const NAME: i32 = 1;
        pub const OPTIONS: i32 = 2;
    }
    pub mod enum_ {
        pub const NAME: i32 = 1;
        pub const VALUE: i32 = 2;
        pub const OPTIONS: i32 = 3;
        pub const RESERVED_RANGE: i32 = 4;
        pub const RESERVED_NAME: i32 = 5;
        pub const VISIBILITY: i32 = 6;
    }
    pub mod enum_value {
        pub const NAME: i32 = 1;
        pub const NUMBER: i32 = 2;
        pub const OPTIONS: i32 = 3;
    }
    pub mod service {
        pub const NAME: i32 = 1;
        pub const METHOD: i32 = 2;
        pub const OPTIONS: i32 = 3;
    }
    pub mod method {
        pub const NAME: i32 = 1;
        pub const INPUT_TYPE: i32 = 2;
        pub const OUTPUT_TYPE: i32 = 3;
        pub const OPTIONS: i32 = 4;
        pub const CLIENT_STREAMING: i32 = 5;
        pub const SERVER_STREAMING: i32 = 6;
    }
    pub const UNINTERPRETED_OPTION: i32 = 999;
}

/// `FieldDescriptorProto.Type` values.
pub mod field_type {
    pub const DOUBLE: i32 = 1;
    pub const FLOAT: i32 = 2;
    pub const INT64: i32 = 3;
    pub const UINT64: i32 = 4;
    pub const INT32: i32 = 5;
    pub const FIXED64: i32 = 6;
    pub const FIXED32: i32 = 7;
    pub const BOOL: i32 = 8;
    pub const STRING: i32 = 9;
    pub const GROUP: i32 = 10;
    pub const MESSAGE: i32 = 11;
    pub const BYTES: i32 = 12;
    pub const UINT32: i32 = 13;
    pub const ENUM: i32 = 14;
    pub const SFIXED32: i32 = 15;
    pub const SFIXED64: i32 = 16;
    pub const SINT32: i32 = 17;
    pub const SINT64: i32 = 18;

    pub fn scalar(name: &str) -> Option<i32> {
        Some(match name {
            "double" => DOUBLE,
            "float" => FLOAT,
            "int64" => INT64,
            "uint64" => UINT64,
            "int32" => INT32,
            "fixed64" => FIXED64,
            "fixed32" => FIXED32,
            "bool" => BOOL,
            "string" => STRING,
            "bytes" => BYTES,
            "uint32" => UINT32,
            "sfixed32" => SFIXED32,
            "sfixed64" => SFIXED64,
            "sint32" => SINT32,
            "sint64" => SINT64,
            _ => return None,
        })
    }
}

pub mod label {
    pub const OPTIONAL: i32 = 1;
    pub const REQUIRED: i32 = 2;
    pub const REPEATED: i32 = 3;
}

/// `Edition` enum values.
pub mod edition {
    pub const EDITION_2023: i32 = 1000;
    pub const EDITION_2024: i32 = 1001;
}

/// Descriptor field numbers, enough to find every options message in a file.
mod options_tag {
    pub const FILE_MESSAGE: u32 = 4;
    pub const FILE_ENUM: u32 = 5;
    pub const FILE_SERVICE: u32 = 6;
    pub const FILE_EXTENSION: u32 = 7;
    pub const FILE_OPTIONS: u32 = 8;
    pub const MESSAGE_FIELD: u32 = 2;
    pub const MESSAGE_NESTED: u32 = 3;
    pub const MESSAGE_ENUM: u32 = 4;
    pub const MESSAGE_EXTENSION_RANGE: u32 = 5;
    pub const MESSAGE_EXTENSION: u32 = 6;
    pub const MESSAGE_OPTIONS: u32 = 7;
    pub const MESSAGE_ONEOF: u32 = 8;
    pub const FIELD_OPTIONS: u32 = 8;
    pub const ONEOF_OPTIONS: u32 = 2;
    pub const ENUM_VALUE: u32 = 2;
    pub const ENUM_OPTIONS: u32 = 3;
    pub const ENUM_VALUE_OPTIONS: u32 = 3;
    pub const SERVICE_METHOD: u32 = 2;
    pub const SERVICE_OPTIONS: u32 = 3;
    pub const METHOD_OPTIONS: u32 = 4;
    pub const RANGE_OPTIONS: u32 = 3;
}

/// What a length-delimited field of a descriptor message holds, enough to find
/// every options message in an encoded file (source-retention stripping and
/// buf's option order both walk files this way).
#[derive(Clone, Copy)]
pub(crate) enum OptionsShape {
    File,
    Message,
    Field,
    Oneof,
    Enum,
    EnumValue,
    Service,
    Method,
    Range,
    /// An options message of this type.
    Options(&'static str),
}

impl OptionsShape {
    /// What field `number` of this message holds, when it is a message to walk.
    pub(crate) fn child(self, number: u32) -> Option<OptionsShape> {
        use OptionsShape::*;
        Some(match (self, number) {
            (File, options_tag::FILE_MESSAGE) => Message,
            (File, options_tag::FILE_ENUM) => Enum,
            (File, options_tag::FILE_SERVICE) => Service,
            (File, options_tag::FILE_EXTENSION) => Field,
            (File, options_tag::FILE_OPTIONS) => Options("google.protobuf.FileOptions"),
            (Message, options_tag::MESSAGE_FIELD | options_tag::MESSAGE_EXTENSION) => Field,
            (Message, options_tag::MESSAGE_NESTED) => Message,
            (Message, options_tag::MESSAGE_ENUM) => Enum,
            (Message, options_tag::MESSAGE_EXTENSION_RANGE) => Range,
            (Message, options_tag::MESSAGE_OPTIONS) => Options("google.protobuf.MessageOptions"),
            (Message, options_tag::MESSAGE_ONEOF) => Oneof,
            (Field, options_tag::FIELD_OPTIONS) => Options("google.protobuf.FieldOptions"),
            (Oneof, options_tag::ONEOF_OPTIONS) => Options("google.protobuf.OneofOptions"),
            (Enum, options_tag::ENUM_VALUE) => EnumValue,
            (Enum, options_tag::ENUM_OPTIONS) => Options("google.protobuf.EnumOptions"),
            (EnumValue, options_tag::ENUM_VALUE_OPTIONS) => Options("google.protobuf.EnumValueOptions"),
            (Service, options_tag::SERVICE_METHOD) => Method,
            (Service, options_tag::SERVICE_OPTIONS) => Options("google.protobuf.ServiceOptions"),
            (Method, options_tag::METHOD_OPTIONS) => Options("google.protobuf.MethodOptions"),
            (Range, options_tag::RANGE_OPTIONS) => Options("google.protobuf.ExtensionRangeOptions"),
            _ => return None,
        })
    }
}

/// The `.proto` name of a field kind (`int32`, `bytes`, `message`, `enum`): what
/// protoc and buf print, and Go's `protoreflect.Kind` names.
pub fn kind_name(kind: &prost_reflect::Kind) -> &'static str {
    use prost_reflect::Kind;
    match kind {
        Kind::Double => "double",
        Kind::Float => "float",
        Kind::Int32 => "int32",
        Kind::Int64 => "int64",
        Kind::Uint32 => "uint32",
        Kind::Uint64 => "uint64",
        Kind::Sint32 => "sint32",
        Kind::Sint64 => "sint64",
        Kind::Fixed32 => "fixed32",
        Kind::Fixed64 => "fixed64",
        Kind::Sfixed32 => "sfixed32",
        Kind::Sfixed64 => "sfixed64",
        Kind::Bool => "bool",
        Kind::String => "string",
        Kind::Bytes => "bytes",
        Kind::Message(_) => "message",
        Kind::Enum(_) => "enum",
    }
}
