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
        error[hc.privacy.client-story]: “My patient” points to one client, and “45-year-old” can identify them.
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
    assert!(out.stdout.contains("This \u{FFFD}[2J tea cures anxiety."));
}
