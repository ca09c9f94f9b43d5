//! A `channel` that names no channel is said so, never taken in silence: empty or blank
//! text in front matter is a `decorum.draft` finding at the value (the post then has no
//! channel), and in decorum.toml an error at the value. `decorum eval` does not take a
//! channel problem for labels it cannot read: a draft without `expect` is reported as such.

use expect_test::expect;

use crate::support::{Workspace, findings};

/// 400 characters with `channel: ""`, under a decorum.toml that sets X for every draft:
/// a finding at the value, and, as with any channel that names none, no channel and so
/// no length limit; a blank one alike. `channel:` with nothing after it is no problem.
#[test]
fn an_empty_or_blank_front_matter_channel_is_a_finding_at_the_value() {
    let post = "Flu shots are in at our clinic this week. ".repeat(10);
    let post = &post.trim_end()[..400];
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "[[drafts.metadata]]\nfiles = \"**\"\nchannel = \"x\"\n",
    )
    .file("empty.md", format!("---\nchannel: \"\"\n---\n{post}\n"))
    .file(
        "blank.md",
        format!("---\ntitle: Flu season\nchannel: '  '  # later\n---\n{post}\n"),
    )
    .file("none.md", format!("---\nchannel:\n---\n{post}\n"))
    .file("set.md", format!("{post}\n"));
    let (_, json) = ws.check_json(&["empty.md", "blank.md", "none.md", "set.md"]);
    expect![[r#"
        empty.md:2:10 decorum.draft: `channel` is empty text, which names no channel; as written it sets no channel, so no length limit applies: write e.g. `channel: x`, or `channel:` with nothing after it for a post with no channel
        blank.md:3:10 decorum.draft: `channel` is blank text, which names no channel; as written it sets no channel, so no length limit applies: write e.g. `channel: x`, or `channel:` with nothing after it for a post with no channel
        set.md:1:1 hc.platform.length: This post is 400 characters as x counts them; the limit is 280."#]]
    .assert_eq(&findings(&json));
}

/// decorum.toml refuses an empty or blank `channel` where it is written.
#[test]
fn an_empty_channel_in_decorum_toml_is_an_error_at_the_value() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "[[drafts.metadata]]\nfiles = \"clinic\"\nchannel = \"\"\n",
    )
    .file("clinic/a.md", "Open on Saturdays.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `channel` is empty, so this entry sets no channel and no length limit applies to its drafts
         --> decorum.toml:3:11
          |
        3 | channel = ""
          |           ^^
          |
           = help: write a known channel such as "x", "instagram" or "linkedin", or remove the key

    "#]]
    .assert_eq(&ws.check(&["clinic/a.md"]).output().render());
}

/// A draft whose channel is a list, misspelt or empty, or with a key one letter from a
/// known one, and that has no `expect`: the labels are missing, not unreadable, and the
/// channel is not named as a label.
#[test]
fn eval_does_not_take_a_channel_problem_for_the_labels() {
    let ws = Workspace::new();
    ws.file(
        "corpus/a-list.md",
        "---\nchannel: [x, instagram]\n---\nOpen on Saturdays.\n",
    )
    .file(
        "corpus/b-typo.md",
        "---\nchannel: twiter\n---\nOpen on Saturdays.\n",
    )
    .file(
        "corpus/c-empty.md",
        "---\nchannel: \"\"\n---\nOpen on Saturdays.\n",
    )
    .file("corpus/d-key.md", "---\ntyp: ad\n---\nOpen on Saturdays.\n");
    let out = ws.run(&["eval", "corpus", "--color", "never"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: no `expect` in the front matter; label the draft with `expect: [FAMILY, ...]`, or `expect: []` when it is clean
          --> corpus/a-list.md

        error: no `expect` in the front matter; label the draft with `expect: [FAMILY, ...]`, or `expect: []` when it is clean
          --> corpus/b-typo.md

        error: no `expect` in the front matter; label the draft with `expect: [FAMILY, ...]`, or `expect: []` when it is clean
          --> corpus/c-empty.md

        error: no `expect` in the front matter; label the draft with `expect: [FAMILY, ...]`, or `expect: []` when it is clean
          --> corpus/d-key.md

    "#]]
    .assert_eq(&out.render());
}
