//! Drafts can hold protected health information: what goes to standard error (which CI
//! logs keep) must never quote a draft, whatever fails.

use crate::support::Workspace;

/// An invented detail that must stay in the draft.
const SECRET: &str = "Jane Roe";

#[test]
fn skipped_files_are_named_but_not_quoted() {
    let ws = Workspace::new();
    ws.file(
        "posts/binary.md",
        format!("My patient {SECRET}, 555-0142\u{0}\u{1}").as_bytes(),
    );
    let mut latin1 = format!("My patient {SECRET} from Millbrook, caf").into_bytes();
    latin1.push(0xE9);
    ws.file("posts/latin1.md", latin1);
    for format in ["human", "json", "sarif"] {
        let out = ws.check(&["--format", format, "posts"]).output();
        out.assert_stderr_free_of(SECRET);
        out.assert_stderr_free_of("555-0142");
        out.assert_stderr_free_of("Millbrook");
    }
    let out = ws.check(&["posts"]).output();
    assert!(out.stderr.contains("posts/binary.md") && out.stderr.contains("posts/latin1.md"));
}

#[test]
fn policy_errors_do_not_quote_the_drafts() {
    let ws = Workspace::new();
    ws.fixture("policies/syntax-error.decorum", "broken.decorum");
    ws.fixture("policies/unknown-name.decorum", "typo.decorum");
    ws.file(
        "post.md",
        format!("My patient {SECRET}, a 45-year-old teacher, 555-0142.\n"),
    );
    for policy in ["broken.decorum", "typo.decorum", "missing.decorum"] {
        for format in ["human", "json", "sarif"] {
            let out = ws
                .check(&["--format", format, "--policy", policy, "post.md"])
                .output();
            assert_eq!(out.code, 2);
            out.assert_stderr_free_of(SECRET);
            out.assert_stderr_free_of("555-0142");
            assert!(
                !out.stdout.contains(SECRET),
                "nor stdout: the draft was not checked"
            );
        }
    }
}

#[test]
fn a_bad_config_does_not_quote_the_drafts() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "[drafts]\ninclude = [\"[\"]\n");
    ws.file("post.md", format!("My patient {SECRET}, 555-0142.\n"));
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    out.assert_stderr_free_of(SECRET);
}
