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

/// An ignore file above the folder searched, or a user's git excludes, leave no policy
/// out: `fmt --check` must not pass having read nothing.
#[test]
fn fmt_check_reads_no_ignore_file_above_the_folder() {
    let ws = Workspace::new();
    ws.file(".ignore", "*.decorum\n")
        .file("site/policy/a.decorum", MESSY)
        .file("home/.config/git/ignore", "*.decorum\n");
    let out = ws
        .run(&["fmt", "--check", "."])
        .in_dir("site")
        .env("HOME", ws.path("home"))
        .env("XDG_CONFIG_HOME", ws.path("home/.config"))
        .output();
    expect![[r#"
        exit: 1
        --- stdout: (empty)
        --- stderr
        these policy files are not formatted (run `decorum fmt` on them):
          policy/a.decorum
    "#]]
    .assert_eq(&out.render());
}

/// A file name is shown as the other reports show it: an escape or a line break in it is
/// its code point, not a control sequence for the terminal or a second line.
#[cfg(unix)]
#[test]
fn fmt_shows_control_characters_in_file_names_as_code_points() {
    let ws = Workspace::new();
    ws.file("policy/a\nb.decorum", MESSY)
        .file("policy/c\u{1b}[2Jd.decorum", MESSY);
    let out = ws.run(&["fmt", "--check", "policy"]).output();
    expect![[r#"
        exit: 1
        --- stdout: (empty)
        --- stderr
        these policy files are not formatted (run `decorum fmt` on them):
          policy/a<U+000A>b.decorum
          policy/c<U+001B>[2Jd.decorum
    "#]]
    .assert_eq(&out.render());
}

#[test]
fn fmt_leaves_a_vendored_librarys_files_alone_unless_named() {
    // Reformatting a library's file broke decorum.lock, and with it every check.
    let ws = Workspace::new();
    ws.file("policy/a.decorum", MESSY)
        .file(
            "vendor/lib/decorum-library.toml",
            "[library]\nname = \"lib\"\n",
        )
        .file("vendor/lib/rules.decorum", MESSY);
    let out = ws.run(&["fmt"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        formatted policy/a.decorum
        --- stderr
        note: left out vendor/lib: a shared library, whose files decorum.lock pins (name the folder to format it anyway)
    "#]]
    .assert_eq(&out.render());
    let read = |p| std::fs::read_to_string(ws.path(p)).unwrap();
    assert_eq!(read("vendor/lib/rules.decorum"), MESSY);
    let named = ws.run(&["fmt", "vendor/lib"]).output();
    assert_eq!(named.code, 0, "{}", named.render());
    assert_ne!(
        read("vendor/lib/rules.decorum"),
        MESSY,
        "its publisher formats it"
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
fn fmt_reads_standard_input_as_the_loader_reads_a_policy() {
    let ws = Workspace::new();
    let mut huge = b"decorum 1\npolicy p\n".to_vec();
    huge.resize(16 * 1024 * 1024 + 1, b'#');
    let out = ws.run(&["fmt", "-"]).stdin(huge).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `<stdin>` is larger than 16 MiB, too large for a policy file
          = help: check that this is the policy file you meant; split a policy that large into files that import each other
    "#]]
    .assert_eq(&out.render());
    let latin1 = ws
        .run(&["fmt", "-"])
        .stdin(b"decorum 1\npolicy caf\xe9\n".to_vec());
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `<stdin>` is not valid UTF-8 text: its first invalid byte is on line 2, column 11
          = help: send the policy as UTF-8 text
    "#]]
    .assert_eq(&latin1.output().render());
}

#[test]
fn fmt_shows_each_syntax_errors_advice_and_how_many_more() {
    let ws = Workspace::new();
    let rule = |name: &str| format!("rule {name} {{\n  titl \"x\"\n}}\n");
    let broken = format!(
        "decorum 1\npolicy p\n{}",
        ["a", "b", "c", "d", "e"].map(rule).concat()
    );
    ws.file("p.decorum", &broken);
    let out = ws.run(&["fmt", "p.decorum"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: p.decorum:4:3: expected a rule clause (`severity`, `title`, `message`, `flag when`, `fix`, `example`, ...) or `}`, found `titl`
          = help: did you mean `title`?
        error: p.decorum:7:3: expected a rule clause (`severity`, `title`, `message`, `flag when`, `fix`, `example`, ...) or `}`, found `titl`
          = help: did you mean `title`?
        error: p.decorum:10:3: expected a rule clause (`severity`, `title`, `message`, `flag when`, `fix`, `example`, ...) or `}`, found `titl`
          = help: did you mean `title`?
        ... and 2 more syntax errors (`decorum test p.decorum` lists them all)
        p.decorum: not formatted: fmt only formats a file that parses; fix the syntax first
    "#]]
    .assert_eq(&out.render());
    assert_eq!(
        std::fs::read_to_string(ws.path("p.decorum")).unwrap(),
        broken
    );
}

#[test]
fn fmt_says_what_it_cannot_do_instead_of_passing_over_it() {
    let ws = Workspace::new();
    ws.file("p.decorum", MESSY)
        .file("empty/readme.md", "Nothing here.\n");
    // Standard input with files: refused, nothing written.
    let out = ws.run(&["fmt", "-", "p.decorum"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `-` (standard input) cannot be combined with other paths
          = help: run `decorum fmt -` on its own, and `decorum fmt PATH...` for files
    "#]]
    .assert_eq(&out.render());
    assert_eq!(
        std::fs::read_to_string(ws.path("p.decorum")).unwrap(),
        MESSY
    );
    // `--check` on standard input says why it fails.
    let out = ws.run(&["fmt", "--check", "-"]).stdin(MESSY).output();
    expect![[r#"
        exit: 1
        --- stdout: (empty)
        --- stderr
        standard input is not formatted (`decorum fmt -` prints it formatted)
    "#]]
    .assert_eq(&out.render());
    // A folder without policies is worth a warning: the name may be wrong.
    let out = ws.run(&["fmt", "--check", "empty"]).output();
    expect![[r#"
        exit: 0
        --- stdout: (empty)
        --- stderr
        warning: no policy files (`.decorum`) found in empty
    "#]]
    .assert_eq(&out.render());
    // One file named twice is formatted once.
    let out = ws.run(&["fmt", "p.decorum", "./p.decorum"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        formatted p.decorum
        --- stderr: (empty)
    "#]]
    .assert_eq(&out.render());
}

#[cfg(unix)]
#[test]
fn fmt_leaves_a_hard_linked_file_and_its_twin_alone() {
    let ws = Workspace::new();
    ws.file("a.decorum", MESSY);
    std::fs::hard_link(ws.path("a.decorum"), ws.path("b.decorum")).unwrap();
    let out = ws.run(&["fmt", "a.decorum"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: a.decorum: not formatted, left as it was: the file has 2 hard links, and replacing it would leave the other names with the old text; format a copy, or break the links first
    "#]]
    .assert_eq(&out.render());
    assert_eq!(
        std::fs::read_to_string(ws.path("b.decorum")).unwrap(),
        MESSY
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

/// The paths `decorum init` prints, and a name it refuses, are shown as every report
/// shows a path: a control character in a name as its code point.
#[cfg(unix)]
#[test]
fn init_shows_control_characters_in_paths_and_names_as_code_points() {
    let ws = Workspace::new();
    let refused = ws
        .run(&["init", "site\tone", "--name", "a\u{1b}[2J"])
        .output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `a<U+001B>[2j` cannot name a policy
          = help: use letters, digits, `-` and `_`, starting with a letter, e.g. --name smile-family
    "#]]
    .assert_eq(&refused.render());
    let out = ws.run(&["init", "site\tone"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        created site<U+0009>one/decorum.toml
        created site<U+0009>one/policy/acme.decorum
        next: in site<U+0009>one, `decorum test` runs your policy's examples; `decorum check` checks your drafts
        --- stderr: (empty)
    "#]]
    .assert_eq(&out.render());
    let again = ws.run(&["init", "site\tone"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: site<U+0009>one/decorum.toml already exists; decorum init never overwrites a file
          = help: this folder is set up already: edit its decorum.toml, or name another folder, `decorum init FOLDER`
    "#]]
    .assert_eq(&again.render());
}

#[test]
fn init_refuses_a_name_the_language_keeps_for_itself() {
    let ws = Workspace::new();
    let out = ws.run(&["init", "--name", "contains"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `contains` cannot name a policy: expected a name, found `contains`
          = help: choose another name, e.g. --name smile-family
    "#]]
    .assert_eq(&out.render());
    assert!(!ws.path("decorum.toml").exists(), "nothing is written");
}

/// When only the policy `init` would write is there (its decorum.toml was removed), the
/// refusal says how to go on: another name, or a decorum.toml written for that policy.
#[test]
fn init_says_what_to_do_when_its_policy_exists() {
    let ws = Workspace::new();
    ws.file("policy/acme.decorum", "decorum 1\npolicy acme.social\n");
    let out = ws.run(&["init"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: ./policy/acme.decorum already exists; decorum init never overwrites a file
          = help: choose another name, `decorum init --name OTHER`; or, to keep that policy, write decorum.toml yourself with `policies = ["policy/acme.decorum"]` (see docs/configuration.md)
    "#]]
    .assert_eq(&out.render());
    assert!(!ws.path("decorum.toml").exists());
}
