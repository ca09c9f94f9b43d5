//! Document sync: open, change, close; incremental edits; versions; positions.

use serde_json::json;

use crate::Workspace;
use crate::client::{codes, utf16_range};

#[test]
fn open_change_close() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("post.md");
    let text = "What a week. My patient finally quit smoking.\n";
    server.open(&uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(codes(&diagnostics), ["test.base.client-story"]);
    let d = &diagnostics[0];
    assert_eq!(d["range"], utf16_range(text, "My patient"));
    assert_eq!(d["source"], "decorum");
    assert_eq!(d["severity"], 1, "raised to error by the org policy");
    assert_eq!(d["message"], "Names one client (My patient).");
    assert_eq!(
        d["codeDescription"]["href"],
        "https://example.org/rules/client-story"
    );

    // Replace the whole text: clean.
    server.change(
        &uri,
        2,
        json!([{ "text": "What a week. Flu shots are in.\n" }]),
    );
    assert!(server.diagnostics_at(&uri, 2).is_empty());

    server.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let cleared = server.diagnostics(&uri, |p| p["version"].is_null());
    assert_eq!(cleared["diagnostics"], json!([]));
    server.stop();
}

#[test]
fn incremental_edits_at_several_places_including_after_emoji() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("emoji.md");
    let mut text = String::from("🎉 Flu shots are in 👩🏽‍⚕️ today.\r\nSecond line 😀 here.\r\n");
    server.open(&uri, "markdown", 1, &text);
    assert!(server.diagnostics_at(&uri, 1).is_empty());

    // Several edits in one notification, each relative to the text after the previous:
    // after the emoji on line 1, then at the start of line 2, then after the 😀.
    let edits = [
        ("today", "with my patient today"),
        ("Second", "My client, second"),
        ("here", "I think here"),
    ];
    let mut changes = Vec::new();
    for (old, new) in edits {
        changes.push(json!({ "range": utf16_range(&text, old), "text": new }));
        let at = text.find(old).unwrap();
        text.replace_range(at..at + old.len(), new);
    }
    server.change(&uri, 2, json!(changes));
    let diagnostics = server.diagnostics_at(&uri, 2);
    let mut found: Vec<(String, serde_json::Value)> = diagnostics
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_owned(), d["range"].clone()))
        .collect();
    found.sort_by_key(|(code, range)| (range["start"]["line"].as_u64(), code.clone()));
    let mut expected = vec![
        (
            "test.base.client-story".to_owned(),
            utf16_range(&text, "my patient"),
        ),
        (
            "test.base.client-story".to_owned(),
            utf16_range(&text, "My client"),
        ),
        (
            "test.base.personal-opinion".to_owned(),
            utf16_range(&text, "I think"),
        ),
    ];
    expected.sort_by_key(|(code, range)| (range["start"]["line"].as_u64(), code.clone()));
    assert_eq!(found, expected, "text now: {text:?}");

    // One more edit in a separate notification, right after the 👩🏽‍⚕️ sequence
    // (a ZWJ sequence of 7 UTF-16 units), deleting "with my patient ".
    let range = utf16_range(&text, "with my patient ");
    server.change(&uri, 3, json!([{ "range": range, "text": "" }]));
    let diagnostics = server.diagnostics_at(&uri, 3);
    text = text.replace("with my patient ", "");
    assert_eq!(
        diagnostics
            .iter()
            .find(|d| d["code"] == "test.base.client-story")
            .unwrap()["range"],
        utf16_range(&text, "My client")
    );
    assert_eq!(diagnostics.len(), 2);
    server.stop();
}

#[test]
fn out_of_order_and_duplicate_versions_are_dropped() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("versions.md");
    server.open(&uri, "markdown", 1, "Clean text.\n");
    assert!(server.diagnostics_at(&uri, 1).is_empty());

    let v3 = "Clean text. My patient.\n";
    server.change(&uri, 3, json!([{ "text": v3 }]));
    // Version 2 arrives late, version 3 again: both must be ignored, or the incremental
    // edits would land on the wrong text.
    server.change(
        &uri,
        2,
        json!([{ "range": utf16_range(v3, "Clean"), "text": "I think" }]),
    );
    server.change(
        &uri,
        3,
        json!([{ "range": utf16_range(v3, "text"), "text": "I think" }]),
    );
    // Version 4 edits the version-3 text; its result proves what the server holds.
    server.change(
        &uri,
        4,
        json!([{ "range": utf16_range(v3, "Clean text."), "text": "Hello." }]),
    );
    let v4 = "Hello. My patient.\n";
    let diagnostics = server.diagnostics_at(&uri, 4);
    assert_eq!(codes(&diagnostics), ["test.base.client-story"]);
    assert_eq!(diagnostics[0]["range"], utf16_range(v4, "My patient"));

    server.drain();
    let stale = server.take_backlog(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["version"].as_i64().is_some_and(|v| v == 2)
    });
    assert!(
        stale.is_empty(),
        "published for a dropped version: {stale:?}"
    );
    let log = server.stop();
    assert!(
        log.contains("version 2 is not newer than 3"),
        "the late edit is logged as dropped"
    );
}

#[test]
fn fast_typing_publishes_only_in_version_order_and_ends_with_the_newest() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("typing.md");
    let mut text = String::from("Notes: ");
    server.open(&uri, "markdown", 1, &text);
    server.diagnostics_at(&uri, 1);
    let typed = "my patient is doing well";
    for (i, ch) in typed.chars().enumerate() {
        let end = client::utf16_position(&text, text.len());
        server.change(
            &uri,
            i as i64 + 2,
            json!([{ "range": { "start": end, "end": end }, "text": ch.to_string() }]),
        );
        text.push(ch);
    }
    let last = typed.chars().count() as i64 + 1;
    let diagnostics = server.diagnostics_at(&uri, last);
    assert_eq!(diagnostics[0]["range"], utf16_range(&text, "my patient"));
    server.drain();
    let published: Vec<i64> = server
        .take_backlog(|m| m["method"] == "textDocument/publishDiagnostics")
        .iter()
        .filter_map(|m| m["params"]["version"].as_i64())
        .collect();
    assert!(
        published.windows(2).all(|w| w[0] < w[1]) && published.iter().all(|&v| v < last),
        "versions published before the last, in order: {published:?}"
    );
    server.stop();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let ws = Workspace::new();
    let mut capabilities = crate::capabilities();
    capabilities["general"]["positionEncodings"] = json!(["utf-8", "utf-16"]);
    let mut server = Server::start(&ws.root());
    let result = server.initialize(&ws.root(), capabilities, serde_json::Value::Null);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    let uri = ws.uri("bytes.md");
    let text = "\u{feff}😀 café, my patient.\r\n";
    server.open(&uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    let start = text.find("my patient").unwrap();
    assert_eq!(
        diagnostics[0]["range"],
        json!({
            "start": { "line": 0, "character": start },
            "end": { "line": 0, "character": start + "my patient".len() }
        })
    );
    server.stop();
}

use crate::client::{self, Server};

/// A draft over 64 KB is checked from the server's memo of its last check, searching
/// only the paragraphs an edit touched: after edits that split a match's paragraph
/// under it, remove a problem, split and join paragraphs, open and close a code block
/// and type at both ends, its diagnostics are those of the same text opened fresh.
#[test]
fn a_long_draft_after_edits_gets_the_diagnostics_of_a_fresh_check() {
    let ws = Workspace::new();
    // A regex that matches across a line break inside a paragraph, never across a
    // blank line.
    ws.write(
        "policy/long.decorum",
        "decorum 1\npolicy test.long\n\nrule my-client {\n  flag when contains [/\\bmy\\s+client\\b/i]\n}\n",
    );
    ws.write(
        "decorum.toml",
        "policies = [\"policy/org.decorum\", \"policy/long.decorum\"]\n",
    );
    let mut server = ws.start();
    let uri = ws.uri("long.md");
    let paragraph = "Flu shots are in this week, walk in any weekday.\nMy patient asked about boosters, and my\nclient asked too.\n\n";
    let mut text = paragraph.repeat(1000);
    assert!(text.len() > 100 * 1024);
    server.open(&uri, "markdown", 1, &text);
    let opened = server.diagnostics_at(&uri, 1);
    assert_eq!(
        opened
            .iter()
            .filter(|d| d["code"] == "test.long.my-client")
            .count(),
        1000
    );
    let middle = text.len() / 2 - text.len() / 2 % paragraph.len();
    let line_break_in_my_client = paragraph.find("my\nclient").unwrap() + 2;
    // (byte offset, bytes removed, text inserted), each on the text the previous left.
    let edits: Vec<(usize, usize, &str)> = vec![
        // "my\n\nclient": the client-story match across the line break goes.
        (
            middle + paragraph.len() * 12 + line_break_in_my_client,
            0,
            "\n",
        ),
        (middle + 49, 10, "Our team"),
        (middle + 27, 0, "\n\n"),
        (middle + paragraph.len() * 3 - 2, 2, ""),
        (middle + paragraph.len() * 5, 0, "```\n"),
        (middle + paragraph.len() * 9, 0, "```\n"),
        (0, 0, "My patient said hi. "),
        (text.len() - 1, 0, "my\nclient"),
    ];
    for (i, (at, removed, inserted)) in edits.into_iter().enumerate() {
        let at = at.min(text.len());
        let version = i as i64 + 2;
        let range = json!({
            "start": client::utf16_position(&text, at),
            "end": client::utf16_position(&text, at + removed),
        });
        server.change(&uri, version, json!([{ "range": range, "text": inserted }]));
        text.replace_range(at..at + removed, inserted);
        let edited = server.diagnostics_at(&uri, version);

        // Opened at the same version, which the diagnostics' data carries.
        let fresh_uri = ws.uri(&format!("fresh-{version}.md"));
        server.open(&fresh_uri, "markdown", version, &text);
        let fresh = server.diagnostics_at(&fresh_uri, version);
        let fresh = serde_json::to_string(&fresh)
            .unwrap()
            .replace(&fresh_uri, &uri);
        assert!(
            serde_json::to_string(&edited).unwrap() == fresh,
            "edit {i} ({inserted:?} at {at}): {} diagnostics, a fresh check has {}",
            edited.len(),
            serde_json::from_str::<Vec<serde_json::Value>>(&fresh)
                .unwrap()
                .len()
        );
        server.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": fresh_uri } }),
        );
    }
    server.stop();
}

#[test]
fn a_check_of_a_closed_document_never_reaches_its_next_opening() {
    // Close, then open again at once with other text and the same version (clients start
    // again at 1): the first opening's check, still running, must not publish its
    // findings for the new text, nor leave them for hover, fixes and pull requests.
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("reopened.md");
    let old = "Flu shots are in. My patient waved hello today 😀\n\n".repeat(2_000);
    let new = "Flu shots are in. See you Saturday.\n";
    for _ in 0..3 {
        server.open(&uri, "markdown", 1, &old);
        server.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
        server.open(&uri, "markdown", 1, new);
        assert!(server.diagnostics_at(&uri, 1).is_empty());
        // Long enough for the first opening's check to end (it is not cancelled).
        std::thread::sleep(std::time::Duration::from_millis(1200));
        let reply = server.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        );
        assert_eq!(reply["result"]["items"], json!([]), "{reply}");
        server.drain();
        let stale = server.take_backlog(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| !d.is_empty())
        });
        assert!(
            stale.is_empty(),
            "stale diagnostics published: {}",
            stale.len()
        );
        server.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
        server.drain();
    }
    server.stop();
}

/// A lone `\r` ends a line, as the protocol says (old Mac files, some exports): positions
/// on the lines after it, from the server and from the client's edits, count from it.
#[test]
fn a_lone_carriage_return_ends_a_line() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("old-mac.md");
    let text = "Flu shots 😀 are in.\rMy patient came in.\r";
    server.open(&uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(codes(&diagnostics), ["test.base.client-story"]);
    let on_line_one = |from: u32, to: u32| {
        json!({
            "start": { "line": 1, "character": from },
            "end": { "line": 1, "character": to }
        })
    };
    assert_eq!(diagnostics[0]["range"], on_line_one(0, 10));
    let at_line_one = json!({
        "start": { "line": 1, "character": 0 },
        "end": { "line": 1, "character": 0 }
    });
    server.change(&uri, 2, json!([{ "range": at_line_one, "text": "Note. " }]));
    let diagnostics = server.diagnostics_at(&uri, 2);
    assert_eq!(diagnostics[0]["range"], on_line_one(6, 16));
    let actions = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostics[0]["range"],
            "context": { "diagnostics": diagnostics }
        }),
    );
    let waiver = actions["result"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|a| a["title"].as_str().is_some_and(|t| t.ends_with("here…")))
        })
        .cloned()
        .unwrap_or_default();
    let edits = client::action_edits(&waiver, &uri);
    let inserted = edits[0]["newText"].as_str().unwrap_or_default();
    assert!(
        inserted.starts_with("<!-- decorum-allow") && inserted.ends_with("-->\r"),
        "the waiver ends its line as the draft does: {inserted:?} in {actions}"
    );
    server.stop();
}
