//! The syntax tree of one `.proto` file.
//!
//! Nodes carry byte spans into the source (the token vector keeps every byte, so
//! the tree plus tokens are lossless) and the comments protoc would attach to
//! them. Names are kept as spans; `Sp::text` slices the source.

use std::fmt;

/// A byte range `start..end` in the source.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sp {
    pub start: u32,
    pub end: u32,
}

impl Sp {
    pub fn new(start: u32, end: u32) -> Sp {
        Sp { start, end }
    }
    pub fn to(self, other: Sp) -> Sp {
        Sp { start: self.start, end: other.end }
    }
    pub fn text(self, src: &str) -> &str {
        &src[self.start as usize..self.end as usize]
    }
}

impl fmt::Debug for Sp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Comments attached to a declaration, with protoc's attribution rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comments {
    pub leading: Option<String>,
    pub trailing: Option<String>,
    pub detached: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct File {
    /// From the first to the last non-trivia token (protoc's root location).
    pub span: Sp,
    pub decls: Vec<Decl>,
}

#[derive(Debug, Clone)]
pub enum Decl {
    Syntax(SyntaxDecl),
    Package(PackageDecl),
    Import(ImportDecl),
    Option(OptionDecl),
    Message(MessageDecl),
    Enum(EnumDecl),
    Service(ServiceDecl),
    Extend(ExtendDecl),
    Empty(Sp),
}

#[derive(Debug, Clone)]
pub struct SyntaxDecl {
    pub span: Sp,
    /// `edition = "2023";` rather than `syntax = "proto3";`.
    pub is_edition: bool,
    pub value: StrLit,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub struct PackageDecl {
    pub span: Sp,
    pub name: Sp,
    pub comments: Comments,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Default,
    Public,
    Weak,
    /// `import option "x.proto";` (edition 2024).
    Option,
}

#[derive(Debug, Clone)]
pub struct ImportDecl {
    pub span: Sp,
    pub kind: ImportKind,
    pub kind_span: Option<Sp>,
    pub path: StrLit,
    pub comments: Comments,
}

/// One or more adjacent string literal tokens, concatenated.
#[derive(Debug, Clone)]
pub struct StrLit {
    pub span: Sp,
    pub value: Vec<u8>,
}

impl StrLit {
    pub fn lossy(&self) -> String {
        String::from_utf8_lossy(&self.value).into_owned()
    }
}

#[derive(Debug, Clone)]
pub struct OptionNamePart {
    pub span: Sp,
    /// The name without parentheses (`google.api.http`, `.foo.bar`).
    pub name: String,
    pub is_extension: bool,
}

#[derive(Debug, Clone)]
pub struct OptionName {
    pub span: Sp,
    pub parts: Vec<OptionNamePart>,
}

#[derive(Debug, Clone)]
pub enum OptionValueKind {
    Ident(String),
    /// `-inf`, `-nan` and floats.
    Float(f64),
    Int {
        negative: bool,
        magnitude: u64,
    },
    Str(Vec<u8>),
    /// A message literal `{ ... }` as protoc keeps it: the inner tokens joined by spaces.
    Aggregate(String),
}

#[derive(Debug, Clone)]
pub struct OptionValue {
    pub span: Sp,
    pub kind: OptionValueKind,
}

/// `name = value` inside an option statement or a `[...]` list.
#[derive(Debug, Clone)]
pub struct OptionAssign {
    pub span: Sp,
    pub name: OptionName,
    pub value: OptionValue,
}

/// `option name = value;`
#[derive(Debug, Clone)]
pub struct OptionDecl {
    pub span: Sp,
    pub assign: OptionAssign,
    pub comments: Comments,
}

/// `[a = 1, (b) = 2]`
#[derive(Debug, Clone)]
pub struct CompactOptions {
    pub span: Sp,
    pub options: Vec<OptionAssign>,
}

#[derive(Debug, Clone, Copy)]
pub struct IntLit {
    pub span: Sp,
    pub negative: bool,
    /// `None` when the literal does not fit in 64 bits.
    pub magnitude: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Optional,
    Required,
    Repeated,
}

#[derive(Debug, Clone)]
pub struct FieldDecl {
    pub span: Sp,
    pub label: Option<(Label, Sp)>,
    /// The type as written (`int32`, `.a.B`, `B.C`).
    pub ty: Sp,
    pub name: Sp,
    pub number: IntLit,
    pub options: Option<CompactOptions>,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub struct MapFieldDecl {
    pub span: Sp,
    /// `map<K, V>`.
    pub map_span: Sp,
    pub key_type: Sp,
    pub value_type: Sp,
    pub name: Sp,
    pub number: IntLit,
    pub options: Option<CompactOptions>,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub struct GroupDecl {
    pub span: Sp,
    pub label: Option<(Label, Sp)>,
    pub keyword: Sp,
    pub name: Sp,
    pub number: IntLit,
    pub options: Option<CompactOptions>,
    pub body: Vec<MessageItem>,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub enum OneofItem {
    Field(FieldDecl),
    Group(GroupDecl),
    Option(OptionDecl),
    Empty(Sp),
}

#[derive(Debug, Clone)]
pub struct OneofDecl {
    pub span: Sp,
    pub name: Sp,
    pub items: Vec<OneofItem>,
    pub comments: Comments,
}

#[derive(Debug, Clone, Copy)]
pub enum RangeEnd {
    Int(IntLit),
    Max(Sp),
}

#[derive(Debug, Clone, Copy)]
pub struct TagRange {
    pub span: Sp,
    pub start: IntLit,
    pub end: Option<RangeEnd>,
}

#[derive(Debug, Clone)]
pub struct ExtensionsDecl {
    pub span: Sp,
    pub ranges: Vec<TagRange>,
    pub options: Option<CompactOptions>,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub enum Reserved {
    Ranges(Vec<TagRange>),
    /// Names as string literals, or as identifiers (editions).
    Names(Vec<(Sp, String)>),
}

#[derive(Debug, Clone)]
pub struct ReservedDecl {
    pub span: Sp,
    pub reserved: Reserved,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub enum MessageItem {
    Field(FieldDecl),
    Map(MapFieldDecl),
    Group(GroupDecl),
    Oneof(OneofDecl),
    Message(MessageDecl),
    Enum(EnumDecl),
    Extend(ExtendDecl),
    Extensions(ExtensionsDecl),
    Reserved(ReservedDecl),
    Option(OptionDecl),
    Empty(Sp),
}

/// `export` / `local` before a message or enum (edition 2024).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Local,
    Export,
}

#[derive(Debug, Clone)]
pub struct MessageDecl {
    pub span: Sp,
    pub visibility: Option<(Visibility, Sp)>,
    pub name: Sp,
    pub body: Vec<MessageItem>,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub struct EnumValueDecl {
    pub span: Sp,
    pub name: Sp,
    pub number: IntLit,
    pub options: Option<CompactOptions>,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub enum EnumItem {
    Value(EnumValueDecl),
    Option(OptionDecl),
    Reserved(ReservedDecl),
    Empty(Sp),
}

#[derive(Debug, Clone)]
pub struct EnumDecl {
    pub span: Sp,
    pub visibility: Option<(Visibility, Sp)>,
    pub name: Sp,
    pub items: Vec<EnumItem>,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub struct RpcType {
    pub stream: Option<Sp>,
    pub ty: Sp,
}

#[derive(Debug, Clone)]
pub enum RpcItem {
    Option(OptionDecl),
    Empty(Sp),
}

#[derive(Debug, Clone)]
pub struct RpcDecl {
    pub span: Sp,
    pub name: Sp,
    pub input: RpcType,
    pub output: RpcType,
    /// `None` for `rpc A(B) returns (C);`, `Some` for a `{ ... }` body.
    pub body: Option<Vec<RpcItem>>,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub enum ServiceItem {
    Rpc(RpcDecl),
    Option(OptionDecl),
    Empty(Sp),
}

#[derive(Debug, Clone)]
pub struct ServiceDecl {
    pub span: Sp,
    pub name: Sp,
    pub items: Vec<ServiceItem>,
    pub comments: Comments,
}

#[derive(Debug, Clone)]
pub enum ExtendItem {
    Field(FieldDecl),
    Group(GroupDecl),
    Empty(Sp),
}

#[derive(Debug, Clone)]
pub struct ExtendDecl {
    pub span: Sp,
    pub extendee: Sp,
    pub items: Vec<ExtendItem>,
    pub comments: Comments,
}
