//! PROTOVALIDATE's CEL checks: every `cel` rule and `cel_expression` of
//! `(buf.validate.field)` (and of its `repeated.items`, `map.keys`, `map.values`),
//! `(buf.validate.message)` and `(buf.validate.predefined)` is compiled with
//! `crate::lint::cel` in the environment protovalidate gives it, and reported as
//! buf reports it: invalid or duplicate ids, empty expressions, compile errors,
//! results that are neither bool nor string, and a message beside a string result.

use std::ops::Range;

use prost_reflect::{DynamicMessage, ExtensionDescriptor, FieldDescriptor, Kind, MessageDescriptor, Value};

use super::go_quote;
use crate::compile::CompiledFile;
use crate::lint::cel::{self, Environment, Type};
use crate::lint::option_text::nth_entry_or_list_span;
use crate::lint::rule::Context;

/// `buf.validate.Rule` fields.
const RULE_ID: u32 = 1;
const RULE_MESSAGE: u32 = 2;
const RULE_EXPRESSION: u32 = 3;

/// Where a group of CEL rules is, and how buf names it and its owner.
pub(super) struct Site<'a> {
    /// The declaration findings belong to (for comment ignores).
    pub owner: &'a [i32],
    /// The source path of the rules message (`FieldRules`, `MessageRules`,
    /// `PredefinedRules`, or a nested `FieldRules` such as `repeated.items`).
    pub rules_path: Vec<i32>,
    /// `(buf.validate.field).repeated.items`, `(buf.validate.message)`, ...
    pub rules_name: String,
    /// `field "name"`, `message "Name"`, `extension field`.
    pub parent: String,
}

impl Site<'_> {
    fn parent_capitalized(&self) -> String {
        let mut chars = self.parent.chars();
        chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
    }
}

/// Checks the `cel` rules (field `cel_number` of `rules`) and, when the rules
/// message has them, the `cel_expression` strings (`expression_number`).
pub(super) fn check_rules(
    cx: &mut Context<'_>,
    site: &Site<'_>,
    rules: &DynamicMessage,
    cel_number: u32,
    expression_number: Option<u32>,
    environment: impl FnOnce() -> Environment,
) {
    let expressions = expression_number.map(|number| list(rules, number)).unwrap_or_default();
    let entries = list(rules, cel_number);
    if entries.is_empty() && expressions.is_empty() {
        return;
    }
    let environment = &environment();
    let cel_name = format!("{}.cel", site.rules_name);
    let parent = &site.parent;
    let parent_capitalized = site.parent_capitalized();
    let mut ids: Vec<(String, Vec<usize>)> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let Value::Message(rule) = entry else { continue };
        let text = |number: u32| match rule.get_field_by_number(number).as_deref() {
            Some(Value::String(text)) => text.clone(),
            _ => String::new(),
        };
        let (id, message, expression) = (text(RULE_ID), text(RULE_MESSAGE), text(RULE_EXPRESSION));
        let report = |cx: &mut Context<'_>, text: String| {
            let range = entry_range(cx.file(), &site.rules_path, cel_number, index, "cel");
            cx.report_range(site.owner, range, text);
        };
        if !id.is_empty() {
            if !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) {
                report(
                    cx,
                    format!(
                        "{parent_capitalized} has invalid characters for {cel_name}.id. IDs must contain only characters a-z, A-Z, 0-9, '.', '_', '-'."
                    ),
                );
            }
            match ids.iter_mut().find(|(known, _)| *known == id) {
                Some((_, indexes)) => indexes.push(index),
                None => ids.push((id.clone(), vec![index])),
            }
        }
        if expression.trim().is_empty() {
            report(
                cx,
                format!(
                    "{parent_capitalized} has an empty {cel_name}.expression. Expressions should always be specified."
                ),
            );
            continue;
        }
        match cel::check(&expression, environment).map(|ty| Outcome::of(&ty)) {
            Ok(Outcome::Bool) => {}
            Ok(Outcome::String) => {
                if !message.is_empty() {
                    report(
                        cx,
                        format!(
                            "{parent_capitalized} has a {cel_name} with an expression that evaluates to a string, and also has a message. The message is redundant - since the expression evaluates to a string, its result will be printed instead of the message, so the message should be removed."
                        ),
                    );
                }
            }
            Ok(Outcome::Other(other)) => report(
                cx,
                format!(
                    "{cel_name}.expression on {parent} evaluates to a {other}, only string and boolean are allowed."
                ),
            ),
            Err(errors) => {
                for error in errors {
                    report(cx, format!("{cel_name}.expression on {parent} fails to compile: {}", error.message));
                }
            }
        }
    }
    for (id, indexes) in ids.iter().filter(|(_, indexes)| indexes.len() > 1) {
        for index in indexes {
            let range = entry_range(cx.file(), &site.rules_path, cel_number, *index, "cel");
            cx.report_range(
                site.owner,
                range,
                format!("{cel_name}.id ({}) is not unique within {parent}.", go_quote(id)),
            );
        }
    }
    let Some(expression_number) = expression_number else { return };
    let name = format!("{}.cel_expression", site.rules_name);
    for (index, entry) in expressions.iter().enumerate() {
        let Value::String(expression) = entry else { continue };
        let report = |cx: &mut Context<'_>, text: String| {
            let range = entry_range(cx.file(), &site.rules_path, expression_number, index, "cel_expression");
            cx.report_range(site.owner, range, text);
        };
        if expression.trim().is_empty() {
            report(cx, format!("{parent_capitalized} has an empty {name}. Expressions should always be specified."));
            continue;
        }
        match cel::check(expression, environment).map(|ty| Outcome::of(&ty)) {
            Ok(Outcome::Bool | Outcome::String) => {}
            Ok(Outcome::Other(other)) => {
                report(cx, format!("{name} on {parent} evaluates to a {other}, only string and boolean are allowed."))
            }
            Err(errors) => {
                for error in errors {
                    report(cx, format!("{name} on {parent} fails to compile: {}", error.message));
                }
            }
        }
    }
}

/// How buf sorts a result type: a bool (a `dyn` or `wrapper(bool)` result may be
/// one), a string, or anything else.
enum Outcome {
    Bool,
    String,
    Other(Type),
}

impl Outcome {
    fn of(ty: &Type) -> Outcome {
        match ty {
            Type::Bool | Type::Dyn => Outcome::Bool,
            Type::Wrapper(primitive) if **primitive == Type::Bool => Outcome::Bool,
            Type::String => Outcome::String,
            Type::Wrapper(primitive) if **primitive == Type::String => Outcome::String,
            other => Outcome::Other(other.clone()),
        }
    }
}

fn list(message: &DynamicMessage, number: u32) -> Vec<Value> {
    match message.get_field_by_number(number).as_deref() {
        Some(Value::List(values)) => values.clone(),
        _ => Vec::new(),
    }
}

/// Where buf reports the `index`-th element of the repeated rule field `number`:
/// its own location (each `(...).cel = {...}` assignment is one), else, in the
/// message literal that holds it, the element (`cel: [{...}, {...}]`) or the
/// `index`-th `cel` entry.
fn entry_range(file: &CompiledFile, rules_path: &[i32], number: u32, index: usize, name: &str) -> Range<usize> {
    let span = |location: &crate::compile::SourceLocation| location.start as usize..location.end as usize;
    let mut path = rules_path.to_vec();
    path.push(number as i32);
    path.push(index as i32);
    if let Some(location) = file.locations.get(&path) {
        return span(location);
    }
    path.pop();
    if let Some(location) = file.locations.get(&path) {
        return span(location);
    }
    path.pop();
    while !path.is_empty() {
        if let Some(location) = file.locations.get(&path) {
            let range = span(location);
            return match nth_entry_or_list_span(&file.source.text[range.clone()], name, index) {
                Some(entry) => range.start + entry.start..range.start + entry.end,
                None => range,
            };
        }
        path.pop();
    }
    0..0
}

/// `this` of a field's rules: the field's value (a list or map for the field's
/// own rules; the element, key or value for nested ones).
/// What the CEL checks need of a field or an extension field.
pub(super) struct FieldShape {
    pub name: String,
    pub path: Vec<i32>,
    pool: prost_reflect::DescriptorPool,
    kind: Kind,
    is_list: bool,
    is_map: bool,
}

impl FieldShape {
    pub fn of_field(field: &FieldDescriptor) -> FieldShape {
        FieldShape {
            name: field.name().to_string(),
            path: field.path().to_vec(),
            pool: field.parent_pool().clone(),
            kind: field.kind(),
            is_list: field.is_list(),
            is_map: field.is_map(),
        }
    }

    pub fn of_extension(extension: &ExtensionDescriptor) -> FieldShape {
        FieldShape {
            name: extension.name().to_string(),
            path: extension.path().to_vec(),
            pool: extension.parent_pool().clone(),
            kind: extension.kind(),
            is_list: extension.is_list(),
            is_map: extension.is_map(),
        }
    }

    /// The type of the field's whole value: a list or map for repeated fields.
    pub fn value_type(&self) -> Type {
        if self.is_map {
            let (_, key, value) = self.element_types();
            return Type::map(key, value);
        }
        let element = Type::of_kind(&self.kind);
        if self.is_list { Type::list(element) } else { element }
    }

    /// The element type for `repeated.items`, and the key and value types for
    /// `map.keys` / `map.values`.
    pub fn element_types(&self) -> (Type, Type, Type) {
        match &self.kind {
            Kind::Message(entry) if self.is_map => (
                Type::Dyn,
                Type::of_kind(&entry.map_entry_key_field().kind()),
                Type::of_kind(&entry.map_entry_value_field().kind()),
            ),
            kind => (Type::of_kind(kind), Type::Dyn, Type::Dyn),
        }
    }
}

/// The message types of `this` are registered (a map's value type, a list's or
/// a singular field's message), as protovalidate-go registers them.
pub(super) fn field_environment(field: &FieldShape, this: Type) -> Environment {
    let mut environment = Environment::new(field.pool.clone());
    let registered = match &field.kind {
        Kind::Message(entry) if field.is_map => match entry.map_entry_value_field().kind() {
            Kind::Message(value) => Some(value),
            _ => None,
        },
        Kind::Message(message) => Some(message.clone()),
        _ => None,
    };
    if let Some(message) = registered {
        environment = environment.with_types_of(&message);
    }
    environment.with_variable("this", this)
}

pub(super) fn message_environment(message: &MessageDescriptor) -> Environment {
    Environment::new(message.parent_pool().clone())
        .with_types_of(message)
        .with_variable("this", Type::Message(message.clone()))
}

/// A predefined rule on an extension of `buf.validate.<Kind>Rules`: `this` is the
/// value the rules apply to, `rules` the rules message and `rule` the extension's
/// own value. `None` for extensions of other messages.
pub(super) fn predefined_environment(extension: &ExtensionDescriptor) -> Option<Environment> {
    let rules = extension.containing_message();
    let this = cel::predefined_this(&rules)?;
    Some(
        Environment::new(extension.parent_pool().clone())
            .with_types_of(&rules)
            .with_variable("this", this)
            .with_variable("rules", Type::Message(rules))
            .with_variable("rule", extension_type(extension)),
    )
}

fn extension_type(extension: &ExtensionDescriptor) -> Type {
    let element = Type::of_kind(&extension.kind());
    if extension.is_list() {
        Type::list(element)
    } else if extension.is_map() {
        Type::Dyn
    } else {
        element
    }
}
