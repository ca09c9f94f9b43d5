//! Policies in the editor: reloads after edits on disk, broken edits, policy-file
//! diagnostics, settings, the standard library when nothing is configured, pull mode.

use std::path::Path;

use serde_json::{Value, json};

use crate::client::{Server, codes};
use crate::{BASE_POLICY, ORG_POLICY, Workspace, capabilities};

/// Adds "lighthouse keeper" to the base policy's client words on disk and tells the
/// server, so that a draft mentioning one gains a second client-story finding.
fn flag_lighthouse_keepers(server: &mut Server, ws: &Workspace) {
    ws.write(
        "policy/base.decorum",
        &BASE_POLICY.replace(
            "[\"my patient\", \"my client\"]",
            "[\"my patient\", \"my client\", \"lighthouse keeper\"]",
        ),
    );
    changed(server, ws, "policy/base.decorum");
}

/// Tells the server that a workspace file changed on disk.
fn changed(server: &mut Server, ws: &Workspace, relative: &str) {
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": ws.uri(relative), "type": 2 }] }),
    );
}

#[test]
fn a_policy_edit_on_disk_reloads_and_rechecks_open_drafts() {
    let ws = Workspace::new();
    let mut server = ws.start();
    // The server registered watchers for policy files.
    let registration = server.wait_for("the watcher registration", |m| {
        m["method"] == "client/registerCapability"
    });
    assert_eq!(
        registration["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    let uri = ws.uri("draft.md");
    server.open(
        &uri,
        "markdown",
        1,
        "My patient loves the lighthouse keeper.\n",
    );
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );

    flag_lighthouse_keepers(&mut server, &ws);
    let after = server.diagnostics(&uri, |p| p["diagnostics"].as_array().unwrap().len() == 2);
    assert_eq!(after["version"], 1, "same text, re-checked");
    server.stop();
}

#[test]
fn a_broken_policy_edit_keeps_the_last_good_policies_and_reports_the_errors() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("draft.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );

    ws.write(
        "policy/base.decorum",
        &BASE_POLICY.replace(
            "flag when contains [\"my patient\"",
            "flag whenn contains [\"my patient\"",
        ),
    );
    changed(&mut server, &ws, "policy/base.decorum");
    let policy_uri = ws.uri("policy/base.decorum");
    let problems = server.diagnostics(&policy_uri, |p| {
        !p["diagnostics"].as_array().unwrap().is_empty()
    });
    let first = &problems["diagnostics"][0];
    assert_eq!(first["source"], "decorum-syntax");
    assert_eq!(first["severity"], 1);
    assert_eq!(first["range"]["start"]["line"], 13, "{first}");
    let message = server.wait_for("an error message", |m| {
        m["method"] == "window/showMessage" && m["params"]["type"] == 1
    });
    let text = message["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("last good policies are still in use"),
        "{text}"
    );

    // The draft is still checked, with the last good rules.
    server.change(&uri, 2, json!([{ "text": "Hello. My patient is well.\n" }]));
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 2)),
        ["test.base.client-story"]
    );

    // Fixing the file clears its diagnostics.
    ws.write("policy/base.decorum", BASE_POLICY);
    changed(&mut server, &ws, "policy/base.decorum");
    let cleared = server.diagnostics(&policy_uri, |p| p["diagnostics"] == json!([]));
    assert_eq!(cleared["diagnostics"], json!([]));
    server.stop();
}

/// A policy file that is not open gets its problems from its disk copy; an editor opens
/// a file with a byte-order mark without the mark, so the first line's columns do not
/// count it.
#[test]
fn a_closed_policy_files_first_line_columns_leave_out_its_byte_order_mark() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("draft.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    server.diagnostics_at(&uri, 1);
    let rest = BASE_POLICY.split_once('\n').unwrap().1;
    ws.write("policy/base.decorum", &format!("\u{feff}decorum 7\n{rest}"));
    changed(&mut server, &ws, "policy/base.decorum");
    let policy_uri = ws.uri("policy/base.decorum");
    let problems = server.diagnostics(&policy_uri, |p| {
        !p["diagnostics"].as_array().unwrap().is_empty()
    });
    let first = &problems["diagnostics"][0];
    assert_eq!(
        first["range"],
        json!({
            "start": { "line": 0, "character": 0 },
            "end": { "line": 0, "character": 9 }
        }),
        "`decorum 7` as the editor shows the line: {first}"
    );
    server.stop();
}

#[test]
fn an_open_policy_file_gets_its_problems_as_diagnostics() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("policy/extra.decorum");
    let text = "decorum 1\npolicy test.extra\n\nrule r {\n  flag when contains unknown_set\n}\n";
    ws.write("policy/extra.decorum", text);
    server.open(&uri, "decorum", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["source"], "decorum-policy");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 4);

    // An unsaved edit: syntax errors of the editor's text.
    server.change(
        &uri,
        2,
        json!([{ "text": "decorum 1\npolicy test.extra\nrule {\n" }]),
    );
    let diagnostics = server.diagnostics_at(&uri, 2);
    assert!(!diagnostics.is_empty());
    assert_eq!(diagnostics[0]["code"], "syntax");
    server.stop();
}

#[test]
fn an_unsaved_edit_of_an_imported_file_rechecks_the_open_files_importing_it() {
    // org.decorum `use`s base.client-story: renaming the rule in base's unsaved text
    // makes that an unknown name in org, and reverting it (or closing base without
    // saving) makes org clean again. Only base used to be checked again.
    let ws = Workspace::new();
    let mut server = ws.start();
    let org = ws.uri("policy/org.decorum");
    let base = ws.uri("policy/base.decorum");
    server.open(&org, "decorum", 1, crate::ORG_POLICY);
    assert_eq!(server.diagnostics_at(&org, 1), Vec::<Value>::new());
    server.open(&base, "decorum", 1, BASE_POLICY);
    server.diagnostics_at(&base, 1);
    let renamed = BASE_POLICY.replace("rule client-story", "rule client-stori");
    server.change(&base, 2, json!([{ "text": renamed }]));
    let unknown = server.diagnostics(&org, |p| {
        p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    assert_eq!(
        unknown["diagnostics"][0]["code"], "unknown-name",
        "{unknown}"
    );
    server.change(&base, 3, json!([{ "text": BASE_POLICY }]));
    server.diagnostics(&org, |p| p["diagnostics"] == json!([]));
    server.change(&base, 4, json!([{ "text": renamed }]));
    server.diagnostics(&org, |p| {
        p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": base } }),
    );
    server.diagnostics(&org, |p| p["diagnostics"] == json!([]));
    server.stop();
}

/// The messages of `diagnostics`, for assertions and failure output.
fn messages(diagnostics: &Value) -> Vec<String> {
    diagnostics
        .as_array()
        .map(|d| {
            d.iter()
                .map(|d| d["message"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_policy_file_never_saved_is_imported_from_its_buffer() {
    // main.decorum imports fresh.decorum, which exists only in the editor: the import
    // follows the buffer as it opens, changes and closes. A buffer in a folder outside
    // the workspace (reached through a symbolic link) stays out of reach.
    let ws = Workspace::new();
    let outside = tempfile::tempdir().unwrap();
    let outside_folder = std::fs::canonicalize(outside.path()).unwrap();
    std::os::unix::fs::symlink(&outside_folder, ws.root().join("policy/linked")).unwrap();
    let main_text = "decorum 1\npolicy test.main\n\nimport \"./fresh\" as fresh\nimport \"./linked/secret\" as secret\nuse fresh.clinic-name { severity error }\n";
    let fresh_text = "decorum 1\npolicy test.fresh\n\nrule clinic-name {\n  severity warning\n  title \"The clinic's name\"\n  flag when contains [\"Harbourview Clinic\"]\n  example flags \"We met at Harbourview Clinic.\" at \"Harbourview Clinic\"\n}\n";
    let mut server = ws.start();
    let main = ws.uri("policy/main.decorum");
    server.open(&main, "decorum", 1, main_text);
    let missing = server.diagnostics_at(&main, 1);
    assert!(
        messages(&json!(missing))
            .iter()
            .any(|m| m.contains("./fresh")),
        "{missing:#?}"
    );
    let secret = crate::client::file_uri(&outside_folder.join("secret.decorum"));
    server.open(&secret, "decorum", 1, "decorum 1\npolicy test.secret\n");
    let fresh = ws.uri("policy/fresh.decorum");
    server.open(&fresh, "decorum", 1, fresh_text);
    assert_eq!(server.diagnostics_at(&fresh, 1), Vec::<Value>::new());
    let found = server.diagnostics(&main, |p| {
        !messages(&p["diagnostics"])
            .iter()
            .any(|m| m.contains("./fresh"))
    });
    let shown = messages(&found["diagnostics"]);
    assert!(
        shown.len() == 1
            && shown[0].contains(
                "`./linked/secret` leads through a symbolic link to a place outside the workspace"
            ),
        "{shown:#?}"
    );
    // Renaming the rule in the unsaved buffer leaves main's `use` naming nothing.
    let renamed = fresh_text.replace("rule clinic-name", "rule clinic-names");
    server.change(&fresh, 2, json!([{ "text": renamed }]));
    server.diagnostics(&main, |p| {
        p["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "unknown-name"))
    });
    server.change(&fresh, 3, json!([{ "text": fresh_text }]));
    server.diagnostics(&main, |p| messages(&p["diagnostics"]).len() == 1);
    // Closed without saving: the file is missing again.
    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": fresh } }),
    );
    server.diagnostics(&main, |p| {
        messages(&p["diagnostics"])
            .iter()
            .any(|m| m.contains("./fresh"))
    });
    assert!(!ws.root().join("policy/fresh.decorum").exists());
    server.stop();
}

#[test]
fn opening_a_policy_file_rechecks_only_the_open_files_whose_imports_name_it() {
    // An editor restoring a session opens many policy files at once, and each opening
    // re-checked every other open file. Now only the files whose imports name the opened
    // one (main, by its path) or a folder holding it (team) are checked again; base,
    // which imports neither, is not published again.
    let ws = Workspace::new();
    std::fs::create_dir(ws.root().join("policy/extra")).unwrap();
    ws.write("policy/extra/old.decorum", "decorum 1\npolicy test.old\n");
    let main_text = "decorum 1\npolicy test.main\n\nimport \"./extra/fresh\" as fresh\nuse fresh.clinic-name { severity error }\n";
    let team_text = "decorum 1\npolicy test.team\n\nimport \"./extra/\" as extra\nuse extra.fresh.clinic-name { severity error }\n";
    let fresh_text = "decorum 1\npolicy test.fresh\n\nrule clinic-name {\n  severity warning\n  title \"The clinic's name\"\n  flag when contains [\"Harbourview Clinic\"]\n  example flags \"We met at Harbourview Clinic.\" at \"Harbourview Clinic\"\n}\n";
    let mut server = ws.start();
    let base = ws.uri("policy/base.decorum");
    let main = ws.uri("policy/main.decorum");
    let team = ws.uri("policy/team.decorum");
    server.open(&base, "decorum", 1, BASE_POLICY);
    assert_eq!(server.diagnostics_at(&base, 1), Vec::<Value>::new());
    server.open(&main, "decorum", 1, main_text);
    assert!(!server.diagnostics_at(&main, 1).is_empty());
    server.open(&team, "decorum", 1, team_text);
    assert!(!server.diagnostics_at(&team, 1).is_empty());
    let fresh = ws.uri("policy/extra/fresh.decorum");
    server.open(&fresh, "decorum", 1, fresh_text);
    assert_eq!(server.diagnostics_at(&fresh, 1), Vec::<Value>::new());
    server.diagnostics(&main, |p| p["diagnostics"] == json!([]));
    server.diagnostics(&team, |p| p["diagnostics"] == json!([]));
    // A new version of base: its diagnostics come after those of any check of it that
    // ran before, in the order of its checks.
    server.change(&base, 2, json!([{ "text": BASE_POLICY }]));
    server.diagnostics_at(&base, 2);
    server.drain();
    let again = server.take_backlog(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == base.as_str()
    });
    assert!(again.is_empty(), "{again:#?}");
    server.stop();
}
#[test]
fn a_policy_file_opened_while_its_importer_is_checked_reaches_that_importer() {
    // main's first check takes the open buffers before fresh opens and stores its
    // analysis after: fresh's opening finds no analysis of main to go by, and main's
    // check, once done, sees that a file it may import opened meanwhile.
    let ws = Workspace::new();
    let mut server = Server::start_with_env(
        &ws.root(),
        &[("DECORUM_LSP_TEST_POLICY_DELAY_MS", Path::new("1500"))],
    );
    server.initialize(&ws.root(), crate::capabilities(), Value::Null);
    let main_text = "decorum 1\npolicy test.main\n\nimport \"./fresh\" as fresh\n";
    let main = ws.uri("policy/main.decorum");
    server.open(&main, "decorum", 1, main_text);
    server.wait_for_log(
        "main's check to take the buffers",
        "doc#1 v1: open policy buffers taken",
    );
    let fresh = ws.uri("policy/fresh.decorum");
    server.open(&fresh, "decorum", 1, "decorum 1\npolicy test.fresh\n");
    server.diagnostics(&main, |p| p["diagnostics"] == json!([]));
    server.stop();
}

#[test]
fn settings_filter_severities_and_choose_draft_languages() {
    let ws = Workspace::new();
    let options = json!({ "decorum": { "minimumSeverity": "error", "drafts": { "languageIds": ["markdown"] } } });
    let mut server = ws.start_with(crate::capabilities(), options);
    let uri = ws.uri("mixed.md");
    server.open(&uri, "markdown", 1, "I think my patient is well.\n");
    // personal-opinion (warning) is hidden; client-story (error) is shown.
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    // A plain-text document that no glob names is not a draft under these settings.
    let other = "untitled:Untitled-1";
    server.open(other, "plaintext", 1, "My patient is well.\n");
    assert!(server.diagnostics_at(other, 1).is_empty());
    server.stop();
}

#[test]
fn the_default_draft_globs_take_extensions_in_any_letter_case() {
    // With no draft language, `[drafts] include` alone says what is a draft; its default
    // takes NOTES.MD and README.TXT as it takes notes.md, and the extension, in any
    // case, says whether the draft is Markdown (whatever language id the client sent).
    let ws = Workspace::new();
    let options = json!({ "drafts": { "languageIds": [] } });
    let mut server = ws.start_with(crate::capabilities(), options);
    // Markdown reads the first line's code span as code: one finding, not two.
    let text = "`My patient` came in.\nMy client is well.\n";
    let mut line_of_each = Vec::new();
    for (name, language_id) in [
        ("NOTES.MD", "plaintext"),
        ("Post.Md", "plaintext"),
        ("README.TXT", "markdown"),
        ("page.HTML", "plaintext"),
    ] {
        let uri = ws.uri(name);
        server.open(&uri, language_id, 1, text);
        let lines: Vec<u64> = server
            .diagnostics_at(&uri, 1)
            .iter()
            .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
            .collect();
        line_of_each.push((name, lines));
    }
    assert_eq!(
        line_of_each,
        [
            ("NOTES.MD", vec![1]),
            ("Post.Md", vec![1]),
            ("README.TXT", vec![0, 1]),
            ("page.HTML", vec![]),
        ]
    );
    server.stop();
}

#[test]
fn wrong_initialization_options_are_shown_as_a_warning() {
    let ws = Workspace::new();
    // The glob names an invented person, as a real one could: shown, never logged.
    let options = json!({
        "enable": "yes",
        "minimumSeverity": 7,
        "drafts": { "globs": ["notes/[Quillon-Ardey"] }
    });
    let mut server = ws.start_with(crate::capabilities(), options);
    let warning = server.wait_for("the settings warning", |m| {
        m["method"] == "window/showMessage" && m["params"]["type"] == 2
    });
    let text = warning["params"]["message"].as_str().unwrap_or_default();
    assert!(
        text.contains("`enable` must be true or false")
            && text.contains("`minimumSeverity`")
            && text.contains("Quillon-Ardey"),
        "{text}"
    );
    // The defaults apply: drafts are checked.
    let uri = ws.uri("defaults.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    let log = server.stop();
    assert!(log.contains("invalid glob"), "{log}");
    assert!(!log.contains("Quillon"), "{log}");
}

#[test]
fn empty_arrays_for_settings_are_no_settings() {
    // Neovim encodes an empty Lua table as `[]`, in `initializationOptions` and in its
    // answer to `workspace/configuration`: no settings, not a wrong value to warn about.
    let ws = Workspace::new();
    let mut capabilities = crate::capabilities();
    capabilities["workspace"]["configuration"] = json!(true);
    let mut server = Server::start(&ws.root());
    server.configuration = json!([]);
    server.initialize(&ws.root(), capabilities, json!([]));
    server.wait_for_log("the answer applied", "settings updated");
    let uri = ws.uri("empty.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    server.drain();
    assert!(server.messages.is_empty(), "{:?}", server.messages);
    let log = server.stop();
    assert!(!log.contains("expected an object"), "{log}");
}

#[test]
fn workspace_configuration_changes_apply_without_a_restart() {
    let ws = Workspace::new();
    let mut capabilities = crate::capabilities();
    capabilities["workspace"]["configuration"] = json!(true);
    let mut server = Server::start(&ws.root());
    server.configuration = json!({ "enable": false });
    server.initialize(&ws.root(), capabilities, Value::Null);
    server.wait_for("the configuration request", |m| {
        m["method"] == "workspace/configuration"
    });
    let uri = ws.uri("toggle.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    assert!(server.diagnostics_at(&uri, 1).is_empty(), "switched off");
    server.configuration = json!({ "enable": true });
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let on = server.diagnostics(&uri, |p| !p["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(on["version"], 1);
    server.stop();
}

#[test]
fn of_two_settings_answers_the_one_to_the_later_request_wins() {
    let ws = Workspace::new();
    let (mut server, first) = crate::start_without_answers(&ws.root());
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let second = server.wait_for("the settings request after the change", |m| {
        m["method"] == "workspace/configuration"
    });
    // The client answers the later request first; the older answer, late, is stale.
    server.send(&crate::settings_answer(
        &second,
        json!({ "minimumSeverity": "error" }),
    ));
    server.wait_for_log("the later answer applied", "settings updated");
    server.send(&crate::settings_answer(&first, json!({ "enable": false })));
    server.wait_for_log("the older answer dropped", "older than the settings in use");
    let uri = ws.uri("late.md");
    server.open(&uri, "markdown", 1, "I think my patient is well.\n");
    // Checked (not switched off), and only errors shown (personal-opinion is a warning).
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    server.stop();
}

#[test]
fn a_policy_problems_note_in_another_file_is_related_information_there() {
    // The sibling-conflict warning sits in b.decorum; the other value is in a.decorum.
    let ws = Workspace::new();
    ws.write("decorum.toml", "policies = [\"policy/org.decorum\"]\n");
    ws.write(
        "policy/org.decorum",
        "decorum 1\npolicy org\nimport \"./a\"\nimport \"./b\"\n",
    );
    ws.write(
        "policy/a.decorum",
        "decorum 1\npolicy org.a\nimport \"std/healthcare\" as hc\nuse hc.marketing.advert-share { max_share = 15% }\n",
    );
    ws.write(
        "policy/b.decorum",
        "decorum 1\npolicy org.b\nimport \"std/healthcare\" as hc\nuse hc.marketing.advert-share { max_share = 30% }\n",
    );
    let mut server = ws.start();
    server.open(&ws.uri("post.md"), "markdown", 1, "Flu shots are in.\n");
    let published = server.diagnostics(&ws.uri("policy/b.decorum"), |p| {
        !p["diagnostics"].as_array().unwrap().is_empty()
    });
    let warning = &published["diagnostics"][0];
    assert_eq!(warning["code"], "use-conflict", "{warning}");
    let related = &warning["relatedInformation"][0];
    assert_eq!(related["message"], "also set here", "{warning}");
    assert_eq!(related["location"]["uri"], ws.uri("policy/a.decorum"));
    assert_eq!(related["location"]["range"]["start"]["line"], 3);
    server.stop();
}

#[test]
fn every_unknown_key_of_an_open_decorum_toml_is_a_diagnostic() {
    let ws = Workspace::empty();
    let text = "polices = [\"std/healthcare\"]\n[check]\nfail_on = \"error\"\n";
    ws.write("decorum.toml", text);
    let mut server = ws.start();
    let uri = ws.uri("decorum.toml");
    server.open(&uri, "toml", 1, text);
    let shown = server.diagnostics_at(&uri, 1);
    let at: Vec<(u64, String)> = shown
        .iter()
        .map(|d| {
            let line = d["range"]["start"]["line"].as_u64().unwrap();
            (line, d["message"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(
        at,
        [
            (
                0,
                "unknown key \"polices\" (did you mean \"policies\"?)".to_owned()
            ),
            (
                2,
                "unknown key \"fail_on\" (did you mean \"fail-on\"?)".to_owned()
            ),
        ]
    );
    server.stop();
}

#[test]
fn a_decorum_toml_error_covers_what_it_is_about_in_utf16_units() {
    // The glob with `..` is the error; before it on its line, `é` is two bytes and one
    // UTF-16 unit, and `🌿` four bytes, one character and two UTF-16 units.
    let ws = Workspace::new();
    let text = "policies = [\"policy/org.decorum\"]\n[drafts]\ninclude = [\"café-🌿/*.md\", \"../up/*.md\"]\n";
    ws.write("decorum.toml", text);
    let mut server = ws.start();
    let expected = crate::client::utf16_range(text, "\"../up/*.md\"");
    assert_eq!(
        expected,
        json!({
            "start": { "line": 2, "character": 27 },
            "end": { "line": 2, "character": 39 },
        })
    );
    // Found by the load of the policies, on the file as it is on disk.
    let toml = ws.uri("decorum.toml");
    server.open(&ws.uri("post.md"), "markdown", 1, "Hello.\n");
    let on_disk = server.diagnostics(&toml, |p| p["diagnostics"] != json!([]));
    let shown = on_disk["diagnostics"].as_array().unwrap();
    assert_eq!(shown.len(), 1, "{on_disk}");
    assert_eq!(shown[0]["range"], expected, "{on_disk}");
    // Found by the check of the open file.
    server.open(&toml, "toml", 1, text);
    let shown = server.diagnostics_at(&toml, 1);
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0]["range"], expected, "{shown:?}");
    server.stop();
}

/// A `[[drafts.metadata]]` key one letter from a known one is a warning on `decorum.toml`
/// (as every CLI command prints it): on disk while the file is closed, and on the open
/// file; the policies stay in use.
#[test]
fn a_metadata_key_typo_in_decorum_toml_is_a_warning_there() {
    let ws = Workspace::new();
    let text = "policies = [\"policy/org.decorum\"]\n\n[[drafts.metadata]]\nfiles = \"calendar/**\"\nchanel = \"x\"\n";
    ws.write("decorum.toml", text);
    let mut server = ws.start();
    let toml = ws.uri("decorum.toml");
    let expected = crate::client::utf16_range(text, "chanel");
    let check = |shown: &[Value]| {
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert_eq!(shown[0]["severity"], 2, "{shown:?}");
        assert_eq!(
            shown[0]["range"]["start"]["line"],
            expected["start"]["line"]
        );
        let message = shown[0]["message"].as_str().unwrap();
        assert!(message.contains("`chanel`"), "{message}");
        assert!(message.contains("`channel`"), "{message}");
    };
    let post = ws.uri("post.md");
    server.open(&post, "markdown", 1, "Hello.\n");
    let on_disk = server.diagnostics(&toml, |p| p["diagnostics"] != json!([]));
    check(on_disk["diagnostics"].as_array().unwrap());
    // The policies are in use: a draft is checked with them.
    server.change(&post, 2, json!([{ "text": "My patient came in.\n" }]));
    let draft = server.diagnostics_at(&post, 2);
    assert_eq!(draft.len(), 1, "{draft:?}");
    server.open(&toml, "toml", 1, text);
    check(&server.diagnostics_at(&toml, 1));
    server.stop();
}

/// Without a decorum.toml a policy file is analysed with the workspace folder as its
/// root, as a draft there is and as `decorum test` run from that folder reads it, so an
/// import of a sibling folder is no error. The policy's own folder was the root, and the
/// editor flagged what the command line accepts.
#[test]
fn without_configuration_a_policy_may_import_from_across_the_workspace_folder() {
    let (ws, text) = sibling_import_workspace();
    let mut server = ws.start();
    let uri = ws.uri("policy/main.decorum");
    server.open(&uri, "decorum", 1, text);
    assert_eq!(
        server.diagnostics_at(&uri, 1),
        Vec::<serde_json::Value>::new()
    );
    server.stop();
}

/// A workspace without a decorum.toml whose `policy/main.decorum` imports
/// `shared/base.decorum` by `../shared/base`, and that file's text.
fn sibling_import_workspace() -> (Workspace, &'static str) {
    let ws = Workspace::empty();
    for folder in ["shared", "policy"] {
        std::fs::create_dir_all(ws.root().join(folder)).unwrap();
    }
    ws.write(
        "shared/base.decorum",
        "decorum 1\npolicy test.shared\n\nrule r {\n  flag when contains [\"lighthouse\"]\n}\n",
    );
    let text = "decorum 1\npolicy test.main\n\nimport \"../shared/base\" as b\nuse b.r { severity error }\n";
    ws.write("policy/main.decorum", text);
    (ws, text)
}

/// The same through a workspace folder that the client names by a symbolic link: a
/// policy file's path is compared with the folders with links resolved.
#[test]
fn without_configuration_a_policy_may_import_across_a_workspace_folder_named_by_a_link() {
    let (ws, text) = sibling_import_workspace();
    let links = tempfile::tempdir().unwrap();
    let linked = std::fs::canonicalize(links.path()).unwrap().join("clinic");
    std::os::unix::fs::symlink(ws.root(), &linked).unwrap();
    let mut server = Server::start(&linked);
    server.initialize(&linked, crate::capabilities(), Value::Null);
    let uri = crate::client::file_uri(&linked.join("policy/main.decorum"));
    server.open(&uri, "decorum", 1, text);
    assert_eq!(server.diagnostics_at(&uri, 1), Vec::<Value>::new());
    server.stop();
}

#[test]
fn without_configuration_the_standard_library_applies() {
    let ws = Workspace::empty();
    let mut server = ws.start();
    let uri = ws.uri("std.md");
    server.open(
        &uri,
        "markdown",
        1,
        "My patient, a 45-year-old teacher from Millbrook, finally quit smoking!\n",
    );
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert!(
        codes(&diagnostics).contains(&"hc.privacy.client-story".to_owned()),
        "{diagnostics:?}"
    );
    server.stop();
}

#[test]
fn deleting_decorum_toml_falls_back_to_the_defaults_without_an_error() {
    // The drafts move to the defaults (the standard library); the deleted file's
    // context is gone, not "broken with the last good policies still in use".
    let ws = Workspace::new();
    let server = ws.start();
    delete_config_and_fall_back(&ws, server, false);
}

/// The preload reads the folders' keys at `initialized`, then may wait (for a draft's
/// load, on a busy machine): a `decorum.toml` deleted meanwhile must not be loaded then,
/// or its "errors" (the file is gone) reach the writer. The test hook holds the preload
/// between the two steps.
#[test]
fn a_decorum_toml_deleted_before_the_preload_loads_it_is_not_loaded() {
    let ws = Workspace::new();
    // Long enough for the draft's check and the deletion to come first even on a busy
    // machine; the test waits for the preload to end, not for the delay.
    let delay = Path::new("4000");
    let mut server =
        Server::start_with_env(&ws.root(), &[("DECORUM_LSP_TEST_PRELOAD_DELAY_MS", delay)]);
    server.initialize(&ws.root(), capabilities(), Value::Null);
    delete_config_and_fall_back(&ws, server, true);
}

/// Opens a draft under the workspace's `decorum.toml`, deletes that file and sees the
/// draft move to the defaults (after the preload has ended, when `after_preload`), then
/// that nothing else arrived: no error message, no problem on the deleted file.
fn delete_config_and_fall_back(ws: &Workspace, mut server: Server, after_preload: bool) {
    let uri = ws.uri("post.md");
    let text = "My patient, a 45-year-old teacher from Millbrook, finally quit smoking!\n";
    server.open(&uri, "markdown", 1, text);
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    std::fs::remove_file(ws.root().join("decorum.toml")).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": ws.uri("decorum.toml"), "type": 3 }] }),
    );
    server.diagnostics(&uri, |p| {
        p["diagnostics"]
            .as_array()
            .is_some_and(|d| codes(d).contains(&"hc.privacy.client-story".to_owned()))
    });
    if after_preload {
        server.wait_for_log("the preload", "preload done");
    }
    // Whatever arrived by now.
    let reply = server.request("decorum/noSuchMethod", json!({}));
    assert_eq!(reply["error"]["code"], -32601);
    server.drain();
    assert!(server.messages.is_empty(), "{:?}", server.messages);
    let on_config = server.take_backlog(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == ws.uri("decorum.toml")
            && m["params"]["diagnostics"] != json!([])
    });
    assert!(on_config.is_empty(), "{on_config:?}");
    server.stop();
}

/// A `decorum.toml` created in a folder moves its drafts to the new policies, and the
/// folder's defaults, which now serve nothing, are dropped rather than kept loaded (and
/// read by navigation and rename) for the rest of the session.
#[test]
fn a_decorum_toml_created_in_a_folder_moves_its_drafts_and_drops_the_defaults() {
    let ws = Workspace::empty();
    let mut server = ws.start();
    let uri = ws.uri("post.md");
    let text = "My patient, a 45-year-old teacher from Millbrook, finally quit smoking!\n";
    server.open(&uri, "markdown", 1, text);
    assert!(codes(&server.diagnostics_at(&uri, 1)).contains(&"hc.privacy.client-story".to_owned()));
    std::fs::create_dir(ws.root().join("policy")).unwrap();
    ws.write("policy/base.decorum", BASE_POLICY);
    ws.write("policy/org.decorum", crate::ORG_POLICY);
    ws.write("decorum.toml", "policies = [\"policy/org.decorum\"]\n");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": ws.uri("decorum.toml"), "type": 1 }] }),
    );
    server.diagnostics(&uri, |p| {
        p["diagnostics"]
            .as_array()
            .is_some_and(|d| codes(d) == ["test.base.client-story"])
    });
    server.wait_for_log(
        "the folder's defaults to be dropped",
        "unused contexts dropped: 1",
    );
    server.stop();
}

#[test]
fn removing_a_workspace_folder_clears_the_problems_of_its_policy_files() {
    let ws = Workspace::new();
    ws.write(
        "policy/org.decorum",
        &ORG_POLICY.replace("use base.client-story", "use base.client-stroy"),
    );
    let mut server = ws.start();
    let org = ws.uri("policy/org.decorum");
    server.diagnostics(&org, |p| !p["diagnostics"].as_array().unwrap().is_empty());
    server.remove_workspace_folder(&crate::path_uri(&ws.root()));
    // The folder is no longer the writer's: its errors leave the problem list.
    server.diagnostics(&org, |p| p["diagnostics"] == json!([]));
    server.stop();
}

#[test]
fn removing_a_workspace_folder_leaves_an_open_policy_files_own_problems() {
    let ws = Workspace::new();
    let broken = ORG_POLICY.replace("use base.client-story", "use base.client-stroy");
    ws.write("policy/org.decorum", &broken);
    let mut server = ws.start();
    let org = ws.uri("policy/org.decorum");
    // Published by the folder's policies while the file is closed ...
    server.diagnostics(&org, |p| {
        p["version"].is_null() && p["diagnostics"] != json!([])
    });
    // ... then by the file's own check once it is open.
    server.open(&org, "decorum", 1, &broken);
    assert!(!server.diagnostics_at(&org, 1).is_empty());
    server.remove_workspace_folder(&crate::path_uri(&ws.root()));
    server.wait_for_log("the dropped context forgotten", "forgotten on 1 files");
    let emptied = server.emptied_so_far(&org);
    assert!(emptied.is_empty(), "{emptied:?}");
    server.stop();
}

#[test]
fn pull_diagnostics_when_the_client_asks_for_them() {
    let ws = Workspace::new();
    let mut capabilities = crate::capabilities();
    capabilities["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    capabilities["workspace"]["diagnostics"] = json!({ "refreshSupport": true });
    let mut server = Server::start(&ws.root());
    let result = server.initialize(&ws.root(), capabilities, Value::Null);
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["identifier"],
        "decorum"
    );
    let uri = ws.uri("pull.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    let reply = server.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(reply["result"]["kind"], "full");
    assert_eq!(
        codes(reply["result"]["items"].as_array().unwrap()),
        ["test.base.client-story"]
    );
    server.drain();
    let pushed = server.take_backlog(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
    });
    assert!(pushed.is_empty(), "pull clients get no pushes: {pushed:?}");
    server.stop();
}

/// A client that pulls but cannot be asked to pull again (Neovim 0.12) would show a
/// reload's findings only at the draft's next edit: it gets them pushed instead.
#[test]
fn a_client_that_cannot_be_asked_to_pull_again_gets_pushes() {
    let ws = Workspace::new();
    let mut capabilities = crate::capabilities();
    capabilities["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    let mut server = Server::start(&ws.root());
    let result = server.initialize(&ws.root(), capabilities, Value::Null);
    assert_eq!(result["capabilities"]["diagnosticProvider"], Value::Null);
    let uri = ws.uri("pushed.md");
    server.open(
        &uri,
        "markdown",
        1,
        "My patient loves the lighthouse keeper.\n",
    );
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    flag_lighthouse_keepers(&mut server, &ws);
    let after = server.wait_for("the reload's findings", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| d.len() == 2)
    });
    assert_eq!(
        codes(after["params"]["diagnostics"].as_array().unwrap()),
        ["test.base.client-story", "test.base.client-story"]
    );
    server.stop();
}

#[test]
fn pull_clients_are_asked_to_pull_again_after_a_policy_reload() {
    let ws = Workspace::new();
    let mut capabilities = crate::capabilities();
    capabilities["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    capabilities["workspace"]["diagnostics"] = json!({ "refreshSupport": true });
    let mut server = Server::start(&ws.root());
    server.initialize(&ws.root(), capabilities, Value::Null);
    let uri = ws.uri("pulled.md");
    server.open(
        &uri,
        "markdown",
        1,
        "My patient loves the lighthouse keeper.\n",
    );
    let pull = |server: &mut Server| {
        let reply = server.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        );
        codes(reply["result"]["items"].as_array().unwrap())
    };
    assert_eq!(pull(&mut server), ["test.base.client-story"]);
    flag_lighthouse_keepers(&mut server, &ws);
    server.wait_for("the refresh request", |m| {
        m["method"] == "workspace/diagnostic/refresh"
    });
    assert_eq!(
        pull(&mut server),
        ["test.base.client-story", "test.base.client-story"]
    );
    server.stop();
}

/// An editor that saves a policy file sends `didSave`, then the watched-files event of
/// the same write: one reload, and one error popup for a broken file, not two.
#[test]
fn a_save_and_its_watched_files_event_reload_once() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("draft.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    server.diagnostics_at(&uri, 1);
    ws.write(
        "policy/base.decorum",
        &BASE_POLICY.replace("flag when contains", "flag whenn contains"),
    );
    let policy_uri = ws.uri("policy/base.decorum");
    server.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": policy_uri } }),
    );
    changed(&mut server, &ws, "policy/base.decorum");
    server.wait_for("the error popup", |m| {
        m["method"] == "window/showMessage" && m["params"]["type"] == 1
    });
    // The popup comes from the save's reload; the watched-files event may still be
    // waiting, and would see the fixed bytes below as a change of its own.
    server.wait_for_log(
        "the watched-files event to be skipped",
        "a file change already reloaded was skipped",
    );
    // Fixed on disk: a third change, after which both earlier events are done with.
    ws.write("policy/base.decorum", BASE_POLICY);
    changed(&mut server, &ws, "policy/base.decorum");
    server.diagnostics(&policy_uri, |p| p["diagnostics"] == json!([]));
    server.drain();
    let errors = server
        .messages
        .iter()
        .filter(|m| m["params"]["type"] == 1)
        .count();
    assert_eq!(errors, 1, "{:?}", server.messages);
    let log = server.stop();
    assert_eq!(
        log.matches("reloading policies after a file change")
            .count(),
        2,
        "{log}"
    );
    assert!(
        log.contains("a file change already reloaded was skipped"),
        "{log}"
    );
}

/// Policies broken from the start leave nothing in use: an open draft is told it was not
/// checked and where the first error is, instead of showing no findings, which reads as
/// a clean draft. Fixed on disk, it gets its findings.
#[test]
fn drafts_are_told_they_were_not_checked_while_no_policies_load() {
    let ws = Workspace::new();
    ws.write(
        "policy/base.decorum",
        &BASE_POLICY.replace("flag when contains", "flag whenn contains"),
    );
    let mut server = ws.start();
    let uri = ws.uri("draft.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(codes(&diagnostics), ["decorum.draft"]);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "This draft was not checked: the policies have errors (policy/base.decorum:14: "
        ),
        "{message}"
    );
    // A file that is no draft (not markdown, not matched by a glob) is left alone.
    let notes = ws.uri("notes.json");
    server.open(&notes, "json", 1, "{\"my patient\": 1}\n");
    ws.write("policy/base.decorum", BASE_POLICY);
    changed(&mut server, &ws, "policy/base.decorum");
    let fixed = server.diagnostics(&uri, |p| {
        p["diagnostics"][0]["code"] == "test.base.client-story"
    });
    assert_eq!(fixed["diagnostics"].as_array().unwrap().len(), 1, "{fixed}");
    server.drain();
    let on_notes = server.take_backlog(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == notes.as_str()
            && m["params"]["diagnostics"] != json!([])
    });
    assert!(on_notes.is_empty(), "{on_notes:?}");
    server.stop();
}

#[test]
fn a_policy_file_named_in_decorum_toml_that_is_missing_is_a_diagnostic_on_its_entry() {
    // It used to be only a message naming its absolute path, and no diagnostic at all
    // on the decorum.toml that names it.
    let ws = Workspace::new();
    let config =
        "policies = [\n  \"policy/org.decorum\",\n  \"policy/missing.decorum\", # soon\n]\n";
    ws.write("decorum.toml", config);
    let mut server = ws.start();
    let draft = ws.uri("draft.md");
    server.open(&draft, "markdown", 1, "My patient is well.\n");
    let diagnostics = server.diagnostics_at(&draft, 1);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "This draft was not checked: the policies have errors (decorum.toml:3: \
             no policy file at `policy/missing.decorum`)"
        ),
        "{message}"
    );
    let toml = ws.uri("decorum.toml");
    let expected = json!({
        "start": { "line": 2, "character": 2 },
        "end": { "line": 2, "character": 26 },
    });
    let on_toml = server.diagnostics(&toml, |p| p["diagnostics"] != json!([]));
    let shown = on_toml["diagnostics"].as_array().unwrap();
    assert_eq!(shown.len(), 1, "{on_toml}");
    assert_eq!(shown[0]["range"], expected, "the entry's string");
    assert_eq!(shown[0]["source"], "decorum-policy");
    assert_eq!(shown[0]["severity"], 1);
    assert!(
        shown[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("no policy file at `policy/missing.decorum`"),
        "{on_toml}"
    );
    // Created: the problem is cleared and the draft is checked.
    ws.write("policy/missing.decorum", "decorum 1\npolicy test.extra\n");
    changed(&mut server, &ws, "policy/missing.decorum");
    server.diagnostics(&toml, |p| p["diagnostics"] == json!([]));
    let checked = server.diagnostics(&draft, |p| {
        p["diagnostics"][0]["code"] == "test.base.client-story"
    });
    assert_eq!(
        checked["diagnostics"].as_array().unwrap().len(),
        1,
        "{checked}"
    );
    // Missing again (the last good policies stay in use), then decorum.toml opened: its
    // own check shows the same.
    std::fs::remove_file(ws.root().join("policy/missing.decorum")).unwrap();
    changed(&mut server, &ws, "policy/missing.decorum");
    let again = server.diagnostics(&toml, |p| p["diagnostics"] != json!([]));
    assert_eq!(again["diagnostics"][0]["range"], expected, "{again}");
    server.open(&toml, "toml", 1, config);
    let shown = server.diagnostics_at(&toml, 1);
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(shown[0]["range"], expected);
    server.stop();
}

/// The not-checked warning is built once per load of the policies: a reload that fails
/// again names its own first error, not the one of the load before.
#[test]
fn a_reload_that_fails_again_names_its_own_first_error() {
    let ws = Workspace::new();
    ws.write(
        "policy/base.decorum",
        &BASE_POLICY.replace("flag when contains [", "flag whenn contains ["),
    );
    let mut server = ws.start();
    let uri = ws.uri("draft.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    let diagnostics = server.diagnostics_at(&uri, 1);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("(policy/base.decorum:14: "), "{message}");
    // The first error fixed, another made further down.
    ws.write(
        "policy/base.decorum",
        &BASE_POLICY.replace(
            "flag when contains stigmatizing",
            "flag whenn contains stigmatizing",
        ),
    );
    changed(&mut server, &ws, "policy/base.decorum");
    let again = server.diagnostics(&uri, |p| {
        p["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.contains("(policy/base.decorum:14: "))
    });
    let message = again["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "This draft was not checked: the policies have errors (policy/base.decorum:22: "
        ),
        "{message}"
    );
    server.stop();
}

/// Lowering the minimum severity re-sends what the last check stored, without a new
/// check: the stored result must hold the findings the old setting hid.
#[test]
fn lowering_the_minimum_severity_shows_the_findings_it_hid() {
    let ws = Workspace::new();
    let mut capabilities = crate::capabilities();
    capabilities["workspace"]["configuration"] = json!(true);
    let mut server = Server::start(&ws.root());
    server.configuration = json!({ "minimumSeverity": "error" });
    server.initialize(&ws.root(), capabilities, Value::Null);
    server.wait_for("the configuration request", |m| {
        m["method"] == "workspace/configuration"
    });
    let uri = ws.uri("mixed.md");
    server.open(&uri, "markdown", 1, "I think my patient is well.\n");
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    server.configuration = json!({ "minimumSeverity": "hint" });
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let both = server.diagnostics(&uri, |p| p["diagnostics"].as_array().unwrap().len() >= 2);
    assert_eq!(both["diagnostics"].as_array().unwrap().len(), 2, "{both}");
    server.stop();
}

#[test]
fn policies_first_loaded_for_a_decorum_toml_report_their_errors() {
    // The workspace folder has no configuration; a subfolder has its own, whose policy
    // does not parse. Opening that decorum.toml is the first thing to load its policies:
    // the writer is told they have errors, and the policy file (not open) gets its
    // diagnostics. (Before, a load by the check of a decorum.toml, by navigation or by
    // a pulled diagnostic was never reported.)
    let ws = Workspace::empty();
    std::fs::create_dir(ws.root().join("clinic")).unwrap();
    let config = "policies = [\"bad.decorum\"]\n";
    ws.write("clinic/decorum.toml", config);
    ws.write(
        "clinic/bad.decorum",
        "decorum 1\npolicy clinic.bad\n\nrule r {\n  flag whenn contains [\"x\"]\n}\n",
    );
    let mut server = ws.start();
    server.open(&ws.uri("clinic/decorum.toml"), "toml", 1, config);
    let message = server.wait_for("an error message", |m| {
        m["method"] == "window/showMessage" && m["params"]["type"] == 1
    });
    let text = message["params"]["message"].as_str().unwrap();
    assert!(
        text.contains("clinic/decorum.toml have errors") && text.contains("bad.decorum"),
        "{text}"
    );
    let problems = server.diagnostics(&ws.uri("clinic/bad.decorum"), |p| {
        !p["diagnostics"].as_array().unwrap().is_empty()
    });
    assert_eq!(problems["diagnostics"][0]["source"], "decorum-syntax");
    // Once: opening a draft of the same configuration reports nothing more.
    server.open(&ws.uri("clinic/post.md"), "markdown", 1, "Hello.\n");
    server.diagnostics_at(&ws.uri("clinic/post.md"), 1);
    let errors = server
        .messages
        .iter()
        .filter(|m| m["params"]["type"] == 1)
        .count();
    assert_eq!(errors, 1, "{:?}", server.messages);
    server.stop();
}
