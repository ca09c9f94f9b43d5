//! decorum-draft
