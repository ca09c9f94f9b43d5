//! `decorum audit`: overrides, disabled and locked rules, as an auditor reads them.

use expect_test::expect;

use crate::support::Workspace;

/// The audit's sections from "Overrides" to just before "Waivers in drafts".
fn policy_sections(stdout: &str) -> &str {
    let from = stdout.find("Overrides\n").unwrap_or_default();
    let to = stdout.find("Waivers in drafts").unwrap_or(stdout.len());
    &stdout[from..to]
}

#[test]
fn a_lock_added_by_a_use_block_is_placed_there_and_has_an_effect() {
    // A shared file locks a std rule at its own severity; the practice raises it. The
    // lock comes from the shared file's `use`, not from the rule's definition, and that
    // override is not "no change": it binds the practice.
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"practice.decorum\"]\n");
    ws.file(
        "shared.decorum",
        "decorum 1\npolicy acme.shared\n\nimport \"std/healthcare\" as hc\n\nuse hc.marketing.advert-share { severity warning locked }\n",
    );
    ws.file(
        "practice.decorum",
        "decorum 1\npolicy acme.practice\n\nimport \"./shared\"\nimport \"std/healthcare\" as hc\n\nuse hc.marketing.advert-share { severity error }\n",
    );
    let out = ws.run(&["audit"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    expect![[r#"
        Overrides
          hc.marketing.advert-share: severity warning -> warning, locked  (shared.decorum:6)
          hc.marketing.advert-share: severity warning -> error  (practice.decorum:7)

        Disabled rules
          (none)

        Extended term sets
          (none)

        Locked rules
          hc.marketing.advert-share (error)  (shared.decorum:6)
          hc.privacy.client-story (error)  (std/healthcare/privacy.decorum:472)

    "#]]
    .assert_eq(policy_sections(&out.stdout));
    let json = ws.run(&["audit", "--format", "json"]).output();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["overrides"][0]["locked"], true);
    assert_eq!(doc["overrides"][0]["no_effect"], serde_json::Value::Null);
    assert_eq!(doc["overrides"][1]["locked"], false);
    // `decorum explain` names the same place for the lock.
    let explain = ws.run(&["explain", "advert-share"]).output();
    assert!(
        explain.stdout.contains(
            "severity: error, locked at shared.decorum:6 (set by an override at practice.decorum:7)\n"
        ),
        "{}",
        explain.render()
    );
}

#[test]
fn a_text_parameter_is_shown_in_quotes_before_and_after_each_override() {
    // The audit showed a text's value before an override without its quotes, as the
    // engine renders it (`param label hotline -> "line"`), where `decorum explain` shows
    // it as written; and a text set to the value it had was not seen to change nothing.
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"practice.decorum\"]\n");
    ws.file(
        "lib.decorum",
        "decorum 1\npolicy lib\n\nrule crisis {\n  param label = \"hotline\"\n  param tone = \"calm\"\n  param n = 2\n  message \"call the {label} ({n}, {tone})\"\n  flag when contains [\"suicidal\"]\n}\n",
    );
    ws.file(
        "shared.decorum",
        "decorum 1\npolicy acme.shared\n\nimport \"./lib\"\n\nuse lib.crisis {\n  label = \"helpline\"\n}\n",
    );
    ws.file(
        "practice.decorum",
        "decorum 1\npolicy acme.practice\n\nimport \"./lib\"\nimport \"./shared\"\n\nuse lib.crisis {\n  label = \"line\"\n  tone = \"calm\"\n  n = 5\n}\n",
    );
    let out = ws.run(&["audit"]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    expect![[r#"
        Overrides
          lib.crisis: param label "hotline" -> "helpline"  (shared.decorum:7)
          lib.crisis: param label "helpline" -> "line"  (practice.decorum:8)
          lib.crisis: param tone "calm" -> "calm"  (practice.decorum:9)  [no effect: no change]
          lib.crisis: param n 2 -> 5  (practice.decorum:10)

        Disabled rules
          (none)

        Extended term sets
          (none)

        Locked rules
          (none)

    "#]]
    .assert_eq(policy_sections(&out.stdout));
    let json = ws.run(&["audit", "--format", "json"]).output();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["overrides"][0]["from"], "\"hotline\"");
}
