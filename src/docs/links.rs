//! Where every documented element lives: its page (one per package) and its
//! anchor there. Renderers ask it for hrefs; comments ask it to resolve names.

use std::borrow::Cow;
use std::collections::HashMap;

use super::model::{DocModel, relative_name};

/// Stems of the site's own pages (`index.html`, the Markdown tree's
/// `README.md`), compared without case: on a case-insensitive file system
/// (macOS, Windows) `Index.html` is `index.html`.
const RESERVED_STEMS: &[&str] = &["index", "readme"];

/// Stem of the site-wide error table's page (`error-codes.html`, `error-codes.md`).
pub const ERROR_CODES_STEM: &str = "error-codes";

/// The page of a package, without extension. Package names never contain `-`,
/// so the stems with one (`no-package`, `index-package`, the site's
/// `error-codes` and `search-index`) cannot collide with a package's; a package
/// named like one of the site's own pages (`index`, `README`) gets `-package`
/// added, so it never loses its page to the site's.
pub fn page_stem(package: &str) -> Cow<'_, str> {
    if package.is_empty() {
        Cow::Borrowed("no-package")
    } else if RESERVED_STEMS.iter().any(|reserved| package.eq_ignore_ascii_case(reserved)) {
        Cow::Owned(format!("{package}-package"))
    } else {
        Cow::Borrowed(package)
    }
}

/// Ids of the sections of a package page. Proto names never contain `-`, so
/// they cannot collide with an element's anchor.
pub mod section {
    pub const SERVICES: &str = "section-services";
    pub const MESSAGES: &str = "section-messages";
    pub const ENUMS: &str = "section-enums";
    pub const EXTENSIONS: &str = "section-extensions";
    pub const ERRORS: &str = "section-errors";
}

/// What kind of element a name is, for the search index and for labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Service,
    Method,
    Message,
    Enum,
    Field,
    EnumValue,
    Extension,
}

impl Kind {
    /// One letter, for the compact search index (see `assets/search.js`).
    pub fn code(self) -> char {
        match self {
            Kind::Service => 's',
            Kind::Method => 'r',
            Kind::Message => 'm',
            Kind::Enum => 'e',
            Kind::Field => 'f',
            Kind::EnumValue => 'v',
            Kind::Extension => 'x',
        }
    }
}

#[derive(Debug, Clone)]
pub struct Target {
    pub package: usize,
    pub anchor: String,
    pub kind: Kind,
}

/// Full names of documented elements to their page and anchor.
pub struct Links {
    targets: HashMap<String, Target>,
    /// Page stem per package index.
    pages: Vec<String>,
    /// Package names, for resolving names relative to the current package.
    packages: Vec<String>,
}

impl Links {
    pub fn new(model: &DocModel) -> Links {
        let mut targets = HashMap::new();
        let mut add = |full_name: &str, package: usize, anchor: String, kind: Kind| {
            targets.insert(full_name.to_string(), Target { package, anchor, kind });
        };
        for (index, package) in model.packages.iter().enumerate() {
            let relative = |full_name: &str| relative_name(full_name, &package.name);
            for service in &package.services {
                add(&service.full_name, index, service.name.clone(), Kind::Service);
                for method in &service.methods {
                    add(&method.full_name, index, relative(&method.full_name), Kind::Method);
                }
            }
            for message in &package.messages {
                add(&message.full_name, index, message.name.clone(), Kind::Message);
                for field in &message.fields {
                    add(&field.full_name, index, relative(&field.full_name), Kind::Field);
                }
            }
            for enum_type in &package.enums {
                add(&enum_type.full_name, index, enum_type.name.clone(), Kind::Enum);
                // Values are scoped beside their enum (`pkg.VALUE`); the anchor
                // names the enum too, which is what a reader looks for.
                for value in &enum_type.values {
                    add(&value.full_name, index, enum_value_anchor(&enum_type.name, &value.name), Kind::EnumValue);
                }
            }
            for extension in &package.extensions {
                add(&extension.full_name, index, relative(&extension.full_name), Kind::Extension);
            }
        }
        Links {
            targets,
            pages: model.packages.iter().map(|p| page_stem(&p.name).to_string()).collect(),
            packages: model.packages.iter().map(|p| p.name.clone()).collect(),
        }
    }

    pub fn target(&self, full_name: &str) -> Option<&Target> {
        self.targets.get(full_name.strip_prefix('.').unwrap_or(full_name))
    }

    pub fn page(&self, package: usize) -> &str {
        &self.pages[package]
    }

    pub fn package_name(&self, package: usize) -> &str {
        &self.packages[package]
    }

    /// `page.EXT#anchor` of a documented element.
    pub fn href(&self, full_name: &str, extension: &str) -> Option<String> {
        self.target(full_name).map(|t| format!("{}.{extension}#{}", self.pages[t.package], t.anchor))
    }

    /// The full name a reference written in a comment of `package` means: a full
    /// name, or a name relative to the package or one of its parents (as protobuf
    /// resolves type names).
    pub fn resolve(&self, reference: &str, package: &str) -> Option<String> {
        let reference = reference.trim();
        if let Some(absolute) = reference.strip_prefix('.') {
            return self.targets.contains_key(absolute).then(|| absolute.to_string());
        }
        let mut scope = package;
        loop {
            let candidate = if scope.is_empty() { reference.to_string() } else { format!("{scope}.{reference}") };
            if self.targets.contains_key(&candidate) {
                return Some(candidate);
            }
            if scope.is_empty() {
                return None;
            }
            scope = scope.rsplit_once('.').map_or("", |(parent, _)| parent);
        }
    }

    /// Every documented element, for the search index: full name, kind, target.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Target)> {
        self.targets.iter().map(|(name, target)| (name.as_str(), target))
    }
}

pub fn enum_value_anchor(enum_name: &str, value: &str) -> String {
    format!("{enum_name}.{value}")
}
