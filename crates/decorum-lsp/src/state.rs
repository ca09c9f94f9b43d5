//! The server's state, shared by every handler: open documents, policy contexts, what
//! the client can do, and the settings.
//!
//! Documents and contexts live in `DashMap`s. A guard into one is only ever held inside
//! a synchronous block, never across an `.await` (a guard held across an await could
//! deadlock the shard against the next notification).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use dashmap::DashMap;
use decorum_engine::ScanMemo;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

use crate::analysis::PolicyAnalysis;
use crate::context::{ContextKey, PolicyContext};
use crate::document::DocumentText;
use crate::position::Encoding;
use crate::settings::Settings;

/// What an open document is to Decorum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// A draft candidate: a draft if its context's globs or the settings say so.
    Draft(ContextKey),
    /// A `.decorum` policy file.
    Policy,
    /// A `decorum.toml`.
    Config,
}

/// The diagnostics computed for one version of a document.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The version they belong to.
    pub version: i32,
    /// All diagnostics, unfiltered (the minimum-severity setting applies when they are
    /// sent, so changing it needs no re-check).
    pub diagnostics: Arc<Vec<Diagnostic>>,
    /// True when the document was checked as a draft.
    pub is_draft: bool,
}

/// An open document.
#[derive(Debug)]
pub struct Document {
    /// A number for the log (a path could name a patient).
    pub log_id: u32,
    /// The client's language id.
    pub language_id: String,
    /// The file, for `file:` URIs.
    pub path: Option<PathBuf>,
    /// Text and version.
    pub text: DocumentText,
    /// Draft, policy or config.
    pub role: Role,
    /// Bumped by every accepted change and every reason to re-check (a policy reload):
    /// a check whose generation is no longer current is not published.
    pub generation: u64,
    /// True while a check task runs for this document; new changes then only bump the
    /// generation and the running task picks up the newest text when it finishes.
    pub checking: bool,
    /// The latest diagnostics.
    pub latest: Option<Evaluation>,
    /// What the last check of a long draft found, so the next one searches only the
    /// paragraphs an edit touched (empty for short drafts).
    pub memo: Arc<Mutex<ScanMemo>>,
}

/// What the client told us it supports.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientFlags {
    /// The client pulls diagnostics (`textDocument/diagnostic`) and can be asked to pull
    /// again (`workspace/diagnostic/refresh`): do not push, ask for a pull after a
    /// re-check.
    pub pull_diagnostics: bool,
    /// `workspace/configuration` requests work.
    pub configuration: bool,
    /// File watchers can be registered dynamically.
    pub watch_files: bool,
    /// `documentChanges` in workspace edits.
    pub document_changes: bool,
    /// LSP 3.18 snippet text edits in workspace edits.
    pub snippet_edits: bool,
    /// Markdown in hover.
    pub hover_markdown: bool,
}

/// Everything the handlers share.
pub struct State {
    /// Sends notifications and requests to the client.
    pub client: Client,
    /// Open documents.
    pub documents: DashMap<Uri, Document>,
    /// Policy contexts, loaded on first use.
    pub contexts: DashMap<ContextKey, Arc<PolicyContext>>,
    /// Workspace folders, as the client named them and canonical: set through
    /// [`State::set_folders`] and [`State::change_folders`].
    folders: RwLock<WorkspaceFolders>,
    /// Settings.
    pub settings: RwLock<Arc<Settings>>,
    /// The negotiated position encoding.
    pub encoding: RwLock<Encoding>,
    /// Client capabilities that change what we send.
    pub flags: RwLock<ClientFlags>,
    /// Policy-file URIs we published context problems on (to clear them later).
    pub policy_problem_uris: DashMap<Uri, ContextKey>,
    /// The latest analysis of each open policy document.
    pub analyses: DashMap<Uri, Arc<PolicyAnalysis>>,
    /// Warnings about `initializationOptions`, shown once the client is initialized
    /// (`initialize` itself cannot send messages).
    pub startup_warnings: Mutex<Vec<String>>,
    /// Set while a `workspace/diagnostic/refresh` waits to be sent, so the re-checks
    /// of every open document after a reload ask the client once, not once each.
    pub refresh_pending: AtomicBool,
    /// Woken whenever a check's result is stored in a document's `latest`, for requests
    /// that wait for the check of the current version ([`crate::checks::current`]).
    pub checked: tokio::sync::Notify,
    /// What each changed policy input held when a reload last started for it (a hash of
    /// its bytes, `None` when it was missing): a save and the watched-files event that
    /// follows it report the same change, which reloads once (`reload::files_changed`).
    pub reloaded_inputs: Mutex<HashMap<PathBuf, Option<u64>>>,
    /// How many `workspace/configuration` requests were sent: each is numbered by it.
    pub settings_asked: AtomicU64,
    /// The number of the newest request whose answer was applied (or was null), or the
    /// newest sent before settings that `workspace/didChangeConfiguration` carried: answers
    /// to older requests that arrive later are dropped.
    pub settings_answered: AtomicU64,
    /// Woken when [`State::context`] loads a context, for the task that reports the
    /// loads nobody reported ([`crate::checks::report_loads`]).
    pub loads: Arc<tokio::sync::Notify>,
    next_log_id: AtomicU32,
    loading: Mutex<()>,
}

impl State {
    /// Fresh state for a connection.
    pub fn new(client: Client) -> State {
        State {
            client,
            documents: DashMap::new(),
            contexts: DashMap::new(),
            folders: RwLock::new(WorkspaceFolders::default()),
            settings: RwLock::new(Arc::new(Settings::default())),
            encoding: RwLock::new(Encoding::default()),
            flags: RwLock::new(ClientFlags::default()),
            policy_problem_uris: DashMap::new(),
            analyses: DashMap::new(),
            startup_warnings: Mutex::new(Vec::new()),
            refresh_pending: AtomicBool::new(false),
            checked: tokio::sync::Notify::new(),
            reloaded_inputs: Mutex::new(HashMap::new()),
            settings_asked: AtomicU64::new(0),
            settings_answered: AtomicU64::new(0),
            loads: Arc::new(tokio::sync::Notify::new()),
            next_log_id: AtomicU32::new(1),
            loading: Mutex::new(()),
        }
    }

    /// A number for a newly opened document.
    pub fn next_log_id(&self) -> u32 {
        self.next_log_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The current settings.
    pub fn settings(&self) -> Arc<Settings> {
        Arc::clone(&read(&self.settings))
    }

    /// The negotiated position encoding.
    pub fn encoding(&self) -> Encoding {
        *read(&self.encoding)
    }

    /// The client's capabilities.
    pub fn flags(&self) -> ClientFlags {
        *read(&self.flags)
    }

    /// The workspace folders, as the client named them.
    pub fn folders(&self) -> Vec<PathBuf> {
        read(&self.folders).named.clone()
    }

    /// The workspace folders with symbolic links resolved, to compare with canonical
    /// paths (a policy file's): canonicalized once, when the folders are set, not at
    /// every policy analysis and completion. A folder that did not exist then is
    /// canonicalized at each call, as it is named, until it does.
    pub fn canonical_folders(&self) -> Vec<PathBuf> {
        read(&self.folders).canonical()
    }

    /// Sets the workspace folders (at `initialize`).
    pub fn set_folders(&self, named: Vec<PathBuf>) {
        *write(&self.folders) = WorkspaceFolders::new(named);
    }

    /// Changes the workspace folders (`workspace/didChangeWorkspaceFolders`).
    pub fn change_folders(&self, change: impl FnOnce(&mut Vec<PathBuf>)) {
        let mut folders = write(&self.folders);
        let mut named = std::mem::take(&mut folders.named);
        change(&mut named);
        *folders = WorkspaceFolders::new(named);
    }

    /// The context for `key`, loading it (on the calling thread, which must be a blocking
    /// one) when it is not loaded yet; `true` when this call loaded it.
    pub fn context(&self, key: &ContextKey) -> (Arc<PolicyContext>, bool) {
        // `context_if` loads whenever `wanted` says yes, so this is always `Some`; the
        // fallback loads without sharing rather than panic.
        self.context_if(key, || true)
            .unwrap_or_else(|| (Arc::new(PolicyContext::load(key.clone(), None)), false))
    }

    /// The preload's [`State::context`]: loads the context of `key` only if it is still
    /// a workspace folder's when its turn to load comes. The preload reads the folders'
    /// keys when it starts and may wait for a draft's load; by then a `decorum.toml` may
    /// have been deleted (and its context dropped by the reload), and loading the stale
    /// key would report errors about a file that is gone. `None` for a stale key.
    pub fn preload_context(&self, key: &ContextKey) -> Option<(Arc<PolicyContext>, bool)> {
        self.context_if(key, || self.folder_keys().contains(key))
    }

    /// [`State::context`], loading only when `wanted()` says so, asked under the load
    /// lock (a context already loaded is returned either way).
    fn context_if(
        &self,
        key: &ContextKey,
        wanted: impl Fn() -> bool,
    ) -> Option<(Arc<PolicyContext>, bool)> {
        if let Some(ctx) = self.contexts.get(key) {
            return Some((Arc::clone(&ctx), false));
        }
        // One load at a time (on blocking threads, never across an await), so a draft
        // opened while the folder's policies preload waits for them instead of compiling
        // them a second time. No shard lock is held while loading.
        let _loading = self.loading.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(ctx) = self.contexts.get(key) {
            return Some((Arc::clone(&ctx), false));
        }
        if !wanted() {
            return None;
        }
        let loaded = Arc::new(PolicyContext::load(key.clone(), None));
        match self.contexts.entry(key.clone()) {
            dashmap::Entry::Occupied(entry) => Some((Arc::clone(entry.get()), false)),
            dashmap::Entry::Vacant(entry) => {
                entry.insert(Arc::clone(&loaded));
                // Whoever asked may have no way to tell the writer (a rename, a pulled
                // diagnostic): the reporter task does, if nobody else has by then.
                self.loads.notify_one();
                Some((loaded, true))
            }
        }
    }

    /// The context of each workspace folder (the `decorum.toml` above or in it, else the
    /// folder's defaults): the ones the server preloads.
    ///
    /// Looked up on disk at every call, a few `stat`s per folder (microseconds beside
    /// the navigation request that asks). The loaded contexts cannot say which is a
    /// folder's: a folder's defaults are dropped when the server learns of a
    /// `decorum.toml` in it (`reload::rehome_documents`), and a cache cleared there would
    /// miss the `decorum.toml` files the server is not told of: one above the workspace
    /// folders (outside what clients watch), or one written outside an editor that does
    /// not watch files.
    pub fn folder_keys(&self) -> Vec<ContextKey> {
        let folders = self.folders();
        folders
            .iter()
            .map(|folder| ContextKey::for_document(Some(&folder.join("_")), &folders))
            .collect()
    }

    /// Drops the contexts that serve no open document and no workspace folder any more,
    /// and returns their keys, for [`crate::checks::forget_contexts`]: a folder's defaults
    /// that a `decorum.toml` replaced, a `decorum.toml` outside every workspace folder
    /// whose last open draft closed or whose folder left. A `decorum.toml` inside a
    /// workspace folder stays loaded. Navigation and rename read every loaded context,
    /// and they would stay loaded for the rest of the session; should they be needed
    /// again, they load again when first needed.
    pub fn drop_unused_contexts(&self) -> Vec<ContextKey> {
        let folders = self.folders();
        let mut in_use = self.folder_keys();
        for doc in self.documents.iter() {
            match &doc.role {
                Role::Draft(key) => in_use.push(key.clone()),
                // An open decorum.toml is checked against its context's load.
                Role::Config => {
                    in_use.push(ContextKey::for_document(doc.path.as_deref(), &folders));
                }
                Role::Policy => {}
            }
        }
        let in_a_folder = |key: &ContextKey| match key {
            ContextKey::Config(config) => folders.iter().any(|f| config.starts_with(f)),
            ContextKey::Defaults(_) => false,
        };
        let mut dropped = Vec::new();
        self.contexts.retain(|key, _| {
            let keep = in_a_folder(key) || in_use.contains(key);
            if !keep {
                dropped.push(key.clone());
            }
            keep
        });
        dropped
    }

    /// Every loaded context, after loading (or waiting for the preload of) each workspace
    /// folder's, on the calling thread, which must be a blocking one. Navigation and
    /// rename read the workspace through these: asked while the folders' policies were
    /// still loading, a rename edited the open file alone and left every `use` and waiver
    /// naming the old name.
    pub fn loaded_contexts(&self) -> Vec<Arc<PolicyContext>> {
        for key in self.folder_keys() {
            let _ = self.context(&key);
        }
        self.contexts
            .iter()
            .map(|c| Arc::clone(c.value()))
            .collect()
    }
}

/// The workspace folders, as named and canonical.
#[derive(Debug, Default)]
struct WorkspaceFolders {
    /// As the client named them.
    named: Vec<PathBuf>,
    /// The same, canonical; `None` for a folder that could not be canonicalized (it does
    /// not exist, yet).
    canonical: Vec<Option<PathBuf>>,
}

impl WorkspaceFolders {
    fn new(named: Vec<PathBuf>) -> WorkspaceFolders {
        let canonical = named
            .iter()
            .map(|folder| std::fs::canonicalize(folder).ok())
            .collect();
        WorkspaceFolders { named, canonical }
    }

    /// Each folder canonical, else as named.
    fn canonical(&self) -> Vec<PathBuf> {
        self.named
            .iter()
            .zip(&self.canonical)
            .map(|(named, canonical)| match canonical {
                Some(canonical) => canonical.clone(),
                None => std::fs::canonicalize(named).unwrap_or_else(|_| named.clone()),
            })
            .collect()
    }
}

/// Reads a lock, ignoring poisoning (a panicking handler must not take the server down).
pub fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

/// Writes a lock, ignoring poisoning.
pub fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_folders_are_canonical_once_they_exist() {
        let dir = std::env::temp_dir().join(format!("decorum-folders-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("real")).unwrap();
        let dir = std::fs::canonicalize(&dir).unwrap();
        std::os::unix::fs::symlink(dir.join("real"), dir.join("link")).unwrap();
        let later = dir.join("later");
        let folders = WorkspaceFolders::new(vec![dir.join("link"), later.clone()]);
        assert_eq!(folders.named, [dir.join("link"), later.clone()]);
        assert_eq!(folders.canonical(), [dir.join("real"), later.clone()]);
        // A folder created after it was named is compared by where it leads.
        std::os::unix::fs::symlink(dir.join("real"), &later).unwrap();
        assert_eq!(folders.canonical(), [dir.join("real"), dir.join("real")]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
