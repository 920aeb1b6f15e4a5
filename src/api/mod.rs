//! The API model: services → methods → HTTP bindings, built once from a
//! [`Compilation`] (with `src/annotations/` for `google.api.http` and the error
//! table from `src/errors/`). It is the one place that knows how a method is
//! reached over HTTP: which request fields the path variables fill, what the
//! body is, which fields are left for the query string, what the response body
//! is. The docs site, `idl openapi` and the `HTTP_*` lint rules read it; a mock
//! server matches requests with [`Model::route`] and binds path and query values
//! into the request message with [`Binding`]'s parameters.
//!
//! Schemas are the compilation's descriptors: [`json`] says how each field looks
//! in proto3 JSON (names, well-known types, behaviours), so renderers never
//! decide that themselves.

pub mod json;
pub mod route;

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor, MethodDescriptor, ServiceDescriptor};
use serde::Serialize;

use crate::annotations::http::{
    FieldPathError, HttpBinding, PathTemplate, TemplateError, http_bindings, resolve_field_path,
};
use crate::compile::{Compilation, CompiledFile};
use crate::errors::ErrorRow;

/// Version of the model's JSON form; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// `google.api.default_host` (ServiceOptions extension 1049).
const DEFAULT_HOST_NUMBER: u32 = 1049;

/// The model of a compilation's target files.
#[derive(Clone, Serialize)]
pub struct Model<'c> {
    pub schema_version: u32,
    /// Services of the target files: files by import name, services and methods
    /// in declaration order.
    pub services: Vec<Service>,
    /// The error table's rows (business errors the API's packages declare).
    pub errors: Vec<ErrorRow>,
    #[serde(skip)]
    pub compilation: &'c Compilation,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub name: String,
    pub full_name: String,
    pub package: String,
    /// Import name of the declaring file.
    pub file: String,
    /// The leading comment as written (without `//`), empty when none.
    pub leading_comment: String,
    pub deprecated: bool,
    /// `google.api.default_host`, empty when unset.
    pub default_host: String,
    pub methods: Vec<Method>,
    #[serde(skip)]
    pub descriptor: ServiceDescriptor,
}

#[derive(Debug, Clone, Serialize)]
pub struct Method {
    pub name: String,
    pub full_name: String,
    pub leading_comment: String,
    pub deprecated: bool,
    /// Full name of the request message.
    pub request: String,
    /// Full name of the response message.
    pub response: String,
    pub client_streaming: bool,
    pub server_streaming: bool,
    /// `google.api.http`: the primary binding first, then `additional_bindings`.
    pub bindings: Vec<Binding>,
    #[serde(skip)]
    pub descriptor: MethodDescriptor,
}

/// What the HTTP body carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "field")]
pub enum Body {
    /// No body: every field not in the path is a query parameter.
    None,
    /// `body: "*"`: the whole request except the path variables; no query parameters.
    Whole,
    /// `body: "field"`: that top-level field; the rest not in the path are query parameters.
    Field(String),
}

/// One HTTP binding of a method with its parts resolved against the request.
#[derive(Debug, Clone, Serialize)]
pub struct Binding {
    /// `GET`, `PUT`, `POST`, `DELETE`, `PATCH`, or a custom verb as written.
    pub verb: String,
    /// Whether the verb came from `custom { kind: ... }`.
    pub custom: bool,
    /// The path template as written.
    pub path: String,
    /// `body` as written: empty when unset, `*`, or a field name.
    pub body: String,
    /// `response_body` as written: empty when unset.
    pub response_body: String,
    /// 0 for the primary rule, `n` for `additional_bindings[n - 1]`.
    pub index: usize,
    /// The path template parsed, or why it does not parse.
    #[serde(skip)]
    pub template: Result<PathTemplate, TemplateError>,
    /// `body` interpreted.
    pub body_kind: Body,
    /// The route with variables replaced by what they match (`/v1/shelves/*`),
    /// empty when the template does not parse.
    pub route: String,
    pub path_params: Vec<PathParam>,
    /// Request fields read from the query string, as the HttpRule doc defines
    /// them: fields bound by neither the path nor the body, message fields
    /// expanded to their leaves; none when the body is `*`.
    pub query_params: Vec<QueryParam>,
}

impl Binding {
    /// The parsed path template.
    pub fn template(&self) -> Result<&PathTemplate, &TemplateError> {
        self.template.as_ref()
    }

    /// The binding's fields as `src/annotations` reads them.
    pub fn as_http_binding(&self) -> HttpBinding {
        HttpBinding {
            verb: self.verb.clone(),
            custom: self.custom,
            path: self.path.clone(),
            body: self.body.clone(),
            response_body: self.response_body.clone(),
            index: self.index,
        }
    }
}

/// A path variable and the request field it fills.
#[derive(Debug, Clone, Serialize)]
pub struct PathParam {
    /// As written in the template: `name`, `book.id`.
    pub field_path: String,
    /// Full name of the field bound, when the path resolves in the request.
    pub field: Option<String>,
    /// JSON names along the path: `book.id` → `book.id`, `user_id` → `userId`.
    pub json_path: Option<String>,
    /// The fields the path walks through, or why it does not resolve.
    #[serde(skip)]
    pub fields: Result<Vec<FieldDescriptor>, FieldPathError>,
}

/// A request field read from the query string.
#[derive(Debug, Clone, Serialize)]
pub struct QueryParam {
    /// Dotted proto names from the request: `page_size`, `filter.state`.
    pub name: String,
    /// Dotted JSON names: `pageSize`, `filter.state` (both are accepted by transcoders).
    pub json_name: String,
    /// Full name of the leaf field.
    pub field: String,
    /// A repeated scalar, given as `?x=a&x=b`.
    pub repeated: bool,
}

/// Builds the model of the compilation's target files.
pub fn build(compilation: &Compilation, errors: Vec<ErrorRow>) -> Model<'_> {
    let mut files: Vec<&CompiledFile> = compilation.files.iter().filter(|f| f.is_target).collect();
    files.sort_by(|a, b| a.source.name.cmp(&b.source.name));
    let mut services = Vec::new();
    for file in files {
        let Some(descriptor) = compilation.pool.get_file_by_name(&file.source.name) else { continue };
        let file_deprecated = descriptor.typed_options().is_some_and(|o| o.deprecated());
        for service in descriptor.services() {
            services.push(service_model(file, &service, file_deprecated));
        }
    }
    Model { schema_version: SCHEMA_VERSION, services, errors, compilation }
}

impl<'c> Model<'c> {
    /// The compiled file named `name` (import name).
    pub fn file(&self, name: &str) -> Option<&'c CompiledFile> {
        self.compilation.files.iter().find(|f| f.source.name == name)
    }

    /// Every (service, method, binding), in model order.
    pub fn bindings(&self) -> impl Iterator<Item = (&Service, &Method, &Binding)> {
        self.services.iter().flat_map(|s| s.methods.iter().flat_map(move |m| m.bindings.iter().map(move |b| (s, m, b))))
    }

    /// The method and binding serving `verb path` (a URL path without query),
    /// with the path variables' values; the first binding in model order wins,
    /// as a gateway that loads the services in that order routes.
    pub fn route(&self, verb: &str, path: &str) -> Option<route::RouteMatch<'_>> {
        self.bindings().find_map(|(service, method, binding)| {
            if !binding.verb.eq_ignore_ascii_case(verb) {
                return None;
            }
            let template = binding.template().ok()?;
            let values = route::match_path(template, path)?;
            Some(route::RouteMatch { service, method, binding, values })
        })
    }
}

fn leading_comment(file: &CompiledFile, path: &[i32]) -> String {
    file.locations.get(path).and_then(|l| l.leading()).unwrap_or_default().to_string()
}

fn service_model(file: &CompiledFile, service: &ServiceDescriptor, file_deprecated: bool) -> Service {
    let deprecated = file_deprecated || service.typed_options().is_some_and(|o| o.deprecated());
    let default_host = service
        .options()
        .extensions()
        .find(|(ext, _)| ext.full_name() == "google.api.default_host" || ext.number() == DEFAULT_HOST_NUMBER)
        .and_then(|(_, value)| value.as_str().map(str::to_string))
        .unwrap_or_default();
    let methods = service
        .methods()
        .map(|method| Method {
            name: method.name().to_string(),
            full_name: method.full_name().to_string(),
            leading_comment: leading_comment(file, method.path()),
            deprecated: deprecated || method.typed_options().is_some_and(|o| o.deprecated()),
            request: method.input().full_name().to_string(),
            response: method.output().full_name().to_string(),
            client_streaming: method.is_client_streaming(),
            server_streaming: method.is_server_streaming(),
            bindings: method_bindings(&method),
            descriptor: method,
        })
        .collect();
    Service {
        name: service.name().to_string(),
        full_name: service.full_name().to_string(),
        package: service.package_name().to_string(),
        file: file.source.name.clone(),
        leading_comment: leading_comment(file, service.path()),
        deprecated,
        default_host,
        methods,
        descriptor: service.clone(),
    }
}

/// The bindings of one method, resolved against its request. [`build`] calls
/// this for every method; the lint rules, which walk one file at a time, call it
/// for the method they look at, so both read the same resolution.
pub fn method_bindings(method: &MethodDescriptor) -> Vec<Binding> {
    let request = method.input();
    http_bindings(method).into_iter().map(|binding| resolve_binding(&request, binding)).collect()
}

fn resolve_binding(request: &MessageDescriptor, binding: HttpBinding) -> Binding {
    let template = PathTemplate::parse(&binding.path);
    let path_params: Vec<PathParam> = template
        .as_ref()
        .map(|t| {
            t.variables()
                .into_iter()
                .map(|variable| {
                    let fields = resolve_field_path(request, &variable.field_path);
                    let field = fields.as_ref().ok().and_then(|f| f.last()).map(|f| f.full_name().to_string());
                    let json_path = fields
                        .as_ref()
                        .ok()
                        .map(|f| f.iter().map(|f| f.json_name().to_string()).collect::<Vec<_>>().join("."));
                    PathParam { field_path: variable.field_path_str(), field, json_path, fields }
                })
                .collect()
        })
        .unwrap_or_default();
    let body_kind = match binding.body.as_str() {
        "" => Body::None,
        "*" => Body::Whole,
        field => Body::Field(field.to_string()),
    };
    let query_params = if body_kind == Body::Whole {
        Vec::new()
    } else {
        let bound: Vec<Vec<String>> = path_params
            .iter()
            .map(|p| p.field_path.split('.').map(str::to_string).collect())
            .chain(match &body_kind {
                Body::Field(field) => Some(vec![field.clone()]),
                _ => None,
            })
            .collect();
        let mut params = Vec::new();
        let mut stack = vec![request.full_name().to_string()];
        query_fields(request, &bound, &mut Vec::new(), &mut Vec::new(), &mut stack, &mut params);
        params
    };
    let route = template.as_ref().map(|t| t.route()).unwrap_or_default();
    Binding {
        verb: binding.verb,
        custom: binding.custom,
        path: binding.path,
        body: binding.body,
        response_body: binding.response_body,
        index: binding.index,
        template,
        body_kind,
        route,
        path_params,
        query_params,
    }
}

/// Collects the query parameters below `message`: every field not bound (a bound
/// path is excluded with everything under it), scalars and enums (repeated or
/// not) as they are, singular messages expanded, except the well-known types
/// that have a string form; maps and repeated messages cannot be given in a
/// query. In declaration order; a message already on `stack` is not expanded
/// again (cycles).
fn query_fields(
    message: &MessageDescriptor,
    bound: &[Vec<String>],
    names: &mut Vec<String>,
    json_names: &mut Vec<String>,
    stack: &mut Vec<String>,
    out: &mut Vec<QueryParam>,
) {
    for field in message.declared_fields() {
        names.push(field.name().to_string());
        json_names.push(field.json_name().to_string());
        let is_bound = bound.iter().any(|b| b.as_slice() == names.as_slice());
        let leads_to_bound = bound.iter().any(|b| b.len() > names.len() && b.starts_with(names));
        if !is_bound && !field.is_map() {
            match field.kind() {
                Kind::Message(inner) if !json::is_scalar_like(inner.full_name()) => {
                    let expand = !field.is_list() && !stack.iter().any(|s| s == inner.full_name());
                    if expand {
                        stack.push(inner.full_name().to_string());
                        query_fields(&inner, bound, names, json_names, stack, out);
                        stack.pop();
                    }
                }
                _ if !leads_to_bound => out.push(QueryParam {
                    name: names.join("."),
                    json_name: json_names.join("."),
                    field: field.full_name().to_string(),
                    repeated: field.is_list(),
                }),
                _ => {}
            }
        }
        names.pop();
        json_names.pop();
    }
}

#[cfg(test)]
mod tests;
