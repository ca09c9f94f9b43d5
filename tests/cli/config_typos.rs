//! A `[[drafts.metadata]]` key one letter from a key Decorum reads (`chanel = "x"`)
//! used to become post metadata in silence, so channel rules never applied: it is a
//! warning at the key's line, and the exit code does not change. `file` for `files`
//! says so at the `file` line; an entry whose globs match no draft of the workspace is a
//! warning at its `files` line. All names and stories are invented.

use expect_test::expect;

use crate::support::Workspace;

#[test]
fn a_misspelt_metadata_key_is_a_warning_at_its_line() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "[[drafts.metadata]]\nfiles = \"calendar/**\"\nchanel = \"x\"\nclinic = \"north\"\n",
    )
    .file("calendar/p.md", "Open on Saturdays.\n");
    let out = ws.check(&["calendar"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (1 draft checked)
        --- stderr
        warning: `chanel` is one letter from `channel` (did you mean `channel`?)
         --> decorum.toml:3:1
          |
        3 | chanel = "x"
          | ^^^^^^
          |
           = help: any key but `files`, `channel`, `type` and `consent` becomes post metadata of its own name, so this entry sets no `channel`; write `channel`, or keep `chanel` if it is metadata of your own

    "#]]
    .assert_eq(&out.render());
}

#[test]
fn file_for_files_says_did_you_mean_at_its_line() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "[[drafts.metadata]]\nchannel = \"x\"\nfile = \"calendar/**\"\n",
    )
    .file("calendar/p.md", "Open on Saturdays.\n");
    let out = ws.check(&["calendar"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: this [[drafts.metadata]] entry has no `files` (did you mean `files` for `file`?)
         --> decorum.toml:3:1
          |
        3 | file = "calendar/**"
          | ^^^^
          |
           = help: `files` holds the globs of the drafts its metadata is for

    "#]]
    .assert_eq(&out.render());
}

/// A `[[drafts.metadata]]` entry whose globs match none of the workspace's drafts
/// (`calender/**` for `calendar/`) is a warning at its `files` line when the whole
/// workspace is checked; an entry that matches, and a run over some folders only (named,
/// or the folder below the root it starts in), say nothing.
#[test]
fn a_metadata_entry_matching_no_draft_of_the_workspace_is_a_warning() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "[[drafts.metadata]]\nfiles = \"calender/**\"\nchannel = \"x\"\n\n[[drafts.metadata]]\nfiles = \"posts\"\ntype = \"notice\"\n",
    )
    .file("calendar/p.md", "Open on Saturdays.\n")
    .file("posts/q.md", "Closed on Sundays.\n");
    let out = ws.check(&[]).output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (2 drafts checked)
        --- stderr
        warning: this [[drafts.metadata]] entry matches none of the drafts checked, so its metadata applies to none
         --> decorum.toml:2:9
          |
        2 | files = "calender/**"
          |         ^^^^^^^^^^^^^
          |
           = help: `files` globs are matched against each draft's path from the folder of decorum.toml (`calendar/**`, `posts/x/*.md`); fix the glob, or remove the entry

    "#]]
    .assert_eq(&out.render());
    let out = ws.check(&["calendar", "posts"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (2 drafts checked)
        --- stderr: (empty)
    "#]]
    .assert_eq(&out.render());
    // In SARIF, with the configuration's notifications: it is a problem of decorum.toml.
    let (_, sarif) = ws.check_sarif(&[]);
    let invocation = &sarif["runs"][0]["invocations"][0];
    let texts = |list: &str| -> Vec<String> {
        invocation[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["message"]["text"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        texts("toolConfigurationNotifications")
            .iter()
            .any(|t| t.contains("matches none of the drafts checked")),
        "{invocation:#}"
    );
    assert!(
        texts("toolExecutionNotifications").is_empty(),
        "{invocation:#}"
    );
    // From a folder holding the root (its walk is the root's), the whole workspace is.
    let outer = Workspace::new();
    outer
        .file(
            "site/decorum.toml",
            "[[drafts.metadata]]\nfiles = \"calender/**\"\nchannel = \"x\"\n",
        )
        .file("site/calendar/p.md", "Open on Saturdays.\n");
    let out = outer.check(&["--config", "site/decorum.toml"]).output();
    assert!(
        out.stderr.contains("matches none of the drafts checked"),
        "{}",
        out.render()
    );
    // With no path from a folder below the root, only that folder is checked.
    let out = ws.check(&[]).in_dir("posts").output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (1 draft checked)
        --- stderr: (empty)
    "#]]
    .assert_eq(&out.render());
}
