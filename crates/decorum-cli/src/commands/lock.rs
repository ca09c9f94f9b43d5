//! `decorum lock`: pin the shared policy libraries in `decorum.lock`.

use std::io::Write;
use std::path::PathBuf;

use decorum_workspace::library::{self, LockChange};

use super::{EXIT_ERROR, EXIT_OK};
use crate::report::human::{clean_path, shown_path};
use crate::session;

/// Arguments of `decorum lock`.
#[derive(clap::Args, Debug)]
pub struct LockArgs {
    /// Configuration file; default: decorum.toml in the current folder or an ancestor.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not write; exit 1 when decorum.lock is missing or out of date.
    #[arg(long)]
    pub check: bool,
}

/// Runs `decorum lock`.
pub fn run(args: LockArgs) -> u8 {
    let config = match session::config(args.config.as_deref()) {
        Ok(c) => c,
        Err(problems) => {
            super::print_general(super::stderr_style(crate::Color::Auto), &problems);
            return EXIT_ERROR;
        }
    };
    let Some(config_file) = config.file.clone() else {
        let _ = writeln!(
            std::io::stderr(),
            "error: no decorum.toml here or in a parent folder\n  = help: libraries are declared in decorum.toml under [libraries]; `decorum lock` pins them"
        );
        return EXIT_ERROR;
    };
    if let Some(e) = library::folder_declared_twice(&config) {
        print_error(&e);
        return EXIT_ERROR;
    }
    let mut libraries = Vec::new();
    let mut failed = false;
    // Declared libraries whose folder does not exist: the same warning as every command
    // gives, and the others are pinned all the same.
    let missing = session::missing_libraries(&config, &[]);
    super::print_general(
        super::stderr_style(crate::Color::Auto),
        &session::missing_folder_warnings(&config, &missing),
    );
    for result in library::read_libraries(&config) {
        if matches!(&result, Err((name, _)) if missing.contains(&name)) {
            continue;
        }
        match result {
            Ok(lib) => {
                if lib.manifest.name != lib.name {
                    let _ = writeln!(
                        std::io::stderr(),
                        "warning: library \"{}\" calls itself \"{}\" in its {}",
                        lib.name,
                        lib.manifest.name,
                        library::MANIFEST_FILE
                    );
                }
                for (export, problem) in lib.export_problems() {
                    let name = &lib.name;
                    let place = clean_path(&lib.export_place(export));
                    let warning = match problem {
                        library::ExportProblem::Missing => format!(
                            "library \"{name}\" exports \"{export}\", but holds no {export}.decorum nor a folder {export}/ of policies\n  --> {place}\n   = help: importing \"{name}/{export}\" will fail; tell the library's publisher, or check that the folder was copied whole"
                        ),
                        library::ExportProblem::Ambiguous => format!(
                            "library \"{name}\" exports \"{export}\", which is both {export}.decorum and a folder {export}/\n  --> {place}\n   = help: importing \"{name}/{export}\" will fail as ambiguous; tell the library's publisher"
                        ),
                    };
                    let _ = writeln!(std::io::stderr(), "warning: {warning}");
                }
                libraries.push(lib);
            }
            Err((name, e)) => {
                failed = true;
                let help = e
                    .help
                    .map(|h| format!("\n  = help: {}", clean_path(&h)))
                    .unwrap_or_default();
                // Most messages name the library already.
                let named = format!("library \"{name}\"");
                let prefix = if e.message.contains(&named) {
                    String::new()
                } else {
                    format!("{named}: ")
                };
                // A message names the library's folder as decorum.toml writes it.
                let message = clean_path(&e.message);
                let _ = writeln!(std::io::stderr(), "error: {prefix}{message}{help}");
            }
        }
    }
    if failed {
        return EXIT_ERROR;
    }
    // A folder declared twice was refused above.
    let old = match library::read_lock_file(&config) {
        Ok(old) => old,
        // A lock that cannot be read is out of date: `decorum lock` writes it anew.
        Err(e) if args.check => {
            print_error(&e);
            return 1;
        }
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "warning: {}; writing it anew",
                clean_path(&e.message)
            );
            None
        }
    };
    let mut new = library::Lock::of(&libraries);
    // A missing library's old entry stays: its folder may only not be checked out here.
    let kept: Vec<library::LockedLibrary> = old
        .iter()
        .flat_map(|old| &old.libraries)
        .filter(|l| missing.contains(&&l.name))
        .cloned()
        .collect();
    let kept_names: Vec<String> = kept.iter().map(|l| format!("\"{}\"", l.name)).collect();
    new.libraries.extend(kept);
    new.libraries.sort_by(|a, b| a.name.cmp(&b.name));
    let changes = library::diff(old.as_ref(), &new);
    let path = library::lock_path(&config);
    let shown = shown_path(
        path.strip_prefix(std::env::current_dir().unwrap_or_default())
            .unwrap_or(&path),
    );
    // Said wherever the lock's pins are counted, so that "0 libraries" never hides one
    // the lock still pins.
    let kept_phrase = match kept_names.len() {
        0 => String::new(),
        1 => format!(
            "kept the pin of {}, whose folder is missing",
            kept_names.join("")
        ),
        _ => format!(
            "kept the pins of {}, whose folders are missing",
            kept_names.join(", ")
        ),
    };
    let kept_note = if kept_phrase.is_empty() {
        String::new()
    } else {
        format!("; {kept_phrase}")
    };
    let mut out = String::new();
    if old.is_none() && new.libraries.is_empty() && config.libraries.is_empty() {
        // Nothing is declared, so nothing needs pinning: check and test never ask for
        // a lock then, and neither does CI.
        if args.check {
            out.push_str(&format!(
                "{shown} is not needed: decorum.toml declares no [libraries]\n"
            ));
            crate::output::print(out.as_bytes());
            return EXIT_OK;
        }
    }
    if changes.is_empty() && old.is_some() {
        out.push_str(&format!(
            "{shown} is up to date ({} {}{kept_note})\n",
            new.libraries.len(),
            if new.libraries.len() == 1 {
                "library"
            } else {
                "libraries"
            }
        ));
        crate::output::print(out.as_bytes());
        return EXIT_OK;
    }
    for change in &changes {
        match change {
            LockChange::Added { name, version } => {
                out.push_str(&format!("  pinned  {name} {version}\n"))
            }
            LockChange::Updated {
                name,
                from,
                to,
                files,
            } => {
                let version = if from == to {
                    to.clone()
                } else {
                    format!("{from} -> {to}")
                };
                let files: Vec<String> = files.iter().map(|f| clean_path(f)).collect();
                out.push_str(&format!(
                    "  updated {name} {version}: {}\n",
                    files.join(", ")
                ));
            }
            LockChange::Moved { name, from, to } => out.push_str(&format!(
                "  moved   {name}: {} -> {}\n",
                clean_path(from),
                clean_path(to)
            )),
            LockChange::Removed { name } => out.push_str(&format!("  removed {name}\n")),
        }
    }
    if !kept_phrase.is_empty() {
        out.push_str(&format!("  {kept_phrase}\n"));
    }
    if args.check {
        let header = if old.is_none() {
            format!("{shown} is missing")
        } else {
            format!("{shown} is out of date")
        };
        if out.is_empty() {
            // Every declared library's folder is missing: nothing could be pinned here.
            out.push_str(&format!(
                "{header}, and no declared library has its folder here to pin\n  = help: fix the library paths the warnings above name, then run `decorum lock`\n"
            ));
        } else {
            out.insert_str(0, &format!("{header}:\n"));
            out.push_str("  = help: run `decorum lock` to pin the libraries as they are now\n");
        }
        let _ = std::io::stderr().write_all(out.as_bytes());
        return 1;
    }
    if let Err(e) = decorum_workspace::atomic_write(&path, &new.to_text()) {
        let _ = writeln!(std::io::stderr(), "error: cannot write {shown}: {e}");
        return EXIT_ERROR;
    }
    out.insert_str(
        0,
        &format!(
            "wrote {shown} (for {})\n",
            config_file
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
    );
    crate::output::print(out.as_bytes());
    EXIT_OK
}

/// Prints a library or lock problem with its help line.
fn print_error(e: &library::LibraryError) {
    let help = (e.help.as_deref())
        .map(|h| format!("\n  = help: {}", clean_path(h)))
        .unwrap_or_default();
    // Messages name paths: shown as every report shows one.
    let _ = writeln!(std::io::stderr(), "error: {}{help}", clean_path(&e.message));
}
