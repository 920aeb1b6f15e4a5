//! Navigation and explanation over the workspace index: definition, type
//! definition, references, highlights, hover, symbols, rename, semantic tokens,
//! folding ranges and document links. Every function answers from the index
//! alone (no compile), so requests cost microseconds to milliseconds.

use std::collections::HashMap;

use lsp_types as lsp;
use prost_reflect::Kind as FieldKind;

use super::convert;
use super::index::{FileIndex, Index, Kind, RefKind, Symbol, Target};

/// The location of a byte range of an indexed file (`None` when the file has no
/// place on disk).
pub fn location(file: &FileIndex, span: &std::ops::Range<usize>) -> Option<lsp::Location> {
    let uri = convert::file_uri(file.path.as_deref()?)?;
    Some(lsp::Location { uri, range: convert::range(&file.source, span.start, span.end) })
}

/// Where what is at `offset` is declared: a type, an extension, a request field
/// (from an HTTP path variable), an enum value, or the imported file.
pub fn definition(index: &Index, file: &FileIndex, offset: usize) -> Option<lsp::Location> {
    let Some(target) = index.target_at(file, offset) else {
        // An error reason written in a comment or string: its enum value.
        let (declared_in, symbol) = error_reason_at(index, file, offset)?;
        return location(declared_in, &symbol.name);
    };
    match target {
        Target::Import(import) => {
            let uri = convert::file_uri(import.path.as_deref()?)?;
            Some(lsp::Location { uri, range: lsp::Range::default() })
        }
        Target::Symbol { full_name } => {
            let (declared_in, symbol) = index.declaration(&full_name)?;
            location(declared_in, &symbol.name)
        }
    }
}

/// The word at `offset` when it is the reason of an error value (`USER_NOT_FOUND`
/// in "Fails with USER_NOT_FOUND when …"): that value, preferring one in the
/// file's own package.
fn error_reason_at<'a>(
    index: &'a Index,
    file: &FileIndex,
    offset: usize,
) -> Option<(&'a std::sync::Arc<FileIndex>, &'a Symbol)> {
    let text = &*file.source.text;
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    let start = text[..offset.min(text.len())].rfind(|c: char| !is_word(c)).map_or(0, |i| i + 1);
    let end = text[offset.min(text.len())..].find(|c: char| !is_word(c)).map_or(text.len(), |i| offset + i);
    let word = text.get(start..end)?.trim_matches('.');
    if word.is_empty() {
        return None;
    }
    let mut best = None;
    for other in index.files() {
        for (full_name, row) in other.errors.iter().filter(|(_, row)| row.reason == word || row.id == word) {
            let same_package = row.package == file.package;
            if best.as_ref().is_none_or(|(_, preferred)| !preferred && same_package) {
                best = Some((full_name.clone(), same_package));
            }
        }
    }
    index.declaration(&best?.0)
}

/// The declaration of the type of what is at `offset`: a field's message or
/// enum, an RPC's request type; for a type reference, the type itself.
pub fn type_definition(index: &Index, file: &FileIndex, offset: usize) -> Option<lsp::Location> {
    let Target::Symbol { full_name } = index.target_at(file, offset)? else { return None };
    let (declared_in, symbol) = index.declaration(&full_name)?;
    let type_name = match symbol.kind {
        Kind::Field | Kind::Extension => {
            let field = find_field(&declared_in.pool, &symbol.full_name, symbol.kind)?;
            let kind = if field.is_map() {
                match field.kind() {
                    FieldKind::Message(entry) => entry.map_entry_value_field().kind(),
                    other => other,
                }
            } else {
                field.kind()
            };
            match kind {
                FieldKind::Message(message) => message.full_name().to_string(),
                FieldKind::Enum(enumeration) => enumeration.full_name().to_string(),
                _ => return None,
            }
        }
        Kind::Method => {
            let method = find_method(&declared_in.pool, &symbol.full_name)?;
            method.input().full_name().to_string()
        }
        Kind::EnumValue => symbol.full_name.rsplit_once('.')?.0.to_string(),
        _ => symbol.full_name.clone(),
    };
    let (type_file, type_symbol) = index.declaration(&type_name)?;
    location(type_file, &type_symbol.name)
}

/// Every use of what is at `offset`, workspace-wide; with its declaration first
/// when asked.
pub fn references(index: &Index, file: &FileIndex, offset: usize, include_declaration: bool) -> Vec<lsp::Location> {
    let Some(Target::Symbol { full_name }) = index.target_at(file, offset) else { return Vec::new() };
    let mut found = Vec::new();
    if include_declaration && let Some((declared_in, symbol)) = index.declaration(&full_name) {
        found.extend(location(declared_in, &symbol.name));
    }
    for (in_file, reference) in index.references(&full_name) {
        found.extend(location(in_file, &reference.span));
    }
    found
}

/// The declaration (as a write) and uses (as reads) of what is at `offset`, in
/// this file.
pub fn highlights(index: &Index, file: &FileIndex, offset: usize) -> Vec<lsp::DocumentHighlight> {
    let Some(Target::Symbol { full_name }) = index.target_at(file, offset) else { return Vec::new() };
    let range = |span: &std::ops::Range<usize>| convert::range(&file.source, span.start, span.end);
    let mut found: Vec<lsp::DocumentHighlight> = file
        .symbols
        .iter()
        .filter(|s| s.full_name == full_name && s.kind != Kind::Package)
        .map(|s| lsp::DocumentHighlight { range: range(&s.name), kind: Some(lsp::DocumentHighlightKind::WRITE) })
        .collect();
    found.extend(
        file.references
            .iter()
            .filter(|r| r.target == full_name)
            .map(|r| lsp::DocumentHighlight { range: range(&r.span), kind: Some(lsp::DocumentHighlightKind::READ) }),
    );
    found
}

fn find_field(
    pool: &prost_reflect::DescriptorPool,
    full_name: &str,
    kind: Kind,
) -> Option<prost_reflect::FieldDescriptor> {
    if kind == Kind::Extension {
        return None;
    }
    let (message, name) = full_name.rsplit_once('.')?;
    pool.get_message_by_name(message)?.get_field_by_name(name)
}

fn find_method(pool: &prost_reflect::DescriptorPool, full_name: &str) -> Option<prost_reflect::MethodDescriptor> {
    let (service, name) = full_name.rsplit_once('.')?;
    pool.get_service_by_name(service)?.methods().find(|m| m.name() == name)
}

fn is_deprecated(options: &prost_reflect::DynamicMessage) -> bool {
    options.get_field_by_name("deprecated").is_some_and(|value| value.as_bool() == Some(true))
}

/// Hover: the declaration as a line of proto, its comment as Markdown, its full
/// name, field number and JSON name, an RPC's HTTP routes, an error value's
/// code and status, and whether it is deprecated.
pub fn hover(index: &Index, file: &FileIndex, offset: usize) -> Option<lsp::Hover> {
    let (range, full_name) = match index.target_at(file, offset)? {
        Target::Import(import) => {
            let text = format!("```proto\nimport \"{}\";\n```", import.name);
            let range = convert::range(&file.source, import.span.start, import.span.end);
            return Some(markdown_hover(text, range));
        }
        Target::Symbol { full_name } => {
            let span = file
                .reference_at(offset)
                .map(|r| r.span.clone())
                .or_else(|| file.declaration_at(offset).map(|s| s.name.clone()))?;
            (convert::range(&file.source, span.start, span.end), full_name)
        }
    };
    let (declared_in, symbol) = index.declaration(&full_name)?;
    Some(markdown_hover(describe(declared_in, symbol), range))
}

fn markdown_hover(value: String, range: lsp::Range) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value }),
        range: Some(range),
    }
}

/// The Markdown of a declaration's hover.
pub fn describe(file: &FileIndex, symbol: &Symbol) -> String {
    let pool = &file.pool;
    let mut facts: Vec<String> = Vec::new();
    let mut deprecated = false;
    let signature = match symbol.kind {
        Kind::Message => {
            deprecated = pool.get_message_by_name(&symbol.full_name).is_some_and(|m| is_deprecated(&m.options()));
            format!("message {}", symbol.short_name())
        }
        Kind::Enum => {
            deprecated = pool.get_enum_by_name(&symbol.full_name).is_some_and(|e| is_deprecated(&e.options()));
            format!("enum {}", symbol.short_name())
        }
        Kind::Service => {
            deprecated = pool.get_service_by_name(&symbol.full_name).is_some_and(|s| is_deprecated(&s.options()));
            format!("service {}", symbol.short_name())
        }
        Kind::Oneof => format!("oneof {}", symbol.short_name()),
        Kind::Package => format!("package {}", symbol.full_name),
        Kind::EnumValue => {
            let value = symbol.full_name.rsplit_once('.').and_then(|(parent, name)| {
                // Enum values are scoped beside their enum: the parent of the value's
                // full name is the enum's parent, so find the enum by the symbol tree.
                let enum_name = symbol.parent.and_then(|p| file.symbols.get(p)).map(|s| s.full_name.clone())?;
                let _ = parent;
                pool.get_enum_by_name(&enum_name)?.get_value_by_name(name)
            });
            let number = value.as_ref().map_or(0, |v| v.number());
            if let Some(value) = &value {
                deprecated = is_deprecated(&value.options());
            }
            if let Some(row) = file.errors.get(&symbol.full_name) {
                let mut error = Vec::new();
                if let Some(status) = row.http_status {
                    error.push(format!("HTTP {status}"));
                }
                if let Some(code) = row.grpc_code {
                    error.push(format!("gRPC `{code}`"));
                }
                error.push(format!("reason `{}`", row.reason));
                if let Some(code) = row.biz_code {
                    error.push(format!("business code {code}"));
                }
                facts.push(format!("error: {}", error.join(" · ")));
            }
            format!("{} = {number}", symbol.short_name())
        }
        Kind::Field | Kind::Extension => {
            let field = if symbol.kind == Kind::Extension {
                pool.get_extension_by_name(&symbol.full_name).map(|e| {
                    facts.push(format!("extends `{}`", e.containing_message().full_name()));
                    (type_label(&e.kind(), e.is_list(), false), e.number(), e.json_name().to_string(), e.options())
                })
            } else {
                find_field(pool, &symbol.full_name, symbol.kind).map(|f| {
                    (type_label(&f.kind(), f.is_list(), f.is_map()), f.number(), f.json_name().to_string(), f.options())
                })
            };
            match field {
                Some((ty, number, json_name, options)) => {
                    deprecated = is_deprecated(&options);
                    facts.push(format!("field number {number} · JSON name `{json_name}`"));
                    format!("{ty} {} = {number}", symbol.short_name())
                }
                None => symbol.short_name().to_string(),
            }
        }
        Kind::Method => match find_method(pool, &symbol.full_name) {
            Some(method) => {
                deprecated = is_deprecated(&method.options());
                for binding in crate::annotations::http::http_bindings(&method) {
                    facts.push(format!("HTTP `{} {}`", binding.verb, binding.path));
                }
                let stream = |yes: bool| if yes { "stream " } else { "" };
                format!(
                    "rpc {}({}{}) returns ({}{})",
                    method.name(),
                    stream(method.is_client_streaming()),
                    method.input().full_name(),
                    stream(method.is_server_streaming()),
                    method.output().full_name()
                )
            }
            None => format!("rpc {}", symbol.short_name()),
        },
    };
    let mut text = format!("```proto\n{signature}\n```\n");
    if deprecated {
        text.push_str("\n**Deprecated.**\n");
    }
    let comment: Vec<&str> =
        [symbol.leading_comment.as_deref(), symbol.trailing_comment.as_deref()].into_iter().flatten().collect();
    if !comment.is_empty() {
        text.push('\n');
        for part in comment {
            text.push_str(&comment_markdown(part));
            text.push('\n');
        }
    }
    text.push_str(&format!("\n---\n`{}` ({}) in `{}`", symbol.full_name, symbol.kind.describe(), file.name));
    for fact in facts {
        text.push_str("  \n");
        text.push_str(&fact);
    }
    text
}

/// A comment as Markdown: protoc keeps the text after `//` with its leading
/// space; that indentation is removed so Markdown does not see code blocks.
fn comment_markdown(comment: &str) -> String {
    let lines: Vec<&str> = comment.trim_end().lines().collect();
    let indent =
        lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    lines.iter().map(|l| l.get(indent..).unwrap_or("").trim_end()).collect::<Vec<_>>().join("\n")
}

fn type_label(kind: &FieldKind, repeated: bool, map: bool) -> String {
    let name = |kind: &FieldKind| match kind {
        FieldKind::Message(m) => m.full_name().to_string(),
        FieldKind::Enum(e) => e.full_name().to_string(),
        other => format!("{other:?}").to_lowercase(),
    };
    if map && let FieldKind::Message(entry) = kind {
        return format!(
            "map<{}, {}>",
            name(&entry.map_entry_key_field().kind()),
            name(&entry.map_entry_value_field().kind())
        );
    }
    format!("{}{}", if repeated { "repeated " } else { "" }, name(kind))
}

fn symbol_kind(kind: Kind) -> lsp::SymbolKind {
    match kind {
        Kind::Package => lsp::SymbolKind::PACKAGE,
        Kind::Message => lsp::SymbolKind::STRUCT,
        Kind::Enum => lsp::SymbolKind::ENUM,
        Kind::EnumValue => lsp::SymbolKind::ENUM_MEMBER,
        Kind::Field | Kind::Extension => lsp::SymbolKind::FIELD,
        Kind::Oneof => lsp::SymbolKind::STRUCT,
        Kind::Service => lsp::SymbolKind::INTERFACE,
        Kind::Method => lsp::SymbolKind::METHOD,
    }
}

/// The file's declarations as a tree (messages hold their fields, nested types
/// and oneofs; services their RPCs), each with its full name as detail.
#[allow(deprecated)] // DocumentSymbol::deprecated: the field must be spelled out.
pub fn document_symbols(file: &FileIndex) -> Vec<lsp::DocumentSymbol> {
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, symbol) in file.symbols.iter().enumerate() {
        if symbol.kind != Kind::Package {
            children.entry(symbol.parent).or_default().push(i);
        }
    }
    // In source order (the index lists fields before nested types, services last).
    for list in children.values_mut() {
        list.sort_by_key(|&i| file.symbols[i].span.start);
    }
    fn build(
        file: &FileIndex,
        children: &HashMap<Option<usize>, Vec<usize>>,
        at: Option<usize>,
    ) -> Vec<lsp::DocumentSymbol> {
        let Some(list) = children.get(&at) else { return Vec::new() };
        list.iter()
            .map(|&i| {
                let symbol = &file.symbols[i];
                let kids = build(file, children, Some(i));
                lsp::DocumentSymbol {
                    name: symbol.short_name().to_string(),
                    detail: Some(symbol.full_name.clone()),
                    kind: symbol_kind(symbol.kind),
                    tags: None,
                    deprecated: None,
                    range: convert::range(&file.source, symbol.span.start, symbol.span.end),
                    selection_range: convert::range(&file.source, symbol.name.start, symbol.name.end),
                    children: (!kids.is_empty()).then_some(kids),
                }
            })
            .collect()
    }
    build(file, &children, None)
}

/// Declarations anywhere whose full name contains every character of `query` in
/// order (case-insensitive), best matches (short names starting with the query) first.
#[allow(deprecated)] // SymbolInformation::deprecated.
pub fn workspace_symbols(index: &Index, query: &str, limit: usize) -> Vec<lsp::SymbolInformation> {
    let query = query.to_lowercase();
    let mut found: Vec<(u8, &str, lsp::SymbolInformation)> = Vec::new();
    for file in index.files() {
        for symbol in file.symbols.iter().filter(|s| s.kind != Kind::Package) {
            let name = symbol.full_name.to_lowercase();
            let short = symbol.short_name().to_lowercase();
            let rank = if short == query {
                0
            } else if short.starts_with(&query) {
                1
            } else if name.contains(&query) {
                2
            } else if is_subsequence(&query, &name) {
                3
            } else {
                continue;
            };
            let Some(location) = location(file, &symbol.name) else { continue };
            found.push((
                rank,
                &symbol.full_name,
                lsp::SymbolInformation {
                    name: symbol.full_name.clone(),
                    kind: symbol_kind(symbol.kind),
                    tags: None,
                    deprecated: None,
                    location,
                    container_name: Some(file.package.clone()),
                },
            ));
        }
    }
    found.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    found.into_iter().take(limit).map(|(_, _, info)| info).collect()
}

fn is_subsequence(needle: &str, haystack: &str) -> bool {
    let mut rest = haystack.chars();
    needle.chars().all(|c| rest.any(|h| h == c))
}

/// Why renaming would break compatibility, if it would.
fn rename_hazard(file: &FileIndex, symbol: &Symbol) -> Option<String> {
    let name = symbol.short_name();
    match symbol.kind {
        Kind::Field => {
            let field = find_field(&file.pool, &symbol.full_name, symbol.kind)?;
            let explicit_json =
                field.json_name_proto().is_some() && field.json_name() != crate::lsp::navigate::default_json_name(name);
            (!explicit_json).then(|| {
                format!(
                    "renaming field `{name}` changes its JSON name `{}`: JSON clients and field masks break \
                     (the wire format keeps the number)",
                    field.json_name()
                )
            })
        }
        Kind::EnumValue => {
            Some(format!("renaming enum value `{name}` changes its JSON and text form: JSON clients break"))
        }
        Kind::Method => Some(format!("renaming rpc `{name}` changes its gRPC path: existing clients break")),
        Kind::Service => Some(format!("renaming service `{name}` changes its gRPC paths: existing clients break")),
        Kind::Message | Kind::Enum => None,
        Kind::Oneof => None,
        Kind::Extension => Some(format!("renaming extension `{name}` changes its JSON and text form")),
        Kind::Package => Some("renaming a package changes every gRPC path and type URL in it".into()),
    }
}

/// protoc's default JSON name: lowerCamelCase of the field name.
pub fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The range to rename at `offset`, or why it cannot be renamed.
pub fn prepare_rename(index: &Index, file: &FileIndex, offset: usize) -> Result<lsp::PrepareRenameResponse, String> {
    let Some(Target::Symbol { full_name }) = index.target_at(file, offset) else {
        return Err("nothing to rename here: place the cursor on a declaration or a type name".into());
    };
    let (declared_in, symbol) =
        index.declaration(&full_name).ok_or_else(|| format!("`{full_name}` is not declared in the workspace"))?;
    if declared_in.path.as_ref().is_none_or(|_| declared_in.source.name.starts_with("google/protobuf/")) {
        return Err(format!("`{full_name}` is a well-known type, built into protobuf: it cannot be renamed"));
    }
    let short = symbol.short_name().to_string();
    let span = match file.reference_at(offset) {
        Some(reference) => component_span(file, &reference.span, &short)?,
        None => symbol.name.clone(),
    };
    Ok(lsp::PrepareRenameResponse::RangeWithPlaceholder {
        range: convert::range(&file.source, span.start, span.end),
        placeholder: short,
    })
}

/// Within a written reference, the last occurrence of the component `name`.
fn component_span(
    file: &FileIndex,
    span: &std::ops::Range<usize>,
    name: &str,
) -> Result<std::ops::Range<usize>, String> {
    let text = &file.source.text[span.clone()];
    let mut at = span.start;
    let mut found = None;
    for part in text.split('.') {
        let trimmed = part.trim();
        if trimmed == name {
            let start = at + (part.len() - part.trim_start().len());
            found = Some(start..start + trimmed.len());
        }
        at += part.len() + 1;
    }
    found.ok_or_else(|| format!("`{name}` is not written here"))
}

/// Renames what is at `offset` everywhere: its declaration and every reference
/// (for a message or enum, also the references to what is nested inside it, as
/// `Outer.Inner`). Refused when it breaks wire or JSON compatibility unless the
/// new name ends with `!` (removed) or `force` is set.
pub fn rename(
    index: &Index,
    file: &FileIndex,
    offset: usize,
    new_name: &str,
    force: bool,
) -> Result<lsp::WorkspaceEdit, String> {
    let (new_name, forced) = match new_name.strip_suffix('!') {
        Some(name) => (name, true),
        None => (new_name, force),
    };
    if new_name.is_empty()
        || !new_name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        || !new_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(format!("`{new_name}` is not a valid protobuf identifier"));
    }
    prepare_rename(index, file, offset)?;
    let Some(Target::Symbol { full_name }) = index.target_at(file, offset) else { unreachable!("checked above") };
    let (declared_in, symbol) = index.declaration(&full_name).ok_or("not declared")?;
    if !forced && let Some(hazard) = rename_hazard(declared_in, symbol) {
        return Err(format!("{hazard}; to rename anyway, end the new name with `!` (`{new_name}!`)"));
    }
    let old = symbol.short_name().to_string();
    let depth = full_name.matches('.').count();
    #[allow(clippy::mutable_key_type)] // lsp::Uri caches its parse; WorkspaceEdit wants it as the key.
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    let mut add = |in_file: &FileIndex, span: std::ops::Range<usize>| {
        if let Some(location) = location(in_file, &span) {
            changes
                .entry(location.uri)
                .or_default()
                .push(lsp::TextEdit { range: location.range, new_text: new_name.to_string() });
        }
    };
    add(declared_in, symbol.name.clone());
    for (in_file, reference) in index.references_within(&full_name) {
        // The written name is the last components of the target's full name.
        let text = &in_file.source.text[reference.span.clone()];
        let written: Vec<&str> = text.trim_start_matches('.').split('.').collect();
        let target_depth = reference.target.matches('.').count();
        let Some(component) = (depth + written.len()).checked_sub(target_depth + 1) else { continue };
        if written.get(component).map(|w| w.trim()) != Some(old.as_str()) {
            continue;
        }
        let mut at = reference.span.start + (text.len() - text.trim_start_matches('.').len());
        for part in &written[..component] {
            at += part.len() + 1;
        }
        let part = written[component];
        let start = at + (part.len() - part.trim_start().len());
        add(in_file, start..start + old.len());
    }
    Ok(lsp::WorkspaceEdit { changes: Some(changes), ..lsp::WorkspaceEdit::default() })
}

/// The legend of [`semantic_tokens`], in index order.
pub const TOKEN_TYPES: [lsp::SemanticTokenType; 12] = [
    lsp::SemanticTokenType::NAMESPACE,
    lsp::SemanticTokenType::STRUCT,
    lsp::SemanticTokenType::ENUM,
    lsp::SemanticTokenType::ENUM_MEMBER,
    lsp::SemanticTokenType::PROPERTY,
    lsp::SemanticTokenType::METHOD,
    lsp::SemanticTokenType::INTERFACE,
    lsp::SemanticTokenType::KEYWORD,
    lsp::SemanticTokenType::COMMENT,
    lsp::SemanticTokenType::STRING,
    lsp::SemanticTokenType::NUMBER,
    lsp::SemanticTokenType::DECORATOR,
];
pub const TOKEN_MODIFIERS: [lsp::SemanticTokenModifier; 2] =
    [lsp::SemanticTokenModifier::DECLARATION, lsp::SemanticTokenModifier::DEPRECATED];

const KEYWORDS: &[&str] = &[
    "syntax",
    "edition",
    "package",
    "import",
    "public",
    "weak",
    "option",
    "message",
    "enum",
    "service",
    "rpc",
    "returns",
    "stream",
    "oneof",
    "map",
    "repeated",
    "optional",
    "required",
    "reserved",
    "extensions",
    "extend",
    "to",
    "max",
    "group",
    "export",
    "local",
    "double",
    "float",
    "int32",
    "int64",
    "uint32",
    "uint64",
    "sint32",
    "sint64",
    "fixed32",
    "fixed64",
    "sfixed32",
    "sfixed64",
    "bool",
    "string",
    "bytes",
    "true",
    "false",
];

fn token_type_of(kind: Kind) -> u32 {
    match kind {
        Kind::Package => 0,
        Kind::Message | Kind::Oneof => 1,
        Kind::Enum => 2,
        Kind::EnumValue => 3,
        Kind::Field | Kind::Extension => 4,
        Kind::Method => 5,
        Kind::Service => 6,
    }
}

/// Semantic tokens of the whole file, from idl's lexer and the index: comments,
/// strings, numbers, keywords, declared names (with the declaration modifier)
/// and type names (the package part as namespace). Multi-line comments are
/// split per line (clients need not support multi-line tokens).
pub fn semantic_tokens(index: &Index, file: &FileIndex) -> Vec<lsp::SemanticToken> {
    let text = &*file.source.text;
    let (tokens, _) = crate::syntax::lexer::lex(text);
    let declared: HashMap<usize, Kind> = file.symbols.iter().map(|s| (s.name.start, s.kind)).collect();
    let mut raw: Vec<(usize, usize, u32, u32)> = Vec::new();
    let mut references = file.references.iter().peekable();
    for token in &tokens {
        use crate::syntax::lexer::TokenKind as T;
        let (start, end) = (token.start as usize, token.end as usize);
        let ty = match token.kind {
            T::LineComment | T::BlockComment => {
                let mut line_start = start;
                for line in text[start..end].split_inclusive('\n') {
                    let content = line.trim_end_matches(['\n', '\r']);
                    if !content.is_empty() {
                        raw.push((line_start, line_start + content.len(), 8, 0));
                    }
                    line_start += line.len();
                }
                continue;
            }
            T::String => 9,
            T::Int | T::Float => 10,
            T::Ident => {
                while references.peek().is_some_and(|r| r.span.end <= start) {
                    references.next();
                }
                let word = &text[start..end];
                if let Some(kind) = declared.get(&start) {
                    raw.push((start, end, token_type_of(*kind), 1));
                    continue;
                }
                if let Some(reference) = references.peek().filter(|r| r.span.start <= start && end <= r.span.end) {
                    let last = end == reference.span.end;
                    let ty = match reference.kind {
                        RefKind::OptionExtension => 11,
                        RefKind::HttpVariable => 4,
                        RefKind::Type if !last => 0,
                        RefKind::Type => index.declaration(&reference.target).map_or(1, |(_, s)| token_type_of(s.kind)),
                    };
                    raw.push((start, end, ty, 0));
                    continue;
                }
                if KEYWORDS.contains(&word) {
                    7
                } else {
                    continue;
                }
            }
            _ => continue,
        };
        raw.push((start, end, ty, 0));
    }
    raw.sort_by_key(|t| t.0);
    let mut encoded = Vec::with_capacity(raw.len());
    let (mut last_line, mut last_start) = (0u32, 0u32);
    for (start, end, ty, modifiers) in raw {
        let at = convert::position(file.source.position(start));
        let length = text[start..end].encode_utf16().count() as u32;
        let delta_line = at.line - last_line;
        let delta_start = if delta_line == 0 { at.character - last_start } else { at.character };
        encoded.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: ty,
            token_modifiers_bitset: modifiers,
        });
        (last_line, last_start) = (at.line, at.character);
    }
    encoded
}

/// Folding ranges: declarations over several lines, runs of line comments, and
/// the block of imports.
pub fn folding_ranges(file: &FileIndex) -> Vec<lsp::FoldingRange> {
    let source = &file.source;
    let line = |offset: usize| source.line_index(offset) as u32;
    let mut ranges = Vec::new();
    for symbol in &file.symbols {
        if matches!(symbol.kind, Kind::Package | Kind::EnumValue) {
            continue;
        }
        let (start, end) = (line(symbol.span.start), line(symbol.span.end.saturating_sub(1)));
        if end > start {
            ranges.push(lsp::FoldingRange {
                start_line: start,
                end_line: end,
                kind: Some(lsp::FoldingRangeKind::Region),
                ..lsp::FoldingRange::default()
            });
        }
    }
    if let (Some(first), Some(last)) = (file.imports.first(), file.imports.last()) {
        let (start, end) = (line(first.span.start), line(last.span.end));
        if end > start {
            ranges.push(lsp::FoldingRange {
                start_line: start,
                end_line: end,
                kind: Some(lsp::FoldingRangeKind::Imports),
                ..lsp::FoldingRange::default()
            });
        }
    }
    // Consecutive `//` lines.
    let mut run: Option<(u32, u32)> = None;
    for index in 0..source.line_count() {
        let is_comment = source.line_text(index).trim_start().starts_with("//");
        let index = index as u32;
        run = match (run, is_comment) {
            (Some((start, _)), true) => Some((start, index)),
            (None, true) => Some((index, index)),
            (Some((start, end)), false) => {
                if end > start {
                    ranges.push(lsp::FoldingRange {
                        start_line: start,
                        end_line: end,
                        kind: Some(lsp::FoldingRangeKind::Comment),
                        ..lsp::FoldingRange::default()
                    });
                }
                None
            }
            (None, false) => None,
        };
    }
    ranges.sort_by_key(|r| (r.start_line, r.end_line));
    ranges
}

/// Each import as a link to the file it resolves to.
pub fn document_links(file: &FileIndex) -> Vec<lsp::DocumentLink> {
    file.imports
        .iter()
        .filter_map(|import| {
            let target = url::Url::from_file_path(import.path.as_ref()?).ok()?;
            // Inside the quotes.
            let span = import.span.start + 1..import.span.end.saturating_sub(1).max(import.span.start + 1);
            Some(lsp::DocumentLink {
                range: convert::range(&file.source, span.start, span.end),
                target: Some(target.as_str().parse().ok()?),
                tooltip: Some(import.name.clone()),
                data: None,
            })
        })
        .collect()
}

/// `true` when an option value of this kind is a literal the user types (used
/// by completion for `bool` and enum options).
pub fn option_values(kind: &FieldKind) -> Vec<String> {
    match kind {
        FieldKind::Bool => vec!["true".into(), "false".into()],
        FieldKind::Enum(e) => e.declared_values().map(|v| v.name().to_string()).collect(),
        _ => Vec::new(),
    }
}
