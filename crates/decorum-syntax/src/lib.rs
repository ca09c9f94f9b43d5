//! decorum-syntax
