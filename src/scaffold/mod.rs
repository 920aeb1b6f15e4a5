//! `idl new`: the skeleton of a new API file (Kratos's `kratos proto add`), written
//! in the workspace's own conventions so that it passes the workspace's lint
//! preset and `idl format --check` as written.
//!
//! [`plan`] reads the conventions: the lint rules the config selects (service
//! suffix, enum zero-value suffix, value prefixes, file element order, the Uber
//! file layout), the imports the workspace can resolve (`google/api` for HTTP
//! routes and field behaviours, Kratos's `errors/errors.proto`), the error
//! convention its existing error enums follow (Kratos options, Ego comments), and
//! the file options of the package's other files or of the other packages
//! (`go_package`, `java_package` patterns). [`render`] writes the text. The caller
//! (`src/cli/new.rs`) then lets the lint fixes fill in what a rule derives
//! (`FILE_OPTION_VALUE`), formats, and lints the result once more.

mod options;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::compile::Compilation;
use crate::diagnostic::Diagnostic;
use crate::errors::Style;
use crate::lint::casing::{to_lower_snake_case, to_pascal_case, to_upper_snake_case};
use crate::lint::{OptionValue, SelectedRule};
use crate::workspace::Workspace;

pub use options::FileOption;

/// The rule ID of `idl new`'s own errors (a path it cannot derive a package
/// from, a name that does not fit the workspace's layout).
pub const NEW_RULE: &str = "NEW";

/// `google.api.http` and `google.api.field_behavior`, when the workspace can import them.
const HTTP_IMPORT: &str = "google/api/annotations.proto";
const FIELD_BEHAVIOR_IMPORT: &str = "google/api/field_behavior.proto";
/// Kratos's error options (`errors.default_code`, `errors.code`).
const KRATOS_ERRORS_IMPORT: &str = "errors/errors.proto";
const KRATOS_DEFAULT_CODE: &str = "errors.default_code";

/// How the new file declares its business errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorConvention {
    /// `option (errors.default_code)` and `[(errors.code) = N]`, importing `import`.
    Kratos { import: String },
    /// Ego's `@code=` comments in a `@plugins=protoc-gen-go-errors` file.
    Ego,
    /// A plain enum whose comments are the messages.
    Plain,
}

impl ErrorConvention {
    pub fn name(&self) -> &'static str {
        match self {
            ErrorConvention::Kratos { .. } => "kratos",
            ErrorConvention::Ego => "ego",
            ErrorConvention::Plain => "plain",
        }
    }
}

/// One standard method of the new service.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Method {
    pub name: String,
    pub request: String,
    pub response: String,
    /// `(verb, path)` when the workspace can import `google.api.http`.
    pub http: Option<(&'static str, String)>,
    /// The request field the HTTP body binds (`user`), if any.
    #[serde(skip)]
    pub body: Option<String>,
    #[serde(skip)]
    comment: String,
}

/// Everything [`render`] needs, derived from the workspace.
#[derive(Debug, Clone)]
pub struct Plan {
    pub package: String,
    pub service: String,
    /// The resource the methods manage: `User`, `users`, `user`.
    pub resource: String,
    pub plural: String,
    pub resource_field: String,
    pub methods: Vec<Method>,
    pub error_enum: String,
    pub error_values: Vec<(String, &'static str, i32)>,
    pub zero_value: String,
    pub errors: ErrorConvention,
    pub field_behavior: bool,
    pub file_options: Vec<FileOption>,
    /// `FILE_ELEMENT_ORDER`'s order of the header sections, when the rule is on.
    pub header_order: Vec<String>,
    /// `MAX_LINE_LENGTH`'s limit, when the rule is on: field behaviours are left
    /// out of lines they would make too long.
    pub max_line_length: Option<usize>,
    /// What the user should know: routes left out, conventions picked.
    pub notes: Vec<String>,
}

/// Derives the plan of the file with import name `import_name` (`acme/user/v1/user.proto`).
/// `rules` are the lint rules the workspace selects; `existing` is the compiled
/// workspace the new file joins; `service` is `--service`.
pub fn plan(
    import_name: &str,
    workspace: &Workspace,
    rules: &[SelectedRule],
    existing: &Compilation,
    service: Option<&str>,
) -> Result<Plan, Box<Diagnostic>> {
    let fail = |message: String| Box::new(Diagnostic::error(NEW_RULE, message).with_path(import_name));
    let (dir, file) = import_name.rsplit_once('/').ok_or_else(|| {
        fail(format!(
            "cannot derive a package from `{import_name}`: give a path like api/<name>/v1/<name>.proto under a root"
        ))
    })?;
    let Some(stem) = file.strip_suffix(".proto") else {
        return Err(fail(format!("`{file}` does not end in .proto")));
    };
    let segments: Vec<&str> = dir.split('/').collect();
    if let Some(bad) = segments.iter().find(|s| !is_package_segment(s)) {
        return Err(fail(format!(
            "directory `{bad}` cannot be a package name segment (lower_snake_case letters and digits, starting with a letter)"
        )));
    }
    if !is_package_segment(stem) {
        return Err(fail(format!("file name `{stem}` is not lower_snake_case")));
    }
    let package = segments.join(".");
    let rule = |id: &str| rules.iter().find(|r| r.id() == id);
    let option_str = |id: &str, name: &str, default: &str| match rule(id).and_then(|r| r.option(name)) {
        Some(OptionValue::String(value)) => value,
        _ => default.to_string(),
    };

    let service_suffix = option_str("SERVICE_SUFFIX", "suffix", "Service");
    let resource_stem = [service_suffix.as_str(), "api", "service"]
        .iter()
        .map(|suffix| format!("_{}", to_lower_snake_case(suffix)))
        .find_map(|suffix| stem.strip_suffix(&suffix))
        .unwrap_or(stem);
    let resource = to_pascal_case(resource_stem);
    let service = match service {
        Some(name) => {
            if !is_pascal_identifier(name) {
                return Err(fail(format!("--service `{name}` is not a PascalCase identifier")));
            }
            name.to_string()
        }
        None => format!("{resource}{service_suffix}"),
    };
    if service == resource {
        return Err(fail(format!(
            "service {service} would have the name of the resource message {resource}: give another --service"
        )));
    }
    if let Some(layout) = rule("SERVICE_FILE_LAYOUT")
        && layout.option("file_named_after_service") != Some(OptionValue::Bool(false))
        && to_lower_snake_case(&service) != stem
    {
        let wanted = format!("{dir}/{}.proto", to_lower_snake_case(&service));
        return Err(fail(format!(
            "the workspace's SERVICE_FILE_LAYOUT wants service {service} in a file of its own name: run `idl new` with {wanted}"
        )));
    }

    let snake = to_lower_snake_case(resource_stem);
    let plural = pluralizer::pluralize(&snake, 2, false);
    let version = segments.last().filter(|s| is_version(s)).copied().unwrap_or("v1");
    let collection = format!("/{version}/{plural}");
    let http = workspace.resolve_import(HTTP_IMPORT).is_some();
    let mut notes = Vec::new();
    if !http {
        notes.push(format!(
            "{HTTP_IMPORT} is not on the import path: the methods have no HTTP routes (add googleapis' google/api to import_paths)"
        ));
    }
    let route = |verb: &'static str, path: String| http.then_some((verb, path));
    let plural_pascal = to_pascal_case(&plural);
    let methods = vec![
        method(
            format!("Get{resource}"),
            route("get", format!("{collection}/{{id}}")),
            None,
            format!("Returns one {} by its ID.", words(&snake)),
        ),
        method(
            format!("List{plural_pascal}"),
            route("get", collection.clone()),
            None,
            format!("Lists {}, a page at a time.", words(&plural)),
        ),
        method(
            format!("Create{resource}"),
            route("post", collection.clone()),
            Some(snake.clone()),
            format!("Creates a {}.", words(&snake)),
        ),
        method(
            format!("Update{resource}"),
            route("patch", format!("{collection}/{{{snake}.id}}")),
            Some(snake.clone()),
            format!("Changes the fields of a {} that the update mask names.", words(&snake)),
        ),
        method(
            format!("Delete{resource}"),
            route("delete", format!("{collection}/{{id}}")),
            None,
            format!("Deletes a {}.", words(&snake)),
        ),
    ];

    // The error enum: ErrorReason unless the package already has one.
    let taken = |name: &str| existing.pool.get_enum_by_name(&format!("{package}.{name}")).is_some();
    let error_enum = if taken("ErrorReason") { format!("{resource}ErrorReason") } else { "ErrorReason".to_string() };
    let enum_prefix = format!("{}_", to_upper_snake_case(&error_enum));
    let value_prefix = if rule("ENUM_VALUE_PREFIX").is_some() { enum_prefix.clone() } else { String::new() };
    let zero_suffix = option_str("ENUM_ZERO_VALUE_SUFFIX", "suffix", "_UNSPECIFIED");
    let zero_value = format!("{enum_prefix}{}", zero_suffix.trim_start_matches('_'));
    let upper = to_upper_snake_case(resource_stem);
    let error_values = vec![
        (format!("{value_prefix}{upper}_NOT_FOUND"), "NOT_FOUND", 404),
        (format!("{value_prefix}{upper}_ALREADY_EXISTS"), "ALREADY_EXISTS", 409),
    ];
    let errors = error_convention(workspace, existing);
    notes.push(format!("error enum {error_enum} in the {} convention", errors.name()));
    if let Some(services) = workspace.config.errors.get("code_scheme").and_then(|s| s.get("services"))
        && let Some(services) = services.as_table()
        && !services.contains_key(&package)
    {
        let next = services.values().filter_map(toml::Value::as_integer).max().map_or(1, |max| max + 1);
        notes.push(format!(
            "[errors.code_scheme] has no service code for {package}: add `\"{package}\" = {next}` to its `services` (ERRORS_CODE_RANGE needs one)"
        ));
    }

    let header_order = match rule("FILE_ELEMENT_ORDER").and_then(|r| r.option("order")) {
        Some(OptionValue::List(order)) => order,
        _ => Vec::new(),
    };
    let max_line_length = match rule("MAX_LINE_LENGTH").and_then(|r| r.option("limit")) {
        Some(OptionValue::Integer(limit)) => usize::try_from(limit).ok(),
        _ => None,
    };
    let file_options = options::derive(&package, existing);
    Ok(Plan {
        package,
        service,
        resource,
        plural,
        resource_field: snake,
        methods,
        error_enum,
        error_values,
        zero_value,
        errors,
        field_behavior: http && workspace.resolve_import(FIELD_BEHAVIOR_IMPORT).is_some(),
        file_options,
        header_order,
        max_line_length,
        notes,
    })
}

fn method(name: String, http: Option<(&'static str, String)>, body: Option<String>, comment: String) -> Method {
    Method { request: format!("{name}Request"), response: format!("{name}Response"), name, http, body, comment }
}

/// The convention most of the workspace's error enums follow; Kratos's options
/// when the workspace can import them and no enum says otherwise.
fn error_convention(workspace: &Workspace, existing: &Compilation) -> ErrorConvention {
    let table = crate::errors::extract::extract(existing, &Default::default());
    let kratos_import = existing
        .pool
        .get_extension_by_name(KRATOS_DEFAULT_CODE)
        .map(|ext| ext.parent_file().name().to_string())
        .or_else(|| workspace.resolve_import(KRATOS_ERRORS_IMPORT).map(|_| KRATOS_ERRORS_IMPORT.to_string()));
    let ego = table.enums.iter().filter(|e| e.style == Style::Ego).count();
    let kratos = table.enums.iter().filter(|e| e.style == Style::Kratos).count();
    match kratos_import {
        Some(import) if kratos >= ego => ErrorConvention::Kratos { import },
        _ if ego > 0 => ErrorConvention::Ego,
        _ => ErrorConvention::Plain,
    }
}

/// The file's text, before formatting and lint fixes.
pub fn render(plan: &Plan) -> String {
    let mut imports: Vec<String> = Vec::new();
    if plan.methods.iter().any(|m| m.http.is_some()) {
        imports.push(HTTP_IMPORT.to_string());
    }
    if plan.field_behavior {
        imports.push(FIELD_BEHAVIOR_IMPORT.to_string());
    }
    if let ErrorConvention::Kratos { import } = &plan.errors {
        imports.push(import.clone());
    }
    imports.push("google/protobuf/field_mask.proto".to_string());
    imports.push("google/protobuf/timestamp.proto".to_string());
    imports.sort();
    imports.dedup();

    let mut sections: BTreeMap<&str, String> = BTreeMap::new();
    sections.insert("syntax", "syntax = \"proto3\";\n".to_string());
    sections.insert("package", format!("package {};\n", plan.package));
    sections.insert("imports", imports.iter().map(|i| format!("import \"{i}\";\n")).collect());
    let mut file_options: Vec<&FileOption> = plan.file_options.iter().collect();
    file_options.sort_by(|a, b| a.name.cmp(&b.name));
    sections.insert("options", file_options.iter().map(|o| format!("option {} = {};\n", o.name, o.value)).collect());
    let mut order: Vec<&str> = plan.header_order.iter().map(String::as_str).filter(|s| *s != "definitions").collect();
    for default in ["syntax", "package", "imports", "options"] {
        if !order.contains(&default) {
            order.push(default);
        }
    }

    let mut out = String::new();
    if plan.errors == ErrorConvention::Ego {
        // Ego's protoc-gen-go-errors only reads files that ask for it.
        out.push_str("// @plugins=protoc-gen-go-errors\n\n");
    }
    for section in order {
        if let Some(text) = sections.get(section).filter(|t| !t.is_empty()) {
            out.push_str(text);
            out.push('\n');
        }
    }
    render_service(&mut out, plan);
    render_messages(&mut out, plan);
    render_errors(&mut out, plan);
    out
}

fn render_service(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "// {} manages {}.", plan.service, words(&plan.plural));
    let _ = writeln!(out, "service {} {{", plan.service);
    for m in &plan.methods {
        let _ = writeln!(out, "  // {}", m.comment);
        match &m.http {
            Some((verb, path)) => {
                let _ = writeln!(out, "  rpc {}({}) returns ({}) {{", m.name, m.request, m.response);
                let _ = write!(out, "    option (google.api.http) = {{{verb}: \"{path}\"");
                if let Some(body) = &m.body {
                    let _ = write!(out, " body: \"{body}\"");
                }
                out.push_str("};\n  }\n");
            }
            None => {
                let _ = writeln!(out, "  rpc {}({}) returns ({});", m.name, m.request, m.response);
            }
        }
    }
    out.push_str("}\n\n");
}

fn render_messages(out: &mut String, plan: &Plan) {
    let (resource, field, plural) = (&plan.resource, &plan.resource_field, &plan.plural);
    let the = words(field);
    let behavior =
        |b: &str| if plan.field_behavior { format!(" [(google.api.field_behavior) = {b}]") } else { String::new() };
    let limit = plan.max_line_length.unwrap_or(usize::MAX);
    let mut message = |name: &str, comment: &str, fields: &[(&str, String)]| {
        let _ = writeln!(out, "// {comment}");
        let _ = writeln!(out, "message {name} {{");
        for (comment, field) in fields {
            let _ = writeln!(out, "  // {comment}");
            // A field behaviour that would break the line limit is left out.
            let field = match field.split_once(" [") {
                Some((bare, _)) if field.len() + 2 > limit => format!("{bare};"),
                _ => field.clone(),
            };
            let _ = writeln!(out, "  {field}");
        }
        out.push_str("}\n\n");
    };
    let [get, list, create, update, delete] = &plan.methods[..] else { unreachable!("five standard methods") };
    message(
        &get.request,
        &format!("The request of {}.", get.name),
        &[(&format!("The ID of the {the} to return."), format!("string id = 1{};", behavior("REQUIRED")))],
    );
    message(
        &get.response,
        &format!("The response of {}.", get.name),
        &[(&format!("The {the}."), format!("{resource} {field} = 1;"))],
    );
    message(
        &list.request,
        &format!("The request of {}.", list.name),
        &[
            ("At most this many results; the server picks a default when 0.", "int32 page_size = 1;".to_string()),
            ("From a previous response; empty for the first page.", "string page_token = 2;".to_string()),
        ],
    );
    message(
        &list.response,
        &format!("The response of {}.", list.name),
        &[
            (&format!("The {} of this page.", words(plural)), format!("repeated {resource} {plural} = 1;")),
            ("Empty on the last page.", "string next_page_token = 2;".to_string()),
        ],
    );
    message(
        &create.request,
        &format!("The request of {}.", create.name),
        &[(&format!("The {the} to create."), format!("{resource} {field} = 1{};", behavior("REQUIRED")))],
    );
    message(
        &create.response,
        &format!("The response of {}.", create.name),
        &[(&format!("The {the} as created."), format!("{resource} {field} = 1;"))],
    );
    message(
        &update.request,
        &format!("The request of {}.", update.name),
        &[
            (
                &format!("The {the} to change; its ID says which."),
                format!("{resource} {field} = 1{};", behavior("REQUIRED")),
            ),
            ("The fields to change.", "google.protobuf.FieldMask update_mask = 2;".to_string()),
        ],
    );
    message(
        &update.response,
        &format!("The response of {}.", update.name),
        &[(&format!("The {the} as changed."), format!("{resource} {field} = 1;"))],
    );
    message(
        &delete.request,
        &format!("The request of {}.", delete.name),
        &[(&format!("The ID of the {the} to delete."), format!("string id = 1{};", behavior("REQUIRED")))],
    );
    message(&delete.response, &format!("The response of {}.", delete.name), &[]);
    message(
        resource,
        &format!("A {the}."),
        &[
            ("Assigned by the server.", format!("string id = 1{};", behavior("OUTPUT_ONLY"))),
            ("The name people see.", "string display_name = 2;".to_string()),
            ("When it was created.", format!("google.protobuf.Timestamp create_time = 3{};", behavior("OUTPUT_ONLY"))),
            ("When it last changed.", format!("google.protobuf.Timestamp update_time = 4{};", behavior("OUTPUT_ONLY"))),
        ],
    );
}

fn render_errors(out: &mut String, plan: &Plan) {
    let the = words(&plan.resource_field);
    let _ = writeln!(out, "// Why a {the} request fails; a value's name is the reason clients see.");
    let _ = writeln!(out, "enum {} {{", plan.error_enum);
    if matches!(plan.errors, ErrorConvention::Kratos { .. }) {
        out.push_str("  option (errors.default_code) = 500;\n");
    }
    let _ = writeln!(out, "  // Not an error.\n  {} = 0;", plan.zero_value);
    for (number, (name, grpc, http)) in (1..).zip(&plan.error_values) {
        let message = match *grpc {
            "NOT_FOUND" => format!("The {the} does not exist."),
            _ => format!("A {the} with this ID already exists."),
        };
        let _ = writeln!(out, "  // {message}");
        match &plan.errors {
            ErrorConvention::Kratos { .. } => {
                let _ = writeln!(out, "  {name} = {number} [(errors.code) = {http}];");
            }
            ErrorConvention::Ego => {
                let _ = writeln!(out, "  // @code={grpc}\n  {name} = {number};");
            }
            ErrorConvention::Plain => {
                let _ = writeln!(out, "  {name} = {number};");
            }
        }
    }
    out.push_str("}\n");
}

/// `display_name` → `display name`, for comments.
fn words(snake: &str) -> String {
    snake.replace('_', " ")
}

fn is_package_segment(segment: &str) -> bool {
    let mut chars = segment.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_pascal_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// `v1`, `v2beta1`, `v1alpha`, `v1test`.
fn is_version(segment: &str) -> bool {
    segment.strip_prefix('v').is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}
