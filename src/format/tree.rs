//! A token-level tree of one file, shaped like buf's (protocompile's) AST so the
//! printer can follow buf's formatter rule for rule. Every node refers to tokens
//! by index into the attributed token list; nothing is copied.
//!
//! The input has already passed `crate::syntax::parse` without errors, so this
//! parser only has to cover valid files; anything unexpected is an `Err` (the
//! file is then left alone), never a panic.

use super::tokens::Tok;
use crate::syntax::lexer::TokenKind;

pub type T = u32;

#[derive(Debug)]
pub enum Val {
    /// An identifier, number, single string, `inf`, `nan`, `true`...
    Tok(T),
    /// `-` followed by a number or `inf`/`nan`.
    Neg(T, T),
    /// Two or more adjacent string literals.
    Compound(Vec<T>),
    Msg(Box<MsgLit>),
    Array(Box<ArrayLit>),
}

#[derive(Debug)]
pub struct MsgLit {
    pub open: T,
    pub close: T,
    pub fields: Vec<MsgField>,
    pub seps: Vec<Option<T>>,
}

#[derive(Debug)]
pub struct MsgField {
    /// `name`, or `[a.b.c]`, or `[type.googleapis.com/a.B]`: a run of tokens.
    pub name: (T, T),
    pub sep: Option<T>,
    pub val: Val,
}

#[derive(Debug)]
pub struct ArrayLit {
    pub open: T,
    pub close: T,
    pub elems: Vec<Val>,
    pub commas: Vec<T>,
}

#[derive(Debug)]
pub struct OptionNode {
    pub keyword: Option<T>,
    /// The option name as a run of tokens (parentheses and dots included).
    pub name: (T, T),
    pub eq: T,
    pub val: Val,
    pub semi: Option<T>,
}

#[derive(Debug)]
pub struct CompactOptions {
    pub open: T,
    pub opts: Vec<OptionNode>,
    pub commas: Vec<T>,
    pub close: T,
}

#[derive(Debug)]
pub struct Range {
    pub start: Val,
    pub to: Option<T>,
    pub end: Option<Val>,
}

#[derive(Debug)]
pub struct Body {
    pub open: T,
    pub decls: Vec<Decl>,
    pub close: T,
}

#[derive(Debug)]
pub enum Decl {
    Syntax {
        kw: T,
        eq: T,
        val: Val,
        semi: T,
    },
    Package {
        kw: T,
        name: (T, T),
        semi: T,
    },
    Import {
        kw: T,
        modifier: Option<T>,
        name: Val,
        semi: T,
    },
    Option(OptionNode),
    /// `visibility`: editions 2024's `export` or `local` before the keyword.
    Message {
        visibility: Option<T>,
        kw: T,
        name: T,
        body: Body,
    },
    Enum {
        visibility: Option<T>,
        kw: T,
        name: T,
        body: Body,
    },
    Service {
        kw: T,
        name: T,
        body: Body,
    },
    Extend {
        kw: T,
        extendee: (T, T),
        body: Body,
    },
    Oneof {
        kw: T,
        name: T,
        body: Body,
    },
    Field {
        label: Option<T>,
        ty: (T, T),
        name: T,
        eq: T,
        tag: T,
        opts: Option<CompactOptions>,
        semi: T,
    },
    Map {
        kw: T,
        lt: T,
        key: (T, T),
        comma: T,
        value: (T, T),
        gt: T,
        name: T,
        eq: T,
        tag: T,
        opts: Option<CompactOptions>,
        semi: T,
    },
    Group {
        label: Option<T>,
        kw: T,
        name: T,
        eq: T,
        tag: T,
        opts: Option<CompactOptions>,
        body: Body,
    },
    Extensions {
        kw: T,
        ranges: Vec<Range>,
        commas: Vec<T>,
        opts: Option<CompactOptions>,
        semi: T,
    },
    Reserved {
        kw: T,
        elems: Vec<ReservedElem>,
        commas: Vec<T>,
        semi: T,
    },
    EnumValue {
        name: T,
        eq: T,
        number: Val,
        opts: Option<CompactOptions>,
        semi: T,
    },
    Rpc {
        kw: T,
        name: T,
        input: RpcType,
        returns: T,
        output: RpcType,
        body: Option<Body>,
        semi: Option<T>,
    },
    Empty(T),
}

#[derive(Debug)]
pub enum ReservedElem {
    Range(Range),
    Name(Val),
}

#[derive(Debug)]
pub struct RpcType {
    pub open: T,
    pub stream: Option<T>,
    pub ty: (T, T),
    pub close: T,
}

#[derive(Debug)]
pub struct FileTree {
    pub decls: Vec<Decl>,
}

pub struct Unsupported;
type R<X> = Result<X, Unsupported>;

/// Message literals nest without a bound in the grammar; past this the file is
/// left unformatted rather than risking the stack.
const MAX_DEPTH: usize = 200;

pub struct TreeParser<'a> {
    src: &'a str,
    toks: &'a [Tok],
    pos: usize,
    depth: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Scope {
    Message,
    Enum,
    Service,
    Rpc,
    Extend,
    Oneof,
}

impl<'a> TreeParser<'a> {
    pub fn new(src: &'a str, toks: &'a [Tok]) -> Self {
        TreeParser { src, toks, pos: 0, depth: 0 }
    }

    /// Number of real tokens (the last entry is EOF).
    fn len(&self) -> usize {
        self.toks.len() - 1
    }
    fn at_end(&self) -> bool {
        self.pos >= self.len()
    }
    fn text_at(&self, i: usize) -> &'a str {
        if i >= self.len() {
            return "";
        }
        let t = &self.toks[i];
        &self.src[t.start as usize..t.end as usize]
    }
    fn text(&self) -> &'a str {
        self.text_at(self.pos)
    }
    fn kind_at(&self, i: usize) -> Option<TokenKind> {
        if i >= self.len() { None } else { Some(self.toks[i].kind) }
    }
    fn kind(&self) -> Option<TokenKind> {
        self.kind_at(self.pos)
    }
    fn is(&self, s: &str) -> bool {
        self.kind() != Some(TokenKind::String) && self.text() == s
    }
    fn bump(&mut self) -> R<T> {
        if self.at_end() {
            return Err(Unsupported);
        }
        self.pos += 1;
        Ok((self.pos - 1) as T)
    }
    fn expect(&mut self, s: &str) -> R<T> {
        if self.is(s) { self.bump() } else { Err(Unsupported) }
    }
    fn ident(&mut self) -> R<T> {
        if self.kind() == Some(TokenKind::Ident) { self.bump() } else { Err(Unsupported) }
    }
    /// `.a.b.C` / `a.b`: a run of identifiers and dots.
    fn dotted(&mut self) -> R<(T, T)> {
        let start = self.pos as T;
        if self.is(".") {
            self.bump()?;
        }
        let mut end = self.ident()?;
        while self.is(".") && self.kind_at(self.pos + 1) == Some(TokenKind::Ident) {
            self.bump()?;
            end = self.ident()?;
        }
        Ok((start, end))
    }

    pub fn file(&mut self) -> R<FileTree> {
        let mut decls = Vec::new();
        while !self.at_end() {
            decls.push(self.top_decl()?);
        }
        Ok(FileTree { decls })
    }

    fn top_decl(&mut self) -> R<Decl> {
        if self.is(";") {
            return Ok(Decl::Empty(self.bump()?));
        }
        match self.text() {
            "syntax" | "edition" => {
                let kw = self.bump()?;
                let eq = self.expect("=")?;
                let val = self.value()?;
                let semi = self.expect(";")?;
                Ok(Decl::Syntax { kw, eq, val, semi })
            }
            "package" => {
                let kw = self.bump()?;
                let name = self.dotted()?;
                let semi = self.expect(";")?;
                Ok(Decl::Package { kw, name, semi })
            }
            "import" => {
                let kw = self.bump()?;
                let modifier =
                    if matches!(self.text(), "public" | "weak" | "option") && self.kind() == Some(TokenKind::Ident) {
                        Some(self.bump()?)
                    } else {
                        None
                    };
                let name = self.value()?;
                let semi = self.expect(";")?;
                Ok(Decl::Import { kw, modifier, name, semi })
            }
            "option" => Ok(Decl::Option(self.option_stmt()?)),
            "message" => self.message(),
            "enum" => self.enum_decl(),
            "export" | "local" if self.is_visibility() => self.visible_type(),
            "service" => self.service(),
            "extend" => self.extend(),
            _ => Err(Unsupported),
        }
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(Unsupported) } else { Ok(()) }
    }

    fn body(&mut self, scope: Scope) -> R<Body> {
        self.enter()?;
        let open = self.expect("{")?;
        let mut decls = Vec::new();
        while !self.is("}") {
            if self.at_end() {
                return Err(Unsupported);
            }
            decls.push(self.body_decl(scope)?);
        }
        let close = self.bump()?;
        self.depth -= 1;
        Ok(Body { open, decls, close })
    }

    fn body_decl(&mut self, scope: Scope) -> R<Decl> {
        if self.is(";") {
            return Ok(Decl::Empty(self.bump()?));
        }
        let is_ident = self.kind() == Some(TokenKind::Ident);
        let next = self.text_at(self.pos + 1);
        match scope {
            Scope::Message => match self.text() {
                "export" | "local" if is_ident && self.is_visibility() => self.visible_type(),
                "message" if is_ident => self.message(),
                "enum" if is_ident => self.enum_decl(),
                "extensions" if is_ident => self.extensions(),
                "reserved" if is_ident => self.reserved(),
                "extend" if is_ident => self.extend(),
                "option" if is_ident => Ok(Decl::Option(self.option_stmt()?)),
                "oneof" if is_ident => {
                    let kw = self.bump()?;
                    let name = self.ident()?;
                    let body = self.body(Scope::Oneof)?;
                    Ok(Decl::Oneof { kw, name, body })
                }
                _ => self.field(),
            },
            Scope::Oneof | Scope::Extend => {
                if scope == Scope::Oneof && self.is("option") {
                    Ok(Decl::Option(self.option_stmt()?))
                } else {
                    self.field()
                }
            }
            Scope::Enum => {
                if self.is("option") && next != "=" {
                    Ok(Decl::Option(self.option_stmt()?))
                } else if self.is("reserved") && next != "=" {
                    self.reserved()
                } else {
                    let name = self.ident()?;
                    let eq = self.expect("=")?;
                    let number = self.number()?;
                    let opts = self.compact_options()?;
                    let semi = self.expect(";")?;
                    Ok(Decl::EnumValue { name, eq, number, opts, semi })
                }
            }
            Scope::Service => {
                if self.is("option") {
                    Ok(Decl::Option(self.option_stmt()?))
                } else {
                    self.rpc()
                }
            }
            Scope::Rpc => Ok(Decl::Option(self.option_stmt()?)),
        }
    }

    fn message(&mut self) -> R<Decl> {
        let kw = self.bump()?;
        let name = self.ident()?;
        let body = self.body(Scope::Message)?;
        Ok(Decl::Message { visibility: None, kw, name, body })
    }

    /// `export`/`local` followed by `message` or `enum` and a name (otherwise, in
    /// a message, `local` may be a field's type).
    fn is_visibility(&self) -> bool {
        matches!(self.text_at(self.pos + 1), "message" | "enum") && self.kind_at(self.pos + 2) == Some(TokenKind::Ident)
    }

    fn visible_type(&mut self) -> R<Decl> {
        let visibility = Some(self.bump()?);
        let mut decl = if self.is("message") { self.message()? } else { self.enum_decl()? };
        if let Decl::Message { visibility: v, .. } | Decl::Enum { visibility: v, .. } = &mut decl {
            *v = visibility;
        }
        Ok(decl)
    }

    fn enum_decl(&mut self) -> R<Decl> {
        let kw = self.bump()?;
        let name = self.ident()?;
        let body = self.body(Scope::Enum)?;
        Ok(Decl::Enum { visibility: None, kw, name, body })
    }

    fn service(&mut self) -> R<Decl> {
        let kw = self.bump()?;
        let name = self.ident()?;
        let body = self.body(Scope::Service)?;
        Ok(Decl::Service { kw, name, body })
    }

    fn extend(&mut self) -> R<Decl> {
        let kw = self.bump()?;
        let extendee = self.dotted()?;
        let body = self.body(Scope::Extend)?;
        Ok(Decl::Extend { kw, extendee, body })
    }

    fn rpc_type(&mut self) -> R<RpcType> {
        let open = self.expect("(")?;
        let stream = if self.is("stream") && !matches!(self.text_at(self.pos + 1), ")" | ".") {
            Some(self.bump()?)
        } else {
            None
        };
        let ty = self.dotted()?;
        let close = self.expect(")")?;
        Ok(RpcType { open, stream, ty, close })
    }

    fn rpc(&mut self) -> R<Decl> {
        let kw = self.expect("rpc")?;
        let name = self.ident()?;
        let input = self.rpc_type()?;
        let returns = self.expect("returns")?;
        let output = self.rpc_type()?;
        if self.is("{") {
            let body = self.body(Scope::Rpc)?;
            Ok(Decl::Rpc { kw, name, input, returns, output, body: Some(body), semi: None })
        } else {
            let semi = self.expect(";")?;
            Ok(Decl::Rpc { kw, name, input, returns, output, body: None, semi: Some(semi) })
        }
    }

    fn field(&mut self) -> R<Decl> {
        let label = if matches!(self.text(), "optional" | "required" | "repeated")
            && self.kind() == Some(TokenKind::Ident)
            && self.text_at(self.pos + 1) != "="
        {
            Some(self.bump()?)
        } else {
            None
        };
        if self.is("map") && self.text_at(self.pos + 1) == "<" {
            let kw = self.bump()?;
            let lt = self.bump()?;
            let key = self.dotted()?;
            let comma = self.expect(",")?;
            let value = self.dotted()?;
            let gt = self.expect(">")?;
            let name = self.ident()?;
            let eq = self.expect("=")?;
            let tag = self.bump()?;
            let opts = self.compact_options()?;
            let semi = self.expect(";")?;
            return Ok(Decl::Map { kw, lt, key, comma, value, gt, name, eq, tag, opts, semi });
        }
        if self.is("group") && self.kind_at(self.pos + 1) == Some(TokenKind::Ident) {
            let kw = self.bump()?;
            let name = self.ident()?;
            let eq = self.expect("=")?;
            let tag = self.bump()?;
            let opts = self.compact_options()?;
            let body = self.body(Scope::Message)?;
            return Ok(Decl::Group { label, kw, name, eq, tag, opts, body });
        }
        let ty = self.dotted()?;
        let name = self.ident()?;
        let eq = self.expect("=")?;
        let tag = self.bump()?;
        let opts = self.compact_options()?;
        let semi = self.expect(";")?;
        Ok(Decl::Field { label, ty, name, eq, tag, opts, semi })
    }

    fn number(&mut self) -> R<Val> {
        if self.is("-") {
            let minus = self.bump()?;
            let n = self.bump()?;
            Ok(Val::Neg(minus, n))
        } else {
            Ok(Val::Tok(self.bump()?))
        }
    }

    fn range(&mut self) -> R<Range> {
        let start = self.number()?;
        let (to, end) = if self.is("to") {
            let to = self.bump()?;
            (Some(to), Some(self.number()?))
        } else {
            (None, None)
        };
        Ok(Range { start, to, end })
    }

    fn extensions(&mut self) -> R<Decl> {
        let kw = self.bump()?;
        let mut ranges = vec![self.range()?];
        let mut commas = Vec::new();
        while self.is(",") {
            commas.push(self.bump()?);
            ranges.push(self.range()?);
        }
        let opts = self.compact_options()?;
        let semi = self.expect(";")?;
        Ok(Decl::Extensions { kw, ranges, commas, opts, semi })
    }

    fn reserved(&mut self) -> R<Decl> {
        let kw = self.bump()?;
        let mut elems = Vec::new();
        let mut commas = Vec::new();
        loop {
            let elem = match self.kind() {
                Some(TokenKind::String) => ReservedElem::Name(self.strings()?),
                Some(TokenKind::Ident) => ReservedElem::Name(Val::Tok(self.bump()?)),
                _ => ReservedElem::Range(self.range()?),
            };
            elems.push(elem);
            if self.is(",") {
                commas.push(self.bump()?);
            } else {
                break;
            }
        }
        let semi = self.expect(";")?;
        Ok(Decl::Reserved { kw, elems, commas, semi })
    }

    fn strings(&mut self) -> R<Val> {
        let first = self.bump()?;
        let mut all = vec![first];
        while self.kind() == Some(TokenKind::String) {
            all.push(self.bump()?);
        }
        Ok(if all.len() == 1 { Val::Tok(first) } else { Val::Compound(all) })
    }

    fn option_name(&mut self) -> R<(T, T)> {
        let start = self.pos as T;
        let mut end;
        loop {
            if self.is("(") {
                self.bump()?;
                self.dotted()?;
                end = self.expect(")")?;
            } else {
                end = self.ident()?;
            }
            if self.is(".") {
                self.bump()?;
            } else {
                break;
            }
        }
        Ok((start, end))
    }

    fn option_assign(&mut self, keyword: Option<T>) -> R<OptionNode> {
        let name = self.option_name()?;
        let eq = self.expect("=")?;
        let val = self.value()?;
        Ok(OptionNode { keyword, name, eq, val, semi: None })
    }

    fn option_stmt(&mut self) -> R<OptionNode> {
        let kw = self.expect("option")?;
        let mut node = self.option_assign(Some(kw))?;
        node.semi = Some(self.expect(";")?);
        Ok(node)
    }

    fn compact_options(&mut self) -> R<Option<CompactOptions>> {
        if !self.is("[") {
            return Ok(None);
        }
        let open = self.bump()?;
        let mut opts = vec![self.option_assign(None)?];
        let mut commas = Vec::new();
        while self.is(",") {
            commas.push(self.bump()?);
            opts.push(self.option_assign(None)?);
        }
        let close = self.expect("]")?;
        Ok(Some(CompactOptions { open, opts, commas, close }))
    }

    /// An option value, a message-literal field value or an array element.
    fn value(&mut self) -> R<Val> {
        match self.kind() {
            Some(TokenKind::String) => self.strings(),
            Some(TokenKind::Symbol) if self.is("-") || self.is("+") => {
                let sign = self.bump()?;
                let n = self.bump()?;
                Ok(Val::Neg(sign, n))
            }
            Some(TokenKind::Symbol) if self.is("{") || self.is("<") => Ok(Val::Msg(Box::new(self.msg_lit()?))),
            Some(TokenKind::Symbol) if self.is("[") => Ok(Val::Array(Box::new(self.array_lit()?))),
            Some(TokenKind::Ident | TokenKind::Int | TokenKind::Float) => Ok(Val::Tok(self.bump()?)),
            _ => Err(Unsupported),
        }
    }

    fn array_lit(&mut self) -> R<ArrayLit> {
        self.enter()?;
        let open = self.bump()?;
        let mut elems = Vec::new();
        let mut commas = Vec::new();
        if !self.is("]") {
            elems.push(self.value()?);
            while self.is(",") {
                commas.push(self.bump()?);
                elems.push(self.value()?);
            }
        }
        let close = self.expect("]")?;
        self.depth -= 1;
        Ok(ArrayLit { open, close, elems, commas })
    }

    fn msg_lit(&mut self) -> R<MsgLit> {
        self.enter()?;
        let open_text = self.text();
        let close_text = if open_text == "<" { ">" } else { "}" };
        let open = self.bump()?;
        let mut fields = Vec::new();
        let mut seps = Vec::new();
        while !self.is(close_text) {
            if self.at_end() {
                return Err(Unsupported);
            }
            let name_start = self.pos as T;
            let name_end = if self.is("[") {
                self.bump()?;
                while !self.is("]") {
                    self.bump()?;
                }
                self.bump()?
            } else {
                self.ident()?
            };
            let sep = if self.is(":") { Some(self.bump()?) } else { None };
            let val = self.value()?;
            fields.push(MsgField { name: (name_start, name_end), sep, val });
            seps.push(if self.is(",") || self.is(";") { Some(self.bump()?) } else { None });
        }
        let close = self.bump()?;
        self.depth -= 1;
        Ok(MsgLit { open, close, fields, seps })
    }
}
