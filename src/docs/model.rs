//! The documentation model: everything a page shows, built once from the
//! [`Compilation`] and shared by every renderer. `--format json` writes it as is,
//! for teams that render their own.
//!
//! Descriptions are the elements' comments as Markdown source, with tool
//! directives removed and the indentation `//` leaves behind taken off; links in
//! them are resolved by the renderers, which know where each element lives.

use std::collections::BTreeMap;

use prost_reflect::{
    Cardinality, EnumDescriptor, ExtensionDescriptor, FieldDescriptor, FileDescriptor, Kind, MessageDescriptor,
    MethodDescriptor, ServiceDescriptor, Value,
};
use rayon::prelude::*;
use serde::Serialize;

use crate::annotations::field_behavior::field_behaviors;
use crate::compile::descriptor::tag;
use crate::compile::{Compilation, CompiledFile};
use crate::errors::ErrorRow;

/// Version of the JSON document `--format json` writes; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Option extensions whose values are shown as a field's constraints:
/// protovalidate (`buf.validate.field`, 1159) and protoc-gen-validate (`validate.rules`, 1071).
const CONSTRAINT_EXTENSIONS: &[(&str, u32)] = &[("buf.validate.field", 1159), ("validate.rules", 1071)];

/// Comment lines meant for tools, never for readers: lint ignores, protolint
/// toggles, protoc-gen-doc's `@exclude`, Ego's error annotations.
const TOOL_MARKERS: &[&str] = &[
    "buf:lint:ignore",
    "idl:lint:ignore",
    "protolint:disable",
    "protolint:enable",
    "@exclude",
    "@plugins=",
    "@code=",
    "@i18n.",
];

/// How elements are ordered within a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// As declared: a package's files by path, then source order within each.
    Declaration,
    /// By name.
    Alphabetical,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocModel {
    pub schema_version: u32,
    /// Packages by name.
    pub packages: Vec<Package>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Package {
    /// Empty for files without a `package` statement.
    pub name: String,
    /// The comments on the `package` statements of its files, joined.
    pub description: String,
    /// One plain-text sentence for tables of packages: see [`package_summary`].
    pub summary: String,
    /// Every file of the package is deprecated (`option deprecated = true`).
    pub deprecated: bool,
    /// Import names of the files declaring it.
    pub files: Vec<String>,
    pub services: Vec<Service>,
    /// Nested messages follow their parent (pre-order), in the chosen order.
    pub messages: Vec<Message>,
    pub enums: Vec<Enum>,
    /// Extensions declared in the package (top-level and nested).
    pub extensions: Vec<Field>,
    /// The package's rows of the error table (see `idl errors`).
    pub errors: Vec<ErrorRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub name: String,
    pub full_name: String,
    pub description: String,
    pub deprecated: bool,
    pub file: String,
    pub line: u32,
    pub methods: Vec<Method>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Method {
    pub name: String,
    pub full_name: String,
    pub description: String,
    pub deprecated: bool,
    /// Full name of the request message.
    pub request: String,
    /// Full name of the response message.
    pub response: String,
    pub client_streaming: bool,
    pub server_streaming: bool,
    /// `NO_SIDE_EFFECTS` or `IDEMPOTENT` when declared.
    pub idempotency: Option<String>,
    /// `google.api.http`: the primary binding first.
    pub http: Vec<HttpRoute>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HttpRoute {
    pub verb: String,
    pub path: String,
    /// Empty when unset, `*` for the whole request, else a field name.
    pub body: String,
    pub response_body: String,
    /// An `additional_bindings` entry.
    pub additional: bool,
    /// The path's variables and the request fields they bind.
    pub path_params: Vec<PathParam>,
    /// The operation of the site's `openapi.yaml` this binding is (set by the
    /// site writer; custom verbs and bindings a later one shadows have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub openapi: Option<OpenapiOperation>,
}

/// Where a binding is in the OpenAPI document shipped with the site.
#[derive(Debug, Clone, Serialize)]
pub struct OpenapiOperation {
    pub operation_id: String,
    /// The document's key for the path (`/v1/users/{user}`).
    pub path: String,
    /// Lower case: `get`, `post`, ...
    pub verb: String,
}

impl OpenapiOperation {
    /// A link into `openapi.yaml`: the operation's JSON pointer as fragment
    /// (`openapi.yaml#/paths/~1v1~1users~1%7Buser%7D/get`).
    pub fn href(&self, document: &str) -> String {
        let pointer = self.path.replace('~', "~0").replace('/', "~1");
        let fragment: String = format!("/paths/{pointer}/{}", self.verb)
            .chars()
            .map(|c| match c {
                'A'..='Z'
                | 'a'..='z'
                | '0'..='9'
                | '-'
                | '.'
                | '_'
                | '~'
                | '/'
                | ':'
                | '@'
                | '!'
                | '$'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | '+'
                | ','
                | ';'
                | '=' => c.to_string(),
                other => other.to_string().bytes().map(|b| format!("%{b:02X}")).collect(),
            })
            .collect();
        format!("{document}#{fragment}")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PathParam {
    /// As written in the template: `name`, `book.id`.
    pub field_path: String,
    /// Full name of the field bound, when the path resolves in the request.
    pub field: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// Name within the package: `Outer.Inner` for nested messages.
    pub name: String,
    pub full_name: String,
    pub description: String,
    /// Deprecated itself, or inside a deprecated message or file.
    pub deprecated: bool,
    pub file: String,
    pub line: u32,
    pub fields: Vec<Field>,
}

/// The type of a field: a scalar by its proto name, or a message or enum by full name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeRef {
    pub name: String,
    /// `scalar`, `message` or `enum`.
    pub kind: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub full_name: String,
    pub json_name: String,
    pub number: u32,
    /// The value type for maps.
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// The key type of a map field.
    pub map_key: Option<TypeRef>,
    /// `repeated`, `optional`, `required`, `map`, or empty.
    pub label: &'static str,
    /// The oneof the field belongs to (never a proto3 `optional`'s synthetic one).
    pub oneof: Option<String>,
    /// A proto2 default, as written in the descriptor.
    pub default: Option<String>,
    pub deprecated: bool,
    /// `google.api.field_behavior` values.
    pub behaviors: Vec<String>,
    /// protovalidate / protoc-gen-validate rules in text format.
    pub constraints: Vec<String>,
    pub description: String,
    /// The extended message, for extensions.
    pub extendee: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Enum {
    /// Name within the package: `Outer.Kind` for nested enums.
    pub name: String,
    pub full_name: String,
    pub description: String,
    pub deprecated: bool,
    pub file: String,
    pub line: u32,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    pub name: String,
    pub full_name: String,
    pub number: i32,
    pub description: String,
    pub deprecated: bool,
}

/// What one file contributes to its package.
struct FilePart {
    package: String,
    description: String,
    deprecated: bool,
    file: String,
    services: Vec<Service>,
    messages: Vec<Message>,
    enums: Vec<Enum>,
    extensions: Vec<Field>,
}

/// The model of the compilation's target files; `errors` are the error table's
/// rows, spread over their packages.
pub fn build(compilation: &Compilation, errors: Vec<ErrorRow>, order: Order) -> DocModel {
    let mut parts: Vec<FilePart> = compilation
        .files
        .par_iter()
        .filter(|f| f.is_target)
        .filter_map(|f| Some(file_part(f, compilation.pool.get_file_by_name(&f.source.name)?)))
        .collect();
    // The compilation lists files in import order; a package's files read in
    // path order.
    parts.sort_by(|a, b| a.file.cmp(&b.file));
    let mut packages: BTreeMap<String, Package> = BTreeMap::new();
    for part in parts {
        let package = packages.entry(part.package.clone()).or_insert_with(|| Package {
            name: part.package.clone(),
            description: String::new(),
            summary: String::new(),
            deprecated: true,
            files: Vec::new(),
            services: Vec::new(),
            messages: Vec::new(),
            enums: Vec::new(),
            extensions: Vec::new(),
            errors: Vec::new(),
        });
        if !part.description.is_empty() {
            if !package.description.is_empty() {
                package.description.push_str("\n\n");
            }
            package.description.push_str(&part.description);
        }
        package.deprecated &= part.deprecated;
        package.files.push(part.file);
        package.services.extend(part.services);
        package.messages.extend(part.messages);
        package.enums.extend(part.enums);
        package.extensions.extend(part.extensions);
    }
    for row in errors {
        if let Some(package) = packages.get_mut(&row.package) {
            package.errors.push(row);
        }
    }
    let mut packages: Vec<Package> = packages.into_values().collect();
    for package in &mut packages {
        package.summary = package_summary(package);
    }
    if order == Order::Alphabetical {
        for package in &mut packages {
            sort_alphabetically(package);
        }
    }
    DocModel { schema_version: SCHEMA_VERSION, packages }
}

/// The first sentence of the package's comment. Few repositories comment the
/// `package` statement (1 file of googleapis' 7,184; none of the example
/// workspace: the license header above it is detached, and is no
/// documentation), but their services are documented, so the first documented
/// service, else message, else enum, in declaration order, stands in for it.
pub fn package_summary(package: &Package) -> String {
    let described = std::iter::once(package.description.as_str())
        .chain(package.services.iter().map(|s| s.description.as_str()))
        .chain(package.messages.iter().map(|m| m.description.as_str()))
        .chain(package.enums.iter().map(|e| e.description.as_str()));
    described.map(super::comment::summary).find(|summary| !summary.is_empty()).unwrap_or_default()
}

/// Sorts services, methods, messages, enums and extensions by name. Nested
/// messages sort by their dotted name, so they still follow their parent.
fn sort_alphabetically(package: &mut Package) {
    package.services.sort_by(|a, b| a.name.cmp(&b.name));
    for service in &mut package.services {
        service.methods.sort_by(|a, b| a.name.cmp(&b.name));
    }
    package.messages.sort_by(|a, b| a.name.cmp(&b.name));
    package.enums.sort_by(|a, b| a.name.cmp(&b.name));
    package.extensions.sort_by(|a, b| a.full_name.cmp(&b.full_name));
}

fn file_part(file: &CompiledFile, descriptor: FileDescriptor) -> FilePart {
    let file_deprecated = descriptor.typed_options().is_some_and(|o| o.deprecated());
    let cx = FileContext { file, file_deprecated };
    let mut messages = Vec::new();
    let mut enums = Vec::new();
    let mut extensions: Vec<Field> = descriptor.extensions().map(|e| cx.extension(&e)).collect();
    for enum_type in descriptor.enums() {
        enums.push(cx.enum_type(&enum_type, file_deprecated));
    }
    for message in descriptor.messages() {
        cx.message_tree(&message, file_deprecated, &mut messages, &mut enums, &mut extensions);
    }
    // Nested enums were collected with their messages; declaration order is the
    // descriptor path order (top-level enums `[5, i]` before messages `[4, i]` is
    // not source order, so sort by source position instead).
    enums.sort_by_key(|e| e.line);
    FilePart {
        package: descriptor.package_name().to_string(),
        description: cx.description(&[tag::file::PACKAGE]),
        deprecated: file_deprecated,
        file: file.source.name.clone(),
        services: descriptor.services().map(|s| cx.service(&s)).collect(),
        messages,
        enums,
        extensions,
    }
}

struct FileContext<'a> {
    file: &'a CompiledFile,
    file_deprecated: bool,
}

impl FileContext<'_> {
    /// The element's leading comment, then its trailing one, cleaned.
    fn description(&self, path: &[i32]) -> String {
        let Some(location) = self.file.locations.get(path) else { return String::new() };
        let parts: Vec<String> =
            [location.leading(), location.trailing()].into_iter().flatten().map(clean_comment).collect();
        parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
    }

    /// 1-based line of the element's declaration.
    fn line(&self, path: &[i32]) -> u32 {
        self.file.locations.get(path).map_or(0, |l| self.file.source.line_index(l.start as usize) as u32 + 1)
    }

    fn service(&self, service: &ServiceDescriptor) -> Service {
        let deprecated = self.file_deprecated || service.typed_options().is_some_and(|o| o.deprecated());
        Service {
            name: service.name().to_string(),
            full_name: service.full_name().to_string(),
            description: self.description(service.path()),
            deprecated,
            file: self.file.source.name.clone(),
            line: self.line(service.path()),
            methods: service.methods().map(|m| self.method(&m, deprecated)).collect(),
        }
    }

    fn method(&self, method: &MethodDescriptor, service_deprecated: bool) -> Method {
        let options = method.typed_options();
        let idempotency = options.and_then(|o| match o.idempotency_level() {
            prost_types::method_options::IdempotencyLevel::IdempotencyUnknown => None,
            level => Some(level.as_str_name().to_string()),
        });
        let request = method.input();
        // Routes come from the API model's resolution of the bindings.
        let http = crate::api::method_bindings(method)
            .into_iter()
            .map(|binding| HttpRoute {
                path_params: binding
                    .path_params
                    .iter()
                    .map(|p| PathParam { field_path: p.field_path.clone(), field: p.field.clone() })
                    .collect(),
                verb: binding.verb,
                path: binding.path,
                body: binding.body,
                response_body: binding.response_body,
                additional: binding.index > 0,
                openapi: None,
            })
            .collect();
        Method {
            name: method.name().to_string(),
            full_name: method.full_name().to_string(),
            description: self.description(method.path()),
            deprecated: service_deprecated || options.is_some_and(|o| o.deprecated()),
            request: request.full_name().to_string(),
            response: method.output().full_name().to_string(),
            client_streaming: method.is_client_streaming(),
            server_streaming: method.is_server_streaming(),
            idempotency,
            http,
        }
    }

    /// A message, then its nested messages; its nested enums and extensions go
    /// to their own lists.
    fn message_tree(
        &self,
        message: &MessageDescriptor,
        parent_deprecated: bool,
        messages: &mut Vec<Message>,
        enums: &mut Vec<Enum>,
        extensions: &mut Vec<Field>,
    ) {
        if message.is_map_entry() {
            return;
        }
        let deprecated = parent_deprecated || message.typed_options().is_some_and(|o| o.deprecated());
        messages.push(Message {
            name: relative_name(message.full_name(), message.package_name()),
            full_name: message.full_name().to_string(),
            description: self.description(message.path()),
            deprecated,
            file: self.file.source.name.clone(),
            line: self.line(message.path()),
            fields: message.fields().map(|f| self.field(&f, deprecated)).collect(),
        });
        for enum_type in message.child_enums() {
            enums.push(self.enum_type(&enum_type, deprecated));
        }
        extensions.extend(message.child_extensions().map(|e| self.extension(&e)));
        for child in message.child_messages() {
            self.message_tree(&child, deprecated, messages, enums, extensions);
        }
    }

    fn field(&self, field: &FieldDescriptor, message_deprecated: bool) -> Field {
        let (ty, map_key) = match field.kind() {
            Kind::Message(entry) if field.is_map() => {
                (type_ref(&entry.map_entry_value_field().kind()), Some(type_ref(&entry.map_entry_key_field().kind())))
            }
            kind => (type_ref(&kind), None),
        };
        let label = if field.is_map() {
            "map"
        } else if field.is_list() {
            "repeated"
        } else if field.cardinality() == Cardinality::Required {
            "required"
        } else if field.proto3_optional_proto() {
            "optional"
        } else {
            ""
        };
        let options = field.options();
        let constraints = options
            .extensions()
            .filter(|(ext, _)| {
                CONSTRAINT_EXTENSIONS.iter().any(|(n, num)| ext.full_name() == *n || ext.number() == *num)
            })
            .map(|(_, value)| constraint_text(value))
            .collect();
        Field {
            name: field.name().to_string(),
            full_name: field.full_name().to_string(),
            json_name: field.json_name().to_string(),
            number: field.number(),
            ty,
            map_key,
            label,
            oneof: field.containing_oneof().filter(|o| !o.is_synthetic()).map(|o| o.name().to_string()),
            default: field.default_value_proto().map(str::to_string),
            deprecated: message_deprecated || field.typed_options().is_some_and(|o| o.deprecated()),
            behaviors: field_behaviors(field),
            constraints,
            description: self.description(field.path()),
            extendee: None,
        }
    }

    fn extension(&self, extension: &ExtensionDescriptor) -> Field {
        Field {
            name: extension.name().to_string(),
            full_name: extension.full_name().to_string(),
            json_name: extension.json_name().to_string(),
            number: extension.number(),
            ty: type_ref(&extension.kind()),
            map_key: None,
            label: if extension.is_list() {
                "repeated"
            } else if extension.cardinality() == Cardinality::Required {
                "required"
            } else {
                ""
            },
            oneof: None,
            default: extension.default_value_proto().map(str::to_string),
            deprecated: self.file_deprecated || extension.typed_options().is_some_and(|o| o.deprecated()),
            behaviors: Vec::new(),
            constraints: Vec::new(),
            description: self.description(extension.path()),
            extendee: Some(extension.containing_message().full_name().to_string()),
        }
    }

    fn enum_type(&self, enum_type: &EnumDescriptor, parent_deprecated: bool) -> Enum {
        let deprecated = parent_deprecated || enum_type.typed_options().is_some_and(|o| o.deprecated());
        Enum {
            name: relative_name(enum_type.full_name(), enum_type.package_name()),
            full_name: enum_type.full_name().to_string(),
            description: self.description(enum_type.path()),
            deprecated,
            file: self.file.source.name.clone(),
            line: self.line(enum_type.path()),
            // As declared, as the source and protoc-gen-doc list them (`values()`
            // goes by number).
            values: enum_type
                .declared_values()
                .map(|value| EnumValue {
                    name: value.name().to_string(),
                    full_name: value.full_name().to_string(),
                    number: value.number(),
                    description: self.description(value.path()),
                    deprecated: deprecated || value.typed_options().is_some_and(|o| o.deprecated()),
                })
                .collect(),
        }
    }
}

/// `acme.v1.Outer.Inner` in package `acme.v1` is `Outer.Inner`.
pub fn relative_name(full_name: &str, package: &str) -> String {
    if package.is_empty() {
        return full_name.to_string();
    }
    full_name.strip_prefix(package).and_then(|rest| rest.strip_prefix('.')).unwrap_or(full_name).to_string()
}

fn type_ref(kind: &Kind) -> TypeRef {
    match kind {
        Kind::Message(message) => TypeRef { name: message.full_name().to_string(), kind: "message" },
        Kind::Enum(enum_type) => TypeRef { name: enum_type.full_name().to_string(), kind: "enum" },
        scalar => TypeRef { name: crate::compile::descriptor::kind_name(scalar).to_string(), kind: "scalar" },
    }
}

/// A constraint option's value in protobuf text format (`string { min_len: 1 }`).
fn constraint_text(value: &Value) -> String {
    // The pretty form spaces `key: value`; its line breaks become spaces.
    let pretty = match value {
        Value::Message(message) => format!("{message:#}"),
        other => format!("{other:#}"),
    };
    pretty.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A comment as Markdown: tool directive lines dropped, the common indentation
/// (the space after `//`) removed so Markdown does not read it as code, and
/// blank lines at either end trimmed.
pub fn clean_comment(raw: &str) -> String {
    let lines: Vec<&str> = raw
        .lines()
        .filter(|line| {
            let text = line.trim();
            !TOOL_MARKERS.iter().any(|marker| text.starts_with(marker))
        })
        .collect();
    // Only spaces and tabs: a CJK comment may start with an ideographic space.
    let indent_of = |line: &str| line.len() - line.trim_start_matches([' ', '\t']).len();
    let indent = lines.iter().filter(|l| !l.trim().is_empty()).map(|l| indent_of(l)).min().unwrap_or(0);
    let dedented: Vec<&str> =
        lines.iter().map(|line| if line.trim().is_empty() { "" } else { &line[indent..] }).collect();
    let start = dedented.iter().position(|l| !l.is_empty()).unwrap_or(dedented.len());
    let end = dedented.iter().rposition(|l| !l.is_empty()).map_or(start, |i| i + 1);
    dedented[start..end].join("\n").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_lose_markers_and_indentation() {
        let raw =
            " buf:lint:ignore COMMENT_FIELD\n The name.\n\n   code kept indented\n protolint:disable MAX_LINE_LENGTH\n";
        assert_eq!(clean_comment(raw), "The name.\n\n  code kept indented");
        assert_eq!(clean_comment(" idl:lint:ignore X\n"), "");
        assert_eq!(clean_comment("\u{3000}全角\n"), "\u{3000}全角");
    }

    #[test]
    fn names_relative_to_the_package() {
        assert_eq!(relative_name("acme.v1.Outer.Inner", "acme.v1"), "Outer.Inner");
        assert_eq!(relative_name("Top", ""), "Top");
    }
}
