//! decorum.toml: what its JSON Schema (docs/schema/decorum-toml.schema.json) refuses,
//! `decorum check` refuses too, at the line to fix; an editor and the binary agree.

use serde_json::Value;

use crate::support::{Workspace, repo_root};

/// Whether the schema accepts `toml_text`.
fn schema_accepts(toml_text: &str) -> bool {
    let path = repo_root().join("docs/schema/decorum-toml.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::options().build(&schema).unwrap();
    let value: toml::Value = toml::from_str(toml_text).unwrap();
    validator.is_valid(&serde_json::to_value(value).unwrap())
}

#[test]
fn library_names_the_schema_refuses_are_refused_at_their_line() {
    for (name, problem) in [
        ("bad name", "it contains a space"),
        ("dot.ted", "it contains `.`"),
        ("-lead", "it starts with `-`"),
        ("ünï", "it starts with `ü`"),
        ("lead_", ""),
        ("Net-2", ""),
    ] {
        let toml_text = format!("[libraries]\n\"{name}\" = {{ path = \"vendor/x\" }}\n");
        let ws = Workspace::new();
        ws.file("decorum.toml", &toml_text);
        let out = ws.check(&[]).output();
        let refused = out.code == 2;
        assert_eq!(
            refused,
            !schema_accepts(&toml_text),
            "{name:?}: the schema and decorum check disagree\n{}",
            out.render()
        );
        if refused {
            let toml_line = toml_text.lines().nth(1).unwrap();
            let expected = format!(
                "error: invalid library name \"{name}\": {problem}\n --> decorum.toml:2:1\n  |\n2 | {toml_line}\n"
            );
            assert!(out.stderr.starts_with(&expected), "{}", out.render());
            assert!(
                out.stderr
                    .contains("\n   = help: a library name is ASCII letters, digits, `-` and `_`"),
                "{}",
                out.render()
            );
        }
    }
}

#[test]
fn an_empty_files_list_of_metadata_is_refused_at_its_line() {
    let toml_text = "[[drafts.metadata]]\nfiles = []\nchannel = \"x\"\n";
    assert!(!schema_accepts(toml_text));
    let ws = Workspace::new();
    ws.file("decorum.toml", toml_text)
        .file("post.md", "Open on Saturdays.\n");
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.starts_with(
            "error: `files` is empty, so this metadata applies to no draft\n --> decorum.toml:2:9\n  |\n2 | files = []\n  |         ^^\n  |\n   = help: list the globs"
        ),
        "{}",
        out.render()
    );
}
