//! Settings after start-up: `workspace/didChangeConfiguration` and
//! `workspace/configuration` (section `decorum`), and workspace folders coming and going.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::Value;
use tower_lsp_server::ls_types::{
    ConfigurationItem, DidChangeConfigurationParams, DidChangeWorkspaceFoldersParams, MessageType,
};

use super::initialize::uri_path;
use crate::checks::{publish, schedule_all};
use crate::log::Level;
use crate::settings::Settings;
use crate::state::{Role, State, write};

/// `workspace/didChangeConfiguration`: use the settings sent along, and ask for them
/// when the client can be asked.
///
/// The settings sent along apply first, in the handler; the answer to the request then
/// replaces them, unless it is `null`: the client has nothing for the `decorum` section
/// (Neovim answers so for a section not in its `settings` table), and the settings sent
/// along stand.
pub async fn did_change_configuration(state: &Arc<State>, params: DidChangeConfigurationParams) {
    if !params.settings.is_null() {
        // Newer than the answers to the requests sent before this notification: one of
        // them arriving late must not replace these.
        let asked = state.settings_asked.load(Ordering::SeqCst);
        state.settings_answered.fetch_max(asked, Ordering::SeqCst);
        apply(state, Some(&params.settings), None).await;
    }
    // After the settings sent along are written (the answer must come after them, or
    // they would replace it).
    if state.flags().configuration {
        refresh(state);
    }
}

/// How long the server waits for the client's answer to `workspace/configuration`: a
/// client that never answers would otherwise keep a task waiting for good.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// Asks the client for the `decorum` section, on a task of its own, and applies the
/// answer when it comes unless the answer to a later request came first.
///
/// Not awaited by the notification handlers: the server ends once every handler has
/// returned, so `exit` waited out an unanswered request (5 s), and the settings of a
/// client that answers late only arrive late, whoever waits for them. Settings sent with
/// `didChangeConfiguration` itself apply in the handler, before later notifications.
pub fn refresh(state: &Arc<State>) {
    let asked = state.settings_asked.fetch_add(1, Ordering::SeqCst) + 1;
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("decorum".to_owned()),
        };
        let answer = tokio::time::timeout(ANSWER_TIMEOUT, state.client.configuration(vec![item]));
        match answer.await {
            Ok(Ok(values)) => apply(&state, values.first(), Some(asked)).await,
            Ok(Err(_)) => crate::log!(Level::Warn, "workspace/configuration failed"),
            Err(_) => crate::log!(
                Level::Warn,
                "no answer to workspace/configuration in {} s: the settings stay as they were",
                ANSWER_TIMEOUT.as_secs()
            ),
        }
    });
}

/// Applies settings: sent along (`asked` is `None`), or the answer to the
/// `workspace/configuration` request numbered `asked`, which is dropped when the answer
/// to a later request was applied already (answers can arrive out of order).
async fn apply(state: &Arc<State>, value: Option<&Value>, asked: Option<u64>) {
    let newest = || {
        asked.is_none_or(|asked| state.settings_answered.fetch_max(asked, Ordering::SeqCst) < asked)
    };
    // A client without settings for us answers null: keep the settings in use (from
    // initializationOptions, or sent along with didChangeConfiguration).
    let Some(value) = value.filter(|v| !v.is_null()) else {
        // Still the newest answer: an older one arriving later must not apply.
        newest();
        return;
    };
    let (settings, warnings) = Settings::from_json(Some(value));
    // Written before the first await, so the notifications after this one see them.
    let changed_drafts = {
        let mut current = write(&state.settings);
        // Checked under the lock, so two answers cannot pass the check and then write
        // in the wrong order.
        if !newest() {
            crate::log!(
                Level::Debug,
                "an answer older than the settings in use is dropped"
            );
            return;
        }
        let old = Arc::clone(&current);
        *current = Arc::new(settings.clone());
        old.enable != settings.enable
            || old.language_ids != settings.language_ids
            || old.globs != settings.globs
    };
    log_warnings(&warnings);
    show_warnings(state, &warnings).await;
    crate::log!(Level::Info, "settings updated (re-check: {changed_drafts})");
    if changed_drafts {
        schedule_all(state, |role| matches!(role, Role::Draft(_)));
    } else {
        // Only the minimum severity changed: re-send what is stored, no re-check.
        let stored: Vec<_> = state
            .documents
            .iter()
            .filter_map(|d| d.latest.clone().map(|e| (d.key().clone(), e)))
            .collect();
        for (uri, evaluation) in stored {
            publish(state, &uri, &evaluation).await;
        }
    }
}

/// `workspace/didChangeWorkspaceFolders`.
pub async fn did_change_workspace_folders(
    state: &Arc<State>,
    params: DidChangeWorkspaceFoldersParams,
) {
    state.change_folders(|folders| {
        for removed in params.event.removed.iter().filter_map(|f| uri_path(&f.uri)) {
            folders.retain(|f| *f != removed);
        }
        folders.extend(params.event.added.iter().filter_map(|f| uri_path(&f.uri)));
    });
    crate::reload::rehome_documents(state).await;
    if !params.event.added.is_empty() {
        // On a task of its own: a compile must not hold up the notifications after this.
        let state = Arc::clone(state);
        tokio::spawn(async move { super::initialize::preload_contexts(&state).await });
    }
}

/// Logs settings warnings without what they quote (a glob can name a patient).
pub(super) fn log_warnings(warnings: &[String]) {
    for warning in warnings {
        crate::log!(Level::Warn, "{}", crate::log::without_quoted(warning));
    }
}

/// Shows settings warnings to the writer, in full, as one message.
pub(super) async fn show_warnings(state: &State, warnings: &[String]) {
    if !warnings.is_empty() {
        let message = format!("Decorum: {}", warnings.join("; "));
        state
            .client
            .show_message(MessageType::WARNING, message)
            .await;
    }
}
