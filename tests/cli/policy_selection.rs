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

/// A draft outside the current folder is shown as a path from it (`../posts/p.md`), in
/// every format, not relative to the folder of decorum.toml (`posts/p.md`, which does not
/// exist where the run started); an absolute argument stays absolute.
#[test]
fn drafts_outside_the_current_folder_are_shown_from_it() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"policy/acme.decorum\"]\n");
    ws.fixture("policies/acme-social.decorum", "policy/acme.decorum");
    ws.folder("site");
    ws.file("posts/p.md", "Another frequent flyer tonight.\n");
    let out = ws.check(&["../posts/p.md"]).in_dir("site").output();
    assert!(
        out.stdout.contains(" --> ../posts/p.md:1:9\n"),
        "{}",
        out.render()
    );
    // The JSON check reads every reported file relative to `site`.
    let (_, json) = ws.check_json_in("site", &["../posts/p.md"]);
    assert_eq!(json["findings"][0]["file"], "../posts/p.md");
    let (_, json) = ws.check_json_in("site", &["--config", "../decorum.toml", "../posts"]);
    assert_eq!(json["findings"][0]["file"], "../posts/p.md");
    let sarif = ws
        .check(&["--format", "sarif", "./../posts/p.md"])
        .in_dir("site")
        .output();
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "../posts/p.md"
    );
    let absolute = ws.path("posts/p.md").display().to_string();
    let out = ws.check(&[&absolute]).in_dir("site").output();
    assert!(
        out.stdout.contains(" --> [WS]/posts/p.md:1:9\n"),
        "{}",
        out.render()
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

/// A folder with its own decorum.toml inside the checked tree: the language server
/// applies it to the drafts below it, this run does not, and says so.
#[test]
fn a_nested_decorum_toml_that_does_not_apply_is_named_with_how_to_apply_it() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"std/healthcare\"]\n");
    ws.file(
        "clinic/decorum.toml",
        "policies = [\"policy/acme.decorum\"]\n",
    );
    ws.fixture("policies/acme-social.decorum", "clinic/policy/acme.decorum");
    ws.file(
        "clinic/posts/monday.md",
        "Another frequent flyer tonight.\n",
    );
    ws.file("clinic/posts/tuesday.md", "Another quiet night.\n");
    ws.file("top.md", "Another quiet night.\n");
    let out = ws.check(&[]).output();
    expect![[r#"
        exit: 0
        --- stdout
        warning[hc.tone.derogatory-label]: “frequent flyer” belittles a patient; describe the situation instead.
         --> clinic/posts/monday.md:1:9
          |
        1 | Another frequent flyer tonight.
          |         ^^^^^^^^^^^^^^ A derogatory label for patients
          |
           = fix: Replace with “frequent visitor”
           = see: https://www.ncsbn.org/public-files/NCSBN_SocialMedia.pdf
           = why: decorum explain hc.tone.derogatory-label

        decorum: 1 warning in 1 of 3 drafts checked
        --- stderr
        warning: this decorum.toml does not apply to the 2 drafts below it in this run
          --> clinic/decorum.toml
           = help: `decorum check` applies one decorum.toml to every draft, the one in the working folder or above it (here decorum.toml), while the language server applies the nearest one to each draft; to apply this one, run `decorum check` in clinic or pass `--config clinic/decorum.toml`

    "#]]
    .assert_eq(&out.render());
    // The JSON report carries it as a warning; it changes no exit code.
    let (out, json) = ws.check_json(&[]);
    assert_eq!(out.code, 0, "{}", out.render());
    let problems = json["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["file"], "clinic/decorum.toml");
    assert_eq!(problems[0]["level"], "warning");
    assert_eq!(problems[0]["code"], "input");
    // SARIF: an execution notification on the decorum.toml.
    let (out, sarif) = ws.check_sarif(&[]);
    assert_eq!(out.code, 0, "{}", out.render());
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes[0]["level"], "warning", "{notes}");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "clinic/decorum.toml",
        "{notes}"
    );
    // Following the advice applies the clinic's policy, without the warning.
    let out = ws.check(&[]).in_dir("clinic").output();
    assert_eq!(out.code, 0, "{}", out.render());
    assert!(
        out.stdout.contains("acme.social.frequent-flyer"),
        "{}",
        out.render()
    );
    assert!(out.stderr.is_empty(), "{}", out.render());
    let out = ws
        .check(&["--config", "clinic/decorum.toml", "clinic"])
        .output();
    assert!(
        out.stdout.contains("acme.social.frequent-flyer"),
        "{}",
        out.render()
    );
    assert!(out.stderr.is_empty(), "{}", out.render());
}

#[test]
fn sibling_files_setting_one_rule_differently_are_warned_about() {
    // Two files imported side by side both adjust one rule: the later import wins, and
    // nothing said so until this warning.
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"policy/org.decorum\"]\n");
    ws.file(
        "policy/org.decorum",
        "decorum 1\npolicy org\nimport \"./a\"\nimport \"./b\"\n",
    );
    ws.file(
        "policy/a.decorum",
        "decorum 1\npolicy org.a\nimport \"std/healthcare\" as hc\nuse hc.marketing.advert-share { max_share = 15% }\n",
    );
    ws.file(
        "policy/b.decorum",
        "decorum 1\npolicy org.b\nimport \"std/healthcare\" as hc\nuse hc.marketing.advert-share { max_share = 30% }\nuse hc.tone.venting { severity warning }\n",
    );
    ws.file("post.md", "Flu shots are in.\n");
    let out = ws.check(&["post.md"]).output();
    assert_eq!(
        out.code,
        0,
        "a warning does not fail the run: {}",
        out.render()
    );
    expect![[r#"
        warning[policy.use-conflict]: `hc.marketing.advert-share`: its parameter `max_share` is set to `30%` here and to `15%` in a file imported beside this one; this value wins, as the later import
         --> policy/b.decorum:4:33
          |
        4 | use hc.marketing.advert-share { max_share = 30% }
          |                                 ^^^^^^^^^^^^^^^
          |
           = note: also set here: policy/a.decorum:4:33
           = help: set it in one place, or in the file that imports both, whose `use` wins over theirs

    "#]]
    .assert_eq(&out.stderr);
}

#[test]
fn in_a_policy_folder_the_file_that_imports_another_wins_whatever_their_names() {
    // `policies` lists a folder, so both files are roots; the clinic's file imports the
    // helper, so its `use` wins, as for any import. It used to depend on which name came
    // later in the alphabet.
    for helper in ["helper", "a-helper"] {
        let ws = Workspace::new();
        ws.file("decorum.toml", "policies = [\"policy\"]\n");
        ws.file(
            "policy/clinic.decorum",
            format!(
                "decorum 1\npolicy clinic\nimport \"./{helper}\" as h\nimport \"std/healthcare\" as hc\n\
                 use hc.marketing.advert-share {{ severity warning max_share = 15% }}\n"
            ),
        );
        ws.file(
            format!("policy/{helper}.decorum").as_str(),
            "decorum 1\npolicy clinic.helper\nimport \"std/healthcare\" as hc\n\
             use hc.marketing.advert-share { severity hint max_share = 90% }\n",
        );
        let out = ws.run(&["explain", "hc.marketing.advert-share"]).output();
        assert_eq!(out.code, 0, "{}", out.render());
        assert!(
            out.stdout
                .contains("severity: warning (set by an override at policy/clinic.decorum:5)"),
            "{helper}: {}",
            out.render()
        );
        assert!(
            out.stdout.contains("max_share: 15%"),
            "{helper}: {}",
            out.render()
        );
        assert!(out.stderr.is_empty(), "{helper}: {}", out.render());
    }
}
