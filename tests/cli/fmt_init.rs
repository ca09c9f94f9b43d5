//! `decorum fmt` and `decorum init` on real files.

use expect_test::expect;

use crate::support::Workspace;

const MESSY: &str = "decorum   1\npolicy acme.social   # ours\nterms a=[\"x\",\"y\"]\nrule r{flag when contains a # why\n}\n";

#[test]
fn fmt_check_lists_unformatted_files_and_writes_nothing() {
    let ws = Workspace::new();
    ws.file("policy/a.decorum", MESSY)
        .file("policy/b.decorum", "decorum 1\npolicy b\n");
    let out = ws.run(&["fmt", "--check", "policy"]).output();
    expect![[r#"
        exit: 1
        --- stdout: (empty)
        --- stderr
        these policy files are not formatted (run `decorum fmt` on them):
          policy/a.decorum
    "#]]
    .assert_eq(&out.render());
    assert_eq!(
        std::fs::read_to_string(ws.path("policy/a.decorum")).unwrap(),
        MESSY
    );
}

#[test]
fn fmt_rewrites_keeping_comments_and_is_idempotent() {
    let ws = Workspace::new();
    ws.file("policy/a.decorum", MESSY);
    let out = ws.run(&["fmt"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    expect![[r#"
        decorum 1
        policy acme.social  # ours

        terms a = ["x", "y"]

        rule r {
          flag when contains a  # why
        }
    "#]]
    .assert_eq(&std::fs::read_to_string(ws.path("policy/a.decorum")).unwrap());
    let again = ws.run(&["fmt", "--check"]).output();
    assert_eq!(again.code, 0, "{}", again.render());
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(ws.path("policy"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["a.decorum".to_string()]);
}

#[test]
fn fmt_refuses_a_file_that_does_not_parse() {
    let ws = Workspace::new();
    let broken = "decorum 1\npolicy p\nrule r { flag when }\n";
    ws.file("p.decorum", broken);
    let out = ws.run(&["fmt", "p.decorum"]).output();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("p.decorum:3:"), "{}", out.render());
    assert_eq!(
        std::fs::read_to_string(ws.path("p.decorum")).unwrap(),
        broken
    );
}

#[test]
fn fmt_formats_standard_input() {
    let ws = Workspace::new();
    let out = ws.run(&["fmt", "-"]).stdin(MESSY).output();
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .starts_with("decorum 1\npolicy acme.social  # ours\n"),
        "{}",
        out.render()
    );
}

#[test]
fn init_scaffolds_a_workspace_whose_examples_pass() {
    let ws = Workspace::new();
    let out = ws.run(&["init", "--name", "smile-family"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    assert!(ws.path("decorum.toml").exists() && ws.path("policy/smile-family.decorum").exists());
    assert_eq!(ws.run(&["test", "--color", "never"]).output().code, 0);
    assert_eq!(
        ws.run(&["fmt", "--check"]).output().code,
        0,
        "the scaffold is formatted"
    );
    ws.file("post.md", "Better than Example Competitor Clinic!\n");
    let check = ws.check(&["--format", "json"]).output();
    assert!(
        check
            .stdout
            .contains("smile-family.social.competitor-names"),
        "{}",
        check.render()
    );
    let again = ws.run(&["init"]).output();
    assert_eq!(again.code, 2, "never overwrites: {}", again.render());
}
