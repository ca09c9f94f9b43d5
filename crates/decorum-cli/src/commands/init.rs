//! `decorum init`: scaffold `decorum.toml` and an organisation policy that imports the
//! standard library, with comments showing how to adjust it.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{EXIT_ERROR, EXIT_OK};
use crate::report::human::{clean_path, shown_path};

/// Arguments of `decorum init`.
#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The folder to set up; default: the current folder.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The organisation's short name, used in the policy name (letters, digits, `-` and
    /// `_`, starting with a letter).
    #[arg(long, default_value = "acme")]
    pub name: String,
}

/// Runs `decorum init`.
pub fn run(args: InitArgs) -> u8 {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let name = args.name.trim().to_lowercase();
    let valid = !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        let _ = writeln!(
            std::io::stderr(),
            "error: `{}` cannot name a policy\n  = help: use letters, digits, `-` and `_`, starting with a letter, e.g. --name smile-family",
            // A control character in the name is shown as its code point, as in a path.
            clean_path(&name)
        );
        return EXIT_ERROR;
    }
    let config = dir.join("decorum.toml");
    let policy_rel = format!("policy/{name}.decorum");
    let policy = dir.join(&policy_rel);
    for existing in [&config, &policy] {
        if existing.exists() {
            // What to do instead depends on which file is there.
            let help = if existing == &config {
                "this folder is set up already: edit its decorum.toml, or name another folder, `decorum init FOLDER`".to_owned()
            } else {
                format!(
                    "choose another name, `decorum init --name OTHER`; or, to keep that policy, write decorum.toml yourself with `policies = [\"{policy_rel}\"]` (see docs/configuration.md)"
                )
            };
            let _ = writeln!(
                std::io::stderr(),
                "error: {} already exists; decorum init never overwrites a file\n  = help: {help}",
                shown_path(existing)
            );
            return EXIT_ERROR;
        }
    }
    // The default globs: the written file takes the drafts a folder without one takes.
    let include = decorum_workspace::config::DEFAULT_INCLUDE
        .iter()
        .map(|glob| format!("\"{glob}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let config_text = format!(
        r#"# Decorum's configuration: which policies apply to which drafts.
# Every key is described in docs/configuration.md of the Decorum repository.

# The policies that apply. Yours imports the embedded standard library and adjusts it.
policies = ["{policy_rel}"]

[drafts]
# Which files are drafts (globs relative to this folder). A letter matches in the case
# written; these take .md, .markdown and .txt in any case (NOTES.MD, Post.Md).
include = [{include}]
exclude = []

# Metadata for drafts by path, e.g. posts written for X:
# [[drafts.metadata]]
# files = "social/x/**"
# channel = "x"

# Shared policy libraries vendored in this repository (see docs/libraries.md), then run
# `decorum lock` to pin them:
# [libraries]
# dental-network = {{ path = "vendor/dental-network" }}

[check]
# The least severe finding that fails `decorum check`: error, warning, info, hint or never.
fail-on = "error"
"#
    );
    let policy_text = format!(
        r#"decorum 1
policy {name}.social "Our social-media policy."

# The standard library: privacy, boundaries, marketing, tone, advice, self-focus and
# platform rules for health-care professionals. `decorum explain RULE` shows any rule.
import "std/healthcare" as hc

# Adjust imported rules (uncomment and edit):
#
# use hc.marketing.advert-share {{ max_share = 15% }}
# extend hc.privacy.identifying += ["lighthouse keeper"]
# disable hc.platform.hashtags because "campaign X is approved for 8 hashtags"
#
# A `use` block can also hold examples that show your adjustment works:
# use hc.marketing.advert-share {{
#   max_share = 15%
#   example passes "How to floss: three tips."
# }}

# Your own rules. `decorum test` runs their examples.
rule competitor-names {{
  severity warning
  title "A competitor is named"
  message "“{{match}}” names a competitor; talk about what we do instead."
  tags other
  flag when contains ["Example Competitor Clinic"]
  example flags "Better than Example Competitor Clinic!" at "Example Competitor Clinic"
  example passes "Open on Saturdays from 9 to 1."
}}
"#
    );
    // A name the grammar keeps for itself (`not`, `contains`, `true`) would give a policy
    // that does not parse: refused before anything is written.
    if let Some(problem) = decorum_syntax::parse(&policy_text).errors.first() {
        let _ = writeln!(
            std::io::stderr(),
            "error: `{name}` cannot name a policy: {}\n  = help: choose another name, e.g. --name smile-family",
            problem.message
        );
        return EXIT_ERROR;
    }
    // All or nothing: a run that stops halfway must not leave a decorum.toml behind, or
    // the next run refuses ("already exists") and the user has to clean up by hand. The
    // policy is written first, decorum.toml last; on a failure what this run created is
    // removed again, and nothing that existed before.
    let mut created = Created::default();
    let written = write_all(
        &mut created,
        &policy,
        [(&policy, &policy_text), (&config, &config_text)],
    );
    if let Err(message) = written {
        created.remove();
        let _ = writeln!(
            std::io::stderr(),
            "error: {message}\n  = help: nothing was written; fix that (a shorter --name when the file name is too long, a writable folder) and run decorum init again"
        );
        return EXIT_ERROR;
    }
    // The commands after it run in the folder set up: say so when it is not this one.
    let go_there = match args.dir.as_deref() {
        Some(dir) if dir != Path::new(".") => format!("in {}, ", shown_path(dir)),
        _ => String::new(),
    };
    crate::output::print(format!(
        "created {}\ncreated {}\nnext: {go_there}`decorum test` runs your policy's examples; `decorum check` checks your drafts\n",
        shown_path(&config),
        shown_path(&policy)
    ));
    EXIT_OK
}

/// What one run of `decorum init` created, so that a failed run can take it away again.
#[derive(Default)]
struct Created {
    /// Folders that did not exist before, outermost first.
    folders: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

impl Created {
    /// Removes the files, then the folders innermost first. A folder is removed only
    /// while empty, so whatever someone else put there meanwhile stays.
    fn remove(&self) {
        for file in self.files.iter().rev() {
            let _ = std::fs::remove_file(file);
        }
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// Creates the policy's folder and writes the files in order, noting in `created` what
/// it made; the error names the path that could not be made.
fn write_all<'a>(
    created: &mut Created,
    policy: &Path,
    files: [(&'a PathBuf, &'a String); 2],
) -> Result<(), String> {
    if let Some(parent) = policy.parent() {
        let missing: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|folder| !folder.as_os_str().is_empty() && !folder.exists())
            .map(Path::to_path_buf)
            .collect();
        for folder in missing.into_iter().rev() {
            match std::fs::create_dir(&folder) {
                Ok(()) => created.folders.push(folder),
                // Made by someone else meanwhile: not ours to remove.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(format!("cannot create {}: {e}", shown_path(&folder))),
            }
        }
    }
    for (path, text) in files {
        if let Err(e) = decorum_workspace::atomic_write(path, text) {
            return Err(format!("cannot write {}: {e}", shown_path(path)));
        }
        created.files.push(path.clone());
    }
    Ok(())
}
