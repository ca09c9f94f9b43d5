//! Where policies may read: the one statement of the rule the loader enforces, which the
//! language server's import-path completion and `decorum.toml`'s `policies` check ask too,
//! so that what they offer or accept is what the loader opens.
//!
//! A path is readable when it lies inside the workspace root, a declared library's folder
//! or the folder of a root given explicitly (`--policy`, or the policy file the language
//! server analyses): checked as written first, before touching the file system, and again
//! once symbolic links are resolved. A relative import also stays on its side of every
//! library's folder: from a library's file only into the same library, from any other file
//! into no library (a library is imported by its name, so that `decorum.lock` pins it).

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::paths;

/// The folders the policies of one workspace may read from, and the libraries' folders
/// among them. Built from a [`Config`] (plus the explicit root, when there is one); every
/// folder is canonical when it exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    /// The workspace root, canonical when it exists.
    root: PathBuf,
    /// The folders policies may read from: the root, the libraries, and the folder of an
    /// explicit root.
    allowed: Vec<PathBuf>,
    /// The declared libraries' folders, by name; none that holds the workspace.
    libraries: Vec<(String, PathBuf)>,
}

/// Why a policy may not read a path, or a relative import may not lead to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The path as written lies outside every readable folder (decided before the file
    /// system is touched, so that a policy cannot learn whether anything is there).
    Outside,
    /// Resolving symbolic links leads outside every readable folder.
    LinkLeadsOutside,
    /// Resolving symbolic links leads out of the folder of this library, in which the
    /// path is written.
    LinkLeavesLibrary(String),
    /// A relative import reaches into the folder of this library from outside it (or
    /// from another library's): it must import the library by name.
    IntoLibrary(String),
    /// A relative import of a file of this library leads out of the library's folder.
    OutOfLibrary(String),
    /// Nothing is there, or the path cannot be resolved (no sandbox question arises).
    Unresolved,
}

impl Sandbox {
    /// The sandbox of the policies `config` names: the workspace root and the declared
    /// libraries' folders. A library folder that holds the workspace
    /// (`holds_workspace`) is left out (`load_config` refuses one by the same rule; a
    /// `Config` built otherwise gets none either): every workspace file would count as
    /// the library's own, and the folder (`/`, say) would become readable.
    pub fn new(config: &Config) -> Sandbox {
        let root = paths::canonical_or_absolute(&config.root);
        let libraries: Vec<(String, PathBuf)> = config
            .libraries
            .iter()
            .filter(|(_, folder)| !holds_workspace(folder, &config.root))
            .map(|(name, folder)| (name.clone(), paths::canonical_or_absolute(folder)))
            .collect();
        let mut allowed = vec![root.clone()];
        allowed.extend(libraries.iter().map(|(_, folder)| folder.clone()));
        Sandbox {
            root,
            allowed,
            libraries,
        }
    }

    /// This sandbox with the folder of an explicit root (absolute) readable too: the
    /// person running Decorum chose it, so it may lie outside the workspace, and its
    /// relative imports then read from its folder (the root itself, when it is a folder).
    pub fn with_explicit_root(mut self, root: &Path) -> Sandbox {
        self.allow_explicit_root(root);
        self
    }

    /// [`Sandbox::with_explicit_root`] in place.
    pub(crate) fn allow_explicit_root(&mut self, root: &Path) {
        let folder = if root.is_dir() {
            Some(root)
        } else {
            root.parent()
        };
        if let Some(folder) = folder {
            self.allowed.push(paths::canonical_or_absolute(folder));
        }
    }

    /// The workspace root, canonical when it exists.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The declared libraries' folders by name (canonical when they exist), in name order.
    pub fn libraries(&self) -> &[(String, PathBuf)] {
        &self.libraries
    }

    /// The folder of the declared library `name` (canonical when it exists); `None` when
    /// no library of that name is declared, or its folder holds the workspace.
    pub fn library_folder(&self, name: &str) -> Option<&Path> {
        self.libraries
            .iter()
            .find(|(declared, _)| declared == name)
            .map(|(_, folder)| folder.as_path())
    }

    /// The declared library whose folder is `folder` (canonical), if any: a walk of the
    /// folders above it (a policy folder's, the drafts') leaves it out.
    pub fn library_at(&self, folder: &Path) -> Option<&str> {
        self.libraries
            .iter()
            .find(|(_, declared)| declared == folder)
            .map(|(name, _)| name.as_str())
    }

    /// True when `path` (absolute and lexically normal, as written or canonical) lies
    /// inside a readable folder.
    pub fn allows(&self, path: &Path) -> bool {
        self.allowed.iter().any(|folder| path.starts_with(folder))
    }

    /// The declared library whose folder holds `path`, if any; the nearer one when a
    /// library is declared inside another's folder.
    pub fn library_of(&self, path: &Path) -> Option<&str> {
        self.libraries
            .iter()
            .filter(|(_, folder)| path.starts_with(folder))
            .max_by_key(|(_, folder)| folder.components().count())
            .map(|(name, _)| name.as_str())
    }

    /// Whether `canonical`, what `written` resolves to, may be read: its symbolic links
    /// must not lead out of the readable folders.
    pub fn check_resolved(&self, written: &Path, canonical: &Path) -> Result<(), Refusal> {
        if self.allows(canonical) {
            Ok(())
        } else if let Some(name) = self.library_of(written) {
            // Declaring the target's folder as a library would not help: a library's
            // files stay in its folder.
            Err(Refusal::LinkLeavesLibrary(name.to_owned()))
        } else {
            Err(Refusal::LinkLeadsOutside)
        }
    }

    /// Whether a relative import of the file `from` may lead to `to` (both canonical):
    /// it stays on its side of every library's folder.
    pub fn check_side(&self, from: &Path, to: &Path) -> Result<(), Refusal> {
        let own = self.library_of(from);
        match self.library_of(to) {
            theirs if theirs == own => Ok(()),
            // Different sides: the target is in a library, or else the importer is.
            Some(theirs) => Err(Refusal::IntoLibrary(theirs.to_owned())),
            None => Err(Refusal::OutOfLibrary(own.unwrap_or_default().to_owned())),
        }
    }

    /// Where a relative import of the file `from` (canonical) that names `path` (absolute
    /// and lexically normal: the importer's folder joined with the import) leads, when
    /// the loader lets it lead there: `path` is readable as written, then once resolved,
    /// and the result is on `from`'s side of every library's folder. The result is
    /// canonical. The file system is not touched when `path` is refused as written.
    pub fn relative_import(&self, from: &Path, path: &Path) -> Result<PathBuf, Refusal> {
        if !self.allows(path) {
            return Err(Refusal::Outside);
        }
        let canonical = std::fs::canonicalize(path).map_err(|_| Refusal::Unresolved)?;
        self.check_resolved(path, &canonical)?;
        self.check_side(from, &canonical)?;
        Ok(canonical)
    }
}

/// True when the library folder `folder` is the workspace root `root` or one of its
/// ancestors (both absolute and lexically normal, as decorum.toml writes them), by their
/// paths or once symbolic links are resolved. Every workspace file would then count as
/// the library's own: its imports by path would read anything below the folder (all of it
/// with `path = "/"`) without decorum.lock pinning it. `load_config` refuses such a
/// declaration by this rule, and [`Sandbox::new`] declares no such library.
pub(crate) fn holds_workspace(folder: &Path, root: &Path) -> bool {
    if root.starts_with(folder) {
        return true;
    }
    match (std::fs::canonicalize(folder), std::fs::canonicalize(root)) {
        (Ok(folder), Ok(root)) => root.starts_with(folder),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
