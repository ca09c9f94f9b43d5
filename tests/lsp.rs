//! End-to-end tests of the language server: the real `decorum lsp` binary, spoken to
//! over stdio with real LSP framing by the small client in `tests/lsp/client.rs`.
//!
//! Most tests use a tiny workspace (`decorum.toml` and two policy files written by
//! [`Workspace::new`]) so each server starts in milliseconds; one test uses the embedded
//! standard library. All names and stories in these tests are invented.

// Test code: a panic is how a test reports a failure, also in helpers outside `#[test]`.
#![allow(clippy::unwrap_used)]

#[path = "lsp/client.rs"]
mod client;
#[path = "common/fs.rs"]
mod fs;

#[path = "lsp/actions.rs"]
mod actions;
#[path = "lsp/authoring.rs"]
mod authoring;
#[path = "lsp/closing.rs"]
mod closing;
#[path = "lsp/folder_globs.rs"]
mod folder_globs;
#[path = "lsp/frontmeta.rs"]
mod frontmeta;
#[path = "lsp/import_folders.rs"]
mod import_folders;
#[path = "lsp/libraries.rs"]
mod libraries;
#[path = "lsp/line_endings.rs"]
mod line_endings;
#[path = "lsp/linked_workspace.rs"]
mod linked_workspace;
#[path = "lsp/links.rs"]
mod links;
#[path = "lsp/navigation.rs"]
mod navigation;
#[path = "lsp/policies.rs"]
mod policies;
#[path = "lsp/pushed_settings.rs"]
mod pushed_settings;
#[path = "lsp/robustness.rs"]
mod robustness;
#[path = "lsp/sync.rs"]
mod sync;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use client::{Server, file_uri};

/// The test workspace's base policy: three rules with a fix each.
pub const BASE_POLICY: &str = r#"decorum 1
policy test.base

terms stigmatizing = ["committed suicide" -> "died by suicide"]

rule client-story {
  severity warning
  title "A client story can identify the client"
  message "Names one client ({match})."
  link "https://example.org/rules/client-story"
  explain """
    A story about one client can identify them.
  """
  flag when contains ["my patient", "my client"]
  fix remove
  example flags "My patient came in." at "My patient"
}

rule stigmatizing-language {
  severity info
  title "Stigmatizing wording"
  flag when contains stigmatizing
  fix replace
  example flags "He committed suicide." at "committed suicide"
}

rule personal-opinion {
  title "Opinions need a disclaimer"
  when contains ["I think"] require contains ["views are my own"]
  fix append "Views are my own."
  example flags "I think so." at "I think"
}
"#;

/// The organisation's policy: imports the base and raises one severity.
pub const ORG_POLICY: &str = r#"decorum 1
policy test.org

import "./base.decorum" as base
use base.client-story { severity error }
"#;

/// A temporary workspace with `decorum.toml` and the two policies.
pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    /// The standard test workspace.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("policy")).unwrap();
        std::fs::write(
            root.join("decorum.toml"),
            "policies = [\"policy/org.decorum\"]\n",
        )
        .unwrap();
        std::fs::write(root.join("policy/base.decorum"), BASE_POLICY).unwrap();
        std::fs::write(root.join("policy/org.decorum"), ORG_POLICY).unwrap();
        Workspace { dir }
    }

    /// A workspace without configuration (the standard library applies).
    pub fn empty() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The root folder (canonical, so URIs match what the server computes).
    pub fn root(&self) -> PathBuf {
        std::fs::canonicalize(self.dir.path()).unwrap()
    }

    /// The `file://` URI of a file in the workspace.
    pub fn uri(&self, relative: &str) -> String {
        file_uri(&self.root().join(relative))
    }

    /// Writes a file in the workspace.
    pub fn write(&self, relative: &str, text: &str) {
        std::fs::write(self.root().join(relative), text).unwrap();
    }

    /// Starts a server on this workspace with the default test client capabilities.
    pub fn start(&self) -> Server {
        self.start_with(capabilities(), Value::Null)
    }

    /// Starts a server with the given capabilities and initialization options.
    pub fn start_with(&self, capabilities: Value, options: Value) -> Server {
        let mut server = Server::start(&self.root());
        server.initialize(&self.root(), capabilities, options);
        server
    }
}

/// A server started in `root` for a client that declares `workspace/configuration` but
/// answers no request itself, with the settings request the server sends at start: the
/// test answers it (`settings_answer`) when and in the order it wants.
pub fn start_without_answers(root: &std::path::Path) -> (Server, Value) {
    let mut capabilities = capabilities();
    capabilities["workspace"]["configuration"] = json!(true);
    let mut server = Server::start(root);
    server.answer_requests = false;
    server.initialize(root, capabilities, Value::Null);
    let first = server.wait_for("the settings request at start", |m| {
        m["method"] == "workspace/configuration"
    });
    (server, first)
}

/// The answer to the settings request `request` (a `workspace/configuration`).
pub fn settings_answer(request: &Value, settings: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": request["id"].clone(), "result": [settings] })
}

/// What the test client supports by default: UTF-16 positions (the harder case),
/// versioned workspace edits, watched-file registration, push diagnostics.
pub fn capabilities() -> Value {
    json!({
        "general": { "positionEncodings": ["utf-16"] },
        "workspace": {
            "workspaceEdit": { "documentChanges": true },
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "configuration": false
        },
        "textDocument": {
            "hover": { "contentFormat": ["markdown", "plaintext"] }
        }
    })
}

/// The path of a workspace file, for watched-file events.
pub fn path_uri(path: &Path) -> String {
    file_uri(path)
}
