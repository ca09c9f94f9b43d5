//! Workspaces reached through symbolic links: the client names a folder by a link (it
//! opened `/home/me/clinic`, a link to `/srv/clinic`), or a policy folder holds a link to
//! another. The server compares policy files by their canonical paths, and what it keys
//! by the client's names (the contexts of drafts and workspace folders) must still be
//! found from them.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::client::{Server, file_uri, utf16_position};
use crate::{BASE_POLICY, Workspace};

/// A symbolic link to `target` in a fresh folder (returned too, to keep it alive).
fn link_to(target: &Path) -> (tempfile::TempDir, PathBuf) {
    let links = tempfile::tempdir().unwrap();
    let linked = std::fs::canonicalize(links.path()).unwrap().join("clinic");
    std::os::unix::fs::symlink(target, &linked).unwrap();
    (links, linked)
}

/// A server whose workspace folder is `folder`, as named, with its std cache in `cache`.
fn start_in(folder: &Path, cache: &Path) -> Server {
    let mut server = Server::start_with_env(folder, &[("XDG_CACHE_HOME", cache)]);
    server.initialize(folder, crate::capabilities(), Value::Null);
    server
}

/// The hover text `delta` bytes after the first `needle` of `text`, open at `uri`.
fn hover(server: &mut Server, uri: &str, text: &str, needle: &str, delta: usize) -> String {
    let start = text.find(needle).unwrap() + delta;
    let reply = server.request(
        "textDocument/hover",
        json!({
            "textDocument": { "uri": uri },
            "position": utf16_position(text, start),
        }),
    );
    reply["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("a hover: {reply}"))
        .to_owned()
}

/// Hover on a rule of a shared file shows the severity the workspace's `decorum.toml`
/// gives it also when the client names the workspace folder by a link: the policy
/// file's path is canonical, the context is keyed by the folder as the client named it.
#[test]
fn hover_through_a_linked_workspace_folder_shows_the_configurations_severity() {
    let ws = Workspace::new();
    let (_links, linked) = link_to(&ws.root());
    let cache = tempfile::tempdir().unwrap();
    let mut server = start_in(&linked, cache.path());
    // A draft checked means the workspace's policies are loaded.
    let draft = file_uri(&linked.join("draft.md"));
    server.open(&draft, "markdown", 1, "Hello.\n");
    server.diagnostics_at(&draft, 1);
    let base = file_uri(&linked.join("policy/base.decorum"));
    server.open(&base, "decorum", 1, BASE_POLICY);
    let text = hover(&mut server, &base, BASE_POLICY, "rule client-story", 7);
    assert!(text.contains("Severity: **warning**"), "{text}");
    assert!(
        text.contains(
            "In this workspace's configuration: **error** (override at [policy/org.decorum:5]"
        ),
        "{text}"
    );
    server.stop();
}

/// The same without `decorum.toml`: the folder's defaults (the standard library) are
/// keyed by the folder as named, and a policy file there lowering a library rule is
/// told what the workspace's drafts get.
#[test]
fn hover_through_a_linked_folder_without_configuration_shows_the_defaults_severity() {
    let ws = Workspace::empty();
    std::fs::create_dir(ws.root().join("policy")).unwrap();
    let main = "decorum 1\npolicy test.main\n\nimport \"std/healthcare/marketing\" as m\nuse m.guarantee-claim { severity warning }\n";
    ws.write("policy/main.decorum", main);
    let (_links, linked) = link_to(&ws.root());
    let cache = tempfile::tempdir().unwrap();
    let mut server = start_in(&linked, cache.path());
    let draft = file_uri(&linked.join("draft.md"));
    server.open(&draft, "markdown", 1, "Hello.\n");
    server.diagnostics_at(&draft, 1);
    let uri = file_uri(&linked.join("policy/main.decorum"));
    server.open(&uri, "decorum", 1, main);
    assert_eq!(server.diagnostics_at(&uri, 1), Vec::<Value>::new());
    let text = hover(&mut server, &uri, main, "m.guarantee-claim", 2);
    assert!(text.contains("Severity: **warning**"), "{text}");
    assert!(
        text.contains("In this workspace's configuration: **error** (library default"),
        "{text}"
    );
    server.stop();
}

/// A folder import reads the folders linked inside it too: a new policy file opened in
/// such a linked subfolder, never saved, re-checks the open file importing the folder,
/// whose `use` of the new file's rule then resolves. The opened file's canonical path is
/// outside the imported folder, so comparing paths alone missed it.
#[test]
fn a_new_policy_file_in_a_linked_subfolder_rechecks_the_folders_importer() {
    let ws = Workspace::new();
    for folder in ["policy/rules", "shared"] {
        std::fs::create_dir_all(ws.root().join(folder)).unwrap();
    }
    ws.write("policy/rules/old.decorum", "decorum 1\npolicy test.old\n");
    std::os::unix::fs::symlink(
        ws.root().join("shared"),
        ws.root().join("policy/rules/linked"),
    )
    .unwrap();
    let team = "decorum 1\npolicy test.team\n\nimport \"./rules/\" as rules\nuse rules.linked.fresh.clinic-name { severity error }\n";
    let fresh = "decorum 1\npolicy test.fresh\n\nrule clinic-name {\n  severity warning\n  title \"The clinic's name\"\n  flag when contains [\"Harbourview Clinic\"]\n  example flags \"We met at Harbourview Clinic.\" at \"Harbourview Clinic\"\n}\n";
    let mut server = ws.start();
    let team_uri = ws.uri("policy/team.decorum");
    server.open(&team_uri, "decorum", 1, team);
    assert!(!server.diagnostics_at(&team_uri, 1).is_empty());
    let fresh_uri = ws.uri("policy/rules/linked/fresh.decorum");
    server.open(&fresh_uri, "decorum", 1, fresh);
    assert_eq!(server.diagnostics_at(&fresh_uri, 1), Vec::<Value>::new());
    server.diagnostics(&team_uri, |p| p["diagnostics"] == json!([]));
    assert!(!ws.root().join("shared/fresh.decorum").exists());
    server.stop();
}
