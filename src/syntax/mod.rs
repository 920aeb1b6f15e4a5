//! The protobuf language: a lossless lexer, a parser to a spanned syntax tree,
//! and protoc's comment attribution. The compiler lowers this tree to
//! descriptors; the formatter prints it back.

pub mod ast;
pub mod comments;
pub mod lexer;
pub mod parser;
pub mod statements;

pub use parser::{ParseError, Parsed, parse};
