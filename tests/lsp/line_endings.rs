//! Line endings of the lines the policy code actions add. A policy file may mix them
//! (a first line written on one system, the rest on another, or a lone CR left by an old
//! editor): an added line ends as the line it goes before ends, or, at the end of the
//! file, as the line it goes after; never as the file's first line happens to.

use serde_json::{Value, json};

use crate::client::{Server, action_edits, apply_edits, utf16_range};
use crate::{BASE_POLICY, ORG_POLICY, Workspace};

/// The code actions for `needle` of the open policy `text` at `uri`.
fn actions_at(server: &mut Server, uri: &str, text: &str, needle: &str) -> Vec<Value> {
    let reply = server.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": utf16_range(text, needle),
            "context": { "diagnostics": [] }
        }),
    );
    reply["result"].as_array().cloned().unwrap_or_default()
}

/// Applies the action titled `title` to `text`.
fn apply(actions: &[Value], title: &str, uri: &str, text: &str) -> String {
    let action = actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no action {title:?} in {actions:#?}"));
    apply_edits(text, &action_edits(action, uri))
}

/// `text` with every line ending but the first's replaced by `ending`.
fn mixed(text: &str, ending: &str) -> String {
    let (first, rest) = text.split_once('\n').unwrap();
    format!("{first}\n{}", rest.replace('\n', ending))
}

/// Opens `text` as a new version of the policy file at `uri` and waits for its
/// diagnostics: the file with the added line still parses and is clean.
fn still_clean(server: &mut Server, uri: &str, version: i64, text: &str) {
    server.change(uri, version, json!([{ "text": text }]));
    assert_eq!(server.diagnostics_at(uri, version), Vec::<Value>::new());
}

/// The first line ends in LF, the others in CRLF or a lone CR: the new example ends as
/// the closing brace's line does, and so does the `disable` added at the end.
#[test]
fn policy_actions_add_lines_that_end_as_their_neighbours() {
    let ws = Workspace::new();
    let mut server = ws.start();
    for (version, ending) in [(1, "\r\n"), (3, "\r")] {
        let base = mixed(BASE_POLICY, ending);
        let base_uri = ws.uri("policy/base.decorum");
        if version == 1 {
            server.open(&base_uri, "decorum", 1, &base);
        } else {
            server.change(&base_uri, version, json!([{ "text": base }]));
        }
        server.diagnostics_at(&base_uri, version);
        let actions = actions_at(
            &mut server,
            &base_uri,
            &base,
            "flag when contains stigmatizing",
        );
        let added = apply(
            &actions,
            "Add a passes example to `stigmatizing-language`",
            &base_uri,
            &base,
        );
        let example = "  example passes \"a near miss the rule must not flag\"";
        assert_eq!(
            added,
            base.replacen(
                &format!("\"committed suicide\"{ending}}}"),
                &format!("\"committed suicide\"{ending}{example}{ending}}}"),
                1
            ),
            "{ending:?}"
        );
        still_clean(&mut server, &base_uri, version + 1, &added);
    }

    let org = mixed(ORG_POLICY, "\r\n");
    let org_uri = ws.uri("policy/org.decorum");
    server.open(&org_uri, "decorum", 1, &org);
    server.diagnostics_at(&org_uri, 1);
    let actions = actions_at(&mut server, &org_uri, &org, "base.client-story");
    let title = "Disable `base.client-story` with a reason";
    let disable = "disable base.client-story because \"why this rule does not apply to us\"";
    let disabled = apply(&actions, title, &org_uri, &org);
    assert_eq!(disabled, format!("{org}{disable}\r\n"));
    // Without a line ending at the end: the new line starts with the ending of the
    // lines before it, and ends with it too.
    let unended = org.trim_end_matches(['\r', '\n']).to_owned();
    server.change(&org_uri, 2, json!([{ "text": unended }]));
    server.diagnostics_at(&org_uri, 2);
    let actions = actions_at(&mut server, &org_uri, &unended, "base.client-story");
    let disabled = apply(&actions, title, &org_uri, &unended);
    assert_eq!(disabled, format!("{unended}\r\n{disable}\r\n"));
    // The reason is a placeholder, and the rule is still `use`d: no errors.
    server.change(&org_uri, 3, json!([{ "text": disabled }]));
    let diagnostics = server.diagnostics_at(&org_uri, 3);
    assert!(
        diagnostics.iter().all(|d| d["severity"] != 1),
        "{diagnostics:#?}"
    );
    server.stop();
}
