//! The OpenAPI 3 document as gnostic's protoc-gen-openapi builds it
//! (`cmd/protoc-gen-openapi/generator/generator.go`, `reflector.go`,
//! `wellknown/schemas.go`): each function here is named after the generator
//! step it follows, and its quirks are kept on purpose (path parameters found by
//! its two regular expressions, `singular` names for `{name=things/*}`
//! segments, one operation per verb and path, the last one winning), so a team
//! switching from the plugin gets the same document. Where the plugin writes an
//! invalid document, idl writes a valid one and says so here:
//! `info.title` is always written (empty when nothing names the API), and
//! operation IDs are unique: an additional binding's is suffixed with its
//! position as grpc-gateway does (`Service_Method2` for the first additional
//! binding), and any ID still taken (same service and method names in two
//! packages) gets the next free number.

use std::collections::{BTreeSet, HashMap, HashSet};

use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, MethodDescriptor, ReflectMessage, Value as ProtoValue,
};

use super::node::{Node, from_yaml_text};
use super::options::{EnumType, Naming, Options};
use crate::annotations::field_behavior::field_behaviors;
use crate::annotations::http::{PathTemplate, Segment};
use crate::api::{Binding, Method, Model, Service};
use crate::compile::CompiledFile;

/// gnostic's `openapi.v3` extensions: the same number on files, methods,
/// messages and fields.
const OPENAPI_V3_EXTENSION: u32 = 1143;

/// Schema keys in the order gnostic's `Schema.ToRawInfo` writes them.
const SCHEMA_ORDER: &[&str] = &[
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "default",
    "description",
    "format",
];

/// Reorders a schema's keys as gnostic writes them; extensions and unknown keys last.
fn ordered_schema(node: Node) -> Node {
    match node {
        Node::Map(mut entries) => {
            let rank = |key: &str| SCHEMA_ORDER.iter().position(|k| *k == key).unwrap_or(SCHEMA_ORDER.len());
            entries.sort_by_key(|(key, _)| rank(key));
            Node::Map(entries)
        }
        other => other,
    }
}

fn reference(name: &str) -> Node {
    Node::map().with("$ref", Node::str(format!("#/components/schemas/{name}")))
}

fn is_reference(node: &Node) -> bool {
    node.get("$ref").is_some()
}

fn typed(ty: &str) -> Node {
    Node::map().with("type", Node::str(ty))
}

fn typed_format(ty: &str, format: &str) -> Node {
    Node::map().with("type", Node::str(ty)).with("format", Node::str(format))
}

/// `filterCommentString`: linter directives `(-- ... --)` removed, trimmed; line
/// breaks removed too for fields and messages (their lines then run together).
pub fn filter_comment(comment: &str, remove_new_lines: bool) -> String {
    let text = if remove_new_lines { comment.replace('\n', "") } else { comment.to_string() };
    // `\(-- .* --\)`, greedy, `.` not matching line breaks: per line.
    let filtered: Vec<String> = text
        .split('\n')
        .map(|line| {
            let mut line = line.to_string();
            if let Some(start) = line.find("(-- ")
                && let Some(end) = line.rfind(" --)")
                && end >= start + 4
            {
                line.replace_range(start..end + 4, "");
            }
            line
        })
        .collect();
    filtered.join("\n").trim().to_string()
}

/// protogen's `GoCamelCase`: the Go name of a service or method.
pub fn go_camel_case(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'.' && i + 1 < bytes.len() && bytes[i + 1].is_ascii_lowercase() {
            // Skip over '.' in ".{{lowercase}}".
        } else if c == b'.' {
            out.push('_');
        } else if c == b'_' && (i == 0 || bytes[i - 1] == b'.') {
            out.push('X');
        } else if c == b'_' && i + 1 < bytes.len() && bytes[i + 1].is_ascii_lowercase() {
            // Skip over '_' in "_{{lowercase}}".
        } else if c.is_ascii_digit() {
            out.push(c as char);
        } else {
            // Assume a letter: a word starts upper case and takes the lower-case run after it.
            out.push(c.to_ascii_uppercase() as char);
            while i + 1 < bytes.len() && bytes[i + 1].is_ascii_lowercase() {
                i += 1;
                out.push(bytes[i] as char);
            }
        }
        i += 1;
    }
    out
}

/// gnostic's `singular`: `shelves` → `shelf`, `policies` → `policy`, `books` → `book`.
fn singular(plural: &str) -> String {
    if let Some(stem) = plural.strip_suffix("ves") {
        return format!("{stem}f");
    }
    if let Some(stem) = plural.strip_suffix("ies") {
        return format!("{stem}y");
    }
    plural.strip_suffix('s').unwrap_or(plural).to_string()
}

/// The state of one document's generation.
struct Generator<'m, 'c> {
    model: &'m Model<'c>,
    options: &'m Options,
    /// Every message of the pool in the order gnostic's schema pass visits them
    /// (files in pool order, nested messages before their parent), with its
    /// schema name, and where each name occurs in that order.
    traversal: Vec<(String, MessageDescriptor)>,
    positions: HashMap<String, Vec<usize>>,
    /// Positions in `traversal` of messages whose schema is referenced and not
    /// yet generated.
    pending: BTreeSet<usize>,
    generated_schemas: HashSet<String>,
    schemas: Vec<(String, Node)>,
    /// Leading comments by (file, descriptor path), from target files only:
    /// protoc sends source info for the files to generate, not their imports.
    comments: HashMap<String, &'c CompiledFile>,
    operations: Vec<OperationRef>,
    operation_index: HashMap<(String, String), usize>,
    /// Bindings the document describes otherwise than the wire carries them.
    unfaithful: Vec<Unfaithful>,
}

/// Something about a binding that the document, written as gnostic writes it,
/// does not describe as a transcoder serves it. `src/openapi/findings.rs`
/// turns each into a located warning.
#[derive(Debug, Clone)]
pub enum Unfaithful {
    /// `response_body` names a field: gnostic ignores `response_body`, so the
    /// 200 response is the whole response message while the wire carries only
    /// that field's value.
    ResponseBody { method: MethodDescriptor, binding: usize, field: FieldDescriptor },
    /// The query parameters stopped at `depth`: `parameter` (the first one left
    /// out, dotted as the document names parameters) and `more` others below
    /// the request are not in the document although a transcoder accepts them.
    QueryDepth {
        method: MethodDescriptor,
        binding: usize,
        parameter: String,
        more: usize,
        /// The field whose expansion `depth` stopped.
        field: FieldDescriptor,
        /// Whether its message contains itself (a cycle), rather than being
        /// met more than `depth` times side by side.
        recursive: bool,
    },
}

/// The state of one query-parameter walk (gnostic's `depths` map is per
/// top-level request field): how often each field was expanded, the messages
/// being expanded, and the parameters `depth` left out.
#[derive(Default)]
struct QueryWalk {
    depths: HashMap<String, i64>,
    stack: Vec<String>,
    /// Dotted name of each parameter left out (relative to the field being
    /// walked until the walk returns), the field cut, and whether it recursed.
    lost: Vec<(String, FieldDescriptor, bool)>,
}

/// Path items in the order they were created, with an index by path.
#[derive(Default)]
struct Paths {
    items: Vec<(String, Node)>,
    index: HashMap<String, usize>,
}

impl Paths {
    fn item(&mut self, path: String) -> &mut Node {
        let at = match self.index.get(&path) {
            Some(at) => *at,
            None => {
                self.index.insert(path.clone(), self.items.len());
                self.items.push((path, Node::map()));
                self.items.len() - 1
            }
        };
        &mut self.items[at].1
    }
}

/// Which method an operation of the document belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRef {
    /// The path as written in the document.
    pub path: String,
    /// Lower case: `get`, `post`, ...
    pub verb: String,
    pub package: String,
    /// Full name of the method.
    pub method: String,
    /// Which of the method's bindings: 0 for the primary rule, `n` for
    /// `additional_bindings[n - 1]` (the API model's `Binding::index`).
    pub binding: usize,
    /// The operation's ID as written in the document.
    pub operation_id: String,
}

/// The document for the services of `inputs` (import names of target files),
/// which method each operation describes, and what it describes unfaithfully.
pub fn document(model: &Model<'_>, options: &Options, inputs: &[String]) -> (Node, Vec<OperationRef>, Vec<Unfaithful>) {
    let comments = model.compilation.files.iter().filter(|f| f.is_target).map(|f| (f.source.name.clone(), f)).collect();
    let mut generator = Generator {
        model,
        options,
        traversal: Vec::new(),
        positions: HashMap::new(),
        pending: BTreeSet::new(),
        generated_schemas: HashSet::new(),
        schemas: Vec::new(),
        comments,
        operations: Vec::new(),
        operation_index: HashMap::new(),
        unfaithful: Vec::new(),
    };
    generator.index_messages(inputs);
    let node = generator.build_document(inputs);
    // Operations a later binding replaced were marked with an empty path.
    let mut operations: Vec<OperationRef> = generator.operations.into_iter().filter(|o| !o.path.is_empty()).collect();
    let paths = node.get("paths");
    for operation in &mut operations {
        let id = paths.and_then(|p| p.get(&operation.path)).and_then(|i| i.get(&operation.verb));
        if let Some(id) = id.and_then(|o| o.get("operationId")).and_then(Node::as_str) {
            operation.operation_id = id.to_string();
        }
    }
    (node, operations, generator.unfaithful)
}

impl Generator<'_, '_> {
    fn leading(&self, file: &str, path: &[i32]) -> String {
        self.comments
            .get(file)
            .and_then(|f| f.locations.get(path))
            .and_then(|l| l.leading())
            .unwrap_or_default()
            .to_string()
    }

    fn field_comment(&self, field: &FieldDescriptor) -> String {
        filter_comment(&self.leading(field.parent_file().name(), field.path()), true)
    }

    fn build_document(&mut self, inputs: &[String]) -> Node {
        let mut info = Node::map().with("title", Node::str(&self.options.title));
        if !self.options.description.is_empty() {
            info.set("description", Node::str(&self.options.description));
        }
        info.set("version", Node::str(&self.options.version));
        let mut document = Node::map().with("openapi", Node::str("3.0.3")).with("info", info);
        let mut paths = Paths::default();
        let mut tags: Vec<(String, String)> = Vec::new();
        let mut services_of: HashMap<&str, Vec<&Service>> = HashMap::new();
        for service in &self.model.services {
            services_of.entry(service.file.as_str()).or_default().push(service);
        }
        for file in inputs {
            let Some(compiled) = self.comments.get(file).copied() else { continue };
            if let Some(descriptor) = self.model.compilation.pool.get_file_by_name(&compiled.source.name) {
                let options = descriptor.options();
                if let Some(extension) = openapi_extension(&options) {
                    document.merge(openapi_node(&extension));
                }
            }
            for service in services_of.get(file.as_str()).into_iter().flatten() {
                self.add_paths(service, &mut paths, &mut tags);
            }
        }
        // Schemas referenced so far pull in the schemas they reference, until none
        // is left. gnostic sweeps every message of every file per round and
        // generates those whose name is required; a sweep here visits only the
        // pending positions, in the same order, so the same message wins when two
        // share a schema name (a reference made during a sweep is met later in
        // that sweep when its message comes after the cursor, else in the next).
        while !self.pending.is_empty() {
            let mut cursor = 0;
            while let Some(&at) = self.pending.range(cursor..).next() {
                cursor = at + 1;
                self.pending.remove(&at);
                let (name, message) = self.traversal[at].clone();
                if self.generated_schemas.contains(&name) {
                    continue;
                }
                self.add_schema_for_message(name, &message);
            }
        }

        // One service: its name titles the document, its comment describes it.
        if tags.len() == 1 {
            let title_empty = document.get("info").and_then(|i| i.get("title")).and_then(Node::as_str) == Some("");
            if title_empty && !tags[0].0.is_empty() {
                let title = format!("{} API", tags[0].0);
                if let Some(info) = document.get_mut("info") {
                    info.set("title", Node::str(title));
                }
            }
            let has_description = document.get("info").and_then(|i| i.get("description")).is_some();
            if !has_description && !tags[0].1.is_empty() {
                let description = tags[0].1.clone();
                if let Some(info) = document.get_mut("info") {
                    let version = info.remove("version");
                    info.set("description", Node::str(description));
                    if let Some(version) = version {
                        info.set("version", version);
                    }
                }
            }
            tags[0].1.clear();
        }

        let mut paths = paths.items;
        let servers = move_servers(&mut paths);
        if !servers.is_empty() {
            let list = servers.into_iter().map(|url| Node::map().with("url", Node::str(url))).collect();
            document.set("servers", Node::Seq(list));
        }

        tags.sort_by(|a, b| a.0.cmp(&b.0));
        // Tag names must be unique; services of the same name in two packages
        // (a merged document of googleapis has hundreds) share the first's tag.
        tags.dedup_by(|later, earlier| later.0 == earlier.0);
        paths.sort_by(|a, b| a.0.cmp(&b.0));
        unique_operation_ids(&mut paths);
        let mut schemas = std::mem::take(&mut self.schemas);
        schemas.sort_by(|a, b| a.0.cmp(&b.0));

        // Keys in gnostic's Document order: openapi, info, servers, paths, components, tags.
        let mut ordered = Node::map();
        for key in ["openapi", "info", "servers"] {
            if let Some(value) = document.remove(key) {
                ordered.set(key, value);
            }
        }
        let mut path_nodes = Node::Map(paths);
        if let Some(extra) = document.remove("paths") {
            path_nodes.merge(extra);
        }
        ordered.set("paths", path_nodes);
        let mut components = Node::map().with("schemas", Node::Map(schemas));
        if let Some(extra) = document.remove("components") {
            components.merge(extra);
        }
        ordered.set("components", components);
        if !tags.is_empty() {
            let list = tags
                .into_iter()
                .map(|(name, description)| {
                    let tag = Node::map().with("name", Node::str(name));
                    if description.is_empty() { tag } else { tag.with("description", Node::str(description)) }
                })
                .collect::<Vec<_>>();
            let mut tag_node = Node::Seq(list);
            if let Some(extra) = document.remove("tags") {
                tag_node.merge(extra);
            }
            ordered.set("tags", tag_node);
        }
        // Whatever the document annotation added besides (security, externalDocs).
        if let Node::Map(rest) = document {
            for (key, value) in rest {
                ordered.set(&key, value);
            }
        }
        ordered
    }

    /// `addPathsToDocumentV3`.
    fn add_paths(&mut self, service: &Service, paths: &mut Paths, tags: &mut Vec<(String, String)>) {
        let service_name = go_camel_case(&service.name);
        let mut annotated = false;
        for method in &service.methods {
            if method.bindings.is_empty() {
                continue;
            }
            annotated = true;
            let description = filter_comment(&method.leading_comment, false);
            let operation_id = format!("{service_name}_{}", go_camel_case(&method.name));
            for binding in &method.bindings {
                // Custom verbs are not written.
                if binding.custom {
                    continue;
                }
                // gnostic gives every binding the method's ID, which OpenAPI forbids.
                let binding_id = if binding.index == 0 {
                    operation_id.clone()
                } else {
                    format!("{operation_id}{}", binding.index + 1)
                };
                let (mut operation, path) = self.build_operation(
                    &binding_id,
                    &service_name,
                    &description,
                    &service.default_host,
                    binding,
                    method,
                );
                // gnostic ignores `response_body`: the response stays the whole message.
                if !binding.response_body.is_empty()
                    && let Some(field) = method.descriptor.output().get_field_by_name(&binding.response_body)
                {
                    self.unfaithful.push(Unfaithful::ResponseBody {
                        method: method.descriptor.clone(),
                        binding: binding.index,
                        field,
                    });
                }
                if let Some(extension) = openapi_extension(&method.descriptor.options()) {
                    operation.merge(openapi_node(&extension));
                }
                let path_key = path.clone();
                let item = paths.item(path);
                let verb = binding.verb.to_ascii_lowercase();
                set_operation(item, &verb, operation);
                if let Some(replaced) =
                    self.operation_index.insert((path_key.clone(), verb.clone()), self.operations.len())
                {
                    self.operations[replaced].path.clear();
                }
                self.operations.push(OperationRef {
                    path: path_key.clone(),
                    verb,
                    package: service.package.clone(),
                    method: method.full_name.clone(),
                    binding: binding.index,
                    operation_id: binding_id.clone(),
                });
            }
        }
        if annotated {
            let comment = filter_comment(&service.leading_comment, false);
            tags.push((service_name, comment));
        }
    }

    fn format_field_name(&self, field: &FieldDescriptor) -> String {
        match self.options.naming {
            Naming::Proto => field.name().to_string(),
            Naming::Json => field.json_name().to_string(),
        }
    }

    /// `findField`: a field of `message` by proto name or JSON name.
    fn find_field(&self, name: &str, message: &MessageDescriptor) -> Option<FieldDescriptor> {
        message.declared_fields().find(|f| f.name() == name || f.json_name() == name)
    }

    fn find_and_format_field_name(&self, name: &str, message: &MessageDescriptor) -> String {
        self.find_field(name, message).map_or_else(|| name.to_string(), |f| self.format_field_name(&f))
    }

    /// `buildOperationV3`: the operation and the path it is written under.
    #[allow(clippy::too_many_arguments)]
    fn build_operation(
        &mut self,
        operation_id: &str,
        tag: &str,
        description: &str,
        default_host: &str,
        binding: &Binding,
        method: &Method,
    ) -> (Node, String) {
        let (template, body) = (binding.path.as_str(), binding.body.as_str());
        let input = method.descriptor.input();
        let output = method.descriptor.output();
        let mut covered: Vec<String> = Vec::new();
        if !body.is_empty() {
            covered.push(body.to_string());
        }
        let mut parameters = Vec::new();
        let mut path = template.to_string();

        // Simple path parameters: `{([^=}]+)}`.
        for name in simple_variables(template) {
            covered.push(name.clone());
            let parameter_name = self.find_and_format_field_name(&name, &input);
            if let Some(at) = path.find(&name) {
                path.replace_range(at..at + name.len(), &parameter_name);
            }
            let (schema, field_description) = match self.find_field(&parameter_name, &input) {
                Some(field) => (self.schema_for_field(&field), self.field_comment(&field)),
                None => (Some(typed("string")), String::new()),
            };
            let mut parameter = Node::map().with("name", Node::str(&parameter_name)).with("in", Node::str("path"));
            if !field_description.is_empty() {
                parameter.set("description", Node::str(field_description));
            }
            parameter.set("required", Node::Bool(true));
            if let Some(schema) = schema {
                parameter.set("schema", schema);
            }
            parameters.push(parameter);
        }

        // Named path parameters: `{(.+)=(.+)}`, the first match.
        if let Some((whole, name, starred)) = named_variable(&path) {
            covered.push(name);
            let mut parts: Vec<String> = starred.split('/').map(str::to_string).collect();
            let mut named = Vec::new();
            let mut i = 0;
            while i + 1 < parts.len() {
                let parameter = singular(&self.find_and_format_field_name(&parts[i], &input));
                parts[i + 1] = format!("{{{parameter}}}");
                named.push(parameter);
                i += 2;
            }
            let new_path = parts.join("/");
            path = path.replacen(&whole, &new_path, 1);
            for parameter in named {
                parameters.push(
                    Node::map()
                        .with("name", Node::str(&parameter))
                        .with("in", Node::str("path"))
                        .with("description", Node::str(format!("The {parameter} id.")))
                        .with("required", Node::Bool(true))
                        .with("schema", typed("string")),
                );
            }
        }

        // gnostic's two regular expressions mangle some templates (two named
        // variables, `{name=*}`-like patterns other than `things/*` pairs, a name
        // used twice): its path then has braces or parameters that do not match,
        // which OpenAPI forbids. Those paths are rewritten from the parsed template.
        if !path_is_valid(&path, &parameters)
            && let Ok(parsed) = PathTemplate::parse(template)
        {
            let (sound, path_parameters, bound) = self.sound_path(&parsed, &input);
            path = sound;
            parameters = path_parameters;
            covered.extend(bound);
        }

        // Every other request field is a query parameter, unless the body is the whole request.
        if body != "*" && input.full_name() != "google.api.HttpBody" {
            let mut lost = Vec::new();
            for field in input.declared_fields() {
                if !covered.iter().any(|c| c == field.name()) && field.name() != body {
                    let mut walk = QueryWalk { stack: vec![input.full_name().to_string()], ..QueryWalk::default() };
                    parameters.extend(self.query_params(&field, &mut walk));
                    lost.append(&mut walk.lost);
                }
            }
            if let Some((parameter, field, recursive)) = lost.first().cloned() {
                self.unfaithful.push(Unfaithful::QueryDepth {
                    method: method.descriptor.clone(),
                    binding: binding.index,
                    parameter,
                    more: lost.len() - 1,
                    field,
                    recursive,
                });
            }
        }

        let (status, content) = self.response_content(&output);
        let mut responses =
            Node::map().with(&status, Node::map().with("description", Node::str("OK")).with("content", content));
        if self.options.default_response {
            let any_name = self.format_message_name_parts("google.protobuf", "Any", "google.protobuf.Any");
            self.add_schema(any_name.clone(), any_schema());
            let status_name = self.format_message_name_parts("google.rpc", "Status", "google.rpc.Status");
            self.add_schema(status_name.clone(), status_schema(&any_name));
            responses.set(
                "default",
                Node::map()
                    .with("description", Node::str("Default error response"))
                    .with("content", json_content(Some(reference(&status_name)))),
            );
        }

        let mut operation = Node::map().with("tags", Node::Seq(vec![Node::str(tag)]));
        if !description.is_empty() {
            operation.set("description", Node::str(description));
        }
        operation.set("operationId", Node::str(operation_id));
        if !parameters.is_empty() {
            operation.set("parameters", Node::Seq(parameters));
        }
        if !body.is_empty() {
            let schema = if body == "*" {
                self.schema_for_message(&input)
            } else {
                input.declared_fields().find(|f| f.name() == body).and_then(|field| match field.kind() {
                    Kind::String => Some(typed("string")),
                    Kind::Message(message) => self.schema_for_message(&message),
                    _ => None,
                })
            };
            operation.set(
                "requestBody",
                Node::map().with("content", json_content(schema)).with("required", Node::Bool(true)),
            );
        }
        operation.set("responses", responses);
        if let Some(server) = server_url(default_host) {
            operation.set("servers", Node::Seq(vec![Node::map().with("url", Node::str(server))]));
        }
        (operation, path)
    }

    /// A path and its path parameters from the parsed template, for the templates
    /// gnostic's rewrite mangles: a variable over `things/*` pairs becomes
    /// `things/{thing}` as gnostic writes it; any other variable is one parameter
    /// named after its field; names stay unique. Also the fields the variables bind.
    fn sound_path(&mut self, template: &PathTemplate, input: &MessageDescriptor) -> (String, Vec<Node>, Vec<String>) {
        let mut parts: Vec<String> = Vec::new();
        let mut parameters = Vec::new();
        let mut bound = Vec::new();
        let mut used: HashSet<String> = HashSet::new();
        for segment in &template.segments {
            let variable = match segment {
                Segment::Literal(text) => {
                    parts.push(text.clone());
                    continue;
                }
                Segment::Wildcard => {
                    parts.push("*".into());
                    continue;
                }
                Segment::DoubleWildcard => {
                    parts.push("**".into());
                    continue;
                }
                Segment::Variable(variable) => variable,
            };
            let field_path = variable.field_path.join(".");
            bound.push(field_path.clone());
            let pairs: Option<Vec<(String, String)>> = (!variable.segments.is_empty()
                && variable.segments.len() % 2 == 0)
                .then(|| {
                    variable
                        .segments
                        .chunks(2)
                        .map(|pair| match pair {
                            [Segment::Literal(collection), Segment::Wildcard] => Some((
                                collection.clone(),
                                singular(&self.find_and_format_field_name(collection, input)),
                            )),
                            _ => None,
                        })
                        .collect::<Option<Vec<_>>>()
                })
                .flatten()
                .filter(|pairs| {
                    let names: HashSet<&String> = pairs.iter().map(|(_, name)| name).collect();
                    names.len() == pairs.len() && pairs.iter().all(|(_, name)| !name.is_empty() && !used.contains(name))
                });
            if let Some(pairs) = pairs {
                for (collection, name) in pairs {
                    parts.push(collection);
                    parts.push(format!("{{{name}}}"));
                    parameters.push(
                        Node::map()
                            .with("name", Node::str(&name))
                            .with("in", Node::str("path"))
                            .with("description", Node::str(format!("The {name} id.")))
                            .with("required", Node::Bool(true))
                            .with("schema", typed("string")),
                    );
                    used.insert(name);
                }
                continue;
            }
            let field = match variable.field_path.as_slice() {
                [name] => self.find_field(name, input),
                _ => None,
            };
            let mut name = field.as_ref().map_or(field_path.clone(), |f| self.format_field_name(f));
            while used.contains(&name) {
                name.push('_');
            }
            parts.push(format!("{{{name}}}"));
            let (schema, description) = match &field {
                Some(field) => (self.schema_for_field(field), self.field_comment(field)),
                None => (Some(typed("string")), String::new()),
            };
            let mut parameter = Node::map().with("name", Node::str(&name)).with("in", Node::str("path"));
            if !description.is_empty() {
                parameter.set("description", Node::str(description));
            }
            parameter.set("required", Node::Bool(true));
            if let Some(schema) = schema {
                parameter.set("schema", schema);
            }
            parameters.push(parameter);
            used.insert(name);
        }
        let mut path = format!("/{}", parts.join("/"));
        if let Some(verb) = &template.verb {
            path.push(':');
            path.push_str(verb);
        }
        (path, parameters, bound)
    }

    /// `_buildQueryParamsV3`.
    fn query_params(&mut self, field: &FieldDescriptor, walk: &mut QueryWalk) -> Vec<Node> {
        let name = self.format_field_name(field);
        let description = self.field_comment(field);
        let parameter = |schema: Option<Node>| {
            let mut p = Node::map().with("name", Node::str(&name)).with("in", Node::str("query"));
            if !description.is_empty() {
                p.set("description", Node::str(&description));
            }
            if let Some(schema) = schema {
                p.set("schema", schema);
            }
            p
        };
        if field.is_map() {
            return Vec::new();
        }
        match field.kind() {
            Kind::Message(message) => {
                let type_name = message.full_name();
                if type_name == "google.protobuf.Value" {
                    return vec![parameter(self.schema_for_field(field))];
                }
                if WRAPPER_NAMES.contains(&type_name) {
                    let value = message.get_field_by_name("value");
                    return vec![parameter(value.and_then(|v| self.schema_for_field(&v)))];
                }
                if field.is_list() {
                    return Vec::new();
                }
                if type_name == "google.protobuf.FieldMask" {
                    return vec![parameter(self.schema_for_field(field))];
                }
                let recursive = walk.stack.iter().any(|m| m == type_name);
                walk.stack.push(type_name.to_string());
                let mut parameters = Vec::new();
                for sub_field in message.declared_fields() {
                    // gnostic counts each field's expansions over the whole walk of
                    // one request field (not along one path) and stops at `depth`.
                    let seen = walk.depths.entry(sub_field.full_name().to_string()).or_insert(0);
                    if *seen < self.options.depth {
                        *seen += 1;
                        let lost_before = walk.lost.len();
                        for mut sub in self.query_params(&sub_field, walk) {
                            let sub_name = sub.get("name").and_then(Node::as_str).unwrap_or_default().to_string();
                            sub.set("name", Node::str(format!("{name}.{sub_name}")));
                            parameters.push(sub);
                        }
                        for (lost, _, _) in &mut walk.lost[lost_before..] {
                            *lost = format!("{name}.{lost}");
                        }
                    } else if yields_parameters(&sub_field) {
                        let lost = format!("{name}.{}", self.format_field_name(&sub_field));
                        walk.lost.push((lost, sub_field.clone(), recursive));
                    }
                }
                walk.stack.pop();
                parameters
            }
            _ if field.is_group() => Vec::new(),
            _ => vec![parameter(self.schema_for_field(field))],
        }
    }

    /// `getMessageName`: nested messages are `Parent_Name` (one level).
    fn message_name(message: &MessageDescriptor) -> String {
        match message.parent_message() {
            Some(parent) => format!("{}_{}", parent.name(), message.name()),
            None => message.name().to_string(),
        }
    }

    /// `formatMessageName`.
    fn format_message_name(&self, message: &MessageDescriptor) -> String {
        self.format_message_name_parts(message.package_name(), &Self::message_name(message), message.full_name())
    }

    fn format_message_name_parts(&self, package: &str, message_name: &str, full_name: &str) -> String {
        let mut name = message_name.to_string();
        if !self.options.fq_schema_naming {
            if full_name == "google.protobuf.Value" {
                name = "GoogleProtobufValue".into();
            } else if full_name == "google.protobuf.Any" {
                name = "GoogleProtobufAny".into();
            }
        }
        if self.options.naming == Naming::Json {
            if name.len() > 1 {
                let mut chars = name.chars();
                let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
                name = first + chars.as_str();
            } else if name.len() == 1 {
                name = name.to_lowercase();
            }
        }
        if self.options.fq_schema_naming {
            name = format!("{package}.{name}");
        }
        name
    }

    /// `responseContentForMessage`.
    fn response_content(&mut self, message: &MessageDescriptor) -> (String, Node) {
        match message.full_name() {
            "google.protobuf.Empty" => ("200".into(), Node::map()),
            "google.api.HttpBody" => ("200".into(), Node::map().with("*/*", Node::map())),
            _ => ("200".into(), json_content(self.schema_for_message(message))),
        }
    }

    fn schema_reference(&mut self, message: &MessageDescriptor) -> Node {
        let name = self.format_message_name(message);
        if !self.generated_schemas.contains(&name)
            && let Some(positions) = self.positions.get(&name)
        {
            self.pending.extend(positions.iter().copied());
        }
        reference(&name)
    }

    /// `schemaOrReferenceForMessage`: `None` for Empty (left out of objects).
    fn schema_for_message(&mut self, message: &MessageDescriptor) -> Option<Node> {
        Some(match message.full_name() {
            "google.api.HttpBody" => typed("string"),
            "google.protobuf.Timestamp" => typed_format("string", "date-time"),
            "google.type.Date" => typed_format("string", "date"),
            "google.type.DateTime" => typed_format("string", "date-time"),
            "google.protobuf.FieldMask" => typed_format("string", "field-mask"),
            "google.protobuf.Struct" => typed("object"),
            "google.protobuf.Empty" => return None,
            "google.protobuf.BoolValue" => typed("boolean"),
            "google.protobuf.BytesValue" => typed_format("string", "bytes"),
            "google.protobuf.Int32Value" => typed_format("integer", "int32"),
            "google.protobuf.UInt32Value" => typed_format("integer", "uint32"),
            "google.protobuf.StringValue" | "google.protobuf.Int64Value" | "google.protobuf.UInt64Value" => {
                typed("string")
            }
            "google.protobuf.FloatValue" => typed_format("number", "float"),
            "google.protobuf.DoubleValue" => typed_format("number", "double"),
            _ => self.schema_reference(message),
        })
    }

    /// `schemaOrReferenceForField`.
    fn schema_for_field(&mut self, field: &FieldDescriptor) -> Option<Node> {
        let kind_schema = match field.kind() {
            Kind::Message(entry) if field.is_map() => {
                let value = entry.map_entry_value_field();
                let mut map = typed("object");
                if let Some(value_schema) = self.schema_for_field(&value) {
                    map.set("additionalProperties", value_schema);
                }
                return Some(map);
            }
            _ if field.is_group() => return None,
            Kind::Message(message) => self.schema_for_message(&message)?,
            Kind::String => typed("string"),
            Kind::Int32 => typed_format("integer", "int32"),
            Kind::Sint32 => typed_format("integer", "sint32"),
            Kind::Uint32 => typed_format("integer", "uint32"),
            Kind::Sfixed32 => typed_format("integer", "sfixed32"),
            Kind::Fixed32 => typed_format("integer", "fixed32"),
            Kind::Int64 | Kind::Sint64 | Kind::Uint64 | Kind::Sfixed64 | Kind::Fixed64 => typed("string"),
            Kind::Enum(enum_type) => match self.options.enum_type {
                EnumType::String => Node::map()
                    // In declaration order, as gnostic lists `Enum().Values()`
                    // (prost-reflect's `values()` goes by number).
                    .with("enum", Node::Seq(enum_type.declared_values().map(|v| Node::str(v.name())).collect()))
                    .with("type", Node::str("string"))
                    .with("format", Node::str("enum")),
                EnumType::Integer => typed_format("integer", "enum"),
            },
            Kind::Bool => typed("boolean"),
            Kind::Float => typed_format("number", "float"),
            Kind::Double => typed_format("number", "double"),
            Kind::Bytes => typed_format("string", "bytes"),
        };
        if field.is_list() {
            return Some(typed("array").with("items", kind_schema));
        }
        Some(kind_schema)
    }

    fn add_schema(&mut self, name: String, schema: Node) {
        if self.generated_schemas.contains(&name) {
            return;
        }
        self.generated_schemas.insert(name.clone());
        if let Some(positions) = self.positions.get(&name) {
            for at in positions {
                self.pending.remove(at);
            }
        }
        self.schemas.push((name, schema));
    }

    /// Fills `traversal` and `positions`: `addSchemasForMessagesToDocumentV3`'s
    /// walk, done once.
    fn index_messages(&mut self, inputs: &[String]) {
        fn walk(generator: &mut Generator<'_, '_>, message: MessageDescriptor) {
            for nested in message.child_messages() {
                walk(generator, nested);
            }
            let name = generator.format_message_name(&message);
            generator.positions.entry(name.clone()).or_default().push(generator.traversal.len());
            generator.traversal.push((name, message));
        }
        // protoc sends the plugin the files to generate and everything they
        // import, dependencies first: gnostic looks for schemas in those only.
        let pool = &self.model.compilation.pool;
        let mut request: HashSet<String> = HashSet::new();
        let mut stack: Vec<_> = inputs.iter().filter_map(|name| pool.get_file_by_name(name)).collect();
        while let Some(file) = stack.pop() {
            if request.insert(file.name().to_string()) {
                stack.extend(file.dependencies());
            }
        }
        let files: Vec<_> = pool.files().filter(|f| request.contains(f.name())).collect();
        for file in files {
            for message in file.messages() {
                walk(self, message);
            }
        }
    }

    /// `addSchemasForMessagesToDocumentV3`'s body for one message.
    fn add_schema_for_message(&mut self, schema_name: String, message: &MessageDescriptor) {
        {
            match message.full_name() {
                "google.protobuf.Value" => {
                    self.add_schema(schema_name, value_schema());
                    return;
                }
                "google.protobuf.Any" => {
                    self.add_schema(schema_name, any_schema());
                    return;
                }
                "google.rpc.Status" => {
                    let any_name = self.format_message_name_parts("google.protobuf", "Any", "google.protobuf.Any");
                    self.add_schema(any_name.clone(), any_schema());
                    self.add_schema(schema_name, status_schema(&any_name));
                    return;
                }
                _ => {}
            }
            let message_description = filter_comment(&self.leading(message.parent_file().name(), message.path()), true);
            let mut properties = Vec::new();
            let mut required = Vec::new();
            for field in message.declared_fields() {
                let description = self.field_comment(&field);
                let behaviors = field_behaviors(&field);
                let output_only = behaviors.iter().any(|b| b == "OUTPUT_ONLY");
                let input_only = behaviors.iter().any(|b| b == "INPUT_ONLY");
                if behaviors.iter().any(|b| b == "REQUIRED") {
                    required.push(Node::str(self.format_field_name(&field)));
                }
                let Some(mut schema) = self.schema_for_field(&field) else { continue };
                if (input_only || output_only || !description.is_empty()) && is_reference(&schema) {
                    schema = Node::map().with("allOf", Node::Seq(vec![schema]));
                }
                if !is_reference(&schema) {
                    if !description.is_empty() {
                        schema.set("description", Node::str(&description));
                    }
                    if output_only {
                        schema.set("readOnly", Node::Bool(true));
                    }
                    if input_only {
                        schema.set("writeOnly", Node::Bool(true));
                    }
                    if let Some(extension) = openapi_extension(&field.options()) {
                        schema.merge(openapi_node(&extension));
                    }
                    schema = ordered_schema(schema);
                }
                properties.push((self.format_field_name(&field), schema));
            }
            let mut schema = Node::map();
            if !required.is_empty() {
                schema.set("required", Node::Seq(required));
            }
            schema.set("type", Node::str("object"));
            schema.set("properties", Node::Map(properties));
            if !message_description.is_empty() {
                schema.set("description", Node::str(message_description));
            }
            if let Some(extension) = openapi_extension(&message.options()) {
                schema.merge(openapi_node(&extension));
            }
            self.add_schema(schema_name, ordered_schema(schema));
        }
    }
}

const WRAPPER_NAMES: &[&str] = &[
    "google.protobuf.BoolValue",
    "google.protobuf.BytesValue",
    "google.protobuf.Int32Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.StringValue",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.FloatValue",
    "google.protobuf.DoubleValue",
];

/// Whether `_buildQueryParamsV3` gives `field` at least one parameter when it
/// expands it: not maps, groups or repeated messages (wrappers and `Value`
/// excepted), nor messages without fields.
fn yields_parameters(field: &FieldDescriptor) -> bool {
    if field.is_map() || field.is_group() {
        return false;
    }
    match field.kind() {
        Kind::Message(message) => {
            let single = message.full_name() == "google.protobuf.Value" || WRAPPER_NAMES.contains(&message.full_name());
            single || (!field.is_list() && message.fields().next().is_some())
        }
        _ => true,
    }
}

fn json_content(schema: Option<Node>) -> Node {
    let media = match schema {
        Some(schema) => Node::map().with("schema", schema),
        None => Node::map(),
    };
    Node::map().with("application/json", media)
}

/// Puts `operation` on `verb` of a path item, in gnostic's PathItem key order;
/// a later operation on the same verb and path replaces the earlier one.
fn set_operation(item: &mut Node, verb: &str, operation: Node) {
    const ORDER: &[&str] = &["get", "put", "post", "delete", "patch"];
    if !ORDER.contains(&verb) {
        return;
    }
    item.set(verb, operation);
    if let Node::Map(entries) = item {
        let rank = |key: &str| ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len());
        entries.sort_by_key(|(key, _)| rank(key));
    }
}

/// Numbers the second and later uses of an operation ID (`X` → `X2`, `X3`, ...).
fn unique_operation_ids(paths: &mut [(String, Node)]) {
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for (_, item) in paths.iter_mut() {
        let Node::Map(operations) = item else { continue };
        for (_, operation) in operations.iter_mut() {
            let Some(id) = operation.get("operationId").and_then(Node::as_str).map(str::to_string) else { continue };
            let mut unique = id.clone();
            let mut n = 2;
            while seen.contains(&unique) {
                unique = format!("{id}{n}");
                n += 1;
            }
            seen.insert(unique.clone());
            if unique != id {
                operation.set("operationId", Node::str(unique));
            }
        }
    }
}

/// Whether `path`'s `{name}` parts are balanced, distinct, plain names, each
/// declared once by `parameters` (path parameters only) and nothing more.
fn path_is_valid(path: &str, parameters: &[Node]) -> bool {
    let mut names: Vec<&str> = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return false;
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find(['{', '}']) else { return false };
        let name = &after[..close];
        if !after[close..].starts_with('}')
            || name.is_empty()
            || name.contains(['=', '*', '/'])
            || names.contains(&name)
        {
            return false;
        }
        names.push(name);
        rest = &after[close + 1..];
    }
    let declared: Vec<&str> = parameters.iter().filter_map(|p| p.get("name").and_then(Node::as_str)).collect();
    declared.len() == names.len() && names.iter().all(|name| declared.contains(name))
}

/// The simple variables of a template: the text of every `{([^=}]+)}`.
fn simple_variables(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let end = after.find(['=', '}']).unwrap_or(after.len());
        if end > 0 && after[end..].starts_with('}') {
            names.push(after[..end].to_string());
            rest = &after[end + 1..];
        } else {
            rest = after;
        }
    }
    names
}

/// The first match of `{(.+)=(.+)}` (greedy, no line breaks in paths): the whole
/// match, the first group and the second.
fn named_variable(path: &str) -> Option<(String, String, String)> {
    for (open, _) in path.match_indices('{') {
        let after = &path[open + 1..];
        // Greedy `(.+)=`: the last `=` that still leaves `.+}` after it.
        let close = after.rfind('}')?;
        let equals = after[..close].rfind('=').filter(|e| *e > 0 && close > e + 1);
        if let Some(equals) = equals {
            return Some((
                path[open..open + 1 + close + 1].to_string(),
                after[..equals].to_string(),
                after[equals + 1..close].to_string(),
            ));
        }
    }
    None
}

/// An operation's server from `google.api.default_host`, as Go's `url.Parse`
/// then `Scheme = "https"` writes it.
fn server_url(default_host: &str) -> Option<String> {
    if default_host.is_empty() {
        return None;
    }
    // A leading `scheme:` (letters, digits, `+-.`, starting with a letter) is a scheme.
    if let Some((scheme, rest)) = default_host.split_once(':')
        && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Some(match rest.strip_prefix("//") {
            Some(authority) => format!("https://{authority}"),
            None => format!("https:{rest}"),
        });
    }
    Some(format!("https://{default_host}"))
}

/// Path-item and document servers, as the generator moves them: a path whose
/// operations share one server gets it at path level; when that leaves one
/// server (the last path's, gnostic's `allServers`) it moves to the document.
fn move_servers(paths: &mut [(String, Node)]) -> Vec<String> {
    let mut all_servers: Vec<String> = Vec::new();
    for (_, item) in paths.iter_mut() {
        let mut servers: Vec<String> = Vec::new();
        for verb in ["get", "post", "put", "delete", "patch"] {
            let url = item.get(verb).and_then(|op| op.get("servers")).and_then(|s| match s {
                Node::Seq(list) if list.len() == 1 => list[0].get("url").and_then(Node::as_str).map(str::to_string),
                _ => None,
            });
            if let Some(url) = url {
                if !servers.contains(&url) {
                    servers.push(url.clone());
                }
                // gnostic assigns `allServers = appendUnique(servers, url)`.
                all_servers = servers.clone();
            }
        }
        if servers.len() == 1 {
            for verb in ["get", "post", "put", "delete", "patch"] {
                if let Some(op) = item.get_mut(verb) {
                    op.remove("servers");
                }
            }
            item.set("servers", Node::Seq(vec![Node::map().with("url", Node::str(&servers[0]))]));
        }
    }
    if all_servers.len() == 1 {
        for (_, item) in paths.iter_mut() {
            item.remove("servers");
        }
    }
    all_servers
}

fn value_schema() -> Node {
    Node::map().with("description", Node::str("Represents a dynamically typed value which can be either null, a number, a string, a boolean, a recursive struct value, or a list of values."))
}

fn any_schema() -> Node {
    Node::map()
        .with("type", Node::str("object"))
        .with(
            "properties",
            Node::map().with(
                "@type",
                typed("string").with("description", Node::str("The type of the serialized message.")),
            ),
        )
        .with("additionalProperties", Node::Bool(true))
        .with("description", Node::str("Contains an arbitrary serialized message along with a @type that describes the type of the serialized message."))
}

fn status_schema(any_name: &str) -> Node {
    Node::map()
        .with("type", Node::str("object"))
        .with(
            "properties",
            Node::map()
                .with(
                    "code",
                    typed("integer")
                        .with("description", Node::str("The status code, which should be an enum value of [google.rpc.Code][google.rpc.Code]."))
                        .with("format", Node::str("int32")),
                )
                .with(
                    "message",
                    typed("string").with("description", Node::str("A developer-facing error message, which should be in English. Any user-facing error message should be localized and sent in the [google.rpc.Status.details][google.rpc.Status.details] field, or localized by the client.")),
                )
                .with(
                    "details",
                    typed("array")
                        .with("items", reference(any_name))
                        .with("description", Node::str("A list of messages that carry the error details.  There is a common set of message types for APIs to use.")),
                ),
        )
        .with("description", Node::str("The `Status` type defines a logical error model that is suitable for different programming environments, including REST APIs and RPC APIs. It is used by [gRPC](https://github.com/grpc). Each `Status` message contains three pieces of data: error code, error message, and error details. You can find out more about this error model and how to work with it in the [API Design Guide](https://cloud.google.com/apis/design/errors)."))
}

/// gnostic's `openapi.v3` option on an element, when set.
fn openapi_extension(options: &DynamicMessage) -> Option<DynamicMessage> {
    options.extensions().find_map(|(ext, value)| {
        let named = ext.full_name().starts_with("openapi.v3.") || ext.number() == OPENAPI_V3_EXTENSION;
        match value {
            ProtoValue::Message(message) if named => Some(message.clone()),
            _ => None,
        }
    })
}

/// An `openapi.v3` message (Document, Operation, Schema, ...) as the OpenAPI
/// object it stands for: field names in their JSON spelling, `_ref` as `$ref`,
/// `Named*` lists as maps, `*OrReference` wrappers unwrapped, `Any` parsed from
/// its YAML, `specification_extension` as `x-` keys.
pub fn openapi_node(message: &DynamicMessage) -> Node {
    let descriptor = message.descriptor();
    let type_name = descriptor.name();
    // Wrappers around a oneof: the value set is the object.
    if type_name.ends_with("OrReference")
        || matches!(type_name, "AnyOrExpression" | "DefaultType" | "AdditionalPropertiesItem" | "ItemsItem")
    {
        return match message.fields().next() {
            Some((field, ProtoValue::List(items))) if type_name == "ItemsItem" => {
                items.first().map(|v| proto_value_node(&field, v)).unwrap_or(Node::map())
            }
            Some((field, value)) => proto_value_node(&field, value),
            None => Node::map(),
        };
    }
    if type_name == "Any" {
        let yaml = message.get_field_by_name("yaml").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        return from_yaml_text(&yaml).unwrap_or(Node::str(yaml));
    }
    let mut node = Node::map();
    for (field, value) in message.fields() {
        let key = match field.name() {
            "_ref" => "$ref".to_string(),
            "specification_extension" => {
                if let ProtoValue::List(items) = value {
                    for item in items {
                        if let ProtoValue::Message(named) = item {
                            let (name, value) = named_pair(named);
                            node.set(&name, value);
                        }
                    }
                }
                continue;
            }
            _ => field.json_name().to_string(),
        };
        node.set(&key, proto_value_node(&field, value));
    }
    // Messages holding only `additional_properties` / `path` lists of named
    // entries (Properties, Paths, Responses, ...) are maps of those entries.
    if let Node::Map(entries) = &node
        && entries.len() == 1
        && let Node::Map(_) = &entries[0].1
        && descriptor.fields().count() <= 2
        && descriptor
            .fields()
            .any(|f| f.is_list() && matches!(f.kind(), Kind::Message(m) if m.name().starts_with("Named")))
    {
        return entries[0].1.clone();
    }
    node
}

fn named_pair(named: &DynamicMessage) -> (String, Node) {
    let name = named.get_field_by_name("name").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let value = match named.get_field_by_name("value").as_deref() {
        Some(ProtoValue::Message(m)) => openapi_node(m),
        Some(ProtoValue::String(s)) => Node::str(s),
        _ => Node::Null,
    };
    (name, value)
}

fn proto_value_node(field: &FieldDescriptor, value: &ProtoValue) -> Node {
    match value {
        ProtoValue::Bool(b) => Node::Bool(*b),
        ProtoValue::I32(n) => Node::Int(i64::from(*n)),
        ProtoValue::I64(n) => Node::Int(*n),
        ProtoValue::U32(n) => Node::Int(i64::from(*n)),
        ProtoValue::U64(n) => Node::Int(i64::try_from(*n).unwrap_or(i64::MAX)),
        ProtoValue::F32(f) => Node::Float(f64::from(*f)),
        ProtoValue::F64(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                Node::Int(*f as i64)
            } else {
                Node::Float(*f)
            }
        }
        ProtoValue::String(s) => Node::str(s),
        ProtoValue::Bytes(b) => Node::str(String::from_utf8_lossy(b)),
        ProtoValue::EnumNumber(n) => Node::Int(i64::from(*n)),
        ProtoValue::Message(m) => openapi_node(m),
        ProtoValue::List(items) => {
            let named = matches!(field.kind(), Kind::Message(m) if m.name().starts_with("Named"));
            if named {
                Node::Map(
                    items
                        .iter()
                        .filter_map(|item| match item {
                            ProtoValue::Message(m) => Some(named_pair(m)),
                            _ => None,
                        })
                        .collect(),
                )
            } else {
                Node::Seq(items.iter().map(|item| proto_value_node(field, item)).collect())
            }
        }
        ProtoValue::Map(map) => Node::Map(
            map.iter()
                .map(|(k, v)| (format!("{k:?}").trim_matches('"').to_string(), proto_value_node(field, v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gnostic_helpers() {
        assert_eq!(singular("shelves"), "shelf");
        assert_eq!(singular("policies"), "policy");
        assert_eq!(singular("books"), "book");
        assert_eq!(go_camel_case("SayHello"), "SayHello");
        assert_eq!(go_camel_case("say_hello"), "SayHello");
        assert_eq!(go_camel_case("get_v2_thing"), "GetV2Thing");
        assert_eq!(simple_variables("/v1/shelves/{shelf}/books/{book.id}:x"), ["shelf", "book.id"]);
        assert!(simple_variables("/v1/{name=shelves/*}").is_empty());
        assert_eq!(
            named_variable("/v1/{name=shelves/*}/books"),
            Some(("{name=shelves/*}".into(), "name".into(), "shelves/*".into()))
        );
        assert_eq!(server_url("foo.googleapis.com").as_deref(), Some("https://foo.googleapis.com"));
        let path_param = |name: &str| Node::map().with("name", Node::str(name)).with("in", Node::str("path"));
        assert!(path_is_valid("/v1/shelves/{shelf}/books/{book}", &[path_param("shelf"), path_param("book")]));
        assert!(!path_is_valid("/v1/shelves/{shelf}", &[]), "undeclared");
        assert!(!path_is_valid("/v1/shelves", &[path_param("shelf")]), "declared, not in the path");
        assert!(!path_is_valid("/v1/{a}/{a}", &[path_param("a"), path_param("a")]), "twice");
        assert!(!path_is_valid("/v1/{parent=projects/*}/{x}", &[path_param("x")]), "raw template");
        assert!(!path_is_valid("/v1/{x", &[path_param("x")]), "unbalanced");
        assert_eq!(filter_comment(" Gets a book.\n (-- api-linter: x --)\n", false), "Gets a book.");
        assert_eq!(filter_comment(" Line one\n line two.\n", true), "Line one line two.");
        // `\(-- .* --\)` needs both spaces: "(-- --)" shares one and is kept.
        assert_eq!(filter_comment(" a (-- --) b", false), "a (-- --) b");
        assert_eq!(filter_comment(" a (--  --) b", false), "a  b");
    }
}
