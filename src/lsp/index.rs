//! The workspace index: every declaration and every reference of every file,
//! with byte spans, read off the compile step's output (the linked
//! `DescriptorPool`, which has already resolved every type name, and the
//! protoc-exact source locations), never by resolving names a second time.
//!
//! A file's entry ([`FileIndex`]) is built from whichever compilation last saw
//! it: the background compile of the whole workspace, or the compile of an open
//! document (the document plus its imports). References point at declarations
//! by full name, so replacing one file's entry relinks every file that refers to
//! it without touching them: a rename or a new declaration in the edited file is
//! seen by the others at the next lookup.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use prost_reflect::{
    DescriptorPool, EnumDescriptor, ExtensionDescriptor, FieldDescriptor, Kind as FieldKind, MessageDescriptor,
};

use crate::compile::descriptor::tag;
use crate::compile::{Compilation, CompiledFile};
use crate::errors::ErrorRow;
use crate::source::SourceFile;

/// What a declaration is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Package,
    Message,
    Enum,
    EnumValue,
    Field,
    Oneof,
    Service,
    Method,
    Extension,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Package => "package",
            Kind::Message => "message",
            Kind::Enum => "enum",
            Kind::EnumValue => "enum value",
            Kind::Field => "field",
            Kind::Oneof => "oneof",
            Kind::Service => "service",
            Kind::Method => "rpc",
            Kind::Extension => "extension",
        }
    }
}

/// One declaration.
#[derive(Debug, Clone)]
pub struct Symbol {
    pub full_name: String,
    pub kind: Kind,
    /// The declared name.
    pub name: Range<usize>,
    /// The whole declaration (comments excluded), for folding and symbol trees.
    pub span: Range<usize>,
    /// Index of the enclosing declaration in the same file.
    pub parent: Option<usize>,
    pub leading_comment: Option<String>,
    pub trailing_comment: Option<String>,
}

impl Symbol {
    /// The last component of the full name.
    pub fn short_name(&self) -> &str {
        self.full_name.rsplit('.').next().unwrap_or(&self.full_name)
    }
}

/// What a reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// A field's type, an RPC's request or response, an extendee.
    Type,
    /// An extension used as an option name: `(google.api.http)`.
    OptionExtension,
    /// A variable of an HTTP path template: `{name=...}` names a request field.
    HttpVariable,
}

/// One use of a declaration.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The name as written (`google.protobuf.Timestamp`, `.a.B`, `B.C`).
    pub span: Range<usize>,
    /// The full name of what it resolves to.
    pub target: String,
    pub kind: RefKind,
}

/// One `import` statement.
#[derive(Debug, Clone)]
pub struct Import {
    /// The quoted string, quotes included.
    pub span: Range<usize>,
    pub name: String,
    /// The file on disk it resolves to; `None` for the built-in well-known types.
    pub path: Option<PathBuf>,
}

/// Everything known about one file.
#[derive(Debug, Clone)]
pub struct FileIndex {
    /// Import name.
    pub name: String,
    /// On disk (absolute); `None` for built-in files.
    pub path: Option<PathBuf>,
    pub source: SourceFile,
    pub package: String,
    pub symbols: Vec<Symbol>,
    pub references: Vec<Reference>,
    pub imports: Vec<Import>,
    /// The pool the file was linked in (cheap to clone), for hover details.
    pub pool: DescriptorPool,
    /// Error-table rows of the file's error enums, by the value's full name
    /// (`pkg.VALUE`, as protobuf scopes enum values).
    pub errors: HashMap<String, ErrorRow>,
}

impl FileIndex {
    /// The innermost reference at byte `offset`.
    pub fn reference_at(&self, offset: usize) -> Option<&Reference> {
        self.references
            .iter()
            .filter(|r| r.span.start <= offset && offset <= r.span.end)
            .min_by_key(|r| r.span.end - r.span.start)
    }

    /// The declaration whose name is at byte `offset`.
    pub fn declaration_at(&self, offset: usize) -> Option<&Symbol> {
        self.symbols.iter().find(|s| s.name.start <= offset && offset <= s.name.end && s.kind != Kind::Package)
    }

    /// The import whose quoted name is at byte `offset`.
    pub fn import_at(&self, offset: usize) -> Option<&Import> {
        self.imports.iter().find(|i| i.span.start <= offset && offset <= i.span.end)
    }
}

/// What the cursor is on: a declaration or a use of one (by full name), or an import.
pub enum Target<'a> {
    Symbol { full_name: String },
    Import(&'a Import),
}

/// Every file's index, and where each full name is declared.
#[derive(Default)]
pub struct Index {
    files: HashMap<String, Arc<FileIndex>>,
    declarations: HashMap<String, (String, usize)>,
    /// Full name → the files that refer to it, so a workspace-wide search for
    /// references reads only those (googleapis has over a million references).
    referrers: HashMap<String, std::collections::HashSet<String>>,
    /// Path on disk → import name: every request looks its document up by path,
    /// and a scan of googleapis' 7,207 entries cost milliseconds per request.
    by_path: HashMap<PathBuf, String>,
}

impl Index {
    /// Adds or replaces a file's entry.
    pub fn insert(&mut self, file: FileIndex) {
        self.forget(&file.name);
        for (i, symbol) in file.symbols.iter().enumerate() {
            if symbol.kind != Kind::Package {
                self.declarations.insert(symbol.full_name.clone(), (file.name.clone(), i));
            }
        }
        for reference in &file.references {
            self.referrers.entry(reference.target.clone()).or_default().insert(file.name.clone());
        }
        if let Some(path) = &file.path {
            self.by_path.insert(path.clone(), file.name.clone());
        }
        self.files.insert(file.name.clone(), Arc::new(file));
    }

    /// Removes a file's entry and what it declared and referred to.
    fn forget(&mut self, name: &str) {
        let Some(old) = self.files.remove(name) else { return };
        if let Some(path) = &old.path
            && self.by_path.get(path).is_some_and(|known| known == name)
        {
            self.by_path.remove(path);
        }
        for symbol in &old.symbols {
            if self.declarations.get(&symbol.full_name).is_some_and(|(file, _)| file == name) {
                self.declarations.remove(&symbol.full_name);
            }
        }
        for reference in &old.references {
            if let Some(files) = self.referrers.get_mut(&reference.target) {
                files.remove(name);
                if files.is_empty() {
                    self.referrers.remove(&reference.target);
                }
            }
        }
    }

    /// Drops the entry of the file at `path` (deleted on disk).
    pub fn remove_path(&mut self, path: &std::path::Path) {
        let Some(name) = self.file_by_path(path).map(|f| f.name.clone()) else { return };
        self.forget(&name);
    }

    pub fn file(&self, name: &str) -> Option<&Arc<FileIndex>> {
        self.files.get(name)
    }

    pub fn file_by_path(&self, path: &std::path::Path) -> Option<&Arc<FileIndex>> {
        self.by_path.get(path).and_then(|name| self.files.get(name))
    }

    pub fn files(&self) -> impl Iterator<Item = &Arc<FileIndex>> {
        self.files.values()
    }

    /// Whether the entry for `name` was built from exactly `text`.
    pub fn has_text(&self, name: &str, text: &str) -> bool {
        self.files.get(name).is_some_and(|f| &*f.source.text == text)
    }

    /// Where `full_name` is declared.
    pub fn declaration(&self, full_name: &str) -> Option<(&Arc<FileIndex>, &Symbol)> {
        let (file, i) = self.declarations.get(full_name)?;
        let file = self.files.get(file)?;
        Some((file, file.symbols.get(*i)?))
    }

    /// Every reference to `full_name`, workspace-wide.
    pub fn references(&self, full_name: &str) -> Vec<(&Arc<FileIndex>, &Reference)> {
        let mut found: Vec<(&Arc<FileIndex>, &Reference)> = self
            .referrers
            .get(full_name)
            .into_iter()
            .flatten()
            .filter_map(|name| self.files.get(name))
            .flat_map(|file| file.references.iter().filter(|r| r.target == full_name).map(move |r| (file, r)))
            .collect();
        found.sort_by(|a, b| (&a.0.name, a.1.span.start).cmp(&(&b.0.name, b.1.span.start)));
        found
    }

    /// Every reference to `full_name` or to something declared inside it
    /// (`a.B.C` for `a.B`), for renames.
    pub fn references_within(&self, full_name: &str) -> Vec<(&Arc<FileIndex>, &Reference)> {
        let prefix = format!("{full_name}.");
        self.files
            .values()
            .flat_map(|file| {
                file.references
                    .iter()
                    .filter(|r| r.target == full_name || r.target.starts_with(&prefix))
                    .map(move |r| (file, r))
            })
            .collect()
    }

    /// What is at byte `offset` of `file`.
    pub fn target_at<'a>(&self, file: &'a FileIndex, offset: usize) -> Option<Target<'a>> {
        if let Some(import) = file.import_at(offset) {
            return Some(Target::Import(import));
        }
        if let Some(reference) = file.reference_at(offset) {
            return Some(Target::Symbol { full_name: reference.target.clone() });
        }
        let symbol = file.declaration_at(offset)?;
        Some(Target::Symbol { full_name: symbol.full_name.clone() })
    }
}

/// Builds the entries of `names` (import names) from a compilation; files that
/// did not link are left out (their previous entry stays). `resolve` gives a
/// file's path on disk from its import name.
pub fn index_files(
    compilation: &Compilation,
    names: &[&str],
    resolve: &(dyn Fn(&str) -> Option<PathBuf> + Sync),
    errors: &crate::errors::ErrorsConfig,
) -> Vec<FileIndex> {
    use rayon::prelude::*;
    let files: Vec<&CompiledFile> = names.iter().filter_map(|name| compilation.file(name)).collect();
    files.par_iter().filter_map(|file| index_file(&compilation.pool, file, resolve, errors)).collect()
}

fn index_file(
    pool: &DescriptorPool,
    file: &CompiledFile,
    resolve: &(dyn Fn(&str) -> Option<PathBuf> + Sync),
    errors_config: &crate::errors::ErrorsConfig,
) -> Option<FileIndex> {
    let descriptor = pool.get_file_by_name(&file.source.name)?;
    let mut builder = Builder { file, pool, symbols: Vec::new(), references: Vec::new(), options: Vec::new() };
    let package = descriptor.package_name().to_string();
    if let Some(location) = file.locations.get(&[tag::file::PACKAGE]) {
        let span = location.start as usize..location.end as usize;
        let text = &file.source.text[span.clone()];
        let name = text.find(&package).map_or(span.clone(), |at| span.start + at..span.start + at + package.len());
        builder.symbols.push(Symbol {
            full_name: package.clone(),
            kind: Kind::Package,
            name,
            span,
            parent: None,
            leading_comment: location.leading().map(str::to_string),
            trailing_comment: location.trailing().map(str::to_string),
        });
    }
    builder.options.push((vec![tag::file::OPTIONS], "google.protobuf.FileOptions"));
    for message in descriptor.messages() {
        builder.message(&message, None);
    }
    for enumeration in descriptor.enums() {
        builder.enumeration(&enumeration, None);
    }
    for extension in descriptor.extensions() {
        builder.extension(&extension, None);
    }
    for service in descriptor.services() {
        let parent = builder.symbol(service.full_name(), Kind::Service, service.path(), None);
        builder.options.push((join(service.path(), tag::service::OPTIONS), "google.protobuf.ServiceOptions"));
        for method in service.methods() {
            builder.symbol(method.full_name(), Kind::Method, method.path(), parent);
            builder.options.push((join(method.path(), tag::method::OPTIONS), "google.protobuf.MethodOptions"));
            builder.reference(&join(method.path(), tag::method::INPUT_TYPE), method.input().full_name());
            builder.reference(&join(method.path(), tag::method::OUTPUT_TYPE), method.output().full_name());
            builder.http_variables(&method);
        }
    }
    builder.option_extensions();
    let imports = descriptor
        .dependencies()
        .enumerate()
        .filter_map(|(i, dependency)| {
            let location = file.locations.get(&[tag::file::DEPENDENCY, i as i32])?;
            let name = dependency.name().to_string();
            let path = resolve(&name);
            // The location is the whole statement; the link is the quoted name.
            let statement = &file.source.text[location.start as usize..location.end as usize];
            let quote = statement.find(['"', '\'']).unwrap_or(0);
            let close = statement.rfind(['"', '\'']).filter(|close| *close > quote).unwrap_or(statement.len() - 1);
            let span = location.start as usize + quote..location.start as usize + close + 1;
            Some(Import { span, name, path })
        })
        .collect();
    let Builder { mut symbols, mut references, .. } = builder;
    // Parents before children (declaration order), references by position.
    references.sort_by_key(|r| (r.span.start, r.span.end));
    symbols.shrink_to_fit();
    let view = crate::errors::extract::FileView {
        descriptor: descriptor.clone(),
        display: &file.source.display_path,
        source: Some(&file.source),
        locations: Some(&file.locations),
    };
    let errors = crate::errors::extract::extract_files(&[view], errors_config)
        .rows
        .into_iter()
        .map(|row| {
            // Enum values are named beside their enum (`pkg.VALUE`), not inside it.
            let scope = row.enum_name.rsplit_once('.').map_or("", |(scope, _)| scope);
            let full_name = if scope.is_empty() { row.raw.name.clone() } else { format!("{scope}.{}", row.raw.name) };
            (full_name, row)
        })
        .collect();
    Some(FileIndex {
        name: file.source.name.clone(),
        path: resolve(&file.source.name),
        source: file.source.clone(),
        package,
        symbols,
        references,
        imports,
        pool: pool.clone(),
        errors,
    })
}

fn join(path: &[i32], more: i32) -> Vec<i32> {
    let mut joined = path.to_vec();
    joined.push(more);
    joined
}

struct Builder<'a> {
    file: &'a CompiledFile,
    pool: &'a DescriptorPool,
    symbols: Vec<Symbol>,
    references: Vec<Reference>,
    /// Options paths of the declarations and their options message.
    options: Vec<(Vec<i32>, &'static str)>,
}

impl Builder<'_> {
    fn span(&self, path: &[i32]) -> Option<Range<usize>> {
        self.file.locations.get(path).map(|l| l.start as usize..l.end as usize)
    }

    fn symbol(&mut self, full_name: &str, kind: Kind, path: &[i32], parent: Option<usize>) -> Option<usize> {
        let location = self.file.locations.get(path)?;
        let span = location.start as usize..location.end as usize;
        let name = self.span(&join(path, 1)).unwrap_or(span.clone());
        self.symbols.push(Symbol {
            full_name: full_name.to_string(),
            kind,
            name,
            span,
            parent,
            leading_comment: location.leading().map(str::to_string),
            trailing_comment: location.trailing().map(str::to_string),
        });
        Some(self.symbols.len() - 1)
    }

    fn reference(&mut self, path: &[i32], target: &str) {
        if let Some(span) = self.span(path) {
            self.references.push(Reference { span, target: target.to_string(), kind: RefKind::Type });
        }
    }

    fn message(&mut self, message: &MessageDescriptor, parent: Option<usize>) {
        let me = self.symbol(message.full_name(), Kind::Message, message.path(), parent);
        self.options.push((join(message.path(), tag::message::OPTIONS), "google.protobuf.MessageOptions"));
        for oneof in message.oneofs().filter(|oneof| !oneof.is_synthetic()) {
            self.symbol(oneof.full_name(), Kind::Oneof, oneof.path(), me);
            self.options.push((join(oneof.path(), tag::oneof::OPTIONS), "google.protobuf.OneofOptions"));
        }
        for field in message.fields() {
            self.field(&field, me);
        }
        for nested in message.child_messages().filter(|nested| !nested.is_map_entry()) {
            self.message(&nested, me);
        }
        for enumeration in message.child_enums() {
            self.enumeration(&enumeration, me);
        }
        for extension in message.child_extensions() {
            self.extension(&extension, me);
        }
    }

    fn field(&mut self, field: &FieldDescriptor, parent: Option<usize>) {
        self.symbol(field.full_name(), Kind::Field, field.path(), parent);
        self.options.push((join(field.path(), tag::field::OPTIONS), "google.protobuf.FieldOptions"));
        self.field_type(field.path(), &field.kind(), field.is_map());
    }

    /// The reference of a field's type (for a map, its value type, written
    /// inside `map<K, V>`).
    fn field_type(&mut self, path: &[i32], kind: &FieldKind, is_map: bool) {
        let type_path = join(path, tag::field::TYPE_NAME);
        if is_map {
            let FieldKind::Message(entry) = kind else { return };
            let value_kind = entry.map_entry_value_field().kind();
            let Some(target) = named_type(&value_kind) else { return };
            let Some(span) = self.span(&type_path) else { return };
            let text = &self.file.source.text[span.clone()];
            let (Some(comma), Some(close)) = (text.find(','), text.rfind('>')) else { return };
            let inner = &text[comma + 1..close];
            let start = span.start + comma + 1 + (inner.len() - inner.trim_start().len());
            let end = start + inner.trim().len();
            self.references.push(Reference { span: start..end, target, kind: RefKind::Type });
            return;
        }
        if let Some(target) = named_type(kind) {
            // Groups have no written type name: no location, no reference.
            self.reference(&type_path, &target);
        }
    }

    fn enumeration(&mut self, enumeration: &EnumDescriptor, parent: Option<usize>) {
        let me = self.symbol(enumeration.full_name(), Kind::Enum, enumeration.path(), parent);
        self.options.push((join(enumeration.path(), tag::enum_::OPTIONS), "google.protobuf.EnumOptions"));
        // As declared: the outline follows the source (`values()` goes by number).
        for value in enumeration.declared_values() {
            self.symbol(value.full_name(), Kind::EnumValue, value.path(), me);
            self.options.push((join(value.path(), tag::enum_value::OPTIONS), "google.protobuf.EnumValueOptions"));
        }
    }

    fn extension(&mut self, extension: &ExtensionDescriptor, parent: Option<usize>) {
        self.symbol(extension.full_name(), Kind::Extension, extension.path(), parent);
        self.options.push((join(extension.path(), tag::field::OPTIONS), "google.protobuf.FieldOptions"));
        self.reference(&join(extension.path(), tag::field::EXTENDEE), extension.containing_message().full_name());
        self.field_type(extension.path(), &extension.kind(), false);
    }

    /// `(ext)` in option names: the location of an interpreted option is at
    /// `[options path, extension number, (index)]`.
    fn option_extensions(&mut self) {
        let options: HashMap<&[i32], &str> = self.options.iter().map(|(path, ty)| (path.as_slice(), *ty)).collect();
        let mut seen = std::collections::HashSet::new();
        for location in self.file.locations.iter() {
            let path = &location.path;
            let Some((prefix, number)) =
                (1..path.len()).rev().take(2).find_map(|cut| options.get(&path[..cut]).map(|ty| (*ty, path[cut])))
            else {
                continue;
            };
            let Some(extension) =
                self.pool.get_message_by_name(prefix).and_then(|options| options.get_extension(number as u32))
            else {
                continue;
            };
            let text = &self.file.source.text[location.start as usize..location.end as usize];
            // `option (a.b) = …` or `(a.b) = …` in brackets: the first parenthesis.
            let (Some(open), Some(close)) = (text.find('('), text.find(')')) else { continue };
            if close < open || !seen.insert(location.start as usize + open) {
                continue;
            }
            let written = &text[open + 1..close];
            let start = location.start as usize + open + 1 + (written.len() - written.trim_start().len());
            let span = start..start + written.trim().len();
            self.references.push(Reference {
                span,
                target: extension.full_name().to_string(),
                kind: RefKind::OptionExtension,
            });
        }
    }

    /// `{field.path=...}` in the `google.api.http` templates of a method: each
    /// segment names a field of the request (then of that field's message).
    fn http_variables(&mut self, method: &prost_reflect::MethodDescriptor) {
        let path =
            [method.path(), &[tag::method::OPTIONS, crate::annotations::http::HTTP_EXTENSION_NUMBER as i32]].concat();
        let Some(span) = self.span(&path) else { return };
        let text = &self.file.source.text[span.clone()];
        let bytes = text.as_bytes();
        let mut in_string: Option<u8> = None;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match in_string {
                None if b == b'"' || b == b'\'' => in_string = Some(b),
                Some(quote) if b == quote => in_string = None,
                Some(_) if b == b'\\' => i += 1,
                Some(_) if b == b'{' => {
                    let start = i + 1;
                    let mut end = start;
                    while end < bytes.len()
                        && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_' || bytes[end] == b'.')
                    {
                        end += 1;
                    }
                    let mut message = Some(method.input());
                    let mut segment_start = start;
                    for segment in text[start..end].split('.') {
                        let Some(field) = message.as_ref().and_then(|m| m.get_field_by_name(segment)) else { break };
                        let at = span.start + segment_start;
                        self.references.push(Reference {
                            span: at..at + segment.len(),
                            target: field.full_name().to_string(),
                            kind: RefKind::HttpVariable,
                        });
                        message = match field.kind() {
                            FieldKind::Message(m) => Some(m),
                            _ => None,
                        };
                        segment_start += segment.len() + 1;
                    }
                    i = end;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// The full name of a message or enum type.
fn named_type(kind: &FieldKind) -> Option<String> {
    match kind {
        FieldKind::Message(message) => Some(message.full_name().to_string()),
        FieldKind::Enum(enumeration) => Some(enumeration.full_name().to_string()),
        _ => None,
    }
}
