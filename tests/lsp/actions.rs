//! Hover and code actions: the writer's explanation and one-keystroke fixes.

use serde_json::{Value, json};

use crate::Workspace;
use crate::client::{Server, action_edits, apply_edits, codes, utf16_range};

/// Requests code actions at a diagnostic's range, with the diagnostic as context.
fn actions_for(server: &mut Server, uri: &str, diagnostic: &Value) -> Vec<Value> {
    let reply = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic] }
        }),
    );
    reply["result"].as_array().unwrap().clone()
}

/// Applies `action` to `text`, sends the result as version `version`, and returns the
/// new text and its diagnostics.
fn apply(
    server: &mut Server,
    uri: &str,
    text: &str,
    action: &Value,
    version: i64,
) -> (String, Vec<Value>) {
    let edits = action_edits(action, uri);
    assert!(!edits.is_empty(), "{action}");
    let fixed = apply_edits(text, &edits);
    server.change(uri, version, json!([{ "text": fixed }]));
    let diagnostics = server.diagnostics_at(uri, version);
    (fixed, diagnostics)
}

/// Opens `text` as `uri`, applies the "Allow here" waiver of its first finding (a
/// client story) as version 2, and returns the new text and its diagnostics.
fn allow_client_story_here(server: &mut Server, uri: &str, text: &str) -> (String, Vec<Value>) {
    server.open(uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(uri, 1);
    let actions = actions_for(server, uri, &diagnostics[0]);
    let allow = actions
        .iter()
        .find(|a| a["title"] == "Allow test.base.client-story here…")
        .unwrap();
    apply(server, uri, text, allow, 2)
}

#[test]
fn hover_explains_the_rule_its_severity_origin_and_link() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("hover.md");
    let text = "Today my patient said thanks.\n";
    server.open(&uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    let range = &diagnostics[0]["range"];
    let reply = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": range["start"] }),
    );
    let hover = &reply["result"];
    assert_eq!(hover["range"], *range);
    assert_eq!(hover["contents"]["kind"], "markdown");
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.starts_with("**A client story can identify the client** · `test.base.client-story`"),
        "{value}"
    );
    assert!(
        value.contains("A story about one client can identify them."),
        "{value}"
    );
    // The org policy's `use` block on line 5 raised the severity.
    assert!(
        value.contains("Severity: **error** (override at [policy/org.decorum:5]("),
        "{value}"
    );
    assert!(
        value.contains("[Read more](https://example.org/rules/client-story)"),
        "{value}"
    );

    // Outside a flagged range: nothing.
    let reply = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 1 } }),
    );
    assert!(reply["result"].is_null(), "{reply}");
    server.stop();
}

#[test]
fn each_fix_applied_through_its_workspace_edit_leaves_the_draft_clean_for_its_rule() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("fix.md");
    let text = "🎉 Sadly he committed suicide last year.\n";
    server.open(&uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(codes(&diagnostics), ["test.base.stigmatizing-language"]);
    let actions = actions_for(&mut server, &uri, &diagnostics[0]);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Replace with “died by suicide”",
            "Allow test.base.stigmatizing-language here…",
            "Allow test.base.stigmatizing-language in this file…"
        ]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true, "a safe replacement is preferred");
    assert_eq!(
        fix["edit"]["documentChanges"][0]["textDocument"]["version"], 1,
        "edits are versioned"
    );
    let (fixed, after) = apply(&mut server, &uri, text, fix, 2);
    assert_eq!(fixed, "🎉 Sadly he died by suicide last year.\n");
    assert!(after.is_empty(), "{after:?}");
    server.stop();
}

#[test]
fn allow_here_inserts_a_waiver_with_a_reason_placeholder() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("waiver.md");
    let text = "# Story\n\nIntro line.\nMy patient agreed to share this.\n";
    let (fixed, after) = allow_client_story_here(&mut server, &uri, text);
    assert_eq!(
        fixed,
        "# Story\n\n<!-- decorum-allow test.base.client-story: why this is acceptable -->\nIntro line.\nMy patient agreed to share this.\n"
    );
    assert!(
        after.is_empty(),
        "waived, and the waiver has a reason: {after:?}"
    );
    server.stop();
}

#[test]
fn a_waiver_for_a_list_item_keeps_the_list_whole() {
    // At column 0 between two items, the comment would end the list: the rest would
    // start a new one (and an ordered list would number it anew). Indented as a
    // continuation of the item before, it stays inside the list.
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("list.md");
    let text = "Clinic news:\n\n9. Flu shots are in.\n10. My patient agreed to share this.\n";
    let (fixed, after) = allow_client_story_here(&mut server, &uri, text);
    assert_eq!(
        fixed,
        "Clinic news:\n\n9. Flu shots are in.\n    <!-- decorum-allow test.base.client-story: why this is acceptable -->\n10. My patient agreed to share this.\n"
    );
    assert!(
        after.is_empty(),
        "the waiver still covers the item: {after:?}"
    );
    // The first item of a list: the comment goes before the list, at column 0.
    let text = "Clinic news:\n\n- My patient agreed to share this.\n- Flu shots are in.\n";
    let (fixed, after) = allow_client_story_here(&mut server, &ws.uri("first.md"), text);
    assert_eq!(
        fixed,
        "Clinic news:\n\n<!-- decorum-allow test.base.client-story: why this is acceptable -->\n- My patient agreed to share this.\n- Flu shots are in.\n"
    );
    assert!(after.is_empty(), "{after:?}");
    server.stop();
}

#[test]
fn a_waiver_inside_a_block_quote_keeps_the_quote_whole() {
    // At column 0 between two lines of a quote, the comment would end it: the rest would
    // become a second quote. With the line's `> ` markers it stays inside.
    let ws = Workspace::new();
    let mut server = ws.start();
    let text = "> From our newsletter.\n>\n> My patient agreed to share this.\n";
    let (fixed, after) = allow_client_story_here(&mut server, &ws.uri("quote.md"), text);
    assert_eq!(
        fixed,
        "> From our newsletter.\n>\n> <!-- decorum-allow test.base.client-story: why this is acceptable -->\n> My patient agreed to share this.\n"
    );
    assert!(after.is_empty(), "{after:?}");
    // A list inside a quote: the markers, then the item's continuation indent.
    let text = "> - Flu shots are in.\n> - My patient agreed to share this.\n";
    let (fixed, after) = allow_client_story_here(&mut server, &ws.uri("quoted-list.md"), text);
    assert_eq!(
        fixed,
        "> - Flu shots are in.\n>   <!-- decorum-allow test.base.client-story: why this is acceptable -->\n> - My patient agreed to share this.\n"
    );
    assert!(after.is_empty(), "{after:?}");
    server.stop();
}

/// The rules of the findings and of the waivers used that `decorum check` reports for
/// `text` saved as `name` in the workspace: the command line's reading of a waiver the
/// server inserted.
fn checked_by_cli(ws: &Workspace, name: &str, text: &str) -> (Vec<String>, Vec<String>) {
    ws.write(name, text);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_decorum"))
        .args(["check", "--format", "json", "--fail-on", "never", name])
        .current_dir(ws.root())
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = |v: &Value| v.as_str().unwrap().to_owned();
    let items = |key: &str| json[key].as_array().unwrap().clone();
    let findings = items("findings")
        .iter()
        .map(|f| names(&f["rule"]))
        .collect();
    let waivers = items("waivers")
        .iter()
        .flat_map(|w| {
            w["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(names)
                .collect::<Vec<_>>()
        })
        .collect();
    (findings, waivers)
}

#[test]
fn a_waiver_in_a_quote_after_a_list_is_not_indented_by_that_list() {
    // The nested list above the quote is outside it: the quoted item is the first of its
    // own list, so the waiver goes right after the `> `. Indented by the list above, it
    // became an indented code block inside the quote, and waived nothing.
    let ws = Workspace::new();
    let mut server = ws.start();
    let text = "- outer\n  - inner\n\n> - My patient agreed to share this.\n";
    let (fixed, after) = allow_client_story_here(&mut server, &ws.uri("after-list.md"), text);
    assert_eq!(
        fixed,
        "- outer\n  - inner\n\n> <!-- decorum-allow test.base.client-story: why this is acceptable -->\n> - My patient agreed to share this.\n"
    );
    assert!(after.is_empty(), "{after:?}");
    let (findings, waivers) = checked_by_cli(&ws, "after-list.md", &fixed);
    assert_eq!(
        (findings, waivers),
        (vec![], vec!["test.base.client-story".to_owned()])
    );
    // A line above that no blank line separates from the quote is outside it too.
    let text = "- outer\n  - inner\n> - My patient agreed to share this.\n";
    let (fixed, after) = allow_client_story_here(&mut server, &ws.uri("no-gap.md"), text);
    assert_eq!(
        fixed,
        "- outer\n  - inner\n> <!-- decorum-allow test.base.client-story: why this is acceptable -->\n> - My patient agreed to share this.\n"
    );
    assert!(after.is_empty(), "{after:?}");
    // An item of a list inside the quote, with a lazy line between: still its list's.
    let text = "> - Flu shots\nare in.\n> - My patient agreed to share this.\n";
    let (fixed, after) = allow_client_story_here(&mut server, &ws.uri("lazy.md"), text);
    assert_eq!(
        fixed,
        "> - Flu shots\nare in.\n>   <!-- decorum-allow test.base.client-story: why this is acceptable -->\n> - My patient agreed to share this.\n"
    );
    assert!(after.is_empty(), "{after:?}");
    server.stop();
}

#[test]
fn a_waiver_ends_as_the_line_it_goes_before() {
    // The first line ends in a lone CR; the flagged paragraph's lines in CRLF. The
    // waiver before the paragraph ends in CRLF, as the line after it.
    let ws = Workspace::new();
    let mut server = ws.start();
    let text = "x\r\r\nText line\r\nMy patient agreed to share this.\r\n";
    let (fixed, after) = allow_client_story_here(&mut server, &ws.uri("mixed.md"), text);
    assert_eq!(
        fixed,
        "x\r\r\n<!-- decorum-allow test.base.client-story: why this is acceptable -->\r\nText line\r\nMy patient agreed to share this.\r\n"
    );
    assert!(after.is_empty(), "{after:?}");
    // A pure CRLF draft keeps CRLF, and so does a draft of lone CRs its CRs.
    let text = "x\r\n\r\nText line\r\nMy patient agreed to share this.\r\n";
    let (fixed, _) = allow_client_story_here(&mut server, &ws.uri("crlf.md"), text);
    assert_eq!(
        fixed.replace("\r\n", "").matches(['\r', '\n']).count(),
        0,
        "{fixed:?}"
    );
    let text = "x\r\rText line\rMy patient agreed to share this.\r";
    let (fixed, _) = allow_client_story_here(&mut server, &ws.uri("cr.md"), text);
    assert!(!fixed.contains('\n'), "{fixed:?}");
    let (findings, waivers) = checked_by_cli(&ws, "mixed.md", &fixed);
    assert_eq!(
        (findings, waivers),
        (vec![], vec!["test.base.client-story".to_owned()])
    );
    server.stop();
}

#[test]
fn a_waiver_for_a_table_row_goes_before_the_table_and_covers_it() {
    // A comment between two rows would end the table: the rows after it would become a
    // paragraph of pipes. Before the table, the waiver covers every row.
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("table.md");
    let text = "Our week:\n\n| Day | Note |\n| --- | --- |\n| Mon | Flu shots |\n| Tue | My patient agreed to share this. |\n";
    let (fixed, after) = allow_client_story_here(&mut server, &uri, text);
    assert_eq!(
        fixed,
        "Our week:\n\n<!-- decorum-allow test.base.client-story: why this is acceptable -->\n| Day | Note |\n| --- | --- |\n| Mon | Flu shots |\n| Tue | My patient agreed to share this. |\n"
    );
    assert!(
        after.is_empty(),
        "the waiver covers the table's rows: {after:?}"
    );
    // A header row without prose (code spans, empty cells) is still the table's start.
    let text = "| `dose` | |\n| --- | --- |\n| Tue | My patient agreed to share this. |\n";
    let (fixed, after) = allow_client_story_here(&mut server, &ws.uri("code-header.md"), text);
    assert_eq!(
        fixed,
        format!("<!-- decorum-allow test.base.client-story: why this is acceptable -->\n{text}")
    );
    assert!(after.is_empty(), "{after:?}");
    server.stop();
}

#[test]
fn waivers_keep_the_drafts_line_endings_and_its_byte_order_mark() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("crlf.md");
    let text = "\u{feff}My patient agreed to share this.\r\n\r\nSee you Saturday.\r\n";
    server.open(&uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    let actions = actions_for(&mut server, &uri, &diagnostics[0]);
    let allow = |scope: &str| {
        actions
            .iter()
            .find(|a| a["title"] == format!("Allow test.base.client-story {scope}…"))
            .unwrap()
            .clone()
    };
    let waiver = "<!-- decorum-allow test.base.client-story: why this is acceptable -->\r\n";
    let (fixed, after) = apply(&mut server, &uri, text, &allow("here"), 2);
    assert_eq!(fixed, format!("\u{feff}{waiver}{}", &text[3..]));
    assert!(after.is_empty(), "{after:?}");
    let (fixed, _) = apply(&mut server, &uri, text, &allow("in this file"), 3);
    assert_eq!(
        fixed,
        format!(
            "\u{feff}{}{}",
            waiver.replace("allow", "allow-file"),
            &text[3..]
        )
    );
    server.stop();
}

#[test]
fn waiver_reasons_are_snippets_when_the_client_supports_snippet_edits() {
    let ws = Workspace::new();
    let mut capabilities = crate::capabilities();
    capabilities["workspace"]["workspaceEdit"]["snippetEditSupport"] = json!(true);
    let mut server = ws.start_with(capabilities, Value::Null);
    let uri = ws.uri("snippet.md");
    server.open(&uri, "markdown", 1, "My patient.\n");
    let diagnostics = server.diagnostics_at(&uri, 1);
    let actions = actions_for(&mut server, &uri, &diagnostics[0]);
    let allow = actions
        .iter()
        .find(|a| a["title"] == "Allow test.base.client-story here…")
        .unwrap();
    let edit = &allow["edit"]["documentChanges"][0]["edits"][0];
    assert_eq!(
        edit["snippet"],
        json!({
            "kind": "snippet",
            "value": "<!-- decorum-allow test.base.client-story: ${1:why this is acceptable} -->\n"
        })
    );
    assert!(allow.get("data").is_none(), "{allow}");
    server.stop();
}

#[test]
fn add_a_disclaimer_is_offered_anywhere_in_the_post_and_fixes_it() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("opinion.md");
    let text = "I think the new clinic hours are great.\n\nSee you Saturday.\n";
    server.open(&uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(codes(&diagnostics), ["test.base.personal-opinion"]);
    // Ask on "Saturday", far from the flagged words, with no diagnostic in context.
    let reply = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": utf16_range(text, "Saturday"),
            "context": { "diagnostics": [] }
        }),
    );
    let actions = reply["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(
        actions[0]["title"],
        "Add “Views are my own.” at the end of the post"
    );
    let (fixed, after) = apply(&mut server, &uri, text, &actions[0], 2);
    assert!(
        fixed.ends_with("See you Saturday.\n\nViews are my own.\n"),
        "{fixed:?}"
    );
    assert!(after.is_empty(), "{after:?}");
    server.stop();
}

#[test]
fn stale_diagnostics_offer_no_edits() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("stale.md");
    server.open(&uri, "markdown", 1, "My patient.\n");
    let diagnostics = server.diagnostics_at(&uri, 1);
    server.change(&uri, 2, json!([{ "text": "Hello. My patient.\n" }]));
    server.diagnostics_at(&uri, 2);
    // The client still holds the version-1 diagnostic: its edits no longer fit.
    let actions = actions_for(&mut server, &uri, &diagnostics[0]);
    assert!(
        actions
            .iter()
            .all(|a| { a["edit"]["documentChanges"][0]["textDocument"]["version"] == 2 }),
        "{actions:?}"
    );
    server.stop();
}

#[test]
fn the_same_fix_from_two_findings_is_offered_once() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("twice.md");
    let text = "I think the new hours help. I think parking is easier too.\n";
    server.open(&uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    let reply = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": utf16_range(text, text.trim_end()),
            "context": { "diagnostics": diagnostics }
        }),
    );
    let titles: Vec<&str> = reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    // The waivers too: both findings are in one paragraph, so "here" is one place.
    assert_eq!(
        titles,
        [
            "Add “Views are my own.” at the end of the post",
            "Allow test.base.personal-opinion here…",
            "Allow test.base.personal-opinion in this file…",
        ]
    );
    server.stop();
}

/// Asked right after an edit, before the check of the new text is published, code
/// actions and hover wait for that check instead of answering from nothing.
#[test]
fn actions_and_hover_right_after_an_edit_wait_for_its_check() {
    let ws = Workspace::new();
    // Every check waits 300 ms first, so the requests surely arrive while it runs.
    let delay = [(
        "DECORUM_LSP_TEST_CHECK_DELAY_MS",
        std::path::Path::new("300"),
    )];
    let mut server = Server::start_with_env(&ws.root(), &delay);
    server.initialize(&ws.root(), crate::capabilities(), Value::Null);
    let uri = ws.uri("typing.md");
    server.open(&uri, "markdown", 1, "Clinic news.\n");
    assert!(server.diagnostics_at(&uri, 1).is_empty());
    let text = "Clinic news. My patient came in.\n";
    server.change(&uri, 2, json!([{ "text": text }]));
    let range = utf16_range(text, "My patient");
    let reply = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": range,
            "context": { "diagnostics": [] }
        }),
    );
    let titles: Vec<&str> = reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"Allow test.base.client-story here…"),
        "{titles:?}"
    );
    let text = "Clinic news. Today my client came in.\n";
    server.change(&uri, 3, json!([{ "text": text }]));
    let reply = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": utf16_range(text, "my client")["start"] }),
    );
    let hover = reply["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(hover.contains("test.base.client-story"), "{reply}");
    server.stop();
}
