//! What `decorum check` reads: folders (with .gitignore and the `[drafts]` globs),
//! several paths, standard input, and files it must skip or cannot find.

use expect_test::expect;
use serde_json::Value;

use crate::support::Workspace;

/// The `file` of every finding, in order.
fn finding_files(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect()
}

/// A draft that the std library flags (one error), for telling which files were read.
const FLAGGED: &str = "This tea cures anxiety.\n";

#[test]
fn a_folder_honours_gitignore_hidden_files_and_the_default_globs() {
    let ws = Workspace::new();
    ws.file(".gitignore", "drafts/private/\n*.bak.md\n");
    ws.file("drafts/a.md", FLAGGED);
    ws.file("drafts/sub/b.txt", FLAGGED);
    ws.file("drafts/c.markdown", FLAGGED);
    ws.file("drafts/private/d.md", FLAGGED);
    ws.file("drafts/e.bak.md", FLAGGED);
    ws.file("drafts/.hidden.md", FLAGGED);
    ws.file("drafts/page.html", FLAGGED);
    let (out, json) = ws.check_json(&["drafts"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        finding_files(&json),
        ["drafts/a.md", "drafts/c.markdown", "drafts/sub/b.txt"]
    );
    assert_eq!(json["summary"]["files"], 3);
}

/// Ignore files above the workspace root (even a repository's) and one person's git
/// excludes leave nothing out: a `~/.ignore` kept for ripgrep must not make a check
/// pass with nothing checked.
#[test]
fn ignore_files_count_up_to_the_workspace_root_only() {
    let ws = Workspace::new();
    // No repository: the workspace root is site/, where decorum.toml is.
    ws.file(".gitignore", "*.md\n");
    ws.file(".ignore", "drafts/\n");
    ws.file("site/decorum.toml", "");
    ws.file("site/.gitignore", "private/\n");
    ws.file("site/drafts/a.md", FLAGGED);
    ws.file("site/drafts/private/b.md", FLAGGED);
    let (out, json) = ws.check_json_in("site", &[]);
    assert_eq!(out.code, 1, "{}", out.render());
    assert_eq!(finding_files(&json), ["drafts/a.md"]);
    // A folder named below the root: the root's ignore file still counts.
    let (_, json) = ws.check_json_in("site/drafts", &["."]);
    assert_eq!(finding_files(&json), ["a.md"]);

    // In a repository whose root is above the workspace root: its .gitignore there does
    // not count, nor do this user's git excludes.
    ws.folder("repo/.git/info");
    ws.file("repo/.git/info/exclude", "*.md\n");
    ws.file("repo/.gitignore", "*.md\n");
    ws.file("repo/social/decorum.toml", "");
    ws.file("repo/social/x/a.md", FLAGGED);
    ws.file("repo/social/old/b.md", FLAGGED);
    ws.file("home/.config/git/ignore", "*.md\n");
    let outcome = ws
        .check(&["--format", "json"])
        .in_dir("repo/social")
        .env("HOME", ws.path("home"))
        .env("XDG_CONFIG_HOME", ws.path("home/.config"))
        .output();
    let json: Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(
        finding_files(&json),
        ["old/b.md", "x/a.md"],
        "{}",
        outcome.render()
    );
}

/// `include = ["**/*"]` takes every file, but never Decorum's own: a policy's examples
/// would be findings. Named, such a file is checked all the same.
#[test]
fn a_walk_never_takes_decorum_own_files_as_drafts() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "[drafts]\ninclude = [\"**/*\"]\n");
    ws.file(
        "policy/acme.decorum",
        "decorum 1\npolicy acme.p\nimport \"std/healthcare\"\n# This tea cures anxiety.\n",
    );
    ws.file("posts/a.post", FLAGGED);
    let (out, json) = ws.check_json(&[]);
    assert_eq!(finding_files(&json), ["posts/a.post"], "{}", out.render());
    // A folder holding only policies says why it yields no draft.
    let out = ws.check(&["policy"]).output();
    assert!(
        out.stderr.contains(
            "policy holds no draft (it holds only Decorum's own files (policies, decorum.toml, decorum.lock)"
        ),
        "{}",
        out.render()
    );
}

#[test]
fn include_and_exclude_globs_of_decorum_toml_filter_folders() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "[drafts]\ninclude = [\"**/*.md\", \"**/*.post\"]\nexclude = [\"archive/**\", \"**/draft-*.md\"]\n",
    );
    ws.file("posts/a.md", FLAGGED);
    ws.file("posts/b.post", FLAGGED);
    ws.file("posts/c.txt", FLAGGED);
    ws.file("posts/draft-d.md", FLAGGED);
    ws.file("archive/2019/e.md", FLAGGED);
    let (_, json) = ws.check_json(&[]);
    assert_eq!(finding_files(&json), ["posts/a.md", "posts/b.post"]);
}

#[test]
fn a_file_named_explicitly_is_checked_whatever_its_extension_or_globs() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "[drafts]\nexclude = [\"archive/**\"]\n");
    ws.file("archive/old.html", FLAGGED);
    let (_, json) = ws.check_json(&["archive/old.html"]);
    assert_eq!(finding_files(&json), ["archive/old.html"]);
}

#[test]
fn several_paths_are_checked_in_order_and_each_file_once() {
    let ws = Workspace::new();
    ws.file("b/one.md", FLAGGED);
    ws.file("a/two.md", FLAGGED);
    let (_, json) = ws.check_json(&["b", "a/two.md", "b/one.md", "./a/two.md"]);
    assert_eq!(finding_files(&json), ["b/one.md", "a/two.md"]);
    assert_eq!(json["summary"]["files"], 2);
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let ws = Workspace::new();
    let out = ws.check(&["-"]).stdin(FLAGGED).output();
    expect![[r#"
        exit: 1
        --- stdout
        error[hc.marketing.guarantee-claim]: “cures” promises an outcome no treatment can guarantee.
         --> <stdin>:1:10
          |
        1 | This tea cures anxiety.
          |          ^^^^^ A health claim promises a guaranteed outcome
          |
           = fix: Remove the flagged words
           = see: https://www.ftc.gov/business-guidance/resources/health-products-compliance-guidance
           = why: decorum explain hc.marketing.guarantee-claim

        decorum: 1 error in 1 of 1 draft checked
        --- stderr: (empty)
    "#]]
    .assert_eq(&out.render());
}

/// Standard input's draft comes where `-` was written among the paths, as docs/output.md
/// says findings come: in argument order.
#[test]
fn standard_input_together_with_files() {
    let ws = Workspace::new();
    ws.file("a.md", FLAGGED);
    ws.file("d/b.md", FLAGGED);
    ws.file("d/c.md", FLAGGED);
    for (args, want) in [
        (&["a.md", "-"][..], &["a.md", "<stdin>"][..]),
        (&["-", "a.md"], &["<stdin>", "a.md"]),
        (
            &["d", "-", "a.md"],
            &["d/b.md", "d/c.md", "<stdin>", "a.md"],
        ),
        (&["missing.md", "-", "a.md"], &["<stdin>", "a.md"]),
    ] {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let outcome = ws
            .check(&all)
            .stdin("Guaranteed results in 30 days.\n")
            .output();
        let json: Value = serde_json::from_str(&outcome.stdout).unwrap();
        assert_eq!(finding_files(&json), want, "{args:?}");
    }
}

#[test]
fn standard_input_that_is_not_utf8_is_an_error() {
    let ws = Workspace::new();
    let out = ws.check(&["-"]).stdin(b"Caf\xe9 cures\n".to_vec()).output();
    expect![[r#"
        exit: 2
        --- stdout
        decorum: no findings (0 drafts checked)
        --- stderr
        error: standard input is not valid UTF-8 text (its first invalid byte is on line 1, column 4)
          --> <stdin>:1:4
           = help: send the draft as UTF-8 text

    "#]]
    .assert_eq(&out.render());
}

#[test]
fn standard_input_is_held_to_the_limits_of_a_draft_file() {
    let ws = Workspace::new();
    let binary = ws.check(&["-"]).stdin(b"cures\0".to_vec()).output();
    expect![[r#"
        exit: 2
        --- stdout
        decorum: no findings (0 drafts checked)
        --- stderr
        error: standard input looks binary (it contains NUL bytes)
          --> <stdin>
           = help: send the draft as text

    "#]]
    .assert_eq(&binary.render());
    // One byte over the limit of a draft file is refused before it is parsed.
    let limit = decorum_workspace::drafts::MAX_DRAFT_BYTES as usize;
    let huge = ws.check(&["-"]).stdin(vec![b'a'; limit + 1]).output();
    expect![[r#"
        exit: 2
        --- stdout
        decorum: no findings (0 drafts checked)
        --- stderr
        error: standard input is larger than 64 MiB
          --> <stdin>
           = help: split it into smaller drafts, or leave it out

    "#]]
    .assert_eq(&huge.render());
}

#[test]
fn binary_and_non_utf8_files_are_skipped_with_a_warning_naming_them() {
    let ws = Workspace::new();
    ws.file("posts/ok.md", "Flu shots are in.\n");
    ws.file(
        "posts/photo.md",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR cures".as_slice(),
    );
    ws.file(
        "posts/latin1.md",
        b"Caf\xe9 con leche cures nothing.\n".as_slice(),
    );
    let out = ws.check(&["posts"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (1 draft checked, 2 skipped)
        --- stderr
        warning: skipped: the file is not valid UTF-8 text (its first invalid byte is on line 1, column 4)
          --> posts/latin1.md:1:4
           = help: save the file as UTF-8 text

        warning: skipped: the file looks binary (it contains NUL bytes)
          --> posts/photo.md
           = help: drafts are text files: leave it out, or exclude it in the [drafts] table of decorum.toml

    "#]]
    .assert_eq(&out.render());

    // The same when the files are named, and in JSON: warnings, not errors.
    let (out, json) = ws.check_json(&["posts/photo.md", "posts/latin1.md"]);
    assert_eq!(out.code, 0, "skipped files alone do not fail a run");
    expect![[r#"
        [
          {
            "code": "input",
            "column": null,
            "file": "posts/photo.md",
            "help": "drafts are text files: leave it out, or exclude it in the [drafts] table of decorum.toml",
            "level": "warning",
            "line": null,
            "message": "skipped: the file looks binary (it contains NUL bytes)"
          },
          {
            "code": "input",
            "column": 4,
            "file": "posts/latin1.md",
            "help": "save the file as UTF-8 text",
            "level": "warning",
            "line": 1,
            "message": "skipped: the file is not valid UTF-8 text (its first invalid byte is on line 1, column 4)"
          }
        ]"#]]
    .assert_eq(&serde_json::to_string_pretty(&json["problems"]).unwrap());
    assert_eq!(json["summary"]["files"], 0);
    assert_eq!(
        out.stderr, "",
        "JSON runs report problems in the document only"
    );
}

#[test]
fn skipped_files_do_not_hide_findings_in_others() {
    let ws = Workspace::new();
    ws.file("posts/tea.md", FLAGGED);
    ws.file("posts/photo.md", b"\x00\x01\x02".as_slice());
    let out = ws.check(&["posts"]).output();
    assert_eq!(out.code, 1, "{}", out.render());
    assert!(out.stderr.contains("--> posts/photo.md"));
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let ws = Workspace::new();
    ws.file("a.md", FLAGGED);
    let out = ws.check(&["a.md", "posts/missing.md"]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stdout.contains("error[hc.marketing.guarantee-claim]"),
        "the other files are still checked"
    );
    expect![[r#"
        error: no such file or directory
          --> posts/missing.md
           = help: check the path; `decorum check` takes files, folders, or `-` for standard input

    "#]]
    .assert_eq(&out.stderr);
    let (out, json) = ws.check_json(&["posts/missing.md"]);
    assert_eq!(out.code, 2);
    assert_eq!(json["problems"][0]["file"], "posts/missing.md");
    assert_eq!(json["problems"][0]["level"], "error");
}

/// A file that exists but cannot be read was not checked, though the run was asked to:
/// an error (exit 2), unlike a file skipped on purpose. `/proc/self/mem` fails to read
/// at offset 0 with an I/O error whoever runs the test (file permissions would not stop
/// root).
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_read_is_an_error() {
    let ws = Workspace::new();
    ws.file("a.md", "Flu shots today.\n");
    let (out, json) = ws.check_json(&["a.md", "/proc/self/mem"]);
    assert_eq!(out.code, 2, "{}", out.render());
    assert_eq!(
        json["summary"]["files"], 1,
        "the other file is still checked"
    );
    assert_eq!(json["problems"][0]["file"], "/proc/self/mem");
    assert_eq!(json["problems"][0]["level"], "error");
    let message = json["problems"][0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("cannot read the file: "), "{message}");
    let audit = ws.run(&["audit", "a.md", "/proc/self/mem"]).output();
    assert_eq!(audit.code, 2, "{}", audit.render());
    assert!(
        audit
            .stderr
            .contains("error: /proc/self/mem: cannot read the file")
    );
    assert!(
        audit.stdout.contains("Waivers in drafts (1 draft"),
        "{}",
        audit.render()
    );
}

#[test]
fn an_empty_folder_is_a_clean_run() {
    let ws = Workspace::new();
    ws.folder("posts");
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (0 drafts checked)
        --- stderr
        decorum: posts holds no draft (it holds no file, apart from hidden ones and those .gitignore or .ignore leave out)
    "#]]
    .assert_eq(&ws.check(&["posts"]).output().render());
}

#[test]
fn crlf_bom_and_emoji_give_scalar_value_columns_and_byte_offsets() {
    let ws = Workspace::new();
    // BOM (3 bytes), CRLF line ends, emoji of 4 bytes and one character each.
    let text = "\u{FEFF}Hello 😀 world.\r\nThis tea 🍵 cures anxiety.\r\n";
    ws.file("crlf.md", text);
    let (_, json) = ws.check_json(&["crlf.md"]);
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "hc.marketing.guarantee-claim");
    let start = text.find("cures").unwrap();
    assert_eq!(start, 36);
    expect![[r#"{"column":12,"line":2,"offset":36} {"column":17,"line":2,"offset":41}"#]]
        .assert_eq(&format!("{} {}", finding["start"], finding["end"]));
    assert_eq!(&text[36..41], "cures");

    // On the first line, the byte-order mark is not a column.
    let text = "\u{FEFF}This tea 🍵 cures anxiety.\r\n";
    ws.file("bom.md", text);
    // The first finding's start and end in the JSON output.
    let first_span = |file: &str| {
        let (_, json) = ws.check_json(&[file]);
        let finding = &json["findings"][0];
        format!("{} {}", finding["start"], finding["end"])
    };
    expect![[r#"{"column":12,"line":1,"offset":17} {"column":17,"line":1,"offset":22}"#]]
        .assert_eq(&first_span("bom.md"));
    let out = ws.check(&["bom.md"]).output();
    assert!(out.stdout.contains(" --> bom.md:1:12\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("1 | This tea 🍵 cures anxiety.\n"),
        "the byte-order mark is not printed: {:?}",
        out.stdout
    );

    // A lone CR ends a line, as in editors; the snippet shows the finding's line alone.
    let text = "Hello 😀 world.\rThis tea 🍵 cures anxiety.\r";
    ws.file("old-mac.md", text);
    expect![[r#"{"column":12,"line":2,"offset":32} {"column":17,"line":2,"offset":37}"#]]
        .assert_eq(&first_span("old-mac.md"));
    let out = ws.check(&["old-mac.md"]).output();
    assert!(
        out.stdout.contains("2 | This tea 🍵 cures anxiety.\n"),
        "{:?}",
        out.stdout
    );
}
