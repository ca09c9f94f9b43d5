//! Which policies a run applies: `--policy`, else decorum.toml found upward from the
//! current folder, else the embedded `std/healthcare` library.

use expect_test::expect;

use crate::support::Workspace;

#[test]
fn without_config_or_flag_the_embedded_std_healthcare_applies() {
    let ws = Workspace::new();
    ws.file("tea.md", "This tea cures anxiety.\n");
    let (out, json) = ws.check_json(&["tea.md"]);
    assert_eq!(out.code, 1, "{}", out.render());
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["hc.marketing.guarantee-claim"]);
    assert_eq!(
        json["findings"][0]["severity_origin"]["file"], "std/healthcare/marketing.decorum",
        "the rule comes from the embedded library"
    );
}

#[test]
fn policy_flag_replaces_the_default_library() {
    let ws = Workspace::new();
    ws.fixture("policies/acme-social.decorum", "policy/acme.decorum");
    ws.file(
        "post.md",
        "This tea cures anxiety. Better than Northside Clinic!\n",
    );
    let (out, json) = ws.check_json(&["--policy", "policy/acme.decorum", "post.md"]);
    assert_eq!(out.code, 1, "{}", out.render());
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["acme.social.no-competitor-names"],
        "only the named policy applies: no std rule fires on “cures”"
    );
}

#[test]
fn decorum_toml_is_found_from_a_subfolder() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"policy/acme.decorum\"]\n");
    ws.fixture("policies/acme-social.decorum", "policy/acme.decorum");
    ws.file("posts/week1/monday.md", "Another frequent flyer tonight.\n");
    ws.file("posts/week1/tuesday.md", "This tea cures anxiety.\n");
    let out = ws.check(&[]).in_dir("posts/week1").output();
    expect![[r#"
        exit: 0
        --- stdout
        warning[acme.social.frequent-flyer]: Slang for patients who visit often
         --> monday.md:1:9
          |
        1 | Another frequent flyer tonight.
          |         ^^^^^^^^^^^^^^ Slang for patients who visit often
          |
           = fix: Replace with “patient who visits often”
           = why: decorum explain acme.social.frequent-flyer

        decorum: 1 warning in 1 of 2 drafts checked
        --- stderr: (empty)
    "#]]
    .assert_eq(&out.render());
    let (_, json) = ws.check_json_in("posts/week1", &[]);
    // Policy paths are shown relative to the folder of decorum.toml.
    assert_eq!(
        json["findings"][0]["severity_origin"]["file"],
        "policy/acme.decorum"
    );
}

#[test]
fn policy_flag_wins_over_decorum_toml() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"policy/acme.decorum\"]\n");
    ws.fixture("policies/acme-social.decorum", "policy/acme.decorum");
    ws.file(
        "post.md",
        "Another frequent flyer tonight. This tea cures anxiety.\n",
    );
    let (_, json) = ws.check_json(&["--policy", "std/healthcare", "post.md"]);
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // Only the standard library applies: acme's own rules (which also catch "frequent
    // flyer") are not loaded.
    assert!(rules.contains(&"hc.marketing.guarantee-claim"), "{rules:?}");
    assert!(rules.iter().all(|r| r.starts_with("hc.")), "{rules:?}");
}
