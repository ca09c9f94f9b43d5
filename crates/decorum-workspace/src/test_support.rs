//! Helpers for this crate's tests: throwaway workspaces on disk.

use std::path::PathBuf;

use crate::config::{Config, load_config};

/// A temporary folder holding `files` (path, contents); removed when dropped.
pub(crate) struct Workspace {
    pub(crate) dir: tempfile::TempDir,
}

impl Workspace {
    pub(crate) fn new(files: &[(&str, &str)]) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace { dir };
        for (path, text) in files {
            ws.write(path, text.as_bytes());
        }
        ws
    }

    /// The folder, canonical (a temporary folder may sit behind a symlink).
    pub(crate) fn root(&self) -> PathBuf {
        std::fs::canonicalize(self.dir.path()).unwrap()
    }

    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    pub(crate) fn write(&self, relative: &str, bytes: &[u8]) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// The workspace's `decorum.toml`, or the defaults when it has none.
    pub(crate) fn config(&self) -> Config {
        let file = self.path("decorum.toml");
        if file.exists() {
            load_config(&file).unwrap()
        } else {
            Config::default_for(&self.root())
        }
    }

    /// Writes `decorum.lock` for the libraries declared in `config` whose manifests read.
    pub(crate) fn pin(&self, config: &Config) {
        let libraries: Vec<crate::library::Library> = crate::library::read_libraries(config)
            .into_iter()
            .filter_map(Result::ok)
            .collect();
        let lock = crate::library::Lock::of(&libraries);
        std::fs::write(config.root.join(crate::library::LOCK_FILE), lock.to_text()).unwrap();
    }

    /// `text` with the workspace's path written as `$WS`.
    pub(crate) fn redact(&self, text: &str) -> String {
        text.replace(&self.root().display().to_string(), "$WS")
    }
}

/// A policy in Latin-1 rather than UTF-8: the `é` is byte 0xE9.
pub(crate) const LATIN1: &[u8] = b"decorum 1\npolicy caf\xe9\n";
