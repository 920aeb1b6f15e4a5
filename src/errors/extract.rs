//! Finds error enums in a compilation and turns each value into an [`ErrorRow`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use prost_reflect::{DynamicMessage, EnumDescriptor, EnumValueDescriptor, FileDescriptor, Value};
use regex::Regex;

use crate::compile::{Compilation, SourceLocations};
use crate::lint::ignore::IGNORE_PREFIXES;
use crate::source::SourceFile;

use super::config::{BusinessCode, DEFAULT_ZERO_SUFFIX, ErrorsConfig, ReasonStyle};
use super::mapping::{self, Profile};
use super::{ErrorEnum, ErrorRow, ErrorTable, RawRow, Style, options};

/// `(errors.default_code)`: EnumOptions extension 1108.
pub const DEFAULT_CODE: (&str, u32) = ("errors.default_code", 1108);
/// `(errors.code)`: EnumValueOptions extension 1109.
pub const CODE: (&str, u32) = ("errors.code", 1109);
/// The comment that enables Ego's generator for a file.
pub const EGO_PLUGIN: &str = "@plugins=protoc-gen-go-errors";

/// One file as extraction sees it: a compiled workspace file, or a file of a
/// breaking-change side (which may lack sources when it comes from a descriptor set).
pub struct FileView<'a> {
    pub descriptor: FileDescriptor,
    /// The path shown in tables and findings.
    pub display: &'a str,
    pub source: Option<&'a SourceFile>,
    pub locations: Option<&'a SourceLocations>,
}

/// The target files of a compilation that compiled, as views.
pub fn target_views(compilation: &Compilation) -> Vec<FileView<'_>> {
    compilation
        .targets()
        .filter_map(|file| {
            Some(FileView {
                descriptor: compilation.pool.get_file_by_name(&file.source.name)?,
                display: &file.source.display_path,
                source: Some(&file.source),
                locations: Some(&file.locations),
            })
        })
        .collect()
}

/// Every error value of the compilation's target files, in file order.
pub fn extract(compilation: &Compilation, config: &ErrorsConfig) -> ErrorTable {
    extract_files(&target_views(compilation), config)
}

/// Every error value of `files`, in file order.
pub fn extract_files(files: &[FileView<'_>], config: &ErrorsConfig) -> ErrorTable {
    let mut rows = Vec::new();
    let mut error_enums = Vec::new();
    let no_locations = SourceLocations::default();
    for file in files {
        let descriptor = &file.descriptor;
        let locations = file.locations.unwrap_or(&no_locations);
        let ego = is_ego_file(locations);
        let mut enums: Vec<EnumDescriptor> = descriptor.enums().collect();
        let mut stack: Vec<_> = descriptor.messages().collect();
        while let Some(message) = stack.pop() {
            enums.extend(message.child_enums());
            stack.extend(message.child_messages());
        }
        enums.sort_by(|a, b| a.path().cmp(b.path()));
        for enum_desc in enums {
            let default_code = int_extension(&enum_desc.options(), DEFAULT_CODE);
            let value_codes: Vec<Option<i32>> = enum_desc.values().map(|v| int_extension(&v.options(), CODE)).collect();
            let kratos = default_code.is_some() || value_codes.iter().any(Option::is_some);
            let top_level = enum_desc.path().len() == 2;
            let style = if kratos {
                Style::Kratos
            } else if ego && (top_level || has_ego_codes(locations, &enum_desc)) {
                Style::Ego
            } else if config.names_enum(enum_desc.name(), enum_desc.full_name()) {
                if ego { Style::Ego } else { Style::Kratos }
            } else {
                continue;
            };
            let package = descriptor.package_name().to_string();
            let enum_deprecated = bool_field(&enum_desc.options(), "deprecated");
            let file_deprecated = bool_field(&descriptor.options(), "deprecated");
            let domain = string_extension(&enum_desc.options(), options::DOMAIN)
                .or_else(|| config.domains.get(&package).cloned())
                .unwrap_or_else(|| package.clone());
            error_enums.push(ErrorEnum {
                full_name: enum_desc.full_name().to_string(),
                name: enum_desc.name().to_string(),
                package: package.clone(),
                style,
                file_name: descriptor.name().to_string(),
                path: enum_desc.path().to_vec(),
                zero_value: enum_desc.get_value(0).map(|v| (v.name().to_string(), v.path().to_vec())),
            });
            for (value, value_code) in enum_desc.values().zip(value_codes) {
                if value.number() == 0 && is_unspecified(value.name(), config) {
                    continue;
                }
                let location = locations.get(value.path());
                let comment = location.and_then(|l| l.leading().or(l.trailing())).unwrap_or("");
                let parsed = parse_comment(comment);
                let reason_style = config.reason_style.unwrap_or(match style {
                    Style::Kratos => ReasonStyle::Short,
                    Style::Ego => ReasonStyle::Qualified,
                });
                let profile: &Profile = config.profile.unwrap_or(match style {
                    Style::Kratos => &mapping::KRATOS,
                    Style::Ego => &mapping::EGO,
                });
                let (biz_code, biz_source) = business_code(&value, &package, config);
                let (start, end) = location.map_or((0, 0), |l| (l.start as usize, l.end as usize));
                let mut row = ErrorRow {
                    id: format!("{}.{}", enum_desc.full_name(), value.name()),
                    reason: match reason_style {
                        ReasonStyle::Short => value.name().to_string(),
                        ReasonStyle::Qualified => value.full_name().to_string(),
                    },
                    domain: domain.clone(),
                    biz_code,
                    biz_source,
                    http_status: None,
                    http_source: None,
                    grpc_code: None,
                    grpc_number: None,
                    lossy: false,
                    round_trip: None,
                    profile: profile.name,
                    style,
                    message: first_sentence(&parsed.text),
                    description: parsed.text.clone(),
                    locales: parsed.locales,
                    metadata_keys: string_list_extension(&value.options(), options::METADATA_KEYS),
                    deprecated: bool_field(&value.options(), "deprecated") || enum_deprecated || file_deprecated,
                    enum_name: enum_desc.full_name().to_string(),
                    number: value.number(),
                    package: package.clone(),
                    file: file.display.to_string(),
                    line: file.source.map_or(0, |source| source.position(start).line),
                    raw: RawRow {
                        file_name: descriptor.name().to_string(),
                        path: value.path().to_vec(),
                        span: (start, end),
                        ego_code: parsed.code.clone(),
                        name: value.name().to_string(),
                        declared_code: value_code.filter(|c| *c != 0).or(default_code),
                    },
                };
                match style {
                    Style::Kratos => {
                        // Kratos skips a value whose resolved code is 0.
                        let (code, source) = match (value_code, default_code) {
                            (Some(code), _) if code != 0 => (Some(code), "value"),
                            (_, Some(code)) if code != 0 => (Some(code), "enum_default"),
                            _ => (None, ""),
                        };
                        if let Some(status) = code {
                            let grpc = profile.to_grpc(status).unwrap_or("UNKNOWN");
                            let back = profile.to_http(grpc);
                            row.http_status = Some(status);
                            row.http_source = Some(source);
                            row.grpc_code = Some(grpc);
                            row.grpc_number = mapping::grpc_number(grpc);
                            row.lossy = back != status;
                            row.round_trip = Some(format!("{status} → {grpc} → {back}"));
                        }
                    }
                    Style::Ego => {
                        if let Some(grpc) = parsed
                            .code
                            .as_deref()
                            .and_then(|c| mapping::GRPC_CODES.iter().copied().find(|known| *known == c))
                        {
                            let status = profile.to_http(grpc);
                            let back = profile.to_grpc(status).unwrap_or("UNKNOWN");
                            row.http_status = Some(status);
                            row.http_source = Some("derived");
                            row.grpc_code = Some(grpc);
                            row.grpc_number = mapping::grpc_number(grpc);
                            row.lossy = back != grpc;
                            row.round_trip = Some(format!("{grpc} → {status} → {back}"));
                        }
                    }
                }
                rows.push(row);
            }
        }
    }
    let locales = locales(&rows, config);
    ErrorTable { rows, enums: error_enums, locales }
}

/// The table's locale columns: the configured ones, else every one `rows` use.
pub fn locales(rows: &[ErrorRow], config: &ErrorsConfig) -> Vec<String> {
    if config.locales.is_empty() {
        let found: BTreeSet<&String> = rows.iter().flat_map(|r| r.locales.keys()).collect();
        found.into_iter().cloned().collect()
    } else {
        config.locales.clone()
    }
}

/// Whether a zero value is the "not set" value rather than an error.
fn is_unspecified(name: &str, config: &ErrorsConfig) -> bool {
    name.ends_with(DEFAULT_ZERO_SUFFIX) || config.zero_value_suffix.as_deref().is_some_and(|s| name.ends_with(s))
}

/// The business code and where it came from: `(idl.errors.biz_code)`, else as
/// `[errors] business_code` says; none when the scheme has no service for the package.
fn business_code(
    value: &EnumValueDescriptor,
    package: &str,
    config: &ErrorsConfig,
) -> (Option<i64>, Option<&'static str>) {
    if let Some(code) = int_extension(&value.options(), (options::BIZ_CODE, 0)) {
        return (Some(i64::from(code)), Some("option"));
    }
    match (config.business_code, &config.code_scheme) {
        (BusinessCode::Number, _) => (Some(i64::from(value.number())), Some("number")),
        (BusinessCode::Scheme, Some(scheme)) => match scheme.services.get(package) {
            Some(service) => (Some(scheme.compose(*service, i64::from(value.number()))), Some("scheme")),
            None => (None, None),
        },
        _ => (None, None),
    }
}

/// Whether any comment of the file enables Ego's generator.
pub fn is_ego_file(locations: &SourceLocations) -> bool {
    locations.iter().any(|l| {
        l.leading()
            .into_iter()
            .chain(l.trailing())
            .chain(l.detached().iter().map(String::as_str))
            .any(|c| c.contains(EGO_PLUGIN))
    })
}

fn has_ego_codes(locations: &SourceLocations, enum_desc: &EnumDescriptor) -> bool {
    enum_desc
        .values()
        .any(|v| locations.get(v.path()).and_then(|l| l.leading()).is_some_and(|c| parse_comment(c).code.is_some()))
}

/// An int32 option extension, matched by full name or by field number (repos
/// vendor errors.proto under other packages); number 0 matches by name only.
fn int_extension(options: &DynamicMessage, (name, number): (&str, u32)) -> Option<i32> {
    options.extensions().find_map(|(ext, value)| {
        let matches = ext.full_name() == name || (number != 0 && ext.number() == number);
        match value {
            Value::I32(v) if matches => Some(*v),
            Value::I64(v) if matches => i32::try_from(*v).ok(),
            _ => None,
        }
    })
}

/// A string option extension, by full name.
fn string_extension(options: &DynamicMessage, name: &str) -> Option<String> {
    options.extensions().find_map(|(ext, value)| match value {
        Value::String(text) if ext.full_name() == name => Some(text.clone()),
        _ => None,
    })
}

/// A repeated string option extension, by full name (empty when absent).
fn string_list_extension(options: &DynamicMessage, name: &str) -> Vec<String> {
    options
        .extensions()
        .find_map(|(ext, value)| match value {
            Value::List(items) if ext.full_name() == name => {
                Some(items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            }
            _ => None,
        })
        .unwrap_or_default()
}

fn bool_field(options: &DynamicMessage, name: &str) -> bool {
    options.get_field_by_name(name).and_then(|v| v.as_bool()).unwrap_or(false)
}

/// A value comment split into text and Ego annotations.
#[derive(Debug, Default, PartialEq)]
pub struct ParsedComment {
    /// The comment without annotation lines, trimmed, lines joined with `\n`.
    pub text: String,
    pub code: Option<String>,
    pub locales: BTreeMap<String, String>,
}

/// Ego's `protoc-gen-go-errors` (`render.go`) reads annotations anywhere in the
/// comment with two regexes: `@([\w.]+)=([_a-zA-Z0-9-,]+)` (so a bare value stops
/// at the first other character: `@code=UNKNOWN  # note` is `UNKNOWN`) and
/// `@([\w.]+)="(.+)"` (greedy within one line: the text up to the line's last
/// quote, so `@i18n.en="text" # note` is `text`), the quoted match winning.
fn ego_annotations(comment: &str) -> Vec<(String, String)> {
    static BARE: OnceLock<Regex> = OnceLock::new();
    static QUOTED: OnceLock<Regex> = OnceLock::new();
    let bare = BARE.get_or_init(|| Regex::new(r"@([A-Za-z0-9_.]+)=([_a-zA-Z0-9,-]+)").expect("valid regex"));
    let quoted = QUOTED.get_or_init(|| Regex::new(r#"@([A-Za-z0-9_.]+)="(.+)""#).expect("valid regex"));
    let mut found: Vec<(String, String)> = Vec::new();
    let mut put = |name: &str, value: String| match found.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value,
        None => found.push((name.to_string(), value)),
    };
    for captures in bare.captures_iter(comment) {
        put(&captures[1], captures[2].to_string());
    }
    for captures in quoted.captures_iter(comment) {
        // The value lands in a Go string literal, where `\"` and `\\` are escapes.
        put(&captures[1], captures[2].replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    found
}

pub fn parse_comment(comment: &str) -> ParsedComment {
    let mut parsed = ParsedComment::default();
    for (name, value) in ego_annotations(comment) {
        if name == "code" {
            parsed.code = Some(value);
        } else if let Some(lang) = name.strip_prefix("i18n.") {
            parsed.locales.insert(lang.to_string(), value);
        }
    }
    let mut lines = Vec::new();
    for line in comment.lines() {
        let line = line.trim();
        if !line.starts_with('@') && !IGNORE_PREFIXES.iter().any(|p| line.starts_with(p)) {
            // Annotation lines are Ego's, ignore directives the linter's: neither is the message.
            lines.push(line);
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    parsed.text = lines.join("\n");
    parsed
}

/// The first sentence of a comment's first paragraph: up to `。！？` (CJK), or
/// `.!?` followed by a space or the end; lines of a paragraph are joined.
pub fn first_sentence(text: &str) -> String {
    let paragraph = text.split("\n\n").next().unwrap_or("");
    let mut joined = String::new();
    for line in paragraph.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let cjk_end = joined.chars().last().is_some_and(|c| c > '\u{2E80}');
        if !joined.is_empty() && !cjk_end {
            joined.push(' ');
        }
        joined.push_str(line);
    }
    let chars: Vec<(usize, char)> = joined.char_indices().collect();
    for (i, &(offset, c)) in chars.iter().enumerate() {
        let end = offset + c.len_utf8();
        match c {
            '。' | '！' | '？' => return joined[..end].to_string(),
            '.' | '!' | '?' if chars.get(i + 1).is_none_or(|(_, next)| next.is_whitespace()) => {
                return joined[..end].to_string();
            }
            _ => {}
        }
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentence_is_cjk_aware() {
        assert_eq!(first_sentence("用户不存在。请检查用户 ID。"), "用户不存在。");
        assert_eq!(first_sentence("User not found. Check the ID."), "User not found.");
        assert_eq!(first_sentence("Version v1.2 is gone"), "Version v1.2 is gone");
        assert_eq!(first_sentence("Spans\ntwo lines. More."), "Spans two lines.");
        assert_eq!(first_sentence("第一行\n第二行。后面"), "第一行第二行。");
    }

    #[test]
    fn ego_annotations_are_parsed_and_removed() {
        let parsed = parse_comment(
            " 找不到资源\n @code=NOT_FOUND\n @i18n.cn=\"找不到资源\"\n @i18n.en=\"resource not found\"\n",
        );
        assert_eq!(parsed.text, "找不到资源");
        assert_eq!(parsed.code.as_deref(), Some("NOT_FOUND"));
        assert_eq!(parsed.locales["cn"], "找不到资源");
        assert_eq!(parsed.locales["en"], "resource not found");
        let ignored = parse_comment(" buf:lint:ignore ERRORS_MISSING_COMMENT\n");
        assert_eq!(ignored.text, "");
        let quoted = parse_comment("@i18n.en=\"say \\\"hi\\\"\"");
        assert_eq!(quoted.locales["en"], "say \"hi\"");
    }

    /// What Ego's generator (`render.go`'s two regexes) reads from the same text.
    #[test]
    fn ego_annotations_are_read_as_egos_generator_reads_them() {
        let parsed = parse_comment(" Unknown.\n @code=UNKNOWN  # note\n @i18n.en=\"text\" # note\n @i18n.cn=未知\n");
        assert_eq!(parsed.code.as_deref(), Some("UNKNOWN"));
        assert_eq!(parsed.locales["en"], "text");
        // A bare value is `[_a-zA-Z0-9-,]+`: CJK text without quotes is not read.
        assert!(!parsed.locales.contains_key("cn"));
        assert_eq!(parsed.text, "Unknown.");
        // Anywhere in the comment, not only at a line's start; the bare pattern stops at spaces.
        let inline = parse_comment(" Missing. @code=NOT_FOUND\n @i18n.en=resource not found\n");
        assert_eq!(inline.code.as_deref(), Some("NOT_FOUND"));
        assert_eq!(inline.locales["en"], "resource");
        // `@code=not found` is `not`, which is no gRPC code; an empty `@code=` is no annotation.
        assert_eq!(parse_comment("@code=not found").code.as_deref(), Some("not"));
        assert_eq!(parse_comment("@code=").code, None);
        // The quoted match wins over the bare one and runs to the line's last quote.
        assert_eq!(parse_comment("@i18n.en=\"a\" or \"b\"").locales["en"], "a\" or \"b");
    }
}
