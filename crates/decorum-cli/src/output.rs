//! Standard output, where every command writes its report.
//!
//! Every write to standard output goes through here, so that a report that could not be
//! written (a full disk, `> /dev/full`, an I/O error) is never taken for a clean run:
//! the first failure is remembered, and [`finish`] turns it into an error on standard
//! error and exit code 2. A closed pipe (`decorum check | head -1`) is the reader's
//! choice, not an error: the rest of the report is dropped quietly and the exit code is
//! the one the command decided, so that `set -o pipefail` still sees findings.

use std::io::{self, Write};
use std::sync::Mutex;

use crate::commands::EXIT_ERROR;

/// The first write to standard output that failed, if any.
static FAILED: Mutex<Option<io::Error>> = Mutex::new(None);

/// Writes `bytes` to standard output (see the module's comment for failures).
pub fn print(bytes: impl AsRef<[u8]>) {
    let mut out = io::stdout().lock();
    let written = out.write_all(bytes.as_ref()).and_then(|()| out.flush());
    if let Err(e) = written {
        remember(e);
    }
}

/// Runs `write` on buffered standard output, for reports written piece by piece (JSON,
/// SARIF), and remembers a failure as [`print()`] does.
pub fn print_with(
    write: impl FnOnce(&mut io::BufWriter<io::StdoutLock<'static>>) -> io::Result<()>,
) {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = write(&mut out).and_then(|()| out.flush());
    if let Err(e) = written {
        remember(e);
    }
}

/// Remembers `e`, a failed write to standard output, unless an earlier one failed.
pub fn remember(e: io::Error) {
    // A poisoned lock still holds a usable value: nothing panics while holding it.
    let mut failed = FAILED.lock().unwrap_or_else(|p| p.into_inner());
    if failed.is_none() {
        *failed = Some(e);
    }
}

/// The exit code of a command that decided on `code`: `code` when its report was
/// written, or when the reader closed the pipe; otherwise 2, after saying on standard
/// error what failed.
pub fn finish(code: u8) -> u8 {
    // Standard output is line-buffered: a last line without a newline may still wait.
    if let Err(e) = io::stdout().lock().flush() {
        remember(e);
    }
    let failed = FAILED.lock().unwrap_or_else(|p| p.into_inner()).take();
    match failed {
        None => code,
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Some(e) => {
            let _ = writeln!(
                io::stderr(),
                "error: cannot write the report to standard output: {e}; the report is incomplete or missing"
            );
            EXIT_ERROR
        }
    }
}
