//! File-level rules: deleted files, package, syntax and file options.

use prost_types::FileOptions;

use crate::breaking::Pairs;
use crate::breaking::rule::{Findings, at};
use crate::breaking_rule;
use crate::compile::Syntax;

breaking_rule! {
    /// Files are not deleted.
    ///
    /// Pairs files by import name. idl reports the deleted file at its path in the base.
    pub static FILE_NO_DELETE = "FILE_NO_DELETE", [CSR, FILE] => file_no_delete;
}

fn file_no_delete(pairs: &Pairs<'_>, out: &mut Findings) {
    for base in &pairs.base.files {
        if pairs.head.file(base.name()).is_none() {
            out.report_file(base, format!("Previously present file {:?} was deleted.", base.name()));
        }
    }
}

breaking_rule! {
    /// Files keep their package.
    pub static FILE_SAME_PACKAGE = "FILE_SAME_PACKAGE", [CSR, FILE, PACKAGE, WIRE_JSON, WIRE] => file_same_package;
}

fn file_same_package(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.files {
        if base.package() != head.package() {
            let message = format!("File package changed from {:?} to {:?}.", base.package(), head.package());
            out.report(at(head, &[2]), Some(base), message);
        }
    }
}

breaking_rule! {
    /// Files keep their syntax.
    pub static FILE_SAME_SYNTAX = "FILE_SAME_SYNTAX", [CSR, FILE, PACKAGE] => file_same_syntax;
}

fn syntax_name(syntax: Syntax) -> &'static str {
    match syntax {
        Syntax::Proto2 => "proto2",
        Syntax::Proto3 => "proto3",
        Syntax::Editions(_) => "editions",
    }
}

fn file_same_syntax(pairs: &Pairs<'_>, out: &mut Findings) {
    for (base, head) in &pairs.files {
        let (b, h) = (syntax_name(base.syntax), syntax_name(head.syntax));
        if b != h {
            out.report(at(head, &[12]), Some(base), format!("File syntax changed from {b:?} to {h:?}."));
        }
    }
}

/// Compares one file option on every pair of files.
fn same_option(pairs: &Pairs<'_>, out: &mut Findings, option: &str, number: i32, get: fn(&FileOptions) -> String) {
    let default = FileOptions::default();
    for (base, head) in &pairs.files {
        let b = get(base.desc.typed_options().unwrap_or(&default));
        let h = get(head.desc.typed_options().unwrap_or(&default));
        if b != h {
            let message = format!("File option {option:?} changed from {b:?} to {h:?}.");
            out.report(at(head, &[8, number]), Some(base), message);
        }
    }
}

macro_rules! file_option_rule {
    ($(#[doc = $doc:literal])* $name:ident, $f:ident, $option:literal, $number:literal, $get:expr) => {
        breaking_rule! {
            $(#[doc = $doc])*
            pub static $name = stringify!($name), [FILE, PACKAGE] => $f;
        }
        fn $f(pairs: &Pairs<'_>, out: &mut Findings) {
            same_option(pairs, out, $option, $number, $get);
        }
    };
}

file_option_rule!(
    /// Files keep their `cc_enable_arenas` option.
    FILE_SAME_CC_ENABLE_ARENAS, cc_enable_arenas, "cc_enable_arenas", 31, |o| o.cc_enable_arenas().to_string()
);
file_option_rule!(
    /// Files keep their `cc_generic_services` option.
    FILE_SAME_CC_GENERIC_SERVICES, cc_generic_services, "cc_generic_services", 16,
    |o| o.cc_generic_services().to_string()
);
file_option_rule!(
    /// Files keep their `csharp_namespace` option.
    FILE_SAME_CSHARP_NAMESPACE, csharp_namespace, "csharp_namespace", 37, |o| o.csharp_namespace().to_string()
);
file_option_rule!(
    /// Files keep their `go_package` option.
    FILE_SAME_GO_PACKAGE, go_package, "go_package", 11, |o| o.go_package().to_string()
);
file_option_rule!(
    /// Files keep their `java_generic_services` option.
    FILE_SAME_JAVA_GENERIC_SERVICES, java_generic_services, "java_generic_services", 17,
    |o| o.java_generic_services().to_string()
);
file_option_rule!(
    /// Files keep their `java_multiple_files` option.
    FILE_SAME_JAVA_MULTIPLE_FILES, java_multiple_files, "java_multiple_files", 10,
    |o| o.java_multiple_files().to_string()
);
file_option_rule!(
    /// Files keep their `java_outer_classname` option.
    FILE_SAME_JAVA_OUTER_CLASSNAME, java_outer_classname, "java_outer_classname", 8,
    |o| o.java_outer_classname().to_string()
);
file_option_rule!(
    /// Files keep their `java_package` option.
    FILE_SAME_JAVA_PACKAGE, java_package, "java_package", 1, |o| o.java_package().to_string()
);
file_option_rule!(
    /// Files keep their `objc_class_prefix` option.
    FILE_SAME_OBJC_CLASS_PREFIX, objc_class_prefix, "objc_class_prefix", 36, |o| o.objc_class_prefix().to_string()
);
file_option_rule!(
    /// Files keep their `optimize_for` option.
    FILE_SAME_OPTIMIZE_FOR, optimize_for, "optimize_for", 9, |o| o.optimize_for().as_str_name().to_string()
);
file_option_rule!(
    /// Files keep their `php_class_prefix` option.
    FILE_SAME_PHP_CLASS_PREFIX, php_class_prefix, "php_class_prefix", 40, |o| o.php_class_prefix().to_string()
);
file_option_rule!(
    /// Files keep their `php_metadata_namespace` option.
    FILE_SAME_PHP_METADATA_NAMESPACE, php_metadata_namespace, "php_metadata_namespace", 44,
    |o| o.php_metadata_namespace().to_string()
);
file_option_rule!(
    /// Files keep their `php_namespace` option.
    FILE_SAME_PHP_NAMESPACE, php_namespace, "php_namespace", 41, |o| o.php_namespace().to_string()
);
file_option_rule!(
    /// Files keep their `py_generic_services` option.
    FILE_SAME_PY_GENERIC_SERVICES, py_generic_services, "py_generic_services", 18,
    |o| o.py_generic_services().to_string()
);
file_option_rule!(
    /// Files keep their `ruby_package` option.
    FILE_SAME_RUBY_PACKAGE, ruby_package, "ruby_package", 45, |o| o.ruby_package().to_string()
);
file_option_rule!(
    /// Files keep their `swift_prefix` option.
    FILE_SAME_SWIFT_PREFIX, swift_prefix, "swift_prefix", 39, |o| o.swift_prefix().to_string()
);
