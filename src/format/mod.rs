//! `idl format`: prints a `.proto` file in buf's style (`buf format`), byte for
//! byte, without losing a comment.
//!
//! The pipeline is: the shared lossless lexer, protocompile's comment
//! attribution ([`tokens`]), a token tree shaped like buf's AST ([`tree`]), and
//! a printer that follows buf's formatter rule for rule ([`printer`]). Files
//! with syntax errors are not formatted.

mod printer;
mod tokens;
mod tree;

use crate::syntax::{self, ParseError};

/// Formatting settings (`[format]` in idl.toml). The default is buf's style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatOptions {
    /// Spaces per indentation level (buf: 2).
    pub indent_width: usize,
    /// File options before imports (prototool's layout, Uber V2); buf: false.
    pub options_before_imports: bool,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions { indent_width: 2, options_before_imports: false }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The file does not parse; it is left alone.
    Syntax(Vec<ParseError>),
    /// The file parses but uses a construct the printer does not cover; it is
    /// left alone rather than risk changing it.
    Unsupported,
}

/// Formats one file with the default (buf) style.
pub fn format(src: &str) -> Result<String, FormatError> {
    format_with(src, &FormatOptions::default())
}

pub fn format_with(src: &str, options: &FormatOptions) -> Result<String, FormatError> {
    let parsed = syntax::parse(src);
    if !parsed.errors.is_empty() {
        return Err(FormatError::Syntax(parsed.errors));
    }
    format_parsed(src, &parsed.tokens, options)
}

/// Formats a file that already parsed without errors (its lexer tokens given).
pub fn format_parsed(
    src: &str,
    tokens: &[syntax::lexer::Token],
    options: &FormatOptions,
) -> Result<String, FormatError> {
    // buf (protocompile) drops a UTF-8 byte order mark.
    let (body, owned_tokens);
    let tokens = if let Some(rest) = src.strip_prefix('\u{feff}') {
        body = rest;
        owned_tokens = syntax::lexer::lex(rest).0;
        &owned_tokens[..]
    } else {
        body = src;
        tokens
    };
    let toks = tokens::attribute(body, tokens);
    let tree = tree::TreeParser::new(body, &toks).file().map_err(|_| FormatError::Unsupported)?;
    // buf keeps only the last of several `package` statements (a compile error
    // anyway); refusing keeps their comments.
    if tree.decls.iter().filter(|d| matches!(d, tree::Decl::Package { .. })).count() > 1 {
        return Err(FormatError::Unsupported);
    }
    let unit = " ".repeat(options.indent_width);
    let mut printer = printer::Printer::new(body, &toks, &unit);
    printer.options_before_imports = options.options_before_imports;
    printer.write_file(&tree);
    Ok(printer.out)
}
