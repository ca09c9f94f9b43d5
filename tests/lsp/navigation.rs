//! Policy authors' navigation: completion, hover on names, go to definition (also into
//! the standard library's read-only cache), find references, rename, document and
//! workspace symbols, against the real server.

use std::path::Path;

use serde_json::{Value, json};

use crate::client::{Server, file_uri, utf16_position, utf16_range};
use crate::{BASE_POLICY, ORG_POLICY, Workspace};

/// A server on `ws` whose std cache goes to a fresh folder (not the user's home).
fn start(ws: &Workspace) -> (Server, tempfile::TempDir) {
    let cache = tempfile::tempdir().unwrap();
    let mut server = Server::start_with_env(&ws.root(), &[("XDG_CACHE_HOME", cache.path())]);
    let result = server.initialize(&ws.root(), crate::capabilities(), Value::Null);
    let capabilities = &result["capabilities"];
    for provider in [
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
    ] {
        assert_eq!(capabilities[provider], true, "{provider}: {capabilities}");
    }
    assert_eq!(capabilities["renameProvider"]["prepareProvider"], true);
    assert_eq!(
        capabilities["completionProvider"]["triggerCharacters"],
        json!(["\"", "/", "."])
    );
    (server, cache)
}

/// The UTF-16 position `delta` bytes after the first `needle` in `text`.
fn at(text: &str, needle: &str, delta: usize) -> Value {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in the text"));
    utf16_position(text, start + delta)
}

/// `{ textDocument, position }`.
fn place(uri: &str, position: Value) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position })
}

/// Writes a policy file and opens it in the server.
fn open_policy(server: &mut Server, ws: &Workspace, relative: &str, text: &str) -> String {
    ws.write(relative, text);
    let uri = ws.uri(relative);
    server.open(&uri, "decorum", 1, text);
    uri
}

/// The labels of a completion reply.
fn labels(reply: &Value) -> Vec<String> {
    let items = match &reply["result"] {
        Value::Array(items) => items.clone(),
        other => other["items"].as_array().cloned().unwrap_or_default(),
    };
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect()
}

fn complete(server: &mut Server, uri: &str, position: Value) -> Vec<String> {
    let reply = server.request("textDocument/completion", place(uri, position));
    assert!(reply.get("error").is_none(), "{reply}");
    labels(&reply)
}

fn has_all(labels: &[String], wanted: &[&str]) {
    for w in wanted {
        assert!(labels.iter().any(|l| l == w), "{w} missing from {labels:?}");
    }
}

#[test]
fn completion_after_import_offers_the_standard_library() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    let text = "decorum 1\npolicy test.extra\n\nimport \"std/he";
    let uri = open_policy(&mut server, &ws, "policy/extra.decorum", text);
    let reply = server.request(
        "textDocument/completion",
        place(&uri, at(text, "std/he", 6)),
    );
    let found = labels(&reply);
    has_all(
        &found,
        &[
            "std",
            "std/healthcare",
            "std/healthcare/privacy",
            "std/healthcare/tone",
        ],
    );
    assert!(!found.contains(&"rule".to_owned()), "no keywords in a path");
    // The edit replaces what was typed inside the quotes.
    let items = reply["result"].as_array().unwrap();
    let privacy = items
        .iter()
        .find(|i| i["label"] == "std/healthcare/privacy")
        .unwrap();
    assert_eq!(
        privacy["textEdit"]["range"]["start"],
        at(text, "std/he", 0),
        "{privacy}"
    );

    // After `./`: the policy files beside the document (not itself).
    let relative = "decorum 1\npolicy test.rel\n\nimport \"./";
    let uri = open_policy(&mut server, &ws, "policy/rel.decorum", relative);
    let found = complete(&mut server, &uri, at(relative, "./", 2));
    assert_eq!(found, ["./base", "./extra", "./org"]);
    server.stop();
}

/// Import-path completion offers only what the loader accepts: nothing outside the
/// workspace and its libraries (not even the names of what is there), no symbolic link
/// leading outside, nothing inside a library by its path; the workspace's own files are
/// still offered.
#[cfg(unix)]
#[test]
fn import_completion_stays_inside_the_workspace() {
    let ws = Workspace::new();
    let outside = tempfile::tempdir().unwrap();
    let outside = std::fs::canonicalize(outside.path()).unwrap();
    std::fs::create_dir(outside.join("dir")).unwrap();
    std::fs::write(outside.join("secret.decorum"), "decorum 1\npolicy secret\n").unwrap();
    std::fs::write(
        outside.join("dir/hidden.decorum"),
        "decorum 1\npolicy hidden\n",
    )
    .unwrap();
    let root = ws.root();
    std::fs::create_dir_all(root.join("vendor/shared")).unwrap();
    ws.write(
        "vendor/shared/rules.decorum",
        "decorum 1\npolicy shared.rules\n",
    );
    ws.write(
        "decorum.toml",
        "policies = [\"policy/org.decorum\"]\n\n[libraries]\nshared = { path = \"vendor/shared\" }\n",
    );
    let policy = root.join("policy");
    std::os::unix::fs::symlink(outside.join("secret.decorum"), policy.join("leak.decorum"))
        .unwrap();
    std::os::unix::fs::symlink(outside.join("dir"), policy.join("leakdir")).unwrap();
    std::os::unix::fs::symlink(policy.join("base.decorum"), policy.join("alias.decorum")).unwrap();
    let (mut server, _cache) = start(&ws);
    let outside_name = outside.file_name().unwrap().to_str().unwrap();
    let typed_and_offered: &[(String, &[&str])] = &[
        // The policy's own folder: a link that stays inside is as good as a file.
        ("./".into(), &["./alias", "./base", "./org"]),
        // `vendor` holds only the library's folder, which an import of it leaves out.
        ("../".into(), &["../policy"]),
        // The library is imported by its name, never by its path.
        ("../vendor/".into(), &[]),
        // Above the workspace root, and a link out of it: nothing.
        ("../../".into(), &[]),
        (format!("../../{outside_name}/"), &[]),
        ("../../../../../../../../../etc/".into(), &[]),
        ("./leakdir/".into(), &[]),
    ];
    let uri = open_policy(&mut server, &ws, "policy/main.decorum", "decorum 1\n");
    for (version, (typed, offered)) in (2..).zip(typed_and_offered) {
        let text = format!("decorum 1\npolicy test.main\n\nimport \"{typed}");
        server.change(&uri, version, json!([{ "text": text }]));
        let found = complete(&mut server, &uri, at(&text, typed, typed.len()));
        assert_eq!(found, *offered, "after import \"{typed}");
    }
    server.stop();
}

#[test]
fn completion_offers_keywords_names_fields_severities_and_channels() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    let text = "decorum 1\npolicy test.extra\n\nimport \"./base.decorum\" as base\n\
                terms local_set = [\"a\"]\n\
                use base.\n\
                rule r {\n  param limit_words = 40\n  severity \n  flag when channel == \"\" and contains \n}\n\
                r";
    let uri = open_policy(&mut server, &ws, "policy/extra.decorum", text);

    // After `use`: the imported rules, qualified with the alias.
    let after_use = complete(&mut server, &uri, at(text, "use base.", 9));
    has_all(
        &after_use,
        &[
            "base.client-story",
            "base.stigmatizing-language",
            "base.personal-opinion",
        ],
    );
    assert!(
        !after_use.contains(&"base.stigmatizing".to_owned()),
        "rules only"
    );

    // After `severity`: the severities.
    let severities = complete(&mut server, &uri, at(text, "severity ", 9));
    assert_eq!(severities, ["error", "warning", "info", "hint"]);

    // Inside `channel == "`: the channels the engine knows.
    let channels = complete(&mut server, &uri, at(text, "== \"", 4));
    has_all(
        &channels,
        &["x", "bluesky", "threads", "instagram", "linkedin"],
    );

    // In a condition: term sets in scope (own and imported), parameters, post fields,
    // keywords.
    let code = complete(&mut server, &uri, at(text, "contains \n", 9));
    has_all(
        &code,
        &[
            "local_set",
            "base.stigmatizing",
            "limit_words",
            "words",
            "hashtags",
            "length",
            "meta.",
            "near",
            "contains",
            "count",
        ],
    );

    // Inside `use RULE { ... }`: the imported rule's parameters.
    let with_std = "decorum 1\npolicy test.extra2\n\nimport \"std/healthcare\" as hc\n\
                    use hc.marketing.pure-advert {\n  \n}\n";
    let uri2 = open_policy(&mut server, &ws, "policy/extra2.decorum", with_std);
    let in_use = complete(&mut server, &uri2, at(with_std, "{\n  ", 4));
    has_all(
        &in_use,
        &["min_words", "min_signals", "severity", "example"],
    );
    assert!(!in_use.contains(&"max_share".to_owned()), "{in_use:?}");

    // At the start of a line: the item keywords.
    let items = complete(&mut server, &uri, at(text, "}\nr", 3));
    has_all(
        &items,
        &["rule", "terms", "import", "use", "extend", "disable"],
    );
    server.stop();
}

#[test]
fn hover_on_a_rule_reference_shows_the_override_chain() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    let uri = open_policy(&mut server, &ws, "policy/org.decorum", ORG_POLICY);
    let reply = server.request(
        "textDocument/hover",
        place(&uri, at(ORG_POLICY, "client-story", 3)),
    );
    let hover = &reply["result"];
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("A client story can identify the client"),
        "{text}"
    );
    assert!(text.contains("`test.base.client-story`"), "{text}");
    assert!(text.contains("Severity: **error**"), "{text}");
    // The chain: the rule's own severity in base.decorum, then the override in org.
    let default_line = BASE_POLICY[..BASE_POLICY.find("severity warning").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert!(
        text.contains(&format!(
            "the rule's default: **warning** ([policy/base.decorum:{default_line}]"
        )),
        "{text}"
    );
    assert!(
        text.contains("override: **error** (`use` at [policy/org.decorum:5]"),
        "{text}"
    );
    assert!(
        text.find("the rule's default").unwrap() < text.find("override").unwrap(),
        "{text}"
    );
    assert_eq!(
        hover["range"],
        utf16_range(ORG_POLICY, "base.client-story"),
        "the whole name"
    );
    server.stop();
}

/// A disabled rule never fires: the hover's headline says so rather than naming the
/// severity it would have (which once read as if the rule were in force).
#[test]
fn hover_on_a_disabled_rule_says_it_is_disabled() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    let org = format!("{ORG_POLICY}disable base.client-story because \"stories are vetted\"\n");
    let uri = open_policy(&mut server, &ws, "policy/org.decorum", &org);
    let reply = server.request(
        "textDocument/hover",
        place(&uri, at(&org, "disable base.client-story", 12)),
    );
    let text = reply["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("Severity: **disabled** (error if it were enabled)"),
        "{text}"
    );
    assert!(
        text.contains("disabled at [policy/org.decorum:6]"),
        "{text}"
    );
    server.stop();
}

#[test]
fn hover_in_a_shared_file_shows_what_the_workspace_makes_of_the_rule() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    // A draft checked means the workspace's policies are loaded.
    let draft = ws.uri("draft.md");
    server.open(&draft, "markdown", 1, "Hello.\n");
    server.diagnostics_at(&draft, 1);
    let base = ws.uri("policy/base.decorum");
    server.open(&base, "decorum", 1, BASE_POLICY);
    let reply = server.request(
        "textDocument/hover",
        place(&base, at(BASE_POLICY, "rule client-story", 7)),
    );
    let text = reply["result"]["contents"]["value"].as_str().unwrap();
    // base.decorum alone: its own default. The configuration's root raises it.
    assert!(text.contains("Severity: **warning**"), "{text}");
    assert!(
        text.contains(
            "In this workspace's configuration: **error** (override at [policy/org.decorum:5]"
        ),
        "{text}"
    );
    server.stop();
}

#[test]
fn hover_on_a_term_set_shows_members_definition_and_extensions() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    let org = format!("{ORG_POLICY}extend base.stigmatizing += [\"frequent flyer\"]\n");
    open_policy(&mut server, &ws, "policy/org.decorum", &org);
    let base = ws.uri("policy/base.decorum");
    server.open(&base, "decorum", 1, BASE_POLICY);
    let reply = server.request(
        "textDocument/hover",
        place(&base, at(BASE_POLICY, "contains stigmatizing", 12)),
    );
    let text = reply["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("`test.base.stigmatizing`"), "{text}");
    assert!(text.contains("\"committed suicide\""), "{text}");
    assert!(
        text.contains("defined at [policy/base.decorum:4]"),
        "{text}"
    );
    assert!(
        text.contains("extended (+=) at [policy/org.decorum:6]"),
        "{text}"
    );
    // An example's text is prose, not a name.
    let reply = server.request(
        "textDocument/hover",
        place(&base, at(BASE_POLICY, "He committed", 3)),
    );
    assert_eq!(reply["result"], Value::Null, "{reply}");
    let log = server.stop();
    assert!(!log.is_empty(), "the debug log was written");
    for private in ["committed suicide", "frequent flyer", "stigmatizing"] {
        assert!(
            !log.contains(private),
            "the log quotes policy text: {private}"
        );
    }
}

#[test]
fn definition_goes_to_other_files_and_into_the_read_only_standard_library() {
    let ws = Workspace::new();
    let (mut server, cache) = start(&ws);
    // Into another workspace file.
    let org = ws.uri("policy/org.decorum");
    server.open(&org, "decorum", 1, ORG_POLICY);
    let reply = server.request(
        "textDocument/definition",
        place(&org, at(ORG_POLICY, "client-story", 0)),
    );
    assert_eq!(reply["result"]["uri"], ws.uri("policy/base.decorum"));
    assert_eq!(
        reply["result"]["range"],
        utf16_range(BASE_POLICY, "client-story")
    );

    // Into the standard library.
    // Characters outside the BMP before the names: positions are UTF-16 on the wire.
    let text = "decorum 1\npolicy test.std\n\nimport \"std/healthcare/privacy\" as privacy\n\
                # 😀 Ünïcödé\n\
                extend privacy.identifying += [\"lighthouse 🏠 keeper\"]\n\
                use privacy.client-story { severity error }\n";
    let uri = open_policy(&mut server, &ws, "policy/std-user.decorum", text);
    for (needle, name) in [
        ("privacy.identifying", "identifying"),
        ("privacy.client-story", "client-story"),
    ] {
        let reply = server.request("textDocument/definition", place(&uri, at(text, needle, 9)));
        let location = &reply["result"];
        let target = location["uri"].as_str().unwrap();
        let path = Path::new(target.strip_prefix("file://").unwrap());
        assert!(
            path.starts_with(cache.path().join("decorum/std")),
            "{target}"
        );
        assert!(path.ends_with("healthcare/privacy.decorum"), "{target}");
        let metadata = std::fs::metadata(path).unwrap();
        assert!(metadata.permissions().readonly(), "{target} is read-only");
        let on_disk = std::fs::read_to_string(path).unwrap();
        let range = &location["range"];
        let start = crate::client::utf16_offset(&on_disk, &range["start"]);
        let end = crate::client::utf16_offset(&on_disk, &range["end"]);
        assert_eq!(&on_disk[start..end], name);
    }

    // The std file opened from there is a policy file like any other: references to
    // its rule include the `use` in the workspace's open file.
    let story = server.request(
        "textDocument/definition",
        place(&uri, at(text, "privacy.client-story", 9)),
    );
    let std_uri = story["result"]["uri"].as_str().unwrap().to_owned();
    let std_text = std::fs::read_to_string(std_uri.strip_prefix("file://").unwrap()).unwrap();
    server.open(&std_uri, "decorum", 1, &std_text);
    let reply = server.request(
        "textDocument/references",
        json!({
            "textDocument": { "uri": std_uri },
            "position": story["result"]["range"]["start"],
            "context": { "includeDeclaration": false }
        }),
    );
    let found: Vec<&Value> = reply["result"].as_array().unwrap().iter().collect();
    assert!(
        found
            .iter()
            .any(|l| l["uri"] == uri && l["range"] == utf16_range(text, "privacy.client-story")),
        "{found:?}"
    );

    // On the import's path: the imported file.
    let reply = server.request(
        "textDocument/definition",
        place(&uri, at(text, "std/healthcare/privacy", 4)),
    );
    let target = reply["result"]["uri"].as_str().unwrap();
    assert!(target.ends_with("healthcare/privacy.decorum"), "{reply}");
    assert_eq!(
        file_uri(Path::new(target.strip_prefix("file://").unwrap())),
        target
    );
    server.stop();
}

#[test]
fn references_include_other_files_of_the_workspace() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    // A draft checked means the workspace's policies are loaded.
    let draft = ws.uri("draft.md");
    server.open(&draft, "markdown", 1, "My patient is well.\n");
    server.diagnostics_at(&draft, 1);

    let base = ws.uri("policy/base.decorum");
    server.open(&base, "decorum", 1, BASE_POLICY);
    let reply = server.request(
        "textDocument/references",
        json!({
            "textDocument": { "uri": base },
            "position": at(BASE_POLICY, "rule client-story", 6),
            "context": { "includeDeclaration": true }
        }),
    );
    let locations = reply["result"].as_array().unwrap();
    let found: Vec<(String, Value)> = locations
        .iter()
        .map(|l| (l["uri"].as_str().unwrap().to_owned(), l["range"].clone()))
        .collect();
    assert!(
        found.contains(&(base.clone(), utf16_range(BASE_POLICY, "client-story"))),
        "the declaration: {found:?}"
    );
    assert!(
        found.contains(&(
            ws.uri("policy/org.decorum"),
            utf16_range(ORG_POLICY, "base.client-story")
        )),
        "the use in org.decorum (not open): {found:?}"
    );
    assert_eq!(found.len(), 2, "{found:?}");

    // A term set's references in the same file.
    let reply = server.request(
        "textDocument/references",
        json!({
            "textDocument": { "uri": base },
            "position": at(BASE_POLICY, "terms stigmatizing", 8),
            "context": { "includeDeclaration": false }
        }),
    );
    let locations = reply["result"].as_array().unwrap();
    assert_eq!(locations.len(), 1, "{locations:?}");
    let start = BASE_POLICY.find("contains stigmatizing").unwrap() + "contains ".len();
    let expected = json!({
        "start": utf16_position(BASE_POLICY, start),
        "end": utf16_position(BASE_POLICY, start + "stigmatizing".len()),
    });
    assert_eq!(locations[0]["range"], expected);
    server.stop();
}

#[test]
fn document_symbols_outline_policy_sets_rules_and_examples() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    let base = ws.uri("policy/base.decorum");
    server.open(&base, "decorum", 1, BASE_POLICY);
    let reply = server.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": base } }),
    );
    let symbols = reply["result"].as_array().unwrap();
    assert_eq!(symbols.len(), 1);
    let policy = &symbols[0];
    assert_eq!(policy["name"], "test.base");
    assert_eq!(policy["kind"], 2, "module");
    let children: Vec<(&str, i64)> = policy["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["kind"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        children,
        [
            ("stigmatizing", 14),
            ("client-story", 12),
            ("stigmatizing-language", 12),
            ("personal-opinion", 12)
        ]
    );
    let rule = &policy["children"][1];
    assert_eq!(rule["detail"], "A client story can identify the client");
    assert_eq!(
        rule["selectionRange"],
        utf16_range(BASE_POLICY, "client-story")
    );
    let example = &rule["children"][0];
    assert_eq!(example["name"], "example flags “My patient came in.”");
    assert_eq!(
        example["range"],
        utf16_range(
            BASE_POLICY,
            "example flags \"My patient came in.\" at \"My patient\""
        )
    );
    server.stop();
}

#[test]
fn workspace_symbols_cover_the_workspace_policies_and_the_standard_library() {
    let ws = Workspace::new();
    let (mut server, cache) = start(&ws);
    let draft = ws.uri("draft.md");
    server.open(&draft, "markdown", 1, "Hello.\n");
    server.diagnostics_at(&draft, 1);
    let text = "decorum 1\npolicy test.std\n\nimport \"std/healthcare\" as hc\n";
    open_policy(&mut server, &ws, "policy/std-user.decorum", text);

    let reply = server.request("workspace/symbol", json!({ "query": "base.clientstory" }));
    let symbols = reply["result"].as_array().unwrap();
    let names: Vec<&str> = symbols
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["test.base.client-story"], "{symbols:?}");
    assert_eq!(symbols[0]["kind"], 12);
    assert_eq!(
        symbols[0]["location"]["uri"],
        ws.uri("policy/base.decorum"),
        "from the workspace's configuration, not open"
    );

    let reply = server.request("workspace/symbol", json!({ "query": "hc.privacy.client" }));
    let symbols = reply["result"].as_array().unwrap();
    let story = symbols
        .iter()
        .find(|s| s["name"] == "hc.privacy.client-story")
        .unwrap_or_else(|| panic!("{symbols:?}"));
    let target = story["location"]["uri"].as_str().unwrap();
    assert!(
        Path::new(target.strip_prefix("file://").unwrap()).starts_with(cache.path()),
        "{target}"
    );

    let reply = server.request("workspace/symbol", json!({ "query": "" }));
    let all: Vec<&str> = reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    for wanted in [
        "test.org",
        "test.base",
        "test.base.stigmatizing",
        "test.std",
    ] {
        assert!(all.contains(&wanted), "{wanted} in {all:?}");
    }
    server.stop();
}

#[test]
fn navigation_requests_on_unknown_or_odd_places_answer_empty() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    let unsaved = "untitled:Untitled-2";
    server.open(unsaved, "decorum", 1, "decorum 1\npolicy x\nrule r {\n");
    let base = ws.uri("policy/base.decorum");
    server.open(&base, "decorum", 1, BASE_POLICY);
    let nowhere = json!({ "line": 999, "character": 999 });
    for uri in [ws.uri("missing.decorum").as_str(), unsaved, base.as_str()] {
        for method in [
            "textDocument/definition",
            "textDocument/hover",
            "textDocument/completion",
        ] {
            let reply = server.request(method, place(uri, nowhere.clone()));
            assert!(reply.get("error").is_none(), "{method} {uri}: {reply}");
        }
        let reply = server.request(
            "textDocument/references",
            json!({ "textDocument": { "uri": uri }, "position": nowhere,
                    "context": { "includeDeclaration": true } }),
        );
        assert!(reply.get("error").is_none(), "{reply}");
        let reply = server.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        );
        assert!(reply.get("error").is_none(), "{reply}");
    }
    // An unsaved file still gets its outline.
    let reply = server.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": unsaved } }),
    );
    assert_eq!(reply["result"][0]["name"], "x");
    server.stop();
}

#[test]
fn a_parameter_assigned_in_a_use_block_has_hover_definition_and_references() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    let text = "decorum 1\npolicy test.params\n\nimport \"std/healthcare\" as hc\n\
                use hc.marketing.advert-share { max_share = 15% }\n";
    let uri = open_policy(&mut server, &ws, "policy/params.decorum", text);
    let reply = server.request("textDocument/hover", place(&uri, at(text, "max_share", 2)));
    let hover = &reply["result"];
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        shown.contains("**parameter max\\_share** · `hc.marketing.advert-share`"),
        "{shown}"
    );
    assert!(
        shown.contains("- default: `20%` ([std/healthcare/marketing.decorum:"),
        "{shown}"
    );
    assert!(
        shown.contains("- override: `15%` (`use` at [policy/params.decorum:5]"),
        "{shown}"
    );
    assert_eq!(hover["range"], utf16_range(text, "max_share"));

    let reply = server.request(
        "textDocument/definition",
        place(&uri, at(text, "max_share", 2)),
    );
    let target = reply["result"]["uri"].as_str().unwrap();
    assert!(target.ends_with("healthcare/marketing.decorum"), "{reply}");
    let on_disk = std::fs::read_to_string(target.strip_prefix("file://").unwrap()).unwrap();
    let range = &reply["result"]["range"];
    let start = crate::client::utf16_offset(&on_disk, &range["start"]);
    let end = crate::client::utf16_offset(&on_disk, &range["end"]);
    assert_eq!(&on_disk[start..end], "max_share");

    // References to the parameter: the assignment in this file's `use` block.
    let reply = server.request(
        "textDocument/references",
        json!({
            "textDocument": { "uri": uri },
            "position": at(text, "max_share", 2),
            "context": { "includeDeclaration": true }
        }),
    );
    let found: Vec<&Value> = reply["result"].as_array().unwrap().iter().collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0]["uri"]
            .as_str()
            .unwrap()
            .ends_with("healthcare/marketing.decorum")
    );
    assert_eq!(found[1]["uri"], uri.as_str());
    assert_eq!(found[1]["range"], utf16_range(text, "max_share"));
    server.stop();
}

/// The edits of a rename reply for `uri` (versioned `documentChanges`, as the test
/// client supports them), applied to `text`.
fn renamed(reply: &Value, uri: &str, text: &str) -> String {
    let change = reply["result"]["documentChanges"]
        .as_array()
        .unwrap_or_else(|| panic!("no documentChanges: {reply}"))
        .iter()
        .find(|c| c["textDocument"]["uri"] == uri)
        .unwrap_or_else(|| panic!("no edits for {uri}: {reply}"));
    crate::client::apply_edits(text, change["edits"].as_array().unwrap())
}

/// The version a rename reply's edit of `uri` is for (`null` for a file not open).
fn edited_version(reply: &Value, uri: &str) -> Value {
    reply["result"]["documentChanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["textDocument"]["uri"] == uri)
        .map(|c| c["textDocument"]["version"].clone())
        .unwrap_or_default()
}

fn rename_request(uri: &str, position: Value, new_name: &str) -> Value {
    json!({
        "textDocument": { "uri": uri },
        "position": position,
        "newName": new_name
    })
}

#[test]
fn a_rename_asked_while_the_workspace_loads_waits_for_it() {
    // Asked at once, as when an editor restores its tabs and the writer presses F2: the
    // workspace's policies are still compiling. The rename used to edit the open file
    // alone, leaving `use base.client-story` and the waiver naming a rule that is gone.
    let ws = Workspace::new();
    // The standard library makes the load take long enough to be asked during it.
    let org = format!("{ORG_POLICY}import \"std/healthcare\" as hc\n");
    ws.write("policy/org.decorum", &org);
    std::fs::create_dir(ws.root().join("posts")).unwrap();
    let on_disk = "<!-- decorum-allow test.base.client-story: invented -->\nMy patient came in.\n";
    ws.write("posts/on-disk.md", on_disk);
    let (mut server, _cache) = start(&ws);
    let base = ws.uri("policy/base.decorum");
    server.open(&base, "decorum", 1, BASE_POLICY);
    let reply = server.request(
        "textDocument/rename",
        rename_request(&base, at(BASE_POLICY, "rule client-story", 8), "one-client"),
    );
    assert!(reply.get("error").is_none(), "{reply}");
    assert_eq!(
        renamed(&reply, &ws.uri("policy/org.decorum"), &org),
        org.replace("base.client-story", "base.one-client")
    );
    assert_eq!(
        renamed(&reply, &ws.uri("posts/on-disk.md"), on_disk),
        on_disk.replace("test.base.client-story", "test.base.one-client")
    );
    server.stop();
}

#[test]
fn a_rename_edits_open_files_never_saved_at_their_version() {
    // An editor's new buffer has no file on disk yet. Its edits must still carry its
    // version, or a client applies them to whatever the buffer holds by then; they used
    // to go out unversioned (`null`) because the file could not be canonicalised.
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    let draft_text = "Intro.\n\n<!-- decorum-allow test.base.client-story: invented -->\n\
                      My patient came in.\n";
    let draft = ws.uri("unsaved.md");
    server.open(&draft, "markdown", 7, draft_text);
    server.diagnostics_at(&draft, 7);
    let base = ws.uri("policy/base.decorum");
    server.open(&base, "decorum", 3, BASE_POLICY);
    let reply = server.request(
        "textDocument/rename",
        rename_request(&base, at(BASE_POLICY, "rule client-story", 8), "one-client"),
    );
    assert_eq!(
        renamed(&reply, &draft, draft_text),
        draft_text.replace("test.base.client-story", "test.base.one-client")
    );
    assert_eq!(edited_version(&reply, &draft), 7, "{reply}");
    assert_eq!(edited_version(&reply, &base), 3, "{reply}");

    // A policy file never saved: its definition and its reference, under its version.
    let text = "decorum 1\npolicy test.fresh\n\nterms client = [\"my client\"]\n\
                rule r {\n  flag when contains client\n}\n";
    let fresh = ws.uri("policy/fresh.decorum");
    server.open(&fresh, "decorum", 4, text);
    let reply = server.request(
        "textDocument/rename",
        rename_request(&fresh, at(text, "terms client", 7), "clients"),
    );
    assert_eq!(
        renamed(&reply, &fresh, text),
        text.replace("terms client", "terms clients")
            .replace("contains client", "contains clients")
    );
    assert_eq!(edited_version(&reply, &fresh), 4, "{reply}");
    assert!(!ws.root().join("policy/fresh.decorum").exists());
    server.stop();
}

#[test]
fn renaming_a_rule_edits_its_references_and_the_waivers_naming_it() {
    let ws = Workspace::new();
    let (mut server, _cache) = start(&ws);
    std::fs::create_dir(ws.root().join("posts")).unwrap();
    let on_disk = "<!-- decorum-allow test.base.client-story: a composite, details changed -->\n\
                   My patient came in.\n\n\
                   <!-- decorum-allow test.base: whole policy -->\nMy client too.\n";
    ws.write("posts/on-disk.md", on_disk);
    // A file with a byte-order mark, which the editor that applies the edit will not
    // show: the waiver's columns on the first line do not count it.
    let with_bom = "<!-- decorum-allow test.base.client-story: invented -->\nMy patient 😀.\n";
    ws.write("posts/bom.md", &format!("\u{feff}{with_bom}"));
    let open = "Intro.\n\n<!-- decorum-allow test.base.client-story, test.base.personal-opinion: \
                consent on file -->\nMy patient said hi.\n";
    ws.write("posts/open.md", open);
    let open_uri = ws.uri("posts/open.md");
    server.open(&open_uri, "markdown", 1, open);
    server.diagnostics_at(&open_uri, 1);

    let base = ws.uri("policy/base.decorum");
    server.open(&base, "decorum", 1, BASE_POLICY);
    // Prepare: the name under the cursor, also from the dotted reference in org.decorum.
    let reply = server.request(
        "textDocument/prepareRename",
        place(&base, at(BASE_POLICY, "rule client-story", 8)),
    );
    assert_eq!(reply["result"]["placeholder"], "client-story", "{reply}");
    assert_eq!(
        reply["result"]["range"],
        utf16_range(BASE_POLICY, "client-story")
    );
    let org = ws.uri("policy/org.decorum");
    server.open(&org, "decorum", 1, ORG_POLICY);
    let reply = server.request(
        "textDocument/prepareRename",
        place(&org, at(ORG_POLICY, "base.client-story", 7)),
    );
    let start = ORG_POLICY.find("base.client-story").unwrap() + "base.".len();
    assert_eq!(
        reply["result"]["range"],
        json!({
            "start": utf16_position(ORG_POLICY, start),
            "end": utf16_position(ORG_POLICY, start + "client-story".len()),
        }),
        "only the name, not the alias: {reply}"
    );

    let reply = server.request(
        "textDocument/rename",
        rename_request(&base, at(BASE_POLICY, "rule client-story", 8), "one-client"),
    );
    assert!(reply.get("error").is_none(), "{reply}");
    assert_eq!(
        renamed(&reply, &base, BASE_POLICY),
        BASE_POLICY.replace("rule client-story", "rule one-client")
    );
    assert_eq!(
        renamed(&reply, &org, ORG_POLICY),
        ORG_POLICY.replace("base.client-story", "base.one-client")
    );
    assert_eq!(
        renamed(&reply, &ws.uri("posts/on-disk.md"), on_disk),
        on_disk.replace("test.base.client-story", "test.base.one-client"),
        "the waiver naming the whole policy stays"
    );
    assert_eq!(
        renamed(&reply, &open_uri, open),
        open.replace("test.base.client-story", "test.base.one-client")
    );
    assert_eq!(
        renamed(&reply, &ws.uri("posts/bom.md"), with_bom),
        with_bom.replace("test.base.client-story", "test.base.one-client")
    );
    assert_eq!(
        reply["result"]["documentChanges"].as_array().unwrap().len(),
        5,
        "{reply}"
    );
    assert_eq!(
        edited_version(&reply, &open_uri),
        1,
        "an open draft's version"
    );
    assert_eq!(
        edited_version(&reply, &ws.uri("posts/on-disk.md")),
        Value::Null
    );

    // From the reference in org.decorum after an unsaved edit of base.decorum: the
    // definition is edited where base.decorum's own text has it now.
    let edited = format!("# moved down a line\n{BASE_POLICY}");
    server.change(&base, 2, json!([{ "text": edited }]));
    let reply = server.request(
        "textDocument/rename",
        rename_request(&org, at(ORG_POLICY, "base.client-story", 7), "one-client"),
    );
    assert_eq!(
        renamed(&reply, &base, &edited),
        edited.replace("rule client-story", "rule one-client"),
        "{reply}"
    );
    assert_eq!(edited_version(&reply, &base), 2);
    server.change(&base, 3, json!([{ "text": BASE_POLICY }]));

    // A term set: its definition and the reference in the same file.
    let reply = server.request(
        "textDocument/rename",
        rename_request(
            &base,
            at(BASE_POLICY, "contains stigmatizing", 12),
            "labels",
        ),
    );
    assert_eq!(
        renamed(&reply, &base, BASE_POLICY),
        BASE_POLICY
            .replace("stigmatizing =", "labels =")
            .replace("contains stigmatizing", "contains labels")
    );

    // Refused, with the reason: a name the file already has, a reserved word, a
    // parameter, a rule of the standard library.
    for (position, new_name, why) in [
        (
            at(BASE_POLICY, "rule client-story", 8),
            "personal-opinion",
            "already has a rule",
        ),
        (
            at(BASE_POLICY, "rule client-story", 8),
            "contains",
            "reserved word",
        ),
        (
            at(BASE_POLICY, "rule client-story", 8),
            "two words",
            "is not a name",
        ),
        (
            at(BASE_POLICY, "rule client-story", 8),
            "rule",
            "reserved word",
        ),
    ] {
        let reply = server.request(
            "textDocument/rename",
            rename_request(&base, position, new_name),
        );
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{new_name}: {reply}");
        assert_eq!(reply["error"]["code"], -32803, "RequestFailed");
    }
    // A set renamed to a parameter's name would mean the parameter inside that rule.
    let text = "decorum 1\npolicy test.caps\n\nterms client = [\"my client\"]\n\
                rule r {\n  param limit_n = 3\n  flag when count(client) > limit_n\n}\n";
    let uri = open_policy(&mut server, &ws, "policy/caps.decorum", text);
    let reply = server.request(
        "textDocument/rename",
        rename_request(&uri, at(text, "terms client", 7), "limit_n"),
    );
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("has a parameter named `limit_n`"),
        "{reply}"
    );
    let text = "decorum 1\npolicy test.params\n\nimport \"std/healthcare\" as hc\n\
                use hc.marketing.advert-share { max_share = 15% }\n";
    let uri = open_policy(&mut server, &ws, "policy/params.decorum", text);
    for (needle, why) in [
        ("advert-share", "standard library"),
        ("max_share", "standard library"),
    ] {
        let reply = server.request(
            "textDocument/prepareRename",
            place(&uri, at(text, needle, 2)),
        );
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{needle}: {reply}");
    }
    server.stop();
}

#[test]
fn renaming_a_parameter_edits_its_rule_its_message_and_the_use_blocks() {
    let ws = Workspace::new();
    let lib = "decorum 1\npolicy test.lib\n\nterms phrases = [\"my patient\"]\n\n\
               rule long-post {\n  param hits = 3\n  param extra = [\"x\"]\n  \
               message \"More than {hits} ({{hits}} stays, { hits } too).\"\n  \
               flag when count(phrases) > hits and not contains extra\n}\n";
    let org =
        format!("{ORG_POLICY}import \"./lib.decorum\" as lib\nuse lib.long-post {{ hits = 5 }}\n");
    ws.write("policy/lib.decorum", lib);
    ws.write("policy/org.decorum", &org);
    let (mut server, _cache) = start(&ws);
    let draft = ws.uri("draft.md");
    server.open(&draft, "markdown", 1, "Hello.\n");
    server.diagnostics_at(&draft, 1);
    let lib_uri = ws.uri("policy/lib.decorum");
    server.open(&lib_uri, "decorum", 1, lib);
    // The fixture compiles: no problem in the library file.
    let problems = server.diagnostics_at(&lib_uri, 1);
    assert!(problems.is_empty(), "{problems:?}");

    let reply = server.request(
        "textDocument/prepareRename",
        place(&lib_uri, at(lib, "param hits", 7)),
    );
    assert_eq!(reply["result"]["placeholder"], "hits", "{reply}");
    let reply = server.request(
        "textDocument/rename",
        rename_request(&lib_uri, at(lib, "param hits", 7), "max_hits"),
    );
    assert!(reply.get("error").is_none(), "{reply}");
    assert_eq!(
        renamed(&reply, &lib_uri, lib),
        lib.replace("param hits", "param max_hits")
            .replace("{hits} (", "{max_hits} (")
            .replace("{ hits }", "{ max_hits }")
            .replace("> hits", "> max_hits"),
        "the declaration, the condition and the placeholders; not {{{{hits}}}}"
    );
    assert_eq!(
        renamed(&reply, &ws.uri("policy/org.decorum"), &org),
        org.replace("{ hits = 5 }", "{ max_hits = 5 }")
    );

    // A term-set parameter, from its use in the condition.
    let reply = server.request(
        "textDocument/rename",
        rename_request(&lib_uri, at(lib, "contains extra", 10), "more"),
    );
    assert_eq!(
        renamed(&reply, &lib_uri, lib),
        lib.replace("param extra", "param more")
            .replace("contains extra", "contains more")
    );

    for (new_name, why) in [
        ("words", "post field"),
        ("match", "placeholder"),
        ("type", "metadata key"),
        ("extra", "already has a parameter"),
        ("phrases", "term set named `phrases`"),
    ] {
        let reply = server.request(
            "textDocument/rename",
            rename_request(&lib_uri, at(lib, "param hits", 7), new_name),
        );
        let message = reply["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{new_name}: {reply}");
    }

    // A `use` block that already sets the new name (an unknown parameter so far) would
    // set it twice.
    let org_uri = ws.uri("policy/org.decorum");
    let both = org.replace("{ hits = 5 }", "{ hits = 5  most = 2 }");
    server.open(&org_uri, "decorum", 1, &both);
    server.diagnostics_at(&org_uri, 1);
    let reply = server.request(
        "textDocument/rename",
        rename_request(&lib_uri, at(lib, "param hits", 7), "most"),
    );
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("already sets `most` for rule `long-post`"),
        "{reply}"
    );
    server.stop();
}

/// A draft's hover names where a std rule's severity comes from, linked to the std
/// library's read-only copy on disk, as go-to-definition is.
#[test]
fn draft_hover_links_a_std_rules_origin_to_its_read_only_copy() {
    let ws = Workspace::empty();
    let (mut server, cache) = start(&ws);
    let uri = ws.uri("post.md");
    let text = "My 45-year-old patient from Millbrook came in today.\n";
    server.open(&uri, "markdown", 1, text);
    let diagnostics = server.diagnostics_at(&uri, 1);
    let first = diagnostics.first().expect("std flags the client story");
    let reply = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": first["range"]["start"] }),
    );
    let shown = reply["result"]["contents"]["value"].as_str().unwrap();
    let link = format!("]({}", file_uri(&cache.path().join("decorum/std")));
    assert!(
        shown.contains("library default, [std/healthcare/"),
        "{shown}"
    );
    assert!(shown.contains(&link), "{link} in {shown}");
    server.stop();
}
