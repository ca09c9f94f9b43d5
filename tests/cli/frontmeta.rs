//! Front-matter metadata of the documented kind: a `channel` is one channel written as
//! text. A list, a number, `true` or a mapping is a `decorum.draft` finding at the value,
//! and the post then has no channel for every rule (conditions, `{channel}`, `limit`,
//! the length limit), also over a channel set below it, by the file or by decorum.toml.

use expect_test::expect;

use crate::support::{Workspace, findings};

/// A rule that fires on `channel == "x"`, and one that says what every post's channel
/// and limit are: they must agree.
const POLICY: &str = "decorum 1\npolicy ch.p\n\nrule isx {\n  message \"channel is {channel}, limit {limit}\"\n  flag when channel == \"x\"\n}\n\nrule says {\n  severity info\n  message \"channel is {channel}, limit {limit}\"\n  flag when words > 0\n}\n";

#[test]
fn a_channel_written_as_a_list_is_a_finding_and_no_channel() {
    let ws = Workspace::new();
    // The tester's policy, its `isx` rule alone: it no longer fires.
    ws.file(
        "p.decorum",
        "decorum 1\npolicy ch.p\n\nrule isx {\n  message \"channel is {channel}, limit {limit}\"\n  flag when channel == \"x\"\n}\n",
    )
    .file("d.md", "---\nchannel: [x, instagram]\n---\nhello\n");
    expect![[r#"
        exit: 0
        --- stdout
        warning[decorum.draft]: `channel` is one channel written as text, not a list; as written it sets no channel, so no length limit applies: write e.g. `channel: x` (for several channels, write a post for each: a `<!-- post -->` line starts the next post of a calendar)
         --> d.md:2:10
          |
        2 | channel: [x, instagram]
          |          ^^^^^^^^^^^^^^ Decorum cannot use this part of the draft as written
          |
           = why: decorum explain decorum.draft

        decorum: 1 warning in 1 of 1 draft checked
        --- stderr: (empty)
    "#]]
    .assert_eq(
        &ws.check(&["--policy", "p.decorum", "d.md"])
            .output()
            .render(),
    );
}

#[test]
fn every_kind_of_value_that_is_not_text_is_refused_alike() {
    let ws = Workspace::new();
    ws.file("p.decorum", POLICY);
    for (name, value) in [
        ("list", "[x]"),
        ("number", "5"),
        ("boolean", "true"),
        ("mapping", "{a: 1}"),
        ("text", "x"),
    ] {
        ws.file(
            &format!("{name}.md"),
            format!("---\nchannel: {value}\n---\nhello\n"),
        );
    }
    let (_, json) = ws.check_json(&[
        "--policy",
        "p.decorum",
        "list.md",
        "number.md",
        "boolean.md",
        "mapping.md",
        "text.md",
    ]);
    expect![[r#"
        list.md:2:10 decorum.draft: `channel` is one channel written as text, not a list; as written it sets no channel, so no length limit applies: write e.g. `channel: x`
        list.md:4:1 ch.p.says: channel is an unspecified channel, limit no limit
        number.md:2:10 decorum.draft: `channel` is one channel written as text, not a number; as written it sets no channel, so no length limit applies: write e.g. `channel: x`
        number.md:4:1 ch.p.says: channel is an unspecified channel, limit no limit
        boolean.md:2:10 decorum.draft: `channel` is one channel written as text, not true or false; as written it sets no channel, so no length limit applies: write e.g. `channel: x`
        boolean.md:4:1 ch.p.says: channel is an unspecified channel, limit no limit
        mapping.md:2:10 decorum.draft: `channel` is one channel written as text, not a mapping; as written it sets no channel, so no length limit applies: write e.g. `channel: x`
        mapping.md:4:1 ch.p.says: channel is an unspecified channel, limit no limit
        text.md:4:1 ch.p.isx: channel is x, limit 280
        text.md:4:1 ch.p.says: channel is x, limit 280"#]]
    .assert_eq(&findings(&json));
}

/// The std library's length limit: a 419-character post is too long for X when its
/// channel is `x`; written `[x]`, the post has no channel, and says so.
#[test]
fn the_length_limit_agrees_with_the_finding() {
    let post = "Flu shots are in at our clinic this week. ".repeat(10);
    let post = &post.trim_end()[..419];
    let ws = Workspace::new();
    ws.file("list.md", format!("---\nchannel: [x]\n---\n{post}\n"))
        .file("text.md", format!("---\nchannel: x\n---\n{post}\n"));
    let (_, json) = ws.check_json(&["list.md", "text.md"]);
    expect![[r#"
        list.md:2:10 decorum.draft: `channel` is one channel written as text, not a list; as written it sets no channel, so no length limit applies: write e.g. `channel: x`
        text.md:4:1 hc.platform.length: This post is 419 characters as x counts them; the limit is 280."#]]
    .assert_eq(&findings(&json));
}

/// A refused channel in a calendar post's front matter, or in the file's, wins over the
/// channel set below it (by the file, by decorum.toml) as `channel:` written empty would:
/// the post has no channel, rather than one the rules would read differently.
#[test]
fn a_refused_channel_hides_the_one_set_below_it() {
    let ws = Workspace::new();
    ws.file("p.decorum", POLICY)
        .file(
            "decorum.toml",
            "policies = [\"p.decorum\"]\n\n[[drafts.metadata]]\nfiles = \"**\"\nchannel = \"x\"\n",
        )
        .file("plain.md", "hello\n")
        .file("own.md", "---\nchannel: [x]\n---\nhello\n")
        .file(
            "calendar.md",
            "---\nchannel: linkedin\n---\n<!-- post -->\nfirst\n<!-- post -->\n---\nchannel: [x, instagram]\n---\nsecond\n",
        );
    let (_, json) = ws.check_json(&["plain.md", "own.md", "calendar.md"]);
    expect![[r#"
        plain.md:1:1 ch.p.isx: channel is x, limit 280
        plain.md:1:1 ch.p.says: channel is x, limit 280
        own.md:2:10 decorum.draft: `channel` is one channel written as text, not a list; as written it sets no channel, so no length limit applies: write e.g. `channel: x`
        own.md:4:1 ch.p.says: channel is an unspecified channel, limit no limit
        calendar.md:5:1 ch.p.says: channel is linkedin, limit 3000
        calendar.md:8:10 decorum.draft: `channel` is one channel written as text, not a list; as written it sets no channel, so no length limit applies: write e.g. `channel: x` (for several channels, write a post for each: a `<!-- post -->` line starts the next post of a calendar)
        calendar.md:10:1 ch.p.says: channel is an unspecified channel, limit no limit"#]]
    .assert_eq(&findings(&json));
    // decorum.toml refuses the same list where it is written.
    ws.file(
        "decorum.toml",
        "policies = [\"p.decorum\"]\n\n[[drafts.metadata]]\nfiles = \"**\"\nchannel = [\"x\"]\n",
    );
    let out = ws.check(&["plain.md"]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr
            .contains("`channel` is text in quotes, not a list"),
        "{}",
        out.render()
    );
}
