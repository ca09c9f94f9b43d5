//! What must not take the server down or leak a draft: malformed input, unknown methods
//! and documents, a panicking handler, a 5 MB draft, and the log file.

use serde_json::{Value, json};

use crate::client::{Server, codes, utf16_range};
use crate::{Workspace, capabilities};

#[test]
fn malformed_json_unknown_methods_and_unknown_documents_are_answered() {
    let ws = Workspace::new();
    let mut server = ws.start();

    server.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ");
    let error = server.wait_for("the parse error", |m| m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32700, "{error}");
    assert_eq!(error["id"], Value::Null);
    // JSON whose numbers only fail when built: a number out of range once ended the
    // input.
    server.send_raw(br#"{"jsonrpc":"2.0","id":5,"method":"decorum/x","params":1e999}"#);
    let error = server.wait_for("the parse error", |m| m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32700, "{error}");

    let reply = server.request("decorum/noSuchMethod", json!({}));
    assert_eq!(reply["error"]["code"], -32601, "{reply}");
    // A `$/` request (not a notification) is answered "method not found" too: it used
    // to get no reply at all, which left the client waiting.
    let reply = server.request("$/customRequest", json!({}));
    assert_eq!(reply["error"]["code"], -32601, "{reply}");
    // An invalid request whose id can be read is answered with that id.
    server.send_raw(br#"{"jsonrpc":"1.0","id":4242,"method":"textDocument/hover"}"#);
    let error = server.wait_for("the invalid request", |m| m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert_eq!(error["id"], 4242, "{error}");
    // So is an object that is neither a request nor a response, but has an id.
    server.send_raw(br#"{"jsonrpc":"2.0","id":5}"#);
    let error = server.wait_for("the invalid request", |m| m.get("error").is_some());
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert_eq!(error["id"], 5, "{error}");

    let unknown = ws.uri("never-opened.md");
    let position = json!({ "line": 0, "character": 0 });
    let reply = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": unknown }, "position": position }),
    );
    assert!(reply["result"].is_null(), "{reply}");
    let reply = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": unknown },
            "range": { "start": position, "end": position },
            "context": { "diagnostics": [] }
        }),
    );
    assert_eq!(reply["result"], json!([]), "{reply}");
    let reply = server.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": unknown } }),
    );
    assert_eq!(reply["result"]["items"], json!([]), "{reply}");
    // Wrong parameter types are an error reply, not a crash.
    let reply = server.request("textDocument/hover", json!({ "textDocument": 7 }));
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    // A change for a document that is not open is ignored.
    server.change(&unknown, 2, json!([{ "text": "My patient." }]));

    // Still alive and working.
    let uri = ws.uri("alive.md");
    server.open(&uri, "markdown", 1, "My patient.\n");
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    server.stop();
}

/// A client that cuts an emoji in half sends a lone UTF-16 surrogate, which JSON cannot
/// build into a string. Refusing the message left the server's text one edit behind the
/// client's, so every later edit landed in the wrong place; it is read as U+FFFD, which
/// is one UTF-16 unit too.
#[test]
fn a_lone_surrogate_is_read_as_the_replacement_character() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("cut.md");
    server.open(&uri, "markdown", 1, "Hello \u{1F600} there.\n");
    assert!(server.diagnostics_at(&uri, 1).is_empty());
    // The client replaces the whole emoji (`character` 6 to 8) with its first half alone.
    let change = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":2}},"contentChanges":[{{"range":{{"start":{{"line":0,"character":6}},"end":{{"line":0,"character":8}}}},"text":"\ud83d"}}]}}}}"#
    );
    server.send_raw(change.as_bytes());
    assert!(server.diagnostics_at(&uri, 2).is_empty());
    // An edit after the mended character lands where the client put it.
    let text = "Hello \u{FFFD} there, my patient.\n";
    let at = json!({ "line": 0, "character": 13 });
    server.change(
        &uri,
        3,
        json!([{ "range": { "start": at, "end": at }, "text": ", my patient" }]),
    );
    let diagnostics = server.diagnostics_at(&uri, 3);
    assert_eq!(codes(&diagnostics), ["test.base.client-story"]);
    assert_eq!(diagnostics[0]["range"], utf16_range(text, "my patient"));
    server.stop();
}

/// An edit can cut an emoji in half by its range alone: deleting the second half of a
/// pair leaves the first in the client's text, one UTF-16 unit. The server once rounded
/// the edit to the whole emoji, and every later position was one unit off.
#[test]
fn an_edit_that_deletes_half_an_emoji_keeps_positions_in_step() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("half.md");
    server.open(&uri, "markdown", 1, "\u{1F600} Hi there.\n");
    assert!(server.diagnostics_at(&uri, 1).is_empty());
    let half =
        json!({ "start": { "line": 0, "character": 1 }, "end": { "line": 0, "character": 2 } });
    server.change(&uri, 2, json!([{ "range": half, "text": "" }]));
    assert!(server.diagnostics_at(&uri, 2).is_empty());
    // The client now holds a lone surrogate, which it sends as U+FFFD: one unit.
    let text = "\u{FFFD} Hi my patient there.\n";
    let at = json!({ "line": 0, "character": 5 });
    server.change(
        &uri,
        3,
        json!([{ "range": { "start": at, "end": at }, "text": "my patient " }]),
    );
    let diagnostics = server.diagnostics_at(&uri, 3);
    assert_eq!(codes(&diagnostics), ["test.base.client-story"]);
    assert_eq!(diagnostics[0]["range"], utf16_range(text, "my patient"));
    server.stop();
}

#[test]
fn a_panicking_handler_becomes_an_error_reply() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let reply = server.request("decorum/testPanic", Value::Null);
    assert_eq!(reply["error"]["code"], -32603, "{reply}");
    let uri = ws.uri("after-panic.md");
    server.open(&uri, "markdown", 1, "My patient.\n");
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    let log = server.stop();
    assert!(
        log.contains("handler of decorum/testPanic panicked"),
        "{log}"
    );
    assert!(!log.contains("was called"), "the payload is not logged");
}

#[test]
fn a_five_megabyte_draft_is_checked() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("huge.md");
    let paragraph =
        "Flu shots are in. Walk in any weekday from 8 to 6, no appointment needed. 😀\n\n";
    let mut text = String::with_capacity(5 * 1024 * 1024 + 200);
    while text.len() < 5 * 1024 * 1024 {
        text.push_str(paragraph);
    }
    text.push_str("In the end my patient said thanks.\n");
    server.open(&uri, "markdown", 1, &text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(codes(&diagnostics), ["test.base.client-story"]);
    assert_eq!(diagnostics[0]["range"], utf16_range(&text, "my patient"));
    // An edit at the end of the huge text.
    let end = crate::client::utf16_position(&text, text.len());
    server.change(
        &uri,
        2,
        json!([{ "range": { "start": end, "end": end }, "text": "My client too.\n" }]),
    );
    assert_eq!(server.diagnostics_at(&uri, 2).len(), 2);
    server.stop();
}

#[test]
fn the_log_never_contains_draft_text() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let secret = "Quillon Zarathustra-Vexley";
    let uri = ws.uri("private.md");
    let text = format!("My patient {secret}, 555-0142, committed suicide. I think so.\n");
    server.open(&uri, "markdown", 1, &text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(diagnostics.len(), 3, "{diagnostics:?}");
    let edited = text.replace("I think so.", &format!("{secret} again."));
    server.change(&uri, 2, json!([{ "text": edited }]));
    let diagnostics = server.diagnostics_at(&uri, 2);
    server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": diagnostics[0]["range"]["start"] }),
    );
    server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostics[0]["range"],
            "context": { "diagnostics": diagnostics }
        }),
    );
    server.request("decorum/testPanic", Value::Null);
    let log = server.stop();
    assert!(
        log.contains("test.base.client-story"),
        "rule ids are logged: {log}"
    );
    assert!(log.contains("didChange"), "{log}");
    for leaked in [
        secret,
        "Zarathustra",
        "555-0142",
        "private.md",
        "committed suicide",
    ] {
        assert!(!log.contains(leaked), "the log contains {leaked:?}:\n{log}");
    }
}

#[test]
fn exit_without_shutdown_is_exit_status_one() {
    // The protocol: 0 after a `shutdown` request (every other test's `stop`), 1 without.
    let ws = Workspace::new();
    let mut server = ws.start();
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_for_exit().code(), Some(1));
}

#[test]
fn a_client_that_never_answers_does_not_stall_the_server() {
    // The server asks for file watchers and settings after `initialized`; notifications
    // are handled in order, so waiting for answers that never come once stalled every
    // later notification, `exit` included.
    let ws = Workspace::new();
    let mut server = Server::start(&ws.root());
    server.answer_requests = false;
    let mut caps = capabilities();
    caps["workspace"]["configuration"] = json!(true);
    server.initialize(&ws.root(), caps, Value::Null);
    let uri = ws.uri("draft.md");
    server.open(&uri, "markdown", 1, "My patient.\n");
    assert_eq!(
        codes(&server.diagnostics_at(&uri, 1)),
        ["test.base.client-story"]
    );
    server.wait_for("the watcher registration", |m| {
        m["method"] == "client/registerCapability"
    });
    server.wait_for("the settings request", |m| {
        m["method"] == "workspace/configuration"
    });
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_for_exit().code(), Some(1));
}

#[test]
fn exit_does_not_wait_for_an_unanswered_settings_request() {
    // The server asks for the settings after `initialized` and after every
    // `didChangeConfiguration`, and gives a client 5 s to answer. The server ends when
    // its handlers have returned: one waiting for that answer kept it from ending.
    let ws = Workspace::new();
    let (mut server, _) = crate::start_without_answers(&ws.root());
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    server.wait_for("the settings request after the change", |m| {
        m["method"] == "workspace/configuration"
    });
    let log = server.stop();
    // Had `exit` waited out either request, its time-out would be in the log.
    assert!(
        !log.contains("no answer to workspace/configuration"),
        "{log}"
    );
}

#[test]
fn a_draft_too_large_to_check_says_so() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("huge.md");
    let text = "Flu shots are in. My patient waved.\n".repeat((64 << 20) / 36 + 2);
    server.open(&uri, "markdown", 1, &text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(codes(&diagnostics), ["decorum.draft"]);
    let message = diagnostics[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("larger than 64 MiB and was not checked"),
        "{message}"
    );
    server.stop();
}

/// A draft with more findings than the editor can use gets the first 10,000, the most
/// severe first, and one warning that says how many more there are.
#[test]
fn at_most_ten_thousand_diagnostics_per_draft() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("flood.md");
    // 10,100 opinions (warnings), then 5 client stories (errors, by the org's override).
    let mut text = "I think so.\n\n".repeat(10_100);
    text.push_str(&"My patient came in.\n\n".repeat(5));
    server.open(&uri, "markdown", 1, &text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(diagnostics.len(), 10_001);
    let errors = diagnostics.iter().filter(|d| d["severity"] == 1).count();
    assert_eq!(errors, 5, "the most severe are kept");
    let last = &diagnostics[10_000];
    assert_eq!(last["code"], "decorum.draft");
    let message = last["message"].as_str().unwrap();
    assert!(
        message.starts_with("105 more findings are not shown: the editor gets at most 10,000"),
        "{message}"
    );
    server.stop();
}

#[test]
fn a_client_that_sends_initialized_before_reading_the_reply_gets_its_policies_loaded() {
    // Some clients write `initialized` right after `initialize`, before reading its
    // reply; the load that `initialized` starts (which shows a policy's problems before
    // any draft is open) must happen all the same, also when `initialized` comes first.
    for reversed in [false, true] {
        let ws = Workspace::new();
        ws.write(
            "policy/base.decorum",
            &crate::BASE_POLICY.replace("contains stigmatizing", "contains stigmatising"),
        );
        let mut server = Server::start(&ws.root());
        server.initialize_pipelined(&ws.root(), capabilities(), reversed);
        let problems = server.diagnostics(&ws.uri("policy/base.decorum"), |p| {
            p["diagnostics"] != json!([])
        });
        assert_eq!(
            problems["diagnostics"][0]["code"], "unknown-name",
            "{problems}"
        );
        server.stop();
    }
}

#[test]
fn exit_does_not_wait_for_the_policies_to_load() {
    // `initialized` loads the workspace's policies, which takes seconds for a large
    // workspace; here the test hook holds the load back for ten minutes. `shutdown` was
    // answered at once, but the server ended only once that handler had returned.
    let ws = Workspace::new();
    let delay = std::path::Path::new("600000");
    let mut server =
        Server::start_with_env(&ws.root(), &[("DECORUM_LSP_TEST_PRELOAD_DELAY_MS", delay)]);
    server.initialize(&ws.root(), capabilities(), Value::Null);
    server.stop();
}
