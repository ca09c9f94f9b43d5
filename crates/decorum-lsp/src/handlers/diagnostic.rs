//! `textDocument/diagnostic`: diagnostics on request (pull), for clients that prefer it.
//!
//! The stored result is returned when it belongs to the document's current version;
//! otherwise the running check of it is waited for, or the text is checked now
//! ([`crate::checks::current`]); after a wait that runs out, the text is checked here.

use std::sync::Arc;

use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, RelatedFullDocumentDiagnosticReport,
};

use crate::checks::{current_or_check, shown};
use crate::state::State;

/// Answers `textDocument/diagnostic`. An unknown document gets an empty report.
pub async fn diagnostic(
    state: &Arc<State>,
    params: DocumentDiagnosticParams,
) -> jsonrpc::Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    // A check that outlasts the wait is not "no problems": the text is checked here, as
    // it is when no check runs.
    let evaluation = current_or_check(state, &uri)
        .await
        .map_err(|_| jsonrpc::Error::internal_error())?;
    let items = evaluation
        .map(|e| shown(&state.settings(), &e))
        .unwrap_or_default();
    Ok(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        }),
    ))
}
