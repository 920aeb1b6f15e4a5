//! A recursive-descent parser for the protobuf language (proto2, proto3, editions).
//!
//! It follows protoc's grammar and error wording (`parser.cc`) so users see the
//! messages they know, attaches comments with protoc's rules, and recovers at
//! statement boundaries so one typo yields one error, not a cascade. Nesting is
//! bounded by [`MAX_DEPTH`] so hostile input cannot overflow the stack.

use super::ast::*;
use super::comments;
use super::lexer::{self, Token, TokenKind};

/// The deepest nesting of messages, groups and blocks accepted. protoc's own
/// parser recurses without a bound; real files stay far below this.
pub const MAX_DEPTH: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Sp,
    pub message: String,
}

/// The result of parsing one file: the tree, all tokens (lossless), and errors.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub file: File,
    pub tokens: Vec<Token>,
    pub errors: Vec<ParseError>,
}

pub fn parse(src: &str) -> Parsed {
    let (tokens, lex_errors) = lexer::lex(src);
    let significant: Vec<u32> =
        tokens.iter().enumerate().filter(|(_, t)| !t.kind.is_trivia()).map(|(i, _)| i as u32).collect();
    let mut p = Parser {
        src,
        tokens: &tokens,
        sig: &significant,
        pos: 0,
        errors: lex_errors
            .into_iter()
            .map(|e| ParseError { span: Sp::new(e.start, e.end), message: e.message })
            .collect(),
        upcoming_leading: None,
        upcoming_detached: Vec::new(),
        depth: 0,
    };
    let file = p.parse_file();
    let mut errors = p.errors;
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup_by(|a, b| a.span.start == b.span.start);
    Parsed { file, tokens, errors }
}

/// Marker for "this statement failed; an error is already recorded".
struct Failed;
type PResult<T> = Result<T, Failed>;

struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    /// Indices into `tokens` of the non-trivia tokens.
    sig: &'a [u32],
    /// Index into `sig` of the current token.
    pos: usize,
    errors: Vec<ParseError>,
    upcoming_leading: Option<String>,
    upcoming_detached: Vec<String>,
    depth: usize,
}

impl<'a> Parser<'a> {
    // ---- token access ----

    fn tok(&self) -> Option<Token> {
        self.sig.get(self.pos).map(|&i| self.tokens[i as usize])
    }
    fn text(&self) -> &'a str {
        self.tok().map_or("", |t| t.text(self.src))
    }
    fn kind(&self) -> Option<TokenKind> {
        self.tok().map(|t| t.kind)
    }
    fn at_end(&self) -> bool {
        self.pos >= self.sig.len()
    }
    fn span(&self) -> Sp {
        match self.tok() {
            Some(t) => Sp::new(t.start, t.end),
            None => {
                let end = self.src.len() as u32;
                Sp::new(end, end)
            }
        }
    }
    fn prev_end(&self) -> u32 {
        if self.pos == 0 { 0 } else { self.tokens[self.sig[self.pos - 1] as usize].end }
    }
    fn looking_at(&self, s: &str) -> bool {
        self.tok().is_some_and(|t| t.kind != TokenKind::String && t.text(self.src) == s)
    }
    fn bump(&mut self) -> Sp {
        let sp = self.span();
        if !self.at_end() {
            self.pos += 1;
        }
        sp
    }
    fn try_consume(&mut self, s: &str) -> Option<Sp> {
        if self.looking_at(s) { Some(self.bump()) } else { None }
    }

    // ---- errors ----

    fn error_at(&mut self, span: Sp, message: impl Into<String>) {
        self.errors.push(ParseError { span, message: message.into() });
    }
    fn fail<T>(&mut self, message: impl Into<String>) -> PResult<T> {
        let sp = self.span();
        let found = if self.at_end() { "end of input".to_string() } else { format!("\"{}\"", self.text()) };
        self.error_at(sp, format!("{} Found {found}.", message.into()));
        Err(Failed)
    }
    fn consume(&mut self, s: &str) -> PResult<Sp> {
        match self.try_consume(s) {
            Some(sp) => Ok(sp),
            None => self.fail(format!("Expected \"{s}\".")),
        }
    }

    /// Skips the rest of a broken statement: up to and including `;`, or a whole
    /// `{...}` block, stopping before a `}` that closes the enclosing scope.
    fn skip_statement(&mut self) {
        let mut depth = 0usize;
        while !self.at_end() {
            if self.looking_at("{") {
                depth += 1;
            } else if self.looking_at("}") {
                if depth == 0 {
                    return;
                }
                depth -= 1;
                if depth == 0 {
                    self.bump();
                    return;
                }
            } else if self.looking_at(";") && depth == 0 {
                self.bump();
                return;
            }
            self.bump();
        }
    }

    // ---- comments ----

    /// Consumes the declaration-ending token `s` and collects the comments after
    /// it, as protoc's `TryConsumeEndOfDeclaration` does. Returns the comments for
    /// the declaration when `attach` is set.
    fn end_of_decl(&mut self, s: &str, attach: bool) -> PResult<(Sp, Comments)> {
        if !self.looking_at(s) {
            return self.fail(format!("Expected \"{s}\"."));
        }
        let tok = self.tok().unwrap();
        self.pos += 1;
        let next_start = self.tok().map_or(self.src.len() as u32, |t| t.start);
        let next_text = self.tok().map(|t| t.text(self.src));
        let gap = &self.src[tok.end as usize..next_start as usize];
        let collected = comments::collect(gap, false, next_text);
        let leading = std::mem::replace(&mut self.upcoming_leading, collected.leading);
        let sp = Sp::new(tok.start, tok.end);
        if attach {
            let detached = std::mem::replace(&mut self.upcoming_detached, collected.detached);
            Ok((sp, Comments { leading, trailing: collected.trailing, detached }))
        } else {
            if s == "}" {
                self.upcoming_detached = collected.detached;
            } else {
                self.upcoming_detached.extend(collected.detached);
            }
            Ok((sp, Comments::default()))
        }
    }

    fn try_end_of_decl(&mut self, s: &str) -> Option<Sp> {
        if self.looking_at(s) { self.end_of_decl(s, false).ok().map(|(sp, _)| sp) } else { None }
    }

    // ---- file ----

    fn parse_file(&mut self) -> File {
        let first = self.tok().map_or(self.src.len() as u32, |t| t.start);
        let collected = comments::collect(&self.src[..first as usize], true, self.tok().map(|t| t.text(self.src)));
        self.upcoming_leading = collected.leading;
        self.upcoming_detached = collected.detached;
        let start = self.span();
        let mut decls = Vec::new();
        while !self.at_end() {
            let before = self.pos;
            match self.parse_top_level(decls.is_empty()) {
                Ok(Some(d)) => decls.push(d),
                Ok(None) => {}
                Err(Failed) => {
                    if self.pos == before {
                        self.bump();
                    }
                    self.skip_statement();
                    if self.pos == before {
                        self.bump();
                    }
                }
            }
        }
        File { span: start.to(Sp::new(self.prev_end(), self.prev_end())), decls }
    }

    fn parse_top_level(&mut self, first: bool) -> PResult<Option<Decl>> {
        if let Some(sp) = self.try_end_of_decl(";") {
            return Ok(Some(Decl::Empty(sp)));
        }
        let start = self.span();
        match self.text() {
            "syntax" | "edition" if self.kind() == Some(TokenKind::Ident) => {
                let is_edition = self.text() == "edition";
                if !first {
                    self.error_at(
                        start,
                        if is_edition {
                            "Edition must be the first statement in the file."
                        } else {
                            "Syntax must be the first statement in the file."
                        },
                    );
                }
                self.bump();
                self.consume("=")?;
                let value = self.string_lit("Expected syntax identifier.")?;
                let (end, comments) = self.end_of_decl(";", true)?;
                Ok(Some(Decl::Syntax(SyntaxDecl { span: start.to(end), is_edition, value, comments })))
            }
            "package" => {
                self.bump();
                let name = self.full_ident("Expected identifier.")?;
                let (end, comments) = self.end_of_decl(";", true)?;
                Ok(Some(Decl::Package(PackageDecl { span: start.to(end), name, comments })))
            }
            "import" => {
                self.bump();
                let (kind, kind_span) = if let Some(sp) = self.try_consume("public") {
                    (ImportKind::Public, Some(sp))
                } else if let Some(sp) = self.try_consume("weak") {
                    (ImportKind::Weak, Some(sp))
                } else if self.kind() == Some(TokenKind::Ident) && self.looking_at("option") {
                    (ImportKind::Option, Some(self.bump()))
                } else {
                    (ImportKind::Default, None)
                };
                let path = self.string_lit("Expected a string naming the file to import.")?;
                let (end, comments) = self.end_of_decl(";", true)?;
                Ok(Some(Decl::Import(ImportDecl { span: start.to(end), kind, kind_span, path, comments })))
            }
            "option" => Ok(Some(Decl::Option(self.option_statement()?))),
            "export" | "local" if matches!(self.peek_text(1), Some("message" | "enum")) => {
                Ok(Some(match self.visibility_decl()? {
                    MessageItem::Message(m) => Decl::Message(m),
                    MessageItem::Enum(e) => Decl::Enum(e),
                    _ => unreachable!("visibility_decl yields messages and enums"),
                }))
            }
            "message" => Ok(Some(Decl::Message(self.message()?))),
            "enum" => Ok(Some(Decl::Enum(self.enum_decl()?))),
            "service" => Ok(Some(Decl::Service(self.service()?))),
            "extend" => Ok(Some(Decl::Extend(self.extend()?))),
            _ => self.fail("Expected top-level statement (e.g. \"message\")."),
        }
    }

    // ---- lexical helpers ----

    fn ident(&mut self, what: &str) -> PResult<Sp> {
        if self.kind() == Some(TokenKind::Ident) { Ok(self.bump()) } else { self.fail(what.to_string()) }
    }

    /// `a.b.c` (no leading dot).
    fn full_ident(&mut self, what: &str) -> PResult<Sp> {
        let first = self.ident(what)?;
        let mut sp = first;
        while self.looking_at(".") {
            self.bump();
            sp = sp.to(self.ident(what)?);
        }
        Ok(sp)
    }

    /// A type reference: `.a.b.C`, `a.B`, or a scalar keyword.
    fn type_name(&mut self) -> PResult<Sp> {
        let start = self.span();
        if self.looking_at(".") {
            self.bump();
        }
        let end = self.full_ident("Expected type name.")?;
        Ok(start.to(end))
    }

    fn string_lit(&mut self, what: &str) -> PResult<StrLit> {
        if self.kind() != Some(TokenKind::String) {
            return self.fail(what.to_string());
        }
        let mut value = Vec::new();
        let start = self.span();
        let mut end = start;
        while self.kind() == Some(TokenKind::String) {
            let (bytes, err) = lexer::unescape_string(self.text());
            if let Some(err) = err {
                let sp = self.span();
                self.error_at(sp, err);
            }
            value.extend(bytes);
            end = self.bump();
        }
        Ok(StrLit { span: start.to(end), value })
    }

    fn int_lit(&mut self, what: &str, allow_negative: bool) -> PResult<IntLit> {
        let start = self.span();
        let negative = allow_negative && self.try_consume("-").is_some();
        if self.kind() != Some(TokenKind::Int) {
            return self.fail(what.to_string());
        }
        let sp = self.bump();
        Ok(IntLit { span: start.to(sp), negative, magnitude: lexer::parse_int(sp.text(self.src)) })
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let sp = self.span();
            self.error_at(sp, format!("Declarations are nested too deeply (more than {MAX_DEPTH} levels)."));
            // Nothing inside can be trusted; give up on the rest of the file.
            self.pos = self.sig.len();
            return Err(Failed);
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- options ----

    fn option_name(&mut self) -> PResult<OptionName> {
        let start = self.span();
        let mut parts = Vec::new();
        loop {
            if self.looking_at("(") {
                let open = self.bump();
                let name_start = self.span();
                if self.looking_at(".") {
                    self.bump();
                }
                let end = self.full_ident("Expected identifier.")?;
                let name = name_start.to(end).text(self.src).to_string();
                let close = self.consume(")")?;
                parts.push(OptionNamePart { span: open.to(close), name, is_extension: true });
            } else {
                let sp = self.ident("Expected identifier.")?;
                parts.push(OptionNamePart { span: sp, name: sp.text(self.src).to_string(), is_extension: false });
            }
            if self.looking_at(".") {
                self.bump();
            } else {
                break;
            }
        }
        let end = parts.last().unwrap().span;
        Ok(OptionName { span: start.to(end), parts })
    }

    fn option_value(&mut self) -> PResult<OptionValue> {
        let start = self.span();
        let negative = self.try_consume("-").is_some();
        let kind = match self.kind() {
            Some(TokenKind::Ident) => {
                let t = self.text();
                if negative {
                    match t {
                        "inf" => OptionValueKind::Float(f64::NEG_INFINITY),
                        "nan" => OptionValueKind::Float(f64::NAN),
                        _ => return self.fail("Identifier after '-' symbol must be inf or nan."),
                    }
                } else {
                    OptionValueKind::Ident(t.to_string())
                }
            }
            Some(TokenKind::Int) => match lexer::parse_int(self.text()) {
                Some(magnitude) => {
                    if negative && magnitude > i64::MAX as u64 + 1 {
                        return self.fail("Integer out of range.");
                    }
                    OptionValueKind::Int { negative, magnitude }
                }
                // protoc parses an integer too large for 64 bits as a double.
                None => match self.text().parse::<f64>() {
                    Ok(v) if !self.text().starts_with('0') => OptionValueKind::Float(if negative { -v } else { v }),
                    _ => return self.fail("Integer out of range."),
                },
            },
            Some(TokenKind::Float) => {
                let v: f64 = self.text().parse().unwrap_or(0.0);
                OptionValueKind::Float(if negative { -v } else { v })
            }
            Some(TokenKind::String) => {
                if negative {
                    return self.fail("Invalid '-' symbol before string.");
                }
                let s = self.string_lit("Expected string.")?;
                return Ok(OptionValue { span: start.to(s.span), kind: OptionValueKind::Str(s.value) });
            }
            _ if self.looking_at("{") && !negative => {
                let text = self.aggregate()?;
                return Ok(OptionValue {
                    span: start.to(Sp::new(self.prev_end(), self.prev_end())),
                    kind: OptionValueKind::Aggregate(text),
                });
            }
            _ => return self.fail("Expected option value."),
        };
        let end = self.bump();
        Ok(OptionValue { span: start.to(end), kind })
    }

    /// A message literal, kept as protoc keeps it: the tokens inside the outer
    /// braces joined by single spaces.
    ///
    /// The text is later parsed by prost-reflect's text-format parser, which
    /// recurses once per nested message or list and has no depth limit of its own
    /// (5,000 levels overflowed the stack), so nesting deeper than [`MAX_DEPTH`]
    /// (protoc's own limit for option values) is refused here.
    fn aggregate(&mut self) -> PResult<String> {
        self.consume("{")?;
        let mut depth = 1usize;
        // Every opener the text format nests on: messages `{ }` and `< >`, lists `[ ]`.
        let mut nesting = 1usize;
        let mut too_deep = false;
        let mut out = String::new();
        while !self.at_end() {
            if self.looking_at("{") || self.looking_at("<") || self.looking_at("[") {
                nesting += 1;
                if nesting > MAX_DEPTH && !too_deep {
                    too_deep = true;
                    let sp = self.span();
                    self.error_at(sp, format!("Aggregate value is nested too deeply (more than {MAX_DEPTH} levels)."));
                }
            } else if self.looking_at("}") || self.looking_at(">") || self.looking_at("]") {
                nesting = nesting.saturating_sub(1);
            }
            if self.looking_at("{") {
                depth += 1;
            } else if self.looking_at("}") {
                depth -= 1;
                if depth == 0 {
                    self.bump();
                    return if too_deep { Err(Failed) } else { Ok(out) };
                }
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(self.text());
            self.bump();
        }
        self.fail("Unexpected end of stream while parsing aggregate value.")
    }

    fn option_assign(&mut self) -> PResult<OptionAssign> {
        let name = self.option_name()?;
        self.consume("=")?;
        let value = self.option_value()?;
        Ok(OptionAssign { span: name.span.to(value.span), name, value })
    }

    fn option_statement(&mut self) -> PResult<OptionDecl> {
        let start = self.consume("option")?;
        let assign = self.option_assign()?;
        let (end, comments) = self.end_of_decl(";", true)?;
        Ok(OptionDecl { span: start.to(end), assign, comments })
    }

    fn compact_options(&mut self) -> PResult<Option<CompactOptions>> {
        let Some(open) = self.try_consume("[") else {
            return Ok(None);
        };
        let mut options = Vec::new();
        loop {
            options.push(self.option_assign()?);
            if self.try_consume(",").is_none() {
                break;
            }
        }
        let close = self.consume("]")?;
        Ok(Some(CompactOptions { span: open.to(close), options }))
    }

    // ---- messages ----

    fn message(&mut self) -> PResult<MessageDecl> {
        let start = self.consume("message")?;
        let name = self.ident("Expected message name.")?;
        let (comments, body, end) = self.message_block()?;
        Ok(MessageDecl { span: start.to(end), visibility: None, name, body, comments })
    }

    /// `export message ...` / `local enum ...`; protoc's spans start at the keyword
    /// after the modifier.
    fn visibility_decl(&mut self) -> PResult<MessageItem> {
        let vis = if self.text() == "export" { Visibility::Export } else { Visibility::Local };
        let sp = self.bump();
        if self.looking_at("message") {
            let mut m = self.message()?;
            m.visibility = Some((vis, sp));
            Ok(MessageItem::Message(m))
        } else {
            let mut e = self.enum_decl()?;
            e.visibility = Some((vis, sp));
            Ok(MessageItem::Enum(e))
        }
    }

    fn message_block(&mut self) -> PResult<(Comments, Vec<MessageItem>, Sp)> {
        self.block("message definition", Self::message_item)
    }

    /// `{ item* }`: the body of a message, oneof, enum, service, rpc or extend.
    /// Comments after `{` belong to the declaration; a broken item is skipped so
    /// the rest of the block still parses.
    fn block<T>(
        &mut self,
        what: &str,
        mut item: impl FnMut(&mut Self) -> PResult<Option<T>>,
    ) -> PResult<(Comments, Vec<T>, Sp)> {
        self.enter()?;
        let (_, comments) = self.end_of_decl("{", true)?;
        let mut items = Vec::new();
        let end = loop {
            if let Some(end) = self.try_end_of_decl("}") {
                break end;
            }
            if self.at_end() {
                self.leave();
                return self.fail(format!("Reached end of input in {what} (missing '}}')."));
            }
            let before = self.pos;
            match item(self) {
                Ok(Some(i)) => items.push(i),
                Ok(None) => {}
                Err(Failed) => self.recover(before)?,
            }
        };
        self.leave();
        Ok((comments, items, end))
    }

    /// After a failed statement inside a block: skip it, unless the failure was a
    /// nesting-limit abort (then the input is gone and we propagate).
    fn recover(&mut self, before: usize) -> PResult<()> {
        if self.at_end() && self.depth > 0 && self.errors.iter().any(|e| e.message.contains("nested too deeply")) {
            self.leave();
            return Err(Failed);
        }
        if self.pos == before && !self.looking_at("}") {
            self.bump();
        }
        self.skip_statement();
        Ok(())
    }

    fn message_item(&mut self) -> PResult<Option<MessageItem>> {
        if let Some(sp) = self.try_end_of_decl(";") {
            return Ok(Some(MessageItem::Empty(sp)));
        }
        let is_ident = self.kind() == Some(TokenKind::Ident);
        Ok(Some(match self.text() {
            "export" | "local" if is_ident && matches!(self.peek_text(1), Some("message" | "enum")) => {
                self.visibility_decl()?
            }
            "message" if is_ident => MessageItem::Message(self.message()?),
            "enum" if is_ident => MessageItem::Enum(self.enum_decl()?),
            "extensions" if is_ident => MessageItem::Extensions(self.extensions()?),
            "reserved" if is_ident => MessageItem::Reserved(self.reserved(false)?),
            "extend" if is_ident => MessageItem::Extend(self.extend()?),
            "option" if is_ident => MessageItem::Option(self.option_statement()?),
            "oneof" if is_ident => MessageItem::Oneof(self.oneof()?),
            _ => match self.field_like(true)? {
                FieldLike::Field(f) => MessageItem::Field(f),
                FieldLike::Map(m) => MessageItem::Map(m),
                FieldLike::Group(g) => MessageItem::Group(g),
            },
        }))
    }

    /// A field, map field or group. `allow_label` is false inside oneofs.
    fn field_like(&mut self, allow_label: bool) -> PResult<FieldLike> {
        let start = self.span();
        let label = match self.text() {
            "optional" => Some((Label::Optional, self.span())),
            "required" => Some((Label::Required, self.span())),
            "repeated" => Some((Label::Repeated, self.span())),
            _ => None,
        };
        if let Some((_, label_span)) = label {
            self.bump();
            if !allow_label {
                self.error_at(label_span, "Fields in oneofs must not have labels (required / optional / repeated).");
            }
        }
        if self.looking_at("map") && self.peek_text(1) == Some("<") {
            let map_start = self.bump();
            self.consume("<")?;
            let key_type = self.type_name()?;
            self.consume(",")?;
            let value_type = self.type_name()?;
            let map_end = self.consume(">")?;
            if let Some((_, sp)) = label {
                self.error_at(sp, "Field labels (required/optional/repeated) are not allowed on map fields.");
            }
            let name = self.ident("Expected field name.")?;
            self.consume("=")?;
            let number = self.int_lit("Expected field number.", false)?;
            let options = self.compact_options()?;
            let (end, comments) = self.end_of_decl(";", true)?;
            return Ok(FieldLike::Map(MapFieldDecl {
                span: start.to(end),
                map_span: map_start.to(map_end),
                key_type,
                value_type,
                name,
                number,
                options,
                comments,
            }));
        }
        if self.looking_at("group") && self.peek_kind(1) == Some(TokenKind::Ident) {
            let keyword = self.bump();
            let name = self.ident("Expected group name.")?;
            self.consume("=")?;
            let number = self.int_lit("Expected field number.", false)?;
            let options = self.compact_options()?;
            let (comments, body, end) = self.message_block()?;
            return Ok(FieldLike::Group(GroupDecl {
                span: start.to(end),
                label,
                keyword,
                name,
                number,
                options,
                body,
                comments,
            }));
        }
        let ty = self.type_name()?;
        let name = self.ident("Expected field name.")?;
        self.consume("=")?;
        let number = self.int_lit("Expected field number.", false)?;
        let options = self.compact_options()?;
        let (end, comments) = self.end_of_decl(";", true)?;
        Ok(FieldLike::Field(FieldDecl { span: start.to(end), label, ty, name, number, options, comments }))
    }

    fn peek_text(&self, ahead: usize) -> Option<&'a str> {
        self.sig.get(self.pos + ahead).map(|&i| self.tokens[i as usize].text(self.src))
    }
    fn peek_kind(&self, ahead: usize) -> Option<TokenKind> {
        self.sig.get(self.pos + ahead).map(|&i| self.tokens[i as usize].kind)
    }

    fn oneof(&mut self) -> PResult<OneofDecl> {
        let start = self.consume("oneof")?;
        let name = self.ident("Expected oneof name.")?;
        let (comments, items, end) = self.block("oneof definition", |p| {
            Ok(Some(if let Some(sp) = p.try_end_of_decl(";") {
                OneofItem::Empty(sp)
            } else if p.looking_at("option") {
                OneofItem::Option(p.option_statement()?)
            } else {
                match p.field_like(false)? {
                    FieldLike::Field(f) => OneofItem::Field(f),
                    FieldLike::Group(g) => OneofItem::Group(g),
                    FieldLike::Map(m) => {
                        p.error_at(m.map_span, "Map fields are not allowed in oneofs.");
                        return Err(Failed);
                    }
                }
            }))
        })?;
        Ok(OneofDecl { span: start.to(end), name, items, comments })
    }

    fn tag_ranges(&mut self, enum_style: bool) -> PResult<Vec<TagRange>> {
        let mut ranges = Vec::new();
        loop {
            let start = self.int_lit("Expected field number range.", enum_style)?;
            let mut range = TagRange { span: start.span, start, end: None };
            if self.try_consume("to").is_some() {
                if let Some(sp) = self.try_consume("max") {
                    range.end = Some(RangeEnd::Max(sp));
                    range.span = range.span.to(sp);
                } else {
                    let end = self.int_lit("Expected integer.", enum_style)?;
                    range.end = Some(RangeEnd::Int(end));
                    range.span = range.span.to(end.span);
                }
            }
            ranges.push(range);
            if self.try_consume(",").is_none() {
                return Ok(ranges);
            }
        }
    }

    fn extensions(&mut self) -> PResult<ExtensionsDecl> {
        let start = self.consume("extensions")?;
        let ranges = self.tag_ranges(false)?;
        let options = self.compact_options()?;
        let (end, comments) = self.end_of_decl(";", true)?;
        Ok(ExtensionsDecl { span: start.to(end), ranges, options, comments })
    }

    fn reserved(&mut self, enum_style: bool) -> PResult<ReservedDecl> {
        let start = self.consume("reserved")?;
        let reserved = if self.kind() == Some(TokenKind::String) || self.kind() == Some(TokenKind::Ident) {
            let mut names = Vec::new();
            loop {
                if self.kind() == Some(TokenKind::String) {
                    let s = self.string_lit("Expected field name.")?;
                    names.push((s.span, s.lossy()));
                } else {
                    let sp = self.ident("Expected field name.")?;
                    names.push((sp, sp.text(self.src).to_string()));
                }
                if self.try_consume(",").is_none() {
                    break;
                }
            }
            Reserved::Names(names)
        } else {
            Reserved::Ranges(self.tag_ranges(enum_style)?)
        };
        let (end, comments) = self.end_of_decl(";", true)?;
        Ok(ReservedDecl { span: start.to(end), reserved, comments })
    }

    // ---- enums ----

    fn enum_decl(&mut self) -> PResult<EnumDecl> {
        let start = self.consume("enum")?;
        let name = self.ident("Expected enum name.")?;
        let (comments, items, end) = self.block("enum definition", |p| {
            Ok(Some(if let Some(sp) = p.try_end_of_decl(";") {
                EnumItem::Empty(sp)
            } else if p.looking_at("option") && p.kind() == Some(TokenKind::Ident) && p.peek_text(1) != Some("=") {
                EnumItem::Option(p.option_statement()?)
            } else if p.looking_at("reserved") && p.peek_text(1) != Some("=") {
                EnumItem::Reserved(p.reserved(true)?)
            } else {
                EnumItem::Value(p.enum_value()?)
            }))
        })?;
        Ok(EnumDecl { span: start.to(end), visibility: None, name, items, comments })
    }

    fn enum_value(&mut self) -> PResult<EnumValueDecl> {
        let name = self.ident("Expected enum constant name.")?;
        self.consume("=")?;
        let number = self.int_lit("Expected integer.", true)?;
        let options = self.compact_options()?;
        let (end, comments) = self.end_of_decl(";", true)?;
        Ok(EnumValueDecl { span: name.to(end), name, number, options, comments })
    }

    // ---- services ----

    fn service(&mut self) -> PResult<ServiceDecl> {
        let start = self.consume("service")?;
        let name = self.ident("Expected service name.")?;
        let (comments, items, end) = self.block("service definition", |p| {
            Ok(Some(if let Some(sp) = p.try_end_of_decl(";") {
                ServiceItem::Empty(sp)
            } else if p.looking_at("option") {
                ServiceItem::Option(p.option_statement()?)
            } else if p.looking_at("rpc") {
                ServiceItem::Rpc(p.rpc()?)
            } else {
                return p.fail("Expected \"rpc\".");
            }))
        })?;
        Ok(ServiceDecl { span: start.to(end), name, items, comments })
    }

    fn rpc_type(&mut self) -> PResult<RpcType> {
        self.consume("(")?;
        let stream = if self.looking_at("stream") && !matches!(self.peek_text(1), Some(")" | ".")) {
            Some(self.bump())
        } else {
            None
        };
        let ty = self.type_name()?;
        self.consume(")")?;
        Ok(RpcType { stream, ty })
    }

    fn rpc(&mut self) -> PResult<RpcDecl> {
        let start = self.consume("rpc")?;
        let name = self.ident("Expected method name.")?;
        let input = self.rpc_type()?;
        self.consume("returns")?;
        let output = self.rpc_type()?;
        if self.looking_at("{") {
            let (comments, body, end) = self.block("method options", |p| {
                Ok(Some(if let Some(sp) = p.try_end_of_decl(";") {
                    RpcItem::Empty(sp)
                } else if p.looking_at("option") {
                    RpcItem::Option(p.option_statement()?)
                } else {
                    return p.fail("Expected \"option\".");
                }))
            })?;
            Ok(RpcDecl { span: start.to(end), name, input, output, body: Some(body), comments })
        } else {
            let (end, comments) = self.end_of_decl(";", true)?;
            Ok(RpcDecl { span: start.to(end), name, input, output, body: None, comments })
        }
    }

    // ---- extend ----

    fn extend(&mut self) -> PResult<ExtendDecl> {
        let start = self.consume("extend")?;
        let extendee = self.type_name()?;
        let (comments, items, end) = self.block("extend definition", |p| {
            Ok(Some(if let Some(sp) = p.try_end_of_decl(";") {
                ExtendItem::Empty(sp)
            } else {
                match p.field_like(true)? {
                    FieldLike::Field(f) => ExtendItem::Field(f),
                    FieldLike::Group(g) => ExtendItem::Group(g),
                    FieldLike::Map(m) => {
                        p.error_at(m.map_span, "Map fields are not allowed to be extensions.");
                        return Err(Failed);
                    }
                }
            }))
        })?;
        Ok(ExtendDecl { span: start.to(end), extendee, items, comments })
    }
}

enum FieldLike {
    Field(FieldDecl),
    Map(MapFieldDecl),
    Group(GroupDecl),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(src: &str) -> File {
        let p = parse(src);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        p.file
    }

    #[test]
    fn parses_a_full_file() {
        let f = ok(r#"
syntax = "proto3";
package a.b;
import public "x.proto";
option java_package = "a.b";
option (my.opt).sub = { a: 1 b: [1, 2] c { d: "x" } };
message M {
  reserved 1, 2 to 5, 10 to max;
  reserved "a", "b";
  int32 x = 1 [deprecated = true, (f) = -inf];
  map<string, .a.b.M> m = 2;
  oneof o { string s = 3; M mm = 4; }
  message N { enum E { A = 0; B = -1 [(v) = 1]; } }
  optional group G = 5 { int32 y = 1; }
  extensions 100 to 200 [declaration = { number: 100 full_name: ".x" type: "int32" }];
}
service S { rpc A(M) returns (stream M) { option deprecated = true; } rpc B(M) returns (M); }
extend M { int32 ext = 100; }
"#);
        assert_eq!(f.decls.len(), 8);
    }

    #[test]
    fn editions_and_identifier_reserved_names() {
        ok("edition = \"2023\";\nmessage M { reserved foo, bar; int32 x = 1 [features.field_presence = IMPLICIT]; }");
    }

    #[test]
    fn errors_have_positions_and_recovery_continues() {
        let src = "syntax = \"proto3\";\nmessage M {\n  int32 = 1;\n  string ok = 2;\n  foo bar baz;\n}\n";
        let p = parse(src);
        assert_eq!(p.errors.len(), 2, "{:?}", p.errors);
        assert_eq!(p.errors[0].message, "Expected field name. Found \"=\".");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut src = String::new();
        for i in 0..10_000 {
            src.push_str(&format!("message M{i} {{ "));
        }
        for _ in 0..10_000 {
            src.push('}');
        }
        let p = parse(&src);
        assert_eq!(p.errors.len(), 1);
        assert!(p.errors[0].message.contains("nested too deeply"));
    }

    #[test]
    fn aggregate_is_joined_like_protoc() {
        let f = ok("option (a) = { b: 1\n c { d: \"x y\" } };");
        let Decl::Option(o) = &f.decls[0] else { panic!() };
        let OptionValueKind::Aggregate(text) = &o.assign.value.kind else { panic!() };
        assert_eq!(text, "b : 1 c { d : \"x y\" }");
    }

    #[test]
    fn comments_attach_like_protoc() {
        let f = ok("// d\n\n// lead\nsyntax = \"proto3\"; // trail\n");
        let Decl::Syntax(s) = &f.decls[0] else { panic!() };
        assert_eq!(s.comments.leading.as_deref(), Some(" lead\n"));
        assert_eq!(s.comments.trailing.as_deref(), Some(" trail\n"));
        assert_eq!(s.comments.detached, vec![" d\n".to_string()]);
    }
}
