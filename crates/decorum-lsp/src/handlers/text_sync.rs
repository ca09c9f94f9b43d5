//! `textDocument/didOpen`, `didChange`, `didClose`, `didSave`.
//!
//! These run synchronously up to the point where they schedule a check: tower-lsp-server
//! starts handler futures in the order messages arrive (it polls each new future once
//! before taking the next message off its queue), and a handler that does its work
//! before its first `.await` therefore applies edits in arrival order.

use std::path::Path;
use std::sync::Arc;

use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams,
};

use super::initialize::uri_path;
use crate::checks::schedule;
use crate::context::ContextKey;
use crate::document::{ChangeRejected, DocumentText};
use crate::log::Level;
use crate::state::{Document, Role, State};

/// The role of a document at `path` (`None` for unsaved documents) in `language_id`.
fn role_of(path: Option<&Path>, language_id: &str, folders: &[std::path::PathBuf]) -> Role {
    let name = path
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.ends_with(decorum_workspace::EXTENSION) || (path.is_none() && language_id == "decorum")
    {
        Role::Policy
    } else if name == "decorum.toml" {
        Role::Config
    } else {
        Role::Draft(ContextKey::for_document(path, folders))
    }
}

/// `didOpen`: store the text and check it.
pub fn did_open(state: &Arc<State>, params: DidOpenTextDocumentParams) {
    let item = params.text_document;
    let path = uri_path(&item.uri);
    let role = role_of(path.as_deref(), &item.language_id, &state.folders());
    let log_id = state.next_log_id();
    crate::log!(
        Level::Debug,
        "didOpen doc#{log_id} v{} ({}, {} bytes, {:?})",
        item.version,
        item.language_id,
        item.text.len(),
        role_kind(&role)
    );
    let document = Document {
        log_id,
        language_id: item.language_id,
        path,
        text: DocumentText::new(item.text, item.version),
        role,
        generation: 0,
        checking: false,
        latest: None,
        memo: Default::default(),
    };
    let is_policy = document.role == Role::Policy;
    state.documents.insert(item.uri.clone(), document);
    schedule(state, &item.uri);
    if is_policy {
        crate::checks::schedule_possible_importers(state, &item.uri);
    }
}

fn role_kind(role: &Role) -> &'static str {
    match role {
        Role::Draft(_) => "draft candidate",
        Role::Policy => "policy",
        Role::Config => "config",
    }
}

/// `didChange`: apply the edits in order, then schedule a check of the new version.
pub fn did_change(state: &Arc<State>, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let version = params.text_document.version;
    let encoding = state.encoding();
    let outcome = {
        let Some(mut doc) = state.documents.get_mut(&uri) else {
            crate::log!(Level::Warn, "didChange for a document that is not open");
            return;
        };
        let log_id = doc.log_id;
        let started = std::time::Instant::now();
        let result = doc.text.apply(version, &params.content_changes, encoding);
        // The generation moves with the text, under the same lock (see `mark_changed`).
        let start = result.is_ok() && crate::checks::mark_changed(&mut doc);
        (log_id, result, started.elapsed(), start)
    };
    match outcome {
        (log_id, Ok(touched), took, start) => {
            crate::log!(
                Level::Debug,
                "didChange doc#{log_id} v{version}: {} changes, {touched} bytes touched, applied in {:.3} ms",
                params.content_changes.len(),
                took.as_secs_f64() * 1000.0
            );
            if start {
                crate::checks::start_check(state, &uri);
            }
            crate::checks::schedule_importers(state, &uri);
        }
        (log_id, Err(ChangeRejected::StaleVersion { current, received }), _, _) => {
            crate::log!(
                Level::Warn,
                "didChange doc#{log_id}: version {received} is not newer than {current}; dropped"
            );
        }
    }
}

/// `didClose`: forget the document and clear its diagnostics, and the policies that
/// served only it.
pub async fn did_close(state: &Arc<State>, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let Some((_, doc)) = state.documents.remove(&uri) else {
        return;
    };
    crate::log!(Level::Debug, "didClose doc#{}", doc.log_id);
    let analysis = state.analyses.remove(&uri);
    // Requests waiting for its check find it gone.
    state.checked.notify_waiters();
    // Files that import a closed policy file read it from disk again, without the edits
    // that were never saved, or find it missing when it was never saved at all (its
    // analysis has its canonical path, also when the file has since been moved or
    // deleted; a file closed before its first analysis has its path).
    let closed = match analysis {
        Some((_, analysis)) => Some(analysis.path.clone()),
        None if doc.role == Role::Policy => doc
            .path
            .as_deref()
            .and_then(decorum_workspace::canonical_file),
        None => None,
    };
    if let Some(path) = closed {
        crate::checks::schedule_importers_of(state, &path, &uri);
    }
    state
        .client
        .publish_diagnostics(uri, Vec::new(), None)
        .await;
    // The last draft (or `decorum.toml`) of a configuration outside the workspace, or of
    // a folder that left it: its policies go, and the problems shown on their files.
    if doc.role != Role::Policy {
        crate::checks::forget_unused_contexts(state).await;
    }
}

/// `didSave`: a saved policy file or configuration reloads the policies.
pub async fn did_save(state: &Arc<State>, params: DidSaveTextDocumentParams) {
    let Some(path) = uri_path(&params.text_document.uri) else {
        return;
    };
    if crate::reload::is_policy_input(&path) {
        crate::reload::files_changed(state, vec![path]).await;
    }
}
