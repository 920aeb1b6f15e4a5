use prost_reflect::{FileDescriptor, Value};

use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::lint::casing::to_pascal_case;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption};
use crate::lint::support::{FILE_OPTIONS_FIELD, PACKAGE_PATH, option_value, package_version_stability};
use crate::lint::text::{TopDecl, TopKind, line_end, line_start};

declare_rule! {
    /// The language file options are set, to the values the Uber V2 style guide
    /// derives from the package and the file name (as `prototool format --fix`
    /// wrote them), for package `uber.trip.v1` in `trip_api.proto`:
    ///
    /// | option | value |
    /// |---|---|
    /// | `csharp_namespace` | `Uber.Trip.V1`: each package component capitalized (`V1Beta1` for `v1beta1`) |
    /// | `go_package` | the `go_package` template, by default `{last_two}`: `tripv1` |
    /// | `java_multiple_files` | `true` |
    /// | `java_outer_classname` | `TripApiProto`: the file name in PascalCase, then `Proto` |
    /// | `java_package` | `com.uber.trip.v1`: `java_package_prefix`, a dot, the package |
    /// | `objc_class_prefix` | `UTX`: the initials of the components before the version, padded with `X` to three (`GPB` becomes `GPX`) |
    /// | `php_namespace` | `Uber\Trip\V1`: as `csharp_namespace`, with `\` |
    ///
    /// The `go_package` template knows `{package}` (`uber.trip.v1`), `{path}`
    /// (`uber/trip/v1`), `{last}` (`v1`) and `{last_two}` (`tripv1`; for a package
    /// without a version, the last component and `pb`, as prototool derives it:
    /// `uber.trip` gives `trippb`; always lower case); modern
    /// protoc-gen-go wants an import path, e.g.
    /// `"github.com/acme/apis/gen/go/{path};{last_two}"`. Files without a package
    /// have nothing to derive values from and are not checked, unless
    /// `without_package = true`: then each option must be set, to any value
    /// (prototool requires the options on every file; the `uber-v2` preset sets it).
    ///
    /// Fix: a missing option is inserted among the file options in name order;
    /// a wrong value is replaced. Only inserting a value the code generator
    /// would use anyway is safe (`csharp_namespace`; `php_namespace` unless the
    /// version has a beta; `go_package`, which protoc-gen-go needs and has no
    /// default for; `java_package` with an empty prefix). The others rename
    /// generated code (a Java package or outer class, nested Java classes made
    /// top-level, Objective-C class names) and, like every replacement, are
    /// applied only with `--unsafe-fixes`.
    ///
    /// ```toml
    /// [lint.rules.FILE_OPTION_VALUE]
    /// options = ["go_package", "java_package"]
    /// java_package_prefix = "com.acme"
    /// go_package = "github.com/acme/apis/gen/go/{path};{last_two}"
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// // File: uber/trip/v1/trip_api.proto
    /// syntax = "proto3";
    /// package uber.trip.v1;
    /// option csharp_namespace = "Uber.Trip.V1";
    /// option go_package = "tripv1";
    /// option java_multiple_files = true;
    /// option java_outer_classname = "TripApiProto";
    /// option java_package = "com.uber.trip.v1";
    /// option php_namespace = "Uber\\Trip\\V1";
    /// // Valid
    /// // File: uber/trip/v1/trip_api.proto
    /// syntax = "proto3";
    /// package uber.trip.v1;
    /// option csharp_namespace = "Uber.Trip.V1";
    /// option go_package = "tripv1";
    /// option java_multiple_files = true;
    /// option java_outer_classname = "TripApiProto";
    /// option java_package = "com.uber.trip.v1";
    /// option objc_class_prefix = "UTX";
    /// option php_namespace = "Uber\\Trip\\V1";
    /// ```
    pub struct FileOptionValue {
        id: "FILE_OPTION_VALUE",
        summary: "Language file options are set to the values derived from the package and file name.",
        severity: Error,
        fixable: true,
        options: [
            RuleOption {
                name: "options",
                default: OptionDefault::List(&[
                    "csharp_namespace",
                    "go_package",
                    "java_multiple_files",
                    "java_outer_classname",
                    "java_package",
                    "objc_class_prefix",
                    "php_namespace",
                ]),
                help: "The file options to require (any of the seven above).",
            },
            RuleOption {
                name: "java_package_prefix",
                default: OptionDefault::String("com"),
                help: "What `java_package` starts with before the package (empty: the package alone).",
            },
            RuleOption {
                name: "go_package",
                default: OptionDefault::String("{last_two}"),
                help: "The template of `go_package`: `{package}`, `{path}`, `{last}`, `{last_two}`.",
            },
            RuleOption {
                name: "without_package",
                default: OptionDefault::Bool(false),
                help: "Files without a package must set the options too (no value is derived for them), as prototool requires.",
            },
        ],
    }
}

/// The seven options, with their `FileOptions` field numbers.
const OPTIONS: &[(&str, i32)] = &[
    ("csharp_namespace", 37),
    ("go_package", 11),
    ("java_multiple_files", 10),
    ("java_outer_classname", 8),
    ("java_package", 1),
    ("objc_class_prefix", 36),
    ("php_namespace", 41),
];

impl Rule for FileOptionValue {
    fn check_file(&self, cx: &mut Context<'_>, file: &FileDescriptor) {
        let package = file.package_name();
        let wanted = cx.option_list("options");
        if package.is_empty() {
            if cx.option_bool("without_package") {
                let options = file.options();
                for &(name, _) in OPTIONS.iter().filter(|(name, _)| wanted.iter().any(|w| w == name)) {
                    if option_value(&options, name).is_none() {
                        cx.report_file(format!(
                            "File option {name:?} is not set; files without a package need it too."
                        ));
                    }
                }
            }
            return;
        }
        let options = file.options();
        let src: &str = &cx.file().source.text;
        let decls = &cx.file().top_level;
        // When the file has no options, the first one inserted after the package
        // gets a blank line before it.
        let mut first_insertion = true;
        for &(name, number) in OPTIONS.iter().filter(|(name, _)| wanted.iter().any(|w| w == name)) {
            let expected = derive(cx, name, package, file.name());
            let literal = literal(&expected);
            let path = [FILE_OPTIONS_FIELD, number];
            match option_value(&options, name) {
                None => {
                    let message = format!("File option {name:?} is not set; set it to {literal}.");
                    let safe = insertion_is_safe(cx, name, &expected, package);
                    let fix = insertion(src, decls, name, &literal, first_insertion, safe);
                    first_insertion = false;
                    cx.report_span(&PACKAGE_PATH, package_span(cx), message, fix);
                }
                Some(value) => {
                    let actual = match value {
                        Value::String(text) => text,
                        Value::Bool(flag) => flag.to_string(),
                        _ => continue,
                    };
                    if actual == expected {
                        continue;
                    }
                    let message = format!("File option {name:?} is {actual:?}; it should be {literal}.");
                    let fix = cx.location(&path).map(|location| Fix {
                        description: format!("set {name} to {literal}"),
                        edits: vec![Edit {
                            start: location.start as usize,
                            end: location.end as usize,
                            replacement: format!("option {name} = {literal};"),
                        }],
                        safe: false,
                    });
                    match fix {
                        Some(fix) => cx.report_with_fix(&path, message, fix),
                        None => cx.report(&path, message),
                    }
                }
            }
        }
    }
}

/// Where a missing option is reported: the package statement.
fn package_span(cx: &Context<'_>) -> std::ops::Range<usize> {
    cx.location(&PACKAGE_PATH).map_or(0..0, |location| location.start as usize..location.end as usize)
}

/// The value the guide derives for option `name`.
fn derive(cx: &Context<'_>, name: &str, package: &str, file_name: &str) -> String {
    let components: Vec<&str> = package.split('.').collect();
    match name {
        "csharp_namespace" => capitalized(&components).join("."),
        "php_namespace" => capitalized(&components).join("\\"),
        "java_multiple_files" => "true".to_string(),
        "java_outer_classname" => {
            let base = file_name.rsplit('/').next().unwrap_or(file_name);
            format!("{}Proto", to_pascal_case(base.strip_suffix(".proto").unwrap_or(base)))
        }
        "java_package" => match cx.option_str("java_package_prefix") {
            "" => package.to_string(),
            prefix => format!("{prefix}.{package}"),
        },
        "objc_class_prefix" => {
            let named = if package_version_stability(package).is_some() {
                &components[..components.len() - 1]
            } else {
                &components[..]
            };
            let mut prefix: String =
                named.iter().filter_map(|c| c.chars().next()).flat_map(char::to_uppercase).collect();
            while prefix.chars().count() < 3 {
                prefix.push('X');
            }
            // Apple reserves GPB for protobuf's own classes.
            if prefix == "GPB" { "GPX".to_string() } else { prefix }
        }
        "go_package" => {
            let last = components[components.len() - 1];
            // prototool's Go package name: the last two components for a
            // versioned package (`tripv1`), else the last one and `pb` (`foopb`);
            // lower case either way, as Go package names are.
            let last_two = if package_version_stability(package).is_some() {
                components[components.len().saturating_sub(2)..].concat().to_lowercase()
            } else {
                format!("{}pb", last.to_lowercase())
            };
            cx.option_str("go_package")
                .replace("{package}", package)
                .replace("{path}", &components.join("/"))
                .replace("{last_two}", &last_two)
                .replace("{last}", last)
        }
        _ => String::new(),
    }
}

/// Whether setting a missing option `name` to `expected` leaves generated code
/// as it was: the generator's own default is the same value (protoc's C#
/// namespace capitalizes after digits too, `V1Beta1`; PHP's only each
/// component's first letter), or there is no default to change (Go).
fn insertion_is_safe(cx: &Context<'_>, name: &str, expected: &str, package: &str) -> bool {
    match name {
        "csharp_namespace" | "go_package" => true,
        "php_namespace" => {
            let default: Vec<String> = package
                .split('.')
                .map(|component| {
                    let mut chars = component.chars();
                    chars.next().into_iter().flat_map(char::to_uppercase).chain(chars).collect()
                })
                .collect();
            expected == default.join("\\")
        }
        "java_package" => cx.option_str("java_package_prefix").is_empty(),
        _ => false,
    }
}

/// Package components with the first letter upper-cased; a `vNbetaM` version
/// becomes `VNBetaM` (prototool's rule).
fn capitalized(components: &[&str]) -> Vec<String> {
    components
        .iter()
        .map(|component| {
            let mut chars = component.chars();
            let mut word: String = chars.next().into_iter().flat_map(char::to_uppercase).collect();
            word.push_str(chars.as_str());
            let beta = word.strip_prefix('V').and_then(|rest| rest.split_once("beta"));
            match beta {
                Some((major, minor))
                    if !major.is_empty()
                        && !minor.is_empty()
                        && major.bytes().all(|b| b.is_ascii_digit())
                        && minor.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    format!("V{major}Beta{minor}")
                }
                _ => word,
            }
        })
        .collect()
}

/// The option value as written in a `.proto` file.
fn literal(value: &str) -> String {
    if value == "true" {
        return value.to_string();
    }
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Inserting `option name = literal;` among the file options in name order:
/// before the first option that sorts after it, else after the last option,
/// else on the line after the package statement (after a blank line for the
/// `first` one inserted there).
fn insertion(src: &str, decls: &[TopDecl], name: &str, literal: &str, first: bool, safe: bool) -> Option<Fix> {
    let statement = format!("option {name} = {literal};");
    let options: Vec<&TopDecl> = decls.iter().filter(|decl| decl.kind == TopKind::Option).collect();
    let (at, text) = if let Some(after) = options.iter().find(|decl| decl.sort_key.as_str() > name) {
        (line_start(src, after.span.start as usize), format!("{statement}\n"))
    } else if let Some(last) = options.last() {
        at_line_end(src, last.span.end as usize, &statement)
    } else {
        let anchor = decls.iter().rfind(|decl| matches!(decl.kind, TopKind::Package | TopKind::Syntax))?;
        let (at, text) = at_line_end(src, anchor.span.end as usize, &statement);
        (at, if first { format!("\n{text}") } else { text })
    };
    Some(Fix {
        description: format!("add option {name} = {literal}"),
        edits: vec![Edit { start: at, end: at, replacement: text }],
        safe,
    })
}

/// An insertion of `statement` on a new line after the line holding `offset`.
fn at_line_end(src: &str, offset: usize, statement: &str) -> (usize, String) {
    let end = line_end(src, offset);
    if src[..end].ends_with('\n') { (end, format!("{statement}\n")) } else { (end, format!("\n{statement}\n")) }
}
