//! `decorum explain RULE`: what a rule checks, why, its severity and origin, examples.

use expect_test::expect;

use crate::support::Workspace;

#[test]
fn a_std_rule_is_explained() {
    let ws = Workspace::new();
    expect![[r#"
        exit: 0
        --- stdout
        A client story can identify the client (hc.privacy.client-story)

        severity: error, locked (default, from std/healthcare/privacy.decorum:472)
        tags: client-story
        source: https://www.hhs.gov/hipaa/for-professionals/special-topics/de-identification/index.html

        A story about one client plus a detail such as age, occupation, town or "today" can
        let people who know the client recognise them, even without a name. Under HIPAA's
        Safe Harbor standard these are identifiers; professional codes treat the story itself
        as confidential.

        Write about what many patients experience, without the details of one ("many of my
        patients who are teachers..."). If the story matters, use a composite and say so
        ("details changed"), or get written authorization first and say that it is on file.

        examples:
          flags  “My patient, a 45-year-old teacher, finally quit smoking!”  (at “45-year-old”)
          flags  “This patient came in this morning with chest pain and left smiling.”  (at “this morning”)
          flags  “One of my patients is the only Hmong-speaking family in our county.”  (at “the only”)
          flags  “Hoy vino una paciente de 80 años, maestra jubilada, y me hizo llorar.”  (at “una paciente de 80 años”)
          flags  “A 67-year-old retired firefighter came in with crushing chest pain.”  (at “A 67-year-old”)
          flags  “My patient, a 45-year-old, had zero cavities.”  (at “a 45-year-old”)
          flags  “Tonight in the ER: a 4-year-old who swallowed a button battery from the TV remote. Lock those remotes up.”  (at “a 4-year-old”)
          passes “Adults over 45 should ask about colon cancer screening.”
          passes “Many of my patients who are teachers tell me the school year is stressful.”
          passes “A composite story: my patient, a 45-year-old teacher, quit smoking (details changed).”
          passes “Our patient portal is down today; call the front desk for refills.”
          passes “Meet our patient experience team! This week they called 400 families after discharge.”
          passes “Our patient safety committee met today to review how we prevent falls.”
          passes “Come in today for a flu shot, no appointment needed.”
          flags  “Sat with a hospice patient this afternoon, a former jazz pianist, who asked me to hum for him.”  (at “this afternoon”)
          flags  “Lost a teenage patient this week, a 16-year-old from Dover. I keep thinking about it.”  (at “16-year-old”)
          passes “Today in clinic we give flu shots to everyone 6 months and older, walk-ins welcome.”
          flags  “Finally discharged my patient from the Christmas Eve pileup on Route 9. Three surgeries, and he walked out.”  (at “pileup on Route 9”)
          passes “Started my first week as a new grad nurse, and my patient's family brought cookies.”
          passes “I'm an ICU nurse, and my patient reminded me why I do this.”
          flags  “I'm an ICU nurse, and my patient, a retired teacher, taught me to knit.”  (at “a retired teacher”)
          flags  “Caught my third set of twins this year! Two baby girls born at 3:14am Sunday to a couple from Oakdale Heights.”  (at “3:14am”)
          passes “The first baby born at our new birth center arrived this week! Shared with the family's written permission.”
          passes “Posts like "My client today told me the funniest thing about her ex..." can feel harmless. They are not.”
          flags  “My client today told me, "I finally left him."”  (at “today”)
          passes “Everyone who came in today for the open house got a free toothbrush.”
          passes “Anyone who came in on Saturday for a flu shot can pick up their vaccine card at the front desk.”
          passes “All the patients who came in today got a sticker.”
          passes “Each patient who came in this morning got a sticker.”
          passes “This week I learned that my favourite patient question is "is this normal?" Usually, yes.”
          flags  “A man who came in today was a retired teacher.”  (at “today”)
          flags  “Our frequent flyer is back today.”  (at “today”)
          flags  “Our favorite frequent flyer is back in bay 3 tonight.”  (at “tonight”)
          flags  “The bed-blocker in room 12 is still with us today.”  (at “in room 12”)
          passes “Our frequent flyer is back.”
          passes “Booked my flight with my frequent flyer miles for the nursing conference today!”
          passes “Why we stopped saying "frequent flyer": labels change how the next nurse sees a patient.”
          passes “Today we retired "the frequent flyer" from our vocabulary.”
          passes “At grand rounds today: why calling a patient the frequent flyer changes their care.”
          passes “A frequent flyer in the ED tonight is usually someone whose needs nobody has met.”
          flags  “Our frequent flyer is back. She is 94 and lives on Elm Street.”  (at “on Elm Street”)
          flags  “Our frequent flyer is back. Third time this week.”  (at “this week”)
          passes “Our frequent flyer is back. As a nurse, I know what that visit costs.”
          passes “Made it to the frequent flyer lounge. Tonight: a nurse leadership dinner in Denver.”
          passes “Grand rounds recap: why the frequent flyer is a myth. Today our social worker showed the data.”
          flags  “Our usual no-show is back this week.”  (at “this week”)
          flags  “The no-show in bay 4 finally made it.”  (at “in bay 4”)
          passes “The no-show this morning gave me time to catch up on charting.”
          passes “Our no-show rate fell by a third this year with text reminders.”
          flags  “Back in bay 2 again: the junkie from last week.”  (at “in bay 2”)
          flags  “The psycho in room 12 threw his tray again tonight.”  (at “tonight”)
          passes “The junkie next door kept me up last night.”
          passes “That psycho driver cut me off this morning.”
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.run(&["explain", "hc.privacy.client-story"]).output().render());
}

/// A rule's title, link and explanation are escaped as findings' messages are; the
/// explanation keeps its lines.
#[test]
fn control_characters_in_a_rule_cannot_drive_the_terminal() {
    let ws = Workspace::new();
    ws.file(
        "e.decorum",
        "decorum 1\npolicy e.ctl\nrule r {\n  flag when contains [\"zz\"]\n  title \"T\x1b[31mRED\"\n  message \"hi\"\n  link \"https://e.com/\x1b[1m\"\n  explain \"\"\"\n    ex\x1b[5mplain\n    second\tline\n    \"\"\"\n}\n",
    );
    expect![[r#"
        exit: 0
        --- stdout
        T<U+001B>[31mRED (e.ctl.r)

        severity: warning (default, from e.decorum:3)
        source: https://e.com/<U+001B>[1m

        ex<U+001B>[5mplain
        second    line
        --- stderr: (empty)
    "#]]
    .assert_eq(
        &ws.run(&["explain", "--policy", "e.decorum", "e.ctl.r"])
            .output()
            .render(),
    );
}

/// A control character in a policy file's name reaches the terminal as its code point,
/// in `explain`'s origin and in `decorum test`'s places, as in every report.
#[test]
fn control_characters_in_a_policy_path_cannot_drive_the_terminal() {
    let ws = Workspace::new();
    let name = "e\x1b[31m.decorum";
    ws.file(
        name,
        "decorum 1\npolicy e.ctl\nrule r {\n  flag when contains [\"zz\"]\n  example passes \"zz\"\n}\n",
    );
    let explained = ws.run(&["explain", "--policy", name, "e.ctl.r"]).output();
    assert!(
        explained
            .stdout
            .contains("severity: warning (default, from e<U+001B>[31m.decorum:3)"),
        "{}",
        explained.render()
    );
    let tested = ws.test(&[name]).output();
    assert!(
        tested
            .stdout
            .starts_with("FAIL e.ctl.r example #1 (e<U+001B>[31m.decorum:5)"),
        "{}",
        tested.render()
    );
    for out in [&explained, &tested] {
        assert!(!out.stdout.contains('\x1b'), "{}", out.render());
    }
}

#[test]
fn a_unique_suffix_is_enough() {
    let ws = Workspace::new();
    let full = ws.run(&["explain", "hc.privacy.client-story"]).output();
    let short = ws.run(&["explain", "client-story"]).output();
    assert_eq!(short.code, 0);
    assert_eq!(short.stdout, full.stdout);
}

#[test]
fn an_override_is_named_as_the_origin() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"acme.decorum\"]\n");
    ws.file(
        "acme.decorum",
        "decorum 1\npolicy acme.social\n\nimport \"std/healthcare\" as hc\n\nuse hc.marketing.advert-share { severity error }\nuse hc.marketing.advert-share { max_share = 15% }\n",
    );
    let out = ws.run(&["explain", "hc.marketing.advert-share"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    assert!(
        out.stdout
            .contains("severity: error (set by an override at acme.decorum:6)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("parameter max_share: 15% (was 20%, set by an override at acme.decorum:7)\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_disabled_rule_says_where_and_why() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"acme.decorum\"]\n");
    ws.file(
        "acme.decorum",
        "decorum 1\npolicy acme.social\n\nimport \"std/healthcare\" as hc\n\ndisable hc.platform.hashtags because \"campaign SF-2026-04 is approved\"\n",
    );
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `hc.platform.hashtags` is disabled at acme.decorum:6, because "campaign SF-2026-04 is approved"
          = help: remove the `disable` to apply the rule again
    "#]]
    .assert_eq(&ws.run(&["explain", "hashtags"]).output().render());
}

#[test]
fn an_ambiguous_suffix_lists_the_rules_and_says_what_to_write() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"policy\"]\n");
    for name in ["one", "two"] {
        ws.file(
            &format!("policy/{name}.decorum"),
            format!("decorum 1\npolicy a.{name}\n\nrule same {{\n  flag when contains [\"{name}\"]\n}}\n"),
        );
    }
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `same` is ambiguous: a.one.same, a.two.same
          = help: name the rule in full, such as `decorum explain a.one.same`
    "#]]
    .assert_eq(&ws.run(&["explain", "same"]).output().render());
}

#[test]
fn an_unknown_rule_exits_2_with_a_suggestion() {
    let ws = Workspace::new();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: no active rule `hc.privacy.client-stroy`; did you mean `hc.privacy.client-story`?
          = help: `decorum check --format json` shows rule ids; the policies in use come from decorum.toml or --policy
    "#]]
    .assert_eq(&ws.run(&["explain", "hc.privacy.client-stroy"]).output().render());
}

#[test]
fn a_misspelt_end_of_an_id_gets_a_suggestion() {
    // A rule is usually asked for by the end of its id; a typo there was met with no
    // suggestion, since only whole ids were compared.
    let ws = Workspace::new();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: no active rule `advert-shar`; did you mean `hc.marketing.advert-share`?
          = help: `decorum check --format json` shows rule ids; the policies in use come from decorum.toml or --policy
    "#]]
    .assert_eq(&ws.run(&["explain", "advert-shar"]).output().render());
    let out = ws.run(&["explain", "marketing.advert-shar"]).output();
    assert!(
        out.stderr
            .contains("did you mean `hc.marketing.advert-share`?"),
        "{}",
        out.render()
    );
}

/// The lines of `decorum explain` between the title and the tags: severity, parameters,
/// extensions.
fn settings(stdout: &str) -> String {
    stdout
        .lines()
        .skip(2)
        .take_while(|l| !l.starts_with("tags:") && !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn a_parameter_set_twice_shows_the_value_in_force() {
    // A shared file and the practice both set the rule's parameter: one line, with the
    // value the findings use, rather than one line per override. Additions to a term-set
    // parameter add up.
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"practice.decorum\"]\n");
    ws.file(
        "shared.decorum",
        "decorum 1\npolicy acme.shared\n\nimport \"std/healthcare\" as hc\n\nuse hc.marketing.advert-share { max_share = 15% }\nuse hc.privacy.phone-number { allowed_numbers += [\"555-0100\"] }\n",
    );
    ws.file(
        "practice.decorum",
        "decorum 1\npolicy acme.practice\n\nimport \"./shared\"\nimport \"std/healthcare\" as hc\n\nuse hc.marketing.advert-share { max_share = 10% }\nuse hc.privacy.phone-number { allowed_numbers += [\"555-0111\",\n  \"555-0122\"] }\n",
    );
    let share = ws.run(&["explain", "advert-share"]).output();
    assert_eq!(share.code, 0, "{}", share.render());
    let phone = ws.run(&["explain", "phone-number"]).output();
    assert_eq!(phone.code, 0, "{}", phone.render());
    expect![[r#"
        severity: warning (default, from std/healthcare/marketing.decorum:470)
        parameter max_share: 10% (was 20%, set by an override at practice.decorum:7; it replaced 15% at shared.decorum:6)
        severity: error (default, from std/healthcare/privacy.decorum:864)
        parameter allowed_numbers: [] + ["555-0100"] + ["555-0111", "555-0122"] (was [], set by overrides at shared.decorum:7 and practice.decorum:8)
    "#]].assert_eq(&(settings(&share.stdout) + &settings(&phone.stdout)));
}

#[test]
fn extensions_of_the_sets_a_rule_reads_are_shown() {
    // The rule reads `claims`, which names `base`: an `extend` of either changes what it
    // flags; one of a set it does not read is not shown, even when its terms name one the
    // rule reads.
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"practice.decorum\"]\n");
    ws.file(
        "lib.decorum",
        "decorum 1\npolicy lib\n\nterms base = [\"miracle\"]\nterms claims = base + [\"cure-all\"]\nterms other = [\"sale\"]\n\nrule claim { flag when contains claims }\nrule offer { flag when contains other }\n",
    );
    ws.file(
        "practice.decorum",
        "decorum 1\npolicy acme.practice\n\nimport \"./lib\"\n\nextend lib.base += [\"wonder\",\n  \"marvel\"]\nextend lib.claims -= [\"cure-all\"]\nextend lib.other += [\"offer\"] + lib.base\n",
    );
    let out = ws.run(&["explain", "lib.claim"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    expect![[r#"
        severity: warning (default, from lib.decorum:8)
        extend lib.base += ["wonder", "marvel"] (at practice.decorum:6)
        extend lib.claims -= ["cure-all"] (at practice.decorum:8)
    "#]]
    .assert_eq(&settings(&out.stdout));
}

#[test]
fn extensions_of_a_replaced_parameter_default_are_not_shown() {
    // The rule reads its parameter `watch`, whose default names `base`; a shared file sets
    // it to `third`, then the practice to `other`. The rule now reads `other` alone, so
    // only the `extend` of `other` changes what it flags. (Before, every set named in the
    // default and in every `use` was listed.)
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"practice.decorum\"]\n");
    ws.file(
        "lib.decorum",
        "decorum 1\npolicy lib\n\nterms base = [\"alpha\"]\nterms other = [\"beta\"]\nterms third = [\"gamma\"]\n\nrule r {\n  param watch = base\n  flag when contains watch\n}\n",
    );
    ws.file(
        "shared.decorum",
        "decorum 1\npolicy acme.shared\n\nimport \"./lib\"\n\nuse lib.r { watch = lib.third }\n",
    );
    ws.file(
        "practice.decorum",
        "decorum 1\npolicy acme.practice\n\nimport \"./shared\"\nimport \"./lib\"\n\nuse lib.r { watch = lib.other }\nextend lib.base += [\"delta\"]\nextend lib.third += [\"epsilon\"]\nextend lib.other += [\"zeta\"]\n",
    );
    let out = ws.run(&["explain", "lib.r"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    expect![[r#"
        severity: warning (default, from lib.decorum:8)
        parameter watch: lib.other (was base, set by an override at practice.decorum:7; it replaced lib.third at shared.decorum:6)
        extend lib.other += ["zeta"] (at practice.decorum:10)
    "#]]
    .assert_eq(&settings(&out.stdout));
    // What the findings say agrees: only `other`'s terms are flagged.
    ws.file("draft.md", "alpha beta gamma delta epsilon zeta\n");
    let (_, json) = ws.check_json(&["draft.md"]);
    let flagged: Vec<&str> = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(flagged.len(), 2, "{flagged:?}");
}

#[test]
fn a_text_parameter_shows_both_values_in_quotes() {
    // The new value was shown as written, in its quotes, and the default without them:
    // `parameter label: "line" (was hotline, ...)`.
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"practice.decorum\"]\n");
    ws.file(
        "lib.decorum",
        "decorum 1\npolicy lib\n\nrule crisis {\n  param label = \"hotline\"\n  param n = 2\n  message \"call the {label} ({n})\"\n  flag when contains [\"suicidal\"]\n}\n",
    );
    ws.file(
        "practice.decorum",
        "decorum 1\npolicy acme.practice\n\nimport \"./lib\"\n\nuse lib.crisis {\n  label = \"line\"\n  n = 5\n}\n",
    );
    let out = ws.run(&["explain", "lib.crisis"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    expect![[r#"
        severity: warning (default, from lib.decorum:4)
        parameter label: "line" (was "hotline", set by an override at practice.decorum:7)
        parameter n: 5 (was 2, set by an override at practice.decorum:8)
    "#]]
    .assert_eq(&settings(&out.stdout));
}
