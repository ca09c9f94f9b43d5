//! `workspace/didChangeWatchedFiles`: policy files and configuration changed on disk.

use std::sync::Arc;

use tower_lsp_server::ls_types::DidChangeWatchedFilesParams;

use super::initialize::uri_path;
use crate::state::State;

/// Reloads the policies the changed files belong to.
pub async fn did_change_watched_files(state: &Arc<State>, params: DidChangeWatchedFilesParams) {
    let paths = params
        .changes
        .iter()
        .filter_map(|change| uri_path(&change.uri))
        .collect();
    crate::reload::files_changed(state, paths).await;
}
