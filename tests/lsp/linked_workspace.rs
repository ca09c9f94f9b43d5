//! A workspace folder that the client names through a symbolic link: the server compares
//! the changed files it hears of (with links resolved) with the places its policies may
//! read from as the loader's sandbox knows them, so an edit there reloads the policies.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::Workspace;
use crate::client::{Server, file_uri};

/// A server on the standard test workspace, named by the link `clinic` in another
/// temporary folder (kept alive by the guard).
fn start_through_a_link(ws: &Workspace) -> (tempfile::TempDir, PathBuf, Server) {
    let links = tempfile::tempdir().unwrap();
    let linked = std::fs::canonicalize(links.path()).unwrap().join("clinic");
    std::os::unix::fs::symlink(ws.root(), &linked).unwrap();
    let mut server = Server::start(&linked);
    server.initialize(&linked, crate::capabilities(), Value::Null);
    (links, linked, server)
}

/// The severities of the diagnostics published.
fn severities(params: &Value) -> Vec<i64> {
    let diagnostics = params["diagnostics"].as_array().unwrap();
    diagnostics
        .iter()
        .map(|d| d["severity"].as_i64().unwrap())
        .collect()
}

#[test]
fn a_decorum_toml_edit_in_a_workspace_named_by_a_link_reloads_its_drafts() {
    let ws = Workspace::new();
    let (_links, linked, mut server) = start_through_a_link(&ws);
    let draft = file_uri(&linked.join("draft.md"));
    server.open(&draft, "markdown", 1, "My patient loves the lighthouse.\n");
    // The organisation's policy raises the base rule to an error.
    let first = server.diagnostics(&draft, |p| p["version"] == 1);
    assert_eq!(severities(&first), [1], "{first}");

    // decorum.toml now names the base policy, whose rule is a warning.
    std::fs::write(
        linked.join("decorum.toml"),
        "policies = [\"policy/base.decorum\"]\n",
    )
    .unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&linked.join("decorum.toml")), "type": 2 }] }),
    );
    server.diagnostics(&draft, |p| severities(p) == [2]);
    server.stop();
}

/// While decorum.toml cannot be read, its fix reloads the context all the same.
#[test]
fn fixing_a_broken_decorum_toml_in_a_workspace_named_by_a_link_reloads_its_drafts() {
    let ws = Workspace::new();
    ws.write(
        "decorum.toml",
        "policies = [\"policy/org.decorum\"]\nunknown = 1\n",
    );
    let (_links, linked, mut server) = start_through_a_link(&ws);
    let draft = file_uri(&linked.join("draft.md"));
    server.open(&draft, "markdown", 1, "My patient loves the lighthouse.\n");
    let first = server.diagnostics(&draft, |p| p["version"] == 1);
    assert_eq!(codes(&first), ["decorum.draft"], "{first}");

    std::fs::write(
        linked.join("decorum.toml"),
        "policies = [\"policy/org.decorum\"]\n",
    )
    .unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&linked.join("decorum.toml")), "type": 2 }] }),
    );
    server.diagnostics(&draft, |p| codes(p) == ["test.base.client-story"]);
    server.stop();
}

/// The codes of the diagnostics published.
fn codes(params: &Value) -> Vec<String> {
    crate::client::codes(params["diagnostics"].as_array().unwrap())
}
