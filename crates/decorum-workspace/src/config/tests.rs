//! `decorum.toml` parsing: valid files, every kind of mistake with its position, the
//! upward search, and metadata merging.

use std::path::{Path, PathBuf};

use decorum_draft::MetaValue;
use expect_test::{Expect, expect};

use super::{Config, find_config, load_config, parse_config};
use crate::test_support::{LATIN1, Workspace};

/// Parses `text` as `/ws/decorum.toml` and renders the configuration or the error.
fn check(text: &str, expect: Expect) {
    let rendered = match parse_config(text, Path::new("decorum.toml"), PathBuf::from("/ws"), None) {
        Ok(config) => render(&config),
        Err(errors) => errors
            .iter()
            .map(|err| match &err.help {
                Some(help) => format!("{err}\n    help: {help}\n"),
                None => format!("{err}\n"),
            })
            .collect(),
    };
    expect.assert_eq(&rendered);
}

fn render(config: &Config) -> String {
    let mut out = format!(
        "root: {}\npolicies: {:?}\ninclude: {:?}\nexclude: {:?}\nfail-on: {:?}\n",
        config.root.display(),
        config.policies,
        config.include,
        config.exclude,
        config.fail_on
    );
    for (name, path) in &config.libraries {
        out.push_str(&format!("library {name}: {}\n", path.display()));
    }
    for rule in &config.metadata {
        let values: Vec<String> = rule
            .values()
            .iter()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        out.push_str(&format!(
            "metadata {:?}: {}\n",
            rule.files(),
            values.join(", ")
        ));
    }
    for warning in &config.warnings {
        out.push_str(&format!("warning: {warning}\n"));
        if let Some(help) = &warning.help {
            out.push_str(&format!("    help: {help}\n"));
        }
    }
    out
}

#[test]
fn defaults_for_an_empty_file() {
    check(
        "",
        expect![[r#"
            root: /ws
            policies: ["std/healthcare"]
            include: ["**/*.[mM][dD]", "**/*.[mM][aA][rR][kK][dD][oO][wW][nN]", "**/*.[tT][xX][tT]"]
            exclude: []
            fail-on: None
        "#]],
    );
}

/// Which of `paths` a set of globs matches, as the folder walk and the language server
/// match them.
fn matched<'a>(globs: &[String], paths: &[&'a str]) -> Vec<&'a str> {
    let set = super::glob_set(globs).unwrap();
    paths.iter().copied().filter(|p| set.is_match(p)).collect()
}

#[test]
fn the_default_globs_take_draft_extensions_in_any_letter_case() {
    // A draft saved on macOS or Windows as NOTES.MD was left out of every folder check
    // without a word, while `decorum check NOTES.MD` checked it.
    let paths = [
        "notes.md",
        "NOTES.MD",
        "posts/Post.Md",
        "a/b/Blog.MarkDown",
        "README.TXT",
        "caption.tXt",
        "page.html",
        "notes.mdx",
        "NOTES.MD.BAK",
        "md",
        "posts/MD/page.html",
    ];
    let defaults = Config::default_for(Path::new("/ws")).include;
    assert_eq!(
        matched(&defaults, &paths),
        [
            "notes.md",
            "NOTES.MD",
            "posts/Post.Md",
            "a/b/Blog.MarkDown",
            "README.TXT",
            "caption.tXt"
        ]
    );
    // A glob written in decorum.toml matches letters in the case written, as documented.
    let written = parse_config(
        "[drafts]\ninclude = [\"**/*.md\"]\n",
        Path::new("decorum.toml"),
        PathBuf::from("/ws"),
        None,
    )
    .unwrap();
    assert_eq!(matched(&written.include, &paths), ["notes.md"]);
}

#[test]
fn a_complete_file() {
    check(
        r#"
policies = ["policy/acme.decorum", "std/healthcare/privacy"]

[drafts]
include = ["posts/**/*.md"]
exclude = ["node_modules/**"]

[[drafts.metadata]]
files = "calendar/x/**"
channel = "x"
weight = 2
pinned = true
tags = ["a", 1]

[[drafts.metadata]]
files = ["calendar/**", "archive/*.md"]
consent = { type = "written", ref = 2291 }
when = 2025-01-31

[libraries]
dental-network = { path = "vendor/dental-network" }
shared = { path = "../shared/./lib" }

[check]
fail-on = "warning"
"#,
        expect![[r#"
            root: /ws
            policies: ["policy/acme.decorum", "std/healthcare/privacy"]
            include: ["posts/**/*.md"]
            exclude: ["node_modules/**"]
            fail-on: Some("warning")
            library dental-network: /ws/vendor/dental-network
            library shared: /shared/lib
            metadata ["calendar/x/**"]: channel=Str("x"), pinned=Bool(true), tags=List([Str("a"), Num(1.0)]), weight=Num(2.0)
            metadata ["calendar/**", "archive/*.md"]: consent.ref=Num(2291.0), consent.type=Str("written"), when=Str("2025-01-31")
        "#]],
    );
}

#[test]
fn every_mistake_of_a_kind_is_reported_in_one_run() {
    // Every unknown key at once, in the order of the file (serde alone stopped at the
    // first it met, which was not even the first in the file).
    check(
        "polices = [\"a\"]\n[drafts]\ninclude = [\"*.md\"]\nexclud = []\n[check]\nfailon = \"error\"\n[libraries]\nx = { path = \"a\", pth = \"b\" }\n",
        expect![[r#"
            decorum.toml:1:1: unknown key "polices" (did you mean "policies"?)
            decorum.toml:4:1: unknown key "exclud" (did you mean "exclude"?)
            decorum.toml:6:1: unknown key "failon" (did you mean "fail-on"?)
            decorum.toml:8:19: unknown key "pth" (did you mean "path"?)
        "#]],
    );
    // With no unknown key, every value of the wrong type (serde stopped at the first).
    check(
        "policies = \"policy/acme\"\n[drafts]\ninclude = [\"*.md\", 3]\n[check]\nfail-on = 1\n",
        expect![[r#"
            decorum.toml:1:12: `policies` is a list in brackets, not text
                help: e.g. policies = ["policy/acme.decorum"]
            decorum.toml:3:20: each entry of `include` is text in quotes, not a number
                help: e.g. include = ["**/*.md"]
            decorum.toml:5:11: `fail-on` is a severity in quotes, not a number
                help: one of: error, warning, info, hint, never
        "#]],
    );
    // With no unknown key, every value that cannot be used.
    check(
        "policies = [\"\"]\n[drafts]\ninclude = [\"[a\", \"ok/**\", \"{b\"]\n[[drafts.metadata]]\nfiles = \"[a/**\"\nchannel = \"twiter\"\n[libraries]\n\"a/b\" = { path = \"\" }\nok = { path = \" \" }\n[check]\nfail-on = \"errors\"\n",
        expect![[r#"
            decorum.toml:1:13: empty policy path
                help: write a policy file or folder relative to decorum.toml, such as "policy/acme.decorum", or "std/healthcare" for the standard library; or remove the empty entry
            decorum.toml:3:12: invalid glob "[a": unclosed character class; missing ']'
                help: a glob is a path relative to decorum.toml with `*` (inside one folder), `**` (across folders), `?`, `[abc]` and `{a,b}`; brackets and braces come in pairs, and a backslash makes the next character literal (`\[`)
            decorum.toml:3:27: invalid glob "{b": unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)
                help: a glob is a path relative to decorum.toml with `*` (inside one folder), `**` (across folders), `?`, `[abc]` and `{a,b}`; brackets and braces come in pairs, and a backslash makes the next character literal (`\[`)
            decorum.toml:5:9: invalid glob "[a/**": unclosed character class; missing ']'
                help: a glob is a path relative to decorum.toml with `*` (inside one folder), `**` (across folders), `?`, `[abc]` and `{a,b}`; brackets and braces come in pairs, and a backslash makes the next character literal (`\[`)
            decorum.toml:6:11: unknown channel "twiter" (did you mean "twitter"?)
                help: an unknown channel has no length limit; write a known channel such as "x", "instagram" or "linkedin"
            decorum.toml:8:1: invalid library name "a/b": it contains a path separator
                help: a library name is ASCII letters, digits, `-` and `_`, starting with a letter or digit, such as `dental-network`
            decorum.toml:8:18: library "a/b" has an empty path
                help: e.g. a/b = { path = "vendor/a/b" }
            decorum.toml:9:15: library "ok" has an empty path
                help: e.g. ok = { path = "vendor/ok" }
            decorum.toml:11:11: unknown severity "errors" (did you mean "error"?)
                help: `fail-on` is one of: error, warning, info, hint, never
        "#]],
    );
}

#[test]
fn the_known_key_lists_are_the_keys_serde_accepts() {
    // serde names what a table accepts when it meets an unknown key.
    let accepted = |text: &str| -> Vec<String> {
        let Err(err) = toml::from_str::<super::RawConfig>(text) else {
            panic!("{text} parsed")
        };
        let message = err.message().to_owned();
        let (_, list) = message.split_once("expected").expect("a list of keys");
        list.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    for (text, known) in [
        ("zzz = 1\n", super::TOP_KEYS),
        ("[drafts]\nzzz = 1\n", super::DRAFTS_KEYS),
        (
            "[libraries]\nx = { path = \"a\", zzz = 1 }\n",
            super::LIBRARY_KEYS,
        ),
        ("[check]\nzzz = 1\n", super::CHECK_KEYS),
    ] {
        assert_eq!(accepted(text), known, "{text}");
    }
}

#[test]
fn unknown_keys_name_the_key_and_suggest() {
    check(
        "# policies\n\npolices = [\"a\"]\n",
        expect![[r#"
            decorum.toml:3:1: unknown key "polices" (did you mean "policies"?)
        "#]],
    );
    check(
        "[check]\n  fail_on = \"error\"\n",
        expect![[r#"
            decorum.toml:2:3: unknown key "fail_on" (did you mean "fail-on"?)
        "#]],
    );
    check(
        "[drafts]\ninclude = []\nexlcude = []\n",
        expect![[r#"
            decorum.toml:3:1: unknown key "exlcude" (did you mean "exclude"?)
        "#]],
    );
    check(
        "include = [\"*.md\"]\n",
        expect![[r#"
            decorum.toml:1:1: unknown key "include"
                help: `include` belongs in [drafts]
        "#]],
    );
    check(
        "[libraries]\nx = { path = \"a\", version = \"1\" }\n",
        expect![[r#"
            decorum.toml:2:19: unknown key "version"
                help: known keys here: path
        "#]],
    );
    check(
        "[linting]\n",
        expect![[r#"
            decorum.toml:1:2: unknown key "linting"
                help: known keys here: policies, drafts, libraries, check
        "#]],
    );
}

#[test]
fn bad_values_are_errors_with_positions() {
    check(
        "[drafts]\ninclude = [\"**/*.md\", \"posts/[abc\"]\n",
        expect![[r#"
            decorum.toml:2:23: invalid glob "posts/[abc": unclosed character class; missing ']'
                help: a glob is a path relative to decorum.toml with `*` (inside one folder), `**` (across folders), `?`, `[abc]` and `{a,b}`; brackets and braces come in pairs, and a backslash makes the next character literal (`\[`)
        "#]],
    );
    check(
        "[[drafts.metadata]]\nfiles = \"{a,b\"\nchannel = \"x\"\n",
        expect![[r#"
            decorum.toml:2:9: invalid glob "{a,b": unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)
                help: a glob is a path relative to decorum.toml with `*` (inside one folder), `**` (across folders), `?`, `[abc]` and `{a,b}`; brackets and braces come in pairs, and a backslash makes the next character literal (`\[`)
        "#]],
    );
    check(
        "[[drafts.metadata]]\nchannel = \"x\"\n",
        expect![[r#"
            decorum.toml:1:1: this [[drafts.metadata]] entry has no `files`
                help: add `files = "GLOB"`: the drafts its metadata is for
        "#]],
    );
    // A misspelt channel would switch its length limit off for every file named.
    check(
        "[[drafts.metadata]]\nfiles = \"social/x/**\"\nchannel = \"twiter\"\n",
        expect![[r#"
            decorum.toml:3:11: unknown channel "twiter" (did you mean "twitter"?)
                help: an unknown channel has no length limit; write a known channel such as "x", "instagram" or "linkedin"
        "#]],
    );
    // Reported at the channel, not at the `files` of its entry: here the second entry's,
    // whose `files` spans two lines.
    check(
        "[[drafts.metadata]]\nfiles = \"social/x/**\"\nchannel = \"x\"\n\n[[drafts.metadata]]\nfiles = [\"social/li/**\",\n  \"team/li/**\"]\ntype = \"ad\"\nchannel = \"linkdin\"\n",
        expect![[r#"
            decorum.toml:9:11: unknown channel "linkdin" (did you mean "linkedin"?)
                help: an unknown channel has no length limit; write a known channel such as "x", "instagram" or "linkedin"
        "#]],
    );
    // So would an empty or blank one, which names no channel.
    check(
        "[[drafts.metadata]]\nfiles = \"social/x/**\"\nchannel = \"\"\n\n[[drafts.metadata]]\nfiles = \"social/li/**\"\nchannel = \" \\t\"\n",
        expect![[r#"
            decorum.toml:3:11: `channel` is empty, so this entry sets no channel and no length limit applies to its drafts
                help: write a known channel such as "x", "instagram" or "linkedin", or remove the key
            decorum.toml:7:11: `channel` is blank, so this entry sets no channel and no length limit applies to its drafts
                help: write a known channel such as "x", "instagram" or "linkedin", or remove the key
        "#]],
    );
    check(
        "[[drafts.metadata]]\nfiles = \"social/x/**\"\nchannel = 5\n",
        expect![[r#"
            decorum.toml:3:11: `channel` is text in quotes, not a number
                help: e.g. channel = "x"
        "#]],
    );
    check(
        "policies = \"policy/acme\"\n",
        expect![[r#"
            decorum.toml:1:12: `policies` is a list in brackets, not text
                help: e.g. policies = ["policy/acme.decorum"]
        "#]],
    );
    check(
        "policies = []\n",
        expect![[r#"
            decorum.toml:1:12: `policies` is empty, so no rule would apply
                help: remove the key to use the standard library ("std/healthcare"), or list policy files
        "#]],
    );
    check(
        "[check]\nfail-on = \"warn\"\n",
        expect![[r#"
            decorum.toml:2:11: unknown severity "warn" (did you mean "warning"?)
                help: `fail-on` is one of: error, warning, info, hint, never
        "#]],
    );
    check(
        "[libraries]\nstd = { path = \"x\" }\n",
        expect![[r#"
            decorum.toml:2:1: invalid library name "std": `std` is the standard library
                help: a library name is ASCII letters, digits, `-` and `_`, starting with a letter or digit, such as `dental-network`
        "#]],
    );
    check(
        "[libraries]\n\"a/b\" = { path = \"x\" }\n",
        expect![[r#"
            decorum.toml:2:1: invalid library name "a/b": it contains a path separator
                help: a library name is ASCII letters, digits, `-` and `_`, starting with a letter or digit, such as `dental-network`
        "#]],
    );
    // What the schema's pattern refuses, the parser refuses: an editor and the binary
    // agree about which names work.
    check(
        "[libraries]\n\"bad name\" = { path = \"a\" }\n\"dot.ted\" = { path = \"b\" }\n\"-lead\" = { path = \"c\" }\n\"ünï\" = { path = \"d\" }\nok_2-x = { path = \"e\" }\n",
        expect![[r#"
            decorum.toml:2:1: invalid library name "bad name": it contains a space
                help: a library name is ASCII letters, digits, `-` and `_`, starting with a letter or digit, such as `dental-network`
            decorum.toml:3:1: invalid library name "dot.ted": it contains `.`
                help: a library name is ASCII letters, digits, `-` and `_`, starting with a letter or digit, such as `dental-network`
            decorum.toml:4:1: invalid library name "-lead": it starts with `-`
                help: a library name is ASCII letters, digits, `-` and `_`, starting with a letter or digit, such as `dental-network`
            decorum.toml:5:1: invalid library name "ünï": it starts with `ü`
                help: a library name is ASCII letters, digits, `-` and `_`, starting with a letter or digit, such as `dental-network`
        "#]],
    );
    check(
        "[[drafts.metadata]]\nfiles = []\nchannel = \"x\"\n",
        expect![[r#"
            decorum.toml:2:9: `files` is empty, so this metadata applies to no draft
                help: list the globs of the drafts it is for, e.g. files = "calendar/x/**", or remove the entry
        "#]],
    );
}

#[test]
fn wrong_shapes_are_described_in_toml_words() {
    check(
        "[libraries]\ndental-network = \"vendor/dental-network\"\n",
        expect![[r#"
            decorum.toml:2:18: library "dental-network" is a table with its `path`, not text
                help: e.g. dental-network = { path = "vendor/dental-network" }
        "#]],
    );
    check(
        "drafts = 3\n",
        expect![[r#"
            decorum.toml:1:10: `drafts` is a table, not a number
                help: write it as a [drafts] line with its keys below
        "#]],
    );
    check(
        "check = []\n",
        expect![[r#"
            decorum.toml:1:9: `check` is a table, not a list
                help: write it as a [check] line with its keys below
        "#]],
    );
    check(
        "[drafts]\nmetadata = { files = \"x\" }\n",
        expect![[r#"
            decorum.toml:2:12: `metadata` is a list of [[drafts.metadata]] tables, not a table
                help: write each entry as a [[drafts.metadata]] line with `files` and the metadata below
        "#]],
    );
    check(
        "[[drafts.metadata]]\nfiles = 3\n",
        expect![[r#"
            decorum.toml:2:9: `files` is a glob or a list of globs, not a number
                help: e.g. files = "calendar/x/**"
        "#]],
    );
    check(
        "[drafts]\ninclude = [1]\n",
        expect![[r#"
            decorum.toml:2:12: each entry of `include` is text in quotes, not a number
                help: e.g. include = ["**/*.md"]
        "#]],
    );
    check(
        "[libraries]\nx = { path = 1 }\n",
        expect![[r#"
            decorum.toml:2:14: a library's `path` is text in quotes, not a number
                help: e.g. x = { path = "vendor/x" }
        "#]],
    );
}

#[test]
fn bad_toml_is_an_error_with_a_position() {
    check(
        "policies = [\"a\"\n[drafts]\n",
        expect![[r#"
            decorum.toml:2:1: missing comma between array elements, expected `,`
        "#]],
    );
    // Columns count characters, not bytes.
    check(
        "# é\n\"ünï\" = 1\n",
        expect![[r#"
            decorum.toml:2:1: unknown key "ünï"
                help: known keys here: policies, drafts, libraries, check
        "#]],
    );
    check(
        "[check]\nfail-on = \"é\" x\n",
        expect![[r#"
            decorum.toml:2:15: unexpected key or value, expected newline, `#`
        "#]],
    );
}

#[test]
fn reading_files() {
    let ws = Workspace::new(&[
        ("decorum.toml", "policies = [\"p\"]\n"),
        ("a/b/c/.keep", ""),
    ]);
    let config = load_config(&ws.path("decorum.toml")).unwrap();
    assert_eq!(config.root, ws.root());
    assert_eq!(config.file, Some(ws.path("decorum.toml")));
    assert_eq!(config.policies, ["p"]);

    ws.write("bad/decorum.toml", LATIN1);
    let errors = load_config(&ws.path("bad/decorum.toml")).unwrap_err();
    let [err] = errors.as_slice() else {
        panic!("{errors:?}")
    };
    assert_eq!((err.line, err.column), (2, 11), "{err}");
    assert!(
        err.to_string().ends_with(
            "decorum.toml:2:11: the configuration is not valid UTF-8 text: its first invalid byte is at this line and column"
        ),
        "{err}"
    );
    let errors = load_config(&ws.path("missing/decorum.toml")).unwrap_err();
    let [err] = errors.as_slice() else {
        panic!("{errors:?}")
    };
    assert!(
        err.message.starts_with("cannot read the configuration"),
        "{err}"
    );
}

#[test]
fn find_config_searches_upwards() {
    let ws = Workspace::new(&[
        ("decorum.toml", ""),
        ("a/b/c/.keep", ""),
        ("a/decorum.toml/.keep", ""),
    ]);
    assert_eq!(
        find_config(&ws.path("a/b/c")),
        Some(ws.path("decorum.toml")),
        "a folder named decorum.toml is skipped"
    );
    assert_eq!(find_config(&ws.root()), Some(ws.path("decorum.toml")));
    ws.write("a/b/decorum.toml", b"");
    assert_eq!(
        find_config(&ws.path("a/b/c")),
        Some(ws.path("a/b/decorum.toml"))
    );
}

#[test]
fn metadata_merges_matching_rules_in_order() {
    let text = r#"
[[drafts.metadata]]
files = "calendar/**"
channel = "linkedin"
team = "cardio"

[[drafts.metadata]]
files = "calendar/x/*.md"
channel = "x"

[[drafts.metadata]]
files = "*.md"
top = true
"#;
    let config = parse_config(text, Path::new("decorum.toml"), PathBuf::from("/ws"), None).unwrap();
    let meta = |path: &str| {
        let values: Vec<String> = config
            .metadata_for_in(Path::new(path), Path::new("/ws"))
            .iter()
            .map(|(k, v)| format!("{k}={}", v.display()))
            .collect();
        values.join(" ")
    };
    assert_eq!(meta("calendar/x/post.md"), "channel=x team=cardio");
    assert_eq!(meta("/ws/calendar/x/post.md"), "channel=x team=cardio");
    // `*` does not cross folders; `**` does.
    assert_eq!(
        meta("calendar/x/deeper/post.md"),
        "channel=linkedin team=cardio"
    );
    assert_eq!(meta("post.md"), "top=true");
    assert_eq!(meta("sub/post.md"), "");
    // Outside the root nothing matches, even a path that looks alike.
    assert_eq!(meta("/elsewhere/calendar/x/post.md"), "");
    assert_eq!(meta("../calendar/x/post.md"), "");
    assert_eq!(
        config
            .metadata_for_in(Path::new("calendar/a.md"), Path::new("/ws"))
            .get("channel"),
        Some(&MetaValue::Str("linkedin".to_owned()))
    );
}

#[test]
fn a_leading_dot_slash_is_the_folder_of_decorum_toml() {
    // `./x/**` is the usual way to write a path from here: it means `x/**`, in every
    // glob setting, as matched and as the language server reads `include`.
    let text = "[drafts]\ninclude = [\"./posts/**/*.md\"]\nexclude = [\".//posts/old/**\"]\n[[drafts.metadata]]\nfiles = \"./x/**\"\nchannel = \"x\"\n[[drafts.metadata]]\nfiles = [\"././y/*.md\", \"z/**\"]\nchannel = \"linkedin\"\n";
    check(
        text,
        expect![[r#"
            root: /ws
            policies: ["std/healthcare"]
            include: ["posts/**/*.md"]
            exclude: ["posts/old/**"]
            fail-on: None
            metadata ["x/**"]: channel=Str("x")
            metadata ["y/*.md", "z/**"]: channel=Str("linkedin")
        "#]],
    );
    let config = parse_config(text, Path::new("decorum.toml"), PathBuf::from("/ws"), None).unwrap();
    let channel = |path: &str| {
        config
            .metadata_for_in(Path::new(path), Path::new("/ws"))
            .get("channel")
            .cloned()
    };
    assert_eq!(channel("x/a.md"), Some(MetaValue::Str("x".to_owned())));
    assert_eq!(
        channel("y/a.md"),
        Some(MetaValue::Str("linkedin".to_owned()))
    );
    assert_eq!(channel("other/a.md"), None);
}

#[test]
fn a_glob_that_can_match_nothing_by_how_it_is_written_is_an_error() {
    // A leading `/` reads as an absolute path or as anchored (.gitignore): globs are
    // already matched from the folder of decorum.toml, so it is refused with what to
    // write, at the glob itself, also inside a list.
    check(
        "[drafts]\ninclude = [\"/posts/**\", \"ok/**\"]\nexclude = [\"./\", \"\"]\n[[drafts.metadata]]\nfiles = [\"x/**\", \"/y/**\"]\nchannel = \"x\"\n[[drafts.metadata]]\nfiles = \"/\"\nchannel = \"x\"\n",
        expect![[r#"
            decorum.toml:2:12: glob "/posts/**" starts with `/`, so it matches no draft
                help: globs are matched against paths relative to the folder of decorum.toml, from its start: write "posts/**"
            decorum.toml:3:12: glob "./" is the folder of decorum.toml, which is no draft
                help: write the drafts it is for, such as "posts/**" (every file below posts) or "**/*.md", or remove it
            decorum.toml:3:18: empty glob, which matches no draft
                help: write the drafts it is for, such as "posts/**" (every file below posts) or "**/*.md", or remove it
            decorum.toml:5:18: glob "/y/**" starts with `/`, so it matches no draft
                help: globs are matched against paths relative to the folder of decorum.toml, from its start: write "y/**"
            decorum.toml:8:9: glob "/" starts with `/`, so it matches no draft
                help: globs are matched against paths relative to the folder of decorum.toml, from its start: write a path inside that folder, such as "posts/**"
        "#]],
    );
}

#[test]
fn a_glob_that_goes_up_with_dot_dot_is_an_error() {
    // Paths are matched relative to the folder of decorum.toml and never hold `..`, so a
    // glob with a `..` segment matches nothing: refused at the glob, with what to write
    // (the glob without the detour when it has one, else a glob inside the folder).
    check(
        "[drafts]\ninclude = [\"../shared/**/*.md\", \"ok/**\"]\nexclude = [\"posts/../old/**\", \"./..\"]\n[[drafts.metadata]]\nfiles = [\"x/**\", \"**/../y/*.md\"]\nchannel = \"x\"\n[[drafts.metadata]]\nfiles = \"a/b/../../c/**\"\nchannel = \"x\"\n",
        expect![[r#"
            decorum.toml:2:12: glob "../shared/**/*.md" has a `..` segment, so it matches no draft
                help: globs are matched against paths inside the folder of decorum.toml, which never hold `..`: write a glob of drafts inside it, such as "posts/**"
            decorum.toml:3:12: glob "posts/../old/**" has a `..` segment, so it matches no draft
                help: globs are matched against paths inside the folder of decorum.toml, which never hold `..`: write "old/**"
            decorum.toml:3:31: glob "./.." has a `..` segment, so it matches no draft
                help: globs are matched against paths inside the folder of decorum.toml, which never hold `..`: write a glob of drafts inside it, such as "posts/**"
            decorum.toml:5:18: glob "**/../y/*.md" has a `..` segment, so it matches no draft
                help: globs are matched against paths inside the folder of decorum.toml, which never hold `..`: write a glob of drafts inside it, such as "posts/**"
            decorum.toml:8:9: glob "a/b/../../c/**" has a `..` segment, so it matches no draft
                help: globs are matched against paths inside the folder of decorum.toml, which never hold `..`: write "c/**"
        "#]],
    );
    // A `.` segment is the folder it is in, wherever it stands; one that is part of a
    // name is an ordinary name.
    check(
        "[drafts]\ninclude = [\"posts/./*.md\", \"./a/./b/.\", \"notes/.hidden/*.md\"]\nexclude = [\"./.\"]\n",
        expect![[r#"
            decorum.toml:3:12: glob "./." is the folder of decorum.toml, which is no draft
                help: write the drafts it is for, such as "posts/**" (every file below posts) or "**/*.md", or remove it
        "#]],
    );
    check(
        "[drafts]\ninclude = [\"posts/./*.md\", \"./a/./b/.\", \"notes/.hidden/*.md\"]\n",
        expect![[r#"
            root: /ws
            policies: ["std/healthcare"]
            include: ["posts/*.md", "a/b", "notes/.hidden/*.md"]
            exclude: []
            fail-on: None
        "#]],
    );
    // A `..` that is part of a name is an ordinary name.
    check(
        "[drafts]\ninclude = [\"notes/..draft/*.md\", \"notes/v2../*.md\"]\n",
        expect![[r#"
            root: /ws
            policies: ["std/healthcare"]
            include: ["notes/..draft/*.md", "notes/v2../*.md"]
            exclude: []
            fail-on: None
        "#]],
    );
}

#[test]
fn the_schema_pattern_of_a_library_name_is_written_from_the_check() {
    // One definition: the pattern an editor validates with is made from the ranges the
    // parser checks (tests/cli/config_schema.rs holds the two to the same answers).
    let pattern = super::library_name_pattern();
    assert_eq!(pattern, "^[A-Za-z0-9][A-Za-z0-9_-]*$");
    assert!(
        super::json_schema().contains(&format!("\"pattern\": \"{pattern}\"")),
        "{pattern}"
    );
}

#[test]
fn a_metadata_key_one_letter_from_a_known_one_is_a_warning() {
    // `chanel` stays metadata (the file is usable), but no channel is set: said at its
    // line. Keys further from the known ones are metadata as documented.
    check(
        "[[drafts.metadata]]\nfiles = \"x/**\"\nchanel = \"x\"\nconsnet = \"written\"\ntypes = \"ad\"\nclinic = \"north\"\n",
        expect![[r#"
            root: /ws
            policies: ["std/healthcare"]
            include: ["**/*.[mM][dD]", "**/*.[mM][aA][rR][kK][dD][oO][wW][nN]", "**/*.[tT][xX][tT]"]
            exclude: []
            fail-on: None
            metadata ["x/**"]: chanel=Str("x"), clinic=Str("north"), consnet=Str("written"), types=Str("ad")
            warning: decorum.toml:3:1: `chanel` is one letter from `channel` (did you mean `channel`?)
                help: any key but `files`, `channel`, `type` and `consent` becomes post metadata of its own name, so this entry sets no `channel`; write `channel`, or keep `chanel` if it is metadata of your own
            warning: decorum.toml:4:1: `consnet` is one letter from `consent` (did you mean `consent`?)
                help: any key but `files`, `channel`, `type` and `consent` becomes post metadata of its own name, so this entry sets no `consent`; write `consent`, or keep `consnet` if it is metadata of your own
            warning: decorum.toml:5:1: `types` is one letter from `type` (did you mean `type`?)
                help: any key but `files`, `channel`, `type` and `consent` becomes post metadata of its own name, so this entry sets no `type`; write `type`, or keep `types` if it is metadata of your own
        "#]],
    );
    // Not when the entry sets the key it looks like too, nor for `content`: as in front
    // matter.
    check(
        "[[drafts.metadata]]\nfiles = \"x/**\"\nchannel = \"x\"\nchanel = \"y\"\ncontent = \"notes\"\n",
        expect![[r#"
            root: /ws
            policies: ["std/healthcare"]
            include: ["**/*.[mM][dD]", "**/*.[mM][aA][rR][kK][dD][oO][wW][nN]", "**/*.[tT][xX][tT]"]
            exclude: []
            fail-on: None
            metadata ["x/**"]: chanel=Str("y"), channel=Str("x"), content=Str("notes")
        "#]],
    );
    // `file` for `files`: the entry's error is at that key, with the suggestion.
    check(
        "[[drafts.metadata]]\nchannel = \"x\"\nfile = \"x/**\"\n",
        expect![[r#"
            decorum.toml:3:1: this [[drafts.metadata]] entry has no `files` (did you mean `files` for `file`?)
                help: `files` holds the globs of the drafts its metadata is for
        "#]],
    );
}
