//! Kratos business-error responses (`--opt errors=true`): for each operation,
//! the error reasons its package declares, grouped by HTTP status, with the body
//! Kratos' `DefaultErrorEncoder` writes (`code`, `reason`, `message`,
//! `metadata`) and the reasons as an enum whose description gives each message.

use std::collections::BTreeMap;

use super::node::Node;
use super::v3::OperationRef;
use crate::api::Model;
use crate::errors::ErrorRow;

/// Name of the shared error-body schema.
const ERROR_SCHEMA: &str = "kratos.errors.Status";

pub fn add_error_responses(document: &mut Node, model: &Model<'_>, operations: &[OperationRef]) {
    // Package → status → rows.
    let mut by_package: BTreeMap<&str, BTreeMap<i32, Vec<&ErrorRow>>> = BTreeMap::new();
    for row in &model.errors {
        let Some(status) = row.http_status.filter(|s| (100..=599).contains(s)) else { continue };
        by_package.entry(row.package.as_str()).or_default().entry(status).or_default().push(row);
    }
    let mut used = false;
    for operation_ref in operations {
        let Some(statuses) = by_package.get(operation_ref.package.as_str()) else { continue };
        let Some(responses) = document
            .get_mut("paths")
            .and_then(|p| p.get_mut(&operation_ref.path))
            .and_then(|item| item.get_mut(&operation_ref.verb))
            .and_then(|op| op.get_mut("responses"))
        else {
            continue;
        };
        for (status, rows) in statuses {
            let key = status.to_string();
            if responses.get(&key).is_none() {
                responses.set(&key, error_response(*status, rows));
                used = true;
            }
        }
    }
    if used
        && let Some(Node::Map(schemas)) = document.get_mut("components").and_then(|c| c.get_mut("schemas"))
        && !schemas.iter().any(|(name, _)| name == ERROR_SCHEMA)
    {
        schemas.push((ERROR_SCHEMA.to_string(), error_schema()));
        schemas.sort_by(|a, b| a.0.cmp(&b.0));
    }
}

fn error_response(status: i32, rows: &[&ErrorRow]) -> Node {
    let reasons: Vec<Node> = rows.iter().map(|r| Node::str(&r.reason)).collect();
    let lines: Vec<String> = rows
        .iter()
        .map(|r| {
            if r.message.is_empty() { format!("- `{}`", r.reason) } else { format!("- `{}`: {}", r.reason, r.message) }
        })
        .collect();
    let description = format!("Business errors with HTTP status {status}:\n{}", lines.join("\n"));
    let reason = Node::map()
        .with("enum", Node::Seq(reasons))
        .with("type", Node::str("string"))
        .with("description", Node::str(lines.join("\n")));
    let schema = Node::map().with(
        "allOf",
        Node::Seq(vec![
            Node::map().with("$ref", Node::str(format!("#/components/schemas/{ERROR_SCHEMA}"))),
            Node::map().with("type", Node::str("object")).with(
                "properties",
                Node::map()
                    .with(
                        "code",
                        Node::map()
                            .with("enum", Node::Seq(vec![Node::Int(i64::from(status))]))
                            .with("type", Node::str("integer")),
                    )
                    .with("reason", reason),
            ),
        ]),
    );
    Node::map()
        .with("description", Node::str(description))
        .with("content", Node::map().with("application/json", Node::map().with("schema", schema)))
}

fn error_schema() -> Node {
    Node::map()
        .with("type", Node::str("object"))
        .with(
            "properties",
            Node::map()
                .with(
                    "code",
                    Node::map()
                        .with("type", Node::str("integer"))
                        .with("description", Node::str("The HTTP status code."))
                        .with("format", Node::str("int32")),
                )
                .with(
                    "reason",
                    Node::map()
                        .with("type", Node::str("string"))
                        .with("description", Node::str("The error reason: the error enum value's name.")),
                )
                .with(
                    "message",
                    Node::map()
                        .with("type", Node::str("string"))
                        .with("description", Node::str("A message for people.")),
                )
                .with(
                    "metadata",
                    Node::map()
                        .with("type", Node::str("object"))
                        .with("additionalProperties", Node::map().with("type", Node::str("string")))
                        .with("description", Node::str("Details as key-value pairs.")),
                ),
        )
        .with("description", Node::str("The body of a Kratos error response (`errors.Status`)."))
}
