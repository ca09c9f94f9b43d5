//! `decorum eval`: a draft whose labels cannot be read is reported at the place to fix.

use expect_test::expect;

use crate::support::Workspace;

/// An `expect` that is there but malformed is not "no `expect`": the run says what is
/// wrong with it, at its line, and never quotes the draft.
#[test]
fn malformed_labels_are_reported_where_they_are_written() {
    let ws = Workspace::new();
    ws.file(
        "corpus/a-invalid.md",
        "---\nchannel: x\nexpect: [client-story\n---\nMy patient Jane quit smoking!\n",
    );
    ws.file(
        "corpus/b-mapping.md",
        "---\nchannel: x\nexpect: {client-story: yes}\n---\nMy patient Jane quit smoking!\n",
    );
    ws.file(
        "corpus/c-typo.md",
        "---\nexpect:\n  - client-story\n  - phi-identifer\n---\nMy patient Jane quit smoking!\n",
    );
    ws.file("corpus/d-none.md", "My patient Jane quit smoking!\n");
    let out = ws.run(&["eval", "corpus", "--color", "never"]).output();
    assert!(!out.stderr.contains("Jane"), "{}", out.stderr);
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: the labels cannot be read: invalid YAML in front matter: while parsing a flow sequence, expected ',' or ']'
          --> corpus/a-invalid.md:4:1

        error: `expect` is a mapping; label the draft with a list, `expect: [FAMILY, ...]`, or `expect: []` when it is clean
          --> corpus/b-mapping.md:3:1

        error: item 2 of `expect` is not a family; did you mean `phi-identifier`? (the families: phi-identifier, client-story, boundary-policing, client-googling, testimonial-solicitation, undisclosed-endorsement, self-promotion, venting, narcissism, medical-advice-no-disclaimer, guarantee-claims, off-label-promotion, profanity-unprofessional, platform-limits, other)
          --> corpus/c-typo.md:2:1

        error: no `expect` in the front matter; label the draft with `expect: [FAMILY, ...]`, or `expect: []` when it is clean
          --> corpus/d-none.md

    "#]]
    .assert_eq(&out.render());
}
