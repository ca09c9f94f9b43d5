//! What closing a document clears: the problems on the policy files of a configuration
//! that no open draft and no workspace folder uses any more.

use serde_json::{Value, json};

use crate::client::Server;
use crate::{ORG_POLICY, Workspace};

/// A folder outside the workspace whose one policy file names a set that does not exist.
fn outside_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("policy")).unwrap();
    std::fs::create_dir(root.join("posts")).unwrap();
    std::fs::write(
        root.join("decorum.toml"),
        "policies = [\"policy/b.decorum\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("policy/b.decorum"),
        "decorum 1\npolicy bee\nrule r { flag when contains unknwn }\n",
    )
    .unwrap();
    dir
}

fn close(server: &mut Server, uri: &str) {
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
}

fn codes_of(params: &Value) -> Vec<String> {
    crate::client::codes(params["diagnostics"].as_array().unwrap())
}

#[test]
fn closing_the_last_draft_of_a_configuration_outside_the_workspace_clears_its_policy_problems() {
    let ws = Workspace::new();
    let outside = outside_folder();
    let b = std::fs::canonicalize(outside.path()).unwrap();
    let mut server = ws.start();
    let draft = crate::path_uri(&b.join("posts/b.md"));
    let policy = crate::path_uri(&b.join("policy/b.decorum"));
    server.open(&draft, "markdown", 1, "Hello.\n");
    let shown = server.diagnostics(&policy, |p| p["diagnostics"] != json!([]));
    assert_eq!(codes_of(&shown), ["unknown-name"], "{shown}");
    assert_eq!(
        crate::client::codes(&server.diagnostics_at(&draft, 1)),
        ["decorum.draft"]
    );
    close(&mut server, &draft);
    server.diagnostics(&draft, |p| p["diagnostics"] == json!([]));
    // Nothing open and no workspace folder uses those policies any more.
    server.diagnostics(&policy, |p| p["diagnostics"] == json!([]));
    server.stop();
}

/// A folder that leaves the workspace while one of its drafts is open keeps its policy
/// files' problems (the draft still uses them) until that draft closes.
#[test]
fn closing_the_last_draft_of_a_folder_that_left_the_workspace_clears_its_policy_problems() {
    let ws = Workspace::new();
    ws.write(
        "policy/org.decorum",
        &ORG_POLICY.replace("use base.client-story", "use base.client-stroy"),
    );
    let mut server = ws.start();
    let org = ws.uri("policy/org.decorum");
    let draft = ws.uri("post.md");
    server.diagnostics(&org, |p| p["diagnostics"] != json!([]));
    server.open(&draft, "markdown", 1, "Hello.\n");
    server.diagnostics_at(&draft, 1);
    server.remove_workspace_folder(&crate::path_uri(&ws.root()));
    server.wait_for_log("the removal's cleanup", "no unused contexts");
    let emptied = server.emptied_so_far(&org);
    assert!(
        emptied.is_empty(),
        "the open draft still uses them: {emptied:?}"
    );
    close(&mut server, &draft);
    server.diagnostics(&org, |p| p["diagnostics"] == json!([]));
    let log = server.stop();
    assert!(log.contains("unused contexts dropped: 1"), "{log}");
}

/// The policies of a workspace folder (and their problems) stay when its last open draft
/// closes: they are the folder's.
#[test]
fn closing_a_draft_of_a_workspace_folder_keeps_its_policy_problems() {
    let ws = Workspace::new();
    ws.write(
        "policy/org.decorum",
        &ORG_POLICY.replace("use base.client-story", "use base.client-stroy"),
    );
    let mut server = ws.start();
    let org = ws.uri("policy/org.decorum");
    let draft = ws.uri("post.md");
    server.diagnostics(&org, |p| p["diagnostics"] != json!([]));
    server.open(&draft, "markdown", 1, "Hello.\n");
    server.diagnostics_at(&draft, 1);
    close(&mut server, &draft);
    server.diagnostics(&draft, |p| p["diagnostics"] == json!([]));
    server.wait_for_log("the close's cleanup", "no unused contexts");
    let emptied = server.emptied_so_far(&org);
    assert!(emptied.is_empty(), "{emptied:?}");
    let log = server.stop();
    assert!(!log.contains("unused contexts dropped"), "{log}");
}
