//! `decorum fmt`: format policy files in place (or check that they are formatted).
//!
//! One canonical layout, no options (see `decorum_syntax::format`). A file is written
//! only when the formatter proved its output parses to the same tree with the same
//! comments, and it is written atomically (temporary file, then rename).

use std::io::Write;
use std::path::{Path, PathBuf};

use decorum_syntax::FormatError;
use decorum_text::LineIndex;

use super::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

/// Arguments of `decorum fmt`.
#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Policy files or folders (searched for `.decorum` files, skipping hidden files and
    /// folders, what .gitignore or .ignore files inside them exclude, and shared
    /// libraries' folders below them, whose
    /// files decorum.lock pins); `-` alone formats standard input to standard output.
    /// Default: the current folder.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write nothing; exit 1 when a file is not formatted, listing it.
    #[arg(long)]
    pub check: bool,
}

/// Runs `decorum fmt`.
pub fn run(args: FmtArgs) -> u8 {
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            let _ = writeln!(
                std::io::stderr(),
                "error: `-` (standard input) cannot be combined with other paths\n  \
                 = help: run `decorum fmt -` on its own, and `decorum fmt PATH...` for files"
            );
            return EXIT_ERROR;
        }
        return stdin(args.check);
    }
    let mut files = Vec::new();
    let mut failed = false;
    let mut searched_folders = false;
    for path in &paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                searched_folders = true;
                failed |= !policy_files_in(path, &mut files);
            }
            Ok(meta) if meta.is_file() => files.push(path.clone()),
            Ok(_) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: {}: not a regular file or folder\n  \
                     = help: fmt formats `.decorum` files in place; to format text from \
                     elsewhere, pipe it through `decorum fmt -`",
                    shown(path)
                );
                failed = true;
            }
            Err(e) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: {}: {}",
                    shown(path),
                    if e.kind() == std::io::ErrorKind::NotFound {
                        "no such file or folder".to_string()
                    } else {
                        format!("cannot read it: {e}")
                    }
                );
                failed = true;
            }
        }
    }
    // The same file named twice (`x.decorum ./x.decorum`) is formatted once.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    files.sort();
    if files.is_empty() && searched_folders && !failed {
        let _ = writeln!(
            std::io::stderr(),
            "warning: no policy files (`.decorum`) found in {}",
            paths
                .iter()
                .map(|p| shown(p))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let mut unformatted = Vec::new();
    let mut written = 0usize;
    for file in &files {
        let shown = shown(file);
        // Read as `check` and `test` read a policy: a file they refuse (too large, not
        // UTF-8) is not formatted either.
        let text = match decorum_workspace::read_policy_file(file, &shown) {
            Ok(t) => t,
            Err(e) => {
                report_unread(e);
                failed = true;
                continue;
            }
        };
        match decorum_syntax::format(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                if args.check {
                    unformatted.push(shown);
                } else if let Err(e) = decorum_workspace::atomic_write(file, &formatted) {
                    let _ = writeln!(
                        std::io::stderr(),
                        "error: {shown}: not formatted, left as it was: {e}"
                    );
                    failed = true;
                } else {
                    written += 1;
                    crate::output::print(format!("formatted {shown}\n"));
                }
            }
            Err(FormatError::Syntax(errors)) => {
                report_syntax(&shown, &text, &errors);
                failed = true;
            }
            Err(FormatError::Unsafe(why)) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: {shown}: not formatted: {why}. This is a bug in decorum fmt; the file was left untouched"
                );
                failed = true;
            }
        }
    }
    if args.check && !unformatted.is_empty() {
        let mut out =
            String::from("these policy files are not formatted (run `decorum fmt` on them):\n");
        for f in &unformatted {
            out.push_str(&format!("  {f}\n"));
        }
        let _ = std::io::stderr().write_all(out.as_bytes());
    }
    if failed {
        return EXIT_ERROR;
    }
    if !unformatted.is_empty() {
        return EXIT_FINDINGS;
    }
    if !args.check && written == 0 {
        crate::output::print(format!(
            "{} policy {} already formatted\n",
            files.len(),
            if files.len() == 1 { "file" } else { "files" }
        ));
    }
    EXIT_OK
}

/// Says why a policy was not read (too large, not UTF-8, unreadable).
fn report_unread(e: decorum_workspace::LoadError) {
    let help = e
        .help
        .map(|help| format!("\n  = help: {help}"))
        .unwrap_or_default();
    let _ = writeln!(std::io::stderr(), "error: {}{help}", e.message);
}

fn stdin(check: bool) -> u8 {
    let text = match decorum_workspace::read_policy_stdin(std::io::stdin().lock()) {
        Ok(text) => text,
        Err(e) => {
            report_unread(e);
            return EXIT_ERROR;
        }
    };
    match decorum_syntax::format(&text) {
        Ok(formatted) => {
            if check {
                if formatted == text {
                    return EXIT_OK;
                }
                let _ = writeln!(
                    std::io::stderr(),
                    "standard input is not formatted (`decorum fmt -` prints it formatted)"
                );
                return EXIT_FINDINGS;
            }
            crate::output::print(formatted.as_bytes());
            EXIT_OK
        }
        Err(FormatError::Syntax(errors)) => {
            report_syntax("<stdin>", &text, &errors);
            EXIT_ERROR
        }
        Err(FormatError::Unsafe(why)) => {
            let _ = writeln!(std::io::stderr(), "error: <stdin>: not formatted: {why}");
            EXIT_ERROR
        }
    }
}

/// Gathers the policy files under `folder` into `files`; false if part of it could not
/// be searched (each such place is reported).
///
/// A shared library's folder below `folder` (one with a `decorum-library.toml`) is left
/// out, with a note: its files are pinned by `decorum.lock`, and reformatting them broke
/// the lock. A library folder named itself (its publisher formatting it) is searched.
fn policy_files_in(folder: &Path, files: &mut Vec<PathBuf>) -> bool {
    // The ignore files inside the folder only: one above it (a `~/.ignore` kept for
    // ripgrep) or a user's git excludes must not make `fmt --check` pass having read
    // nothing, nor differ from machine to machine (as for drafts).
    let walk = decorum_workspace::walk_builder(folder)
        .filter_entry(|entry| {
            let library = entry.depth() > 0
                && entry.file_type().is_some_and(|t| t.is_dir())
                && entry
                    .path()
                    .join(decorum_workspace::library::MANIFEST_FILE)
                    .is_file();
            if library {
                let _ = writeln!(
                    std::io::stderr(),
                    "note: left out {}: a shared library, whose files decorum.lock pins \
                     (name the folder to format it anyway)",
                    shown(entry.path()),
                );
            }
            !library
        })
        .build();
    let mut complete = true;
    for entry in walk {
        match entry {
            Ok(entry) => {
                let p = entry.path();
                if entry.file_type().is_some_and(|t| t.is_file())
                    && p.extension().is_some_and(|e| e == "decorum")
                {
                    files.push(p.to_path_buf());
                }
            }
            Err(e) => {
                // A folder fmt cannot list may hold unformatted files: `--check` must not
                // pass over it in silence.
                let _ = writeln!(
                    std::io::stderr(),
                    "error: cannot search for policy files: {e}\n  \
                     = help: give fmt read access to the folder, or name the files to format"
                );
                complete = false;
            }
        }
    }
    complete
}

/// The syntax errors that keep a file from being formatted: the first three in full,
/// with their advice, and how many more there are.
fn report_syntax(shown: &str, text: &str, errors: &[decorum_syntax::SyntaxError]) {
    const SHOWN: usize = 3;
    let index = LineIndex::new(text);
    let mut out = String::new();
    for e in errors.iter().take(SHOWN) {
        let lc = index.line_char_col(text, e.range.start());
        out.push_str(&format!(
            "error: {shown}:{}:{}: {}\n",
            lc.line + 1,
            lc.col + 1,
            e.message
        ));
        if let Some(help) = &e.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
    }
    if errors.len() > SHOWN {
        let more = errors.len() - SHOWN;
        let all = if shown == "<stdin>" {
            String::new()
        } else {
            format!(" (`decorum test {shown}` lists them all)")
        };
        out.push_str(&format!(
            "... and {more} more syntax {}{all}\n",
            if more == 1 { "error" } else { "errors" }
        ));
    }
    out.push_str(&format!(
        "{shown}: not formatted: fmt only formats a file that parses; fix the syntax first\n"
    ));
    let _ = std::io::stderr().write_all(out.as_bytes());
}

fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    // As every report shows a path: a control character in a file name is shown as
    // its code point, never sent to the terminal.
    crate::report::human::clean_path(
        decorum_workspace::to_slash(path.strip_prefix(&cwd).unwrap_or(path))
            .trim_start_matches("./"),
    )
}
