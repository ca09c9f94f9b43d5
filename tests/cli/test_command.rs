//! `decorum test`: run the examples written inside rules.

use expect_test::expect;

use crate::support::Workspace;

#[test]
fn passing_examples_exit_0() {
    let ws = Workspace::new();
    ws.fixture("policies/acme-social.decorum", "acme.decorum");
    expect![[r#"
        exit: 0
        --- stdout
        decorum test: 4 of 4 examples passed
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.test(&["acme.decorum"]).output().render());
}

#[test]
fn verbose_lists_every_example_with_its_place() {
    let ws = Workspace::new();
    ws.fixture("policies/acme-social.decorum", "policy/acme.decorum");
    expect![[r#"
        exit: 0
        --- stdout
        ok   acme.social.no-competitor-names #1 (policy/acme.decorum:11)
        ok   acme.social.no-competitor-names #2 (policy/acme.decorum:12)
        ok   acme.social.frequent-flyer #1 (policy/acme.decorum:21)
        ok   acme.social.frequent-flyer #2 (policy/acme.decorum:22)
        decorum test: 4 of 4 examples passed
        --- stderr: (empty)
    "#]]
    .assert_eq(
        &ws.test(&["--verbose", "policy/acme.decorum"])
            .output()
            .render(),
    );
}

#[test]
fn a_failing_example_names_rule_example_expectation_and_what_fired() {
    let ws = Workspace::new();
    ws.fixture("policies/failing-example.decorum", "wrong.decorum");
    expect![[r#"
        exit: 1
        --- stdout
        FAIL acme.wrong.no-competitor-names example #2 (wrong.decorum:8)
          text:     “Cheaper than Brightsmile Dental.”
          expected: passes
          fired:    at “Brightsmile Dental”: no-competitor-names
        decorum test: 1 of 2 examples passed
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.test(&["wrong.decorum"]).output().render());
}

/// A shared file's example runs against the rule as a practice's `use` adjusts it; when
/// it fails, the failure names the adjustment, which the example's own file does not show.
#[test]
fn a_failing_example_of_an_adjusted_rule_names_the_adjustment() {
    let ws = Workspace::new();
    ws.file(
        "shared/base.decorum",
        "decorum 1\npolicy base\n\nrule long {\n  param lim = 0\n  flag when words > lim\n  example flags \"one\"\n}\n",
    );
    ws.file(
        "clinic.decorum",
        "decorum 1\npolicy clinic\n\nimport \"./shared/base\"\n\nuse base.long {\n  lim = 1\n  example passes \"one\"\n}\n",
    );
    expect![[r#"
        exit: 1
        --- stdout
        FAIL base.long example #1 (shared/base.decorum:7)
          text:     “one”
          expected: flags
          fired:    nothing
          adjusted: lim = 1 at clinic.decorum:7
        decorum test: 1 of 2 examples passed
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.test(&["clinic.decorum"]).output().render());
}

#[test]
fn a_flags_example_at_the_wrong_span_shows_where_it_fired() {
    let ws = Workspace::new();
    ws.file(
        "span.decorum",
        "decorum 1\npolicy acme.span\n\nrule competitor {\n  flag when contains [\"Northside Clinic\"]\n  example flags \"Northside Clinic beats Brightsmile Dental\" at \"Brightsmile Dental\"\n}\n",
    );
    expect![[r#"
        exit: 1
        --- stdout
        FAIL acme.span.competitor example #1 (span.decorum:6)
          text:     “Northside Clinic beats Brightsmile Dental”
          expected: flags at “Brightsmile Dental”
          fired:    at “Northside Clinic”: competitor
        decorum test: 0 of 1 example passed
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.test(&["span.decorum"]).output().render());
}

#[test]
fn zero_examples_is_a_failure() {
    let ws = Workspace::new();
    ws.fixture("policies/no-examples.decorum", "untested.decorum");
    expect![[r#"
        exit: 1
        --- stdout
        decorum test: no examples found; write `example flags "..."` and `example passes "..."` in your rules
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.test(&["untested.decorum"]).output().render());
}

#[test]
fn a_policy_with_errors_exits_2() {
    let ws = Workspace::new();
    ws.fixture("policies/unknown-name.decorum", "typo.decorum");
    let out = ws.test(&["typo.decorum"]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert_eq!(out.stdout, "");
    assert!(out.stderr.starts_with("error[policy.unknown-name]: there is no term set named `competitor`\n --> typo.decorum:7:22\n"), "{}", out.stderr);

    let missing = ws.test(&["nowhere.decorum"]).output();
    assert_eq!(missing.code, 2, "{}", missing.render());
    assert!(
        missing
            .stderr
            .contains("no policy file at `nowhere.decorum`")
    );
}

#[test]
fn several_policy_files_add_up() {
    let ws = Workspace::new();
    ws.fixture("policies/acme-social.decorum", "acme.decorum");
    ws.fixture("policies/failing-example.decorum", "wrong.decorum");
    let out = ws.test(&["acme.decorum", "wrong.decorum"]).output();
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .ends_with("decorum test: 5 of 6 examples passed\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn without_arguments_or_config_the_std_library_examples_pass() {
    let ws = Workspace::new();
    let out = ws.test(&[]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    let last = out.stdout.lines().last().unwrap_or_default();
    let counts = last
        .strip_prefix("decorum test: ")
        .and_then(|rest| rest.strip_suffix(" examples passed"))
        .unwrap_or_else(|| panic!("unexpected summary: {last}"));
    let (passed, total) = counts.split_once(" of ").unwrap();
    assert_eq!(passed, total);
    assert!(
        total.parse::<usize>().unwrap() >= 20,
        "the std library has many examples: {last}"
    );
}

#[test]
fn without_arguments_the_workspace_policies_are_tested() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"policy/acme.decorum\"]\n");
    ws.fixture("policies/acme-social.decorum", "policy/acme.decorum");
    ws.folder("posts");
    let out = ws.test(&[]).in_dir("posts").output();
    assert_eq!(out.code, 0, "{}", out.render());
    assert_eq!(out.stdout, "decorum test: 4 of 4 examples passed\n");
}

#[test]
fn policy_warnings_are_shown_as_check_shows_them() {
    // The threshold always holds: `decorum check` warned, `decorum test` said nothing.
    let ws = Workspace::new();
    ws.file(
        "p.decorum",
        "decorum 1\npolicy p\nrule r { flag when contains [\"x\"] and words >= 0\n  example flags \"a x b\" at \"x\" }\n",
    );
    let out = ws.test(&["p.decorum"]).output();
    assert_eq!(
        out.code,
        0,
        "warnings do not fail the run: {}",
        out.render()
    );
    assert_eq!(out.stdout, "decorum test: 1 of 1 example passed\n");
    assert!(
        out.stderr
            .starts_with("warning[policy.threshold]: this comparison always holds"),
        "{}",
        out.render()
    );
}
