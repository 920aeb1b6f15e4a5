//! The printer: buf's formatter (`bufformat/formatter.go`), rule for rule, over
//! our token tree. The names of the methods follow buf's so the two can be read
//! side by side; where we deliberately differ (never drop or duplicate a
//! comment, keep a URL prefix in `[type.googleapis.com/x.Y]`), the code says so.

use std::collections::HashMap;

use super::tokens::{Comment, Tok};
use super::tree::*;
use crate::syntax::lexer::TokenKind;

/// A composite node was written last (never an open brace).
const COMPOSITE: T = T::MAX;

pub struct Printer<'a> {
    src: &'a str,
    toks: &'a [Tok],
    pub out: String,
    indent: usize,
    indent_unit: &'a str,
    /// The last character written (meaningless while `out` is empty: a
    /// sentinel such as `'\0'` could be the last character of a comment).
    last: char,
    prev: Option<T>,
    pending_space: bool,
    in_compact_options: bool,
    pending_indent: i32,
    inline: bool,
    /// `<`/`>` of message literals are printed as `{`/`}`.
    rename: HashMap<T, &'static str>,
    /// Trailing comments moved from a dropped message-literal separator.
    trailing_override: HashMap<T, Vec<Comment>>,
    /// File options before imports (`[format] options_before_imports`).
    pub options_before_imports: bool,
}

#[derive(Clone, Copy)]
enum OpenWriter {
    Prefix,
    PrefixForArray,
}

#[derive(Clone, Copy)]
enum CloseWriter {
    BodyEnd,
    BodyEndInline,
}

enum Elems<'t> {
    Decls(&'t [Decl]),
    Compact(&'t CompactOptions),
    Array(&'t ArrayLit),
    Msg(&'t MsgLit),
}

fn newline_count(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

impl<'a> Printer<'a> {
    pub fn new(src: &'a str, toks: &'a [Tok], indent_unit: &'a str) -> Self {
        Printer {
            src,
            toks,
            out: String::with_capacity(src.len() + src.len() / 8),
            indent: 0,
            indent_unit,
            last: '\0',
            prev: None,
            pending_space: false,
            in_compact_options: false,
            pending_indent: 0,
            inline: false,
            rename: HashMap::new(),
            trailing_override: HashMap::new(),
            options_before_imports: false,
        }
    }

    // ---- token access ----

    fn text(&self, t: T) -> &'a str {
        let tok = &self.toks[t as usize];
        &self.src[tok.start as usize..tok.end as usize]
    }
    fn leading(&self, t: T) -> &'a [Comment] {
        &self.toks[t as usize].leading
    }
    fn trailing(&self, t: T) -> Vec<Comment> {
        match self.trailing_override.get(&t) {
            Some(c) => c.clone(),
            None => self.toks[t as usize].trailing.clone(),
        }
    }
    fn has_trailing(&self, t: T) -> bool {
        self.trailing_override.get(&t).map_or(!self.toks[t as usize].trailing.is_empty(), |c| !c.is_empty())
    }
    fn leading_ws(&self, t: T) -> &'a str {
        let tok = &self.toks[t as usize];
        &self.src[tok.ws_start as usize..tok.start as usize]
    }
    fn comment_ws(&self, c: &Comment) -> &'a str {
        &self.src[c.ws_start as usize..c.start as usize]
    }
    fn comment_text(&self, c: &Comment) -> &'a str {
        &self.src[c.start as usize..c.end as usize]
    }
    fn is_symbol(&self, t: T, set: &str) -> bool {
        let tok = &self.toks[t as usize];
        tok.kind == TokenKind::Symbol && set.contains(self.rendered(t))
    }
    fn rendered(&self, t: T) -> &'a str {
        match self.rename.get(&t) {
            Some(s) => s,
            None => self.text(t),
        }
    }
    fn prev_is_open_brace(&self) -> bool {
        matches!(self.prev, Some(t) if t != COMPOSITE && self.is_symbol(t, "{[<"))
    }

    // ---- low-level output (buf: P, Space, In, Out, Indent, WriteString) ----

    fn p(&mut self, elem: &str) {
        // buf never starts a file with a blank line.
        if self.out.is_empty() && elem.is_empty() && self.pending_indent == 0 {
            return;
        }
        if !elem.trim().is_empty() {
            self.write_indent(None);
            self.write_string(elem);
        }
        self.write_string("\n");
        if self.pending_indent > 0 {
            self.indent += 1;
        } else if self.pending_indent < 0 {
            self.indent = self.indent.saturating_sub(1);
        }
        self.pending_indent = 0;
    }

    fn space(&mut self) {
        self.pending_space = true;
    }

    fn write_indent(&mut self, next: Option<T>) {
        if self.last != '\n' {
            return;
        }
        let mut n = self.indent;
        if let Some(t) = next
            && n > 0
            && self.is_symbol(t, "}])>")
        {
            n -= 1;
        }
        let unit = self.indent_unit;
        self.write_string(&unit.repeat(n));
    }

    fn write_string(&mut self, elem: &str) {
        if self.pending_space {
            self.pending_space = false;
            let first = elem.chars().next().unwrap_or('\u{fffd}');
            let (prev_block, next_block) = if self.inline { (" \t\n<[{(", "\n;,)]}>") } else { (" \t\n", "\n;,") };
            if !self.out.is_empty() && !prev_block.contains(self.last) && !next_block.contains(first) {
                self.out.push(' ');
            }
        }
        if let Some(c) = elem.chars().next_back() {
            self.last = c;
            self.out.push_str(elem);
        }
    }

    // ---- file ----

    pub fn write_file(&mut self, tree: &FileTree) {
        self.write_file_header(tree);
        self.write_file_types(tree);
        let eof = (self.toks.len() - 1) as T;
        let comments = self.leading(eof);
        self.write_multiline_comments(comments, false);
        if !self.out.is_empty() && self.last != '\n' {
            self.p("");
        }
    }

    fn leading_comments_contain_blank_line(&self, t: T) -> bool {
        self.leading(t).iter().any(|c| newline_count(self.comment_ws(c)) > 1) || newline_count(self.leading_ws(t)) > 1
    }

    fn node_has_comment(&self, t: T) -> bool {
        !self.leading(t).is_empty() || self.has_trailing(t)
    }

    fn import_has_comment(&self, d: &Decl) -> bool {
        let Decl::Import { kw, modifier, name, semi } = d else { return false };
        self.node_has_comment(*kw)
            || modifier.is_some_and(|m| self.node_has_comment(m))
            || self.val_tokens(name).iter().any(|&t| self.node_has_comment(t))
            || self.node_has_comment(*semi)
    }

    fn val_tokens(&self, v: &Val) -> Vec<T> {
        match v {
            Val::Tok(t) => vec![*t],
            Val::Neg(a, b) => vec![*a, *b],
            Val::Compound(ts) => ts.clone(),
            Val::Msg(m) => vec![m.open, m.close],
            Val::Array(a) => vec![a.open, a.close],
        }
    }

    fn string_value(&self, v: &Val) -> Vec<u8> {
        self.val_tokens(v).iter().flat_map(|&t| crate::syntax::lexer::unescape_string(self.text(t)).0).collect()
    }

    fn import_name(&self, d: &Decl) -> Vec<u8> {
        match d {
            Decl::Import { name, .. } => self.string_value(name),
            _ => Vec::new(),
        }
    }

    fn option_name_string(&self, name: (T, T)) -> String {
        (name.0..=name.1).map(|t| self.text(t)).collect()
    }

    fn write_file_header(&mut self, tree: &FileTree) {
        let syntax = tree.decls.iter().find(|d| matches!(d, Decl::Syntax { .. }));
        let package = tree.decls.iter().rev().find(|d| matches!(d, Decl::Package { .. }));
        let mut imports: Vec<&Decl> = tree.decls.iter().filter(|d| matches!(d, Decl::Import { .. })).collect();
        let mut options: Vec<&OptionNode> =
            tree.decls.iter().filter_map(|d| if let Decl::Option(o) = d { Some(o) } else { None }).collect();
        if syntax.is_none() && package.is_none() && imports.is_empty() && options.is_empty() {
            return;
        }
        if let Some(Decl::Syntax { kw, eq, val, semi }) = syntax {
            self.write_start(*kw);
            self.space();
            self.write_inline(*eq);
            self.space();
            self.write_inline_val(val);
            self.write_line_end(*semi);
        }
        if let Some(Decl::Package { kw, name, semi }) = package {
            self.write_start(*kw);
            self.space();
            self.write_inline_range(*name);
            self.write_line_end(*semi);
        }
        if self.options_before_imports {
            self.write_file_options(&mut options);
            self.write_imports(&mut imports);
        } else {
            self.write_imports(&mut imports);
            self.write_file_options(&mut options);
        }
    }

    fn write_imports(&mut self, imports: &mut [&Decl]) {
        let import_order = |d: &Decl| match d {
            Decl::Import { modifier: Some(m), .. } if self.text(*m) == "public" => 2,
            Decl::Import { modifier: Some(m), .. } if self.text(*m) == "weak" => 1,
            _ => 3,
        };
        // buf 1.75 writes editions 2024's `import option` after all other imports.
        let is_option_import =
            |d: &Decl| matches!(d, Decl::Import { modifier: Some(m), .. } if self.text(*m) == "option");
        imports.sort_by(|a, b| {
            is_option_import(a)
                .cmp(&is_option_import(b))
                .then(self.import_name(a).cmp(&self.import_name(b)))
                .then(import_order(b).cmp(&import_order(a)))
                .then(self.import_has_comment(b).cmp(&self.import_has_comment(a)))
        });
        for (i, imp) in imports.iter().enumerate() {
            let Decl::Import { kw, modifier, name, semi } = imp else { continue };
            if i == 0 && self.prev.is_some() && !self.leading_comments_contain_blank_line(*kw) {
                self.p("");
            }
            if i > 0 && self.import_name(imp) == self.import_name(imports[i - 1]) && !self.import_has_comment(imp) {
                continue;
            }
            self.write_start_maybe_compact(*kw, i > 0);
            self.space();
            if let Some(m) = modifier {
                self.write_inline(*m);
                self.space();
            }
            self.write_inline_val(name);
            self.write_line_end(*semi);
        }
    }

    fn write_file_options(&mut self, options: &mut [&OptionNode]) {
        options.sort_by(|a, b| {
            let left = self.option_name_string(a.name);
            let right = self.option_name_string(b.name);
            let lp = left.starts_with('(');
            let rp = right.starts_with('(');
            lp.cmp(&rp).then(left.cmp(&right))
        });
        for (i, o) in options.iter().enumerate() {
            let kw = o.keyword.unwrap_or(o.name.0);
            if i == 0 && self.prev.is_some() && !self.leading_comments_contain_blank_line(kw) {
                self.p("");
            }
            self.write_start_maybe_compact(kw, i > 0);
            self.space();
            self.write_option_name(o.name);
            self.space();
            self.write_inline(o.eq);
            if let Val::Compound(ts) = &o.val {
                self.write_compound_string(ts, true, true);
            } else {
                self.space();
                self.write_inline_val(&o.val);
            }
            if let Some(semi) = o.semi {
                self.write_line_end(semi);
            }
        }
    }

    fn write_file_types(&mut self, tree: &FileTree) {
        // A bare `;` prints nothing, so it does not count: the declaration after
        // it is the first one when it is printed again.
        let decls: Vec<&Decl> = tree
            .decls
            .iter()
            .filter(|d| match d {
                Decl::Syntax { .. } => false,
                Decl::Empty(t) => !self.leading(*t).is_empty() || self.has_trailing(*t),
                _ => true,
            })
            .collect();
        for (i, &d) in decls.iter().enumerate() {
            let first = match d {
                // A `;` with comments prints its comments, which the next
                // formatting attaches to the declaration after them: they get
                // the blank line that declaration would.
                Decl::Empty(t) => {
                    if self.prev.is_some() && i == 0 && !self.leading_comments_contain_blank_line(*t) {
                        self.p("");
                    }
                    self.write_decl(d);
                    continue;
                }
                Decl::Package { .. } | Decl::Option(_) | Decl::Import { .. } => continue,
                Decl::Message { visibility: Some(kw), .. } | Decl::Enum { visibility: Some(kw), .. } => *kw,
                Decl::Message { kw, .. }
                | Decl::Enum { kw, .. }
                | Decl::Service { kw, .. }
                | Decl::Extend { kw, .. } => *kw,
                _ => continue,
            };
            // buf 1.75 forces a blank line only before the first declaration
            // (older versions also before any declaration with comments).
            let want_newline = self.prev.is_some() && i == 0;
            if want_newline && !self.leading_comments_contain_blank_line(first) {
                self.p("");
            }
            self.write_decl(d);
        }
    }

    // ---- declarations ----

    fn write_decl(&mut self, d: &Decl) {
        match d {
            Decl::Syntax { .. } | Decl::Package { .. } | Decl::Import { .. } => {}
            // buf drops a stray `;` together with its comments; we keep the comments.
            Decl::Empty(t) => {
                let mut comments = self.leading(*t).to_vec();
                comments.extend(self.trailing(*t));
                if !comments.is_empty() {
                    self.write_multiline_comments(&comments, false);
                }
            }
            Decl::Option(o) => self.write_option(o),
            Decl::Message { visibility: Some(visibility), kw, name, body }
            | Decl::Enum { visibility: Some(visibility), kw, name, body } => {
                self.write_start(*visibility);
                self.space();
                self.write_inline(*kw);
                self.space();
                self.write_inline(*name);
                self.space();
                self.write_type_body(body);
            }
            Decl::Message { kw, name, body, .. }
            | Decl::Enum { kw, name, body, .. }
            | Decl::Service { kw, name, body }
            | Decl::Oneof { kw, name, body } => {
                self.write_start(*kw);
                self.space();
                self.write_inline(*name);
                self.space();
                self.write_type_body(body);
            }
            Decl::Extend { kw, extendee, body } => {
                self.write_start(*kw);
                self.space();
                self.write_inline_range(*extendee);
                self.space();
                self.write_type_body(body);
            }
            Decl::Field { label, ty, name, eq, tag, opts, semi } => {
                if let Some(label) = label {
                    self.write_start(*label);
                    self.space();
                    self.write_inline_range(*ty);
                } else {
                    self.write_start(ty.0);
                    for t in ty.0 + 1..=ty.1 {
                        self.write_inline(t);
                    }
                }
                self.space();
                self.write_inline(*name);
                self.space();
                self.write_inline(*eq);
                self.space();
                self.write_inline(*tag);
                if let Some(opts) = opts {
                    self.space();
                    self.write_compact_options(opts);
                }
                self.write_line_end(*semi);
            }
            Decl::Map { kw, lt, key, comma, value, gt, name, eq, tag, opts, semi } => {
                self.write_start(*kw);
                self.write_inline(*lt);
                self.write_inline_range(*key);
                self.write_inline(*comma);
                self.space();
                self.write_inline_range(*value);
                self.write_inline(*gt);
                self.space();
                self.write_inline(*name);
                self.space();
                self.write_inline(*eq);
                self.space();
                self.write_inline(*tag);
                if let Some(opts) = opts {
                    self.space();
                    self.write_compact_options(opts);
                }
                self.write_line_end(*semi);
            }
            Decl::Group { label, kw, name, eq, tag, opts, body } => {
                if let Some(label) = label {
                    self.write_start(*label);
                    self.space();
                    self.write_inline(*kw);
                } else {
                    self.write_start(*kw);
                }
                self.space();
                self.write_inline(*name);
                self.space();
                self.write_inline(*eq);
                self.space();
                self.write_inline(*tag);
                if let Some(opts) = opts {
                    self.space();
                    self.write_compact_options(opts);
                }
                self.space();
                self.write_type_body(body);
            }
            Decl::Extensions { kw, ranges, commas, opts, semi } => {
                self.write_start(*kw);
                self.space();
                for (i, r) in ranges.iter().enumerate() {
                    if i > 0 {
                        self.write_inline(commas[i - 1]);
                        self.space();
                    }
                    self.write_range(r);
                }
                if let Some(opts) = opts {
                    self.space();
                    self.write_compact_options(opts);
                }
                self.write_line_end(*semi);
            }
            Decl::Reserved { kw, elems, commas, semi } => {
                self.write_start(*kw);
                self.space();
                for (i, e) in elems.iter().enumerate() {
                    if i > 0 {
                        self.write_inline(commas[i - 1]);
                        self.space();
                    }
                    match e {
                        ReservedElem::Range(r) => self.write_inline_composite(|p| p.write_range(r)),
                        ReservedElem::Name(v) => self.write_inline_val(v),
                    }
                }
                self.write_line_end(*semi);
            }
            Decl::EnumValue { name, eq, number, opts, semi } => {
                self.write_start(*name);
                self.space();
                self.write_inline(*eq);
                self.space();
                self.write_inline_val(number);
                if let Some(opts) = opts {
                    self.space();
                    self.write_compact_options(opts);
                }
                self.write_line_end(*semi);
            }
            Decl::Rpc { kw, name, input, returns, output, body, semi } => {
                self.write_start(*kw);
                self.space();
                self.write_inline(*name);
                self.write_inline_composite(|p| p.write_rpc_type(input));
                self.space();
                self.write_rpc_part(*returns);
                self.space();
                self.write_inline_composite(|p| p.write_rpc_type(output));
                match (body, semi) {
                    (Some(body), _) => {
                        self.space();
                        self.write_type_body(body);
                    }
                    (None, Some(semi)) => self.write_line_end(*semi),
                    (None, None) => {}
                }
            }
        }
    }

    fn write_rpc_type(&mut self, r: &RpcType) {
        self.write_inline(r.open);
        if let Some(s) = r.stream {
            self.write_inline(s);
            self.space();
        }
        self.write_inline_range(r.ty);
        self.write_rpc_part(r.close);
    }

    /// An RPC type's closing parenthesis or the `returns` keyword. buf keeps a
    /// `//` comment after one of them as it is and goes on on the next line (at
    /// the RPC's indentation), where other inline tokens get it as `/* */`.
    fn write_rpc_part(&mut self, t: T) {
        let trailing = self.trailing(t);
        let ends_in_line_comment = trailing.last().is_some_and(|c| self.comment_text(c).starts_with("//"));
        if !ends_in_line_comment {
            self.write_inline(t);
            return;
        }
        let inline = std::mem::replace(&mut self.inline, true);
        let leading = self.leading(t);
        if !leading.is_empty() {
            self.write_inline_comments(leading);
            if !self.leading_ws(t).is_empty() {
                self.space();
            }
        }
        self.write_node_tok(t);
        self.space();
        self.write_trailing_end_comments(&trailing);
        self.write_indent(None);
        self.prev = Some(t);
        self.inline = inline;
    }

    fn write_range(&mut self, r: &Range) {
        self.write_inline_val(&r.start);
        if let Some(to) = r.to {
            self.space();
            self.write_inline(to);
        }
        if let Some(end) = &r.end {
            self.space();
            self.write_inline_val(end);
        }
    }

    fn write_type_body(&mut self, body: &Body) {
        // Stray `;` without comments print nothing, so a body of only those is
        // empty (`{}`), as buf prints it and as the output formats again.
        let bare_semicolon =
            |d: &Decl| matches!(d, Decl::Empty(t) if self.leading(*t).is_empty() && !self.has_trailing(*t));
        let elems = if body.decls.iter().all(bare_semicolon) { None } else { Some(Elems::Decls(&body.decls)) };
        self.write_body(body.open, body.close, elems, OpenWriter::Prefix, CloseWriter::BodyEnd);
    }

    // ---- options ----

    /// buf's writeOption for `option x = y;` statements and for compact options
    /// other than the last.
    fn write_option(&mut self, o: &OptionNode) {
        self.write_option_prefix(o);
        if let Some(semi) = o.semi {
            if let Val::Compound(ts) = &o.val {
                self.write_compound_string(ts, true, true);
                self.write_line_end(semi);
                return;
            }
            self.write_inline_val(&o.val);
            self.write_line_end(semi);
            return;
        }
        if let Val::Compound(ts) = &o.val {
            self.write_compound_string(ts, true, false);
            return;
        }
        self.write_inline_val(&o.val);
    }

    fn write_option_prefix(&mut self, o: &OptionNode) {
        if let Some(kw) = o.keyword {
            self.write_start(kw);
            self.space();
            self.write_option_name(o.name);
        } else {
            // buf's writeStart on the (composite) name. buf writes the trailing
            // comment of the name's last token a second time here; we do not.
            let first = o.name.0;
            self.write_start_leading(first, false);
            self.write_indent(None);
            self.write_option_name(o.name);
            self.prev = Some(COMPOSITE);
        }
        self.space();
        self.write_inline(o.eq);
        self.space();
    }

    /// The end of the first part of an option name: `(a.b)` or `a`.
    fn first_part_end(&self, name: (T, T)) -> T {
        if self.text(name.0) == "(" {
            (name.0..=name.1).find(|&t| self.text(t) == ")").unwrap_or(name.1)
        } else {
            name.0
        }
    }

    fn write_option_name(&mut self, name: (T, T)) {
        let mut start = name.0;
        if self.in_compact_options {
            let first = name.0;
            let end = self.first_part_end(name);
            self.write_node_tok(first);
            if self.has_trailing(first) {
                let c = self.trailing(first);
                self.write_trailing_inline_comments(&c);
            }
            for t in first + 1..=end {
                self.write_inline(t);
            }
            start = end + 1;
        }
        for t in start..=name.1 {
            self.write_inline(t);
        }
    }

    fn write_compact_options(&mut self, c: &CompactOptions) {
        self.in_compact_options = true;
        if c.opts.len() == 1 && !self.has_trailing(c.open) && self.leading(c.opts[0].name.0).is_empty() {
            let o = &c.opts[0];
            self.write_inline(c.open);
            self.write_inline_composite(|p| p.write_option_name(o.name));
            self.space();
            self.write_inline(o.eq);
            if let Val::Compound(ts) = &o.val {
                self.write_compound_string(ts, false, true);
                self.write_inline(c.close);
                self.in_compact_options = false;
                return;
            }
            self.space();
            self.write_inline_val(&o.val);
            self.write_inline(c.close);
            self.in_compact_options = false;
            return;
        }
        self.write_body(c.open, c.close, Some(Elems::Compact(c)), OpenWriter::Prefix, CloseWriter::BodyEndInline);
        self.in_compact_options = false;
    }

    // ---- bodies ----

    fn write_body(&mut self, open: T, close: T, elems: Option<Elems>, ow: OpenWriter, cw: CloseWriter) {
        let Some(elems) = elems else {
            if !self.has_trailing(open) && self.leading(close).is_empty() {
                self.write_inline(open);
                self.write_close(cw, close, true);
                return;
            }
            self.write_open(ow, open);
            self.write_close(cw, close, false);
            return;
        };
        self.write_open(ow, open);
        self.write_elems(elems);
        self.write_close(cw, close, false);
    }

    fn write_open(&mut self, ow: OpenWriter, open: T) {
        match ow {
            OpenWriter::Prefix => {
                let leading = self.leading(open);
                if !leading.is_empty() {
                    self.write_inline_comments(leading);
                    if !self.leading_ws(open).is_empty() {
                        self.space();
                    }
                }
            }
            OpenWriter::PrefixForArray => {
                let leading = self.leading(open);
                self.write_multiline_comments(leading, false);
                self.write_indent(Some(open));
            }
        }
        self.write_node_tok(open);
        let trailing = self.trailing(open);
        if !trailing.is_empty() {
            self.write_trailing_end_comments(&trailing);
        } else {
            self.p("");
        }
        self.prev = Some(open);
    }

    fn write_close(&mut self, cw: CloseWriter, close: T, leading_inline: bool) {
        match cw {
            CloseWriter::BodyEnd => self.write_body_end(close, leading_inline),
            CloseWriter::BodyEndInline => self.write_body_end_inline(close, leading_inline),
        }
    }

    fn write_elems(&mut self, elems: Elems) {
        match elems {
            Elems::Decls(decls) => {
                for d in decls {
                    self.write_decl(d);
                }
            }
            Elems::Compact(c) => {
                for (i, o) in c.opts.iter().enumerate() {
                    if i == c.opts.len() - 1 {
                        self.write_option_prefix(o);
                        self.write_line_end_val(&o.val);
                        return;
                    }
                    self.write_option(o);
                    self.write_line_end(c.commas[i]);
                }
            }
            Elems::Array(a) => {
                let n = a.elems.len();
                for (i, e) in a.elems.iter().enumerate() {
                    let last = i == n - 1;
                    match e {
                        Val::Tok(t) => {
                            if last {
                                self.write_body_end(*t, false);
                                return;
                            }
                            self.write_start(*t);
                            self.write_line_end(a.commas[i]);
                        }
                        _ => {
                            self.write_composite_for_array(e, last);
                            if !last {
                                self.write_line_end(a.commas[i]);
                            }
                        }
                    }
                }
            }
            Elems::Msg(m) => {
                for (i, f) in m.fields.iter().enumerate() {
                    if let Some(sep) = m.seps[i] {
                        let last = self.val_last(&f.val);
                        if self.has_trailing(sep) && !self.has_trailing(last) {
                            let c = self.trailing(sep);
                            self.trailing_override.insert(last, c);
                        }
                    }
                    self.write_message_field(f);
                }
            }
        }
    }

    fn val_first(&self, v: &Val) -> T {
        match v {
            Val::Tok(t) | Val::Neg(t, _) => *t,
            Val::Compound(ts) => ts[0],
            Val::Msg(m) => m.open,
            Val::Array(a) => a.open,
        }
    }

    fn val_last(&self, v: &Val) -> T {
        match v {
            Val::Tok(t) | Val::Neg(_, t) => *t,
            Val::Compound(ts) => *ts.last().unwrap(),
            Val::Msg(m) => m.close,
            Val::Array(a) => a.close,
        }
    }

    fn write_message_field(&mut self, f: &MsgField) {
        self.write_start(f.name.0);
        for t in f.name.0 + 1..=f.name.1 {
            self.write_inline(t);
        }
        match f.sep {
            Some(sep) => self.write_inline(sep),
            None => self.write_string(":"),
        }
        self.space();
        if let Val::Compound(ts) = &f.val {
            self.write_compound_string(ts, true, false);
            return;
        }
        self.write_line_end_val(&f.val);
    }

    fn write_composite_for_array(&mut self, v: &Val, last: bool) {
        match v {
            Val::Compound(ts) => {
                for (i, &t) in ts.iter().enumerate() {
                    if !last && i == ts.len() - 1 {
                        self.write_start(t);
                        return;
                    }
                    self.write_body_end(t, false);
                }
            }
            Val::Neg(sign, n) => {
                self.write_start(*sign);
                if last {
                    self.write_line_end(*n);
                } else {
                    self.write_inline(*n);
                }
            }
            Val::Msg(m) => self.write_msg_lit(m, Some(last)),
            Val::Array(a) => self.write_array(a),
            Val::Tok(t) => self.write_inline(*t),
        }
    }

    // ---- values ----

    fn write_node_val(&mut self, v: &Val) {
        match v {
            Val::Tok(t) => self.write_node_tok(*t),
            Val::Neg(a, b) => {
                self.write_inline(*a);
                self.write_inline(*b);
            }
            Val::Compound(ts) => self.write_compound_string(ts, true, false),
            Val::Msg(m) => self.write_msg_lit(m, None),
            Val::Array(a) => self.write_array(a),
        }
    }

    fn write_inline_val(&mut self, v: &Val) {
        match v {
            Val::Tok(t) => self.write_inline(*t),
            _ => self.write_inline_composite(|p| p.write_node_val(v)),
        }
    }

    fn write_line_end_val(&mut self, v: &Val) {
        match v {
            Val::Tok(t) => self.write_line_end(*t),
            _ => {
                self.write_node_val(v);
                if self.last != '\n' {
                    self.p("");
                }
            }
        }
    }

    fn write_inline_composite(&mut self, f: impl FnOnce(&mut Self)) {
        self.inline = true;
        f(self);
        self.inline = false;
    }

    fn write_inline_range(&mut self, r: (T, T)) {
        self.inline = true;
        for t in r.0..=r.1 {
            self.write_inline(t);
        }
        self.inline = false;
    }

    fn has_interior_comments(&self, nodes: &[(T, T)]) -> bool {
        nodes.iter().enumerate().any(|(i, &(first, last))| {
            (i > 0 && !self.leading(first).is_empty()) || (i < nodes.len() - 1 && self.has_trailing(last))
        })
    }

    fn msg_children(&self, m: &MsgLit) -> Vec<(T, T)> {
        let mut v = vec![(m.open, m.open)];
        for (i, f) in m.fields.iter().enumerate() {
            v.push((f.name.0, self.val_last(&f.val)));
            if let Some(s) = m.seps[i] {
                v.push((s, s));
            }
        }
        v.push((m.close, m.close));
        v
    }

    fn write_msg_lit(&mut self, m: &MsgLit, in_array: Option<bool>) {
        if self.text(m.open) == "<" {
            self.rename.insert(m.open, "{");
            self.rename.insert(m.close, "}");
        }
        if self.maybe_write_compact_msg_lit(m, in_array.is_some()) {
            return;
        }
        let elems = if m.fields.is_empty() { None } else { Some(Elems::Msg(m)) };
        match in_array {
            None => self.write_body(m.open, m.close, elems, OpenWriter::Prefix, CloseWriter::BodyEndInline),
            Some(last) => {
                let cw = if last { CloseWriter::BodyEnd } else { CloseWriter::BodyEndInline };
                self.write_body(m.open, m.close, elems, OpenWriter::PrefixForArray, cw)
            }
        }
    }

    fn maybe_write_compact_msg_lit(&mut self, m: &MsgLit, in_array: bool) -> bool {
        if m.fields.len() != 1
            || self.has_interior_comments(&self.msg_children(m))
            || matches!(m.fields[0].val, Val::Msg(_) | Val::Array(_))
        {
            return false;
        }
        if in_array {
            self.write_indent(Some(m.open));
        }
        self.write_inline(m.open);
        let f = &m.fields[0];
        // buf drops a `type.googleapis.com/` prefix here; we keep every token.
        self.write_inline_range(f.name);
        match f.sep {
            Some(sep) => self.write_inline(sep),
            None => self.write_string(":"),
        }
        self.space();
        self.write_inline_val(&f.val);
        self.write_inline(m.close);
        true
    }

    fn write_array(&mut self, a: &ArrayLit) {
        if a.elems.len() == 1 && !matches!(a.elems[0], Val::Msg(_) | Val::Array(_)) {
            let e = &a.elems[0];
            let children = [(a.open, a.open), (self.val_first(e), self.val_last(e)), (a.close, a.close)];
            if !self.has_interior_comments(&children) {
                self.write_inline(a.open);
                self.write_inline_val(e);
                self.write_inline(a.close);
                return;
            }
        }
        let elems = if a.elems.is_empty() { None } else { Some(Elems::Array(a)) };
        self.write_body(a.open, a.close, elems, OpenWriter::Prefix, CloseWriter::BodyEndInline);
    }

    fn write_compound_string(&mut self, ts: &[T], needs_indent: bool, trailing_punct: bool) {
        self.p("");
        if needs_indent {
            self.indent += 1;
        }
        for (i, &t) in ts.iter().enumerate() {
            if trailing_punct && i == ts.len() - 1 {
                self.write_start(t);
                break;
            }
            self.write_body_end(t, false);
        }
        if needs_indent {
            self.indent = self.indent.saturating_sub(1);
        }
    }

    // ---- terminals (buf: writeStart, writeInline, writeBodyEnd, writeLineEnd) ----

    fn write_node_tok(&mut self, t: T) {
        if self.toks[t as usize].kind == TokenKind::Symbol {
            if self.is_symbol(t, "{[(<") {
                self.pending_indent += 1;
            } else if self.is_symbol(t, "}])>") {
                self.pending_indent -= 1;
            }
        }
        let text = self.rendered(t);
        self.write_string(text);
    }

    fn write_start(&mut self, t: T) {
        self.write_start_maybe_compact(t, false);
    }

    /// The part of writeStart before the node itself: leading comments and blank lines.
    fn write_start_leading(&mut self, t: T, force_compact: bool) {
        let nl = newline_count(self.leading_ws(t));
        let compact = force_compact || self.prev_is_open_brace();
        let leading = self.leading(t);
        if !leading.is_empty() {
            self.write_multiline_comments(leading, force_compact);
            if !force_compact && nl > 1 {
                self.p("");
            }
        } else if !compact && nl > 1 {
            self.p("");
        }
    }

    fn write_start_maybe_compact(&mut self, t: T, force_compact: bool) {
        self.write_start_leading(t, force_compact);
        self.write_indent(Some(t));
        self.write_node_tok(t);
        if self.has_trailing(t) {
            let c = self.trailing(t);
            self.write_trailing_inline_comments(&c);
        }
        self.prev = Some(t);
    }

    fn write_inline(&mut self, t: T) {
        self.inline = true;
        let leading = self.leading(t);
        if !leading.is_empty() {
            self.write_inline_comments(leading);
            if !self.leading_ws(t).is_empty() {
                self.space();
            }
        }
        self.write_node_tok(t);
        let c = self.trailing(t);
        self.write_trailing_inline_comments(&c);
        self.prev = Some(t);
        self.inline = false;
    }

    /// A closing token's leading comments: inline before it, or on lines of
    /// their own followed by the indent.
    fn write_body_end_leading(&mut self, t: T, inline: bool) {
        let leading = self.leading(t);
        if inline {
            if !leading.is_empty() {
                self.write_inline_comments(leading);
                if !self.leading_ws(t).is_empty() {
                    self.space();
                }
            }
        } else {
            self.write_multiline_comments(leading, false);
            self.write_indent(Some(t));
        }
    }

    fn write_body_end(&mut self, t: T, leading_endline: bool) {
        self.write_body_end_leading(t, leading_endline);
        self.write_node_tok(t);
        let c = self.trailing(t);
        self.write_trailing_end_comments(&c);
        self.prev = Some(t);
    }

    fn write_body_end_inline(&mut self, t: T, leading_inline: bool) {
        self.write_body_end_leading(t, leading_inline);
        self.write_node_tok(t);
        if self.has_trailing(t) {
            let c = self.trailing(t);
            self.write_trailing_inline_comments(&c);
        }
        self.prev = Some(t);
    }

    fn write_line_end(&mut self, t: T) {
        let leading = self.leading(t);
        if !leading.is_empty() {
            self.write_inline_comments(leading);
            if !self.leading_ws(t).is_empty() {
                self.space();
            }
        }
        self.write_node_tok(t);
        self.space();
        let c = self.trailing(t);
        self.write_trailing_end_comments(&c);
        self.prev = Some(t);
    }

    // ---- comments ----

    fn write_multiline_comments(&mut self, comments: &[Comment], force_compact: bool) {
        let mut compact = force_compact || self.prev_is_open_brace();
        for c in comments {
            if !compact && newline_count(self.comment_ws(c)) > 1 {
                self.p("");
            }
            compact = false;
            let text = self.comment_text(c);
            self.write_comment(text);
            self.write_string("\n");
        }
    }

    fn write_inline_comments(&mut self, comments: &[Comment]) {
        for (i, c) in comments.iter().enumerate() {
            // After another comment's `*/` a space always follows: the next pass
            // sees two adjacent block comments and separates them (found by
            // cargo fuzz: `/*x*///y` printed `/*x*//* y */`, then `/*x*/ /* y */`).
            if i > 0
                || !self.comment_ws(c).is_empty()
                || self.last == ';'
                || self.last == '}'
                || self.out.ends_with("*/")
            {
                self.space();
            }
            let text = self.comment_text(c);
            let text = if let Some(rest) = text.strip_prefix("//") {
                if rest.contains("*/") || rest.contains("/*") {
                    // As a block comment it would end early (or nest, which protoc
                    // rejects) and swallow code: keep the line comment and its line
                    // break instead (found by cargo fuzz).
                    self.write_string(text.trim_end());
                    self.write_string("\n");
                    continue;
                }
                format!("/* {} */", rest.trim())
            } else {
                text.split('\n').map(str::trim).collect::<Vec<_>>().join(" ")
            };
            self.write_string(&text);
        }
    }

    /// A token's trailing comments, written inline. buf separates them from
    /// the token by a space even when the source has none (`name// c` prints as
    /// `name /* c */`); without it the output would not be stable, as the block
    /// comment then becomes the next token's leading comment.
    fn write_trailing_inline_comments(&mut self, comments: &[Comment]) {
        if !comments.is_empty() {
            self.space();
        }
        self.write_inline_comments(comments);
    }

    fn write_trailing_end_comments(&mut self, comments: &[Comment]) {
        for (i, c) in comments.iter().enumerate() {
            if i > 0 || !self.comment_ws(c).is_empty() {
                self.space();
            }
            let text = self.comment_text(c);
            self.write_comment(text);
        }
        self.p("");
    }

    fn write_comment(&mut self, comment: &str) {
        if !(comment.starts_with("/*") && comment.contains('\n')) {
            self.write_indent(None);
            self.write_string(comment.trim());
            return;
        }
        let lines: Vec<&str> = comment.split('\n').collect();
        let mut min_indent: Option<usize> = None;
        let mut prefix: Option<u8> = None;
        for (i, raw) in lines.iter().enumerate().skip(1) {
            if let Some(indent) = compute_indent(raw)
                && min_indent.is_none_or(|m| indent < m)
            {
                min_indent = Some(indent);
            }
            if i > 1 && prefix.is_none() {
                continue;
            }
            let line = raw.trim();
            if line == "*/" {
                continue;
            }
            let line_prefix = line.bytes().next().filter(|&b| is_comment_prefix(b));
            if i == 1 {
                prefix = line_prefix;
            } else if line_prefix != prefix {
                prefix = None;
            }
        }
        let min_indent = min_indent.unwrap_or(0);
        let n = lines.len();
        for (i, raw) in lines.iter().enumerate() {
            let trimmed = raw.trim();
            let mut line = if trimmed.is_empty() || trimmed == "*/" || prefix.is_some() {
                trimmed.to_string()
            } else {
                unindent(raw, min_indent).trim_end().to_string()
            };
            if i > 0 && line != "*/" {
                line = if prefix.is_none() { format!("   {line}") } else { format!(" {line}") };
            }
            if line == "*/" && prefix == Some(b'*') {
                line = " */".to_string();
            }
            if i != n - 1 {
                self.p(&line);
            } else {
                self.write_indent(None);
                self.write_string(&line);
            }
        }
    }
}

fn is_comment_prefix(b: u8) -> bool {
    let c = char::from(b);
    !c.is_alphabetic() && !c.is_numeric()
}

fn unindent(s: &str, unindent: usize) -> String {
    let mut pos = 0usize;
    for (i, c) in s.char_indices() {
        if pos == unindent {
            return s[i..].to_string();
        }
        if pos > unindent {
            return format!("{}{}", " ".repeat(pos - unindent), &s[i..]);
        }
        match c {
            ' ' => pos += 1,
            '\t' => pos += 8 - (pos % 8),
            _ => return s[i..].to_string(),
        }
    }
    String::new()
}

fn compute_indent(s: &str) -> Option<usize> {
    // Whitespace-only lines (vertical tab and form feed included, as `trim`
    // sees them) set no indent; counting them made formatting unstable
    // (found by cargo fuzz).
    if s.trim() == "*/" || s.trim().is_empty() {
        return None;
    }
    let mut indent = 0usize;
    for c in s.chars() {
        match c {
            ' ' => indent += 1,
            '\t' => indent += 8 - (indent % 8),
            _ => return Some(indent),
        }
    }
    None
}
