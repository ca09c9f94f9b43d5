//! The `LanguageServer` implementation: one line per method, delegating to `handlers`.

use std::sync::Arc;

use std::sync::atomic::{AtomicBool, Ordering};

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeActionParams, CodeActionResponse, CodeLens, CodeLensParams, DidChangeConfigurationParams,
    DidChangeTextDocumentParams, DidChangeWatchedFilesParams, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentDiagnosticParams, DocumentDiagnosticReportResult, DocumentFormattingParams, Hover,
    HoverParams, InitializeParams, InitializeResult, InitializedParams, TextEdit,
};
use tower_lsp_server::ls_types::{
    CompletionParams, CompletionResponse, DocumentSymbolParams, DocumentSymbolResponse,
    GotoDefinitionParams, GotoDefinitionResponse, Location, PrepareRenameResponse, ReferenceParams,
    RenameParams, TextDocumentPositionParams, WorkspaceEdit, WorkspaceSymbolParams,
    WorkspaceSymbolResponse,
};
use tower_lsp_server::{LanguageServer, LspService};

use crate::handlers::{
    code_action, code_lens, completion, configuration, definition, diagnostic, formatting, hover,
    initialize, rename, symbols, text_sync, watched_files,
};
use crate::log::Level;
use crate::state::State;

/// Set to `1` in the environment to enable the test hooks: `decorum/testPanic`, a request
/// that panics inside its handler (for the end-to-end test that a panic becomes an error
/// reply), `DECORUM_LSP_TEST_CHECK_DELAY_MS`, a wait before every scheduled check, and
/// `DECORUM_LSP_TEST_PRELOAD_DELAY_MS`, a wait before the policies load at `initialized`.
pub const TEST_HOOKS_ENV: &str = "DECORUM_LSP_TEST_HOOKS";

/// The language server: shared state behind an `Arc`, so check tasks can hold it.
pub struct Backend {
    /// Everything the handlers share.
    pub state: Arc<State>,
    /// Set by `shutdown`: the exit status depends on it.
    shut_down: Arc<AtomicBool>,
}

impl Backend {
    async fn test_panic(&self) -> Result<()> {
        panic!("decorum/testPanic was called");
    }
}

/// Builds the service (and the socket for server-to-client messages); `shut_down` is
/// set when the client asks the server to shut down.
pub fn build(shut_down: Arc<AtomicBool>) -> (LspService<Backend>, tower_lsp_server::ClientSocket) {
    let mut builder = LspService::build(|client| Backend {
        state: Arc::new(State::new(client)),
        shut_down,
    });
    if std::env::var(TEST_HOOKS_ENV).is_ok_and(|v| v == "1") {
        builder = builder.custom_method("decorum/testPanic", Backend::test_panic);
    }
    builder.finish()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        Ok(initialize::initialize(&self.state, params))
    }

    async fn initialized(&self, _: InitializedParams) {
        initialize::initialized(&self.state).await;
    }

    async fn shutdown(&self) -> Result<()> {
        crate::log!(Level::Info, "shutdown");
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        text_sync::did_open(&self.state, params);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        text_sync::did_change(&self.state, params);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        text_sync::did_close(&self.state, params).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        text_sync::did_save(&self.state, params).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        configuration::did_change_configuration(&self.state, params).await;
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        configuration::did_change_workspace_folders(&self.state, params).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        watched_files::did_change_watched_files(&self.state, params).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        Ok(hover::hover(&self.state, params).await)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        Ok(completion::completion(&self.state, params).await)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        Ok(definition::definition(&self.state, params).await)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        Ok(definition::references(&self.state, params).await)
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        rename::prepare_rename(&self.state, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        rename::rename(&self.state, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(symbols::document_symbols(&self.state, params))
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        Ok(symbols::workspace_symbols(&self.state, params).await)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        Ok(Some(code_action::code_action(&self.state, params).await))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        Ok(code_lens::code_lens(&self.state, params).await)
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        Ok(formatting::formatting(&self.state, params))
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        diagnostic::diagnostic(&self.state, params).await
    }
}
