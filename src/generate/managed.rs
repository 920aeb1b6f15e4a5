//! Managed mode, as buf v2 defines it: file options (and the field option
//! `jstype`) rewritten in the descriptors a plugin receives, never in the sources.
//! Well-known types are left alone. Where an option was rewritten, its source
//! locations are dropped, as buf does.

use prost::Message;
use prost::encoding::{WireType, decode_key, decode_varint, encode_key, encode_varint};

use super::config::{Managed, ManagedRule, OptionValue};
use crate::compile::descriptor::{self, FileDescriptorProto};

/// `FileOptions` field numbers.
mod field {
    pub const JAVA_PACKAGE: u32 = 1;
    pub const JAVA_OUTER_CLASSNAME: u32 = 8;
    pub const OPTIMIZE_FOR: u32 = 9;
    pub const JAVA_MULTIPLE_FILES: u32 = 10;
    pub const GO_PACKAGE: u32 = 11;
    pub const JAVA_STRING_CHECK_UTF8: u32 = 27;
    pub const CC_ENABLE_ARENAS: u32 = 31;
    pub const OBJC_CLASS_PREFIX: u32 = 36;
    pub const CSHARP_NAMESPACE: u32 = 37;
    pub const PHP_NAMESPACE: u32 = 41;
    pub const PHP_METADATA_NAMESPACE: u32 = 44;
    pub const RUBY_PACKAGE: u32 = 45;
    /// `FieldOptions.jstype`.
    pub const JSTYPE: u32 = 6;
}

/// `FileDescriptorProto.options` in source locations.
const FILE_OPTIONS_PATH: i32 = 8;

/// A string file option: its field number, its name in managed mode, the names
/// of its `_prefix` and `_suffix` overrides, and buf's default value.
type StringOption = (u32, &'static str, Option<&'static str>, Option<&'static str>, StringDefault);

/// Rewrites one encoded file as managed mode would; `None` when nothing changes.
pub fn apply(managed: &Managed, name: &str, encoded: &[u8]) -> Option<Vec<u8>> {
    if !managed.enabled {
        return None;
    }
    let mut file = FileDescriptorProto::decode(encoded).ok()?;
    let package = file.package.clone().unwrap_or_default();
    let mut options = Fields::parse(file.options.as_deref().unwrap_or_default());
    let ctx = FileContext { managed, name, package: &package };
    let mut changed: Vec<u32> = Vec::new();

    let strings: [StringOption; 8] = [
        (field::JAVA_OUTER_CLASSNAME, "java_outer_classname", None, None, StringDefault::JavaOuterClassname),
        (
            field::JAVA_PACKAGE,
            "java_package",
            Some("java_package_prefix"),
            Some("java_package_suffix"),
            StringDefault::JavaPackage,
        ),
        (field::GO_PACKAGE, "go_package", Some("go_package_prefix"), None, StringDefault::GoPackage),
        (field::OBJC_CLASS_PREFIX, "objc_class_prefix", None, None, StringDefault::ObjcClassPrefix),
        (
            field::CSHARP_NAMESPACE,
            "csharp_namespace",
            Some("csharp_namespace_prefix"),
            None,
            StringDefault::CsharpNamespace,
        ),
        (field::PHP_NAMESPACE, "php_namespace", None, None, StringDefault::PhpNamespace),
        (
            field::PHP_METADATA_NAMESPACE,
            "php_metadata_namespace",
            None,
            Some("php_metadata_namespace_suffix"),
            StringDefault::PhpMetadataNamespace,
        ),
        (field::RUBY_PACKAGE, "ruby_package", None, Some("ruby_package_suffix"), StringDefault::RubyPackage),
    ];
    for (number, option, prefix, suffix, default) in strings {
        if let Some(value) = ctx.string_value(option, prefix, suffix, default)
            && options.string(number).as_deref() != Some(value.as_str())
        {
            options.set(number, encode_string(number, &value));
            changed.push(number);
        }
    }
    // Booleans and optimize_for: buf's value unless overridden, compared with
    // the effective value (protobuf defaults included).
    for (number, option, value, proto_default) in [
        (field::CC_ENABLE_ARENAS, "cc_enable_arenas", 1u64, 1u64),
        (field::JAVA_MULTIPLE_FILES, "java_multiple_files", 1, 0),
        (field::JAVA_STRING_CHECK_UTF8, "java_string_check_utf8", 0, 0),
        (field::OPTIMIZE_FOR, "optimize_for", 1, 1),
    ] {
        let Some(value) = ctx.scalar_value(option, value) else { continue };
        if options.varint(number).unwrap_or(proto_default) != value {
            let mut bytes = Vec::new();
            encode_key(number, WireType::Varint, &mut bytes);
            encode_varint(value, &mut bytes);
            options.set(number, bytes);
            changed.push(number);
        }
    }
    let jstype_changed = apply_jstype(managed, name, &package, &mut file);
    if changed.is_empty() && !jstype_changed {
        return None;
    }
    if !changed.is_empty() {
        file.options = Some(options.encode());
        if let Some(info) = &mut file.source_code_info {
            info.location.retain(|l| {
                !(l.path.len() >= 2 && l.path[0] == FILE_OPTIONS_PATH && changed.contains(&(l.path[1] as u32)))
            });
        }
    }
    Some(file.encode_to_vec())
}

#[derive(Clone, Copy)]
enum StringDefault {
    JavaOuterClassname,
    JavaPackage,
    GoPackage,
    ObjcClassPrefix,
    CsharpNamespace,
    PhpNamespace,
    PhpMetadataNamespace,
    RubyPackage,
}

struct FileContext<'a> {
    managed: &'a Managed,
    name: &'a str,
    package: &'a str,
}

#[derive(Default, PartialEq, Clone)]
struct Affixes {
    value: String,
    prefix: String,
    suffix: String,
}

impl FileContext<'_> {
    fn matches(&self, rule: &ManagedRule) -> bool {
        if let Some(path) = &rule.path
            && !contains_path(path, self.name)
        {
            return false;
        }
        // Module names come from the registry; local files belong to none.
        rule.module.is_none()
    }

    fn disabled(&self, option: &str) -> bool {
        self.managed.disable.iter().any(|rule| {
            rule.file_option.as_deref().is_none_or(|o| o == option) && rule.field_option.is_none() && self.matches(rule)
        })
    }

    fn string_value(
        &self,
        option: &str,
        prefix: Option<&str>,
        suffix: Option<&str>,
        default: StringDefault,
    ) -> Option<String> {
        if self.disabled(option) {
            return None;
        }
        let mut affixes = match default {
            StringDefault::JavaPackage => Affixes { prefix: "com".into(), ..Affixes::default() },
            StringDefault::GoPackage => Affixes::default(),
            _ => Affixes { value: self.computed(default, &Affixes::default()), ..Affixes::default() },
        };
        let ignore_prefix = prefix.is_none_or(|p| self.disabled(p));
        let ignore_suffix = suffix.is_none_or(|s| self.disabled(s));
        if ignore_prefix {
            affixes.prefix.clear();
        }
        if ignore_suffix {
            affixes.suffix.clear();
        }
        for rule in self.managed.overrides.iter().filter(|r| self.matches(r)) {
            let Some(OptionValue::Text(text)) = &rule.value else { continue };
            let Some(file_option) = rule.file_option.as_deref() else { continue };
            if file_option == option {
                affixes = Affixes { value: text.clone(), ..Affixes::default() };
            } else if Some(file_option) == prefix && !ignore_prefix {
                affixes = Affixes { prefix: text.clone(), suffix: affixes.suffix, ..Affixes::default() };
            } else if Some(file_option) == suffix && !ignore_suffix {
                affixes = Affixes { prefix: affixes.prefix, suffix: text.clone(), ..Affixes::default() };
            }
        }
        if affixes == Affixes::default() {
            return None;
        }
        let value = if affixes.value.is_empty() { self.computed(default, &affixes) } else { affixes.value };
        (!value.is_empty()).then_some(value)
    }

    fn scalar_value(&self, option: &str, default: u64) -> Option<u64> {
        if self.disabled(option) {
            return None;
        }
        let mut value = default;
        for rule in self.managed.overrides.iter().filter(|r| self.matches(r)) {
            if rule.file_option.as_deref() != Some(option) {
                continue;
            }
            value = match &rule.value {
                Some(OptionValue::Bool(flag)) => u64::from(*flag),
                Some(OptionValue::Text(text)) => match text.as_str() {
                    "true" => 1,
                    "false" => 0,
                    "SPEED" => 1,
                    "CODE_SIZE" => 2,
                    "LITE_RUNTIME" => 3,
                    _ => continue,
                },
                None => continue,
            };
        }
        Some(value)
    }

    fn computed(&self, default: StringDefault, affixes: &Affixes) -> String {
        let package = self.package;
        let parts = || package.split('.').filter(|p| !p.is_empty());
        match default {
            StringDefault::JavaOuterClassname => pascal_case(self.name.rsplit('/').next().unwrap_or(self.name)),
            StringDefault::JavaPackage => {
                if package.is_empty() {
                    return String::new();
                }
                let mut value = package.to_string();
                if !affixes.prefix.is_empty() {
                    value = format!("{}.{value}", affixes.prefix);
                }
                if !affixes.suffix.is_empty() {
                    value = format!("{value}.{}", affixes.suffix);
                }
                value
            }
            StringDefault::GoPackage => {
                if affixes.prefix.is_empty() {
                    return String::new();
                }
                let dir = self.name.rsplit_once('/').map_or("", |(dir, _)| dir);
                let mut value = join_path(&affixes.prefix, dir);
                let names: Vec<&str> = package.split('.').collect();
                if has_package_version(package) && names.len() >= 2 {
                    value.push(';');
                    value.push_str(names[names.len() - 2]);
                    value.push_str(names[names.len() - 1]);
                }
                value
            }
            StringDefault::ObjcClassPrefix => {
                if package.is_empty() {
                    return String::new();
                }
                let versioned = has_package_version(package);
                let names: Vec<&str> = package.split('.').collect();
                let mut prefix: String = names
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !(versioned && *i == names.len() - 1))
                    .filter_map(|(_, part)| part.chars().next())
                    .flat_map(char::to_uppercase)
                    .collect();
                while prefix.chars().count() < 3 {
                    prefix.push('X');
                }
                if prefix == "GPB" { "GPX".into() } else { prefix }
            }
            StringDefault::CsharpNamespace => {
                if package.is_empty() {
                    return String::new();
                }
                let namespace = parts().map(pascal_case).collect::<Vec<_>>().join(".");
                if affixes.prefix.is_empty() { namespace } else { format!("{}.{namespace}", affixes.prefix) }
            }
            StringDefault::PhpNamespace => php_namespace(package),
            StringDefault::PhpMetadataNamespace => {
                let namespace = php_namespace(package);
                if namespace.is_empty() {
                    return namespace;
                }
                let suffix = if affixes.suffix.is_empty() { "GPBMetadata" } else { &affixes.suffix };
                format!("{namespace}\\{suffix}")
            }
            StringDefault::RubyPackage => {
                if package.is_empty() {
                    return String::new();
                }
                let value = parts().map(pascal_case).collect::<Vec<_>>().join("::");
                if affixes.suffix.is_empty() { value } else { format!("{value}::{}", affixes.suffix) }
            }
        }
    }
}

fn php_namespace(package: &str) -> String {
    if package.is_empty() {
        return String::new();
    }
    package
        .split('.')
        .map(|part| {
            let mut name = pascal_case(part);
            if PHP_RESERVED.contains(&part.to_ascii_lowercase().as_str()) {
                name.push('_');
            }
            name
        })
        .collect::<Vec<_>>()
        .join("\\")
}

/// Names PHP reserves (buf appends `_` to a package part that is one).
const PHP_RESERVED: &[&str] = &[
    "directory",
    "exception",
    "errorexception",
    "closure",
    "generator",
    "arithmeticerror",
    "assertionerror",
    "divisionbyzeroerror",
    "error",
    "throwable",
    "parseerror",
    "typeerror",
    "abstract",
    "and",
    "array",
    "as",
    "break",
    "callable",
    "case",
    "catch",
    "class",
    "clone",
    "const",
    "continue",
    "declare",
    "default",
    "die",
    "do",
    "echo",
    "else",
    "elseif",
    "empty",
    "enddeclare",
    "endfor",
    "endforeach",
    "endif",
    "endswitch",
    "endwhile",
    "eval",
    "exit",
    "extends",
    "final",
    "finally",
    "fn",
    "for",
    "foreach",
    "function",
    "global",
    "goto",
    "if",
    "implements",
    "include",
    "include_once",
    "instanceof",
    "insteadof",
    "interface",
    "isset",
    "list",
    "match",
    "namespace",
    "new",
    "or",
    "print",
    "private",
    "protected",
    "public",
    "require",
    "require_once",
    "return",
    "static",
    "switch",
    "throw",
    "trait",
    "try",
    "unset",
    "use",
    "var",
    "while",
    "xor",
    "yield",
    "int",
    "float",
    "bool",
    "string",
    "true",
    "false",
    "null",
    "void",
    "iterable",
];

/// buf's PascalCase: delimiters (`.`, `-`, `_`, whitespace) start a word and are
/// dropped; upper-case letters stay upper-case; other letters are lowered.
pub fn pascal_case(text: &str) -> String {
    let is_delimiter = |c: char| matches!(c, '.' | '-' | '_' | ' ' | '\t' | '\n' | '\r');
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for (i, c) in text.trim().char_indices() {
        if !is_delimiter(c) {
            if i == 0 || previous.is_some_and(is_delimiter) || c.is_uppercase() {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
        previous = Some(c);
    }
    out
}

/// Whether the package's last part is a version (`v1`, `v1beta2`, `v2alpha`, `v1test`).
pub fn has_package_version(package: &str) -> bool {
    let Some(last) = package.rsplit('.').next() else { return false };
    let Some(rest) = last.strip_prefix('v') else { return false };
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || package.split('.').count() < 2 {
        return false;
    }
    let mut rest = &rest[digits..];
    for stability in ["alpha", "beta"] {
        if let Some(after) = rest.strip_prefix(stability) {
            rest = after.trim_start_matches(|c: char| c.is_ascii_digit());
            break;
        }
    }
    rest.is_empty() || rest.starts_with("test")
}

/// `path.Join` of Go: `prefix/dir`, cleaned.
fn join_path(prefix: &str, dir: &str) -> String {
    let joined = if dir.is_empty() { prefix.to_string() } else { format!("{prefix}/{dir}") };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let cleaned = parts.join("/");
    if joined.starts_with('/') { format!("/{cleaned}") } else { cleaned }
}

/// `path` equals `name` or is a directory containing it.
fn contains_path(path: &str, name: &str) -> bool {
    let path = path.trim_end_matches('/');
    path == "." || name == path || name.strip_prefix(path).is_some_and(|rest| rest.starts_with('/'))
}

/// `jstype` overrides on 64-bit integer fields (buf sets no `jstype` by default).
fn apply_jstype(managed: &Managed, name: &str, package: &str, file: &mut FileDescriptorProto) -> bool {
    let rules: Vec<&ManagedRule> =
        managed.overrides.iter().filter(|r| r.field_option.as_deref() == Some("jstype")).collect();
    if rules.is_empty() {
        return false;
    }
    let disabled = |full: &str| {
        managed.disable.iter().any(|d| {
            d.field_option.as_deref().is_none_or(|o| o == "jstype")
                && d.file_option.is_none()
                && d.path.as_deref().is_none_or(|p| contains_path(p, name))
                && d.module.is_none()
                && d.field.as_deref().is_none_or(|f| f == full)
        })
    };
    let value_for = |full: &str| -> Option<u64> {
        let mut value = None;
        for rule in &rules {
            if rule.path.as_deref().is_some_and(|p| !contains_path(p, name)) || rule.module.is_some() {
                continue;
            }
            if rule.field.as_deref().is_some_and(|f| f != full) {
                continue;
            }
            value = match &rule.value {
                Some(OptionValue::Text(text)) => match text.as_str() {
                    "JS_NORMAL" => Some(0),
                    "JS_STRING" => Some(1),
                    "JS_NUMBER" => Some(2),
                    _ => value,
                },
                _ => value,
            };
        }
        value
    };
    let mut changed = false;
    let prefix = if package.is_empty() { String::new() } else { format!("{package}.") };
    fn walk(
        message: &mut descriptor::DescriptorProto,
        scope: &str,
        visit: &mut dyn FnMut(&mut descriptor::FieldDescriptorProto, &str),
    ) {
        let scope = format!("{scope}{}.", message.name.as_deref().unwrap_or(""));
        for f in &mut message.field {
            visit(f, &scope);
        }
        for nested in &mut message.nested_type {
            walk(nested, &scope, visit);
        }
    }
    let mut visit = |f: &mut descriptor::FieldDescriptorProto, scope: &str| {
        // int64, uint64, fixed64, sfixed64, sint64
        if !matches!(f.r#type, Some(3 | 4 | 6 | 16 | 18)) {
            return;
        }
        let full = format!("{scope}{}", f.name.as_deref().unwrap_or(""));
        if disabled(&full) {
            return;
        }
        let Some(value) = value_for(&full) else { return };
        let mut options = Fields::parse(f.options.as_deref().unwrap_or_default());
        if options.varint(field::JSTYPE).unwrap_or(0) == value {
            return;
        }
        let mut bytes = Vec::new();
        encode_key(field::JSTYPE, WireType::Varint, &mut bytes);
        encode_varint(value, &mut bytes);
        options.set(field::JSTYPE, bytes);
        f.options = Some(options.encode());
        changed = true;
    };
    for message in &mut file.message_type {
        walk(message, &prefix, &mut visit);
    }
    changed
}

/// An encoded message as its top-level fields, in order, each with its key.
struct Fields(Vec<(u32, Vec<u8>)>);

impl Fields {
    fn parse(bytes: &[u8]) -> Fields {
        let mut fields = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let start = bytes.len() - rest.len();
            let Ok((number, wire)) = decode_key(&mut rest) else { break };
            let ok = match wire {
                WireType::Varint => decode_varint(&mut rest).is_ok(),
                WireType::SixtyFourBit => rest.get(8..).map(|r| rest = r).is_some(),
                WireType::ThirtyTwoBit => rest.get(4..).map(|r| rest = r).is_some(),
                WireType::LengthDelimited => {
                    decode_varint(&mut rest).ok().and_then(|n| rest.get(n as usize..)).map(|r| rest = r).is_some()
                }
                WireType::StartGroup | WireType::EndGroup => false,
            };
            if !ok {
                break;
            }
            fields.push((number, bytes[start..bytes.len() - rest.len()].to_vec()));
        }
        Fields(fields)
    }

    fn payload(&self, number: u32) -> Option<&[u8]> {
        let (_, bytes) = self.0.iter().rev().find(|(n, _)| *n == number)?;
        let mut rest = bytes.as_slice();
        decode_key(&mut rest).ok()?;
        Some(rest)
    }

    fn string(&self, number: u32) -> Option<String> {
        let mut rest = self.payload(number)?;
        let len = decode_varint(&mut rest).ok()? as usize;
        String::from_utf8(rest.get(..len)?.to_vec()).ok()
    }

    fn varint(&self, number: u32) -> Option<u64> {
        let mut rest = self.payload(number)?;
        decode_varint(&mut rest).ok()
    }

    /// Replaces every occurrence of `number` with `encoded`, kept in field-number order.
    fn set(&mut self, number: u32, encoded: Vec<u8>) {
        self.0.retain(|(n, _)| *n != number);
        let at = self.0.iter().position(|(n, _)| *n > number).unwrap_or(self.0.len());
        self.0.insert(at, (number, encoded));
    }

    fn encode(&self) -> Vec<u8> {
        self.0.iter().flat_map(|(_, bytes)| bytes.iter().copied()).collect()
    }
}

fn encode_string(number: u32, value: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    encode_key(number, WireType::LengthDelimited, &mut bytes);
    encode_varint(value.len() as u64, &mut bytes);
    bytes.extend_from_slice(value.as_bytes());
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buf_names() {
        assert_eq!(pascal_case("foo_bar.proto"), "FooBarProto");
        assert_eq!(pascal_case("acme"), "Acme");
        assert_eq!(pascal_case("fooBAR"), "FooBAR");
        assert!(has_package_version("acme.weather.v1"));
        assert!(has_package_version("acme.weather.v1beta1"));
        assert!(!has_package_version("acme.weather"));
        assert!(!has_package_version("v1"));
        assert_eq!(join_path("example.com/gen", ""), "example.com/gen");
        assert_eq!(join_path("example.com/gen/", "acme/v1"), "example.com/gen/acme/v1");
    }

    fn file_with(package: &str, options: Vec<u8>) -> Vec<u8> {
        FileDescriptorProto {
            name: Some("acme/weather/v1/weather.proto".into()),
            package: Some(package.into()),
            options: (!options.is_empty()).then_some(options),
            ..FileDescriptorProto::default()
        }
        .encode_to_vec()
    }

    #[test]
    fn rewrites_options_as_buf_does() {
        let managed = Managed {
            enabled: true,
            disable: vec![],
            overrides: vec![ManagedRule {
                file_option: Some("go_package_prefix".into()),
                value: Some(OptionValue::Text("example.com/gen".into())),
                ..ManagedRule::default()
            }],
        };
        let out = apply(&managed, "acme/weather/v1/weather.proto", &file_with("acme.weather.v1", vec![])).unwrap();
        let file = FileDescriptorProto::decode(out.as_slice()).unwrap();
        let options = Fields::parse(file.options.as_deref().unwrap());
        assert_eq!(options.string(field::GO_PACKAGE).as_deref(), Some("example.com/gen/acme/weather/v1;weatherv1"));
        assert_eq!(options.string(field::JAVA_PACKAGE).as_deref(), Some("com.acme.weather.v1"));
        assert_eq!(options.string(field::JAVA_OUTER_CLASSNAME).as_deref(), Some("WeatherProto"));
        assert_eq!(options.varint(field::JAVA_MULTIPLE_FILES), Some(1));
        assert_eq!(options.string(field::OBJC_CLASS_PREFIX).as_deref(), Some("AWX"));
        assert_eq!(options.string(field::CSHARP_NAMESPACE).as_deref(), Some("Acme.Weather.V1"));
        assert_eq!(options.string(field::PHP_NAMESPACE).as_deref(), Some("Acme\\Weather\\V1"));
        assert_eq!(options.string(field::PHP_METADATA_NAMESPACE).as_deref(), Some("Acme\\Weather\\V1\\GPBMetadata"));
        assert_eq!(options.string(field::RUBY_PACKAGE).as_deref(), Some("Acme::Weather::V1"));
        // Field-number order, as protoc and protobuf-go encode.
        let numbers: Vec<u32> = options.0.iter().map(|(n, _)| *n).collect();
        let mut sorted = numbers.clone();
        sorted.sort();
        assert_eq!(numbers, sorted);
    }

    #[test]
    fn disable_keeps_an_option() {
        let managed = Managed {
            enabled: true,
            disable: vec![ManagedRule { file_option: Some("java_package".into()), ..ManagedRule::default() }],
            overrides: vec![],
        };
        let out = apply(&managed, "acme/weather/v1/weather.proto", &file_with("acme.weather.v1", vec![])).unwrap();
        let file = FileDescriptorProto::decode(out.as_slice()).unwrap();
        let options = Fields::parse(file.options.as_deref().unwrap());
        assert_eq!(options.string(field::JAVA_PACKAGE), None);
        assert_eq!(options.string(field::GO_PACKAGE), None);
    }
}
