//! The file options of a new file, in the workspace's own pattern: copied from the
//! package's other files when it has some (the `PACKAGE_SAME_*` rules want them
//! equal), else derived from the pattern most files of the other packages follow
//! (`go_package = "github.com/acme/api/user/v1;userv1"` for `acme.user.v1` gives
//! `github.com/acme/api/billing/v1;billingv1` for `acme.billing.v1`).

use std::collections::BTreeMap;

use prost_types::FileOptions;

use crate::compile::Compilation;
use crate::lint::casing::to_pascal_case;

/// `option NAME = VALUE;` with VALUE as proto source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOption {
    pub name: String,
    pub value: String,
}

/// The options of the new file of `package`, from the compiled workspace.
pub fn derive(package: &str, existing: &Compilation) -> Vec<FileOption> {
    let files: Vec<(String, FileOptions)> = existing
        .files
        .iter()
        .filter(|f| f.is_target)
        .filter_map(|f| existing.pool.get_file_by_name(&f.source.name))
        .filter(|f| !f.package_name().is_empty())
        .map(|f| (f.package_name().to_string(), f.file_descriptor_proto().options.clone().unwrap_or_default()))
        .collect();
    if let Some((_, sibling)) = files.iter().find(|(p, _)| p == package) {
        return copied(sibling);
    }
    let mut options = Vec::new();
    let mut string = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            options.push(FileOption { name: name.to_string(), value: quote(&value) });
        }
    };
    string(
        "go_package",
        most_common(files.iter().filter_map(|(p, o)| go_template(p, o.go_package.as_deref()?)))
            .map(|template| template.apply(package)),
    );
    string(
        "java_package",
        most_common(files.iter().filter_map(|(p, o)| java_prefix(p, o.java_package.as_deref()?)))
            .map(|prefix| if prefix.is_empty() { package.to_string() } else { format!("{prefix}.{package}") }),
    );
    for (name, join) in [("csharp_namespace", "."), ("php_namespace", "\\"), ("ruby_package", "::")] {
        let get = |o: &FileOptions| match name {
            "csharp_namespace" => o.csharp_namespace.clone(),
            "php_namespace" => o.php_namespace.clone(),
            _ => o.ruby_package.clone(),
        };
        let derived = files.iter().filter(|(p, o)| get(o).as_deref() == Some(&namespace(p, join)[..])).count();
        if derived > 0 && derived * 2 > files.len() {
            string(name, Some(namespace(package, join)));
        }
    }
    // Options every file sets to the same value carry over as they are.
    let constant = |get: &dyn Fn(&FileOptions) -> Option<String>| {
        let mut values = files.iter().map(|(_, o)| get(o));
        let first = values.next()??;
        values.all(|v| v.as_deref() == Some(&first[..])).then_some(first)
    };
    let booleans = |get: fn(&FileOptions) -> Option<bool>| constant(&|o| get(o).map(|b| b.to_string()));
    if let Some(value) = booleans(|o| o.java_multiple_files) {
        options.push(FileOption { name: "java_multiple_files".to_string(), value });
    }
    if let Some(value) = booleans(|o| o.cc_enable_arenas) {
        options.push(FileOption { name: "cc_enable_arenas".to_string(), value });
    }
    if let Some(value) = constant(&|o| o.optimize_for.map(optimize_mode)) {
        options.push(FileOption { name: "optimize_for".to_string(), value });
    }
    options
}

/// A sibling's options, less the one named after its file.
fn copied(options: &FileOptions) -> Vec<FileOption> {
    let mut out = Vec::new();
    let mut push = |name: &str, value: Option<String>| {
        if let Some(value) = value {
            out.push(FileOption { name: name.to_string(), value });
        }
    };
    push("go_package", options.go_package.as_deref().map(quote));
    push("java_package", options.java_package.as_deref().map(quote));
    push("java_multiple_files", options.java_multiple_files.map(|b| b.to_string()));
    push("csharp_namespace", options.csharp_namespace.as_deref().map(quote));
    push("php_namespace", options.php_namespace.as_deref().map(quote));
    push("ruby_package", options.ruby_package.as_deref().map(quote));
    push("objc_class_prefix", options.objc_class_prefix.as_deref().map(quote));
    push("swift_prefix", options.swift_prefix.as_deref().map(quote));
    push("cc_enable_arenas", options.cc_enable_arenas.map(|b| b.to_string()));
    push("optimize_for", options.optimize_for.map(optimize_mode));
    out
}

/// A `go_package` written as `PREFIX` + the package's directory less its first
/// `dropped` segments, with an optional `;alias` of the last one or two segments.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GoTemplate {
    prefix: String,
    dropped: usize,
    alias: Alias,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Alias {
    None,
    Last,
    LastTwo,
}

impl GoTemplate {
    fn apply(&self, package: &str) -> String {
        let segments: Vec<&str> = package.split('.').collect();
        let kept = segments.get(self.dropped.min(segments.len())..).unwrap_or_default().join("/");
        let alias = match self.alias {
            Alias::None => String::new(),
            Alias::Last => format!(";{}", segments.last().unwrap_or(&"")),
            Alias::LastTwo => format!(";{}", last_two(&segments)),
        };
        format!("{}{kept}{alias}", self.prefix)
    }
}

fn last_two(segments: &[&str]) -> String {
    segments[segments.len().saturating_sub(2)..].concat()
}

/// The template `go_package` follows for `package`, when its import path ends
/// with the package's directory (or a tail of it).
fn go_template(package: &str, go_package: &str) -> Option<GoTemplate> {
    let segments: Vec<&str> = package.split('.').collect();
    let (path, alias) = match go_package.split_once(';') {
        Some((path, alias)) => (path, Some(alias)),
        None => (go_package, None),
    };
    let path_segments: Vec<&str> = path.split('/').collect();
    let dropped = (0..segments.len()).find(|&dropped| {
        let tail = &segments[dropped..];
        path_segments.len() > tail.len() && path_segments.ends_with(tail)
    })?;
    let kept = segments.len() - dropped;
    let prefix = format!("{}/", path_segments[..path_segments.len() - kept].join("/"));
    let alias = match alias {
        None => Alias::None,
        Some(a) if a == last_two(&segments) => Alias::LastTwo,
        Some(a) if Some(&a) == segments.last() => Alias::Last,
        Some(_) => return None,
    };
    Some(GoTemplate { prefix, dropped, alias })
}

/// `com.acme` for `java_package = "com.acme.user.v1"` in `acme.user.v1`.
fn java_prefix(package: &str, java_package: &str) -> Option<String> {
    if java_package == package {
        return Some(String::new());
    }
    java_package.strip_suffix(package)?.strip_suffix('.').map(str::to_string)
}

/// `acme.user.v1` → `Acme.User.V1` (joined with `join`).
fn namespace(package: &str, join: &str) -> String {
    package.split('.').map(to_pascal_case).collect::<Vec<_>>().join(join)
}

fn optimize_mode(mode: i32) -> String {
    match mode {
        2 => "CODE_SIZE",
        3 => "LITE_RUNTIME",
        _ => "SPEED",
    }
    .to_string()
}

fn most_common<T: Ord + Clone>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    // Ties go to the smallest, so the answer does not depend on file order.
    counts.into_iter().max_by(|(a, x), (b, y)| x.cmp(y).then(b.cmp(a))).map(|(item, _)| item)
}

/// A proto string literal.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_package_pattern_carries_to_a_new_package() {
        let template = go_template("acme.user.v1", "github.com/acme/api/user/v1;userv1").unwrap();
        assert_eq!(template.apply("acme.billing.v1"), "github.com/acme/api/billing/v1;billingv1");
        let template = go_template("uber.trip.v1", "tripv1");
        assert_eq!(template, None, "an alias alone has no import path to follow");
        let template = go_template("acme.user.v1", "example.com/gen/acme/user/v1").unwrap();
        assert_eq!(template.apply("acme.billing.v1"), "example.com/gen/acme/billing/v1");
    }

    #[test]
    fn java_package_prefix() {
        assert_eq!(java_prefix("acme.user.v1", "com.acme.user.v1").as_deref(), Some("com"));
        assert_eq!(java_prefix("acme.user.v1", "acme.user.v1").as_deref(), Some(""));
        assert_eq!(java_prefix("acme.user.v1", "com.other"), None);
    }
}
