//! Completion, from the text before the cursor and the workspace index: import
//! paths inside `import "…"`, option names after `option` or `[` (the element's
//! options fields and every extension of them, as `(full.name)`), option values
//! (enum values, `true`/`false`), the next free field number after `name =`,
//! and otherwise types (with an `import` added when the type's file is not
//! imported yet) and keywords.

use std::collections::BTreeSet;

use lsp_types as lsp;
use prost_reflect::{DescriptorPool, MessageDescriptor};

use super::convert;
use super::index::{FileIndex, Index, Kind};

const TOP_LEVEL: &[&str] =
    &["syntax", "edition", "package", "import", "option", "message", "enum", "service", "extend"];
const IN_MESSAGE: &[&str] =
    &["message", "enum", "oneof", "option", "reserved", "repeated", "optional", "map", "extensions", "extend"];
const IN_SERVICE: &[&str] = &["rpc", "option"];
const SCALARS: &[&str] = &[
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32",
    "sfixed64", "bool", "string", "bytes",
];

/// What the declaration around the cursor is (by the last unclosed `{`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    TopLevel,
    Message,
    Enum,
    Service,
    Rpc,
    Other,
}

pub fn complete(index: &Index, file: &FileIndex, text: &str, offset: usize) -> Vec<lsp::CompletionItem> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let trimmed = before.trim_start();

    // import "…
    if let Some(partial) = import_prefix(trimmed) {
        let mut names: BTreeSet<&str> = index.files().map(|f| f.name.as_str()).collect();
        names.remove(file.name.as_str());
        return names
            .into_iter()
            .filter(|name| name.starts_with(partial))
            .map(|name| item(name, lsp::CompletionItemKind::FILE, None))
            .collect();
    }
    let scope = scope_at(text, offset);
    let options_type = match scope {
        Scope::TopLevel => "google.protobuf.FileOptions",
        Scope::Message => "google.protobuf.MessageOptions",
        Scope::Enum => "google.protobuf.EnumOptions",
        Scope::Service => "google.protobuf.ServiceOptions",
        Scope::Rpc => "google.protobuf.MethodOptions",
        Scope::Other => "google.protobuf.FileOptions",
    };
    // [ … name = value in brackets: field (or enum value) options.
    let in_brackets = before.rfind('[').is_some_and(|open| !before[open..].contains(']'));
    let bracket_type =
        if scope == Scope::Enum { "google.protobuf.EnumValueOptions" } else { "google.protobuf.FieldOptions" };
    let option_text = if in_brackets {
        let open = before.rfind('[').unwrap_or(0);
        let after = &before[open + 1..];
        Some((after.rsplit(',').next().unwrap_or(after).trim_start(), bracket_type))
    } else {
        trimmed
            .strip_prefix("option")
            .filter(|rest| rest.starts_with([' ', '(']))
            .map(|rest| (rest.trim_start(), options_type))
    };
    if let Some((option, ty)) = option_text {
        let pool = &file.pool;
        if let Some((name, value)) = option.split_once('=') {
            return option_value_items(pool, ty, name.trim(), value.trim());
        }
        return option_name_items(pool, ty, option);
    }
    // `type name =` in a message: the next free field number.
    if scope == Scope::Message
        && let Some(rest) = trimmed.strip_suffix('=').or_else(|| trimmed.strip_suffix("= "))
        && rest.split_whitespace().count() >= 2
    {
        return next_field_number(file, text, offset)
            .map(|n| vec![item(&n.to_string(), lsp::CompletionItemKind::VALUE, None)])
            .unwrap_or_default();
    }
    let keywords: &[&str] = match scope {
        Scope::TopLevel | Scope::Other => TOP_LEVEL,
        Scope::Message => IN_MESSAGE,
        Scope::Service => IN_SERVICE,
        Scope::Rpc => &["option"],
        Scope::Enum => &["option", "reserved"],
    };
    let mut items: Vec<lsp::CompletionItem> =
        keywords.iter().map(|k| item(k, lsp::CompletionItemKind::KEYWORD, None)).collect();
    let wants_types = matches!(scope, Scope::Message | Scope::TopLevel | Scope::Other)
        || (scope == Scope::Service && before.contains('('));
    if wants_types {
        if scope == Scope::Message {
            items.extend(SCALARS.iter().map(|s| item(s, lsp::CompletionItemKind::KEYWORD, None)));
        }
        items.extend(type_items(index, file, text));
    }
    items
}

fn item(label: &str, kind: lsp::CompletionItemKind, detail: Option<String>) -> lsp::CompletionItem {
    lsp::CompletionItem { label: label.to_string(), kind: Some(kind), detail, ..lsp::CompletionItem::default() }
}

/// The partial name after `import "` (or `import public "`), if the cursor is there.
fn import_prefix(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("import")?.trim_start();
    let rest = rest.strip_prefix("public").or_else(|| rest.strip_prefix("weak")).unwrap_or(rest).trim_start();
    let rest = rest.strip_prefix('"').or_else(|| rest.strip_prefix('\''))?;
    (!rest.contains(['"', '\''])).then_some(rest)
}

/// The kind of block the cursor is in, from the keywords before each unclosed `{`.
fn scope_at(text: &str, offset: usize) -> Scope {
    block_path(text, offset).last().map_or(Scope::TopLevel, |(scope, _)| *scope)
}

/// The unclosed blocks before `offset`, outermost first, with the name each
/// declares (`message Name {`). Read from the live text, which need not compile.
fn block_path(text: &str, offset: usize) -> Vec<(Scope, String)> {
    let (tokens, _) = crate::syntax::lexer::lex(&text[..offset]);
    let mut stack: Vec<(Scope, String)> = Vec::new();
    let mut pending = (Scope::Other, String::new());
    let mut naming = false;
    for token in tokens.iter().filter(|t| !t.kind.is_trivia()) {
        let word = token.text(text);
        if naming {
            pending.1 = word.to_string();
            naming = false;
            continue;
        }
        match word {
            "message" | "extend" | "oneof" => (pending, naming) = ((Scope::Message, String::new()), word == "message"),
            "enum" => (pending, naming) = ((Scope::Enum, String::new()), true),
            "service" => (pending, naming) = ((Scope::Service, String::new()), true),
            "rpc" => (pending, naming) = ((Scope::Rpc, String::new()), true),
            "{" => stack.push(std::mem::replace(&mut pending, (Scope::Other, String::new()))),
            "}" => {
                stack.pop();
            }
            ";" => pending = (Scope::Other, String::new()),
            _ => {}
        }
    }
    stack
}

fn option_name_items(pool: &DescriptorPool, options_type: &str, written: &str) -> Vec<lsp::CompletionItem> {
    let Some(options) = pool.get_message_by_name(options_type) else { return Vec::new() };
    let mut items: Vec<lsp::CompletionItem> = Vec::new();
    if !written.starts_with('(') {
        items.extend(
            options
                .fields()
                .filter(|f| f.name() != "uninterpreted_option" && f.name() != "features")
                .map(|f| item(f.name(), lsp::CompletionItemKind::PROPERTY, Some(options_type.to_string()))),
        );
    }
    for extension in options.extensions() {
        let name = extension.full_name();
        let mut entry = item(&format!("({name})"), lsp::CompletionItemKind::PROPERTY, Some(options_type.to_string()));
        if written.starts_with('(') {
            // The client replaces the word; keep the parenthesis typed.
            entry.insert_text = Some(format!("{name})"));
            entry.filter_text = Some(name.to_string());
        }
        items.push(entry);
    }
    items
}

fn option_value_items(pool: &DescriptorPool, options_type: &str, name: &str, _typed: &str) -> Vec<lsp::CompletionItem> {
    let Some(options) = pool.get_message_by_name(options_type) else { return Vec::new() };
    let kind = match name.strip_prefix('(').and_then(|n| n.strip_suffix(')')) {
        Some(extension) => {
            let extension = extension.trim_start_matches('.');
            options
                .extensions()
                .find(|e| e.full_name() == extension || e.full_name().ends_with(&format!(".{extension}")))
                .map(|e| e.kind())
        }
        None => options.get_field_by_name(name).map(|f| f.kind()),
    };
    kind.map(|kind| super::navigate::option_values(&kind))
        .unwrap_or_default()
        .into_iter()
        .map(|v| item(&v, lsp::CompletionItemKind::ENUM_MEMBER, None))
        .collect()
}

/// One past the highest field number of the message around `offset` (skipping
/// reserved numbers and protobuf's reserved 19000–19999). The message is found
/// by its name in the live text; its numbers come from the last compile.
fn next_field_number(file: &FileIndex, text: &str, offset: usize) -> Option<u32> {
    let names: Vec<String> = block_path(text, offset)
        .into_iter()
        .filter(|(scope, name)| *scope == Scope::Message && !name.is_empty())
        .map(|(_, name)| name)
        .collect();
    let relative = names.join(".");
    let full_name = if file.package.is_empty() { relative } else { format!("{}.{relative}", file.package) };
    let descriptor: MessageDescriptor = file.pool.get_message_by_name(&full_name)?;
    let reserved: Vec<std::ops::Range<u32>> = descriptor.reserved_ranges().collect();
    let used: BTreeSet<u32> = descriptor.fields().map(|f| f.number()).collect();
    let mut next = used.iter().max().map_or(1, |n| n + 1);
    while reserved.iter().any(|r| r.contains(&next)) || (19000..20000).contains(&next) || used.contains(&next) {
        next += 1;
    }
    Some(next)
}

/// Every message and enum in the workspace, named as this file would write it
/// (relative to its package when in it); an `import` edit when its file is not
/// imported yet.
fn type_items(index: &Index, file: &FileIndex, text: &str) -> Vec<lsp::CompletionItem> {
    let imported: BTreeSet<&str> = file.imports.iter().map(|i| i.name.as_str()).collect();
    let insert_at = import_insertion_point(text);
    let mut items = Vec::new();
    for other in index.files() {
        for symbol in other.symbols.iter().filter(|s| matches!(s.kind, Kind::Message | Kind::Enum)) {
            let label = match symbol.full_name.strip_prefix(&format!("{}.", file.package)) {
                Some(relative) if !file.package.is_empty() => relative.to_string(),
                _ => symbol.full_name.clone(),
            };
            let kind =
                if symbol.kind == Kind::Enum { lsp::CompletionItemKind::ENUM } else { lsp::CompletionItemKind::STRUCT };
            let mut entry = item(&label, kind, Some(format!("{} ({})", symbol.full_name, other.name)));
            if other.name != file.name && !imported.contains(other.name.as_str()) {
                let at = convert::range(&file.source, insert_at, insert_at).start;
                entry.additional_text_edits = Some(vec![lsp::TextEdit {
                    range: lsp::Range { start: at, end: at },
                    new_text: format!("import \"{}\";\n", other.name),
                }]);
                entry.detail = Some(format!("{} (adds import \"{}\")", symbol.full_name, other.name));
            }
            items.push(entry);
        }
    }
    items
}

/// Where a new import goes: after the last import, else after `package`, else
/// after `syntax`/`edition`, else at the top.
fn import_insertion_point(text: &str) -> usize {
    let mut after = None;
    for keyword in ["syntax", "edition", "package", "import"] {
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            if line.trim_start().starts_with(keyword) && line.trim_end().ends_with(';') {
                after = Some(at + line.len());
            }
            at += line.len();
        }
    }
    after.unwrap_or(0)
}
