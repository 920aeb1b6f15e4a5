//! A file's top-level statements (kind, span, sort key), kept by the compile
//! step for the lint rules about statement order and sorting.

use super::ast::{Decl, File, Sp};

/// The kind of a top-level statement, for ordering rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopKind {
    Syntax,
    Package,
    Import,
    Option,
    Definition,
}

impl TopKind {
    /// The name used in `FILE_ELEMENT_ORDER`'s `order` option.
    pub fn option_name(self) -> &'static str {
        match self {
            TopKind::Syntax => "syntax",
            TopKind::Package => "package",
            TopKind::Import => "imports",
            TopKind::Option => "options",
            TopKind::Definition => "definitions",
        }
    }
}

/// One top-level statement: its kind, byte span, and for imports and options the
/// key they sort by (the import path; the option name without spaces).
#[derive(Debug, Clone)]
pub struct TopDecl {
    pub kind: TopKind,
    pub span: Sp,
    pub sort_key: String,
}

/// The top-level statements of a parsed file (empty statements left out). The
/// compile step records them while it has the tree, so rules that look at
/// statement order never parse a file again.
pub fn top_level(file: &File, src: &str) -> Vec<TopDecl> {
    file.decls
        .iter()
        .filter_map(|decl| {
            let (kind, span, sort_key) = match decl {
                Decl::Syntax(d) => (TopKind::Syntax, d.span, String::new()),
                Decl::Package(d) => (TopKind::Package, d.span, String::new()),
                Decl::Import(d) => (TopKind::Import, d.span, String::from_utf8_lossy(&d.path.value).into_owned()),
                Decl::Option(d) => {
                    let name = d.assign.span.text(src).split('=').next().unwrap_or_default();
                    (TopKind::Option, d.span, name.chars().filter(|c| !c.is_whitespace()).collect())
                }
                Decl::Message(d) => (TopKind::Definition, d.span, String::new()),
                Decl::Enum(d) => (TopKind::Definition, d.span, String::new()),
                Decl::Service(d) => (TopKind::Definition, d.span, String::new()),
                Decl::Extend(d) => (TopKind::Definition, d.span, String::new()),
                Decl::Empty(_) => return None,
            };
            Some(TopDecl { kind, span, sort_key })
        })
        .collect()
}
