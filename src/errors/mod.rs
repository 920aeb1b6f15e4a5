//! `idl errors`: business-error enums (Kratos options, Ego comment annotations,
//! enums named by `[errors] enums`) turned into one table, checked, and rendered
//! as Markdown, JSON, CSV or HTML. Every format is derived from [`ErrorRow`].

pub mod checks;
pub mod config;
pub mod extract;
pub mod lint;
pub mod mapping;
pub mod options;
pub mod render;

use std::collections::BTreeMap;

use serde::Serialize;

pub use config::ErrorsConfig;

/// Version of the JSON document `--format json` writes; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Where a row's declaration comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// `(errors.default_code)` / `(errors.code)`, or an enum named by `[errors] enums`.
    Kratos,
    /// `@code=` / `@i18n.*` comment annotations in a `@plugins=protoc-gen-go-errors` file.
    Ego,
}

/// One error value: a row of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorRow {
    /// Fully-qualified value: `acme.user.v1.ErrorReason.USER_NOT_FOUND`.
    pub id: String,
    /// The wire reason (value name, or the value's full name in the qualified style).
    pub reason: String,
    pub domain: String,
    /// Numeric business code: `(idl.errors.biz_code)`, else derived as
    /// `[errors] business_code` says (the enum number, or the code scheme).
    pub biz_code: Option<i64>,
    /// `option`, `number` or `scheme`: where `biz_code` came from.
    pub biz_source: Option<&'static str>,
    pub http_status: Option<i32>,
    /// `value`, `enum_default` or `derived` (from the gRPC code).
    pub http_source: Option<&'static str>,
    pub grpc_code: Option<&'static str>,
    pub grpc_number: Option<i32>,
    /// Whether HTTP → gRPC → HTTP (Kratos) or gRPC → HTTP → gRPC (Ego) changes the code.
    pub lossy: bool,
    /// The round trip, e.g. `409 → ABORTED → 409`.
    pub round_trip: Option<String>,
    /// The mapping profile used.
    pub profile: &'static str,
    pub style: Style,
    /// First sentence of the comment.
    pub message: String,
    /// The whole comment, annotations removed.
    pub description: String,
    /// Locale → localized message (Ego `@i18n.<lang>`).
    pub locales: BTreeMap<String, String>,
    /// `google.rpc.ErrorInfo` metadata keys the error carries (`(idl.errors.metadata_keys)`).
    pub metadata_keys: Vec<String>,
    pub deprecated: bool,
    /// Full name of the enum.
    #[serde(rename = "enum")]
    pub enum_name: String,
    pub number: i32,
    pub package: String,
    pub file: String,
    pub line: u32,
    /// What the checks need and the table does not show.
    #[serde(skip)]
    pub raw: RawRow,
}

/// Declaration details kept for the checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRow {
    /// Import name of the declaring file.
    pub file_name: String,
    /// Descriptor path of the value (where findings point, and ignore comments apply).
    pub path: Vec<i32>,
    /// Byte span of the value's declaration.
    pub span: (usize, usize),
    /// The `@code=` text as written, valid or not.
    pub ego_code: Option<String>,
    /// The value name.
    pub name: String,
    /// The Kratos code, when declared on the value or the enum (0 included).
    pub declared_code: Option<i32>,
}

/// One error enum, for the checks that look at the enum rather than its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEnum {
    pub full_name: String,
    pub name: String,
    pub package: String,
    pub style: Style,
    pub file_name: String,
    /// Descriptor path of the enum.
    pub path: Vec<i32>,
    /// The value numbered 0, if any: its name and descriptor path.
    pub zero_value: Option<(String, Vec<i32>)>,
}

/// The extracted table.
#[derive(Debug, Clone, Default)]
pub struct ErrorTable {
    pub rows: Vec<ErrorRow>,
    /// The error enums the rows come from.
    pub enums: Vec<ErrorEnum>,
    /// Locale columns, in order: the configured ones, else every one found.
    pub locales: Vec<String>,
}
