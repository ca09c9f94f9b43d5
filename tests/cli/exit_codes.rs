//! Exit codes: 0 clean, 1 when a finding reaches the failing severity, 2 for usage,
//! configuration and policy errors.

use expect_test::expect;

use crate::support::Workspace;

/// A draft with one warning (three adverts in a row) and nothing worse.
const ADVERTS: &str = "Book now for 20% off!\n<!-- post -->\nLimited time: whitening special offer.\n<!-- post -->\nCall today for a free consultation.\n";

#[test]
fn a_clean_draft_exits_0() {
    let ws = Workspace::new();
    ws.file(
        "posts/flu.md",
        "Flu shots are in. Walk in any weekday, 8 to 6.\n",
    );
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (1 draft checked)
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.check(&[]).output().render());
}

#[test]
fn an_error_finding_exits_1_by_default() {
    let ws = Workspace::new();
    ws.file("tea.md", "This tea cures anxiety.\n");
    let out = ws.check(&["tea.md"]).output();
    assert_eq!(out.code, 1, "{}", out.render());
    assert!(out.stdout.contains("error[hc.marketing.guarantee-claim]"));
}

#[test]
fn a_warning_passes_by_default_and_fails_with_fail_on_warning() {
    let ws = Workspace::new();
    ws.file("calendar.md", ADVERTS);
    let default = ws.check(&["calendar.md"]).output();
    assert_eq!(default.code, 0, "{}", default.render());
    assert!(
        default
            .stdout
            .contains("warning[hc.marketing.advert-share]")
    );
    assert!(
        default
            .stdout
            .contains("decorum: 1 warning in 1 of 1 draft checked")
    );

    let strict = ws.check(&["--fail-on", "warning", "calendar.md"]).output();
    assert_eq!(strict.code, 1, "{}", strict.render());
    assert_eq!(
        strict.stdout, default.stdout,
        "--fail-on changes the exit code only"
    );

    // A threshold below the finding's severity fails too.
    assert_eq!(
        ws.check(&["--fail-on", "hint", "calendar.md"])
            .output()
            .code,
        1
    );
}

#[test]
fn fail_on_never_exits_0_even_with_errors() {
    let ws = Workspace::new();
    ws.file("tea.md", "This tea cures anxiety.\n");
    let out = ws.check(&["--fail-on", "never", "tea.md"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    assert!(out.stdout.contains("1 error in 1 of 1 draft checked"));
}

#[test]
fn fail_on_from_decorum_toml_and_the_flag_overrides_it() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "[check]\nfail-on = \"warning\"\n");
    ws.file("calendar.md", ADVERTS);
    let out = ws.check(&["calendar.md"]).output();
    assert_eq!(out.code, 1, "{}", out.render());
    let flag = ws.check(&["--fail-on", "error", "calendar.md"]).output();
    assert_eq!(flag.code, 0, "the command line wins over decorum.toml");
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let ws = Workspace::new();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: unexpected argument '--strict' found

          tip: to pass '--strict' as a value, use '-- --strict'

        Usage: decorum check --color <COLOR> [PATH]...

        For more information, try '--help'.
    "#]]
    .assert_eq(&ws.check(&["--strict"]).output().render());
}

#[test]
fn an_unknown_fail_on_value_is_a_usage_error() {
    let ws = Workspace::new();
    let out = ws.check(&["--fail-on", "loud"]).output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("invalid value 'loud' for '--fail-on <SEVERITY>'"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_syntax_error_names_file_line_and_column_with_the_snippet() {
    let ws = Workspace::new();
    ws.fixture("policies/syntax-error.decorum", "policy/broken.decorum");
    ws.file("post.md", "Open on Saturdays.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error[policy.syntax]: expected `]`, `,` or `->`, found `example`
         --> policy/broken.decorum:6:3
          |
        6 |   example passes "Open on Saturdays."
          |   ^^^^^^^
          |

    "#]]
    .assert_eq(
        &ws.check(&["--policy", "policy/broken.decorum", "post.md"])
            .output()
            .render(),
    );
}

#[test]
fn an_unknown_name_is_an_error_with_did_you_mean() {
    let ws = Workspace::new();
    ws.fixture("policies/unknown-name.decorum", "acme.decorum");
    ws.file("post.md", "Open on Saturdays.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error[policy.unknown-name]: there is no term set named `competitor`
         --> acme.decorum:7:22
          |
        7 |   flag when contains competitor
          |                      ^^^^^^^^^^
          |
           = help: did you mean `competitors`?

    "#]]
    .assert_eq(
        &ws.check(&["--policy", "acme.decorum", "post.md"])
            .output()
            .render(),
    );
}

#[test]
fn a_missing_policy_file_is_an_error() {
    let ws = Workspace::new();
    ws.file("post.md", "Open on Saturdays.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: no policy file at `policy/acme.decorum`
          --> policy/acme.decorum
           = help: check the path: it is relative to the current folder

    "#]]
    .assert_eq(
        &ws.check(&["--policy", "policy/acme.decorum", "post.md"])
            .output()
            .render(),
    );
}

/// A `policies` entry of decorum.toml that names no file is reported where decorum.toml
/// names it.
#[test]
fn a_missing_policies_entry_is_an_error_at_its_line_of_decorum_toml() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "policies = [\n  \"std/healthcare\",\n  \"policy/missing.decorum\",\n]\n",
    );
    ws.file("post.md", "Open on Saturdays.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: no policy file at `policy/missing.decorum`
         --> decorum.toml:3:3
          |
        3 |   "policy/missing.decorum",
          |   ^^^^^^^^^^^^^^^^^^^^^^^^
          |
           = help: check `policies` in decorum.toml

    "#]]
    .assert_eq(&ws.check(&["post.md"]).output().render());
}

/// A policy file that is there but refused says why and what to do, not "check the
/// path"; `decorum fmt` refuses it the same way, since no command could load it.
#[test]
fn a_policy_file_too_large_or_not_utf8_is_refused_with_its_own_help() {
    let ws = Workspace::new();
    ws.file("post.md", "Open on Saturdays.\n");
    let line = "# a comment line that fills the file up\n";
    ws.file("big.decorum", line.repeat(17 * 1024 * 1024 / line.len()));
    ws.file(
        "latin.decorum",
        b"decorum 1\npolicy latin\n# caf\xe9 notes\n".as_slice(),
    );
    let big = ws.check(&["--policy", "big.decorum", "post.md"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `big.decorum` is larger than 16 MiB, too large for a policy file
          --> big.decorum
           = help: check that this is the policy file you meant; split a policy that large into files that import each other

    "#]]
    .assert_eq(&big.render());
    let latin = ws.check(&["--policy", "latin.decorum", "post.md"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `latin.decorum` is not valid UTF-8 text: its first invalid byte is on line 3, column 6
          --> latin.decorum
           = help: save the file as UTF-8

    "#]]
    .assert_eq(&latin.render());
    let fmt = ws.run(&["fmt", "big.decorum", "latin.decorum"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `big.decorum` is larger than 16 MiB, too large for a policy file
          = help: check that this is the policy file you meant; split a policy that large into files that import each other
        error: `latin.decorum` is not valid UTF-8 text: its first invalid byte is on line 3, column 6
          = help: save the file as UTF-8
    "#]]
    .assert_eq(&fmt.render());
}

#[test]
fn an_invalid_decorum_toml_is_an_error_naming_the_place() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "policies = [\"std/healthcare\"\n\n[check]\n",
    );
    ws.file("post.md", "Open on Saturdays.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: missing comma between array elements, expected `,`
         --> decorum.toml:3:1
          |
        3 | [check]
          | ^
          |

    "#]]
    .assert_eq(&ws.check(&["post.md"]).output().render());
}

#[test]
fn unknown_keys_in_decorum_toml_are_errors_with_did_you_mean_all_in_one_run() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "polices = [\"std/healthcare\"]\n[check]\nfail_on = \"error\"\n",
    );
    ws.file("post.md", "Open on Saturdays.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: unknown key "polices" (did you mean "policies"?)
         --> decorum.toml:1:1
          |
        1 | polices = ["std/healthcare"]
          | ^^^^^^^
          |

        error: unknown key "fail_on" (did you mean "fail-on"?)
         --> decorum.toml:3:1
          |
        3 | fail_on = "error"
          | ^^^^^^^
          |

    "#]]
    .assert_eq(&ws.check(&["post.md"]).output().render());
}

#[test]
fn an_invalid_fail_on_in_decorum_toml_is_an_error() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "[check]\nfail-on = \"loud\"\n");
    ws.file("post.md", "Open on Saturdays.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: unknown severity "loud"
         --> decorum.toml:2:11
          |
        2 | fail-on = "loud"
          |           ^^^^^^
          |
           = help: `fail-on` is one of: error, warning, info, hint, never

    "#]]
    .assert_eq(&ws.check(&["post.md"]).output().render());
}
