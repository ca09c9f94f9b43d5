//! `--format human`: findings with their snippet, fixes and link, the waivers used, and
//! the closing summary.

use expect_test::expect;

use crate::support::Workspace;

#[test]
fn a_finding_shows_snippet_fix_link_and_summary() {
    let ws = Workspace::new();
    ws.file(
        "posts/clinic-news.md",
        "# Clinic news\n\nMy patient, a 45-year-old, finally quit smoking!\n",
    );
    expect![[r#"
        exit: 1
        --- stdout
        error[hc.privacy.client-story]: “My patient” and “45-year-old” tell one client's story in a way that can identify them.
         --> posts/clinic-news.md:3:15
          |
        3 | My patient, a 45-year-old, finally quit smoking!
          |               ^^^^^^^^^^^ A client story can identify the client
          |
           = note: together with this: posts/clinic-news.md:3:1
           = fix: Remove the flagged words
           = see: https://www.hhs.gov/hipaa/for-professionals/special-topics/de-identification/index.html
           = why: decorum explain hc.privacy.client-story

        decorum: 1 error in 1 of 1 draft checked
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.check(&["posts"]).output().render());
}

/// A client word and a story verb can both go with one person's age: the message names
/// the client word, which is what points to one client, not the verb.
#[test]
fn a_client_story_message_names_the_client_word_before_a_story_verb() {
    let ws = Workspace::new();
    ws.file(
        "posts/checkup.md",
        "My patient, a 45-year-old, had zero cavities.\n",
    );
    let out = ws.check(&["posts"]).output();
    let first = out.stdout.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        "error[hc.privacy.client-story]: “My patient” and “a 45-year-old” tell one client's story in a way that can identify them.",
        "{}",
        out.render()
    );
}

#[test]
fn findings_of_several_severities_waivers_and_the_summary() {
    let ws = Workspace::new();
    ws.file(
        "posts/monday.md",
        "<!-- decorum-allow hc.marketing.guarantee-claim: quoting a reader's question -->\n\
         Does this tea cure anxiety?\n\
         \n\
         Guaranteed results in 30 days.\n",
    );
    ws.file(
        "posts/calendar.md",
        "Book now for 20% off!\n<!-- post -->\nLimited time: whitening special offer.\n<!-- post -->\nCall today for a free consultation.\n",
    );
    ws.file("posts/tuesday.md", "Flu shots are in.\n");
    expect![[r#"
        exit: 1
        --- stdout
        warning[hc.marketing.advert-share]: 60% of these posts are adverts; aim for at most 20%.
         --> posts/calendar.md:5:1
          |
        5 | Call today for a free consultation.
          | ^^^^^^^^^^ Too many posts are adverts
          |
           = note: also counted: posts/calendar.md:1:1
           = note: also counted: posts/calendar.md:3:1
           = see: https://www.ama-assn.org/delivering-care/ethics/professionalism-use-social-media
           = why: decorum explain hc.marketing.advert-share

        error[hc.marketing.guarantee-claim]: “Guaranteed” promises an outcome no treatment can guarantee.
         --> posts/monday.md:4:1
          |
        4 | Guaranteed results in 30 days.
          | ^^^^^^^^^^ A health claim promises a guaranteed outcome
          |
           = fix: Remove the flagged words
           = see: https://www.ftc.gov/business-guidance/resources/health-products-compliance-guidance
           = why: decorum explain hc.marketing.guarantee-claim

        waivers used:
          posts/monday.md:1: hc.marketing.guarantee-claim: quoting a reader's question (silenced 1)

        decorum: 1 error, 1 warning in 2 of 3 drafts checked
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.check(&["posts"]).output().render());
}

#[test]
fn colour_is_off_with_color_never_and_on_with_color_always() {
    let ws = Workspace::new();
    ws.file("tea.md", "This tea cures anxiety.\n");
    let plain = ws.check(&["tea.md"]).output();
    assert!(!plain.stdout.contains('\x1b'));
    let coloured = ws.run(&["check", "--color", "always", "tea.md"]).output();
    assert!(
        coloured
            .stdout
            .contains("\x1b[1;31merror[hc.marketing.guarantee-claim]\x1b[0m")
    );
}

#[test]
fn control_characters_in_a_draft_cannot_drive_the_terminal() {
    let ws = Workspace::new();
    ws.file("tea.md", "This \x1b[2J tea cures anxiety.\n");
    let out = ws.check(&["tea.md"]).output();
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    assert!(out.stdout.contains("This <U+001B>[2J tea cures anxiety."));
}

/// A line break or tab in a file name is shown as its code point, like any control
/// character: shown as a space, `a<LF>b.md` read as `a b.md`, a file that is not there.
#[cfg(unix)]
#[test]
fn line_breaks_and_tabs_in_file_names_are_shown_as_code_points() {
    let ws = Workspace::new();
    ws.file("a\nb.md", "My patient, a 45-year-old teacher, quit.\n");
    ws.file(
        "c\rd\te.md",
        "<!-- decorum-allow hc.privacy.client-story: a composite -->\nMy patient, a 45-year-old teacher, quit.\n",
    );
    ws.file("f\ng.md", b"caf\xe9\n".as_slice());
    let out = ws.check(&["."]).output();
    for shown in [" --> a<U+000A>b.md:1:15", "c<U+000D>d<U+0009>e.md:1"] {
        assert!(out.stdout.contains(shown), "{shown:?} in:\n{}", out.stdout);
    }
    assert!(
        out.stderr.contains("--> f<U+000A>g.md:1:4"),
        "{}",
        out.stderr
    );
    let (_, json) = ws.check_json(&["a\nb.md"]);
    assert_eq!(json["findings"][0]["file"], "a\nb.md");
}

/// A policy's title and link reach the terminal escaped like its message: a policy from
/// elsewhere must not drive the terminal either.
#[test]
fn control_characters_in_a_rule_cannot_drive_the_terminal() {
    let ws = Workspace::new();
    ws.file(
        "e.decorum",
        "decorum 1\npolicy e.ctl\nrule r {\n  flag when contains [\"zz\"]\n  title \"T\x1b[31mRED\"\n  message \"hi\x1b[2Jthere\"\n  link \"https://e.com/\x1b[1m\"\n  example flags \"zz\"\n}\n",
    );
    let out = ws
        .check(&["--policy", "e.decorum", "-"])
        .stdin("zz\n")
        .output();
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    for shown in [
        "hi<U+001B>[2Jthere",
        "^^ T<U+001B>[31mRED",
        "= see: https://e.com/<U+001B>[1m",
    ] {
        assert!(out.stdout.contains(shown), "{shown}: {}", out.stdout);
    }
}

/// Characters that show nothing, or read as an ordinary space, are printed as their
/// code point, with the carets under the flagged text as printed: here a no-break space
/// inside a flagged phrase, a zero-width space inside a flagged word, and a tab and a
/// text-direction control before one.
#[test]
fn invisible_characters_in_a_draft_snippet_are_shown_as_code_points() {
    let ws = Workspace::new();
    ws.file(
        "posts/clinic-news.md",
        "My\u{00A0}patient, a 45-year-old, finally quit smoking!\n\n\
         This tea cu\u{200B}res anxiety.\n\n\
         This\ttea \u{202E}cures\u{202C} anxiety.\n",
    );
    expect![[r#"
        exit: 1
        --- stdout
        error[hc.privacy.client-story]: “My patient” and “45-year-old” tell one client's story in a way that can identify them.
         --> posts/clinic-news.md:1:15
          |
        1 | My<U+00A0>patient, a 45-year-old, finally quit smoking!
          |                      ^^^^^^^^^^^ A client story can identify the client
          |
           = note: together with this: posts/clinic-news.md:1:1
           = fix: Remove the flagged words
           = see: https://www.hhs.gov/hipaa/for-professionals/special-topics/de-identification/index.html
           = why: decorum explain hc.privacy.client-story

        error[hc.marketing.guarantee-claim]: “cu<U+200B>res” promises an outcome no treatment can guarantee.
         --> posts/clinic-news.md:3:10
          |
        3 | This tea cu<U+200B>res anxiety.
          |          ^^^^^^^^^^^^^ A health claim promises a guaranteed outcome
          |
           = fix: Remove the flagged words
           = see: https://www.ftc.gov/business-guidance/resources/health-products-compliance-guidance
           = why: decorum explain hc.marketing.guarantee-claim

        error[hc.marketing.guarantee-claim]: “cures” promises an outcome no treatment can guarantee.
         --> posts/clinic-news.md:5:11
          |
        5 | This    tea <U+202E>cures<U+202C> anxiety.
          |                     ^^^^^ A health claim promises a guaranteed outcome
          |
           = fix: Remove the flagged words
           = see: https://www.ftc.gov/business-guidance/resources/health-products-compliance-guidance
           = why: decorum explain hc.marketing.guarantee-claim

        decorum: 3 errors in 1 of 1 draft checked
        --- stderr: (empty)
    "#]].assert_eq(&ws.check(&["posts"]).output().render());
}

/// A zero-width space in a policy file is named in the message and shown in the
/// snippet, with the carets under it.
#[test]
fn an_invisible_character_in_a_policy_snippet_is_shown_as_its_code_point() {
    let ws = Workspace::new();
    ws.file("that.decorum", "decorum 1\n\nrule\u{200B} r {\n}\n");
    ws.file("draft.md", "Flu shots are in.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error[policy.syntax]: expected a name, found a zero-width space (U+200B)
         --> that.decorum:3:5
          |
        3 | rule<U+200B> r {
          |     ^^^^^^^^
          |
           = help: delete it: it cannot be seen, and text pasted from a web page or a word processor often carries one

    "#]].assert_eq(
        &ws.check(&["--policy", "that.decorum", "draft.md"])
            .output()
            .render(),
    );
}

/// An error in decorum.toml shows its line with a caret under the value, like a policy
/// problem, so the reader sees what to fix without opening the file.
#[test]
fn errors_in_decorum_toml_show_their_line_with_a_caret() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "policies = [\"std/healthcare\"]\n[drafts]\ninclude = [\"../shared/**/*.md\"]\n[check]\nfail-on = \"loud\"\n",
    );
    ws.file("post.md", "Open on Saturdays.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: glob "../shared/**/*.md" has a `..` segment, so it matches no draft
         --> decorum.toml:3:12
          |
        3 | include = ["../shared/**/*.md"]
          |            ^^^^^^^^^^^^^^^^^^^
          |
           = help: globs are matched against paths inside the folder of decorum.toml, which never hold `..`: write a glob of drafts inside it, such as "posts/**"

        error: unknown severity "loud"
         --> decorum.toml:5:11
          |
        5 | fail-on = "loud"
          |           ^^^^^^
          |
           = help: `fail-on` is one of: error, warning, info, hint, never

    "#]]
    .assert_eq(&ws.check(&["post.md"]).output().render());
}

/// The caret sits under the value also after characters wider or narrower than one
/// column. (A TOML syntax error's snippet: exit_codes.rs,
/// `an_invalid_decorum_toml_is_an_error_naming_the_place`.)
#[test]
fn a_decorum_toml_error_after_wide_characters_shows_its_line() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "[libraries]\n\"ünï\" = { path = \"vendor/ünï\" }\n",
    );
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: invalid library name "ünï": it starts with `ü`
         --> decorum.toml:2:1
          |
        2 | "ünï" = { path = "vendor/ünï" }
          | ^^^^^
          |
           = help: a library name is ASCII letters, digits, `-` and `_`, starting with a letter or digit, such as `dental-network`

    "#]]
    .assert_eq(&ws.check(&[]).output().render());
}
