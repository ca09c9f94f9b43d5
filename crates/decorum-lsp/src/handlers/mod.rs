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
pub mod rename;
pub mod symbols;
pub mod text_sync;
pub mod watched_files;

use std::sync::Arc;

use tower_lsp_server::ls_types::Uri;

use crate::state::{Role, State};

/// Runs `work` on the blocking pool and returns its answer: policy features may compute
/// an analysis (a compile) or wait for the one the check task is computing, which must
/// not hold up the async workers. A panic in `work` answers `T::default()` (no result).
pub(crate) async fn off_workers<T, F>(state: &Arc<State>, work: F) -> T
where
    T: Default + Send + 'static,
    F: FnOnce(&State) -> T + Send + 'static,
{
    let worker = Arc::clone(state);
    tokio::task::spawn_blocking(move || work(&worker))
        .await
        .unwrap_or_default()
}

/// True when `uri` is an open policy file.
pub(crate) fn is_policy(state: &State, uri: &Uri) -> bool {
    state
        .documents
        .get(uri)
        .is_some_and(|doc| doc.role == Role::Policy)
}
