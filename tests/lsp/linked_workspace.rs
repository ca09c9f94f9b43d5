//! Symbolic links and the places the loader's sandbox knows (with links resolved): in a
//! workspace folder that the client names through a link, an edit of a file the
//! policies may read reloads them; and a library declared through a link is a library
//! folder, whose files are no drafts, wherever they are opened from.

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

/// A library declared through a symbolic link (`vendor-link/dental-network`, with
/// `vendor-link` a link to `vendor`): its README opened where it is, in `vendor/`, is no
/// draft, as `decorum check` leaves it out.
#[test]
fn a_file_of_a_library_declared_through_a_link_is_not_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/dental-practice");
    crate::fs::copy_dir(&example, &root);
    let config = std::fs::read_to_string(root.join("decorum.toml")).unwrap();
    let config = config.replace(
        "path = \"vendor/dental-network\"",
        "path = \"vendor-link/dental-network\"",
    );
    std::fs::write(root.join("decorum.toml"), config).unwrap();
    std::os::unix::fs::symlink(root.join("vendor"), root.join("vendor-link")).unwrap();
    let lock = std::process::Command::new(env!("CARGO_BIN_EXE_decorum"))
        .arg("lock")
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(lock.status.success(), "{lock:?}");
    let mut server = Server::start(&root);
    server.initialize(&root, crate::capabilities(), Value::Null);
    // Markdown is a draft language, and this text is flagged in a draft.
    let text = "Zero pain implants at our practice this spring.\n";
    let draft = file_uri(&root.join("drafts/spring.md"));
    server.open(&draft, "markdown", 1, text);
    let checked = server.diagnostics(&draft, |p| p["version"] == 1);
    assert_eq!(codes(&checked), ["dental.marketing.pain-free-claim"]);
    let readme = file_uri(&root.join("vendor/dental-network/README.md"));
    server.open(&readme, "markdown", 1, text);
    let shown = server.diagnostics(&readme, |p| p["version"] == 1);
    assert_eq!(codes(&shown), Vec::<String>::new(), "{shown}");
    server.stop();
}
