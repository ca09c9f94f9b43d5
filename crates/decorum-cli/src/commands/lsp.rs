//! `decorum lsp`: the language server on standard input and output (see docs/lsp.md).

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

/// Arguments of `decorum lsp`.
#[derive(clap::Args, Debug)]
pub struct LspArgs {
    /// Append a log to this file: methods, rule ids, ranges, versions and timings, never
    /// draft text. Without it nothing is logged.
    #[arg(long, value_name = "PATH")]
    log_file: Option<PathBuf>,
    /// How much to log (with --log-file).
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = LogLevel::Info)]
    log_level: LogLevel,
    /// Accepted and ignored: the server always speaks over stdio, and clients pass it.
    #[arg(long)]
    stdio: bool,
}

/// Log levels of `--log-level`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

/// The protocol's status for an `exit` (or the end of input) without `shutdown`.
const EXIT_WITHOUT_SHUTDOWN: u8 = 1;

/// Runs `decorum lsp` until the client exits.
pub fn run(args: LspArgs) -> u8 {
    let level = match args.log_level {
        LogLevel::Error => decorum_lsp::Level::Error,
        LogLevel::Warn => decorum_lsp::Level::Warn,
        LogLevel::Info => decorum_lsp::Level::Info,
        LogLevel::Debug => decorum_lsp::Level::Debug,
    };
    let options = decorum_lsp::ServerOptions {
        log_file: args.log_file,
        log_level: Some(level),
    };
    match decorum_lsp::run_stdio(options) {
        Ok(true) => super::EXIT_OK,
        Ok(false) => EXIT_WITHOUT_SHUTDOWN,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "error: {message}");
            super::EXIT_ERROR
        }
    }
}
