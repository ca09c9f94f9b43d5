//! Symbolic links and special files met in a walk: a link is followed when it leads
//! inside the workspace (the folder of decorum.toml, else the folder the run started
//! in) or inside the folder walked, and a draft reached twice is checked once; a link
//! out of the workspace, a broken link, a loop and a FIFO are skipped with a warning
//! that names the path, where they used to be skipped without a word and the run
//! passed having checked nothing. A link out of the workspace is never followed: a
//! pull request adding `drafts/x.md -> ~/.ssh/...` must not print that file into CI
//! logs. A path named on the command line is the user's choice: read through its
//! links, and when it leads nowhere the error says it is a link.
//!
//! Also: UTF-16 text is told apart from binary files. All names and stories are invented.

use expect_test::expect;

use crate::support::Workspace;

const DRAFT: &str = "My patient, a 45-year-old teacher, quit smoking.\n";

#[cfg(unix)]
fn link(ws: &Workspace, target: &str, at: &str) {
    let at = ws.path(at);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// The tester's case: a folder of links only, which used to check nothing and pass.
#[cfg(unix)]
#[test]
fn links_in_a_walked_folder_are_followed_inside_the_workspace() {
    let ws = Workspace::new();
    ws.file("a/2020/p.md", DRAFT);
    link(&ws, "../a/2020", "n/2020");
    link(&ws, "../a/2020/p.md", "n/link.md");
    link(&ws, "self.md", "n/self.md");
    let (out, json) = ws.check_json(&["n"]);
    // The folder and the link to its draft: one draft, checked once.
    assert_eq!(json["summary"]["files"], 1, "{}", out.render());
    let out = ws.check(&["n"]).output();
    expect![[r#"
        exit: 1
        --- stdout
        error[hc.privacy.client-story]: “My patient” and “45-year-old” tell one client's story in a way that can identify them.
         --> n/2020/p.md:1:15
          |
        1 | My patient, a 45-year-old teacher, quit smoking.
          |               ^^^^^^^^^^^ A client story can identify the client
          |
           = note: together with this: n/2020/p.md:1:1
           = fix: Remove the flagged words
           = see: https://www.hhs.gov/hipaa/for-professionals/special-topics/de-identification/index.html
           = why: decorum explain hc.privacy.client-story

        error[hc.privacy.client-story]: “My patient” and “teacher” tell one client's story in a way that can identify them.
         --> n/2020/p.md:1:27
          |
        1 | My patient, a 45-year-old teacher, quit smoking.
          |                           ^^^^^^^ A client story can identify the client
          |
           = note: together with this: n/2020/p.md:1:1
           = fix: Remove the flagged words
           = see: https://www.hhs.gov/hipaa/for-professionals/special-topics/de-identification/index.html
           = why: decorum explain hc.privacy.client-story

        decorum: 2 errors in 1 of 1 draft checked, 1 skipped
        --- stderr
        warning: skipped: a symbolic link loop (it leads back to itself)
          --> n/self.md
           = help: remove the link, or leave it out with an exclude glob in the [drafts] table of decorum.toml

    "#]]
    .assert_eq(&out.render());
}

/// A link to the folder that holds it (or to one above) is a loop, named at the link
/// itself, not after one turn of the loop (`d/e/dot/dot`).
#[cfg(unix)]
#[test]
fn a_link_to_its_own_folder_is_a_loop_named_at_the_link() {
    let ws = Workspace::new();
    ws.file("d/e/a.md", "Open on Saturdays.\n");
    link(&ws, ".", "d/e/dot");
    link(&ws, "../e", "d/e/self");
    link(&ws, "..", "d/e/up");
    let out = ws.check(&["d"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (1 draft checked, 3 skipped)
        --- stderr
        warning: skipped: a symbolic link to a folder that holds it (a loop)
          --> d/e/dot
           = help: remove the link, or leave it out with an exclude glob in the [drafts] table of decorum.toml

        warning: skipped: a symbolic link to a folder that holds it (a loop)
          --> d/e/self
           = help: remove the link, or leave it out with an exclude glob in the [drafts] table of decorum.toml

        warning: skipped: a symbolic link to a folder that holds it (a loop)
          --> d/e/up
           = help: remove the link, or leave it out with an exclude glob in the [drafts] table of decorum.toml

    "#]]
    .assert_eq(&out.render());
}

/// SECURITY: a link out of the workspace is not followed, so nothing of its target is
/// read or printed; the warning names the link, and the run's exit code is unchanged.
#[cfg(unix)]
#[test]
fn a_link_out_of_the_workspace_is_skipped_with_a_warning() {
    let elsewhere = Workspace::new();
    elsewhere.file(
        "id_note",
        "Client Jane Roe, 555-0142, told me everything.\n",
    );
    elsewhere.file(
        "dir/x.md",
        "Client Jane Roe, 555-0142, told me everything.\n",
    );
    let ws = Workspace::new();
    ws.file("decorum.toml", "")
        .file("drafts/ok.md", "Open on Saturdays.\n");
    link(
        &ws,
        &elsewhere.path("id_note").display().to_string(),
        "drafts/x.md",
    );
    link(
        &ws,
        &elsewhere.path("dir").display().to_string(),
        "drafts/old",
    );
    link(&ws, "missing.md", "drafts/gone.md");
    let out = ws.check(&["drafts"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (1 draft checked, 3 skipped)
        --- stderr
        warning: skipped: a broken symbolic link (what it points to does not exist)
          --> drafts/gone.md
           = help: fix the link or remove it

        warning: skipped: a symbolic link to a place outside the workspace
          --> drafts/old
           = help: a walk follows links only inside the workspace; name its target on the command line to check it

        warning: skipped: a symbolic link to a place outside the workspace
          --> drafts/x.md
           = help: a walk follows links only inside the workspace; name its target on the command line to check it

    "#]]
    .assert_eq(&out.render());
    assert!(!out.stdout.contains("Roe") && !out.stderr.contains("Roe"));
    // Named on the command line, the link is the user's choice, and is read.
    let out = ws.check(&["drafts/x.md"]).output();
    assert_eq!(out.code, 1, "{}", out.render());
}

/// A FIFO in a walked folder: skipped with a warning, never opened (opening it would
/// wait for a writer for ever).
#[cfg(unix)]
#[test]
fn a_fifo_in_a_walked_folder_is_skipped_with_a_warning() {
    let ws = Workspace::new();
    ws.file("drafts/ok.md", "Open on Saturdays.\n");
    let status = std::process::Command::new("mkfifo")
        .arg(ws.path("drafts/pipe.md"))
        .status()
        .unwrap();
    assert!(status.success());
    let out = ws.check(&["drafts"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (1 draft checked, 1 skipped)
        --- stderr
        warning: skipped: a named pipe (FIFO), not a regular file
          --> drafts/pipe.md
           = help: drafts are regular files: leave it out, or exclude it in the [drafts] table of decorum.toml

    "#]]
    .assert_eq(&out.render());
}

/// A link named on the command line that leads nowhere says what it is.
#[cfg(unix)]
#[test]
fn a_named_link_that_leads_nowhere_says_so() {
    let ws = Workspace::new();
    link(&ws, "loop.md", "loop.md");
    link(&ws, "gone.md", "broken.md");
    let out = ws.check(&["loop.md", "broken.md"]).output();
    expect![[r#"
        exit: 2
        --- stdout
        decorum: no findings (0 drafts checked)
        --- stderr
        error: a symbolic link loop: it leads back to itself
          --> loop.md
           = help: fix the link, or name the file it should point to

        error: a broken symbolic link: what it points to does not exist
          --> broken.md
           = help: fix the link, or name the file it should point to

    "#]]
    .assert_eq(&out.render());
}

/// UTF-16 text is not called binary, and the UTF-8 advice is given once.
#[test]
fn utf16_and_latin1_drafts_say_what_to_do_once() {
    let ws = Workspace::new();
    ws.file("le.md", b"\xFF\xFEM\0y\0 \0p\0a\0t\0i\0e\0n\0t\0")
        .file("be.md", b"\xFE\xFF\0M\0y")
        .file("latin1.md", b"Ren\xe9e\n");
    let out = ws.check(&["le.md", "be.md", "latin1.md"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (0 drafts checked, 3 skipped)
        --- stderr
        warning: skipped: the file is UTF-16 text (it starts with a UTF-16 byte-order mark)
          --> le.md
           = help: save the file as UTF-8 text

        warning: skipped: the file is UTF-16 text (it starts with a UTF-16 byte-order mark)
          --> be.md
           = help: save the file as UTF-8 text

        warning: skipped: the file is not valid UTF-8 text (its first invalid byte is on line 1, column 4)
          --> latin1.md:1:4
           = help: save the file as UTF-8 text

    "#]]
    .assert_eq(&out.render());
}

/// A link whose target the walk leaves out where it lies (`private/` excluded,
/// `ignored/` in .gitignore) is skipped with a warning: it used to bring that file into
/// the run, and its words into the findings.
#[cfg(unix)]
#[test]
fn a_link_to_what_the_walk_leaves_out_where_it_lies_is_skipped() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "[drafts]\nexclude = [\"private\"]\n")
        .file(".gitignore", "ignored/\n")
        .file("private/notes.md", DRAFT)
        .file("ignored/notes.md", DRAFT)
        .file("drafts/ok.md", "Open on Saturdays.\n");
    link(&ws, "../private/notes.md", "drafts/x.md");
    link(&ws, "../ignored", "drafts/y");
    let out = ws.check(&["drafts"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (1 draft checked, 2 skipped)
        --- stderr
        warning: skipped: a symbolic link to a file that the [drafts] exclude globs of decorum.toml leave out where it lies
          --> drafts/x.md
           = help: a walk does not bring in through a link what it leaves out where it lies; name the target on the command line to check it, or remove the link

        warning: skipped: a symbolic link to a folder that .gitignore or .ignore leaves out where it lies
          --> drafts/y
           = help: a walk does not bring in through a link what it leaves out where it lies; name the target on the command line to check it, or remove the link

    "#]]
    .assert_eq(&out.render());
    // Named, the link is the user's choice, and is read.
    let out = ws.check(&["drafts/x.md"]).output();
    assert_eq!(out.code, 1, "{}", out.render());
}
