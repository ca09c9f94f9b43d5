//! Errors in policy files as `decorum` shows them: one error per mistake, where it is,
//! saying what to write.

use expect_test::expect;

use crate::support::Workspace;

/// A number too large for its place is one error; the rule that holds it is not also
/// judged with a stand-in value (`first 0 words` would be an empty scope).
#[test]
fn a_number_too_large_is_one_error() {
    let ws = Workspace::new();
    ws.file(
        "h.decorum",
        "decorum 1\npolicy a.b\nrule r { flag when (contains [\"a\"]) in first 4294967296 words }\n",
    );
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error[policy.syntax]: this number is too large
         --> h.decorum:3:46
          |
        3 | rule r { flag when (contains ["a"]) in first 4294967296 words }
          |                                              ^^^^^^^^^^
          |
           = help: use a number below 4294967296

    "#]]
    .assert_eq(&ws.test(&["h.decorum"]).output().render());
}

/// A version too large for a number still shows as written.
#[test]
fn a_version_too_large_is_shown_as_written() {
    let ws = Workspace::new();
    ws.file("v.decorum", "decorum 99999999999999999999\npolicy a.b\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error[policy.syntax]: this file is written for language version 99999999999999999999, but this Decorum understands version 1
         --> v.decorum:1:1
          |
        1 | decorum 99999999999999999999
          | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
          |
           = help: upgrade Decorum, or write `decorum 1` if the file uses only version 1

    "#]].assert_eq(&ws.test(&["v.decorum"]).output().render());
}

/// An empty title or message would give findings with no text.
#[test]
fn an_empty_title_or_message_is_an_error() {
    let ws = Workspace::new();
    ws.file(
        "em.decorum",
        "decorum 1\npolicy t.em\nrule f { title \"\" message \"\" flag when words > 3 }\nrule g { title \"\"\"  \"\"\" flag when words > 3 }\n",
    );
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error[policy.empty-text]: this title is empty, so a finding would show no title
         --> em.decorum:3:16
          |
        3 | rule f { title "" message "" flag when words > 3 }
          |                ^^
          |
           = help: write a short name for the problem, as in `title "Do not name competitors"`, or leave `title` out: the title is then the rule's name

        error[policy.empty-text]: this message is empty, so a finding would say nothing
         --> em.decorum:3:27
          |
        3 | rule f { title "" message "" flag when words > 3 }
          |                           ^^
          |
           = help: write what the writer should know, as in `message "Names a competitor: {match}"`, or leave `message` out: the finding then shows the title

        error[policy.empty-text]: this title is empty, so a finding would show no title
         --> em.decorum:4:16
          |
        4 | rule g { title """  """ flag when words > 3 }
          |                ^^^^^^^^
          |
           = help: write a short name for the problem, as in `title "Do not name competitors"`, or leave `title` out: the title is then the rule's name

    "#]].assert_eq(
        &ws.check(&["--policy", "em.decorum", "-"])
            .stdin("a b c d e\n")
            .output()
            .render(),
    );
}

/// A line in column 1 begins a new item: an unindented continuation ends the item above
/// early, and the error there says to indent it (the line gets no error of its own).
#[test]
fn a_continuation_in_column_1_is_told_to_indent() {
    let ws = Workspace::new();
    ws.file(
        "c.decorum",
        "decorum 1\npolicy a.b\nterms jobs = [\"x\"]\nterms places = [\"y\"]\nterms q = (jobs +\nplaces)\n",
    );
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error[policy.syntax]: expected a name, `[` or `(`, found the end of the item
         --> c.decorum:5:18
          |
        5 | terms q = (jobs +
          |                  ^
          |
           = help: a line that starts in column 1 begins a new item, so this one ended before `places)`: indent the lines that continue it

    "#]].assert_eq(&ws.test(&["c.decorum"]).output().render());
}
