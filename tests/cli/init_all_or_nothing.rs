//! `decorum init` writes everything or nothing: a run that fails halfway leaves no
//! decorum.toml behind that would make the next run refuse ("already exists").

use expect_test::expect;

use crate::support::Workspace;

/// The folder's entries, sorted, with `/` after folders, recursively.
fn listing(ws: &Workspace, rel: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![ws.path(rel)];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let shown = path
                .strip_prefix(ws.path(rel))
                .unwrap()
                .display()
                .to_string();
            if entry.file_type().unwrap().is_dir() {
                out.push(format!("{shown}/"));
                stack.push(path);
            } else {
                out.push(shown);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_policy_that_cannot_be_written_leaves_nothing_and_a_rerun_works() {
    // A name the file system refuses as a file name (too long): decorum.toml was
    // written first and stayed, so the rerun with a good name refused.
    let ws = Workspace::new();
    ws.file("site/notes.txt", "Open on Saturdays.\n");
    let long = format!("a{}", "b".repeat(300));
    let out = ws.run(&["init", "site", "--name", &long]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.contains("nothing was written"),
        "{}",
        out.render()
    );
    assert_eq!(listing(&ws, "site"), ["notes.txt"], "only what was there");

    let again = ws.run(&["init", "site", "--name", "smile-family"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        created site/decorum.toml
        created site/policy/smile-family.decorum
        next: in site, `decorum test` runs your policy's examples; `decorum check` checks your drafts
        --- stderr: (empty)
    "#]]
    .assert_eq(&again.render());
}

#[test]
fn a_folder_init_creates_is_removed_too_when_it_fails() {
    let ws = Workspace::new();
    let long = format!("a{}", "b".repeat(300));
    let out = ws.run(&["init", "new/site", "--name", &long]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(!ws.path("new").exists(), "{}", out.render());
}

#[cfg(unix)]
#[test]
fn a_config_that_cannot_be_written_takes_the_policy_away_and_keeps_what_was_there() {
    // decorum.toml is a link to nowhere: it does not "exist", so init goes ahead, writes
    // the policy, then cannot write decorum.toml. The policy goes; the link stays.
    let ws = Workspace::new();
    ws.file("policy/keep.decorum", "decorum 1\npolicy keep\n");
    std::os::unix::fs::symlink("nowhere/decorum.toml", ws.path("decorum.toml")).unwrap();
    let out = ws.run(&["init", "--name", "acme"]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.contains("cannot write ./decorum.toml"),
        "{}",
        out.render()
    );
    assert_eq!(
        listing(&ws, ""),
        ["decorum.toml", "policy/", "policy/keep.decorum"]
    );
    assert!(
        std::fs::symlink_metadata(ws.path("decorum.toml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}
