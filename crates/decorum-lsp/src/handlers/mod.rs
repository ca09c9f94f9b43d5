//! One module per LSP method (or closely related group of notifications). Handlers are
//! thin: read the parameters, convert positions, call the core, convert back.
//!
//! Policy-file features beyond diagnostics (completion, go-to-definition, formatting)
//! belong in modules of their own here, dispatching on [`crate::state::Role::Policy`].

pub mod code_action;
pub mod code_lens;
pub mod completion;
pub mod configuration;
pub mod definition;
pub mod diagnostic;
pub mod formatting;
pub mod hover;
pub mod initialize;
pub mod policy_actions;
pub mod policy_hover;
pub mod symbols;
pub mod text_sync;
pub mod watched_files;
