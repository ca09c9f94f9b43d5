//! Shared libraries in the editor, on a copy of the worked example
//! (examples/dental-practice): a library file that no longer matches `decorum.lock` is
//! an error on `decorum.toml`, drafts keep being checked with the last good policies,
//! and re-pinning with `decorum lock` clears it; a library's own files are not drafts.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::client::{Server, codes, file_uri};
use crate::fs::copy_dir;

const DRAFT: &str = "Zero pain implants at our practice this spring.\n";

/// A server on a copy of the worked example (the folder lives as long as the guard).
fn dental_practice() -> (tempfile::TempDir, PathBuf, Server) {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/dental-practice");
    copy_dir(&example, &root);
    let mut server = Server::start(&root);
    server.initialize(&root, crate::capabilities(), Value::Null);
    (dir, root, server)
}

#[test]
fn a_lock_mismatch_is_a_diagnostic_on_decorum_toml_and_drafts_keep_the_last_good_policies() {
    let (_dir, root, mut server) = dental_practice();

    let draft = file_uri(&root.join("drafts/spring.md"));
    server.open(&draft, "markdown", 1, DRAFT);
    assert_eq!(
        codes(&server.diagnostics_at(&draft, 1)),
        ["dental.marketing.pain-free-claim"]
    );

    // Someone edits the vendored library without re-pinning it.
    let library_file = root.join("vendor/dental-network/marketing.decorum");
    let text = std::fs::read_to_string(&library_file).unwrap();
    std::fs::write(&library_file, text.replace("\"zero pain\", ", "")).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&library_file), "type": 2 }] }),
    );
    let config_uri = file_uri(&root.join("decorum.toml"));
    let published = server.diagnostics(&config_uri, |p| {
        !p["diagnostics"].as_array().unwrap().is_empty()
    });
    let diagnostic = &published["diagnostics"][0];
    assert_eq!(diagnostic["code"], "lock", "{diagnostic}");
    assert_eq!(diagnostic["severity"], 1);
    assert_eq!(diagnostic["source"], "decorum-policy");
    let message = diagnostic["message"].as_str().unwrap();
    assert!(
        message.contains(
            "library \"dental-network\" does not match its entry in decorum.lock:6: vendor/dental-network/marketing.decorum changed"
        ) && message.contains("run `decorum lock`"),
        "{message}"
    );
    // On the line that declares the library.
    let config = std::fs::read_to_string(root.join("decorum.toml")).unwrap();
    let line = config
        .lines()
        .position(|l| l.starts_with("dental-network ="))
        .unwrap();
    assert_eq!(diagnostic["range"]["start"]["line"], line);
    let message = server.wait_for("the message about the policies", |m| {
        m["method"] == "window/showMessage"
    });
    assert!(
        message["params"]["message"]
            .as_str()
            .unwrap()
            .contains("the last good policies are still in use"),
        "{message}"
    );

    // The draft is still checked, with the policies as they were pinned.
    server.change(
        &draft,
        2,
        json!([{ "text": format!("{DRAFT}\nSee you soon.\n") }]),
    );
    assert_eq!(
        codes(&server.diagnostics_at(&draft, 2)),
        ["dental.marketing.pain-free-claim"]
    );

    // decorum.toml opened in the editor shows the same error.
    server.open(&config_uri, "toml", 1, &config);
    let shown = server.diagnostics_at(&config_uri, 1);
    assert_eq!(codes(&shown), ["lock"]);

    // Re-pinning accepts the change: the error goes and the new policies apply.
    let lock = std::process::Command::new(env!("CARGO_BIN_EXE_decorum"))
        .arg("lock")
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(lock.status.success(), "{lock:?}");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&root.join("decorum.lock")), "type": 2 }] }),
    );
    server.diagnostics(&draft, |p| p["diagnostics"] == json!([]));
    server.diagnostics(&config_uri, |p| p["diagnostics"] == json!([]));
    server.stop();
}

#[test]
fn a_file_in_a_library_folder_is_not_a_draft() {
    let (_dir, root, mut server) = dental_practice();
    // Markdown is a draft language, but a library's docs are not posts.
    let readme = file_uri(&root.join("vendor/dental-network/README.md"));
    server.open(&readme, "markdown", 1, DRAFT);
    assert_eq!(
        codes(&server.diagnostics_at(&readme, 1)),
        Vec::<String>::new()
    );
    let draft = file_uri(&root.join("drafts/spring.md"));
    server.open(&draft, "markdown", 1, DRAFT);
    assert_eq!(
        codes(&server.diagnostics_at(&draft, 1)),
        ["dental.marketing.pain-free-claim"]
    );
    server.stop();
}
