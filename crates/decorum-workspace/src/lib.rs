//! decorum-workspace
