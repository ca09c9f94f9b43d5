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

/// Two workspace folders whose policies import one library with an error. Removing
/// the folder that reported the library's problems last leaves them shown: the other
/// folder's policies still load that file.
#[test]
fn removing_one_of_two_folders_that_share_a_library_keeps_its_problems() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let write = |relative: &str, text: &str| {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "net/decorum-library.toml",
        "[library]\nname = \"net\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"rules\"]\n",
    );
    write(
        "net/rules.decorum",
        "decorum 1\npolicy net.rules\n\nrule cure {\n  flag when contains cure-wrods\n}\n",
    );
    for folder in ["a", "b"] {
        write(
            &format!("{folder}/decorum.toml"),
            "policies = [\"org.decorum\"]\n\n[libraries]\nnet = { path = \"../net\" }\n",
        );
        write(
            &format!("{folder}/org.decorum"),
            "decorum 1\npolicy org\n\nimport \"net/rules\"\n",
        );
        let lock = std::process::Command::new(env!("CARGO_BIN_EXE_decorum"))
            .arg("lock")
            .current_dir(root.join(folder))
            .output()
            .unwrap();
        assert!(lock.status.success(), "{lock:?}");
    }
    let library = file_uri(&root.join("net/rules.decorum"));
    let mut server = Server::start(&root.join("a"));
    server.initialize(&root.join("a"), crate::capabilities(), Value::Null);
    let shown = |p: &Value| p["diagnostics"] != json!([]);
    server.diagnostics(&library, shown);
    let folder_b = json!([{ "uri": file_uri(&root.join("b")), "name": "b" }]);
    server.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": folder_b, "removed": [] } }),
    );
    // Folder b's policies are loaded as soon as it is added, before any draft of it is
    // open; they load the library too and report its problem again.
    server.diagnostics(&library, shown);
    server.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": folder_b } }),
    );
    server.wait_for_log("folder b's context forgotten", "forgotten on 1 files");
    // Whatever the server sent before this answer is in the backlog now.
    server.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": library } }),
    );
    let published: Vec<Value> = server.take_backlog(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == library
    });
    assert!(
        published.iter().all(|m| shown(&m["params"])),
        "folder a still loads the library, whose problem must stay shown: {published:?}"
    );
    server.stop();
}

/// Renaming a library's rule from the policy that imports it is refused: the library is
/// pinned by decorum.lock and maintained elsewhere. Also when the library folder is a
/// symbolic link to a checkout outside the workspace, where the loader names its files
/// by their resolved paths (the refusal used to compare them with the folder as written,
/// and renamed the rule inside the linked library).
#[test]
fn a_librarys_rule_is_not_renamed_from_its_importer_also_through_a_link() {
    for linked in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/dental-practice");
        copy_dir(&example, &root);
        let _outside = linked.then(|| {
            let outside = tempfile::tempdir().unwrap();
            let library = root.join("vendor/dental-network");
            let checkout = std::fs::canonicalize(outside.path())
                .unwrap()
                .join("checkout");
            std::fs::rename(&library, &checkout).unwrap();
            std::os::unix::fs::symlink(&checkout, &library).unwrap();
            outside
        });
        let mut server = Server::start(&root);
        server.initialize(&root, crate::capabilities(), Value::Null);
        let policy = root.join("policy/smile-family.decorum");
        let text = std::fs::read_to_string(&policy).unwrap();
        let uri = file_uri(&policy);
        server.open(&uri, "decorum", 1, &text);
        server.diagnostics_at(&uri, 1);
        let needle = "use dn_marketing.pain-free-claim";
        let at = text.find(needle).unwrap() + "use dn_marketing.".len() + 2;
        let reply = server.request(
            "textDocument/rename",
            json!({
                "textDocument": { "uri": uri },
                "position": crate::client::utf16_position(&text, at),
                "newName": "painless-claim"
            }),
        );
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("belongs to a library declared in decorum.toml"),
            "linked: {linked}: {reply}"
        );
        server.stop();
    }
}
