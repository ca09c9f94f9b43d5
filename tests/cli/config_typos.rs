//! A `[[drafts.metadata]]` key one letter from a key Decorum reads (`chanel = "x"`)
//! used to become post metadata in silence, so channel rules never applied: it is a
//! warning at the key's line, and the exit code does not change. `file` for `files`
//! says so at the `file` line. All names and stories are invented.

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
