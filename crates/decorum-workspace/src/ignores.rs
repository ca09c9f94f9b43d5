//! Which ignore files a walk for drafts reads.
//!
//! A walk reads the `.gitignore` and `.ignore` files inside the folder it walks (the
//! `ignore` crate's walker does), and those of the folders above that folder up to the
//! workspace root (the folder of `decorum.toml`, else the folder the run started in).
//! None above the workspace root: an ignore file in a home folder (a `~/.ignore` kept
//! for ripgrep, the `*` of a home folder kept in git for its dotfiles) or at the top of
//! a larger repository would otherwise leave drafts out, and a check pass with nothing
//! checked; a draft checked that an ignore file above meant to leave out is the safer
//! mistake, and an `exclude` glob mends it. Git's global excludes and
//! `.git/info/exclude` are one person's settings: a check must find the same drafts on
//! every machine, so neither is read.
//!
//! The walker itself is told not to read parent folders ([`walk_builder`]);
//! [`AncestorIgnores`] reads the ones up to the workspace root and answers for each
//! entry. Their rules rank below those of the ignore files inside the walk, as git
//! ranks a deeper file's rules first, except that a deeper `!pattern` cannot bring back
//! what an ancestor's rule leaves out.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// A walker of `start` that reads the ignore files inside it (`.gitignore` also outside
/// a git repository: an exported archive keeps it) and no others; hidden files are
/// skipped. Walks for drafts pair it with `AncestorIgnores` for the folders above
/// `start`; `decorum fmt`'s walk for policy files reads none above it.
pub fn walk_builder(start: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(start);
    builder
        .standard_filters(true)
        .require_git(false)
        .parents(false)
        .git_global(false)
        .git_exclude(false);
    builder
}

/// The rules of the ignore files in the folders above a walk's start, up to the workspace
/// root, deepest first.
#[derive(Clone, Default)]
pub(crate) struct AncestorIgnores {
    /// Per folder, deepest first: its `.ignore` rules, then its `.gitignore` rules (the
    /// order in which the walker ranks them).
    matchers: Vec<Gitignore>,
}

impl AncestorIgnores {
    /// The ignore rules above `start` (canonical) up to `root` (canonical, the workspace
    /// root), when `start` lies below it; none otherwise. An ignore file that cannot be
    /// read or parsed adds the rules it could (as the walker does with the files inside
    /// the walk).
    pub(crate) fn new(start: &Path, root: &Path) -> Self {
        if !start.starts_with(root) {
            return Self::default();
        }
        let mut matchers = Vec::new();
        for folder in start.ancestors().skip(1) {
            if !folder.starts_with(root) {
                break;
            }
            for name in [".ignore", ".gitignore"] {
                let file = folder.join(name);
                if !file.is_file() {
                    continue;
                }
                let mut builder = GitignoreBuilder::new(folder);
                // Lines that do not parse are skipped, as the walker skips them.
                let _ = builder.add(&file);
                if let Ok(matcher) = builder.build()
                    && !matcher.is_empty()
                {
                    matchers.push(matcher);
                }
            }
        }
        Self { matchers }
    }

    /// True when there are no rules (the common case: nothing to ask per entry).
    pub(crate) fn is_empty(&self) -> bool {
        self.matchers.is_empty()
    }

    /// True when the rules leave out `path` (absolute, below the start), a folder when
    /// `is_dir`. The deepest file with a rule for it decides; a folder left out takes
    /// everything below it, which the walk then never visits.
    pub(crate) fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        for matcher in &self.matchers {
            let found = matcher.matched(path, is_dir);
            if found.is_ignore() {
                return true;
            }
            if found.is_whitelist() {
                return false;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    /// Up to the workspace root outside a repository; nothing above it.
    #[test]
    fn reads_up_to_the_workspace_root_only() {
        let dir = tree(&[
            (".ignore", "*.md\n"),
            ("ws/.gitignore", "private/\n"),
            ("ws/drafts/.keep", ""),
        ]);
        let top = std::fs::canonicalize(dir.path()).unwrap();
        let (root, start) = (top.join("ws"), top.join("ws/drafts"));
        let rules = AncestorIgnores::new(&start, &root);
        assert!(rules.ignored(&start.join("private"), true));
        assert!(
            !rules.ignored(&start.join("a.md"), false),
            "the .ignore above the root"
        );
        // The root itself walked: nothing above it.
        assert!(AncestorIgnores::new(&root, &root).is_empty());
        // Outside the workspace root, outside a repository: nothing.
        assert!(AncestorIgnores::new(&top.join("ws/drafts"), &top.join("other")).is_empty());
    }

    /// Not above the workspace root, though a repository's root is above it.
    #[test]
    fn reads_nothing_above_the_workspace_root_in_a_repository() {
        let dir = tree(&[
            ("repo/.git/HEAD", ""),
            ("repo/.gitignore", "*.md\n"),
            ("repo/site/.ignore", "*.bak\n"),
            ("repo/site/old/x.md", ""),
        ]);
        let top = std::fs::canonicalize(dir.path()).unwrap();
        let site = top.join("repo/site");
        let rules = AncestorIgnores::new(&site.join("old"), &site);
        assert!(rules.ignored(&site.join("old/y.bak"), false));
        assert!(
            !rules.ignored(&site.join("old/x.md"), false),
            "the repository's .gitignore"
        );
    }
}
