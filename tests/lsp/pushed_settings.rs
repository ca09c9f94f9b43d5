//! Settings sent with `workspace/didChangeConfiguration` by a client that also answers
//! `workspace/configuration`.

use serde_json::{Value, json};

use crate::Workspace;
use crate::client::{Server, codes};

/// A server whose client declares `workspace/configuration` and answers it with
/// `answer` (the `decorum` section).
fn start(ws: &Workspace, answer: Value) -> Server {
    let mut capabilities = crate::capabilities();
    capabilities["workspace"]["configuration"] = json!(true);
    let mut server = Server::start(&ws.root());
    server.configuration = answer;
    server.initialize(&ws.root(), capabilities, Value::Null);
    server
}

/// Neovim answers `null` for a section its `settings` table lacks: it has nothing to
/// say, and the settings sent along stand.
#[test]
fn settings_sent_along_stand_when_the_client_answers_null() {
    let ws = Workspace::new();
    let mut server = start(&ws, Value::Null);
    let uri = ws.uri("pushed.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "decorum": { "enable": false } } }),
    );
    // Switched off at once, and the null answer to the request after it changes nothing.
    server.diagnostics(&uri, |p| p["diagnostics"] == json!([]));
    server.wait_for("the settings request after the change", |m| {
        m["method"] == "workspace/configuration"
    });
    server.change(&uri, 2, json!([{ "text": "My patient is still well.\n" }]));
    assert!(server.diagnostics_at(&uri, 2).is_empty(), "still off");
    server.stop();
}

/// An answer the client does give replaces the settings sent along (it is asked after
/// them).
#[test]
fn an_answer_replaces_the_settings_sent_along() {
    let ws = Workspace::new();
    let mut server = start(&ws, json!({ "minimumSeverity": "error" }));
    server.wait_for_log("the answer at start applied", "settings updated");
    let uri = ws.uri("answered.md");
    server.open(&uri, "markdown", 1, "I think my patient is well.\n");
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    server.configuration = json!({ "minimumSeverity": "hint" });
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "decorum": { "enable": false } } }),
    );
    server.diagnostics(&uri, |p| {
        let mut found = codes(p["diagnostics"].as_array().unwrap());
        found.sort();
        found == ["test.base.client-story", "test.base.personal-opinion"]
    });
    server.stop();
}

/// The answer to a request sent before the notification is older than the settings
/// sent along with it, also when it arrives after them.
#[test]
fn a_late_answer_to_an_earlier_request_does_not_replace_settings_sent_along() {
    let ws = Workspace::new();
    let (mut server, first) = crate::start_without_answers(&ws.root());
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "decorum": { "enable": false } } }),
    );
    server.wait_for("the settings request after the change", |m| {
        m["method"] == "workspace/configuration"
    });
    server.send(&crate::settings_answer(&first, json!({ "enable": true })));
    server.wait_for_log("the older answer dropped", "older than the settings in use");
    let uri = ws.uri("late.md");
    server.open(&uri, "markdown", 1, "My patient is well.\n");
    assert!(server.diagnostics_at(&uri, 1).is_empty(), "still off");
    server.stop();
}
