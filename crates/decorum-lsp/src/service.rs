//! A wrapper around the LSP service that sees every message as raw JSON-RPC.
//!
//! It does three things the typed handlers cannot:
//! - catches a panic inside any handler and answers the request with an `InternalError`
//!   (a notification's panic is logged), so a bug costs one reply, not the server; the
//!   payload is dropped unread, because it could quote a draft;
//! - reads `workspace.workspaceEdit.snippetEditSupport` (LSP 3.18) from `initialize`,
//!   which `ls-types` does not model yet;
//! - turns the edits of code actions marked with
//!   [`SNIPPET_MARKER`] into LSP 3.18
//!   `SnippetTextEdit`s, so the waiver's reason is a placeholder the writer tabs into;
//! - orders the start of a session that a client pipelines: see `Startup` below.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Request, Response};
use tower_lsp_server::{ExitedError, LspService};
use tower_service::Service;

use crate::handlers::code_action::SNIPPET_MARKER;
use crate::log::Level;
use crate::server::Backend;
use crate::state::{State, write};

type Reply = Result<Option<Response>, ExitedError>;
type BoxedReply = Pin<Box<dyn Future<Output = Reply> + Send>>;

/// The LSP service with panics caught and snippet edits added.
pub struct Guarded {
    inner: LspService<Backend>,
    state: Arc<State>,
    startup: Arc<Mutex<Startup>>,
}

impl Guarded {
    /// Wraps the service.
    pub fn new(inner: LspService<Backend>) -> Guarded {
        let state = Arc::clone(&inner.inner().state);
        Guarded {
            inner,
            state,
            startup: Arc::default(),
        }
    }
}

/// Where the session's start is, for clients that send `initialized` (and more) before
/// they have read the reply to `initialize`, or even before `initialize`.
///
/// tower-lsp-server counts the server as initialized only once the reply to `initialize`
/// is computed, and drops the notifications it takes before that; its reader takes the
/// next message without waiting for that reply, so a pipelined `initialized` was lost and
/// the workspace's policies were never loaded. While `initialize` is answered, the
/// service is not ready ([`Guarded::poll_ready`]), which holds the next message back until
/// the reply is there; an `initialized` that came before `initialize` is kept and run
/// once `initialize` has succeeded.
#[derive(Debug, Default)]
struct Startup {
    /// An `initialize` is being answered.
    answering: bool,
    /// An `initialize` was answered with success.
    initialized: bool,
    /// `initialized` arrived before any `initialize` succeeded: run it after one does.
    early: bool,
    /// The reader waiting for the answer to `initialize`.
    waiting: Option<Waker>,
}

/// Lets the reader go on once the reply to `initialize` is ready, or its handler was
/// dropped (cancelled), whichever way it ends.
struct Answered(Arc<Mutex<Startup>>);

impl Drop for Answered {
    fn drop(&mut self) {
        let waiting = self.0.lock().ok().and_then(|mut startup| {
            startup.answering = false;
            startup.waiting.take()
        });
        if let Some(waker) = waiting {
            waker.wake();
        }
    }
}

impl Service<Request> for Guarded {
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = BoxedReply;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
        if let Ok(mut startup) = self.startup.lock()
            && startup.answering
        {
            startup.waiting = Some(cx.waker().clone());
            return Poll::Pending;
        }
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> BoxedReply {
        let method = request.method().to_owned();
        let id = request.id().cloned();
        crate::log!(Level::Debug, "<- {method}");
        if method == "initialized" {
            let early = self.startup.lock().is_ok_and(|mut startup| {
                startup.early = !startup.initialized;
                startup.early
            });
            if early {
                // tower-lsp-server would drop it: kept until `initialize` succeeds.
                crate::log!(Level::Info, "initialized before initialize: kept for later");
                return Box::pin(async { Ok(None) });
            }
        }
        if method == "initialize" {
            if let Ok(mut startup) = self.startup.lock() {
                startup.answering = true;
            }
            let snippets = request
                .params()
                .and_then(|p| p.pointer("/capabilities/workspace/workspaceEdit/snippetEditSupport"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            write(&self.state.flags).snippet_edits = snippets;
        }
        if method == crate::framing::MALFORMED_METHOD {
            // A stand-in for a message that could not be decoded: the reply the client
            // would have got, with the message's id when it could be read and null
            // otherwise, as JSON-RPC asks.
            let params = request.params();
            let code = params
                .and_then(|p| p.get("code"))
                .and_then(Value::as_i64)
                .unwrap_or(crate::framing::PARSE_ERROR);
            let error = if code == crate::framing::PARSE_ERROR {
                Error::parse_error()
            } else {
                Error::invalid_request()
            };
            let id = params
                .and_then(|p| p.get("id"))
                .and_then(|id| serde_json::from_value(id.clone()).ok())
                .unwrap_or(tower_lsp_server::jsonrpc::Id::Null);
            let reply = Response::from_error(id, error);
            return Box::pin(async move { Ok(Some(reply)) });
        }
        // tower-lsp-server drops every `$/` message as a notification it may ignore, but
        // a `$/` request with an id must get "method not found" (LSP's `$/` rule), or the
        // client waits for its reply for ever.
        if method.starts_with("$/")
            && let Some(id) = id.clone()
        {
            let reply = Response::from_error(id, Error::method_not_found());
            return Box::pin(async move { Ok(Some(reply)) });
        }
        // Dropped with the reply's future, however that ends.
        let answered = (method == "initialize").then(|| Answered(Arc::clone(&self.startup)));
        let state = Arc::clone(&self.state);
        let inner = &mut self.inner;
        let future = match std::panic::catch_unwind(AssertUnwindSafe(|| inner.call(request))) {
            Ok(future) => future,
            Err(_) => return Box::pin(async move { Ok(panic_reply(&method, id)) }),
        };
        Box::pin(async move {
            let started = std::time::Instant::now();
            let reply = match (CatchUnwind { future }).await {
                Ok(reply) => reply,
                Err(()) => return Ok(panic_reply(&method, id)),
            };
            if let Some(answered) = answered {
                let succeeded = matches!(&reply, Ok(Some(response)) if response.is_ok());
                let run_early = answered.0.lock().is_ok_and(|mut startup| {
                    startup.initialized |= succeeded;
                    succeeded && std::mem::take(&mut startup.early)
                });
                if run_early {
                    tokio::spawn(async move {
                        crate::handlers::initialize::initialized(&state).await;
                    });
                }
                drop(answered);
            }
            crate::log!(
                Level::Debug,
                "-> {method} in {:.2} ms",
                started.elapsed().as_secs_f64() * 1000.0
            );
            match reply {
                Ok(Some(response)) if method == "textDocument/codeAction" => {
                    Ok(Some(snippet_edits(response)))
                }
                other => other,
            }
        })
    }
}

/// The reply to a request whose handler panicked (nothing for a notification).
fn panic_reply(method: &str, id: Option<tower_lsp_server::jsonrpc::Id>) -> Option<Response> {
    crate::log!(Level::Error, "handler of {method} panicked");
    let id = id?;
    let error = Error {
        code: ErrorCode::InternalError,
        message: format!("internal error in {method}; the server is still running").into(),
        data: None,
    };
    Some(Response::from_error(id, error))
}

/// Polls a future, turning a panic into `Err(())`.
struct CatchUnwind<F> {
    future: F,
}

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = &mut self.future;
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(future).poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            // The payload is dropped unread: it may quote a draft.
            Err(_) => Poll::Ready(Err(())),
        }
    }
}

/// Rewrites the marked code actions' edits as snippet edits.
fn snippet_edits(response: Response) -> Response {
    let (id, result) = response.into_parts();
    let Ok(mut value) = result else {
        return Response::from_parts(id, result);
    };
    if let Some(actions) = value.as_array_mut() {
        for action in actions {
            let marked = action
                .pointer(&format!("/data/{SNIPPET_MARKER}"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if !marked {
                continue;
            }
            if let Some(object) = action.as_object_mut() {
                object.remove("data");
            }
            let Some(changes) = action
                .pointer_mut("/edit/documentChanges")
                .and_then(Value::as_array_mut)
            else {
                continue;
            };
            for change in changes {
                let Some(edits) = change.get_mut("edits").and_then(Value::as_array_mut) else {
                    continue;
                };
                for edit in edits {
                    let Some(object) = edit.as_object_mut() else {
                        continue;
                    };
                    if let Some(text) = object.remove("newText") {
                        object.insert(
                            "snippet".to_owned(),
                            serde_json::json!({ "kind": "snippet", "value": text }),
                        );
                    }
                }
            }
        }
    }
    Response::from_ok(id, value)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tower_lsp_server::jsonrpc::Id;

    use super::*;

    #[test]
    fn marked_actions_get_snippet_edits_and_lose_the_marker() {
        let actions = json!([
            {
                "title": "Allow x here…",
                "data": { SNIPPET_MARKER: true },
                "edit": { "documentChanges": [{
                    "textDocument": { "uri": "file:///a.md", "version": 3 },
                    "edits": [{ "range": {}, "newText": "<!-- decorum-allow x: ${1:why} -->\n" }]
                }]}
            },
            {
                "title": "Remove",
                "edit": { "documentChanges": [{
                    "textDocument": { "uri": "file:///a.md", "version": 3 },
                    "edits": [{ "range": {}, "newText": "" }]
                }]}
            }
        ]);
        let out = snippet_edits(Response::from_ok(Id::Number(1), actions));
        let value = out.result().unwrap();
        let first = &value[0];
        assert!(first.get("data").is_none());
        let edit = &first["edit"]["documentChanges"][0]["edits"][0];
        assert_eq!(edit["snippet"]["kind"], "snippet");
        assert_eq!(
            edit["snippet"]["value"],
            "<!-- decorum-allow x: ${1:why} -->\n"
        );
        assert!(edit.get("newText").is_none());
        let second = &value[1]["edit"]["documentChanges"][0]["edits"][0];
        assert_eq!(second["newText"], "");
    }
}
