//! `initialize` and `initialized`: negotiate positions, learn what the client can do,
//! announce what we do, register file watchers, fetch settings.

use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CodeLensOptions,
    CompletionOptions, DiagnosticOptions, DiagnosticServerCapabilities,
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern,
    HoverProviderCapability, InitializeParams, InitializeResult, MarkupKind, OneOf, Registration,
    RenameOptions, SaveOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
    WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};

use crate::log::Level;
use crate::position::Encoding;
use crate::settings::Settings;
use crate::state::{ClientFlags, State, write};

/// Answers `initialize`.
pub fn initialize(state: &State, params: InitializeParams) -> InitializeResult {
    let caps = &params.capabilities;
    let encoding = Encoding::negotiate(
        caps.general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let text = caps.text_document.as_ref();
    let workspace = caps.workspace.as_ref();
    let diagnostic_refresh = workspace
        .and_then(|w| w.diagnostics.as_ref())
        .and_then(|d| d.refresh_support)
        .unwrap_or(false);
    let flags = ClientFlags {
        // Pulled only by a client the server can ask to pull again: one that cannot
        // (Neovim 0.12) would show a policy reload's findings only at the draft's next
        // edit, so it gets them pushed.
        pull_diagnostics: text.is_some_and(|t| t.diagnostic.is_some()) && diagnostic_refresh,
        configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
        watch_files: workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        document_changes: workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false),
        // Read from the raw message by the service wrapper (ls-types predates it).
        snippet_edits: false,
        hover_markdown: text
            .and_then(|t| t.hover.as_ref())
            .and_then(|h| h.content_format.as_ref())
            .is_none_or(|formats| formats.contains(&MarkupKind::Markdown)),
    };
    let mut folders: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| uri_path(&f.uri))
        .collect();
    if folders.is_empty() {
        #[allow(deprecated)]
        let root = params.root_uri.as_ref().and_then(uri_path);
        folders.extend(root);
    }
    let (settings, warnings) = Settings::from_json(params.initialization_options.as_ref());
    super::configuration::log_warnings(&warnings);
    if let Ok(mut pending) = state.startup_warnings.lock() {
        *pending = warnings;
    }
    crate::log!(
        Level::Info,
        "initialize: encoding={encoding:?}, {} workspace folders, pull={}, watch={}, snippets={}",
        folders.len(),
        flags.pull_diagnostics,
        flags.watch_files,
        flags.snippet_edits
    );
    *write(&state.encoding) = encoding;
    {
        let mut current = write(&state.flags);
        let snippet_edits = current.snippet_edits;
        *current = ClientFlags {
            snippet_edits,
            ..flags
        };
    }
    state.set_folders(folders);
    *write(&state.settings) = Arc::new(settings);

    let capabilities = ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        // Policy files: `"` and `/` complete import paths, `.` imported names.
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".to_owned(), "/".to_owned(), ".".to_owned()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::new("refactor.insert"),
            ]),
            work_done_progress_options: Default::default(),
            resolve_provider: Some(false),
        })),
        diagnostic_provider: flags.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("decorum".to_owned()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                work_done_progress_options: Default::default(),
            })
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(tower_lsp_server::ls_types::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    };
    InitializeResult {
        capabilities,
        server_info: Some(ServerInfo {
            name: "decorum".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
        offset_encoding: None,
    }
}

/// After `initialized`: watch policy files and fetch settings, when the client allows.
pub async fn initialized(state: &Arc<State>) {
    let warnings = state
        .startup_warnings
        .lock()
        .map(|mut pending| std::mem::take(&mut *pending))
        .unwrap_or_default();
    super::configuration::show_warnings(state, &warnings).await;
    let flags = state.flags();
    if flags.watch_files {
        let watchers = ["**/*.decorum", "**/decorum.toml", "**/decorum.lock"]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_owned()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "decorum-policy-files".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        // Not awaited here: notifications are handled in order, so a client that never
        // answers would stall every later one.
        let client = state.client.clone();
        tokio::spawn(async move {
            if client
                .register_capability(vec![registration])
                .await
                .is_err()
            {
                crate::log!(Level::Warn, "the client refused the file watchers");
            }
        });
    }
    if flags.configuration {
        super::configuration::refresh(state);
    }
    tokio::spawn(crate::checks::report_loads(
        Arc::downgrade(state),
        Arc::clone(&state.loads),
    ));
    // On a task of its own: the server ends once its handlers have returned, and `exit`
    // must not wait for a compile (seconds for a large workspace). Requests never waited
    // for this handler; those that need the policies wait for the load itself.
    let state = Arc::clone(state);
    tokio::spawn(async move { preload_contexts(&state).await });
}

/// Compiles the policies of every workspace folder not loaded yet, so the first draft the
/// writer opens is checked without waiting for the compile, and a folder's policy errors
/// are shown before any draft of it is opened. Run at `initialized` and for folders added
/// later.
pub(crate) async fn preload_contexts(state: &Arc<State>) {
    let keys = state.folder_keys();
    // Between reading the keys and loading them, where a draft's load can hold the
    // preload back on a busy machine.
    if let Some(delay) = test_preload_delay() {
        tokio::time::sleep(delay).await;
    }
    for key in keys {
        let worker = Arc::clone(state);
        let loaded = tokio::task::spawn_blocking(move || worker.preload_context(&key)).await;
        if let Ok(Some((ctx, true))) = loaded {
            crate::checks::report_context(state, &ctx, false).await;
        }
    }
    crate::log!(Level::Debug, "preload done");
}

/// With the test hooks on, `DECORUM_LSP_TEST_PRELOAD_DELAY_MS` holds the preload back
/// after it has read the folders' keys, for the end-to-end tests that `exit` does not
/// wait for it and that a key gone stale meanwhile is not loaded.
fn test_preload_delay() -> Option<std::time::Duration> {
    let hooks = std::env::var(crate::server::TEST_HOOKS_ENV).is_ok_and(|v| v == "1");
    let ms = std::env::var("DECORUM_LSP_TEST_PRELOAD_DELAY_MS").ok()?;
    hooks
        .then(|| ms.parse().ok().map(std::time::Duration::from_millis))
        .flatten()
}

/// The file path of a `file:` URI.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.as_str().starts_with("file:") {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}
