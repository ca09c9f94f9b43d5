//! Waivers in drafts: a reason silences the finding and is listed; no reason is itself an
//! error finding.

use expect_test::expect;

use crate::support::Workspace;

#[test]
fn a_waiver_with_a_reason_silences_the_next_paragraph_and_is_listed() {
    let ws = Workspace::new();
    ws.file(
        "qa.md",
        "<!-- decorum-allow hc.marketing.guarantee-claim: quoting a patient's question -->\n\
         “Does this tea cure anxiety?” asked a reader.\n",
    );
    expect![[r#"
        exit: 0
        --- stdout
        waivers used:
          qa.md:1: hc.marketing.guarantee-claim: quoting a patient's question (silenced 1)

        decorum: no findings (1 draft checked)
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.check(&["qa.md"]).output().render());

    let (out, json) = ws.check_json(&["qa.md"]);
    assert_eq!(out.code, 0);
    expect![[r#"
        {
          "findings": [],
          "waivers": [
            {
              "file": "qa.md",
              "line": 1,
              "reason": "quoting a patient's question",
              "rules": [
                "hc.marketing.guarantee-claim"
              ],
              "scope": "block",
              "silenced": 1
            }
          ]
        }"#]]
    .assert_eq(
        &serde_json::to_string_pretty(
            &serde_json::json!({ "findings": json["findings"], "waivers": json["waivers"] }),
        )
        .unwrap(),
    );
}

#[test]
fn a_waiver_covers_only_the_next_block() {
    let ws = Workspace::new();
    ws.file(
        "qa.md",
        "<!-- decorum-allow hc.marketing.guarantee-claim: quoting a patient's question -->\n\
         Does this tea cure anxiety?\n\
         \n\
         No, but this one cures it.\n",
    );
    let (out, json) = ws.check_json(&["qa.md"]);
    assert_eq!(out.code, 1);
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    assert_eq!(json["findings"][0]["start"]["line"], 4);
}

#[test]
fn a_file_waiver_covers_the_whole_file() {
    let ws = Workspace::new();
    ws.file(
        "qa.md",
        "<!-- decorum-allow-file hc.marketing: a reader Q&A, every claim is a quoted question -->\n\
         Does this tea cure anxiety?\n\
         \n\
         Are results guaranteed?\n",
    );
    let (out, json) = ws.check_json(&["qa.md"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(json["waivers"][0]["scope"], "file");
    assert_eq!(json["waivers"][0]["silenced"], 2);
    assert!(ws.check(&["qa.md"]).output().stdout.contains(
        "qa.md:1: hc.marketing (whole file): a reader Q&A, every claim is a quoted question (silenced 2)"
    ));
}

#[test]
fn a_waiver_without_a_reason_is_an_error_and_silences_nothing() {
    let ws = Workspace::new();
    ws.file(
        "qa.md",
        "<!-- decorum-allow hc.marketing.guarantee-claim -->\nDoes this tea cure anxiety?\n",
    );
    expect![[r#"
        exit: 1
        --- stdout
        error[decorum.waiver-reason]: This waiver has no reason, so it has no effect. Add one after a colon: `<!-- decorum-allow RULE: why -->`.
         --> qa.md:1:1
          |
        1 | <!-- decorum-allow hc.marketing.guarantee-claim -->
          | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ A waiver needs a reason
          |
           = why: decorum explain decorum.waiver-reason

        error[hc.marketing.guarantee-claim]: “cure” promises an outcome no treatment can guarantee.
         --> qa.md:2:15
          |
        2 | Does this tea cure anxiety?
          |               ^^^^ A health claim promises a guaranteed outcome
          |
           = fix: Remove the flagged words
           = see: https://www.ftc.gov/business-guidance/resources/health-products-compliance-guidance
           = why: decorum explain hc.marketing.guarantee-claim

        decorum: 2 errors in 1 of 1 draft checked
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.check(&["qa.md"]).output().render());

    let (_, json) = ws.check_json(&["qa.md"]);
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "decorum.waiver-reason");
    assert_eq!(finding["severity"], "error");
    assert_eq!(
        finding["severity_origin"],
        serde_json::json!({ "kind": "builtin" })
    );
    assert_eq!(json["waivers"], serde_json::json!([]));
}

/// The audit's waiver comments not in effect, as (problem, line), from its JSON.
fn ineffective_waivers(ws: &Workspace) -> Vec<(String, u64)> {
    let out = ws.run(&["audit", "drafts", "--format", "json"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    doc["ineffective_waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["problem"].as_str().unwrap().to_owned(),
                w["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_audit_lists_waiver_comments_that_are_not_in_effect() {
    let ws = Workspace::new();
    ws.file(
        "drafts/a.md",
        "<!-- decorum-allow hc.privacy.client-story -->\nMy patient, a 45-year-old teacher, quit smoking.\n\n<!-- decorum-allow hc.nosuch.rule: because -->\nHello.\n",
    );
    let problems = ineffective_waivers(&ws);
    assert_eq!(
        problems,
        [
            ("decorum.waiver-reason".to_owned(), 1),
            ("decorum.waiver-unknown-rule".to_owned(), 4)
        ]
    );
    let human = ws.run(&["audit", "drafts"]).output();
    assert!(
        human
            .stdout
            .contains("Waiver comments not in effect\n  drafts/a.md:1: "),
        "{}",
        human.render()
    );
}

/// A waiver comment that names no rule, or is not written as a waiver at all, is a
/// problem of the draft (`decorum.draft`), and the audit lists it with the others, in
/// order of position.
#[test]
fn the_audit_lists_waiver_comments_that_name_no_rule() {
    let ws = Workspace::new();
    ws.file(
        "drafts/nr.md",
        "<!-- decorum-allow-file: the patient agreed -->\nMy patient, a 45-year-old, quit smoking!\n\n<!-- decorum-allow hc.nosuch.rule: because -->\nHello.\n\n<!-- decorum-alow hc.privacy: typo -->\nBye.\n",
    );
    let problems = ineffective_waivers(&ws);
    assert_eq!(
        problems,
        [
            ("decorum.draft".to_owned(), 1),
            ("decorum.waiver-unknown-rule".to_owned(), 4),
            ("decorum.draft".to_owned(), 7)
        ]
    );
    let human = ws.run(&["audit", "drafts"]).output();
    assert!(
        human.stdout.contains(
            "Waiver comments not in effect\n  drafts/nr.md:1: this waiver names no rule; "
        ),
        "{}",
        human.render()
    );
}

#[test]
fn a_misspelt_waiver_is_listed_once_as_not_in_effect() {
    let ws = Workspace::new();
    ws.file(
        "drafts/a.md",
        "<!-- decorum-allow hc.privacy.client-stroy: consent on file, ref 2291 -->\nHello from the clinic.\n",
    );
    expect![[r#"
        exit: 0
        --- stdout
        warning[decorum.waiver-unknown-rule]: No active policy defines the rule `hc.privacy.client-stroy`, so this waiver does nothing. Did you mean `hc.privacy.client-story`?
         --> drafts/a.md:1:20
          |
        1 | <!-- decorum-allow hc.privacy.client-stroy: consent on file, ref 2291 -->
          |                    ^^^^^^^^^^^^^^^^^^^^^^^ A waiver names an unknown rule
          |
           = why: decorum explain decorum.waiver-unknown-rule

        decorum: 1 warning in 1 of 1 draft checked
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.check(&["drafts"]).output().render());
    let audit = ws.run(&["audit", "drafts"]).output();
    let waivers = audit
        .stdout
        .split_once("\nWaivers in drafts")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    expect![[r#"
         (1 draft checked)
          (none)

        Waiver comments not in effect
          drafts/a.md:1: No active policy defines the rule `hc.privacy.client-stroy`, so this waiver does nothing. Did you mean `hc.privacy.client-story`? (decorum.waiver-unknown-rule)
    "#]].assert_eq(waivers);
}

/// A practice's policy imports a shared file under an alias, and its author writes the
/// alias in a waiver as in the policy: the waiver is told the rule's full id.
#[test]
fn a_waiver_naming_a_rule_by_an_import_alias_is_told_the_full_id() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"clinic.decorum\"]\n");
    ws.file(
        "clinic.decorum",
        "decorum 1\npolicy clinic\n\nimport \"./shared/common\" as sc\n",
    );
    ws.file(
        "shared/common.decorum",
        "decorum 1\npolicy shared.common\n\nrule competitor {\n  severity warning\n  flag when contains [\"Northside Clinic\"]\n}\n",
    );
    ws.file(
        "drafts/a.md",
        "<!-- decorum-allow sc.competitor: comparing openly -->\nNorthside Clinic is fine.\n",
    );
    let out = ws.check(&["drafts"]).output();
    assert!(
        out.stdout.contains(
            "No active policy defines the rule `sc.competitor`, so this waiver does nothing. Did you mean `shared.common.competitor`? A waiver names a rule by its full id, not by the alias an import gives it\n"
        ),
        "{}",
        out.render()
    );
}

#[test]
fn a_waiver_of_a_rule_the_policy_disables_is_not_in_effect() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"acme.decorum\"]\n");
    ws.file(
        "acme.decorum",
        "decorum 1\npolicy acme.social\n\nimport \"std/healthcare\" as hc\n\ndisable hc.platform.hashtags because \"campaign SF-2026-04 is approved\"\n",
    );
    ws.file(
        "drafts/a.md",
        "<!-- decorum-allow hc.platform.hashtags: campaign SF-2026-04 -->\nSpring smiles #dental #teeth #smile #clinic #health #care #spring\n",
    );
    let audit = ws.run(&["audit", "drafts"]).output();
    assert_eq!(audit.code, 0, "{}", audit.render());
    let waivers = audit
        .stdout
        .split_once("\nWaivers in drafts")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    expect![[r#"
         (1 draft checked)
          (none)

        Waiver comments not in effect
          drafts/a.md:1: The rule `hc.platform.hashtags` is disabled by this workspace's policies, so it never fires and this waiver does nothing. Remove the waiver (`decorum explain hc.platform.hashtags` says where and why the rule is disabled). (decorum.waiver-disabled-rule)
    "#]].assert_eq(waivers);
    let (out, json) = ws.check_json(&["drafts"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(json["waivers"], serde_json::json!([]));
    assert_eq!(json["findings"][0]["rule"], "decorum.waiver-disabled-rule");
}

/// A waiver's reason is draft text: the audit's report shows a control character in it
/// as its code point, as `decorum check` does, so a draft cannot drive the terminal.
#[test]
fn the_audit_escapes_control_characters_in_reasons() {
    let ws = Workspace::new();
    ws.file(
        "drafts/esc.md",
        "<!-- decorum-allow hc.privacy.client-story: ok\u{1b}[2J -->\nMy patient, a 45-year-old, quit smoking!\n",
    );
    let out = ws.run(&["audit", "drafts"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);
    assert!(out.stdout.contains("ok<U+001B>[2J"), "{}", out.stdout);
}

/// Whitespace after a waiver's `-->` is nothing, a no-break space as much as a space; any
/// other text there (or a reason holding `-->`, which the first `-->` cuts) would be the
/// block the waiver covers, so the waiver is a problem of the draft that says what to do,
/// not a waiver that silently covers nothing.
#[test]
fn text_after_a_waiver_on_its_line_is_a_problem_and_whitespace_is_not() {
    let ws = Workspace::new();
    let story = "My patient, a 45-year-old teacher, agreed.\n";
    let waiver = "<!-- decorum-allow hc.privacy.client-story: ok -->";
    ws.file("spaces.md", format!("{waiver}  \t\n{story}"))
        .file("no-break-space.md", format!("{waiver} \u{a0}\n{story}"))
        .file("em-space.md", format!("{waiver}\u{2003}\u{200b}\n{story}"))
        .file(
            "second-comment.md",
            format!("{waiver} <!-- ref 2291 -->\n{story}"),
        )
        .file("text.md", format!("{waiver} see ref 2291\n{story}"))
        .file(
            "arrow-in-reason.md",
            format!(
                "<!-- decorum-allow hc.privacy.client-story: consent --> ref 2291 -->\n{story}"
            ),
        )
        .file("text.txt", format!("{waiver} see ref 2291\n{story}"));
    let (_, json) = ws.check_json(&["."]);
    let mut seen = Vec::new();
    for f in json["findings"].as_array().unwrap() {
        seen.push(format!(
            "{}:{} {}: {}",
            f["file"].as_str().unwrap(),
            f["start"]["line"],
            f["rule"].as_str().unwrap(),
            f["message"].as_str().unwrap()
        ));
    }
    for w in json["waivers"].as_array().unwrap() {
        seen.push(format!(
            "{}:{} waiver silenced {}",
            w["file"].as_str().unwrap(),
            w["line"],
            w["silenced"]
        ));
    }
    expect![[r#"
        arrow-in-reason.md:1 decorum.draft: text follows this waiver on its line, so the waiver has no effect (it would cover that text, not the next block); end the line after its `-->` and start the text on the next line (a reason cannot hold `-->`: the first one ends the comment)
        arrow-in-reason.md:2 hc.privacy.client-story: “My patient” and “45-year-old” tell one client's story in a way that can identify them.
        arrow-in-reason.md:2 hc.privacy.client-story: “My patient” and “teacher” tell one client's story in a way that can identify them.
        text.md:1 decorum.draft: text follows this waiver on its line, so the waiver has no effect (it would cover that text, not the next block); end the line after its `-->` and start the text on the next line (a reason cannot hold `-->`: the first one ends the comment)
        text.md:2 hc.privacy.client-story: “My patient” and “45-year-old” tell one client's story in a way that can identify them.
        text.md:2 hc.privacy.client-story: “My patient” and “teacher” tell one client's story in a way that can identify them.
        text.txt:1 decorum.draft: text follows this waiver on its line, so the waiver has no effect (it would cover that text, not the next block); end the line after its `-->` and start the text on the next line (a reason cannot hold `-->`: the first one ends the comment)
        text.txt:2 hc.privacy.client-story: “My patient” and “45-year-old” tell one client's story in a way that can identify them.
        text.txt:2 hc.privacy.client-story: “My patient” and “teacher” tell one client's story in a way that can identify them.
        em-space.md:1 waiver silenced 2
        no-break-space.md:1 waiver silenced 2
        second-comment.md:1 waiver silenced 2
        spaces.md:1 waiver silenced 2"#]].assert_eq(&seen.join("\n"));
}
