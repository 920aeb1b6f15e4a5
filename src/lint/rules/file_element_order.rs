use prost_reflect::FileDescriptor;

use crate::declare_rule;
use crate::lint::rule::{Context, OptionDefault, Rule, RuleOption};
use crate::lint::text::TopKind;

declare_rule! {
    /// A file's top-level statements come in a fixed order of kinds: by default
    /// `syntax`, `package`, imports, file options, then definitions (messages,
    /// enums, services, extensions), as the protobuf.dev style guide lays a file
    /// out. The Uber V2 guide puts file options before imports; its preset sets
    /// `order` accordingly (and `[format] options_before_imports = true` makes
    /// `idl format` keep them there). A finding is at the first statement of each run of
    /// statements that comes after a statement of a later kind.
    ///
    /// ```toml
    /// [lint.rules.FILE_ELEMENT_ORDER]
    /// order = ["syntax", "package", "options", "imports", "definitions"]
    /// ```
    ///
    /// ```proto
    /// // Invalid
    /// syntax = "proto3";
    /// package acme.example.v1;
    /// message Trip {}
    /// option java_multiple_files = true;
    /// // Valid
    /// syntax = "proto3";
    /// package acme.example.v1;
    /// option java_multiple_files = true;
    /// message Trip {}
    /// ```
    pub struct FileElementOrder {
        id: "FILE_ELEMENT_ORDER",
        summary: "Top-level statements come in order: syntax, package, imports, options, definitions (option `order`).",
        severity: Error,
        fixable: false,
        options: [RuleOption {
            name: "order",
            default: OptionDefault::List(&["syntax", "package", "imports", "options", "definitions"]),
            help: "The order of the kinds `syntax`, `package`, `imports`, `options`, `definitions`; a kind left out may go anywhere.",
        }],
    }
}

impl Rule for FileElementOrder {
    fn check_file(&self, cx: &mut Context<'_>, _file: &FileDescriptor) {
        let order = cx.option_list("order");
        let rank = |kind: TopKind| order.iter().position(|name| name == kind.option_name());
        let mut latest: Option<(usize, TopKind)> = None;
        // The kind of the statement above when it was misplaced: one finding per run.
        let mut misplaced_run: Option<TopKind> = None;
        for decl in &cx.file().top_level {
            let Some(rank) = rank(decl.kind) else { continue };
            match latest {
                Some((latest_rank, _)) if rank < latest_rank && misplaced_run == Some(decl.kind) => {}
                Some((latest_rank, latest_kind)) if rank < latest_rank => {
                    misplaced_run = Some(decl.kind);
                    let message = format!(
                        "{} should come before {} (order: {}).",
                        describe(decl.kind),
                        describe(latest_kind).to_lowercase(),
                        order.join(", ")
                    );
                    cx.report_span(&[], decl.span.start as usize..decl.span.end as usize, message, None);
                }
                _ => {
                    misplaced_run = None;
                    latest = Some((rank, decl.kind));
                }
            }
        }
    }
}

fn describe(kind: TopKind) -> &'static str {
    match kind {
        TopKind::Syntax => "The syntax statement",
        TopKind::Package => "The package statement",
        TopKind::Import => "Imports",
        TopKind::Option => "File options",
        TopKind::Definition => "Definitions",
    }
}
