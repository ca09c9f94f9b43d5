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
    /// Policy files or folders (searched for `.decorum` files, honouring .gitignore);
    /// `-` formats standard input to standard output. Default: the current folder.
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
        return stdin(args.check);
    }
    let mut files = Vec::new();
    let mut failed = false;
    for path in &paths {
        if path.is_dir() {
            let walk = ignore::WalkBuilder::new(path)
                .hidden(true)
                .git_ignore(true)
                .require_git(false)
                .build();
            for entry in walk.flatten() {
                let p = entry.path();
                if p.is_file() && p.extension().is_some_and(|e| e == "decorum") {
                    files.push(p.to_path_buf());
                }
            }
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            let _ = writeln!(
                std::io::stderr(),
                "error: no such file or folder: {}",
                path.display()
            );
            failed = true;
        }
    }
    files.sort();
    files.dedup();
    let mut unformatted = Vec::new();
    let mut written = 0usize;
    for file in &files {
        let shown = shown(file);
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "error: {shown}: cannot read it as UTF-8 text: {e}"
                );
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
                    let _ = writeln!(std::io::stderr(), "error: {shown}: cannot write it: {e}");
                    failed = true;
                } else {
                    written += 1;
                    let _ = writeln!(std::io::stdout(), "formatted {shown}");
                }
            }
            Err(FormatError::Syntax(errors)) => {
                let index = LineIndex::new(&text);
                for e in errors.iter().take(3) {
                    let lc = index.line_char_col(&text, e.range.start());
                    let _ = writeln!(
                        std::io::stderr(),
                        "error: {shown}:{}:{}: {} (not formatted: fix the syntax first)",
                        lc.line + 1,
                        lc.col + 1,
                        e.message
                    );
                }
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
        let _ = writeln!(
            std::io::stdout(),
            "{} policy {} already formatted",
            files.len(),
            if files.len() == 1 { "file" } else { "files" }
        );
    }
    EXIT_OK
}

fn stdin(check: bool) -> u8 {
    let mut text = String::new();
    if std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).is_err() {
        let _ = writeln!(std::io::stderr(), "error: standard input is not UTF-8 text");
        return EXIT_ERROR;
    }
    match decorum_syntax::format(&text) {
        Ok(formatted) => {
            if check {
                return if formatted == text {
                    EXIT_OK
                } else {
                    EXIT_FINDINGS
                };
            }
            let _ = std::io::stdout().write_all(formatted.as_bytes());
            EXIT_OK
        }
        Err(FormatError::Syntax(errors)) => {
            let index = LineIndex::new(&text);
            for e in errors.iter().take(3) {
                let lc = index.line_char_col(&text, e.range.start());
                let _ = writeln!(
                    std::io::stderr(),
                    "error: <stdin>:{}:{}: {}",
                    lc.line + 1,
                    lc.col + 1,
                    e.message
                );
            }
            EXIT_ERROR
        }
        Err(FormatError::Unsafe(why)) => {
            let _ = writeln!(std::io::stderr(), "error: <stdin>: not formatted: {why}");
            EXIT_ERROR
        }
    }
}

fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string()
}
