//! decorum-engine
