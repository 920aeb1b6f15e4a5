//! Package-level rules: what disappears from a package as a whole (moving an
//! element between the files of a package is fine).

use std::collections::{BTreeMap, BTreeSet};

use super::support::{deleted_at, nested_message_paths};
use crate::breaking::rule::{Findings, at};
use crate::breaking::{Pairs, Side, SideFile, file_enums, file_extensions, file_messages, nested_name};
use crate::breaking_rule;

breaking_rule! {
    /// Packages are not deleted.
    ///
    /// Reported at the first base file (by name) of the package.
    pub static PACKAGE_NO_DELETE = "PACKAGE_NO_DELETE", [PACKAGE] => package_no_delete;
}

fn packages<'s, 'a>(side: &'s Side<'a>) -> BTreeMap<&'s str, Vec<&'s SideFile<'a>>> {
    let mut map: BTreeMap<&str, Vec<&SideFile<'a>>> = BTreeMap::new();
    for f in &side.files {
        map.entry(f.package()).or_default().push(f);
    }
    map
}

fn package_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    let head = packages(pairs.head);
    for (package, files) in packages(pairs.base) {
        if !head.contains_key(package) {
            out.report_file(files[0], format!("Previously present package {package:?} was deleted."));
        }
    }
}

/// Nested name and descriptor path of every element of one kind in a file.
type Collect = fn(&SideFile<'_>) -> Vec<(String, Vec<i32>)>;

/// Elements of one kind, by (package, nested name) → (file, descriptor path).
type Elements<'s, 'a> = BTreeMap<(&'s str, String), (&'s SideFile<'a>, Vec<i32>)>;

fn package_element_no_delete<'a>(pairs: &Pairs<'a>, out: &mut Findings, kind: &str, collect: Collect) {
    let elements = |side: &'a Side<'a>| -> Elements<'a, 'a> {
        let mut map = BTreeMap::new();
        for f in &side.files {
            for (nested, path) in collect(f) {
                map.insert((f.package(), nested), (f, path));
            }
        }
        map
    };
    let head_packages: BTreeSet<&str> = pairs.head.files.iter().map(|f| f.package()).collect();
    let head = elements(pairs.head);
    for ((package, nested), (base_file, path)) in elements(pairs.base) {
        if !head_packages.contains(package) || head.contains_key(&(package, nested.clone())) {
            continue;
        }
        let message = format!("Previously present {kind} {nested:?} was deleted from package {package:?}.");
        match pairs.head.file(base_file.name()) {
            Some(head_file) => {
                let at = deleted_at(head_file, base_file, &path, &nested, &nested_message_paths(head_file));
                out.report(at, Some(head_file), message);
            }
            _ => out.report(at(base_file, &path), None, message),
        }
    }
}

breaking_rule! {
    /// Messages are not deleted from a package.
    pub static PACKAGE_MESSAGE_NO_DELETE = "PACKAGE_MESSAGE_NO_DELETE", [PACKAGE] => package_message_no_delete;
}

fn package_message_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    package_element_no_delete(pairs, out, "message", |f| {
        file_messages(&f.desc)
            .iter()
            .map(|m| (nested_name(m.full_name(), f.package()).to_string(), m.path().to_vec()))
            .collect()
    });
}

breaking_rule! {
    /// Enums are not deleted from a package.
    pub static PACKAGE_ENUM_NO_DELETE = "PACKAGE_ENUM_NO_DELETE", [PACKAGE] => package_enum_no_delete;
}

fn package_enum_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    package_element_no_delete(pairs, out, "enum", |f| {
        file_enums(&f.desc)
            .iter()
            .map(|e| (nested_name(e.full_name(), f.package()).to_string(), e.path().to_vec()))
            .collect()
    });
}

breaking_rule! {
    /// Extensions are not deleted from a package.
    pub static PACKAGE_EXTENSION_NO_DELETE = "PACKAGE_EXTENSION_NO_DELETE", [PACKAGE] => package_extension_no_delete;
}

fn package_extension_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    package_element_no_delete(pairs, out, "extension", |f| {
        file_extensions(&f.desc)
            .iter()
            .map(|e| (nested_name(e.full_name(), f.package()).to_string(), e.path().to_vec()))
            .collect()
    });
}

breaking_rule! {
    /// Services are not deleted from a package.
    pub static PACKAGE_SERVICE_NO_DELETE = "PACKAGE_SERVICE_NO_DELETE", [PACKAGE] => package_service_no_delete;
}

fn package_service_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    package_element_no_delete(pairs, out, "service", |f| {
        f.desc.services().map(|s| (s.name().to_string(), s.path().to_vec())).collect()
    });
}
