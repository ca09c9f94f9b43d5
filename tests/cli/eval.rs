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

/// Decorum's own checks of a draft predict no family. A draft it cannot read as its author
/// meant (here an empty channel) stops the run at the place to fix, as an unreadable label
/// does; a waiver naming a rule the measured policies lack is a warning, and the draft is
/// scored as clean.
#[test]
fn own_checks_of_a_draft_are_reported_not_scored() {
    let ws = Workspace::new();
    ws.file(
        "corpus/a-channel.md",
        "---\nchannel: \"\"\nexpect: []\n---\nWash your hands often.\n",
    );
    let out = ws.run(&["eval", "corpus", "--color", "never"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `channel` is empty text, which names no channel; as written it sets no channel, so no length limit applies: write e.g. `channel: x`, or `channel:` with nothing after it for a post with no channel (decorum.draft)
          --> corpus/a-channel.md:2:10
           = help: correct the draft (`decorum explain decorum.draft` says how); Decorum's own checks of a draft are not scored

    "#]]
    .assert_eq(&out.render());

    ws.file(
        "corpus/a-channel.md",
        "---\nexpect: []\n---\nWash your hands often. <!-- decorum-allow hc.tone.no-such-rule: kept from an old policy -->\n",
    );
    let out = ws
        .run(&["eval", "corpus", "--color", "never", "--format", "json"])
        .output();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let other_fp = doc["families"]
        .as_array()
        .and_then(|fams| fams.iter().find(|f| f["family"] == "other"))
        .map(|f| f["false_positives"].clone());
    expect![[r#"
        exit: 0
        warning: No active policy defines the rule `hc.tone.no-such-rule`, so this waiver does nothing. Did you mean `hc.tone.colleague-insult`? (decorum.waiver-unknown-rule)
          --> corpus/a-channel.md:4:43
           = help: correct the draft (`decorum explain decorum.waiver-unknown-rule` says how); Decorum's own checks of a draft are not scored

        other false positives: Some(Number(0))
        clean drafts flagged: 0
    "#]]
    .assert_eq(&format!(
        "exit: {}\n{}other false positives: {other_fp:?}\nclean drafts flagged: {}\n",
        out.code, out.stderr, doc["clean"]["flagged_at_warning"]
    ));
}
