//! Swagger 2.0 from the OpenAPI 3 document (`--opt format=swagger2`), for teams
//! whose tooling reads what grpc-gateway's `protoc-gen-openapiv2` writes:
//! `definitions` for `components.schemas`, the request body as an `in: body`
//! parameter, responses with a `schema` instead of `content`, non-body
//! parameters typed inline, and the first server as `host`, `basePath`,
//! `schemes`. Schema keywords Swagger 2.0 lacks (`writeOnly`, `nullable`,
//! `oneOf`, `anyOf`, `not`) are left out.

use super::node::Node;

pub fn convert(v3: &Node) -> Node {
    let mut doc = Node::map().with("swagger", Node::str("2.0"));
    if let Some(info) = v3.get("info") {
        doc.set("info", info.clone());
    }
    if let Some(url) = v3
        .get("servers")
        .and_then(|s| match s {
            Node::Seq(list) => list.first(),
            _ => None,
        })
        .and_then(|s| s.get("url"))
        .and_then(Node::as_str)
    {
        let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
        let (host, base) = match rest.find('/') {
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, ""),
        };
        if !host.is_empty() {
            doc.set("host", Node::str(host));
        }
        if !base.is_empty() && base != "/" {
            doc.set("basePath", Node::str(base));
        }
        doc.set("schemes", Node::Seq(vec![Node::str(scheme)]));
    }
    doc.set("consumes", Node::Seq(vec![Node::str("application/json")]));
    doc.set("produces", Node::Seq(vec![Node::str("application/json")]));
    let mut paths = Node::map();
    if let Some(Node::Map(items)) = v3.get("paths") {
        for (path, item) in items {
            let mut out = Node::map();
            if let Node::Map(entries) = item {
                for (verb, operation) in entries {
                    if matches!(verb.as_str(), "get" | "put" | "post" | "delete" | "patch") {
                        out.set(verb, operation_v2(operation));
                    }
                }
            }
            paths.set(path, out);
        }
    }
    doc.set("paths", paths);
    let mut definitions = Node::map();
    if let Some(Node::Map(schemas)) = v3.get("components").and_then(|c| c.get("schemas")) {
        for (name, schema) in schemas {
            definitions.set(name, schema_v2(schema));
        }
    }
    doc.set("definitions", definitions);
    if let Some(tags) = v3.get("tags") {
        doc.set("tags", tags.clone());
    }
    doc
}

fn operation_v2(operation: &Node) -> Node {
    let mut out = Node::map();
    for key in ["tags", "summary", "description", "operationId"] {
        if let Some(value) = operation.get(key) {
            out.set(key, value.clone());
        }
    }
    let mut parameters = Vec::new();
    if let Some(Node::Seq(list)) = operation.get("parameters") {
        for parameter in list {
            parameters.push(parameter_v2(parameter));
        }
    }
    if let Some(body) = operation.get("requestBody") {
        let schema = body
            .get("content")
            .and_then(|c| c.get("application/json"))
            .and_then(|m| m.get("schema"))
            .map(schema_v2)
            .unwrap_or_else(|| Node::map().with("type", Node::str("object")));
        parameters.push(
            Node::map()
                .with("name", Node::str("body"))
                .with("in", Node::str("body"))
                .with("required", Node::Bool(true))
                .with("schema", schema),
        );
    }
    if !parameters.is_empty() {
        out.set("parameters", Node::Seq(parameters));
    }
    let mut responses = Node::map();
    if let Some(Node::Map(list)) = operation.get("responses") {
        for (status, response) in list {
            let mut r =
                Node::map().with("description", response.get("description").cloned().unwrap_or_else(|| Node::str("")));
            if let Some(schema) =
                response.get("content").and_then(|c| c.get("application/json")).and_then(|m| m.get("schema"))
            {
                r.set("schema", schema_v2(schema));
            }
            responses.set(status, r);
        }
    }
    out.set("responses", responses);
    if let Some(deprecated) = operation.get("deprecated") {
        out.set("deprecated", deprecated.clone());
    }
    out
}

/// A path or query parameter: its schema's type written on the parameter
/// (Swagger 2.0 allows no schema there, nor references).
fn parameter_v2(parameter: &Node) -> Node {
    let mut out = Node::map();
    for key in ["name", "in", "description", "required"] {
        if let Some(value) = parameter.get(key) {
            out.set(key, value.clone());
        }
    }
    let schema = parameter.get("schema").cloned().unwrap_or_else(|| Node::map().with("type", Node::str("string")));
    let simple = |schema: &Node| -> Node {
        let mut s = Node::map();
        match schema.get("type").and_then(Node::as_str) {
            Some(ty @ ("string" | "integer" | "number" | "boolean")) => {
                s.set("type", Node::str(ty));
                if let Some(format) = schema.get("format").and_then(Node::as_str)
                    && !matches!(format, "enum" | "field-mask" | "bytes")
                {
                    s.set("format", Node::str(format));
                }
                if let Some(values) = schema.get("enum") {
                    s.set("enum", values.clone());
                }
            }
            _ => s.set("type", Node::str("string")),
        }
        s
    };
    if schema.get("type").and_then(Node::as_str) == Some("array") {
        out.set("type", Node::str("array"));
        out.set("items", simple(schema.get("items").unwrap_or(&Node::map())));
        out.set("collectionFormat", Node::str("multi"));
    } else if let Node::Map(entries) = simple(&schema) {
        for (key, value) in entries {
            out.set(&key, value);
        }
    }
    out
}

fn schema_v2(schema: &Node) -> Node {
    match schema {
        Node::Map(entries) => Node::Map(
            entries
                .iter()
                .filter(|(key, _)| !matches!(key.as_str(), "writeOnly" | "nullable" | "oneOf" | "anyOf" | "not"))
                .map(|(key, value)| {
                    let value = match (key.as_str(), value) {
                        ("$ref", Node::Str(r)) => Node::str(r.replace("#/components/schemas/", "#/definitions/")),
                        ("properties", Node::Map(props)) => {
                            Node::Map(props.iter().map(|(k, v)| (k.clone(), schema_v2(v))).collect())
                        }
                        ("enum" | "required", v) => v.clone(),
                        (_, v) => schema_v2(v),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Node::Seq(items) => Node::Seq(items.iter().map(schema_v2).collect()),
        other => other.clone(),
    }
}
