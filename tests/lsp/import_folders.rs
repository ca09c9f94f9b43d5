//! Import-path completion offers the folders an import may name: those holding a
//! policy file, at some depth.

use serde_json::{Value, json};

use crate::Workspace;
use crate::client::utf16_position;

#[test]
fn import_completion_offers_only_folders_holding_policy_files() {
    let ws = Workspace::new();
    let root = ws.root();
    for folder in ["posts/2026", "shared/deep/deeper", "empty", "notes"] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
    }
    ws.write("posts/2026/hello.md", "Hello.\n");
    ws.write("notes/readme.md", "Nothing here imports.\n");
    ws.write(
        "shared/deep/deeper/tone.decorum",
        "decorum 1\npolicy shared.tone\n",
    );
    let mut server = ws.start();
    let uri = ws.uri("policy/main.decorum");
    ws.write("policy/main.decorum", "decorum 1\n");
    server.open(&uri, "decorum", 1, "decorum 1\n");
    let typed_and_offered: &[(&str, &[&str])] = &[
        ("../", &["../policy", "../shared"]),
        ("../shared/", &["../shared/deep"]),
        ("../posts/", &[]),
    ];
    for (version, (typed, offered)) in (2..).zip(typed_and_offered) {
        let text = format!("decorum 1\npolicy test.main\n\nimport \"{typed}");
        server.change(&uri, version, json!([{ "text": text }]));
        let reply = server.request(
            "textDocument/completion",
            json!({
                "textDocument": { "uri": uri },
                "position": utf16_position(&text, text.len()),
            }),
        );
        let labels: Vec<&str> = match &reply["result"] {
            Value::Array(items) => items.iter().filter_map(|i| i["label"].as_str()).collect(),
            other => panic!("not a list: {other}"),
        };
        assert_eq!(labels, *offered, "after import \"{typed}");
    }
    // A folder whose only policy file is open but was never saved: an import reads it.
    let fresh = ws.uri("empty/fresh.decorum");
    server.open(&fresh, "decorum", 1, "decorum 1\npolicy test.fresh\n");
    let text = "decorum 1\npolicy test.main\n\nimport \"../";
    server.change(&uri, 9, json!([{ "text": text }]));
    let reply = server.request(
        "textDocument/completion",
        json!({
            "textDocument": { "uri": uri },
            "position": utf16_position(text, text.len()),
        }),
    );
    let labels: Vec<&str> = reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["../empty", "../policy", "../shared"]);
    server.stop();
}
