//! The server's log: one line per event, to the file given with `--log-file`.
//!
//! Drafts can hold protected health information, so the log records what happened and
//! where, never what was written: method names, document numbers (not paths: a file name
//! can name a patient), versions, rule ids, byte ranges, counts and timings. Every call
//! site formats its own line; none may format draft text, a finding's message (it quotes
//! the draft) or a panic payload. `tests/lsp` checks that a distinctive draft string never
//! reaches the file.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// `message` with every double-quoted part replaced by `"…"`: for messages meant for
/// the writer that quote what they wrote (a glob in the settings can name a patient, as
/// a file name can), before they go to the log. Inside quotes, `\` escapes the next
/// character, so a quoted part written with [`quoted`] is hidden whole, whatever it holds.
pub fn without_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        match (inside, c) {
            (_, '"') => {
                out.push('"');
                if !inside {
                    out.push('…');
                }
                inside = !inside;
            }
            (true, '\\') => {
                chars.next();
            }
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}

/// `text` in double quotes, with `\` and `"` escaped, for a message that
/// [`without_quoted`] may clean before logging.
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// How much to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Failures only.
    Error,
    /// Also surprises: stale edits, unreadable settings, broken policies.
    Warn,
    /// Also lifecycle: start, workspaces, policy reloads.
    Info,
    /// Also every message handled and every check, with timings.
    Debug,
}

impl Level {
    /// Parses `error`, `warn`, `info` or `debug`.
    pub fn from_name(name: &str) -> Option<Level> {
        match name {
            "error" => Some(Level::Error),
            "warn" | "warning" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "debug" => Some(Level::Debug),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }
}

struct Logger {
    file: Mutex<std::fs::File>,
    level: Level,
    start: Instant,
}

static LOGGER: OnceLock<Logger> = OnceLock::new();

/// Opens (appends to) the log file. Without a call, nothing is logged.
pub fn init(path: &Path, level: Level) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let _ = LOGGER.set(Logger {
        file: Mutex::new(file),
        level,
        start: Instant::now(),
    });
    Ok(())
}

/// True when a message at `level` would be written (to skip building it otherwise).
pub fn enabled(level: Level) -> bool {
    LOGGER.get().is_some_and(|l| level <= l.level)
}

/// Writes one line. Use the `log!` macro.
pub fn write(level: Level, args: fmt::Arguments<'_>) {
    let Some(logger) = LOGGER.get() else {
        return;
    };
    if level > logger.level {
        return;
    }
    let wall = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let line = format!(
        "{}.{:03} +{:.3}s {} {}\n",
        wall / 1000,
        wall % 1000,
        logger.start.elapsed().as_secs_f64(),
        level.as_str(),
        args
    );
    // A poisoned lock only means another thread panicked mid-write; keep logging.
    let mut file = logger.file.lock().unwrap_or_else(|e| e.into_inner());
    let _ = file.write_all(line.as_bytes());
}

/// `log!(Level::Info, "format", args...)`: a line in the log file, if one is open.
/// Never pass draft text or a finding's message.
#[macro_export]
macro_rules! log {
    ($level:expr, $($arg:tt)*) => {
        if $crate::log::enabled($level) {
            $crate::log::write($level, format_args!($($arg)*));
        }
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_parts_leave_the_message() {
        assert_eq!(
            super::without_quoted(r#"settings: invalid glob "notes/[Ada-Ng" in `drafts.globs`: x"#),
            r#"settings: invalid glob "…" in `drafts.globs`: x"#
        );
        assert_eq!(super::without_quoted("no quotes"), "no quotes");
        // A quoted part holding quotes and backslashes is hidden whole.
        let glob = r#"notes/"Ada Ng"/\*"#;
        let message = format!("invalid glob {} here", super::quoted(glob));
        assert_eq!(super::without_quoted(&message), r#"invalid glob "…" here"#);
    }
}
