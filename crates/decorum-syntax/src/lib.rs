//! The Decorum policy language: grammar, syntax tree and syntax errors.
//!
//! [`parse`] turns the text of a `.decorum` file into a [`PolicyFile`] plus every
//! [`SyntaxError`] it found, resynchronising at top-level items so one typo does not hide
//! the rest. The grammar lives in `grammar/decorum.pest` at the repository root. This crate
//! does no IO and resolves no names; the engine gives the tree its meaning.

pub mod ast;
mod debug_tree;
mod errors;
mod format;
mod parser;
mod strings;

pub use ast::*;
pub use debug_tree::{debug_tree, shape_tree};
pub use errors::{SyntaxError, did_you_mean};
pub use format::{FormatError, format};
pub use parser::{Parse, SUPPORTED_VERSION, parse};
