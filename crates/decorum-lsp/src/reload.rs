//! Reloading policies when a `.decorum` file, `decorum.toml` or `decorum.lock` changes
//! on disk (a watched-files event or a save in the editor).
//!
//! Every loaded context that depends on a changed file is loaded again on a blocking
//! thread. When the new load has errors the context keeps its last good policies and
//! the writer is told (a message, and diagnostics on the policy files). Then every open
//! draft of the context, and every open policy file, is checked again.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::checks::{report_context, schedule_all};
use crate::context::{ContextKey, PolicyContext};
use crate::log::Level;
use crate::state::{Role, State};

/// True when a change to `path` can change some policies.
pub fn is_policy_input(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(decorum_workspace::is_decorum_file)
}

/// Reloads what the changed files affect and re-checks the open documents.
pub async fn files_changed(state: &Arc<State>, changed: Vec<PathBuf>) {
    let changed: Vec<PathBuf> = changed
        .into_iter()
        .filter(|p| is_policy_input(p))
        .map(|p| std::fs::canonicalize(&p).unwrap_or(p))
        .collect();
    let changed = not_yet_reloaded(state, changed);
    if changed.is_empty() {
        return;
    }
    // A decorum.toml that appeared or disappeared moves documents between contexts.
    if changed
        .iter()
        .any(|p| p.file_name().is_some_and(|n| n == "decorum.toml"))
    {
        rehome_documents(state).await;
    }
    let affected: Vec<Arc<PolicyContext>> = state
        .contexts
        .iter()
        .filter(|ctx| changed.iter().any(|p| ctx.depends_on(p)))
        .map(|ctx| Arc::clone(ctx.value()))
        .collect();
    for old in affected {
        let key = old.key.clone();
        // Its decorum.toml was deleted: the drafts moved to another context above, and
        // this one is gone rather than broken (reloading it reported "errors, the last
        // good policies are still in use" and a problem on the deleted file).
        if let ContextKey::Config(config) = &key
            && !config.exists()
        {
            crate::log!(
                Level::Info,
                "a configuration was deleted; its context is dropped"
            );
            state.contexts.remove(&key);
            crate::checks::forget_contexts(state, &[key]).await;
            continue;
        }
        crate::log!(Level::Info, "reloading policies after a file change");
        let loaded = tokio::task::spawn_blocking(move || {
            let key = old.key.clone();
            PolicyContext::load(key, Some(&old))
        })
        .await;
        let Ok(loaded) = loaded else {
            crate::log!(Level::Error, "policy reload failed: internal error (panic)");
            // Not loaded: the next event for the same bytes tries again.
            if let Ok(mut seen) = state.reloaded_inputs.lock() {
                for path in &changed {
                    seen.remove(path);
                }
            }
            continue;
        };
        let loaded = Arc::new(loaded);
        state.contexts.insert(key.clone(), Arc::clone(&loaded));
        report_context(state, &loaded, true).await;
        schedule_all(state, |role| *role == Role::Draft(key.clone()));
    }
    schedule_all(state, |role| matches!(role, Role::Policy | Role::Config));
}

/// The files of `changed` whose bytes differ from what they held when a reload last
/// started for them, and records what they hold now. An editor that saves a policy file
/// sends `didSave` and then a watched-files event for the same write; reloading twice
/// showed an error popup twice. Hashed before the reload reads them, so a reload always
/// sees the recorded bytes or newer ones, and a write in between is a change again.
fn not_yet_reloaded(state: &State, changed: Vec<PathBuf>) -> Vec<PathBuf> {
    use std::hash::{Hash, Hasher};
    let Ok(mut seen) = state.reloaded_inputs.lock() else {
        return changed;
    };
    let mut fresh = Vec::new();
    for path in changed {
        let now = std::fs::read(&path).ok().map(|bytes| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut hasher);
            hasher.finish()
        });
        if seen.insert(path.clone(), now) != Some(now) {
            fresh.push(path);
        }
    }
    if fresh.is_empty() {
        crate::log!(Level::Debug, "a file change already reloaded was skipped");
    }
    fresh
}

/// Recomputes which context every open draft belongs to (after a `decorum.toml` was
/// created or deleted, or a workspace folder came or went) and re-checks the ones that
/// moved. Contexts that serve no open document and no workspace folder any more are
/// dropped, and the problems they published on policy files are cleared
/// ([`crate::checks::forget_unused_contexts`]): a writer who removed a folder from the
/// workspace no longer wants its errors listed.
pub async fn rehome_documents(state: &Arc<State>) {
    let folders = state.folders();
    let mut moved = Vec::new();
    for mut doc in state.documents.iter_mut() {
        if let Role::Draft(key) = &doc.role {
            let new_key = ContextKey::for_document(doc.path.as_deref(), &folders);
            if *key != new_key {
                doc.role = Role::Draft(new_key);
                moved.push(doc.key().clone());
            }
        }
    }
    // Before the first await, so the edits that follow are checked in their new context.
    for uri in moved {
        crate::checks::schedule(state, &uri);
    }
    crate::checks::forget_unused_contexts(state).await;
}
