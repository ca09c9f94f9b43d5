//! Writing policies in the editor: problems as they are typed (syntax, validation and
//! failing examples, each with its own `source`), code lenses over each rule's examples,
//! the policy code actions, and formatting.

use serde_json::{Value, json};

use crate::client::{Server, action_edits, apply_edits, utf16_range};
use crate::{BASE_POLICY, ORG_POLICY, Workspace};

/// Opens a policy file of the test workspace with `text` (unsaved) and returns its URI.
fn open_policy(server: &mut Server, ws: &Workspace, relative: &str, text: &str) -> String {
    let uri = ws.uri(relative);
    server.open(&uri, "decorum", 1, text);
    uri
}

/// Replaces the whole text of an open document.
fn replace(server: &mut Server, uri: &str, version: i64, text: &str) {
    server.change(uri, version, json!([{ "text": text }]));
}

fn sources(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["source"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn lenses(server: &mut Server, uri: &str) -> Vec<(u64, String)> {
    let reply = server.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri } }),
    );
    reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["range"]["start"]["line"].as_u64().unwrap(),
                l["command"]["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn actions_at(server: &mut Server, uri: &str, range: Value, diagnostics: Value) -> Vec<Value> {
    let reply = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": range,
            "context": { "diagnostics": diagnostics }
        }),
    );
    reply["result"].as_array().cloned().unwrap_or_default()
}

fn titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no action {title:?} in {actions:#?}"))
}

#[test]
fn problems_as_typed_each_kind_with_its_own_source() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = open_policy(&mut server, &ws, "policy/base.decorum", BASE_POLICY);
    assert_eq!(server.diagnostics_at(&uri, 1), Vec::<Value>::new());

    // An unsaved validation error: a misspelt set name, with its suggestion.
    let misspelt = BASE_POLICY.replace(
        "flag when contains stigmatizing",
        "flag when contains stigmatising",
    );
    replace(&mut server, &uri, 2, &misspelt);
    let diagnostics = server.diagnostics_at(&uri, 2);
    assert_eq!(
        sources(&diagnostics),
        ["decorum-policy"],
        "{diagnostics:#?}"
    );
    assert_eq!(diagnostics[0]["code"], "unknown-name");
    assert_eq!(
        diagnostics[0]["range"],
        utf16_range(&misspelt, "stigmatising")
    );
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `stigmatizing`?"),
        "{}",
        diagnostics[0]["message"]
    );

    // A syntax error.
    let broken = BASE_POLICY.replace("severity info", "severity info {");
    replace(&mut server, &uri, 3, &broken);
    let diagnostics = server.diagnostics_at(&uri, 3);
    assert!(!diagnostics.is_empty());
    assert!(
        sources(&diagnostics).iter().all(|s| s == "decorum-syntax"),
        "{diagnostics:#?}"
    );

    // An example that no longer flags: an error on the example's line, saying what
    // happened instead.
    let failing = BASE_POLICY.replace(
        "example flags \"My patient came in.\" at \"My patient\"",
        "example flags \"Our client came in.\" at \"Our client\"",
    );
    replace(&mut server, &uri, 4, &failing);
    let diagnostics = server.diagnostics_at(&uri, 4);
    assert_eq!(
        sources(&diagnostics),
        ["decorum-examples"],
        "{diagnostics:#?}"
    );
    let example_line = failing
        .lines()
        .position(|l| l.contains("Our client came in"))
        .unwrap();
    assert_eq!(diagnostics[0]["range"]["start"]["line"], example_line);
    assert_eq!(diagnostics[0]["code"], "test.base.client-story");
    assert_eq!(diagnostics[0]["severity"], 1);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(
        message.contains("expected a finding at “Our client”")
            && message.contains("the rule did not fire"),
        "{message}"
    );

    // An example that flags more than it should says where the rule fired.
    let passes = BASE_POLICY.replace(
        "  example flags \"He committed suicide.\" at \"committed suicide\"",
        "  example flags \"He committed suicide.\" at \"committed suicide\"\n  example passes \"She committed suicide last year.\"",
    );
    replace(&mut server, &uri, 5, &passes);
    let diagnostics = server.diagnostics_at(&uri, 5);
    assert_eq!(
        sources(&diagnostics),
        ["decorum-examples"],
        "{diagnostics:#?}"
    );
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(
        message.contains("expected no finding")
            && message.contains("the rule fired at “committed suicide”"),
        "{message}"
    );
    server.stop();
}

#[test]
fn an_unsaved_edit_of_an_imported_file_is_seen_by_its_importer() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let base = open_policy(&mut server, &ws, "policy/base.decorum", BASE_POLICY);
    server.diagnostics_at(&base, 1);
    // The base renames a rule without saving; the org policy's `use` now names nothing.
    let renamed = BASE_POLICY.replace("rule client-story {", "rule client-stories {");
    replace(&mut server, &base, 2, &renamed);
    server.diagnostics_at(&base, 2);
    let org = open_policy(&mut server, &ws, "policy/org.decorum", ORG_POLICY);
    let diagnostics = server.diagnostics_at(&org, 1);
    assert_eq!(
        sources(&diagnostics),
        ["decorum-policy"],
        "{diagnostics:#?}"
    );
    assert_eq!(diagnostics[0]["code"], "unknown-name");
    assert_eq!(
        diagnostics[0]["range"]["start"]["line"],
        ORG_POLICY
            .lines()
            .position(|l| l.starts_with("use "))
            .unwrap()
    );
    server.stop();
}

#[test]
fn code_lenses_count_each_rules_examples_live() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = open_policy(&mut server, &ws, "policy/base.decorum", BASE_POLICY);
    server.diagnostics_at(&uri, 1);
    let line_of =
        |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u64;
    assert_eq!(
        lenses(&mut server, &uri),
        [
            (
                line_of(BASE_POLICY, "rule client-story"),
                "1 example passes".to_owned()
            ),
            (
                line_of(BASE_POLICY, "rule stigmatizing-language"),
                "1 example passes".to_owned()
            ),
            (
                line_of(BASE_POLICY, "rule personal-opinion"),
                "1 example passes".to_owned()
            ),
        ]
    );

    let edited = BASE_POLICY
        .replace(
            "  example flags \"He committed suicide.\" at \"committed suicide\"",
            "  example flags \"He committed suicide.\" at \"committed suicide\"\n  example passes \"She died by suicide.\"\n  example passes \"He committed suicide twice.\"",
        )
        .replace("  example flags \"I think so.\" at \"I think\"\n", "");
    replace(&mut server, &uri, 2, &edited);
    server.diagnostics_at(&uri, 2);
    assert_eq!(
        lenses(&mut server, &uri),
        [
            (
                line_of(&edited, "rule client-story"),
                "1 example passes".to_owned()
            ),
            (
                line_of(&edited, "rule stigmatizing-language"),
                "1 of 3 examples fails".to_owned()
            ),
            (
                line_of(&edited, "rule personal-opinion"),
                "no examples: add `example flags` and `example passes`".to_owned()
            ),
        ]
    );
    // The org policy's `use` block carries no examples: no lens.
    let org = open_policy(&mut server, &ws, "policy/org.decorum", ORG_POLICY);
    server.diagnostics_at(&org, 1);
    assert_eq!(lenses(&mut server, &org), []);
    server.stop();
}

#[test]
fn did_you_mean_replaces_an_unknown_name() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let misspelt = BASE_POLICY.replace(
        "flag when contains stigmatizing",
        "flag when contains stigmatising",
    );
    let uri = open_policy(&mut server, &ws, "policy/base.decorum", &misspelt);
    let diagnostics = server.diagnostics_at(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let actions = actions_at(
        &mut server,
        &uri,
        diagnostics[0]["range"].clone(),
        json!(diagnostics),
    );
    let fix = titled(&actions, "Change to `stigmatizing`");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let fixed = apply_edits(&misspelt, &action_edits(fix, &uri));
    assert_eq!(fixed, BASE_POLICY);
    replace(&mut server, &uri, 2, &fixed);
    assert_eq!(server.diagnostics_at(&uri, 2), Vec::<Value>::new());
    server.stop();
}

#[test]
fn add_a_passes_example_inside_a_rule() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = open_policy(&mut server, &ws, "policy/base.decorum", BASE_POLICY);
    server.diagnostics_at(&uri, 1);
    let cursor = utf16_range(BASE_POLICY, "flag when contains stigmatizing");
    let actions = actions_at(&mut server, &uri, cursor, json!([]));
    let add = titled(&actions, "Add a passes example to `stigmatizing-language`");
    assert_eq!(add["kind"], "refactor.insert");
    let added = apply_edits(BASE_POLICY, &action_edits(add, &uri));
    assert!(
        added.contains(
            "  example flags \"He committed suicide.\" at \"committed suicide\"\n  example passes \"a near miss the rule must not flag\"\n}"
        ),
        "{added}"
    );
    // The new example parses and passes: the file stays clean.
    replace(&mut server, &uri, 2, &added);
    assert_eq!(server.diagnostics_at(&uri, 2), Vec::<Value>::new());

    // Outside every rule: no such action.
    let outside = utf16_range(BASE_POLICY, "policy test.base");
    let actions = actions_at(&mut server, &uri, outside, json!([]));
    assert!(
        actions.iter().all(|a| !a["title"]
            .as_str()
            .unwrap()
            .starts_with("Add a passes example")),
        "{actions:#?}"
    );
    server.stop();
}

/// In a CRLF policy file, the lines the two policy actions add end in CRLF too, as
/// `decorum fmt` keeps them; they once ended in a bare `\n`.
#[test]
fn policy_actions_add_lines_that_end_as_the_files_do() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let base = BASE_POLICY.replace('\n', "\r\n");
    ws.write("policy/base.decorum", &base);
    let base_uri = open_policy(&mut server, &ws, "policy/base.decorum", &base);
    server.diagnostics_at(&base_uri, 1);
    let cursor = utf16_range(&base, "flag when contains stigmatizing");
    let actions = actions_at(&mut server, &base_uri, cursor, json!([]));
    let add = titled(&actions, "Add a passes example to `stigmatizing-language`");
    let added = apply_edits(&base, &action_edits(add, &base_uri));
    assert!(!added.replace("\r\n", "").contains('\n'), "{added:?}");
    assert!(
        added.contains("  example passes \"a near miss the rule must not flag\"\r\n}"),
        "{added:?}"
    );

    let org = ORG_POLICY.replace('\n', "\r\n");
    let org_uri = open_policy(&mut server, &ws, "policy/org.decorum", &org);
    server.diagnostics_at(&org_uri, 1);
    let cursor = utf16_range(&org, "base.client-story");
    let actions = actions_at(&mut server, &org_uri, cursor, json!([]));
    let disable = titled(&actions, "Disable `base.client-story` with a reason");
    let disabled = apply_edits(&org, &action_edits(disable, &org_uri));
    assert_eq!(
        disabled,
        format!(
            "{org}disable base.client-story because \"why this rule does not apply to us\"\r\n"
        )
    );
    server.stop();
}

#[test]
fn disable_an_imported_rule_with_a_reason_skeleton() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = open_policy(&mut server, &ws, "policy/org.decorum", ORG_POLICY);
    assert_eq!(server.diagnostics_at(&uri, 1), Vec::<Value>::new());
    let cursor = utf16_range(ORG_POLICY, "base.client-story");
    let actions = actions_at(&mut server, &uri, cursor.clone(), json!([]));
    let disable = titled(&actions, "Disable `base.client-story` with a reason");
    let disabled = apply_edits(ORG_POLICY, &action_edits(disable, &uri));
    assert_eq!(
        disabled,
        format!(
            "{ORG_POLICY}disable base.client-story because \"why this rule does not apply to us\"\n"
        )
    );
    // The skeleton is valid policy: a `use` of a disabled rule is still allowed, and
    // the file has no problems.
    replace(&mut server, &uri, 2, &disabled);
    let diagnostics = server.diagnostics_at(&uri, 2);
    assert!(
        diagnostics.iter().all(|d| d["severity"] != 1),
        "{diagnostics:#?}"
    );
    // Once disabled, the action is not offered again.
    let actions = actions_at(&mut server, &uri, cursor, json!([]));
    assert!(
        actions
            .iter()
            .all(|a| !a["title"].as_str().unwrap().starts_with("Disable ")),
        "{actions:#?}"
    );
    // Nor for a locked rule, which disabling would only turn into an error.
    ws.write(
        "policy/locked.decorum",
        "decorum 1\npolicy test.locked\nrule strict { severity error locked flag when contains [\"x\"] }\n",
    );
    let user = "decorum 1\npolicy test.user\nimport \"./locked\" as l\nuse l.strict { }\n";
    ws.write("policy/user.decorum", user);
    let user_uri = open_policy(&mut server, &ws, "policy/user.decorum", user);
    let actions = actions_at(
        &mut server,
        &user_uri,
        utf16_range(user, "l.strict"),
        json!([]),
    );
    assert!(
        actions
            .iter()
            .all(|a| !a["title"].as_str().unwrap().starts_with("Disable ")),
        "{actions:#?}"
    );
    server.stop();
}

#[test]
fn snippet_clients_get_tab_stops_in_new_examples() {
    let ws = Workspace::new();
    let mut capabilities = crate::capabilities();
    capabilities["workspace"]["workspaceEdit"]["snippetEditSupport"] = json!(true);
    let mut server = ws.start_with(capabilities, Value::Null);
    let uri = open_policy(&mut server, &ws, "policy/base.decorum", BASE_POLICY);
    server.diagnostics_at(&uri, 1);
    let cursor = utf16_range(BASE_POLICY, "flag when contains stigmatizing");
    let actions = actions_at(&mut server, &uri, cursor, json!([]));
    let add = titled(&actions, "Add a passes example to `stigmatizing-language`");
    let edits = action_edits(add, &uri);
    assert_eq!(
        edits[0]["snippet"]["value"],
        "  example passes \"${1:a near miss the rule must not flag}\"\n"
    );
    server.stop();
}

#[test]
fn formatting_gives_the_canonical_layout_and_keeps_comments() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let messy = "decorum 1\npolicy   test.extra\n# why this set exists\nterms  x = [\"a\",\"b\"]   # trailing\nrule r {  flag when contains x\n example passes \"c\" }\n";
    ws.write("policy/extra.decorum", messy);
    let uri = open_policy(&mut server, &ws, "policy/extra.decorum", messy);
    server.diagnostics_at(&uri, 1);
    let format = |server: &mut Server| {
        let reply = server.request(
            "textDocument/formatting",
            json!({
                "textDocument": { "uri": uri },
                "options": { "tabSize": 4, "insertSpaces": true }
            }),
        );
        reply["result"].as_array().unwrap().clone()
    };
    let edits = format(&mut server);
    let formatted = apply_edits(messy, &edits);
    // The same layout `decorum fmt` writes.
    assert_eq!(
        formatted,
        decorum_syntax::format(messy).unwrap(),
        "the server and `decorum fmt` share one formatter"
    );
    assert!(formatted.contains("# why this set exists") && formatted.contains("# trailing"));
    replace(&mut server, &uri, 2, &formatted);
    server.diagnostics_at(&uri, 2);
    assert_eq!(format(&mut server), Vec::<Value>::new(), "idempotent");

    // Text with a syntax error is left alone.
    replace(&mut server, &uri, 3, "decorum 1\nrule {\n");
    server.diagnostics_at(&uri, 3);
    let reply = server.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(reply["result"], Value::Null, "{reply}");
    server.stop();
}

/// A new policy file being typed, before its first save, is checked at its path: the
/// editor's usual way to create one (`:edit policy/new.decorum` in Neovim).
#[test]
fn a_new_policy_file_never_saved_is_checked_whole() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = ws.uri("policy/new.decorum");
    assert!(!ws.root().join("policy/new.decorum").exists());
    let text = "decorum 1\npolicy acme.new\nimport \"./base\"\ndisable test.base.nosuch because \"x\"\nrule r {\n  flag when contains [\"lighthouse\"]\n  example flags \"a lighthouse\" at \"lighthouse\"\n  example flags \"a harbour\"\n}\n";
    server.open(&uri, "decorum", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(codes, ["unknown-name"], "{diagnostics:#?}");
    // Without the error its examples run, the one that is wrong shown on its line.
    replace(
        &mut server,
        &uri,
        2,
        &text.replace("disable test.base.nosuch because \"x\"\n", ""),
    );
    let diagnostics = server.diagnostics_at(&uri, 2);
    assert_eq!(
        sources(&diagnostics),
        ["decorum-examples"],
        "{diagnostics:#?}"
    );
    assert!(
        !ws.root().join("policy/new.decorum").exists(),
        "nothing is written"
    );
    server.stop();
}

#[test]
fn an_unsaved_untitled_policy_gets_its_syntax_errors() {
    let ws = Workspace::new();
    let mut server = ws.start();
    let uri = "untitled:Untitled-1";
    server.open(uri, "decorum", 1, "decorum 1\npolicy scratch\nrule {\n");
    let diagnostics = server.diagnostics_at(uri, 1);
    assert!(!diagnostics.is_empty());
    assert!(
        sources(&diagnostics).iter().all(|s| s == "decorum-syntax"),
        "{diagnostics:#?}"
    );
    server.stop();
}
