//! Lowering: syntax tree → `FileDescriptorProto` (unlinked, as protoc's parser
//! leaves it: type names as written, options uninterpreted) plus source
//! locations in protoc's order and with protoc's spans.
//!
//! It also checks what protoc's parser checks (labels per syntax, ranges of
//! numbers, map key types...), reporting with protoc's wording.

use prost::Message;

use super::Syntax;
use super::descriptor::{self as d, field_type, label, tag};
use super::locations::{SourceLocation, SourceLocations};
use crate::syntax::ParseError;
use crate::syntax::ast::*;

/// protoc's largest field number, and the sentinel protoc writes for `max`.
const MAX_FIELD_NUMBER: i64 = 536_870_911;

/// An option as written, kept so its source location can be moved to the
/// interpreted path once the pool knows the option's field numbers.
#[derive(Debug, Clone)]
pub struct OptionRecord {
    /// Path of the options field (`[4, 0, 7]`).
    pub opts_path: Vec<i32>,
    /// Index of the option's own location in the file's locations.
    pub location: usize,
    /// `google.protobuf.MessageOptions` etc.
    pub options_type: &'static str,
    /// Enclosing message names (the package is prepended when resolving).
    pub scope: Vec<String>,
    pub name: Vec<d::NamePart>,
}

#[derive(Clone)]
pub struct Lowered {
    pub options: Vec<OptionRecord>,
    /// `export`/`local` of messages and enums by descriptor path: the pool
    /// drops this edition-2024 field, so output restores it from here.
    pub visibilities: Vec<(Vec<i32>, i32)>,
    pub proto: d::FileDescriptorProto,
    pub locations: SourceLocations,
    pub syntax: Syntax,
    pub errors: Vec<ParseError>,
}

pub fn lower(name: &str, src: &str, file: &File) -> Lowered {
    let mut l = Lowerer {
        src,
        locs: SourceLocations::default(),
        errors: Vec::new(),
        syntax: Syntax::Proto2,
        options: Vec::new(),
        scope: Vec::new(),
        visibilities: Vec::new(),
    };
    let mut fd = d::FileDescriptorProto { name: Some(name.to_string()), ..Default::default() };
    l.loc(&[], file.span, None);
    let mut file_opts = OptionsBuilder::default();
    let mut saw_syntax = false;
    for decl in &file.decls {
        match decl {
            Decl::Syntax(s) => {
                saw_syntax = true;
                let value = s.value.lossy();
                if s.is_edition {
                    let ed = match value.as_str() {
                        "2023" => d::edition::EDITION_2023,
                        "2024" => d::edition::EDITION_2024,
                        _ => {
                            // protoc's wording, so users recognise it.
                            let message = match value.parse::<u32>() {
                                Ok(n) if n > 2024 => {
                                    format!("Edition {value} is later than the maximum supported edition 2024")
                                }
                                Ok(n) if n < 2023 => {
                                    format!("Edition {value} is earlier than the minimum supported edition 2023")
                                }
                                _ => format!("Unknown edition \"{value}\"."),
                            };
                            l.err(s.value.span, message);
                            d::edition::EDITION_2023
                        }
                    };
                    l.syntax = Syntax::Editions(ed);
                    fd.syntax = Some("editions".into());
                    fd.edition = Some(ed);
                    // protoc records `edition = ...;` at the syntax field's path.
                    l.loc(&[tag::file::SYNTAX], s.span, Some(&s.comments));
                } else {
                    match value.as_str() {
                        "proto2" => l.syntax = Syntax::Proto2,
                        "proto3" => {
                            l.syntax = Syntax::Proto3;
                            fd.syntax = Some("proto3".into());
                        }
                        _ => l.err(
                            s.value.span,
                            format!("Unrecognized syntax identifier \"{value}\".  This parser only recognizes \"proto2\" and \"proto3\"."),
                        ),
                    }
                    l.loc(&[tag::file::SYNTAX], s.span, Some(&s.comments));
                }
            }
            Decl::Package(p) => {
                if fd.package.is_some() {
                    l.err(p.span, "Multiple package definitions.");
                }
                fd.package = Some(strip_ws(p.name.text(src)));
                l.loc(&[tag::file::PACKAGE], p.span, Some(&p.comments));
            }
            Decl::Import(i) => {
                let index = fd.dependency.len() as i32;
                let path = i.path.lossy();
                match i.kind {
                    ImportKind::Option => {
                        let oi = fd.option_dependency.len() as i32;
                        fd.option_dependency.push(path);
                        l.loc(&[tag::file::OPTION_DEPENDENCY, oi], i.span, Some(&i.comments));
                        continue;
                    }
                    ImportKind::Public => {
                        let pi = fd.public_dependency.len() as i32;
                        fd.public_dependency.push(index);
                        l.loc(&[tag::file::DEPENDENCY, index], i.span, Some(&i.comments));
                        l.loc(&[tag::file::PUBLIC_DEPENDENCY, pi], i.kind_span.unwrap(), None);
                    }
                    ImportKind::Weak => {
                        let wi = fd.weak_dependency.len() as i32;
                        fd.weak_dependency.push(index);
                        l.loc(&[tag::file::DEPENDENCY, index], i.span, Some(&i.comments));
                        l.loc(&[tag::file::WEAK_DEPENDENCY, wi], i.kind_span.unwrap(), None);
                    }
                    ImportKind::Default => {
                        l.loc(&[tag::file::DEPENDENCY, index], i.span, Some(&i.comments));
                    }
                }
                fd.dependency.push(path);
            }
            Decl::Option(o) => l.option_statement(&[tag::file::OPTIONS], o, &mut file_opts, FILE_OPTIONS),
            Decl::Message(m) => {
                let i = fd.message_type.len() as i32;
                let msg = l.message(&[tag::file::MESSAGE_TYPE, i], m);
                fd.message_type.push(msg);
            }
            Decl::Enum(e) => {
                let i = fd.enum_type.len() as i32;
                let en = l.enum_decl(&[tag::file::ENUM_TYPE, i], e);
                fd.enum_type.push(en);
            }
            Decl::Service(s) => {
                let i = fd.service.len() as i32;
                let sv = l.service(&[tag::file::SERVICE, i], s);
                fd.service.push(sv);
            }
            Decl::Extend(e) => {
                let mut nested = Vec::new();
                l.extend(&[], tag::file::EXTENSION, tag::file::MESSAGE_TYPE, e, &mut fd.extension, &mut nested);
                // Groups declared in a top-level extend become top-level messages.
                fd.message_type.extend(nested);
            }
            Decl::Empty(_) => {}
        }
    }
    if !saw_syntax {
        l.syntax = Syntax::Proto2;
    }
    fd.options = file_opts.finish();
    let syntax = l.syntax;
    l.locs.shrink_to_fit();
    let mut lowered = Lowered {
        options: l.options,
        visibilities: l.visibilities,
        proto: fd,
        locations: l.locs,
        syntax,
        errors: l.errors,
    };
    if syntax == Syntax::Proto3 {
        check_proto3(&mut lowered);
    }
    lowered
}

/// Accumulates `UninterpretedOption`s for one options message.
#[derive(Default)]
struct OptionsBuilder {
    encoded: Vec<u8>,
    count: i32,
}

impl OptionsBuilder {
    fn push(&mut self, opt: d::UninterpretedOption) -> i32 {
        prost::encoding::message::encode(tag::UNINTERPRETED_OPTION as u32, &opt, &mut self.encoded);
        self.count += 1;
        self.count - 1
    }
    fn finish(self) -> Option<Vec<u8>> {
        if self.count == 0 && self.encoded.is_empty() { None } else { Some(self.encoded) }
    }
    /// A `[...]` list that was present but empty of real options still makes
    /// protoc create the options message (e.g. only `json_name` inside).
    fn finish_present(self, present: bool) -> Option<Vec<u8>> {
        if present { Some(self.encoded) } else { self.finish() }
    }
}

struct Lowerer<'a> {
    src: &'a str,
    options: Vec<OptionRecord>,
    visibilities: Vec<(Vec<i32>, i32)>,
    scope: Vec<String>,
    locs: SourceLocations,
    errors: Vec<ParseError>,
    syntax: Syntax,
}

fn strip_ws(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn join(path: &[i32], more: &[i32]) -> Vec<i32> {
    let mut p = Vec::with_capacity(path.len() + more.len());
    p.extend_from_slice(path);
    p.extend_from_slice(more);
    p
}

impl Lowerer<'_> {
    fn loc(&mut self, path: &[i32], sp: Sp, comments: Option<&Comments>) {
        let comments = comments
            .filter(|c| c.leading.is_some() || c.trailing.is_some() || !c.detached.is_empty())
            .map(|c| Box::new(c.clone()));
        self.locs.push(SourceLocation { path: path.into(), start: sp.start, end: sp.end, comments });
    }

    fn err(&mut self, span: Sp, message: impl Into<String>) {
        self.errors.push(ParseError { span, message: message.into() });
    }

    fn text(&self, sp: Sp) -> &str {
        sp.text(self.src)
    }

    /// An integer that must fit in an i32 (field numbers, range bounds).
    fn int32(&mut self, lit: IntLit) -> i32 {
        let max = if lit.negative { 1u64 << 31 } else { i32::MAX as u64 };
        match lit.magnitude {
            Some(m) if m <= max => {
                if lit.negative {
                    (-(m as i64)) as i32
                } else {
                    m as i32
                }
            }
            _ => {
                self.err(lit.span, "Integer out of range.");
                0
            }
        }
    }

    /// `SymbolVisibility`: VISIBILITY_LOCAL = 1, VISIBILITY_EXPORT = 2.
    fn visibility(&mut self, path: &[i32], v: Option<(Visibility, Sp)>) -> Option<i32> {
        let (v, sp) = v?;
        if self.syntax != Syntax::Editions(d::edition::EDITION_2024) {
            self.err(sp, "Symbol visibility (export/local) requires edition 2024 or later.");
        }
        let value = match v {
            Visibility::Local => 1,
            Visibility::Export => 2,
        };
        self.visibilities.push((path.to_vec(), value));
        Some(value)
    }

    // ---- options ----

    fn uninterpreted(&mut self, a: &OptionAssign) -> d::UninterpretedOption {
        let mut o = d::UninterpretedOption {
            name: a
                .name
                .parts
                .iter()
                .map(|p| d::NamePart { name_part: strip_ws(&p.name), is_extension: p.is_extension })
                .collect(),
            ..Default::default()
        };
        match &a.value.kind {
            OptionValueKind::Ident(s) => o.identifier_value = Some(s.clone()),
            OptionValueKind::Float(f) => o.double_value = Some(*f),
            OptionValueKind::Int { negative: false, magnitude } => o.positive_int_value = Some(*magnitude),
            OptionValueKind::Int { negative: true, magnitude } => {
                o.negative_int_value = Some((*magnitude as i64).wrapping_neg())
            }
            OptionValueKind::Str(b) => o.string_value = Some(b.clone()),
            OptionValueKind::Aggregate(s) => o.aggregate_value = Some(s.clone()),
        }
        o
    }

    /// `option x = y;` inside an element whose options field is at `opts_path`.
    fn option_statement(&mut self, opts_path: &[i32], o: &OptionDecl, b: &mut OptionsBuilder, ty: &'static str) {
        self.loc(opts_path, o.span, None);
        let opt = self.uninterpreted(&o.assign);
        self.record(opts_path, ty, b, opt, o.span, Some(&o.comments));
    }

    /// Adds an uninterpreted option and its location (`[opts_path, 999, i]`).
    fn record(
        &mut self,
        opts_path: &[i32],
        ty: &'static str,
        b: &mut OptionsBuilder,
        opt: d::UninterpretedOption,
        span: Sp,
        comments: Option<&Comments>,
    ) {
        let name = opt.name.clone();
        let index = b.push(opt);
        self.loc(&join(opts_path, &[tag::UNINTERPRETED_OPTION, index]), span, comments);
        self.options.push(OptionRecord {
            opts_path: opts_path.to_vec(),
            location: self.locs.last_index(),
            options_type: ty,
            scope: self.scope.clone(),
            name,
        });
    }

    /// `[a = 1, b = 2]` on a field, enum value or extension range: records the
    /// bracket location and each option. Field-only pseudo-options (`default`,
    /// `json_name`) are handled by the caller through `special`.
    fn compact_options(
        &mut self,
        elem_path: &[i32],
        opts_tag: i32,
        opts: &CompactOptions,
        b: &mut OptionsBuilder,
        ty: &'static str,
        mut special: impl FnMut(&mut Self, &OptionAssign) -> bool,
    ) {
        let opts_path = join(elem_path, &[opts_tag]);
        self.loc(&opts_path, opts.span, None);
        for a in &opts.options {
            if special(self, a) {
                continue;
            }
            let opt = self.uninterpreted(a);
            self.record(&opts_path, ty, b, opt, a.span, None);
        }
    }

    // ---- messages ----

    fn message(&mut self, path: &[i32], m: &MessageDecl) -> d::DescriptorProto {
        self.loc(path, m.span, Some(&m.comments));
        let name = self.text(m.name).to_string();
        self.loc(&join(path, &[tag::message::NAME]), m.name, None);
        let mut msg = d::DescriptorProto { name: Some(name.clone()), ..Default::default() };
        msg.visibility = self.visibility(path, m.visibility);
        self.scope.push(name);
        self.message_body(path, &m.body, &mut msg);
        self.scope.pop();
        msg
    }

    fn message_body(&mut self, path: &[i32], body: &[MessageItem], msg: &mut d::DescriptorProto) {
        let mut opts = OptionsBuilder::default();
        for item in body {
            match item {
                MessageItem::Field(f) => {
                    let j = msg.field.len() as i32;
                    let field = self.field(&join(path, &[tag::message::FIELD, j]), f, None, None);
                    msg.field.push(field);
                }
                MessageItem::Map(mf) => self.map_field(path, mf, msg),
                MessageItem::Group(g) => {
                    let j = msg.field.len() as i32;
                    let n = msg.nested_type.len() as i32;
                    let (field, nested) = self.group(
                        &join(path, &[tag::message::FIELD, j]),
                        &join(path, &[tag::message::NESTED_TYPE, n]),
                        g,
                        None,
                    );
                    msg.field.push(field);
                    msg.nested_type.push(nested);
                }
                MessageItem::Oneof(o) => {
                    let k = msg.oneof_decl.len() as i32;
                    let opath = join(path, &[tag::message::ONEOF_DECL, k]);
                    self.loc(&opath, o.span, Some(&o.comments));
                    self.loc(&join(&opath, &[tag::oneof::NAME]), o.name, None);
                    let mut oneof =
                        d::OneofDescriptorProto { name: Some(self.text(o.name).to_string()), options: None };
                    let mut oopts = OptionsBuilder::default();
                    let mut members = 0;
                    for it in &o.items {
                        match it {
                            OneofItem::Field(f) => {
                                members += 1;
                                let j = msg.field.len() as i32;
                                let field = self.field(&join(path, &[tag::message::FIELD, j]), f, Some(k), None);
                                msg.field.push(field);
                            }
                            OneofItem::Group(g) => {
                                members += 1;
                                let j = msg.field.len() as i32;
                                let n = msg.nested_type.len() as i32;
                                let (field, nested) = self.group(
                                    &join(path, &[tag::message::FIELD, j]),
                                    &join(path, &[tag::message::NESTED_TYPE, n]),
                                    g,
                                    Some(k),
                                );
                                msg.field.push(field);
                                msg.nested_type.push(nested);
                            }
                            OneofItem::Option(od) => self.option_statement(
                                &join(&opath, &[tag::oneof::OPTIONS]),
                                od,
                                &mut oopts,
                                ONEOF_OPTIONS,
                            ),
                            OneofItem::Empty(_) => {}
                        }
                    }
                    if members == 0 {
                        self.err(o.span, "Oneof must have at least one field.");
                    }
                    oneof.options = oopts.finish();
                    msg.oneof_decl.push(oneof);
                }
                MessageItem::Message(m) => {
                    let n = msg.nested_type.len() as i32;
                    let nested = self.message(&join(path, &[tag::message::NESTED_TYPE, n]), m);
                    msg.nested_type.push(nested);
                }
                MessageItem::Enum(e) => {
                    let n = msg.enum_type.len() as i32;
                    let en = self.enum_decl(&join(path, &[tag::message::ENUM_TYPE, n]), e);
                    msg.enum_type.push(en);
                }
                MessageItem::Extend(e) => {
                    let mut nested = Vec::new();
                    let base_nested = msg.nested_type.len() as i32;
                    self.extend_in_message(path, e, &mut msg.extension, &mut nested, base_nested);
                    msg.nested_type.extend(nested);
                }
                MessageItem::Extensions(x) => {
                    let xpath = join(path, &[tag::message::EXTENSION_RANGE]);
                    self.loc(&xpath, x.span, Some(&x.comments));
                    let first = msg.extension_range.len();
                    for r in &x.ranges {
                        let idx = msg.extension_range.len() as i32;
                        let (start, end) = self.range(&join(&xpath, &[idx]), r, false);
                        msg.extension_range.push(d::ExtensionRange {
                            start: Some(start),
                            end: Some(end),
                            options: None,
                        });
                    }
                    if let Some(co) = &x.options {
                        // protoc parses the options once and copies them (and their
                        // locations) to every range of the statement.
                        // protoc (v35) keeps no source locations for them.
                        let mut b = OptionsBuilder::default();
                        for a in &co.options {
                            let opt = self.uninterpreted(a);
                            b.push(opt);
                        }
                        let encoded = b.finish_present(true);
                        for range in &mut msg.extension_range[first..] {
                            range.options = encoded.clone();
                        }
                    }
                }
                MessageItem::Reserved(r) => self.reserved_in_message(path, r, msg),
                MessageItem::Option(o) => {
                    self.option_statement(&join(path, &[tag::message::OPTIONS]), o, &mut opts, MESSAGE_OPTIONS)
                }
                MessageItem::Empty(_) => {}
            }
        }
        msg.options = opts.finish();
        let max_end = if is_message_set(msg) { i32::MAX } else { (MAX_FIELD_NUMBER + 1) as i32 };
        for r in &mut msg.extension_range {
            if r.end == Some(MAX_SENTINEL) {
                r.end = Some(max_end);
            }
        }
        for r in &mut msg.reserved_range {
            if r.end == Some(MAX_SENTINEL) {
                r.end = Some(max_end);
            }
        }
        if self.syntax == Syntax::Proto3 {
            synthesize_proto3_oneofs(msg);
        }
    }

    /// A `N` or `N to M` or `N to max` range: records `[start]` and `[end]` and
    /// returns protoc's (start, exclusive end) for messages, inclusive for enums.
    fn range(&mut self, path: &[i32], r: &TagRange, enum_style: bool) -> (i32, i32) {
        self.loc(path, r.span, None);
        let start = self.int32(r.start);
        self.loc(&join(path, &[tag::range::START]), r.start.span, None);
        let end = match r.end {
            None => {
                self.loc(&join(path, &[tag::range::END]), r.start.span, None);
                start
            }
            Some(RangeEnd::Int(e)) => {
                self.loc(&join(path, &[tag::range::END]), e.span, None);
                self.int32(e)
            }
            Some(RangeEnd::Max(sp)) => {
                self.loc(&join(path, &[tag::range::END]), sp, None);
                if enum_style {
                    return (start, i32::MAX);
                }
                return (start, MAX_SENTINEL);
            }
        };
        if end < start {
            self.err(r.span, "Reserved range end number must be greater than start number.");
        }
        if enum_style { (start, end) } else { (start, end.saturating_add(1)) }
    }

    fn reserved_in_message(&mut self, path: &[i32], r: &ReservedDecl, msg: &mut d::DescriptorProto) {
        let tags = (tag::message::RESERVED_RANGE, tag::message::RESERVED_NAME);
        let (ranges, names) = self.reserved(path, r, tags, false, msg.reserved_range.len(), msg.reserved_name.len());
        msg.reserved_range.extend(ranges.into_iter().map(|(s, e)| d::ReservedRange { start: Some(s), end: Some(e) }));
        msg.reserved_name.extend(names);
    }

    /// A `reserved` statement of a message or enum: records its locations
    /// (ranges and names are numbered after the ones already declared) and
    /// returns the ranges (exclusive ends for messages, inclusive for enums) and names.
    fn reserved(
        &mut self,
        path: &[i32],
        r: &ReservedDecl,
        (range_tag, name_tag): (i32, i32),
        enum_style: bool,
        ranges_before: usize,
        names_before: usize,
    ) -> (Vec<(i32, i32)>, Vec<String>) {
        match &r.reserved {
            Reserved::Ranges(ranges) => {
                let rpath = join(path, &[range_tag]);
                self.loc(&rpath, r.span, Some(&r.comments));
                let out = ranges
                    .iter()
                    .enumerate()
                    .map(|(i, range)| self.range(&join(&rpath, &[(ranges_before + i) as i32]), range, enum_style))
                    .collect();
                (out, Vec::new())
            }
            Reserved::Names(names) => {
                let npath = join(path, &[name_tag]);
                self.loc(&npath, r.span, Some(&r.comments));
                for (i, (sp, _)) in names.iter().enumerate() {
                    self.loc(&join(&npath, &[(names_before + i) as i32]), *sp, None);
                }
                (Vec::new(), names.iter().map(|(_, n)| n.clone()).collect())
            }
        }
    }

    /// Labels the file's syntax forbids (a missing proto2 label is checked by the caller).
    fn check_label(&mut self, f_label: Option<(Label, Sp)>) {
        match (self.syntax, f_label) {
            (Syntax::Proto3, Some((Label::Required, sp))) => {
                self.err(sp, "Required fields are not allowed in proto3.");
            }
            (Syntax::Editions(_), Some((Label::Required, sp))) => {
                self.err(
                    sp,
                    "Label \"required\" is not supported in editions, use features.field_presence = LEGACY_REQUIRED.",
                );
            }
            (Syntax::Editions(_), Some((Label::Optional, sp))) => {
                self.err(sp, "Label \"optional\" is not supported in editions. By default, all singular fields in edition 2023 files are considered optional.");
            }
            _ => {}
        }
    }

    /// A field of a message, a oneof (`oneof` is its index) or an `extend`
    /// block (`extendee` is the extended type as written).
    fn field(
        &mut self,
        path: &[i32],
        f: &FieldDecl,
        oneof: Option<i32>,
        extendee: Option<Sp>,
    ) -> d::FieldDescriptorProto {
        self.loc(path, f.span, Some(&f.comments));
        if let Some(sp) = extendee {
            // protoc records the extendee location right after the field's own.
            self.loc(&join(path, &[tag::field::EXTENDEE]), sp, None);
        }
        if f.label.is_none() && oneof.is_none() && self.syntax == Syntax::Proto2 {
            self.err(f.ty, "Expected \"required\", \"optional\", or \"repeated\".");
        }
        self.check_label(f.label);
        let mut fd = d::FieldDescriptorProto { name: Some(self.text(f.name).to_string()), ..Default::default() };
        fd.label = Some(match f.label {
            Some((Label::Required, _)) => label::REQUIRED,
            Some((Label::Repeated, _)) => label::REPEATED,
            _ => label::OPTIONAL,
        });
        if let Some((l, sp)) = f.label {
            self.loc(&join(path, &[tag::field::LABEL]), sp, None);
            if l == Label::Optional && self.syntax == Syntax::Proto3 {
                fd.proto3_optional = Some(true);
            }
        }
        let ty = self.text(f.ty);
        if let Some(t) = field_type::scalar(ty) {
            fd.r#type = Some(t);
            self.loc(&join(path, &[tag::field::TYPE]), f.ty, None);
        } else {
            fd.type_name = Some(strip_ws(ty));
            self.loc(&join(path, &[tag::field::TYPE_NAME]), f.ty, None);
        }
        self.loc(&join(path, &[tag::field::NAME]), f.name, None);
        fd.number = Some(self.int32(f.number));
        self.loc(&join(path, &[tag::field::NUMBER]), f.number.span, None);
        fd.oneof_index = oneof;
        self.field_options(path, f.options.as_ref(), &mut fd);
        fd
    }

    fn field_options(&mut self, path: &[i32], options: Option<&CompactOptions>, fd: &mut d::FieldDescriptorProto) {
        let Some(co) = options else { return };
        let mut b = OptionsBuilder::default();
        let mut json_name = None;
        let mut default_value = None;
        let mut packed = None;
        self.compact_options(path, tag::field::OPTIONS, co, &mut b, FIELD_OPTIONS, |l, a| {
            if a.name.parts.len() != 1 || a.name.parts[0].is_extension {
                return false;
            }
            match a.name.parts[0].name.as_str() {
                "json_name" => {
                    let jp = join(path, &[tag::field::JSON_NAME]);
                    l.loc(&jp, a.span, None);
                    l.loc(&jp, a.value.span, None);
                    match &a.value.kind {
                        OptionValueKind::Str(s) => json_name = Some(String::from_utf8_lossy(s).into_owned()),
                        _ => l.err(a.value.span, "Expected string for JSON name."),
                    }
                    true
                }
                // prost-reflect decides whether a field is packed before it
                // interprets options, so an uninterpreted `packed = false` would
                // leave a proto3 repeated field (or extension, like
                // google.api.field_behavior) packed, and every value set through
                // it encoded unlike protoc. `packed` is interpreted here instead.
                "packed" => match &a.value.kind {
                    OptionValueKind::Ident(value) if value == "true" || value == "false" => {
                        l.loc(&join(path, &[tag::field::OPTIONS, 2]), a.span, None);
                        packed = Some(value == "true");
                        true
                    }
                    _ => false,
                },
                "default" => {
                    // Unlike json_name, protoc records only the value's span.
                    l.loc(&join(path, &[tag::field::DEFAULT_VALUE]), a.value.span, None);
                    default_value = l.default_value(fd, a);
                    true
                }
                _ => false,
            }
        });
        if json_name.is_some() {
            fd.json_name = json_name;
        }
        if default_value.is_some() {
            fd.default_value = default_value;
        }
        // protoc creates the options message whenever a real option was given.
        // `packed` goes in interpreted (see above); the rest stays uninterpreted.
        fd.options = match (b.finish(), packed) {
            (encoded, None) => encoded,
            (encoded, Some(packed)) => {
                let mut with_packed = Vec::new();
                prost::encoding::bool::encode(2, &packed, &mut with_packed);
                with_packed.extend_from_slice(&encoded.unwrap_or_default());
                Some(with_packed)
            }
        };
    }

    /// protoc's `ParseDefaultAssignment`: the default as the string descriptor.proto stores.
    fn default_value(&mut self, fd: &d::FieldDescriptorProto, a: &OptionAssign) -> Option<String> {
        if fd.label == Some(label::REPEATED) {
            self.err(a.span, "Repeated fields can't have default values.");
            return None;
        }
        if self.syntax == Syntax::Proto3 {
            self.err(a.span, "Explicit default values are not allowed in proto3.");
        }
        let v = &a.value.kind;
        use field_type as t;
        let out = match fd.r#type {
            Some(t::INT32 | t::INT64 | t::SINT32 | t::SINT64 | t::SFIXED32 | t::SFIXED64) => match v {
                OptionValueKind::Int { negative, magnitude } => {
                    Some(if *negative { format!("-{magnitude}") } else { magnitude.to_string() })
                }
                _ => None,
            },
            Some(t::UINT32 | t::UINT64 | t::FIXED32 | t::FIXED64) => match v {
                OptionValueKind::Int { negative: false, magnitude } => Some(magnitude.to_string()),
                OptionValueKind::Int { negative: true, .. } => {
                    self.err(a.value.span, "Unsigned field can't have negative default value.");
                    return None;
                }
                _ => None,
            },
            Some(t::FLOAT | t::DOUBLE) => match v {
                OptionValueKind::Int { negative, magnitude } => {
                    Some(format_double(if *negative { -(*magnitude as f64) } else { *magnitude as f64 }))
                }
                OptionValueKind::Float(f) => Some(format_double(*f)),
                OptionValueKind::Ident(s) if s == "inf" || s == "nan" => Some(s.clone()),
                _ => None,
            },
            Some(t::BOOL) => match v {
                OptionValueKind::Ident(s) if s == "true" || s == "false" => Some(s.clone()),
                _ => {
                    self.err(a.value.span, "Expected \"true\" or \"false\".");
                    return None;
                }
            },
            Some(t::STRING) => match v {
                OptionValueKind::Str(s) => Some(String::from_utf8_lossy(s).into_owned()),
                _ => None,
            },
            Some(t::BYTES) => match v {
                OptionValueKind::Str(s) => Some(c_escape(s)),
                _ => None,
            },
            None => match v {
                // The type is a name: an enum (a message would fail to link).
                OptionValueKind::Ident(s) => Some(s.clone()),
                _ => {
                    self.err(a.value.span, "Expected enum identifier for field default value.");
                    return None;
                }
            },
            _ => {
                self.err(a.span, "Messages can't have default values.");
                return None;
            }
        };
        if out.is_none() {
            self.err(a.value.span, "Expected a value of the field's type for its default value.");
        }
        out
    }

    fn map_field(&mut self, path: &[i32], mf: &MapFieldDecl, msg: &mut d::DescriptorProto) {
        let j = msg.field.len() as i32;
        let fpath = join(path, &[tag::message::FIELD, j]);
        self.loc(&fpath, mf.span, Some(&mf.comments));
        let name = self.text(mf.name).to_string();
        let entry_name = map_entry_name(&name);
        self.loc(&join(&fpath, &[tag::field::TYPE_NAME]), mf.map_span, None);
        self.loc(&join(&fpath, &[tag::field::NAME]), mf.name, None);
        let number = self.int32(mf.number);
        self.loc(&join(&fpath, &[tag::field::NUMBER]), mf.number.span, None);
        let key_ty = self.text(mf.key_type).to_string();
        let key_type = match field_type::scalar(&key_ty) {
            Some(t) if t != field_type::DOUBLE && t != field_type::FLOAT && t != field_type::BYTES => Some(t),
            _ => {
                self.err(mf.key_type, "Key in map fields cannot be float/double, bytes or message types.");
                None
            }
        };
        let value_ty = self.text(mf.value_type).to_string();
        let mut value = d::FieldDescriptorProto {
            name: Some("value".into()),
            number: Some(2),
            label: Some(label::OPTIONAL),
            json_name: Some("value".into()),
            ..Default::default()
        };
        match field_type::scalar(&value_ty) {
            Some(t) => value.r#type = Some(t),
            None => value.type_name = Some(strip_ws(&value_ty)),
        }
        let key = d::FieldDescriptorProto {
            name: Some("key".into()),
            number: Some(1),
            label: Some(label::OPTIONAL),
            r#type: key_type,
            json_name: Some("key".into()),
            ..Default::default()
        };
        let mut map_entry_opts = Vec::new();
        // MessageOptions.map_entry = true
        prost::encoding::bool::encode(7, &true, &mut map_entry_opts);
        let entry = d::DescriptorProto {
            name: Some(entry_name.clone()),
            field: vec![key, value],
            options: Some(map_entry_opts),
            ..Default::default()
        };
        let mut fd = d::FieldDescriptorProto {
            name: Some(name),
            number: Some(number),
            label: Some(label::REPEATED),
            type_name: Some(entry_name),
            ..Default::default()
        };
        if self.syntax == Syntax::Proto2 || matches!(self.syntax, Syntax::Editions(_)) {
            // protoc leaves the type unset for named types until linking; the entry
            // is always a message.
        }
        self.field_options(&fpath, mf.options.as_ref(), &mut fd);
        msg.field.push(fd);
        msg.nested_type.push(entry);
    }

    fn group(
        &mut self,
        fpath: &[i32],
        npath: &[i32],
        g: &GroupDecl,
        oneof: Option<i32>,
    ) -> (d::FieldDescriptorProto, d::DescriptorProto) {
        if matches!(self.syntax, Syntax::Editions(_)) {
            self.err(g.keyword, "Group syntax is no longer supported in editions. To get group behavior you can specify features.message_encoding = DELIMITED on a message field.");
        } else if self.syntax == Syntax::Proto3 {
            self.err(g.keyword, "Groups are not supported in proto3 syntax.");
        }
        let name = self.text(g.name).to_string();
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            self.err(g.name, "Group names must start with a capital letter.");
        }
        self.loc(fpath, g.span, None);
        self.check_label(g.label);
        if let Some((_, sp)) = g.label {
            self.loc(&join(fpath, &[tag::field::LABEL]), sp, None);
        }
        self.loc(&join(fpath, &[tag::field::TYPE]), g.keyword, None);
        self.loc(&join(fpath, &[tag::field::NAME]), g.name, None);
        let number = self.int32(g.number);
        self.loc(&join(fpath, &[tag::field::NUMBER]), g.number.span, None);
        let mut fd = d::FieldDescriptorProto {
            name: Some(name.to_ascii_lowercase()),
            number: Some(number),
            label: Some(match g.label {
                Some((Label::Required, _)) => label::REQUIRED,
                Some((Label::Repeated, _)) => label::REPEATED,
                _ => label::OPTIONAL,
            }),
            r#type: Some(field_type::GROUP),
            type_name: Some(name.clone()),
            oneof_index: oneof,
            ..Default::default()
        };
        self.field_options(fpath, g.options.as_ref(), &mut fd);
        self.loc(npath, g.span, Some(&g.comments));
        self.loc(&join(npath, &[tag::message::NAME]), g.name, None);
        let mut nested = d::DescriptorProto { name: Some(name.clone()), ..Default::default() };
        self.scope.push(name);
        self.message_body(npath, &g.body, &mut nested);
        self.scope.pop();
        (fd, nested)
    }

    // ---- extend ----

    /// A top-level `extend` block: fields go to `extension` of the file.
    fn extend(
        &mut self,
        parent: &[i32],
        ext_tag: i32,
        nested_tag: i32,
        e: &ExtendDecl,
        out: &mut Vec<d::FieldDescriptorProto>,
        nested: &mut Vec<d::DescriptorProto>,
    ) {
        self.extend_common(parent, ext_tag, nested_tag, e, out, nested, 0)
    }

    fn extend_in_message(
        &mut self,
        path: &[i32],
        e: &ExtendDecl,
        out: &mut Vec<d::FieldDescriptorProto>,
        nested: &mut Vec<d::DescriptorProto>,
        base_nested: i32,
    ) {
        self.extend_common(path, tag::message::EXTENSION, tag::message::NESTED_TYPE, e, out, nested, base_nested)
    }

    #[allow(clippy::too_many_arguments)]
    fn extend_common(
        &mut self,
        parent: &[i32],
        ext_tag: i32,
        nested_tag: i32,
        e: &ExtendDecl,
        out: &mut Vec<d::FieldDescriptorProto>,
        nested: &mut Vec<d::DescriptorProto>,
        base_nested: i32,
    ) {
        let xpath = join(parent, &[ext_tag]);
        self.loc(&xpath, e.span, Some(&e.comments));
        let extendee = strip_ws(self.text(e.extendee));
        let mut count = 0;
        for item in &e.items {
            let i = out.len() as i32;
            let fpath = join(&xpath, &[i]);
            match item {
                ExtendItem::Field(f) => {
                    count += 1;
                    let mut fd = self.field(&fpath, f, None, Some(e.extendee));
                    fd.extendee = Some(extendee.clone());
                    out.push(fd);
                }
                ExtendItem::Group(g) => {
                    count += 1;
                    let n = base_nested + nested.len() as i32;
                    let npath = join(parent, &[nested_tag, n]);
                    let (mut fd, msg) = self.group(&fpath, &npath, g, None);
                    self.loc(&join(&fpath, &[tag::field::EXTENDEE]), e.extendee, None);
                    fd.extendee = Some(extendee.clone());
                    out.push(fd);
                    nested.push(msg);
                }
                ExtendItem::Empty(_) => {}
            }
        }
        if count == 0 {
            self.err(e.span, "Expected at least one field in extend block.");
        }
    }

    // ---- enums ----

    fn enum_decl(&mut self, path: &[i32], e: &EnumDecl) -> d::EnumDescriptorProto {
        self.loc(path, e.span, Some(&e.comments));
        self.loc(&join(path, &[tag::enum_::NAME]), e.name, None);
        let mut en = d::EnumDescriptorProto { name: Some(self.text(e.name).to_string()), ..Default::default() };
        en.visibility = self.visibility(path, e.visibility);
        let mut opts = OptionsBuilder::default();
        for item in &e.items {
            match item {
                EnumItem::Value(v) => {
                    let i = en.value.len() as i32;
                    let vpath = join(path, &[tag::enum_::VALUE, i]);
                    self.loc(&vpath, v.span, Some(&v.comments));
                    self.loc(&join(&vpath, &[tag::enum_value::NAME]), v.name, None);
                    let number = self.int32(v.number);
                    self.loc(&join(&vpath, &[tag::enum_value::NUMBER]), v.number.span, None);
                    let mut b = OptionsBuilder::default();
                    if let Some(co) = &v.options {
                        self.compact_options(
                            &vpath,
                            tag::enum_value::OPTIONS,
                            co,
                            &mut b,
                            ENUM_VALUE_OPTIONS,
                            |_, _| false,
                        );
                    }
                    en.value.push(d::EnumValueDescriptorProto {
                        name: Some(self.text(v.name).to_string()),
                        number: Some(number),
                        options: b.finish(),
                    });
                }
                EnumItem::Option(o) => {
                    self.option_statement(&join(path, &[tag::enum_::OPTIONS]), o, &mut opts, ENUM_OPTIONS)
                }
                EnumItem::Reserved(r) => {
                    let tags = (tag::enum_::RESERVED_RANGE, tag::enum_::RESERVED_NAME);
                    let (ranges, names) =
                        self.reserved(path, r, tags, true, en.reserved_range.len(), en.reserved_name.len());
                    en.reserved_range
                        .extend(ranges.into_iter().map(|(s, e)| d::EnumReservedRange { start: Some(s), end: Some(e) }));
                    en.reserved_name.extend(names);
                }
                EnumItem::Empty(_) => {}
            }
        }
        if en.value.is_empty() {
            self.err(e.span, "Enums must contain at least one value.");
        }
        en.options = opts.finish();
        en
    }

    // ---- services ----

    fn service(&mut self, path: &[i32], s: &ServiceDecl) -> d::ServiceDescriptorProto {
        self.loc(path, s.span, Some(&s.comments));
        self.loc(&join(path, &[tag::service::NAME]), s.name, None);
        let mut sv = d::ServiceDescriptorProto { name: Some(self.text(s.name).to_string()), ..Default::default() };
        let mut opts = OptionsBuilder::default();
        for item in &s.items {
            match item {
                ServiceItem::Rpc(r) => {
                    let i = sv.method.len() as i32;
                    let m = self.rpc(&join(path, &[tag::service::METHOD, i]), r);
                    sv.method.push(m);
                }
                ServiceItem::Option(o) => {
                    self.option_statement(&join(path, &[tag::service::OPTIONS]), o, &mut opts, SERVICE_OPTIONS)
                }
                ServiceItem::Empty(_) => {}
            }
        }
        sv.options = opts.finish();
        sv
    }

    fn rpc(&mut self, path: &[i32], r: &RpcDecl) -> d::MethodDescriptorProto {
        self.loc(path, r.span, Some(&r.comments));
        self.loc(&join(path, &[tag::method::NAME]), r.name, None);
        let mut m = d::MethodDescriptorProto { name: Some(self.text(r.name).to_string()), ..Default::default() };
        if let Some(sp) = r.input.stream {
            self.loc(&join(path, &[tag::method::CLIENT_STREAMING]), sp, None);
            m.client_streaming = Some(true);
        }
        self.loc(&join(path, &[tag::method::INPUT_TYPE]), r.input.ty, None);
        m.input_type = Some(strip_ws(self.text(r.input.ty)));
        if let Some(sp) = r.output.stream {
            self.loc(&join(path, &[tag::method::SERVER_STREAMING]), sp, None);
            m.server_streaming = Some(true);
        }
        self.loc(&join(path, &[tag::method::OUTPUT_TYPE]), r.output.ty, None);
        m.output_type = Some(strip_ws(self.text(r.output.ty)));
        let mut opts = OptionsBuilder::default();
        if let Some(body) = &r.body {
            for item in body {
                if let RpcItem::Option(o) = item {
                    self.option_statement(&join(path, &[tag::method::OPTIONS]), o, &mut opts, METHOD_OPTIONS);
                }
            }
        }
        // protoc creates (empty) options for any `{ ... }` body.
        m.options = opts.finish_present(r.body.is_some());
        m
    }
}

const FILE_OPTIONS: &str = "google.protobuf.FileOptions";
const MESSAGE_OPTIONS: &str = "google.protobuf.MessageOptions";
const FIELD_OPTIONS: &str = "google.protobuf.FieldOptions";
const ONEOF_OPTIONS: &str = "google.protobuf.OneofOptions";
const ENUM_OPTIONS: &str = "google.protobuf.EnumOptions";
const ENUM_VALUE_OPTIONS: &str = "google.protobuf.EnumValueOptions";
const SERVICE_OPTIONS: &str = "google.protobuf.ServiceOptions";
const METHOD_OPTIONS: &str = "google.protobuf.MethodOptions";

/// protoc writes `end = -1 + 1` for `max` until it knows whether the message is a
/// message set; this sentinel stands for that.
const MAX_SENTINEL: i32 = i32::MIN;

fn is_message_set(msg: &d::DescriptorProto) -> bool {
    let Some(opts) = &msg.options else {
        return false;
    };
    let mut buf = opts.as_slice();
    while !buf.is_empty() {
        let Ok((tag_num, wire)) = prost::encoding::decode_key(&mut buf) else {
            return false;
        };
        if tag_num == tag::UNINTERPRETED_OPTION as u32 {
            let Ok(len) = prost::encoding::decode_varint(&mut buf) else {
                return false;
            };
            let (head, rest) = buf.split_at((len as usize).min(buf.len()));
            if let Ok(o) = d::UninterpretedOption::decode(head)
                && o.name.len() == 1
                && o.name[0].name_part == "message_set_wire_format"
                && o.identifier_value.as_deref() == Some("true")
            {
                return true;
            }
            buf = rest;
        } else if prost::encoding::skip_field(wire, tag_num, &mut buf, Default::default()).is_err() {
            return false;
        }
    }
    false
}

/// protoc's `GenerateSyntheticOneofs`: each proto3 `optional` field gets its own
/// oneof named `_field` (prefixed with `X` until unique), after the real oneofs.
fn synthesize_proto3_oneofs(msg: &mut d::DescriptorProto) {
    let mut names: std::collections::HashSet<String> = msg
        .field
        .iter()
        .filter_map(|f| f.name.clone())
        .chain(msg.nested_type.iter().filter_map(|m| m.name.clone()))
        .chain(msg.enum_type.iter().filter_map(|e| e.name.clone()))
        .chain(msg.oneof_decl.iter().filter_map(|o| o.name.clone()))
        .collect();
    for f in &mut msg.field {
        if f.proto3_optional != Some(true) {
            continue;
        }
        let mut name = f.name.clone().unwrap_or_default();
        if !name.starts_with('_') {
            name.insert(0, '_');
        }
        while names.contains(&name) {
            name.insert(0, 'X');
        }
        names.insert(name.clone());
        f.oneof_index = Some(msg.oneof_decl.len() as i32);
        msg.oneof_decl.push(d::OneofDescriptorProto { name: Some(name), options: None });
    }
}

/// protoc's `MapEntryName`: `foo_bar` → `FooBarEntry`.
fn map_entry_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len() + 5);
    let mut cap_next = true;
    for c in field.chars() {
        if c == '_' {
            cap_next = true;
        } else if cap_next {
            out.push(c.to_ascii_uppercase());
            cap_next = false;
        } else {
            out.push(c);
        }
    }
    out.push_str("Entry");
    out
}

/// protoc's `SimpleDtoa`: the shortest of `%.15g` / `%.17g` that round-trips.
fn format_double(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v.is_nan() {
        return "nan".into();
    }
    for precision in [15usize, 17] {
        let s = format_g(v, precision);
        if precision == 17 || s.parse::<f64>().ok() == Some(v) {
            return s;
        }
    }
    unreachable!()
}

/// C's `%.{p}g`.
fn format_g(v: f64, p: usize) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let exp = v.abs().log10().floor() as i32;
    let e = format!("{:.*e}", p - 1, v);
    let (mantissa, exp_str) = e.split_once('e').unwrap();
    let exp_actual: i32 = exp_str.parse().unwrap();
    let _ = exp;
    if exp_actual < -4 || exp_actual >= p as i32 {
        let m = trim_zeros(mantissa);
        format!("{m}e{}{:02}", if exp_actual < 0 { '-' } else { '+' }, exp_actual.abs())
    } else {
        let decimals = (p as i32 - 1 - exp_actual).max(0) as usize;
        trim_zeros(&format!("{:.*}", decimals, v)).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { s }
}

/// protoc's `CEscape` for bytes defaults.
fn c_escape(b: &[u8]) -> String {
    let mut out = String::new();
    for &c in b {
        match c {
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'"' => out.push_str("\\\""),
            b'\'' => out.push_str("\\'"),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\{:03o}", c)),
        }
    }
    out
}

/// Checks protoc's parser makes for proto3 files after the whole file is known.
fn check_proto3(l: &mut Lowered) {
    fn walk_enums(enums: &[d::EnumDescriptorProto], path: &[i32], out: &mut Vec<Vec<i32>>) {
        for (i, e) in enums.iter().enumerate() {
            if e.value.first().and_then(|v| v.number) != Some(0) {
                let mut p = path.to_vec();
                p.extend([i as i32, tag::enum_::VALUE, 0, tag::enum_value::NUMBER]);
                out.push(p);
            }
        }
    }
    fn walk_messages(msgs: &[d::DescriptorProto], path: &mut Vec<i32>, out: &mut Vec<Vec<i32>>) {
        for (i, m) in msgs.iter().enumerate() {
            path.extend([i as i32, tag::message::ENUM_TYPE]);
            walk_enums(&m.enum_type, path, out);
            path.pop();
            path.push(tag::message::NESTED_TYPE);
            walk_messages(&m.nested_type, path, out);
            path.truncate(path.len() - 2);
        }
    }
    let mut bad = Vec::new();
    walk_enums(&l.proto.enum_type, &[tag::file::ENUM_TYPE], &mut bad);
    walk_messages(&l.proto.message_type, &mut vec![tag::file::MESSAGE_TYPE], &mut bad);
    for path in bad {
        if let Some(loc) = l.locations.get(&path) {
            let span = Sp::new(loc.start, loc.end);
            l.errors.push(ParseError { span, message: "The first enum value must be zero for open enums.".into() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_like_protoc() {
        assert_eq!(format_double(1.5), "1.5");
        assert_eq!(format_double(0.1), "0.1");
        assert_eq!(format_double(1e20), "1e+20");
        assert_eq!(format_double(100.0), "100");
        assert_eq!(format_double(1.0 / 3.0), "0.33333333333333331");
    }

    #[test]
    fn map_entry_names() {
        assert_eq!(map_entry_name("foo_bar"), "FooBarEntry");
        assert_eq!(map_entry_name("labels"), "LabelsEntry");
    }
}
