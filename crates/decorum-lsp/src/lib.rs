//! The Decorum language server: `decorum lsp`.
//!
//! Writers get diagnostics while they type a draft, a hover that explains each finding,
//! quick fixes and waiver comments; policy authors get their policy files' problems. The
//! server speaks LSP over stdio with tower-lsp-server (the maintained community fork of
//! tower-lsp) on tokio, keeping open documents and compiled policies in `DashMap`s.
//!
//! Where to start reading:
//! - [`server`]: the `LanguageServer` methods, each a line delegating to [`handlers`];
//! - [`checks`]: how edits become published diagnostics, newest version only;
//! - [`context`]: which `decorum.toml` and policies apply to a document;
//! - [`position`]: UTF-8 offsets inside, negotiated LSP positions outside;
//! - [`service`]: the raw JSON-RPC wrapper that turns handler panics into error replies.
//!
//! This is the only crate that knows LSP, tokio, tower or JSON-RPC; the engine below it
//! takes text and returns values. Drafts are never logged: see [`mod@log`].

pub mod analysis;
pub mod checks;
pub mod context;
pub mod diagnostics;
pub mod document;
pub mod framing;
pub mod handlers;
pub mod log;
pub mod navigation;
pub mod position;
pub mod reload;
pub mod server;
pub mod service;
pub mod settings;
pub mod state;
pub mod std_files;

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub use log::Level;

/// How `decorum lsp` was started.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// Append the log here (nothing is logged without it).
    pub log_file: Option<PathBuf>,
    /// How much to log.
    pub log_level: Option<Level>,
}

/// How many requests are handled at once. Notifications are cheap (edits apply before
/// their first await) and keep their order whatever this is.
const CONCURRENT_REQUESTS: usize = 8;

/// Runs the server on standard input and output until the client says `exit` or closes
/// the stream; true if the client asked it to shut down first (see [`serve`]). Fails
/// only when the log file cannot be opened or the runtime not started.
pub fn run_stdio(options: ServerOptions) -> Result<bool, String> {
    if let Some(path) = &options.log_file {
        let level = options.log_level.unwrap_or(Level::Info);
        log::init(path, level)
            .map_err(|err| format!("cannot open the log file {}: {err}", path.display()))?;
    }
    install_panic_hook();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Checks are CPU-bound and the machine has few cores; more threads would only
        // add allocator arenas (memory) and contention. stdin/stdout use two of these.
        .max_blocking_threads(8)
        .thread_name("decorum-lsp")
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start the async runtime: {err}"))?;
    crate::log!(
        Level::Info,
        "decorum lsp {} started",
        env!("CARGO_PKG_VERSION")
    );
    let shut_down = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    crate::log!(Level::Info, "exit");
    // The thread reading stdin may be blocked in a read that never returns: do not wait.
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(shut_down)
}

/// Serves LSP over any pair of streams (stdio in production, pipes in tests) until the
/// client sends `exit` or closes the input; true if it asked the server to shut down
/// first (the protocol wants exit status 0 then, and 1 otherwise).
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: tokio::io::AsyncRead + Unpin + Send + 'static,
    O: tokio::io::AsyncWrite,
{
    let shut_down = Arc::new(AtomicBool::new(false));
    let (service, socket) = server::build(Arc::clone(&shut_down));
    let service = service::Guarded::new(service);
    // Messages pass through our own framing first: see `framing` for why.
    let (filtered, pump_side) = tokio::io::duplex(64 * 1024);
    let pump = tokio::spawn(framing::pump(input, pump_side));
    tower_lsp_server::Server::new(filtered, output, socket)
        .concurrency_level(CONCURRENT_REQUESTS)
        .serve(service)
        .await;
    pump.abort();
    shut_down.load(Ordering::SeqCst)
}

/// A panic hook that reports where, never what: a panic payload can quote a draft.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        crate::log!(Level::Error, "panic at {at}");
        let _ = writeln!(std::io::stderr(), "decorum lsp: internal error at {at}");
    }));
}
